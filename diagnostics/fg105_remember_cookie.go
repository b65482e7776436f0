package diagnostics

// FG105RememberCookieNotSecure: Flask-Login's "remember me" cookie is not
// Secure (REMEMBER_COOKIE_SECURE not truthy) or not HttpOnly
// (REMEMBER_COOKIE_HTTPONLY falsy), for apps with a LoginManager whose
// code logs users in with remember=... (no remember cookie otherwise).
var FG105RememberCookieNotSecure = &Rule{
	Code:     "FG105",
	Name:     "remember-cookie-not-secure",
	Severity: SeverityWarning,
	Summary:  "Flask-Login's remember-me cookie, a long-lived login token, is not marked Secure (or not HttpOnly).",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		applies := func(m *Model, a *App) bool {
			return m.LoginRemember && m.Attached(a, "LoginManager") != nil
		}
		p.checkConfig(configCheck{
			Key: "REMEMBER_COOKIE_SECURE", Bad: falsy, Missing: true, Value: "True",
			Title:      "Set REMEMBER_COOKIE_SECURE = True",
			BadMsg:     "REMEMBER_COOKIE_SECURE = False lets browsers send Flask-Login's remember-me cookie, a long-lived login token, over plain HTTP",
			MissingMsg: "%s never sets REMEMBER_COOKIE_SECURE, so browsers send Flask-Login's remember-me cookie, a long-lived login token, over plain HTTP",
			Applies:    applies,
		})
		p.checkConfig(configCheck{
			Key: "REMEMBER_COOKIE_HTTPONLY", Bad: falsy, Value: "True",
			Title:   "Set REMEMBER_COOKIE_HTTPONLY = True",
			BadMsg:  "REMEMBER_COOKIE_HTTPONLY = False lets any script on the page, an XSS payload included, steal Flask-Login's long-lived remember-me token",
			Applies: applies,
		})
	},
}
