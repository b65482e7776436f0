//go:build !linux || !cgo

package syntax

import "runtime/debug"

// ReleaseMemory hands freed memory back to the system after many trees were
// closed at once (see release_linux.go).
func ReleaseMemory() { debug.FreeOSMemory() }
