package diagnostics

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// An app's effective configuration: the ordered writes of its config
// (ConfigStep), each from a source (ConfigSource) or one of several
// (from_object(config[name]) with a dict of config classes). Rules ask for
// a key's value in each scenario (one choice per step), see Effective.

// AppConfig is an app's configuration.
type AppConfig struct {
	Steps []*ConfigStep
}

// ConfigStep is one write of the config.
type ConfigStep struct {
	Alts []*ConfigSource // one source, or the candidates of a dict of config classes
	At   Location        // the statement or call writing it
}

// SourceKind says where a ConfigSource's values come from.
type SourceKind uint8

const (
	SourceOps       SourceKind = iota // app.config[...] = ..., update(...), from_mapping(...), setdefault(...)
	SourceClass                       // a config class (or an instance of one), base classes included
	SourceModule                      // a module's UPPER_CASE names
	SourceFile                        // from_pyfile / from_file of a file that exists
	SourceExternal                    // from_envvar, from_prefixed_env, a file or object not in the project
	SourceExtension                   // an extension that sets config (Talisman)
)

// ConfigSource is one origin of config values.
type ConfigSource struct {
	Kind SourceKind
	Name string   // class or module name, file path, or the call for external sources
	At   Location // the class's name, the module, or the call loading a file or an external source
	// Entries: for a class in lookup order (the class itself, then its
	// bases); otherwise in write order (the last one wins).
	Entries []*ConfigEntry
	// Open: keys the source does not list may still be set by it (a file
	// outside the project, environment variables, a base class from a library).
	Open bool
	Dev  bool // a development/testing config by name (Dev, Debug, Local, Test)
	Test bool // a testing config by name

	class  scopeRef // SourceClass
	update *callRef // SourceOps from a literal update()/from_mapping() call
	scope  string   // SourceOps: the scope of the write
}

// ConfigEntry is one key set by a source.
type ConfigEntry struct {
	Key       string
	Value     ValueFact // Known false: set externally (a name, a call, an environment read)
	At        Location  // the whole entry
	ValAt     Location  // its value
	Default   bool      // setdefault: applies only when the key is not set yet
	InProject bool      // At is in a Python file of the project (a fix may edit it)
	Synthetic bool      // implied by an extension (no text to edit)
}

// Lookup returns the entry a source gives for key, or nil.
func (s *ConfigSource) Lookup(key string) *ConfigEntry {
	if s.Kind == SourceClass {
		for _, e := range s.Entries {
			if e.Key == key {
				return e
			}
		}
		return nil
	}
	for i := len(s.Entries) - 1; i >= 0; i-- {
		if s.Entries[i].Key == key {
			return s.Entries[i]
		}
	}
	return nil
}

// Scenario is one choice of source per step.
type Scenario []*ConfigSource

const maxScenarios = 32

// Scenarios lists the combinations of alternative sources (at most
// maxScenarios; steps beyond that count as external).
func (c *AppConfig) Scenarios() []Scenario {
	out := []Scenario{{}}
	for _, st := range c.Steps {
		if len(st.Alts) == 1 || len(out)*len(st.Alts) > maxScenarios {
			src := st.Alts[0]
			if len(st.Alts) > 1 {
				src = &ConfigSource{Kind: SourceExternal, Name: "one of several configs", At: st.At, Open: true}
			}
			for i := range out {
				out[i] = append(out[i], src)
			}
			continue
		}
		var next []Scenario
		for _, s := range out {
			for _, alt := range st.Alts {
				n := append(append(Scenario(nil), s...), alt)
				next = append(next, n)
			}
		}
		out = next
	}
	return out
}

// Effective is a key's value in one scenario.
type Effective struct {
	Entry  *ConfigEntry  // the write that wins, nil when none
	Source *ConfigSource // its source
	// Open: a source that may set the key externally comes after Entry (or
	// there is no Entry and some source is open).
	Open       bool
	OpenSource *ConfigSource
}

