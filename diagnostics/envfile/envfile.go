// Package envfile parses dotenv files (`.flaskenv`, `.env`, `.env.*`) the
// way Flask reads them, and reports settings that turn on Flask's debug mode
// (rule FG404).
//
// Flask loads these files with python-dotenv, so Parse follows
// python-dotenv's grammar (dotenv/parser.py) rather than a generic
// "KEY=value per line" reading:
//
//   - optional `export ` prefix; keys are unquoted (`[^=#\s]+`) or
//     'single-quoted'; spaces are allowed before and after `=`;
//   - values are unquoted, 'single-quoted' (escapes \\ and \') or
//     "double-quoted" (escapes \\ \' \" \a \b \f \n \r \t \v); quoted values
//     may span several lines;
//   - in unquoted values a `#` starts a comment only when whitespace precedes
//     it (`A=x#y` is "x#y", `A=x #y` is "x"), and trailing whitespace is
//     dropped;
//   - a line that does not parse (`A="x" junk`, `= value`, an unterminated
//     quote) is skipped up to its end, and parsing resumes on the next line;
//   - `\n`, `\r\n` and `\r` all end a line (Python reads the file with
//     universal newlines).
package envfile

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Entry is one KEY=value binding.
type Entry struct {
	Key   string // the key, without quotes
	Value string // the value as Flask sees it: unquoted, escapes decoded
	// Line is the 0-based line of the key (lines end at \n, \r\n or \r).
	Line int
	// KeyStart/KeyEnd delimit the key as written (including the quotes of
	// a 'quoted' key). ValueStart/ValueEnd delimit the raw value text: the
	// quotes of a quoted value are included; an unquoted value excludes
	// the whitespace around it and any trailing ` # comment`. For `KEY=`
	// ValueStart == ValueEnd.
	KeyStart, KeyEnd, ValueStart, ValueEnd int
}

// binding is a parsed KEY=value or a bare KEY (hasValue false, which
// python-dotenv returns as None and Flask ignores).
type binding struct {
	Entry
	hasValue bool
}

// Parse returns the bindings of a dotenv file in file order. It never fails:
// malformed lines are skipped. A key without `=` (a bare `KEY` line) is not
// returned, since it sets nothing.
func Parse(src []byte) []Entry {
	var out []Entry
	for _, b := range parseBindings(src) {
		if b.hasValue {
			out = append(out, b.Entry)
		}
	}
	return out
}

func parseBindings(src []byte) []binding {
	var out []binding
	lc := lineCounter{src: src}
	for p := 0; p < len(src); {
		b, next, ok := parseBinding(src, p)
		if next <= p { // cannot happen; guarantees termination
			next = p + 1
		}
		p = next
		if ok {
			b.Line = lc.lineAt(b.KeyStart)
			out = append(out, b)
		}
	}
	return out
}

// parseBinding parses one binding starting at p (python-dotenv's
// parse_binding). It returns the binding, the offset where the next one
// starts, and whether a key was found.
func parseBinding(src []byte, p int) (b binding, next int, ok bool) {
	n := len(src)
	p = skipSpace(src, p, true)
	if p >= n {
		return b, n, false
	}
	if bytes.HasPrefix(src[p:], []byte("export")) {
		if q := skipSpace(src, p+6, false); q > p+6 {
			p = q
		}
	}
	if p >= n {
		return b, n, false // `export ` at the end: an error in dotenv
	}
	if src[p] == '#' {
		return b, restOfLine(src, p), false // a comment line
	}

	// Key.
	b.KeyStart = p
	if src[p] == '\'' {
		k := bytes.IndexByte(src[p+1:], '\'')
		if k <= 0 { // `'[^']+'` needs a closing quote and one char
			return b, restOfLine(src, p), false
		}
		k += p + 1
		b.Key = normalizeNewlines(string(src[p+1 : k]))
		p = k + 1
	} else {
		q := p
		for q < n {
			r, size := decodeRune(src, q)
			if r == '=' || r == '#' || isPySpace(r) {
				break
			}
			q += size
		}
		if q == p {
			return b, restOfLine(src, p), false
		}
		b.Key = string(src[p:q])
		p = q
	}
	b.KeyEnd = p

	// Value.
	p = skipSpace(src, p, false)
	if p < n && src[p] == '=' {
		b.hasValue = true
		p = skipSpace(src, p+1, false)
		b.ValueStart = p
		switch {
		case p < n && (src[p] == '\'' || src[p] == '"'):
			end, found := scanQuoted(src, p)
			if !found {
				return b, restOfLine(src, p), false
			}
			b.Value = decodeQuoted(normalizeNewlines(string(src[p+1:end-1])), src[p])
			b.ValueEnd = end
			p = end
		case p >= n || src[p] == '\n' || src[p] == '\r':
			b.ValueEnd = p // empty value
		default:
			// The value starts with a non-space character, so it is never
			// empty: `KEY= # c` is "# c" in python-dotenv.
			eol := lineEnd(src, p)
			b.ValueEnd = unquotedEnd(src, p, eol)
			b.Value = string(src[p:b.ValueEnd])
			p = eol
		}
	} else {
		b.ValueStart, b.ValueEnd = b.KeyEnd, b.KeyEnd
	}

	// Optional comment, then the end of the line.
	if q := skipSpace(src, p, false); q < n && src[q] == '#' {
		p = lineEnd(src, q)
	}
	p = skipSpace(src, p, false)
	switch {
	case p >= n:
		return b, n, true
	case src[p] == '\n':
		return b, p + 1, true
	case src[p] == '\r':
		if p+1 < n && src[p+1] == '\n' {
			return b, p + 2, true
		}
		return b, p + 1, true
	}
	return b, restOfLine(src, p), false // trailing garbage
}

