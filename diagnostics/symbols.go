package diagnostics

import (
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// This file extracts, from one top-level statement, the facts name
// resolution needs: what it imports, which module-level names it binds and
// to what, which functions return what, and class bases. Facts hold no
// nodes and no offsets, so they are cached by the statement's text.

// ValueRef describes an expression well enough to resolve it later.
type ValueRef struct {
	Target string // dotted name as written ("flask.Flask", "create_app"); "" when not a name
	Call   bool   // the expression calls Target
	Str    bool   // a plain string literal (no interpolation): a constant
}

// StatementFacts is what one top-level statement contributes to its module's symbols.
type StatementFacts struct {
	Imports []ImportFact
	Binds   []BindFact
	Funcs   []FuncFact
	Classes []ClassFact
	// Rule holds file-wide facts some statement rules need (rate limiting,
	// upload config), gathered from the whole statement; see filefacts.go.
	// Nil when the statement has none (most do not).
	Rule *RuleFacts
	// Model is what the statement contributes to the project model
	// (model_facts.go); set by Engine.Symbols.
	Model *ModelFacts
}

// ImportFact binds Local to the qualified name Qualified. Level counts the
// leading dots of a relative import (resolved against the module later).
type ImportFact struct {
	Local     string
	Qualified string
	Level     int
}

// BindFact is a module-level "Name = Value".
type BindFact struct {
	Name  string
	Value ValueRef
}

// FuncFact is a module-level function and what it may return.
type FuncFact struct {
	Name    string
	Returns []ValueRef
}

// ClassFact is a module-level class and its bases as written.
type ClassFact struct {
	Name  string
	Bases []string
}

// ExtractFacts reads one top-level statement. Compound statements at module
// level (if, try, with, for) bind module-level names too, so their blocks
// are read; function and class bodies are not module scope.
func ExtractFacts(stmt syntax.Node) *StatementFacts {
	f := &StatementFacts{}
	f.statement(stmt)
	if rf := extractRuleFacts(stmt); !rf.empty() {
		rf.Limiters, rf.LimitedTargets = exact(rf.Limiters), exact(rf.LimitedTargets)
		f.Rule = &rf
	}
	f.Imports, f.Binds, f.Funcs, f.Classes = exact(f.Imports), exact(f.Binds), exact(f.Funcs), exact(f.Classes)
	for i := range f.Funcs {
		f.Funcs[i].Returns = exact(f.Funcs[i].Returns)
	}
	for i := range f.Classes {
		f.Classes[i].Bases = exact(f.Classes[i].Bases)
	}
	return f
}

func (f *StatementFacts) statement(n syntax.Node) {
	switch n.Kind() {
	case "import_statement":
		for _, c := range n.FieldChildren("name") {
			f.importName(c, "", 0)
		}
	case "import_from_statement":
		mod := n.Field("module_name")
		level, base := 0, mod.Text()
		if mod.Kind() == "relative_import" {
			base = ""
			for _, c := range mod.Children() {
				switch c.Kind() {
				case "import_prefix":
					level = strings.Count(c.Text(), ".")
				case "dotted_name":
					base = c.Text()
				}
			}
		}
		for _, c := range n.FieldChildren("name") {
			f.importName(c, base, level)
		}
	case "expression_statement":
		for _, c := range n.NamedChildren() {
			if c.Kind() == "assignment" {
				f.assignment(c)
			}
		}
	case "function_definition":
		f.Funcs = append(f.Funcs, FuncFact{Name: n.Field("name").Text(), Returns: functionReturns(n)})
	case "class_definition":
		cls := ClassFact{Name: n.Field("name").Text()}
		for _, b := range n.Field("superclasses").NamedChildren() {
			if name := DottedName(b); name != "" {
				cls.Bases = append(cls.Bases, name)
			}
		}
		f.Classes = append(f.Classes, cls)
	case "decorated_definition":
		f.statement(n.Field("definition"))
	case "if_statement", "try_statement", "with_statement", "for_statement", "while_statement",
		"block", "else_clause", "elif_clause", "except_clause", "finally_clause":
		for _, c := range n.NamedChildren() {
			switch c.Kind() {
			case "block", "else_clause", "elif_clause", "except_clause", "finally_clause":
				f.statement(c)
			default:
				if n.Kind() == "block" {
					f.statement(c)
				}
			}
		}
	}
}

func (f *StatementFacts) importName(c syntax.Node, base string, level int) {
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "." + b
	}
	if c.HasError() {
		// A name the parser recovered inside ("import limiter%A.b", being
		// typed) binds nothing we can name: its text is no identifier, and
		// a fix that wrote it back would not parse (FuzzFix found
		// "@limiter%A.limit(...)").
		return
	}
	switch c.Kind() {
	case "dotted_name":
		name := c.Text()
		if base == "" && level == 0 {
			// "import a.b" binds "a" to module a.
			first := strings.SplitN(name, ".", 2)[0]
			f.Imports = append(f.Imports, ImportFact{Local: first, Qualified: first})
			return
		}
		f.Imports = append(f.Imports, ImportFact{Local: lastPart(name), Qualified: join(base, name), Level: level})
	case "aliased_import":
		name := c.Field("name").Text()
		f.Imports = append(f.Imports, ImportFact{Local: c.Field("alias").Text(), Qualified: join(base, name), Level: level})
	}
}

