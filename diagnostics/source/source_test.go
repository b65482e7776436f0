package source

import (
	"math/rand"
	"sort"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	// "😀" is 4 bytes and 2 UTF-16 units; "日" is 3 bytes and 1 unit; "é" 2 bytes, 1 unit.
	text := New([]byte("a😀b\r\n日é\nlast"))
	tests := []struct {
		off  int
		pos  Position
		loc  Location
		line int
	}{
		{0, Position{0, 0}, Location{1, 1}, 0},
		{1, Position{0, 1}, Location{1, 2}, 0},
		{5, Position{0, 3}, Location{1, 3}, 0},  // after the emoji: 1 + 2 units
		{6, Position{0, 4}, Location{1, 4}, 0},  // before "\r"
		{8, Position{1, 0}, Location{2, 1}, 1},  // start of line 1
		{11, Position{1, 1}, Location{2, 2}, 1}, // after 日
		{13, Position{1, 2}, Location{2, 3}, 1}, // after é
		{14, Position{2, 0}, Location{3, 1}, 2},
		{18, Position{2, 4}, Location{3, 5}, 2}, // end of text
	}
	for _, tc := range tests {
		if got := text.OffsetPosition(tc.off); got != tc.pos {
			t.Errorf("OffsetPosition(%d) = %v, want %v", tc.off, got, tc.pos)
		}
		if got := text.PositionOffset(tc.pos); got != tc.off {
			t.Errorf("PositionOffset(%v) = %d, want %d", tc.pos, got, tc.off)
		}
		if got := text.OffsetLocation(tc.off); got != tc.loc {
			t.Errorf("OffsetLocation(%d) = %v, want %v", tc.off, got, tc.loc)
		}
		if got := text.LineOf(tc.off); got != tc.line {
			t.Errorf("LineOf(%d) = %d, want %d", tc.off, got, tc.line)
		}
	}
}

func TestPositionClamping(t *testing.T) {
	text := New([]byte("a😀b\r\nxy"))
	tests := []struct {
		pos  Position
		want int
	}{
		{Position{0, 99}, 6}, // past the line's end: before "\r\n"
		{Position{0, 2}, 1},  // inside the surrogate pair: the character's start
		{Position{7, 0}, 10}, // past the last line: end of text
		{Position{-1, 3}, 0}, // negative line
		{Position{1, 1}, 9},
	}
	for _, tc := range tests {
		if got := text.PositionOffset(tc.pos); got != tc.want {
			t.Errorf("PositionOffset(%v) = %d, want %d", tc.pos, got, tc.want)
		}
	}
	// An offset inside a UTF-8 sequence maps to the character's start.
	if got := text.OffsetPosition(3); got != (Position{0, 1}) {
		t.Errorf("OffsetPosition(mid-emoji) = %v", got)
	}
}

func TestLinesAndEndings(t *testing.T) {
	crlf := New([]byte("x = 1\r\n    y\r\n"))
	if crlf.LineEnding() != "\r\n" || crlf.LineCount() != 3 {
		t.Fatalf("CRLF: ending %q, %d lines", crlf.LineEnding(), crlf.LineCount())
	}
	if string(crlf.Line(1)) != "    y" || crlf.Indent(1) != "    " {
		t.Errorf("line 1 = %q indent %q", crlf.Line(1), crlf.Indent(1))
	}
	lf := New([]byte("a\nb"))
	if lf.LineEnding() != "\n" || string(lf.Line(1)) != "b" || lf.LineEnd(1) != 3 {
		t.Errorf("LF text misread")
	}
	lone := New([]byte("a\rb\n"))
	if lone.LineCount() != 2 || string(lone.Line(0)) != "a\rb" {
		t.Errorf("a lone CR must not break lines: %q", lone.Line(0))
	}
	if p := New(nil).OffsetPosition(5); p != (Position{0, 0}) {
		t.Errorf("empty text: %v", p)
	}
}

// An offset between "\r" and "\n" maps to the end of the line's content,
// the only place LSP can name there.
func TestOffsetInsideCRLF(t *testing.T) {
	text := New([]byte("ab\r\ncd"))
	if got := text.OffsetPosition(3); got != (Position{0, 2}) {
		t.Fatalf("OffsetPosition(between CR and LF) = %v, want 0:2", got)
	}
	if got := text.PositionOffset(text.OffsetPosition(3)); got != 2 {
		t.Fatalf("round trip = %d, want 2", got)
	}
}

// Column counts that start from the memo of an earlier count in a long
// line give what counting from the line's start gives (a fresh Text has
// no memo), for offsets in order, backwards and at random, in lines of
// ASCII, two- and four-byte characters, invalid bytes and CRLF endings.
func TestColumnsFromTheMemo(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	pieces := []string{"a", "b", " ", "é", "😀", "日", "\xff", "\xe2\x82", "\r\n", "\n", "(", "x = 1;"}
	for round := 0; round < 30; round++ {
		var b strings.Builder
		for b.Len() < 4000 {
			p := pieces[rng.Intn(len(pieces))]
			if (p == "\n" || p == "\r\n") && rng.Intn(64) != 0 {
				continue // long lines
			}
			b.WriteString(p)
		}
		src := []byte(b.String())
		text := New(src)
		offs := make([]int, 300)
		for i := range offs {
			offs[i] = rng.Intn(len(src) + 1)
		}
		switch round % 3 {
		case 0:
			sort.Ints(offs)
		case 1:
			sort.Sort(sort.Reverse(sort.IntSlice(offs)))
		}
		for _, off := range offs {
			fresh := New(src)
			if got, want := text.OffsetPosition(off), fresh.OffsetPosition(off); got != want {
				t.Fatalf("round %d: OffsetPosition(%d) = %+v, want %+v", round, off, got, want)
			}
			if got, want := text.OffsetLocation(off), New(src).OffsetLocation(off); got != want {
				t.Fatalf("round %d: OffsetLocation(%d) = %+v, want %+v", round, off, got, want)
			}
			p := text.OffsetPosition(off)
			p.Character += rng.Intn(3) - 1
			if got, want := text.PositionOffset(p), New(src).PositionOffset(p); got != want {
				t.Fatalf("round %d: PositionOffset(%+v) = %d, want %d", round, p, got, want)
			}
		}
	}
}

// Columns of offsets in order along one long line cost a constant each,
// not the distance from the line's start.
func BenchmarkColumnsAlongALongLine(b *testing.B) {
	src := []byte(strings.Repeat("app.run(debug=True);é ", 20000))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		text := New(src)
		for off := 0; off < len(src); off += 23 {
			text.OffsetLocation(off)
			text.OffsetPosition(off)
		}
	}
}
