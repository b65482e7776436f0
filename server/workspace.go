package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/config"
	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
	"github.com/flaskguard/flaskguard/diagnostics/walk"
)

// moduleOf names a file's module from the workspace folder holding it.
func (s *Server) moduleOf(path string) string {
	if path == "" {
		return ""
	}
	best := ""
	for _, r := range s.roots {
		if rel, err := filepath.Rel(r, path); err == nil && !strings.HasPrefix(rel, "..") && len(r) > len(best) {
			best = r
		}
	}
	if best == "" {
		best = filepath.Dir(path)
	}
	return diagnostics.ModuleName(best, path)
}

// indexWorkspace reads every Python file of the workspace folders into the
// project (symbols only: trees are freed at once), so imports between
// modules resolve and project rules see the whole app. Parsing runs on all
// cores off the document loop; the results are put in on the loop.
func (s *Server) indexWorkspace(ctx context.Context) { s.indexRoots(ctx, s.roots) }

// indexRoots is indexWorkspace for some of the workspace folders (those a
// client added, or all again when the configuration's exclusions
// changed): modules the project has are not read again, and those under
// roots that the walk no longer lists (excluded now) leave it.
func (s *Server) indexRoots(ctx context.Context, roots []string) {
	roots = append([]string(nil), roots...)
	cfg := s.config
	read := s.workspaceReader()
	seen := maps.Clone(s.fileEvents)
	if len(roots) == 0 {
		return
	}
	had := map[string]bool{}
	for _, pf := range s.project.Files() {
		had[pf.File.Path] = true
	}
	go func() {
		progress := s.beginProgress(ctx, "Indexing the workspace")
		var inputs []diagnostics.Input
		listed := map[string]bool{}
		for _, root := range roots {
			files, err := pythonModules(cfg, root)
			if err != nil {
				s.log.Warn("indexing", zap.String("root", root), zap.Error(err))
			}
			for _, f := range files {
				listed[f] = true
				if !had[f] {
					inputs = append(inputs, diagnostics.Input{Path: f, Module: diagnostics.ModuleName(root, f)})
				}
			}
		}
		if total := len(listed); total > s.maxIndexed {
			// A home folder or a checkout of many projects: indexing it
			// all would take gigabytes. The modules past the bound (in
			// path order) are not read; a file opened is analysed anyway.
			inputs = inputs[:max(0, min(len(inputs), s.maxIndexed-len(had)))]
			msg := fmt.Sprintf("flaskguard: the workspace has %d Python modules; only %d are read for imports between modules. Exclude the folders that are not your app ([tool.flaskguard] exclude in pyproject.toml), or open a smaller folder.", total, s.maxIndexed)
			s.log.Warn("indexing bounded", zap.Int("modules", total), zap.Int("read", s.maxIndexed))
			s.showMessage(2, msg)
		}
		// Indexing allocates mostly what it keeps (every module's facts):
		// collecting as often as the server usually does (GOGC=50) would
		// scan that growing heap over and over, a third of the CPU time.
		// What is garbage is returned to the system afterwards.
		relaxGC()
		entries := indexFiles(inputs, s.engine, read, func(done, total int) {
			progress.report(done, total)
		})
		restoreGC()
		s.enqueue(func() {
			for _, e := range entries {
				if s.isOpen(e.file.Path) || s.fileEvents[e.file.Path] != seen[e.file.Path] || s.rootOf(e.file.Path) == "" {
					// The buffer wins, and so does a file event since, or
					// the folder's removal from the workspace.
					continue
				}
				s.project.Put(e.file, e.symbols)
			}
			removed := s.removeModules(func(path string) bool {
				return had[path] && !listed[path] && s.fileEvents[path] == seen[path] && slices.Contains(roots, s.rootOf(path))
			})
			s.projectDirty = true
			s.log.Info("indexed workspace", zap.Int("files", len(entries)), zap.Int("removed", removed))
		})
		progress.end()
	}()
}

// maxIndexedFiles bounds the Python modules the workspace indexing reads:
// each costs about 85 KB of memory in the server (the benchmark tree's
// 3,000 modules of 150 lines: 255 MB), so 20,000 is near 2 GB.
var maxIndexedFiles = 20000