// scanQuoted finds the closing quote of the quoted value whose opening quote
// is at p and returns the offset just past it. It reproduces the regex
// `"((?:\\"|[^"])*)"` including its backtracking: a backslash-quote pair
// does not close the value, unless no plain quote follows anywhere, in
// which case the last such pair's quote closes it.
func scanQuoted(src []byte, p int) (end int, ok bool) {
	q := src[p]
	lastEscaped := -1
	for i := p + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && src[i+1] == q {
				lastEscaped = i + 1
				i++
			}
		case q:
			return i + 1, true
		}
	}
	if lastEscaped >= 0 {
		return lastEscaped + 1, true
	}
	return 0, false
}

// decodeQuoted decodes the escapes python-dotenv decodes: \\ and \' in
// single-quoted values; \\ \' \" \a \b \f \n \r \t \v in double-quoted ones.
// Other backslashes are kept as they are.
func decodeQuoted(s string, quote byte) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			d := s[i+1]
			var r byte
			switch {
			case d == '\\' || d == '\'':
				r = d
			case quote == '"':
				switch d {
				case '"':
					r = '"'
				case 'a':
					r = '\a'
				case 'b':
					r = '\b'
				case 'f':
					r = '\f'
				case 'n':
					r = '\n'
				case 'r':
					r = '\r'
				case 't':
					r = '\t'
				case 'v':
					r = '\v'
				}
			}
			if r != 0 {
				b.WriteByte(r)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unquotedEnd returns the end of the unquoted value in src[vs:eol]: the
// value is cut at the first whitespace run that is followed by '#'
// (python-dotenv's re.sub(r"\s+#.*", "", part)), then right-trimmed.
func unquotedEnd(src []byte, vs, eol int) int {
	end := eol
	wsStart := -1
	for i := vs; i < eol; {
		r, size := decodeRune(src, i)
		switch {
		case isPySpace(r):
			if wsStart < 0 {
				wsStart = i
			}
		case r == '#' && wsStart >= 0:
			end = wsStart
			i = eol
			continue
		default:
			wsStart = -1
		}
		i += size
	}
	// rstrip
	for end > vs {
		r, size := utf8.DecodeLastRune(src[vs:end])
		if !isPySpace(r) {
			break
		}
		end -= size
	}
	return end
}

// skipSpace skips Python whitespace (`\s`); with multiline false it stops at
// '\r' and '\n' (`[^\S\r\n]`).
func skipSpace(src []byte, p int, multiline bool) int {
	for p < len(src) {
		r, size := decodeRune(src, p)
		if !isPySpace(r) || (!multiline && (r == '\n' || r == '\r')) {
			break
		}
		p += size
	}
	return p
}

// isPySpace reports whether Python's str.isspace (and so regex `\s`) is true
// for r.
func isPySpace(r rune) bool {
	switch {
	case r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f):
		return true
	case r < 0x80:
		return false
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func decodeRune(src []byte, p int) (rune, int) {
	if c := src[p]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRune(src[p:])
}

// lineEnd returns the offset of the first '\r' or '\n' at or after p, or
// len(src).
func lineEnd(src []byte, p int) int {
	for p < len(src) && src[p] != '\n' && src[p] != '\r' {
		p++
	}
	return p
}

// lineStart returns the offset just after the last '\r' or '\n' before p.
func lineStart(src []byte, p int) int {
	for p > 0 && src[p-1] != '\n' && src[p-1] != '\r' {
		p--
	}
	return p
}

// restOfLine returns the offset just past the end of the line containing p
// (python-dotenv's error recovery).
func restOfLine(src []byte, p int) int {
	p = lineEnd(src, p)
	if p < len(src) && src[p] == '\r' {
		p++
	}
	if p < len(src) && src[p] == '\n' {
		p++
	}
	return p
}

func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// lineCounter maps increasing offsets to 0-based line numbers in linear
// total time.
type lineCounter struct {
	src  []byte
	pos  int
	line int
}

func (c *lineCounter) lineAt(off int) int {
	for c.pos < off && c.pos < len(c.src) {
		switch c.src[c.pos] {
		case '\n':
			c.line++
		case '\r':
			c.line++
			if c.pos+1 < off && c.src[c.pos+1] == '\n' {
				c.pos++
			}
		}
		c.pos++
	}
	return c.line
}

// IsEnvFileName reports whether a file's base name is a dotenv file that
// FG404 checks: ".flaskenv", ".env", or ".env.<something>" (".env.local",
// ".env.development", ".env.production", ...). "env.py", ".envrc" and
// ".env." are not.
func IsEnvFileName(base string) bool {
	if strings.ContainsAny(base, `/\`) {
		return false
	}
	return base == ".flaskenv" || base == ".env" || (strings.HasPrefix(base, ".env.") && len(base) > len(".env."))
}

// Issue is an FG404 finding: a dotenv setting that turns on Flask's debug
// mode (the interactive debugger allows arbitrary code execution).
type Issue struct {
	Entry Entry
	// Reason is "FLASK_DEBUG is truthy" or "FLASK_ENV=development".
	Reason string
	// Replacement is the full new text for [LineStart, LineEnd): the same
	// line with only the value replaced, by 0 for FLASK_DEBUG and by
	// production for FLASK_ENV, keeping an `export ` prefix, the spacing,
	// the value's quote style and any trailing comment.
	Replacement string
	// LineStart/LineEnd delimit the binding's line without its line ending
	// (\n, \r\n or \r), so replacing that range keeps the line ending. For
	// a quoted value spanning several lines it runs from the start of the
	// key's line to the end of the line where the value ends.
	LineStart, LineEnd int
}

const (
	ReasonDebug = "FLASK_DEBUG is truthy"
	ReasonEnv   = "FLASK_ENV=development"
)

// posixVariable is python-dotenv's interpolation pattern.
var posixVariable = regexp.MustCompile(`\$\{[^}:]*(?::-[^}]*)?\}`)

// Check returns the FG404 issues of a dotenv file, in file order.
//
// Only the last binding of a key counts, as in python-dotenv (a later bare
// `KEY` line unsets it). FLASK_DEBUG is truthy exactly when Flask's
// get_debug_flag says so: any non-empty value except "0", "false" and "no"
// (case-insensitive); so "1", "true", "yes", "on" but also "2" or "off"
// enable debug mode. A value that uses ${VAR} interpolation is unknown and
// not reported. FLASK_ENV is reported when it is "development", compared
// case-insensitively.
func Check(src []byte) []Issue {
	bs := parseBindings(src)
	lastDebug, lastEnv := -1, -1
	for i, b := range bs {
		switch b.Key {
		case "FLASK_DEBUG":
			lastDebug = i
		case "FLASK_ENV":
			lastEnv = i
		}
	}
	var out []Issue
	for i, b := range bs {
		if !b.hasValue || (i != lastDebug && i != lastEnv) {
			continue
		}
		var reason, repl string
		switch {
		case i == lastDebug && debugTruthy(b.Value):
			reason, repl = ReasonDebug, "0"
		case i == lastEnv && strings.EqualFold(b.Value, "development"):
			reason, repl = ReasonEnv, "production"
		default:
			continue
		}
		if b.ValueEnd > b.ValueStart {
			if q := src[b.ValueStart]; q == '"' || q == '\'' {
				repl = string(q) + repl + string(q)
			}
		}
		ls := lineStart(src, b.KeyStart)
		le := lineEnd(src, b.ValueEnd)
		out = append(out, Issue{
			Entry:       b.Entry,
			Reason:      reason,
			Replacement: string(src[ls:b.ValueStart]) + repl + string(src[b.ValueEnd:le]),
			LineStart:   ls,
			LineEnd:     le,
		})
	}
	return out
}

func debugTruthy(v string) bool {
	if v == "" || posixVariable.MatchString(v) {
		return false
	}
	switch strings.ToLower(v) {
	case "0", "false", "no":
		return false
	}
	return true
}
