package source

// Splice replaces Bytes[Start:End] with New.
type Splice struct {
	Start, End int
	New        []byte
}

// Edited is a text under a sequence of splices, each in the offsets of the
// text the ones before it made (as an LSP didChange's changes are). While
// each splice lies wholly before the ones still pending — editors send a
// multi-cursor edit's or a rename's changes from the end of the document
// to its start — the places before them read the same in the original
// text, so no text is built in between: the edited text is built once, in
// one pass, when a place past a pending splice is asked for, or at the
// end. (Applied one by one, each change of a rename in a large file cost a
// copy and a line index of the whole text.)
type Edited struct {
	base    *Text
	pending []Splice // each before the one preceding it, in base's offsets
	minPos  Position // base's position of the last pending splice's start
	delta   int      // what the pending splices add to the length
}

// NewEdited starts editing t (which it does not modify).
func NewEdited(t *Text) *Edited { return &Edited{base: t} }

// Len is the length of the edited text.
func (e *Edited) Len() int { return len(e.base.Bytes) + e.delta }

// PositionOffset is Text.PositionOffset in the edited text.
func (e *Edited) PositionOffset(p Position) int {
	if len(e.pending) > 0 && (p.Line > e.minPos.Line || p.Line == e.minPos.Line && p.Character > e.minPos.Character) {
		e.flush()
	}
	return e.base.PositionOffset(p)
}

// OffsetPoint is Text.OffsetPoint in the edited text.
func (e *Edited) OffsetPoint(off int) Point {
	if len(e.pending) > 0 && off > e.pending[len(e.pending)-1].Start {
		e.flush()
	}
	return e.base.OffsetPoint(off)
}

// Splice applies s, whose offsets are in the edited text (within it).
func (e *Edited) Splice(s Splice) {
	if len(e.pending) > 0 && s.End > e.pending[len(e.pending)-1].Start {
		e.flush()
	}
	e.pending = append(e.pending, s)
	e.minPos = e.base.OffsetPosition(s.Start)
	e.delta += len(s.New) - (s.End - s.Start)
}

// Text is the edited text.
func (e *Edited) Text() *Text {
	e.flush()
	return e.base
}

// flush builds the edited text: the pending splices, from the first in
// the text to the last, in one pass.
func (e *Edited) flush() {
	if len(e.pending) == 0 {
		return
	}
	src := e.base.Bytes
	out := make([]byte, 0, e.Len())
	at := 0
	for i := len(e.pending) - 1; i >= 0; i-- {
		s := e.pending[i]
		out = append(out, src[at:s.Start]...)
		out = append(out, s.New...)
		at = s.End
	}
	out = append(out, src[at:]...)
	e.base, e.pending, e.delta = New(out), e.pending[:0], 0
}
