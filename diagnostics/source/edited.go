package source

import "bytes"

// Splice replaces Bytes[Start:End] with New.
type Splice struct {
	Start, End int
	New        []byte
}

// Edited is a text under a sequence of splices, each in the offsets of the
// text the ones before it made (as an LSP didChange's changes are). While
// each splice lies wholly before the ones still pending or wholly after
// them — editors send a multi-cursor edit's or a rename's changes from the
// end of the document to its start (VS Code) or from its start to its end
// (a replace-all in Emacs) — places outside the edited stretch are worked
// out from the original text, so no text is built in between: the edited
// text is built once, in one pass, when a place inside that stretch is
// asked for, or at the end. (Applied one by one, each change of a rename in
// a large file cost a copy and a line index of the whole text.)
type Edited struct {
	base *Text
	// pending are in base's offsets, in text order, apart from each other.
	pending   []Splice
	firstPos  Position // base's position of the first pending splice's start
	delta     int      // what the pending splices add to the length
	lineDelta int      // and to the line count
	lastLine  int      // base's line of the last pending splice's end
}

// NewEdited starts editing t (which it does not modify).
func NewEdited(t *Text) *Edited { return &Edited{base: t} }

// Len is the length of the edited text.
func (e *Edited) Len() int { return len(e.base.Bytes) + e.delta }

// PositionOffset is Text.PositionOffset in the edited text.
func (e *Edited) PositionOffset(p Position) int {
	switch {
	case len(e.pending) == 0:
	case p.Line < e.firstPos.Line || p.Line == e.firstPos.Line && p.Character <= e.firstPos.Character:
		// Before every pending splice: the text there is the original.
	case p.Line > e.lastLine+e.lineDelta:
		// On a line after them: the original line, moved.
		return e.base.PositionOffset(Position{Line: p.Line - e.lineDelta, Character: p.Character}) + e.delta
	default:
		e.flush()
	}
	return e.base.PositionOffset(p)
}

// OffsetPoint is Text.OffsetPoint in the edited text.
func (e *Edited) OffsetPoint(off int) Point {
	switch {
	case len(e.pending) == 0 || off <= e.pending[0].Start:
	case off >= e.pending[len(e.pending)-1].End+e.delta:
		if p := e.base.OffsetPoint(off - e.delta); p.Row > e.lastLine {
			return Point{Row: p.Row + e.lineDelta, Column: p.Column}
		}
		e.flush()
	default:
		e.flush()
	}
	return e.base.OffsetPoint(off)
}

// Splice applies s, whose offsets are in the edited text (within it).
func (e *Edited) Splice(s Splice) {
	switch {
	case len(e.pending) == 0:
		e.pending = append(e.pending, s)
	case s.End <= e.pending[0].Start:
		e.pending = append(e.pending, Splice{})
		copy(e.pending[1:], e.pending)
		e.pending[0] = s
	case s.Start >= e.pending[len(e.pending)-1].End+e.delta:
		s.Start, s.End = s.Start-e.delta, s.End-e.delta
		e.pending = append(e.pending, s)
	default:
		e.flush()
		e.pending = append(e.pending, s)
	}
	e.firstPos = e.base.OffsetPosition(e.pending[0].Start)
	e.lastLine = e.base.LineOf(e.pending[len(e.pending)-1].End)
	e.delta += len(s.New) - (s.End - s.Start)
	e.lineDelta += bytes.Count(s.New, []byte{'\n'}) - bytes.Count(e.base.Bytes[s.Start:s.End], []byte{'\n'})
}

// Text is the edited text.
func (e *Edited) Text() *Text {
	e.flush()
	return e.base
}

// flush builds the edited text in one pass.
func (e *Edited) flush() {
	if len(e.pending) == 0 {
		return
	}
	src := e.base.Bytes
	out := make([]byte, 0, e.Len())
	at := 0
	for _, s := range e.pending {
		out = append(out, src[at:s.Start]...)
		out = append(out, s.New...)
		at = s.End
	}
	out = append(out, src[at:]...)
	e.base, e.pending, e.delta, e.lineDelta = New(out), e.pending[:0], 0, 0
}