// Effective evaluates key in a scenario: later writes win, setdefault
// only applies to an unset key.
func (s Scenario) Effective(key string) Effective {
	var res Effective
	for _, src := range s {
		if e := src.Lookup(key); e != nil {
			if e.Default && res.Entry != nil {
				continue
			}
			res.Entry, res.Source = e, src
			if !e.Default {
				res.Open, res.OpenSource = false, nil
			}
		} else if src.Open {
			res.Open, res.OpenSource = true, src
		}
	}
	return res
}

// Dev reports a scenario loading a development or testing config, or
// turning TESTING on: cookie and upload rules do not apply to it.
func (s Scenario) Dev() bool {
	for _, src := range s {
		if src.Dev {
			return true
		}
	}
	eff := s.Effective("TESTING")
	return eff.Entry != nil && eff.Entry.Value.Known && eff.Entry.Value.Truthy
}

func (r *resolver) appConfig(a *App) *AppConfig {
	var ops []opRef
	if a.class != nil {
		mro := r.mro(*a.class)
		for i := len(mro) - 1; i >= 0; i-- { // base classes first: super().__init__() runs first
			ops = append(ops, r.classOps[mro[i].key()]...)
		}
	}
	own := append([]opRef(nil), a.ops...)
	for i := range own {
		own[i].group = 2
		if own[i].fi == a.site.fi {
			own[i].group = 1
		}
	}
	sort.SliceStable(own, func(i, j int) bool {
		if own[i].group != own[j].group {
			return own[i].group < own[j].group
		}
		if own[i].fi.path != own[j].fi.path {
			return own[i].fi.path < own[j].fi.path
		}
		return own[i].pos() < own[j].pos()
	})
	ops = append(ops, own...)
	ops = append(ops, r.anyOps...)
	cfg := &AppConfig{}
	for _, op := range ops {
		if st := r.step(a, op); st != nil {
			cfg.Steps = append(cfg.Steps, st)
		}
	}
	if x := r.m.Attached(a, "Talisman"); x != nil {
		cfg.Steps = append(cfg.Steps, talismanStep(x))
	}
	return cfg
}

// talismanStep: Flask-Talisman sets SESSION_COOKIE_SECURE (outside debug
// mode), SESSION_COOKIE_HTTPONLY and SESSION_COOKIE_SAMESITE ("Lax") unless
// told otherwise.
func talismanStep(x *Extension) *ConfigStep {
	src := &ConfigSource{Kind: SourceExtension, Name: "Talisman", At: x.At}
	add := func(key, kw string, def ValueFact) {
		v := def
		if a, ok := kwArg(x.Kw, kw); ok {
			v = a.Val
			if a.Kind != ArgLiteral && a.Kind != ArgString {
				v = ValueFact{}
			}
		}
		if key != "SESSION_COOKIE_SAMESITE" && v.Known && !v.Truthy {
			return // Talisman then leaves the key alone
		}
		src.Entries = append(src.Entries, &ConfigEntry{Key: key, Value: v, At: x.At, ValAt: x.At, Synthetic: true})
	}
	truth := ValueFact{Known: true, Truthy: true}
	add("SESSION_COOKIE_SECURE", "session_cookie_secure", truth)
	add("SESSION_COOKIE_HTTPONLY", "session_cookie_http_only", truth)
	add("SESSION_COOKIE_SAMESITE", "session_cookie_samesite", ValueFact{Known: true, Truthy: true, IsStr: true, Str: "Lax"})
	return &ConfigStep{Alts: []*ConfigSource{src}, At: x.At}
}

func (fi *fileIndex) loc(base int, sp Span) Location {
	return Location{Path: fi.path, Start: base + sp.Off, End: base + sp.End}
}

func (fi *fileIndex) entry(base int, e EntryFact) *ConfigEntry {
	return &ConfigEntry{Key: e.Key, Value: e.Val, At: fi.loc(base, e.Span), ValAt: fi.loc(base, e.ValAt), InProject: true}
}

