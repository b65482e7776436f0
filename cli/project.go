package cli

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/flaskguard/flaskguard/config"
	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/walk"
	"github.com/flaskguard/flaskguard/internal/safefile"
)

// Overrides are the settings given on the command line; they beat the
// configuration files.
type Overrides struct {
	// Select replaces the configuration's select when non-nil.
	Select []string
	// Ignore is added to the configuration's ignore (and so wins over
	// select, except over a longer, more specific select prefix).
	Ignore []string
	// Config names one configuration file used for every path instead of
	// the nearest one above each file.
	Config string
	// Isolated ignores every configuration file.
	Isolated bool
}

// project is the set of files a command works on, read from disk, each
// with the settings that govern it.
type project struct {
	files  []*projectFile
	engine *diagnostics.Engine
}

type projectFile struct {
	path     string // as shown to the user
	module   string
	src      []byte               // without a byte order mark (see source.StripBOM)
	bom      bool                 // the file starts with one, which fixes keep
	hash     [sha256.Size]byte    // of src, when a cache is used
	settings diagnostics.Settings // configuration + per-file ignores + overrides
}

// loadProject lists and reads the files under paths (default "."),
// skipping what the configuration excludes, and decides each file's
// settings. A configuration error or a missing path is an error.
func loadProject(paths []string, ov Overrides) (*project, error) {
	return loadProjectHashing(paths, ov, false)
}

