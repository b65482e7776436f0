package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap/zaptest"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

const appPy = "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == \"__main__\":\n    app.run(debug=True)\n"

const uriApp = "file:///work/project/app.py"

func TestOpenPublishesDiagnostics(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	c.open(uriApp, appPy)
	ds := c.waitDiagnostics(uriApp)
	if len(ds) != 1 {
		t.Fatalf("want 1 diagnostic, got %+v", ds)
	}
	d := ds[0]
	if d.Code != "FG401" || d.Source != "flaskguard" || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic = %+v", d)
	}
	if d.Range.Start != (protocol.Position{Line: 4, Character: 12}) || d.Range.End != (protocol.Position{Line: 4, Character: 22}) {
		t.Errorf("range = %+v, want 4:12-4:22 (debug=True)", d.Range)
	}
	if d.CodeDescription == nil || !strings.HasSuffix(string(d.CodeDescription.Href), "/docs/rules/FG401.md") {
		t.Errorf("codeDescription = %+v", d.CodeDescription)
	}
}

// Edits with emoji (2 UTF-16 units), CJK (1 unit, 3 bytes) and CRLF line
// endings must land where the editor meant them.
func TestIncrementalEditsUTF16AndCRLF(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	text := "from flask import Flask\r\n# 😀 日本語 comment\r\napp = Flask(__name__)\r\nx = \"😀😀\"; app.run(debug=False)\r\n"
	c.open(uriApp, text)
	if ds := c.waitDiagnostics(uriApp); len(ds) != 0 {
		t.Fatalf("want none, got %v", codes(ds))
	}
	// Line 3: `x = "😀😀"; app.run(debug=False)`: "False" starts at UTF-16
	// column 4+1+4+1+2+ len("app.run(debug=") = 26.
	c.change(uriApp, 3, 26, 3, 31, "True")
	ds := c.waitDiagnostics(uriApp)
	if len(ds) != 1 || ds[0].Code != "FG401" {
		t.Fatalf("want FG401 after edit, got %+v", ds)
	}
	if got := ds[0].Range.Start; got != (protocol.Position{Line: 3, Character: 20}) {
		t.Errorf("FG401 starts at %+v, want 3:20", got)
	}
	// Insert CJK text before the finding on the same line: its range moves by 3 units.
	c.change(uriApp, 3, 0, 3, 0, "日本語")
	ds = c.waitDiagnostics(uriApp)
	if len(ds) != 1 || ds[0].Range.Start != (protocol.Position{Line: 3, Character: 23}) {
		t.Fatalf("after CJK insert: %+v", ds)
	}
	// Delete the whole line break between lines 1 and 2 (CRLF) and re-add it.
	c.change(uriApp, 1, 16, 2, 0, "")
	c.change(uriApp, 1, 16, 1, 16, "\r\n")
	ds = c.waitDiagnostics(uriApp)
	if len(ds) != 1 || ds[0].Range.Start.Line != 3 {
		t.Fatalf("after CRLF round trip: %+v", ds)
	}
	// A full-text change (no range) replaces everything.
	c.replaceAll(uriApp, "print('clean')\n")
	if ds := c.waitDiagnostics(uriApp); len(ds) != 0 {
		t.Fatalf("after full replacement: %v", codes(ds))
	}
}

func applyWorkspaceEdit(t *testing.T, text string, uri string, e *protocol.WorkspaceEdit) string {
	t.Helper()
	if e == nil {
		t.Fatal("action without edit")
	}
	src := source.New([]byte(text))
	var edits []diagnostics.TextEdit
	for u, list := range e.Changes {
		if string(u) != uri {
			t.Fatalf("edit for another file %s", u)
		}
		for _, te := range list {
			edits = append(edits, diagnostics.TextEdit{
				Start:   src.PositionOffset(source.Position{Line: int(te.Range.Start.Line), Character: int(te.Range.Start.Character)}),
				End:     src.PositionOffset(source.Position{Line: int(te.Range.End.Line), Character: int(te.Range.End.Character)}),
				NewText: te.NewText,
			})
		}
	}
	out, skipped := diagnostics.ApplyEdits([]byte(text), edits)
	if skipped > 0 {
		t.Fatalf("overlapping edits in %+v", e)
	}
	return string(out)
}

