package server

// Protocol torture tests against the real binary: `go build` makes
// cmd/flaskguard once per test run, and each case drives `flaskguard serve`
// over its stdin/stdout with hand-written bytes. The server must answer
// what it can, never crash, log a clear line on stderr, and exit within a
// second of the end of its input.
//
// Light cases always run; the 64 MB message, the 200 MB skipped message and
// the 10 MB file run with FLASKGUARD_HEAVY=1 (bench/run.sh sets it).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// heavy reports whether the heavy cases were asked for.
func heavy() bool { return os.Getenv("FLASKGUARD_HEAVY") == "1" }

var builtBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary.dir != "" {
		os.RemoveAll(builtBinary.dir)
	}
	os.Exit(code)
}

// serverBinary builds cmd/flaskguard once (FLASKGUARD_BINARY overrides it).
func serverBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("FLASKGUARD_BINARY"); p != "" {
		return p
	}
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "flaskguard-torture-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.dir = dir
		builtBinary.path = filepath.Join(dir, "flaskguard")
		cmd := exec.Command("go", "build", "-o", builtBinary.path, "github.com/flaskguard/flaskguard/cmd/flaskguard")
		if out, err := cmd.CombinedOutput(); err != nil {
			builtBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtBinary.err != nil {
		t.Fatal(builtBinary.err)
	}
	return builtBinary.path
}

// wireMsg is one message the server wrote.
type wireMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (m *wireMsg) isReply() bool { return m.Method == "" }

// idIs compares the reply's id with a JSON literal.
func (m *wireMsg) idIs(lit string) bool { return m.isReply() && string(m.ID) == lit }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running `flaskguard serve`.
type proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	in     io.WriteCloser
	stderr *syncBuffer

	mu       sync.Mutex
	msgs     []*wireMsg
	arrived  chan struct{} // pinged on every message
	exited   chan struct{}
	exitCode int
	exitAt   time.Time
}

func startServer(t testing.TB, args ...string) *proc {
	t.Helper()
	return startServerWith(t, nil, args...)
}

// startServerWith lets setup change the command (its folder, environment)
// before it starts.
func startServerWith(t testing.TB, setup func(*exec.Cmd), args ...string) *proc {
	t.Helper()
	cmd := exec.Command(serverBinary(t), append([]string{"serve"}, args...)...)
	if setup != nil {
		setup(cmd)
	}
	p := &proc{t: t, cmd: cmd, stderr: &syncBuffer{}, arrived: make(chan struct{}, 1), exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	var err error
	if p.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readDone := make(chan struct{})
	go func() { defer close(readDone); p.readLoop(bufio.NewReaderSize(out, 1<<20)) }()
	go func() {
		<-readDone
		err := cmd.Wait()
		p.mu.Lock()
		p.exitAt = time.Now()
		p.exitCode = cmd.ProcessState.ExitCode()
		if err != nil && p.exitCode < 0 {
			p.exitCode = -1 // killed by a signal: a crash
		}
		p.mu.Unlock()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.in.Close()
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", truncate(p.stderr.String(), 20000))
		}
	})
	return p
}

// readLoop reads frames from the server's stdout; anything that is not a
// well-formed frame is a test failure (only the protocol may go there).
func (p *proc) readLoop(r *bufio.Reader) {
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if line != "" {
					p.t.Errorf("stdout ended inside a header: %q", line)
				}
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok {
				p.t.Errorf("stdout: not a header line: %q", truncate(line, 200))
				return
			}
			if strings.EqualFold(name, "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(value))
			}
		}
		if length < 0 {
			p.t.Errorf("stdout: frame without Content-Length")
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			p.t.Errorf("stdout ended inside a body: %v", err)
			return
		}
		m := &wireMsg{}
		if err := json.Unmarshal(body, m); err != nil {
			p.t.Errorf("stdout: invalid JSON body %q: %v", truncate(string(body), 200), err)
			return
		}
		if m.Method != "" && len(m.ID) > 0 {
			// A request from the server (progress, registration): accept it.
			p.writeFrame(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, m.ID))
		}
		p.mu.Lock()
		p.msgs = append(p.msgs, m)
		p.mu.Unlock()
		select {
		case p.arrived <- struct{}{}:
		default:
		}
	}
}

// write sends raw bytes; errors (the server may have exited) are ignored.
func (p *proc) write(s string) { _, _ = io.WriteString(p.in, s) }

func (p *proc) writeFrame(body string) { p.write(frame(body)) }

func (p *proc) request(id interface{}, method string, params interface{}) {
	p.writeFrame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
}

