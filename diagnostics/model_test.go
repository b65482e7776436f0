package diagnostics_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// TestDumpProject prints the findings of the project in $FG_DUMP (a
// directory), every rule on: a tool for writing fixtures.
func TestDumpProject(t *testing.T) {
	dir := os.Getenv("FG_DUMP")
	if dir == "" {
		t.Skip("set FG_DUMP to a project directory")
	}
	files := loadProject(t, dir)
	inputs := make([]diagnostics.Input, len(files))
	for i, f := range files {
		inputs[i] = diagnostics.Input{Path: f.rel, Module: diagnostics.ModuleName(dir, filepath.Join(dir, f.rel)), Src: f.src}
	}
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	engine.ReadFile = func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) }
	for i, fs := range engine.AnalyzeAll(inputs) {
		text := source.New(files[i].src)
		for _, fd := range fs {
			fmt.Printf("%s:%d: %s %s [fixes %d]\n", files[i].rel, text.LineOf(fd.Start)+1, fd.Code, fd.Message, len(fd.Fixes))
			for _, r := range fd.Related {
				fmt.Printf("    related %s@%d: %s\n", r.Path, r.Start, r.Message)
			}
		}
	}
}

// project builds a Project the way the server does: Symbols per file, the
// trees closed afterwards (project rules use facts and text only).
type testProject struct {
	engine *diagnostics.Engine
	p      *diagnostics.Project
	caches map[string]*diagnostics.Cache
}

func newTestProject(settings diagnostics.Settings, files map[string]string) *testProject {
	tp := &testProject{engine: diagnostics.NewEngine(settings, nil), p: diagnostics.NewProject(), caches: map[string]*diagnostics.Cache{}}
	for path, src := range files {
		tp.put(path, src)
	}
	return tp
}

func (tp *testProject) put(path, src string) {
	c := tp.caches[path]
	if c == nil {
		c = diagnostics.NewCache()
		tp.caches[path] = c
	}
	tree := syntax.Parse([]byte(src))
	f := diagnostics.NewPythonFile(path, diagnostics.ModuleName(".", path), tree)
	tp.p.Put(f, tp.engine.Symbols(f, diagnostics.Statements(tree), c))
	tree.Close()
	f.Tree = nil
}

// findings returns "path:line CODE" for every project finding, sorted.
func (tp *testProject) findings() []string {
	var out []string
	for path, fs := range tp.engine.ProjectFindings(tp.p) {
		text := tp.p.File(path).File.Text
		for _, fd := range fs {
			out = append(out, fmt.Sprintf("%s:%d %s %s", path, text.LineOf(fd.Start)+1, fd.Code, fd.Severity))
		}
	}
	sort.Strings(out)
	return out
}

