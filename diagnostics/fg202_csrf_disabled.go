package diagnostics

import "strings"

// FG202CSRFDisabled: WTF_CSRF_ENABLED or WTF_CSRF_CHECK_DEFAULT set falsy
// in an app's configuration outside a testing config.
var FG202CSRFDisabled = &Rule{
	Code:     "FG202",
	Name:     "csrf-disabled",
	Severity: SeverityError,
	Summary:  "Flask-WTF's CSRF protection is switched off in the app's configuration.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		m := p.Model
		rep := newReporter(p)
		for _, a := range m.Apps {
			if a.Test || a.Config == nil {
				continue
			}
			for _, sc := range a.Config.Scenarios() {
				if testing := sc.Effective("TESTING"); testing.Entry != nil && testing.Entry.Value.Known && testing.Entry.Value.Truthy {
					continue
				}
				for _, key := range []string{"WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT"} {
					eff := sc.Effective(key)
					e := eff.Entry
					if e == nil || !e.Value.Known || e.Value.Truthy || eff.Source.Test || strings.Contains(strings.ToLower(eff.Source.scope), "test") {
						continue
					}
					msg := key + " = False turns Flask-WTF's CSRF protection off, so another site can submit the app's forms with a signed-in user's cookies"
					if key == "WTF_CSRF_CHECK_DEFAULT" {
						msg = key + " = False makes Flask-WTF skip the CSRF check on every view not explicitly protected, so another site can submit them with a signed-in user's cookies"
					}
					f := m.File(e.At.Path)
					if f == nil || !e.InProject {
						continue
					}
					rep.report(f, Finding{Start: e.At.Start, End: e.At.End, Message: msg, Fixes: []Fix{{
						Title: "Set " + key + " = True", Edits: []TextEdit{{Start: e.ValAt.Start, End: e.ValAt.End, NewText: "True"}},
					}}})
				}
			}
		}
	},
}
