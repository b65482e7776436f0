package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG303AutoescapeDisabled finds Jinja autoescaping switched off:
// X.jinja_env.autoescape = False; jinja2.Environment(...) (and the sandboxed
// environments) with autoescape=False or without autoescape (Jinja's default
// is off); and the app's jinja_options with "autoescape" false, whether
// assigned, updated, indexed or declared in a Flask subclass. Only literal
// false values count: autoescape=select_autoescape(...) or a variable is
// the author's decision.
var FG303AutoescapeDisabled = &Rule{
	Code:     "FG303",
	Name:     "autoescape-disabled",
	Severity: SeverityError,
	Summary:  "Jinja autoescaping is turned off, so template variables are rendered as raw HTML, which allows cross-site scripting.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		setTrue := func(value syntax.Node) Fix {
			return Fix{Title: "Set autoescape to True", Edits: []TextEdit{ReplaceNode(value, "True")}}
		}
		off := func(v syntax.Node) bool {
			truthy, known := LiteralTruth(v)
			return known && !truthy
		}
		const optionsMsg = "jinja_options turns off autoescaping for the app's templates, so variables are rendered as raw HTML, which allows cross-site scripting"
		// jinja_options values: {"autoescape": False}, dict(..., autoescape=False).
		checkOptions := func(v syntax.Node) {
			for _, pair := range mappingPairs(v) {
				if pair.key == "autoescape" && off(pair.value) {
					p.Report(pair.node, optionsMsg, setTrue(pair.value))
				}
			}
		}
		p.Stmt.Walk(func(n syntax.Node) bool {
			switch n.Kind() {
			case "assignment":
				left, right := n.Field("left"), n.Field("right")
				switch {
				case isAttr(left, "autoescape") && isAttr(left.Field("object"), "jinja_env"):
					if off(right) {
						p.Report(n, "Setting jinja_env.autoescape to False renders every template variable as raw HTML, which allows cross-site scripting", setTrue(right))
					}
				case isAttr(left, "jinja_options") || left.Kind() == "identifier" && left.Text() == "jinja_options" && inClassBody(n):
					checkOptions(right)
				case left.Kind() == "subscript" && isAttr(left.Field("value"), "jinja_options") && subscriptKey(left) == "autoescape":
					if off(right) {
						p.Report(n, optionsMsg, setTrue(right))
					}
				}
			case "call":
				fn := n.Field("function")
				if fn.Kind() == "attribute" && fn.Field("attribute").Text() == "update" && isAttr(fn.Field("object"), "jinja_options") {
					args := n.Field("arguments")
					if kw, v := KeywordArgument(args, "autoescape"); !kw.IsNull() && off(v) {
						p.Report(kw, optionsMsg, setTrue(v))
					}
					for _, a := range PositionalArguments(args) {
						checkOptions(a)
					}
					return true
				}
				if !jinjaEnvironments[p.Callee(n)] {
					return true
				}
				args := n.Field("arguments")
				if args.Kind() != "argument_list" {
					return true // Environment(x for x in y): not a call we can read
				}
				kw, v := KeywordArgument(args, "autoescape")
				switch {
				case !kw.IsNull():
					if off(v) {
						p.Report(kw, "This Jinja Environment has autoescape=False, so template variables are rendered as raw HTML, which allows cross-site scripting", setTrue(v))
					}
				case !hasSplat(args) && len(PositionalArguments(args)) < 18:
					name, imports := selectAutoescapeName(p.Ctx, fn)
					p.Report(n, "A Jinja Environment created without autoescape= does not escape template variables (Jinja's default is off), which allows cross-site scripting",
						Fix{
							Title:   "Enable autoescaping with select_autoescape()",
							Edits:   []TextEdit{appendArgument(p.File, args, "autoescape="+name+"()")},
							Imports: imports,
						})
				}
			}
			return true
		})
	},
}

// jinjaEnvironments are the Environment classes whose autoescape defaults
// to off. NativeEnvironment renders Python values, not HTML: not included.
var jinjaEnvironments = map[string]bool{
	"jinja2.Environment":                           true,
	"jinja2.environment.Environment":               true,
	"jinja2.sandbox.SandboxedEnvironment":          true,
	"jinja2.sandbox.ImmutableSandboxedEnvironment": true,
}

func isAttr(n syntax.Node, name string) bool {
	return n.Kind() == "attribute" && n.Field("attribute").Text() == name
}

func hasSplat(args syntax.Node) bool {
	for _, a := range args.NamedChildren() {
		if a.Kind() == "dictionary_splat" || a.Kind() == "list_splat" {
			return true
		}
	}
	return false
}

// selectAutoescapeName is how the file can call jinja2.select_autoescape:
// an imported name, the module the Environment was reached through
// ("jinja2.select_autoescape" after "import jinja2"), or a new import.
func selectAutoescapeName(ctx *Context, envFn syntax.Node) (string, []Import) {
	for local, q := range ctx.Imports {
		if q == "jinja2.select_autoescape" || q == "jinja2.utils.select_autoescape" {
			return local, nil
		}
	}
	if envFn.Kind() == "attribute" {
		if obj := DottedName(envFn.Field("object")); obj != "" && ctx.Qualify(obj) == "jinja2" {
			return obj + ".select_autoescape", nil
		}
	}
	if _, taken := ctx.Imports["select_autoescape"]; taken {
		return "jinja2.select_autoescape", []Import{{Module: "jinja2"}}
	}
	return "select_autoescape", []Import{{Module: "jinja2", Name: "select_autoescape"}}
}

// appendArgument adds an argument at the end of an argument_list:
// "f()" → "f(x)", "f(a)" → "f(a, x)", and in a call written one argument
// per line with a trailing comma, a new line "x," with the same indentation.
func appendArgument(f *File, args syntax.Node, text string) TextEdit {
	kids := args.Children()
	if len(kids) < 2 {
		return TextEdit{Start: args.End(), End: args.End()} // unreachable for an argument_list
	}
	closeParen := kids[len(kids)-1]
	var last syntax.Node
	var comma syntax.Node
	for _, c := range kids[1 : len(kids)-1] {
		switch {
		case c.Kind() == ",":
			comma = c
		case c.IsNamed() && c.Kind() != "comment":
			last, comma = c, syntax.Node{}
		}
	}
	switch {
	case last.IsNull():
		return TextEdit{Start: closeParen.Start(), End: closeParen.Start(), NewText: text}
	case comma.IsNull():
		return TextEdit{Start: last.End(), End: last.End(), NewText: ", " + text}
	}
	t := f.Text
	line := t.LineOf(last.Start())
	if line != t.LineOf(kids[0].Start()) && string(t.Bytes[t.LineStart(line):last.Start()]) == t.Indent(line) {
		return TextEdit{Start: comma.End(), End: comma.End(), NewText: t.LineEnding() + t.Indent(line) + text + ","}
	}
	return TextEdit{Start: comma.End(), End: comma.End(), NewText: " " + text + ","}
}
