package server

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// Three edits of fuzzApp, each a keystroke-sized change awaited as typing
// is, after which tree-sitter's incremental reparse recovers from the
// syntax error they leave otherwise than a fresh parse of the same text:
// it keeps four findings (FG402 twice, FG802, FG403) where the fresh
// parse, and so check, has none (found by a random search over
// FuzzIncrementalEdits's edits). The server must end with check's
// findings once typing pauses.
func TestRecoveredTreeIsParsedAfreshWhenTypingPauses(t *testing.T) {
	const uri = "file:///ws/app.py"
	c := newClient(t)
	c.initialize(nil)
	c.open(uri, fuzzApp)
	c.waitDiagnostics(uri)
	before := atomic.LoadInt64(&freshenedDocuments)
	text := source.New([]byte(fuzzApp))
	var first []protocol.Diagnostic
	for _, ch := range []struct {
		sl, sc, el, ec int
		text           string
	}{{10, 9, 10, 1009, "True"}, {18, 29, 18, 30, "from flask import Flask\n"}, {14, 11, 17, 11, "\n"}} {
		c.change(uri, ch.sl, ch.sc, ch.el, ch.ec, ch.text)
		first = c.waitDiagnostics(uri)
		start := text.PositionOffset(source.Position{Line: ch.sl, Character: ch.sc})
		end := text.PositionOffset(source.Position{Line: ch.el, Character: ch.ec})
		text = source.New(syntax.Edit{Start: start, OldEnd: end, NewText: []byte(ch.text)}.Apply(text.Bytes))
	}

	// What check finds in the final text: a fresh parse, the same rules.
	tree := syntax.Parse(text.Bytes)
	defer tree.Close()
	settings := diagnostics.DefaultSettings()
	settings.Select = []string{"FG4", "FG8"}
	engine := diagnostics.NewEngine(settings, nil)
	f := diagnostics.NewPythonFile("/ws/app.py", "app", tree)
	project := diagnostics.NewProject()
	project.Put(f, engine.Symbols(f, diagnostics.Statements(tree), nil))
	var want []string
	for _, fd := range engine.AnalyzeFile(f, project, nil) {
		if settings.Enabled(fd.Code) {
			want = append(want, fd.Code)
		}
	}
	t.Logf("published at once: %v; check: %v", codes(first), want)
	deadline := time.Now().Add(5 * time.Second)
	for {
		list := c.published(uri)
		last := list[len(list)-1]
		if got := codes(last.Diagnostics); last.Version == 4 && fmt.Sprint(got) == fmt.Sprint(want) && atomic.LoadInt64(&freshenedDocuments) > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the last edit the server publishes %v (version %d), check finds %v (freshened: %d)",
				codes(last.Diagnostics), last.Version, want, atomic.LoadInt64(&freshenedDocuments)-before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The fresh parse gives way to input: with a keystroke waiting, freshen
// abandons the parse of a large document (tens of milliseconds) and the
// tree stays as it was, to be parsed afresh at the next pause.
func TestFreshenGivesWayToInput(t *testing.T) {
	src := string(gen.Module(5, 60000))
	doc := newDocument("file:///ws/big.py", "python", 1, src, "big")
	doc.ensureTree()
	defer doc.close()
	// "def " typed on a line of its own between two statements: a broken
	// region the fast path splices in.
	at := strings.Index(src, "\n\n\n") + 1
	pos := doc.text.OffsetPosition(at)
	r := protocol.Range{Start: toLSPPos(pos), End: toLSPPos(pos)}
	doc.applyChanges([]contentChange{{Range: &r, Text: "def "}})
	if !doc.tree.MayDifferFromFresh() {
		t.Fatalf("the edit left a tree that cannot differ from a fresh parse: the test needs one")
	}
	before := doc.tree
	if doc.freshen(func() bool { return true }) {
		t.Fatalf("freshen parsed afresh with input waiting")
	}
	if doc.tree != before || !doc.tree.MayDifferFromFresh() {
		t.Fatalf("an abandoned freshen changed the tree")
	}
	if !doc.freshen(nil) || doc.tree.MayDifferFromFresh() {
		t.Fatalf("freshen without input waiting did not parse afresh")
	}
}
