package diagnostics

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// noqaPattern matches flake8/Ruff-style "# noqa" and "# noqa: A1, B2", and
// Bandit's "# nosec" (which silences every code on its line).
var noqaPattern = regexp.MustCompile(`(?i)#\s*(noqa|nosec)\b(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?`)

// Suppressed reports whether the line holding off silences code.
func Suppressed(t *source.Text, off int, code string) bool {
	return readNoqa(t.Line(t.LineOf(off))).silences(code)
}

// lineNoqa is what a line's "# noqa" / "# nosec" comments silence.
type lineNoqa struct {
	all   bool     // a bare "# noqa", or "# nosec"
	codes []string // "# noqa: FG401, FG402"
}

func readNoqa(line []byte) lineNoqa {
	var n lineNoqa
	if bytes.IndexByte(line, '#') < 0 {
		return n
	}
	for _, m := range noqaPattern.FindAllSubmatch(line, -1) {
		if len(m[2]) == 0 || strings.EqualFold(string(m[1]), "nosec") {
			n.all = true
			continue
		}
		n.codes = append(n.codes, strings.FieldsFunc(string(m[2]), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })...)
	}
	return n
}

func (n lineNoqa) silences(code string) bool {
	if n.all {
		return true
	}
	for _, c := range n.codes {
		if strings.EqualFold(c, code) {
			return true
		}
	}
	return false
}

// noqaLines reads each line's noqa comments once, for a file's findings:
// reading a long line's for each of its findings was quadratic (20,000
// findings on one 400 KB minified line: 1.4 s).
type noqaLines struct {
	t     *source.Text
	lines map[int]lineNoqa
}

func (q *noqaLines) suppressed(off int, code string) bool {
	line := q.t.LineOf(off)
	n, ok := q.lines[line]
	if !ok {
		if q.lines == nil {
			q.lines = map[int]lineNoqa{}
		}
		n = readNoqa(q.t.Line(line))
		q.lines[line] = n
	}
	return n.silences(code)
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
