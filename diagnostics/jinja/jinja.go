// Package jinja is a small, dependency-free scanner for Jinja2 templates
// that finds constructs which switch off HTML autoescaping:
//
//   - the `safe` filter (`{{ x|safe }}`, `{% set y = x | safe %}`,
//     `{% filter safe %}...{% endfilter %}`), reported as [SafeFilter];
//   - `{% autoescape false %}` blocks, reported as [AutoescapeFalse].
//
// There is no tree-sitter grammar for Jinja, so this package reproduces the
// parts of Jinja's own lexer (jinja2/lexer.py, Jinja 3.x) that matter here:
// the `{{ }}`, `{% %}` and `{# #}` delimiters with their `-`/`+` whitespace
// control markers, `{% raw %}...{% endraw %}` sections, string literals and
// bracket balancing inside tags (a `}}` or `%}` inside brackets does not end
// the tag). Only the default delimiters are supported; line statements and
// line comments (disabled by default in Jinja and in Flask) are not.
//
// Scan makes a single forward pass over the input, so it runs in linear time,
// and it never panics. On templates that Jinja itself would reject (an
// unterminated tag, string, comment or raw block) it degrades gracefully:
// an unterminated comment or raw block hides the rest of the input, while an
// unterminated `{{` or `{%` tag extends to the end of the input and is still
// examined, which is the helpful behaviour while a template is being typed.
//
// # Fixes
//
// Every [Match] is designed so that the quick fix is a pure deletion:
// removing the byte range [Start, End) and every range in RemoveAlso leaves a
// valid template with the construct gone and everything else untouched.
package jinja

import "bytes"

// Kind says what a [Match] found.
type Kind int

const (
	// SafeFilter is a use of Jinja's `safe` filter, which marks a value as
	// markup so that autoescaping does not apply to it.
	SafeFilter Kind = iota + 1
	// AutoescapeFalse is an `{% autoescape false %}` tag, which disables
	// autoescaping for the whole block up to `{% endautoescape %}`.
	AutoescapeFalse
)

// String returns the name of the kind.
func (k Kind) String() string {
	switch k {
	case SafeFilter:
		return "SafeFilter"
	case AutoescapeFalse:
		return "AutoescapeFalse"
	}
	return "Kind(?)"
}

// Match is one finding. Start and End are byte offsets into the scanned
// source, End exclusive.
//
// For SafeFilter the range is normally the pipe and the filter name, from
// the '|' to the end of "safe" (`|safe`, `| safe`, `|\n  safe`), plus an
// argument list if one follows (`|safe()`). Deleting it leaves the rest of
// the filter chain intact: `x|e|safe|trim` becomes `x|e|trim`.
//
// The `safe` filter can also be the filter of a filter block. Then:
//
//   - `{% filter safe %}...{% endfilter %}` (safe is the only filter, or
//     all filters in the chain are safe): Start/End cover the whole opening
//     tag, delimiters and whitespace-control markers included. Deleting only
//     that tag would leave an unbalanced `{% endfilter %}`, so RemoveAlso
//     holds the range of the matching `{% endfilter %}` tag; a fix must
//     delete both. RemoveAlso is empty when the template has no matching
//     endfilter (Jinja would reject such a template anyway).
//   - `{% filter safe | upper %}` (safe first, other filters after it): the
//     range runs from the start of "safe" up to the next filter name, so
//     deleting it leaves `{% filter upper %}`.
//   - `{% filter upper | safe %}`: the ordinary `| safe` pipe range.
//
// For AutoescapeFalse the range is the whole `{% autoescape false %}` tag and
// RemoveAlso holds the matching `{% endautoescape %}` tag (if any), so that
// deleting both returns the block's content to the default autoescaping.
// (Replacing the `false` by `true` is the other obvious fix.)
//
// Matches returned by [Scan] are sorted by Start and their [Start, End)
// ranges do not overlap each other nor any RemoveAlso range; every
// RemoveAlso range lies after its own match's End.
type Match struct {
	Kind       Kind
	Start, End int
	// RemoveAlso lists further [start, end) byte ranges that must be deleted
	// together with [Start, End) (the closing tag of a block); nil if none.
	RemoveAlso [][2]int
}

// Scan returns the autoescape-defeating constructs in the Jinja template src,
// sorted by position. It never fails: malformed input just yields fewer (or
// best-effort) matches.
//
// Nothing is reported inside `{# comments #}`, inside `{% raw %}` sections,
// inside string literals within tags, or in template text outside tags.
// `|safeguard`, `|safe_html`, `x.safe`, `|safe.x` (a dotted filter name) and
// `'safe'` (a string, e.g. in `map('safe')`) are not the safe filter.
func Scan(src []byte) []Match {
	s := scanner{src: src}
	s.run()
	return s.matches
}

type tokKind uint8

const (
	tName tokKind = iota
	tString
	tNumber
	tOp
)

type token struct {
	kind       tokKind
	start, end int
}

