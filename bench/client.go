package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client drives a real `flaskguard serve` process over its stdio.
type Client struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	wmu sync.Mutex

	mu      sync.Mutex
	nextID  int
	pending map[string]chan Message
	// OnNotify sees every notification (and request) from the server, on
	// the reading goroutine; set it before sending what triggers them.
	OnNotify func(Message)
	done     chan struct{}
	Started  time.Time
}

// Message is a message from the server.
type Message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	At time.Time `json:"-"` // when it was read
}

// Start runs `bin serve` with stderr going to stderr (nil: discarded).
func Start(bin string, stderr io.Writer) (*Client, error) {
	cmd := exec.Command(bin, "serve")
	cmd.Stderr = stderr
	c := &Client{cmd: cmd, pending: map[string]chan Message{}, done: make(chan struct{})}
	var err error
	if c.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	return c, nil
}

// Pid is the server's process id.
func (c *Client) Pid() int { return c.cmd.Process.Pid }

func (c *Client) read(r *bufio.Reader) {
	defer close(c.done)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if name, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if length < 0 {
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m Message
		if json.Unmarshal(body, &m) != nil {
			continue
		}
		m.At = time.Now()
		if m.Method == "" {
			c.mu.Lock()
			ch := c.pending[string(m.ID)]
			delete(c.pending, string(m.ID))
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		if len(m.ID) > 0 { // a request from the server: accept it
			c.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, m.ID))
		}
		c.mu.Lock()
		f := c.OnNotify
		c.mu.Unlock()
		if f != nil {
			f(m)
		}
	}
}

// SetOnNotify sets the notification callback.
func (c *Client) SetOnNotify(f func(Message)) {
	c.mu.Lock()
	c.OnNotify = f
	c.mu.Unlock()
}

func (c *Client) send(body string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return err
}

// Call sends a request and waits for its reply.
func (c *Client) Call(method string, params interface{}, timeout time.Duration) (Message, error) {
	ch := c.CallAsync(method, params)
	select {
	case m := <-ch:
		if m.Error != nil {
			return m, fmt.Errorf("%s: error %d: %s", method, m.Error.Code, m.Error.Message)
		}
		return m, nil
	case <-c.done:
		return Message{}, fmt.Errorf("%s: server exited", method)
	case <-time.After(timeout):
		return Message{}, fmt.Errorf("%s: no reply within %v", method, timeout)
	}
}

// CallAsync sends a request; its reply arrives on the channel.
func (c *Client) CallAsync(method string, params interface{}) <-chan Message {
	c.mu.Lock()
	c.nextID++
	id := strconv.Itoa(c.nextID)
	ch := make(chan Message, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	body, _ := json.Marshal(map[string]interface{}{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	c.send(string(body))
	return ch
}

// Notify sends a notification.
func (c *Client) Notify(method string, params interface{}) error {
	body, err := json.Marshal(map[string]interface{}{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		return err
	}
	return c.send(string(body))
}

// Initialize sends initialize (and initialized) with the given workspace
// folder ("" for none) and initializationOptions.
func (c *Client) Initialize(folder string, progress bool, options interface{}) error {
	params := map[string]interface{}{
		"processId":             os.Getpid(),
		"rootUri":               nil,
		"capabilities":          map[string]interface{}{"window": map[string]bool{"workDoneProgress": progress}},
		"initializationOptions": options,
	}
	if folder != "" {
		params["workspaceFolders"] = []map[string]string{{"uri": "file://" + folder, "name": "ws"}}
		params["rootUri"] = "file://" + folder
	}
	if _, err := c.Call("initialize", params, 30*time.Second); err != nil {
		return err
	}
	return c.Notify("initialized", map[string]interface{}{})
}

// Open sends didOpen (version 1).
func (c *Client) Open(uri, text string) error {
	return c.Notify("textDocument/didOpen", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri, "languageId": "python", "version": 1, "text": text},
	})
}

// Change sends one incremental change.
func (c *Client) Change(uri string, version int, line, char, endLine, endChar int, text string) error {
	return c.Notify("textDocument/didChange", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": uri, "version": version},
		"contentChanges": []interface{}{map[string]interface{}{
			"range": map[string]interface{}{
				"start": map[string]int{"line": line, "character": char},
				"end":   map[string]int{"line": endLine, "character": endChar},
			},
			"text": text,
		}},
	})
}

// Close ends the session (shutdown, exit) and waits for the process.
func (c *Client) Close() error {
	c.Call("shutdown", nil, 10*time.Second)
	c.Notify("exit", nil)
	c.in.Close()
	errc := make(chan error, 1)
	go func() { errc <- c.cmd.Wait() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		return fmt.Errorf("server did not exit")
	}
}

// Published identifies a publishDiagnostics.
type Published struct {
	URI         string            `json:"uri"`
	Version     int               `json:"version"`
	Diagnostics []json.RawMessage `json:"diagnostics"`
}

// ProcStatus reads a field of /proc/PID/status, in kB.
func ProcStatus(pid int, field string) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			if len(f) < 2 {
				break
			}
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// HeapRSS is the resident size, in kB, of the process's brk heap (the
// "[heap]" mapping of /proc/PID/smaps): glibc's main malloc arena. The Go
// heap is in anonymous mappings, not there. With MALLOC_ARENA_MAX=1 every
// thread's malloc uses that arena, so this is tree-sitter's memory (less
// the large blocks malloc maps on their own); without it, threads other
// than the main one get arenas of their own and this undercounts.
func HeapRSS(pid int) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, err
	}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if strings.Contains(f[0], "-") && len(f) >= 5 { // a mapping's header
			in = f[len(f)-1] == "[heap]"
			continue
		}
		if in && f[0] == "Rss:" && len(f) >= 2 {
			return strconv.Atoi(f[1])
		}
	}
	return 0, nil
}