func (p *proc) notify(method string, params interface{}) {
	p.writeFrame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "method": method, "params": params}))
}

func mustJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// waitFor returns the first message (in arrival order) matching pred.
func (p *proc) waitFor(what string, timeout time.Duration, pred func(*wireMsg) bool) *wireMsg {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		for _, m := range p.msgs {
			if pred(m) {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		select {
		case <-p.arrived:
		case <-p.exited:
			// Drain what arrived before the exit, then give up.
			p.mu.Lock()
			for _, m := range p.msgs {
				if pred(m) {
					p.mu.Unlock()
					return m
				}
			}
			p.mu.Unlock()
			p.t.Fatalf("server exited (code %d) before %s", p.exitCode, what)
		case <-deadline:
			p.t.Fatalf("no %s within %v", what, timeout)
		}
	}
}

func (p *proc) reply(id string, timeout time.Duration) *wireMsg {
	p.t.Helper()
	return p.waitFor("reply to id "+id, timeout, func(m *wireMsg) bool { return m.idIs(id) })
}

// count returns how many messages so far match pred.
func (p *proc) count(pred func(*wireMsg) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.msgs {
		if pred(m) {
			n++
		}
	}
	return n
}

// initialize runs the handshake with the debug rules selected.
func (p *proc) initialize() {
	p.t.Helper()
	p.request("init", "initialize", map[string]interface{}{
		"processId": nil, "rootUri": nil, "capabilities": map[string]interface{}{},
		"initializationOptions": map[string]interface{}{"select": []string{"FG4", "FG8"}},
	})
	if m := p.reply(`"init"`, 10*time.Second); m.Error != nil {
		p.t.Fatalf("initialize failed: %+v", m.Error)
	}
	p.notify("initialized", map[string]interface{}{})
}

// alive checks that the server still answers a request.
func (p *proc) alive(id int) {
	p.t.Helper()
	p.request(id, "textDocument/hover", map[string]interface{}{
		"textDocument": map[string]string{"uri": "file:///nowhere/none.py"},
		"position":     map[string]int{"line": 0, "character": 0},
	})
	m := p.reply(strconv.Itoa(id), 10*time.Second)
	if m.Error != nil || string(m.Result) != "null" {
		p.t.Fatalf("hover on an unknown document: want null, got %s %+v", m.Result, m.Error)
	}
}

func (p *proc) open(uri, languageID, text string) {
	p.notify("textDocument/didOpen", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri, "languageId": languageID, "version": 1, "text": text},
	})
}

// publishedFor waits for a publishDiagnostics of uri at version.
func (p *proc) publishedFor(uri string, version int, timeout time.Duration) []wireDiagnostic {
	p.t.Helper()
	var params struct {
		URI         string           `json:"uri"`
		Version     int              `json:"version"`
		Diagnostics []wireDiagnostic `json:"diagnostics"`
	}
	p.waitFor(fmt.Sprintf("diagnostics of %s v%d", uri, version), timeout, func(m *wireMsg) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		if json.Unmarshal(m.Params, &params) != nil {
			return false
		}
		return params.URI == uri && params.Version == version
	})
	if params.Diagnostics == nil {
		p.t.Errorf("diagnostics of %s sent as null", uri)
	}
	return params.Diagnostics
}

type wireDiagnostic struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
		End   struct{ Line, Character int } `json:"end"`
	} `json:"range"`
	Code string `json:"code"`
}

// closeInput closes stdin and checks the server exits within limit.
func (p *proc) closeInput(limit time.Duration) (code int) {
	p.t.Helper()
	p.in.Close()
	start := time.Now()
	select {
	case <-p.exited:
	case <-time.After(limit):
		p.t.Fatalf("server still running %v after its input ended", limit)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if took := p.exitAt.Sub(start); took > limit {
		p.t.Fatalf("server exited %v after its input ended, want ≤ %v", took, limit)
	}
	if p.exitCode < 0 {
		p.t.Fatalf("server was killed by a signal (a crash)")
	}
	return p.exitCode
}

// shutdownExit ends the session properly; the exit code must be 0.
func (p *proc) shutdownExit() {
	p.t.Helper()
	p.request(999999, "shutdown", nil)
	p.reply("999999", 10*time.Second)
	p.notify("exit", nil)
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		p.t.Fatal("server did not exit after exit")
	}
	if p.exitCode != 0 {
		p.t.Fatalf("exit code %d after shutdown+exit, want 0", p.exitCode)
	}
}

