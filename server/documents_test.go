package server

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

const seedApp = `"""Docstring with app.run(debug=True) that is not code. 😀"""
from flask import Flask
from werkzeug.debug import DebuggedApplication

app = Flask(__name__)
app.config["DEBUG"] = True


def create_app():
    inner = Flask("日本語")
    inner.debug = True
    return inner


class Config:
    DEBUG = True


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
    app.wsgi_app = DebuggedApplication(app.wsgi_app)
`

// snippets are inserted at random places: code, non-ASCII text, line
// breaks of both kinds, and text that breaks the syntax.
var snippets = []string{
	"x", "\n", "\r\n", "    ", "debug=True", "True", "False", "😀", "日本", "(", ")", ":", "\"", "#",
	"app.run(debug=True)\n", "\ndef f():\n    pass\n", "app.config[\"DEBUG\"] = True\n", "é", "\t", "",
}

// A document edited many times incrementally must have the same tree
// shape and the same findings as a fresh parse of its final text.
func TestRandomEditsMatchFreshParse(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewSource(seed))
		doc := newDocument("file:///p/app.py", "python", 1, seedApp, "app")
		doc.ensureTree() // opened documents are parsed lazily; these tests are about reparsing
		engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
		project := diagnostics.NewProject()
		for step := 0; step < 60; step++ {
			changes := randomChanges(rng, doc.text)
			doc.applyChanges(changes)
			doc.version++
			// Analyse incrementally (with the cache) every few steps, as the server does.
			if step%7 == 0 {
				engine.AnalyzeFile(doc.file, project, doc.cache)
			}
		}
		got := engine.AnalyzeFile(doc.file, project, doc.cache)
		fresh := syntax.Parse(doc.text.Bytes)
		want := engine.AnalyzeFile(diagnostics.NewPythonFile(doc.file.Path, "app", fresh), project, nil)
		if a, b := sexp(doc.tree.Root()), sexp(fresh.Root()); a != b {
			t.Fatalf("seed %d: incremental tree differs from a fresh parse\ntext:\n%s", seed, doc.text.Bytes)
		}
		if !reflect.DeepEqual(summary(got), summary(want)) {
			t.Fatalf("seed %d: findings differ\nincremental: %v\nfresh:       %v\ntext:\n%s", seed, summary(got), summary(want), doc.text.Bytes)
		}
		fresh.Close()
		doc.close()
	}
}

func randomChanges(rng *rand.Rand, t *source.Text) []contentChange {
	n := 1 + rng.Intn(3) // several changes in one notification, applied in order
	var out []contentChange
	cur := t
	for i := 0; i < n; i++ {
		a, b := randomOffset(rng, cur), randomOffset(rng, cur)
		if a > b {
			a, b = b, a
		}
		if b-a > 40 {
			b = a + rng.Intn(40)
			for b > a && !utf8.RuneStart(cur.Bytes[b]) {
				b--
			}
		}
		text := snippets[rng.Intn(len(snippets))]
		r := protocol.Range{Start: toLSPPos(cur.OffsetPosition(a)), End: toLSPPos(cur.OffsetPosition(b))}
		out = append(out, contentChange{Range: &r, Text: text})
		e := syntax.Edit{Start: cur.PositionOffset(lspPos(r.Start)), OldEnd: cur.PositionOffset(lspPos(r.End)), NewText: []byte(text)}
		cur = source.New(e.Apply(cur.Bytes))
	}
	return out
}

func randomOffset(rng *rand.Rand, t *source.Text) int {
	if len(t.Bytes) == 0 {
		return 0
	}
	off := rng.Intn(len(t.Bytes) + 1)
	for off < len(t.Bytes) && !utf8.RuneStart(t.Bytes[off]) {
		off++
	}
	return off
}

func sexp(n syntax.Node) string {
	var b strings.Builder
	n.Walk(func(c syntax.Node) bool {
		fmt.Fprintf(&b, "(%s %d %d)", c.Kind(), c.Start(), c.End())
		return true
	})
	return b.String()
}

func summary(fs []diagnostics.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d-%d", f.Code, f.Start, f.End))
	}
	return out
}

// Positions: the mapper clamps out-of-range positions instead of failing.
func TestDocumentClampsOutOfRangePositions(t *testing.T) {
	doc := newDocument("untitled:Untitled-1", "python", 1, "a = 1\nb = 2\n", "")
	doc.ensureTree() // opened documents are parsed lazily; these tests are about reparsing
	defer doc.close()
	far := protocol.Range{Start: protocol.Position{Line: 1, Character: 99}, End: protocol.Position{Line: 99, Character: 0}}
	doc.applyChanges([]contentChange{{Range: &far, Text: "\nc = 3"}})
	if got := string(doc.text.Bytes); got != "a = 1\nb = 2\nc = 3" {
		t.Fatalf("text = %q", got)
	}
	if doc.path != "" || doc.kind != diagnostics.KindPython {
		t.Fatalf("untitled doc: path %q kind %v", doc.path, doc.kind)
	}
}
