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
	cmd := exec.Command(serverBinary(t), append([]string{"serve"}, args...)...)
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
	p.request(0, "initialize", map[string]interface{}{
		"processId": nil, "rootUri": nil, "capabilities": map[string]interface{}{},
		"initializationOptions": map[string]interface{}{"select": []string{"FG4", "FG8"}},
	})
	if m := p.reply("0", 10*time.Second); m.Error != nil {
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