type scanner struct {
	src     []byte
	matches []Match
	toks    []token // tokens of the tag being examined; reused
	// Stacks of open filter / autoescape blocks. Each element is the index
	// in matches of the Match reported for the opening tag, or -1 if the
	// opening tag was not reported as a whole.
	filters     []int
	autoescapes []int
}

var (
	commentEnd = []byte("#}")
	blockStart = []byte("{%")
)

func (s *scanner) run() {
	src := s.src
	n := len(src)
	i := 0
	for i < n {
		k := bytes.IndexByte(src[i:], '{')
		if k < 0 {
			return
		}
		j := i + k
		if j+1 >= n {
			return
		}
		switch src[j+1] {
		case '#':
			// Comments end at the first "#}" ("-#}" and "+#}" end there
			// too). An unterminated comment is an error in Jinja; treat the
			// rest of the input as comment.
			e := bytes.Index(src[j+2:], commentEnd)
			if e < 0 {
				return
			}
			i = j + 2 + e + 2
		case '{':
			i = s.tag(j, false)
		case '%':
			if end, ok := s.raw(j); ok {
				i = end
			} else {
				i = s.tag(j, true)
			}
		default:
			i = j + 1
		}
	}
}

// raw checks for a `{% raw %}` tag at j. If there is one, it returns the
// offset just past the matching `{% endraw %}` (or len(src) if there is
// none) and true.
//
// Jinja: raw_begin is `{%(-|+|)\s*raw\s*(-%}|%})`, and the raw section ends
// at `{%(-|+|)\s*endraw\s*(+%}|-%}|%})`.
func (s *scanner) raw(j int) (int, bool) {
	src := s.src
	p := j + 2
	if p < len(src) && (src[p] == '-' || src[p] == '+') {
		p++
	}
	p = skipSpace(src, p)
	if !bytes.HasPrefix(src[p:], []byte("raw")) {
		return 0, false
	}
	p = skipSpace(src, p+3)
	switch {
	case bytes.HasPrefix(src[p:], []byte("-%}")):
		p += 3
	case bytes.HasPrefix(src[p:], []byte("%}")):
		p += 2
	default:
		return 0, false
	}
	for {
		k := bytes.Index(src[p:], blockStart)
		if k < 0 {
			return len(src), true // unterminated raw block
		}
		q := p + k + 2
		p = q
		if q < len(src) && (src[q] == '-' || src[q] == '+') {
			q++
		}
		q = skipSpace(src, q)
		if !bytes.HasPrefix(src[q:], []byte("endraw")) {
			continue
		}
		q = skipSpace(src, q+6)
		switch {
		case bytes.HasPrefix(src[q:], []byte("-%}")), bytes.HasPrefix(src[q:], []byte("+%}")):
			return q + 3, true
		case bytes.HasPrefix(src[q:], []byte("%}")):
			return q + 2, true
		}
	}
}

// tag tokenizes the `{{ ... }}` (block == false) or `{% ... %}` tag that
// starts at j, examines it, and returns the offset just past its end (or
// len(src) for an unterminated tag).
func (s *scanner) tag(j int, block bool) int {
	src := s.src
	n := len(src)
	p := j + 2
	if p < n && (src[p] == '-' || src[p] == '+') {
		p++ // whitespace-control marker of the opening delimiter
	}
	s.toks = s.toks[:0]
	depth := 0 // bracket depth; end delimiters only count at depth 0
	end := n
scan:
	for p < n {
		c := src[p]
		if isSpace(c) {
			p++
			continue
		}
		if depth == 0 {
			if block {
				if (c == '-' || c == '+') && p+2 < n && src[p+1] == '%' && src[p+2] == '}' {
					end = p + 3
					break scan
				}
				if c == '%' && p+1 < n && src[p+1] == '}' {
					end = p + 2
					break scan
				}
			} else {
				if c == '-' && p+2 < n && src[p+1] == '}' && src[p+2] == '}' {
					end = p + 3
					break scan
				}
				if c == '}' && p+1 < n && src[p+1] == '}' {
					end = p + 2
					break scan
				}
			}
		}
		start := p
		var kind tokKind
		switch {
		case c == '\'' || c == '"':
			kind = tString
			p = skipString(src, p)
		case isNameStart(c):
			kind = tName
			for p < n && isNameByte(src[p]) {
				p++
			}
		case c >= '0' && c <= '9':
			kind = tNumber
			for p < n && isNameByte(src[p]) {
				p++
			}
		default:
			kind = tOp
			p++
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				// Jinja rejects mismatched brackets; be lenient.
				if depth > 0 {
					depth--
				}
			}
		}
		s.toks = append(s.toks, token{kind, start, p})
	}
	s.examine(j, end, block)
	return end
}

