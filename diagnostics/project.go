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
}

// ProjectFile is a file's entry: the file and, for Python, its symbols.
type ProjectFile struct {
	File    *File
	Symbols *ModuleSymbols
}

// NewProject returns an empty project.
func NewProject() *Project {
	return &Project{files: map[string]*ProjectFile{}, modules: map[string]*ProjectFile{}}
}

// Put adds or replaces a file (symbols may be nil for non-Python files).
func (p *Project) Put(f *File, sym *ModuleSymbols) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.files[f.Path]; ok && old.File.Module != "" && p.modules[old.File.Module] == old {
		delete(p.modules, old.File.Module)
	}
	pf := &ProjectFile{File: f, Symbols: sym}
	p.files[f.Path] = pf
	if f.Kind == KindPython && f.Module != "" {
		p.modules[f.Module] = pf
	}
}

// Remove drops a file.
func (p *Project) Remove(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.files[path]; ok {
		if p.modules[old.File.Module] == old {
			delete(p.modules, old.File.Module)
		}
		delete(p.files, path)
	}
}

// File returns a file's entry or nil.
func (p *Project) File(path string) *ProjectFile {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.files[path]
}

// Files lists the entries sorted by path.
func (p *Project) Files() []*ProjectFile {
	p.mu.RLock()
	out := make([]*ProjectFile, 0, len(p.files))
	for _, f := range p.files {
		out = append(out, f)
	}
	p.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].File.Path < out[j].File.Path })
	return out
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
	var match *ProjectFile
	for name, pf := range p.modules {
		if strings.HasSuffix(name, "."+module) {
			if match != nil {
				return nil // ambiguous
			}
			match = pf
		}
	}
	if match == nil {
		return nil
	}
	return match.Symbols
}
