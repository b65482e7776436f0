package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

func (s *Server) didOpen(_ context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	uri := string(p.TextDocument.URI)
	s.enqueue(func() {
		if old := s.docs[uri]; old != nil {
			old.close()
		}
		d := newDocument(uri, string(p.TextDocument.LanguageID), p.TextDocument.Version, p.TextDocument.Text, s.moduleOf(uriToPath(uri)))
		s.place(d)
		s.docs[uri] = d
		s.touch(d)
		s.log.Debug("opened", zap.String("uri", uri), zap.Int32("version", d.version), zap.Int("kind", int(d.kind)))
	})
	return nil
}

func (s *Server) didChange(_ context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p didChangeParams
	if err := decode(params, &p); err != nil {
		return err
	}
	uri := string(p.TextDocument.URI)
	s.enqueue(func() {
		d := s.docs[uri]
		if d == nil {
			s.log.Warn("didChange for a document that is not open", zap.String("uri", uri))
			return
		}
		// Versions must increase; an older or repeated one is a reordered
		// or duplicated message, and applying it would corrupt the text.
		if p.TextDocument.Version <= d.version {
			s.log.Warn("ignoring stale didChange", zap.String("uri", uri),
				zap.Int32("version", p.TextDocument.Version), zap.Int32("have", d.version))
			return
		}
		d.applyChanges(p.ContentChanges)
		d.version = p.TextDocument.Version
		d.dirty = true
		s.touch(d)
	})
	return nil
}

func (s *Server) didClose(ctx context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	uri := string(p.TextDocument.URI)
	s.enqueue(func() {
		d := s.docs[uri]
		if d == nil {
			return
		}
		d.close()
		delete(s.docs, uri)
		s.forgetDocument(d)
		// Clear what the editor shows: an empty list, never null.
		s.notify(ctx, "textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{
			URI: protocol.DocumentURI(uri), Diagnostics: []protocol.Diagnostic{},
		})
	})
	return nil
}

func (s *Server) didSave(_ context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	// The open buffer is already the truth for Python files; a saved
	// configuration file changes the settings.
	var p protocol.DidSaveTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	if path := uriToPath(string(p.TextDocument.URI)); path != "" && isConfigFile(path) {
		s.enqueue(s.reloadSettings)
	}
	return nil
}
