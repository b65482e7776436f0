package diagnostics

import (
	"strings"
)

// Name resolution for the project model: what a dotted name, as written in
// a scope of a file, denotes across the project's modules.

type valKind uint8

const (
	vUnknown        valKind = iota
	vApps                   // one or more known apps
	vAnyApp                 // an app the model cannot identify (current_app, a parameter named app)
	vFlaskClass             // calling it creates an app (cls set for a project subclass)
	vBlueprintClass         // calling it creates a blueprint
	vBlueprint              //
	vExtClass               // an extension class (extKind)
	vExt                    // an extension instance
	vClass                  // another project class
	vInstance               // an instance of a project class
	vSelf                   // self in a method of cls
	vModule                 // a project module
	vDict                   // a dict literal bound to a name
	vString                 // a string constant
	vFunc                   // a project function
	vParam                  // a function parameter
	vAsView                 // C.as_view
	vViewFunc               // C.as_view(...)
	vExternal               // something outside the project (q)
	vDictGet                // d.get
)

type value struct {
	kind    valKind
	dep     bool // memoised: its resolution depended on another project file
	apps    []*App
	cls     scopeRef // vClass..., vInstance, vSelf, vAsView, vViewFunc; the function of vFunc and vParam
	bp      *Blueprint
	ext     *Extension
	extKind string
	module  *fileIndex
	dict    *bindRef
	str     string
	q       string
	param   *ParamFact
}

// External classes and objects the model knows.
var (
	blueprintClasses = map[string]bool{
		"flask.Blueprint": true, "flask.blueprints.Blueprint": true,
		"apiflask.APIBlueprint": true, "apiflask.blueprint.APIBlueprint": true,
	}
	extensionClasses = map[string]string{
		"flask_wtf.csrf.CSRFProtect": "CSRFProtect", "flask_wtf.CSRFProtect": "CSRFProtect",
		"flask_wtf.csrf.CsrfProtect": "CSRFProtect", "flask_wtf.CsrfProtect": "CSRFProtect",
		"flask_seasurf.SeaSurf": "SeaSurf", "flaskext.seasurf.SeaSurf": "SeaSurf",
		"flask_limiter.Limiter": "Limiter", "flask_limiter.extension.Limiter": "Limiter",
		"flask_talisman.Talisman": "Talisman", "flask_talisman.talisman.Talisman": "Talisman",
		"flask_login.LoginManager": "LoginManager", "flask_login.login_manager.LoginManager": "LoginManager",
	}
	formClasses = map[string]bool{
		"flask_wtf.FlaskForm": true, "flask_wtf.Form": true, "flask_wtf.form.FlaskForm": true,
	}
)

func externalValue(q string) value {
	switch {
	case flaskClasses[q]:
		return value{kind: vFlaskClass}
	case blueprintClasses[q]:
		return value{kind: vBlueprintClass}
	case extensionClasses[q] != "":
		return value{kind: vExtClass, extKind: extensionClasses[q]}
	case q == "flask.current_app" || q == "flask.globals.current_app":
		return value{kind: vAnyApp}
	}
	return value{kind: vExternal, q: q}
}

type callKey struct {
	fi   *fileIndex
	c    *CallFact
	base int
}

type scopeKey struct {
	fi   *fileIndex
	s    *ScopeFact
	base int
}

func (c callRef) key() callKey   { return callKey{c.fi, c.c, c.base} }
func (s scopeRef) key() scopeKey { return scopeKey{s.fi, s.s, s.base} }

type bindKey struct {
	fi   *fileIndex
	b    *LocalBind
	base int
}

