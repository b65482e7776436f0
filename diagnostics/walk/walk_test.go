package walk

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Skipped agrees with Files: of the Python files under a tree, those Files
// lists are not skipped and the others are.
func TestSkippedAgreesWithFiles(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{
		"app.py", "pkg/views.py", "pkg/build_tools.py", "distro/x.py",
		".venv/lib/python3.11/site-packages/flask/app.py", "env/lib/mod.py", "env/pyvenv.cfg",
		"node_modules/x/y.py", "pkg/__pycache__/views.py", "build/lib/app.py", ".git/hooks/h.py",
		"lib/site-packages/z.py", "src/.tox/py/a.py",
		".pyenv/versions/3.12.1/lib/python3.12/os.py", "docs/_build/conf.py", "__pypackages__/3.12/lib/m.py",
	} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Files([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range files {
		listed[f] = true
	}
	if len(listed) != 4 {
		t.Errorf("Files listed %d files, want the 4 outside skipped folders: %v", len(listed), files)
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".py" {
			return err
		}
		if got := Skipped(root, p); got == listed[p] {
			rel, _ := filepath.Rel(root, p)
			t.Errorf("Skipped(%s) = %v, but Files listed it: %v", rel, got, listed[p])
		}
		return nil
	})
	for _, tc := range []struct {
		path string
		want bool
	}{
		{root, false},
		{filepath.Join(root, "pkg"), false},
		{filepath.Join(root, "node_modules"), true},          // the folder itself
		{filepath.Join(root, "env"), true},                   // a virtualenv by its pyvenv.cfg
		{filepath.Join(root, "gone", "build", "x.py"), true}, // deleted: by name only
		{filepath.Join(filepath.Dir(root), ".venv", "x.py"), false},
	} {
		if got := Skipped(root, tc.path); got != tc.want {
			t.Errorf("Skipped(%s) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
