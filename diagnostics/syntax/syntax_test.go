package syntax

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/internal/gen"
)

func TestNodesAndFields(t *testing.T) {
	tree := Parse([]byte("import os\napp.run(debug=True, port=5000)  # c\n"))
	defer tree.Close()
	stmts := tree.TopLevel()
	if len(stmts) != 3 || stmts[0].Kind() != "import_statement" || stmts[1].Kind() != "expression_statement" || stmts[2].Kind() != "comment" {
		t.Fatalf("top level: %v", kinds(stmts))
	}
	call := stmts[1].NamedChild(0)
	if call.Kind() != "call" || call.Field("function").Text() != "app.run" {
		t.Fatalf("call = %s %q", call.Kind(), call.Field("function").Text())
	}
	args := call.Field("arguments").NamedChildren()
	if len(args) != 2 || args[0].Field("name").Text() != "debug" || args[0].Field("value").Kind() != "true" {
		t.Fatalf("args: %v", kinds(args))
	}
	if args[1].Start() != strings.Index(string(tree.Src()), "port=") || args[1].Text() != "port=5000" {
		t.Errorf("second argument at %d: %q", args[1].Start(), args[1].Text())
	}
	if p := args[0].Parent(); !p.Equal(call.Field("arguments")) {
		t.Errorf("parent of the keyword argument is %s", p.Kind())
	}
	if !call.Field("nope").IsNull() || call.Field("nope").Field("x").Text() != "" {
		t.Errorf("missing fields must chain to null")
	}
	if stmts[1].Parent().IsNull() != true {
		t.Errorf("a statement's subtree has no parent")
	}
}

func TestWalkSkipsChildren(t *testing.T) {
	tree := Parse([]byte("def f():\n    g(1)\nh(2)\n"))
	defer tree.Close()
	var seen []string
	tree.Root().Walk(func(n Node) bool {
		if n.Kind() == "call" {
			seen = append(seen, n.Text())
		}
		return n.Kind() != "function_definition" // do not enter functions
	})
	if strings.Join(seen, ",") != "h(2)" {
		t.Fatalf("calls outside functions = %v", seen)
	}
	// Walking a subtree stays inside it.
	fn := tree.TopLevel()[0]
	count := 0
	fn.Field("body").Walk(func(n Node) bool {
		if n.Kind() == "call" {
			count++
		}
		return true
	})
	if count != 1 {
		t.Fatalf("body walk saw %d calls, want 1", count)
	}
}

func TestErrorsAreReported(t *testing.T) {
	tree := Parse([]byte("def broken(:\n    pass\nx = 1\n"))
	defer tree.Close()
	if !tree.HasError() || !tree.Root().HasError() {
		t.Fatal("syntax error not reported")
	}
	found := false
	tree.Root().Walk(func(n Node) bool {
		found = found || n.IsError() || n.IsMissing()
		return true
	})
	if !found {
		t.Fatal("no ERROR or missing node")
	}
}

// Nodes are Go copies: they stay readable after the tree is closed and
// garbage collected, and a reparse leaves the old tree's nodes intact.
func TestNodesOutliveTheirTree(t *testing.T) {
	tree := Parse([]byte("a = 1\nb = 2\n"))
	stmt := tree.TopLevel()[1]
	left := stmt.NamedChild(0).Field("left")
	next := tree.Reparse([]Edit{{Start: 0, OldEnd: 1, NewText: []byte("zz")}})
	tree.Close()
	runtime.GC()
	if left.Text() != "b" || left.Kind() != "identifier" {
		t.Fatalf("old node after close: %q %q", left.Kind(), left.Text())
	}
	if got := next.TopLevel()[0].NamedChild(0).Field("left").Text(); got != "zz" {
		t.Fatalf("reparsed: %q", got)
	}
	next.Close()
}

func TestReparseAppliesEditsInOrder(t *testing.T) {
	tree := Parse([]byte("x = 1\n"))
	defer tree.Close()
	next := tree.Reparse([]Edit{
		{Start: 4, OldEnd: 5, NewText: []byte("22")},         // x = 22
		{Start: 6, OldEnd: 6, NewText: []byte("\ny = 日本\n")}, // against the text after the first edit
		{Start: 100, OldEnd: 200, NewText: []byte("#")},      // out of range: clamped to the end
	})
	defer next.Close()
	if got := string(next.Src()); got != "x = 22\ny = 日本\n\n#" {
		t.Fatalf("text = %q", got)
	}
	fresh := Parse(next.Src())
	defer fresh.Close()
	if a, b := sexp(next.Root()), sexp(fresh.Root()); a != b {
		t.Fatalf("incremental %s\nfresh       %s", a, b)
	}
}

// Very deep nesting is copied whole: a call 10,000 parentheses deep is
// still seen (the copy keeps its per-depth state on the heap).
func TestDeepNesting(t *testing.T) {
	src := "x = " + strings.Repeat("(", 10000) + "app.run(debug=True)" + strings.Repeat(")", 10000) + "\n"
	tree := Parse([]byte(src))
	defer tree.Close()
	calls := 0
	tree.Root().Walk(func(n Node) bool {
		if n.Kind() == "call" && n.Text() == "app.run(debug=True)" {
			calls++
		}
		return true
	})
	if calls != 1 {
		t.Fatalf("the deeply nested call was seen %d times, want 1", calls)
	}
}

func kinds(ns []Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind())
	}
	return out
}

