package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG302TemplateStringFromDynamicValue finds render_template_string(x) where
// the template source x is not a literal. Escaping does not help here: an
// escaped "{{ config }}" is still a template, so only literals, numbers and
// names bound to them count as static (StaticText without escapes).
var FG302TemplateStringFromDynamicValue = &Rule{
	Code:     "FG302",
	Name:     "template-string-from-dynamic-value",
	Severity: SeverityError,
	Summary:  "render_template_string() is given a template built at run time, which allows server-side template injection and cross-site scripting.",
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			switch p.Callee(call) {
			case "flask.render_template_string", "flask.templating.render_template_string":
			default:
				return
			}
			args := call.Field("arguments")
			if args.Kind() != "argument_list" {
				return
			}
			var src syntax.Node
			if pos := PositionalArguments(args); len(pos) > 0 {
				src = pos[0]
			} else if _, v := KeywordArgument(args, "source"); !v.IsNull() {
				src = v
			} else {
				return
			}
			if StaticText(p.Ctx, src, false) {
				return
			}
			p.Report(call, "render_template_string() compiles its first argument as a Jinja template, so text built at run time lets users run template code on the server (server-side template injection) and inject HTML")
		})
	},
}
