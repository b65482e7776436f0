package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The commands as a user types them: flags wired to the cli package, exit
// codes 0 (clean), 1 (findings), 2 (errors).
func TestRun(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // check's cache goes there
	const app = "from flask import Flask\napp = Flask(__name__)\napp.run(host=\"0.0.0.0\", debug=True)\n"
	tests := []struct {
		name   string
		args   []string
		files  map[string]string
		code   int
		stdout []string
		stderr []string
	}{
		{"check findings", []string{"check"}, nil, 1, []string{"app.py:3:25: FG401 [*] debug=True", "Found 2 findings"}, nil},
		{"check exit zero", []string{"check", "--exit-zero"}, nil, 0, []string{"Found 2 findings"}, nil},
		{"check clean", []string{"check", "--ignore", "FG401,fg802"}, nil, 0, []string{"All checks passed (1 file)."}, nil},
		{"flags after paths", []string{"check", "app.py", "--select", "fg8", "--format", "github"}, nil, 1, []string{"::notice file=app.py,line=3,col=14,endLine=3,endColumn=23,title=FG802::"}, nil},
		{"statistics", []string{"check", "--statistics"}, nil, 1, []string{"1  FG401  [*] debug-run\n1  FG802      run-on-all-interfaces\n"}, nil},
		{"show fixes", []string{"check", "--show-fixes"}, nil, 1, []string{"    fix (safe): Remove debug=True\n"}, nil},
		{"ruff's flag name", []string{"check", "--output-format", "github", "--select", "FG8"}, nil, 1, []string{"::notice file=app.py,line=3,col=14,endLine=3,endColumn=23,title=FG802::"}, nil},
		{"sarif to a file", []string{"check", "--format", "sarif", "-o", "out.sarif"}, nil, 1, nil, nil},
		{"unknown code", []string{"check", "--select", "FG999"}, nil, 2, nil, []string{`flaskguard: --select: unknown rule code "FG999"`}},
		{"not a code", []string{"check", "--ignore", "E501"}, nil, 2, nil, []string{`--ignore: "E501" is not a rule code`}},
		{"unknown format", []string{"check", "--format", "xml"}, nil, 2, nil, []string{`unknown --format "xml" (want text, json, sarif, github)`}},
		{"unknown flag", []string{"check", "--fast"}, nil, 2, nil, []string{"flag provided but not defined: -fast"}},
		{"help", []string{"fix", "-h"}, nil, 0, nil, []string{"-unsafe-fixes", "-select codes"}},
		{"missing path", []string{"check", "nope/"}, nil, 2, nil, []string{"nope"}},
		{"config error", []string{"check"}, map[string]string{"pyproject.toml": "[tool.flaskguard]\nselect = [\"FG4\"]\nunknown-key = 1\n"}, 2, nil,
			[]string{"pyproject.toml:3:1: tool.flaskguard.unknown-key: unknown key"}},
		{"config applies", []string{"check"}, map[string]string{"flaskguard.toml": "ignore = [\"FG401\"]\n"}, 1, []string{"FG802", "Found 1 finding "}, nil},
		{"isolated", []string{"check", "--isolated"}, map[string]string{"flaskguard.toml": "ignore = [\"FG4\", \"FG8\"]\n"}, 1, []string{"Found 2 findings"}, nil},
		{"config flag", []string{"check", "--config", "other.toml"}, map[string]string{"other.toml": "ignore = [\"FG4\"]\n"}, 1, []string{"Found 1 finding "}, nil},
		{"fix diff", []string{"fix", "--diff"}, nil, 1, []string{"--- app.py\n+++ app.py\n", "-app.run(host=\"0.0.0.0\", debug=True)\n+app.run(host=\"0.0.0.0\")\n"}, []string{"Would fix 1 finding in 1 file; 1 remaining."}},
		{"fix", []string{"fix", "--show-fixes"}, nil, 1, []string{"Fixed app.py:\n  3:25: FG401 Remove debug=True\n", "Fixed 1 finding in 1 file; 1 remaining.\n"}, nil},
		{"fix exit zero", []string{"fix", "--exit-zero", "--unsafe-fixes"}, nil, 0, []string{"Fixed 1 finding in 1 file; 1 remaining.\n"}, nil},
		{"fix select", []string{"fix", "--select", "FG802"}, nil, 1, []string{"Fixed 0 findings in 0 files; 1 remaining.\n"}, nil},
		{"rules", []string{"rules"}, nil, 0, []string{"CODE", "FG401", "debug-run"}, nil},
		{"rules json", []string{"rules", "--format", "json"}, nil, 0, []string{`"code": "FG401"`}, nil},
		{"rules argument", []string{"rules", "FG401"}, nil, 2, nil, []string{"did you mean 'flaskguard explain FG401'?"}},
		{"explain", []string{"explain", "FG401"}, nil, 0, []string{"# FG401: debug-run", "## Why is this bad?"}, nil},
		{"explain unknown", []string{"explain", "FG999"}, nil, 2, nil, []string{`unknown rule "FG999"`}},
		{"explain nothing", []string{"explain"}, nil, 2, nil, []string{"usage: flaskguard explain CODE"}},
		{"unknown command", []string{"lint"}, nil, 2, nil, []string{`unknown command "lint"`}},
		{"no command", nil, nil, 2, nil, []string{"Usage:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"app.py": app}
			for k, v := range tt.files {
				files[k] = v
			}
			for name, text := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// Where check keeps its cache: the user's cache directory by default (not
// the project), --cache-dir or FLASKGUARD_CACHE_DIR elsewhere, nowhere with
// --no-cache or FLASKGUARD_NO_CACHE.
func TestCheckCacheLocation(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		where string // the directory (relative to the test's) holding a .cache file; "" none
	}{
		{"default", nil, nil, "home/flaskguard"},
		{"flag", []string{"--cache-dir", "mine"}, nil, "mine"},
		{"env", nil, map[string]string{"FLASKGUARD_CACHE_DIR": "envdir"}, "envdir"},
		{"flag beats env", []string{"--cache-dir", "mine"}, map[string]string{"FLASKGUARD_CACHE_DIR": "envdir"}, "mine"},
		{"no cache", []string{"--no-cache"}, nil, ""},
		{"no cache env", nil, map[string]string{"FLASKGUARD_NO_CACHE": "1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "home"))
			t.Setenv("FLASKGUARD_CACHE_DIR", "")
			t.Setenv("FLASKGUARD_NO_CACHE", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if err := os.WriteFile("app.py", []byte("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				var stdout, stderr bytes.Buffer
				if code := run(append([]string{"check"}, tt.args...), &stdout, &stderr); code != 1 || stderr.Len() > 0 || !strings.Contains(stdout.String(), "FG401") {
					t.Fatalf("run %d: exit %d\n%s%s", i, code, stdout.String(), stderr.String())
				}
			}
			var found []string
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && strings.HasSuffix(p, ".cache") {
					rel, _ := filepath.Rel(dir, filepath.Dir(p))
					found = append(found, rel)
				}
				return nil
			})
			switch {
			case tt.where == "" && len(found) > 0:
				t.Errorf("cache files in %v, want none", found)
			case tt.where != "" && (len(found) != 1 || found[0] != tt.where):
				t.Errorf("cache files in %v, want one in %s", found, tt.where)
			}
		})
	}
}
