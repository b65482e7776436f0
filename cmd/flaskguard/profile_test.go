package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestProfilesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
	t.Setenv("FLASKGUARD_CPUPROFILE", cpu)
	t.Setenv("FLASKGUARD_MEMPROFILE", mem)
	var stderr bytes.Buffer
	stop := startProfiles(&stderr)
	var out bytes.Buffer
	run([]string{"rules"}, &out, &stderr)
	stop()
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b { // pprof profiles are gzipped
			t.Errorf("%s: not a profile (%d bytes, %v)", p, len(b), err)
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	t.Setenv("FLASKGUARD_CPUPROFILE", filepath.Join(dir, "missing", "cpu.out"))
	t.Setenv("FLASKGUARD_MEMPROFILE", "")
	stderr.Reset()
	startProfiles(&stderr)()
	if !bytes.Contains(stderr.Bytes(), []byte("FLASKGUARD_CPUPROFILE")) {
		t.Errorf("an unwritable profile path is not reported: %q", stderr.String())
	}
}
