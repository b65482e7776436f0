package diagnostics

import (
	"regexp"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// noqaPattern matches flake8/Ruff-style "# noqa" and "# noqa: A1, B2", and
// Bandit's "# nosec" (which silences every code on its line).
var noqaPattern = regexp.MustCompile(`(?i)#\s*(noqa|nosec)\b(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?`)

// Suppressed reports whether the line holding off silences code.
func Suppressed(t *source.Text, off int, code string) bool {
	line := t.Line(t.LineOf(off))
	if len(line) == 0 || !strings.Contains(string(line), "#") {
		return false
	}
	for _, m := range noqaPattern.FindAllSubmatch(line, -1) {
		if len(m[2]) == 0 || strings.EqualFold(string(m[1]), "nosec") {
			return true
		}
		for _, c := range strings.FieldsFunc(string(m[2]), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.EqualFold(c, code) {
				return true
			}
		}
	}
	return false
}

// NoqaEdit returns the edit that silences code on the line holding off:
// merged into an existing "# noqa: ..." list, or a new "  # noqa: CODE"
// at the end of the line. ok is false when the line is already silenced.
func NoqaEdit(t *source.Text, off int, code string) (edit TextEdit, ok bool) {
	if Suppressed(t, off, code) {
		return TextEdit{}, false
	}
	lineNo := t.LineOf(off)
	start, end := t.LineStart(lineNo), t.LineEnd(lineNo)
	line := t.Bytes[start:end]
	if loc := noqaPattern.FindSubmatchIndex(line); loc != nil && loc[4] >= 0 {
		// "# noqa: FG401" → "# noqa: FG401, FG402"
		return TextEdit{Start: start + loc[5], End: start + loc[5], NewText: ", " + code}, true
	}
	return TextEdit{Start: end, End: end, NewText: "  # noqa: " + code}, true
}
