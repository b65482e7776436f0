package diagnostics

import (
	"hash/fnv"
	"reflect"
	"sort"
	"strings"
)

// SymbolKind is what a name is, as far as Flask rules care.
type SymbolKind int

const (
	KindUnknown    SymbolKind = iota
	KindApp                   // a Flask application instance
	KindFlaskClass            // Flask or a subclass: calling it makes an app
	KindFactory               // a function returning an app
)

// Well-known classes that construct Flask applications.
var flaskClasses = map[string]bool{
	"flask.Flask":           true,
	"flask.app.Flask":       true,
	"apiflask.APIFlask":     true,
	"apiflask.app.APIFlask": true,
}

// ModuleSymbols is the resolved view of one module's top-level names.
type ModuleSymbols struct {
	Module  string
	Imports map[string]string // local name → qualified name (relative imports made absolute)
	Facts   []*StatementFacts
	Rule    ModuleRuleFacts // the statements' RuleFacts merged (filefacts.go)
	// Starts[i] is the byte offset of the statement of Facts[i] (set by
	// Engine.Symbols): the project model's facts are relative to it.
	Starts []int
}

// SameFacts reports that two versions of a module bind the same names to
// the same things (statement positions aside): then no other module's
// analysis can have changed. Unchanged statements share their facts, so
// this costs a pointer comparison for all but the edited ones.
func SameFacts(a, b *ModuleSymbols) bool {
	if a == nil || b == nil || a.Module != b.Module || len(a.Facts) != len(b.Facts) {
		return false
	}
	for i := range a.Facts {
		if a.Facts[i] != b.Facts[i] && !reflect.DeepEqual(a.Facts[i], b.Facts[i]) {
			return false
		}
	}
	return true
}

// NewModuleSymbols merges a module's statement facts in order.
func NewModuleSymbols(module string, isPackage bool, facts []*StatementFacts) *ModuleSymbols {
	m := &ModuleSymbols{Module: module, Imports: map[string]string{}, Facts: facts}
	for _, f := range facts {
		for _, imp := range f.Imports {
			m.Imports[imp.Local] = absoluteImport(module, isPackage, imp)
		}
	}
	m.Rule = mergeRuleFacts(m)
	return m
}

func absoluteImport(module string, isPackage bool, imp ImportFact) string {
	if imp.Level == 0 {
		return imp.Qualified
	}
	parts := strings.Split(module, ".")
	if module == "" {
		parts = nil
	}
	if !isPackage && len(parts) > 0 {
		parts = parts[:len(parts)-1] // the module's package
	}
	up := imp.Level - 1
	if up > len(parts) {
		up = len(parts)
	}
	parts = parts[:len(parts)-up]
	if imp.Qualified != "" {
		parts = append(parts, imp.Qualified)
	}
	return strings.Join(parts, ".")
}

// Resolver answers "what is this qualified name" across the project.
type Resolver interface {
	// ModuleSymbols returns the symbols of a project module, or nil when the
	// module is not part of the project.
	ModuleSymbols(module string) *ModuleSymbols
}

// Context is everything a statement check may know beyond its statement:
// the file's imports and the kinds of its module-level names. Statement
// results are cached under its Fingerprint.
type Context struct {
	Module  string
	Imports map[string]string     // local name → qualified name
	Kinds   map[string]SymbolKind // module-level or imported names that matter
	// Rule is what statement rules need to know about the rest of the file
	// (and, when the resolver is a Project, the project): Limiters, default
	// rate limits, string constants (filefacts.go). Part of the fingerprint.
	Rule RuleContext
	fp   uint64

	// What the context was computed from: the module's symbols, what each
	// module name looked up in the resolver returned (nil: not found), and
	// the hash of the project-wide rule facts (0 without a project).
	// See Stale.
	sym         *ModuleSymbols
	deps        map[string]*ModuleSymbols
	projectHash uint64
}

// Stale reports whether BuildContext(sym, res) may now give a different
// context than c: sym has other facts than the symbols c was built from,
// a module c looked up resolves to one with other facts (or appeared or
// went), or the project's merged rule facts changed. A false answer means
// the file's statement results still hold. It costs a lookup per module
// the file imports from.
func (c *Context) Stale(sym *ModuleSymbols, res Resolver) bool {
	if c == nil || !SameFacts(c.sym, sym) {
		return true
	}
	if pr, ok := res.(projectRules); ok {
		if pr.projectRuleFacts().hash != c.projectHash {
			return true
		}
	} else if c.projectHash != 0 {
		return true
	}
	return c.depsChanged(res)
}

