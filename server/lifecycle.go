package server

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

type clientCapabilities struct {
	Window struct {
		WorkDoneProgress bool `json:"workDoneProgress"`
	} `json:"window"`
	Workspace struct {
		DidChangeWatchedFiles struct {
			DynamicRegistration bool `json:"dynamicRegistration"`
		} `json:"didChangeWatchedFiles"`
	} `json:"workspace"`
}

type initializeParams struct {
	RootURI          string `json:"rootUri"`
	RootPath         string `json:"rootPath"`
	WorkspaceFolders []struct {
		URI string `json:"uri"`
	} `json:"workspaceFolders"`
	InitializationOptions json.RawMessage    `json:"initializationOptions"`
	Capabilities          clientCapabilities `json:"capabilities"`
}

// fixAllKind is our source.fixAll sub-kind, so editors can run it on save.
const fixAllKind = "source.fixAll.flaskguard"

func (s *Server) initialize(ctx context.Context, reply jsonrpc2.Replier, params json.RawMessage) error {
	var p initializeParams
	if err := decode(params, &p); err != nil {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "initialize: "+err.Error())
	}
	if s.getState() != stateNew {
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice")
	}
	var roots []string
	for _, f := range p.WorkspaceFolders {
		if path := uriToPath(f.URI); path != "" {
			roots = append(roots, path)
		} else {
			// A virtual file system (vscode-vfs:, a remote): only open
			// documents are analysed, nothing is indexed or read.
			s.log.Warn("workspace folder is not a file: URI; not indexed", zap.String("uri", f.URI))
		}
	}
	if len(roots) == 0 {
		if path := uriToPath(p.RootURI); path != "" {
			roots = append(roots, path)
		} else if p.RootPath != "" {
			roots = append(roots, p.RootPath)
		}
	}
	opts, err := parseSettings(p.InitializationOptions)
	if err != nil {
		s.log.Warn("ignoring initializationOptions", zap.Error(err))
	}
	s.mu.Lock()
	s.state = stateInitialized
	s.clientCaps = p.Capabilities
	s.initOptions = opts
	s.mu.Unlock()
	s.enqueue(func() {
		s.roots = roots
		s.applySettings(opts)
	})
	return reply(ctx, map[string]interface{}{
		"capabilities": map[string]interface{}{
			"textDocumentSync": map[string]interface{}{
				"openClose": true,
				"change":    2, // incremental
				"save":      map[string]bool{"includeText": false},
			},
			"codeActionProvider": map[string]interface{}{
				"codeActionKinds": []string{"quickfix", "source.fixAll", fixAllKind},
			},
			"hoverProvider": true,
			"workspace": map[string]interface{}{
				"workspaceFolders": map[string]interface{}{"supported": true, "changeNotifications": true},
			},
		},
		"serverInfo": map[string]string{"name": "flaskguard", "version": Version},
	}, nil)
}

func (s *Server) initialized(ctx context.Context, _ jsonrpc2.Replier, _ json.RawMessage) error {
	s.enqueue(func() { s.indexWorkspace(ctx) })
	s.mu.Lock()
	dynamic := s.clientCaps.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.mu.Unlock()
	if dynamic {
		// Ask the editor to tell us about files changed outside it: other
		// modules, configuration, the config files apps load.
		go func() {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			watchers := []map[string]interface{}{}
			for _, g := range []string{"**/*.py", "**/pyproject.toml", "**/flaskguard.toml", "**/*.cfg", "**/*.json", "**/*.toml", "**/.flaskenv", "**/.env"} {
				watchers = append(watchers, map[string]interface{}{"globPattern": g})
			}
			// Folders created and deleted (kind 1|4): VS Code reports a
			// deleted or moved folder by one event for the folder, none for
			// the files in it (microsoft/vscode#109754).
			watchers = append(watchers, map[string]interface{}{"globPattern": "**/*", "kind": 5})
			_, err := s.conn.Call(cctx, "client/registerCapability", map[string]interface{}{
				"registrations": []map[string]interface{}{{
					"id": "flaskguard-watched-files", "method": "workspace/didChangeWatchedFiles",
					"registerOptions": map[string]interface{}{"watchers": watchers},
				}},
			}, nil)
			if err != nil {
				s.log.Info("client did not register file watchers", zap.Error(err))
			}
		}()
	}
	return nil
}

func (s *Server) shutdown(ctx context.Context, reply jsonrpc2.Replier, _ json.RawMessage) error {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	return reply(ctx, nil, nil)
}

// exit ends the session; Serve returns 0 if shutdown came first, else 1.
func (s *Server) exit(context.Context) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}
