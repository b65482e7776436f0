//go:build linux && cgo

package syntax

/*
#include <malloc.h>
*/
import "C"

import "runtime/debug"

// ReleaseMemory hands freed memory back to the system after many trees were
// closed at once: glibc keeps freed blocks in its arenas (malloc_trim returns
// them), and the Go runtime keeps its heap (FreeOSMemory collects and returns
// it). Costs a full garbage collection: not for every keystroke.
func ReleaseMemory() {
	debug.FreeOSMemory()
	C.malloc_trim(0)
}
