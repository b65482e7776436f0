package diagnostics_test

// Fuzz targets for the analysis and its fixes (issue 7). Seeds: every rule
// fixture under testdata/rules and the files under testdata/fuzz/python
// (both at the repository root), plus what `go test -fuzz` saved under
// diagnostics/testdata/fuzz. bench/fuzz.sh runs each target for a while:
//
//	go test ./diagnostics -run '^$' -fuzz '^FuzzAnalyze$' -fuzztime 60s
//	go test ./diagnostics -run '^$' -fuzz '^FuzzFix$' -fuzztime 60s

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// addSeeds adds every file under the repository's testdata/rules and
// testdata/fuzz/<dir> whose name has one of the suffixes.
func addSeeds(f *testing.F, dir string, suffixes ...string) {
	for _, root := range []string{"../testdata/rules", filepath.Join("../testdata/fuzz", dir)} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			for _, s := range suffixes {
				if strings.HasSuffix(p, s) {
					if src, err := os.ReadFile(p); err == nil {
						f.Add(src)
					}
					break
				}
			}
			return nil
		})
	}
}

// failOnErrorCore passes the fields too (the panic value and the stack).
type failOnErrorCore struct {
	zapcore.LevelEnabler
	t *testing.T
}

func (c failOnErrorCore) With([]zapcore.Field) zapcore.Core { return c }
func (c failOnErrorCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}
func (c failOnErrorCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range fields {
		f.AddTo(enc)
	}
	c.t.Errorf("engine logged an error: %s %v", e.Message, enc.Fields)
	return nil
}
func (c failOnErrorCore) Sync() error { return nil }

func newFuzzEngine(t *testing.T) *diagnostics.Engine {
	st := diagnostics.DefaultSettings()
	st.AssumeExternalConfig = false // every rule reports
	e := diagnostics.NewEngine(st, zap.New(failOnErrorCore{zapcore.ErrorLevel, t}))
	e.ReadFile = func(string) ([]byte, error) { return nil, fs.ErrNotExist } // no disk
	return e
}

// analyzeAlone analyses src as the only file of a project, with its
// statement, file and project rules, as the server does for one buffer.
func analyzeAlone(e *diagnostics.Engine, path string, src []byte) ([]diagnostics.Finding, *diagnostics.File) {
	kind := diagnostics.ClassifyPath(path)
	p := diagnostics.NewProject()
	var f *diagnostics.File
	if kind == diagnostics.KindPython {
		tree := syntax.Parse(src)
		f = diagnostics.NewPythonFile(path, "app", tree)
		p.Put(f, e.Symbols(f, diagnostics.Statements(tree), nil))
	} else {
		f = &diagnostics.File{Path: path, Kind: kind, Text: source.New(src)}
		p.Put(f, nil)
	}
	out := e.AnalyzeFile(f, p, nil)
	if extra := e.ProjectFindings(p)[path]; len(extra) > 0 {
		out = append(out, e.Finish(f, extra)...)
		diagnostics.SortFindings(out)
	}
	return out, f
}

// checkFindings: ranges inside the text, on character boundaries (so
// they convert to UTF-16 positions and back), fixes' edits in range.
func checkFindings(t *testing.T, path string, src []byte, fs []diagnostics.Finding) {
	t.Helper()
	text := source.New(src)
	for _, fd := range fs {
		if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) {
			t.Fatalf("%s: %s range %d-%d outside the text (%d bytes)", path, fd.Code, fd.Start, fd.End, len(src))
		}
		for _, off := range []int{fd.Start, fd.End} {
			pos := text.OffsetPosition(off)
			if pos.Line < 0 || pos.Line >= text.LineCount() || pos.Character < 0 {
				t.Fatalf("%s: %s offset %d maps to invalid position %+v", path, fd.Code, off, pos)
			}
			if back := text.PositionOffset(pos); back != off {
				t.Fatalf("%s: %s offset %d → position %+v → offset %d: not on a character boundary\n%q",
					path, fd.Code, off, pos, back, around(src, off))
			}
		}
		if fd.Path != path {
			t.Fatalf("%s: finding's path is %q", path, fd.Path)
		}
		for _, fx := range fd.Fixes {
			for _, ed := range fx.Edits {
				if ed.Path != "" && ed.Path != path {
					continue
				}
				if ed.Start < 0 || ed.End < ed.Start || ed.End > len(src) {
					t.Fatalf("%s: %s fix %q edit %d-%d outside the text (%d bytes)", path, fd.Code, fx.Title, ed.Start, ed.End, len(src))
				}
			}
		}
	}
}

