package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG401DebugRun finds an app started with the Werkzeug debugger on:
// app.run(debug=True), app.run(use_debugger=True) and
// werkzeug.serving.run_simple(..., use_debugger=True).
var FG401DebugRun = &Rule{
	Code:     "FG401",
	Name:     "debug-run",
	Severity: SeverityError,
	Summary:  "The app is run with the Werkzeug debugger enabled, which lets anyone who can reach it run code on the server.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			args := call.Field("arguments")
			var flags []string
			switch fn := call.Field("function"); {
			case fn.Kind() == "attribute" && fn.Field("attribute").Text() == "run" && p.IsApp(fn.Field("object")):
				flags = []string{"debug", "use_debugger"}
			case isRunSimple(p.Callee(call)):
				flags = []string{"use_debugger"}
			default:
				return
			}
			for _, flag := range flags {
				kw, value := KeywordArgument(args, flag)
				if truthy, known := LiteralTruth(value); !known || !truthy {
					continue
				}
				p.Report(kw, flag+"=True enables the Werkzeug debugger, which lets anyone who can reach the app run code on the server",
					Fix{Title: "Remove " + flag + "=True", Safe: true, Edits: []TextEdit{RemoveArgument(args, kw)}},
					Fix{
						Title:   "Read " + flag + " from the FLASK_DEBUG environment variable",
						Edits:   []TextEdit{ReplaceNode(value, `os.environ.get("FLASK_DEBUG") == "1"`)},
						Imports: []Import{{Module: "os"}},
					})
			}
		})
	},
}

func isRunSimple(q string) bool {
	return q == "werkzeug.serving.run_simple" || q == "werkzeug.run_simple"
}
