package diagnostics

import (
	"sort"
	"strings"
	"sync"
)

// Project is the set of files analysed together: the CLI's paths or an
// editor's workspace (open buffers replacing their files on disk). It
// resolves imports between its modules. Safe for concurrent use.
type Project struct {
	mu      sync.RWMutex
	files   map[string]*ProjectFile // by path
	modules map[string]*ProjectFile // by dotted module name
	gen     uint64                  // bumped by Put, Remove, Invalidate
	// moduleGen is bumped when the set of module names changes.
	moduleGen uint64

	sorted []*ProjectFile // Files' result, nil when files changed
	// pyBytes is the size of the Python files' texts (see PythonBytes).
	pyBytes int

	// suffix caches ModuleSymbols' suffix matches (module → full name, ""
	// for none); cleared when the set of module names changes.
	suffixMu sync.Mutex
	suffix   map[string]string

	// The model cache (model.go): the last model and the generation it was
	// built for; parsed non-Python config files by path.
	modelMu  sync.Mutex
	model    *Model
	modelGen uint64
	modelMu2 sync.Mutex
	extCache map[string]*extSource

	// The project-wide rule facts (filefacts.go) and their generation.
	rulesMu  sync.Mutex
	rules    *projectRuleFacts
	rulesGen uint64
}

// ProjectFile is a file's entry: the file and, for Python, its symbols.
type ProjectFile struct {
	File    *File
	Symbols *ModuleSymbols

	indexOnce sync.Once
	index     *fileIndex // the model's view of the file, built once
}

// projectRuleFacts merges the rule facts of every file, once per generation.
func (p *Project) projectRuleFacts() *projectRuleFacts {
	gen := p.Generation()
	p.rulesMu.Lock()
	defer p.rulesMu.Unlock()
	if p.rules == nil || p.rulesGen != gen {
		p.rules, p.rulesGen = mergeProjectRuleFacts(p.Files()), gen
	}
	return p.rules
}

// ReleaseModel drops the cached model; each file's part of it (its index)
// stays. A server that needs the model only for the findings of one
// generation frees it until the next change, which would rebuild it anyway
// (about 50 KB per 1k-line file).
func (p *Project) ReleaseModel() {
	p.modelMu.Lock()
	p.model = nil
	p.modelMu.Unlock()
}

// Generation changes whenever the project does.
func (p *Project) Generation() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.gen
}

// Invalidate tells the project that something outside its Python files
// changed (a config file the model read, see Model.ConfigFiles), so the
// next Engine.Model rebuilds the model.
func (p *Project) Invalidate() {
	p.mu.Lock()
	p.gen++
	p.mu.Unlock()
}

// NewProject returns an empty project.
func NewProject() *Project {
	return &Project{files: map[string]*ProjectFile{}, modules: map[string]*ProjectFile{}}
}

// Put adds or replaces a file (symbols may be nil for non-Python files).
func (p *Project) Put(f *File, sym *ModuleSymbols) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, known := p.modules[f.Module]
	if old, ok := p.files[f.Path]; ok {
		p.pyBytes -= pythonBytes(old.File)
		if old.File.Module != "" && p.modules[old.File.Module] == old {
			delete(p.modules, old.File.Module)
			if old.File.Module != f.Module || f.Kind != KindPython {
				p.clearSuffix()
			}
		}
	}
	p.pyBytes += pythonBytes(f)
	pf := &ProjectFile{File: f, Symbols: sym}
	p.gen++
	p.sorted = nil
	p.files[f.Path] = pf
	if f.Kind == KindPython && f.Module != "" {
		if !known {
			p.clearSuffix()
		}
		p.modules[f.Module] = pf
	}
}

// Remove drops a file.
func (p *Project) Remove(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.files[path]; ok {
		p.pyBytes -= pythonBytes(old.File)
		if p.modules[old.File.Module] == old {
			delete(p.modules, old.File.Module)
			p.clearSuffix()
		}
		delete(p.files, path)
		p.gen++
		p.sorted = nil
	}
}

// PythonBytes is the size of the project's Python source, in bytes, as
// put (what rebuilding the model costs is about proportional to it).
func (p *Project) PythonBytes() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.pyBytes
}

func pythonBytes(f *File) int {
	if f.Kind != KindPython || f.Text == nil {
		return 0
	}
	return len(f.Text.Bytes)
}

// File returns a file's entry or nil.
func (p *Project) File(path string) *ProjectFile {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.files[path]
}

// Files lists the entries sorted by path. The slice is shared until the
// project changes: callers must not modify it.
func (p *Project) Files() []*ProjectFile {
	p.mu.RLock()
	out := p.sorted
	p.mu.RUnlock()
	if out != nil {
		return out
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sorted == nil {
		out = make([]*ProjectFile, 0, len(p.files))
		for _, f := range p.files {
			out = append(out, f)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].File.Path < out[j].File.Path })
		p.sorted = out
	}
	return p.sorted
}

// ModuleSymbols implements Resolver. A module not found by its full name
// is matched by suffix ("app.config" finds "src.myapp.app.config" when
// that is the only match), since the project root is not always the import root.
func (p *Project) ModuleSymbols(module string) *ModuleSymbols {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if pf, ok := p.modules[module]; ok {
		return pf.Symbols
	}
	p.suffixMu.Lock()
	full, cached := p.suffix[module]
	p.suffixMu.Unlock()
	if !cached {
		for name := range p.modules {
			if strings.HasSuffix(name, "."+module) {
				if full != "" {
					full = "" // ambiguous
					break
				}
				full = name
			}
		}
		p.suffixMu.Lock()
		if p.suffix == nil {
			p.suffix = map[string]string{}
		}
		p.suffix[module] = full
		p.suffixMu.Unlock()
	}
	if pf := p.modules[full]; full != "" && pf != nil {
		return pf.Symbols
	}
	return nil
}

// clearSuffix forgets suffix matches; the caller holds p.mu for writing.
// The set of module names changed: the model's per-file caches of what
// names resolve to are dropped too.
func (p *Project) clearSuffix() {
	p.moduleGen++
	p.suffixMu.Lock()
	p.suffix = nil
	p.suffixMu.Unlock()
}
