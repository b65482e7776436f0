package server

// Fuzz targets of the server (issue 7):
//
//	go test ./server -run '^$' -fuzz '^FuzzIncrementalEdits$' -fuzztime 60s
//	go test ./server -run '^$' -fuzz '^FuzzStream$' -fuzztime 60s
//
// Seeds: below, the files of testdata/fuzz/python at the repository root,
// and what `go test -fuzz` saved under server/testdata/fuzz.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

const fuzzApp = "from flask import Flask\r\nfrom werkzeug.debug import DebuggedApplication\n\napp = Flask(__name__)  # 😀 日本\napp.config[\"DEBUG\"] = True\n\n\ndef create_app():\n    inner = Flask(\"x\")\n    inner.debug = True\n    return inner\n\n\nclass Config:\n    DEBUG = True\n\n\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", debug=True)\n    app.wsgi_app = DebuggedApplication(app.wsgi_app)\n"

// fuzzInserts are what edits insert; a script byte may also insert itself.
var fuzzInserts = []string{
	"", "x", "\n", "\r\n", "\r", "    ", "\t", "debug=True", "True", "(", ")", "[", ":", "\"", "'", "\"\"\"", "#", "\\",
	"😀", "日本", "é", "\x00", "\xff", "app.run(debug=True)\n", "\ndef f():\n    pass\n", "if x:\n    ", "app.config[\"DEBUG\"] = True\n",
	"from flask import Flask\n", "Flask(__name__)", "# noqa: FG401", "lambda: ",
}

// fuzzScript turns bytes into LSP content changes against text, four
// bytes a change (start, length, what to insert, how to aim); a change
// may aim past the end of a line or of the document, or inside a
// surrogate pair, as clients sometimes do. Several changes may go in one
// notification.
func fuzzScript(text *source.Text, script []byte) [][]contentChange {
	var out [][]contentChange
	var batch []contentChange
	cur := text
	for len(script) >= 4 {
		a, n, ins, mode := script[0], script[1], script[2], script[3]
		script = script[4:]
		size := len(cur.Bytes)
		start := 0
		if size > 0 {
			start = int(a) * (size + 1) / 256
		}
		end := min(start+int(n%48), size)
		var r protocol.Range
		switch mode % 8 {
		case 0: // past the end of the line
			p := cur.OffsetPosition(start)
			r = protocol.Range{Start: toLSPPos(p), End: protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character) + 1000}}
		case 1: // past the end of the document
			r = protocol.Range{Start: toLSPPos(cur.OffsetPosition(start)), End: protocol.Position{Line: uint32(cur.LineCount() + 5)}}
		case 2: // one UTF-16 unit further (inside a surrogate pair, maybe)
			p := cur.OffsetPosition(start)
			r = protocol.Range{Start: protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character) + 1}, End: toLSPPos(cur.OffsetPosition(end))}
		default:
			r = protocol.Range{Start: toLSPPos(cur.OffsetPosition(start)), End: toLSPPos(cur.OffsetPosition(end))}
		}
		insert := fuzzInserts[int(ins)%len(fuzzInserts)]
		if ins >= 224 {
			insert = string([]byte{ins, mode})
		}
		ch := contentChange{Range: &r, Text: insert}
		batch = append(batch, ch)
		// Apply as the document does, to aim the next change.
		s, e := cur.PositionOffset(lspPos(r.Start)), cur.PositionOffset(lspPos(r.End))
		if e < s {
			s, e = e, s
		}
		cur = source.New(syntax.Edit{Start: s, OldEnd: e, NewText: []byte(insert)}.Apply(cur.Bytes))
		if mode&0x80 == 0 || len(batch) == 4 {
			out = append(out, batch)
			batch = nil
		}
	}
	if len(batch) > 0 {
		out = append(out, batch)
	}
	return out
}

// watchdog crashes the process when an input runs longer than 10 s: the
// fuzzer has no time limit of its own, and a crash makes it save the input.
func watchdog(input string) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic("fuzz input still running after 10s (a hang): " + input) })
	return func() { t.Stop() }
}

func fuzzTreeShape(n syntax.Node) string {
	var b strings.Builder
	n.Walk(func(c syntax.Node) bool {
		fmt.Fprintf(&b, "(%s %d %d)", c.Kind(), c.Start(), c.End())
		return true
	})
	return b.String()
}

