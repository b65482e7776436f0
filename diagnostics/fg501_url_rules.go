package diagnostics

import (
	"sort"
	"strings"
)

// FG501 for views registered with add_url_rule: view functions and View /
// MethodView classes. This half of the rule is a project check: the view
// is what add_url_rule's view_func resolves to in the project model (a
// function, or C.as_view(...) of a class, possibly through a name or an
// import), and the fix edits the view's definition, which is another
// statement than the call — often another file.
//
// The finding is on the add_url_rule call when the view is defined in the
// same file (the call is where POST is declared); when the view is defined
// in another file it is on the view's name there, where the fix goes,
// with the add_url_rule call as related information.

const limitDecorator = `.limit("5 per minute")`

func checkURLRuleViews(p *ProjectPass) {
	m := p.Model
	if m.r == nil {
		return
	}
	rep := newReporter(p)
	ctxs := map[*fileIndex]*Context{}
	ctxOf := func(fi *fileIndex) *Context {
		c, ok := ctxs[fi]
		if !ok {
			if ms := fi.pf.Symbols; ms != nil {
				c = BuildContext(ms, p.Project)
			}
			ctxs[fi] = c
		}
		return c
	}
	for _, v := range m.Views {
		if v.call.c == nil || !v.def.valid() || !hasString(v.Methods, "POST") || !urlRuleAuthView(v) {
			continue
		}
		callCtx, defCtx := ctxOf(v.call.fi), ctxOf(v.def.fi)
		if callCtx == nil || defCtx == nil {
			continue
		}
		limited, exempt := urlRuleViewLimits(m.r, v, callCtx, defCtx)
		if limited && !exempt {
			continue
		}
		f := v.File
		fd := Finding{Start: v.At.Start, End: v.At.End, Message: fg501Message}
		if v.def.fi != v.call.fi {
			at := v.def.loc(v.def.s.NameAt)
			f, fd.Start, fd.End = v.def.fi.pf.File, at.Start, at.End
			fd.Related = []Related{{Path: v.At.Path, Start: v.At.Start, End: v.At.End, Message: "the add_url_rule call registering this view for POST"}}
		}
		if !exempt {
			if fix, ok := urlRuleFix(m.r, v, defCtx); ok {
				fd.Fixes = []Fix{fix}
			}
		}
		rep.report(f, fd)
	}
}

// urlRuleAuthView: the URL rule, the endpoint, the as_view name or the
// view's own name is about authentication, or the view (a class: one of
// its methods handling POST, PUT, PATCH or DELETE, else dispatch_request)
// checks a password or logs a user in.
func urlRuleAuthView(v *View) bool {
	c := v.call.c
	named := func(kw []KwFact, args []ArgFact, name string, i int) bool {
		a, ok := kwArg(kw, name)
		if !ok && i < len(args) {
			a, ok = args[i], true
		}
		return ok && a.Kind == ArgString && mentionsAuth(a.Str)
	}
	if named(c.Kw, c.Args, "rule", 0) || named(c.Kw, c.Args, "endpoint", 1) ||
		mentionsAuth(v.def.s.Name) || v.def.s.Authenticates {
		return true
	}
	vf, ok := kwArg(c.Kw, "view_func")
	if !ok && len(c.Args) > 2 {
		vf, ok = c.Args[2], true
	}
	if ok && vf.Kind == ArgCall && strings.HasSuffix(vf.Name, ".as_view") && named(vf.items().Kw, vf.items().Args, "name", 0) {
		return true
	}
	if v.def.s.Class {
		for _, fn := range v.funcs {
			if fn.s.Authenticates {
				return true
			}
		}
	}
	return false
}

// urlRuleViewLimits says whether a rate limit applies to an add_url_rule
// view, and whether it is marked exempt: limit decorators on the function;
// for a class, its decorators attribute (or the nearest base class's) and
// limit decorators on every method handling a mutating request; a limit
// on the blueprint or the function (limiter.limit(...)(bp)); default limits.
func urlRuleViewLimits(r *resolver, v *View, callCtx, defCtx *Context) (limited, exempt bool) {
	d := v.def
	isLimiter := func(name string) bool {
		if defCtx.Rule.Limiters[name] || strings.Contains(strings.ToLower(lastPart(name)), "limiter") {
			return true
		}
		_, _, ok := localLimiterBind(d.fi, d.s.Parent, name, d.base+d.s.Off)
		return ok
	}
	apply := func(decos []DecoratorFact) {
		for _, dec := range decos {
			l, e := decoratorLimits(dec, defCtx, isLimiter)
			limited, exempt = limited || l, exempt || e
		}
	}
	if !d.s.Class {
		apply(d.s.Decos)
	} else {
		for _, c := range r.mro(d) {
			if c.s.cls().HasViewDecos {
				apply(c.s.cls().ViewDecos)
				break
			}
		}
		// A limit on each method handling a mutating request counts too.
		all := len(v.funcs) > 0
		for _, fn := range v.funcs {
			l := false
			for _, dec := range fn.s.Decos {
				fl, _ := decoratorLimits(dec, defCtx, isLimiter)
				l = l || fl
			}
			all = all && l
		}
		limited = limited || all
	}
	rc := callCtx.Rule
	recv, _ := splitLastDot(v.call.c.Func)
	limited = limited || rc.DefaultLimits || defCtx.Rule.DefaultLimits || rc.LimitedTargets[qualifyLocal(callCtx, recv)]
	if vf, ok := kwArg(v.call.c.Kw, "view_func"); ok && vf.Kind == ArgName {
		limited = limited || rc.LimitedTargets[qualifyLocal(callCtx, vf.Name)]
	} else if !ok && len(v.call.c.Args) > 2 && v.call.c.Args[2].Kind == ArgName {
		limited = limited || rc.LimitedTargets[qualifyLocal(callCtx, v.call.c.Args[2].Name)]
	}
	if d.s.Parent == "" {
		limited = limited || defCtx.Rule.LimitedTargets[qualifyLocal(defCtx, d.s.Name)]
	}
	return limited, exempt
}

