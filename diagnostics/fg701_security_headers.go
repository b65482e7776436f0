package diagnostics

// FG701SecurityHeadersMissing: the app sets neither X-Content-Type-Options
// nor X-Frame-Options (or a CSP frame-ancestors) anywhere in the project,
// and uses no Flask-Talisman.
var FG701SecurityHeadersMissing = &Rule{
	Code:     "FG701",
	Name:     "security-headers-missing",
	Severity: SeverityWarning,
	Summary:  "The app sets neither X-Content-Type-Options nor X-Frame-Options, leaving browsers free to sniff content types and other sites free to frame its pages.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		m := p.Model
		if m.FrameOptions || m.ContentTypeOptions {
			return
		}
		rep := newReporter(p)
		for _, a := range m.checkedApps() {
			if m.Attached(a, "Talisman") != nil {
				continue
			}
			fd := Finding{Start: a.Call.Start, End: a.Call.End,
				Message: "The app sets neither X-Content-Type-Options nor X-Frame-Options, so browsers may run uploaded content as script and other sites can frame its pages (clickjacking)"}
			if e, ok := m.functionAfterApp(a, []string{
				"@" + a.Var + ".after_request",
				"def set_security_headers(response):",
				"\tresponse.headers.setdefault(\"X-Content-Type-Options\", \"nosniff\")",
				"\tresponse.headers.setdefault(\"X-Frame-Options\", \"SAMEORIGIN\")",
				"\treturn response",
			}); ok {
				fd.Fixes = append(fd.Fixes, Fix{Title: "Add security headers in an after_request handler", Edits: []TextEdit{e}})
			}
			if f, after, indent, ok := m.appInsertion(a); ok {
				fd.Fixes = append(fd.Fixes, Fix{
					Title:   "Protect the app with Flask-Talisman",
					Edits:   []TextEdit{insertLinesAfter(f.Text, after, []string{indent + "Talisman(" + a.Var + ")"})},
					Imports: []Import{{Module: "flask_talisman", Name: "Talisman"}},
				})
			}
			rep.report(a.File, fd)
		}
	},
}
