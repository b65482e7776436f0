// Package source maps between the three ways flaskguard names a place in a
// file: byte offsets (what tree-sitter and our rules use), LSP positions
// (line, UTF-16 code units) and CLI locations (1-based row, 1-based column in
// Unicode characters, as Ruff prints them). All conversions live here so that
// no other package counts columns.
//
// A line ends at "\n"; a "\r" before it belongs to the line ending, so "\r\n"
// files map the same as "\n" files. A lone "\r" is not a line break (Python's
// tokenizer and tree-sitter agree on "\n").
package source

import (
	"bytes"
	"sort"
	"sync/atomic"
	"unicode/utf8"
)

// Text is an immutable file content with its line index.
type Text struct {
	Bytes []byte
	// lineStarts[i] is the byte offset of line i's first byte.
	lineStarts []int
	// memo is the last column count made far into a long line (see
	// columns); safe for concurrent use, as the rest is read-only.
	memo atomic.Pointer[colMemo]
}

// colMemo: from the start of line to off (a character boundary) there are
// runes characters and units UTF-16 code units.
type colMemo struct{ line, off, runes, units int }

// memoSpan is how far into a line a column count must reach to be
// remembered: findings come in order, and counting each one's column from
// its line's start was quadratic on minified code (20,000 findings on one
// 400 KB line: 4.5 s).
const memoSpan = 256

// columns counts the characters and UTF-16 code units of line from its
// start to off, and returns the offset it reached: off, or the start of
// the character off falls inside. It starts from the memo when that lies
// in the line before off.
func (t *Text) columns(line, off int) (runes, units, at int) {
	i := t.lineStarts[line]
	if off-i >= memoSpan {
		if m := t.memo.Load(); m != nil && m.line == line && m.off > i {
			switch {
			case m.off <= off:
				i, runes, units = m.off, m.runes, m.units
			case m.off-off < off-i && utf8.RuneStart(t.Bytes[off]):
				// Just before the memo (a finding's fix inside it, after
				// its end): count back. A byte that starts a character is
				// where decoding from the line's start passes too.
				r, u, _ := t.count(off, m.off)
				return m.runes - r, m.units - u, off
			}
		}
	}
	r, u, i := t.count(i, off)
	runes, units = runes+r, units+u
	if i-t.lineStarts[line] >= memoSpan {
		t.memo.Store(&colMemo{line: line, off: i, runes: runes, units: units})
	}
	return runes, units, i
}

// New indexes src. It keeps src; callers must not modify it afterwards.
func New(src []byte) *Text {
	starts := make([]int, 1, len(src)/32+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Text{Bytes: src, lineStarts: starts}
}

// LineCount is the number of lines (a trailing newline starts an empty last line).
func (t *Text) LineCount() int { return len(t.lineStarts) }

// LineStart is the byte offset where line starts; lines past the end clamp to len.
func (t *Text) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(t.lineStarts) {
		return len(t.Bytes)
	}
	return t.lineStarts[line]
}

// LineEnd is the byte offset of the end of line's content, before "\r\n" or "\n".
func (t *Text) LineEnd(line int) int {
	if line < 0 {
		return 0
	}
	if line+1 >= len(t.lineStarts) {
		return len(t.Bytes) // last line: no line ending follows
	}
	end := t.lineStarts[line+1] - 1 // the "\n"
	if end > t.lineStarts[line] && t.Bytes[end-1] == '\r' {
		end--
	}
	return end
}

// Line returns the line's content without its line ending.
func (t *Text) Line(line int) []byte { return t.Bytes[t.LineStart(line):t.LineEnd(line)] }

// LineOf is the 0-based line holding byte offset off (clamped into the text).
func (t *Text) LineOf(off int) int {
	off = t.clamp(off)
	return sort.Search(len(t.lineStarts), func(i int) bool { return t.lineStarts[i] > off }) - 1
}

func (t *Text) clamp(off int) int {
	if off < 0 {
		return 0
	}
	if off > len(t.Bytes) {
		return len(t.Bytes)
	}
	return off
}

// Position is an LSP position: 0-based line and UTF-16 code units.
type Position struct{ Line, Character int }