// decoratorLimits reads one decorator as the statement check does:
// X.limit(...) / X.shared_limit(...) limit, X.exempt with X a Limiter
// exempts, and so does nothing else but a decorator named like a limit.
func decoratorLimits(dec DecoratorFact, ctx *Context, isLimiter func(string) bool) (limited, exempt bool) {
	recv, meth := splitLastDot(dec.Name)
	switch {
	case recv != "" && (meth == "limit" || meth == "shared_limit") && dec.Call:
		return true, false
	case recv != "" && meth == "exempt" && !dec.Call && isLimiter(recv):
		return false, true
	case limitingDecorator(dec.Name) || limitingDecorator(ctx.Qualify(dec.Name)):
		return true, false
	}
	return false, false
}

// localLimiterBind finds "name = Limiter(...)" in the functions enclosing
// scope (a factory), before offset before; name "" accepts any name (the
// first one bound wins). It returns the name and where it is bound.
func localLimiterBind(fi *fileIndex, scope, name string, before int) (string, int, bool) {
	for s := scope; s != ""; {
		sc, ok := fi.scope(s)
		if !ok {
			break
		}
		if !sc.s.Class {
			best, at := "", -1
			for _, b := range fi.binds {
				if b.b.Scope != s || name != "" && b.b.Name != name {
					continue
				}
				pos := b.base + b.b.Off
				if c := b.call(); c == nil || lastPart(c.Func) != "Limiter" || pos >= before {
					continue
				}
				if at < 0 || pos < at || pos == at && b.b.Name < best {
					best, at = b.b.Name, pos
				}
			}
			if at >= 0 {
				return best, at, true
			}
		}
		s = sc.s.Parent
	}
	return "", 0, false
}

