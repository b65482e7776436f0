// Package config reads flaskguard's configuration: a [tool.flaskguard]
// table in pyproject.toml, or the top-level keys of a flaskguard.toml.
//
//	[tool.flaskguard]
//	select = ["FG"]                       # code prefixes to enable (default: all; "ALL" = "FG")
//	ignore = ["FG802"]                    # code prefixes to disable (wins over select)
//	exclude = ["migrations", "legacy/**"] # globs of paths not to check
//	extend-exclude = ["generated/"]       # more of them
//	assume-external-config = true         # absence rules stay silent when a setting may come from outside
//
//	[tool.flaskguard.per-file-ignores]    # glob → code prefixes disabled for matching files
//	"tests/**" = ["FG401", "FG402"]
//
//	[tool.flaskguard.severity]            # code (or prefix) → error | warning | info | hint
//	FG802 = "warning"
//
// Globs are relative to the directory of the file that holds them and use
// '/' as separator; '**' matches any number of directories. A pattern
// without '/' ("migrations", "*_pb2.py") matches a file or directory of
// that name at any depth, like a .gitignore line; one with '/' is anchored
// to the configuration's directory ("src/legacy/*"); a trailing '/' matches
// directories only. A pattern that matches a directory matches every path
// below it.
//
// The language server finds the configuration of a workspace folder with
//
//	f, err := config.FindInDir(workspaceRoot, read) // nil, nil: no configuration file
//	settings := f.Settings()                        // nil-safe: defaults when f is nil
//
// (the folder itself only: the server reads nothing outside its workspace),
// and the CLI with a Resolver, upward from each checked file's directory,
// as Ruff does. Errors name the file, the line and the key (*Error).
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/internal/safefile"
)

// File names searched for, in order of precedence within one directory: a
// flaskguard.toml wins over pyproject.toml (as ruff.toml does over
// pyproject.toml in Ruff).
const (
	FlaskguardTOML = "flaskguard.toml"
	PyprojectTOML  = "pyproject.toml"
)

// File is one loaded configuration.
type File struct {
	Path string // the file it was read from, as given to Load
	Dir  string // absolute directory of Path: globs are relative to it

	Select               []string // normalised code prefixes ("FG4"); nil: not set
	Ignore               []string
	PerFileIgnores       []PerFileIgnore
	Severity             map[string]diagnostics.Severity // by full code, prefixes expanded
	Exclude              []string
	ExtendExclude        []string
	AssumeExternalConfig *bool // nil: not set (default true)

	// HasTable is false for a pyproject.toml without [tool.flaskguard]: it
	// configures nothing, and Find keeps looking upward.
	HasTable bool

	excludes []pattern
}

// PerFileIgnore disables code prefixes for the files a glob matches.
type PerFileIgnore struct {
	Pattern string
	Codes   []string

	pat pattern
}

