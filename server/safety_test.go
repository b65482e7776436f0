//go:build linux

package server

// Safety (issue 7): the server never runs, imports or evaluates user code,
// and reads nothing outside its workspace folders. Checked on the real
// binary: every way Python code could run leaves a marker file, programs a
// server might spawn (python, pip, flask...) are replaced on PATH by traps
// that leave a marker too, and inotify watches what lies outside the
// workspace (a sibling folder the workspace links to, the parent folder's
// pyproject.toml) for any open or read.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// watcher records opens and reads of files in some folders (inotify).
type watcher struct {
	fd    int
	paths map[int32]string
}

func watch(t *testing.T, dirs ...string) *watcher {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	w := &watcher{fd: fd, paths: map[int32]string{}}
	for _, d := range dirs {
		wd, err := syscall.InotifyAddWatch(fd, d, syscall.IN_OPEN|syscall.IN_ACCESS)
		if err != nil {
			t.Fatalf("inotify watch %s: %v", d, err)
		}
		w.paths[int32(wd)] = d
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return w
}

// outside returns the events not about inside (a folder or what is below it).
func outside(events []string, inside string) []string {
	var out []string
	for _, e := range events {
		_, p, _ := strings.Cut(e, " ")
		if p != inside && !strings.HasPrefix(p, inside+string(filepath.Separator)) {
			out = append(out, e)
		}
	}
	return out
}

// events returns what was opened or read since the watch started.
func (w *watcher) events() []string {
	var out []string
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(w.fd, buf)
		if n <= 0 || err != nil {
			return out
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := string(bytes.TrimRight(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)], "\x00"))
			what := "open"
			if ev.Mask&syscall.IN_ACCESS != 0 {
				what = "read"
			}
			out = append(out, fmt.Sprintf("%s %s", what, filepath.Join(w.paths[ev.Wd], name)))
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// evilPython runs code at import time that leaves a marker (and tries a
// shell too).
func evilPython(marker string) string {
	return fmt.Sprintf(`import os, subprocess
open(%q, "w").write("imported")
os.system("touch %s.system")
subprocess.run(["touch", "%s.subprocess"])
eval(compile("open(%q + '.eval', 'w')", "x", "exec"))
from flask import Flask
app = Flask(__name__)
app.config.from_object("config")
app.run(debug=True)
`, marker, marker, marker, marker)
}

// safetyLayout builds base/{ws, outside, pyproject.toml, trap-bin}.
type safetyLayout struct {
	base, ws, outside, trap, markers string
}

func newSafetyLayout(t *testing.T) *safetyLayout {
	base := t.TempDir()
	l := &safetyLayout{base: base, ws: filepath.Join(base, "ws"), outside: filepath.Join(base, "outside"),
		trap: filepath.Join(base, "trap-bin"), markers: filepath.Join(base, "markers")}
	for _, d := range []string{l.ws, l.outside, filepath.Join(l.outside, "pkg"), l.trap, l.markers, filepath.Join(l.ws, "pkg")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
	m := func(name string) string { return filepath.Join(l.markers, name) }
	// Everything a Python tool might import or execute.
	for _, name := range []string{"app.py", "conftest.py", "setup.py", "__init__.py", "sitecustomize.py", "usercustomize.py",
		"config.py", "manage.py", "wsgi.py", "pkg/__init__.py", "pkg/views.py", "__main__.py"} {
		write(filepath.Join(l.ws, name), evilPython(m(strings.ReplaceAll(name, "/", "_"))), 0o755)
	}
	write(filepath.Join(l.ws, "evil.pth"), "import os; open("+fmt.Sprintf("%q", m("pth"))+", 'w')\n", 0o644)
	write(filepath.Join(l.ws, ".flaskenv"), "FLASK_DEBUG=1\nFLASK_APP=app.py\n", 0o644)
	write(filepath.Join(l.ws, "pyproject.toml"), "[tool.flaskguard]\n", 0o644)
	// Outside the workspace: reachable only through links and "..".
	write(filepath.Join(l.outside, "secret.py"), evilPython(m("outside_secret"))+"SECRET_KEY = 'outside'\n", 0o644)
	write(filepath.Join(l.outside, "pkg", "mod.py"), evilPython(m("outside_mod")), 0o644)
	write(filepath.Join(l.outside, "settings.cfg"), "DEBUG = True\nSECRET_KEY = 'outside'\n", 0o644)
	write(filepath.Join(l.base, "pyproject.toml"), "[tool.flaskguard]\nignore = [\"FG4\"]\n", 0o644)
	for link, target := range map[string]string{
		"linked_dir":     l.outside,
		"linked_file.py": filepath.Join(l.outside, "secret.py"),
		"pkg/rel.py":     "../../outside/pkg/mod.py",
		"dangling.py":    filepath.Join(l.base, "nowhere.py"),
	} {
		if err := os.Symlink(target, filepath.Join(l.ws, link)); err != nil {
			t.Fatal(err)
		}
	}
	// Traps for programs a server might run.
	for _, prog := range []string{"python", "python3", "python3.11", "pip", "pip3", "flask", "pytest", "bandit", "ruff", "git", "bash", "sh", "env"} {
		write(filepath.Join(l.trap, prog), "#!/bin/sh\ntouch "+m("ran_"+prog)+"\n", 0o755)
	}
	return l
}

func (l *safetyLayout) markersLeft(t *testing.T) []string {
	entries, err := os.ReadDir(l.markers)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestSafetyServerRunsNoCodeAndStaysInTheWorkspace indexes a workspace
// full of code that would leave markers if run, with links and relative
// imports reaching outside, opens, edits, fixes and hovers its files, and
// checks that no marker appeared and nothing outside was opened or read.
func TestSafetyServerRunsNoCodeAndStaysInTheWorkspace(t *testing.T) {
	l := newSafetyLayout(t)
	w := watch(t, l.outside, filepath.Join(l.outside, "pkg"), l.base)
	p := startServerWith(t, func(cmd *exec.Cmd) {
		cmd.Dir = l.ws
		cmd.Env = append(os.Environ(), "PATH="+l.trap, "PYTHONSTARTUP="+filepath.Join(l.ws, "app.py"))
	})
	wsURI := "file://" + l.ws
	p.request("init", "initialize", map[string]interface{}{
		"processId": nil, "rootUri": wsURI,
		"workspaceFolders": []map[string]string{{"uri": wsURI, "name": "ws"}},
		"capabilities":     map[string]interface{}{"window": map[string]bool{"workDoneProgress": true}},
	})
	p.reply(`"init"`, 10*time.Second)
	p.notify("initialized", map[string]interface{}{})
	p.waitFor("indexing end", 30*time.Second, func(m *wireMsg) bool {
		return m.Method == "$/progress" && strings.Contains(string(m.Params), `"kind":"end"`)
	})
	appURI := wsURI + "/app.py"
	src, _ := os.ReadFile(filepath.Join(l.ws, "app.py"))
	p.open(appURI, "python", string(src)+"from linked_dir.secret import SECRET_KEY\nfrom pkg.rel import x\nimport linked_file\n")
	p.publishedFor(appURI, 1, 10*time.Second)
	p.notify("textDocument/didChange", map[string]interface{}{
		"textDocument":   map[string]interface{}{"uri": appURI, "version": 2},
		"contentChanges": []interface{}{map[string]interface{}{"text": string(src) + "exec('import os')\n__import__('subprocess')\n"}},
	})
	ds := p.publishedFor(appURI, 2, 10*time.Second)
	if len(ds) == 0 {
		t.Errorf("no findings in app.py: the analysis did not run")
	}
	p.request(1, "textDocument/codeAction", map[string]interface{}{
		"textDocument": map[string]string{"uri": appURI},
		"range":        map[string]interface{}{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 20, "character": 0}},
		"context":      map[string]interface{}{"diagnostics": []interface{}{}, "only": []string{"quickfix", "source.fixAll.flaskguard"}},
	})
	p.reply("1", 10*time.Second)
	p.request(2, "textDocument/hover", map[string]interface{}{"textDocument": map[string]string{"uri": appURI}, "position": map[string]int{"line": 8, "character": 5}})
	p.reply("2", 10*time.Second)
	p.notify("textDocument/didSave", map[string]interface{}{"textDocument": map[string]string{"uri": appURI}})
	p.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{
		{"uri": wsURI + "/conftest.py", "type": 2}, {"uri": wsURI + "/pkg/views.py", "type": 1},
	}})
	p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": appURI}})
	p.alive(3)
	p.shutdownExit()

	// Nothing of the workspace points outside in what was published.
	p.mu.Lock()
	for _, m := range p.msgs {
		if strings.Contains(string(m.Params), "outside") || strings.Contains(string(m.Result), "/outside") {
			t.Errorf("a message mentions the outside folder: %s %s", m.Method, truncate(string(m.Params)+string(m.Result), 300))
		}
	}
	p.mu.Unlock()
	if ev := outside(w.events(), l.ws); len(ev) > 0 {
		t.Errorf("the server opened or read files outside its workspace:\n%s", strings.Join(ev, "\n"))
	}
	if left := l.markersLeft(t); len(left) > 0 {
		t.Errorf("user code ran or a program was started: markers %v", left)
	}
}

