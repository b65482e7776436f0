package server

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// publish sends d's findings with d's version. Never a nil slice: the
// protocol library would send null, which clients reject.
func (s *Server) publish(ctx context.Context, d *document, findings []diagnostics.Finding) {
	diags := make([]protocol.Diagnostic, 0, len(findings))
	for _, f := range findings {
		diags = append(diags, s.toDiagnostic(d.text, f))
	}
	d.published, d.lastPublished = true, d.version
	s.notify(ctx, "textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{
		URI:         protocol.DocumentURI(d.uri),
		Version:     uint32(d.version),
		Diagnostics: diags,
	})
}

func (s *Server) notify(ctx context.Context, method string, params interface{}) {
	if err := s.conn.Notify(ctx, method, params); err != nil {
		s.log.Warn("notify failed", zap.String("method", method), zap.Error(err))
	}
}

func (s *Server) toDiagnostic(t *source.Text, f diagnostics.Finding) protocol.Diagnostic {
	d := protocol.Diagnostic{
		Range:    toLSPRange(t, f.Start, f.End),
		Severity: protocol.DiagnosticSeverity(f.Severity),
		Code:     f.Code,
		Source:   "flaskguard",
		Message:  f.Message,
	}
	if r := s.engine.Registry.Rule(f.Code); r != nil {
		d.CodeDescription = &protocol.CodeDescription{Href: uri.URI(r.URL())}
	}
	for _, rel := range f.Related {
		rt := s.textOf(rel.Path)
		if rt == nil {
			continue
		}
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: protocol.DocumentURI(s.uriOf(rel.Path)), Range: toLSPRange(rt, rel.Start, rel.End)},
			Message:  rel.Message,
		})
	}
	return d
}

// textOf finds the current text of a project file by path (open buffers first).
func (s *Server) textOf(path string) *source.Text {
	for _, d := range s.docs {
		if d.file.Path == path {
			return d.text
		}
	}
	if pf := s.project.File(path); pf != nil {
		return pf.File.Text
	}
	return nil
}

// uriOf turns a finding's path back into the URI the client knows.
func (s *Server) uriOf(path string) string {
	for _, d := range s.docs {
		if d.file.Path == path {
			return d.uri
		}
	}
	if strings.Contains(path, ":") && !strings.HasPrefix(path, "/") && len(path) > 2 && path[1] != ':' {
		return path // already a URI (untitled:...)
	}
	return pathToURI(path)
}