type resolver struct {
	m    *Model
	p    *Project
	read ReadFileFunc
	// interrupted, asked between files, stops the build (see
	// Engine.ProjectFindingsUnless).
	interrupted func() bool

	modules  map[string]*fileIndex
	modMemo  map[string]*fileIndex
	qualMemo map[string]value
	nameMemo map[scopeName]value
	nameBusy map[scopeName]bool
	bindBusy map[bindKey]bool
	callMemo map[callKey]value
	callBusy map[callKey]bool
	clsMemo  map[scopeKey]value
	clsBusy  map[scopeKey]bool
	facMemo  map[scopeKey][]*App
	facBusy  map[scopeKey]bool

	apps     map[callKey]*App
	bps      map[callKey]*Blueprint
	exts     map[callKey]*Extension
	classOps map[scopeKey][]opRef
	anyOps   []opRef
	returns  map[scopeKey][]callRef

	// registrations of blueprints the model could not resolve, by app (nil key: any app)
	unresolvedReg map[*App]bool
	anyUnresolved bool
	extClassApps  map[*Extension][]scopeRef // extensions attached to self in a Flask subclass
	// origin is the file whose name is being resolved; foreign is set when
	// resolution depends on another project file (or on which modules the
	// project has): only results without are cached across builds.
	origin    *fileIndex
	foreign   bool
	moduleGen uint64

	classSrc  map[scopeKey]*ConfigSource
	moduleSrc map[*fileIndex]*ConfigSource
}

func newResolver(m *Model, p *Project, read ReadFileFunc) *resolver {
	r := &resolver{
		m: m, p: p, read: read,
		modules: make(map[string]*fileIndex, len(m.files)), modMemo: map[string]*fileIndex{}, qualMemo: map[string]value{},
		nameMemo: make(map[scopeName]value, 4*len(m.files)), nameBusy: map[scopeName]bool{}, bindBusy: map[bindKey]bool{},
		callMemo: make(map[callKey]value, len(m.files)), callBusy: map[callKey]bool{},
		clsMemo: map[scopeKey]value{}, clsBusy: map[scopeKey]bool{},
		facMemo: map[scopeKey][]*App{}, facBusy: map[scopeKey]bool{},
		apps: map[callKey]*App{}, bps: map[callKey]*Blueprint{}, exts: map[callKey]*Extension{},
		classOps: map[scopeKey][]opRef{}, returns: map[scopeKey][]callRef{},
		unresolvedReg: map[*App]bool{}, extClassApps: map[*Extension][]scopeRef{},
	}
	for _, fi := range m.files {
		if fi.module != "" {
			r.modules[fi.module] = fi
		}
		for _, c := range fi.returnCalls {
			if s, ok := fi.scope(c.c.Scope); ok {
				r.returns[s.key()] = append(r.returns[s.key()], c)
			}
		}
	}
	return r
}

// module finds a project module by dotted name, or by suffix when the
// project root is not the import root ("app.config" finds "src.app.config"
// when that is the only match).
func (r *resolver) module(name string) *fileIndex {
	if fi, ok := r.modules[name]; ok {
		return fi
	}
	if fi, ok := r.modMemo[name]; ok {
		return fi
	}
	var match *fileIndex
	for mod, fi := range r.modules {
		if strings.HasSuffix(mod, "."+name) {
			if match != nil {
				match = nil
				break
			}
			match = fi
		}
	}
	r.modMemo[name] = match
	return match
}

// lookup resolves a dotted name as written in scope of fi, at absolute
// offset pos (-1: anywhere, the last binding wins).
func (r *resolver) lookup(fi *fileIndex, scope, dotted string, pos int) value {
	if dotted == "" {
		return value{}
	}
	first, rest, _ := strings.Cut(dotted, ".")
	v := r.name(fi, scope, first, pos)
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ".")
		v = r.attr(v, part)
	}
	return v
}

func pickBind(bs []bindRef, pos int) bindRef {
	if pos >= 0 {
		for i := len(bs) - 1; i >= 0; i-- {
			if bs[i].base+bs[i].b.Off < pos {
				return bs[i]
			}
		}
	}
	return bs[len(bs)-1]
}