// fuzzTopShape renders the top-level statements as the analysis reads them
// (for a tree made by the statement fast path, its spliced statements,
// which Root would replace by a real parse).
func fuzzTopShape(t *syntax.Tree) string {
	var b strings.Builder
	for _, s := range t.TopLevel() {
		b.WriteString(fuzzTreeShape(s))
		b.WriteString("\n")
	}
	return b.String()
}

func fuzzFindings(fs []diagnostics.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s@%d-%d %s\n", f.Code, f.Start, f.End, f.Message)
	}
	return b.String()
}

// FuzzIncrementalEdits: a document edited incrementally (tree edits,
// incremental reparse, the statement fast path, per-statement caches) has
// the text, tree shape and findings of a fresh parse of its final text,
// after every notification; when tree-sitter recovered from a syntax error
// incrementally, after the fresh parse the server makes once typing pauses
// (document.freshen).
func FuzzIncrementalEdits(f *testing.F) {
	f.Add([]byte(fuzzApp), []byte{10, 3, 1, 3, 200, 0, 7, 3, 50, 5, 23, 0x83, 60, 0, 2, 3})
	f.Add([]byte(fuzzApp), []byte{0, 0, 5, 1, 255, 10, 9, 2, 128, 47, 0, 3, 30, 1, 21, 0x80, 31, 1, 22, 3})
	f.Add([]byte(""), []byte{0, 0, 24, 3, 0, 0, 25, 3, 0, 0, 26, 3})
	f.Add([]byte("x = '😀😀'\r\ny = 1\n"), []byte{2, 1, 1, 2, 5, 2, 0, 2, 7, 0, 19, 0})
	if seeds, err := filepath.Glob("../testdata/fuzz/python/*"); err == nil {
		for i, p := range seeds {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src, []byte{byte(i * 37), byte(i), byte(i * 7), 3, byte(i * 91), 2, 3, 0x83, 17, 9, 1, 3})
			}
		}
	}
	f.Fuzz(checkIncremental)
}

func checkIncremental(t *testing.T, initial, script []byte) {
	{
		if len(initial) > 16<<10 || len(script) > 400 {
			return
		}
		defer watchdog(fmt.Sprintf("initial %q script %v", initial, script))()
		engine := diagnostics.NewEngine(diagnostics.DefaultSettings(), nil)
		project := diagnostics.NewProject()
		doc := newDocument("file:///ws/app.py", "python", 1, string(initial), "app")
		doc.ensureTree() // opened documents are parsed lazily; these tests are about reparsing
		defer doc.close()
		for i, changes := range fuzzScript(doc.text, script) {
			want := doc.text
			for _, ch := range changes {
				s, e := want.PositionOffset(lspPos(ch.Range.Start)), want.PositionOffset(lspPos(ch.Range.End))
				if e < s {
					s, e = e, s
				}
				want = source.New(syntax.Edit{Start: s, OldEnd: e, NewText: []byte(ch.Text)}.Apply(want.Bytes))
			}
			doc.applyChanges(changes)
			doc.version++
			if !bytes.Equal(doc.text.Bytes, want.Bytes) {
				t.Fatalf("change %d: text %q, want %q", i, doc.text.Bytes, want.Bytes)
			}
			project.Put(doc.file, engine.Symbols(doc.file, diagnostics.Statements(doc.tree), doc.cache))
			got := engine.AnalyzeFile(doc.file, project, doc.cache)
			if doc.tree.MayDifferFromFresh() {
				// Tree-sitter's recovery from a syntax error in an
				// incremental reparse may differ from a fresh parse's; the
				// server parses such a document afresh once typing pauses
				// (freshen) and analyses it again with its caches, and that
				// is what must match. Every other tree must match at once.
				if !doc.freshen(nil) {
					t.Fatalf("change %d: freshen did not parse a tree that may differ from a fresh parse", i)
				}
				if doc.tree.MayDifferFromFresh() {
					t.Fatalf("change %d: a freshened tree still may differ from a fresh parse", i)
				}
				project.Put(doc.file, engine.Symbols(doc.file, diagnostics.Statements(doc.tree), doc.cache))
				got = engine.AnalyzeFile(doc.file, project, doc.cache)
			}

			fresh := syntax.Parse(append([]byte(nil), doc.text.Bytes...))
			ff := diagnostics.NewPythonFile(doc.file.Path, "app", fresh)
			freshProject := diagnostics.NewProject()
			freshProject.Put(ff, engine.Symbols(ff, diagnostics.Statements(fresh), nil))
			wantF := engine.AnalyzeFile(ff, freshProject, nil)
			if a, b := fuzzTopShape(doc.tree), fuzzTopShape(fresh); a != b {
				fresh.Close()
				t.Fatalf("change %d: incremental statements differ from a fresh parse\ntext: %q\nincremental: %s\nfresh:       %s", i, doc.text.Bytes, a, b)
			}
			if a, b := fuzzTreeShape(doc.tree.Root()), fuzzTreeShape(fresh.Root()); a != b {
				fresh.Close()
				t.Fatalf("change %d: incremental tree differs from a fresh parse\ntext: %q\nincremental: %s\nfresh:       %s", i, doc.text.Bytes, a, b)
			}
			if a, b := fuzzFindings(got), fuzzFindings(wantF); a != b {
				fresh.Close()
				t.Fatalf("change %d: findings differ from a fresh analysis\ntext: %q\nincremental:\n%s\nfresh:\n%s", i, doc.text.Bytes, a, b)
			}
			fresh.Close()
		}
	}
}