// pickLimiter chooses among a file's Limiter names: "limiter" if there,
// else the first in order.
func pickLimiter(names map[string]bool) string {
	if names["limiter"] {
		return "limiter"
	}
	list := make([]string, 0, len(names))
	for n, ok := range names {
		if ok {
			list = append(list, n)
		}
	}
	sort.Strings(list)
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// boundBefore reports a module-level name of fi first bound before pos.
func boundBefore(fi *fileIndex, name string, pos int) bool {
	bs := fi.namesOf(name)
	return len(bs) > 0 && bs[0].pos < pos
}

// urlRuleFix rate-limits an add_url_rule view where it is defined: a
// function gets @limiter.limit("5 per minute") right above its def line; a
// View class gets limiter.limit("5 per minute") added to its decorators
// attribute, or the attribute itself. The Limiter is the file's (bound
// before the definition), one created earlier in the factory defining the
// view, or a new one created right after the app (as the statement check
// does). No fix when the definition would run before the Limiter exists,
// or a class inherits its decorators (replacing them would drop the
// inherited ones) or has a base outside the project other than Flask's.
func urlRuleFix(r *resolver, v *View, defCtx *Context) (Fix, bool) {
	d := v.def
	fi := d.fi
	t := fi.pf.File.Text
	if t == nil {
		return Fix{}, false
	}
	defStart := d.base + d.s.Off
	nested := d.s.Parent != ""
	if nested {
		if sc, ok := fi.scope(d.s.Parent); !ok || sc.s.Class {
			return Fix{}, false // a method or a class in a class
		}
	}
	fix := Fix{Title: "Rate-limit this view"}
	name := ""
	if len(defCtx.Rule.Limiters) > 0 {
		name = pickLimiter(defCtx.Rule.Limiters)
		if !nested && !boundBefore(fi, name, defStart) {
			return Fix{}, false // the definition runs before the Limiter exists
		}
	} else if local, _, ok := localLimiterBind(fi, d.s.Parent, "", defStart); ok {
		name = local
	} else if defCtx.Rule.HasLimiter {
		return Fix{}, false // a Limiter exists but not under a name the view can use
	} else {
		name = "limiter"
		if !newLimiter(&fix, v, defCtx) {
			return Fix{}, false
		}
		fix.Imports = []Import{{Module: "flask_limiter", Name: "Limiter"}, {Module: "flask_limiter.util", Name: "get_remote_address"}}
	}
	item := name + limitDecorator
	if !d.s.Class {
		line := t.LineOf(d.base + d.s.NameAt.Off)
		indent := t.Indent(line)
		rest := strings.TrimPrefix(string(t.Line(line)), indent)
		if !strings.HasPrefix(rest, "def ") && !strings.HasPrefix(rest, "async ") {
			return Fix{}, false
		}
		at := t.LineStart(line)
		fix.Edits = append(fix.Edits, TextEdit{Start: at, End: at, NewText: indent + "@" + item + t.LineEnding()})
		return fix, true
	}
	edits, ok := classDecoratorEdits(r, d, item)
	if !ok {
		return Fix{}, false
	}
	fix.Edits = append(fix.Edits, edits...)
	return fix, true
}

// newLimiter adds to fix the creation of "limiter = Limiter(
// get_remote_address, app=APP)": inside the factory creating the app the
// view is registered on, on the line after the app's creation (the view
// must be defined in that factory, after it); else after the module-level
// statement binding the app (the add_url_rule receiver, or the file's only
// module-level app for a blueprint's view), through a Fix.Insert.
func newLimiter(fix *Fix, v *View, defCtx *Context) bool {
	d := v.def
	fi := d.fi
	t := fi.pf.File.Text
	defStart := d.base + d.s.Off
	if a := v.App; a != nil && a.Scope != "" {
		c := a.site.c
		if a.site.fi != fi || d.s.Parent != a.Scope || !c.Direct || a.Var == "" || c.Bound != a.Var {
			return false
		}
		stmtEnd := a.site.base + c.Stmt.End
		if defStart < stmtEnd {
			return false
		}
		line := t.LineOf(a.site.base + c.Stmt.Off)
		at := t.LineStart(t.LineOf(stmtEnd) + 1)
		fix.Edits = append(fix.Edits, TextEdit{Start: at, End: at,
			NewText: t.Indent(line) + "limiter = Limiter(get_remote_address, app=" + a.Var + ")" + t.LineEnding()})
		return true
	}
	app := ""
	recv, _ := splitLastDot(v.call.c.Func)
	switch {
	case v.call.fi == fi && v.call.c.Scope == "" && !strings.Contains(recv, ".") && defCtx.KindOf(recv) == KindApp:
		app = recv
	case v.App != nil && v.call.fi == fi:
		return false // an app reached otherwise (an attribute): no place known
	default:
		var apps []string
		for n, k := range defCtx.Kinds {
			if k == KindApp && !strings.Contains(n, ".") {
				apps = append(apps, n)
			}
		}
		if len(apps) != 1 {
			return false
		}
		app = apps[0]
	}
	if d.s.Parent == "" && !boundBefore(fi, app, defStart) {
		return false // the view is defined before the app: the Limiter would come after it
	}
	fix.Inserts = []Insert{{After: app, Text: "limiter = Limiter(get_remote_address, app=" + app + ")\n"}}
	return true
}

// classDecoratorEdits adds item to a View class's decorators attribute:
// into the list or tuple it is written as, or as a new attribute when no
// class of its hierarchy has one.
func classDecoratorEdits(r *resolver, cls scopeRef, item string) ([]TextEdit, bool) {
	t := cls.fi.pf.File.Text
	s := cls.s
	if s.cls().HasViewDecos {
		b := s.cls().ViewDecosBox
		switch {
		case s.cls().ViewDecosKind == "list":
			return insertItems(t, cls.base, b, []string{item}), true
		case s.cls().ViewDecosKind == "tuple" && b.Count == 0:
			at := cls.base + b.Open + 1
			return []TextEdit{{Start: at, End: at, NewText: item + ","}}, true
		case s.cls().ViewDecosKind == "tuple":
			return insertItems(t, cls.base, b, []string{item}), true
		}
		return nil, false // a name, a call...: not a literal to extend
	}
	for _, c := range r.mro(cls) {
		if c.s.cls().HasViewDecos {
			return nil, false // inherited: a new attribute would drop them
		}
		for _, b := range c.s.cls().Bases {
			if b == "object" {
				continue
			}
			bv := r.lookup(c.fi, c.s.Parent, b, c.base+c.s.Off)
			if !bv.cls.valid() && !(bv.kind == vExternal && flaskViewClasses[bv.q]) {
				return nil, false // a base from elsewhere may define decorators
			}
		}
	}
	e, ok := classInsertion(cls, []string{"decorators = [" + item + "]"})
	if !ok {
		return nil, false
	}
	// Put first, above a method: a blank line between them, as PEP 8 has it.
	if next := string(t.Bytes[e.End:min(len(t.Bytes), e.End+200)]); strings.TrimSpace(next) != "" {
		switch rest := strings.TrimLeft(next, " \t"); {
		case strings.HasPrefix(rest, "def "), strings.HasPrefix(rest, "async "), strings.HasPrefix(rest, "@"), strings.HasPrefix(rest, "class "):
			e.NewText += t.LineEnding()
		}
	}
	return []TextEdit{e}, true
}

var flaskViewClasses = map[string]bool{
	"flask.views.View": true, "flask.views.MethodView": true,
}
