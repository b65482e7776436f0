package diagnostics

import (
	"runtime"
	"sync"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Input is one file to analyse in a batch.
type Input struct {
	Path   string // as reported
	Module string // dotted module name; "" when unknown
	Src    []byte
}

// AnalyzeAll analyses a batch of files as one project on all cores: first
// every file's symbols (so imports between them resolve), then the
// statement and file rules per file, then the project rules. It returns
// the findings per path, in input order. Each tree's C memory is freed as
// soon as its symbols are extracted.
func (e *Engine) AnalyzeAll(inputs []Input) [][]Finding {
	files := make([]*File, len(inputs))
	caches := make([]*Cache, len(inputs))
	stmts := make([][]syntax.Node, len(inputs))
	project := NewProject()
	Parallel(len(inputs), func(i int) {
		in := inputs[i]
		kind := ClassifyPath(in.Path)
		f := &File{Path: in.Path, Module: in.Module, Kind: kind}
		if kind == KindPython {
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
		} else {
			f.Text = sourceText(in.Src)
			project.Put(f, nil)
		}
		files[i] = f
	})
	out := make([][]Finding, len(inputs))
	Parallel(len(inputs), func(i int) {
		out[i] = e.AnalyzeFile(files[i], project, caches[i])
	})
	byPath := e.ProjectFindings(project)
	for i, f := range files {
		if extra := byPath[f.Path]; len(extra) > 0 {
			out[i] = append(out[i], e.Finish(f, extra)...)
			SortFindings(out[i])
		}
		f.Tree.Close()
	}
	return out
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