// safetySession starts the server on l's workspace and waits for indexing.
func safetySession(t *testing.T, l *safetyLayout) (*proc, string) {
	p := startServerWith(t, func(cmd *exec.Cmd) { cmd.Dir = l.ws; cmd.Env = append(os.Environ(), "PATH="+l.trap) })
	wsURI := "file://" + l.ws
	p.request("init", "initialize", map[string]interface{}{
		"processId": nil, "rootUri": wsURI,
		"workspaceFolders": []map[string]string{{"uri": wsURI, "name": "ws"}},
		"capabilities":     map[string]interface{}{"window": map[string]bool{"workDoneProgress": true}},
	})
	p.reply(`"init"`, 10*time.Second)
	p.notify("initialized", map[string]interface{}{})
	p.waitFor("indexing end", 30*time.Second, func(m *wireMsg) bool {
		return m.Method == "$/progress" && strings.Contains(string(m.Params), `"kind":"end"`)
	})
	return p, wsURI
}

// Watched-file events and closing a buffer re-read files from disk; a
// path that is a link (or runs through one) must not be followed out of
// the workspace.
func TestSafetyLinksInFileEventsAreNotFollowed(t *testing.T) {
	l := newSafetyLayout(t)
	w := watch(t, l.outside, filepath.Join(l.outside, "pkg"))
	p, wsURI := safetySession(t, l)
	p.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{
		{"uri": wsURI + "/linked_file.py", "type": 2}, {"uri": wsURI + "/linked_dir/secret.py", "type": 1}, {"uri": wsURI + "/pkg/rel.py", "type": 2},
	}})
	p.open(wsURI+"/linked_file.py", "python", "x = 1\n")
	p.publishedFor(wsURI+"/linked_file.py", 1, 10*time.Second)
	p.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": wsURI + "/linked_file.py"}})
	p.alive(1)
	p.shutdownExit()
	if ev := outside(w.events(), l.ws); len(ev) > 0 {
		t.Errorf("the server followed links out of its workspace:\n%s", strings.Join(ev, "\n"))
	}
}

