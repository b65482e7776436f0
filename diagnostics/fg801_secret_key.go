package diagnostics

import (
	"bytes"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG801SecretKeyHardcoded: SECRET_KEY / app.secret_key assigned a string or
// bytes literal (error), or read from the environment with a literal
// fallback (information). Look-alike keys (JWT_SECRET_KEY,
// WTF_CSRF_SECRET_KEY, SECRET_KEY_HMAC) are not the session key; test
// files and development/testing config classes are left alone.
var FG801SecretKeyHardcoded = &Rule{
	Code:     "FG801",
	Name:     "secret-key-hardcoded",
	Severity: SeverityError,
	Summary:  "The app's SECRET_KEY is written in the source, so anyone who can read the code can forge session cookies.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		src := p.Stmt.Bytes()
		if !bytes.Contains(src, []byte("SECRET_KEY")) && !bytes.Contains(src, []byte("secret_key")) || isTestFile(p.File) {
			return
		}
		p.Stmt.Walk(func(n syntax.Node) bool {
			switch n.Kind() {
			case "class_definition":
				if isDevOrTestName(n.Field("name").Text()) {
					return false
				}
				for _, s := range n.Field("body").NamedChildren() {
					if a := s.NamedChild(0); s.Kind() == "expression_statement" && a.Kind() == "assignment" && a.Field("left").Text() == "SECRET_KEY" {
						checkSecretValue(p, a, a.Field("right"))
					}
				}
			case "assignment":
				left, right := n.Field("left"), n.Field("right")
				switch left.Kind() {
				case "identifier":
					if left.Text() == "SECRET_KEY" && atModuleLevel(n) {
						checkSecretValue(p, n, right)
					}
				case "subscript":
					if obj := left.Field("value"); obj.Kind() == "attribute" && obj.Field("attribute").Text() == "config" && subscriptKey(left) == "SECRET_KEY" {
						checkSecretValue(p, n, right)
					}
				case "attribute":
					if obj := left.Field("object"); left.Field("attribute").Text() == "secret_key" && (p.IsApp(obj) || isAppish(DottedName(obj))) {
						checkSecretValue(p, n, right)
					}
				}
			case "call":
				fn := n.Field("function")
				if fn.Kind() != "attribute" || fn.Field("object").Kind() != "attribute" || fn.Field("object").Field("attribute").Text() != "config" {
					return true
				}
				args := n.Field("arguments")
				switch fn.Field("attribute").Text() {
				case "update", "from_mapping":
					if kw, v := KeywordArgument(args, "SECRET_KEY"); !kw.IsNull() {
						checkSecretValue(p, kw, v)
					}
					for _, a := range PositionalArguments(args) {
						for _, pair := range mappingPairs(a) {
							if pair.key == "SECRET_KEY" {
								checkSecretValue(p, pair.node, pair.value)
							}
						}
					}
				case "setdefault":
					if pos := PositionalArguments(args); len(pos) == 2 {
						if k, _ := StringValue(pos[0]); k == "SECRET_KEY" {
							checkSecretValue(p, n, pos[1])
						}
					}
				}
			}
			return true
		})
	},
}

// atModuleLevel reports a node outside functions and classes.
func atModuleLevel(n syntax.Node) bool {
	for c := n.Parent(); !c.IsNull(); c = c.Parent() {
		switch c.Kind() {
		case "function_definition", "class_definition", "lambda":
			return false
		}
	}
	return true
}

const secretEnvFix = `os.environ["SECRET_KEY"]`

// checkSecretValue reports a literal secret (at, the whole assignment), or
// a literal fallback of an environment read.
func checkSecretValue(p *StatementPass, at, v syntax.Node) {
	for v.Kind() == "parenthesized_expression" {
		v = v.NamedChild(0)
	}
	if s, ok := StringValue(v); ok {
		if s == "" {
			return
		}
		p.Report(at, "SECRET_KEY is hard-coded: anyone who can read the source can forge session cookies and anything else the app signs",
			Fix{Title: "Read SECRET_KEY from the environment", Edits: []TextEdit{ReplaceNode(v, secretEnvFix)}, Imports: []Import{{Module: "os"}}})
		return
	}
	var env, fallback syntax.Node
	switch v.Kind() {
	case "call": // os.environ.get("SECRET_KEY", "dev"), os.getenv(...)
		switch p.Callee(v) {
		case "os.environ.get", "os.getenv":
			if pos := PositionalArguments(v.Field("arguments")); len(pos) == 2 {
				env, fallback = pos[0], pos[1]
			} else if kw, d := KeywordArgument(v.Field("arguments"), "default"); !kw.IsNull() && len(pos) == 1 {
				env, fallback = pos[0], d
			}
		}
	case "boolean_operator": // os.environ.get("SECRET_KEY") or "dev"
		if l := v.Field("left"); l.Kind() == "call" && (p.Callee(l) == "os.environ.get" || p.Callee(l) == "os.getenv") && v.Field("operator").Text() == "or" {
			if pos := PositionalArguments(l.Field("arguments")); len(pos) == 1 {
				env, fallback = pos[0], v.Field("right")
			}
		}
	}
	if s, ok := StringValue(fallback); !ok || s == "" {
		return
	}
	name, ok := StringValue(env)
	fix := Fix{Title: "Require SECRET_KEY from the environment", Imports: []Import{{Module: "os"}}}
	if ok && name != "" {
		fix.Edits = []TextEdit{ReplaceNode(v, `os.environ["`+name+`"]`)}
	}
	p.ReportRange(fallback.Start(), fallback.End(), "SECRET_KEY falls back to a hard-coded value when the environment variable is missing, and a forgotten variable then signs sessions with a key anyone can read in the source",
		fix)
	(*p.findings)[len(*p.findings)-1].Severity = SeverityInfo
}
