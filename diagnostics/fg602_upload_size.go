package diagnostics

// FG602UploadSizeUnlimited: the app reads request.files and
// MAX_CONTENT_LENGTH is never configured (or set to None).
var FG602UploadSizeUnlimited = &Rule{
	Code:     "FG602",
	Name:     "upload-size-unlimited",
	Severity: SeverityWarning,
	Summary:  "The app accepts file uploads without MAX_CONTENT_LENGTH, so one request can fill the server's memory or disk.",
	Fixable:  true,
	CheckProject: func(p *ProjectPass) {
		p.checkConfig(configCheck{
			Key: "MAX_CONTENT_LENGTH", Missing: true, Value: "16 * 1024 * 1024",
			Bad:        func(v ValueFact) bool { return v.None },
			Title:      "Limit request bodies to 16 MiB with MAX_CONTENT_LENGTH",
			BadMsg:     "MAX_CONTENT_LENGTH = None lets one upload of any size fill the server's memory or disk",
			MissingMsg: "%s never sets MAX_CONTENT_LENGTH although the app accepts file uploads, so one request of any size can fill the server's memory or disk",
			Applies:    func(_ *Model, a *App) bool { return a.ReadsFiles },
		})
	},
}
