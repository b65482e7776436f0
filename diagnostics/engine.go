package diagnostics

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Settings choose and tune rules (from pyproject.toml, the editor, flags).
type Settings struct {
	Select   []string            // code prefixes to enable; empty: all
	Ignore   []string            // code prefixes to disable (wins over Select)
	Severity map[string]Severity // per-code overrides
	// AssumeExternalConfig: absence rules stay silent when a setting may come
	// from outside the code (the default). False: report at Information.
	AssumeExternalConfig bool
}

// DefaultSettings enable every rule.
func DefaultSettings() Settings { return Settings{AssumeExternalConfig: true} }

// Enabled reports whether code is selected and not ignored; the longest
// matching prefix wins, as in Ruff.
func (s Settings) Enabled(code string) bool {
	sel := 0
	if len(s.Select) == 0 {
		sel = 1
	}
	for _, p := range s.Select {
		if strings.HasPrefix(code, p) && len(p)+1 > sel {
			sel = len(p) + 1
		}
	}
	for _, p := range s.Ignore {
		if strings.HasPrefix(code, p) && len(p)+1 >= sel {
			return false
		}
	}
	return sel > 0
}

// Engine runs the rules of a registry with settings.
type Engine struct {
	Registry *Registry
	Settings Settings
	Log      *zap.Logger
	// ReadFile reads the config files the project model loads that are not
	// Python modules of the project (from_pyfile, from_file); nil: regular
	// files of up to 32 MB, links followed.
	ReadFile ReadFileFunc
}

// NewEngine returns an engine over the default registry.
func NewEngine(settings Settings, log *zap.Logger) *Engine {
	if log == nil {
		log = zap.NewNop()
	}
	return &Engine{Registry: DefaultRegistry(), Settings: settings, Log: log}
}

// Cache keeps per-statement work between analyses of one file's versions.
// It belongs to one file and one goroutine at a time.
type Cache struct {
	// Each statement's facts and rule results (offsets relative to the
	// statement's start) in the last analysis: the cache holds only what
	// the latest version needs.
	facts   stmtCache[syntax.Key, *StatementFacts]
	results stmtCache[resultKey, []Finding]
	// A spare array for the next analysis's results (see Trim).
	spareResults [][]Finding

	// The symbols of the last Symbols call and the text they are for, so
	// that an analysis right after it does not merge them again; and the
	// context of the last analysis (see Context.Stale).
	sym        *ModuleSymbols
	symText    *source.Text
	symPackage bool
	ctx        *Context
}

// Trim lets go of the spare arrays kept for the next analysis (for a
// document not being edited).
func (c *Cache) Trim() {
	if c != nil {
		c.facts.trim()
		c.results.trim()
		c.spareResults = nil
	}
}

// Symbols are the symbols of the last Symbols call through c, nil before
// the first one.
func (c *Cache) Symbols() *ModuleSymbols {
	if c == nil {
		return nil
	}
	return c.sym
}

// Context is the context the last analysis through c resolved, nil before
// the first one.
func (c *Cache) Context() *Context {
	if c == nil {
		return nil
	}
	return c.ctx
}

type resultKey struct {
	text syntax.Key
	ctx  uint64
	// crlf: the file's line ending, which the lines a fix inserts use
	// (judged by the first line break, which an edit elsewhere may change).
	crlf bool
	// lead is what precedes the statement on its line (nothing, in a
	// valid module): fixes indent the lines they insert by it.
	lead uint64
}

// leadOf identifies what precedes a statement on its line, as the fixes
// see it: the line's indentation and whether the statement begins the
// line's text (0 for a statement at column 0, as in any valid module).
// A hash, not a copy: the statements of a megabyte-long line must not
// each keep one.
func leadOf(src []byte, lineStart, stmt int) uint64 {
	if lineStart >= stmt {
		return 0
	}
	n := lineStart
	for n < stmt && (src[n] == ' ' || src[n] == '\t' || src[n] == '\f') {
		n++
	}
	var h maphash.Hash
	h.SetSeed(leadSeed)
	h.Write(src[lineStart:n])
	if n < stmt {
		h.WriteByte(1) // code before the statement on its line
	}
	return h.Sum64() | 1
}

