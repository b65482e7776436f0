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
	"bytes"
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

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
//
// A Tree made by Reparse may be "virtual": when an edit stays inside one
// top-level statement that starts and ends its lines, only that statement
// is parsed again (standalone, in microseconds), and the other statements
// are the previous tree's, moved by the edit's length. Tree-sitter's own
// incremental reparse costs about a tenth of a full parse whatever the
// edit (it revisits every top-level node), so this keeps keystrokes cheap.
// A virtual tree shares the C tree of the last real parse (its base) and
// keeps the edits made since; a later edit that leaves the fast path
// reparses the base incrementally with all of them.
type Tree struct {
	text    *source.Text
	base    *base
	pending []ts.InputEdit // edits from base's text to text; empty for a real tree
	top     []Node         // TopLevel, memoised
	stmts   []Node         // Statements, memoised
	clean   int8           // 0 unknown, 1 no syntax error, -1 has one
	loneCR  int8           // 0 unknown, 1 no lone "\r" in text, -1 one at least
	real    *Tree          // a real parse of text, made on demand by Root for a virtual tree
	// abandoned: the parse was given up (binary or too slow); no statements.
	abandoned bool
	// incremental: made from an older tree by tree-sitter's incremental
	// reparse, or by the fast path with a region that has a syntax error
	// (see MayDifferFromFresh).
	incremental bool
}

// base is a C tree shared by a real Tree and the virtual Trees derived
// from it; it is never edited in place, so their nodes stay valid.
type base struct {
	t    *ts.Tree
	refs int32
}

func (b *base) retain() *base { atomic.AddInt32(&b.refs, 1); return b }

func (b *base) release() {
	if atomic.AddInt32(&b.refs, -1) == 0 {
		b.t.Close()
		b.t = nil
	}
}

// Parse parses src from scratch.
func Parse(src []byte) *Tree {
	return parse(context.Background(), source.New(src), nil)
}

// ParseCtx is Parse that gives up (returning nil) soon after ctx is done.
func ParseCtx(ctx context.Context, src []byte) *Tree {
	return parse(ctx, source.New(src), nil)
}

func parse(ctx context.Context, text *source.Text, old *ts.Tree) *Tree {
	p := getParser()
	defer putParser(p)
	if bytes.IndexByte(text.Bytes, 0) >= 0 {
		// Python source cannot contain NUL bytes (CPython refuses it): this
		// is a binary file, and parsing it would only feed error recovery.
		return &Tree{text: text, clean: -1, abandoned: true}
	}
	var t *ts.Tree
	if ctx.Done() == nil {
		t = parseString(p, text.Bytes, old, parseTimeout(len(text.Bytes)))
	} else {
		// (go-tree-sitter's ParseCtx stores to a cancellation flag it never
		// set: a nil pointer, which crashed the process when ctx was done.)
		var cancelled bool
		if t, cancelled = parseCancellable(ctx, p, text.Bytes, old, parseTimeout(len(text.Bytes))); cancelled {
			return nil
		}
	}
	if t == nil {
		// Tree-sitter's error recovery is superlinear on garbage (a
		// megabyte of random bytes takes seconds and hundreds of MB):
		// give up and analyse nothing rather than hang.
		return &Tree{text: text, clean: -1, abandoned: true}
	}
	return &Tree{text: text, base: &base{t: t, refs: 1}}
}

// ParseTimeoutBase and ParseTimeoutPerMB bound a parse: far above what a
// real Python file needs (about 150 ms per MB here), far below what
// garbage can cost. Tree-sitter's bound is wall-clock; a parse halted on a
// busy machine (its thread ran for less than half the bound) is resumed,
// up to three times (parseString), so a loaded machine does not abandon
// normal modules.
var (
	ParseTimeoutBase  = 3 * time.Second
	ParseTimeoutPerMB = 2 * time.Second
)

func parseTimeout(size int) uint64 {
	d := ParseTimeoutBase + time.Duration(float64(ParseTimeoutPerMB)*float64(size)/(1<<20))
	return uint64(d / time.Microsecond)
}

