// Package safefile reads files whose names may lie: a FIFO or a device
// named like a module or a config file would block a plain read forever
// (a FIFO with no writer) or never end (/dev/zero). Every file flaskguard
// reads that a project, not the user, chose goes through Read.
package safefile

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Read reads the regular file at path, following links, up to limit bytes
// (0: no limit). Anything else (a FIFO, a device, a socket, a directory)
// and a file over the limit are errors; the open itself does not wait for
// a FIFO's writer.
func Read(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Checked on what was opened, not on the name: it may have been
	// replaced in between.
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if limit > 0 && info.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit", path, info.Size(), limit)
	}
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	// Room for the whole file and ReadFrom's minimum read: one allocation.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if limit > 0 && int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: over the %d-byte limit (it grew while read)", path, limit)
	}
	return data, nil
}
