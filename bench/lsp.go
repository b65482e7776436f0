package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// ColdStart starts bin and times the initialize reply: from before the
// process is started to the reply read, process start-up included.
func ColdStart(bin string) (time.Duration, error) {
	start := time.Now()
	c, err := Start(bin, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	m, err := c.Call("initialize", map[string]interface{}{"processId": nil, "rootUri": nil, "capabilities": map[string]interface{}{}}, 30*time.Second)
	if err != nil {
		return 0, err
	}
	return m.At.Sub(start), nil
}

// IndexResult is a workspace indexing measurement.
type IndexResult struct {
	// Index: from `initialized` sent to the $/progress end.
	Index time.Duration
	// Total: from process start to the progress end.
	Total time.Duration
	// Reports is the number of $/progress reports seen.
	Reports int
}

// IndexWorkspace starts bin on the workspace folder dir with work-done
// progress and times the indexing.
func IndexWorkspace(bin, dir string, stderr io.Writer) (IndexResult, error) {
	var r IndexResult
	c, err := Start(bin, stderr)
	if err != nil {
		return r, err
	}
	defer c.Close()
	end := make(chan time.Time, 1)
	c.SetOnNotify(func(m Message) {
		if m.Method != "$/progress" {
			return
		}
		var p struct {
			Value struct {
				Kind string `json:"kind"`
			} `json:"value"`
		}
		json.Unmarshal(m.Params, &p)
		switch p.Value.Kind {
		case "report":
			r.Reports++
		case "end":
			end <- m.At
		}
	})
	params := map[string]interface{}{
		"processId":        nil,
		"rootUri":          "file://" + dir,
		"workspaceFolders": []map[string]string{{"uri": "file://" + dir, "name": "ws"}},
		"capabilities":     map[string]interface{}{"window": map[string]bool{"workDoneProgress": true}},
	}
	if _, err := c.Call("initialize", params, 30*time.Second); err != nil {
		return r, err
	}
	sent := time.Now()
	if err := c.Notify("initialized", map[string]interface{}{}); err != nil {
		return r, err
	}
	select {
	case at := <-end:
		r.Index = at.Sub(sent)
		r.Total = at.Sub(c.Started)
	case <-time.After(5 * time.Minute):
		return r, fmt.Errorf("no $/progress end within 5 minutes")
	}
	return r, nil
}

// publishWaiter records the latest published version per URI.
type publishWaiter struct {
	mu      sync.Mutex
	latest  map[string]int
	arrived chan struct{}
}

func newPublishWaiter(c *Client) *publishWaiter {
	w := &publishWaiter{latest: map[string]int{}, arrived: make(chan struct{}, 1)}
	c.SetOnNotify(func(m Message) {
		if m.Method != "textDocument/publishDiagnostics" {
			return
		}
		var p Published
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
		w.mu.Lock()
		if v, ok := w.latest[p.URI]; !ok || p.Version > v {
			w.latest[p.URI] = p.Version
		}
		w.mu.Unlock()
		select {
		case w.arrived <- struct{}{}:
		default:
		}
	})
	return w
}

// wait returns when uri's version (or a later one) is published.
func (w *publishWaiter) wait(uri string, version int, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		w.mu.Lock()
		v, ok := w.latest[uri]
		w.mu.Unlock()
		if ok && v >= version {
			return nil
		}
		select {
		case <-w.arrived:
		case <-deadline:
			return fmt.Errorf("no diagnostics for %s v%d within %v", uri, version, timeout)
		}
	}
}

// editor applies the benchmark's edits to a local copy of a document:
// insert "x" at a random place, then remove it, so the file stays valid
// on average (as server/bench_test.go's BenchmarkEditToPublish10k).
type editor struct {
	uri      string
	text     *source.Text
	version  int
	inserted *source.Position
}

func (e *editor) next(c *Client, rng *rand.Rand) error {
	e.version++
	if e.inserted == nil {
		line := rng.Intn(e.text.LineCount() - 1)
		col := rng.Intn(len(e.text.Line(line)) + 1)
		p := e.text.OffsetPosition(e.text.LineStart(line) + col)
		e.inserted = &p
		return c.Change(e.uri, e.version, p.Line, p.Character, p.Line, p.Character, "x")
	}
	p := *e.inserted
	e.inserted = nil
	return c.Change(e.uri, e.version, p.Line, p.Character, p.Line, p.Character+1, "")
}

// EditLatency opens a generated file of lines lines in bin and makes n
// single-character edits at random places, each awaited: the time from
// sending didChange to reading its publishDiagnostics.
func EditLatency(bin string, lines, n int, stderr io.Writer) (Percentiles, error) {
	c, err := Start(bin, stderr)
	if err != nil {
		return Percentiles{}, err
	}
	defer c.Close()
	w := newPublishWaiter(c)
	if err := c.Initialize("", false, nil); err != nil {
		return Percentiles{}, err
	}
	src := gen.Module(1, lines)
	e := &editor{uri: "file:///bench/app.py", text: source.New(src), version: 1}
	c.Open(e.uri, string(src))
	if err := w.wait(e.uri, 1, time.Minute); err != nil {
		return Percentiles{}, err
	}
	return e.typeAwaited(c, w, rand.New(rand.NewSource(1)), n)
}

// typeAwaited makes n edits, each awaited: the time from sending didChange
// to reading its publishDiagnostics.
func (e *editor) typeAwaited(c *Client, w *publishWaiter, rng *rand.Rand, n int) (Percentiles, error) {
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		e.next(c, rng)
		if err := w.wait(e.uri, e.version, time.Minute); err != nil {
			return Percentiles{}, err
		}
		lat = append(lat, time.Since(start))
	}
	return percentiles(lat), nil
}

