package syntax

import (
	"hash/maphash"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// Node is a syntax node. Nodes live in Go memory: a subtree is copied out
// of tree-sitter in one cgo call the first time one of its nodes is read
// (see flatten.go), so rules walk plain slices, and nodes stay valid after
// their Tree is closed. A top-level statement from Statements is copied
// only when a rule reads inside it, so unchanged statements served from a
// cache cost nothing.
//
// The zero Node is "no node": IsNull reports it and every accessor on it
// returns a zero value, so lookups chain without checks.
type Node struct {
	t *subtree
	i int32
}

// subtree is one subtree as placed in a text: its nodes (shared by every
// text the subtree is moved to, see Tree.reparseStatement) plus where it is.
type subtree struct {
	*subtreeNodes
	src   []byte
	shift int32 // added to every stored offset
}

// subtreeNodes is one flattened subtree; pending holds the tree-sitter node
// until the copy is made.
type subtreeNodes struct {
	nodes      []flatNode
	pending    ts.Node
	start, end uint32 // of the root, known before flattening
	kind       uint16
	flat       bool
	hasError   bool // the root has a syntax error at or below it (TopLevel roots)
	keyed      bool
	key        Key // the root text's identity, memoised by Key
}

// Key identifies the node's text, for cache keys: two 64-bit hashes with
// independent seeds and the length (a collision, 2^-128 per pair, is not a
// practical concern; keeping the text itself would double the memory of
// every open document). For a top-level statement it is computed once and
// kept when the statement moves, so an analysis of an edited file hashes
// only the statements that changed.
func (n Node) Key() Key {
	if n.t == nil {
		return Key{}
	}
	if n.i != 0 {
		return keyOf(n.Bytes())
	}
	if !n.t.keyed {
		n.t.key, n.t.keyed = keyOf(n.Bytes()), true
	}
	return n.t.key
}

// Key is a node text's identity; see Node.Key.
type Key struct {
	a, b uint64
	n    int
}

var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyOf(b []byte) Key {
	return Key{maphash.Bytes(keySeeds[0], b), maphash.Bytes(keySeeds[1], b), len(b)}
}

// moved is the same subtree in a new text, its offsets moved by delta. The
// nodes are shared (and flattened once for all the texts).
func (s *subtree) moved(src []byte, delta int) subtree {
	return subtree{subtreeNodes: s.subtreeNodes, src: src, shift: s.shift + int32(delta)}
}

func (s *subtree) ensure() {
	if !s.flat {
		s.nodes = flatten(&s.pending)
		s.flat = true
		if len(s.nodes) == 0 { // cannot happen for a real node; keep accessors safe
			s.nodes = []flatNode{{start: s.start, end: s.end, parent: -1, next: -1, kind: s.kind}}
		}
	}
}

func newSubtree(n *ts.Node, src []byte) *subtree {
	return &subtree{subtreeNodes: &subtreeNodes{pending: *n, start: uint32(n.StartByte()), end: uint32(n.EndByte()), kind: n.KindId(),
		hasError: n.HasError() || n.IsError() || n.IsMissing()}, src: src}
}

func (n Node) node() *flatNode {
	n.t.ensure()
	return &n.t.nodes[n.i]
}

func (n Node) at(i int32) Node {
	if i < 0 {
		return Node{}
	}
	return Node{t: n.t, i: i}
}

// IsNull reports the absent node.
func (n Node) IsNull() bool { return n.t == nil }

// Kind is the grammar's node type ("call", "identifier", ...).
func (n Node) Kind() string {
	if n.t == nil {
		return ""
	}
	if n.i == 0 && !n.t.flat {
		return kindName(n.t.kind)
	}
	return kindName(n.node().kind)
}

// Start is the node's first byte offset.
func (n Node) Start() int {
	if n.t == nil {
		return 0
	}
	if n.i == 0 {
		return int(n.t.start) + int(n.t.shift)
	}
	return int(n.node().start) + int(n.t.shift)
}

// End is the offset just past the node.
func (n Node) End() int {
	if n.t == nil {
		return 0
	}
	if n.i == 0 {
		return int(n.t.end) + int(n.t.shift)
	}
	return int(n.node().end) + int(n.t.shift)
}

// Text is the node's source text.
func (n Node) Text() string { return string(n.Bytes()) }

// Bytes is the node's source text without copying.
func (n Node) Bytes() []byte {
	if n.t == nil {
		return nil
	}
	s, e := n.Start(), n.End()
	if e > len(n.t.src) || s > e {
		return nil
	}
	return n.t.src[s:e]
}

// Src is the whole source the node belongs to.
func (n Node) Src() []byte {
	if n.t == nil {
		return nil
	}
	return n.t.src
}

func (n Node) flag(f uint8) bool { return n.t != nil && n.node().flags&f != 0 }

// IsNamed reports a named node (not punctuation or keywords).
func (n Node) IsNamed() bool { return n.flag(flagNamed) }

// IsError reports an ERROR node.
func (n Node) IsError() bool { return n.flag(flagError) }

// IsMissing reports a node the parser inserted to recover from an error.
func (n Node) IsMissing() bool { return n.flag(flagMissing) }

// HasError reports an ERROR or missing node at or below n. For a
// statement (a subtree's root) it is known without copying the subtree.
func (n Node) HasError() bool {
	if n.t != nil && n.i == 0 && !n.t.flat {
		return n.t.hasError
	}
	return n.flag(flagHasError)
}

// firstChild is the index of n's first child or -1 (pre-order: the next
// node, if n is its parent).
func (n Node) firstChild() int32 {
	nodes := n.t.nodes
	if j := n.i + 1; int(j) < len(nodes) && nodes[j].parent == n.i {
		return j
	}
	return -1
}

// Field returns the child under field name (e.g. "function", "arguments").
func (n Node) Field(name string) Node {
	if n.t == nil {
		return Node{}
	}
	id := fieldID(name)
	if id == 0 {
		return Node{}
	}
	n.t.ensure()
	for c := n.firstChild(); c >= 0; c = n.t.nodes[c].next {
		if n.t.nodes[c].field == id {
			return n.at(c)
		}
	}
	return Node{}
}

// FieldChildren lists the children under field name.
func (n Node) FieldChildren(name string) []Node {
	if n.t == nil {
		return nil
	}
	id := fieldID(name)
	n.t.ensure()
	var out []Node
	for c := n.firstChild(); c >= 0; c = n.t.nodes[c].next {
		if n.t.nodes[c].field == id && id != 0 {
			out = append(out, n.at(c))
		}
	}
	return out
}

// Parent is the enclosing node (null above a statement's subtree root).
func (n Node) Parent() Node {
	if n.t == nil {
		return Node{}
	}
	return n.at(n.node().parent)
}

// NextNamedSibling is the next named sibling.
func (n Node) NextNamedSibling() Node {
	if n.t == nil {
		return Node{}
	}
	for c := n.node().next; c >= 0; c = n.t.nodes[c].next {
		if n.t.nodes[c].flags&flagNamed != 0 {
			return n.at(c)
		}
	}
	return Node{}
}

// PrevSibling is the previous sibling, named or not.
func (n Node) PrevSibling() Node {
	p := n.Parent()
	if p.IsNull() {
		return Node{}
	}
	prev := int32(-1)
	for c := p.firstChild(); c >= 0; c = n.t.nodes[c].next {
		if c == n.i {
			return n.at(prev)
		}
		prev = c
	}
	return Node{}
}

// NamedChildCount is the number of named children.
func (n Node) NamedChildCount() int { return len(n.NamedChildren()) }

// NamedChild is the i-th named child.
func (n Node) NamedChild(i int) Node {
	if n.t == nil || i < 0 {
		return Node{}
	}
	n.t.ensure()
	for c := n.firstChild(); c >= 0; c = n.t.nodes[c].next {
		if n.t.nodes[c].flags&flagNamed != 0 {
			if i == 0 {
				return n.at(c)
			}
			i--
		}
	}
	return Node{}
}

// NamedChildren lists the named children in order.
func (n Node) NamedChildren() []Node {
	if n.t == nil {
		return nil
	}
	n.t.ensure()
	var out []Node
	for c := n.firstChild(); c >= 0; c = n.t.nodes[c].next {
		if n.t.nodes[c].flags&flagNamed != 0 {
			out = append(out, n.at(c))
		}
	}
	return out
}

// Children lists all children (named and anonymous) in order.
func (n Node) Children() []Node {
	if n.t == nil {
		return nil
	}
	n.t.ensure()
	var out []Node
	for c := n.firstChild(); c >= 0; c = n.t.nodes[c].next {
		out = append(out, n.at(c))
	}
	return out
}

// Walk calls visit on n and its descendants in pre-order; when visit
// returns false the node's children are skipped.
func (n Node) Walk(visit func(Node) bool) {
	if n.t == nil {
		return
	}
	n.t.ensure()
	nodes := n.t.nodes
	// Pre-order indices: n's subtree is the contiguous run after n of
	// nodes whose ancestor chain reaches n; it ends at n's next sibling
	// or, for the last child, at the next node not below n.
	end := int32(len(nodes))
	for a := n.i; a >= 0; a = nodes[a].parent {
		if nodes[a].next >= 0 {
			end = nodes[a].next
			break
		}
	}
	for i := n.i; i < end; {
		if visit(Node{t: n.t, i: i}) {
			i++
			continue
		}
		// Skip i's subtree: jump to its next sibling or an ancestor's.
		j := i
		for j >= 0 && nodes[j].next < 0 {
			j = nodes[j].parent
		}
		if j < 0 {
			return
		}
		i = nodes[j].next
	}
}

// Equal reports the same node.
func (n Node) Equal(o Node) bool { return n.t == o.t && n.i == o.i }
