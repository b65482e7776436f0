package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// document is an open editor buffer. Only the server's document goroutine
// touches it (trees are not safe to share).
type document struct {
	uri        string // as the client sent it: the key
	path       string // file system path, "" for untitled: and other schemes
	languageID string
	version    int32
	kind       diagnostics.FileKind
	text       *source.Text
	tree       *syntax.Tree // Python only; owned here, closed when replaced
	cache      *diagnostics.Cache
	file       *diagnostics.File
	solo       *diagnostics.Project // its own project, when outside the workspace's (see Server.projectOf)

	findings    []diagnostics.Finding // of the last analysis
	findingsOf  int32                 // the version they are for
	ownFindings []diagnostics.Finding // the file's own rules' part of findings
	projectRaw  []diagnostics.Finding // the project rules' findings for it, before Finish
	projectDone []diagnostics.Finding // projectRaw through Finish, for this text
	touched     uint64                // when last opened or edited (see Server.evictTrees)

	// For Server.moveProjectFindings: the text the last analysis saw, and
	// the edits made since (editsUnknown after a full replacement).
	analyzedText  *source.Text
	edits         []syntax.Edit
	editsUnknown  bool
	dirty         bool // changed since the last analysis
	published     bool
	lastPublished int32
}

// uriToPath converts a file: URI to a path; other schemes give "". Unlike
// go.lsp.dev/uri's Filename it never panics.
func uriToPath(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "file" {
		return ""
	}
	p := parsed.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	return filepath.FromSlash(p)
}

