package diagnostics

// The project model: the Flask applications of a project, what they are
// made of and how they are configured, built from every Python file.
//
// How the server and the CLI use it:
//
//	e := NewEngine(settings, log)
//	e.ReadFile = func(path string) ([]byte, error) { ... } // optional: open buffers first, then the disk
//	p := NewProject()
//	p.Put(f, e.Symbols(f, Statements(f.Tree), cache))      // each Python file (f.Tree may be closed afterwards)
//	p.Put(g, nil)                                           // each template / env file
//	byPath := e.ProjectFindings(p)                          // project rules, findings grouped by path
//	findings := e.Finish(f, byPath[f.Path])                 // per file, with its statement findings
//	m := e.Model(p)                                         // the model itself (apps, views, config)
//	p.Invalidate()                                          // a non-Python file the model read changed (m.ConfigFiles)
//
// The model is built from facts cached per top-level statement
// (ModelFacts, extracted by Engine.Symbols and kept in the file's Cache),
// so rebuilding it after an edit walks no syntax tree: the edited file's
// new statements were read by Symbols, every other file keeps its facts
// and its per-file index (cached in its ProjectFile). Engine.Model caches
// the model until the project changes (Put, Remove, Invalidate).
// Engine.AnalyzeAll does all of this for a batch of files.
//
// Files the model reads itself (from_pyfile, from_file targets that are not
// Python modules of the project) go through Engine.ReadFile (default
// readConfigFile: regular files only), relative to the directory of the
// file that creates the app (filepath.Join(filepath.Dir(app file's Path),
// name), or its instance folder); the paths read, found or not, are listed
// in Model.ConfigFiles so that a server can watch them and call
// Project.Invalidate when they change.
//
// What the model holds (see the types below): Apps (each with its Config
// steps and scenarios, Views, Extensions, before_request CSRF checks),
// Blueprints with the apps they are registered on, every View with its
// methods, the Extensions (CSRFProtect, SeaSurf, Limiter, Talisman,
// LoginManager) with their apps. A value the model cannot know (a name, a
// call, an environment read, a file outside the project) is kept as
// "set externally" (ValueFact.Known false, ConfigSource.Open); rules decide
// what to do with it (Settings.AssumeExternalConfig).
//
// Engine.Model and ProjectFindings may be called from any goroutine; a
// project's model is built by one at a time. Model values are read-only.

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/internal/safefile"
)

// ReadFileFunc reads a file by the path the model computed from a project
// file's Path (same form: absolute in the server, as given in the CLI).
type ReadFileFunc func(path string) ([]byte, error)

// Location is a range in a project file (or, for config entries read from
// a non-Python file, in that file).
type Location struct {
	Path       string
	Start, End int
}

// Model is the project model. It is read-only once built.
type Model struct {
	Apps       []*App
	Blueprints []*Blueprint
	Views      []*View
	Extensions []*Extension
	// ConfigFiles lists the non-Python files read through ReadFile
	// (existing or not), for the server to watch.
	ConfigFiles []string
	// FrameOptions / ContentTypeOptions: some code of the project names the
	// header in a string literal (an after_request handler, a middleware).
	FrameOptions, ContentTypeOptions bool
	// UsesSession: the project imports flask's session, flash, Flask-Login
	// or Flask-WTF (or the whole flask module), so a session cookie exists.
	UsesSession bool
	// LoginRemember: login_user(..., remember=...) is called with a value
	// that is not literally False: Flask-Login sets its remember cookie.
	LoginRemember bool
	// CSRFExempts are @csrf.exempt decorators and csrf.exempt(...) calls.
	CSRFExempts []Location

	files  []*fileIndex
	byPath map[string]*fileIndex
	r      *resolver
}

