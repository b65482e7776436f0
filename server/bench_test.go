package server

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// BenchmarkEditToPublish10k measures, through the real server over a
// JSON-RPC stream, the time from sending a one-character didChange at a
// random place of a 10k-line file to receiving its publishDiagnostics.
// Each edit inserts "x" and the next removes it, so the file stays valid
// on average. Every rule is on, as for a user. Reports p50/p95/p99 in ms.
func BenchmarkEditToPublish10k(b *testing.B) {
	c := newClient(b)
	c.initialize(map[string]interface{}{})
	src := gen.Module(1, 10000)
	c.open(uriApp, string(src))
	c.waitDiagnostics(uriApp)
	ed := &benchEditor{uri: uriApp, text: source.New(src)}
	rng := rand.New(rand.NewSource(1))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = append(lat, ed.edit(c, rng))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkEditToPublish200Docs is the same with 200 open documents of 1k
// lines and every rule on; each pair of edits (insert "x", remove it) goes
// to a random document, as fgbench memory does.
func BenchmarkEditToPublish200Docs(b *testing.B) { bench200Docs(b, false) }

// BenchmarkEditToSettled200Docs is BenchmarkEditToPublish200Docs timed to
// the reply of a code action request sent after each edit, which waits
// for the whole analysis: with 4.4 MB of source the project rules run
// after the edited document is published (deferProjectRulesAbove).
func BenchmarkEditToSettled200Docs(b *testing.B) { bench200Docs(b, true) }

func bench200Docs(b *testing.B, settled bool) {
	c := newClient(b)
	c.initialize(map[string]interface{}{})
	eds := make([]*benchEditor, 200)
	for i := range eds {
		src := gen.Module(int64(i), 1000)
		eds[i] = &benchEditor{uri: fmt.Sprintf("file:///bench/pkg/m%03d.py", i), text: source.New(src)}
		c.open(eds[i].uri, string(src))
	}
	for _, e := range eds {
		c.waitDiagnostics(e.uri)
	}
	rng := rand.New(rand.NewSource(2))
	lat := make([]time.Duration, 0, b.N)
	var cur *benchEditor
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if cur == nil || cur.inserted == nil {
			cur = eds[rng.Intn(len(eds))]
		}
		start := time.Now()
		cur.edit(c, rng)
		if settled {
			awaitCodeAction(b, c, cur.uri)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// awaitCodeAction asks for uri's code actions and waits for the reply,
// which comes after the whole analysis, deferred project rules included.
func awaitCodeAction(b *testing.B, c *client, uri string) {
	var actions interface{}
	if err := c.call("textDocument/codeAction", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri},
		"range":        map[string]interface{}{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 0, "character": 0}},
		"context":      map[string]interface{}{"diagnostics": []interface{}{}},
	}, &actions); err != nil {
		b.Fatal(err)
	}
}

// benchEditor inserts "x" at a random place, then removes it.
type benchEditor struct {
	uri      string
	text     *source.Text // the text before the pending insertion
	inserted *source.Position
}

