package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/jinja"
)

// FG304TemplateSafeFilter finds, in Jinja templates, the |safe filter
// (also as a {% filter safe %} block) and {% autoescape false %} blocks,
// as found by the jinja scanner. The fix deletes the construct (and the
// closing tag of its block), which returns the value to autoescaping.
var FG304TemplateSafeFilter = &Rule{
	Code:      "FG304",
	Name:      "template-safe-filter",
	Severity:  SeverityWarning,
	Summary:   "A template turns off HTML escaping with |safe or {% autoescape false %}, so user-controlled values can inject scripts.",
	Fixable:   true,
	FileKinds: []FileKind{KindTemplate},
	CheckFile: func(p *FilePass) {
		for _, m := range jinja.Scan(p.File.Text.Bytes) {
			edits := []TextEdit{wholeLine(p.File, m.Start, m.End)}
			for _, r := range m.RemoveAlso {
				edits = append(edits, wholeLine(p.File, r[0], r[1]))
			}
			switch m.Kind {
			case jinja.SafeFilter:
				p.ReportRange(m.Start, m.End, "The safe filter marks this value as trusted HTML and skips autoescaping, so user-controlled content in it can inject scripts (cross-site scripting)",
					Fix{Title: "Remove the safe filter", Edits: edits})
			case jinja.AutoescapeFalse:
				p.ReportRange(m.Start, m.End, "{% autoescape false %} turns off HTML escaping for the whole block, so any user-controlled variable in it can inject scripts (cross-site scripting)",
					Fix{Title: "Remove {% autoescape false %}", Edits: edits})
			}
		}
	},
}

// wholeLine deletes [start, end), and its whole line with the line ending
// when nothing but blanks surrounds it there (a block tag on its own line).
func wholeLine(f *File, start, end int) TextEdit {
	t := f.Text
	ls, le := t.LineStart(t.LineOf(start)), t.LineEnd(t.LineOf(end))
	if len(trimSpace(t.Bytes[ls:start])) == 0 && len(trimSpace(t.Bytes[end:le])) == 0 {
		if next := t.LineStart(t.LineOf(end) + 1); next > le {
			return TextEdit{Start: ls, End: next}
		}
	}
	return TextEdit{Start: start, End: end}
}
