package server

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// After every keystroke, what the server holds for each open document —
// findings and their fixes, own and project-wide — is what a batch
// analysis of the current texts gives (the CLI's path). Random edits on
// multi-file projects, with trees kept and with every tree evicted: this
// covers incremental reparsing, the statement fast path, the caches, the
// re-analysis of documents whose context another edit changed, and the
// reuse of the others' findings.
func TestEditsMatchBatchAnalysis(t *testing.T) {
	before, factsBefore := atomic.LoadInt64(&movedRounds), atomic.LoadInt64(&factsMovedRounds)
	heldBefore, deferredBefore := atomic.LoadInt64(&findingsHeld), atomic.LoadInt64(&deferredRounds)
	interruptedBefore := atomic.LoadInt64(&interruptedRounds)
	defer func() {
		// Timing decides how often deferred work gives way to the next
		// edit: reported, not asserted.
		t.Logf("deferred project rules gave way to input %d times", atomic.LoadInt64(&interruptedRounds)-interruptedBefore)
		if n := atomic.LoadInt64(&deferredRounds) - deferredBefore; n < 20 {
			t.Errorf("project rules were deferred in only %d analyses: the test does not exercise it", n)
		}
		if n := atomic.LoadInt64(&findingsHeld) - heldBefore; n < 5 {
			t.Errorf("a stale context left the findings as they were in only %d analyses: the test does not exercise it", n)
		}
		if n := atomic.LoadInt64(&movedRounds) - before; n < 20 {
			t.Errorf("project findings were moved in only %d analyses: the test does not exercise it", n)
		}
		if n := atomic.LoadInt64(&factsMovedRounds) - factsBefore; n < 10 {
			t.Errorf("project findings were moved after an edit that moved facts in only %d analyses: the test does not exercise it", n)
		}
	}()
	withTreeBudgets(t, func(t *testing.T) {
		withProjectRulesDeferred(t, func(t *testing.T) {
			dirs, _ := filepath.Glob("../testdata/projects/*")
			dirs = append(dirs, "../testdata/rules/FG501", "../testdata/rules/FG501-default-limits")
			for i, dir := range dirs {
				for k := 0; k < diffSeeds(); k++ {
					t.Run(filepath.Base(dir), func(t *testing.T) { editAndCompare(t, dir, int64(i)+int64(k)*1000) })
				}
			}
		})
	})
}

// diffSeeds is how many random edit sequences run per fixture: 1, or
// $FLASKGUARD_DIFF_SEEDS for a longer hunt (60 take about 2.5 minutes).
func diffSeeds() int {
	if n, err := strconv.Atoi(os.Getenv("FLASKGUARD_DIFF_SEEDS")); err == nil && n > 0 {
		return n
	}
	return 1
}

