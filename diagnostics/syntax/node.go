package syntax

import (
	ts "github.com/tree-sitter/go-tree-sitter"
)

// Node is a syntax node. The zero Node is "no node": IsNull reports it and
// every accessor on it returns a zero value, so lookups chain without checks.
type Node struct {
	n   ts.Node
	src []byte
	ok  bool
}

func wrap(n *ts.Node, src []byte) Node {
	if n == nil {
		return Node{}
	}
	return Node{n: *n, src: src, ok: true}
}

// IsNull reports the absent node.
func (n Node) IsNull() bool { return !n.ok }

// Kind is the grammar's node type ("call", "identifier", ...).
func (n Node) Kind() string {
	if !n.ok {
		return ""
	}
	return n.n.Kind()
}

// Start is the node's first byte offset.
func (n Node) Start() int {
	if !n.ok {
		return 0
	}
	return int(n.n.StartByte())
}

// End is the offset just past the node.
func (n Node) End() int {
	if !n.ok {
		return 0
	}
	return int(n.n.EndByte())
}

// Text is the node's source text.
func (n Node) Text() string {
	if !n.ok {
		return ""
	}
	return string(n.src[n.n.StartByte():n.n.EndByte()])
}

// Bytes is the node's source text without copying.
func (n Node) Bytes() []byte {
	if !n.ok {
		return nil
	}
	return n.src[n.n.StartByte():n.n.EndByte()]
}

// Src is the whole source the node belongs to.
func (n Node) Src() []byte { return n.src }

// IsNamed reports a named node (not punctuation or keywords).
func (n Node) IsNamed() bool { return n.ok && n.n.IsNamed() }

// IsError reports an ERROR node.
func (n Node) IsError() bool { return n.ok && n.n.IsError() }

// IsMissing reports a node the parser inserted to recover from an error.
func (n Node) IsMissing() bool { return n.ok && n.n.IsMissing() }

// HasError reports an ERROR or missing node at or below n.
func (n Node) HasError() bool { return n.ok && n.n.HasError() }

// Field returns the child under field name (e.g. "function", "arguments").
func (n Node) Field(name string) Node {
	if !n.ok {
		return Node{}
	}
	return wrap(n.n.ChildByFieldName(name), n.src)
}

// Parent is the enclosing node.
func (n Node) Parent() Node {
	if !n.ok {
		return Node{}
	}
	return wrap(n.n.Parent(), n.src)
}

// NextNamedSibling is the next named sibling.
func (n Node) NextNamedSibling() Node {
	if !n.ok {
		return Node{}
	}
	return wrap(n.n.NextNamedSibling(), n.src)
}

// PrevSibling is the previous sibling, named or not.
func (n Node) PrevSibling() Node {
	if !n.ok {
		return Node{}
	}
	return wrap(n.n.PrevSibling(), n.src)
}

// NamedChildCount is the number of named children.
func (n Node) NamedChildCount() int {
	if !n.ok {
		return 0
	}
	return int(n.n.NamedChildCount())
}

// NamedChild is the i-th named child. Iterating with it is quadratic on
// wide nodes; use NamedChildren for loops.
func (n Node) NamedChild(i int) Node {
	if !n.ok || i < 0 {
		return Node{}
	}
	return wrap(n.n.NamedChild(uint(i)), n.src)
}

// NamedChildren lists the named children in order.
func (n Node) NamedChildren() []Node {
	if !n.ok {
		return nil
	}
	c := n.n.Walk()
	defer c.Close()
	kids := n.n.NamedChildren(c)
	out := make([]Node, len(kids))
	for i := range kids {
		out[i] = Node{n: kids[i], src: n.src, ok: true}
	}
	return out
}

// Children lists all children (named and anonymous) in order.
func (n Node) Children() []Node {
	if !n.ok {
		return nil
	}
	c := n.n.Walk()
	defer c.Close()
	kids := n.n.Children(c)
	out := make([]Node, len(kids))
	for i := range kids {
		out[i] = Node{n: kids[i], src: n.src, ok: true}
	}
	return out
}

// FieldChildren lists the children under field name (e.g. a class's
// "superclasses" argument list has one field, decorators have none).
func (n Node) FieldChildren(name string) []Node {
	if !n.ok {
		return nil
	}
	c := n.n.Walk()
	defer c.Close()
	kids := n.n.ChildrenByFieldName(name, c)
	out := make([]Node, len(kids))
	for i := range kids {
		out[i] = Node{n: kids[i], src: n.src, ok: true}
	}
	return out
}

// Walk calls visit on n and its descendants in pre-order; when visit returns
// false the node's children are skipped. It uses one cursor, so a walk costs
// one cgo call per step and no allocation per node.
func (n Node) Walk(visit func(Node) bool) {
	if !n.ok {
		return
	}
	c := n.n.Walk()
	defer c.Close()
	depth := 0 // the cursor must not leave n for its siblings
	for {
		if visit(Node{n: *c.Node(), src: n.src, ok: true}) && c.GotoFirstChild() {
			depth++
			continue
		}
		for depth == 0 || !c.GotoNextSibling() {
			if depth == 0 || !c.GotoParent() {
				return
			}
			depth--
		}
	}
}

// Equal reports the same node of the same tree.
func (n Node) Equal(o Node) bool { return n.ok == o.ok && (!n.ok || n.n.Equals(o.n)) }
