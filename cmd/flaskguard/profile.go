package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfiles writes a CPU profile to $FLASKGUARD_CPUPROFILE and a heap
// profile to $FLASKGUARD_MEMPROFILE (at exit) when they are set, so that
// the binary can be profiled as the benchmarks drive it (bench/README.md).
// The returned function stops them.
func startProfiles(stderr io.Writer) func() {
	var stops []func()
	if path := os.Getenv("FLASKGUARD_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "flaskguard: FLASKGUARD_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("FLASKGUARD_MEMPROFILE"); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				// No collection first: the profile shows what was live at
				// the last one, during the work rather than after the
				// session freed everything.
				err = pprof.WriteHeapProfile(f)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "flaskguard: FLASKGUARD_MEMPROFILE: %v\n", err)
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}
