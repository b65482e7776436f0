package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// client is a test editor: it talks to a real Server over an in-memory
// byte stream with real Content-Length framing, and records every
// notification the server sends.
type client struct {
	t       testing.TB
	conn    jsonrpc2.Conn
	toSrv   *io.PipeWriter // raw access for malformed input
	mu      sync.Mutex
	diags   map[string][]protocol.PublishDiagnosticsParams
	notes   []string
	changed chan struct{}
	exit    chan int
	version map[string]int32

	progressEnded bool
	progressEnds  int
}

func (c *client) sawProgressEnd() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.progressEnded
}

// initializeWorkspace initializes with dir as the workspace folder and
// work-done progress (so that indexing reports its end), with opts as the
// initialization options (nil: none), and sends initialized.
func (c *client) initializeWorkspace(dir string, opts interface{}) {
	c.t.Helper()
	var res map[string]interface{}
	if err := c.call("initialize", map[string]interface{}{
		"rootUri":               pathToURI(dir),
		"capabilities":          map[string]interface{}{"window": map[string]interface{}{"workDoneProgress": true}},
		"initializationOptions": opts,
	}, &res); err != nil {
		c.t.Fatalf("initialize: %v", err)
	}
	c.notify("initialized", map[string]interface{}{})
}

// progressEndCount is how many $/progress ends came so far.
func (c *client) progressEndCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.progressEnds
}

// lastCount is the number of diagnostics in the last publication for
// uri, -1 before the first.
func (c *client) lastCount(uri string) int {
	list := c.published(uri)
	if len(list) == 0 {
		return -1
	}
	return len(list[len(list)-1].Diagnostics)
}

// published returns what was published for uri so far.
func (c *client) published(uri string) []protocol.PublishDiagnosticsParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.PublishDiagnosticsParams(nil), c.diags[uri]...)
}

func newClient(t testing.TB) *client {
	t.Helper()
	srvIn, cliOut := io.Pipe()
	cliIn, srvOut := io.Pipe()
	c := &client{t: t, toSrv: cliOut, diags: map[string][]protocol.PublishDiagnosticsParams{},
		changed: make(chan struct{}, 1), exit: make(chan int, 1), version: map[string]int32{}}
	stopped := make(chan struct{})
	go func() {
		log := zap.NewNop()
		if _, isTest := t.(*testing.T); isTest {
			log = zaptest.NewLogger(t)
		}
		code := Serve(context.Background(), srvIn, srvOut, Options{Log: log})
		srvOut.Close()
		c.exit <- code
		close(stopped)
	}()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(rwc{cliIn, cliOut}))
	c.conn.Go(context.Background(), func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		c.mu.Lock()
		c.notes = append(c.notes, req.Method())
		if req.Method() == "$/progress" && strings.Contains(string(req.Params()), `"end"`) {
			c.progressEnded = true
			c.progressEnds++
		}
		if req.Method() == "textDocument/publishDiagnostics" {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				t.Errorf("bad publishDiagnostics: %v", err)
			}
			if string(req.Params()) != "" && json.Valid(req.Params()) {
				var raw map[string]json.RawMessage
				_ = json.Unmarshal(req.Params(), &raw)
				if string(raw["diagnostics"]) == "null" {
					t.Errorf("diagnostics sent as null")
				}
			}
			c.diags[string(p.URI)] = append(c.diags[string(p.URI)], p)
		}
		c.mu.Unlock()
		select {
		case c.changed <- struct{}{}:
		default:
		}
		return reply(ctx, nil, nil)
	})
	t.Cleanup(func() {
		c.conn.Close()
		cliOut.Close()
		cliIn.Close() // the server's writes fail rather than wait for a reader
		// The server logs to the test: it must be done before the test is.
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Errorf("the server did not stop within 10 s of its input's end")
		}
	})
	return c
}

type rwc struct {
	io.Reader
	io.WriteCloser
}

func (c *client) call(method string, params, result interface{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

func (c *client) notify(method string, params interface{}) {
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("notify %s: %v", method, err)
	}
}

// initialize starts the session. nil options select the debug and
// deployment rules (FG4xx, FG8xx) that the server tests are written
// against, so that project rules about missing settings stay out of them.
func (c *client) initialize(opts interface{}) {
	c.t.Helper()
	if opts == nil {
		opts = map[string]interface{}{"select": []string{"FG4", "FG8"}}
	}
	var res map[string]interface{}
	if err := c.call("initialize", map[string]interface{}{
		"processId": nil, "rootUri": nil, "capabilities": map[string]interface{}{},
		"initializationOptions": opts,
	}, &res); err != nil {
		c.t.Fatalf("initialize: %v", err)
	}
	c.notify("initialized", map[string]interface{}{})
}

func (c *client) open(uri, text string) {
	c.version[uri] = 1
	c.notify("textDocument/didOpen", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri, "languageId": "python", "version": 1, "text": text},
	})
}

// change sends one incremental change (range in UTF-16) and bumps the version.
func (c *client) change(uri string, sl, sc, el, ec int, text string) {
	c.version[uri]++
	c.notify("textDocument/didChange", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri, "version": c.version[uri]},
		"contentChanges": []interface{}{map[string]interface{}{
			"range": map[string]interface{}{
				"start": map[string]int{"line": sl, "character": sc},
				"end":   map[string]int{"line": el, "character": ec},
			},
			"text": text,
		}},
	})
}

// replaceAll sends a full-text change (no range).
func (c *client) replaceAll(uri, text string) {
	c.version[uri]++
	c.notify("textDocument/didChange", map[string]interface{}{
		"textDocument":   map[string]interface{}{"uri": uri, "version": c.version[uri]},
		"contentChanges": []interface{}{map[string]interface{}{"text": text}},
	})
}

// waitDiagnostics waits for diagnostics of uri at the client's current version.
func (c *client) waitDiagnostics(uri string) []protocol.Diagnostic {
	c.t.Helper()
	want := c.version[uri]
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		list := c.diags[uri]
		if n := len(list); n > 0 && int32(list[n-1].Version) == want {
			d := list[n-1].Diagnostics
			c.mu.Unlock()
			return d
		}
		c.mu.Unlock()
		select {
		case <-c.changed:
		case <-deadline:
			c.t.Fatalf("no diagnostics for %s version %d; got %+v", uri, want, list)
		}
	}
}

// waitCleared waits for an empty publication after didClose.
func (c *client) waitCleared(uri string) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		list := c.diags[uri]
		if n := len(list); n > 0 && list[n-1].Version == 0 && len(list[n-1].Diagnostics) == 0 {
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		select {
		case <-c.changed:
		case <-deadline:
			c.t.Fatalf("diagnostics of %s not cleared", uri)
		}
	}
}

func (c *client) writeRaw(s string) {
	if _, err := io.WriteString(c.toSrv, s); err != nil {
		c.t.Fatal(err)
	}
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

func codes(ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprint(d.Code))
	}
	return out
}
