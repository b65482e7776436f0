//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runCheckWithin runs check and fails the test if it has not returned
// within limit (a blocked read would hang it forever).
func runCheckWithin(t *testing.T, limit time.Duration, o CheckOptions) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- RunCheck(o, &out, &errOut) }()
	select {
	case code = <-done:
	case <-time.After(limit):
		t.Fatalf("check %v did not return within %v (a read blocked)", o.Paths, limit)
	}
	return code, out.String(), errOut.String()
}

// FIFOs and devices where check reads files: named on the command line,
// as a configuration file, or as a from_pyfile target (in the project or
// reached by climbing to /dev). A plain read would wait for a FIFO's
// writer forever or read /dev/zero until memory runs out.
func TestCheckSpecialFiles(t *testing.T) {
	dir := inProject(t, map[string]string{
		"app.py": "from flask import Flask\napp = Flask(__name__)\n" +
			"app.config.from_pyfile(\"settings.cfg\")\n" +
			"app.config.from_pyfile(\"" + strings.Repeat("../", 40) + "dev/zero\")\n" +
			"app.run(debug=True)\n",
	})
	for _, name := range []string{"settings.cfg", "fifo.py"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	t.Cleanup(func() {
		for _, name := range []string{"settings.cfg", "fifo.py", "pyproject.toml"} {
			// Unblock a reader stuck on it, so that a failing test ends.
			if f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
	})
	// The folder: fifo.py is skipped by the walk, the from_pyfile targets
	// are not read, and app.py's finding is reported.
	code, out, errOut := runCheckWithin(t, 10*time.Second, CheckOptions{Format: "json"})
	if code != ExitFindings || !strings.Contains(out, "FG401") || strings.Contains(out, "fifo.py") {
		t.Errorf("check .: exit %d, want 1 with app.py's FG401 only\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// Named on the command line: an error that says why.
	code, _, errOut = runCheckWithin(t, 10*time.Second, CheckOptions{Paths: []string{"fifo.py"}})
	if code != ExitError || !strings.Contains(errOut, "fifo.py: not a regular file") {
		t.Errorf("check fifo.py: exit %d, stderr %q; want 2 and \"not a regular file\"", code, errOut)
	}
	// As the configuration file.
	if err := syscall.Mkfifo(filepath.Join(dir, "pyproject.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCheckWithin(t, 10*time.Second, CheckOptions{})
	if code != ExitError || !strings.Contains(errOut, "pyproject.toml: not a regular file") {
		t.Errorf("check with a FIFO pyproject.toml: exit %d, stderr %q; want 2 and \"not a regular file\"", code, errOut)
	}
}