func (p *proc) stderrHas(sub string) {
	p.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(p.stderr.String(), sub) {
		if time.Now().After(deadline) {
			p.t.Fatalf("stderr has no line with %q:\n%s", sub, truncate(p.stderr.String(), 4000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isError(code int) func(*wireMsg) bool {
	return func(m *wireMsg) bool { return m.isReply() && m.Error != nil && m.Error.Code == code }
}

// --- framing ---------------------------------------------------------------

func TestTortureMalformedFrames(t *testing.T) {
	const parseError, invalidRequest = -32700, -32600
	cases := []struct {
		name  string
		input string
		code  int    // the error reply expected (id null: no id can be read)
		log   string // a clear stderr line
	}{
		{"invalid JSON", frame(`{"jsonrpc":"2.0","id":5,"method":`), parseError, "malformed message"},
		{"not an object", frame(`[1,2,3]`), invalidRequest, "malformed message"},
		{"bare string", frame(`"hello"`), invalidRequest, "malformed message"},
		{"empty object", frame(`{}`), invalidRequest, "malformed message"},
		{"header without colon", "Garbage line\r\n\r\n", parseError, "invalid header line"},
		{"non-numeric length", "Content-Length: abc\r\n\r\n{}", parseError, "invalid Content-Length"},
		{"negative length", "Content-Length: -5\r\n\r\n", parseError, "invalid Content-Length"},
		{"no length", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", parseError, "missing Content-Length"},
		{"binary garbage", "\x00\x01\x02\xff\xfe\r\n\r\n", parseError, "invalid header line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startServer(t)
			p.initialize()
			p.write(tc.input)
			m := p.waitFor(fmt.Sprintf("error %d", tc.code), 5*time.Second, isError(tc.code))
			if string(m.ID) != "null" {
				t.Errorf("error reply id = %s, want null", m.ID)
			}
			p.stderrHas(tc.log)
			p.alive(7)
			p.shutdownExit()
		})
	}
}

// A Content-Length that does not match the body loses that message (and,
// when too long, part of the next), but the server finds the following
// frame and answers it.
func TestTortureWrongContentLength(t *testing.T) {
	body := mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": 40, "method": "flaskguard/unknown"})
	t.Run("too short", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		p.write(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body)-5, body))
		p.alive(41)
		p.alive(42)
		p.shutdownExit()
	})
	t.Run("too long", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		p.write(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body)+30, body))
		// Request 41 is eaten in part by the previous frame: it gets no
		// reply, but what follows it must be read.
		p.request(41, "textDocument/hover", map[string]interface{}{})
		p.alive(42)
		p.alive(43)
		p.shutdownExit()
	})
}

// --- methods, ids, positions ----------------------------------------------

func TestTortureUnknownMethods(t *testing.T) {
	const methodNotFound, invalidParams = -32601, -32602
	p := startServer(t)
	p.initialize()
	p.request(1, "flaskguard/doesNotExist", map[string]int{"x": 1})
	p.request(2, "$/somethingElse", nil)
	p.notify("flaskguard/unknownNotification", map[string]int{"x": 1}) // ignored, no reply
	p.request(3, "textDocument/hover", nil)                            // known method, no params
	p.request(4, "textDocument/hover", 5)                              // params of the wrong type
	p.request(5, "textDocument/codeAction", map[string]interface{}{"textDocument": 7})
	p.notify("textDocument/didOpen", "not an object") // a broken notification: logged only
	for id, code := range map[string]int{"1": methodNotFound, "2": methodNotFound, "3": invalidParams, "4": invalidParams, "5": invalidParams} {
		m := p.reply(id, 5*time.Second)
		if m.Error == nil || m.Error.Code != code {
			t.Errorf("id %s: want error %d, got result %s error %+v", id, code, m.Result, m.Error)
		}
	}
	p.stderrHas("request failed")
	p.alive(6)
	if n := p.count(func(m *wireMsg) bool { return m.isReply() && string(m.ID) == "null" }); n != 0 {
		t.Errorf("%d replies with id null to well-formed messages", n)
	}
	p.shutdownExit()
}