// count counts the characters and UTF-16 code units from i to off, and
// returns the offset it reached (off, or the start of the character off
// falls inside).
func (t *Text) count(i, off int) (runes, units, at int) {
	for i < off {
		r, size := utf8.DecodeRune(t.Bytes[i:])
		if i+size > off {
			break
		}
		runes++
		units += utf16Len(r)
		i += size
	}
	return runes, units, i
}

// OffsetPosition converts a byte offset to an LSP position. An offset inside a
// UTF-8 sequence is moved back to the character's start.
func (t *Text) OffsetPosition(off int) Position {
	off = t.clamp(off)
	line := t.LineOf(off)
	if end := t.LineEnd(line); off > end {
		off = end // inside the line ending ("\r|\n"): the end of the line
	}
	_, units, _ := t.columns(line, off)
	return Position{Line: line, Character: units}
}

// PositionOffset converts an LSP position to a byte offset. Like
// terraform-ls and gopls, a character past the line's end clamps to the end
// of the line (before its line ending) and a line past the end clamps to the
// end of the text; a position inside a surrogate pair lands on the character.
func (t *Text) PositionOffset(p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(t.lineStarts) {
		return len(t.Bytes)
	}
	i, end := t.lineStarts[p.Line], t.LineEnd(p.Line)
	col := 0
	if m := t.memo.Load(); m != nil && m.line == p.Line && m.units <= p.Character && m.off <= end {
		i, col = m.off, m.units // (see columns)
	}
	for i < end && col < p.Character {
		r, size := utf8.DecodeRune(t.Bytes[i:])
		if col+utf16Len(r) > p.Character {
			break
		}
		col += utf16Len(r)
		i += size
	}
	return i
}

// Location is a CLI location: 1-based row and 1-based column counted in
// Unicode characters (Ruff's JSON convention).
type Location struct{ Row, Column int }

// OffsetLocation converts a byte offset to a CLI location.
func (t *Text) OffsetLocation(off int) Location {
	off = t.clamp(off)
	line := t.LineOf(off)
	runes, _, at := t.columns(line, off)
	// (Bytes of a character off falls inside count one each, as
	// utf8.RuneCount counts them.)
	return Location{Row: line + 1, Column: runes + utf8.RuneCount(t.Bytes[at:off]) + 1}
}

// Point is tree-sitter's position: 0-based row and byte column.
type Point struct{ Row, Column int }

// OffsetPoint converts a byte offset to a tree-sitter point.
func (t *Text) OffsetPoint(off int) Point {
	off = t.clamp(off)
	line := t.LineOf(off)
	return Point{Row: line, Column: off - t.lineStarts[line]}
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// LineEnding is the file's dominant line ending, "\r\n" or "\n", judged by its
// first line break; fixes insert lines with it.
func (t *Text) LineEnding() string {
	if len(t.lineStarts) > 1 {
		nl := t.lineStarts[1] - 1
		if nl > 0 && t.Bytes[nl-1] == '\r' {
			return "\r\n"
		}
	}
	return "\n"
}

// Indent is the leading whitespace of line.
func (t *Text) Indent(line int) string {
	l := t.Line(line)
	n := 0
	for n < len(l) && (l[n] == ' ' || l[n] == '\t') {
		n++
	}
	return string(l[:n])
}

// utf8BOM is the byte order mark some editors on Windows write first.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// StripBOM returns src without a leading UTF-8 byte order mark, and
// whether it had one. Editors hold the text without it (the mark is how
// the file is encoded, not a character of its first line), so a file read
// from disk is analysed without it too: its first line's columns are then
// the editor's, as Ruff's are. A fix written back puts it back (AddBOM).
func StripBOM(src []byte) ([]byte, bool) {
	if bytes.HasPrefix(src, utf8BOM) {
		return src[len(utf8BOM):], true
	}
	return src, false
}

// AddBOM returns src with a UTF-8 byte order mark first when bom is set.
func AddBOM(src []byte, bom bool) []byte {
	if !bom {
		return src
	}
	return append(append(make([]byte, 0, len(utf8BOM)+len(src)), utf8BOM...), src...)
}
