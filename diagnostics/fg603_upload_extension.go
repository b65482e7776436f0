package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG603UploadExtensionNotChecked finds upload.save(path) in a function that
// never checks the file name's extension or the file's type (see
// ChecksExtension), when the path keeps something of the client's file name
// (so its extension decides how the file is served later) and the project
// sets no UPLOAD_EXTENSIONS-style config. Anchored on the .save(...) call.
var FG603UploadExtensionNotChecked = &Rule{
	Code:     "FG603",
	Name:     "upload-extension-not-checked",
	Severity: SeverityInfo,
	Summary:  "An uploaded file is saved without checking its extension, so users can upload any file type, such as HTML or scripts served back from the upload folder.",
	CheckStatement: func(p *StatementPass) {
		if p.Ctx.Rule.ExtensionConfig {
			return
		}
		p.Calls(func(call syntax.Node) {
			dst, ok := uploadSave(p, call)
			if !ok || !UsesFilename(p.Ctx, dst) {
				return
			}
			scope := p.Stmt
			for c := call.Parent(); !c.IsNull() && within(c, p.Stmt); c = c.Parent() {
				if c.Kind() == "function_definition" {
					scope = c // the outermost function: a check anywhere in it counts
				}
			}
			if ChecksExtension(scope) {
				return
			}
			p.Report(call, "The upload is saved without checking its file name's extension, so users can store any file type, such as HTML or scripts that the app may later serve back to other users")
		})
	},
}