func (r *resolver) name(fi *fileIndex, scope, name string, pos int) value {
	if fi != r.origin {
		r.foreign = true
	}
	for s := scope; s != ""; {
		sc, ok := fi.scope(s)
		if !ok {
			break
		}
		if !sc.s.Class {
			for i := range sc.s.Params {
				prm := &sc.s.Params[i]
				if prm.Name != name {
					continue
				}
				if i == 0 && (name == "self" || name == "cls") {
					if cls, ok := fi.scope(sc.s.Parent); ok && cls.s.Class {
						return value{kind: vSelf, cls: cls}
					}
				}
				return value{kind: vParam, q: name, param: prm, cls: sc}
			}
			if bs := fi.bindsOf(s, name); len(bs) > 0 {
				return r.bindValue(pickBind(bs, pos))
			}
			if d, ok := fi.scope(s + "." + name); ok {
				return r.defValue(d)
			}
		} else if s == scope {
			if bs := fi.bindsOf(s, name); len(bs) > 0 {
				return r.bindValue(pickBind(bs, pos))
			}
		}
		s = sc.s.Parent
	}
	if name == "__name__" {
		return value{kind: vModule, module: fi}
	}
	v, _ := r.global(fi, name, pos)
	return v
}

// global resolves a module-level name; found is false when the module
// does not bind it.
func (r *resolver) global(fi *fileIndex, name string, pos int) (value, bool) {
	if fi != r.origin {
		r.foreign = true
	}
	bs := fi.namesOf(name)
	if len(bs) == 0 {
		for _, q := range fi.stars {
			if mod := r.module(q); mod != nil && mod != fi {
				if v, ok := r.global(mod, name, -1); ok {
					return v, true
				}
			}
		}
		return value{}, false
	}
	if pos >= 0 && len(bs) > 1 {
		b := bs[len(bs)-1]
		for i := len(bs) - 1; i >= 0; i-- {
			if bs[i].pos < pos {
				b = bs[i]
				break
			}
		}
		return r.binding(fi, b), true
	}
	b := bs[len(bs)-1]
	key := scopeName{fi.path, name}
	if v, ok := r.nameMemo[key]; ok {
		r.foreign = r.foreign || v.dep
		return v, true
	}
	if r.nameBusy[key] {
		return value{}, true
	}
	r.nameBusy[key] = true
	save := r.foreign
	r.foreign = false
	v := r.binding(fi, b)
	v.dep = r.foreign
	r.foreign = save || v.dep
	delete(r.nameBusy, key)
	r.nameMemo[key] = v
	return v, true
}

func (r *resolver) binding(fi *fileIndex, b modBinding) value {
	switch b.kind {
	case bindImport:
		return r.qualified(b.q)
	case bindDef:
		return r.defValue(b.def(fi))
	}
	return r.bindValue(b.bind(fi))
}

func (r *resolver) defValue(d scopeRef) value {
	if d.s.Class {
		return r.classValue(d)
	}
	return value{kind: vFunc, cls: d}
}

func (r *resolver) bindValue(b bindRef) value {
	k := bindKey{b.fi, b.b, b.base}
	if r.bindBusy[k] {
		return value{}
	}
	r.bindBusy[k] = true
	defer delete(r.bindBusy, k)
	switch {
	case b.b.Dict != nil:
		return value{kind: vDict, dict: &b}
	case b.b.Ref.Str:
		return value{kind: vString, str: b.b.Str}
	case b.call() != nil:
		return r.callValue(callRef{b.fi, b.call(), b.base})
	case b.b.Ref.Target != "" && !b.b.Ref.Call:
		return r.lookup(b.fi, b.b.Scope, b.b.Ref.Target, b.base+b.b.Off)
	}
	return value{}
}

