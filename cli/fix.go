package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Diffs are written with github.com/aymanbagabas/go-udiff, a maintained
// export of gopls' internal/diff (Myers' algorithm, standard unified
// output with "\ No newline at end of file"); pmezard/go-difflib, the other
// common choice, has been archived since 2023.

// MaxFixPasses bounds the fix loop: fixes can make room for others (two
// imports wanted at the same place, a fix inside text another one
// replaced), so fix re-analyses and fixes again until nothing applies.
const MaxFixPasses = 10

// FixOptions are the flags of `flaskguard fix`.
type FixOptions struct {
	Paths []string
	Overrides
	Unsafe    bool // apply unsafe fixes too
	Diff      bool // print a unified diff instead of writing files
	ShowFixes bool // list each fix applied
	ExitZero  bool // exit 0 even when findings remain
}

// FixResult is what Fix did (or would do, for --diff).
type FixResult struct {
	Files     []*FixedFile // files whose text changed, sorted by path
	Fixed     int          // findings fixed
	Remaining *Result      // the findings left in the fixed text
	Warnings  []string     // fixes refused, passes exhausted
}

// FixedFile is one changed file.
type FixedFile struct {
	Path     string
	Original []byte
	Fixed    []byte
	Applied  []AppliedFix
}

// AppliedFix is one finding fixed, located in the text of its pass.
type AppliedFix struct {
	Code, Title string
	Row, Column int
}

// Fix applies the findings' fixes to the files in memory, pass after pass
// until no fix applies (at most MaxFixPasses), and returns the changed
// texts; it writes nothing. A file's fixes are refused when they would add
// syntax errors to it.
func Fix(paths []string, ov Overrides, unsafe bool) (*FixResult, error) {
	p, err := loadProject(paths, ov)
	if err != nil {
		return nil, err
	}
	return p.fix(unsafe), nil
}

// fixReusesAnalyses: each pass after the first analyses afresh only the
// files the last one changed and those whose context that changed (a
// switch for the test that compares with analysing everything each pass).
var fixReusesAnalyses = true

func (p *project) fix(unsafe bool) *FixResult {
	orig := make([][]byte, len(p.files))
	applied := make([][]AppliedFix, len(p.files))
	seen := make([]map[[32]byte]bool, len(p.files)) // texts each file had: a cycle stops it
	frozen := make([]bool, len(p.files))
	warnings := make([][]string, len(p.files))
	for i, f := range p.files {
		orig[i] = f.src
		seen[i] = map[[32]byte]bool{sha256.Sum256(f.src): true}
	}
	res := &FixResult{}
	var findings [][]diagnostics.Finding
	var priors []*diagnostics.Prior // what the last pass learned, for the files it did not change
	for pass := 0; ; pass++ {
		findings, priors = p.analyzeWith(priors)
		if !fixReusesAnalyses {
			priors = nil
		}
		if pass == MaxFixPasses {
			for i, f := range p.files {
				if !frozen[i] && hasFixable(findings[i], unsafe) {
					res.Warnings = append(res.Warnings, fmt.Sprintf("%s: fixes still apply after %d passes; stopped", f.path, MaxFixPasses))
				}
			}
			break
		}
		changed := make([]bool, len(p.files))
		diagnostics.Parallel(len(p.files), func(i int) {
			f := p.files[i]
			if frozen[i] || !hasFixable(findings[i], unsafe) {
				return
			}
			out, done, warns := applyVerified(f, findings[i], unsafe)
			warnings[i] = append(warnings[i], warns...)
			if len(done) == 0 || bytes.Equal(out, f.src) {
				return // nothing applied, or fixes that change nothing
			}
			sum := sha256.Sum256(out)
			if seen[i][sum] {
				frozen[i] = true
				warnings[i] = append(warnings[i], f.path+": fixes undo each other; stopped fixing this file")
				return
			}
			seen[i][sum] = true
			f.src = out
			applied[i] = append(applied[i], done...)
			changed[i] = true
		})
		any := false
		for i, c := range changed {
			any = any || c
			if c && priors != nil {
				priors[i] = nil // for the text before the fixes
			}
		}
		if !any {
			break
		}
	}
	for i, f := range p.files {
		res.Warnings = append(res.Warnings, warnings[i]...)
		if bytes.Equal(orig[i], f.src) {
			continue
		}
		res.Fixed += len(applied[i])
		res.Files = append(res.Files, &FixedFile{Path: f.path, Original: source.AddBOM(orig[i], f.bom),
			Fixed: source.AddBOM(f.src, f.bom), Applied: applied[i]})
	}
	res.Remaining = p.result(findings)
	return res
}

func hasFixable(fds []diagnostics.Finding, unsafe bool) bool {
	for _, fd := range fds {
		if fixable(fd, unsafe) {
			return true
		}
	}
	return false
}

