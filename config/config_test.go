package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
)

func TestParseValid(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name, file, text string
		want             File // compared field by field below
	}{
		{
			name: "pyproject with every key",
			file: "pyproject.toml",
			text: `[project]
name = "app"

[tool.ruff]
select = ["E"]

[tool.flaskguard]
select = ["fg4", "FG802"]
ignore = ["FG403"]
exclude = ["migrations", "legacy/**"]
extend-exclude = ["generated/"]
assume-external-config = false

[tool.flaskguard.per-file-ignores]
"tests/**" = ["FG401", "FG402"]
"__init__.py" = ["FG4"]

[tool.flaskguard.severity]
FG4 = "warning"
FG401 = "info"
`,
			want: File{
				HasTable: true, Select: []string{"FG4", "FG802"}, Ignore: []string{"FG403"},
				Exclude: []string{"migrations", "legacy/**"}, ExtendExclude: []string{"generated/"},
				AssumeExternalConfig: &no,
				PerFileIgnores: []PerFileIgnore{
					{Pattern: "tests/**", Codes: []string{"FG401", "FG402"}},
					{Pattern: "__init__.py", Codes: []string{"FG4"}},
				},
				Severity: fg4Severities(), // FG4 = "warning", FG401 = "info"
			},
		},
		{
			name: "flaskguard.toml top-level keys, inline tables",
			file: "flaskguard.toml",
			text: "ignore = [\"FG802\"]\nassume-external-config = true\nseverity = { FG401 = \"hint\" }\nper-file-ignores = { \"app.py\" = [\"ALL\"] }\n",
			want: File{
				HasTable: true, Ignore: []string{"FG802"}, AssumeExternalConfig: &yes,
				Severity:       map[string]diagnostics.Severity{"FG401": diagnostics.SeverityHint},
				PerFileIgnores: []PerFileIgnore{{Pattern: "app.py", Codes: []string{"FG"}}},
			},
		},
		{
			name: "dotted keys",
			file: "pyproject.toml",
			text: "[tool]\nflaskguard.ignore = [\"FG401\"]\nflaskguard.severity.FG802 = \"error\"\n",
			want: File{HasTable: true, Ignore: []string{"FG401"}, Severity: map[string]diagnostics.Severity{"FG802": diagnostics.SeverityError}},
		},
		{
			name: "pyproject without the table",
			file: "pyproject.toml",
			text: "[tool.black]\nline-length = 100\n",
			want: File{HasTable: false},
		},
		{
			name: "empty flaskguard.toml",
			file: "flaskguard.toml",
			text: "",
			want: File{HasTable: true},
		},
		{
			name: "empty table",
			file: "pyproject.toml",
			text: "[tool.flaskguard]\n",
			want: File{HasTable: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(filepath.Join(t.TempDir(), tt.file), []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if f.HasTable != tt.want.HasTable {
				t.Errorf("HasTable = %v", f.HasTable)
			}
			check := func(name string, got, want interface{}) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", name, got, want)
				}
			}
			check("Select", f.Select, tt.want.Select)
			check("Ignore", f.Ignore, tt.want.Ignore)
			check("Exclude", f.Exclude, tt.want.Exclude)
			check("ExtendExclude", f.ExtendExclude, tt.want.ExtendExclude)
			check("AssumeExternalConfig", f.AssumeExternalConfig, tt.want.AssumeExternalConfig)
			if len(f.Severity) > 0 || len(tt.want.Severity) > 0 {
				check("Severity", f.Severity, tt.want.Severity)
			}
			var pfi []PerFileIgnore
			for _, p := range f.PerFileIgnores {
				pfi = append(pfi, PerFileIgnore{Pattern: p.Pattern, Codes: p.Codes})
			}
			check("PerFileIgnores", pfi, tt.want.PerFileIgnores)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, text string
		line             int
		key              string
		msg              string // substring of the message
	}{
		{"unknown key", "pyproject.toml", "[tool.flaskguard]\nselect = [\"FG4\"]\nselct = [\"FG4\"]\n", 3, "tool.flaskguard.selct", `unknown key "selct" (did you mean "select"?)`},
		{"snake case key", "flaskguard.toml", "\n\nper_file_ignores = {}\n", 3, "per_file_ignores", `did you mean "per-file-ignores"?`},
		{"pyproject table in flaskguard.toml", "flaskguard.toml", "[tool.flaskguard]\nselect = [\"FG4\"]\n", 1, "tool.flaskguard", "takes its keys at the top level"},
		{"far unknown key", "flaskguard.toml", "colour = true\n", 1, "colour", "known keys: select, ignore"},
		{"select not an array", "pyproject.toml", "[tool.flaskguard]\nselect = \"FG401\"\n", 2, "tool.flaskguard.select", "must be an array of strings, got a string"},
		{"select a table", "pyproject.toml", "[tool.flaskguard]\n[tool.flaskguard.select]\nFG401 = true\n", 2, "tool.flaskguard.select", "must be an array of strings, got a table"},
		{"unknown code in a multi-line array", "pyproject.toml", "[tool.flaskguard]\nignore = [\n  \"FG401\",\n  \"FG999\",\n]\n", 4, "tool.flaskguard.ignore", `unknown rule code "FG999"`},
		{"not a code", "flaskguard.toml", "select = [\"E501\"]\n", 1, "select", `"E501" is not a rule code or prefix`},
		{"non-string in array", "flaskguard.toml", "ignore = [\"FG401\",\n 401]\n", 2, "ignore", "holds an integer"},
		{"bad severity level", "pyproject.toml", "[tool.flaskguard.severity]\nFG401 = \"fatal\"\n", 2, "tool.flaskguard.severity.FG401", `unknown severity "fatal"`},
		{"severity not a string", "flaskguard.toml", "[severity]\nFG401 = 1\n", 2, "severity.FG401", "got an integer"},
		{"severity bad code", "flaskguard.toml", "[severity]\nFGX = \"error\"\n", 2, "severity.FGX", "not a rule code"},
		{"severity not a table", "flaskguard.toml", "severity = \"error\"\n", 1, "severity", "must be a table of FGnnn"},
		{"bool expected", "pyproject.toml", "[tool.flaskguard]\nassume-external-config = \"no\"\n", 2, "tool.flaskguard.assume-external-config", "must be true or false, got a string"},
		{"unquoted file name", "pyproject.toml", "[tool.flaskguard.per-file-ignores]\napp.py = [\"FG401\"]\n", 2, "tool.flaskguard.per-file-ignores.app.py", `quote it if it is one name: "app.py"`},
		{"per-file-ignores not a table", "flaskguard.toml", "per-file-ignores = [\"FG401\"]\n", 1, "per-file-ignores", "must be a table"},
		{"per-file-ignores bad code", "flaskguard.toml", "[per-file-ignores]\n\"tests/*\" = [\"FG4010\"]\n", 2, "per-file-ignores.tests/*", "not a rule code"},
		{"bad glob", "flaskguard.toml", "exclude = [\"a/[b\"]\n", 1, "exclude", `"a/[b" is not a valid glob`},
		{"empty glob", "flaskguard.toml", "extend-exclude = [\"./\"]\n", 1, "extend-exclude", "not a useful glob"},
		{"array of tables", "pyproject.toml", "[[tool.flaskguard]]\nselect = []\n", 1, "tool.flaskguard", "must be a table, got an array of tables"},
		{"flaskguard not a table", "pyproject.toml", "[tool]\nflaskguard = 3\n", 2, "tool.flaskguard", "must be a table, got an integer"},
		{"invalid TOML", "pyproject.toml", "[tool.flaskguard]\nselect = [\"FG4\"\n", 2, "", "invalid TOML"},
		{"duplicate key", "flaskguard.toml", "select = []\nselect = []\n", 2, "select", "invalid TOML: toml: key select is already defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("proj", tt.file)
			_, err := Parse(path, []byte(tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a *config.Error", err, err)
			}
			if ce.Path != path || ce.Line != tt.line || ce.Key != tt.key || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("got %s:%d key %q msg %q; want %s:%d key %q msg containing %q", ce.Path, ce.Line, ce.Key, ce.Msg, path, tt.line, tt.key, tt.msg)
			}
			// The printed form names the file, the line and the key.
			prefix := path + ":" + strconv.Itoa(tt.line) + ":"
			if s := err.Error(); !strings.HasPrefix(s, prefix) || tt.key != "" && !strings.Contains(s, tt.key) {
				t.Errorf("Error() = %q, want it to start with %q and name %q", s, prefix, tt.key)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse("flaskguard.toml", []byte("selct = []\nignore = [\"FG999\"]\n[severity]\nFG401 = \"loud\"\n"))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 errors, got %q", err)
	}
	for i, want := range []string{"flaskguard.toml:1:", "flaskguard.toml:2:", "flaskguard.toml:4:"} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("error %d = %q, want prefix %q", i, lines[i], want)
		}
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "pyproject.toml"), "[tool.flaskguard]\nignore = [\"FG802\"]\n")
	write(t, filepath.Join(root, "a", "pyproject.toml"), "[tool.black]\n")          // no table: skipped
	write(t, filepath.Join(root, "b", "pyproject.toml"), "[tool.flaskguard]\n")     // loses to flaskguard.toml
	write(t, filepath.Join(root, "b", "flaskguard.toml"), "ignore = [\"FG401\"]\n") // wins
	write(t, filepath.Join(root, "c", "flaskguard.toml"), "select = [")             // broken
	write(t, filepath.Join(root, "a", "deep", "app.py"), "")
	if err := os.MkdirAll(filepath.Join(root, "b", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from     string
		wantPath string
		wantErr  bool
	}{
		{".", "pyproject.toml", false},
		{"a", "pyproject.toml", false},
		{"a/deep", "pyproject.toml", false},
		{"a/deep/app.py", "pyproject.toml", false},
		{"b", "b/flaskguard.toml", false},
		{"b/sub", "b/flaskguard.toml", false},
		{"c", "", true},
	}
	r := NewResolver()
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			f, err := r.ForDir(filepath.Join(root, tt.from))
			if tt.wantErr {
				var ce *Error
				if !errors.As(err, &ce) || ce.Line != 1 || !strings.HasSuffix(ce.Path, filepath.Join("c", "flaskguard.toml")) {
					t.Errorf("err = %v, want a config error at c/flaskguard.toml:1", err)
				}
				return
			}
			if err != nil || f == nil {
				t.Fatalf("f, err = %v, %v", f, err)
			}
			if want := filepath.Join(root, tt.wantPath); f.Path != want {
				t.Errorf("Path = %s, want %s", f.Path, want)
			}
		})
	}
	// Nothing above an isolated directory (assuming the temp dir's parents
	// have no flaskguard configuration).
	if f, err := NewResolver().ForDir(t.TempDir()); f != nil || err != nil {
		t.Errorf("ForDir(empty dir) = %v, %v; want nil, nil", f, err)
	}
}

