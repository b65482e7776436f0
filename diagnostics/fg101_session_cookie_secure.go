package diagnostics

// FG101SessionCookieNotSecure: the app's session cookie is not marked
// Secure (SESSION_COOKIE_SECURE never set truthy, or set falsy), in the
// app's effective configuration across every file of the project.
var FG101SessionCookieNotSecure = &Rule{
	Code:     "FG101",
	Name:     "session-cookie-not-secure",
	Severity: SeverityWarning,
	Summary:  "The session cookie is not marked Secure, so browsers also send it over plain HTTP, where anyone on the network can read it.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		p.checkConfig(configCheck{
			Key: "SESSION_COOKIE_SECURE", Bad: falsy, Missing: true, Value: "True",
			Title:      "Set SESSION_COOKIE_SECURE = True",
			BadMsg:     "SESSION_COOKIE_SECURE = False lets browsers send the session cookie over plain HTTP, where anyone on the network can read it",
			MissingMsg: "%s never sets SESSION_COOKIE_SECURE, so browsers also send the session cookie over plain HTTP, where anyone on the network can read it",
			Applies:    usesSession,
		})
	},
}