func sexp(n Node) string {
	var b strings.Builder
	n.Walk(func(c Node) bool {
		b.WriteString("(" + c.Kind())
		return true
	})
	return b.String()
}

// A parse that exceeds its time bound is abandoned: the tree has no
// statements, and the next edit parses afresh.
func TestParseTimeout(t *testing.T) {
	base, perMB := ParseTimeoutBase, ParseTimeoutPerMB
	ParseTimeoutBase, ParseTimeoutPerMB = time.Microsecond, 0
	src := []byte(strings.Repeat("x = 1 ", 20000) + "\n")
	tree := Parse(src)
	ParseTimeoutBase, ParseTimeoutPerMB = base, perMB
	if !tree.TimedOut() || len(tree.TopLevel()) != 0 || !tree.Root().IsNull() || !tree.HasError() {
		t.Fatalf("timed-out tree: TimedOut %v, %d statements", tree.TimedOut(), len(tree.TopLevel()))
	}
	next := tree.Reparse([]Edit{{Start: 0, OldEnd: len(src), NewText: []byte("y = 2\n")}})
	defer next.Close()
	tree.Close()
	if next.TimedOut() || len(next.TopLevel()) != 1 {
		t.Fatalf("after an edit: TimedOut %v, %d statements", next.TimedOut(), len(next.TopLevel()))
	}
}

func TestBinaryIsNotParsed(t *testing.T) {
	tree := Parse([]byte("app.run(debug=True)\x00\x01\x02"))
	defer tree.Close()
	if !tree.TimedOut() || len(tree.TopLevel()) != 0 {
		t.Fatal("a file with NUL bytes must not be parsed")
	}
}

// A detached tree answers from Go memory: same statements, same errors,
// nodes readable, and a Reparse parses afresh.
func TestDetach(t *testing.T) {
	for _, src := range []string{"import os\n\ndef f():\n    return os.getcwd()\n", "x = (\ny = 2\n", ""} {
		tree := Parse([]byte(src))
		wantErr, wantTop := tree.HasError(), len(tree.TopLevel())
		wantErrs := fmt.Sprint(tree.StatementErrors())
		var kinds []string
		for _, n := range tree.TopLevel() {
			kinds = append(kinds, n.Kind())
		}
		tree.Detach()
		if tree.base != nil {
			t.Fatalf("%q: C tree still held", src)
		}
		if tree.HasError() != wantErr || len(tree.TopLevel()) != wantTop || fmt.Sprint(tree.StatementErrors()) != wantErrs {
			t.Errorf("%q: detached tree answers differently", src)
		}
		if tree.TimedOut() {
			t.Errorf("%q: a detached tree is not an abandoned parse", src)
		}
		for i, n := range tree.TopLevel() {
			if n.Kind() != kinds[i] {
				t.Errorf("%q: statement %d is %s, was %s", src, i, n.Kind(), kinds[i])
			}
			n.Walk(func(Node) bool { return true }) // readable without the C tree
		}
		next := tree.Reparse([]Edit{{Start: 0, OldEnd: 0, NewText: []byte("z = 1\n")}})
		if got := next.TopLevel(); len(got) != wantTop+1 || got[0].Kind() != "expression_statement" {
			t.Errorf("%q: reparse of a detached tree: %d statements", src, len(got))
		}
		next.Close()
	}
}

// A parse halted by its wall-clock bound is resumed only when its thread
// did not get the CPU for half the bound (a busy machine), a few times.
func TestResumeParse(t *testing.T) {
	cases := []struct {
		done        bool
		attempt     int
		cpu, bound  uint64
		wantResumed bool
	}{
		{true, 0, 10, 1000, false},                 // finished
		{false, 0, 900, 1000, false},               // slow file: it had the CPU
		{false, 0, 100, 1000, true},                // busy machine
		{false, 0, 0, 1000, true},                  // CPU time unknown
		{false, maxParseRetries, 100, 1000, false}, // enough
	}
	for _, c := range cases {
		if got := resumeParse(c.done, c.attempt, c.cpu, c.bound); got != c.wantResumed {
			t.Errorf("resumeParse(%v, %d, %d, %d) = %v", c.done, c.attempt, c.cpu, c.bound, got)
		}
	}
}

// ParseCtx halts a parse once its context is done (go-tree-sitter's own
// ParseCtx crashed the process there: it stores to a flag it never set),
// and otherwise gives Parse's tree; the parsers it used parse normally
// afterwards.
func TestParseCtx(t *testing.T) {
	src := gen.Module(3, 60000) // a parse of tens of milliseconds
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tree := ParseCtx(ctx, src); tree != nil {
		tree.Close()
		t.Errorf("a parse whose context was done before it began gave a tree")
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if tree := ParseCtx(ctx, src); tree != nil {
		tree.Close()
		t.Errorf("a parse whose context was done after 1 ms gave a tree")
	}
	small := gen.Module(4, 300)
	whole := ParseCtx(context.Background(), small)
	live, stop := context.WithCancel(context.Background())
	defer stop()
	withCtx := ParseCtx(live, small)
	plain := Parse(small)
	if withCtx == nil || whole == nil {
		t.Fatal("a parse whose context stayed live gave no tree")
	}
	a, b, c := sexp(withCtx.Root()), sexp(whole.Root()), sexp(plain.Root())
	if a != c || b != c {
		t.Errorf("ParseCtx's tree differs from Parse's")
	}
	withCtx.Close()
	whole.Close()
	plain.Close()
}