func TestTortureDidChangeForUnopenedDocument(t *testing.T) {
	p := startServer(t)
	p.initialize()
	p.notify("textDocument/didChange", map[string]interface{}{
		"textDocument":   map[string]interface{}{"uri": "file:///never/opened.py", "version": 2},
		"contentChanges": []interface{}{map[string]interface{}{"text": "app.run(debug=True)\n"}},
	})
	p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": "file:///never/opened.py"}})
	p.notify("textDocument/didSave", map[string]interface{}{"textDocument": map[string]string{"uri": "file:///never/opened.py"}})
	p.request(1, "textDocument/codeAction", map[string]interface{}{
		"textDocument": map[string]string{"uri": "file:///never/opened.py"},
		"range":        map[string]interface{}{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 0, "character": 0}},
		"context":      map[string]interface{}{"diagnostics": []interface{}{}},
	})
	if m := p.reply("1", 5*time.Second); m.Error != nil || string(m.Result) != "[]" {
		t.Errorf("codeAction on an unopened document: %s %+v", m.Result, m.Error)
	}
	p.stderrHas("didChange for a document that is not open")
	p.alive(2)
	if n := p.count(func(m *wireMsg) bool {
		return m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), "never/opened.py") &&
			!strings.Contains(string(m.Params), `"diagnostics":[]`)
	}); n != 0 {
		t.Errorf("diagnostics published for a document that was never opened")
	}
	p.shutdownExit()
}

// Positions past the end of a line or of the document clamp; the
// published ranges stay inside the document.
func TestTortureOutOfRangePositions(t *testing.T) {
	p := startServer(t)
	p.initialize()
	const uri = "file:///ws/app.py"
	text := "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
	p.open(uri, "python", text)
	p.publishedFor(uri, 1, 10*time.Second)
	rng := func(sl, sc, el, ec int64) map[string]interface{} {
		return map[string]interface{}{"start": map[string]int64{"line": sl, "character": sc}, "end": map[string]int64{"line": el, "character": ec}}
	}
	changes := []map[string]interface{}{
		{"range": rng(1000000, 0, 1000000, 5), "text": "x = 1\n"},                   // past the last line: appended
		{"range": rng(0, 4000000000, 0, 4000000000), "text": "  # end"},             // past the line's end
		{"range": rng(2, 5, 0, 0), "text": ""},                                      // end before start
		{"range": rng(4294967295, 4294967295, 4294967295, 4294967295), "text": "y"}, // uint32 max
	}
	for i, ch := range changes {
		p.notify("textDocument/didChange", map[string]interface{}{
			"textDocument":   map[string]interface{}{"uri": uri, "version": 2 + i},
			"contentChanges": []interface{}{ch},
		})
	}
	// Negative and fractional positions do not decode: the change is
	// dropped and logged, the document unchanged.
	p.notify("textDocument/didChange", map[string]interface{}{
		"textDocument":   map[string]interface{}{"uri": uri, "version": 6},
		"contentChanges": []interface{}{map[string]interface{}{"range": rng(-1, -1, 0, 0), "text": "z"}},
	})
	p.notify("textDocument/didChange", map[string]interface{}{
		"textDocument":   map[string]interface{}{"uri": uri, "version": 7},
		"contentChanges": []interface{}{map[string]interface{}{"range": map[string]interface{}{"start": map[string]float64{"line": 0.5, "character": 0}, "end": map[string]float64{"line": 0, "character": 0}}, "text": "z"}},
	})
	ds := p.publishedFor(uri, 5, 10*time.Second)
	lines := 5 // the final text has at most this many lines
	for _, d := range ds {
		if d.Range.Start.Line >= lines || d.Range.End.Line >= lines || d.Range.Start.Line > d.Range.End.Line {
			t.Errorf("diagnostic outside the document: %+v", d)
		}
	}
	for i, pos := range []map[string]int64{{"line": 999999, "character": 0}, {"line": 0, "character": 999999}, {"line": 4294967295, "character": 4294967295}} {
		p.request(10+i, "textDocument/hover", map[string]interface{}{"textDocument": map[string]string{"uri": uri}, "position": pos})
		p.request(20+i, "textDocument/codeAction", map[string]interface{}{
			"textDocument": map[string]string{"uri": uri}, "range": map[string]interface{}{"start": pos, "end": pos},
			"context": map[string]interface{}{"diagnostics": []interface{}{}},
		})
	}
	for i := 0; i < 3; i++ {
		if m := p.reply(strconv.Itoa(10+i), 5*time.Second); m.Error != nil {
			t.Errorf("hover %d: %+v", i, m.Error)
		}
		if m := p.reply(strconv.Itoa(20+i), 5*time.Second); m.Error != nil {
			t.Errorf("codeAction %d: %+v", i, m.Error)
		}
	}
	p.alive(30)
	p.shutdownExit()
}

