package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// hover shows, over a finding, its rule's summary and a link to its page.
func (s *Server) hover(ctx context.Context, reply jsonrpc2.Replier, params json.RawMessage) error {
	var p protocol.HoverParams
	if err := decode(params, &p); err != nil {
		return err
	}
	s.withDocument(ctx, reply, string(p.TextDocument.URI), nil, func(d *document) interface{} {
		off := d.text.PositionOffset(lspPos(p.Position))
		var parts []string
		var rng *protocol.Range
		for _, f := range d.findings {
			if off < f.Start || off > f.End {
				continue
			}
			r := s.engine.Registry.Rule(f.Code)
			if r == nil {
				continue
			}
			parts = append(parts, fmt.Sprintf("**flaskguard %s** (%s, %s)\n\n%s\n\n[Documentation](%s)", r.Code, r.Name, f.Severity, r.Summary, r.URL()))
			if rng == nil {
				x := toLSPRange(d.text, f.Start, f.End)
				rng = &x
			}
		}
		if len(parts) == 0 {
			return nil
		}
		return protocol.Hover{
			Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: strings.Join(parts, "\n\n---\n\n")},
			Range:    rng,
		}
	})
	return nil
}
