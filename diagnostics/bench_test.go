package diagnostics_test

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
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

// BenchmarkAnalyzeConcatenated: 300 generated modules pasted into one
// file (90k lines, a thousand top-level imports, hundreds of findings whose
// fixes add imports): finishing the fixes must not read the module again
// for each. /syntax-error has a broken statement in the middle, which makes
// every fix look for its finding's statement (fixScope).
func BenchmarkAnalyzeConcatenated(b *testing.B) {
	var src []byte
	for i := 0; i < 300; i++ {
		src = append(src, gen.Module(int64(i), 300)...)
		if i == 150 {
			src = append(src, "def broken(:\n    pass\n"...)
		}
	}
	clean := bytes.Replace(src, []byte("def broken(:\n"), []byte("def broken():\n"), 1)
	for _, v := range []struct {
		name string
		src  []byte
	}{{"clean", clean}, {"syntax-error", src}} {
		b.Run(v.name, func(b *testing.B) {
			inputs := []diagnostics.Input{{Path: "pkg/all.py", Module: "pkg.all", Src: v.src}}
			engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
			b.SetBytes(int64(len(v.src)))
			for i := 0; i < b.N; i++ {
				if out := engine.AnalyzeAll(inputs); len(out[0]) < 300 {
					b.Fatalf("%d findings", len(out[0]))
				}
			}
		})
	}
}

// BenchmarkAnalyzeMinifiedLine: 20,000 findings on one 400 KB line (a
// trailing comment makes every finding read the line's noqa comments),
// then every finding's place in LSP and CLI terms, as a server and check
// convert them.
func BenchmarkAnalyzeMinifiedLine(b *testing.B) {
	src := []byte("from flask import Flask\napp = Flask(__name__)\n" +
		strings.Repeat("app.run(debug=True);", 20000) + "  # é minified\n")
	inputs := []diagnostics.Input{{Path: "pkg/min.py", Module: "pkg.min", Src: src}}
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	for i := 0; i < b.N; i++ {
		out := engine.AnalyzeAll(inputs)
		if len(out[0]) < 20000 {
			b.Fatalf("%d findings", len(out[0]))
		}
		text := source.New(src)
		for _, fd := range out[0] {
			text.OffsetPosition(fd.Start)
			text.OffsetPosition(fd.End)
			text.OffsetLocation(fd.Start)
			text.OffsetLocation(fd.End)
		}
	}
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

// BenchmarkLiveFacts200Docs measures the heap the analysis keeps for 200
// modules of 1,000 lines (the server's open documents): the statement
// facts Engine.Symbols extracts ("facts-MB") and, on top, the project
// model's per-file index ("index-MB"), as HeapInuse deltas after a GC.
// With FLASKGUARD_LIVE_PROFILE=path (and -memprofilerate 512), the heap
// profile at that point is written to path.
func BenchmarkLiveFacts200Docs(b *testing.B) {
	const docs = 200
	srcs := make([][]byte, docs)
	for i := range srcs {
		srcs[i] = gen.Module(int64(i), 1000)
	}
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	var facts, index float64
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		before := heap()
		b.StartTimer()
		files := make([]*diagnostics.File, docs)
		syms := make([]*diagnostics.ModuleSymbols, docs)
		for i, src := range srcs {
			tree := syntax.Parse(src)
			f := diagnostics.NewPythonFile(fmt.Sprintf("pkg/m%d.py", i), fmt.Sprintf("pkg.m%d", i), tree)
			syms[i] = engine.Symbols(f, diagnostics.Statements(tree), nil)
			tree.Close()
			f.Tree = nil
			files[i] = f
		}
		b.StopTimer()
		mid := heap()
		project := diagnostics.NewProject()
		for i, f := range files {
			project.Put(f, syms[i])
		}
		engine.Model(project)
		after := heap()
		if path := os.Getenv("FLASKGUARD_LIVE_PROFILE"); path != "" && n == 0 {
			// go test -bench LiveFacts -memprofilerate 512: what is live here.
			if out, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(out, 0)
				out.Close()
			}
		}
		facts += float64(int64(mid)-int64(before)) / (1 << 20)
		index += float64(int64(after)-int64(mid)) / (1 << 20)
		runtime.KeepAlive(syms)
		runtime.KeepAlive(project)
		b.StartTimer()
	}
	b.ReportMetric(facts/float64(b.N), "facts-MB")
	b.ReportMetric(index/float64(b.N), "index-MB")
	b.ReportMetric((facts+index)/float64(b.N), "live-MB")
}
