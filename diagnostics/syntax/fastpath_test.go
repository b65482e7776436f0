package syntax

import (
	"fmt"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// topSexp renders every top-level statement's subtree with offsets: what
// the analysis reads.
func topSexp(t *Tree) string {
	var b strings.Builder
	for _, s := range t.TopLevel() {
		s.Walk(func(n Node) bool {
			fmt.Fprintf(&b, "(%s %d %d %v)", n.Kind(), n.Start(), n.End(), n.IsError())
			return true
		})
		b.WriteString("\n")
	}
	return b.String()
}

var edits = []string{"x", "1", " ", "\n", "\n\n", "(", ")", "'", "\"", "#", ":", "😀", "日本", "\r\n",
	"if x:\n    y = 1\n", "    ", "def", "@app.route('/')\n", "\\", "\"\"\"", "", "app.run(debug=True)"}

// A tree built by many random edits (fast path or not) must have the same
// statements, byte for byte and node for node, as a fresh parse.
func TestFastPathMatchesFreshParse(t *testing.T) {
	before := atomic.LoadInt64(&fastPathHits)
	for seed := int64(1); seed <= 15; seed++ {
		rng := rand.New(rand.NewSource(seed))
		tree := Parse(gen.Module(seed, 200))
		for step := 0; step < 80; step++ {
			src := tree.Src()
			at := rng.Intn(len(src) + 1)
			end := at
			if rng.Intn(3) == 0 {
				end = clamp(at+rng.Intn(6), at, len(src))
			}
			e := Edit{Start: at, OldEnd: end, NewText: []byte(edits[rng.Intn(len(edits))])}
			if rng.Intn(5) != 0 {
				// Typing inside a word or a string: what most keystrokes are.
				at = rng.Intn(len(src) + 1)
				for at < len(src) && !(isLetter(src[at]) && at > 0 && isLetter(src[at-1])) {
					at++
				}
				e = Edit{Start: at, OldEnd: at, NewText: []byte("q")}
			}
			next := tree.Reparse([]Edit{e})
			tree.Close()
			tree = next
			if next.HasError() && rng.Intn(10) < 8 {
				// Undo a keystroke that broke the file (as users do), so
				// that later edits can take the fast path again.
				next = tree.Reparse([]Edit{{Start: e.Start, OldEnd: e.Start + len(e.NewText), NewText: src[e.Start:e.OldEnd]}})
				tree.Close()
				tree = next
			}
			if step%10 == 9 {
				fresh := Parse(tree.Src())
				if tree.MayDifferFromFresh() {
					// A broken region parsed alone, or tree-sitter's
					// recovery in an incremental reparse: the server parses
					// afresh once typing pauses. The error is real.
					if !fresh.HasError() {
						t.Fatalf("seed %d step %d: the tree has a syntax error, a fresh parse none\ntext:\n%s", seed, step, tree.Src())
					}
					fresh.Close()
					continue
				}
				if a, b := topSexp(tree), topSexp(fresh); a != b {
					t.Fatalf("seed %d step %d: statements differ from a fresh parse\ntext:\n%s\ngot:\n%s\nwant:\n%s", seed, step, tree.Src(), a, b)
				}
				if tree.HasError() != fresh.HasError() {
					t.Fatalf("seed %d step %d: HasError %v, fresh %v", seed, step, tree.HasError(), fresh.HasError())
				}
				fresh.Close()
			}
		}
		// The real parse behind a virtual tree agrees too.
		if tree.MayDifferFromFresh() {
			tree.Close()
			continue
		}
		fresh := Parse(tree.Src())
		var a, b strings.Builder
		tree.Root().Walk(func(n Node) bool { fmt.Fprintf(&a, "(%s %d)", n.Kind(), n.Start()); return true })
		fresh.Root().Walk(func(n Node) bool { fmt.Fprintf(&b, "(%s %d)", n.Kind(), n.Start()); return true })
		if a.String() != b.String() {
			t.Fatalf("seed %d: Root of the edited tree differs from a fresh parse", seed)
		}
		fresh.Close()
		tree.Close()
	}
	if hits := atomic.LoadInt64(&fastPathHits) - before; hits < 100 {
		t.Fatalf("the statement fast path was taken only %d times: the test does not exercise it", hits)
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// Typing inside a statement takes the fast path; an edit that joins two
// statements does not, and both give the right statements.
func TestFastPathCases(t *testing.T) {
	src := "import os\n\n\ndef f():\n    return 1\n\n\nx = 2  # note\ny = 3; z = 4\n"
	// mayDiffer: the edit leaves a syntax error, which the fast path
	// parsed alone in its region or an incremental reparse recovered from;
	// the tree then says it may differ from a fresh parse (the server
	// parses afresh once typing pauses), and wantKinds are the fresh
	// parse's statements.
	tests := []struct {
		name      string
		at, end   int
		text      string
		wantFast  bool
		wantKinds string
		mayDiffer bool
	}{
		{"inside a function", strings.Index(src, "1\n"), strings.Index(src, "1\n") + 1, "42", true,
			"import_statement function_definition expression_statement comment expression_statement ; expression_statement", false},
		{"before a trailing comment", strings.Index(src, "2  #"), strings.Index(src, "2  #") + 1, "3", true,
			"import_statement function_definition expression_statement comment expression_statement ; expression_statement", false},
		{"a statement sharing its line", strings.Index(src, "3;"), strings.Index(src, "3;") + 1, "5", false,
			"import_statement function_definition expression_statement comment expression_statement ; expression_statement", false},
		{"dedent splits the function", strings.Index(src, "    return"), strings.Index(src, "    return") + 4, "", true,
			"import_statement function_definition return_statement", false},
		{"in a gap", strings.Index(src, "\n\n\ndef"), strings.Index(src, "\n\n\ndef"), "\nprint(1)", true,
			"import_statement expression_statement function_definition expression_statement comment expression_statement ; expression_statement", false},
		{"a statement typed on a blank line", strings.Index(src, "\n\nx = 2") + 1, strings.Index(src, "\n\nx = 2") + 1, "q", true,
			"import_statement function_definition expression_statement expression_statement comment", false},
		{"a statement deleted", strings.Index(src, "import os\n"), strings.Index(src, "import os\n") + len("import os\n"), "", true,
			"function_definition expression_statement comment", false},
		{"indented text after a block joins it", strings.Index(src, "\n\nx = 2") + 1, strings.Index(src, "\n\nx = 2") + 1, "    y = 1", false,
			"import_statement function_definition expression_statement comment", false},
		{"a comment between blocks", strings.Index(src, "\n\nx = 2") + 1, strings.Index(src, "\n\nx = 2") + 1, "# c", false,
			"import_statement function_definition comment expression_statement comment", false},
		{"an unfinished decorator", strings.Index(src, "\n\nx = 2") + 1, strings.Index(src, "\n\nx = 2") + 1, "@app.route('/')", true,
			"import_statement function_definition", true},
		{"a backslash joins the next line", strings.Index(src, "x = 2") + 5, strings.Index(src, "x = 2") + 5, " \\", false,
			"import_statement function_definition expression_statement", true},
		{"a line joined to the next", strings.Index(src, "\n\n\ndef"), strings.Index(src, "\n\n\ndef") + 3, "", true,
			"ERROR", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := Parse([]byte(src))
			defer tree.Close()
			before := atomic.LoadInt64(&fastPathHits)
			next := tree.Reparse([]Edit{{Start: tc.at, OldEnd: tc.end, NewText: []byte(tc.text)}})
			defer next.Close()
			if fast := atomic.LoadInt64(&fastPathHits) > before; fast != tc.wantFast {
				t.Errorf("fast path = %v, want %v", fast, tc.wantFast)
			}
			fresh := Parse(next.Src())
			defer fresh.Close()
			if next.MayDifferFromFresh() != tc.mayDiffer || next.HasError() != tc.mayDiffer || fresh.HasError() != tc.mayDiffer {
				t.Fatalf("MayDifferFromFresh %v, HasError %v, a fresh parse's HasError %v; want all %v",
					next.MayDifferFromFresh(), next.HasError(), fresh.HasError(), tc.mayDiffer)
			}
			settled := next
			if tc.mayDiffer {
				settled = fresh
			} else if a, b := topSexp(next), topSexp(fresh); a != b {
				t.Fatalf("differs from a fresh parse:\n%s\nvs\n%s", a, b)
			}
			var kinds []string
			for _, s := range settled.TopLevel() {
				kinds = append(kinds, s.Kind())
			}
			got := strings.Join(kinds, " ")
			if !strings.HasPrefix(got, tc.wantKinds) {
				t.Errorf("statements = %s, want %s", got, tc.wantKinds)
			}
			_ = source.New
		})
	}
}

// In a file with a syntax error, the fast path is taken only when the edit
// is where the error is: elsewhere, the result would claim the file clean.
// Two statements run together on one line are an error that no statement
// reports (the parser inserts a hidden newline between them).
func TestFastPathWithErrors(t *testing.T) {
	const runTogether = "\"\"\"Doc.\"\"\"\nimport os\nf(1)for x in (a, b):\n    g(x)\n\n\ny = 1\n"
	const brokenDef = "\"\"\"Doc.\"\"\"\nimport os\ndef f(:\n    pass\n\n\ny = 1\n"
	tests := []struct {
		name     string
		src      string
		at, end  int
		text     string
		wantFast bool
	}{
		{"statements run together, edit elsewhere", runTogether, 4, 4, "#", false},
		{"statements run together, edit after", runTogether, strings.Index(runTogether, "1\n"), strings.Index(runTogether, "1\n") + 1, "2", false},
		{"a broken def, edit elsewhere", brokenDef, 4, 4, "#", false},
		{"a broken def mended", brokenDef, strings.Index(brokenDef, "(:"), strings.Index(brokenDef, "(:") + 1, "()", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := Parse([]byte(tc.src))
			defer tree.Close()
			if !tree.HasError() {
				t.Fatal("the base text parses without error")
			}
			before := atomic.LoadInt64(&fastPathHits)
			next := tree.Reparse([]Edit{{Start: tc.at, OldEnd: tc.end, NewText: []byte(tc.text)}})
			defer next.Close()
			if fast := atomic.LoadInt64(&fastPathHits) > before; fast != tc.wantFast {
				t.Errorf("fast path = %v, want %v", fast, tc.wantFast)
			}
			fresh := Parse(next.Src())
			defer fresh.Close()
			if next.HasError() != fresh.HasError() {
				t.Errorf("HasError = %v, a fresh parse says %v", next.HasError(), fresh.HasError())
			}
			if a, b := topSexp(next), topSexp(fresh); a != b {
				t.Errorf("differs from a fresh parse:\n%s\nvs\n%s", a, b)
			}
		})
	}
}

// A statement indented at the top level is an error the parser passes over
// without a trace; next to one, the region's tokenizer state would differ
// from the file's, so the fast path leaves the edit to the full parse.
func TestFastPathNextToIndentedStatements(t *testing.T) {
	const after = "import os\n\n\nclass Config:\n    A = 1\n    B = 2\n   C = True\n    D = 4\n"
	const before = "   C = True\nclass Config:\n    A = 1\n    B = 2\n\n\nx = 1\n"
	tests := []struct {
		name    string
		src     string
		at, end int
	}{
		{"an indented statement after", after, strings.Index(after, "    A"), strings.Index(after, "    A") + 1},
		{"an indented statement before", before, strings.Index(before, "    A"), strings.Index(before, "    A") + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := Parse([]byte(tc.src))
			defer tree.Close()
			before := atomic.LoadInt64(&fastPathHits)
			next := tree.Reparse([]Edit{{Start: tc.at, OldEnd: tc.end}})
			defer next.Close()
			if atomic.LoadInt64(&fastPathHits) > before {
				t.Error("the fast path was taken")
			}
			fresh := Parse(next.Src())
			defer fresh.Close()
			if a, b := topSexp(next), topSexp(fresh); a != b {
				t.Errorf("differs from a fresh parse:\n%s\nvs\n%s", a, b)
			}
		})
	}
}

// A comment typed at the end of a statement runs on, in the file, over
// the blanks (and a "\r") that end its line; the region parsed alone ends
// at the statement's old end, before them, so the fast path must not take
// it (FuzzIncrementalEdits found the comment one byte short).
func TestFastPathCommentBeforeBlanks(t *testing.T) {
	for _, src := range []string{"def f(): x  \n\n\ny = 2\n", "def f(): x \r\n\r\n\r\ny = 2\r\n"} {
		tree := Parse([]byte(src))
		at := strings.Index(src, "x ") + 1
		next := tree.Reparse([]Edit{{Start: at, OldEnd: at, NewText: []byte("# c")}})
		fresh := Parse(next.Src())
		if a, b := topSexp(next), topSexp(fresh); a != b {
			t.Errorf("%q: differs from a fresh parse:\n%s\nvs\n%s", src, a, b)
		}
		fresh.Close()
		next.Close()
		tree.Close()
	}
}
