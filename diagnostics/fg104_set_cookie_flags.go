package diagnostics

import (
	"bytes"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG104SetCookieWithoutFlags: resp.set_cookie(...) (any receiver but a
// test client) without secure=True, httponly=True or samesite=...
var FG104SetCookieWithoutFlags = &Rule{
	Code:     "FG104",
	Name:     "set-cookie-without-flags",
	Severity: SeverityWarning,
	Summary:  "A cookie is set without secure, httponly or samesite, so it may travel over plain HTTP, be read by scripts or ride along cross-site requests.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		if !bytes.Contains(p.Stmt.Bytes(), []byte("set_cookie")) || isTestFile(p.File) {
			return
		}
		p.Calls(func(call syntax.Node) {
			fn := call.Field("function")
			if fn.Kind() != "attribute" || fn.Field("attribute").Text() != "set_cookie" {
				return
			}
			if strings.Contains(strings.ToLower(fn.Field("object").Text()), "client") {
				return // the test client's set_cookie puts a cookie in its jar
			}
			args := call.Field("arguments")
			if args.Kind() != "argument_list" {
				return
			}
			pos := 0
			for _, a := range args.NamedChildren() {
				switch a.Kind() {
				case "dictionary_splat", "list_splat":
					return // flags may be in there
				case "keyword_argument", "comment":
				default:
					pos++
				}
			}
			// A cookie set to expire at once deletes it: its flags do not matter.
			for _, k := range []string{"max_age", "expires"} {
				if kw, v := KeywordArgument(args, k); !kw.IsNull() && v.Text() == "0" {
					return
				}
			}
			// set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)
			flags := []struct {
				name, value string
				index       int
				bad         func(v syntax.Node) bool
				why         string
			}{
				{"secure", "True", 6, isFalsyLiteral, "travels over plain HTTP"},
				{"httponly", "True", 7, isFalsyLiteral, "is readable by scripts"},
				{"samesite", `"Lax"`, 8, func(v syntax.Node) bool { return v.Kind() == "none" }, "rides along cross-site requests"},
			}
			var missing, whys, added []string
			var edits []TextEdit
			for _, fl := range flags {
				kw, v := KeywordArgument(args, fl.name)
				switch {
				case !kw.IsNull():
					if fl.bad(v) {
						missing, whys = append(missing, fl.name+"="+fl.value), append(whys, fl.why)
						edits = append(edits, ReplaceNode(v, fl.value))
					}
				case pos > fl.index:
				default:
					missing, whys = append(missing, fl.name+"="+fl.value), append(whys, fl.why)
					added = append(added, fl.name+"="+fl.value)
				}
			}
			if len(missing) == 0 {
				return
			}
			edits = append(edits, insertItems(p.File.Text, 0, boxOf(args), added)...)
			p.Report(call, "This cookie is set without "+joinAnd(missing)+", so it "+joinAnd(whys),
				Fix{Title: "Add " + strings.Join(missing, ", ") + " to set_cookie", Edits: edits})
		})
	},
}

func isFalsyLiteral(v syntax.Node) bool {
	t, known := LiteralTruth(v)
	return known && !t
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