func (r *resolver) callValue(c callRef) value {
	k := c.key()
	if v, ok := r.callMemo[k]; ok {
		r.foreign = r.foreign || v.dep
		return v
	}
	if r.callBusy[k] {
		return value{}
	}
	r.callBusy[k] = true
	defer delete(r.callBusy, k)
	save := r.foreign
	r.foreign = false
	defer func() { r.foreign = save || r.callMemo[k].dep }()
	callee := r.lookup(c.fi, c.c.Scope, c.c.Func, c.base+c.c.Off)
	var v value
	switch callee.kind {
	case vFlaskClass:
		v = value{kind: vApps, apps: []*App{r.appAt(c, callee.cls)}}
	case vBlueprintClass:
		v = value{kind: vBlueprint, bp: r.bpAt(c)}
	case vExtClass:
		v = value{kind: vExt, ext: r.extAt(c, callee.extKind)}
	case vFunc:
		if apps := r.factoryApps(callee.cls); len(apps) > 0 {
			v = value{kind: vApps, apps: apps}
		}
	case vClass:
		v = value{kind: vInstance, cls: callee.cls}
	case vAsView:
		v = value{kind: vViewFunc, cls: callee.cls}
	}
	v.dep = r.foreign
	r.callMemo[k] = v
	return v
}

// factoryApps lists the apps a function returns.
func (r *resolver) factoryApps(fn scopeRef) []*App {
	k := fn.key()
	if apps, ok := r.facMemo[k]; ok {
		return apps
	}
	if r.facBusy[k] || len(fn.s.Returns) == 0 {
		return nil
	}
	r.facBusy[k] = true
	defer delete(r.facBusy, k)
	var apps []*App
	add := func(v value) {
		if v.kind == vApps {
			for _, a := range v.apps {
				if !containsApp(apps, a) {
					apps = append(apps, a)
				}
			}
		}
	}
	for _, c := range r.returns[k] {
		add(r.callValue(c))
	}
	for _, ret := range fn.s.Returns {
		if ret.Target != "" && !ret.Call {
			add(r.lookup(fn.fi, fn.s.Path, ret.Target, fn.base+fn.s.End))
		}
	}
	for _, a := range apps {
		if a.site.fi == fn.fi && a.Scope == fn.s.Path {
			a.Factory = true
		}
	}
	r.facMemo[k] = apps
	return apps
}

func containsApp(apps []*App, a *App) bool {
	for _, x := range apps {
		if x == a {
			return true
		}
	}
	return false
}

func (r *resolver) classValue(d scopeRef) value {
	k := d.key()
	if v, ok := r.clsMemo[k]; ok {
		r.foreign = r.foreign || v.dep
		return v
	}
	if r.clsBusy[k] {
		return value{kind: vClass, cls: d}
	}
	r.clsBusy[k] = true
	defer delete(r.clsBusy, k)
	save := r.foreign
	r.foreign = false
	defer func() { r.foreign = save || r.clsMemo[k].dep }()
	v := value{kind: vClass, cls: d}
	for _, b := range d.s.cls().Bases {
		bv := r.lookup(d.fi, d.s.Parent, b, d.base+d.s.Off)
		switch bv.kind {
		case vFlaskClass, vBlueprintClass:
			v = value{kind: bv.kind, cls: d}
		case vExtClass:
			v = value{kind: vExtClass, extKind: bv.extKind, cls: d}
		}
		if v.kind != vClass {
			break
		}
	}
	v.dep = r.foreign
	r.clsMemo[k] = v
	return v
}

func (r *resolver) attr(v value, name string) value {
	switch v.kind {
	case vModule:
		mv, ok := r.global(v.module, name, -1)
		if !ok && v.module.module != "" {
			if sub := r.module(v.module.module + "." + name); sub != nil {
				return value{kind: vModule, module: sub}
			}
		}
		return mv
	case vExternal:
		return r.qualified(v.q + "." + name)
	case vClass, vFlaskClass, vBlueprintClass, vExtClass:
		if v.cls.valid() {
			if name == "as_view" {
				return value{kind: vAsView, cls: v.cls}
			}
			if d, ok := v.cls.fi.scope(v.cls.s.Path + "." + name); ok {
				return r.defValue(d)
			}
		}
	case vDict:
		if name == "get" {
			return value{kind: vDictGet, dict: v.dict}
		}
	}
	return value{}
}