// MemoryResult is the resident memory of the server through a session.
type MemoryResult struct {
	AfterOpenKB int            // VmRSS once every document is analysed
	AfterOpenC  int            // of which in the C heap
	Samples     []MemorySample // VmRSS every few edits
	PeakKB      int            // VmHWM at the end
	Edits       int
	Latency     Percentiles // of the edits, each awaited
	Elapsed     time.Duration
}

// MemorySample is VmRSS after a number of edits, and the part of it in
// the C heap (see HeapRSS).
type MemorySample struct {
	Edits   int
	RSSKB   int
	CHeapKB int
}

// Memory opens docs generated documents of lines lines each in bin, then
// makes edits single-character edits spread at random over them, each
// awaited, and samples the process's VmRSS from /proc every sampleEvery
// edits.
func Memory(bin string, docs, lines, edits, sampleEvery int, stderr io.Writer) (MemoryResult, error) {
	var r MemoryResult
	start := time.Now()
	c, err := Start(bin, stderr)
	if err != nil {
		return r, err
	}
	defer c.Close()
	w := newPublishWaiter(c)
	if err := c.Initialize("", false, nil); err != nil {
		return r, err
	}
	eds := make([]*editor, docs)
	for i := range eds {
		src := gen.Module(int64(i), lines)
		eds[i] = &editor{uri: fmt.Sprintf("file:///bench/pkg/m%03d.py", i), text: source.New(src), version: 1}
		c.Open(eds[i].uri, string(src))
	}
	// The loop publishes every open document once the burst is analysed.
	for _, e := range eds {
		if err := w.wait(e.uri, 1, 5*time.Minute); err != nil {
			return r, err
		}
	}
	if r.AfterOpenKB, err = ProcStatus(c.Pid(), "VmRSS"); err != nil {
		return r, err
	}
	r.AfterOpenC, _ = HeapRSS(c.Pid())
	rng := rand.New(rand.NewSource(2))
	lat := make([]time.Duration, 0, edits)
	var half *editor // a document with an "x" inserted, removed by the next edit
	for i := 1; i <= edits; i++ {
		e := half
		if e == nil {
			e = eds[rng.Intn(len(eds))]
			half = e
		} else {
			half = nil
		}
		t0 := time.Now()
		e.next(c, rng)
		if err := w.wait(e.uri, e.version, time.Minute); err != nil {
			return r, err
		}
		lat = append(lat, time.Since(t0))
		if i%sampleEvery == 0 {
			rss, _ := ProcStatus(c.Pid(), "VmRSS")
			cheap, _ := HeapRSS(c.Pid())
			r.Samples = append(r.Samples, MemorySample{Edits: i, RSSKB: rss, CHeapKB: cheap})
		}
	}
	r.Edits = edits
	r.PeakKB, _ = ProcStatus(c.Pid(), "VmHWM")
	r.Latency = percentiles(lat)
	r.Elapsed = time.Since(start)
	return r, nil
}

// WorkspaceEditsResult is what WorkspaceEdits measured.
type WorkspaceEditsResult struct {
	Latency Percentiles // to the edited file's diagnostics
	// Settled: to the reply of a code action request sent right after the
	// edit, which waits for the project rules (a server may publish the
	// edited file before running them).
	Settled Percentiles
	RSSKB   int // VmRSS after the edits
	PeakKB  int // VmHWM
}

// WorkspaceEdits opens the workspace dir in bin, waits for its indexing to
// end, opens file (a path under dir) and makes n single-character edits at
// random places of it, each awaited: typing in a large project, where an
// edit that changes the file's facts makes the server rebuild the project
// model from every indexed file. Then n more, each followed by a code
// action request whose reply is awaited (Settled).
func WorkspaceEdits(bin, dir, file string, n int, stderr io.Writer) (WorkspaceEditsResult, error) {
	var r WorkspaceEditsResult
	src, err := os.ReadFile(file)
	if err != nil {
		return r, err
	}
	c, err := Start(bin, stderr)
	if err != nil {
		return r, err
	}
	defer c.Close()
	w := newPublishWaiter(c)
	publish := c.OnNotify
	indexed := make(chan struct{})
	var once sync.Once
	c.SetOnNotify(func(m Message) {
		if m.Method == "$/progress" && strings.Contains(string(m.Params), `"end"`) {
			once.Do(func() { close(indexed) })
		}
		publish(m)
	})
	if err := c.Initialize(dir, true, nil); err != nil {
		return r, err
	}
	select {
	case <-indexed:
	case <-time.After(5 * time.Minute):
		return r, fmt.Errorf("no $/progress end within 5 minutes")
	}
	e := &editor{uri: "file://" + file, text: source.New(src), version: 1}
	c.Open(e.uri, string(src))
	if err := w.wait(e.uri, 1, time.Minute); err != nil {
		return r, err
	}
	rng := rand.New(rand.NewSource(1))
	if r.Latency, err = e.typeAwaited(c, w, rng, n); err != nil {
		return r, err
	}
	settled := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		e.next(c, rng)
		if _, err := c.Call("textDocument/codeAction", map[string]interface{}{
			"textDocument": map[string]string{"uri": e.uri},
			"range":        map[string]interface{}{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 0, "character": 0}},
			"context":      map[string]interface{}{"diagnostics": []interface{}{}},
		}, time.Minute); err != nil {
			return r, err
		}
		settled = append(settled, time.Since(start))
	}
	r.Settled = percentiles(settled)
	r.RSSKB, _ = ProcStatus(c.Pid(), "VmRSS")
	r.PeakKB, _ = ProcStatus(c.Pid(), "VmHWM")
	return r, nil
}
