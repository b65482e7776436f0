package server

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
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
			s.runBurst(ctx, f)
			s.settle(ctx)
			s.scheduleFreshen()
		}
	}
}

// freshenDelay is how long typing must pause before a document whose tree
// may differ from a fresh parse is parsed afresh (a variable for tests).
var freshenDelay = 250 * time.Millisecond

// scheduleFreshen (re)starts the freshen timer when an open document's
// tree came from an incremental reparse that recovered from a syntax
// error: tree-sitter may have recovered otherwise than a fresh parse, and
// so than check, would (syntax.Tree.MayDifferFromFresh). Parsing afresh on
// every keystroke would cost a full parse each while the code is broken,
// which it is most of the time while typing; once typing pauses it costs
// one.
func (s *Server) scheduleFreshen() {
	for _, d := range s.docs {
		if d.tree.MayDifferFromFresh() {
			if s.freshenTimer == nil {
				s.freshenTimer = time.AfterFunc(s.freshenDelay, func() { s.enqueue(s.freshenDocuments) })
			} else {
				s.freshenTimer.Reset(s.freshenDelay)
			}
			return
		}
	}
}

// freshenDocuments parses afresh the documents whose trees may differ from
// a fresh parse; the analysis that follows (runBurst) republishes them if
// their findings changed.
func (s *Server) freshenDocuments() {
	inputWaits := func() bool { return len(s.work) > 0 }
	for _, d := range s.docs {
		if d.freshen(inputWaits) {
			atomic.AddInt64(&freshenedDocuments, 1)
		}
	}
}

// freshenedDocuments counts freshen's fresh parses (read by tests).
var freshenedDocuments int64

// runBurst runs f and the work queued behind it, then analyses once.
func (s *Server) runBurst(ctx context.Context, f func()) {
	s.runSafely(f)
	for {
		select {
		case f := <-s.work:
			s.runSafely(f)
		default:
			s.runSafely(func() { s.analyzeAndPublish(ctx) })
			return
		}
	}
}