func argValue(a ArgFact) ValueFact {
	if a.Kind == ArgLiteral || a.Kind == ArgString {
		return a.Val
	}
	return ValueFact{}
}

// step turns one config write into a step.
func (r *resolver) step(a *App, op opRef) *ConfigStep {
	fi, base := op.fi, op.base
	if s := op.set; s != nil {
		src := &ConfigSource{Kind: SourceOps, Name: s.Recv + ".config", At: fi.loc(base, s.Span), scope: s.Scope}
		src.Entries = []*ConfigEntry{{Key: s.Key, Value: s.Val, At: fi.loc(base, s.Span), ValAt: fi.loc(base, s.ValAt), InProject: true}}
		return &ConfigStep{Alts: []*ConfigSource{src}, At: src.At}
	}
	c := op.call
	_, meth := splitLastDot(c.Func)
	at := fi.loc(base, c.Span)
	pos := base + c.Off
	one := func(src *ConfigSource) *ConfigStep { return &ConfigStep{Alts: []*ConfigSource{src}, At: at} }
	external := func(name string) *ConfigStep {
		return one(&ConfigSource{Kind: SourceExternal, Name: name, At: at, Open: true})
	}
	switch meth {
	case "update", "from_mapping":
		src := &ConfigSource{Kind: SourceOps, Name: c.Func, At: at, scope: c.Scope}
		literal := true
		for _, arg := range c.Args {
			if arg.Kind != ArgDict || arg.box().Splat {
				src.Open, literal = true, false
			}
			for _, e := range arg.items().Entries {
				src.Entries = append(src.Entries, fi.entry(base, e))
			}
		}
		for _, kw := range c.Kw {
			if kw.Name == "**" {
				src.Open, literal = true, false
				continue
			}
			src.Entries = append(src.Entries, &ConfigEntry{Key: kw.Name, Value: argValue(kw.Arg), At: fi.loc(base, kw.Span), ValAt: fi.loc(base, kw.Arg.Span), InProject: true})
		}
		if literal && len(c.Args) <= 1 && !c.box().Splat {
			cr := callRef{fi, c, base}
			src.update = &cr
		}
		return one(src)
	case "setdefault":
		if len(c.Args) == 2 && c.Args[0].Kind == ArgString {
			src := &ConfigSource{Kind: SourceOps, Name: c.Func, At: at, scope: c.Scope}
			src.Entries = []*ConfigEntry{{Key: c.Args[0].Str, Value: argValue(c.Args[1]), At: at, ValAt: fi.loc(base, c.Args[1].Span), Default: true, InProject: true}}
			return one(src)
		}
		return nil
	case "from_object":
		if len(c.Args) == 0 {
			return external(c.Func)
		}
		alts := r.objectArg(fi, c.Scope, c.Args[0], pos, at)
		return &ConfigStep{Alts: alts, At: at}
	case "from_pyfile", "from_file":
		if len(c.Args) == 0 || c.Args[0].Kind != ArgString {
			return external(c.Func + "(...)")
		}
		format := "py"
		if meth == "from_file" {
			format = strings.TrimPrefix(path.Ext(c.Args[0].Str), ".")
			if load, ok := kwArg(c.Kw, "load"); ok {
				switch l := lastPart(load.Name); {
				case strings.Contains(load.Name, "json"):
					format = "json"
				case strings.Contains(load.Name, "tom"), l == "loads" && strings.Contains(load.Name, "toml"):
					format = "toml"
				}
			}
		}
		return one(r.fileSource(a, c.Args[0].Str, format, at))
	case "from_envvar", "from_prefixed_env":
		name := c.Func + "()"
		if len(c.Args) > 0 && c.Args[0].Kind == ArgString {
			name = fmt.Sprintf("%s(%q)", c.Func, c.Args[0].Str)
		}
		return external(name)
	}
	return nil
}

