// Package cli implements flaskguard's commands (check, fix, rules,
// explain); cmd/flaskguard only wires arguments to it.
package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// Exit codes, as Ruff and flake8 use them.
const (
	ExitClean    = 0 // no findings
	ExitFindings = 1 // findings reported (fix: findings remain; fix --diff: changes to make)
	ExitError    = 2 // usage, configuration or I/O error
)

// Version is the flaskguard version reported in SARIF; main sets it.
var Version = "0.0.0-dev"

// Result is the outcome of checking a set of paths.
type Result struct {
	Files    []*CheckedFile
	Lines    int // lines read, for throughput figures
	Findings int
	Cache    CacheStats
}

// CheckedFile is one file's findings with the text they point into.
type CheckedFile struct {
	Path     string // relative to the working directory when possible
	Text     *source.Text
	Findings []diagnostics.Finding
}

// Check analyses every file under paths (default ".") as one project, each
// file with the configuration that governs it and the overrides.
func Check(paths []string, ov Overrides) (*Result, error) {
	p, err := loadProject(paths, ov)
	if err != nil {
		return nil, err
	}
	return p.result(p.analyze()), nil
}

// CheckCached is Check with the persistent cache in cacheDir ("": none):
// files whose text and context are unchanged since a run that cached them
// are not parsed again, and their findings are the same. A cache that
// cannot be read or written is reported in the result's Cache.Err and
// otherwise ignored.
func CheckCached(paths []string, ov Overrides, cacheDir string) (*Result, error) {
	if cacheDir == "" {
		return Check(paths, ov)
	}
	p, err := loadProjectHashing(paths, ov, true)
	if err != nil {
		return nil, err
	}
	stats := CacheStats{Enabled: true}
	cache, err := openCache(cacheDir, p.engine.Settings)
	stats.Err = err
	stats.Loaded = len(cache.entries)
	findings := p.analyzeCached(cache, &stats)
	if stats.Err == nil {
		stats.Err = err
	}
	res := p.result(findings)
	res.Cache = stats
	return res, nil
}

func (p *project) result(findings [][]diagnostics.Finding) *Result {
	res := &Result{}
	for i, f := range p.files {
		t := source.New(f.src)
		res.Lines += t.LineCount()
		res.Findings += len(findings[i])
		res.Files = append(res.Files, &CheckedFile{Path: f.path, Text: t, Findings: findings[i]})
	}
	return res
}

// CheckOptions are the flags of `flaskguard check`.
type CheckOptions struct {
	Paths []string
	Overrides
	Format     string // text (default), json, sarif, github
	ExitZero   bool   // exit 0 even with findings
	Statistics bool   // counts per code instead of findings (text, json)
	ShowFixes  bool   // text: list each finding's fixes under it
	OutputFile string // write the report there instead of stdout
	CacheDir   string // the persistent cache's directory; "": no cache
}

// Formats lists the --format values of check.
var Formats = []string{"text", "json", "sarif", "github"}

// RunCheck runs `flaskguard check` and returns its exit code.
func RunCheck(o CheckOptions, stdout, stderr io.Writer) int {
	if o.Format == "" {
		o.Format = "text"
	}
	if !contains(Formats, o.Format) {
		fmt.Fprintf(stderr, "flaskguard: unknown --format %q (want %s)\n", o.Format, strings.Join(Formats, ", "))
		return ExitError
	}
	if o.Statistics && o.Format != "text" && o.Format != "json" {
		fmt.Fprintf(stderr, "flaskguard: --statistics works with --format text or json, not %s\n", o.Format)
		return ExitError
	}
	res, err := CheckCached(o.Paths, o.Overrides, o.CacheDir)
	if err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return ExitError
	}
	if res.Cache.Err != nil {
		fmt.Fprintf(stderr, "flaskguard: warning: cache: %v\n", res.Cache.Err)
	}
	out := stdout
	var file *os.File
	if o.OutputFile != "" {
		if file, err = os.Create(o.OutputFile); err != nil {
			fmt.Fprintf(stderr, "flaskguard: %v\n", err)
			return ExitError
		}
		out = file
	}
	// One write per finding was a system call each (5,941 on the
	// benchmark tree, 0.09 s).
	buffered := bufio.NewWriterSize(out, 64<<10)
	out = buffered
	switch {
	case o.Statistics && o.Format == "json":
		err = WriteStatisticsJSON(out, res)
	case o.Statistics:
		WriteStatistics(out, res)
	case o.Format == "json":
		err = WriteJSON(out, res)
	case o.Format == "sarif":
		err = WriteSARIF(out, res)
	case o.Format == "github":
		WriteGitHub(out, res)
	default:
		writeText(out, res, o.ShowFixes)
	}
	if ferr := buffered.Flush(); err == nil {
		err = ferr
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return ExitError
	}
	if res.Findings > 0 && !o.ExitZero {
		return ExitFindings
	}
	return ExitClean
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// WriteText prints "path:row:col: CODE message" lines and a summary.
func WriteText(w io.Writer, res *Result) { writeText(w, res, false) }