// indexingGCPercent is the GOGC while the workspace is indexed.
const indexingGCPercent = 400

// While any indexing runs, GOGC is at least indexingGCPercent; the last
// one to finish puts back what was set before the first began.
var (
	indexingMu  sync.Mutex
	indexings   int
	gcBeforeIdx int
)

func relaxGC() {
	indexingMu.Lock()
	defer indexingMu.Unlock()
	if indexings == 0 {
		gcBeforeIdx = debug.SetGCPercent(indexingGCPercent)
		if gcBeforeIdx < 0 || gcBeforeIdx > indexingGCPercent {
			debug.SetGCPercent(gcBeforeIdx) // off, or already higher
		}
	}
	indexings++
}

func restoreGC() {
	indexingMu.Lock()
	defer indexingMu.Unlock()
	if indexings--; indexings == 0 {
		debug.SetGCPercent(gcBeforeIdx)
		syntax.ReleaseMemory()
	}
}

type indexEntry struct {
	file    *diagnostics.File
	symbols *diagnostics.ModuleSymbols
}

// indexFiles reads and parses files in parallel into tree-less Files.
func indexFiles(inputs []diagnostics.Input, engine *diagnostics.Engine, read func(string) ([]byte, error), report func(done, total int)) []indexEntry {
	out := make([]indexEntry, len(inputs))
	done := make(chan struct{}, len(inputs))
	go func() {
		n := 0
		for range done {
			n++
			if n%50 == 0 || n == len(inputs) {
				report(n, len(inputs))
			}
		}
	}()
	diagnostics.Parallel(len(inputs), func(i int) {
		defer func() { done <- struct{}{} }()
		in := inputs[i]
		src, err := read(in.Path)
		if err != nil {
			return
		}
		out[i] = loadFile(in.Path, in.Module, src, engine)
	})
	close(done)
	kept := out[:0]
	for _, e := range out {
		if e.file != nil {
			kept = append(kept, e)
		}
	}
	return kept
}

// loadFile parses src, extracts symbols and frees the tree.
func loadFile(path, module string, src []byte, engine *diagnostics.Engine) indexEntry {
	src, _ = source.StripBOM(src) // as an editor holds it, and check reads it
	tree := syntax.Parse(src)
	defer tree.Close()
	f := diagnostics.NewPythonFile(path, module, tree)
	sym := engine.Symbols(f, diagnostics.Statements(tree), nil)
	f.Tree = nil // freed below; project rules use the text and symbols
	return indexEntry{file: f, symbols: sym}
}

func (s *Server) isOpen(path string) bool {
	for _, d := range s.docs {
		if d.path == path {
			return true
		}
	}
	return false
}

// forgetDocument puts the disk version back in the project when a buffer closes.
func (s *Server) forgetDocument(d *document) {
	if s.projectOf(d) != s.project {
		return // it never was in the project, nor is its file on disk
	}
	s.project.Remove(d.file.Path)
	if d.path != "" && d.kind == diagnostics.KindPython {
		if src, err := s.readWorkspaceFile(d.path); err == nil {
			e := loadFile(d.path, d.file.Module, src, s.engine)
			s.project.Put(e.file, e.symbols)
		}
	}
	s.projectDirty = true
}

type fileEvent struct {
	URI  string `json:"uri"`
	Type int    `json:"type"` // 1 created, 2 changed, 3 deleted
}