// depsChanged reports a module c looked up that now resolves differently.
func (c *Context) depsChanged(res Resolver) bool {
	for name, was := range c.deps {
		if res == nil {
			return true
		}
		now := res.ModuleSymbols(name)
		if (now == nil) != (was == nil) || now != nil && !SameFacts(now, was) {
			return true
		}
	}
	return false
}

// RebuildContext is BuildContext for a new version of the module prev was
// built for. When the new version binds the same names to the same things
// (an edit inside a call or a function body) and the modules prev looked
// up are unchanged, the names' kinds are reused rather than resolved
// again; only the rule facts are merged anew.
func RebuildContext(prev *Context, m *ModuleSymbols, res Resolver) *Context {
	if prev == nil || prev.Module != m.Module || !sameBindings(prev.sym, m) || prev.depsChanged(res) {
		return BuildContext(m, res)
	}
	ctx := &Context{Module: m.Module, Imports: m.Imports, Kinds: prev.Kinds, deps: prev.deps, sym: m}
	var project *projectRuleFacts
	if pr, ok := res.(projectRules); ok {
		project = pr.projectRuleFacts()
		ctx.projectHash = project.hash
	}
	// The same imports look up the same modules (deps) as before.
	ctx.Rule = buildRuleContext(m, res, project)
	ctx.fp = fingerprint(ctx)
	return ctx
}

// sameBindings reports that a and b import and bind the same names to the
// same values (what a Context's Kinds and Imports come from).
func sameBindings(a, b *ModuleSymbols) bool {
	if a == nil || b == nil || a.Module != b.Module || len(a.Facts) != len(b.Facts) {
		return false
	}
	for i, x := range a.Facts {
		y := b.Facts[i]
		if x == y {
			continue
		}
		if !reflect.DeepEqual(x.Imports, y.Imports) || !reflect.DeepEqual(x.Binds, y.Binds) ||
			!reflect.DeepEqual(x.Funcs, y.Funcs) || !reflect.DeepEqual(x.Classes, y.Classes) {
			return false
		}
	}
	return true
}

// recordingResolver notes every module name looked up, for Context.Stale.
type recordingResolver struct {
	res  Resolver
	seen map[string]*ModuleSymbols
}

func (r *recordingResolver) ModuleSymbols(module string) *ModuleSymbols {
	ms := r.res.ModuleSymbols(module)
	r.seen[module] = ms
	return ms
}

// Fingerprint identifies the context's content.
func (c *Context) Fingerprint() uint64 { return c.fp }

// Qualify turns a dotted name as written into a qualified one using the
// file's imports ("F" → "flask.Flask", "flask.Flask" → "flask.Flask").
// Unimported names are qualified by the module ("create_app" → "pkg.app.create_app").
func (c *Context) Qualify(dotted string) string {
	if dotted == "" {
		return ""
	}
	first, rest, _ := strings.Cut(dotted, ".")
	if q, ok := c.Imports[first]; ok {
		if rest == "" {
			return q
		}
		return q + "." + rest
	}
	return dotted
}

// KindOf says what the dotted name (as written in this file) is.
func (c *Context) KindOf(dotted string) SymbolKind {
	if k, ok := c.Kinds[dotted]; ok {
		return k
	}
	if flaskClasses[c.Qualify(dotted)] {
		return KindFlaskClass
	}
	return KindUnknown
}

// RefKind says what value a ValueRef denotes in this context.
func (c *Context) RefKind(r ValueRef) SymbolKind {
	k := c.KindOf(r.Target)
	if r.Call {
		if k == KindFlaskClass || k == KindFactory {
			return KindApp
		}
		return KindUnknown
	}
	return k
}

