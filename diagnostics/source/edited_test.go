package source

import (
	"math/rand"
	"testing"
)

// Edited answers every question as the text built splice by splice would,
// over random splices in every order (descending runs, as editors send
// them, and any other), in text with CRLF, tabs and non-ASCII characters.
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
	maxPending := 0
	for round := 0; round < 3000; round++ {
		naive := New(randText(rng.Intn(40)))
		ed := NewEdited(naive)
		descending := rng.Intn(2) == 0
		limit := naive.Bytes
		for step := 0; step < 1+rng.Intn(8); step++ {
			n := len(naive.Bytes)
			hi := n
			if descending && len(limit) < n {
				hi = len(limit)
			}
			start := rng.Intn(hi + 1)
			end := start + rng.Intn(hi-start+1)
			// Splices cut only at character boundaries, as LSP positions do.
			start, end = naive.PositionOffset(naive.OffsetPosition(start)), naive.PositionOffset(naive.OffsetPosition(end))
			if end < start {
				end = start
			}
			newText := randText(rng.Intn(4))
			// Questions about places anywhere in the current text, or (in
			// descending rounds) before the last splice, which must not
			// need the text built.
			for q := 0; q < 3; q++ {
				off := rng.Intn(n + 1)
				if descending {
					off = rng.Intn(hi + 1)
				}
				if got, want := ed.OffsetPoint(off), naive.OffsetPoint(off); got != want {
					t.Fatalf("round %d step %d: OffsetPoint(%d) = %v, want %v", round, step, off, got, want)
				}
				p := Position{Line: rng.Intn(naive.LineCount() + 1), Character: rng.Intn(6)}
				if descending {
					p = naive.OffsetPosition(off)
				}
				if got, want := ed.PositionOffset(p), naive.PositionOffset(p); got != want {
					t.Fatalf("round %d step %d: PositionOffset(%v) = %d, want %d", round, step, p, got, want)
				}
			}
			ed.Splice(Splice{Start: start, End: end, New: newText})
			maxPending = max(maxPending, len(ed.pending))
			next := append(append(append([]byte(nil), naive.Bytes[:start]...), newText...), naive.Bytes[end:]...)
			naive = New(next)
			limit = naive.Bytes[:start]
			if ed.Len() != len(naive.Bytes) {
				t.Fatalf("round %d step %d: Len %d, want %d", round, step, ed.Len(), len(naive.Bytes))
			}
		}
		if got := string(ed.Text().Bytes); got != string(naive.Bytes) {
			t.Fatalf("round %d: text %q, want %q", round, got, naive.Bytes)
		}
	}
	if maxPending < 5 {
		t.Errorf("at most %d splices pending at once: the one-pass build was hardly tested", maxPending)
	}
}
