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
	var all []Finding
	var model *Model
	for _, r := range e.Registry.Rules() {
		if r.CheckProject == nil || !e.Settings.Enabled(r.Code) {
			continue
		}
		if model == nil {
			model = e.safeModel(p)
		}
		pass := &ProjectPass{Rule: r, Project: p, Model: model, Settings: e.Settings, findings: &all}
		e.run(r, "(project)", func() { r.CheckProject(pass) })
	}
	byPath := map[string][]Finding{}
	for _, fd := range all {
		byPath[fd.Path] = append(byPath[fd.Path], fd)
	}
	return byPath
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