// Error is a problem in a configuration file, with its place.
type Error struct {
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based, in bytes; 0 when unknown
	Key    string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// findIn loads the configuration of exactly dir (no parents): nil when dir
// has none.
func findIn(dir string) (*File, error) { return FindInDir(dir, readFile) }

// FindInDir loads the configuration of exactly dir, not of its parents,
// reading the files through read: nil, nil when dir has none. The language
// server finds its workspace folder's this way, with a read that refuses
// files outside the workspace (a link there) and files that would block.
func FindInDir(dir string, read func(path string) ([]byte, error)) (*File, error) {
	for _, name := range []string{FlaskguardTOML, PyprojectTOML} {
		p := filepath.Join(dir, name)
		info, err := os.Stat(p)
		if err != nil || info.IsDir() {
			continue
		}
		data, err := read(p)
		if err != nil {
			return nil, err
		}
		f, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		if f.HasTable {
			return f, nil
		}
	}
	return nil, nil
}

// maxFileSize bounds a configuration file: a pyproject.toml is a few
// kilobytes.
const maxFileSize = 8 << 20

// readFile reads a configuration file: a regular file (a FIFO or a device
// named pyproject.toml would block or never end), links followed.
func readFile(path string) ([]byte, error) { return safefile.Read(path, maxFileSize) }

// Load reads one configuration file. A file named pyproject.toml is read
// for its [tool.flaskguard] table (HasTable reports whether it has one);
// any other name is read whole, as a flaskguard.toml.
func Load(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads configuration text as Load does; path names it in errors and
// decides its kind and its directory.
func Parse(path string, data []byte) (*File, error) {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	f := &File{Path: path, Dir: dir}
	var prefix []string
	if filepath.Base(path) == PyprojectTOML {
		prefix = []string{"tool", "flaskguard"}
	} else {
		f.HasTable = true
	}
	entries, err := readTOML(path, data)
	if err != nil {
		return nil, err
	}
	d := decoder{f: f, path: path, pyproject: prefix != nil, seen: map[string]bool{}}
	for _, e := range entries {
		if !hasPrefix(e.path, prefix) {
			continue
		}
		f.HasTable = true
		d.entry(e, e.path[len(prefix):])
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return f, nil
}

func hasPrefix(p, prefix []string) bool {
	if len(p) < len(prefix) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

// Settings are the engine settings the file asks for (Select, Ignore,
// Severity, AssumeExternalConfig); a nil File gives the defaults.
// Per-file ignores are not included: see SettingsFor.
func (f *File) Settings() diagnostics.Settings {
	st := diagnostics.DefaultSettings()
	if f == nil {
		return st
	}
	st.Select = append([]string(nil), f.Select...)
	st.Ignore = append([]string(nil), f.Ignore...)
	if len(f.Severity) > 0 {
		st.Severity = make(map[string]diagnostics.Severity, len(f.Severity))
		for k, v := range f.Severity {
			st.Severity[k] = v
		}
	}
	if f.AssumeExternalConfig != nil {
		st.AssumeExternalConfig = *f.AssumeExternalConfig
	}
	return st
}

// SettingsFor is Settings with the per-file ignores matching path added to
// Ignore, as full codes: a full code in Ignore beats any Select prefix, so
// per-file ignores hold even when an editor or a flag replaces Select.
// path is absolute or relative to the working directory.
func (f *File) SettingsFor(path string) diagnostics.Settings {
	st := f.Settings()
	for _, prefix := range f.IgnoredCodes(path) {
		st.Ignore = append(st.Ignore, expandPrefix(prefix)...)
	}
	return st
}

// IgnoredCodes lists the per-file-ignores code prefixes that apply to path.
func (f *File) IgnoredCodes(path string) []string {
	if f == nil || len(f.PerFileIgnores) == 0 {
		return nil
	}
	rel, ok := f.rel(path)
	if !ok {
		return nil
	}
	var out []string
	for _, pfi := range f.PerFileIgnores {
		if pfi.pat.match(rel, false) {
			out = append(out, pfi.Codes...)
		}
	}
	return out
}

// Excluded reports whether exclude or extend-exclude match path (a
// directory when isDir). Paths outside the file's directory never match.
func (f *File) Excluded(path string, isDir bool) bool {
	if f == nil || len(f.excludes) == 0 {
		return false
	}
	rel, ok := f.rel(path)
	if !ok {
		return false
	}
	for _, p := range f.excludes {
		if p.match(rel, isDir) {
			return true
		}
	}
	return false
}

// rel is path relative to f.Dir, slash-separated; ok is false outside it.
func (f *File) rel(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(f.Dir, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// NormalizeCodes checks and normalises rule code prefixes as written in
// configuration or on the command line: case is ignored, "ALL" means every
// rule, a full code must name a rule flaskguard has.
func NormalizeCodes(codes []string) ([]string, error) {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		n, err := normalizeCode(c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func normalizeCode(c string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(c))
	if u == "ALL" {
		return "FG", nil
	}
	if len(u) < 2 || len(u) > 5 || u[:2] != "FG" {
		return "", fmt.Errorf("%q is not a rule code or prefix (want FG followed by up to three digits, e.g. FG401, FG4, or ALL)", c)
	}
	for _, d := range u[2:] {
		if d < '0' || d > '9' {
			return "", fmt.Errorf("%q is not a rule code or prefix (want FG followed by up to three digits, e.g. FG401, FG4, or ALL)", c)
		}
	}
	if len(u) == 5 && diagnostics.DefaultRegistry().Rule(u) == nil {
		return "", fmt.Errorf("unknown rule code %q (run 'flaskguard rules' to list them)", c)
	}
	return u, nil
}

// expandPrefix maps a code or prefix to the codes of the rules it names,
// sorted.
func expandPrefix(prefix string) []string {
	var out []string
	for _, r := range diagnostics.DefaultRegistry().Rules() {
		if strings.HasPrefix(r.Code, prefix) {
			out = append(out, r.Code)
		}
	}
	sort.Strings(out)
	return out
}

// Resolver finds the configuration of many files, as the CLI needs: each
// file is governed by the nearest configuration above it. Results are
// cached by directory; a Resolver is safe for concurrent use.
type Resolver struct {
	mu    sync.Mutex
	byDir map[string]resolved
}

type resolved struct {
	f   *File
	err error
}

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver { return &Resolver{byDir: map[string]resolved{}} }

// ForDir finds the configuration governing dir: in dir, then in each
// parent directory, the first flaskguard.toml, or pyproject.toml holding
// [tool.flaskguard], wins; nil and no error when there is none. Results
// are cached.
func (r *Resolver) ForDir(dir string) (*File, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.forDir(abs)
}

func (r *Resolver) forDir(abs string) (*File, error) {
	if res, ok := r.byDir[abs]; ok {
		return res.f, res.err
	}
	f, err := findIn(abs)
	if f == nil && err == nil {
		if parent := filepath.Dir(abs); parent != abs {
			f, err = r.forDir(parent)
		}
	}
	r.byDir[abs] = resolved{f, err}
	return f, err
}

// ForFile is the configuration governing the file at path: ForDir of its
// directory.
func (r *Resolver) ForFile(path string) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return r.ForDir(filepath.Dir(abs))
}
