// Package server is flaskguard's language server: the JSON-RPC connection,
// lifecycle, document store, incremental sync, diagnostics publishing, code
// actions and hover. One file per LSP area.
//
// Concurrency: the connection's reader calls handle for each message in
// order. Everything that touches documents runs on one goroutine (the
// document loop, see loop.go), in the order messages arrived; analysis
// happens there too, after pending changes are applied, so the reader is
// never blocked by analysis and a burst of edits is analysed once.
package server

import (
	"context"
	"io"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/config"
	"github.com/flaskguard/flaskguard/diagnostics"
)

// Version is reported in initialize's serverInfo.
var Version = "dev"

// Server is one LSP session.
type Server struct {
	log      *zap.Logger
	logLevel *zap.AtomicLevel
	conn     jsonrpc2.Conn

	mu          sync.Mutex
	state       state
	cancelled   map[string]bool // in-flight request ids → cancelled
	clientCaps  clientCapabilities
	exited      chan struct{}
	exitOnce    sync.Once
	initOptions settingsPayload

	work chan func() // the document loop's queue
	// Owned by the document loop:
	docs         map[string]*document
	engine       *diagnostics.Engine
	project      *diagnostics.Project
	roots        []string
	projectDirty bool   // workspace files changed on disk
	touches      uint64 // a clock for document.touched
	keptTrees    int    // see keptTrees
	// deferProjectRulesAbove: see the package variable. projectPending:
	// an analysis published edited documents before running the project
	// rules, which settle runs when no input waits.
	deferProjectRulesAbove int
	projectPending         bool
	// projectFindings are the project rules' findings of the last analysis
	// (before Finish), by path.
	projectFindings map[string][]diagnostics.Finding
	// modelConfigFiles are the non-Python files the model read when last
	// built (Model.ConfigFiles); the model itself is not kept.
	modelConfigFiles []string
	// fileEvents counts the file events seen per path: a load of a changed
	// file that ran off the loop is put in only if no event for the file
	// came since it started (see didChangeWatchedFiles).
	fileEvents map[string]uint64
	// freshenTimer fires freshenDelay after the last burst of work that
	// left a document whose tree may differ from a fresh parse (see
	// freshenDocuments).
	freshenTimer *time.Timer
	freshenDelay time.Duration
	// maxIndexed bounds the modules the indexing reads (see
	// maxIndexedFiles).
	maxIndexed int
	settings   diagnostics.Settings
	// config is the workspace configuration file (nil: none); the
	// editor settings are laid over it.
	config         *config.File
	editorSettings settingsPayload
}

type state int

const (
	stateNew state = iota
	stateInitialized
	stateShutdown
)

// Options configure a server.
type Options struct {
	Log *zap.Logger
	// LogLevel, when set, is changed by the client's logLevel setting.
	LogLevel *zap.AtomicLevel
}

// Serve runs an LSP session over r/w until the client exits or the input
// ends, and returns the process exit code: 0 after shutdown then exit, 1
// otherwise.
// serverCreated, when set (by tests), is told of every server Serve makes.
var serverCreated func(*Server)

func Serve(ctx context.Context, r io.Reader, w io.Writer, opts Options) int {
	log := opts.Log
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{
		log:                    log,
		logLevel:               opts.LogLevel,
		cancelled:              map[string]bool{},
		exited:                 make(chan struct{}),
		work:                   make(chan func(), 4096),
		docs:                   map[string]*document{},
		project:                diagnostics.NewProject(),
		settings:               diagnostics.DefaultSettings(),
		keptTrees:              keptTrees,
		deferProjectRulesAbove: deferProjectRulesAbove,
		fileEvents:             map[string]uint64{},
		freshenDelay:           freshenDelay,
		maxIndexed:             maxIndexedFiles,
	}
	if serverCreated != nil {
		serverCreated(s)
	}
	s.engine = diagnostics.NewEngine(s.settings, log)
	// Config files the model reads (from_pyfile, from_file) come from open
	// buffers first. Called on the document loop only.
	s.engine.ReadFile = s.readFile
	var closer io.Closer
	if c, ok := r.(io.Closer); ok {
		closer = c
	}
	s.conn = jsonrpc2.NewConn(newStream(r, w, closer, log))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	loopDone := make(chan struct{})
	go func() { defer close(loopDone); s.loop(ctx) }()
	s.conn.Go(ctx, s.handle)
	select {
	case <-s.conn.Done():
		if err := s.conn.Err(); err != nil && err != io.EOF {
			log.Info("connection closed", zap.Error(err))
		}
	case <-s.exited:
	case <-ctx.Done():
	}
	cancel()
	s.conn.Close()
	if s.freshenTimer != nil {
		s.freshenTimer.Stop()
	}
	// The document loop stops at its next step; an analysis of a huge file
	// may still be running. The session is over either way: wait briefly,
	// and leave the trees to the process's exit if it does not finish.
	select {
	case <-loopDone:
		s.closeDocuments()
	case <-time.After(250 * time.Millisecond):
		s.log.Warn("analysis still running at exit; not waiting for it")
	}
	if s.getState() == stateShutdown {
		return 0
	}
	return 1
}

func (s *Server) getState() state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}
