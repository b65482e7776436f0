// Package walk lists the files flaskguard checks under a set of paths,
// skipping what is not the user's app: VCS folders, virtualenvs,
// site-packages, node_modules and caches. Symbolic links are not followed,
// so nothing outside the given paths is read.
package walk

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// skipDirs are never descended into: Ruff's default exclusions (VCS
// folders, environments, caches, build output), and dist-packages and
// __pycache__.
var skipDirs = map[string]bool{
	".bzr": true, ".direnv": true, ".eggs": true, ".git": true, ".git-rewrite": true, ".hg": true,
	".ipynb_checkpoints": true, ".mypy_cache": true, ".nox": true, ".pants.d": true, ".pyenv": true,
	".pytest_cache": true, ".pytype": true, ".ruff_cache": true, ".svn": true, ".tox": true, ".venv": true,
	".vscode": true, "__pypackages__": true, "_build": true, "buck-out": true, "build": true, "dist": true,
	"node_modules": true, "site-packages": true, "venv": true,
	"dist-packages": true, "__pycache__": true,
}

// Options tune the walk.
type Options struct {
	// Exclude reports paths (relative to the walked root, slash-separated)
	// to leave out; nil keeps everything.
	Exclude func(rel string, isDir bool) bool
}

// Files returns the files under paths that flaskguard can check (Python,
// templates, env files), sorted. A path naming a file is kept whatever its
// kind is not: the user asked for it. A missing path is an error.
func Files(paths []string, opts Options) ([]string, error) {
	var out []string
	for _, root := range paths {
		info, err := os.Lstat(root)
		if err != nil {
			return out, err
		}
		if !info.IsDir() {
			out = append(out, root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable entries are skipped, not fatal
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if p != root && (skipDirs[d.Name()] || isVirtualenv(p)) {
					return filepath.SkipDir
				}
				if p != root && opts.Exclude != nil && opts.Exclude(rel, true) {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() {
				return nil // links may point outside the project
			}
			if diagnostics.ClassifyPath(p) == diagnostics.KindNone {
				return nil
			}
			if opts.Exclude != nil && opts.Exclude(rel, false) {
				return nil
			}
			out = append(out, p)
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// isVirtualenv spots a virtualenv under any name by its pyvenv.cfg.
func isVirtualenv(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil
}

// Skipped reports whether path, a file or folder below root, lies in a
// folder Files does not descend into from root (a VCS folder, a
// virtualenv under any name, site-packages, node_modules, a cache), or is
// one. A path not below root is not skipped. For file events, which must
// leave out what a walk would: `pip install` into a workspace's .venv
// reports thousands of created modules.
func Skipped(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	dir := root
	for _, name := range strings.Split(rel, string(filepath.Separator)) {
		dir = filepath.Join(dir, name)
		if skipDirs[name] || isVirtualenv(dir) {
			return true
		}
	}
	return false
}