func around(src []byte, off int) []byte {
	lo, hi := max(off-20, 0), min(off+20, len(src))
	return src[lo:hi]
}

// FuzzAnalyze: any bytes, as a Python file, a template and an env file:
// no panic (the engine recovers rule panics and logs them: that fails the
// test too), every finding's range inside the document on character
// boundaries.
func FuzzAnalyze(f *testing.F) {
	addSeeds(f, "python", ".py", ".html", ".jinja", ".jinja2", ".j2", ".env", ".flaskenv", ".env.production")
	f.Fuzz(func(t *testing.T, src []byte) {
		defer watchdog(src)()
		e := newFuzzEngine(t)
		for _, path := range []string{"/ws/app.py", "/ws/templates/page.html", "/ws/.env"} {
			found, _ := analyzeAlone(e, path, src)
			checkFindings(t, path, src, found)
		}
	})
}

// watchdog crashes the process when an input runs longer than 10 s: the
// fuzzer has no time limit of its own, and a crash makes it save the input.
func watchdog(src []byte) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("fuzz input still running after 10s (a hang): %q", src)) })
	return func() { t.Stop() }
}

// localEdits are a fix's edits in its own file.
func localEdits(path string, fx diagnostics.Fix) ([]diagnostics.TextEdit, bool) {
	var out []diagnostics.TextEdit
	for _, ed := range fx.Edits {
		if ed.Path != "" && ed.Path != path {
			return nil, false
		}
		out = append(out, ed)
	}
	return out, true
}

func countCode(fs []diagnostics.Finding, code string) int {
	n := 0
	for _, fd := range fs {
		if fd.Code == code {
			n++
		}
	}
	return n
}

// FuzzFix: each finding's fix (safe or unsafe), applied alone, gives code
// that parses when the input did, and removes a finding of its rule; fixing
// everything reaches a fixed point within a few passes, after which a
// further pass changes nothing.
func FuzzFix(f *testing.F) {
	addSeeds(f, "python", ".py")
	f.Fuzz(checkFixes)
}

func checkFixes(t *testing.T, src []byte) {
	{
		if len(src) > 64<<10 {
			return
		}
		defer watchdog(src)()
		e := newFuzzEngine(t)
		const path = "/ws/app.py"
		fs, file := analyzeAlone(e, path, src)
		parsed := !file.Tree.HasError()
		file.Tree.Close()
		for _, fd := range fs {
			for _, fx := range fd.Fixes {
				edits, ok := localEdits(path, fx)
				if !ok || len(edits) == 0 {
					continue
				}
				out, skipped := diagnostics.ApplyEdits(src, edits)
				if skipped > 0 {
					t.Fatalf("%s fix %q: %d of its edits overlap or are out of range: %+v", fd.Code, fx.Title, skipped, edits)
				}
				if bytes.Equal(out, src) {
					continue // fixes that change nothing are skipped by the CLI
				}
				tree := syntax.Parse(out)
				broken := tree.HasError()
				tree.Close()
				if parsed && broken {
					t.Fatalf("%s fix %q breaks the syntax:\n--- before\n%s\n--- after\n%s", fd.Code, fx.Title, src, out)
				}
				after, file := analyzeAlone(e, path, out)
				file.Tree.Close()
				if countCode(after, fd.Code) >= countCode(fs, fd.Code) {
					t.Fatalf("%s fix %q does not remove the finding:\n--- before\n%s\n--- after\n%s", fd.Code, fx.Title, src, out)
				}
			}
		}
		// Fix everything, pass after pass.
		cur := src
		for pass := 0; ; pass++ {
			fs, file := analyzeAlone(e, path, cur)
			file.Tree.Close()
			next, applied := diagnostics.ApplyFixes(cur, fs, true)
			if applied == 0 || bytes.Equal(next, cur) {
				break
			}
			if pass == 8 {
				t.Fatalf("fixes do not converge after %d passes:\n--- input\n%s\n--- now\n%s", pass, src, next)
			}
			cur = next
		}
	}
}

// A few hand-written cases the fuzzers start from are kept in
// testdata/fuzz/python; this test keeps them analysable quickly.
func TestFuzzSeedsAnalyse(t *testing.T) {
	e := newFuzzEngine(t)
	matches, _ := filepath.Glob("../testdata/fuzz/python/*")
	for _, m := range matches {
		src, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		fs, file := analyzeAlone(e, "/ws/app.py", src)
		if file.Tree != nil {
			file.Tree.Close()
		}
		checkFindings(t, "/ws/app.py", src, fs)
	}
}
