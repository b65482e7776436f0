//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "settings.cfg")
	if err := os.WriteFile(regular, []byte("DEBUG = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "linked.cfg")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.cfg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	empty := filepath.Join(dir, "empty.py")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		limit   int64
		want    string
		wantErr string
	}{
		{regular, 0, "DEBUG = True\n", ""},
		{regular, 13, "DEBUG = True\n", ""},
		{regular, 12, "", "over the 12-byte limit"},
		{link, 0, "DEBUG = True\n", ""},
		{empty, 0, "", ""},
		{fifo, 0, "", "not a regular file"},
		{"/dev/zero", 0, "", "not a regular file"},
		{dir, 0, "", "not a regular file"},
		{filepath.Join(dir, "missing"), 0, "", "no such file"},
	} {
		done := make(chan struct{})
		var got []byte
		var err error
		go func() { got, err = Read(tc.path, tc.limit); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocked", tc.path)
		}
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Read(%s, %d) = %q, %v; want an error with %q", tc.path, tc.limit, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("Read(%s, %d) = %q, %v; want %q", tc.path, tc.limit, got, err, tc.want)
		}
	}
}
