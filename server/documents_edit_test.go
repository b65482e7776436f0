package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

func TestEditKeepsLines(t *testing.T) {
	text := source.New([]byte("a = 1\nb = 2\r\nc = 3\n"))
	tests := []struct {
		name    string
		edits   []syntax.Edit
		unknown bool
		want    bool
	}{
		{"insert a character", []syntax.Edit{{Start: 2, OldEnd: 2, NewText: []byte("x")}}, false, true},
		{"delete within a line", []syntax.Edit{{Start: 0, OldEnd: 3}}, false, true},
		{"insert a line break", []syntax.Edit{{Start: 2, OldEnd: 2, NewText: []byte("\n")}}, false, false},
		{"insert a carriage return", []syntax.Edit{{Start: 2, OldEnd: 2, NewText: []byte("\r")}}, false, false},
		{"join two lines", []syntax.Edit{{Start: 5, OldEnd: 6}}, false, false},
		{"delete a CRLF's CR", []syntax.Edit{{Start: 11, OldEnd: 12}}, false, false},
		{"two edits", []syntax.Edit{{Start: 2, OldEnd: 2, NewText: []byte("x")}, {Start: 3, OldEnd: 3, NewText: []byte("y")}}, false, false},
		{"after a full replacement", []syntax.Edit{{Start: 2, OldEnd: 2, NewText: []byte("x")}}, true, false},
		{"out of range", []syntax.Edit{{Start: 2, OldEnd: 200, NewText: []byte("x")}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &document{analyzedText: text, edits: tt.edits, editsUnknown: tt.unknown}
			if got := d.editKeepsLines(); got != tt.want {
				t.Errorf("editKeepsLines = %v, want %v", got, tt.want)
			}
		})
	}
	if (&document{edits: []syntax.Edit{{}}}).editKeepsLines() {
		t.Error("a document never analysed keeps its lines")
	}
}

// moveProjectFindings: strictly, a finding on a line next to the edit
// refuses the move (its fix may read that line); loosely (for a
// publication before the project rules run again) every finding moves,
// and one inside replaced text goes to the edit's start, so that every
// offset is inside the new text.
func TestMoveProjectFindings(t *testing.T) {
	old := "aaa\nbbb\nccc\nddd\neee\nfff\n"
	findings := []diagnostics.Finding{
		{Code: "A", Path: "p.py", Start: 0, End: 3},
		{Code: "C", Path: "p.py", Start: 8, End: 11},
		{Code: "D", Path: "p.py", Start: 12, End: 15},
	}
	for _, tc := range []struct {
		name   string
		edit   syntax.Edit
		strict bool
		want   string // "" when refused
	}{
		{"replace a line, strict", syntax.Edit{Start: 4, OldEnd: 7, NewText: []byte("XXXXX")}, true, ""},
		{"replace a line, loose", syntax.Edit{Start: 4, OldEnd: 7, NewText: []byte("XXXXX")}, false, "A 0-3 C 10-13 D 14-17"},
		{"delete over a finding, loose", syntax.Edit{Start: 4, OldEnd: 11}, false, "A 0-3 C 4-4 D 5-8"},
		{"insert on the line after a finding, strict", syntax.Edit{Start: 16, OldEnd: 16, NewText: []byte("\n\n")}, true, ""},
		{"insert two lines further, strict", syntax.Edit{Start: 24, OldEnd: 24, NewText: []byte("ggg\n")}, true, "A 0-3 C 8-11 D 12-15"},
		{"insert before every finding, loose", syntax.Edit{Start: 0, OldEnd: 0, NewText: []byte("#\n")}, false, "A 2-5 C 10-13 D 14-17"},
	} {
		oldText := source.New([]byte(old))
		newText := source.New(tc.edit.Apply(oldText.Bytes))
		d := &document{analyzedText: oldText, text: newText, edits: []syntax.Edit{tc.edit}, file: &diagnostics.File{Path: "p.py"}}
		s := &Server{projectFindings: map[string][]diagnostics.Finding{"p.py": findings}}
		moved := s.moveProjectFindings([]*document{d}, tc.strict)
		got := ""
		if moved != nil {
			var parts []string
			for _, f := range moved["p.py"] {
				parts = append(parts, fmt.Sprintf("%s %d-%d", f.Code, f.Start, f.End))
				if f.Start > len(newText.Bytes) || f.End > len(newText.Bytes) {
					t.Errorf("%s: %s outside the new text (%d bytes)", tc.name, parts[len(parts)-1], len(newText.Bytes))
				}
			}
			got = strings.Join(parts, " ")
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
