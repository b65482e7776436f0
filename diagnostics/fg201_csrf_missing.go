package diagnostics

import (
	"fmt"
	"strings"
)

// FG201CSRFProtectionMissing: an app has views accepting POST, PUT, PATCH
// or DELETE and at least one of them is not protected against CSRF.
var FG201CSRFProtectionMissing = &Rule{
	Code:     "FG201",
	Name:     "csrf-protection-missing",
	Severity: SeverityError,
	Summary:  "Views that change state accept requests without a CSRF check, so another site can submit them with a signed-in user's cookies.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		m := p.Model
		rep := newReporter(p)
		for _, a := range m.checkedApps() {
			if m.Attached(a, "CSRFProtect", "SeaSurf") != nil {
				continue
			}
			var open []*View
			for _, v := range a.Views {
				if len(v.Mutating()) > 0 && !m.viewProtected(a, v) {
					open = append(open, v)
				}
			}
			if len(open) == 0 {
				continue
			}
			fd := Finding{Start: a.Call.Start, End: a.Call.End}
			names := make([]string, 0, len(open))
			for _, v := range open {
				names = append(names, v.Name)
				fd.Related = append(fd.Related, Related{Path: v.At.Path, Start: v.At.Start, End: v.At.End,
					Message: fmt.Sprintf("%s accepts %s without a CSRF check", v.Name, strings.Join(v.Mutating(), ", "))})
			}
			subject := "The view " + names[0] + " accepts"
			if len(names) > 1 {
				if len(names) > 4 {
					names = append(names[:3], "...")
				}
				subject = fmt.Sprintf("%d views (%s) accept", len(open), strings.Join(names, ", "))
			}
			fd.Message = subject + " state-changing requests without CSRF protection, so another site can submit them with a signed-in user's cookies"
			if f, after, indent, ok := m.appInsertion(a); ok {
				stmt := "csrf = CSRFProtect(" + a.Var + ")"
				if a.Scope != "" {
					stmt = "CSRFProtect(" + a.Var + ")"
				}
				fd.Fixes = []Fix{{
					Title:   "Protect the app with CSRFProtect",
					Edits:   []TextEdit{insertLinesAfter(f.Text, after, []string{indent + stmt})},
					Imports: []Import{{Module: "flask_wtf.csrf", Name: "CSRFProtect"}},
				}}
			}
			rep.report(a.File, fd)
		}
	},
}