// objectArg resolves from_object's argument to its candidate sources.
func (r *resolver) objectArg(fi *fileIndex, scope string, arg ArgFact, pos int, at Location) []*ConfigSource {
	ext := []*ConfigSource{{Kind: SourceExternal, Name: "from_object(...)", At: at, Open: true}}
	switch arg.Kind {
	case ArgString:
		return r.objectSources(r.importString(arg.Str), at, 0)
	case ArgName:
		return r.objectSources(r.lookup(fi, scope, arg.Name, pos), at, 0)
	case ArgSubscript:
		if v := r.lookup(fi, scope, arg.Name, pos); v.kind == vDict {
			if len(arg.items().Args) == 1 && arg.items().Args[0].Kind == ArgString {
				return r.dictItem(*v.dict, arg.items().Args[0].Str, at) // config["production"]
			}
			return r.dictSources(*v.dict, nil, at)
		}
	case ArgCall:
		v := r.lookup(fi, scope, arg.Name, pos)
		switch v.kind {
		case vDictGet:
			if len(arg.items().Args) > 0 && arg.items().Args[0].Kind == ArgString {
				return r.dictItem(*v.dict, arg.items().Args[0].Str, at)
			}
			var def *ArgFact
			if len(arg.items().Args) > 1 {
				def = &arg.items().Args[1]
			}
			return r.dictSources(*v.dict, def, at)
		case vClass:
			return r.objectSources(value{kind: vInstance, cls: v.cls}, at, 0)
		}
	}
	return ext
}

func (r *resolver) importString(s string) value {
	s = strings.Replace(s, ":", ".", 1)
	return r.qualified(s)
}