var leadSeed = maphash.MakeSeed()

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// Statements lists a module's top-level statements (comments excluded).
// Each is copied out of tree-sitter only if a rule or fact extraction
// reads inside it. The slice is shared: callers must not modify it.
func Statements(tree *syntax.Tree) []syntax.Node {
	if tree == nil {
		return nil
	}
	return tree.Statements()
}

// Symbols computes (or reuses) a Python file's module symbols.
func (e *Engine) Symbols(f *File, stmts []syntax.Node, c *Cache) *ModuleSymbols {
	if c == nil {
		c = NewCache()
	}
	keys := c.facts.newKeys(len(stmts))
	for _, s := range stmts {
		keys = append(keys, s.Key())
	}
	cached := c.facts.align(keys)
	facts := make([]*StatementFacts, 0, len(stmts))
	starts := make([]int, 0, len(stmts))
	for i, s := range stmts {
		sf, ok := cached(i)
		// A statement with a syntax error is read afresh: how the parser
		// recovers from the error may depend on what surrounds it, so the
		// same text does not always give the same subtree.
		if !ok || s.HasError() {
			sf = e.safeFacts(f, s)
		}
		facts = append(facts, sf)
		starts = append(starts, s.Start())
	}
	// (facts is the symbols' own slice, never written again.)
	c.facts.set(keys, facts)
	var ms *ModuleSymbols
	if prev := c.sym; prev != nil && prev.Module == f.Module && c.symPackage == f.IsPackage &&
		sameImportsAndRules(prev.Facts, facts) {
		// The statements import the same and have the same rule facts
		// (typing inside a string or a call): so are the merged ones.
		cp := *prev
		ms = &cp
		ms.Facts = facts
	} else {
		ms = NewModuleSymbols(f.Module, f.IsPackage, facts)
	}
	ms.Starts = starts
	c.sym, c.symText, c.symPackage = ms, f.Text, f.IsPackage
	return ms
}

// sameImportsAndRules reports that two versions of a module's statement
// facts have the same imports and rule facts, statement by statement:
// what NewModuleSymbols merges.
func sameImportsAndRules(a, b []*StatementFacts) bool {
	if len(a) != len(b) {
		return false
	}
	for i, x := range a {
		if y := b[i]; x != y && (!reflect.DeepEqual(x.Imports, y.Imports) || !reflect.DeepEqual(x.Rule, y.Rule)) {
			return false
		}
	}
	return true
}