func (e *benchEditor) edit(c *client, rng *rand.Rand) time.Duration {
	start := time.Now()
	if e.inserted == nil {
		line := rng.Intn(e.text.LineCount() - 1)
		col := rng.Intn(len(e.text.Line(line)) + 1)
		p := e.text.OffsetPosition(e.text.LineStart(line) + col)
		c.change(e.uri, p.Line, p.Character, p.Line, p.Character, "x")
		e.inserted = &p
	} else {
		c.change(e.uri, e.inserted.Line, e.inserted.Character, e.inserted.Line, e.inserted.Character+1, "")
		e.inserted = nil
	}
	c.waitDiagnostics(e.uri)
	return time.Since(start)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkEditImportedModule: typing in a module 50 open documents of 1k
// lines import from (an app factory), with the default tree budget, so
// most of the importers' trees are evicted. Each keystroke renames a
// module-level function, which changes the factory's facts and makes every
// importer's context stale; what they resolve stays the same. Measured to
// the end of the analysis (a code action's reply), not only to the
// factory's own diagnostics.
func BenchmarkEditImportedModule(b *testing.B) {
	benchFactoryEdits(b, 3, len("def helper"), 0, true)
}

// BenchmarkTypeImportedName: as BenchmarkEditImportedModule, but the
// function renamed is the app factory the 50 documents call, so every
// keystroke changes what they resolve and they must be analysed again
// (their trees mostly evicted). Timed to the factory's own diagnostics, as
// a user typing there sees them, keystrokes 60 ms apart (a fast typist:
// time for the project rules between keystrokes, not for 50 re-analyses);
// the importers' re-analysis gives way to the next keystroke.
func BenchmarkTypeImportedName(b *testing.B) {
	benchFactoryEdits(b, 7, len("def create_app"), 60*time.Millisecond, false)
}

// benchFactoryEdits opens factory.py and 50 documents that call its
// create_app, then inserts and removes "x" at line:col of factory.py,
// pause before each edit, timing each to the factory's diagnostics (and,
// when settled, to a code action's reply).
func benchFactoryEdits(b *testing.B, line, col int, pause time.Duration, settled bool) {
	c := newClient(b)
	c.initialize(map[string]interface{}{})
	const factory = "file:///bench/pkg/factory.py"
	c.open(factory, "from flask import Flask\n\n\ndef helper():\n    return 1\n\n\ndef create_app():\n    return Flask(__name__)\n")
	uris := []string{factory}
	for i := 0; i < 50; i++ {
		uri := fmt.Sprintf("file:///bench/pkg/views_%02d.py", i)
		c.open(uri, "from factory import create_app\n\napp = create_app()\n"+string(gen.Module(int64(i), 1000)))
		uris = append(uris, uri)
	}
	for _, u := range uris {
		c.waitDiagnostics(u)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		time.Sleep(pause)
		start := time.Now()
		if i%2 == 0 {
			c.change(factory, line, col, line, col, "x")
		} else {
			c.change(factory, line, col, line, col+1, "")
		}
		c.waitDiagnostics(factory)
		if settled {
			awaitCodeAction(b, c, factory)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkEditDuringBranchSwitch: a git checkout changes 1,000 closed
// modules of 150 lines, which the editor reports in one
// didChangeWatchedFiles, and the user types in an open 1k-line file right
// after; timed: that keystroke's publish. /offloop parses the changed
// files on all cores off the document loop (what the server does), /onloop
// parses them on it first, as it did before.
//
//	go test ./server -run '^$' -bench EditDuringBranchSwitch -benchtime 20x
func BenchmarkEditDuringBranchSwitch(b *testing.B) {
	dir := b.TempDir()
	var changes []map[string]interface{}
	must(b, os.MkdirAll(filepath.Join(dir, "pkg"), 0o755))
	for i := 0; i < 1000; i++ {
		p := filepath.Join(dir, "pkg", fmt.Sprintf("m%04d.py", i))
		must(b, os.WriteFile(p, gen.Module(int64(i), 150), 0o644))
		changes = append(changes, map[string]interface{}{"uri": pathToURI(p), "type": 2})
	}
	for _, mode := range []string{"offloop", "onloop"} {
		b.Run(mode, func(b *testing.B) {
			was := syncFileLoads
			if mode == "onloop" {
				syncFileLoads = len(changes)
			}
			defer func() { syncFileLoads = was }()
			c := newClient(b)
			c.initializeWorkspace(dir, nil)
			waitFor(b, func() bool { return c.progressEndCount() == 1 }, "no $/progress end for indexing")
			uri := pathToURI(filepath.Join(dir, "app.py"))
			src := gen.Module(7, 1000)
			c.open(uri, string(src))
			c.waitDiagnostics(uri)
			ed := &benchEditor{uri: uri, text: source.New(src)}
			rng := rand.New(rand.NewSource(3))
			lat := make([]time.Duration, 0, b.N)
			ends := c.progressEndCount()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": changes})
				lat = append(lat, ed.edit(c, rng))
				b.StopTimer()
				if mode == "offloop" { // the loads finish before the next round
					ends++
					waitFor(b, func() bool { return c.progressEndCount() == ends }, "no $/progress end for the changed files")
				}
				awaitCodeAction(b, c, uri)
				b.StartTimer()
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkMultiCursorEdit10k: one didChange with 1,000 changes to a
// 10k-line file, each inserting "#" at the start of a line (the next round
// removes them); timed to its publish. /descending sends them from the end
// of the document to its start, as VS Code sends a multi-cursor edit or a
// rename; /ascending from the start to the end, as Emacs's eglot sends a
// replace-all.
//
//	go test ./server -run '^$' -bench MultiCursorEdit10k -benchtime 20x
func BenchmarkMultiCursorEdit10k(b *testing.B) {
	for _, order := range []string{"descending", "ascending"} {
		b.Run(order, func(b *testing.B) {
			c := newClient(b)
			c.initialize(map[string]interface{}{})
			c.open(uriApp, string(gen.Module(1, 10000)))
			c.waitDiagnostics(uriApp)
			lines := make([]int, 1000)
			for i := range lines {
				lines[i] = 9990 - 9*i
				if order == "ascending" {
					lines[i] = 9 * i
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				changes := make([]interface{}, len(lines))
				for j, line := range lines {
					end, text := 0, "#"
					if i%2 == 1 {
						end, text = 1, ""
					}
					changes[j] = map[string]interface{}{
						"range": map[string]interface{}{"start": map[string]int{"line": line, "character": 0}, "end": map[string]int{"line": line, "character": end}},
						"text":  text,
					}
				}
				c.version[uriApp]++
				start := time.Now()
				c.notify("textDocument/didChange", map[string]interface{}{"textDocument": map[string]interface{}{"uri": uriApp, "version": c.version[uriApp]}, "contentChanges": changes})
				c.waitDiagnostics(uriApp)
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
}
