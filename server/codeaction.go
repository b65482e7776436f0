package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/codeactions"
	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

func (s *Server) codeAction(ctx context.Context, reply jsonrpc2.Replier, params json.RawMessage) error {
	var p protocol.CodeActionParams
	if err := decode(params, &p); err != nil {
		return err
	}
	s.withDocument(ctx, reply, string(p.TextDocument.URI), []protocol.CodeAction{}, func(d *document) interface{} {
		return codeactions.For(
			codeactions.Document{URI: d.uri, Path: d.file.Path, Text: d.text},
			d.findings,
			codeactions.Request{
				Range: p.Range, Only: p.Context.Only,
				Diagnostic: func(f diagnostics.Finding) protocol.Diagnostic { return s.toDiagnostic(d.text, f) },
			},
			func(path string) (string, *source.Text) { return s.uriOf(path), s.textOf(path) },
		)
	})
	return nil
}

// withDocument answers a request about a document from the document loop,
// once the document's findings are current: with answer(d), or with
// absent when the document is not open.
func (s *Server) withDocument(ctx context.Context, reply jsonrpc2.Replier, uri string, absent interface{}, answer func(*document) interface{}) {
	s.enqueue(func() {
		d := s.docs[uri]
		if d == nil {
			reply(ctx, absent, nil)
			return
		}
		s.ensureAnalyzed(ctx, d)
		reply(ctx, answer(d), nil)
	})
}
