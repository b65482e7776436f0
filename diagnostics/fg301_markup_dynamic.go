package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG301MarkupFromDynamicString finds Markup(x) (flask, markupsafe or jinja2)
// where x is not a string literal: a name, a call, an f-string, or "+", "%"
// or .format() applied to a literal. Text built only from literals, numbers
// and escaped values (escape(), Markup's own .format() and "%", which escape
// their arguments) is fine; see StaticText.
var FG301MarkupFromDynamicString = &Rule{
	Code:     "FG301",
	Name:     "markup-from-dynamic-string",
	Severity: SeverityWarning,
	Summary:  "Markup() wraps text built at run time, so the HTML in it is trusted unescaped, which allows cross-site scripting.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			if !markupClasses[p.Callee(call)] {
				return
			}
			args := call.Field("arguments")
			if args.Kind() != "argument_list" {
				return // Markup(x for x in xs): a generator, not text
			}
			var arg syntax.Node
			if pos := PositionalArguments(args); len(pos) > 0 {
				arg = pos[0]
			} else if _, v := KeywordArgument(args, "object"); !v.IsNull() {
				arg = v
			} else {
				return // Markup() or Markup(*parts): nothing to judge
			}
			if StaticText(p.Ctx, arg, true) {
				return
			}
			// Markup(html).striptags() / .unescape() return plain text:
			// nothing reaches a template as markup.
			if a := call.Parent(); a.Kind() == "attribute" && (a.Field("attribute").Text() == "striptags" || a.Field("attribute").Text() == "unescape") {
				return
			}
			name, imports := escapeName(p.Ctx)
			p.Report(call, "Markup() marks its text as safe HTML, so a value built at run time is rendered unescaped and can inject scripts (cross-site scripting)",
				Fix{
					Title:   "Replace Markup() with escape()",
					Edits:   []TextEdit{ReplaceNode(call.Field("function"), name)},
					Imports: imports,
				})
		})
	},
}

// escapeName is how the file can call markupsafe's escape: a name it
// already imports, else "escape" imported from markupsafe, or
// "markupsafe.escape" when "escape" is taken by another import (html.escape
// returns a str, which Jinja would escape a second time).
func escapeName(ctx *Context) (string, []Import) {
	for local, q := range ctx.Imports {
		switch q {
		case "markupsafe.escape", "flask.escape", "jinja2.escape":
			return local, nil
		}
	}
	if _, taken := ctx.Imports["escape"]; taken {
		if ctx.Imports["markupsafe"] == "markupsafe" {
			return "markupsafe.escape", nil
		}
		return "markupsafe.escape", []Import{{Module: "markupsafe"}}
	}
	return "escape", []Import{{Module: "markupsafe", Name: "escape"}}
}
