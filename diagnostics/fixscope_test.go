package diagnostics_test

import (
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// In a file with a syntax error, a finding keeps only the fixes that stay
// inside its own statement, and none when that statement is the broken
// one: the structure elsewhere may be error recovery's invention.
func TestFixesInAFileWithSyntaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("from flask import Flask\n\napp = Flask(__name__)\n")
	// Many findings and statements, so that the per-file lookups are
	// exercised beyond the first statement.
	for i := 0; i < 50; i++ {
		b.WriteString("app.run(debug=True)\n")
	}
	b.WriteString("def broken(:\n    app.run(debug=True)\n")
	b.WriteString("app.run(debug=True)\n")
	src := b.String()
	tree := syntax.Parse([]byte(src))
	defer tree.Close()
	if !tree.HasError() {
		t.Fatal("the file should have a syntax error")
	}
	engine := diagnostics.NewEngine(diagnostics.Settings{Select: []string{"FG401"}, AssumeExternalConfig: true}, nil)
	f := diagnostics.NewPythonFile("app.py", "app", tree)
	findings := engine.AnalyzeFile(f, diagnostics.NewProject(), nil)
	brokenAt := strings.Index(src, "def broken")
	clean, broken := 0, 0
	for _, fd := range findings {
		if fd.Code != "FG401" {
			continue
		}
		if fd.Start >= brokenAt && fd.Start < brokenAt+len("def broken(:\n    app.run(debug=True)\n") {
			broken++
			if len(fd.Fixes) > 0 {
				t.Errorf("finding at %d in the broken statement kept fixes %v", fd.Start, fd.Fixes)
			}
			continue
		}
		clean++
		if len(fd.Fixes) != 1 || fd.Fixes[0].Title != "Remove debug=True" {
			var titles []string
			for _, fx := range fd.Fixes {
				titles = append(titles, fx.Title)
			}
			t.Errorf("finding at %d in a clean statement: fixes %q, want only the in-statement Remove debug=True (the FLASK_DEBUG one adds an import elsewhere)", fd.Start, titles)
			continue
		}
		for _, ed := range fd.Fixes[0].Edits {
			if ed.Start < fd.Start-len("app.run(") || ed.End > fd.End+len(")") {
				t.Errorf("fix edit %+v leaves its statement", ed)
			}
		}
	}
	if clean != 51 {
		t.Errorf("%d findings in clean statements, want 51", clean)
	}
	t.Logf("%d findings in clean statements, %d in the broken one", clean, broken)
}