func editAndCompare(t *testing.T, fixture string, seed int64) {
	root := t.TempDir()
	texts := map[string]*source.Text{} // by path
	filepath.Walk(fixture, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || diagnostics.ClassifyPath(p) != diagnostics.KindPython {
			return err
		}
		rel, _ := filepath.Rel(fixture, p)
		dst := filepath.Join(root, rel)
		src, _ := os.ReadFile(p)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, src, 0o644)
		texts[dst] = source.New(src)
		return nil
	})
	if len(texts) < 2 {
		t.Skip("single-file fixture")
	}
	var mu sync.Mutex
	var srv *Server
	serverCreated = func(s *Server) { mu.Lock(); srv = s; mu.Unlock() }
	defer func() { serverCreated = nil }()
	c := newClient(t)
	var r map[string]interface{}
	if err := c.call("initialize", map[string]interface{}{"rootUri": pathToURI(root), "capabilities": map[string]interface{}{},
		"initializationOptions": map[string]interface{}{}}, &r); err != nil {
		t.Fatal(err)
	}
	c.notify("initialized", map[string]interface{}{})
	paths := make([]string, 0, len(texts))
	for p := range texts {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		c.open(pathToURI(p), string(texts[p].Bytes))
	}
	for _, p := range paths {
		c.waitDiagnostics(pathToURI(p))
	}
	mu.Lock()
	s := srv
	mu.Unlock()
	engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
	rng := rand.New(rand.NewSource(seed))
	inserts := []string{"x", "q", " ", "\n", "(", ")", "'", ":", "#", "_", ".", "\n\n", "    "}
	for step := 0; step < 40; step++ {
		p := paths[rng.Intn(len(paths))]
		edited := filepath.Base(p)
		text := texts[p]
		at := rng.Intn(len(text.Bytes) + 1)
		end, ins := at, inserts[rng.Intn(len(inserts))]
		if rng.Intn(3) == 0 && at < len(text.Bytes) {
			end, ins = at+1, ""
		}
		for end < len(text.Bytes) && end > 0 && text.Bytes[end-1] >= 0x80 {
			end++ // whole characters only
		}
		for at > 0 && at < len(text.Bytes) && text.Bytes[at] >= 0x80 && text.Bytes[at]&0xC0 == 0x80 {
			at--
		}
		// An LSP position cannot fall between the CR and LF of a line
		// break (the server would read it as the CR's place).
		insert := end == at
		if insideCRLF(text.Bytes, at) {
			at--
		}
		if insert {
			end = at
		} else if insideCRLF(text.Bytes, end) {
			end++
		}
		sp, ep := text.OffsetPosition(at), text.OffsetPosition(end)
		c.change(pathToURI(p), sp.Line, sp.Character, ep.Line, ep.Character, ins)
		texts[p] = source.New(syntax.Edit{Start: at, OldEnd: end, NewText: []byte(ins)}.Apply(text.Bytes))
		c.waitDiagnostics(pathToURI(p))

		got := map[string]string{}
		done := make(chan struct{})
		s.enqueue(func() {
			// Deferred project rules run once no input waits, and trees
			// recovered incrementally from a syntax error are parsed
			// afresh once typing pauses: this input asks for the settled
			// state, as a code action does.
			for _, d := range s.docs {
				d.freshen(nil) // (the timer's freshen would give way to queued work)
			}
			s.analyzeAndPublish(context.Background())
			for s.projectPending {
				s.analyzeAndPublish(context.Background())
			}
			for _, d := range s.docs {
				got[d.path] = renderFindings(d.findings)
			}
			close(done)
		})
		<-done
		inputs := make([]diagnostics.Input, len(paths))
		for i, p := range paths {
			inputs[i] = diagnostics.Input{Path: p, Module: diagnostics.ModuleName(root, p), Src: texts[p].Bytes}
		}
		want := engine.AnalyzeAll(inputs)
		for i, p := range paths {
			if w := renderFindings(want[i]); got[p] != w {
				t.Fatalf("step %d (edit %q at %d-%d of %s): %s\nserver:\n%s\nbatch:\n%s\ntext:\n%s", step, ins, at, end,
					edited, filepath.Base(p), got[p], w, texts[p].Bytes)
			}
		}
	}
}

func renderFindings(fs []diagnostics.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %d-%d %s\n", f.Code, f.Start, f.End, f.Message)
		for _, fx := range f.Fixes {
			fmt.Fprintf(&b, "  fix %q safe=%v", fx.Title, fx.Safe)
			for _, e := range fx.Edits {
				fmt.Fprintf(&b, " [%s %d-%d %q]", filepath.Base(e.Path), e.Start, e.End, e.NewText)
			}
			b.WriteString("\n")
		}
		for _, r := range f.Related {
			fmt.Fprintf(&b, "  related %s %d-%d\n", filepath.Base(r.Path), r.Start, r.End)
		}
	}
	return b.String()
}

func insideCRLF(src []byte, off int) bool {
	return off > 0 && off < len(src) && src[off] == '\n' && src[off-1] == '\r'
}
