package diagnostics_test

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// The model benchmarks run on a generated project shaped like a large
// Flask application: a factory loading a dict of config classes,
// extensions, and ~1,000 modules of blueprints, views (forms, uploads,
// JSON), models and helpers, ~150 lines each.

const benchFiles = 1000

func benchConfig(secure string) []byte {
	return []byte(`import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024


class DevelopmentConfig(Config):
    DEBUG = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = ` + secure + `


config = {"development": DevelopmentConfig, "production": ProductionConfig, "default": ProductionConfig}
`)
}

func benchProject() []diagnostics.Input {
	var inputs []diagnostics.Input
	add := func(path, src string) {
		mod := strings.TrimSuffix(strings.TrimSuffix(path, ".py"), "/__init__")
		inputs = append(inputs, diagnostics.Input{Path: path, Module: strings.ReplaceAll(mod, "/", "."), Src: []byte(src)})
	}
	views := benchFiles - 3
	var init strings.Builder
	init.WriteString("from flask import Flask, session\n\nfrom .config import config\nfrom .extensions import csrf, login_manager\n\n\ndef create_app(config_name=\"default\"):\n    app = Flask(__name__)\n    app.config.from_object(config[config_name])\n    csrf.init_app(app)\n    login_manager.init_app(app)\n")
	for i := 0; i < views; i++ {
		fmt.Fprintf(&init, "    from .views.v%04d import bp as bp%04d\n    app.register_blueprint(bp%04d)\n", i, i, i)
	}
	init.WriteString("    return app\n")
	add("shop/__init__.py", init.String())
	add("shop/config.py", string(benchConfig("True")))
	add("shop/extensions.py", "from flask_login import LoginManager\nfrom flask_wtf.csrf import CSRFProtect\n\ncsrf = CSRFProtect()\nlogin_manager = LoginManager()\n")
	for i := 0; i < views; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "\"\"\"Views of section %d.\"\"\"\nimport os\n\nfrom flask import Blueprint, jsonify, redirect, render_template, request, url_for\nfrom flask_login import login_required, login_user\nfrom flask_wtf import FlaskForm\nfrom werkzeug.utils import secure_filename\nfrom wtforms import StringField\n\nbp = Blueprint(\"s%d\", __name__, url_prefix=\"/s%d\")\n\n\n", i, i, i)
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, `class Form%d(FlaskForm):
    name = StringField("name")
    email = StringField("email")


@bp.route("/edit/%d/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_%d(item_id):
    form = Form%d()
    if form.validate_on_submit():
        item = {"id": item_id, "name": form.name.data, "email": form.email.data}
        for key, value in sorted(item.items()):
            if not value:
                return redirect(url_for(".edit_%d", item_id=item_id))
        return redirect(url_for(".show_%d", item_id=item_id))
    return render_template("edit.html", form=form)


@bp.route("/show/%d/<int:item_id>")
def show_%d(item_id):
    rows = [x for x in range(item_id) if x %% 3 == 0]
    total = sum(rows)
    return render_template("show.html", rows=rows, total=total, user=request.args.get("user"))


@bp.route("/api/%d", methods=["POST"])
def api_%d():
    payload = request.get_json()
    return jsonify(ok=True, size=len(payload or {}))


`, j, j, j, j, j, j, j, j, j, j)
		}
		fmt.Fprintf(&b, `class Repository%d:
    def __init__(self, db):
        self.db = db

    def get(self, key):
        return self.db.get(key)


def helper_%d(a, b=None):
    total = 0
    for k in range(a):
        total += k * 3
    if b is not None:
        total -= b
    return total
`, i, i)
		add(fmt.Sprintf("shop/views/v%04d.py", i), b.String())
	}
	return inputs
}

func countLines(inputs []diagnostics.Input) int {
	n := 0
	for _, in := range inputs {
		n += strings.Count(string(in.Src), "\n")
	}
	return n
}

