package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG403WerkzeugDebugger finds DebuggedApplication wrapping the app.
var FG403WerkzeugDebugger = &Rule{
	Code:     "FG403",
	Name:     "werkzeug-debugger",
	Severity: SeverityError,
	Summary:  "The app is wrapped in Werkzeug's DebuggedApplication, whose console lets anyone who can reach it run code on the server.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			q := p.Callee(call)
			if q != "werkzeug.debug.DebuggedApplication" && q != "werkzeug.DebuggedApplication" {
				return
			}
			pos := PositionalArguments(call.Field("arguments"))
			var fixes []Fix
			if len(pos) > 0 {
				wrapped := pos[0]
				edit := ReplaceNode(call, wrapped.Text())
				// "app.wsgi_app = DebuggedApplication(app.wsgi_app)": unwrapping
				// leaves a self-assignment, so delete the statement instead.
				if a := call.Parent(); a.Kind() == "assignment" && a.Field("left").Text() == wrapped.Text() {
					if del, ok := deleteStatement(p.File, a.Parent()); ok {
						edit = del
					}
				}
				fixes = append(fixes, Fix{Title: "Unwrap the app from DebuggedApplication", Safe: true, Edits: []TextEdit{edit}})
			}
			p.Report(call, "DebuggedApplication serves Werkzeug's interactive debugger, which lets anyone who can reach the app run code on the server", fixes...)
		})
	},
}

// deleteStatement removes a simple statement with its whole line when it is
// alone on its lines and not the only statement of its block.
func deleteStatement(f *File, stmt syntax.Node) (TextEdit, bool) {
	if stmt.Kind() != "expression_statement" {
		return TextEdit{}, false
	}
	block := stmt.Parent()
	if block.Kind() == "block" && block.NamedChildCount() < 2 {
		return TextEdit{}, false
	}
	t := f.Text
	first, last := t.LineOf(stmt.Start()), t.LineOf(stmt.End())
	start, end := t.LineStart(first), t.LineEnd(last)
	if rest := trimSpace(t.Bytes[stmt.End():end]); string(t.Bytes[start:stmt.Start()]) != t.Indent(first) || len(rest) != 0 && rest[0] != '#' {
		return TextEdit{}, false // shares its line with other code
	}
	return TextEdit{Start: start, End: t.LineStart(last + 1)}, true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