func (e *Engine) safeFacts(f *File, s syntax.Node) (sf *StatementFacts) {
	defer func() {
		if r := recover(); r != nil {
			e.Log.Error("panic extracting symbols", zap.String("file", f.Path), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			sf = &StatementFacts{}
		}
	}()
	sf = ExtractFacts(s)
	sf.Model = ExtractModelFacts(s)
	return sf
}

// AnalyzeFile runs the statement rules (Python) or file rules (templates,
// env files) on f, applies suppressions and settings, and finalises fixes.
// res resolves imports of other project modules; c may be nil.
func (e *Engine) AnalyzeFile(f *File, res Resolver, c *Cache) []Finding {
	var out []Finding
	switch f.Kind {
	case KindPython:
		out = e.analyzePython(f, res, c)
	case KindTemplate, KindEnvFile:
		for _, r := range e.Registry.Rules() {
			if r.CheckFile == nil || !e.Settings.Enabled(r.Code) || !hasKind(r.FileKinds, f.Kind) {
				continue
			}
			p := &FilePass{Rule: r, File: f, findings: &out}
			e.run(r, f.Path, func() { r.CheckFile(p) })
		}
	}
	return e.Finish(f, out)
}

func hasKind(ks []FileKind, k FileKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func (e *Engine) analyzePython(f *File, res Resolver, c *Cache) []Finding {
	if c == nil {
		c = NewCache()
	}
	if f.Tree.TimedOut() {
		e.Log.Info("parse abandoned: the file is binary or too slow to parse; no findings for it",
			zap.String("file", f.Path), zap.Int("bytes", len(f.Text.Bytes)))
	}
	stmts := Statements(f.Tree)
	sym := c.sym
	if sym == nil || c.symText != f.Text || sym.Module != f.Module {
		sym = e.Symbols(f, stmts, c)
	}
	ctx := c.ctx
	if ctx.Stale(sym, res) {
		ctx = RebuildContext(ctx, sym, res)
		c.ctx = ctx
	}
	var rules []*Rule
	for _, r := range e.Registry.Rules() {
		if r.CheckStatement != nil && e.Settings.Enabled(r.Code) {
			rules = append(rules, r)
		}
	}
	crlf := f.Text.LineEnding() == "\r\n"
	keys := c.results.newKeys(len(stmts))
	for _, s := range stmts {
		keys = append(keys, resultKey{s.Key(), ctx.Fingerprint(), crlf, leadOf(f.Text.Bytes, f.Text.LineStart(f.Text.LineOf(s.Start())), s.Start())})
	}
	cached := c.results.align(keys)
	results := c.spareResults[:0]
	if cap(results) < len(stmts) {
		results = make([][]Finding, 0, len(stmts))
	}
	var out []Finding
	for i, s := range stmts {
		rel, ok := cached(i)
		if !ok || s.HasError() { // (see Symbols)
			rel = e.checkStatement(f, s, ctx, rules)
		}
		results = append(results, rel)
		for _, fd := range rel {
			out = append(out, shift(fd, s.Start()))
		}
	}
	c.spareResults = c.results.vals
	c.results.set(keys, results)
	return out
}

// FindingsStillHold reports whether the findings of the last AnalyzeFile
// of f through c still hold now that res changed, without the tree: f's
// text is the one c last read, and its context, rebuilt from res (and kept
// in c), has the same fingerprint, which with the statements' texts is all
// statement rules see (see resultKey). A server then spares the parse of a
// document whose tree it evicted, when an edit elsewhere changed facts it
// looks up but not what it resolves them to. The engine's settings must be
// those of that analysis.
func (e *Engine) FindingsStillHold(f *File, res Resolver, c *Cache) bool {
	if c == nil || c.ctx == nil || c.sym == nil || f.Kind != KindPython ||
		c.symText != f.Text || c.sym.Module != f.Module || c.symPackage != f.IsPackage {
		return false
	}
	if !c.ctx.Stale(c.sym, res) {
		return true
	}
	ctx := RebuildContext(c.ctx, c.sym, res)
	if ctx.Fingerprint() != c.ctx.Fingerprint() {
		return false
	}
	c.ctx = ctx
	return true
}

// checkStatement runs every statement rule on s and returns findings with
// offsets relative to s, so they stay valid when s moves.
func (e *Engine) checkStatement(f *File, s syntax.Node, ctx *Context, rules []*Rule) []Finding {
	var found []Finding
	shared := &statementIndex{}
	for _, r := range rules {
		p := &StatementPass{Rule: r, File: f, Stmt: s, Ctx: ctx, findings: &found, shared: shared}
		e.run(r, f.Path, func() { r.CheckStatement(p) })
	}
	for i := range found {
		found[i] = shift(found[i], -s.Start())
	}
	return found
}

// run calls check, recovering and logging a panic so that the other rules
// still run.
func (e *Engine) run(r *Rule, path string, check func()) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(interruption); ok {
				panic(v)
			}
			e.Log.Error("rule panicked", zap.String("rule", r.Code), zap.String("file", path),
				zap.String("panic", fmt.Sprint(v)), zap.ByteString("stack", debug.Stack()))
		}
	}()
	check()
}