// pathToURI converts a path to a file: URI.
func pathToURI(p string) string {
	abs, err := filepath.Abs(p)
	if err == nil {
		p = abs
	}
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// classify decides the kind of a document: the file name first (a
// ".flaskenv" is an env file whatever the languageId), then the languageId.
func classify(uri, path, languageID string) diagnostics.FileKind {
	name := path
	if name == "" {
		name = uri
	}
	if k := diagnostics.ClassifyPath(name); k != diagnostics.KindNone {
		return k
	}
	switch languageID {
	case "python":
		return diagnostics.KindPython
	case "jinja", "jinja-html", "jinja2", "django-html", "htmldjango", "html":
		return diagnostics.KindTemplate
	}
	return diagnostics.KindNone
}

func newDocument(uri, languageID string, version int32, text string, module string) *document {
	d := &document{uri: uri, path: uriToPath(uri), languageID: languageID, version: version, cache: diagnostics.NewCache(), dirty: true}
	d.kind = classify(uri, d.path, languageID)
	d.setText([]byte(text))
	d.file.Module = module
	return d
}

// setText replaces the whole content (didOpen, or a change without range).
// A Python document is parsed when the analysis needs its tree (ensureTree),
// so a burst of opens does not hold every tree at once.
func (d *document) setText(src []byte) {
	d.dropTree()
	d.text = source.New(src)
	d.refreshFile()
}

// ensureTree parses the text again when the tree was evicted (see
// Server.evictTrees). The File keeps its identity: the project holds it.
func (d *document) ensureTree() {
	if d.kind != diagnostics.KindPython || d.tree != nil {
		return
	}
	if !d.dirty {
		atomic.AddInt64(&unchangedParses, 1)
	}
	d.setTree(syntax.Parse(d.text.Bytes))
}

// setTree makes tree, a parse of the current text, the document's. The
// File keeps its identity: the project holds it.
func (d *document) setTree(tree *syntax.Tree) {
	d.tree = tree
	d.text = tree.Text()
	d.file.Text, d.file.Tree = d.text, tree
}

// unchangedParses counts the parses of documents that did not change since
// their last analysis, whose trees were evicted (for tests).
var unchangedParses int64

// dropTree frees the tree of a document not being edited: it is C memory,
// about 1 MB per 1,000 lines. Its findings, symbols and caches stay.
func (d *document) dropTree() {
	if d.tree == nil {
		return
	}
	d.tree.Close()
	d.tree = nil
	if d.file != nil {
		d.file.Tree = nil
	}
	d.cache.Trim()
}

func (d *document) refreshFile() {
	module := ""
	if d.file != nil {
		module = d.file.Module
	}
	name := d.path
	if name == "" {
		name = d.uri
	}
	d.file = &diagnostics.File{Path: name, Module: module, Kind: d.kind, Text: d.text, Tree: d.tree,
		IsPackage: filepath.Base(name) == "__init__.py"}
}

// contentChange is protocol.TextDocumentContentChangeEvent with a pointer
// Range: go.lsp.dev/protocol's value Range cannot tell a full-text change
// from an insertion at 0:0.
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

// applyChanges applies changes in order, each against the text the previous
// one produced, and reparses incrementally once for them all.
func (d *document) applyChanges(changes []contentChange) {
	var edits []syntax.Edit
	// Each change's positions refer to the text the ones before made
	// (built only when needed: see source.Edited; Reparse builds the final
	// text itself).
	cur := source.NewEdited(d.text)
	for i, ch := range changes {
		if ch.Range == nil {
			// A full replacement: what came before it no longer matters.
			d.editsUnknown = true
			d.text = cur.Text()
			d.setText([]byte(ch.Text))
			d.applyChanges(changes[i+1:])
			return
		}
		start := cur.PositionOffset(lspPos(ch.Range.Start))
		end := cur.PositionOffset(lspPos(ch.Range.End))
		if end < start {
			start, end = end, start
		}
		e := syntax.Edit{Start: start, OldEnd: end, NewText: []byte(ch.Text)}
		edits = append(edits, e)
		d.edits = append(d.edits, e)
		cur.Splice(source.Splice{Start: e.Start, End: e.OldEnd, New: e.NewText})
	}
	if len(edits) == 0 {
		return
	}
	if d.kind == diagnostics.KindPython && d.tree == nil {
		// Evicted: parse only the result, when it is analysed.
		d.setText(cur.Text().Bytes)
		return
	}
	if d.kind == diagnostics.KindPython {
		tree := d.tree.Reparse(edits)
		d.tree.Close()
		d.tree = tree
		d.text = tree.Text()
	} else {
		d.text = cur.Text()
	}
	d.refreshFile()
}

// freshen parses the text afresh when the tree came from an incremental
// reparse that recovered from a syntax error (see
// syntax.Tree.MayDifferFromFresh), so that the findings are those of a
// fresh parse, which check makes. It reports whether it did; the document
// is then to be analysed again.
//
// A full parse of a large file takes tens of milliseconds or more: when
// stop (nil: never) reports true meanwhile (a keystroke waits), the parse
// is abandoned and freshen reports false; the next pause tries again.
func (d *document) freshen(stop func() bool) bool {
	if !d.tree.MayDifferFromFresh() {
		return false
	}
	ctx := context.Background()
	if stop != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done(): // parsed, or given up
					return
				case <-tick.C:
					if stop() {
						cancel()
						return
					}
				}
			}
		}()
	}
	tree := syntax.ParseCtx(ctx, d.text.Bytes)
	if tree == nil {
		return false
	}
	d.tree.Close()
	d.setTree(tree)
	d.dirty = true
	return true
}

func (d *document) close() {
	d.tree.Close()
	d.tree = nil
}

func lspPos(p protocol.Position) source.Position {
	return source.Position{Line: int(p.Line), Character: int(p.Character)}
}

func toLSPPos(p source.Position) protocol.Position {
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}

func toLSPRange(t *source.Text, start, end int) protocol.Range {
	return protocol.Range{Start: toLSPPos(t.OffsetPosition(start)), End: toLSPPos(t.OffsetPosition(end))}
}

func decode(raw json.RawMessage, v interface{}) error {
	if len(raw) == 0 {
		return fmt.Errorf("missing params")
	}
	return json.Unmarshal(raw, v)
}

// editKeepsLines reports that d was changed by one known edit, since its
// last analysis, that neither adds nor removes a line break: every line
// keeps its number, and offsets after the edit move by the same amount.
func (d *document) editKeepsLines() bool {
	if d.editsUnknown || len(d.edits) != 1 || d.analyzedText == nil {
		return false
	}
	e := d.edits[0]
	old := d.analyzedText.Bytes
	if e.Start < 0 || e.OldEnd > len(old) || e.Start > e.OldEnd {
		return false
	}
	return !bytes.ContainsAny(e.NewText, "\r\n") && !bytes.ContainsAny(old[e.Start:e.OldEnd], "\r\n")
}
