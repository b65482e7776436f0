package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

const fixablePy = `"""An app."""
from flask import Flask

app = Flask(__name__)
app.debug = True

if __name__ == "__main__":
    app.run(debug=True, use_debugger=True)
`

const fixedPy = `"""An app."""
from flask import Flask

app = Flask(__name__)
app.debug = False

if __name__ == "__main__":
    app.run()
`

func TestFixFiles(t *testing.T) {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	bom := "\xef\xbb\xbf"
	tests := []struct {
		name      string
		in, want  string
		mode      os.FileMode
		code      int
		fixed     int
		remaining int
	}{
		{"lf", fixablePy, fixedPy, 0o644, ExitClean, 3, 0},
		{"crlf kept", crlf(fixablePy), crlf(fixedPy), 0o644, ExitClean, 3, 0},
		{"bom kept", bom + fixablePy, bom + fixedPy, 0o644, ExitClean, 3, 0},
		{"executable kept", "#!/usr/bin/env python3\n" + fixablePy, "#!/usr/bin/env python3\n" + fixedPy, 0o755, ExitClean, 3, 0},
		{"private kept", fixablePy, fixedPy, 0o600, ExitClean, 3, 0},
		{"unfixable remains", fixablePy + "    app.run(host=\"0.0.0.0\")\n", fixedPy + "    app.run(host=\"0.0.0.0\")\n", 0o644, ExitFindings, 3, 1},
		{"nothing to fix", "x = 1\n", "x = 1\n", 0o644, ExitClean, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := inProject(t, nil)
			path := filepath.Join(dir, "app.py")
			if err := os.WriteFile(path, []byte(tt.in), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // umask
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if code := RunFix(FixOptions{}, &out, &errOut); code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errOut.String())
			}
			files := 1
			if tt.fixed == 0 {
				files = 0
			}
			summary := "Fixed " + strconv.Itoa(tt.fixed) + " " + plural(tt.fixed, "finding", "findings") + " in " + strconv.Itoa(files) + " " +
				plural(files, "file", "files") + "; " + strconv.Itoa(tt.remaining) + " remaining.\n"
			if !strings.HasSuffix(out.String(), summary) {
				t.Errorf("stdout ends %q, want %q", out.String(), summary)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("fixed text:\n%q\nwant:\n%q", got, tt.want)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != tt.mode {
				t.Errorf("mode %v, want %v", info.Mode().Perm(), tt.mode)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries after fix, want only app.py (no temporary file left)", len(entries))
			}
			// A second run changes nothing.
			out.Reset()
			if code := RunFix(FixOptions{}, &out, &errOut); code != tt.code {
				t.Fatalf("second run: exit %d, want %d", code, tt.code)
			}
			again, _ := os.ReadFile(path)
			if !bytes.Equal(again, got) || !strings.Contains(out.String(), "Fixed 0 findings in 0 files;") {
				t.Errorf("second run changed something:\n%s", out.String())
			}
		})
	}
}

func TestFixDiff(t *testing.T) {
	dir := inProject(t, map[string]string{"app.py": fixablePy, "clean.py": "x = 1\n"})
	var out, errOut bytes.Buffer
	if code := RunFix(FixOptions{Diff: true, ShowFixes: true}, &out, &errOut); code != ExitFindings {
		t.Fatalf("exit %d, want 1 (changes to make): %s", code, errOut.String())
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "app.py")); string(got) != fixablePy {
		t.Error("--diff wrote the file")
	}
	diff := out.String()
	if !strings.HasPrefix(diff, "--- app.py\n+++ app.py\n@@ ") || !strings.Contains(diff, "-app.debug = True\n+app.debug = False\n") {
		t.Fatalf("diff:\n%s", diff)
	}
	// The diff turns the original into the fixed text.
	patched, err := applyDiff(diff, fixablePy)
	if err != nil || patched != fixedPy {
		t.Errorf("applying the diff: %v\n%s", err, patched)
	}
	for _, want := range []string{"Would fix app.py:\n", "  5:1: FG402 Set DEBUG to False\n", "Would fix 3 findings in 1 file; 0 remaining.\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	// Nothing to change: exit 0, no diff.
	out.Reset()
	if code := RunFix(FixOptions{Paths: []string{"clean.py"}, Diff: true}, &out, &errOut); code != ExitClean || out.Len() != 0 {
		t.Errorf("clean file: exit %d, diff %q", code, out.String())
	}
}

