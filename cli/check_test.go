package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writeTree creates files (slash paths → content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// appPy has one finding of each built-in kind; line 9 has non-ASCII text
// before its finding, so that columns in characters differ from bytes.
const appPy = `from flask import Flask

app = Flask(__name__)
app.debug = True


if __name__ == "__main__":
    app.run(host="0.0.0.0")
    print("é→✓"); app.run(debug=True)
`

// inProject creates a project in a fresh directory and makes it the working
// directory, so paths print relative to it.
func inProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	t.Chdir(dir)
	return dir
}

func TestRunCheckFormats(t *testing.T) {
	tests := []struct {
		name  string
		opts  CheckOptions
		code  int
		want  []string // regexps the output must match, in order
		avoid []string // substrings it must not contain
	}{
		{
			name: "text",
			opts: CheckOptions{},
			code: ExitFindings,
			want: []string{
				`(?m)^app\.py:4:1: FG402 \[\*\] DEBUG = True turns on`,
				`(?m)^app\.py:8:18: FG802 the development server listens`,
				`(?m)^app\.py:9:27: FG401 \[\*\] debug=True enables`,
				`(?m)^Found 3 findings in 1 file checked\.$`,
				`(?m)^\[\*\] 2 fixable with .flaskguard fix.\.$`,
			},
			avoid: []string{"fix (safe)"},
		},
		{
			name: "text with fixes",
			opts: CheckOptions{ShowFixes: true},
			code: ExitFindings,
			want: []string{
				`(?m)^app\.py:9:27: FG401 \[\*\] .*\n    fix \(safe\): Remove debug=True\n    fix \(unsafe\): Read debug from the FLASK_DEBUG environment variable$`,
			},
		},
		{
			name: "github",
			opts: CheckOptions{Format: "github"},
			code: ExitFindings,
			want: []string{
				`(?m)^::error file=app\.py,line=4,col=1,endLine=4,endColumn=17,title=FG402::DEBUG = True turns on`,
				`(?m)^::notice file=app\.py,line=8,col=18,endLine=8,endColumn=27,title=FG802::the development server`,
				`(?m)^::error file=app\.py,line=9,col=27,endLine=9,endColumn=37,title=FG401::debug=True enables`,
			},
			avoid: []string{"Found", "\n\n"},
		},
		{
			name:  "statistics",
			opts:  CheckOptions{Statistics: true},
			code:  ExitFindings,
			want:  []string{`(?m)^1  FG401  \[\*\] debug-run\n1  FG402  \[\*\] debug-config\n1  FG802      run-on-all-interfaces\nFound 3 findings`},
			avoid: []string{"app.py"},
		},
		{
			name:  "select",
			opts:  CheckOptions{Overrides: Overrides{Select: []string{"FG8"}}},
			code:  ExitFindings,
			want:  []string{`(?m)^app\.py:8:18: FG802 `, `Found 1 finding in`},
			avoid: []string{"FG401", "FG402"},
		},
		{
			name:  "ignore wins over select",
			opts:  CheckOptions{Overrides: Overrides{Select: []string{"FG4"}, Ignore: []string{"FG401"}}},
			code:  ExitFindings,
			want:  []string{`FG402`, `Found 1 finding in`},
			avoid: []string{"FG401", "FG802"},
		},
		{
			name: "longer select beats shorter ignore",
			opts: CheckOptions{Overrides: Overrides{Select: []string{"FG401"}, Ignore: []string{"FG4"}}},
			code: ExitFindings,
			want: []string{`FG401`, `Found 1 finding in`},
		},
		{
			name: "nothing selected",
			opts: CheckOptions{Overrides: Overrides{Ignore: []string{"FG"}}},
			code: ExitClean,
			want: []string{`(?m)^All checks passed \(1 file\)\.$`},
		},
		{
			name: "exit zero",
			opts: CheckOptions{ExitZero: true},
			code: ExitClean,
			want: []string{`Found 3 findings`},
		},
		{
			name: "unknown format",
			opts: CheckOptions{Format: "xml"},
			code: ExitError,
		},
		{
			name: "statistics in sarif",
			opts: CheckOptions{Format: "sarif", Statistics: true},
			code: ExitError,
		},
		{
			name: "missing path",
			opts: CheckOptions{Paths: []string{"nope.py"}},
			code: ExitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inProject(t, map[string]string{"app.py": appPy})
			var out, errOut bytes.Buffer
			code := RunCheck(tt.opts, &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errOut.String())
			}
			if code == ExitError && errOut.Len() == 0 {
				t.Error("exit 2 without a message on stderr")
			}
			rest := out.String()
			for _, w := range tt.want {
				loc := regexp.MustCompile(w).FindStringIndex(rest)
				if loc == nil {
					t.Fatalf("output does not match %q (in order); output:\n%s", w, out.String())
				}
				rest = rest[loc[1]:]
			}
			for _, a := range tt.avoid {
				if strings.Contains(out.String(), a) {
					t.Errorf("output contains %q:\n%s", a, out.String())
				}
			}
		})
	}
}