// BenchmarkModelAnalyzeAllProject: the CLI's whole analysis (parse, facts,
// statement rules, model, project rules) of the generated project.
func BenchmarkModelAnalyzeAllProject(b *testing.B) {
	inputs := benchProject()
	lines := countLines(inputs)
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		engine.AnalyzeAll(inputs)
	}
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(lines)*float64(b.N)/time.Since(start).Seconds(), "lines/s")
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkModelParseOnlyProject is the floor of the above: parsing the
// same files on all cores, nothing else.
func BenchmarkModelParseOnlyProject(b *testing.B) {
	inputs := benchProject()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		diagnostics.Parallel(len(inputs), func(j int) { syntax.Parse(inputs[j].Src).Close() })
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the process's user and system time: on a shared machine it
// says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkModelConfigEdit: after an edit of the config module, what the
// server redoes: reparse it, its facts (cached per statement), Put, its
// statement rules, the model and the project rules.
func BenchmarkModelConfigEdit(b *testing.B) {
	inputs := benchProject()
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	project := diagnostics.NewProject()
	var cfgCache *diagnostics.Cache
	var cfgIn diagnostics.Input
	for _, in := range inputs {
		tree := syntax.Parse(in.Src)
		f := diagnostics.NewPythonFile(in.Path, in.Module, tree)
		c := diagnostics.NewCache()
		project.Put(f, engine.Symbols(f, diagnostics.Statements(tree), c))
		if in.Path == "shop/config.py" {
			cfgCache, cfgIn = c, in
		}
		tree.Close()
		f.Tree = nil
	}
	engine.ProjectFindings(project)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		secure := "True"
		if i%2 == 0 {
			secure = "False"
		}
		tree := syntax.Parse(benchConfig(secure))
		f := diagnostics.NewPythonFile(cfgIn.Path, cfgIn.Module, tree)
		project.Put(f, engine.Symbols(f, diagnostics.Statements(tree), cfgCache))
		own := engine.AnalyzeFile(f, project, cfgCache)
		byPath := engine.ProjectFindings(project)
		own = append(own, engine.Finish(f, byPath[f.Path])...)
		if secure == "False" && len(own) == 0 {
			b.Fatal("SESSION_COOKIE_SECURE = False not reported")
		}
		tree.Close()
	}
}

// BenchmarkModelRebuild: the model alone, rebuilt from cached facts.
func BenchmarkModelRebuild(b *testing.B) {
	inputs := benchProject()
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	project := diagnostics.NewProject()
	for _, in := range inputs {
		tree := syntax.Parse(in.Src)
		f := diagnostics.NewPythonFile(in.Path, in.Module, tree)
		project.Put(f, engine.Symbols(f, diagnostics.Statements(tree), nil))
		tree.Close()
		f.Tree = nil
	}
	engine.Model(project)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		project.Invalidate()
		if m := engine.Model(project); len(m.Apps) != 1 {
			b.Fatalf("%d apps", len(m.Apps))
		}
	}
}

// BenchmarkModelAfterEdit10k: the model of a one-file project (a 10k-line
// module) rebuilt after an edit changed one statement's facts, as the
// server does on most keystrokes that change facts.
func BenchmarkModelAfterEdit10k(b *testing.B) {
	src := gen.Module(1, 10000)
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	project := diagnostics.NewProject()
	cache := diagnostics.NewCache()
	version := func(src []byte) (*diagnostics.File, *diagnostics.ModuleSymbols) {
		tree := syntax.Parse(src)
		f := diagnostics.NewPythonFile("app.py", "app", tree)
		sym := engine.Symbols(f, diagnostics.Statements(tree), cache)
		tree.Detach()
		return f, sym
	}
	// Two versions differing in one local variable's name, alternately.
	at := bytes.Index(src, []byte("    total = 0\n"))
	if at < 0 {
		b.Fatal("no local binding to rename")
	}
	edited := append(append(append([]byte{}, src[:at+4]...), 'x'), src[at+4:]...)
	f1, s1 := version(src)
	f2, s2 := version(edited)
	project.Put(f1, s1)
	engine.Model(project)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			project.Put(f2, s2)
		} else {
			project.Put(f1, s1)
		}
		if m := engine.Model(project); len(m.Apps) != 1 {
			b.Fatalf("%d apps", len(m.Apps))
		}
	}
}