// settle runs the project rules an analysis deferred (see
// deferProjectRulesAbove) once no input is waiting; input that arrives
// first is applied and analysed first, with the deferred work folded in.
func (s *Server) settle(ctx context.Context) {
	for s.projectPending {
		select {
		case <-ctx.Done():
			return
		case f := <-s.work:
			s.runBurst(ctx, f)
		default:
			// The project rules give way to input that arrives meanwhile
			// (a keystroke): it is applied and analysed first, and the
			// rules run again after it.
			interrupted := false
			s.runSafely(func() { interrupted = s.analyze(ctx, true) })
			if s.projectPending && !interrupted {
				// The round failed (a panic, logged): do not spin on it.
				s.projectPending = false
			}
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
	if s.projectPending {
		s.analyzeAndPublish(ctx) // its project findings too
	}
}

// analyzeAndPublish updates the project with changed documents, analyses
// open documents and publishes what changed.
//
// An edit that changes no module's facts (typing inside a string or a
// call) re-analyses only the edited document. One that does re-analyses
// the other open documents whose context it changes (Context.Stale); the
// others keep their statement findings and get new project findings only
// if those changed. In a large project that part, and the project rules,
// wait until no input does (see settle).
func (s *Server) analyzeAndPublish(ctx context.Context) { s.analyze(ctx, false) }

// analyze is analyzeAndPublish; when yield is set and the analysis only
// runs deferred work, that work gives way to waiting input, and analyze
// reports whether it did (the work stays pending).
func (s *Server) analyze(ctx context.Context, yield bool) (interrupted bool) {
	start := time.Now()
	changed := false
	recheckAll := s.projectDirty // files changed on disk: anything may resolve differently
	factsChanged := false        // some module binds other things now
	factsMoved := false          // some module's facts only moved within it
	// movedOnly: the only changes are single edits of Python documents
	// that keep their facts, so the project findings are the last ones,
	// moved (see moveProjectFindings).
	movedOnly := !s.projectDirty && s.projectFindings != nil
	var moved []*document
	keep := s.treesToKeep()
	// A burst (documents opened together, a workspace change) frees the
	// trees of the documents it will not keep and parses them again for
	// their statement rules, one at a time: keeping them all, even in Go
	// memory, would hold every tree of the burst at once.
	evicted := 0
	for _, d := range s.docs {
		if d.dirty && d.kind == diagnostics.KindPython && !keep[d] {
			evicted++
		}
	}
	burst := evicted > s.keptTrees
	for _, d := range s.docs {
		if !d.dirty {
			continue
		}
		changed = true
		switch {
		case d.kind == diagnostics.KindPython:
			d.ensureTree()
			proj := s.projectOf(d)
			sym := s.engine.Symbols(d.file, diagnostics.Statements(d.tree), d.cache)
			switch {
			case keep[d]:
			case burst:
				d.dropTree()
			default:
				// Its statements are in Go memory now; the C tree would
				// only be freed after every other document is analysed.
				d.tree.Detach()
			}
			if proj != s.project {
				// Outside the project (see projectOf): what it binds is
				// nobody else's business.
				if s.project.File(d.file.Path) != nil {
					s.project.Remove(d.file.Path)
					factsChanged = true
				}
			} else if prev := s.project.File(d.file.Path); prev == nil || !diagnostics.SameFacts(prev.Symbols, sym) {
				// Facts that only moved (typing inside a body shifts the
				// offsets after the cursor) change nothing another document
				// sees, and leave the project findings to be moved.
				if prev == nil || !d.editKeepsLines() || !diagnostics.SameFactsApartFromPositions(prev.Symbols, sym) {
					factsChanged = true
				} else {
					factsMoved = true
				}
			}
			proj.Put(d.file, sym)
			moved = append(moved, d)
			movedOnly = movedOnly && !d.editsUnknown && len(d.edits) == 1 && d.analyzedText != nil
		case d.kind != diagnostics.KindNone:
			s.projectOf(d).Put(d.file, nil)
			movedOnly = false
		case d.path != "" && s.isModelConfigFile(d.path):
			s.project.Invalidate() // an open from_pyfile/from_file target was edited
			movedOnly = false
		}
	}
	// Deferred project rules (see deferProjectRulesAbove) owe the other
	// documents the re-analysis a change of facts calls for.
	factsChanged = factsChanged || s.projectPending
	movable := movedOnly && len(moved) > 0
	movedOnly = movedOnly && !factsChanged
	if !changed && !s.projectDirty && !s.projectPending {
		return false
	}
	s.projectDirty = false
	var projectFindings map[string][]diagnostics.Finding
	if movedOnly {
		projectFindings = s.moveProjectFindings(moved, true)
		if projectFindings != nil && factsMoved {
			atomic.AddInt64(&factsMovedRounds, 1)
		}
	}
	// settling: this analysis runs project rules an earlier one deferred,
	// and gives way to input (see settle).
	settling := yield && !changed && !recheckAll
	inputWaits := func() bool { return len(s.work) > 0 }
	rebuilt := projectFindings == nil
	deferred := false
	if rebuilt && movable && s.project.PythonBytes() >= s.deferProjectRulesAbove {
		// A large project: publish the edited documents now with their
		// own findings and the last project findings moved by the edits,
		// and run the project rules once no input is waiting (settle).
		// Only their places matter until the rules run: a code action
		// waits for those, and its fixes are finalised then.
		if early := s.moveProjectFindings(moved, false); early != nil {
			projectFindings, rebuilt, deferred = early, false, true
		}
	}
	if rebuilt {
		var interrupted func() bool
		if settling {
			interrupted = inputWaits
		}
		var done bool
		projectFindings, done = s.engine.ProjectFindingsUnless(s.project, interrupted)
		if !done {
			// Nothing was changed yet: settle comes back to it.
			atomic.AddInt64(&interruptedRounds, 1)
			return true
		}
		s.modelConfigFiles = s.engine.Model(s.project).ConfigFiles // the model just built
		s.project.ReleaseModel()
	}
	s.projectPending = deferred
	if deferred {
		atomic.AddInt64(&deferredRounds, 1)
	}
	analysed, published := 0, 0
	defer func() {
		// One line per analysis at debug level: where an edit's time goes.
		if ce := s.log.Check(zap.DebugLevel, "analysed"); ce != nil {
			ce.Write(zap.Duration("took", time.Since(start)), zap.Int("changed", len(moved)),
				zap.Int("reanalysed", analysed), zap.Int("published", published),
				zap.Bool("factsChanged", factsChanged), zap.Bool("projectRulesRun", rebuilt),
				zap.Bool("projectRulesDeferred", deferred))
		}
	}()
	s.projectFindings = projectFindings
	for _, d := range moved {
		d.analyzedText, d.edits, d.editsUnknown = d.text, nil, false
	}
	for _, d := range s.docs {
		if deferred && !d.dirty {
			continue // settle will see to it
		}
		if settling && inputWaits() {
			// The documents not yet looked at are still stale: the next
			// analysis, which input comes before, re-analyses them.
			s.projectPending = true
			atomic.AddInt64(&interruptedRounds, 1)
			return true
		}
		if d.kind == diagnostics.KindNone {
			if d.dirty {
				d.dirty = false
				s.publish(ctx, d, nil)
			}
			continue
		}
		raw := projectFindings[d.file.Path]
		recheck := d.dirty || recheckAll ||
			factsChanged && d.kind == diagnostics.KindPython && d.cache.Context().Stale(d.cache.Symbols(), s.projectOf(d))
		if !recheck && sameRawFindings(d.projectRaw, raw) {
			continue // nothing it depends on changed
		}
		var findings []diagnostics.Finding
		if d.path == "" || !s.config.Excluded(d.path, false) {
			// A document rechecked only because facts it looks up changed
			// keeps its findings when what it resolves stayed the same:
			// no parse for a document whose tree was evicted.
			if (recheck || d.ownFindings == nil) &&
				(d.dirty || recheckAll || d.ownFindings == nil || !s.findingsStillHold(d)) {
				d.ensureTree()
				d.ownFindings = s.engine.AnalyzeFile(d.file, s.projectOf(d), d.cache)
				analysed++
			}
			findings = append(findings, d.ownFindings...)
			if len(raw) == 0 {
				d.projectDone = nil
			} else if d.dirty || recheckAll || d.projectDone == nil || !sameRawFindings(d.projectRaw, raw) {
				// Finishing reads the file (fixes are finalised against its
				// tree); the same raw findings on the same text finish the same.
				d.ensureTree()
				d.projectDone = s.engine.Finish(d.file, cloneFindings(raw))
			}
			d.projectRaw = raw
			if len(d.projectDone) > 0 {
				findings = append(findings, d.projectDone...)
				diagnostics.SortFindings(findings)
			}
			findings = s.dropPerFileIgnores(d, findings)
		}
		same := d.published && d.lastPublished == d.version && sameFindings(d.findings, findings)
		d.findings, d.findingsOf, d.dirty = findings, d.version, false
		if !keep[d] {
			d.dropTree()
		}
		if !same {
			s.publish(ctx, d, findings)
			published++
		}
	}
	s.evictTrees(keep)
	return false
}

// moveProjectFindings returns the last project findings moved by the edits
// of docs (one each, keeping their facts), or nil when one of them lands
// on a line next to a place a finding names: its fix may read that line
// (indentation, a trailing comment), so the project rules must run. The
// rules see nothing but facts and, for fixes, the text around what they
// name; the facts being the same, only positions moved. This spares the
// model's rebuild (a few ms per 100 files) on most keystrokes. With strict
// false the findings are moved wherever the edits are (their fixes may be
// stale): for a publication until the project rules run again.
func (s *Server) moveProjectFindings(docs []*document, strict bool) map[string][]diagnostics.Finding {
	type change struct {
		e   syntax.Edit
		old *source.Text
	}
	changes := make(map[string]change, len(docs))
	for _, d := range docs {
		if strict && d.analyzedText.LineEnding() != d.text.LineEnding() {
			return nil // the fixes' inserted lines end otherwise now
		}
		changes[d.file.Path] = change{d.edits[0], d.analyzedText}
	}
	ok := true
	move := func(path string, off int) int {
		c, edited := changes[path]
		if !edited {
			return off
		}
		if strict {
			if line := c.old.LineOf(off); line >= c.old.LineOf(c.e.Start)-1 && line <= c.old.LineOf(c.e.OldEnd)+1 {
				ok = false
				return off
			}
		}
		switch {
		case off >= c.e.OldEnd:
			return off + len(c.e.NewText) - (c.e.OldEnd - c.e.Start)
		case off > c.e.Start:
			return c.e.Start // in the replaced text (not strict: refused above)
		}
		return off
	}
	// Most files' findings name no edited file: they are kept as they are
	// (a large project has thousands).
	touches := func(f diagnostics.Finding) bool {
		if _, edited := changes[f.Path]; edited {
			return true
		}
		for _, fx := range f.Fixes {
			for _, e := range fx.Edits {
				if _, edited := changes[e.Path]; edited && e.Path != "" {
					return true
				}
			}
		}
		for _, r := range f.Related {
			if _, edited := changes[r.Path]; edited {
				return true
			}
		}
		return false
	}
	out := make(map[string][]diagnostics.Finding, len(s.projectFindings))
	for path, fs := range s.projectFindings {
		moves := false
		for _, f := range fs {
			if moves = touches(f); moves {
				break
			}
		}
		if !moves {
			out[path] = fs
			continue
		}
		nfs := make([]diagnostics.Finding, len(fs))
		for i, f := range fs {
			f.Start, f.End = move(f.Path, f.Start), move(f.Path, f.End)
			fixes := make([]diagnostics.Fix, len(f.Fixes))
			for j, fx := range f.Fixes {
				edits := make([]diagnostics.TextEdit, len(fx.Edits))
				for k, e := range fx.Edits {
					in := e.Path
					if in == "" {
						in = f.Path
					}
					if c, edited := changes[in]; edited && e.Start <= c.e.OldEnd && e.End >= c.e.Start {
						ok = false // the fix replaces text that was edited: its new text is stale
					}
					e.Start, e.End = move(in, e.Start), move(in, e.End)
					edits[k] = e
				}
				fx.Edits = edits
				fixes[j] = fx
			}
			if f.Fixes != nil {
				f.Fixes = fixes
			}
			if f.Related != nil {
				related := make([]diagnostics.Related, len(f.Related))
				for j, r := range f.Related {
					r.Start, r.End = move(r.Path, r.Start), move(r.Path, r.End)
					related[j] = r
				}
				f.Related = related
			}
			nfs[i] = f
		}
		out[path] = nfs
	}
	if !strict {
		return out
	}
	if !ok {
		return nil
	}
	atomic.AddInt64(&movedRounds, 1)
	return out
}

// movedRounds counts analyses that moved the project findings, and
// factsMovedRounds those of them where the edit moved facts (for tests).
var movedRounds, factsMovedRounds int64

// deferredRounds counts the analyses that deferred the project rules, and
// interruptedRounds the deferred project rules that gave way to input (for
// tests).
var deferredRounds, interruptedRounds int64

// projectOf is the project a document is analysed in: the workspace's,
// or its own for a file the indexing leaves out (see place).
func (s *Server) projectOf(d *document) *diagnostics.Project {
	if d.solo != nil {
		return d.solo
	}
	return s.project
}

// place decides, when a document opens and when the workspace folders or
// the configuration change, whether it is analysed in a project of its
// own: a file the indexing leaves out (outside every workspace folder, in
// a virtualenv or site-packages, excluded by the configuration). Go to
// Definition on Flask opens site-packages/flask/app.py: as a module "app"
// of the project it stood in for the workspace's app.py, and findings
// through the user's app factory went away; check, which does not read
// such files, never sees them either. (Decided then, not per analysis:
// leftOut stats the path's folders.)
func (s *Server) place(d *document) {
	if len(s.roots) == 0 || d.path == "" || !s.leftOut(d.path) {
		d.solo = nil
	} else if d.solo == nil {
		d.solo = diagnostics.NewProject()
	}
}

// findingsHeld counts the documents whose context went stale but whose
// findings still held (for tests).
var findingsHeld int64

func (s *Server) findingsStillHold(d *document) bool {
	if !s.engine.FindingsStillHold(d.file, s.projectOf(d), d.cache) {
		return false
	}
	atomic.AddInt64(&findingsHeld, 1)
	return true
}

// keptTrees is how many documents keep their syntax tree between edits:
// the ones touched last. The others are parsed again when next edited or
// re-analysed (about 5 ms per 1,000 lines), which keeps memory flat however
// many documents are open. A variable for tests.
var keptTrees = 8

// touch marks d as the document most recently opened or edited.
func (s *Server) touch(d *document) {
	s.touches++
	d.touched = s.touches
}

// treesToKeep is the set of the keptTrees Python documents touched last.
func (s *Server) treesToKeep() map[*document]bool {
	docs := make([]*document, 0, len(s.docs))
	for _, d := range s.docs {
		if d.kind == diagnostics.KindPython {
			docs = append(docs, d)
		}
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].touched > docs[j].touched })
	if len(docs) > s.keptTrees {
		docs = docs[:s.keptTrees]
	}
	keep := make(map[*document]bool, len(docs))
	for _, d := range docs {
		keep[d] = true
	}
	return keep
}