// Ids of every JSON type: numbers and strings are echoed byte for byte
// (JSON-RPC: the response id equals the request's), including those
// go.lsp.dev/jsonrpc2 cannot hold (""; numbers beyond int32, with a
// fraction or an exponent) or would re-encode (escapes, HTML characters);
// other types get an InvalidRequest error with id null (or with the id
// when it can be read); a null id is a notification for the library.
func TestTortureIDsOfEveryType(t *testing.T) {
	p := startServer(t)
	p.initialize()
	long := `"` + strings.Repeat("long id ", 2000) + `"`
	echoed := []string{
		`1`, `0`, `-0`, `-1`, `-7`, `2147483647`, `-2147483648`,
		`""`, `"0"`, `"7"`, `"abc"`, `"😀 id"`, `"\u0000"`, `"\u0041"`, `"a\/b"`, `"<&>"`, `"\ud800"`,
		`"flaskguard-id:1"`, long,
		`1.5`, `1e3`, `1.5e3`, `-1.5E-3`, `0.0`, `2147483648`, `-2147483649`, `9007199254740993`, `1` + strings.Repeat("0", 40),
	}
	for _, id := range echoed {
		p.writeFrame(`{"jsonrpc":"2.0","id":` + id + `,"method":"flaskguard/unknown"}`)
	}
	invalid := []string{`true`, `false`, `{"a":1}`, `[1]`}
	for _, id := range invalid {
		p.writeFrame(`{"jsonrpc":"2.0","id":` + id + `,"method":"flaskguard/unknown"}`)
	}
	p.writeFrame(`{"jsonrpc":"2.0","id":null,"method":"flaskguard/unknown"}`)
	for _, id := range echoed {
		m := p.reply(id, 5*time.Second)
		if m.Error == nil || m.Error.Code != -32601 {
			t.Errorf("id %.40s: %+v", id, m.Error)
		}
	}
	// Those errors are written by the stream, not in request order: wait.
	for deadline := time.Now().Add(5 * time.Second); p.count(isError(-32600)) < len(invalid) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := p.count(isError(-32600)); n < len(invalid) {
		t.Errorf("%d InvalidRequest errors for %d invalid ids", n, len(invalid))
	}
	// A request that succeeds, under ids the library would answer as 0.
	for _, id := range []string{`""`, `-0`, `0.0`} {
		p.writeFrame(`{"jsonrpc":"2.0","id":` + id + `,"method":"textDocument/hover","params":` +
			`{"textDocument":{"uri":"file:///nowhere/none.py"},"position":{"line":0,"character":0}}}`)
		m := p.waitFor("hover reply to id "+id, 5*time.Second, func(m *wireMsg) bool { return m.idIs(id) && m.Error == nil })
		if string(m.Result) != "null" {
			t.Errorf("hover with id %s: %s", id, m.Result)
		}
	}
	// Each request got exactly one reply, under its own id (ids 0 and
	// "0" are not confused with "" or -0).
	for _, id := range echoed {
		want := 1
		if id == `""` || id == `-0` || id == `0.0` {
			want = 2 // the hover too
		}
		if n := p.count(func(m *wireMsg) bool { return m.idIs(id) }); n != want {
			t.Errorf("id %.40s: %d replies, want %d", id, n, want)
		}
	}
	p.alive(99)
	p.shutdownExit()
}

