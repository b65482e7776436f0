package diagnostics

import (
	"fmt"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

func TestIsTestFile(t *testing.T) {
	cases := []struct {
		path, module string
		want         bool
	}{
		{"/home/u/test/proj/app.py", "app", false}, // a folder above the project
		{"/home/u/proj/tests/test_views.py", "tests.test_views", true},
		{"/home/u/proj/tests/helpers.py", "tests.helpers", true},
		{"/home/u/proj/tests/__init__.py", "tests", true},
		{"conftest.py", "conftest", true},
		{"pkg/views_test.py", "pkg.views_test", true},
		{"testing.py", "testing", false},
		{"pkg/attestation.py", "pkg.attestation", false},
	}
	for _, c := range cases {
		if got := isTestFile(&File{Path: c.path, Module: c.module}); got != c.want {
			t.Errorf("isTestFile(%q, %q) = %v, want %v", c.path, c.module, got, c.want)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, p string
		want bool
	}{{"X-Frame-Options", "x-frame-options", true}, {"_CSRF_token", "csrf", true}, {"csr", "csrf", false}, {"", "a", false}} {
		if got := containsFold([]byte(c.s), c.p); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.p, got)
		}
	}
}

// Stale: a context goes stale when a module it looked up (by its full name
// or by a suffix, as Project.ModuleSymbols resolves "factory" to
// "pkg.factory") gets other facts, when its own module does, or when the
// project's merged rule facts change; not when positions move or an
// unrelated module changes.
func TestContextStale(t *testing.T) {
	p := NewProject()
	engine := NewEngine(DefaultSettings(), nil)
	put := func(path, module, src string) *ModuleSymbols {
		f := NewPythonFile(path, module, syntax.Parse([]byte(src)))
		defer f.Tree.Close()
		sym := engine.Symbols(f, Statements(f.Tree), nil)
		p.Put(f, sym)
		return sym
	}
	put("pkg/factory.py", "pkg.factory", "from flask import Flask\n\ndef make():\n    return Flask(__name__)\n")
	put("pkg/other.py", "pkg.other", "X = 1\n")
	main := put("main.py", "main", "from factory import make\napp = make()\n")
	ctx := BuildContext(main, p)
	steps := []struct {
		path, module, src string
		want              bool
	}{
		{"pkg/other.py", "pkg.other", "X = 2\n", false},
		{"pkg/factory.py", "pkg.factory", "from flask import Flask\n\n\n\ndef make():\n    return Flask(__name__)\n", false}, // moved only
		{"pkg/factory.py", "pkg.factory", "def make():\n    return 1\n", true},
		{"main.py", "main", "from factory import make\n\napp = make()\n", false},
		{"main.py", "main", "from factory import make\napp = make()\napp2 = app\n", true},
		{"pkg/other.py", "pkg.other", "from flask_limiter import Limiter\nlimiter = Limiter(default_limits=[\"1/s\"])\n", true},
	}
	for i, st := range steps {
		sym := put(st.path, st.module, st.src)
		if st.path == "main.py" {
			main = sym
		}
		if got := ctx.Stale(main, p); got != st.want {
			t.Errorf("step %d (%s): Stale = %v, want %v", i, st.path, got, st.want)
		}
		ctx = BuildContext(main, p)
	}
}

// RebuildContext gives what BuildContext gives, reusing the resolved kinds
// only when the bindings are the same.
func TestRebuildContextMatchesBuild(t *testing.T) {
	engine := NewEngine(DefaultSettings(), nil)
	p := NewProject()
	versions := []string{
		"from flask import Flask\n\ndef make():\n    return Flask(__name__)\n\napp = make()\napp.run(debug=True)\n",
		"from flask import Flask\n\ndef make():\n    return Flask(__name__)\n\napp = make()\napp.run(debug=False, port=1)\n", // same bindings
		"from flask import Flask\n\ndef make():\n    return 1\n\napp = make()\napp.run(debug=False, port=1)\n",               // make is no factory now
		"from flask import Flask\nfrom flask_limiter import Limiter\n\ndef make():\n    return 1\n\napp = Flask(__name__)\nlimiter = Limiter(app, default_limits=['1/s'])\n",
	}
	cache := NewCache()
	var prev *Context
	for i, src := range versions {
		f := NewPythonFile("app.py", "app", syntax.Parse([]byte(src)))
		sym := engine.Symbols(f, Statements(f.Tree), cache)
		p.Put(f, sym)
		want := BuildContext(sym, p)
		got := RebuildContext(prev, sym, p)
		if got.Fingerprint() != want.Fingerprint() || fmt.Sprint(got.Kinds) != fmt.Sprint(want.Kinds) || fmt.Sprint(got.Rule.keys()) != fmt.Sprint(want.Rule.keys()) {
			t.Errorf("version %d: rebuilt %v %v, built %v %v", i, got.Kinds, got.Rule.keys(), want.Kinds, want.Rule.keys())
		}
		if reused := prev != nil && fmt.Sprintf("%p", prev.Kinds) == fmt.Sprintf("%p", got.Kinds); reused != (i == 1) {
			t.Errorf("version %d: kinds reused = %v", i, reused)
		}
		prev = got
		f.Tree.Close()
	}
}