func TestMatching(t *testing.T) {
	root := t.TempDir()
	f, err := Parse(filepath.Join(root, "flaskguard.toml"), []byte(`
exclude = ["migrations", "/legacy/*.py", "build/", "**/gen_*.py"]
extend-exclude = ["src/vendored/**"]
[per-file-ignores]
"tests/**" = ["FG401"]
"conftest.py" = ["FG4"]
"app/{dev,local}_*.py" = ["FG402", "FG802"]
`))
	if err != nil {
		t.Fatal(err)
	}
	excl := []struct {
		rel   string
		isDir bool
		want  bool
	}{
		{"migrations", true, true},
		{"app/migrations/env.py", false, true},
		{"migrations.py", false, false},
		{"legacy/old.py", false, true},
		{"legacy/sub/old.py", false, false},
		{"app/legacy/old.py", false, false}, // anchored
		{"build", true, true},
		{"build", false, false}, // dirs only
		{"app/build/x.py", false, true},
		{"gen_models.py", false, true},
		{"pkg/gen_models.py", false, true},
		{"src/vendored/lib/x.py", false, true},
		{"src/app.py", false, false},
		{"../outside/migrations/x.py", false, false},
	}
	for _, tt := range excl {
		if got := f.Excluded(filepath.Join(root, filepath.FromSlash(tt.rel)), tt.isDir); got != tt.want {
			t.Errorf("Excluded(%s, dir=%v) = %v, want %v", tt.rel, tt.isDir, got, tt.want)
		}
	}
	ign := []struct {
		rel  string
		want []string
	}{
		{"tests/test_app.py", []string{"FG401"}},
		{"tests/unit/conftest.py", []string{"FG401", "FG4"}},
		{"conftest.py", []string{"FG4"}},
		{"app/dev_settings.py", []string{"FG402", "FG802"}},
		{"app/prod_settings.py", nil},
		{"app.py", nil},
	}
	for _, tt := range ign {
		path := filepath.Join(root, filepath.FromSlash(tt.rel))
		if got := f.IgnoredCodes(path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("IgnoredCodes(%s) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	// SettingsFor turns per-file ignores into disabled rules.
	st := f.SettingsFor(filepath.Join(root, "tests", "test_app.py"))
	if st.Enabled("FG401") || !st.Enabled("FG402") {
		t.Errorf("SettingsFor(tests/test_app.py): FG401 enabled %v, FG402 enabled %v", st.Enabled("FG401"), st.Enabled("FG402"))
	}
}

func TestSettings(t *testing.T) {
	var nilFile *File
	if got := nilFile.Settings(); !reflect.DeepEqual(got, diagnostics.DefaultSettings()) {
		t.Errorf("nil File settings = %+v", got)
	}
	if nilFile.Excluded("x.py", false) || nilFile.IgnoredCodes("x.py") != nil {
		t.Error("nil File excludes or ignores something")
	}
	f, err := Parse("flaskguard.toml", []byte("select = [\"FG4\"]\nignore = [\"FG403\"]\nassume-external-config = false\n[severity]\nFG401 = \"warning\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	st := f.Settings()
	for code, want := range map[string]bool{"FG401": true, "FG402": true, "FG403": false, "FG802": false} {
		if got := st.Enabled(code); got != want {
			t.Errorf("Enabled(%s) = %v, want %v", code, got, want)
		}
	}
	if st.AssumeExternalConfig || st.Severity["FG401"] != diagnostics.SeverityWarning {
		t.Errorf("settings = %+v", st)
	}
	// The returned settings are a copy.
	st.Select[0] = "FG8"
	st.Severity["FG401"] = diagnostics.SeverityHint
	if f.Select[0] != "FG4" || f.Severity["FG401"] != diagnostics.SeverityWarning {
		t.Error("Settings shares slices or maps with the File")
	}
}

func TestNormalizeCodes(t *testing.T) {
	got, err := NormalizeCodes([]string{" fg401", "FG4", "all", "FG"})
	if err != nil || !reflect.DeepEqual(got, []string{"FG401", "FG4", "FG", "FG"}) {
		t.Errorf("NormalizeCodes = %v, %v", got, err)
	}
	for _, bad := range []string{"", "F", "E501", "FG4012", "FG40x", "FG999"} {
		if _, err := NormalizeCodes([]string{bad}); err == nil {
			t.Errorf("NormalizeCodes(%q) accepted", bad)
		}
	}
}

// Per-file ignores hold even when Select is replaced by a longer prefix
// (an editor's or a flag's), because SettingsFor adds them as full codes.
func TestPerFileIgnoresBeatSelect(t *testing.T) {
	root := t.TempDir()
	f, err := Parse(filepath.Join(root, "flaskguard.toml"), []byte("[per-file-ignores]\n\"tests/*\" = [\"FG4\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	st := f.SettingsFor(filepath.Join(root, "tests", "t.py"))
	st.Select = []string{"FG401"}
	if st.Enabled("FG401") {
		t.Errorf("FG401 enabled in tests/ despite per-file-ignores; settings %+v", st)
	}
}

// fg4Severities is every FG4xx rule at warning, FG401 at info.
func fg4Severities() map[string]diagnostics.Severity {
	m := map[string]diagnostics.Severity{}
	for _, r := range diagnostics.DefaultRegistry().Rules() {
		if strings.HasPrefix(r.Code, "FG4") {
			m[r.Code] = diagnostics.SeverityWarning
		}
	}
	m["FG401"] = diagnostics.SeverityInfo
	return m
}