// chosen is a finding with the fix picked for it.
type chosen struct {
	fd    diagnostics.Finding
	fix   diagnostics.Fix
	edits []diagnostics.TextEdit
}

// pickFix is the fix fix applies to fd: its first safe fix, else (with
// unsafe) its first fix; nil when none is allowed.
func pickFix(fd diagnostics.Finding, unsafe bool) *diagnostics.Fix {
	for i := range fd.Fixes {
		if fd.Fixes[i].Safe {
			return &fd.Fixes[i]
		}
	}
	if unsafe && len(fd.Fixes) > 0 {
		return &fd.Fixes[0]
	}
	return nil
}

// chooseFixes picks, for each finding in order, its preferred fix whose
// edits are in the finding's file and overlap no fix picked before (an
// identical edit, the same import, is shared). Findings left out are fixed
// in a later pass if their fix still applies.
func chooseFixes(fds []diagnostics.Finding, unsafe bool, t *source.Text) []chosen {
	var picked []chosen
	var taken []diagnostics.TextEdit
	overlaps := func(e diagnostics.TextEdit) (clash, shared bool) {
		for _, x := range taken {
			if x == e {
				return false, true
			}
			if e.Start < x.End && x.Start < e.End || e.Start == x.Start && e.End == x.End {
				return true, false
			}
		}
		return false, false
	}
	for _, fd := range fds {
		fx := pickFix(fd, unsafe)
		if fx == nil || !localEdits(fx, fd.Path) || len(fx.Edits) == 0 {
			continue
		}
		ok := true
		var add []diagnostics.TextEdit
		for _, e := range fx.Edits {
			e.Path = ""
			e = normalizeEdit(e, t)
			clash, shared := overlaps(e)
			if clash {
				ok = false
				break
			}
			if !shared {
				add = append(add, e)
			}
		}
		if ok {
			taken = append(taken, add...)
			picked = append(picked, chosen{fd: fd, fix: *fx, edits: add})
		}
	}
	return picked
}

// normalizeEdit keeps the file's conventions: a CRLF file gets CRLF in
// inserted lines, and nothing is inserted before a UTF-8 byte order mark.
func normalizeEdit(e diagnostics.TextEdit, t *source.Text) diagnostics.TextEdit {
	if t.LineEnding() == "\r\n" && strings.Contains(e.NewText, "\n") {
		e.NewText = strings.ReplaceAll(strings.ReplaceAll(e.NewText, "\r\n", "\n"), "\n", "\r\n")
	}
	if bytes.HasPrefix(t.Bytes, []byte("\xef\xbb\xbf")) && e.Start < 3 && e.End <= 3 {
		if e.Start == e.End {
			e.Start, e.End = 3, 3
		}
	}
	return e
}

// applyVerified applies the chosen fixes of one file and checks the result
// parses no worse than the original (no more ERROR or MISSING nodes). When
// the batch fails, it retries fix by fix, keeping those that pass.
func applyVerified(f *projectFile, fds []diagnostics.Finding, unsafe bool) ([]byte, []AppliedFix, []string) {
	t := source.New(f.src)
	picked := chooseFixes(fds, unsafe, t)
	if len(picked) == 0 {
		return f.src, nil, nil
	}
	isPython := diagnostics.ClassifyPath(f.path) == diagnostics.KindPython
	before := -1
	if isPython {
		before = syntaxErrors(f.src)
	}
	apply := func(cs []chosen) ([]byte, bool) {
		var edits []diagnostics.TextEdit
		for _, c := range cs {
			edits = append(edits, c.edits...)
		}
		out, skipped := diagnostics.ApplyEdits(f.src, edits)
		if skipped > 0 {
			return nil, false
		}
		return out, !isPython || syntaxErrors(out) <= before
	}
	report := func(cs []chosen) []AppliedFix {
		out := make([]AppliedFix, len(cs))
		for i, c := range cs {
			loc := t.OffsetLocation(c.fd.Start)
			out[i] = AppliedFix{Code: c.fd.Code, Title: c.fix.Title, Row: loc.Row, Column: loc.Column}
		}
		return out
	}
	if out, ok := apply(picked); ok {
		return out, report(picked), nil
	}
	// Some fix breaks the file: find which by halves (a parse per try, so
	// not fix by fix: a large module with thousands of fixes would take a
	// parse each), keeping, in order, every group that still verifies.
	var warns []string
	var sift func(kept, cands []chosen) []chosen
	sift = func(kept, cands []chosen) []chosen {
		if len(cands) == 0 {
			return kept
		}
		with := append(append([]chosen(nil), kept...), cands...)
		if _, ok := apply(with); ok {
			return with
		}
		if len(cands) == 1 {
			c := cands[0]
			loc := t.OffsetLocation(c.fd.Start)
			warns = append(warns, fmt.Sprintf("%s:%d:%d: %s: fix %q would leave the file unparsable; not applied", f.path, loc.Row, loc.Column, c.fd.Code, c.fix.Title))
			return kept
		}
		kept = sift(kept, cands[:len(cands)/2])
		return sift(kept, cands[len(cands)/2:])
	}
	// (The whole batch failed already: start with its halves.)
	kept := sift(nil, picked[:len(picked)/2])
	kept = sift(kept, picked[len(picked)/2:])
	if len(kept) == 0 {
		return f.src, nil, warns
	}
	out, _ := apply(kept)
	return out, report(kept), warns
}

