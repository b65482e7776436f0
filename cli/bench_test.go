package cli

import (
	"fmt"
	"strings"
	"testing"
)

// benchModule is a realistic Flask module of about 60 lines; every tenth
// file also has findings.
func benchModule(pkg, mod int, withFindings bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `"""Views and configuration of module %d of package %d."""
import os
from datetime import datetime

from flask import Blueprint, Flask, jsonify, render_template, request, session

from pkg%03d import models

bp = Blueprint("m%d", __name__, url_prefix="/m%d")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"


class DevelopmentConfig(Config):
    DEBUG = True


@bp.route("/")
def index():
    items = models.Item.query.order_by(models.Item.created.desc()).limit(20).all()
    return render_template("index.html", items=items, now=datetime.utcnow())


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id):
    obj = models.Item.query.get_or_404(item_id)
    if request.method == "POST":
        obj.name = request.form["name"]
        models.db.session.commit()
    return jsonify(id=obj.id, name=obj.name)


def create_app(config=Config):
    app = Flask(__name__)
    app.config.from_object(config)
    app.register_blueprint(bp)

    @app.errorhandler(404)
    def not_found(e):
        return jsonify(error="not found"), 404

    return app
`, mod, pkg, pkg, mod, mod)
	if withFindings {
		b.WriteString(`

app = create_app()
app.config["DEBUG"] = True

if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
`)
	}
	return b.String()
}

// benchTree writes 100 packages of 20 modules (2,000 files) under dir.
func benchTree(tb testing.TB, dir string) {
	files := map[string]string{"pyproject.toml": "[tool.flaskguard]\nignore = [\"FG802\"]\n"}
	for p := 0; p < 100; p++ {
		files[fmt.Sprintf("pkg%03d/__init__.py", p)] = ""
		for m := 1; m < 20; m++ {
			files[fmt.Sprintf("pkg%03d/views_%02d.py", p, m)] = benchModule(p, m, m%10 == 0)
		}
	}
	writeTree(tb, dir, files)
}

// benchFindings is what check finds in benchTree.
const benchFindings = 100*2 + 1900*2

// BenchmarkCheck2000Files runs check over a generated 2,000-file project on
// all cores (GOMAXPROCS) and reports lines per second.
//
//	go test ./cli -run '^$' -bench Check2000Files -benchtime 5x
func BenchmarkCheck2000Files(b *testing.B) {
	dir := b.TempDir()
	benchTree(b, dir)
	b.Chdir(dir)
	b.ResetTimer()
	lines, files := 0, 0
	for i := 0; i < b.N; i++ {
		res, err := Check([]string{"."}, Overrides{})
		if err != nil {
			b.Fatal(err)
		}
		// Module 10 of each package has FG402 and FG401 (FG802 is ignored);
		// the 1,900 app factories that do not run an app have FG201 and FG701.
		if len(res.Files) != 2000 || res.Findings != benchFindings {
			b.Fatalf("%d files, %d findings; want 2000, %d", len(res.Files), res.Findings, benchFindings)
		}
		lines += res.Lines
		files = len(res.Files)
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(Workers()), "workers")
}

// BenchmarkCheck2000FilesWarmCache is BenchmarkCheck2000Files with a
// persistent cache filled by a first run: what a re-run over unchanged
// files costs (hashing, decoding the cache, the project rules).
//
//	go test ./cli -run '^$' -bench Check2000FilesWarm -benchtime 5x
func BenchmarkCheck2000FilesWarmCache(b *testing.B) {
	dir := b.TempDir()
	benchTree(b, dir)
	b.Chdir(dir)
	cacheDir := b.TempDir()
	if _, err := CheckCached([]string{"."}, Overrides{}, cacheDir); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := CheckCached([]string{"."}, Overrides{}, cacheDir)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Files) != 2000 || res.Findings != benchFindings || res.Cache.Hits != 2000 || res.Cache.Written {
			b.Fatalf("%d files, %d findings, cache %+v; want 2000, %d, all hits", len(res.Files), res.Findings, res.Cache, benchFindings)
		}
	}
}

// BenchmarkFix2000Files runs fix (in memory) over the generated project,
// whose 100 files with safe fixes change in the first pass: the second
// pass analyses afresh only those and the files their changes affect.
// /all analyses every file every pass, as fix did before.
//
//	go test ./cli -run '^$' -bench Fix2000Files -benchtime 3x
func BenchmarkFix2000Files(b *testing.B) {
	dir := b.TempDir()
	benchTree(b, dir)
	b.Chdir(dir)
	for _, reuse := range []bool{true, false} {
		name := "reuse"
		if !reuse {
			name = "all"
		}
		b.Run(name, func(b *testing.B) {
			was := fixReusesAnalyses
			fixReusesAnalyses = reuse
			defer func() { fixReusesAnalyses = was }()
			for i := 0; i < b.N; i++ {
				res, err := Fix([]string{"."}, Overrides{}, false)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Files) != 100 {
					b.Fatalf("%d files fixed, want 100", len(res.Files))
				}
			}
		})
	}
}