// A thousand requests sent without waiting: each is answered exactly once
// (a cancelled one with its result or RequestCancelled).
func TestTortureThousandRequestsInFlight(t *testing.T) {
	p := startServer(t)
	p.initialize()
	const uri = "file:///ws/app.py"
	p.open(uri, "python", appPy)
	var b strings.Builder
	const n = 1000
	for i := 1; i <= n; i++ {
		pos := map[string]int{"line": i % 6, "character": i % 30}
		switch i % 3 {
		case 0:
			b.WriteString(frame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": i, "method": "textDocument/hover",
				"params": map[string]interface{}{"textDocument": map[string]string{"uri": uri}, "position": pos}})))
		case 1:
			b.WriteString(frame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": i, "method": "textDocument/codeAction",
				"params": map[string]interface{}{"textDocument": map[string]string{"uri": uri}, "range": map[string]interface{}{"start": pos, "end": pos},
					"context": map[string]interface{}{"diagnostics": []interface{}{}}}})))
		default:
			b.WriteString(frame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": strconv.Itoa(i), "method": "flaskguard/unknown"})))
		}
		if i%10 == 0 {
			b.WriteString(frame(mustJSON(map[string]interface{}{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": map[string]interface{}{"id": i - 1}})))
		}
	}
	start := time.Now()
	go p.write(b.String())
	deadline := time.After(30 * time.Second)
	for p.count(func(m *wireMsg) bool { return m.isReply() && string(m.ID) != `"init"` }) < n {
		select {
		case <-p.arrived:
		case <-p.exited:
			t.Fatalf("server exited")
		case <-deadline:
			t.Fatalf("only %d of %d replies within 30s", p.count(func(m *wireMsg) bool { return m.isReply() }), n)
		}
	}
	t.Logf("%d requests answered in %v", n, time.Since(start))
	seen := map[string]int{}
	p.mu.Lock()
	for _, m := range p.msgs {
		if m.isReply() {
			seen[strings.Trim(string(m.ID), `"`)]++
			if m.Error != nil && m.Error.Code != -32601 && m.Error.Code != -32800 {
				t.Errorf("id %s: unexpected error %+v", m.ID, m.Error)
			}
		}
	}
	p.mu.Unlock()
	for i := 1; i <= n; i++ {
		if c := seen[strconv.Itoa(i)]; c != 1 {
			t.Errorf("id %d answered %d times", i, c)
		}
	}
	p.shutdownExit()
}

// --- the end of the input -------------------------------------------------

func TestTortureInputEnds(t *testing.T) {
	t.Run("before initialize", func(t *testing.T) {
		p := startServer(t)
		if code := p.closeInput(time.Second); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	})
	t.Run("after initialize", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		if code := p.closeInput(time.Second); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	})
	t.Run("inside a header", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		p.write("Content-Len")
		time.Sleep(50 * time.Millisecond)
		p.closeInput(time.Second)
		p.stderrHas("input ended inside a message header")
	})
	t.Run("inside a body", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		body := mustJSON(map[string]interface{}{"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": map[string]interface{}{}})
		p.write(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2]))
		time.Sleep(50 * time.Millisecond)
		p.closeInput(time.Second)
		p.stderrHas("input ended inside a message body")
	})
	t.Run("with requests pending", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		for i := 0; i < 50; i++ {
			p.open(fmt.Sprintf("file:///ws/m%d.py", i), "python", appPy)
			p.request(100+i, "textDocument/hover", map[string]interface{}{
				"textDocument": map[string]string{"uri": fmt.Sprintf("file:///ws/m%d.py", i)}, "position": map[string]int{"line": 4, "character": 14}})
		}
		p.closeInput(time.Second)
	})
	t.Run("while analysing a large file", func(t *testing.T) {
		p := startServer(t)
		p.initialize()
		p.open("file:///ws/big.py", "python", string(bigModule(2<<20)))
		time.Sleep(20 * time.Millisecond) // the analysis has started
		p.closeInput(time.Second)
	})
}

// bigModule returns a Flask-style module of about size bytes.
func bigModule(size int) []byte {
	var b bytes.Buffer
	b.WriteString("from flask import Flask, request\napp = Flask(__name__)\n\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "@app.route(\"/r%d\")\ndef view_%d():\n    v = request.args.get(\"q%d\", \"\")\n    return {\"v\": v, \"n\": %d}\n\n\n", i, i, i, i)
	}
	b.WriteString("if __name__ == \"__main__\":\n    app.run(debug=True)\n")
	return b.Bytes()
}

// --- hostile content ------------------------------------------------------

// procStatus reads a field of /proc/PID/status in kB (0 where there is no /proc).
func (p *proc) procStatus(field string) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

// A header line without end and 16 MB long is garbage: reported, memory
// bounded, and the next frame is answered.
func TestTortureOverlongHeaderLine(t *testing.T) {
	p := startServer(t)
	p.initialize()
	junk := strings.Repeat("A", 16<<20)
	p.write(junk + "\r\n\r\n")
	p.waitFor("parse error", 10*time.Second, isError(-32700))
	p.alive(1)
	if hwm := p.procStatus("VmHWM"); hwm > 100<<10 {
		t.Errorf("peak RSS %d kB after a 16 MB header line", hwm)
	}
	p.shutdownExit()
}

// hostileDoc is a document that must be analysed in bounded time and memory.
type hostileDoc struct {
	name string
	text string
}

