package diagnostics

import (
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Edit helpers shared by the rules' fixes. They work on syntax nodes and
// return TextEdits in the node's file.

// RemoveArgument deletes one argument of an argument_list with its comma,
// so "f(a, debug=True, b)" becomes "f(a, b)" and "f(debug=True)" becomes "f()".
func RemoveArgument(args, arg syntax.Node) TextEdit {
	var list []syntax.Node
	for _, c := range args.NamedChildren() {
		if c.Kind() != "comment" {
			list = append(list, c)
		}
	}
	i := -1
	for j, c := range list {
		if c.Equal(arg) {
			i = j
		}
	}
	switch {
	case len(list) == 1 || i < 0:
		kids := args.Children()
		open, close := kids[0], kids[len(kids)-1]
		if i < 0 {
			return TextEdit{Start: arg.Start(), End: arg.End()}
		}
		return TextEdit{Start: open.End(), End: close.Start()}
	case i > 0:
		return TextEdit{Start: list[i-1].End(), End: arg.End()}
	default:
		return TextEdit{Start: arg.Start(), End: list[1].Start()}
	}
}

// ReplaceNode replaces a node's text.
func ReplaceNode(n syntax.Node, text string) TextEdit {
	return TextEdit{Start: n.Start(), End: n.End(), NewText: text}
}

// KeywordArgument finds "name=value" in an argument_list.
func KeywordArgument(args syntax.Node, name string) (kw, value syntax.Node) {
	for _, c := range args.NamedChildren() {
		if c.Kind() == "keyword_argument" && c.Field("name").Text() == name {
			return c, c.Field("value")
		}
	}
	return syntax.Node{}, syntax.Node{}
}

// PositionalArguments lists the arguments before the first keyword or splat.
func PositionalArguments(args syntax.Node) []syntax.Node {
	var out []syntax.Node
	for _, c := range args.NamedChildren() {
		switch c.Kind() {
		case "comment":
			continue
		case "keyword_argument", "list_splat", "dictionary_splat":
			return out
		}
		out = append(out, c)
	}
	return out
}

// finalizeFix resolves a fix's symbolic parts against f's current tree:
// Imports become one edit inserting the missing import lines at the top of
// f (after the docstring, __future__ imports and the leading block of
// imports), each import once; Inserts become edits after the statement
// binding their name (see Insert). ok is false when an Insert has no place
// in f, and then the fix must be dropped (it would be incomplete).
func finalizeFix(places *fixPlaces, fx Fix) (_ Fix, ok bool) {
	f := places.f
	if f.Tree == nil {
		fx.Imports, fx.Inserts = nil, nil
		return fx, true
	}
	var front []TextEdit
	nl := f.Text.LineEnding()
	if len(fx.Imports) > 0 {
		if missing := places.missingImports(fx.Imports); len(missing) > 0 {
			var b strings.Builder
			for _, imp := range missing {
				b.WriteString(imp.String())
				b.WriteString(nl)
			}
			at := places.importInsertionOffset()
			text := b.String()
			if at == len(f.Text.Bytes) && at > 0 && f.Text.Bytes[at-1] != '\n' {
				text = nl + text
			}
			front = append(front, TextEdit{Start: at, End: at, NewText: text})
		}
	}
	for _, ins := range fx.Inserts {
		at, found := places.insertionAfterBinding(ins.After)
		if !found {
			return fx, false
		}
		text := strings.ReplaceAll(ins.Text, "\n", nl)
		if at == len(f.Text.Bytes) && at > 0 && f.Text.Bytes[at-1] != '\n' {
			text = nl + text
		}
		// After the import edit when both land on the same offset: the
		// inserted code may use what the imports bring.
		front = append(front, TextEdit{Start: at, End: at, NewText: text})
	}
	fx.Imports, fx.Inserts = nil, nil
	if len(front) > 0 {
		fx.Edits = append(front, fx.Edits...)
	}
	return fx, true
}

// fixPlaces answers finalizeFix's questions about one version of a file,
// each worked out once for all the fixes finished together (Engine.Finish):
// a module with thousands of imports and findings must not read its
// statements again for every fix (a 3.6 MB module took 8 s, 6 of them
// here).
type fixPlaces struct {
	f *File
	// have holds "local=qualified" of the top-level absolute imports; nil
	// until asked.
	have map[string]bool
	// importsEnd is importInsertionOffset's answer, -1 until asked.
	importsEnd int
	// bound maps names to the first top-level statement binding them,
	// among the first scanned statements (read only as far as asked).
	bound   map[string]syntax.Node
	scanned int
	// top and broken are the top-level nodes' ranges and those of the
	// statements with syntax errors; nil until asked.
	top    [][2]int
	broken map[[2]int]bool
}

// statements returns the ranges of f's top-level nodes, in order, and the
// set of those with syntax errors (Tree.StatementErrors).
func (p *fixPlaces) statements() ([][2]int, map[[2]int]bool) {
	if p.top == nil {
		nodes := p.f.Tree.TopLevel()
		p.top = make([][2]int, len(nodes))
		for i, n := range nodes {
			p.top[i] = [2]int{n.Start(), n.End()}
		}
		p.broken = map[[2]int]bool{}
		for _, r := range p.f.Tree.StatementErrors() {
			p.broken[r] = true
		}
	}
	return p.top, p.broken
}

func newFixPlaces(f *File) *fixPlaces { return &fixPlaces{f: f, importsEnd: -1} }

// insertionAfterBinding is the start of the line after the first top-level
// statement binding name, but not above the leading imports.
func (p *fixPlaces) insertionAfterBinding(name string) (int, bool) {
	f := p.f
	s, bound := p.bound[name]
	for stmts := Statements(f.Tree); !bound && p.scanned < len(stmts); p.scanned++ {
		st := stmts[p.scanned]
		facts := nameFacts(st)
		if p.bound == nil {
			p.bound = map[string]syntax.Node{}
		}
		bind := func(n string) {
			if _, ok := p.bound[n]; !ok {
				p.bound[n] = st
			}
		}
		for _, b := range facts.Binds {
			bind(b.Name)
		}
		for _, imp := range facts.Imports {
			bind(imp.Local)
		}
		s, bound = p.bound[name]
	}
	if !bound {
		return 0, false
	}
	at := f.Text.LineStart(f.Text.LineOf(s.End()) + 1)
	if s.End() == len(f.Text.Bytes) {
		at = len(f.Text.Bytes)
	}
	if min := p.importInsertionOffset(); at < min {
		at = min
	}
	return at, true
}

// nameFacts is ExtractFacts without the RuleFacts walk: imports and
// bindings only, for finalising fixes outside the cache.
func nameFacts(s syntax.Node) *StatementFacts {
	f := &StatementFacts{}
	f.statement(s)
	return f
}

// missingImports lists the imports of want that the module's top-level
// imports do not bind yet, each once.
func (p *fixPlaces) missingImports(want []Import) []Import {
	if p.have == nil {
		p.have = map[string]bool{}
		for _, s := range Statements(p.f.Tree) {
			if k := s.Kind(); k != "import_statement" && k != "import_from_statement" {
				// Only plain top-level imports count: reading every statement
				// would copy the whole file out of tree-sitter on each keystroke.
				continue
			}
			for _, imp := range nameFacts(s).Imports {
				if imp.Level == 0 {
					p.have[imp.Local+"="+imp.Qualified] = true
				}
			}
		}
	}
	have := p.have
	var out []Import
	seen := map[Import]bool{}
	for _, imp := range want {
		local, q := imp.Module, imp.Module
		if imp.Name != "" {
			local, q = imp.Name, imp.Module+"."+imp.Name
		}
		if have[local+"="+q] || seen[imp] {
			continue
		}
		seen[imp] = true
		out = append(out, imp)
	}
	return out
}

// importInsertionOffset is the start of the line after the module
// docstring and the leading imports, or 0.
func (p *fixPlaces) importInsertionOffset() int {
	if p.importsEnd < 0 {
		p.importsEnd = importInsertionOffset(p.f)
	}
	return p.importsEnd
}

func importInsertionOffset(f *File) int {
	at := 0
	for i, s := range Statements(f.Tree) {
		switch {
		case s.Kind() == "import_statement" || s.Kind() == "import_from_statement" || s.Kind() == "future_import_statement":
		case i == 0 && s.Kind() == "expression_statement" && s.NamedChild(0).Kind() == "string":
		default:
			return at
		}
		at = f.Text.LineStart(f.Text.LineOf(s.End()) + 1)
	}
	return at
}
