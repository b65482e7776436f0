package diagnostics

import (
	"math"
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
	case "binary_operator", "unary_operator":
		// Constant arithmetic ("16 * 1024 * 1024") is a literal too.
		if v, ok := constNumber(n, 0); ok {
			return v != 0, true
		}
	}
	return false, false
}

// constNumber evaluates arithmetic on number literals.
func constNumber(n syntax.Node, depth int) (float64, bool) {
	if depth > 32 {
		return 0, false
	}
	switch n.Kind() {
	case "integer", "float":
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimRight(strings.ToLower(n.Text()), "jl"), "_", ""), 64)
		if err != nil {
			i, err := strconv.ParseInt(strings.ReplaceAll(strings.ToLower(n.Text()), "_", ""), 0, 64)
			return float64(i), err == nil
		}
		return v, true
	case "parenthesized_expression":
		return constNumber(n.NamedChild(0), depth+1)
	case "unary_operator":
		v, ok := constNumber(n.Field("argument"), depth+1)
		switch n.Field("operator").Text() {
		case "-":
			return -v, ok
		case "+":
			return v, ok
		}
		return 0, false
	case "binary_operator":
		a, okA := constNumber(n.Field("left"), depth+1)
		b, okB := constNumber(n.Field("right"), depth+1)
		if !okA || !okB {
			return 0, false
		}
		switch n.Field("operator").Text() {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		case "/", "//":
			if b == 0 {
				return 0, false
			}
			return a / b, true
		case "**":
			return math.Pow(a, b), true
		}
	}
	return 0, false
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
