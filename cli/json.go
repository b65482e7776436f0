package cli

import (
	"encoding/json"
	"io"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// The JSON output has Ruff's shape so that tools reading `ruff check
// --output-format json` read ours: rows 1-based, columns 1-based in
// characters, fix edits with content and locations.

type jsonLocation struct {
	Row    int `json:"row"`
	Column int `json:"column"`
}

type jsonEdit struct {
	Content     string       `json:"content"`
	Location    jsonLocation `json:"location"`
	EndLocation jsonLocation `json:"end_location"`
}

type jsonFix struct {
	Applicability string     `json:"applicability"` // "safe" | "unsafe"
	Message       string     `json:"message"`
	Edits         []jsonEdit `json:"edits"`
}

type jsonFinding struct {
	Cell        *int         `json:"cell"`
	Code        string       `json:"code"`
	Message     string       `json:"message"`
	Filename    string       `json:"filename"`
	Location    jsonLocation `json:"location"`
	EndLocation jsonLocation `json:"end_location"`
	Fix         *jsonFix     `json:"fix"`
	URL         string       `json:"url"`
	NoqaRow     int          `json:"noqa_row"`
	Severity    string       `json:"severity"`
}

func loc(t *source.Text, off int) jsonLocation {
	l := t.OffsetLocation(off)
	return jsonLocation{Row: l.Row, Column: l.Column}
}

// WriteJSON prints the findings as a Ruff-shaped JSON array.
func WriteJSON(w io.Writer, res *Result) error {
	reg := diagnostics.DefaultRegistry()
	out := []jsonFinding{}
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			jf := jsonFinding{
				Code: fd.Code, Message: fd.Message, Filename: f.Path,
				Location: loc(f.Text, fd.Start), EndLocation: loc(f.Text, fd.End),
				NoqaRow: f.Text.LineOf(fd.Start) + 1, Severity: fd.Severity.String(),
			}
			if r := reg.Rule(fd.Code); r != nil {
				jf.URL = r.URL()
			}
			if fx := preferredFix(fd); fx != nil && localEdits(fx, fd.Path) {
				j := &jsonFix{Applicability: "unsafe", Message: fx.Title, Edits: []jsonEdit{}}
				if fx.Safe {
					j.Applicability = "safe"
				}
				for _, e := range fx.Edits {
					j.Edits = append(j.Edits, jsonEdit{Content: e.NewText, Location: loc(f.Text, e.Start), EndLocation: loc(f.Text, e.End)})
				}
				jf.Fix = j
			}
			out = append(out, jf)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// preferredFix is the first safe fix, else the first fix.
func preferredFix(fd diagnostics.Finding) *diagnostics.Fix {
	for i := range fd.Fixes {
		if fd.Fixes[i].Safe {
			return &fd.Fixes[i]
		}
	}
	if len(fd.Fixes) > 0 {
		return &fd.Fixes[0]
	}
	return nil
}

func localEdits(fx *diagnostics.Fix, path string) bool {
	for _, e := range fx.Edits {
		if e.Path != "" && e.Path != path {
			return false
		}
	}
	return true
}

// WriteStatisticsJSON prints --statistics as a JSON array of
// {code, name, count, fixable}, as Ruff does.
func WriteStatisticsJSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Statistics(res))
}