// App is one Flask application: a Flask(...) call (or a call of a Flask
// subclass), at module level or inside a factory.
type App struct {
	Name    string   // the variable it is bound to, else the factory's name
	File    *File    // the file creating it
	Call    Location // the Flask(...) call
	Scope   string   // the function creating it ("" at module level), e.g. "create_app"
	Var     string   // the name bound to it in Scope ("" when none)
	Factory bool     // created in a function that returns it
	Test    bool     // created in a test file (tests/, test_*.py, conftest.py)

	Config     *AppConfig
	Views      []*View
	Extensions []*Extension
	// CSRFChecks are before_request handlers of the app that check a token.
	CSRFChecks []Location
	// Web: the app has routes (its own, a blueprint's, or blueprints
	// registered in a way the model cannot follow); an app without is a
	// script's or a worker's, or serves routes the model does not know
	// (Flask-RESTX resources), and absence rules leave it alone.
	Web bool
	// ReadsFiles: some view of the app (or code outside any view) reads request.files.
	ReadsFiles bool

	site  callRef
	class *scopeRef // the Flask subclass it is an instance of, nil for Flask itself
	ops   []opRef
}

// Blueprint is a Blueprint(...) call.
type Blueprint struct {
	Name string
	File *File
	Call Location
	Apps []*App // the apps it is registered on (directly or through parent blueprints)
	// CSRFCheck: a before_request handler of the blueprint checks a token.
	CSRFCheck bool
	Views     []*View

	site       callRef
	parents    []*Blueprint
	registered bool
}

// View is a route: a decorated function, an add_url_rule call, a MethodView.
type View struct {
	Name    string
	File    *File
	At      Location   // the route decorator or the add_url_rule call
	Methods []string   // upper case; GET when not given
	App     *App       // nil when registered on a blueprint or an unknown app
	Blue    *Blueprint // nil when registered on an app
	AnyApp  bool       // registered on an app the model cannot identify
	Exempt  bool       // decorated with @csrf.exempt

	funcs []scopeRef // the function, or the methods of a view class handling the methods
	// An add_url_rule view: the call (c nil for a decorated view) and the
	// view function or View class it registers.
	call callRef
	def  scopeRef
}

// Extension is a Flask extension instance the rules care about.
type Extension struct {
	Kind    string // CSRFProtect, SeaSurf, Limiter, Talisman, LoginManager
	File    *File
	At      Location
	Apps    []*App
	AllApps bool // attached to an app the model cannot identify (or never visibly attached)
	Kw      []KwFact

	site callRef
}

// Mutating reports whether the view accepts POST, PUT, PATCH or DELETE.
func (v *View) Mutating() []string {
	var out []string
	for _, m := range v.Methods {
		switch m {
		case "POST", "PUT", "PATCH", "DELETE":
			out = append(out, m)
		}
	}
	return out
}

// Attached reports whether an extension of kind applies to app.
func (m *Model) Attached(app *App, kinds ...string) *Extension {
	for _, x := range m.Extensions {
		if !hasString(kinds, x.Kind) {
			continue
		}
		if x.AllApps {
			return x
		}
		for _, a := range x.Apps {
			if a == app {
				return x
			}
		}
	}
	return nil
}