// TimedOut reports a tree whose parse was abandoned (too slow, or a binary
// file): it has no statements.
func (t *Tree) TimedOut() bool { return t.abandoned }

// Detach copies every top-level statement out of tree-sitter and frees the
// tree's C memory (shared with derived trees: the memory goes when the last
// of them is closed or detached). The tree still answers Text, TopLevel,
// HasError and StatementErrors, and its nodes stay valid, but Root returns
// the null node and Reparse parses from scratch. For a batch analysis, which
// needs no incremental reparse: C trees cost several times their Go copies.
func (t *Tree) Detach() {
	if t == nil || t.base == nil {
		return
	}
	t.HasError()
	for _, n := range t.TopLevel() {
		n.t.ensure()
	}
	t.Close()
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

// maxPending bounds the edits a virtual tree carries before a real reparse.
const maxPending = 200

// Reparse applies edits in order (each against the text the previous one
// produced) and returns the tree of the result; the receiver is unchanged
// and stays usable until closed. Offsets out of range are clamped.
func (t *Tree) Reparse(edits []Edit) (out *Tree) {
	// The intermediate texts are built only when an edit is not before the
	// ones until then (see source.Edited).
	edited := source.NewEdited(t.text)
	var inputs []ts.InputEdit
	var applied []Edit
	for _, e := range edits {
		n := edited.Len()
		e.Start = clamp(e.Start, 0, n)
		e.OldEnd = clamp(e.OldEnd, e.Start, n)
		start, oldEnd := edited.OffsetPoint(e.Start), edited.OffsetPoint(e.OldEnd)
		edited.Splice(source.Splice{Start: e.Start, End: e.OldEnd, New: e.NewText})
		inputs = append(inputs, ts.InputEdit{
			StartByte:      uint(e.Start),
			OldEndByte:     uint(e.OldEnd),
			NewEndByte:     uint(e.Start + len(e.NewText)),
			StartPosition:  point(start),
			OldEndPosition: point(oldEnd),
			NewEndPosition: point(pointAfter(start, e.NewText)),
		})
		applied = append(applied, e)
	}
	text := edited.Text()
	lone := loneCR(text.Bytes)
	defer func() {
		if out != nil { // the scan is done for the next edit too
			out.loneCR = 1
			if lone {
				out.loneCR = -1
			}
		}
	}()
	if t.base == nil || lone || t.hasLoneCR() {
		// Abandoned or detached: start afresh. So too with a "\r" that
		// does not end a line (old Mac line breaks): tree-sitter's
		// incremental reparse then disagrees with a fresh parse
		// (FuzzIncrementalEdits found "0\r" edited into "\\").
		return parse(context.Background(), text, nil)
	}
	if len(applied) == 1 {
		if nt := t.reparseStatement(applied[0], text, inputs[0]); nt != nil {
			return nt
		}
	}
	return t.reparseAll(text, inputs)
}

// hasLoneCR reports a "\r" not followed by "\n" in the tree's text.
func (t *Tree) hasLoneCR() bool {
	if t.loneCR == 0 {
		t.loneCR = 1
		if loneCR(t.text.Bytes) {
			t.loneCR = -1
		}
	}
	return t.loneCR < 0
}

func loneCR(src []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\r')
		if j < 0 {
			return false
		}
		i += j + 1
		if i == len(src) || src[i] != '\n' {
			return true
		}
	}
}

// fastPathHits counts statement-only reparses (read by tests).
var fastPathHits int64

// reparseAll reparses the base incrementally with every pending edit.
func (t *Tree) reparseAll(text *source.Text, inputs []ts.InputEdit) *Tree {
	old := t.base.t.Clone()
	defer old.Close()
	for i := range t.pending {
		old.Edit(&t.pending[i])
	}
	for i := range inputs {
		old.Edit(&inputs[i])
	}
	nt := parse(context.Background(), text, old)
	nt.incremental = true
	return nt
}