func hostileDocs() []hostileDoc {
	rng := rand.New(rand.NewSource(7))
	binary := make([]byte, 128<<10) // 1 MB: see TestTortureLargeGarbage
	rng.Read(binary)
	deep := func(open, mid, close string, n int) string {
		return "from flask import Flask\napp = Flask(__name__)\nx = " + strings.Repeat(open, n) + mid + strings.Repeat(close, n) + "\napp.run(debug=True)\n"
	}
	var blocks strings.Builder
	blocks.WriteString("from flask import Flask\napp = Flask(__name__)\n")
	for i := 0; i < 1000; i++ {
		blocks.WriteString(strings.Repeat(" ", i) + "if x:\n")
	}
	blocks.WriteString(strings.Repeat(" ", 1000) + "app.run(debug=True)\n")
	return []hostileDoc{
		{"binary", string(binary)},
		{"nul bytes", "from flask import Flask\x00\napp = Flask(__name__)\x00\napp.run(debug=True)\x00\n"},
		// Invalid UTF-8 the JSON encoder would replace is sent raw below;
		// here: lone surrogates, noncharacters, overlong forms as escapes.
		{"invalid utf-8", "from flask import Flask\napp = Flask(__name__)\ns = '\xff\xfe\xed\xa0\x80\xc0\xaf'\napp.run(debug=True) # \xf4\x90\x80\x80\n"},
		{"deep parentheses", deep("(", "1", ")", 10000)},
		{"deep lists", deep("[", "1", "]", 10000)},
		{"deep calls", deep("f(", "1", ")", 10000)},
		{"deep dicts", deep("{1: ", "1", "}", 10000)},
		{"deep unary", deep("-", "1", "", 10000)},
		{"deep not", deep("not ", "x", "", 10000)},
		{"deep lambda", deep("lambda: ", "1", "", 10000)},
		{"long binary chain", deep("", "a"+strings.Repeat(" + a", 10000), "", 1)},
		{"long attribute chain", deep("", "a"+strings.Repeat(".b", 10000), "", 1)},
		{"deep subscripts", deep("", "a"+strings.Repeat("[0]", 10000), "", 1)},
		{"deep conditional", deep("", "1"+strings.Repeat(" if c else 1", 10000), "", 1)},
		{"deep f-strings", deep("f'{", "x", "}'", 200)},
		{"unclosed", deep("(", "1", "", 10000)},
		{"deep blocks", blocks.String()},
		{"long line", "from flask import Flask\napp = Flask(__name__)\nx = '" + strings.Repeat("a", 1<<20) + "'\napp.run(debug=True)\n"},
		{"many lines", strings.Repeat("\n", 1<<20) + "app.run(debug=True)\n"},
		{"crlf and lone cr", strings.Repeat("x = 1\r", 5000) + "\r\napp.run(debug=True)\r\n"},
	}
}