// File returns a project file by path, nil when it is not part of the model.
func (m *Model) File(path string) *File {
	if fi := m.byPath[path]; fi != nil {
		return fi.pf.File
	}
	return nil
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Model returns p's model, rebuilt from cached facts when p changed.
func (e *Engine) Model(p *Project) *Model { return e.model(p, nil) }

func (e *Engine) model(p *Project, interrupted func() bool) *Model {
	p.modelMu.Lock()
	defer p.modelMu.Unlock()
	gen := p.Generation()
	if p.model != nil && p.modelGen == gen {
		return p.model
	}
	read := e.ReadFile
	if read == nil {
		read = readConfigFile
	}
	m := buildModel(p, read, interrupted)
	p.model, p.modelGen = m, gen
	return m
}

// fileIndex is one Python file's facts with absolute positions, built once
// per ProjectFile (so only for files that changed).
type fileIndex struct {
	pf     *ProjectFile
	path   string
	module string
	test   bool
	// The lookups below are sorted slices searched by scope, name or path
	// (see scope, bindsOf, namesOf): an index is kept for every file of
	// the project, and maps of small slices cost several times more. They
	// are ordered by a hash of the key, then position: sorting by the keys
	// themselves cost a millisecond per edit of a 10k-line module.
	defs      []scopeRef   // every definition in order
	scopes    []int32      // defs' indexes ordered by hash of Path, then position
	scopeKeys []uint64     // the hash of each of scopes' Path
	binds     []bindRef    // every binding in a scope, ordered by hash of scope and name, then position
	bindKeys  []uint64     // the hash of each of binds' scope and name
	names     []modBinding // module-level names, ordered by hash of name, then position
	calls     []callRef
	sets      []setRef
	consts    []entryRef
	stars     []string // qualified modules of "from m import *"

	frameOptions, contentTypeOptions, readsFiles, usesSession bool
	anyReadsFiles                                             bool // some function reads request.files

	decos       []decoRef // route, before_request and exempt decorators of functions
	special     []callRef // calls of config methods, add_url_rule, register_blueprint, ...
	returnCalls []callRef // calls returned by a function
	routeT      []symTarget
	routeGen    uint64

	// notCtor[i]: calls[i] creates no app, blueprint or extension, as
	// resolved from this file and libraries alone (valid for moduleGen).
	notCtor    []bool
	notCtorGen uint64
}

type scopeName struct{ scope, name string }

// decoRef is a decorator the model reads: meth is "route" (methods nil
// when not known statically), "before_request", "before_app_request" or
// "exempt".
type decoRef struct {
	def     scopeRef
	dec     *DecoratorFact
	recv    string
	meth    string
	methods []string
	funcs   []scopeRef // []scopeRef{def}, shared by the views of every build
}

var specialMethods = map[string]bool{
	"add_url_rule": true, "register_blueprint": true, "init_app": true, "before_request": true,
	"before_app_request": true, "exempt": true, "login_user": true,
}

func (fi *fileIndex) addDecorators(d scopeRef) {
	if d.s.Class {
		return
	}
	for i := range d.s.Decos {
		dec := &d.s.Decos[i]
		recv, meth := splitLastDot(dec.Name)
		if recv == "" {
			continue
		}
		dr := decoRef{def: d, dec: dec, recv: recv, meth: meth, funcs: []scopeRef{d}}
		switch {
		case meth == "route" || httpRouteMethods[meth] != "":
			if !dec.Call {
				continue
			}
			dr.meth, dr.methods = "route", []string{"GET"}
			if meth != "route" {
				dr.methods = []string{httpRouteMethods[meth]}
			} else if ma, ok := kwArg(dec.Kw, "methods"); ok {
				dr.methods = nil
				if ma.Kind == ArgList && ma.StrsOK {
					dr.methods = upperAll(ma.items().Strs)
				}
			}
		case meth == "before_request" || meth == "before_app_request":
		case meth == "exempt" && !dec.Call:
		default:
			continue
		}
		fi.decos = append(fi.decos, dr)
	}
}

type scopeRef struct {
	fi   *fileIndex
	s    *ScopeFact
	base int
}

type callRef struct {
	fi   *fileIndex
	c    *CallFact
	base int
}

type bindRef struct {
	fi   *fileIndex
	b    *LocalBind
	base int
	mf   *ModelFacts // the statement's facts (LocalBind.Call indexes its Calls)
}

// call returns the CallFact of a call value (LocalBind.Call), nil when none.
func (b bindRef) call() *CallFact {
	if i := b.b.Call; i >= 0 && i < len(b.mf.Calls) {
		return &b.mf.Calls[i]
	}
	return nil
}

type setRef struct {
	fi   *fileIndex
	s    *SetFact
	base int
}

type entryRef struct {
	fi   *fileIndex
	e    *EntryFact
	base int
}

type bindingKind uint8

const (
	bindValue bindingKind = iota
	bindDef
	bindImport
)

// modBinding is a module-level name bound by an import (q), a definition
// (s) or an assignment (b, mf).
type modBinding struct {
	key  uint64 // indexKey(name)
	name string
	q    string
	pos  int
	base int
	s    *ScopeFact
	b    *LocalBind
	mf   *ModelFacts
	kind bindingKind
}

func (b *modBinding) def(fi *fileIndex) scopeRef { return scopeRef{fi, b.s, b.base} }
func (b *modBinding) bind(fi *fileIndex) bindRef { return bindRef{fi, b.b, b.base, b.mf} }

// keyed is an entry of an index slice being sorted: its key's hash, its
// position, its place before sorting (small, so the sort moves little).
type keyed struct {
	key uint64
	pos int
	i   int32
}

func byKeyThenPosition(x, y keyed) int {
	if c := cmp.Compare(x.key, y.key); c != 0 {
		return c
	}
	if c := cmp.Compare(x.pos, y.pos); c != 0 {
		return c
	}
	return int(x.i - y.i)
}

// indexSeed keys the index's sorted slices (see fileIndex).
var indexSeed = maphash.MakeSeed()

func indexKey(s string) uint64 { return maphash.String(indexSeed, s) }

func scopedNameKey(scope, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(indexSeed)
	h.WriteString(scope)
	h.WriteByte(0)
	h.WriteString(name)
	return h.Sum64()
}

// keyRange is the range of sorted keys equal to key.
func keyRange(keys []uint64, key uint64) (int, int) {
	i, _ := slices.BinarySearch(keys, key)
	j := i
	for j < len(keys) && keys[j] == key {
		j++
	}
	return i, j
}

// scope returns the definition of path (the last one when several).
func (fi *fileIndex) scope(path string) (scopeRef, bool) {
	i, j := keyRange(fi.scopeKeys, indexKey(path))
	for k := j - 1; k >= i; k-- {
		if d := fi.defs[fi.scopes[k]]; d.s.Path == path {
			return d, true
		}
	}
	return scopeRef{}, false
}

// bindsOf returns the bindings of name in scope, in order.
func (fi *fileIndex) bindsOf(scope, name string) []bindRef {
	i, j := keyRange(fi.bindKeys, scopedNameKey(scope, name))
	out := fi.binds[i:j:j]
	for _, b := range out {
		if b.b.Scope != scope || b.b.Name != name {
			// A hash collision (never seen): filter.
			var kept []bindRef
			for _, b := range out {
				if b.b.Scope == scope && b.b.Name == name {
					kept = append(kept, b)
				}
			}
			return kept
		}
	}
	return out
}

// namesOf returns the module-level bindings of name, in order.
func (fi *fileIndex) namesOf(name string) []modBinding {
	key := indexKey(name)
	i, _ := slices.BinarySearchFunc(fi.names, key, func(b modBinding, k uint64) int { return cmp.Compare(b.key, k) })
	j := i
	for j < len(fi.names) && fi.names[j].key == key {
		j++
	}
	out := fi.names[i:j:j]
	for _, b := range out {
		if b.name != name {
			var kept []modBinding
			for _, b := range out {
				if b.name == name {
					kept = append(kept, b)
				}
			}
			return kept
		}
	}
	return out
}

func (c callRef) loc() Location {
	return Location{Path: c.fi.path, Start: c.base + c.c.Off, End: c.base + c.c.End}
}

func (s scopeRef) loc(sp Span) Location {
	return Location{Path: s.fi.path, Start: s.base + sp.Off, End: s.base + sp.End}
}

func (s scopeRef) valid() bool { return s.s != nil }

// sessionModules are imports that mean a session cookie is in use.
var sessionImports = []string{"flask.session", "flask.flash", "flask_login", "flask_wtf", "flask_session"}

func indexFile(pf *ProjectFile) *fileIndex {
	f, ms := pf.File, pf.Symbols
	fi := &fileIndex{
		pf: pf, path: f.Path, module: f.Module, test: isTestFile(f),
	}
	if ms == nil || len(ms.Starts) != len(ms.Facts) {
		return fi
	}
	// Sized first: growing them costs a third of the time (large modules
	// are indexed again on every edit that changes their facts).
	var nNames, nDefs, nBinds, nCalls, nConsts, nSets int
	for _, sf := range ms.Facts {
		nNames += len(sf.Imports)
		mf := sf.Model
		if mf == nil {
			continue
		}
		nDefs, nBinds, nCalls, nConsts = nDefs+len(mf.Scopes), nBinds+len(mf.Binds), nCalls+len(mf.Calls), nConsts+len(mf.Consts)
		if mf.Rare != nil {
			nSets += len(mf.Rare.Sets)
		}
		for j := range mf.Scopes {
			if mf.Scopes[j].Parent == "" {
				nNames++
			}
		}
		for j := range mf.Binds {
			if mf.Binds[j].Scope == "" {
				nNames++
			}
		}
	}
	fi.names, fi.defs, fi.binds = make([]modBinding, 0, nNames), make([]scopeRef, 0, nDefs), make([]bindRef, 0, nBinds)
	fi.calls, fi.consts, fi.sets = make([]callRef, 0, nCalls), make([]entryRef, 0, nConsts), make([]setRef, 0, nSets)
	for i, sf := range ms.Facts {
		base := ms.Starts[i]
		for _, imp := range sf.Imports {
			q := absoluteImport(f.Module, f.IsPackage, imp)
			fi.names = append(fi.names, modBinding{name: imp.Local, pos: base, kind: bindImport, q: q})
			if q == "flask" {
				fi.usesSession = true
			}
			for _, s := range sessionImports {
				if q == s || strings.HasPrefix(q, s+".") {
					fi.usesSession = true
				}
			}
		}
		mf := sf.Model
		if mf == nil {
			continue
		}
		for j := range mf.Scopes {
			s := scopeRef{fi, &mf.Scopes[j], base}
			fi.anyReadsFiles = fi.anyReadsFiles || s.s.ReadsFiles
			fi.addDecorators(s)
			fi.defs = append(fi.defs, s)
			if s.s.Parent == "" {
				fi.names = append(fi.names, modBinding{name: s.s.Name, pos: base + s.s.Off, kind: bindDef, s: s.s, base: base})
			}
		}
		for j := range mf.Binds {
			b := bindRef{fi, &mf.Binds[j], base, mf}
			fi.binds = append(fi.binds, b)
			if b.b.Scope == "" {
				fi.names = append(fi.names, modBinding{name: b.b.Name, pos: base + b.b.Off, kind: bindValue, b: b.b, mf: mf, base: base})
			}
		}
		for j := range mf.Calls {
			c := callRef{fi, &mf.Calls[j], base}
			fi.calls = append(fi.calls, c)
			recv, meth := splitLastDot(c.c.Func)
			if specialMethods[meth] || configMethods[meth] && strings.HasSuffix(recv, ".config") {
				fi.special = append(fi.special, c)
			}
			if c.c.Return && c.c.Scope != "" {
				fi.returnCalls = append(fi.returnCalls, c)
			}
		}
		var rare RareModelFacts
		if mf.Rare != nil {
			rare = *mf.Rare
		}
		for j := range rare.Sets {
			fi.sets = append(fi.sets, setRef{fi, &rare.Sets[j], base})
		}
		for j := range mf.Consts {
			fi.consts = append(fi.consts, entryRef{fi, &mf.Consts[j], base})
		}
		for _, st := range rare.Stars {
			fi.stars = append(fi.stars, absoluteImport(f.Module, f.IsPackage, ImportFact{Qualified: st.Qualified, Level: st.Level}))
		}
		fi.frameOptions = fi.frameOptions || mf.FrameOptions
		fi.contentTypeOptions = fi.contentTypeOptions || mf.ContentTypeOptions
		fi.readsFiles = fi.readsFiles || mf.ReadsFiles
	}
	fi.defs = exact(fi.defs)
	// Sorted by key hash then position (the order they were added in).
	order := make([]keyed, len(fi.defs))
	for i, d := range fi.defs {
		order[i] = keyed{indexKey(d.s.Path), i, int32(i)}
	}
	sortKeyed(order)
	fi.scopes = make([]int32, len(order))
	fi.scopeKeys = make([]uint64, len(order))
	for i, o := range order {
		fi.scopes[i], fi.scopeKeys[i] = o.i, o.key
	}
	fi.binds = exact(fi.binds)
	order = slices.Grow(order[:0], len(fi.binds))[:len(fi.binds)]
	for i, b := range fi.binds {
		order[i] = keyed{scopedNameKey(b.b.Scope, b.b.Name), b.base + b.b.Off, int32(i)}
	}
	sortKeyed(order)
	binds := make([]bindRef, len(fi.binds))
	fi.bindKeys = make([]uint64, len(fi.binds))
	for i, o := range order {
		binds[i], fi.bindKeys[i] = fi.binds[o.i], o.key
	}
	fi.binds = binds
	fi.names = exact(fi.names)
	order = order[:0]
	for i := range fi.names {
		fi.names[i].key = indexKey(fi.names[i].name)
		order = append(order, keyed{fi.names[i].key, fi.names[i].pos, int32(i)})
	}
	sortKeyed(order)
	names := make([]modBinding, len(fi.names))
	for i, o := range order {
		names[i] = fi.names[o.i]
	}
	fi.names = names
	fi.calls = exact(fi.calls)
	fi.sets = exact(fi.sets)
	fi.consts = exact(fi.consts)
	fi.stars = exact(fi.stars)
	fi.decos = exact(fi.decos)
	fi.special = exact(fi.special)
	fi.returnCalls = exact(fi.returnCalls)
	return fi
}

// isTestFile reports a file of a test suite: test_*.py, *_test.py,
// conftest.py, tests.py, or a module inside a tests/test/testing package.
// The module name (relative to the project root) is used rather than the
// path, whose folders above the project say nothing ("/home/u/test/app").
func isTestFile(f *File) bool {
	base := path.Base(filepath.ToSlash(f.Path))
	if strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" || base == "tests.py" {
		return true
	}
	parts := strings.Split(f.Module, ".")
	if len(parts) > 0 && base != "__init__.py" {
		parts = parts[:len(parts)-1] // the module itself: its name was checked above
	}
	for _, seg := range parts {
		if seg == "tests" || seg == "test" || seg == "testing" {
			return true
		}
	}
	return false
}