// MayDifferFromFresh reports a tree made from an older one that has a
// syntax error. Tree-sitter's incremental reparse recovers from the error
// with the old tree's nodes at hand, and may build another tree than a
// fresh parse of the same text would: FuzzIncrementalEdits found "A = 1"
// edited into "Aif x:\n     = 1", where the fresh parse makes the ":" the
// error and the incremental one the "=". The fast path parses a broken
// region alone, where a fresh parse could let an unclosed bracket run on.
// Error-free trees are the same either way. The server parses such a
// document afresh once typing pauses.
func (t *Tree) MayDifferFromFresh() bool {
	return t != nil && t.incremental && !t.abandoned && t.HasError()
}

// reparseStatement is the fast path described on Tree; nil when the edit
// does not qualify. The region reparsed alone is the top-level statements
// the edit touches (none when it falls between statements: a blank line
// typed into, a statement added or removed), widened to whole lines where
// the edit reaches past them. The result stands for a full parse because:
//   - the region starts after a complete statement, at a line start, and
//     ends where the next statement's line begins, so Python's tokenizer is
//     in the same state (no open bracket or string, indentation 0) at both
//     ends in the file as in the region alone;
//   - every statement outside it is free of errors, and the region alone
//     parses without error into statements that each start a line, at
//     column 0, and end their line (no comment between them: where a
//     comment between blocks belongs depends on what follows).
func (t *Tree) reparseStatement(e Edit, text *source.Text, input ts.InputEdit) *Tree {
	if len(t.pending) >= maxPending {
		return nil
	}
	top := t.TopLevel()
	old := t.text.Bytes
	// a..b: the statements the edit touches (b = a-1 when it touches none).
	a := sort.Search(len(top), func(i int) bool { return top[i].End() >= e.Start })
	b := sort.Search(len(top), func(i int) bool { return top[i].Start() > e.OldEnd }) - 1
	if b < a-1 {
		b = a - 1
	}
	// Every other statement must be free of errors: then the result is a
	// valid module whose statements parse the same alone as together. The
	// edited ones may be broken now (being typed) as long as the edit
	// mends them.
	if t.HasError() {
		inRegion := false
		for j, n := range top {
			bad := n.t.hasError || kindName(n.t.kind) == "ERROR"
			if (j < a || j > b) && bad {
				return nil
			}
			inRegion = inRegion || bad
			// Two statements on one line without ";" between them: the
			// parser inserted a newline, a hidden node that no statement
			// reports, so the error cannot be known to be in the region.
			if j > 0 && n.Start() < lineEnd(old, top[j-1].End()) {
				if k := kindName(n.t.kind); k != ";" && k != "comment" && kindName(top[j-1].t.kind) != ";" {
					return nil
				}
			}
		}
		if !inRegion {
			return nil // the error is somewhere no statement shows
		}
	}
	r0, r1 := lineStart(old, e.Start), lineEnd(old, e.OldEnd)
	if a <= b {
		if s := top[a].Start(); s <= e.Start {
			r0 = s
		}
		if end := top[b].End(); end >= e.OldEnd {
			r1 = end
		}
	}
	if r0 > 0 && old[r0-1] != '\n' {
		return nil // shares a line with the statement before
	}
	if a > 0 && top[a-1].End() > r0 {
		return nil
	}
	if !endsItsLine(old, r1) {
		return nil // shares a line with the statement after
	}
	if b+1 < len(top) && top[b+1].Start() < lineEnd(old, r1) && top[b+1].Kind() != "comment" {
		return nil // (a comment there is the region's trailing comment)
	}
	// The statements around the region must start their lines too: one
	// indented at the top level (an error the parser passes over without
	// a trace) leaves the indentation the tokenizer tracks in another
	// state than at column 0, before and after the region.
	for j := a - 1; j >= 0; j-- {
		if kindName(top[j].t.kind) != "comment" {
			if lineIndented(old, top[j].Start()) {
				return nil
			}
			break
		}
	}
	for j := b + 1; j < len(top); j++ {
		if kindName(top[j].t.kind) != "comment" {
			if lineIndented(old, top[j].Start()) {
				return nil
			}
			break
		}
	}
	for j := a; j <= b; j++ {
		if top[j].Kind() == "comment" && (j == a || j == b) {
			// A comment at the region's edge may belong to the block
			// before it: let the full parse decide.
			return nil
		}
	}
	delta := len(e.NewText) - (e.OldEnd - e.Start)
	if r1+delta < r0 {
		return nil
	}
	chunk := text.Bytes[r0 : r1+delta]
	if endsWithContinuation(chunk) {
		return nil // joins the next line
	}
	ct := parse(context.Background(), source.New(chunk), nil)
	if ct == nil || ct.base == nil {
		return nil // abandoned (binary, too slow): the full path decides
	}
	defer ct.Close()
	root := ct.base.t.RootNode()
	// A region that does not parse alone without error (a statement being
	// typed: "foo(", "def f(") is spliced in all the same: the keystroke
	// then costs microseconds, not an incremental reparse of the file. A
	// fresh parse might recover from the error otherwise (an unclosed
	// bracket swallows what follows), so the tree says it may differ from
	// one (MayDifferFromFresh), and the server parses afresh once typing
	// pauses.
	broken := root.HasError()
	kids := children(root)
	for _, k := range kids {
		s, end := int(k.start), int(k.end)
		if kind := kindName(k.kind); kind == "comment" || kind == "line_continuation" || s > 0 && chunk[s-1] != '\n' || !endsItsLine(chunk, end) {
			return nil
		}
	}
	flats := make([][]flatNode, len(kids))
	for i := range kids {
		flats[i] = flatten(&kids[i].node)
	}
	// A comment that ends the region runs on, in the file, over the blanks
	// (and the "\r" of a "\r\n") that end its line, which the region
	// leaves out: FuzzIncrementalEdits found "def f():ap# c " one byte
	// short. Let the full parse decide.
	if end := r0 + len(chunk); end < len(text.Bytes) && text.Bytes[end] != '\n' && len(kids) > 0 {
		for _, n := range flats[len(flats)-1] {
			if int(n.end) == len(chunk) && kindName(n.kind) == "comment" {
				return nil
			}
		}
	}
	newTop := make([]Node, 0, len(top)-(b-a+1)+len(kids))
	subs := make([]subtree, len(top)-(b-a+1)) // one allocation for the moved statements
	k := 0
	for j := 0; j < a; j++ {
		subs[k] = top[j].t.moved(text.Bytes, 0)
		newTop = append(newTop, Node{t: &subs[k]})
		k++
	}
	for i := range kids {
		newTop = append(newTop, Node{t: &subtree{subtreeNodes: &subtreeNodes{nodes: flats[i], flat: true,
			start: kids[i].start, end: kids[i].end, kind: kids[i].kind, hasError: kids[i].hasError}, src: text.Bytes, shift: int32(r0)}})
	}
	for j := b + 1; j < len(top); j++ {
		subs[k] = top[j].t.moved(text.Bytes, delta)
		newTop = append(newTop, Node{t: &subs[k]})
		k++
	}
	atomic.AddInt64(&fastPathHits, 1)
	pending := make([]ts.InputEdit, len(t.pending), len(t.pending)+1)
	copy(pending, t.pending)
	clean := int8(1)
	if broken {
		clean = -1
	}
	return &Tree{text: text, base: t.base.retain(), pending: append(pending, input), top: newTop, clean: clean, incremental: broken}
}

