package diagnostics

import (
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
// or by a suffix, as Project.ModuleSymbols resolves "app" to "pkg.app")
// changes, or when the project's merged rule facts change; not otherwise.
func TestContextStale(t *testing.T) {
	p := NewProject()
	put := func(path, module, src string) {
		f := NewPythonFile(path, module, syntax.Parse([]byte(src)))
		defer f.Tree.Close()
		p.Put(f, NewEngine(DefaultSettings(), nil).Symbols(f, Statements(f.Tree), nil))
	}
	put("pkg/factory.py", "pkg.factory", "from flask import Flask\n\ndef make():\n    return Flask(__name__)\n")
	put("pkg/other.py", "pkg.other", "X = 1\n")
	put("main.py", "main", "from factory import make\napp = make()\n")
	ctx := BuildContext(p.File("main.py").Symbols, p)
	cases := []struct {
		changed map[string]bool
		want    bool
	}{
		{map[string]bool{"pkg.other": true}, false},
		{map[string]bool{"pkg.factory": true}, true}, // looked up as "factory"
		{map[string]bool{"factory": true}, true},
		{map[string]bool{}, false},
	}
	for _, c := range cases {
		if got := ctx.Stale(c.changed, p); got != c.want {
			t.Errorf("Stale(%v) = %v, want %v", c.changed, got, c.want)
		}
	}
	put("pkg/other.py", "pkg.other", "from flask_limiter import Limiter\nlimiter = Limiter(default_limits=[\"1/s\"])\n")
	if !ctx.Stale(map[string]bool{"pkg.other": true}, p) {
		t.Error("default limits appeared in the project: the context must go stale")
	}
}
