package diagnostics_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// BenchmarkParseAnalyze10k: full parse and analysis of a 10k-line module
// with an empty cache (what opening a file costs).
func BenchmarkParseAnalyze10k(b *testing.B) {
	src := gen.Module(1, 10000)
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	project := diagnostics.NewProject()
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		tree := syntax.Parse(src)
		fs := engine.AnalyzeFile(diagnostics.NewPythonFile("app.py", "app", tree), project, nil)
		if len(fs) == 0 {
			b.Fatal("no findings")
		}
		tree.Close()
	}
}

// BenchmarkParseOnly10k is the floor for the above: tree-sitter alone.
func BenchmarkParseOnly10k(b *testing.B) {
	src := gen.Module(1, 10000)
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		syntax.Parse(src).Close()
	}
}

// BenchmarkAnalyzeAll500: the CLI's analysis of a 500-file project held in
// memory, on all cores; reports lines per second.
func BenchmarkAnalyzeAll500(b *testing.B) {
	var inputs []diagnostics.Input
	lines := 0
	for i := 0; i < 500; i++ {
		src := gen.Module(int64(i), 300)
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		inputs = append(inputs, diagnostics.Input{Path: fmt.Sprintf("pkg/m%d.py", i), Module: fmt.Sprintf("pkg.m%d", i), Src: src})
	}
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		engine.AnalyzeAll(inputs)
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReanalyzeAfterEdit10k: one keystroke inside a statement of a
// 10k-line module, then the cached re-analysis the server runs.
func BenchmarkReanalyzeAfterEdit10k(b *testing.B) {
	src := gen.Module(1, 10000)
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	project := diagnostics.NewProject()
	cache := diagnostics.NewCache()
	tree := syntax.Parse(src)
	engine.AnalyzeFile(diagnostics.NewPythonFile("app.py", "app", tree), project, cache)
	at := bytes.Index(src, []byte("Page 20")) + 2
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := syntax.Edit{Start: at, OldEnd: at, NewText: []byte("x")}
		if i%2 == 1 {
			e = syntax.Edit{Start: at, OldEnd: at + 1}
		}
		next := tree.Reparse([]syntax.Edit{e})
		tree.Close()
		tree = next
		engine.AnalyzeFile(diagnostics.NewPythonFile("app.py", "app", tree), project, cache)
	}
	tree.Close()
}