// checkJSON runs check --format json in the working directory, wanting
// findings, and returns them with the report.
func checkJSON(t *testing.T) ([]jsonFinding, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := RunCheck(CheckOptions{Format: "json"}, &out, &errOut); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var got []jsonFinding
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got, out.String()
}

func TestRunCheckJSON(t *testing.T) {
	inProject(t, map[string]string{"app.py": appPy})
	got, report := checkJSON(t)
	var out, errOut bytes.Buffer
	if len(got) != 3 {
		t.Fatalf("%d findings, want 3: %s", len(got), report)
	}
	fd := got[2]
	if fd.Code != "FG401" || fd.Filename != "app.py" || fd.Location != (jsonLocation{9, 27}) || fd.EndLocation != (jsonLocation{9, 37}) ||
		fd.Severity != "error" || fd.NoqaRow != 9 || !strings.HasSuffix(fd.URL, "/FG401.md") {
		t.Errorf("finding = %+v", fd)
	}
	if fd.Fix == nil || fd.Fix.Applicability != "safe" || fd.Fix.Message != "Remove debug=True" || len(fd.Fix.Edits) != 1 {
		t.Fatalf("fix = %+v", fd.Fix)
	}
	// The edit removes ", debug=True"? No: debug is the only argument, so
	// it empties the parentheses.
	if e := fd.Fix.Edits[0]; e.Content != "" || e.Location != (jsonLocation{9, 27}) || e.EndLocation != (jsonLocation{9, 37}) {
		t.Errorf("edit = %+v", e)
	}
	if got[1].Fix != nil {
		t.Errorf("FG802 has no fix, got %+v", got[1].Fix)
	}

	out.Reset()
	if code := RunCheck(CheckOptions{Format: "json", Statistics: true}, &out, &errOut); code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var stats []Statistic
	if err := json.Unmarshal(out.Bytes(), &stats); err != nil {
		t.Fatal(err)
	}
	want := []Statistic{{"FG401", "debug-run", 1, true}, {"FG402", "debug-config", 1, true}, {"FG802", "run-on-all-interfaces", 1, false}}
	if len(stats) != len(want) {
		t.Fatalf("stats = %+v", stats)
	}
	for i := range want {
		if stats[i] != want[i] {
			t.Errorf("stats[%d] = %+v, want %+v", i, stats[i], want[i])
		}
	}
}

