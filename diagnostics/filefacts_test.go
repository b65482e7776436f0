package diagnostics

import (
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

func putPython(t *testing.T, e *Engine, p *Project, path, module, src string) (*File, *Cache) {
	t.Helper()
	tree := syntax.Parse([]byte(src))
	t.Cleanup(tree.Close)
	f := NewPythonFile(path, module, tree)
	c := NewCache()
	p.Put(f, e.Symbols(f, Statements(tree), c))
	return f, c
}

func codes(fs []Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Code]++
	}
	return out
}

// A fact from another file (default limits) must invalidate the cached
// statement results of the views' file through the Context fingerprint.
func TestRuleFactsInvalidateCache(t *testing.T) {
	e := NewEngine(Settings{Select: []string{"FG501"}}, nil)
	p := NewProject()
	views, cache := putPython(t, e, p, "views.py", "views", "from flask import Blueprint\nbp = Blueprint('v', __name__)\n\n@bp.post('/login')\ndef login():\n    return 'ok'\n")
	if got := codes(e.AnalyzeFile(views, p, cache))["FG501"]; got != 1 {
		t.Fatalf("before: %d FG501 findings, want 1", got)
	}
	putPython(t, e, p, "ext.py", "ext", "from flask_limiter import Limiter\nlimiter = Limiter(key_func=str, default_limits=['1/second'])\n")
	if got := codes(e.AnalyzeFile(views, p, cache))["FG501"]; got != 0 {
		t.Errorf("after default_limits elsewhere: %d FG501 findings, want 0 (stale cache?)", got)
	}
	putPython(t, e, p, "ext.py", "ext", "from flask_limiter import Limiter\nlimiter = Limiter(key_func=str)\n")
	if got := codes(e.AnalyzeFile(views, p, cache))["FG501"]; got != 1 {
		t.Errorf("after removing default_limits: %d FG501 findings, want 1", got)
	}
}

func TestModuleRuleFacts(t *testing.T) {
	src := `
import flask_limiter as fl
from flask import Blueprint
from .auth import bp as auth_bp

limiter = fl.Limiter(key_func=str)
other = Limiter(app)  # unimported name Limiter: counted (imported inside a function, say)
fl.Limiter(app, default_limits=[])  # empty defaults do not limit
limiter.limit("1/s")(auth_bp)
limiter.limit("1/s")(local_bp)
BANNER = "<b>hi</b>"
NAME = "x"
NAME = compute()
ALLOWED_EXTENSIONS = {"png"}

class Config:
    RATELIMIT_DEFAULT = "100/hour"
`
	tree := syntax.Parse([]byte(src))
	defer tree.Close()
	var facts []*StatementFacts
	for _, s := range Statements(tree) {
		facts = append(facts, ExtractFacts(s))
	}
	m := NewModuleSymbols("pkg.app", false, facts).Rule
	if !m.Limiters["limiter"] || !m.Limiters["other"] || !m.HasLimiter {
		t.Errorf("limiters = %v (has %v)", m.Limiters, m.HasLimiter)
	}
	if !m.DefaultLimits {
		t.Errorf("RATELIMIT_DEFAULT in a config class should count as default limits")
	}
	want := map[string]bool{"pkg.auth.bp": true, "pkg.app.local_bp": true}
	for _, q := range m.LimitedTargets {
		delete(want, q)
	}
	if len(want) != 0 {
		t.Errorf("limited targets %v lack %v", m.LimitedTargets, want)
	}
	if !m.Strings["BANNER"] || m.Strings["NAME"] {
		t.Errorf("strings = %v", m.Strings)
	}
	if m.ExtensionConfig {
		t.Errorf("a module-level ALLOWED_EXTENSIONS constant is not config")
	}
}

func TestMentionsAuth(t *testing.T) {
	for s, want := range map[string]bool{
		"/login": true, "/api/v1/auth/token": true, "/resetPassword": true, "/sign-in": true,
		"/log_in": true, "userLogin": true, "/forgot": true, "/2fa": true, "verify_email": true,
		"/authenticate": true, "change_password": true, "/oauth/authorize": true,
		"/authors": false, "/presets": false, "/logout": false, "/blog": false, "/tokenize": false,
		"/sign": false, "index": false, "/otpauth-qr": false,
	} {
		if got := mentionsAuth(s); got != want {
			t.Errorf("mentionsAuth(%q) = %v, want %v", s, got, want)
		}
	}
}
