package server

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/cli"
	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
)

// The CLI and the server give the same findings for the same files: every
// multi-file fixture project is checked by `flaskguard check` and opened,
// file by file, in a server whose workspace is the project.
func TestCLIAndServerAgree(t *testing.T) { withTreeBudgets(t, testCLIAndServerAgree) }

func testCLIAndServerAgree(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/projects/*")
	dirs = append(dirs, "../examples/vulnerable_app", "../testdata/rules/FG401", "../testdata/rules/FG501")
	grand := 0
	defer func() {
		if grand < 20 {
			t.Errorf("only %d findings compared: the comparison proves little", grand)
		}
	}()
	for _, dir := range dirs {
		dir, _ := filepath.Abs(dir)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := cli.Check([]string{dir}, cli.Overrides{Isolated: true})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{}
			for _, f := range res.Files {
				abs, _ := filepath.Abs(f.Path)
				want[abs] = render(f.Text, f.Findings)
			}
			total := 0
			for _, w := range want {
				total += len(w)
			}
			grand += total
			c := newClient(t)
			var r map[string]interface{}
			if err := c.call("initialize", map[string]interface{}{"rootUri": pathToURI(dir), "capabilities": map[string]interface{}{}}, &r); err != nil {
				t.Fatal(err)
			}
			c.notify("initialized", map[string]interface{}{})
			for path := range want {
				if diagnostics.ClassifyPath(path) != diagnostics.KindPython {
					continue
				}
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				c.open(pathToURI(path), string(src))
			}
			for path, w := range want {
				if diagnostics.ClassifyPath(path) != diagnostics.KindPython {
					continue
				}
				uri := pathToURI(path)
				// Project findings settle once every file is open and indexed.
				var got []string
				waitFor(t, func() bool {
					list := c.published(uri)
					if len(list) == 0 {
						return false
					}
					got = nil
					for _, d := range list[len(list)-1].Diagnostics {
						got = append(got, fmt.Sprintf("%d:%d-%d:%d %v", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Code))
					}
					sort.Strings(got)
					return strings.Join(got, "|") == strings.Join(w, "|")
				}, fmt.Sprintf("%s: server %v, CLI %v", filepath.Base(path), got, w))
			}
		})
	}
}

func render(t *source.Text, fs []diagnostics.Finding) []string {
	var out []string
	for _, f := range fs {
		a, b := t.OffsetPosition(f.Start), t.OffsetPosition(f.End)
		out = append(out, fmt.Sprintf("%d:%d-%d:%d %s", a.Line, a.Character, b.Line, b.Character, f.Code))
	}
	sort.Strings(out)
	return out
}