func (f *StatementFacts) assignment(a syntax.Node) {
	left, right := a.Field("left"), a.Field("right")
	if right.Kind() == "assignment" { // a = b = Flask()
		f.assignment(right)
		right = right.Field("right")
	}
	if left.Kind() != "identifier" || right.IsNull() {
		return
	}
	f.Binds = append(f.Binds, BindFact{Name: left.Text(), Value: RefOf(right)})
}

// RefOf summarises an expression.
func RefOf(e syntax.Node) ValueRef {
	switch e.Kind() {
	case "call":
		return ValueRef{Call: true, Target: DottedName(e.Field("function"))}
	case "identifier", "attribute":
		return ValueRef{Target: DottedName(e)}
	case "parenthesized_expression":
		return RefOf(e.NamedChild(0))
	case "string", "concatenated_string":
		_, ok := StringValue(e)
		return ValueRef{Str: ok}
	}
	return ValueRef{}
}

// functionReturns lists what a function may return, following local names
// assigned in its body ("app = Flask(...); ...; return app").
func functionReturns(fn syntax.Node) []ValueRef {
	body := fn.Field("body")
	locals := map[string][]ValueRef{}
	var returns []syntax.Node
	body.Walk(func(n syntax.Node) bool {
		switch n.Kind() {
		case "function_definition", "class_definition", "lambda":
			return false // nested scopes return for themselves
		case "assignment":
			if l := n.Field("left"); l.Kind() == "identifier" {
				locals[l.Text()] = append(locals[l.Text()], RefOf(n.Field("right")))
			}
		case "return_statement":
			if v := n.NamedChild(0); !v.IsNull() {
				returns = append(returns, v)
			}
		}
		return true
	})
	var out []ValueRef
	for _, r := range returns {
		ref := RefOf(r)
		if !ref.Call && ref.Target != "" && !strings.Contains(ref.Target, ".") {
			if vals, ok := locals[ref.Target]; ok {
				out = append(out, vals...)
				continue
			}
		}
		out = append(out, ref)
	}
	return out
}

// DottedName renders an identifier or attribute chain ("flask.Flask");
// anything else gives "".
func DottedName(e syntax.Node) string {
	switch e.Kind() {
	case "identifier":
		return e.Text()
	case "attribute":
		obj := DottedName(e.Field("object"))
		if obj == "" {
			return ""
		}
		return obj + "." + e.Field("attribute").Text()
	}
	return ""
}

func lastPart(dotted string) string {
	if i := strings.LastIndexByte(dotted, '.'); i >= 0 {
		return dotted[i+1:]
	}
	return dotted
}
