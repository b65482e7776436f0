package diagnostics

import "strings"

// FG103SessionCookieSameSiteMissing: SESSION_COOKIE_SAMESITE never set
// (Flask's default is None) or set to None / "None".
var FG103SessionCookieSameSiteMissing = &Rule{
	Code:     "FG103",
	Name:     "session-cookie-samesite-missing",
	Severity: SeverityWarning,
	Summary:  "The session cookie has no SameSite attribute, so browsers attach it to requests other sites trigger, which is what CSRF exploits.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		p.checkConfig(configCheck{
			Key: "SESSION_COOKIE_SAMESITE", Missing: true, Value: `"Lax"`,
			Bad:        func(v ValueFact) bool { return v.None || v.IsStr && strings.EqualFold(v.Str, "none") },
			Title:      `Set SESSION_COOKIE_SAMESITE = "Lax"`,
			BadMsg:     "SESSION_COOKIE_SAMESITE = None lets browsers attach the session cookie to requests other sites trigger, which is what CSRF exploits",
			MissingMsg: "%s never sets SESSION_COOKIE_SAMESITE, so browsers attach the session cookie to requests other sites trigger, which is what CSRF exploits",
			Applies:    usesSession,
		})
	},
}
