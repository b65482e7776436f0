package diagnostics

import (
	"sort"
	"strings"
)

// Building the model: find the apps, blueprints and extensions, attribute
// config writes, routes, registrations and request hooks to them, then
// gather each app's configuration.

// opRef is one config write attributed to an app (or a class of apps).
type opRef struct {
	fi    *fileIndex
	base  int
	set   *SetFact
	call  *CallFact
	group int // 0 Flask subclass, 1 the app's own file, 2 other files, 3 unknown receiver
}

func (o opRef) pos() int {
	if o.set != nil {
		return o.base + o.set.Off
	}
	return o.base + o.call.Off
}

func (o opRef) scope() string {
	if o.set != nil {
		return o.set.Scope
	}
	return o.call.Scope
}

func (o opRef) direct() (Span, bool) {
	if o.set != nil {
		return o.set.Stmt, o.set.Direct
	}
	return o.call.Stmt, o.call.Direct
}

type registration struct {
	bp *Blueprint
	t  target
}

type hook struct {
	t       target
	appWide bool // before_app_request on a blueprint
	at      Location
}

func splitLastDot(dotted string) (recv, name string) {
	i := strings.LastIndexByte(dotted, '.')
	if i < 0 {
		return "", dotted
	}
	return dotted[:i], dotted[i+1:]
}

