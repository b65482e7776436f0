package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// StatementPass is what a statement rule sees: one top-level statement of a
// Python file and the file's resolved Context.
type StatementPass struct {
	Rule     *Rule
	File     *File
	Stmt     syntax.Node
	Ctx      *Context
	findings *[]Finding
	shared   *statementIndex // what the rules on this statement share
}

// statementIndex is computed once per statement, on first use, for all the
// rules that run on it.
type statementIndex struct {
	calls    []syntax.Node
	hasCalls bool
}

// Report records a finding at node n with the rule's code and severity.
func (p *StatementPass) Report(n syntax.Node, message string, fixes ...Fix) {
	p.ReportRange(n.Start(), n.End(), message, fixes...)
}

// ReportRange records a finding over [start, end).
func (p *StatementPass) ReportRange(start, end int, message string, fixes ...Fix) {
	*p.findings = append(*p.findings, Finding{
		Code: p.Rule.Code, Severity: p.Rule.Severity, Path: p.File.Path,
		Start: start, End: end, Message: message, Fixes: fixes,
	})
}

// Calls visits every call in the statement, nested scopes included.
func (p *StatementPass) Calls(visit func(call syntax.Node)) {
	if p.shared == nil {
		p.shared = &statementIndex{}
	}
	if !p.shared.hasCalls {
		p.Stmt.Walk(func(n syntax.Node) bool {
			if n.Kind() == "call" {
				p.shared.calls = append(p.shared.calls, n)
			}
			return true
		})
		p.shared.hasCalls = true
	}
	for _, c := range p.shared.calls {
		visit(c)
	}
}

// Callee qualifies a call's function through the file's imports
// ("run_simple" → "werkzeug.serving.run_simple").
func (p *StatementPass) Callee(call syntax.Node) string {
	return p.Ctx.Qualify(DottedName(call.Field("function")))
}

// IsApp reports whether expr evaluates to a Flask application: a call of
// Flask (any import form) or a subclass or a factory, or a name bound to
// one — in the enclosing function first, then at module level.
func (p *StatementPass) IsApp(expr syntax.Node) bool {
	return p.kindOf(expr, 0) == KindApp
}

func (p *StatementPass) kindOf(expr syntax.Node, depth int) SymbolKind {
	if depth > 8 {
		return KindUnknown
	}
	switch expr.Kind() {
	case "call":
		k := p.kindOf(expr.Field("function"), depth+1)
		if k == KindFlaskClass || k == KindFactory {
			return KindApp
		}
		return KindUnknown
	case "parenthesized_expression":
		return p.kindOf(expr.NamedChild(0), depth+1)
	case "identifier":
		if expr.Text() == "self" && p.inFlaskSubclass(expr) {
			return KindApp
		}
		if v, ok := localBinding(expr); ok {
			if v.IsNull() {
				return KindUnknown // a parameter or a non-simple binding
			}
			return p.kindOf(v, depth+1)
		}
		return p.Ctx.KindOf(expr.Text())
	case "attribute":
		return p.Ctx.KindOf(DottedName(expr))
	}
	return KindUnknown
}

// inFlaskSubclass reports a node inside a method of a Flask subclass.
func (p *StatementPass) inFlaskSubclass(n syntax.Node) bool {
	for c := n.Parent(); !c.IsNull(); c = c.Parent() {
		if c.Kind() == "class_definition" {
			for _, b := range c.Field("superclasses").NamedChildren() {
				if p.Ctx.KindOf(DottedName(b)) == KindFlaskClass {
					return true
				}
			}
			return false
		}
	}
	return false
}

// localBinding finds the value last assigned to the identifier's name in its
// enclosing function before the use. ok is false when the name is not local
// to a function (module scope decides); value is null for parameters and
// bindings that are not plain assignments.
func localBinding(id syntax.Node) (value syntax.Node, ok bool) {
	fn := id.Parent()
	for !fn.IsNull() && fn.Kind() != "function_definition" && fn.Kind() != "lambda" {
		if fn.Kind() == "class_definition" || fn.Kind() == "module" {
			return syntax.Node{}, false
		}
		fn = fn.Parent()
	}
	if fn.IsNull() || fn.Kind() == "lambda" {
		return syntax.Node{}, false
	}
	name := id.Text()
	for _, prm := range fn.Field("parameters").NamedChildren() {
		pn := prm
		if prm.Kind() != "identifier" {
			pn = prm.Field("name")
			if pn.IsNull() {
				pn = prm.NamedChild(0)
			}
		}
		if pn.Text() == name {
			return syntax.Node{}, true
		}
	}
	found, global := false, false
	var last syntax.Node
	fn.Field("body").Walk(func(n syntax.Node) bool {
		if n.Start() >= id.Start() {
			return false
		}
		switch n.Kind() {
		case "function_definition", "class_definition", "lambda":
			return false
		case "global_statement", "nonlocal_statement":
			for _, g := range n.NamedChildren() {
				if g.Text() == name {
					global = true
				}
			}
		case "assignment":
			if l := n.Field("left"); l.Kind() == "identifier" && l.Text() == name {
				found, last = true, n.Field("right")
			} else if containsName(l, name) {
				found, last = true, syntax.Node{}
			}
		case "for_statement", "with_item", "as_pattern":
			if containsName(n.Field("left"), name) || containsName(n.Field("alias"), name) {
				found, last = true, syntax.Node{}
			}
		}
		return true
	})
	if global {
		return syntax.Node{}, false
	}
	return last, found
}

func containsName(n syntax.Node, name string) bool {
	hit := false
	n.Walk(func(c syntax.Node) bool {
		if c.Kind() == "identifier" && c.Text() == name {
			hit = true
		}
		return !hit
	})
	return hit
}

// FilePass is what a template or env-file rule sees.
type FilePass struct {
	Rule     *Rule
	File     *File
	findings *[]Finding
}

// ReportRange records a finding over [start, end).
func (p *FilePass) ReportRange(start, end int, message string, fixes ...Fix) {
	*p.findings = append(*p.findings, Finding{
		Code: p.Rule.Code, Severity: p.Rule.Severity, Path: p.File.Path,
		Start: start, End: end, Message: message, Fixes: fixes,
	})
}

// ProjectPass is what a project rule sees: the project and its model.
type ProjectPass struct {
	Rule     *Rule
	Project  *Project
	Model    *Model // never nil
	Settings Settings
	findings *[]Finding
}

// ReportFinding records fd in file f, with the rule's code and, when
// fd.Severity is zero, its severity (Related and a lower severity are what
// Report cannot say).
func (p *ProjectPass) ReportFinding(f *File, fd Finding) {
	fd.Code, fd.Path = p.Rule.Code, f.Path
	if fd.Severity == 0 {
		fd.Severity = p.Rule.Severity
	}
	*p.findings = append(*p.findings, fd)
}

// Report records a finding in file f.
func (p *ProjectPass) Report(f *File, start, end int, message string, fixes ...Fix) {
	*p.findings = append(*p.findings, Finding{
		Code: p.Rule.Code, Severity: p.Rule.Severity, Path: f.Path,
		Start: start, End: end, Message: message, Fixes: fixes,
	})
}
