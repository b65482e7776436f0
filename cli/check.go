// Package cli implements flaskguard's commands; cmd/flaskguard only wires
// arguments to it.
package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/walk"
)

// Exit codes, as Ruff and flake8 use them.
const (
	ExitClean    = 0 // no findings
	ExitFindings = 1 // findings reported
	ExitError    = 2 // usage or I/O error
)

// Result is the outcome of checking a set of paths.
type Result struct {
	Files    []*CheckedFile
	Lines    int // lines read, for throughput figures
	Findings int
}

// CheckedFile is one file's findings with the text they point into.
type CheckedFile struct {
	Path     string // relative to the working directory when possible
	Text     *source.Text
	Findings []diagnostics.Finding
}

// Check analyses every file under paths as one project.
func Check(paths []string, settings diagnostics.Settings, opts walk.Options) (*Result, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var inputs []diagnostics.Input
	for _, root := range paths {
		files, err := walk.Files([]string{root}, opts)
		if err != nil {
			return nil, err
		}
		base := root
		if info, err := os.Stat(root); err == nil && !info.IsDir() {
			base = filepath.Dir(root)
		}
		for _, f := range files {
			inputs = append(inputs, diagnostics.Input{Path: displayPath(f), Module: diagnostics.ModuleName(base, f)})
		}
	}
	inputs = dedupe(inputs)
	var readErr error
	diagnostics.Parallel(len(inputs), func(i int) {
		src, err := os.ReadFile(inputs[i].Path)
		if err != nil {
			readErr = err
			return
		}
		inputs[i].Src = src
	})
	if readErr != nil {
		return nil, readErr
	}
	engine := diagnostics.NewEngine(settings, nil)
	results := engine.AnalyzeAll(inputs)
	res := &Result{}
	for i, in := range inputs {
		t := source.New(in.Src)
		res.Lines += t.LineCount()
		res.Findings += len(results[i])
		res.Files = append(res.Files, &CheckedFile{Path: in.Path, Text: t, Findings: results[i]})
	}
	return res, nil
}

func dedupe(in []diagnostics.Input) []diagnostics.Input {
	seen := map[string]bool{}
	out := in[:0]
	for _, x := range in {
		if !seen[x.Path] {
			seen[x.Path] = true
			out = append(out, x)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// displayPath makes a path relative to the working directory when it is below it.
func displayPath(p string) string {
	if !filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !filepathHasDotDot(rel) {
			return rel
		}
	}
	return p
}

func filepathHasDotDot(rel string) bool {
	return rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator)
}

// WriteText prints "path:row:col: CODE message" lines and a summary.
func WriteText(w io.Writer, res *Result) {
	fixable := 0
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			loc := f.Text.OffsetLocation(fd.Start)
			mark := ""
			if len(fd.Fixes) > 0 {
				mark = " [*]"
				fixable++
			}
			fmt.Fprintf(w, "%s:%d:%d: %s%s %s\n", f.Path, loc.Row, loc.Column, fd.Code, mark, fd.Message)
		}
	}
	switch res.Findings {
	case 0:
		fmt.Fprintf(w, "All checks passed (%d files).\n", len(res.Files))
	default:
		fmt.Fprintf(w, "Found %d finding%s in %d files (%d fixable with `flaskguard fix`; [*] marks them).\n",
			res.Findings, plural(res.Findings), len(res.Files), fixable)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Workers is the parallelism check uses (all cores).
func Workers() int { return runtime.GOMAXPROCS(0) }
