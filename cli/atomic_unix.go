//go:build unix

package cli

import (
	"os"
	"syscall"
)

// keepOwner gives the new file the original's owner and group when the
// process may (root, or the same owner); otherwise it keeps the defaults.
func keepOwner(f *os.File, orig os.FileInfo) {
	st, ok := orig.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if st.Uid != uint32(os.Getuid()) || st.Gid != uint32(os.Getgid()) {
		_ = f.Chown(int(st.Uid), int(st.Gid))
	}
}

// syncDir makes the rename durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
