package config

import (
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Glob matching uses github.com/bmatcuk/doublestar/v4 (maintained, no
// dependencies, '**' and {a,b} alternatives, pattern validation) for each
// pattern; this file adds the .gitignore-like anchoring rules described in
// the package documentation.

type pattern struct {
	glob     string
	anchored bool // has a '/': matched against the path from the config's directory
	dirOnly  bool // ended with '/'
}

func compilePattern(s string) (pattern, error) {
	p := pattern{}
	g := s
	if strings.HasSuffix(g, "/") {
		p.dirOnly = true
		g = strings.TrimRight(g, "/")
	}
	for strings.HasPrefix(g, "./") {
		g = g[2:]
	}
	if strings.HasPrefix(g, "/") {
		p.anchored = true
		g = strings.TrimLeft(g, "/")
	}
	if g == "" || g == "." {
		return p, fmt.Errorf("%q is not a useful glob (it would match everything or nothing)", s)
	}
	if strings.Contains(g, "/") {
		p.anchored = true
	}
	if !doublestar.ValidatePattern(g) {
		return p, fmt.Errorf("%q is not a valid glob", s)
	}
	p.glob = g
	return p, nil
}

// match reports whether the slash-separated relative path rel, or one of
// the directories it is in, matches.
func (p pattern) match(rel string, isDir bool) bool {
	segs := strings.Split(rel, "/")
	for i := range segs {
		dir := i < len(segs)-1 || isDir
		if p.dirOnly && !dir {
			continue
		}
		var name string
		if p.anchored {
			name = strings.Join(segs[:i+1], "/")
		} else {
			name = segs[i]
		}
		if doublestar.MatchUnvalidated(p.glob, name) {
			return true
		}
	}
	return false
}
