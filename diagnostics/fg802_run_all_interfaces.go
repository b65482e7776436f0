package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG802RunOnAllInterfaces finds app.run(host="0.0.0.0") and "::".
var FG802RunOnAllInterfaces = &Rule{
	Code:     "FG802",
	Name:     "run-on-all-interfaces",
	Severity: SeverityInfo,
	Summary:  "The development server listens on every network interface, so anyone on the network can reach it.",
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			fn := call.Field("function")
			args := call.Field("arguments")
			var host syntax.Node
			switch {
			case fn.Kind() == "attribute" && fn.Field("attribute").Text() == "run" && p.IsApp(fn.Field("object")):
				_, host = KeywordArgument(args, "host")
				if pos := PositionalArguments(args); host.IsNull() && len(pos) > 0 {
					host = pos[0]
				}
			case isRunSimple(p.Callee(call)):
				_, host = KeywordArgument(args, "hostname")
				if pos := PositionalArguments(args); host.IsNull() && len(pos) > 0 {
					host = pos[0]
				}
			default:
				return
			}
			if s, ok := StringValue(host); ok && (s == "0.0.0.0" || s == "::") {
				p.Report(host, "the development server listens on all interfaces ("+s+"), exposing it to the whole network; bind to 127.0.0.1 and put a production server in front")
			}
		})
	},
}
