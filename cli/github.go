package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// WriteGitHub prints one GitHub Actions workflow command per finding,
//
//	::error file=app.py,line=15,col=13,endLine=15,endColumn=23,title=FG401::debug=True enables ...
//
// which the runner turns into an annotation on the line (error, warning,
// or notice for info and hint). Columns are 1-based characters.
func WriteGitHub(w io.Writer, res *Result) {
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			start, end := f.Text.OffsetLocation(fd.Start), f.Text.OffsetLocation(fd.End)
			fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				githubLevel(fd.Severity), escapeProperty(filepath.ToSlash(f.Path)),
				start.Row, start.Column, end.Row, end.Column,
				escapeProperty(fd.Code), escapeData(fd.Message))
		}
	}
}

func githubLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.SeverityError:
		return "error"
	case diagnostics.SeverityWarning:
		return "warning"
	}
	return "notice"
}

// escapeData and escapeProperty encode as @actions/core's command.ts does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
