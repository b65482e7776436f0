// Package syntax is flaskguard's only contact with tree-sitter: parse Python,
// apply edits, reparse incrementally with the old tree, and read nodes.
//
// We use the tree-sitter organisation's binding (github.com/tree-sitter/go-tree-sitter)
// rather than smacker/go-tree-sitter: smacker's EditInput passes the old end
// point as the new end point (so multi-line edits corrupt the column the
// Python scanner reads for indentation), frees trees from finalizers (a
// use-after-free when a tree is not kept alive during node calls) and caches
// every node it hands out in a map. This binding has explicit lifetimes: a
// Tree is freed by Close, by its owner, and nothing else.
//
// A Tree and its Nodes must be used by one goroutine at a time, and Nodes must
// not be used after their Tree is closed.
package syntax

import (
	"context"
	"sync"

	ts "github.com/tree-sitter/go-tree-sitter"
	python "github.com/tree-sitter/tree-sitter-python/bindings/go"

	"github.com/flaskguard/flaskguard/diagnostics/source"
)

var language = ts.NewLanguage(python.Language())

// parsers is a free list: tree-sitter parsers are not safe for concurrent use
// and hold C memory the GC does not see, so they are reused rather than
// dropped (a sync.Pool would silently leak the ones it discards).
var parsers struct {
	sync.Mutex
	free []*ts.Parser
}

const maxIdleParsers = 16

func getParser() *ts.Parser {
	parsers.Lock()
	defer parsers.Unlock()
	if n := len(parsers.free); n > 0 {
		p := parsers.free[n-1]
		parsers.free = parsers.free[:n-1]
		return p
	}
	p := ts.NewParser()
	if err := p.SetLanguage(language); err != nil {
		panic("syntax: python grammar rejected: " + err.Error())
	}
	return p
}

func putParser(p *ts.Parser) {
	p.Reset()
	parsers.Lock()
	defer parsers.Unlock()
	if len(parsers.free) < maxIdleParsers {
		parsers.free = append(parsers.free, p)
		return
	}
	p.Close()
}

// Tree is a parsed Python file. Its owner must Close it.
type Tree struct {
	text *source.Text
	t    *ts.Tree
	top  []Node // TopLevel, memoised
}

// Parse parses src from scratch.
func Parse(src []byte) *Tree {
	return parse(context.Background(), source.New(src), nil)
}

// ParseCtx is Parse that gives up (returning nil) when ctx is done.
func ParseCtx(ctx context.Context, src []byte) *Tree {
	return parse(ctx, source.New(src), nil)
}

func parse(ctx context.Context, text *source.Text, old *ts.Tree) *Tree {
	p := getParser()
	defer putParser(p)
	var t *ts.Tree
	if ctx.Done() == nil {
		t = parseString(p, text.Bytes, old)
	} else {
		t = p.ParseCtx(ctx, text.Bytes, old)
	}
	if t == nil {
		return nil
	}
	return &Tree{text: text, t: t}
}

// Edit describes one replacement in byte offsets of the text it applies to.
type Edit struct {
	Start, OldEnd int // replaced range in the old text
	NewText       []byte
}

// Apply returns the text after edit (a new slice; src is not modified).
func (e Edit) Apply(src []byte) []byte {
	out := make([]byte, 0, len(src)-(e.OldEnd-e.Start)+len(e.NewText))
	out = append(out, src[:e.Start]...)
	out = append(out, e.NewText...)
	return append(out, src[e.OldEnd:]...)
}

// Reparse applies edits in order (each against the text the previous one
// produced), tells the old tree about each, and reparses incrementally. The
// receiver is left edited but valid; the caller closes it when done with its
// nodes. Offsets out of range are clamped.
func (t *Tree) Reparse(edits []Edit) *Tree {
	text := t.text
	for _, e := range edits {
		n := len(text.Bytes)
		e.Start = clamp(e.Start, 0, n)
		e.OldEnd = clamp(e.OldEnd, e.Start, n)
		next := source.New(e.Apply(text.Bytes))
		newEnd := e.Start + len(e.NewText)
		t.t.Edit(&ts.InputEdit{
			StartByte:      uint(e.Start),
			OldEndByte:     uint(e.OldEnd),
			NewEndByte:     uint(newEnd),
			StartPosition:  point(text.OffsetPoint(e.Start)),
			OldEndPosition: point(text.OffsetPoint(e.OldEnd)),
			NewEndPosition: point(next.OffsetPoint(newEnd)),
		})
		text = next
	}
	return parse(context.Background(), text, t.t)
}

func point(p source.Point) ts.Point { return ts.Point{Row: uint(p.Row), Column: uint(p.Column)} }

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Close frees the tree's C memory. Safe to call twice and on nil.
func (t *Tree) Close() {
	if t == nil || t.t == nil {
		return
	}
	t.t.Close()
	t.t = nil
}

// Text is the source the tree was parsed from.
func (t *Tree) Text() *source.Text { return t.text }

// Src is the source bytes.
func (t *Tree) Src() []byte { return t.text.Bytes }

// Root is the module node (the whole tree is copied on first use).
func (t *Tree) Root() Node { return Node{t: newSubtree(t.t.RootNode(), t.text.Bytes)} }

// TopLevel lists the module's children, each copied out of tree-sitter
// only when read beyond its kind and range.
func (t *Tree) TopLevel() []Node {
	if t.top != nil {
		return append([]Node(nil), t.top...)
	}
	kids := children(t.t.RootNode())
	out := make([]Node, len(kids))
	for i := range kids {
		k := kids[i]
		out[i] = Node{t: &subtree{pending: k.node, src: t.text.Bytes, start: k.start, end: k.end, kind: k.kind}}
	}
	t.top = out // a tree never changes: compute once, share the lazy copies
	return append([]Node(nil), out...)
}

// HasError reports a syntax error anywhere in the tree.
func (t *Tree) HasError() bool { return t.t.RootNode().HasError() }

var (
	kindNames []string
	fieldIDs  = map[string]uint16{}
	fieldMu   sync.Mutex
)

func init() {
	n := int(language.NodeKindCount())
	kindNames = make([]string, n)
	for i := 0; i < n; i++ {
		kindNames[i] = language.NodeKindForId(uint16(i))
	}
	for _, f := range []string{"name", "alias", "module_name", "left", "right", "value", "function", "arguments",
		"object", "attribute", "body", "parameters", "superclasses", "definition", "subscript", "key",
		"condition", "consequence", "alternative", "type", "return_type", "operator", "argument"} {
		fieldIDs[f] = language.FieldIdForName(f)
	}
}

func kindName(id uint16) string {
	if int(id) < len(kindNames) {
		return kindNames[id]
	}
	if id == 0xFFFF {
		return "ERROR"
	}
	return language.NodeKindForId(id)
}

// fieldID looks up a field name; the common ones are preloaded so the map
// is read-only on hot paths.
func fieldID(name string) uint16 {
	if id, ok := fieldIDs[name]; ok {
		return id
	}
	fieldMu.Lock()
	defer fieldMu.Unlock()
	return language.FieldIdForName(name)
}
