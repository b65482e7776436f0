package diagnostics

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FileKind says which rules apply to a file.
type FileKind int

const (
	KindNone     FileKind = iota // not ours
	KindPython                   // *.py, *.pyi
	KindTemplate                 // Jinja templates
	KindEnvFile                  // .env, .flaskenv
)

// ClassifyPath decides a file's kind from its name (the LSP languageId is
// only a hint: a ".flaskenv" is an env file whatever the editor calls it).
func ClassifyPath(p string) FileKind {
	p = filepath.ToSlash(p)
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, ".py"), strings.HasSuffix(base, ".pyi"):
		return KindPython
	case base == ".flaskenv" || base == ".env" || strings.HasPrefix(base, ".env."):
		return KindEnvFile
	case strings.HasSuffix(base, ".jinja"), strings.HasSuffix(base, ".jinja2"), strings.HasSuffix(base, ".j2"):
		return KindTemplate
	case strings.HasSuffix(base, ".html") || strings.HasSuffix(base, ".htm") || strings.HasSuffix(base, ".xml") || strings.HasSuffix(base, ".txt"):
		if strings.Contains("/"+p, "/templates/") {
			return KindTemplate
		}
	}
	return KindNone
}

// File is one file under analysis. A Python file carries its tree, owned by
// whoever built the File (the document store or the CLI worker).
type File struct {
	Path      string // as reported to the user
	Module    string // dotted module name in the project ("pkg.app"); "" when unknown
	IsPackage bool   // an __init__.py
	Kind      FileKind
	Text      *source.Text
	Tree      *syntax.Tree // nil unless Kind == KindPython
}

// NewPythonFile wraps a parsed tree.
func NewPythonFile(path, module string, tree *syntax.Tree) *File {
	return &File{
		Path: path, Module: module, Kind: KindPython, Text: tree.Text(), Tree: tree,
		IsPackage: filepath.Base(path) == "__init__.py",
	}
}

// ModuleName derives the dotted module name of a file relative to root
// ("pkg/app.py" → "pkg.app", "pkg/__init__.py" → "pkg"); "" if it is not
// a Python file under root.
func ModuleName(root, file string) string {
	rel, err := filepath.Rel(root, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(file)
	}
	rel = filepath.ToSlash(rel)
	rel = strings.TrimSuffix(strings.TrimSuffix(rel, ".py"), ".pyi")
	rel = strings.TrimSuffix(rel, "/__init__")
	if rel == "__init__" {
		return ""
	}
	// A src/ layout's modules are named from inside src.
	rel = strings.TrimPrefix(rel, "src/")
	return strings.ReplaceAll(rel, "/", ".")
}
