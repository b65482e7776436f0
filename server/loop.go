package server

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// enqueue hands f to the document loop. Work runs in arrival order.
func (s *Server) enqueue(f func()) {
	select {
	case s.work <- f:
	case <-s.exited:
	}
}

// loop runs queued work; whenever the queue is empty it analyses what
// changed and publishes. A burst of edits is thus analysed once, for the
// latest version, and no stale version is ever published.
func (s *Server) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-s.work:
			s.runSafely(f)
		drain:
			for {
				select {
				case f := <-s.work:
					s.runSafely(f)
				default:
					break drain
				}
			}
			s.runSafely(func() { s.analyzeAndPublish(ctx) })
		}
	}
}

func (s *Server) runSafely(f func()) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic in document loop", zap.String("panic", fmt.Sprint(v)), zap.ByteString("stack", debug.Stack()))
		}
	}()
	f()
}

// closeDocuments frees every tree when the session ends.
func (s *Server) closeDocuments() {
	for uri, d := range s.docs {
		d.close()
		delete(s.docs, uri)
	}
}

// ensureAnalyzed brings d's findings up to its current version (for a
// request that arrives before the loop's next analysis).
func (s *Server) ensureAnalyzed(ctx context.Context, d *document) {
	if d.dirty {
		s.analyzeAndPublish(ctx)
	}
}

// analyzeAndPublish updates the project with changed documents, analyses
// open documents and publishes what changed.
func (s *Server) analyzeAndPublish(ctx context.Context) {
	changed := false
	// factsChanged: some module now binds different things, so any open
	// module may resolve differently; otherwise only the edited ones need
	// a new analysis (typing inside a string or a call changes no facts).
	factsChanged := s.projectDirty
	for _, d := range s.docs {
		if d.dirty {
			changed = true
			if d.kind == diagnostics.KindPython {
				sym := s.engine.Symbols(d.file, diagnostics.Statements(d.tree), d.cache)
				if prev := s.project.File(d.file.Path); prev == nil || !diagnostics.SameFacts(prev.Symbols, sym) {
					factsChanged = true
				}
				s.project.Put(d.file, sym)
			} else if d.kind != diagnostics.KindNone {
				s.project.Put(d.file, nil)
			} else if d.path != "" && s.isModelConfigFile(d.path) {
				s.project.Invalidate() // an open from_pyfile/from_file target was edited
			}
		}
	}
	if !changed && !s.projectDirty {
		return
	}
	s.projectDirty = false
	projectFindings := s.engine.ProjectFindings(s.project)
	for _, d := range s.docs {
		if !d.dirty && !factsChanged {
			continue
		}
		if d.kind == diagnostics.KindNone {
			if d.dirty {
				d.dirty = false
				s.publish(ctx, d, nil)
			}
			continue
		}
		var findings []diagnostics.Finding
		if d.path == "" || !s.config.Excluded(d.path, false) {
			findings = s.engine.AnalyzeFile(d.file, s.project, d.cache)
			if extra := projectFindings[d.file.Path]; len(extra) > 0 {
				findings = append(findings, s.engine.Finish(d.file, extra)...)
				diagnostics.SortFindings(findings)
			}
			findings = s.dropPerFileIgnores(d, findings)
		}
		same := d.published && d.lastPublished == d.version && sameFindings(d.findings, findings)
		d.findings, d.findingsOf, d.dirty = findings, d.version, false
		if !same {
			s.publish(ctx, d, findings)
		}
	}
}

func sameFindings(a, b []diagnostics.Finding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code || a[i].Start != b[i].Start || a[i].End != b[i].End ||
			a[i].Message != b[i].Message || a[i].Severity != b[i].Severity || len(a[i].Related) != len(b[i].Related) {
			return false
		}
	}
	return true
}

// dropPerFileIgnores applies the configuration's per-file-ignores.
func (s *Server) dropPerFileIgnores(d *document, fs []diagnostics.Finding) []diagnostics.Finding {
	if d.path == "" {
		return fs
	}
	ignored := s.config.IgnoredCodes(d.path)
	if len(ignored) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		drop := false
		for _, prefix := range ignored {
			drop = drop || strings.HasPrefix(f.Code, prefix)
		}
		if !drop {
			out = append(out, f)
		}
	}
	return out
}
