package diagnostics

// FG102SessionCookieHTTPOnlyDisabled: SESSION_COOKIE_HTTPONLY set falsy
// (Flask's default is True, so only an explicit False is reported).
var FG102SessionCookieHTTPOnlyDisabled = &Rule{
	Code:     "FG102",
	Name:     "session-cookie-httponly-disabled",
	Severity: SeverityWarning,
	Summary:  "SESSION_COOKIE_HTTPONLY is switched off, so any script on the page (an XSS payload) can read the session cookie.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		p.checkConfig(configCheck{
			Key: "SESSION_COOKIE_HTTPONLY", Bad: falsy, Value: "True", Safe: true,
			Title:  "Set SESSION_COOKIE_HTTPONLY = True",
			BadMsg: "SESSION_COOKIE_HTTPONLY = False lets any script on the page, an XSS payload included, read the session cookie",
		})
	},
}
