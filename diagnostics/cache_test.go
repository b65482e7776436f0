package diagnostics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// renderAll renders findings with their fixes, for comparisons.
func renderAll(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %d-%d\n", f.Code, f.Start, f.End)
		for _, fx := range f.Fixes {
			for _, e := range fx.Edits {
				fmt.Fprintf(&b, "  %q %d-%d %q\n", fx.Title, e.Start, e.End, e.NewText)
			}
		}
	}
	return b.String()
}

// Analysing versions of a file through one Cache (as the server does,
// statement results reused) gives what a fresh analysis of each gives,
// also when what a cached statement's fixes depend on lies outside its
// text: the file's line ending (its first line break) and what precedes
// the statement on its line.
func TestCachedAnalysisMatchesFresh(t *testing.T) {
	const base = "from flask import Flask\r\n\r\napp = Flask(__name__)\r\n\r\n\r\n" +
		"@app.post(\"/login\")\r\ndef login():\r\n    return \"ok\"\r\n\r\n\r\n" +
		"@app.route(\"/sign-in\", methods=[\"POST\"])\r\ndef sign_in():\r\n    return \"ok\"\r\n\r\n\r\n" +
		"if __name__ == \"__main__\":\r\n    app.run(debug=True)\r\n"
	versions := []string{
		base,
		strings.Replace(base, "Flask\r\n\r\napp", "Flask\n\r\napp", 1),      // the first line break is LF now
		strings.Replace(base, "\r\n@app.route", "\r\n @app.route", 1),       // a space before a statement
		strings.Replace(base, "\r\n @app.route", "\r\n@app.route", 1),       // and removed
		strings.Replace(base, "    app.run(debug", "    app.run( debug", 1), // unrelated: reuse
	}
	e := NewEngine(DefaultSettings(), nil)
	cache := NewCache()
	for i, src := range versions {
		tree := syntax.Parse([]byte(src))
		f := NewPythonFile("app.py", "app", tree)
		p := NewProject()
		p.Put(f, e.Symbols(f, Statements(tree), cache))
		got := append(e.AnalyzeFile(f, p, cache), e.Finish(f, e.ProjectFindings(p)[f.Path])...)
		SortFindings(got)
		tree.Close()
		want := e.AnalyzeAll([]Input{{Path: "app.py", Module: "app", Src: []byte(src)}})[0]
		if g, w := renderAll(got), renderAll(want); g != w {
			t.Errorf("version %d: cached analysis differs from a fresh one\ncached:\n%s\nfresh:\n%s", i, g, w)
		}
		if !strings.Contains(renderAll(want), "\n  ") {
			t.Fatalf("version %d: no fixes: the test checks nothing", i)
		}
	}
}