// modelIndex is the model's view of a Python file, built once.
func (pf *ProjectFile) modelIndex() *fileIndex {
	pf.indexOnce.Do(func() { pf.index = indexFile(pf) })
	return pf.index
}

// PrepareModel builds a Python file's part of the project model ahead of
// time, so that batch loaders can do it on all cores (the model is
// otherwise built on one). Safe for concurrent use on different files.
func (p *Project) PrepareModel(path string) {
	if pf := p.File(path); pf != nil && pf.File.Kind == KindPython {
		pf.modelIndex()
	}
}

// readConfigFile is the model's default ReadFile: a from_pyfile target
// that is a FIFO or a device ("../../dev/zero") must not block or fill
// memory.
func readConfigFile(path string) ([]byte, error) { return safefile.Read(path, 32<<20) }

func buildModel(p *Project, read ReadFileFunc, interrupted func() bool) *Model {
	m := &Model{byPath: map[string]*fileIndex{}}
	for _, pf := range p.Files() {
		if pf.File.Kind != KindPython {
			continue
		}
		fi := pf.modelIndex()
		m.files = append(m.files, fi)
		m.byPath[fi.path] = fi
		m.FrameOptions = m.FrameOptions || fi.frameOptions
		m.ContentTypeOptions = m.ContentTypeOptions || fi.contentTypeOptions
		m.UsesSession = m.UsesSession || fi.usesSession
	}
	r := newResolver(m, p, read)
	p.mu.RLock()
	r.moduleGen = p.moduleGen
	p.mu.RUnlock()
	m.r = r
	r.interrupted = interrupted
	r.build()
	return m
}

// sortedApps orders apps by file and position, for stable output.
func sortApps(apps []*App) {
	sort.SliceStable(apps, func(i, j int) bool {
		if apps[i].Call.Path != apps[j].Call.Path {
			return apps[i].Call.Path < apps[j].Call.Path
		}
		return apps[i].Call.Start < apps[j].Call.Start
	})
}

// safeModel is Model that logs a panic and returns an empty model, so that
// a bug in the model costs the project rules, not the analysis.
func (e *Engine) safeModel(p *Project, interrupted func() bool) (m *Model) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(interruption); ok {
				panic(v)
			}
			e.Log.Error("panic building the project model", zap.String("panic", fmt.Sprint(v)), zap.ByteString("stack", debug.Stack()))
			m = &Model{byPath: map[string]*fileIndex{}}
		}
	}()
	return e.model(p, interrupted)
}