func (c *client) codeActions(uri string, r protocol.Range, only ...string) []protocol.CodeAction {
	c.t.Helper()
	var actions []protocol.CodeAction
	ctx := map[string]interface{}{"diagnostics": []interface{}{}}
	if len(only) > 0 {
		ctx["only"] = only
	}
	if err := c.call("textDocument/codeAction", map[string]interface{}{
		"textDocument": map[string]string{"uri": uri}, "range": r, "context": ctx,
	}, &actions); err != nil {
		c.t.Fatalf("codeAction: %v", err)
	}
	return actions
}

func TestQuickFixRemovesFinding(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	c.open(uriApp, appPy)
	ds := c.waitDiagnostics(uriApp)
	actions := c.codeActions(uriApp, ds[0].Range)
	var titles []string
	var preferred *protocol.CodeAction
	for i, a := range actions {
		titles = append(titles, a.Title)
		if a.IsPreferred {
			if preferred != nil {
				t.Errorf("two preferred actions")
			}
			preferred = &actions[i]
		}
	}
	want := []string{"Remove debug=True", "Read debug from the FLASK_DEBUG environment variable (unsafe)", "Ignore FG401 for this line", "Fix all safe flaskguard findings"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Fatalf("titles = %q, want %q", titles, want)
	}
	if preferred == nil || preferred.Title != "Remove debug=True" || preferred.Kind != protocol.QuickFix {
		t.Fatalf("preferred = %+v", preferred)
	}
	fixed := applyWorkspaceEdit(t, appPy, uriApp, preferred.Edit)
	if !strings.Contains(fixed, "    app.run()\n") {
		t.Fatalf("fixed text:\n%s", fixed)
	}
	c.replaceAll(uriApp, fixed)
	if ds := c.waitDiagnostics(uriApp); len(ds) != 0 {
		t.Fatalf("finding not gone: %v", codes(ds))
	}

	// The unsafe env fix adds "import os" once, after the imports.
	envFixed := applyWorkspaceEdit(t, appPy, uriApp, actions[1].Edit)
	if !strings.HasPrefix(envFixed, "from flask import Flask\nimport os\napp = Flask") || !strings.Contains(envFixed, `app.run(debug=os.environ.get("FLASK_DEBUG") == "1")`) {
		t.Fatalf("env fix:\n%s", envFixed)
	}
}

func TestNoqaActionAndMerge(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	text := "from flask import Flask\napp = Flask(__name__)\napp.run(host=\"0.0.0.0\", debug=True)  # noqa: FG802\n"
	c.open(uriApp, text)
	ds := c.waitDiagnostics(uriApp)
	if len(ds) != 1 || ds[0].Code != "FG401" {
		t.Fatalf("want only FG401 (FG802 silenced), got %v", codes(ds))
	}
	var ignore *protocol.CodeAction
	for _, a := range c.codeActions(uriApp, ds[0].Range, "quickfix") {
		if a.Title == "Ignore FG401 for this line" {
			a := a
			ignore = &a
		}
		if a.Kind != protocol.QuickFix {
			t.Errorf("only=quickfix returned %s", a.Kind)
		}
	}
	if ignore == nil {
		t.Fatal("no ignore action")
	}
	fixed := applyWorkspaceEdit(t, text, uriApp, ignore.Edit)
	if !strings.Contains(fixed, "# noqa: FG802, FG401\n") {
		t.Fatalf("noqa not merged:\n%s", fixed)
	}
	c.replaceAll(uriApp, fixed)
	if ds := c.waitDiagnostics(uriApp); len(ds) != 0 {
		t.Fatalf("still reported: %v", codes(ds))
	}
}

func TestFixAllAppliesSafeFixesOnly(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	text := "from flask import Flask\napp = Flask(__name__)\napp.config[\"DEBUG\"] = True\napp.run(host=\"0.0.0.0\", debug=True)\n"
	c.open(uriApp, text)
	if ds := c.waitDiagnostics(uriApp); len(ds) != 3 {
		t.Fatalf("want 3 findings, got %v", codes(ds))
	}
	actions := c.codeActions(uriApp, protocol.Range{}, "source.fixAll.flaskguard")
	if len(actions) != 1 || actions[0].Kind != "source.fixAll.flaskguard" {
		t.Fatalf("fixAll actions = %+v", actions)
	}
	fixed := applyWorkspaceEdit(t, text, uriApp, actions[0].Edit)
	if strings.Contains(fixed, "os.environ") || !strings.Contains(fixed, "app.config[\"DEBUG\"] = False") || !strings.Contains(fixed, "app.run(host=\"0.0.0.0\")") {
		t.Fatalf("fixAll result:\n%s", fixed)
	}
	c.replaceAll(uriApp, fixed)
	if ds := c.waitDiagnostics(uriApp); len(ds) != 1 || ds[0].Code != "FG802" {
		t.Fatalf("after fixAll want only the unfixable FG802, got %v", codes(ds))
	}
}

