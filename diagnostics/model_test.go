package diagnostics_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// TestDumpProject prints the findings of the project in $FG_DUMP (a
// directory), every rule on: a tool for writing fixtures.
func TestDumpProject(t *testing.T) {
	dir := os.Getenv("FG_DUMP")
	if dir == "" {
		t.Skip("set FG_DUMP to a project directory")
	}
	files := loadProject(t, dir)
	inputs := make([]diagnostics.Input, len(files))
	for i, f := range files {
		inputs[i] = diagnostics.Input{Path: f.rel, Module: diagnostics.ModuleName(dir, filepath.Join(dir, f.rel)), Src: f.src}
	}
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	engine.ReadFile = func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) }
	for i, fs := range engine.AnalyzeAll(inputs) {
		text := source.New(files[i].src)
		for _, fd := range fs {
			fmt.Printf("%s:%d: %s %s [fixes %d]\n", files[i].rel, text.LineOf(fd.Start)+1, fd.Code, fd.Message, len(fd.Fixes))
			for _, r := range fd.Related {
				fmt.Printf("    related %s@%d: %s\n", r.Path, r.Start, r.Message)
			}
		}
	}
}