func TestRunCheckOutputFile(t *testing.T) {
	dir := inProject(t, map[string]string{"app.py": appPy})
	var out, errOut bytes.Buffer
	if code := RunCheck(CheckOptions{Format: "sarif", OutputFile: "report.sarif"}, &out, &errOut); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("stdout not empty: %q", out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.sarif"))
	if err != nil || !bytes.Contains(b, []byte(`"version": "2.1.0"`)) {
		t.Errorf("report.sarif: %v %.200s", err, b)
	}
}

// Configuration files decide what each file reports; flags beat them.
func TestCheckConfiguration(t *testing.T) {
	files := map[string]string{
		"pyproject.toml": `[tool.flaskguard]
ignore = ["FG802"]
extend-exclude = ["generated/"]

[tool.flaskguard.per-file-ignores]
"tests/**" = ["FG4"]

[tool.flaskguard.severity]
FG402 = "warning"
`,
		"app.py":                appPy,
		"tests/test_app.py":     appPy,
		"generated/app.py":      appPy,
		"migrations/env.py":     appPy,
		"sub/flaskguard.toml":   "select = [\"FG802\"]\nexclude = [\"skip_*.py\"]\n",
		"sub/app.py":            appPy,
		"sub/skip_me.py":        appPy,
		".venv/pyvenv.cfg":      "",
		".venv/lib/site.py":     appPy,
		"sub/templates/a.html":  "<p>{{ x }}</p>",
		"sub/inner/nothing.txt": "",
	}
	type found struct{ path, code, sev string }
	tests := []struct {
		name  string
		paths []string
		ov    Overrides
		want  []found
	}{
		{
			name: "nearest configuration per file",
			want: []found{
				{"app.py", "FG402", "warning"}, {"app.py", "FG401", "error"},
				{"migrations/env.py", "FG402", "warning"}, {"migrations/env.py", "FG401", "error"},
				{"sub/app.py", "FG802", "info"},
			},
		},
		{
			name:  "a named file is excluded too",
			paths: []string{"sub/skip_me.py", "generated/app.py", "tests/test_app.py"},
			want:  nil,
		},
		{
			name: "select flag replaces the files' select",
			ov:   Overrides{Select: []string{"FG401"}},
			want: []found{
				{"app.py", "FG401", "error"}, {"migrations/env.py", "FG401", "error"}, {"sub/app.py", "FG401", "error"},
			},
		},
		{
			name: "ignore flag adds to the files' ignore",
			ov:   Overrides{Ignore: []string{"FG401"}},
			want: []found{
				{"app.py", "FG402", "warning"}, {"migrations/env.py", "FG402", "warning"}, {"sub/app.py", "FG802", "info"},
			},
		},
		{
			name:  "isolated",
			paths: []string{"app.py", "tests/test_app.py"},
			ov:    Overrides{Isolated: true},
			want: []found{
				{"app.py", "FG402", "error"}, {"app.py", "FG802", "info"}, {"app.py", "FG401", "error"},
				{"tests/test_app.py", "FG402", "error"}, {"tests/test_app.py", "FG802", "info"}, {"tests/test_app.py", "FG401", "error"},
			},
		},
		{
			name:  "explicit config file",
			paths: []string{"app.py", "sub"},
			ov:    Overrides{Config: "sub/flaskguard.toml"},
			want:  []found{{"app.py", "FG802", "info"}, {"sub/app.py", "FG802", "info"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inProject(t, files)
			res, err := Check(tt.paths, tt.ov)
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, f := range res.Files {
				for _, fd := range f.Findings {
					got = append(got, found{filepath.ToSlash(f.Path), fd.Code, fd.Severity.String()})
				}
			}
			if !equalFound(got, tt.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func equalFound[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckConfigurationErrors(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             string
	}{
		{"unknown key", "pyproject.toml", "[project]\nname = \"x\"\n\n[tool.flaskguard]\nignore = []\nexlcude = [\"x\"]\n",
			"pyproject.toml:6:1: tool.flaskguard.exlcude: unknown key \"exlcude\" (did you mean \"exclude\"?)"},
		{"bad severity", "flaskguard.toml", "[severity]\nFG401 = \"critical\"\n",
			"flaskguard.toml:2:9: severity.FG401: unknown severity \"critical\""},
		{"bad TOML", "flaskguard.toml", "select = [\n",
			"flaskguard.toml:1:11: invalid TOML: toml: array is incomplete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := inProject(t, map[string]string{"app.py": appPy, "pkg/app.py": appPy, tt.file: tt.text})
			var out, errOut bytes.Buffer
			for _, paths := range [][]string{nil, {"pkg"}, {"pkg/app.py"}} {
				errOut.Reset()
				if code := RunCheck(CheckOptions{Paths: paths}, &out, &errOut); code != ExitError {
					t.Fatalf("paths %v: exit %d, want 2", paths, code)
				}
				if !strings.Contains(errOut.String(), filepath.Join(dir, tt.want)) {
					t.Errorf("paths %v: stderr = %q, want it to contain %q", paths, errOut.String(), filepath.Join(dir, tt.want))
				}
			}
			// --isolated does not read it.
			if code := RunCheck(CheckOptions{Overrides: Overrides{Isolated: true}}, &out, &errOut); code != ExitFindings {
				t.Errorf("--isolated: exit %d, want 1", code)
			}
		})
	}
}
