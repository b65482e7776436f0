package server

import (
	"testing"

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