// qualified resolves an absolute dotted name through the project's modules.
func (r *resolver) qualified(q string) value {
	if v, ok := r.qualMemo[q]; ok {
		r.foreign = r.foreign || v.dep
		return v
	}
	save := r.foreign
	r.foreign = false
	defer func() { r.foreign = save || r.qualMemo[q].dep }()
	r.qualMemo[q] = value{} // cycle guard
	v := externalValue(q)
	if v.kind == vExternal {
		if mod := r.module(q); mod != nil {
			v = value{kind: vModule, module: mod}
		} else if i := strings.LastIndexByte(q, '.'); i > 0 {
			parent := r.qualified(q[:i])
			if parent.kind != vExternal {
				v = r.attr(parent, q[i+1:])
			}
		}
	}
	v.dep = r.foreign
	r.qualMemo[q] = v
	return v
}

// isAppish reports names that, when the model cannot resolve them, are
// still an app: a parameter "app", "self.app", "flask_app".
func isAppish(dotted string) bool {
	l := strings.ToLower(lastPart(dotted))
	return l == "app" || l == "application" || strings.HasSuffix(l, "_app") || strings.HasPrefix(l, "app_")
}

// target says which apps, blueprint or class of apps a receiver denotes.
type target struct {
	apps []*App
	any  bool
	bp   *Blueprint
	cls  scopeRef // a Flask subclass (self in its methods)
}

func (t target) none() bool { return len(t.apps) == 0 && !t.any && t.bp == nil && !t.cls.valid() }

func (r *resolver) target(fi *fileIndex, scope, dotted string, pos int) target {
	v := r.lookup(fi, scope, dotted, pos)
	switch v.kind {
	case vApps:
		return target{apps: v.apps}
	case vAnyApp:
		return target{any: true}
	case vBlueprint:
		return target{bp: v.bp}
	case vSelf:
		if r.classValue(v.cls).kind == vFlaskClass {
			return target{cls: v.cls}
		}
		if isAppish(dotted) && dotted != "self" {
			return target{any: true}
		}
	case vUnknown, vExternal, vParam:
		if isAppish(dotted) {
			return target{any: true}
		}
	}
	return target{}
}

func (r *resolver) appAt(c callRef, cls scopeRef) *App {
	k := c.key()
	if a, ok := r.apps[k]; ok {
		return a
	}
	a := &App{File: c.fi.pf.File, Call: c.loc(), Scope: c.c.Scope, Var: c.c.Bound, Test: c.fi.test, site: c}
	if cls.valid() {
		a.class = &cls
	}
	a.Name = a.Var
	if a.Name == "" {
		a.Name = lastPart(c.c.Scope)
	}
	r.apps[k] = a
	r.m.Apps = append(r.m.Apps, a)
	return a
}

func (r *resolver) bpAt(c callRef) *Blueprint {
	k := c.key()
	if b, ok := r.bps[k]; ok {
		return b
	}
	b := &Blueprint{Name: c.c.Bound, File: c.fi.pf.File, Call: c.loc(), site: c}
	r.bps[k] = b
	r.m.Blueprints = append(r.m.Blueprints, b)
	return b
}

func (r *resolver) extAt(c callRef, kind string) *Extension {
	k := c.key()
	if x, ok := r.exts[k]; ok {
		return x
	}
	x := &Extension{Kind: kind, File: c.fi.pf.File, At: c.loc(), Kw: c.c.Kw, site: c}
	r.exts[k] = x
	r.m.Extensions = append(r.m.Extensions, x)
	return x
}