// app.config.from_pyfile / from_file name files the project model reads
// (as config, never run). A relative path climbing out of the workspace,
// or a link, must not be read; nor may a FIFO block the analysis.
func TestSafetyConfigFilesStayInTheWorkspace(t *testing.T) {
	l := newSafetyLayout(t)
	if err := os.Symlink(filepath.Join(l.outside, "settings.cfg"), filepath.Join(l.ws, "linked.cfg")); err != nil {
		t.Fatal(err)
	}
	w := watch(t, l.outside, filepath.Join(l.outside, "pkg"))
	p, wsURI := safetySession(t, l)
	for i, target := range []string{"../outside/settings.cfg", "linked.cfg"} {
		uri := fmt.Sprintf("%s/cfg%d.py", wsURI, i)
		p.open(uri, "python", fmt.Sprintf("from flask import Flask\napp = Flask(__name__)\napp.config.from_pyfile(%q)\n", target))
		p.publishedFor(uri, 1, 10*time.Second)
	}
	p.alive(1)
	p.shutdownExit()
	if ev := outside(w.events(), l.ws); len(ev) > 0 {
		t.Errorf("the project model read from_pyfile targets outside the workspace:\n%s", strings.Join(ev, "\n"))
	}
}

// A config file that is a FIFO (or a device) would block os.ReadFile
// forever, and with it the document loop.
func TestSafetyConfigFileThatBlocks(t *testing.T) {
	l := newSafetyLayout(t)
	if err := syscall.Mkfifo(filepath.Join(l.ws, "blocking.cfg"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	p, wsURI := safetySession(t, l)
	uri := wsURI + "/fifo_app.py"
	p.open(uri, "python", "from flask import Flask\napp = Flask(__name__)\napp.config.from_pyfile(\"blocking.cfg\")\napp.run(debug=True)\n")
	deadline := time.Now().Add(3 * time.Second)
	for p.count(func(m *wireMsg) bool {
		return m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), "fifo_app.py")
	}) == 0 {
		if time.Now().After(deadline) {
			// Unblock the reader so that the server can exit.
			if f, err := os.OpenFile(filepath.Join(l.ws, "blocking.cfg"), os.O_WRONLY, 0); err == nil {
				f.Close()
			}
			t.Fatal("a from_pyfile target that is a FIFO blocked the document loop")
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.alive(1)
	p.shutdownExit()
}

// TestSafetyCheckRunsNoCode: `flaskguard check` on the same tree runs no
// code either, and follows no link. (It reads configuration upward from
// the checked folder by design, as Ruff does, so the parent's
// pyproject.toml is not watched here.)
func TestSafetyCheckRunsNoCode(t *testing.T) {
	l := newSafetyLayout(t)
	w := watch(t, l.outside, filepath.Join(l.outside, "pkg"))
	cmd := exec.Command(serverBinary(t), "check", "--format", "json", ".")
	cmd.Dir = l.ws
	cmd.Env = append(os.Environ(), "PATH="+l.trap)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("check: %v (want exit 1: findings)\n%s", err, out)
	}
	if strings.Contains(string(out), "outside") || strings.Contains(string(out), "linked_") {
		t.Errorf("check reported files through links:\n%s", out)
	}
	if ev := w.events(); len(ev) > 0 {
		t.Errorf("check opened or read files outside the checked folder:\n%s", strings.Join(ev, "\n"))
	}
	if left := l.markersLeft(t); len(left) > 0 {
		t.Errorf("user code ran or a program was started: markers %v", left)
	}
}

// The workspace's configuration file is read like any other file: a link
// to one outside is not followed, and with none in the workspace the
// search does not climb above it (base/pyproject.toml ignores FG4, so a
// read of it would also drop app.py's debug=True finding).
func TestSafetyConfigSearchStaysInTheWorkspace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		linked bool
	}{{"linked pyproject.toml", true}, {"none in the workspace", false}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newSafetyLayout(t)
			os.Remove(filepath.Join(l.ws, "pyproject.toml"))
			if tc.linked {
				if err := os.WriteFile(filepath.Join(l.outside, "pyproject.toml"), []byte("[tool.flaskguard]\nignore = [\"FG4\"]\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join(l.outside, "pyproject.toml"), filepath.Join(l.ws, "pyproject.toml")); err != nil {
					t.Fatal(err)
				}
			}
			w := watch(t, l.outside, l.base)
			p, wsURI := safetySession(t, l)
			appURI := wsURI + "/app.py"
			src, _ := os.ReadFile(filepath.Join(l.ws, "app.py"))
			p.open(appURI, "python", string(src))
			ds := p.publishedFor(appURI, 1, 10*time.Second)
			p.alive(1)
			p.shutdownExit()
			if ev := outside(w.events(), l.ws); len(ev) > 0 {
				t.Errorf("the server read configuration outside its workspace:\n%s", strings.Join(ev, "\n"))
			}
			if !strings.Contains(fmt.Sprint(ds), "FG401") {
				t.Errorf("no FG401 in app.py: a configuration from outside the workspace was applied: %v", ds)
			}
		})
	}
}

// A pyproject.toml that is a FIFO must not block the server's start.
func TestSafetyConfigFileIsAFIFO(t *testing.T) {
	l := newSafetyLayout(t)
	cfg := filepath.Join(l.ws, "pyproject.toml")
	os.Remove(cfg)
	if err := syscall.Mkfifo(cfg, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		// Unblock a reader stuck on it, so that a failing server can exit.
		if f, err := os.OpenFile(cfg, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	p, wsURI := safetySession(t, l)
	uri := wsURI + "/app.py"
	p.open(uri, "python", "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
	if ds := p.publishedFor(uri, 1, 5*time.Second); !strings.Contains(fmt.Sprint(ds), "FG401") {
		t.Errorf("want FG401 with the FIFO configuration file skipped, got %v", ds)
	}
	p.alive(1)
	p.shutdownExit()
}