func TestTortureHostileDocuments(t *testing.T) {
	p := startServer(t)
	p.initialize()
	for i, doc := range hostileDocs() {
		uri := fmt.Sprintf("file:///ws/hostile_%d.py", i)
		start := time.Now()
		p.open(uri, "python", doc.text)
		p.publishedFor(uri, 1, 30*time.Second)
		took := time.Since(start)
		// Edit it: an insertion in the middle, then a replacement of all.
		p.notify("textDocument/didChange", map[string]interface{}{
			"textDocument": map[string]interface{}{"uri": uri, "version": 2},
			"contentChanges": []interface{}{map[string]interface{}{
				"range": map[string]interface{}{"start": map[string]int{"line": 2, "character": 3}, "end": map[string]int{"line": 2, "character": 4}}, "text": "(\n"}},
		})
		p.publishedFor(uri, 2, 30*time.Second)
		p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": uri}})
		t.Logf("%-22s %8d bytes: published in %v, RSS %d kB", doc.name, len(doc.text), took.Round(time.Millisecond), p.procStatus("VmRSS"))
		if took > 10*time.Second {
			t.Errorf("%s: %v to publish", doc.name, took)
		}
	}
	// Raw invalid UTF-8 inside the JSON string (the decoder must cope).
	p.write(frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///ws/raw.py\",\"languageId\":\"python\",\"version\":1,\"text\":\"x = '\xff\xfe\xc0\xaf\xed\xa0\x80'\\napp.run(debug=True)\\n\"}}}"))
	p.publishedFor("file:///ws/raw.py", 1, 10*time.Second)
	p.alive(1)
	if hwm := p.procStatus("VmHWM"); hwm > 400<<10 {
		t.Errorf("peak RSS %d kB", hwm)
	} else {
		t.Logf("peak RSS %d kB", hwm)
	}
	p.shutdownExit()
}

// Garbage that tree-sitter's error recovery handles in superlinear time: a
// megabyte of random bytes (with and without NUL bytes), and a long line of
// statements without separators. Each must be analysed within 5 s and the
// whole in 512 MB, or skipped (syntax bounds each parse in time since
// 02ecc25; before, 1 MB of random bytes took 5-6 s and up to 770 MB).
func TestTortureLargeGarbage(t *testing.T) {
	if !heavy() {
		t.Skip("heavy: set FLASKGUARD_HEAVY=1")
	}
	rng := rand.New(rand.NewSource(8))
	binary := make([]byte, 1<<20)
	rng.Read(binary)
	noNUL := bytes.ReplaceAll(binary, []byte{0}, []byte{'x'}) // not recognisable as binary
	p := startServer(t)
	p.initialize()
	for i, text := range []string{string(binary), string(noNUL), strings.Repeat("x = 1 ", 40000) + "\napp.run(debug=True)\n"} {
		uri := fmt.Sprintf("file:///ws/garbage_%d.py", i)
		start := time.Now()
		p.open(uri, "python", text)
		p.publishedFor(uri, 1, 60*time.Second)
		took := time.Since(start)
		t.Logf("garbage document %d (%d bytes): published in %v, peak RSS so far %d kB", i, len(text), took.Round(time.Millisecond), p.procStatus("VmHWM"))
		if took > 5*time.Second {
			t.Errorf("document %d (%d bytes): %v to publish", i, len(text), took)
		}
		p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": uri}})
	}
	if hwm := p.procStatus("VmHWM"); hwm > 512<<10 {
		t.Errorf("peak RSS %d kB", hwm)
	}
	p.shutdownExit()
}

// --- heavy: huge messages and files ---------------------------------------

// A 64 MB message is read and answered; a 200 MB one (over the 128 MB
// limit) is skipped with an error; a 10 MB Python file is analysed.
func TestTortureHugeMessages(t *testing.T) {
	if !heavy() {
		t.Skip("heavy: set FLASKGUARD_HEAVY=1")
	}
	p := startServer(t)
	p.initialize()
	t.Run("64 MB request", func(t *testing.T) {
		junk := strings.Repeat("x", 64<<20)
		start := time.Now()
		p.writeFrame(`{"jsonrpc":"2.0","id":"big","method":"flaskguard/unknown","params":{"junk":"` + junk + `"}}`)
		m := p.reply(`"big"`, 60*time.Second)
		if m.Error == nil || m.Error.Code != -32601 {
			t.Errorf("64 MB unknown request: %+v", m.Error)
		}
		t.Logf("64 MB request answered in %v, peak RSS %d kB", time.Since(start), p.procStatus("VmHWM"))
	})
	t.Run("64 MB plain-text document", func(t *testing.T) {
		text := strings.Repeat("lorem ipsum dolor sit amet\n", (64<<20)/27)
		start := time.Now()
		p.open("file:///ws/notes.txt", "plaintext", text)
		p.alive(2)
		t.Logf("64 MB didOpen (plaintext) handled in %v, peak RSS %d kB", time.Since(start), p.procStatus("VmHWM"))
		p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": "file:///ws/notes.txt"}})
	})
	t.Run("200 MB message skipped", func(t *testing.T) {
		start := time.Now()
		n := 200 << 20
		p.write(fmt.Sprintf("Content-Length: %d\r\n\r\n", n))
		chunk := strings.Repeat("y", 1<<20)
		for i := 0; i < n>>20; i++ {
			p.write(chunk)
		}
		p.waitFor("oversized error", 60*time.Second, isError(-32600))
		p.stderrHas("skipping oversized message")
		p.alive(3)
		t.Logf("200 MB message skipped in %v, peak RSS %d kB", time.Since(start), p.procStatus("VmHWM"))
	})
	t.Run("10 MB Python file", func(t *testing.T) {
		text := string(bigModule(10 << 20))
		start := time.Now()
		p.open("file:///ws/huge.py", "python", text)
		ds := p.publishedFor("file:///ws/huge.py", 1, 120*time.Second)
		took := time.Since(start)
		if len(ds) == 0 {
			t.Errorf("no finding in the 10 MB file")
		}
		start = time.Now()
		p.notify("textDocument/didChange", map[string]interface{}{
			"textDocument": map[string]interface{}{"uri": "file:///ws/huge.py", "version": 2},
			"contentChanges": []interface{}{map[string]interface{}{
				"range": map[string]interface{}{"start": map[string]int{"line": 1000, "character": 0}, "end": map[string]int{"line": 1000, "character": 0}}, "text": "x"}},
		})
		p.publishedFor("file:///ws/huge.py", 2, 60*time.Second)
		t.Logf("10 MB Python file: published in %v, one edit in %v, peak RSS %d kB", took, time.Since(start), p.procStatus("VmHWM"))
		if took > 60*time.Second {
			t.Errorf("10 MB file took %v", took)
		}
	})
	p.shutdownExit()
}
