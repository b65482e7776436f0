package diagnostics

// FG203CSRFExemptView: @csrf.exempt on a view (or csrf.exempt(blueprint)).
// Information only: exempting an API authenticated by tokens is legitimate.
var FG203CSRFExemptView = &Rule{
	Code:     "FG203",
	Name:     "csrf-exempt-view",
	Severity: SeverityInfo,
	Summary:  "A view is exempted from the app's CSRF protection.",
	CheckProject: func(p *ProjectPass) {
		rep := newReporter(p)
		for _, at := range p.Model.CSRFExempts {
			if f := p.Model.File(at.Path); f != nil {
				rep.report(f, Finding{Start: at.Start, End: at.End,
					Message: "csrf.exempt turns CSRF protection off here; that is only safe for requests not authenticated by cookies (an API using tokens)"})
			}
		}
	},
}