// syntaxChecks counts syntaxErrors calls (for a test).
var syntaxChecks atomic.Int64

// syntaxErrors counts the ERROR and MISSING nodes of a Python text.
func syntaxErrors(src []byte) int {
	syntaxChecks.Add(1)
	tree := syntax.Parse(src)
	if tree == nil {
		return 1 << 30
	}
	defer tree.Close()
	root := tree.Root()
	if !root.HasError() {
		return 0
	}
	n := 0
	root.Walk(func(x syntax.Node) bool {
		if x.IsError() || x.IsMissing() {
			n++
		}
		return x.HasError()
	})
	return n
}

// RunFix runs `flaskguard fix` and returns its exit code: 0 when no
// finding remains, 1 when some do (with --diff: when there are changes to
// make), 2 on errors.
func RunFix(o FixOptions, stdout, stderr io.Writer) int {
	res, err := Fix(o.Paths, o.Overrides, o.Unsafe)
	if err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return ExitError
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "flaskguard: warning: %s\n", w)
	}
	if o.Diff {
		for _, f := range res.Files {
			io.WriteString(stdout, unifiedDiff(f))
		}
		if o.ShowFixes {
			writeApplied(stderr, res, "Would fix")
		}
		fmt.Fprintf(stderr, "Would fix %d %s in %d %s; %d remaining.\n", res.Fixed, plural(res.Fixed, "finding", "findings"),
			len(res.Files), plural(len(res.Files), "file", "files"), res.Remaining.Findings)
		if len(res.Files) > 0 && !o.ExitZero {
			return ExitFindings
		}
		return ExitClean
	}
	failed := 0
	for _, f := range res.Files {
		if err := WriteFileAtomic(f.Path, f.Fixed, f.Original); err != nil {
			fmt.Fprintf(stderr, "flaskguard: %v\n", err)
			failed++
		}
	}
	for _, f := range res.Remaining.Files {
		for _, fd := range f.Findings {
			loc := f.Text.OffsetLocation(fd.Start)
			fmt.Fprintf(stdout, "%s:%d:%d: %s %s\n", f.Path, loc.Row, loc.Column, fd.Code, fd.Message)
		}
	}
	if o.ShowFixes {
		writeApplied(stdout, res, "Fixed")
	}
	fmt.Fprintf(stdout, "Fixed %d %s in %d %s; %d remaining.\n", res.Fixed, plural(res.Fixed, "finding", "findings"),
		len(res.Files)-failed, plural(len(res.Files)-failed, "file", "files"), res.Remaining.Findings)
	switch {
	case failed > 0:
		return ExitError
	case res.Remaining.Findings > 0 && !o.ExitZero:
		return ExitFindings
	}
	return ExitClean
}

func writeApplied(w io.Writer, res *FixResult, verb string) {
	for _, f := range res.Files {
		fmt.Fprintf(w, "%s %s:\n", verb, f.Path)
		for _, a := range f.Applied {
			fmt.Fprintf(w, "  %d:%d: %s %s\n", a.Row, a.Column, a.Code, a.Title)
		}
	}
}

func unifiedDiff(f *FixedFile) string {
	name := filepath.ToSlash(f.Path)
	return udiff.Unified(name, name, string(f.Original), string(f.Fixed))
}

// WriteFileAtomic replaces the file at path with data, atomically: it
// writes a temporary file in the same directory, gives it the original's
// mode (and owner, where it can), syncs it and renames it over the
// original, so a reader sees the old text or the new, never a part. A
// symbolic link is followed and its target replaced. When the file no
// longer holds expect (someone edited it meanwhile), nothing is written.
func WriteFileAtomic(path string, data, expect []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	if expect != nil {
		cur, err := os.ReadFile(target)
		if err != nil {
			return err
		}
		if !bytes.Equal(cur, expect) {
			return fmt.Errorf("%s changed on disk while it was being fixed; not written", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".flaskguard-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(info.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)); err != nil {
		return err
	}
	keepOwner(tmp, info)
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	syncDir(filepath.Dir(target))
	return nil
}
