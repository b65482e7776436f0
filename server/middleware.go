package server

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// handle is the connection's handler: it recovers panics, enforces the
// lifecycle, handles $/cancelRequest itself (jsonrpc2's CancelHandler
// ignores numeric ids) and dispatches by method. Requests it does not know
// get MethodNotFound; unknown notifications are ignored, as the spec asks.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (err error) {
	_, isCall := req.(*jsonrpc2.Call)
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("handler panicked", zap.String("method", req.Method()),
				zap.String("panic", fmt.Sprint(v)), zap.ByteString("stack", debug.Stack()))
			err = reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("internal error in %s: %v", req.Method(), v)))
		}
	}()
	method := req.Method()
	s.log.Debug("received", zap.String("method", method))

	switch st := s.getState(); {
	case method == "exit":
		return s.exit(ctx)
	case st == stateNew && method != "initialize":
		if !isCall {
			return nil // notifications before initialize are dropped
		}
		return reply(ctx, nil, jsonrpc2.NewError(serverNotInitialized, "server not initialized"))
	case st == stateShutdown && isCall:
		return reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shutting down"))
	}

	if call, ok := req.(*jsonrpc2.Call); ok {
		id := fmt.Sprintf("%q", call.ID()) // unambiguous: #7 vs "7"
		reply = s.cancellable(id, reply)
	}
	h, known := handlers[method]
	if !known {
		if isCall {
			return reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, "method not supported: "+method))
		}
		return nil
	}
	if err := h(s, ctx, reply, req.Params()); err != nil {
		s.log.Warn("request failed", zap.String("method", method), zap.Error(err))
		if isCall {
			return reply(ctx, nil, asRPCError(err))
		}
	}
	return nil
}

// serverNotInitialized is LSP's ServerNotInitialized code.
const serverNotInitialized jsonrpc2.Code = -32002

// requestCancelled is LSP's RequestCancelled code.
const requestCancelled jsonrpc2.Code = -32800

// handlerFunc handles one method. A returned error is sent as the reply
// (for requests) and logged; handlers reply themselves on success,
// possibly later from the document loop.
type handlerFunc func(s *Server, ctx context.Context, reply jsonrpc2.Replier, params json.RawMessage) error

var handlers map[string]handlerFunc

func init() {
	handlers = map[string]handlerFunc{
		"initialize":                          (*Server).initialize,
		"initialized":                         (*Server).initialized,
		"shutdown":                            (*Server).shutdown,
		"$/cancelRequest":                     (*Server).cancelRequest,
		"$/setTrace":                          ignore,
		"textDocument/didOpen":                (*Server).didOpen,
		"textDocument/didChange":              (*Server).didChange,
		"textDocument/didClose":               (*Server).didClose,
		"textDocument/didSave":                (*Server).didSave,
		"textDocument/codeAction":             (*Server).codeAction,
		"textDocument/hover":                  (*Server).hover,
		"workspace/didChangeConfiguration":    (*Server).didChangeConfiguration,
		"workspace/didChangeWatchedFiles":     (*Server).didChangeWatchedFiles,
		"workspace/didChangeWorkspaceFolders": (*Server).didChangeWorkspaceFolders,
	}
}

func ignore(*Server, context.Context, jsonrpc2.Replier, json.RawMessage) error { return nil }

// asRPCError makes sure the client sees a proper code: plain errors would
// go out with code 0.
func asRPCError(err error) *jsonrpc2.Error {
	if e, ok := err.(*jsonrpc2.Error); ok {
		return e
	}
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, err.Error())
}

// cancellable wraps reply so that a request cancelled before it is
// answered gets RequestCancelled instead of its result.
func (s *Server) cancellable(id string, reply jsonrpc2.Replier) jsonrpc2.Replier {
	s.mu.Lock()
	s.cancelled[id] = false // in flight
	s.mu.Unlock()
	return func(ctx context.Context, result interface{}, err error) error {
		s.mu.Lock()
		cancelled := s.cancelled[id]
		delete(s.cancelled, id)
		s.mu.Unlock()
		if cancelled {
			return reply(ctx, nil, jsonrpc2.NewError(requestCancelled, "request cancelled"))
		}
		return reply(ctx, result, err)
	}
}

func (s *Server) cancelRequest(_ context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decode(params, &p); err != nil {
		return err
	}
	var id jsonrpc2.ID
	if err := json.Unmarshal(p.ID, &id); err != nil {
		return err
	}
	s.mu.Lock()
	if _, inFlight := s.cancelled[fmt.Sprintf("%q", id)]; inFlight {
		s.cancelled[fmt.Sprintf("%q", id)] = true
	}
	s.mu.Unlock()
	return nil
}

// isCancelled lets long work skip requests already cancelled.
func (s *Server) isCancelled(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cancelled[id]
}