func writeText(w io.Writer, res *Result, showFixes bool) {
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			loc := f.Text.OffsetLocation(fd.Start)
			mark := ""
			if fixable(fd, false) {
				mark = " [*]"
			}
			fmt.Fprintf(w, "%s:%d:%d: %s%s %s\n", f.Path, loc.Row, loc.Column, fd.Code, mark, fd.Message)
			if showFixes {
				for _, fx := range fd.Fixes {
					kind := "unsafe"
					if fx.Safe {
						kind = "safe"
					}
					fmt.Fprintf(w, "    fix (%s): %s\n", kind, fx.Title)
				}
			}
		}
	}
	writeSummary(w, res)
}

func writeSummary(w io.Writer, res *Result) {
	if res.Findings == 0 {
		fmt.Fprintf(w, "All checks passed (%d %s).\n", len(res.Files), plural(len(res.Files), "file", "files"))
		return
	}
	safe, unsafe := 0, 0
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			switch {
			case fixable(fd, false):
				safe++
			case fixable(fd, true):
				unsafe++
			}
		}
	}
	fmt.Fprintf(w, "Found %d %s in %d %s checked.\n", res.Findings, plural(res.Findings, "finding", "findings"),
		len(res.Files), plural(len(res.Files), "file", "files"))
	if safe > 0 {
		fmt.Fprintf(w, "[*] %d fixable with `flaskguard fix`.\n", safe)
	}
	if unsafe > 0 {
		fmt.Fprintf(w, "%d more fixable with `flaskguard fix --unsafe-fixes`.\n", unsafe)
	}
}

// fixable reports whether fd has a fix that `flaskguard fix` would apply
// (with unsafe: `fix --unsafe-fixes`). Fixes that edit another file are
// not applied by the CLI.
func fixable(fd diagnostics.Finding, unsafe bool) bool {
	fx := pickFix(fd, unsafe)
	return fx != nil && len(fx.Edits) > 0 && localEdits(fx, fd.Path)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Statistic is one line of --statistics.
type Statistic struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Fixable bool   `json:"fixable"` // some of them have a safe fix
}

// Statistics counts findings per code, most frequent first.
func Statistics(res *Result) []Statistic {
	reg := diagnostics.DefaultRegistry()
	byCode := map[string]*Statistic{}
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			s := byCode[fd.Code]
			if s == nil {
				s = &Statistic{Code: fd.Code}
				if r := reg.Rule(fd.Code); r != nil {
					s.Name = r.Name
				}
				byCode[fd.Code] = s
			}
			s.Count++
			s.Fixable = s.Fixable || fixable(fd, false)
		}
	}
	out := make([]Statistic, 0, len(byCode))
	for _, s := range byCode {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// WriteStatistics prints Ruff's --statistics table: count, code, [*] when
// fixable, name; then the summary.
func WriteStatistics(w io.Writer, res *Result) {
	stats := Statistics(res)
	width := 1
	for _, s := range stats {
		if n := len(fmt.Sprint(s.Count)); n > width {
			width = n
		}
	}
	for _, s := range stats {
		mark := "   "
		if s.Fixable {
			mark = "[*]"
		}
		fmt.Fprintf(w, "%*d  %s  %s %s\n", width, s.Count, s.Code, mark, s.Name)
	}
	writeSummary(w, res)
}

// Workers is the parallelism check uses (all cores).
func Workers() int { return runtime.GOMAXPROCS(0) }
