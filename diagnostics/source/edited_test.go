package source

import (
	"math/rand"
	"testing"
)

// Edited answers every question as the text built splice by splice would,
// over random splices in every order (descending and ascending runs, as
// editors send them, and any other), in text with CRLF, tabs and non-ASCII
// characters.
func TestEditedMatchesSplicingOneByOne(t *testing.T) {
	pieces := []string{"a", "é", "😀", "\n", "\r\n", "\t", "xyz", "→", ""}
	rng := rand.New(rand.NewSource(1))
	randText := func(n int) []byte {
		var b []byte
		for i := 0; i < n; i++ {
			b = append(b, pieces[rng.Intn(len(pieces))]...)
		}
		return b
	}
	maxPending := [3]int{}
	for round := 0; round < 3000; round++ {
		naive := New(randText(rng.Intn(40)))
		ed := NewEdited(naive)
		mode := rng.Intn(3) // 0: any order, 1: descending, 2: ascending
		descending, ascending := mode == 1, mode == 2
		limit := naive.Bytes
		from := 0 // ascending: where the last splice's text ends
		for step := 0; step < 1+rng.Intn(8); step++ {
			n := len(naive.Bytes)
			hi := n
			if descending && len(limit) < n {
				hi = len(limit)
			}
			lo := 0
			if ascending {
				lo = from
			}
			start := lo + rng.Intn(hi-lo+1)
			end := start + rng.Intn(hi-start+1)
			// Splices cut only at character boundaries, as LSP positions do.
			start, end = naive.PositionOffset(naive.OffsetPosition(start)), naive.PositionOffset(naive.OffsetPosition(end))
			if start < lo {
				start = lo
			}
			if end < start {
				end = start
			}
			newText := randText(rng.Intn(4))
			// Questions about places anywhere in the current text, or (in
			// descending rounds) before the last splice, which must not
			// need the text built.
			for q := 0; q < 3; q++ {
				off := rng.Intn(n + 1)
				switch {
				case descending:
					off = rng.Intn(hi + 1)
				case ascending && rng.Intn(2) == 0:
					off = lo + rng.Intn(n-lo+1)
				}
				if got, want := ed.OffsetPoint(off), naive.OffsetPoint(off); got != want {
					t.Fatalf("round %d step %d: OffsetPoint(%d) = %v, want %v", round, step, off, got, want)
				}
				p := Position{Line: rng.Intn(naive.LineCount() + 1), Character: rng.Intn(6)}
				if descending || ascending {
					p = naive.OffsetPosition(off)
				}
				if got, want := ed.PositionOffset(p), naive.PositionOffset(p); got != want {
					t.Fatalf("round %d step %d: PositionOffset(%v) = %d, want %d", round, step, p, got, want)
				}
			}
			ed.Splice(Splice{Start: start, End: end, New: newText})
			maxPending[mode] = max(maxPending[mode], len(ed.pending))
			next := append(append(append([]byte(nil), naive.Bytes[:start]...), newText...), naive.Bytes[end:]...)
			naive = New(next)
			limit = naive.Bytes[:start]
			from = start + len(newText)
			if ed.Len() != len(naive.Bytes) {
				t.Fatalf("round %d step %d: Len %d, want %d", round, step, ed.Len(), len(naive.Bytes))
			}
		}
		if got := string(ed.Text().Bytes); got != string(naive.Bytes) {
			t.Fatalf("round %d: text %q, want %q", round, got, naive.Bytes)
		}
	}
	if maxPending[1] < 5 || maxPending[2] < 5 {
		t.Errorf("at most %v splices pending at once (any order, descending, ascending): the one-pass build was hardly tested", maxPending)
	}
}
