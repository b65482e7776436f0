//go:build linux && cgo

package syntax

import (
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/flaskguard/flaskguard/internal/gen"
)

// TestMallocArenasLimited: threads that parse at the same time share at most
// one glibc arena per core (at least 2), however many threads there are.
func TestMallocArenasLimited(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Skip("MALLOC_ARENA_MAX is set: it decides")
	}
	if mallocArenas() < 0 {
		t.Skip("malloc_info unavailable")
	}
	src := gen.Module(7, 300)
	const threads = 16
	var start, done sync.WaitGroup
	start.Add(1)
	for i := 0; i < threads; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			// A thread of its own each: glibc assigns arenas per thread.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			start.Wait()
			for j := 0; j < 3; j++ {
				Parse(src).Close()
			}
		}()
	}
	start.Done()
	done.Wait()
	limit := runtime.NumCPU()
	if limit < 2 {
		limit = 2
	}
	// malloc_info lists the main arena too.
	if got := mallocArenas(); got > limit {
		t.Errorf("%d malloc arenas after %d threads parsed at once, want at most %d (one per core)", got, threads, limit)
	}
}
