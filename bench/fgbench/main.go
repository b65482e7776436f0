// Command fgbench runs flaskguard's load measurements (see bench/run.sh):
//
//	fgbench gentree DIR [-files 3000] [-lines 450000]
//	fgbench parse DIR                      tree-sitter parse floor of check
//	fgbench time [-n 3] -- CMD ARGS...     median wall time and peak RSS of a command
//	fgbench coldstart [-n 20] BIN          initialize reply of `BIN serve`
//	fgbench index [-n 3] BIN DIR           workspace indexing to the $/progress end
//	fgbench edits [-lines 10000] [-n 1000] BIN
//	fgbench memory [-docs 200] [-lines 1000] [-edits 10000] BIN
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/flaskguard/flaskguard/bench"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fgbench gentree|parse|time|coldstart|index|edits|wsedits|memory ...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var err error
	switch os.Args[1] {
	case "gentree":
		files := fs.Int("files", 3000, "files")
		lines := fs.Int("lines", 450000, "lines in all")
		fs.Parse(os.Args[2:])
		if fs.NArg() != 1 {
			fmt.Fprintln(os.Stderr, "usage: fgbench gentree [-files N] [-lines N] DIR")
			os.Exit(2)
		}
		var st bench.TreeStats
		st, err = bench.GenTree(fs.Arg(0), *files, *lines)
		fmt.Printf("generated %s in %s\n", st, fs.Arg(0))
	case "parse":
		fs.Parse(os.Args[2:])
		start := time.Now()
		var n int
		n, err = bench.ParseFloor(fs.Arg(0))
		fmt.Printf("parsed %d files in %.3fs\n", n, time.Since(start).Seconds())
	case "time":
		n := fs.Int("n", 3, "runs")
		fs.Parse(os.Args[2:])
		err = timeCommand(*n, fs.Args())
	case "coldstart":
		n := fs.Int("n", 20, "runs")
		fs.Parse(os.Args[2:])
		var ds []time.Duration
		for i := 0; i < *n && err == nil; i++ {
			var d time.Duration
			d, err = bench.ColdStart(fs.Arg(0))
			ds = append(ds, d)
		}
		if err == nil {
			fmt.Printf("cold start to initialize reply: median %s over %d runs (min %s, max %s)\n",
				msec(bench.Median(ds)), len(ds), msec(minDur(ds)), msec(maxDur(ds)))
		}
	case "index":
		n := fs.Int("n", 3, "runs")
		fs.Parse(os.Args[2:])
		var idx, total []time.Duration
		reports := 0
		for i := 0; i < *n && err == nil; i++ {
			var r bench.IndexResult
			r, err = bench.IndexWorkspace(fs.Arg(0), fs.Arg(1), os.Stderr)
			idx, total, reports = append(idx, r.Index), append(total, r.Total), r.Reports
			if err == nil {
				fmt.Printf("  run %d: initialized → progress end %.3fs (process start → end %.3fs, %d reports)\n", i+1, r.Index.Seconds(), r.Total.Seconds(), r.Reports)
			}
		}
		if err == nil {
			fmt.Printf("workspace indexing: median %.3fs from initialized to $/progress end (%.3fs from process start), %d progress reports\n",
				bench.Median(idx).Seconds(), bench.Median(total).Seconds(), reports)
		}
	case "edits":
		lines := fs.Int("lines", 10000, "lines of the edited file")
		n := fs.Int("n", 1000, "edits")
		fs.Parse(os.Args[2:])
		var p bench.Percentiles
		p, err = bench.EditLatency(fs.Arg(0), *lines, *n, os.Stderr)
		fmt.Printf("edit → publish through the binary (%d-line file): %s\n", *lines, p)
	case "wsedits":
		n := fs.Int("n", 500, "edits")
		fs.Parse(os.Args[2:])
		var r bench.WorkspaceEditsResult
		r, err = bench.WorkspaceEdits(fs.Arg(0), fs.Arg(1), fs.Arg(2), *n, os.Stderr)
		if err == nil {
			fmt.Printf("edit → publish in an indexed workspace (%s): %s\n", fs.Arg(2), r.Latency)
			fmt.Printf("edit → code action reply (project rules settled): %s; RSS %.1f MB after, peak %.1f MB\n",
				r.Settled, float64(r.RSSKB)/1024, float64(r.PeakKB)/1024)
		}
	case "memory":
		docs := fs.Int("docs", 200, "documents opened")
		lines := fs.Int("lines", 1000, "lines per document")
		edits := fs.Int("edits", 10000, "edits")
		every := fs.Int("every", 1000, "sample RSS every N edits")
		split := fs.Bool("split", false, "run the server with MALLOC_ARENA_MAX=1 so that all of C's malloc is in the [heap] mapping, reported apart")
		fs.Parse(os.Args[2:])
		if *split {
			os.Setenv("MALLOC_ARENA_MAX", "1")
		}
		var r bench.MemoryResult
		r, err = bench.Memory(fs.Arg(0), *docs, *lines, *edits, *every, os.Stderr)
		if err == nil {
			cheap := ""
			if *split {
				cheap = fmt.Sprintf(" (C heap %.1f MB)", float64(r.AfterOpenC)/1024)
			}
			fmt.Printf("memory: %d documents of %d lines: RSS %.1f MB after opening%s\n", *docs, *lines, float64(r.AfterOpenKB)/1024, cheap)
			var parts, cparts []string
			for _, s := range r.Samples {
				parts = append(parts, fmt.Sprintf("%d:%.1f", s.Edits, float64(s.RSSKB)/1024))
				cparts = append(cparts, fmt.Sprintf("%d:%.1f", s.Edits, float64(s.CHeapKB)/1024))
			}
			fmt.Printf("memory: RSS MB after N edits: %s\n", strings.Join(parts, " "))
			if *split {
				fmt.Printf("memory: of which C heap (tree-sitter) MB: %s\n", strings.Join(cparts, " "))
			}
			fmt.Printf("memory: peak RSS (VmHWM) %.1f MB over %d edits in %.1fs; edit latency %s\n",
				float64(r.PeakKB)/1024, r.Edits, r.Elapsed.Seconds(), r.Latency)
		}
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fgbench:", err)
		os.Exit(1)
	}
}

// timeCommand runs args n times and prints the median wall time and the
// largest peak RSS (the child's ru_maxrss). Exit status 1 (findings) is
// not an error.
func timeCommand(n int, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("time: no command")
	}
	var ds, cpus []time.Duration
	peak := int64(0)
	for i := 0; i < n; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stderr = os.Stderr
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", strings.Join(args, " "), err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		ds, cpus = append(ds, d), append(cpus, cpu)
		fmt.Printf("  run %d: %.3fs wall, %.3fs CPU\n", i+1, d.Seconds(), cpu.Seconds())
	}
	fmt.Printf("median %.3fs wall, %.3fs CPU over %d runs (wall min %.3fs, max %.3fs), peak RSS %.1f MB: %s\n",
		bench.Median(ds).Seconds(), bench.Median(cpus).Seconds(), n, minDur(ds).Seconds(), maxDur(ds).Seconds(), float64(peak)/1024, strings.Join(args, " "))
	return nil
}

func msec(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func minDur(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		if d < m {
			m = d
		}
	}
	return m
}

func maxDur(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		if d > m {
			m = d
		}
	}
	return m
}
