package source

import "testing"

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
