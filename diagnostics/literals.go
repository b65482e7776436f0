package diagnostics

import (
	"strconv"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// LiteralTruth evaluates a literal's truthiness: known is false for
// anything that is not a literal (names, calls, environment reads), which
// rules treat as "set externally", never as true or false.
func LiteralTruth(n syntax.Node) (truthy, known bool) {
	switch n.Kind() {
	case "true":
		return true, true
	case "false", "none":
		return false, true
	case "integer", "float":
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimRight(strings.ToLower(n.Text()), "jl"), "_", ""), 64)
		if err != nil {
			return true, true // hex, octal: non-zero in practice
		}
		return v != 0, true
	case "string", "concatenated_string":
		s, ok := StringValue(n)
		if !ok {
			return false, false // f-string with interpolation
		}
		return s != "", true
	case "parenthesized_expression":
		return LiteralTruth(n.NamedChild(0))
	}
	return false, false
}

// StringValue returns a plain string literal's content (escapes are kept
// as written; rules only compare simple values). ok is false for f-strings
// with interpolations and for non-strings.
func StringValue(n syntax.Node) (string, bool) {
	switch n.Kind() {
	case "string":
		var b strings.Builder
		for _, c := range n.NamedChildren() {
			switch c.Kind() {
			case "string_content", "escape_sequence":
				b.WriteString(c.Text())
			case "interpolation":
				return "", false
			}
		}
		return b.String(), true
	case "concatenated_string":
		var b strings.Builder
		for _, c := range n.NamedChildren() {
			s, ok := StringValue(c)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	case "parenthesized_expression":
		return StringValue(n.NamedChild(0))
	}
	return "", false
}
