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
func finalizeFix(f *File, fx Fix) (_ Fix, ok bool) {
	if f.Tree == nil {
		fx.Imports, fx.Inserts = nil, nil
		return fx, true
	}
	var front []TextEdit
	nl := f.Text.LineEnding()
	if len(fx.Imports) > 0 {
		if missing := missingImports(f, fx.Imports); len(missing) > 0 {
			var b strings.Builder
			for _, imp := range missing {
				b.WriteString(imp.String())
				b.WriteString(nl)
			}
			at := importInsertionOffset(f)
			text := b.String()
			if at == len(f.Text.Bytes) && at > 0 && f.Text.Bytes[at-1] != '\n' {
				text = nl + text
			}
			front = append(front, TextEdit{Start: at, End: at, NewText: text})
		}
	}
	for _, ins := range fx.Inserts {
		at, found := insertionAfterBinding(f, ins.After)
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

// insertionAfterBinding is the start of the line after the first top-level
// statement binding name, but not above the leading imports.
func insertionAfterBinding(f *File, name string) (int, bool) {
	for _, s := range Statements(f.Tree) {
		facts := nameFacts(s)
		bound := false
		for _, b := range facts.Binds {
			bound = bound || b.Name == name
		}
		for _, imp := range facts.Imports {
			bound = bound || imp.Local == name
		}
		if bound {
			at := f.Text.LineStart(f.Text.LineOf(s.End()) + 1)
			if s.End() == len(f.Text.Bytes) {
				at = len(f.Text.Bytes)
			}
			if min := importInsertionOffset(f); at < min {
				at = min
			}
			return at, true
		}
	}
	return 0, false
}

// nameFacts is ExtractFacts without the RuleFacts walk: imports and
// bindings only, for finalising fixes outside the cache.
func nameFacts(s syntax.Node) *StatementFacts {
	f := &StatementFacts{}
	f.statement(s)
	return f
}

func missingImports(f *File, want []Import) []Import {
	have := map[string]bool{}
	for _, s := range Statements(f.Tree) {
		if k := s.Kind(); k != "import_statement" && k != "import_from_statement" {
			// Only plain top-level imports count: reading every statement
			// would copy the whole file out of tree-sitter on each keystroke.
			continue
		}
		for _, imp := range nameFacts(s).Imports {
			if imp.Level == 0 {
				have[imp.Local+"="+imp.Qualified] = true
			}
		}
	}
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
