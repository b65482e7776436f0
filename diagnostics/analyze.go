package diagnostics

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Input is one file to analyse in a batch.
type Input struct {
	Path   string // as reported
	Module string // dotted module name; "" when unknown
	Src    []byte
	// Prior, for a Python file, is what an earlier batch learned about
	// this very text, path and module (the caller vouches for that, and
	// for the engine's settings and rules being the same): its facts stand
	// in for a parse, and its findings stand if the file's context comes
	// out the same. Nil: analyse from scratch.
	Prior *Prior
}

// Prior is what a batch analysis learned about one Python file that a
// later one may reuse (a persistent cache keeps it between runs).
type Prior struct {
	Symbols *ModuleSymbols
	// Context is the fingerprint of the context Findings were computed
	// in; with the file's text it is all the statement rules see.
	Context  uint64
	Findings []Finding // AnalyzeFile's result: the statement rules', finished
	// Project identifies the project rules' findings in the file as they
	// came before Engine.Finish (0: none), and ProjectFindings is what
	// Finish made of them, which takes the file's tree: a later batch whose
	// project rules report the same needs no tree for them.
	Project         uint64
	ProjectFindings []Finding
}

// AnalyzeAll analyses a batch of files as one project on all cores: first
// every file's symbols (so imports between them resolve), then the
// statement and file rules per file, then the project rules. It returns
// the findings per path, in input order. Each tree's C memory is freed as
// soon as its symbols are extracted.
func (e *Engine) AnalyzeAll(inputs []Input) [][]Finding {
	out, _ := e.AnalyzeAllLearning(inputs)
	return out
}

// AnalyzeAllLearning is AnalyzeAll that also returns, per input, what a
// later batch may pass back as its Prior (nil when there is nothing to
// keep: not a Python file, or a parse abandoned as too slow, which may go
// otherwise next time). A file with a Prior is parsed only if its context
// changed or a project rule reports in it (whose fixes need the tree).
func (e *Engine) AnalyzeAllLearning(inputs []Input) (findings [][]Finding, learned []*Prior) {
	files := make([]*File, len(inputs))
	caches := make([]*Cache, len(inputs))
	stmts := make([][]syntax.Node, len(inputs))
	project := NewProject()
	Parallel(len(inputs), func(i int) {
		in := inputs[i]
		kind := ClassifyPath(in.Path)
		f := &File{Path: in.Path, Module: in.Module, Kind: kind}
		switch {
		case kind == KindPython && in.Prior != nil:
			f.Text, f.IsPackage = sourceText(in.Src), filepath.Base(in.Path) == "__init__.py"
			project.Put(f, in.Prior.Symbols)
			project.PrepareModel(f.Path)
		case kind == KindPython:
			f = NewPythonFile(in.Path, in.Module, syntax.Parse(in.Src))
			caches[i] = NewCache()
			stmts[i] = Statements(f.Tree)
			project.Put(f, e.Symbols(f, stmts[i], caches[i]))
			project.PrepareModel(f.Path)
			// Fact extraction has copied every statement into Go memory:
			// free the C tree now rather than hold every file's until the
			// end (several times the size, and parsing the next file then
			// reuses the memory).
			f.Tree.Detach()
		default:
			f.Text = sourceText(in.Src)
			project.Put(f, nil)
		}
		files[i] = f
	})
	out := make([][]Finding, len(inputs))
	learned = make([]*Prior, len(inputs))
	Parallel(len(inputs), func(i int) {
		f, prior := files[i], inputs[i].Prior
		if f.Kind == KindPython && prior != nil {
			if BuildContext(prior.Symbols, project).Fingerprint() == prior.Context {
				out[i], learned[i] = slices.Clone(prior.Findings), prior
				return
			}
			// What the file imports changed: its statement rules run
			// again, on a tree it did not need until now. (The project
			// keeps the prior symbols, which the same text gives again.)
			f.Tree = syntax.Parse(inputs[i].Src)
			caches[i] = NewCache()
		}
		out[i] = e.AnalyzeFile(f, project, caches[i])
		if f.Kind == KindPython && !f.Tree.TimedOut() {
			learned[i] = &Prior{Symbols: caches[i].Symbols(), Context: caches[i].Context().Fingerprint(), Findings: slices.Clone(out[i])}
		}
		if prior != nil {
			f.Tree.Detach()
		}
	})
	byPath := e.ProjectFindings(project)
	Parallel(len(files), func(i int) {
		f, extra, prior := files[i], byPath[files[i].Path], inputs[i].Prior
		raw := hashFindings(extra)
		var done []Finding
		switch {
		case prior != nil && prior.Project == raw:
			// The same project findings in the same text finish the same.
			done = slices.Clone(prior.ProjectFindings)
		case len(extra) > 0:
			if f.Kind == KindPython && f.Tree == nil {
				f.Tree = syntax.Parse(inputs[i].Src) // for Finish: its fixes' imports and inserts
			}
			done = e.Finish(f, extra) // (in extra's place)
		}
		if l := learned[i]; l != nil && l.Project != raw {
			if l == prior {
				cp := *l
				l, learned[i] = &cp, &cp
			}
			l.Project, l.ProjectFindings = raw, slices.Clone(done)
		}
		if len(done) > 0 {
			out[i] = append(out[i], done...)
			SortFindings(out[i])
		}
		f.Tree.Close()
	})
	return out, learned
}

// hashFindings identifies project findings before Finish (0: none).
func hashFindings(fs []Finding) uint64 {
	if len(fs) == 0 {
		return 0
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%#v", fs)
	return h.Sum64() | 1
}

// ProjectFindings runs the project rules and groups their findings by path
// (not yet finished: callers pass them through Finish with their file).
func (e *Engine) ProjectFindings(p *Project) map[string][]Finding {
	out, _ := e.ProjectFindingsUnless(p, nil)
	return out
}

// ProjectFindingsUnless is ProjectFindings that gives up (nil, false) as
// soon as interrupted reports true, which it asks between files of the
// model's build and between rules: a server runs the project rules of a
// large project only while no input waits. A nil interrupted never does.
func (e *Engine) ProjectFindingsUnless(p *Project, interrupted func() bool) (_ map[string][]Finding, done bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(interruption); !ok {
				panic(v)
			}
			done = false
		}
	}()
	var all []Finding
	var model *Model
	for _, r := range e.Registry.Rules() {
		if r.CheckProject == nil || !e.Settings.Enabled(r.Code) {
			continue
		}
		checkInterrupt(interrupted)
		if model == nil {
			model = e.safeModel(p, interrupted)
		}
		pass := &ProjectPass{Rule: r, Project: p, Model: model, Settings: e.Settings, findings: &all}
		e.run(r, "(project)", func() { r.CheckProject(pass) })
	}
	byPath := map[string][]Finding{}
	for _, fd := range all {
		byPath[fd.Path] = append(byPath[fd.Path], fd)
	}
	return byPath, true
}

// interruption is the panic that unwinds an interrupted ProjectFindingsUnless
// (recovered there; the recovers on its way let it through).
type interruption struct{}

func checkInterrupt(interrupted func() bool) {
	if interrupted != nil && interrupted() {
		panic(interruption{})
	}
}

// Parallel runs fn(0..n-1) on GOMAXPROCS workers.
func Parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
