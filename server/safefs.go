package server

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/flaskguard/flaskguard/internal/safefile"
)

// maxReadSize bounds a file the server reads from disk.
const maxReadSize = 32 << 20

// readWorkspaceFile reads a file only if it lies inside a workspace folder,
// is a regular file (not a FIFO or device that would block), and no link
// on its way leads elsewhere: the server reads nothing outside its
// workspace, whatever a from_pyfile argument or a file event names.
func (s *Server) readWorkspaceFile(path string) ([]byte, error) { return readIn(s.roots, path) }

// workspaceReader is readWorkspaceFile for use off the document loop, in
// the workspace folders of the moment it is called (on the loop): s.roots
// is replaced when they change, never changed in place.
func (s *Server) workspaceReader() func(path string) ([]byte, error) {
	roots := s.roots
	return func(path string) ([]byte, error) { return readIn(roots, path) }
}

func readIn(roots []string, path string) ([]byte, error) {
	if err := checkIn(roots, path); err != nil {
		return nil, err
	}
	return safefile.Read(path, maxReadSize)
}

// checkIn refuses paths outside every workspace folder of roots, or whose
// real location (links resolved) differs from the path itself.
func checkIn(roots []string, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	for _, root := range roots {
		rootReal, err := filepath.EvalSymlinks(root)
		if err != nil {
			continue
		}
		if within(rootReal, real) && (real == abs || realOf(abs, root, rootReal) == real) {
			return nil
		}
	}
	return fmt.Errorf("%s: outside the workspace folders (or reached through a link)", path)
}

// realOf maps abs (under root) to the same place under rootReal, so that a
// workspace folder that is itself reached through a link still works.
func realOf(abs, root, rootReal string) string {
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.Join(rootReal, rel)
}

func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