// BuildContext resolves a module's names, asking res about imported project modules.
func BuildContext(m *ModuleSymbols, res Resolver) *Context {
	ctx := &Context{Module: m.Module, Imports: m.Imports, Kinds: map[string]SymbolKind{}, deps: map[string]*ModuleSymbols{}, sym: m}
	var project *projectRuleFacts
	if pr, ok := res.(projectRules); ok {
		project = pr.projectRuleFacts()
		ctx.projectHash = project.hash
	}
	if res != nil {
		res = &recordingResolver{res: res, seen: ctx.deps}
	}
	r := &resolution{res: res, memo: map[string]SymbolKind{}, busy: map[string]bool{}}
	for local := range m.Imports {
		if k := r.qualifiedKind(m.Imports[local], local); k != KindUnknown {
			ctx.Kinds[local] = k
		}
	}
	for name, k := range r.moduleKinds(m) {
		if k != KindUnknown {
			ctx.Kinds[name] = k
		}
	}
	ctx.Rule = buildRuleContext(m, res, project)
	ctx.fp = fingerprint(ctx)
	return ctx
}

type resolution struct {
	res  Resolver
	memo map[string]SymbolKind
	busy map[string]bool
}

// moduleKinds computes the kind of each module-level name of m, in
// statement order, so a later rebinding wins.
func (r *resolution) moduleKinds(m *ModuleSymbols) map[string]SymbolKind {
	kinds := map[string]SymbolKind{}
	lookup := func(dotted string) SymbolKind {
		first, rest, _ := strings.Cut(dotted, ".")
		if rest == "" {
			if k, ok := kinds[first]; ok {
				return k
			}
		}
		if q, ok := m.Imports[first]; ok {
			if rest != "" {
				q += "." + rest
			}
			return r.qualifiedKind(q, lastPart(dotted))
		}
		return KindUnknown
	}
	refKind := func(v ValueRef) SymbolKind {
		k := lookup(v.Target)
		if v.Call {
			if k == KindFlaskClass || k == KindFactory {
				return KindApp
			}
			return KindUnknown
		}
		return k
	}
	// Two passes: a factory defined below its use still counts.
	for pass := 0; pass < 2; pass++ {
		for _, f := range m.Facts {
			for _, c := range f.Classes {
				kinds[c.Name] = KindUnknown
				for _, b := range c.Bases {
					if lookup(b) == KindFlaskClass {
						kinds[c.Name] = KindFlaskClass
					}
				}
			}
			for _, fn := range f.Funcs {
				kinds[fn.Name] = KindUnknown
				for _, ret := range fn.Returns {
					if refKind(ret) == KindApp {
						kinds[fn.Name] = KindFactory
					}
				}
			}
			for _, b := range f.Binds {
				if k := refKind(b.Value); k != KindUnknown || kinds[b.Name] == KindUnknown {
					kinds[b.Name] = k
				}
			}
		}
	}
	return kinds
}

// qualifiedKind resolves "pkg.mod.name" through the project. Names from
// modules outside the project fall back to what their name says, since an
// import of "app" or "create_app" from an unseen module almost always is one.
func (r *resolution) qualifiedKind(q, local string) SymbolKind {
	if flaskClasses[q] {
		return KindFlaskClass
	}
	if k, ok := r.memo[q]; ok {
		return k
	}
	if r.busy[q] {
		return KindUnknown // import cycle
	}
	r.busy[q] = true
	defer delete(r.busy, q)
	k, found := KindUnknown, false
	if r.res != nil {
		if i := strings.LastIndexByte(q, '.'); i > 0 {
			if ms := r.res.ModuleSymbols(q[:i]); ms != nil {
				found = true
				name := q[i+1:]
				if imp, ok := ms.Imports[name]; ok {
					k = r.qualifiedKind(imp, name)
				}
				if mk, ok := r.moduleKinds(ms)[name]; ok {
					k = mk
				}
			}
		}
		if !found && r.res.ModuleSymbols(q) != nil {
			found = true // a module, not an app
		}
	}
	if !found {
		k = guessKind(local)
	}
	r.memo[q] = k
	return k
}

func guessKind(local string) SymbolKind {
	switch local {
	case "app", "application":
		return KindApp
	case "create_app", "make_app":
		return KindFactory
	}
	return KindUnknown
}

func fingerprint(c *Context) uint64 {
	h := fnv.New64a()
	keys := make([]string, 0, len(c.Imports)+len(c.Kinds))
	for k, v := range c.Imports {
		keys = append(keys, "i"+k+"="+v)
	}
	for k, v := range c.Kinds {
		keys = append(keys, "k"+k+"="+string(rune('0'+v)))
	}
	keys = append(keys, c.Rule.keys()...)
	sort.Strings(keys)
	h.Write([]byte(c.Module))
	for _, k := range keys {
		h.Write([]byte{0})
		h.Write([]byte(k))
	}
	return h.Sum64()
}