// loadProjectHashing is loadProject that also hashes each file's text
// (for the cache) when hash is set.
func loadProjectHashing(paths []string, ov Overrides, hash bool) (*project, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	cfgFor, err := configLookup(ov)
	if err != nil {
		return nil, err
	}
	// Project-wide settings (AssumeExternalConfig) come from the
	// configuration of the first path.
	primary, err := cfgFor(paths[0], true)
	if err != nil {
		return nil, err
	}
	engineSettings := diagnostics.DefaultSettings()
	engineSettings.AssumeExternalConfig = primary.Settings().AssumeExternalConfig

	p := &project{engine: diagnostics.NewEngine(engineSettings, nil)}
	seen := map[string]bool{}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		// Paths named on the command line are excluded too, so that the
		// file lists pre-commit passes honour exclude.
		if cfg, err := cfgFor(root, false); err != nil {
			return nil, err
		} else if cfg.Excluded(root, info.IsDir()) {
			continue
		}
		var walkErr error
		opts := walk.Options{Exclude: func(rel string, isDir bool) bool {
			abs := filepath.Join(root, filepath.FromSlash(rel))
			cfg, err := cfgFor(abs, false)
			if err != nil {
				if walkErr == nil {
					walkErr = err
				}
				return true
			}
			return cfg.Excluded(abs, isDir)
		}}
		files, err := walk.Files([]string{root}, opts)
		if err != nil {
			return nil, err
		}
		if walkErr != nil {
			return nil, walkErr
		}
		base := root
		if !info.IsDir() {
			base = filepath.Dir(root)
		}
		for _, f := range files {
			shown := displayPath(f)
			if seen[shown] {
				continue
			}
			seen[shown] = true
			cfg, err := cfgFor(f, false)
			if err != nil {
				return nil, err
			}
			st := cfg.SettingsFor(f)
			if ov.Select != nil {
				st.Select = append([]string(nil), ov.Select...)
			}
			st.Ignore = append(st.Ignore, ov.Ignore...)
			p.files = append(p.files, &projectFile{path: shown, module: diagnostics.ModuleName(base, f), settings: st})
		}
	}
	sort.SliceStable(p.files, func(i, j int) bool { return p.files[i].path < p.files[j].path })
	errs := make([]error, len(p.files))
	diagnostics.Parallel(len(p.files), func(i int) {
		// A FIFO or a device named on the command line (pkg/fifo.py)
		// would block or never end; the walk skips them in folders.
		p.files[i].src, errs[i] = safefile.Read(p.files[i].path, 0)
		p.files[i].src, p.files[i].bom = source.StripBOM(p.files[i].src)
		if hash && errs[i] == nil {
			p.files[i].hash = sha256.Sum256(p.files[i].src)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// configLookup returns how to find the configuration governing a path:
// none (isolated), one file for all, or the nearest one above the path.
// For a directory, dirSelf says whether its own configuration governs it
// (true for a path to analyse from; false when deciding whether to
// exclude it, which its parent's configuration decides).
func configLookup(ov Overrides) (func(path string, dirSelf bool) (*config.File, error), error) {
	switch {
	case ov.Isolated:
		return func(string, bool) (*config.File, error) { return nil, nil }, nil
	case ov.Config != "":
		f, err := config.Load(ov.Config)
		if err != nil {
			return nil, err
		}
		return func(string, bool) (*config.File, error) { return f, nil }, nil
	}
	r := config.NewResolver()
	return func(path string, dirSelf bool) (*config.File, error) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		if dirSelf {
			if info, err := os.Stat(abs); err == nil && info.IsDir() {
				return r.ForDir(abs)
			}
		}
		return r.ForDir(filepath.Dir(abs))
	}, nil
}

// analyze runs the rules over the project's current sources and keeps, in
// each file, the findings its settings enable, with their severities.
func (p *project) analyze() [][]diagnostics.Finding {
	results, _ := p.analyzeWith(nil)
	return results
}

// analyzeWith is analyze that reuses what earlier analyses learned:
// priors[i] (nil, or priors itself nil: none) is for file i's current text.
// It returns what this analysis learned, for the next.
func (p *project) analyzeWith(priors []*diagnostics.Prior) (results [][]diagnostics.Finding, learned []*diagnostics.Prior) {
	inputs := make([]diagnostics.Input, len(p.files))
	for i, f := range p.files {
		inputs[i] = diagnostics.Input{Path: f.path, Module: f.module, Src: f.src}
		if priors != nil {
			inputs[i].Prior = priors[i]
		}
	}
	results, learned = p.engine.AnalyzeAllLearning(inputs)
	for i, f := range p.files {
		kept := results[i][:0]
		for _, fd := range results[i] {
			if !f.settings.Enabled(fd.Code) {
				continue
			}
			if sev, ok := f.settings.Severity[fd.Code]; ok {
				fd.Severity = sev
			}
			kept = append(kept, fd)
		}
		results[i] = kept
	}
	return results, learned
}

// analyzeCached is analyze with a persistent cache, which it reads and
// updates, and whose work it counts in stats.
func (p *project) analyzeCached(cache *resultCache, stats *CacheStats) [][]diagnostics.Finding {
	priors := make([]*diagnostics.Prior, len(p.files))
	for i, f := range p.files {
		if e := cache.lookup(f.path, f.module, f.hash); e != nil {
			priors[i] = &e.Prior
		}
	}
	results, learned := p.analyzeWith(priors)
	for i, f := range p.files {
		switch {
		case diagnostics.ClassifyPath(f.path) != diagnostics.KindPython:
		case priors[i] == nil:
			stats.Parsed++
		case learned[i] == priors[i]:
			stats.Hits++
		default:
			stats.Reanalysed++
		}
	}
	// The analysis's trees and model are garbage now; without a
	// collection first, encoding the cache on top of them pushes the
	// heap past the next GC goal (peak RSS 590 against 400 MB on the
	// benchmark tree).
	runtime.GC()
	stats.Written, stats.Err = cache.update(p.files, learned)
	return results
}

// displayPath makes a path relative to the working directory when it is below it.
func displayPath(p string) string {
	if !filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return rel
		}
	}
	return p
}

// ParseCodes reads a comma-separated list of rule codes or prefixes from a
// flag, checked as configuration files check them.
func ParseCodes(flagName, s string) ([]string, error) {
	var raw []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			raw = append(raw, c)
		}
	}
	codes, err := config.NormalizeCodes(raw)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagName, err)
	}
	return codes, nil
}
