package diagnostics

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/envfile"
)

// FG404DebugInEnvFile finds debug mode switched on in a dotenv file that
// Flask loads (.flaskenv, .env, .env.*): FLASK_DEBUG truthy as Flask reads
// it, or FLASK_ENV=development (Flask < 2.3). The file's name decides
// (ClassifyPath), in the CLI and the server alike. Variants meant for
// development or as examples (.env.development, .env.local, .env.test,
// .env.example...) are not reported: debug mode is their purpose.
var FG404DebugInEnvFile = &Rule{
	Code:      "FG404",
	Name:      "debug-in-env-file",
	Severity:  SeverityWarning,
	Summary:   "A .flaskenv or .env file turns on Flask's debug mode, which enables the interactive debugger wherever the file is loaded.",
	Fixable:   true,
	FileKinds: []FileKind{KindEnvFile},
	CheckFile: func(p *FilePass) {
		name := path.Base(filepath.ToSlash(p.File.Path))
		if devEnvFile(name) {
			return
		}
		for _, is := range envfile.Check(p.File.Text.Bytes) {
			var msg, title string
			switch is.Reason {
			case envfile.ReasonEnv:
				msg = "FLASK_ENV=development in " + name + " turns on debug mode (Flask before 2.3) wherever the file is loaded, and the Werkzeug debugger lets anyone who can reach the app run code on the server"
				title = "Set FLASK_ENV=production"
			default:
				msg = "FLASK_DEBUG in " + name + " turns on debug mode wherever the file is loaded, and the Werkzeug debugger lets anyone who can reach the app run code on the server"
				title = "Set FLASK_DEBUG=0"
			}
			p.ReportRange(is.Entry.KeyStart, is.Entry.ValueEnd, msg,
				Fix{Title: title, Safe: true, Edits: []TextEdit{{Start: is.LineStart, End: is.LineEnd, NewText: is.Replacement}}})
		}
	},
}

// devEnvFile reports dotenv variants for development, tests or
// documentation: ".env.development", ".env.local", ".env.example"...
func devEnvFile(name string) bool {
	suffix, ok := strings.CutPrefix(name, ".env.")
	if !ok {
		return false
	}
	switch strings.ToLower(suffix) {
	case "development", "dev", "local", "development.local", "dev.local", "test", "testing", "test.local",
		"example", "sample", "template", "dist", "defaults", "tpl":
		return true
	}
	return false
}