// lineIndented reports that off's line starts with whitespace.
func lineIndented(src []byte, off int) bool {
	ls := lineStart(src, off)
	return ls < len(src) && (src[ls] == ' ' || src[ls] == '\t' || src[ls] == '\f')
}

// endsWithContinuation reports a backslash ending the last line of src.
func endsWithContinuation(src []byte) bool {
	i := len(src) - 1
	for i >= 0 && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\f') {
		i--
	}
	return i >= 0 && src[i] == '\\'
}

// lineStart is the offset of the start of off's line.
func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd is the offset of the end of off's line (before "\r\n" or "\n").
func lineEnd(src []byte, off int) int {
	for off < len(src) && src[off] != '\n' {
		off++
	}
	if off > 0 && src[off-1] == '\r' {
		off--
	}
	return off
}

// endsItsLine reports that only blanks or a comment follow off on its line.
func endsItsLine(src []byte, off int) bool {
	for ; off < len(src); off++ {
		switch src[off] {
		case ' ', '\t', '\r':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}

func point(p source.Point) ts.Point { return ts.Point{Row: uint(p.Row), Column: uint(p.Column)} }

// pointAfter is where text inserted at p ends (rows, and byte columns).
func pointAfter(p source.Point, text []byte) source.Point {
	if nl := bytes.LastIndexByte(text, '\n'); nl >= 0 {
		return source.Point{Row: p.Row + bytes.Count(text, []byte{'\n'}), Column: len(text) - nl - 1}
	}
	return source.Point{Row: p.Row, Column: p.Column + len(text)}
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Close frees the tree's C memory (shared with derived trees until the
// last is closed). Safe to call twice and on nil.
func (t *Tree) Close() {
	if t == nil || t.base == nil {
		return
	}
	t.base.release()
	t.base = nil
	t.real.Close()
	t.real = nil
}

// Text is the source the tree was parsed from.
func (t *Tree) Text() *source.Text { return t.text }

// Src is the source bytes.
func (t *Tree) Src() []byte { return t.text.Bytes }

// Root is the module node (the whole tree is copied on first use). For a
// virtual tree this makes a real parse first.
func (t *Tree) Root() Node {
	if t.base == nil {
		return Node{}
	}
	if len(t.pending) > 0 {
		if t.real == nil {
			t.real = t.reparseAll(t.text, nil)
		}
		return t.real.Root()
	}
	return Node{t: newSubtree(t.base.t.RootNode(), t.text.Bytes)}
}

// TopLevel lists the module's children, each copied out of tree-sitter
// only when read beyond its kind and range.
func (t *Tree) TopLevel() []Node {
	if t.top != nil {
		return append([]Node(nil), t.top...)
	}
	if t.base == nil {
		return nil
	}
	kids := children(t.base.t.RootNode())
	out := make([]Node, len(kids))
	shared, subs := make([]subtreeNodes, len(kids)), make([]subtree, len(kids)) // two allocations, not 2n
	for i := range kids {
		k := kids[i]
		shared[i] = subtreeNodes{pending: k.node, start: k.start, end: k.end, kind: k.kind, hasError: k.hasError}
		subs[i] = subtree{subtreeNodes: &shared[i], src: t.text.Bytes}
		out[i] = Node{t: &subs[i]}
	}
	t.top = out // a tree never changes: compute once, share the lazy copies
	return append([]Node(nil), out...)
}

// Statements lists the module's top-level statements, comments and
// semicolons excluded. The slice is shared: callers must not modify it.
func (t *Tree) Statements() []Node {
	if t.stmts == nil {
		top := t.TopLevel()
		out := top[:0]
		for _, n := range top {
			if kind := kindName(n.t.kind); kind != "comment" && kind != ";" {
				out = append(out, n)
			}
		}
		t.stmts = out
	}
	return t.stmts
}

// StatementErrors lists the byte ranges of the top-level statements that
// hold a syntax error (without copying any node out of tree-sitter).
func (t *Tree) StatementErrors() [][2]int {
	if !t.HasError() {
		return nil
	}
	var out [][2]int
	for _, n := range t.TopLevel() {
		if n.t.hasError || kindName(n.t.kind) == "ERROR" {
			out = append(out, [2]int{n.Start(), n.End()})
		}
	}
	if len(out) == 0 && t.abandoned {
		out = append(out, [2]int{0, len(t.text.Bytes)})
	}
	return out
}

// HasError reports a syntax error anywhere in the tree.
func (t *Tree) HasError() bool {
	if t.clean == 0 {
		t.clean = 1
		if t.base.t.RootNode().HasError() {
			t.clean = -1
		}
	}
	return t.clean < 0
}

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
