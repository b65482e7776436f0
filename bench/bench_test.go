package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/cli"
)

// The Go benchmarks of issue 7. The tree benchmarks generate a
// 3,000-file, ~450k-line project once per run (about 10 MB in a temp dir):
//
//	go test ./bench -run '^$' -bench 'Tree' -benchtime 3x
//	go test ./bench -run '^$' -bench 'ColdStart|Index' -benchtime 10x
//
// bench/run.sh runs the same measurements through the real binaries.

var tree struct {
	once sync.Once
	dir  string
	st   TreeStats
	err  error
}

func benchTree(b *testing.B) string {
	tree.once.Do(func() {
		tree.dir, tree.err = os.MkdirTemp("", "flaskguard-bench-tree-")
		if tree.err == nil {
			tree.st, tree.err = GenTree(tree.dir, 3000, 450000)
		}
	})
	if tree.err != nil {
		b.Fatal(tree.err)
	}
	return tree.dir
}

var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// serverBinary builds cmd/flaskguard once per run.
func serverBinary(tb testing.TB) string {
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "flaskguard-bench-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "flaskguard")
		out, err := exec.Command("go", "build", "-o", binary.path, "github.com/flaskguard/flaskguard/cmd/flaskguard").CombinedOutput()
		if err != nil {
			binary.err = err
			tb.Logf("%s", out)
		}
	})
	if binary.err != nil {
		tb.Fatal(binary.err)
	}
	return binary.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{tree.dir, binary.dir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

// BenchmarkCheckTree is `flaskguard check` (in process, all cores) over the
// generated tree.
func BenchmarkCheckTree(b *testing.B) {
	dir := benchTree(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := cli.Check([]string{dir}, cli.Overrides{Isolated: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Files) != tree.st.Files {
			b.Fatalf("%d files checked, want %d", len(res.Files), tree.st.Files)
		}
	}
	b.ReportMetric(float64(tree.st.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseFloorTree is the floor of the above: list, read and parse.
func BenchmarkParseFloorTree(b *testing.B) {
	dir := benchTree(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ParseFloor(dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tree.st.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkColdStart starts the real binary and times the initialize reply.
func BenchmarkColdStart(b *testing.B) {
	bin := serverBinary(b)
	var ds []time.Duration
	for i := 0; i < b.N; i++ {
		d, err := ColdStart(bin)
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, d)
	}
	b.ReportMetric(float64(Median(ds).Microseconds())/1000, "median-ms")
}

// BenchmarkIndexWorkspace times the real binary's indexing of the tree,
// from initialized to the $/progress end.
func BenchmarkIndexWorkspace(b *testing.B) {
	bin := serverBinary(b)
	dir := benchTree(b)
	var ds []time.Duration
	for i := 0; i < b.N; i++ {
		r, err := IndexWorkspace(bin, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if r.Reports == 0 {
			b.Fatal("no progress reports")
		}
		ds = append(ds, r.Index)
	}
	b.ReportMetric(float64(Median(ds).Microseconds())/1000, "median-ms")
}

// BenchmarkEditToPublishBinary10k: edit → publish latency through the
// real binary (one awaited edit per iteration, percentiles reported).
func BenchmarkEditToPublishBinary10k(b *testing.B) {
	bin := serverBinary(b)
	p, err := EditLatency(bin, 10000, b.N, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(p.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p.P95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(p.P99.Microseconds())/1000, "p99-ms")
}

// TestMemoryFlat (FLASKGUARD_HEAVY=1): 200 documents of 1k lines and
// 10,000 edits; the real binary's RSS must stay bounded and must not grow
// with the edits (tree-sitter's C memory included).
func TestMemoryFlat(t *testing.T) {
	if os.Getenv("FLASKGUARD_HEAVY") != "1" {
		t.Skip("heavy: set FLASKGUARD_HEAVY=1")
	}
	r, err := Memory(serverBinary(t), 200, 1000, 10000, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RSS after opening: %d kB; samples: %+v; peak %d kB; latency %s", r.AfterOpenKB, r.Samples, r.PeakKB, r.Latency)
	first, last := r.Samples[0].RSSKB, r.Samples[len(r.Samples)-1].RSSKB
	if last > first+first/5 {
		t.Errorf("RSS grew from %d kB after %d edits to %d kB after %d", first, r.Samples[0].Edits, last, r.Edits)
	}
}
