package diagnostics

import (
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG402DebugConfig finds debug mode switched on in configuration:
// app.debug = True, app.config["DEBUG"] = True, app.config.update(DEBUG=True)
// (also from_mapping, setdefault, a dict argument), and DEBUG = True in a
// config class that is not a development or testing one.
var FG402DebugConfig = &Rule{
	Code:     "FG402",
	Name:     "debug-config",
	Severity: SeverityError,
	Summary:  "Debug mode is switched on in the app's configuration, which enables the interactive debugger and leaks tracebacks.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		report := func(at, value syntax.Node) {
			if truthy, known := LiteralTruth(value); !known || !truthy {
				return
			}
			p.Report(at, "DEBUG = True turns on Flask's debug mode, whose debugger lets anyone who can reach the app run code on the server",
				Fix{Title: "Set DEBUG to False", Safe: true, Edits: []TextEdit{ReplaceNode(value, "False")}})
		}
		p.Stmt.Walk(func(n syntax.Node) bool {
			switch n.Kind() {
			case "class_definition":
				if name := n.Field("name").Text(); !isDevOrTestName(name) {
					for _, s := range n.Field("body").NamedChildren() {
						if s.Kind() != "expression_statement" {
							continue
						}
						if a := s.NamedChild(0); a.Kind() == "assignment" && a.Field("left").Text() == "DEBUG" {
							report(a, a.Field("right"))
						}
					}
				}
			case "assignment":
				left, right := n.Field("left"), n.Field("right")
				switch left.Kind() {
				case "attribute": // app.debug = True
					if left.Field("attribute").Text() == "debug" && p.IsApp(left.Field("object")) {
						report(n, right)
					}
				case "subscript": // app.config["DEBUG"] = True
					if isAppConfig(p, left.Field("value")) && subscriptKey(left) == "DEBUG" {
						report(n, right)
					}
				}
			case "call":
				fn := n.Field("function")
				if fn.Kind() != "attribute" || !isAppConfig(p, fn.Field("object")) {
					return true
				}
				args := n.Field("arguments")
				switch fn.Field("attribute").Text() {
				case "update", "from_mapping":
					if kw, v := KeywordArgument(args, "DEBUG"); !kw.IsNull() {
						report(kw, v)
					}
					for _, a := range PositionalArguments(args) {
						for _, pair := range mappingPairs(a) {
							if pair.key == "DEBUG" {
								report(pair.node, pair.value)
							}
						}
					}
				case "setdefault":
					if pos := PositionalArguments(args); len(pos) == 2 {
						if k, _ := StringValue(pos[0]); k == "DEBUG" {
							report(n, pos[1])
						}
					}
				}
			}
			return true
		})
	},
}

// isDevOrTestName reports class names of development and testing configs.
func isDevOrTestName(name string) bool {
	l := strings.ToLower(name)
	for _, w := range []string{"dev", "debug", "local", "test"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// isAppConfig reports "X.config" where X is a Flask app.
func isAppConfig(p *StatementPass, n syntax.Node) bool {
	return n.Kind() == "attribute" && n.Field("attribute").Text() == "config" && p.IsApp(n.Field("object"))
}

// subscriptKey returns the string key of x["KEY"].
func subscriptKey(sub syntax.Node) string {
	k, _ := StringValue(sub.Field("subscript"))
	return k
}

type mappingPair struct {
	key         string
	node, value syntax.Node
}

// mappingPairs reads {"K": v} and dict(K=v) literals.
func mappingPairs(n syntax.Node) []mappingPair {
	var out []mappingPair
	switch n.Kind() {
	case "dictionary":
		for _, p := range n.NamedChildren() {
			if p.Kind() != "pair" {
				continue
			}
			if k, ok := StringValue(p.Field("key")); ok {
				out = append(out, mappingPair{k, p, p.Field("value")})
			}
		}
	case "call":
		if DottedName(n.Field("function")) == "dict" {
			for _, a := range n.Field("arguments").NamedChildren() {
				if a.Kind() == "keyword_argument" {
					out = append(out, mappingPair{a.Field("name").Text(), a, a.Field("value")})
				}
			}
		}
	}
	return out
}