func (s *Server) didChangeWatchedFiles(ctx context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p struct {
		Changes []fileEvent `json:"changes"`
	}
	if err := decode(params, &p); err != nil {
		return err
	}
	s.enqueue(func() {
		var loads []diagnostics.Input
		queued := map[string]bool{} // the "**/*" watcher reports a created module too
		load := func(path string) {
			s.fileEvents[path]++
			if !queued[path] {
				queued[path] = true
				loads = append(loads, diagnostics.Input{Path: path, Module: s.moduleOf(path)})
			}
		}
		reindex := false
		defer func() {
			if reindex {
				s.indexWorkspace(ctx)
			}
		}()
		for _, ch := range p.Changes {
			path := uriToPath(ch.URI)
			if path != "" && isConfigFile(path) {
				before := excludesOf(s.config)
				s.reloadSettings()
				// Files it now excludes leave the project and files it no
				// longer excludes join it, as a fresh start would have it.
				reindex = reindex || excludesOf(s.config) != before
				continue
			}
			if path != "" && s.isModelConfigFile(path) {
				s.project.Invalidate() // a from_pyfile / from_file target changed
				s.projectDirty = true
				continue
			}
			if path == "" || s.leftOut(path) {
				continue
			}
			if diagnostics.ClassifyPath(path) != diagnostics.KindPython {
				// A folder deleted or moved away is one event, for the
				// folder, and one moved in may be too: none comes for the
				// modules inside (see the "**/*" watcher in initialized).
				switch ch.Type {
				case 3:
					s.removeFolder(path)
				case 1:
					for _, f := range s.pythonFilesIn(path) {
						load(f)
					}
				}
				continue
			}
			if s.isOpen(path) {
				continue
			}
			if ch.Type == 3 {
				s.fileEvents[path]++
				s.project.Remove(path)
				s.projectDirty = true
				continue
			}
			load(path)
		}
		if len(loads) <= syncFileLoads {
			for _, in := range loads {
				if src, err := s.readWorkspaceFile(in.Path); err == nil {
					e := loadFile(in.Path, in.Module, src, s.engine)
					s.project.Put(e.file, e.symbols)
					s.projectDirty = true
				}
			}
			return
		}
		s.loadChangedFiles(ctx, loads)
	})
	return nil
}

// excludesOf identifies a configuration's exclusions (and the folder
// they are relative to).
func excludesOf(f *config.File) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%s\x00%q\x00%q", f.Dir, f.Exclude, f.ExtendExclude)
}

// leftOut reports a path the workspace indexing leaves out, which file
// events must leave out too: outside every workspace folder, in a folder
// the walk skips (`pip install` into the workspace's .venv reports its
// thousands of modules), or excluded by the configuration.
func (s *Server) leftOut(path string) bool {
	root := s.rootOf(path)
	return root == "" || walk.Skipped(root, path) || s.config.Excluded(path, false)
}

// rootOf returns the innermost workspace folder holding path, "" if none.
func (s *Server) rootOf(path string) string {
	root := ""
	for _, r := range s.roots {
		if within(r, path) && len(r) > len(root) {
			root = r
		}
	}
	return root
}

// didChangeWorkspaceFolders: a folder added to the workspace is indexed;
// one removed takes its modules out of the project (open buffers stay),
// and the server reads nothing in it any more. Open documents' module
// names follow the folders that now hold them.
func (s *Server) didChangeWorkspaceFolders(ctx context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p struct {
		Event struct {
			Added   []struct{ URI string } `json:"added"`
			Removed []struct{ URI string } `json:"removed"`
		} `json:"event"`
	}
	if err := decode(params, &p); err != nil {
		return err
	}
	s.enqueue(func() {
		first := ""
		if len(s.roots) > 0 {
			first = s.roots[0]
		}
		// A new slice: readers off the loop hold the old one.
		roots := slices.Clone(s.roots)
		for _, f := range p.Event.Removed {
			if i := slices.Index(roots, uriToPath(f.URI)); i >= 0 {
				roots = slices.Delete(roots, i, i+1)
			}
		}
		var added []string
		for _, f := range p.Event.Added {
			if path := uriToPath(f.URI); path != "" && !slices.Contains(roots, path) {
				roots = append(roots, path)
				added = append(added, path)
			}
		}
		s.roots = roots
		s.removeModules(func(path string) bool { return s.rootOf(path) == "" })
		for _, d := range s.docs {
			if d.kind == diagnostics.KindPython && d.path != "" {
				if m := s.moduleOf(d.path); m != d.file.Module {
					d.file.Module = m
				}
				d.dirty = true
			}
			s.place(d) // it may have joined or left the project
		}
		if len(s.roots) == 0 || s.roots[0] != first {
			s.reloadSettings() // the first folder's configuration governs
		}
		s.projectDirty = true
		s.log.Info("workspace folders changed", zap.Strings("roots", s.roots))
		if len(added) > 0 {
			s.indexRoots(ctx, added)
		}
	})
	return nil
}