func (r *resolver) dictSources(d bindRef, def *ArgFact, at Location) []*ConfigSource {
	var out []*ConfigSource
	seen := map[*ConfigSource]bool{}
	add := func(srcs []*ConfigSource) {
		for _, s := range srcs {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	pos := d.base + d.b.Off
	for _, it := range d.b.dictItems() {
		if it.Value == "" {
			add([]*ConfigSource{{Kind: SourceExternal, Name: "a config of " + d.b.Name, At: at, Open: true}})
			continue
		}
		add(r.objectSources(r.lookup(d.fi, d.b.Scope, it.Value, pos), at, 0))
	}
	if def != nil && def.Kind == ArgName {
		add(r.objectSources(r.lookup(d.fi, d.b.Scope, def.Name, pos), at, 0))
	}
	if def != nil && def.Kind == ArgString { // config.get(name, "default"): a key
		add(r.dictItem(d, def.Str, at))
	}
	if len(out) == 0 {
		return []*ConfigSource{{Kind: SourceExternal, Name: d.b.Name, At: at, Open: true}}
	}
	return out
}

// dictItem resolves one entry of a dict of configs by its key.
func (r *resolver) dictItem(d bindRef, key string, at Location) []*ConfigSource {
	for _, it := range d.b.dictItems() {
		if it.Key == key && it.Value != "" {
			return r.objectSources(r.lookup(d.fi, d.b.Scope, it.Value, d.base+d.b.Off), at, 0)
		}
	}
	return []*ConfigSource{{Kind: SourceExternal, Name: d.b.Name + "[" + key + "]", At: at, Open: true}}
}

func (r *resolver) objectSources(v value, at Location, depth int) []*ConfigSource {
	if depth < 4 {
		switch v.kind {
		case vClass, vInstance:
			return []*ConfigSource{r.classSource(v.cls)}
		case vModule:
			return []*ConfigSource{r.moduleSource(v.module)}
		case vString:
			return r.objectSources(r.importString(v.str), at, depth+1)
		case vParam:
			// create_app(config_class=Config): the default, when there is one.
			if d := v.param.Default; d != nil {
				pos := v.cls.base + v.cls.s.Off
				switch d.Kind {
				case ArgName:
					return r.objectSources(r.lookup(v.cls.fi, v.cls.s.Parent, d.Name, pos), at, depth+1)
				case ArgString:
					return r.objectSources(r.importString(d.Str), at, depth+1)
				}
			}
		}
	}
	name := "from_object(...)"
	if v.kind == vExternal {
		name = v.q
	}
	return []*ConfigSource{{Kind: SourceExternal, Name: name, At: at, Open: true}}
}

// classSource memoises a config class with its bases.
func (r *resolver) classSource(cls scopeRef) *ConfigSource {
	k := cls.key()
	if r.classSrc == nil {
		r.classSrc = map[scopeKey]*ConfigSource{}
	}
	if s, ok := r.classSrc[k]; ok {
		return s
	}
	src := &ConfigSource{Kind: SourceClass, Name: cls.s.Name, At: cls.loc(cls.s.NameAt), class: cls}
	r.classSrc[k] = src
	l := strings.ToLower(cls.s.Name)
	src.Dev = isDevOrTestName(cls.s.Name)
	src.Test = strings.Contains(l, "test")
	for _, c := range r.mro(cls) {
		if strings.Contains(strings.ToLower(c.s.Name), "test") {
			src.Test = true
		}
		for i := len(c.s.cls().Entries) - 1; i >= 0; i-- {
			src.Entries = append(src.Entries, c.fi.entry(c.base, c.s.cls().Entries[i]))
		}
		for _, p := range c.s.cls().Props {
			src.Entries = append(src.Entries, &ConfigEntry{Key: p, At: c.loc(c.s.NameAt), ValAt: c.loc(c.s.NameAt)})
		}
	}
	src.Open = r.openBases(cls)
	return src
}

// moduleSource memoises a module used as a config object.
func (r *resolver) moduleSource(fi *fileIndex) *ConfigSource {
	if r.moduleSrc == nil {
		r.moduleSrc = map[*fileIndex]*ConfigSource{}
	}
	if s, ok := r.moduleSrc[fi]; ok {
		return s
	}
	src := &ConfigSource{Kind: SourceModule, Name: fi.module, At: Location{Path: fi.path}}
	r.moduleSrc[fi] = src
	for _, q := range fi.stars {
		if mod := r.module(q); mod != nil && mod != fi {
			src.Entries = append(src.Entries, r.moduleSource(mod).Entries...)
		} else {
			src.Open = true
		}
	}
	for i, b := range fi.names {
		last := i+1 == len(fi.names) || fi.names[i+1].name != b.name
		if last && isUpperName(b.name) && b.kind == bindImport {
			src.Entries = append(src.Entries, &ConfigEntry{Key: b.name, At: Location{Path: fi.path, Start: b.pos, End: b.pos}})
		}
	}
	for _, e := range fi.consts {
		src.Entries = append(src.Entries, fi.entry(e.base, *e.e))
	}
	return src
}

// extSource is a parsed non-Python config file, cached by content.
type extSource struct {
	sum     [32]byte
	entries []*ConfigEntry
}

// fileSource reads from_pyfile / from_file targets: relative to the app's
// root path (the directory of the file creating it), or to its instance
// folder when the app has instance_relative_config=True.
func (r *resolver) fileSource(a *App, rel, format string, at Location) *ConfigSource {
	ext := &ConfigSource{Kind: SourceExternal, Name: rel, At: at, Open: true}
	if rel == "" || filepath.IsAbs(rel) {
		return ext
	}
	dir := filepath.Dir(a.File.Path)
	candidates := []string{filepath.Join(dir, rel)}
	if kw, ok := kwArg(a.site.c.Kw, "instance_relative_config"); ok && kw.Val.Known && kw.Val.Truthy {
		candidates = []string{filepath.Join(dir, "instance", rel), filepath.Join(filepath.Dir(dir), "instance", rel)}
	}
	for _, p := range candidates {
		if fi := r.m.byPath[p]; fi != nil {
			src := *r.moduleSource(fi)
			src.Kind, src.Name, src.At = SourceFile, p, at
			return &src
		}
		entries, ok := r.readConfigFile(p, format)
		if !ok {
			continue
		}
		return &ConfigSource{Kind: SourceFile, Name: p, At: at, Entries: entries}
	}
	return ext
}

func (r *resolver) readConfigFile(p, format string) ([]*ConfigEntry, bool) {
	if !hasString(r.m.ConfigFiles, p) {
		r.m.ConfigFiles = append(r.m.ConfigFiles, p)
	}
	src, err := r.read(p)
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256(append([]byte(format+"\x00"), src...))
	r.p.modelMu2.Lock()
	cached, ok := r.p.extCache[p]
	r.p.modelMu2.Unlock()
	if ok && cached.sum == sum {
		return cached.entries, true
	}
	var entries []*ConfigEntry
	switch format {
	case "json":
		entries = jsonEntries(p, src)
	case "toml":
		entries = tomlEntries(p, src)
	default:
		entries = pyfileEntries(p, src)
	}
	r.p.modelMu2.Lock()
	if r.p.extCache == nil {
		r.p.extCache = map[string]*extSource{}
	}
	r.p.extCache[p] = &extSource{sum: sum, entries: entries}
	r.p.modelMu2.Unlock()
	return entries, true
}

// pyfileEntries reads the UPPER_CASE module-level names of a Python file
// that is not a module of the project (a .cfg, an instance config).
func pyfileEntries(p string, src []byte) []*ConfigEntry {
	tree := syntax.Parse(src)
	if tree == nil {
		return nil
	}
	defer tree.Close()
	var out []*ConfigEntry
	for _, s := range Statements(tree) {
		mf := ExtractModelFacts(s)
		for _, e := range mf.Consts {
			out = append(out, &ConfigEntry{Key: e.Key, Value: e.Val,
				At:    Location{Path: p, Start: s.Start() + e.Off, End: s.Start() + e.End},
				ValAt: Location{Path: p, Start: s.Start() + e.ValAt.Off, End: s.Start() + e.ValAt.End}})
		}
	}
	return out
}

func jsonEntries(p string, src []byte) []*ConfigEntry {
	var obj map[string]any
	if json.Unmarshal(src, &obj) != nil {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*ConfigEntry
	for _, k := range keys {
		if !isUpperName(k) {
			continue
		}
		v := ValueFact{Known: true}
		switch x := obj[k].(type) {
		case bool:
			v.Truthy = x
		case string:
			v.IsStr, v.Str, v.Truthy = true, x, x != ""
		case float64:
			v.Truthy = x != 0
		case nil:
			v.None = true
		default:
			v = ValueFact{}
		}
		out = append(out, &ConfigEntry{Key: k, Value: v, At: Location{Path: p}, ValAt: Location{Path: p}})
	}
	return out
}

// tomlEntries reads the top-level "KEY = value" pairs of a TOML file (the
// ones before the first table), which is what Flask's from_file loads as
// config keys; values other than booleans, strings and numbers are unknown.
func tomlEntries(p string, src []byte) []*ConfigEntry {
	var out []*ConfigEntry
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			break
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !isUpperName(k) {
			continue
		}
		if i := strings.Index(v, " #"); i >= 0 && v[0] != '"' && v[0] != '\'' {
			v = strings.TrimSpace(v[:i])
		}
		val := ValueFact{}
		switch {
		case v == "true" || v == "false":
			val = ValueFact{Known: true, Truthy: v == "true"}
		case len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]:
			s := v[1 : len(v)-1]
			val = ValueFact{Known: true, Truthy: s != "", IsStr: true, Str: s}
		default:
			if f, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64); err == nil {
				val = ValueFact{Known: true, Truthy: f != 0}
			}
		}
		out = append(out, &ConfigEntry{Key: k, Value: val, At: Location{Path: p}, ValAt: Location{Path: p}})
	}
	return out
}