// examine reports the findings in the tag [tagStart, tagEnd) whose tokens
// are in s.toks.
func (s *scanner) examine(tagStart, tagEnd int, block bool) {
	from := 0
	if block && len(s.toks) > 0 && s.toks[0].kind == tName {
		switch {
		case s.nameIs(0, "filter"):
			from = s.filterTag(tagStart, tagEnd)
			if from < 0 {
				return
			}
		case s.nameIs(0, "endfilter"):
			closeBlock(&s.filters, s.matches, tagStart, tagEnd)
			return
		case s.nameIs(0, "autoescape"):
			if len(s.toks) == 2 && (s.nameIs(1, "false") || s.nameIs(1, "False")) {
				s.autoescapes = append(s.autoescapes, len(s.matches))
				s.matches = append(s.matches, Match{Kind: AutoescapeFalse, Start: tagStart, End: tagEnd})
				return
			}
			s.autoescapes = append(s.autoescapes, -1)
			from = 1
		case s.nameIs(0, "endautoescape"):
			closeBlock(&s.autoescapes, s.matches, tagStart, tagEnd)
			return
		}
	}
	s.pipes(from)
}

// closeBlock pops the innermost open block from stack and, if its opening
// tag was reported, records the closing tag [start, end) in its RemoveAlso.
func closeBlock(stack *[]int, matches []Match, start, end int) {
	st := *stack
	if len(st) == 0 {
		return // unbalanced end tag
	}
	idx := st[len(st)-1]
	*stack = st[:len(st)-1]
	if idx >= 0 {
		matches[idx].RemoveAlso = append(matches[idx].RemoveAlso, [2]int{start, end})
	}
}

// filterTag handles `{% filter CHAIN %}`. It returns the token index from
// which ordinary `|safe` pipes should still be looked for, or -1 if the tag
// has been fully handled.
func (s *scanner) filterTag(tagStart, tagEnd int) int {
	toks := s.toks
	if !s.isSafeName(1) {
		s.filters = append(s.filters, -1)
		return 1
	}
	// The chain starts with one or more `safe` filters.
	first := toks[1].start
	i := 1
	for {
		i++ // past "safe"
		if i < len(toks) && s.isOp(i, '(') {
			i = s.closeParen(i) + 1
		}
		if i < len(toks) && s.isOp(i, '|') && i+1 < len(toks) {
			if s.isSafeName(i + 1) {
				i++
				continue
			}
			// `safe | other ...`: delete up to the next filter's name.
			s.matches = append(s.matches, Match{Kind: SafeFilter, Start: first, End: toks[i+1].start})
			s.filters = append(s.filters, -1)
			return i + 1
		}
		break
	}
	// Only safe filters (or something Jinja would reject): the whole tag.
	s.filters = append(s.filters, len(s.matches))
	s.matches = append(s.matches, Match{Kind: SafeFilter, Start: tagStart, End: tagEnd})
	return -1
}

// pipes reports every `| safe` filter application among s.toks[from:].
func (s *scanner) pipes(from int) {
	toks := s.toks
	for i := from; i+1 < len(toks); i++ {
		if !s.isOp(i, '|') || !s.isSafeName(i+1) {
			continue
		}
		k := i + 1
		if k+1 < len(toks) && s.isOp(k+1, '(') {
			// `x|safe()` is valid Jinja (a filter call without arguments);
			// the argument list goes with the filter.
			k = s.closeParen(k + 1)
		}
		s.matches = append(s.matches, Match{Kind: SafeFilter, Start: toks[i].start, End: toks[k].end})
		i = k
	}
}

// isSafeName reports whether token i is the filter name "safe" (and not the
// first part of a dotted filter name such as `safe.x`).
func (s *scanner) isSafeName(i int) bool {
	if i >= len(s.toks) || !s.nameIs(i, "safe") {
		return false
	}
	return !(i+1 < len(s.toks) && s.isOp(i+1, '.'))
}

// closeParen returns the index of the token that closes the bracket opened
// by token i, or the last token index if it is never closed.
func (s *scanner) closeParen(i int) int {
	depth := 0
	for k := i; k < len(s.toks); k++ {
		if s.toks[k].kind != tOp {
			continue
		}
		switch s.src[s.toks[k].start] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return len(s.toks) - 1
}

func (s *scanner) isOp(i int, c byte) bool {
	t := s.toks[i]
	return t.kind == tOp && s.src[t.start] == c
}

// nameIs reports whether token i is the name lit.
func (s *scanner) nameIs(i int, lit string) bool {
	t := s.toks[i]
	return t.kind == tName && string(s.src[t.start:t.end]) == lit
}

// skipString returns the offset just past the string literal whose opening
// quote is at p, or len(src) if it is unterminated.
func skipString(src []byte, p int) int {
	q := src[p]
	for p++; p < len(src); p++ {
		switch src[p] {
		case '\\':
			p++
		case q:
			return p + 1
		}
	}
	return len(src)
}

func skipSpace(src []byte, p int) int {
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	return p
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isNameStart: Jinja identifiers may contain non-ASCII letters, so every
// byte >= 0x80 is treated as part of a name (`safeé` is not `safe`).
func isNameStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isNameByte(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9')
}