// evictTrees frees the trees of the documents not in keep. When many go at
// once (a burst of opens), the freed memory is handed back to the system.
func (s *Server) evictTrees(keep map[*document]bool) {
	dropped := 0
	for _, d := range s.docs {
		if d.tree != nil && !keep[d] && !d.dirty {
			d.dropTree()
			dropped++
		}
	}
	if dropped >= 8 {
		syntax.ReleaseMemory()
	}
}

// cloneFindings copies findings deeply enough for Finish, which reuses the
// storage of the findings and of their fixes.
func cloneFindings(fs []diagnostics.Finding) []diagnostics.Finding {
	out := make([]diagnostics.Finding, len(fs))
	for i, f := range fs {
		f.Fixes = append([]diagnostics.Fix(nil), f.Fixes...)
		out[i] = f
	}
	return out
}

// sameRawFindings compares project findings before Finish, fixes included
// (a fix's edits may change without its finding moving).
func sameRawFindings(a, b []diagnostics.Finding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
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

// deferProjectRulesAbove is the size of a project's Python source (bytes)
// from which an edit that changes facts publishes the edited document
// before the project rules run: rebuilding the model costs about 3 ms per
// megabyte of source (27 ms for the 9.4 MB of bench's generated tree), and
// the file's own findings need none of it.
var deferProjectRulesAbove = 1 << 20