func TestHoverShowsRule(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	c.open(uriApp, appPy)
	ds := c.waitDiagnostics(uriApp)
	var h protocol.Hover
	if err := c.call("textDocument/hover", map[string]interface{}{
		"textDocument": map[string]string{"uri": uriApp}, "position": ds[0].Range.Start,
	}, &h); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.Contents.Value, "FG401") || !strings.Contains(h.Contents.Value, "docs/rules/FG401.md") {
		t.Fatalf("hover = %q", h.Contents.Value)
	}
}

func TestDidCloseClears(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	c.open(uriApp, appPy)
	c.waitDiagnostics(uriApp)
	c.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": uriApp}})
	c.waitCleared(uriApp)
}

func TestSettingsFromInitializationOptions(t *testing.T) {
	c := newClient(t)
	c.initialize(map[string]interface{}{"select": []string{"FG4", "FG8"}, "ignore": []string{"FG401"}, "severity": map[string]string{"FG802": "warning"}})
	c.open(uriApp, "from flask import Flask\napp = Flask(__name__)\napp.run(host=\"::\", debug=True)\n")
	ds := c.waitDiagnostics(uriApp)
	if len(ds) != 1 || ds[0].Code != "FG802" || ds[0].Severity != protocol.DiagnosticSeverityWarning {
		t.Fatalf("got %+v", ds)
	}
	// didChangeConfiguration re-enables FG401 and republishes.
	c.notify("workspace/didChangeConfiguration", map[string]interface{}{"settings": map[string]interface{}{"flaskguard": map[string]interface{}{"select": []string{"FG4", "FG8"}}}})
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		list := c.diags[uriApp]
		last := list[len(list)-1].Diagnostics
		c.mu.Unlock()
		if len(last) == 2 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("configuration change not applied")
}

func TestUnknownMethodAndNotInitialized(t *testing.T) {
	c := newClient(t)
	err := c.call("textDocument/hover", map[string]interface{}{}, nil)
	if err == nil || !strings.Contains(err.Error(), "not initialized") {
		t.Fatalf("before initialize: %v", err)
	}
	// An unsettable-settings notification (other servers' section) is ignored.
	if err == nil {
		t.Fatalf("before initialize: %v", err)
	}
	c.initialize(nil)
	err = c.call("textDocument/definition", map[string]interface{}{}, nil)
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("unknown method: %v", err)
	}
	c.notify("workspace/someNotification", map[string]interface{}{}) // ignored, no crash
	c.notify("textDocument/didChange", map[string]interface{}{       // not open: logged, ignored
		"textDocument": map[string]interface{}{"uri": "file:///nope.py", "version": 2}, "contentChanges": []interface{}{},
	})
	c.open(uriApp, appPy)
	if len(c.waitDiagnostics(uriApp)) != 1 {
		t.Fatal("server not working after odd input")
	}
}

