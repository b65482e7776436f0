// Package bench measures flaskguard under real load: a generated
// Flask-style tree for `check` against the tree-sitter parse floor, and the
// real `flaskguard serve` binary driven over its stdio for cold start,
// workspace indexing, edit→publish latency and resident memory.
//
// bench/run.sh runs everything through the fgbench command; the Go
// benchmarks in bench_test.go call the same functions.
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
	"github.com/flaskguard/flaskguard/diagnostics/walk"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// TreeStats describes a generated tree.
type TreeStats struct {
	Files, Lines int
	Bytes        int64
}

func (s TreeStats) String() string {
	return fmt.Sprintf("%d files, %d lines, %.1f MB", s.Files, s.Lines, float64(s.Bytes)/(1<<20))
}

// GenTree writes a Flask-style project of about files files and lines
// lines under dir: packages of 100 files, each package an __init__.py and
// 99 modules from internal/gen (views, services, helpers, config
// constants, and an app with debug=True in each). Deterministic.
func GenTree(dir string, files, lines int) (TreeStats, error) {
	var st TreeStats
	pkgs := (files + 99) / 100
	modules := files - pkgs
	perModule := lines/max(modules, 1) - 5 // gen.Module overshoots by a chunk
	write := func(rel string, src []byte) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(src))
		st.Lines += strings.Count(string(src), "\n")
		return os.WriteFile(p, src, 0o644)
	}
	m := 0
	for p := 0; p < pkgs; p++ {
		pkg := fmt.Sprintf("pkg%03d", p)
		if err := write(filepath.Join(pkg, "__init__.py"), []byte("\"\"\"Package "+pkg+".\"\"\"\n")); err != nil {
			return st, err
		}
		for i := 0; i < 99 && m < modules; i++ {
			if err := write(filepath.Join(pkg, fmt.Sprintf("views_%02d.py", i)), gen.Module(int64(m), perModule)); err != nil {
				return st, err
			}
			m++
		}
	}
	return st, nil
}

// ParseFloor is the floor for `check`: list the tree's files as check
// does, read them, and parse the Python ones with tree-sitter on all cores
// (GOMAXPROCS workers), nothing else. It returns the files parsed.
func ParseFloor(root string) (int, error) {
	files, err := walk.Files([]string{root}, walk.Options{})
	if err != nil {
		return 0, err
	}
	srcs := make([][]byte, len(files))
	errs := make([]error, len(files))
	diagnostics.Parallel(len(files), func(i int) { srcs[i], errs[i] = os.ReadFile(files[i]) })
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	diagnostics.Parallel(len(files), func(i int) {
		if diagnostics.ClassifyPath(files[i]) == diagnostics.KindPython {
			syntax.Parse(srcs[i]).Close()
		}
	})
	return len(files), nil
}

// Percentiles of a sample.
type Percentiles struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func percentiles(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) time.Duration { return s[int(p*float64(len(s)-1))] }
	return Percentiles{N: len(s), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: s[len(s)-1]}
}

func (p Percentiles) String() string {
	return fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s", p.N, ms(p.P50), ms(p.P95), ms(p.P99), ms(p.Max))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// Median of durations.
func Median(d []time.Duration) time.Duration { return percentiles(d).P50 }
