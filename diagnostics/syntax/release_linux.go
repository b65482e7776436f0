//go:build linux && cgo

package syntax

/*
#include <malloc.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// glibc gives each thread that calls malloc an arena of its own, up to 8
// per core, and each keeps what it freed. The cgo calls of a server hop
// between the runtime's threads, so tree-sitter's memory ends up spread
// over many half-empty arenas: in the memory benchmark (200 open
// documents, edits spread over them) four arenas held 35 MB where one
// held 10 MB. One arena per core (at least 2) is the measured balance on
// 2 cores, runs alternated: the benchmark's peak RSS was 128-135 MB with
// 2 arenas, 138-145 MB with 3, 148-155 MB with glibc's default; indexing
// the bench tree took 2.02-2.29 s with 2 and 2.03-2.26 s with 3 (threads
// parsing at once may share an arena and wait on its lock, which costs
// less than the noise here). This runs as a constructor, before the Go
// runtime starts its threads: glibc fixes the limit when the second
// thread first allocates, so a mallopt from main comes too late.
// MALLOC_ARENA_MAX, when set, wins.
__attribute__((constructor)) static void fg_limit_arenas(void) {
	if (getenv("MALLOC_ARENA_MAX") != NULL) return;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	mallopt(M_ARENA_MAX, n < 2 ? 2 : (int)n);
}

// fg_malloc_info writes glibc's malloc_info XML into a buffer the caller
// frees (for tests: one <heap nr=...> element per arena).
static char *fg_malloc_info(size_t *len) {
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (f == NULL) return NULL;
	malloc_info(0, f);
	fclose(f);
	return buf;
}
*/
import "C"

import (
	"runtime/debug"
	"strings"
	"unsafe"
)

// ReleaseMemory hands freed memory back to the system after many trees were
// closed at once: glibc keeps freed blocks in its arenas (malloc_trim returns
// them), and the Go runtime keeps its heap (FreeOSMemory collects and returns
// it). Costs a full garbage collection: not for every keystroke.
func ReleaseMemory() {
	debug.FreeOSMemory()
	C.malloc_trim(0)
}

// mallocArenas counts glibc's malloc arenas (-1 when malloc_info fails).
func mallocArenas() int {
	var n C.size_t
	buf := C.fg_malloc_info(&n)
	if buf == nil {
		return -1
	}
	defer C.free(unsafe.Pointer(buf))
	return strings.Count(C.GoStringN(buf, C.int(n)), "<heap nr=")
}