func TestShutdownExitCodes(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	if err := c.call("shutdown", nil, nil); err != nil {
		t.Fatal(err)
	}
	c.notify("exit", nil)
	select {
	case code := <-c.exit:
		if code != 0 {
			t.Fatalf("exit after shutdown = %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not exit")
	}

	c2 := newClient(t)
	c2.initialize(nil)
	c2.notify("exit", nil)
	select {
	case code := <-c2.exit:
		if code != 1 {
			t.Fatalf("exit without shutdown = %d, want 1", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not exit")
	}
}

// rawSession drives the server with hand-written bytes, for input no
// well-behaved client would send.
type rawSession struct {
	w    io.WriteCloser
	r    *bufio.Reader
	exit chan int
}

func newRawSession(t *testing.T) *rawSession {
	srvIn, w := io.Pipe()
	r, srvOut := io.Pipe()
	s := &rawSession{w: w, r: bufio.NewReader(r), exit: make(chan int, 1)}
	go func() {
		s.exit <- Serve(context.Background(), srvIn, srvOut, Options{Log: zaptest.NewLogger(t)})
		srvOut.Close()
	}()
	t.Cleanup(func() { w.Close() })
	return s
}

func (s *rawSession) send(t *testing.T, raw string) {
	if _, err := io.WriteString(s.w, raw); err != nil {
		t.Fatal(err)
	}
}

// next reads one framed reply.
func (s *rawSession) next(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	type result struct {
		m   map[string]json.RawMessage
		err error
	}
	ch := make(chan result, 1)
	go func() {
		length := 0
		for {
			line, err := s.r.ReadString('\n')
			if err != nil {
				ch <- result{err: err}
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(s.r, body); err != nil {
			ch <- result{err: err}
			return
		}
		var m map[string]json.RawMessage
		ch <- result{m: m, err: json.Unmarshal(body, &m)}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.m
	case <-time.After(5 * time.Second):
		t.Fatal("no reply")
	}
	return nil
}

func errorCode(t *testing.T, m map[string]json.RawMessage) int {
	var e struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(m["error"], &e); err != nil {
		t.Fatalf("no error in %s", fmt.Sprint(m))
	}
	return e.Code
}

func TestMalformedInputGetsErrorsAndServerSurvives(t *testing.T) {
	s := newRawSession(t)
	s.send(t, frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`))
	if m := s.next(t); string(m["id"]) != "1" || m["result"] == nil {
		t.Fatalf("initialize reply: %v", m)
	}
	cases := []struct {
		name, raw string
		wantID    string
		wantCode  int
	}{
		{"invalid JSON", frame(`{"jsonrpc":"2.0","id":2,"method":`), "null", -32700},
		{"object id", frame(`{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}`), "null", -32600},
		{"bad header", "Content-Length: abc\r\n\r\n", "null", -32700},
		{"unknown method", frame(`{"jsonrpc":"2.0","id":"x-3","method":"foo/bar"}`), `"x-3"`, -32601},
		{"bad params", frame(`{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":[1,2]}`), "4", -32602},
	}
	for _, tc := range cases {
		s.send(t, tc.raw)
		m := s.next(t)
		if string(m["id"]) != tc.wantID || errorCode(t, m) != tc.wantCode {
			t.Errorf("%s: reply %v, want id %s code %d", tc.name, m, tc.wantID, tc.wantCode)
		}
	}
	// Still serving: a numeric-id shutdown works, then exit gives 0.
	s.send(t, frame(`{"jsonrpc":"2.0","id":5,"method":"shutdown"}`))
	if m := s.next(t); string(m["id"]) != "5" {
		t.Fatalf("shutdown reply %v", m)
	}
	s.send(t, frame(`{"jsonrpc":"2.0","method":"exit"}`))
	select {
	case code := <-s.exit:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}

func TestEOFEndsSessionWithCode1(t *testing.T) {
	s := newRawSession(t)
	s.send(t, frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`))
	s.next(t)
	s.w.Close()
	select {
	case code := <-s.exit:
		if code != 1 {
			t.Fatalf("exit code %d, want 1", code)
		}
	case <-time.After(time.Second):
		t.Fatal("server did not exit within 1s of EOF")
	}
}

func TestCancelRequestNumericID(t *testing.T) {
	srv := &Server{cancelled: map[string]bool{}}
	var got error
	reply := srv.cancellable("#7", func(_ context.Context, _ interface{}, err error) error { got = err; return nil })
	if err := srv.cancelRequest(context.Background(), nil, json.RawMessage(`{"id":7}`)); err != nil {
		t.Fatal(err)
	}
	reply(context.Background(), "result", nil)
	if got == nil || !strings.Contains(got.Error(), "cancelled") {
		t.Fatalf("cancelled request replied %v", got)
	}
	if len(srv.cancelled) != 0 {
		t.Fatalf("cancel bookkeeping leaks: %v", srv.cancelled)
	}
}

// A panic in a handler answers InternalError and the server goes on.
func init() {
	// Registered before any server runs: the map is read-only afterwards.
	handlers["test/panic"] = func(*Server, context.Context, jsonrpc2.Replier, json.RawMessage) error { panic("handler bug") }
}

func TestHandlerPanicGivesInternalError(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	err := c.call("test/panic", map[string]interface{}{}, nil)
	var rpcErr *jsonrpc2.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc2.InternalError {
		t.Fatalf("want InternalError, got %v", err)
	}
	c.open(uriApp, appPy)
	if len(c.waitDiagnostics(uriApp)) != 1 {
		t.Fatal("server not working after a handler panic")
	}
}