func shift(fd Finding, by int) Finding {
	fd.Start += by
	fd.End += by
	if len(fd.Fixes) > 0 {
		fixes := make([]Fix, len(fd.Fixes))
		for i, fx := range fd.Fixes {
			edits := make([]TextEdit, len(fx.Edits))
			for j, ed := range fx.Edits {
				if ed.Path == "" {
					ed.Start += by
					ed.End += by
				}
				edits[j] = ed
			}
			fx.Edits = edits
			fixes[i] = fx
		}
		fd.Fixes = fixes
	}
	return fd
}

// Finish applies settings (enabled rules, severities), drops suppressed
// findings, resolves fixes' imports into edits and sorts by position.
// Project-level findings for f go through it too.
func (e *Engine) Finish(f *File, fs []Finding) []Finding {
	out := fs[:0]
	places := newFixPlaces(f)
	noqa := noqaLines{t: f.Text}
	for _, fd := range fs {
		if !e.Settings.Enabled(fd.Code) || noqa.suppressed(fd.Start, fd.Code) {
			continue
		}
		if sev, ok := e.Settings.Severity[fd.Code]; ok {
			fd.Severity = sev
		}
		fd.Path = f.Path
		fd.Start, fd.End = outsideCRLF(f.Text.Bytes, fd.Start), outsideCRLF(f.Text.Bytes, fd.End)
		stmt, trusted := fixScope(places, fd)
		fixes := fd.Fixes[:0]
		for _, fx := range fd.Fixes {
			if !trusted(stmt, fx) {
				continue
			}
			if fx, ok := finalizeFix(places, fx); ok {
				fixes = append(fixes, fx)
			}
		}
		fd.Fixes = fixes
		out = append(out, fd)
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings by position, then code.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].Code < fs[j].Code
	})
}

func sourceText(src []byte) *source.Text { return source.New(src) }

// outsideCRLF moves an offset that falls between "\r" and "\n" (tree-sitter
// may end a node there) back before the "\r": no editor position names it.
func outsideCRLF(src []byte, off int) int {
	if off > 0 && off < len(src) && src[off] == '\n' && src[off-1] == '\r' {
		return off - 1
	}
	return off
}

// fixScope decides which fixes a syntax error leaves trustworthy: in a
// file with errors, a fix is kept only if its finding's statement is
// error-free and every edit stays inside that statement (imports and code
// inserted elsewhere rely on a structure error recovery may have invented).
// The statement is found once per finding; trusted checks each fix. The
// file's statements and errors are read once for all its findings
// (places): thousands of findings in a large module with an error were
// quadratic.
func fixScope(places *fixPlaces, fd Finding) (stmt [2]int, trusted func([2]int, Fix) bool) {
	f := places.f
	if f.Tree == nil || !f.Tree.HasError() {
		return stmt, func([2]int, Fix) bool { return true }
	}
	top, broken := places.statements()
	found := false
	// The first statement holding fd.Start (or starting there, when empty):
	// top-level nodes are ordered and do not overlap, so none ending before
	// it can, and none starting after it.
	for i := sort.Search(len(top), func(i int) bool { return top[i][1] >= fd.Start }); i < len(top) && top[i][0] <= fd.Start; i++ {
		if s := top[i]; s[0] <= fd.Start && fd.Start < s[1] || s[0] == fd.Start {
			stmt, found = s, true
			break
		}
	}
	if broken[stmt] {
		found = false
	}
	if !found {
		return stmt, func([2]int, Fix) bool { return false }
	}
	return stmt, func(stmt [2]int, fx Fix) bool {
		if len(fx.Imports) > 0 || len(fx.Inserts) > 0 {
			return false
		}
		for _, ed := range fx.Edits {
			if ed.Path != "" && ed.Path != f.Path || ed.Start < stmt[0] || ed.End > stmt[1] {
				return false
			}
		}
		return true
	}
}