var httpRouteMethods = map[string]string{"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}

func kwArg(kw []KwFact, name string) (ArgFact, bool) {
	for _, k := range kw {
		if k.Name == name {
			return k.Arg, true
		}
	}
	return ArgFact{}, false
}

func upperAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func (r *resolver) build() {
	m := r.m
	// Constructors: apps, blueprints, extensions.
	for _, fi := range m.files {
		checkInterrupt(r.interrupted)
		if fi.test {
			continue // a test suite's apps and writes are not the app's
		}
		if fi.notCtorGen != r.moduleGen || len(fi.notCtor) != len(fi.calls) {
			fi.notCtor, fi.notCtorGen = make([]bool, len(fi.calls)), r.moduleGen
		}
		for i, c := range fi.calls {
			if fi.notCtor[i] {
				continue
			}
			if !isCapitalized(lastPart(c.c.Func)) || !r.mayConstruct(fi, c) {
				fi.notCtor[i] = true
				continue
			}
			r.origin, r.foreign = fi, false
			v := r.callValue(c)
			if !r.foreign && v.kind != vApps && v.kind != vBlueprint && v.kind != vExt {
				fi.notCtor[i] = true // the same in every build until this file changes
			}
		}
		r.origin = nil
	}
	// Apps created in functions: factories when the function returns them.
	for _, a := range append([]*App(nil), m.Apps...) {
		if s, ok := a.site.fi.scope(a.Scope); ok && !s.s.Class {
			r.factoryApps(s)
		}
	}

	var regs []registration
	var hooks []hook
	exempt := map[scopeKey]bool{}
	var views []*View
	addView := func(v *View, t target) {
		switch {
		case t.bp != nil:
			v.Blue = t.bp
		case t.any:
			v.AnyApp = true
		case len(t.apps) > 0:
			for i, a := range t.apps {
				if i == 0 {
					v.App = a
					continue
				}
				cp := *v
				cp.App = a
				views = append(views, &cp)
			}
		default:
			return
		}
		views = append(views, v)
	}

	for _, fi := range m.files {
		checkInterrupt(r.interrupted)
		if fi.test {
			continue
		}
		// Config writes by assignment.
		for _, s := range fi.sets {
			t := r.target(fi, s.s.Scope, s.s.Recv, s.base+s.s.Off)
			r.addOp(t, opRef{fi: fi, base: s.base, set: s.s})
		}
		if fi.routeGen != r.moduleGen || len(fi.routeT) != len(fi.decos) {
			fi.routeT, fi.routeGen = make([]symTarget, len(fi.decos)), r.moduleGen
		}
		for i, dr := range fi.decos {
			d, dec := dr.def, dr.dec
			pos := d.base + dec.Off
			switch dr.meth {
			case "route":
				if dr.methods == nil {
					continue // methods not known statically
				}
				t := r.cachedTarget(fi, &fi.routeT[i], d.s.Parent, dr.recv, pos)
				if t.none() || t.cls.valid() {
					continue
				}
				addView(&View{Name: d.s.Name, File: fi.pf.File, At: d.loc(dec.Span), Methods: dr.methods, funcs: dr.funcs}, t)
			case "before_request", "before_app_request":
				if checksToken(d.s) {
					hooks = append(hooks, hook{t: r.target(fi, d.s.Parent, dr.recv, pos), appWide: dr.meth == "before_app_request", at: d.loc(d.s.NameAt)})
				}
			case "exempt":
				if r.isCSRFExt(fi, d.s.Parent, dr.recv, pos) {
					m.CSRFExempts = append(m.CSRFExempts, d.loc(dec.Span))
					exempt[d.key()] = true
				}
			}
		}
		for _, c := range fi.special {
			recv, meth := splitLastDot(c.c.Func)
			pos := c.base + c.c.Off
			if cfgRecv, ok := strings.CutSuffix(recv, ".config"); ok && configMethods[meth] {
				t := r.target(fi, c.c.Scope, cfgRecv, pos)
				r.addOp(t, opRef{fi: fi, base: c.base, call: c.c})
				continue
			}
			switch meth {
			case "add_url_rule":
				t := r.target(fi, c.c.Scope, recv, pos)
				if t.none() || t.cls.valid() {
					continue
				}
				if v := r.urlRuleView(c); v != nil {
					addView(v, t)
				}
			case "register_blueprint":
				t := r.target(fi, c.c.Scope, recv, pos)
				if t.none() {
					continue
				}
				var bv value
				if len(c.c.Args) > 0 && c.c.Args[0].Kind == ArgName {
					bv = r.lookup(fi, c.c.Scope, c.c.Args[0].Name, pos)
				}
				if bv.kind == vBlueprint {
					regs = append(regs, registration{bp: bv.bp, t: t})
					bv.bp.registered = true
					continue
				}
				for _, a := range t.apps {
					r.unresolvedReg[a] = true
				}
				if t.any || t.cls.valid() || t.bp != nil {
					r.anyUnresolved = true
				}
			case "init_app":
				v := r.lookup(fi, c.c.Scope, recv, pos)
				if v.kind != vExt {
					continue
				}
				arg, ok := kwArg(c.c.Kw, "app")
				if !ok && len(c.c.Args) > 0 {
					arg, ok = c.c.Args[0], true
				}
				if ok {
					r.attachExt(v.ext, r.argTarget(fi, c.c.Scope, arg, pos))
				}
			case "before_request", "before_app_request":
				if len(c.c.Args) == 0 || c.c.Args[0].Kind != ArgName {
					continue
				}
				if fv := r.lookup(fi, c.c.Scope, c.c.Args[0].Name, pos); fv.kind == vFunc && checksToken(fv.cls.s) {
					hooks = append(hooks, hook{t: r.target(fi, c.c.Scope, recv, pos), appWide: meth == "before_app_request", at: c.loc()})
				}
			case "exempt":
				if r.isCSRFExt(fi, c.c.Scope, recv, pos) {
					m.CSRFExempts = append(m.CSRFExempts, c.loc())
				}
			case "login_user":
				r.loginUser(c)
			}
		}
	}

	// Extensions attached at creation: an app argument (positional or app=).
	for _, x := range m.Extensions {
		c := x.site
		pos := c.base + c.c.Off
		if a, ok := kwArg(c.c.Kw, "app"); ok {
			r.attachExt(x, r.argTarget(c.fi, c.c.Scope, a, pos))
		}
		for _, a := range c.c.Args {
			if a.Kind == ArgName {
				r.attachExt(x, r.argTarget(c.fi, c.c.Scope, a, pos))
			}
		}
	}
	r.link(regs, hooks, exempt, views)
}

// mayConstruct filters the calls that may create an app, a blueprint or
// an extension, before resolving them: not in a class body (form fields),
// not of a name imported from a library other than Flask's family.
func (r *resolver) mayConstruct(fi *fileIndex, c callRef) bool {
	if sc, ok := fi.scope(c.c.Scope); ok && sc.s.Class {
		return false
	}
	first, _, _ := strings.Cut(c.c.Func, ".")
	bs := fi.namesOf(first)
	if len(bs) != 1 || bs[0].kind != bindImport {
		return true
	}
	q := bs[0].q
	if strings.HasPrefix(q, "flask") || strings.HasPrefix(q, "apiflask") {
		return true
	}
	mod := q
	if i := strings.LastIndexByte(q, '.'); i > 0 {
		mod = q[:i]
	}
	return r.module(q) != nil || r.module(mod) != nil
}

// symTarget is a route decorator's target as cached in its fileIndex:
// symbolic (call sites), since apps and blueprints are made anew each build.
type symTarget struct {
	ok   bool
	any  bool
	bp   *callKey
	apps []callKey
}

// cachedTarget resolves a receiver through a per-file cache when the
// answer depends on the file alone.
func (r *resolver) cachedTarget(fi *fileIndex, st *symTarget, scope, dotted string, pos int) target {
	if st.ok {
		t := target{any: st.any}
		if st.bp != nil {
			t.bp = r.bps[*st.bp]
		}
		for _, k := range st.apps {
			if a := r.apps[k]; a != nil {
				t.apps = append(t.apps, a)
			}
		}
		if (st.bp == nil || t.bp != nil) && len(t.apps) == len(st.apps) {
			return t
		}
	}
	r.origin, r.foreign = fi, false
	t := r.target(fi, scope, dotted, pos)
	r.origin = nil
	if r.foreign || t.cls.valid() {
		*st = symTarget{}
		return t
	}
	*st = symTarget{ok: true, any: t.any}
	if t.bp != nil {
		k := t.bp.site.key()
		st.bp = &k
	}
	for _, a := range t.apps {
		st.apps = append(st.apps, a.site.key())
	}
	return t
}

// checksToken reports a function that reads a csrf/xsrf/nonce value and
// aborts (a hand-written CSRF check).
func checksToken(s *ScopeFact) bool { return s.CSRFString && s.Aborts }

func (r *resolver) addOp(t target, op opRef) {
	for _, a := range t.apps {
		a.ops = append(a.ops, op)
	}
	if t.any {
		op.group = 3
		r.anyOps = append(r.anyOps, op)
	}
	if t.cls.valid() {
		op.group = 0
		r.classOps[t.cls.key()] = append(r.classOps[t.cls.key()], op)
	}
}

func (r *resolver) argTarget(fi *fileIndex, scope string, a ArgFact, pos int) target {
	if a.Kind != ArgName {
		return target{}
	}
	return r.target(fi, scope, a.Name, pos)
}

// attachExt records the app(s) an extension is attached to.
func (r *resolver) attachExt(x *Extension, t target) {
	for _, a := range t.apps {
		if !containsApp(x.Apps, a) {
			x.Apps = append(x.Apps, a)
		}
	}
	if t.any {
		x.AllApps = true
	}
	if t.cls.valid() {
		r.extClassApps[x] = append(r.extClassApps[x], t.cls)
	}
}

func (r *resolver) isCSRFExt(fi *fileIndex, scope, dotted string, pos int) bool {
	v := r.lookup(fi, scope, dotted, pos)
	switch v.kind {
	case vExt:
		return v.ext.Kind == "CSRFProtect" || v.ext.Kind == "SeaSurf"
	case vUnknown, vExternal, vParam:
		return strings.Contains(strings.ToLower(lastPart(dotted)), "csrf")
	}
	return false
}

func (r *resolver) loginUser(c callRef) {
	v := r.lookup(c.fi, c.c.Scope, c.c.Func, c.base+c.c.Off)
	if v.kind != vExternal || !strings.HasPrefix(v.q, "flask_login") {
		return
	}
	arg, ok := kwArg(c.c.Kw, "remember")
	if !ok && len(c.c.Args) > 1 {
		arg, ok = c.c.Args[1], true
	}
	if !ok {
		return
	}
	if (arg.Kind == ArgLiteral || arg.Kind == ArgString) && !arg.Val.Truthy {
		return
	}
	r.m.LoginRemember = true
}

// urlRuleView reads app.add_url_rule(rule, endpoint, view_func, methods=...).
func (r *resolver) urlRuleView(c callRef) *View {
	vf, ok := kwArg(c.c.Kw, "view_func")
	if !ok && len(c.c.Args) > 2 {
		vf, ok = c.c.Args[2], true
	}
	if !ok {
		return nil
	}
	pos := c.base + c.c.Off
	var fv value
	switch vf.Kind {
	case ArgName:
		fv = r.lookup(c.fi, c.c.Scope, vf.Name, pos)
	case ArgCall:
		if strings.HasSuffix(vf.Name, ".as_view") {
			if cv := r.lookup(c.fi, c.c.Scope, strings.TrimSuffix(vf.Name, ".as_view"), pos); cv.cls.valid() {
				fv = value{kind: vViewFunc, cls: cv.cls}
			}
		}
	}
	v := &View{File: c.fi.pf.File, At: c.loc(), call: c, def: fv.cls}
	var methods []string
	explicit := false
	if ma, ok := kwArg(c.c.Kw, "methods"); ok {
		if ma.Kind != ArgList || !ma.StrsOK {
			return nil
		}
		methods, explicit = upperAll(ma.items().Strs), true
	}
	switch fv.kind {
	case vFunc:
		v.Name, v.funcs = fv.cls.s.Name, []scopeRef{fv.cls}
		if !explicit {
			methods = []string{"GET"}
		}
	case vViewFunc:
		v.Name = fv.cls.s.Name
		clsMethods, funcs, known := r.classViewMethods(fv.cls)
		if !known && !explicit {
			return nil
		}
		if !explicit {
			methods = clsMethods
		}
		v.funcs = funcs
	default:
		return nil // the view function is not known: nothing to check
	}
	v.Methods = methods
	return v
}

// classViewMethods reads a View / MethodView class: its methods attribute,
// else the HTTP methods it defines (inherited ones included), and the
// functions handling the mutating ones.
func (r *resolver) classViewMethods(cls scopeRef) (methods []string, funcs []scopeRef, known bool) {
	seen := map[string]bool{}
	var dispatch *scopeRef
	attrSet, attrKnown := false, false
	for _, c := range r.mro(cls) {
		if c.s.cls().HasMethods && !attrSet {
			attrSet = true
			if c.s.cls().MethodsAttr != nil {
				attrKnown = true
				methods = upperAll(c.s.cls().MethodsAttr)
			}
		}
		for _, name := range c.s.cls().Methods {
			if seen[name] {
				continue
			}
			seen[name] = true
			fn, _ := c.fi.scope(c.s.Path + "." + name)
			if !fn.valid() {
				continue
			}
			if name == "dispatch_request" && dispatch == nil {
				d := fn
				dispatch = &d
			}
			if m := httpRouteMethods[name]; m != "" {
				if !attrSet {
					methods = append(methods, m)
				}
				if m != "GET" {
					funcs = append(funcs, fn)
				}
			}
		}
	}
	if attrSet && !attrKnown {
		return nil, nil, false
	}
	if len(methods) == 0 {
		methods = []string{"GET"}
	}
	if len(funcs) == 0 && dispatch != nil {
		funcs = []scopeRef{*dispatch}
	}
	return methods, funcs, true
}

// mro lists a project class and its project base classes, depth first.
func (r *resolver) mro(cls scopeRef) []scopeRef {
	var out []scopeRef
	seen := map[scopeKey]bool{}
	var walk func(c scopeRef, depth int)
	walk = func(c scopeRef, depth int) {
		if seen[c.key()] || depth > 16 {
			return
		}
		seen[c.key()] = true
		out = append(out, c)
		for _, b := range c.s.cls().Bases {
			bv := r.lookup(c.fi, c.s.Parent, b, c.base+c.s.Off)
			if bv.cls.valid() && (bv.kind == vClass || bv.kind == vFlaskClass || bv.kind == vBlueprintClass || bv.kind == vExtClass) {
				walk(bv.cls, depth+1)
			}
		}
	}
	walk(cls, 0)
	return out
}

// openBases reports a class with a base outside the project (other than
// object): its attributes may come from there.
func (r *resolver) openBases(cls scopeRef) bool {
	for _, c := range r.mro(cls) {
		for _, b := range c.s.cls().Bases {
			if b == "object" {
				continue
			}
			bv := r.lookup(c.fi, c.s.Parent, b, c.base+c.s.Off)
			if !bv.cls.valid() {
				return true
			}
		}
	}
	return false
}

func (r *resolver) link(regs []registration, hooks []hook, exempt map[scopeKey]bool, views []*View) {
	m := r.m
	sortApps(m.Apps)
	// Flask subclasses: config writes on self and extensions given self.
	for _, a := range m.Apps {
		if a.class == nil {
			continue
		}
		for _, c := range r.mro(*a.class) {
			for x, clss := range r.extClassApps {
				for _, cl := range clss {
					if cl.key() == c.key() && !containsApp(x.Apps, a) {
						x.Apps = append(x.Apps, a)
					}
				}
			}
		}
	}
	for _, x := range m.Extensions {
		if len(x.Apps) == 0 && len(r.extClassApps[x]) == 0 {
			// Never visibly attached (init_app in a loop, through a helper):
			// assume it is, rather than report a missing protection.
			x.AllApps = true
		}
	}
	// Blueprints: the apps they are registered on.
	var unresolved []*App
	for _, a := range m.Apps {
		if r.unresolvedReg[a] {
			unresolved = append(unresolved, a)
		}
	}
	var appsOf func(bp *Blueprint, depth int) []*App
	appsOf = func(bp *Blueprint, depth int) []*App {
		if depth > 8 {
			return nil
		}
		var out []*App
		add := func(as ...*App) {
			for _, a := range as {
				if !containsApp(out, a) {
					out = append(out, a)
				}
			}
		}
		for _, reg := range regs {
			if reg.bp != bp {
				continue
			}
			add(reg.t.apps...)
			if reg.t.any {
				add(m.Apps...)
			}
			if reg.t.bp != nil {
				add(appsOf(reg.t.bp, depth+1)...)
			}
			if reg.t.cls.valid() {
				add(r.classApps(reg.t.cls)...)
			}
		}
		if !bp.registered {
			if len(unresolved) > 0 && !r.anyUnresolved {
				add(unresolved...)
			} else {
				add(m.Apps...)
			}
		}
		return out
	}
	for _, bp := range m.Blueprints {
		bp.Apps = appsOf(bp, 0)
	}
	// Views.
	for _, v := range views {
		for _, fn := range v.funcs {
			if exempt[fn.key()] {
				v.Exempt = true
			}
		}
	}
	sort.SliceStable(views, func(i, j int) bool {
		if views[i].At.Path != views[j].At.Path {
			return views[i].At.Path < views[j].At.Path
		}
		return views[i].At.Start < views[j].At.Start
	})
	m.Views = views
	for _, v := range views {
		switch {
		case v.App != nil:
			v.App.Views = append(v.App.Views, v)
		case v.Blue != nil:
			v.Blue.Views = append(v.Blue.Views, v)
			for _, a := range v.Blue.Apps {
				a.Views = append(a.Views, v)
			}
		case v.AnyApp:
			for _, a := range m.Apps {
				a.Views = append(a.Views, v)
			}
		}
	}
	// Request hooks checking a token.
	for _, h := range hooks {
		var apps []*App
		switch {
		case h.t.bp != nil && h.appWide:
			apps = h.t.bp.Apps
		case h.t.bp != nil:
			h.t.bp.CSRFCheck = true
		case h.t.any:
			apps = m.Apps
		case h.t.cls.valid():
			apps = r.classApps(h.t.cls)
		default:
			apps = h.t.apps
		}
		for _, a := range apps {
			a.CSRFChecks = append(a.CSRFChecks, h.at)
		}
	}
	r.uploads(views)
	for _, a := range m.Apps {
		a.Web = len(a.Views) > 0 || r.unresolvedReg[a]
		for _, bp := range m.Blueprints {
			a.Web = a.Web || containsApp(bp.Apps, a)
		}
		for _, x := range m.Extensions {
			if x.AllApps || containsApp(x.Apps, a) {
				a.Extensions = append(a.Extensions, x)
			}
		}
		a.Config = r.appConfig(a)
	}
	sort.Strings(m.ConfigFiles)
}

// uploads marks the apps that read request.files: through their views, or
// any app when the code reading it is not a view.
func (r *resolver) uploads(views []*View) {
	reads := false
	for _, fi := range r.m.files {
		reads = reads || fi.readsFiles || fi.anyReadsFiles
	}
	if !reads {
		return
	}
	byFunc := map[scopeKey][]*App{}
	for _, v := range views {
		var apps []*App
		switch {
		case v.App != nil:
			apps = []*App{v.App}
		case v.Blue != nil:
			apps = v.Blue.Apps
		default:
			apps = r.m.Apps
		}
		for _, fn := range v.funcs {
			byFunc[fn.key()] = append(byFunc[fn.key()], apps...)
		}
	}
	for _, fi := range r.m.files {
		if fi.test {
			continue
		}
		all := fi.readsFiles
		for _, d := range fi.defs {
			if !d.s.ReadsFiles {
				continue
			}
			if apps, ok := byFunc[d.key()]; ok {
				for _, a := range apps {
					a.ReadsFiles = true
				}
			} else {
				all = true
			}
		}
		if all {
			for _, a := range r.m.Apps {
				a.ReadsFiles = true
			}
		}
	}
}

// classApps lists the apps created through a Flask subclass (or its subclasses).
func (r *resolver) classApps(cls scopeRef) []*App {
	var out []*App
	for _, a := range r.m.Apps {
		if a.class == nil {
			continue
		}
		for _, c := range r.mro(*a.class) {
			if c.key() == cls.key() {
				out = append(out, a)
				break
			}
		}
	}
	return out
}
