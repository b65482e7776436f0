package diagnostics

import (
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG601UploadFilenameNotSanitized finds upload.save(path) where upload is a
// file from request.files (see IsUpload) and path uses the upload's
// .filename without secure_filename (see FilenameSources). Anchored on the
// .save(...) call.
var FG601UploadFilenameNotSanitized = &Rule{
	Code:     "FG601",
	Name:     "upload-filename-not-sanitized",
	Severity: SeverityError,
	Summary:  "An uploaded file is saved under its client-supplied file name, which allows path traversal: writing files outside the upload folder.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		p.Calls(func(call syntax.Node) {
			dst, ok := uploadSave(p, call)
			if !ok {
				return
			}
			sources := FilenameSources(p.Ctx, dst)
			if len(sources) == 0 {
				return
			}
			name, imports := secureFilenameName(p.Ctx)
			fix := Fix{Title: "Sanitise the file name with secure_filename()", Imports: imports}
			for _, s := range sources {
				if !within(s, p.Stmt) {
					fix.Edits = nil
					break
				}
				fix.Edits = append(fix.Edits, ReplaceNode(s, name+"("+s.Text()+")"))
			}
			var fixes []Fix
			if len(fix.Edits) > 0 {
				fixes = append(fixes, fix)
			}
			p.Report(call, "The upload is saved under a path built from its client-supplied filename, which can hold \"../\" or an absolute path and so overwrite any file the app can write (path traversal)", fixes...)
		})
	},
}

// uploadSave recognises upload.save(dst) / upload.save(dst=...) and
// returns the destination.
func uploadSave(p *StatementPass, call syntax.Node) (dst syntax.Node, ok bool) {
	fn := call.Field("function")
	if !isAttr(fn, "save") || !IsUpload(p.Ctx, fn.Field("object")) {
		return syntax.Node{}, false
	}
	args := call.Field("arguments")
	if args.Kind() != "argument_list" {
		return syntax.Node{}, false
	}
	if pos := PositionalArguments(args); len(pos) > 0 {
		return pos[0], true
	}
	if _, v := KeywordArgument(args, "dst"); !v.IsNull() {
		return v, true
	}
	return syntax.Node{}, false
}

// secureFilenameName is how the file can call werkzeug's secure_filename.
func secureFilenameName(ctx *Context) (string, []Import) {
	for local, q := range ctx.Imports {
		if q == "werkzeug.utils.secure_filename" || q == "werkzeug.secure_filename" {
			return local, nil
		}
	}
	if _, taken := ctx.Imports["secure_filename"]; taken {
		return "werkzeug.utils.secure_filename", []Import{{Module: "werkzeug.utils"}}
	}
	return "secure_filename", []Import{{Module: "werkzeug.utils", Name: "secure_filename"}}
}