func TestFixSelectIgnore(t *testing.T) {
	tests := []struct {
		name string
		ov   Overrides
		want string
	}{
		{"select FG402", Overrides{Select: []string{"FG402"}}, strings.Replace(fixablePy, "app.debug = True", "app.debug = False", 1)},
		{"ignore FG402", Overrides{Ignore: []string{"FG402"}}, strings.Replace(fixedPy, "app.debug = False", "app.debug = True", 1)},
		{"ignore all", Overrides{Ignore: []string{"FG"}}, fixablePy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := inProject(t, map[string]string{"app.py": fixablePy})
			var out, errOut bytes.Buffer
			RunFix(FixOptions{Overrides: tt.ov}, &out, &errOut)
			if got, _ := os.ReadFile(filepath.Join(dir, "app.py")); string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// per-file-ignores and exclude keep fix away from files.
func TestFixConfiguration(t *testing.T) {
	dir := inProject(t, map[string]string{
		"flaskguard.toml":   "exclude = [\"vendor\"]\n[per-file-ignores]\n\"tests/*\" = [\"FG4\"]\n",
		"app.py":            fixablePy,
		"tests/test_app.py": fixablePy,
		"vendor/lib.py":     fixablePy,
	})
	var out, errOut bytes.Buffer
	if code := RunFix(FixOptions{}, &out, &errOut); code != ExitClean {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	for name, want := range map[string]string{"app.py": fixedPy, "tests/test_app.py": fixablePy, "vendor/lib.py": fixablePy} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != want {
			t.Errorf("%s:\n%s", name, got)
		}
	}
}

func TestFixErrors(t *testing.T) {
	inProject(t, map[string]string{"app.py": fixablePy, "flaskguard.toml": "select = \"FG4\"\n"})
	var out, errOut bytes.Buffer
	if code := RunFix(FixOptions{}, &out, &errOut); code != ExitError || !strings.Contains(errOut.String(), "flaskguard.toml:1:10: select: must be an array of strings, got a string") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// A fix that would add syntax errors is refused; the others apply.
func TestApplyVerifiedRefusesBrokenFixes(t *testing.T) {
	src := "x = 1\ny = 2\n"
	f := &projectFile{path: "m.py", src: []byte(src)}
	fds := []diagnostics.Finding{
		{Code: "FG401", Path: "m.py", Start: 0, End: 5, Fixes: []diagnostics.Fix{{Title: "good", Safe: true, Edits: []diagnostics.TextEdit{{Start: 4, End: 5, NewText: "10"}}}}},
		{Code: "FG402", Path: "m.py", Start: 6, End: 11, Fixes: []diagnostics.Fix{{Title: "bad", Safe: true, Edits: []diagnostics.TextEdit{{Start: 10, End: 11, NewText: "(("}}}}},
		{Code: "FG403", Path: "m.py", Start: 6, End: 11, Fixes: []diagnostics.Fix{{Title: "unsafe", Safe: false, Edits: []diagnostics.TextEdit{{Start: 0, End: 0, NewText: "import os\n"}}}}},
	}
	out, done, warns := applyVerified(f, fds, false)
	if string(out) != "x = 10\ny = 2\n" || len(done) != 1 || done[0].Title != "good" {
		t.Errorf("out %q, applied %+v", out, done)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], `m.py:2:1: FG402: fix "bad" would leave the file unparsable`) {
		t.Errorf("warnings %q", warns)
	}
	// With unsafe fixes, the unsafe one applies too.
	out, done, _ = applyVerified(f, fds, true)
	if string(out) != "import os\nx = 10\ny = 2\n" || len(done) != 2 {
		t.Errorf("unsafe: out %q, applied %+v", out, done)
	}
	// A file that did not parse may keep its errors, but not gain any.
	f = &projectFile{path: "m.py", src: []byte("def f(:\n    pass\nx = 1\n")}
	fds = []diagnostics.Finding{{Code: "FG401", Path: "m.py", Start: 17, End: 22, Fixes: []diagnostics.Fix{{Title: "ok", Safe: true, Edits: []diagnostics.TextEdit{{Start: 21, End: 22, NewText: "2"}}}}}}
	if out, done, _ := applyVerified(f, fds, false); string(out) != "def f(:\n    pass\nx = 2\n" || len(done) != 1 {
		t.Errorf("broken file: out %q, applied %+v", out, done)
	}
}

func TestChooseFixes(t *testing.T) {
	edit := func(s, e int, text string) diagnostics.TextEdit {
		return diagnostics.TextEdit{Start: s, End: e, NewText: text}
	}
	fix := func(title string, safe bool, edits ...diagnostics.TextEdit) diagnostics.Fix {
		return diagnostics.Fix{Title: title, Safe: safe, Edits: edits}
	}
	src := source.New([]byte("0123456789\n0123456789\n"))
	tests := []struct {
		name   string
		fds    []diagnostics.Finding
		unsafe bool
		want   []string // titles picked
	}{
		{"safe preferred even when unsafe allowed", []diagnostics.Finding{{Fixes: []diagnostics.Fix{fix("u", false, edit(0, 1, "")), fix("s", true, edit(2, 3, ""))}}}, true, []string{"s"}},
		{"unsafe only with the flag", []diagnostics.Finding{{Fixes: []diagnostics.Fix{fix("u", false, edit(0, 1, ""))}}}, false, nil},
		{"overlap deferred", []diagnostics.Finding{
			{Fixes: []diagnostics.Fix{fix("a", true, edit(0, 5, ""))}},
			{Fixes: []diagnostics.Fix{fix("b", true, edit(4, 6, ""))}},
			{Fixes: []diagnostics.Fix{fix("c", true, edit(5, 6, ""))}},
		}, false, []string{"a", "c"}},
		{"same insertion shared", []diagnostics.Finding{
			{Fixes: []diagnostics.Fix{fix("a", true, edit(0, 0, "import os\n"), edit(3, 4, "x"))}},
			{Fixes: []diagnostics.Fix{fix("b", true, edit(0, 0, "import os\n"), edit(5, 6, "y"))}},
		}, false, []string{"a", "b"}},
		{"different insertions at one place deferred", []diagnostics.Finding{
			{Fixes: []diagnostics.Fix{fix("a", true, edit(0, 0, "import os\n"))}},
			{Fixes: []diagnostics.Fix{fix("b", true, edit(0, 0, "import re\n"))}},
		}, false, []string{"a"}},
		{"edit in another file skipped", []diagnostics.Finding{
			{Path: "a.py", Fixes: []diagnostics.Fix{fix("a", true, diagnostics.TextEdit{Path: "b.py", Start: 0, End: 1})}},
		}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range chooseFixes(tt.fds, tt.unsafe, src) {
				got = append(got, c.fix.Title)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("picked %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNormalizeEdit(t *testing.T) {
	crlf := source.New([]byte("\xef\xbb\xbfx = 1\r\ny = 2\r\n"))
	e := normalizeEdit(diagnostics.TextEdit{Start: 0, End: 0, NewText: "import os\nimport re\r\n"}, crlf)
	if e.Start != 3 || e.End != 3 || e.NewText != "import os\r\nimport re\r\n" {
		t.Errorf("edit = %+v", e)
	}
	lf := source.New([]byte("x = 1\n"))
	if e := normalizeEdit(diagnostics.TextEdit{Start: 0, End: 0, NewText: "a\n"}, lf); e.NewText != "a\n" || e.Start != 0 {
		t.Errorf("edit = %+v", e)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.py")
	link := filepath.Join(dir, "link.py")
	if err := os.WriteFile(real, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.py", link); err != nil {
		t.Fatal(err)
	}
	// Through the link: the target is replaced, the link stays a link.
	if err := WriteFileAtomic(link, []byte("new\n"), []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new\n" {
		t.Errorf("target holds %q", got)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced by a file: %v %v", info.Mode(), err)
	}
	if info, _ := os.Stat(real); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	// The file changed since it was read: nothing is written.
	err := WriteFileAtomic(real, []byte("fixed\n"), []byte("old\n"))
	if err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Errorf("err = %v", err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new\n" {
		t.Errorf("file overwritten: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d entries, want 2 (no temporary file left)", len(entries))
	}
	// A directory that cannot take the temporary file: an error, the
	// original untouched.
	if os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o755)
		p := filepath.Join(ro, "x.py")
		os.WriteFile(p, []byte("a\n"), 0o644)
		os.Chmod(ro, 0o555)
		defer os.Chmod(ro, 0o755)
		if err := WriteFileAtomic(p, []byte("b\n"), nil); err == nil {
			t.Error("wrote into a read-only directory")
		}
		if got, _ := os.ReadFile(p); string(got) != "a\n" {
			t.Errorf("original changed: %q", got)
		}
	}
}

// applyDiff applies a one-file unified diff to text, checking its context
// and removed lines, as patch(1) would.
func applyDiff(diff, text string) (string, error) {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	hunk := regexp.MustCompile(`^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@`)
	var out []string
	at := 0 // next line of text to copy
	var prev *string
	for _, l := range strings.SplitAfter(diff, "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ "):
		case strings.HasPrefix(l, "@@"):
			m := hunk.FindStringSubmatch(l)
			if m == nil {
				return "", fmt.Errorf("bad hunk header %q", l)
			}
			start, _ := strconv.Atoi(m[1])
			for ; at < start-1; at++ {
				out = append(out, lines[at])
			}
		case strings.HasPrefix(l, "\\"): // "\ No newline at end of file"
			if prev != nil {
				*prev = strings.TrimSuffix(*prev, "\n")
			}
		case l[0] == ' ' || l[0] == '-':
			if at >= len(lines) || strings.TrimSuffix(lines[at], "\n") != strings.TrimSuffix(l[1:], "\n") {
				return "", fmt.Errorf("line %d does not match %q", at+1, l)
			}
			at++
			if l[0] == ' ' {
				out = append(out, l[1:])
				prev = &out[len(out)-1]
			} else {
				prev = new(string)
			}
		case l[0] == '+':
			out = append(out, l[1:])
			prev = &out[len(out)-1]
		default:
			return "", fmt.Errorf("bad diff line %q", l)
		}
	}
	out = append(out, lines[at:]...)
	return strings.Join(out, ""), nil
}

// Fixes that change nothing, or undo each other, or never stop, end the
// loop with a warning rather than spinning.
func TestFixLoopStops(t *testing.T) {
	// A rule that reports every "x = N" and offers to replace N.
	rule := func(next func(n string) string) *diagnostics.Rule {
		return &diagnostics.Rule{Code: "FG401", Name: "test", Severity: diagnostics.SeverityError,
			CheckStatement: func(p *diagnostics.StatementPass) {
				text := p.Stmt.Text()
				if !strings.HasPrefix(text, "x = ") {
					return
				}
				start := p.Stmt.Start() + len("x = ")
				p.ReportRange(p.Stmt.Start(), p.Stmt.End(), "x",
					diagnostics.Fix{Title: "change", Safe: true, Edits: []diagnostics.TextEdit{{Start: start, End: p.Stmt.End(), NewText: next(text[4:])}}})
			}}
	}
	tests := []struct {
		name    string
		next    func(string) string
		want    string
		fixed   int
		warning string
	}{
		{"no-op fix", func(n string) string { return n }, "x = 1\n", 0, ""},
		{"fixes that undo each other", func(n string) string {
			if n == "1" {
				return "2"
			}
			return "1"
		}, "x = 2\n", 1, "fixes undo each other"},
		{"fixes that never end", func(n string) string { return n + "0" }, "x = 1" + strings.Repeat("0", MaxFixPasses) + "\n", MaxFixPasses, "fixes still apply after 10 passes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := diagnostics.NewRegistry(rule(tt.next))
			if err != nil {
				t.Fatal(err)
			}
			eng := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
			eng.Registry = reg
			p := &project{engine: eng, files: []*projectFile{{path: "m.py", src: []byte("x = 1\n"), settings: diagnostics.DefaultSettings()}}}
			res := p.fix(false)
			got := "x = 1\n"
			if len(res.Files) == 1 {
				got = string(res.Files[0].Fixed)
			}
			if got != tt.want || res.Fixed != tt.fixed {
				t.Errorf("text %q fixed %d; want %q, %d", got, res.Fixed, tt.want, tt.fixed)
			}
			warned := strings.Join(res.Warnings, "\n")
			if tt.warning == "" && warned != "" || !strings.Contains(warned, tt.warning) {
				t.Errorf("warnings %q, want %q", warned, tt.warning)
			}
		})
	}
}

// fix reuses, from one pass to the next, the analyses of the files the pass
// did not change: the outcome must be what analysing everything every pass
// gives, on every fixture, safe and unsafe fixes alike.
func TestFixReusingAnalysesChangesNothing(t *testing.T) {
	outcome := func(dir string, unsafe, reuse bool) string {
		t.Helper()
		was := fixReusesAnalyses
		fixReusesAnalyses = reuse
		defer func() { fixReusesAnalyses = was }()
		res, err := Fix([]string{dir}, Overrides{Isolated: true}, unsafe)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, f := range res.Files {
			fmt.Fprintf(&b, "== %s %+v\n%s\n", f.Path, f.Applied, f.Fixed)
		}
		fmt.Fprintf(&b, "fixed %d, warnings %q\n%s", res.Fixed, res.Warnings, reportOf(t, res.Remaining))
		return b.String()
	}
	fixed := 0
	for _, fixture := range cacheFixtures(t) {
		for _, unsafe := range []bool{false, true} {
			dir := copyDir(t, fixture)
			got, want := outcome(dir, unsafe, true), outcome(dir, unsafe, false)
			if got != want {
				t.Errorf("%s (unsafe %v): reusing analyses gives\n%s\nanalysing everything\n%s", fixture, unsafe, got, want)
			}
			if strings.Contains(got, "== ") {
				fixed++
			}
		}
	}
	if fixed < 20 {
		t.Errorf("only %d fixture runs fixed something; the comparison proves little", fixed)
	}
}

// Among many fixes, the one that breaks the file is found by halves: a
// parse per try, not one per fix; the others all apply, in order.
func TestApplyVerifiedSiftsManyFixes(t *testing.T) {
	var src strings.Builder
	var fds []diagnostics.Finding
	for i := 0; i < 300; i++ {
		off := src.Len()
		src.WriteString("x = 1\n")
		fix := diagnostics.Fix{Title: "good", Safe: true, Edits: []diagnostics.TextEdit{{Start: off + 4, End: off + 5, NewText: "2"}}}
		if i == 137 {
			fix = diagnostics.Fix{Title: "bad", Safe: true, Edits: []diagnostics.TextEdit{{Start: off + 4, End: off + 5, NewText: "(("}}}
		}
		fds = append(fds, diagnostics.Finding{Code: "FG401", Path: "m.py", Start: off, End: off + 5, Fixes: []diagnostics.Fix{fix}})
	}
	f := &projectFile{path: "m.py", src: []byte(src.String())}
	before := syntaxChecks.Load()
	out, done, warns := applyVerified(f, fds, false)
	parses := syntaxChecks.Load() - before
	want := strings.Repeat("x = 2\n", 137) + "x = 1\n" + strings.Repeat("x = 2\n", 162)
	if string(out) != want || len(done) != 299 {
		t.Errorf("applied %d fixes; output right: %v", len(done), string(out) == want)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], `m.py:138:1: FG401: fix "bad"`) {
		t.Errorf("warnings %q", warns)
	}
	for i := 1; i < len(done); i++ {
		if done[i].Row <= done[i-1].Row {
			t.Fatalf("applied fixes out of order at %d: %+v", i, done[i-1:i+1])
		}
	}
	if parses > 40 {
		t.Errorf("%d parses to find one bad fix among 300, want about 2 log2(300)", parses)
	}
	t.Logf("%d parses", parses)
}
