package diagnostics_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

var update = flag.Bool("update", false, "rewrite the .golden files of the rule fixtures")

// The rule fixtures follow go/analysis's analysistest: every directory of
// testdata/rules is one project; a `want "REGEXP"` comment (# in Python,
// {# #} in templates) on a line asks for a finding there whose
// "CODE message" matches; every finding must be wanted and every want met.
// A file with fixable findings has a .golden file: the text after applying
// each finding's first fix. The fixed text must parse without new errors,
// lose every fixable finding, and not change when fixed again.

var wantPattern = regexp.MustCompile(`want((?:\s+"[^"]+")+)`)
var quoted = regexp.MustCompile(`"([^"]+)"`)

// testdata/projects holds multi-file projects checked the same way with
// every rule on; in testdata/rules/<CODE> only <CODE> and the codes its want
// comments name are on, so that a fixture about one rule is not flooded by
// the project rules (an app without SESSION_COOKIE_SECURE...).
func TestRuleFixtures(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/rules/*")
	projects, _ := filepath.Glob("../testdata/projects/*")
	dirs = append(dirs, projects...)
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		dir := dir
		t.Run(filepath.Base(dir), func(t *testing.T) { checkFixtureProject(t, dir) })
	}
}

type fixtureFile struct {
	rel string
	src []byte
}

func loadProject(t *testing.T, dir string) []fixtureFile {
	var files []fixtureFile
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		// Golden files are expected output, not part of the project (".env.golden"
		// would otherwise classify as an env file).
		if err != nil || info.IsDir() || strings.HasSuffix(p, ".golden") || diagnostics.ClassifyPath(p) == diagnostics.KindNone {
			return err
		}
		src, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files = append(files, fixtureFile{rel: filepath.ToSlash(rel), src: src})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func analyze(files []fixtureFile, root string) [][]diagnostics.Finding {
	inputs := make([]diagnostics.Input, len(files))
	for i, f := range files {
		inputs[i] = diagnostics.Input{Path: f.rel, Module: diagnostics.ModuleName(root, filepath.Join(root, f.rel)), Src: f.src}
	}
	settings := diagnostics.DefaultSettings()
	if code := filepath.Base(root); filepath.Base(filepath.Dir(root)) == "rules" {
		settings.Select = append(wantedCodes(files), code)
	}
	engine := diagnostics.NewEngine(settings, nil)
	// Config files the project model reads (from_pyfile...) are relative to the fixture.
	engine.ReadFile = func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(root, p)) }
	return engine.AnalyzeAll(inputs)
}

// wantedCodes lists the codes the files' want comments name.
func wantedCodes(files []fixtureFile) []string {
	var out []string
	for _, f := range files {
		for _, m := range wantPattern.FindAllSubmatch(f.src, -1) {
			for _, q := range quoted.FindAllSubmatch(m[1], -1) {
				out = append(out, strings.Fields(string(q[1]))[0])
			}
		}
	}
	return out
}

func checkFixtureProject(t *testing.T, dir string) {
	files := loadProject(t, dir)
	results := analyze(files, dir)
	for i, f := range files {
		text := source.New(f.src)
		wants := map[int][]*regexp.Regexp{}
		for line := 0; line < text.LineCount(); line++ {
			if m := wantPattern.FindSubmatch(text.Line(line)); m != nil {
				for _, q := range quoted.FindAllSubmatch(m[1], -1) {
					wants[line] = append(wants[line], regexp.MustCompile(string(q[1])))
				}
			}
		}
		for _, fd := range results[i] {
			line := text.LineOf(fd.Start)
			desc := fd.Code + " " + fd.Message
			matched := -1
			for j, re := range wants[line] {
				if re.MatchString(desc) {
					matched = j
					break
				}
			}
			if matched < 0 {
				t.Errorf("%s:%d: unexpected finding %s", f.rel, line+1, desc)
				continue
			}
			wants[line] = append(wants[line][:matched], wants[line][matched+1:]...)
		}
		for line, res := range wants {
			for _, re := range res {
				t.Errorf("%s:%d: no finding matched %q", f.rel, line+1, re)
			}
		}
		checkGolden(t, dir, files, i, results[i])
	}
}

func checkGolden(t *testing.T, dir string, files []fixtureFile, i int, findings []diagnostics.Finding) {
	f := files[i]
	golden := filepath.Join(dir, filepath.FromSlash(f.rel)+".golden")
	fixable := 0
	for _, fd := range findings {
		if len(fd.Fixes) > 0 {
			fixable++
		}
	}
	if fixable == 0 {
		if _, err := os.Stat(golden); err == nil {
			t.Errorf("%s: golden file without fixable findings", golden)
		}
		return
	}
	fixed, _ := diagnostics.ApplyFixes(f.src, findings, true)
	if *update {
		if err := os.WriteFile(golden, fixed, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Errorf("%s: %d fixable findings but no golden file (run go test ./diagnostics -update)", f.rel, fixable)
		return
	}
	if !bytes.Equal(fixed, want) {
		t.Errorf("%s: fixed text differs from %s:\n--- got\n%s\n--- want\n%s", f.rel, golden, fixed, want)
	}
	if diagnostics.ClassifyPath(f.rel) == diagnostics.KindPython {
		if before, after := errorCount(f.src), errorCount(fixed); after > before {
			t.Errorf("%s: fixed text has %d syntax errors, the original %d:\n%s", f.rel, after, before, fixed)
		}
	}
	// Re-analyse the project with the fixed file.
	again := append([]fixtureFile(nil), files...)
	again[i] = fixtureFile{rel: f.rel, src: fixed}
	after := analyze(again, dir)[i]
	for _, fd := range after {
		if len(fd.Fixes) > 0 {
			t.Errorf("%s: after fixing, still a fixable finding %s at %d: %s", f.rel, fd.Code, fd.Start, fd.Message)
		}
	}
	if twice, _ := diagnostics.ApplyFixes(fixed, after, true); !bytes.Equal(twice, fixed) {
		t.Errorf("%s: fixing is not idempotent", f.rel)
	}
}

func errorCount(src []byte) int {
	tree := syntax.Parse(src)
	defer tree.Close()
	n := 0
	tree.Root().Walk(func(x syntax.Node) bool {
		if x.IsError() || x.IsMissing() {
			n++
		}
		return true
	})
	return n
}

// Every rule has a documentation page with the sections users expect.
func TestRuleDocs(t *testing.T) {
	for _, r := range diagnostics.DefaultRegistry().Rules() {
		page, err := os.ReadFile(filepath.Join("..", "docs", "rules", r.Code+".md"))
		if err != nil {
			t.Errorf("%s: no docs page: %v", r.Code, err)
			continue
		}
		for _, section := range []string{"## What it does", "## Why is this bad", "## Example", "## Fix", "## References"} {
			if !strings.Contains(string(page), section) {
				t.Errorf("%s.md lacks %q", r.Code, section)
			}
		}
		if !strings.Contains(string(page), r.Name) {
			t.Errorf("%s.md does not name the rule %q", r.Code, r.Name)
		}
	}
}

// Every rule has a fixture directory with at least one wanted finding.
func TestEveryRuleHasFixtures(t *testing.T) {
	seen := map[string]bool{}
	_ = filepath.Walk("../testdata/rules", func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			for _, m := range wantPattern.FindAllSubmatch(b, -1) {
				for _, q := range quoted.FindAllSubmatch(m[1], -1) {
					seen[strings.Fields(string(q[1]))[0]] = true
				}
			}
		}
		return nil
	})
	var missing []string
	for _, r := range diagnostics.DefaultRegistry().Rules() {
		if !seen[r.Code] {
			missing = append(missing, r.Code)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("rules without a wanted finding in testdata/rules: %s", fmt.Sprint(missing))
	}
}