// FuzzStream: any bytes on the input: the framing layer never panics,
// terminates, returns only decodable messages, and what it writes back
// (error replies) is well-framed JSON-RPC.
func FuzzStream(f *testing.F) {
	ok := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	for _, s := range []string{
		ok,
		ok + ok,
		"Content-Length: 5\r\n\r\n{}" + ok,
		"Content-Length: 500\r\n\r\n" + ok + ok,
		"Content-Length: abc\r\n\r\n{}" + ok,
		"Content-Type: x\r\n\r\n{}" + ok,
		"garbage\r\n\r\n" + ok,
		"\r\n\r\n\n" + ok,
		"content-length:2\n\n{}",
		"Content-Length: 99999999999999999999\r\n\r\n",
		"Content-Length: 10\r\nContent-Length: 20\r\n\r\n" + ok,
		"xxContent-Length: 2\r\n\r\n[]",
		frame(`{"jsonrpc":"2.0","id":true,"method":"x"}`),
		frame(`{"jsonrpc":"2.0","id":1.5,"method":"x"}`),
		frame(`{"jsonrpc":"2.0","method":"x","params":`),
		frame("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"\xff\xfe\"}"),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(fmt.Sprintf("%q", data))()
		var out bytes.Buffer
		s := newStream(bytes.NewReader(data), &out, nil, zap.NewNop())
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("more than %d messages from %d bytes", i, len(data))
			}
			msg, _, err := s.Read(context.Background())
			if err != nil {
				break
			}
			if _, err := json.Marshal(msg); err != nil {
				t.Fatalf("message %d does not re-encode: %v", i, err)
			}
		}
		r := bufio.NewReader(&out)
		for {
			line, err := r.ReadString('\n')
			if err == io.EOF && line == "" {
				break
			}
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length: ")))
			if err != nil {
				t.Fatalf("written header %q", line)
			}
			if blank, _ := r.ReadString('\n'); blank != "\r\n" {
				t.Fatalf("written header not followed by a blank line: %q", blank)
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				t.Fatalf("written body shorter than its length")
			}
			var reply struct {
				JSONRPC string          `json:"jsonrpc"`
				ID      json.RawMessage `json:"id"`
				Error   *struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(body, &reply); err != nil || reply.JSONRPC != "2.0" || reply.Error == nil || len(reply.ID) == 0 {
				t.Fatalf("written reply is not a JSON-RPC error: %s", body)
			}
		}
	})
}

// A NUL byte typed into a statement made syntax's statement fast path
// dereference nil (the statement's own parse is abandoned for NUL bytes);
// found by FuzzIncrementalEdits, fixed in da82abb.
func TestReparseNULInStatement(t *testing.T) {
	doc := newDocument("file:///ws/app.py", "python", 1, "from flask import Flask\napp = Flask(__name__)\n", "app")
	doc.ensureTree() // opened documents are parsed lazily; these tests are about reparsing
	defer doc.close()
	r := protocol.Range{Start: protocol.Position{Line: 1, Character: 3}, End: protocol.Position{Line: 1, Character: 3}}
	doc.applyChanges([]contentChange{{Range: &r, Text: "\x00"}})
	if got := string(doc.text.Bytes); got != "from flask import Flask\napp\x00 = Flask(__name__)\n" {
		t.Fatalf("text %q", got)
	}
}
