package server

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// progress reports work-done progress ($/progress begin/report/end) when
// the client supports it; otherwise its methods do nothing.
type progress struct {
	s     *Server
	ctx   context.Context
	token string
}

func (s *Server) beginProgress(ctx context.Context, title string) *progress {
	s.mu.Lock()
	supported := s.clientCaps.Window.WorkDoneProgress
	s.mu.Unlock()
	if !supported {
		return &progress{}
	}
	token := fmt.Sprintf("flaskguard-%d", time.Now().UnixNano())
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.conn.Call(cctx, "window/workDoneProgress/create", map[string]string{"token": token}, nil); err != nil {
		s.log.Info("client refused progress", zap.Error(err))
		return &progress{}
	}
	p := &progress{s: s, ctx: ctx, token: token}
	p.send(map[string]interface{}{"kind": "begin", "title": title, "percentage": 0, "cancellable": false})
	return p
}

func (p *progress) send(value map[string]interface{}) {
	if p.s == nil {
		return
	}
	p.s.notify(p.ctx, "$/progress", map[string]interface{}{"token": p.token, "value": value})
}

func (p *progress) report(done, total int) {
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	p.send(map[string]interface{}{"kind": "report", "message": fmt.Sprintf("%d/%d files", done, total), "percentage": pct})
}

func (p *progress) end() { p.send(map[string]interface{}{"kind": "end"}) }