func sameStrings(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// A config module's edit changes the findings of the file creating the
// app, and rebuilding the model needs no syntax tree of the other files.
func TestModelConfigModuleEdit(t *testing.T) {
	app := "from flask import Flask, session\n\napp = Flask(__name__)\napp.config.from_object(\"settings\")\n\n\n@app.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\n\n\n@app.after_request\ndef h(r):\n    r.headers[\"X-Frame-Options\"] = \"DENY\"\n    return r\n"
	tp := newTestProject(diagnostics.DefaultSettings(), map[string]string{
		"app.py":      app,
		"settings.py": "SESSION_COOKIE_SAMESITE = \"Lax\"\n",
	})
	if got, want := tp.findings(), []string{"app.py:3 FG101 warning"}; !sameStrings(got, want) {
		t.Fatalf("before the edit: %v, want %v", got, want)
	}
	tp.put("settings.py", "SESSION_COOKIE_SAMESITE = \"Lax\"\nSESSION_COOKIE_SECURE = True\n")
	if got := tp.findings(); len(got) != 0 {
		t.Fatalf("after setting SESSION_COOKIE_SECURE: %v", got)
	}
	tp.put("settings.py", "SESSION_COOKIE_SECURE = True\n")
	if got, want := tp.findings(), []string{"app.py:3 FG103 warning"}; !sameStrings(got, want) {
		t.Fatalf("after removing SAMESITE: %v, want %v", got, want)
	}
}

// Facts are cached by statement text with offsets relative to their
// statement: findings follow a statement that moved.
func TestModelFactsFollowMovedStatements(t *testing.T) {
	src := "from flask import Flask, session\n\nweb = Flask(__name__)\n\n\n@web.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\n"
	tp := newTestProject(diagnostics.Settings{Select: []string{"FG101"}, AssumeExternalConfig: true}, map[string]string{"web.py": src})
	if got, want := tp.findings(), []string{"web.py:3 FG101 warning"}; !sameStrings(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
	tp.put("web.py", "# a comment\n\n\n"+src)
	byPath := tp.engine.ProjectFindings(tp.p)
	fd := byPath["web.py"][0]
	text := tp.p.File("web.py").File.Text
	if line := text.LineOf(fd.Start) + 1; line != 6 || string(text.Bytes[fd.Start:fd.End]) != "Flask(__name__)" {
		t.Fatalf("finding at line %d %q, want line 6 on Flask(__name__)", line, text.Bytes[fd.Start:fd.End])
	}
}

// With assume-external-config = false, what the model cannot see is
// reported at Information severity instead of staying silent.
func TestAssumeExternalConfigFalse(t *testing.T) {
	files := map[string]string{
		"app.py": "import os\nfrom flask import Flask, session\n\napp = Flask(__name__)\napp.config.from_envvar(\"SETTINGS\")\napp.config[\"SESSION_COOKIE_SAMESITE\"] = os.environ.get(\"SAMESITE\")\n\n\n@app.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\n",
	}
	settings := diagnostics.Settings{Select: []string{"FG101", "FG103"}, AssumeExternalConfig: true}
	if got := newTestProject(settings, files).findings(); len(got) != 0 {
		t.Fatalf("assuming external config: %v", got)
	}
	settings.AssumeExternalConfig = false
	got := newTestProject(settings, files).findings()
	want := []string{"app.py:4 FG101 info", "app.py:6 FG103 info"}
	if !sameStrings(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// FG201 lists the unprotected views, wherever they are, as related information.
func TestFG201RelatedViews(t *testing.T) {
	dir := "../testdata/projects/blueprints_unprotected"
	files := loadProject(t, dir)
	results := analyze(files, dir)
	var related []string
	for i, f := range files {
		for _, fd := range results[i] {
			if fd.Code != "FG201" {
				continue
			}
			if f.rel != "app.py" {
				t.Errorf("FG201 in %s, want app.py", f.rel)
			}
			for _, r := range fd.Related {
				related = append(related, r.Path+": "+r.Message)
			}
		}
	}
	want := []string{
		"views/admin.py: delete_user accepts POST without a CSRF check",
		"views/admin.py: update_settings accepts POST without a CSRF check",
		"views/pages.py: publish accepts PUT, POST without a CSRF check",
	}
	if !sameStrings(related, want) {
		t.Errorf("related:\n%s\nwant:\n%s", strings.Join(related, "\n"), strings.Join(want, "\n"))
	}
}

// The model's API: apps, views, blueprints, extensions, effective config;
// config files come through Engine.ReadFile and Invalidate rereads them.
func TestModelAPI(t *testing.T) {
	cfg := "SESSION_COOKIE_SECURE = False\n"
	tp := newTestProject(diagnostics.DefaultSettings(), map[string]string{
		"pkg/__init__.py": "from flask import Flask\nfrom .ext import csrf\n\ndef create_app():\n    app = Flask(__name__)\n    app.config.from_pyfile(\"app.cfg\")\n    csrf.init_app(app)\n    from .views import bp\n    app.register_blueprint(bp)\n    return app\n",
		"pkg/ext.py":      "from flask_wtf.csrf import CSRFProtect\n\ncsrf = CSRFProtect()\n",
		"pkg/views.py":    "from flask import Blueprint\n\nbp = Blueprint(\"v\", __name__)\n\n@bp.route(\"/a\", methods=[\"POST\"])\ndef a():\n    return \"\"\n",
	})
	reads := 0
	tp.engine.ReadFile = func(p string) ([]byte, error) {
		reads++
		if filepath.ToSlash(p) == "pkg/app.cfg" {
			return []byte(cfg), nil
		}
		return nil, os.ErrNotExist
	}
	m := tp.engine.Model(tp.p)
	if len(m.Apps) != 1 {
		t.Fatalf("%d apps", len(m.Apps))
	}
	a := m.Apps[0]
	if a.Scope != "create_app" || a.Var != "app" || !a.Factory || a.File.Path != "pkg/__init__.py" {
		t.Errorf("app: scope %q var %q factory %v file %s", a.Scope, a.Var, a.Factory, a.File.Path)
	}
	if len(m.Blueprints) != 1 || len(m.Blueprints[0].Apps) != 1 || m.Blueprints[0].Apps[0] != a {
		t.Errorf("blueprint not registered on the app: %+v", m.Blueprints)
	}
	if len(a.Views) != 1 || a.Views[0].Name != "a" || a.Views[0].Blue == nil || strings.Join(a.Views[0].Methods, ",") != "POST" {
		t.Errorf("views: %+v", a.Views)
	}
	if x := m.Attached(a, "CSRFProtect"); x == nil || x.File.Path != "pkg/ext.py" {
		t.Errorf("CSRFProtect not attached: %+v", x)
	}
	if !sameStrings(m.ConfigFiles, []string{filepath.Join("pkg", "app.cfg")}) {
		t.Errorf("config files %v", m.ConfigFiles)
	}
	effective := func(m *diagnostics.Model) diagnostics.Effective {
		sc := m.Apps[0].Config.Scenarios()
		if len(sc) != 1 {
			t.Fatalf("%d scenarios", len(sc))
		}
		return sc[0].Effective("SESSION_COOKIE_SECURE")
	}
	if e := effective(m); e.Entry == nil || !e.Entry.Value.Known || e.Entry.Value.Truthy || e.Source.Kind != diagnostics.SourceFile {
		t.Fatalf("SESSION_COOKIE_SECURE: %+v", e)
	}
	if m2 := tp.engine.Model(tp.p); m2 != m {
		t.Errorf("unchanged project: the model was rebuilt")
	}
	cfg = "SESSION_COOKIE_SECURE = True\n"
	tp.p.Invalidate()
	if e := effective(tp.engine.Model(tp.p)); e.Entry == nil || !e.Entry.Value.Truthy {
		t.Errorf("after Invalidate, SESSION_COOKIE_SECURE: %+v", e.Entry)
	}
	if reads < 2 {
		t.Errorf("ReadFile called %d times", reads)
	}
}

// Files that do not parse (Python 2, Jinja-templated Python, binary junk)
// are read as far as they go: no panic, no finding about the parse error.
func TestModelUnparsableFiles(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), zap.New(core))
	inputs := []diagnostics.Input{
		{Path: "py2.py", Module: "py2", Src: []byte("print \"hello\"\nexec \"x = 1\"\nclass Config:\n    SESSION_COOKIE_SECURE = False\n")},
		{Path: "templated.py", Module: "templated", Src: []byte("from flask import Flask\n{{ name }} = Flask(__name__)\n{% if csrf %}CSRFProtect({{ name }}){% endif %}\n@{{ name }}.route(\"/\", methods=[\"POST\"])\ndef index(:\n    return 1\n")},
		{Path: "junk.py", Module: "junk", Src: []byte("\x00\xff\xfe def ( class ) app.config[ = from_object(\n\"\"\"unterminated")},
		{Path: "half.py", Module: "half", Src: []byte("from flask import Flask\napp = Flask(__name__)\napp.config.from_object(\ndef broken(:\n")},
	}
	for i, fs := range engine.AnalyzeAll(inputs) {
		for _, fd := range fs {
			if strings.Contains(strings.ToLower(fd.Message), "syntax") || strings.Contains(strings.ToLower(fd.Message), "parse") {
				t.Errorf("%s: a parse error reported as a finding: %s %s", inputs[i].Path, fd.Code, fd.Message)
			}
		}
	}
	for _, e := range logs.All() {
		t.Errorf("logged: %s %v", e.Message, e.ContextMap())
	}
}

// FG101's fix in the shapes config takes: the result must parse, set the
// key, and not be reported again.
func TestConfigFixShapes(t *testing.T) {
	view := "\n\n@app.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\n"
	head := "from flask import Flask, session\n"
	cases := []struct{ name, src, want string }{
		{"trailing comma", head + "app = Flask(__name__)\napp.config.update(A=1,)\n" + view,
			head + "app = Flask(__name__)\napp.config.update(A=1, SESSION_COOKIE_SECURE=True,)\n" + view},
		{"empty update", head + "app = Flask(__name__)\napp.config.update()\n" + view,
			head + "app = Flask(__name__)\napp.config.update(SESSION_COOKIE_SECURE=True)\n" + view},
		{"dict() call", head + "app = Flask(__name__)\napp.config.update(dict(A=1))\n" + view,
			head + "app = Flask(__name__)\napp.config.update(dict(A=1, SESSION_COOKIE_SECURE=True))\n" + view},
		{"class with docstring only", head + "class Config:\n    \"\"\"Settings.\"\"\"\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view,
			head + "class Config:\n    \"\"\"Settings.\"\"\"\n    SESSION_COOKIE_SECURE = True\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view},
		{"class with pass", head + "class Config:\n    pass\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view,
			head + "class Config:\n    SESSION_COOKIE_SECURE = True\n    pass\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view},
		{"class with a method after the settings", head + "class Config:\n    A = 1\n\n    @staticmethod\n    def init_app(app):\n        pass\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view,
			head + "class Config:\n    A = 1\n    SESSION_COOKIE_SECURE = True\n\n    @staticmethod\n    def init_app(app):\n        pass\n\n\napp = Flask(__name__)\napp.config.from_object(Config)\n" + view},
		{"CRLF", strings.ReplaceAll(head+"app = Flask(__name__)\napp.config[\"A\"] = 1\n"+view, "\n", "\r\n"),
			strings.ReplaceAll(head+"app = Flask(__name__)\napp.config[\"A\"] = 1\napp.config[\"SESSION_COOKIE_SECURE\"] = True\n"+view, "\n", "\r\n")},
		{"tabs in a factory", head + "def create_app():\n\tapp = Flask(__name__)\n\tapp.config[\"A\"] = 1\n\n\t@app.route(\"/\")\n\tdef index():\n\t\treturn session.get(\"x\", \"\")\n\n\treturn app\n",
			head + "def create_app():\n\tapp = Flask(__name__)\n\tapp.config[\"A\"] = 1\n\tapp.config[\"SESSION_COOKIE_SECURE\"] = True\n\n\t@app.route(\"/\")\n\tdef index():\n\t\treturn session.get(\"x\", \"\")\n\n\treturn app\n"},
		{"no newline at the end", head + "app = Flask(__name__)\n\n\n@app.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\napp.config[\"A\"] = 1",
			head + "app = Flask(__name__)\n\n\n@app.route(\"/\")\ndef index():\n    return session.get(\"x\", \"\")\napp.config[\"A\"] = 1\napp.config[\"SESSION_COOKIE_SECURE\"] = True\n"},
	}
	settings := diagnostics.Settings{Select: []string{"FG101"}, AssumeExternalConfig: true}
	for _, c := range cases {
		engine := diagnostics.NewEngine(settings, nil)
		fs := engine.AnalyzeAll([]diagnostics.Input{{Path: "app.py", Module: "app", Src: []byte(c.src)}})[0]
		if len(fs) != 1 || len(fs[0].Fixes) != 1 {
			t.Errorf("%s: findings %+v", c.name, fs)
			continue
		}
		got, _ := diagnostics.ApplyFixes([]byte(c.src), fs, true)
		if string(got) != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
			continue
		}
		if again := engine.AnalyzeAll([]diagnostics.Input{{Path: "app.py", Module: "app", Src: got}})[0]; len(again) != 0 {
			t.Errorf("%s: still reported after the fix: %+v", c.name, again)
		}
	}
}

// ProjectFindingsUnless gives up wherever it is interrupted (between rules
// or between files of the model's build) and leaves nothing half-built:
// the next run gives what an uninterrupted one gives.
func TestProjectFindingsInterrupted(t *testing.T) {
	files := map[string]string{}
	root := "../testdata/projects/blueprints_unprotected"
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".py") {
			src, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[rel] = string(src)
		}
		return nil
	})
	render := func(tp *testProject, byPath map[string][]diagnostics.Finding) []string {
		var out []string
		for path, fs := range byPath {
			for _, fd := range fs {
				out = append(out, fmt.Sprintf("%s:%d %s", path, tp.p.File(path).File.Text.LineOf(fd.Start)+1, fd.Code))
			}
		}
		sort.Strings(out)
		return out
	}
	fresh := newTestProject(diagnostics.DefaultSettings(), files)
	want := render(fresh, fresh.engine.ProjectFindings(fresh.p))
	if len(want) == 0 {
		t.Fatal("no project findings: the test checks nothing")
	}
	for after := 0; ; after++ {
		tp := newTestProject(diagnostics.DefaultSettings(), files)
		asked := 0
		got, done := tp.engine.ProjectFindingsUnless(tp.p, func() bool { asked++; return asked > after })
		if done {
			if after < len(files)+2 {
				t.Fatalf("done after %d questions: fewer than the files and rules", after)
			}
			if g := render(tp, got); !sameStrings(g, want) {
				t.Fatalf("uninterrupted: %v, want %v", g, want)
			}
			break
		}
		if got != nil {
			t.Errorf("interrupted after %d questions: findings %v", after, got)
		}
		again, done := tp.engine.ProjectFindingsUnless(tp.p, nil)
		if g := render(tp, again); !done || !sameStrings(g, want) {
			t.Fatalf("after an interruption at question %d: %v (done %v), want %v", after+1, g, done, want)
		}
	}
}

// PythonBytes follows puts, replacements and removals.
func TestProjectPythonBytes(t *testing.T) {
	p := diagnostics.NewProject()
	put := func(path, src string) {
		tree := syntax.Parse([]byte(src))
		defer tree.Close()
		f := diagnostics.NewPythonFile(path, diagnostics.ModuleName(".", path), tree)
		p.Put(f, nil)
	}
	put("a.py", "x = 1\n")
	put("b.py", "y = 22\n")
	put("a.py", "x = 100\n")
	if got := p.PythonBytes(); got != 8+7 {
		t.Errorf("after two files and a replacement: %d bytes, want 15", got)
	}
	p.Remove("b.py")
	p.Remove("missing.py")
	if got := p.PythonBytes(); got != 8 {
		t.Errorf("after a removal: %d bytes, want 8", got)
	}
}