// removeFolder takes out of the project the files below dir (a deleted
// folder), but for open documents: their buffers stand.
func (s *Server) removeFolder(dir string) {
	s.removeModules(func(path string) bool { return path != dir && within(dir, path) })
}

// removeModules takes out of the project the files gone reports, but for
// open documents (their buffers stand), and counts an event for each, so
// that a load of it still running is not put in after (see fileEvents).
func (s *Server) removeModules(gone func(path string) bool) (removed int) {
	for _, pf := range s.project.Files() {
		if p := pf.File.Path; gone(p) && !s.isOpen(p) {
			s.fileEvents[p]++
			s.project.Remove(p)
			removed++
		}
	}
	s.projectDirty = s.projectDirty || removed > 0
	return removed
}

// pythonFilesIn lists the Python files the indexing would read under dir,
// when dir is a folder (not a link to one), and are not open.
func (s *Server) pythonFilesIn(dir string) []string {
	if info, err := os.Lstat(dir); err != nil || !info.IsDir() {
		return nil
	}
	files, _ := pythonModules(s.config, dir)
	return slices.DeleteFunc(files, s.isOpen)
}

// pythonModules lists the Python files under dir that the indexing reads:
// those the walk lists (see walk.Files) and cfg does not exclude.
func pythonModules(cfg *config.File, dir string) ([]string, error) {
	files, err := walk.Files([]string{dir}, walk.Options{Exclude: func(rel string, isDir bool) bool {
		return cfg.Excluded(filepath.Join(dir, rel), isDir)
	}})
	return slices.DeleteFunc(files, func(f string) bool { return diagnostics.ClassifyPath(f) != diagnostics.KindPython }), err
}

// syncFileLoads is the most changed files an event loads on the loop (a
// save elsewhere, a formatter run); more (a branch switch) are parsed on
// all cores off the loop, so that typing is not held up meanwhile. (A
// variable for the benchmark that compares.)
var syncFileLoads = 4

// loadChangedFiles parses files the editor reported changed on disk, on
// all cores off the loop, and puts them in the project on the loop, each
// unless an event for it came since (a deletion must not be undone by the
// load of an earlier change) or it was opened meanwhile (the buffer wins).
func (s *Server) loadChangedFiles(ctx context.Context, loads []diagnostics.Input) {
	seen := make([]uint64, len(loads))
	for i, in := range loads {
		seen[i] = s.fileEvents[in.Path]
	}
	read := s.workspaceReader()
	go func() {
		progress := s.beginProgress(ctx, "Reading changed files")
		entries := indexFiles(loads, s.engine, read, progress.report)
		s.enqueue(func() {
			current := map[string]bool{}
			for i, in := range loads {
				current[in.Path] = s.fileEvents[in.Path] == seen[i]
			}
			put := 0
			for _, e := range entries {
				if current[e.file.Path] && !s.isOpen(e.file.Path) && s.rootOf(e.file.Path) != "" {
					s.project.Put(e.file, e.symbols)
					put++
				}
			}
			s.projectDirty = s.projectDirty || put > 0
			s.log.Info("read changed files", zap.Int("files", len(loads)), zap.Int("put", put))
		})
		progress.end()
	}()
}

// readFile serves the model's reads of non-Python config files: an open
// buffer wins over the disk.
func (s *Server) readFile(path string) ([]byte, error) {
	for _, d := range s.docs {
		if d.path == path {
			return d.text.Bytes, nil
		}
	}
	return s.readWorkspaceFile(path)
}

// isModelConfigFile reports a file the project model read as app config,
// when last built: a file it reads only now is read by the rebuild that
// the edit adding the read causes anyway.
func (s *Server) isModelConfigFile(path string) bool {
	for _, f := range s.modelConfigFiles {
		if f == path || filepath.Clean(f) == filepath.Clean(path) {
			return true
		}
	}
	return false
}
