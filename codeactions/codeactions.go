// Package codeactions turns findings and their fixes into LSP code
// actions: a quickfix per fix (the first safe one preferred), "Ignore
// FGnnn for this line", and source.fixAll.flaskguard with every safe fix.
package codeactions

import (
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// FixAllKind is flaskguard's source.fixAll sub-kind.
const FixAllKind protocol.CodeActionKind = "source.fixAll.flaskguard"

// Document is what actions need of the file the request is about.
type Document struct {
	URI  string
	Path string // the findings' Path for this file
	Text *source.Text
}

// Resolve finds the URI and text of another file a fix edits.
type Resolve func(path string) (uri string, text *source.Text)

// Request is one textDocument/codeAction.
type Request struct {
	Range protocol.Range
	Only  []protocol.CodeActionKind
	// Diagnostic converts a finding to the diagnostic it was published as,
	// so actions can name the diagnostics they fix.
	Diagnostic func(diagnostics.Finding) protocol.Diagnostic
}

// For returns the actions for findings of doc that touch the request's
// range, and the fix-all action when asked for (or when context.only is
// empty and there is something to fix).
func For(doc Document, findings []diagnostics.Finding, req Request, resolve Resolve) []protocol.CodeAction {
	actions := []protocol.CodeAction{}
	start := doc.Text.PositionOffset(source.Position{Line: int(req.Range.Start.Line), Character: int(req.Range.Start.Character)})
	end := doc.Text.PositionOffset(source.Position{Line: int(req.Range.End.Line), Character: int(req.Range.End.Character)})
	if wants(req.Only, protocol.QuickFix) {
		for _, f := range findings {
			if f.End < start || f.Start > end {
				continue
			}
			diag := req.Diagnostic(f)
			preferred := false
			for _, fx := range f.Fixes {
				edit, ok := workspaceEdit(doc, fx.Edits, resolve)
				if !ok {
					continue
				}
				title := fx.Title
				if !fx.Safe {
					title += " (unsafe)"
				}
				a := protocol.CodeAction{
					Title: title, Kind: protocol.QuickFix, Diagnostics: []protocol.Diagnostic{diag}, Edit: edit,
				}
				if fx.Safe && !preferred {
					a.IsPreferred, preferred = true, true
				}
				actions = append(actions, a)
			}
			if e, ok := diagnostics.NoqaEdit(doc.Text, f.Start, f.Code); ok {
				edit, _ := workspaceEdit(doc, []diagnostics.TextEdit{e}, resolve)
				actions = append(actions, protocol.CodeAction{
					Title: "Ignore " + f.Code + " for this line", Kind: protocol.QuickFix,
					Diagnostics: []protocol.Diagnostic{diag}, Edit: edit,
				})
			}
		}
	}
	if wantsFixAll(req.Only) {
		if edits := SafeEdits(findings); len(edits) > 0 {
			edit, _ := workspaceEdit(doc, edits, resolve)
			actions = append(actions, protocol.CodeAction{Title: "Fix all safe flaskguard findings", Kind: FixAllKind, Edit: edit})
		}
	}
	return actions
}

// SafeEdits collects the first safe fix of each finding that edits only
// its own file, skipping fixes that overlap ones already taken.
func SafeEdits(findings []diagnostics.Finding) []diagnostics.TextEdit {
	return diagnostics.SelectFixes(findings, false)
}

func wants(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == kind || len(kind) > len(o) && kind[:len(o)] == o && kind[len(o)] == '.' {
			return true
		}
	}
	return false
}

// wantsFixAll: only an explicit request for source / source.fixAll /
// our kind gets the fix-all action, or a request with no filter.
func wantsFixAll(only []protocol.CodeActionKind) bool {
	return wants(only, FixAllKind)
}

// workspaceEdit converts edits (in this or other files) to LSP form.
func workspaceEdit(doc Document, edits []diagnostics.TextEdit, resolve Resolve) (*protocol.WorkspaceEdit, bool) {
	changes := map[protocol.DocumentURI][]protocol.TextEdit{}
	for _, e := range edits {
		uri, text := doc.URI, doc.Text
		if e.Path != "" && e.Path != doc.Path {
			if resolve == nil {
				return nil, false
			}
			uri, text = resolve(e.Path)
			if text == nil {
				return nil, false
			}
		}
		if e.Start < 0 || e.End > len(text.Bytes) || e.Start > e.End {
			panic(fmt.Sprintf("codeactions: edit [%d,%d) outside %d-byte text", e.Start, e.End, len(text.Bytes)))
		}
		changes[protocol.DocumentURI(uri)] = append(changes[protocol.DocumentURI(uri)], protocol.TextEdit{
			Range: protocol.Range{
				Start: lspPos(text.OffsetPosition(e.Start)),
				End:   lspPos(text.OffsetPosition(e.End)),
			},
			NewText: e.NewText,
		})
	}
	return &protocol.WorkspaceEdit{Changes: changes}, true
}

func lspPos(p source.Position) protocol.Position {
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)}
}
