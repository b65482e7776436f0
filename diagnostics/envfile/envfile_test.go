package envfile

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseLiteralOffsets(t *testing.T) {
	src := "# c\nexport A = \"x y\" # z\r\nB=1 #c\n"
	want := []Entry{
		{Key: "A", Value: "x y", Line: 1, KeyStart: 11, KeyEnd: 12, ValueStart: 15, ValueEnd: 20},
		{Key: "B", Value: "1", Line: 2, KeyStart: 26, KeyEnd: 27, ValueStart: 28, ValueEnd: 29},
	}
	if got := Parse([]byte(src)); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(%q)\n got  %+v\n want %+v", src, got, want)
	}
}

// In the table inputs ⟦…⟧ marks an expected key range and «…» the
// following value range; the markers are removed before parsing.
func unmark(in string) (src string, keys, vals [][2]int) {
	var b strings.Builder
	open := map[string]int{}
	for i := 0; i < len(in); {
		switch {
		case strings.HasPrefix(in[i:], "⟦"):
			open["k"] = b.Len()
			i += len("⟦")
		case strings.HasPrefix(in[i:], "⟧"):
			keys = append(keys, [2]int{open["k"], b.Len()})
			i += len("⟧")
		case strings.HasPrefix(in[i:], "«"):
			open["v"] = b.Len()
			i += len("«")
		case strings.HasPrefix(in[i:], "»"):
			vals = append(vals, [2]int{open["v"], b.Len()})
			i += len("»")
		default:
			b.WriteByte(in[i])
			i++
		}
	}
	return b.String(), keys, vals
}

type kv struct {
	key, value string
	line       int
}

func TestParseTable(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []kv
	}{
		{"simple", "⟦A⟧=«b»", []kv{{"A", "b", 0}}},
		{"export", "export ⟦A⟧=«b»", []kv{{"A", "b", 0}}},
		{"export many spaces", "export \t ⟦A⟧  =  «1»", []kv{{"A", "1", 0}}},
		{"spaces around =", "⟦A⟧ = «b»", []kv{{"A", "b", 0}}},
		{"double quoted", `⟦A⟧=«"b c"»`, []kv{{"A", "b c", 0}}},
		{"single quoted", `⟦A⟧=«'b c'»`, []kv{{"A", "b c", 0}}},
		{"inline comment", "⟦A⟧=«b» # comment", []kv{{"A", "b", 0}}},
		{"inline comment tab", "⟦A⟧=«b»\t#c", []kv{{"A", "b", 0}}},
		{"inline comment nbsp", "⟦A⟧=«b»\u00a0#c", []kv{{"A", "b", 0}}},
		{"hash without space is value", "⟦A⟧=«b#c»", []kv{{"A", "b#c", 0}}},
		{"hash first is value", "⟦A⟧=«#notcomment»", []kv{{"A", "#notcomment", 0}}},
		{"hash after spaces is value", "⟦A⟧=  «# c»", []kv{{"A", "# c", 0}}},
		{"inner spaces kept", "⟦A⟧=«b  c»   ", []kv{{"A", "b  c", 0}}},
		{"cut at first spaced hash", "⟦A⟧=«b#x» #y #z", []kv{{"A", "b#x", 0}}},
		{"empty", "⟦A⟧=«»\n⟦B⟧=  «»\n", []kv{{"A", "", 0}, {"B", "", 1}}},
		{"empty at eof", "⟦A⟧=«»", []kv{{"A", "", 0}}},
		{"empty quoted", `⟦A⟧=«""»`, []kv{{"A", "", 0}}},
		{"quoted then comment", `⟦A⟧=«"x"»#c`, []kv{{"A", "x", 0}}},
		{"quoted then spaced comment", `⟦A⟧=«'x'»  # c  `, []kv{{"A", "x", 0}}},
		{"quoted keeps hash", `⟦A⟧=«"x #y"»`, []kv{{"A", "x #y", 0}}},
		{"trailing garbage skips line", "A=\"x\" junk\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"comments and blank lines", "# c\n\n  ⟦A⟧=«1»\n#x=2\n", []kv{{"A", "1", 2}}},
		{"indented comment", "  # c=1\n⟦A⟧=«1»", []kv{{"A", "1", 1}}},
		{"crlf", "⟦A⟧=«1»\r\n⟦B⟧=«2»\r\n", []kv{{"A", "1", 0}, {"B", "2", 1}}},
		{"crlf with comment and spaces", "⟦A⟧=«1»  # x\r\n\r\n⟦B⟧ = «2» \r\n", []kv{{"A", "1", 0}, {"B", "2", 2}}},
		{"cr only", "⟦A⟧=«1»\r⟦B⟧=«2»", []kv{{"A", "1", 0}, {"B", "2", 1}}},
		{"multiline double quoted", "⟦A⟧=«\"x\ny\"»\n⟦B⟧=«2»", []kv{{"A", "x\ny", 0}, {"B", "2", 2}}},
		{"multiline crlf normalized", "⟦A⟧=«\"x\r\ny\"»\r\n⟦B⟧=«2»", []kv{{"A", "x\ny", 0}, {"B", "2", 2}}},
		{"double escapes", `⟦A⟧=«"a\nb\"c\\d\q\'e"»`, []kv{{"A", "a\nb\"c\\d\\q'e", 0}}},
		{"single escapes", `⟦A⟧=«'a\'b\\c\n'»`, []kv{{"A", `a'b\c\n`, 0}}},
		{"escaped quote is not the end", `⟦A⟧=«"a\"b"»`, []kv{{"A", `a"b`, 0}}},
		{"backslash-quote closes when nothing else does", `⟦A⟧=«"x\"»`, []kv{{"A", `x\`, 0}}},
		{"bare key is not an entry", "A\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"bare key with comment", "A # c\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"no key", "=1\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"two words", "A B=1\n⟦C⟧=«1»", []kv{{"C", "1", 1}}},
		{"quoted key", "⟦'A B'⟧=«1»", []kv{{"A B", "1", 0}}},
		{"empty quoted key", "''=1\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"export as key", "⟦export⟧=«1»", []kv{{"export", "1", 0}}},
		{"export prefix of key", "⟦exportA⟧=«1»", []kv{{"exportA", "1", 0}}},
		{"export alone", "export\nexport \n⟦A⟧=«1»", []kv{{"A", "1", 2}}},
		{"export comment", "export #c\n⟦A⟧=«1»", []kv{{"A", "1", 1}}},
		{"unusual key chars", "⟦A.B-c/d⟧=«1»", []kv{{"A.B-c/d", "1", 0}}},
		{"unterminated quote skips line", "A=\"x\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"quote swallows next line", "A=\"x\nB=\"1\"\n⟦C⟧=«3»", []kv{{"C", "3", 2}}},
		{"unterminated single quote", "A='x\n⟦B⟧=«1»", []kv{{"B", "1", 1}}},
		{"single quote swallows next line", "A='x\nB='y'\n⟦C⟧=«3»", []kv{{"C", "3", 2}}},
		{"bom is part of the key", "⟦\ufeffA⟧=«1»", []kv{{"\ufeffA", "1", 0}}},
		{"duplicates", "⟦A⟧=«1»\n⟦A⟧=«2»", []kv{{"A", "1", 0}, {"A", "2", 1}}},
		{"url value", "⟦U⟧=«postgres://u:p@h/db?x=1»", []kv{{"U", "postgres://u:p@h/db?x=1", 0}}},
		{"interpolation kept raw", "⟦A⟧=«${B:-x}»", []kv{{"A", "${B:-x}", 0}}},
		{"empty file", "", nil},
		{"whitespace only", " \n\t\r\n  ", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, keys, vals := unmark(c.in)
			if len(keys) != len(c.want) || len(vals) != len(c.want) {
				t.Fatalf("bad test case: %d key and %d value markers for %d entries", len(keys), len(vals), len(c.want))
			}
			var want []Entry
			for i, w := range c.want {
				want = append(want, Entry{Key: w.key, Value: w.value, Line: w.line,
					KeyStart: keys[i][0], KeyEnd: keys[i][1], ValueStart: vals[i][0], ValueEnd: vals[i][1]})
			}
			got := Parse([]byte(src))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got  %+v\n want %+v", src, got, want)
			}
			checkEntries(t, []byte(src), got)
		})
	}
}

func TestCheck(t *testing.T) {
	type want struct {
		reason, replacement string
		lineStart, lineEnd  int
		key                 string
	}
	cases := []struct {
		name string
		in   string
		want []want
	}{
		{"debug 1", "FLASK_DEBUG=1", []want{{ReasonDebug, "FLASK_DEBUG=0", 0, 13, "FLASK_DEBUG"}}},
		{"debug true with newline", "FLASK_DEBUG=true\n", []want{{ReasonDebug, "FLASK_DEBUG=0", 0, 16, "FLASK_DEBUG"}}},
		{"debug True export dquoted crlf comment", "A=1\r\nexport FLASK_DEBUG=\"True\"  # dev\r\nB=2\r\n",
			[]want{{ReasonDebug, "export FLASK_DEBUG=\"0\"  # dev", 5, 37, "FLASK_DEBUG"}}},
		{"debug yes squoted", "FLASK_DEBUG='yes'", []want{{ReasonDebug, "FLASK_DEBUG='0'", 0, 17, "FLASK_DEBUG"}}},
		{"debug ON spaced", "  FLASK_DEBUG = ON \n", []want{{ReasonDebug, "  FLASK_DEBUG = 0 ", 0, 19, "FLASK_DEBUG"}}},
		{"debug quoted key", "'FLASK_DEBUG'=1", []want{{ReasonDebug, "'FLASK_DEBUG'=0", 0, 15, "FLASK_DEBUG"}}},
		{"debug off is truthy for flask", "FLASK_DEBUG=off", []want{{ReasonDebug, "FLASK_DEBUG=0", 0, 15, "FLASK_DEBUG"}}},
		{"debug 2 is truthy for flask", "FLASK_DEBUG=2", []want{{ReasonDebug, "FLASK_DEBUG=0", 0, 13, "FLASK_DEBUG"}}},
		{"debug 0", "FLASK_DEBUG=0", nil},
		{"debug false", "FLASK_DEBUG=false", nil},
		{"debug FALSE quoted", `FLASK_DEBUG="FALSE"`, nil},
		{"debug No", "FLASK_DEBUG=No", nil},
		{"debug empty", "FLASK_DEBUG=", nil},
		{"debug empty quoted", `FLASK_DEBUG=""`, nil},
		{"debug interpolated", "FLASK_DEBUG=${DEBUG}", nil},
		{"debug interpolated default", "FLASK_DEBUG=${DEBUG:-1}", nil},
		{"debug commented out", "# FLASK_DEBUG=1", nil},
		{"debug other key", "FLASK_DEBUG_TOOLBAR=1\nflask_debug=1", nil},
		{"debug inside other value", "A=\"\nFLASK_DEBUG=1\n\"", nil},
		{"debug last wins off", "FLASK_DEBUG=1\nFLASK_DEBUG=0", nil},
		{"debug last wins on", "FLASK_DEBUG=0\nFLASK_DEBUG=1\n", []want{{ReasonDebug, "FLASK_DEBUG=0", 14, 27, "FLASK_DEBUG"}}},
		{"debug unset by bare key", "FLASK_DEBUG=1\nFLASK_DEBUG", nil},
		{"debug multiline value", "FLASK_DEBUG=\"1\n\" # c\nX=1", []want{{ReasonDebug, "FLASK_DEBUG=\"0\" # c", 0, 20, "FLASK_DEBUG"}}},
		{"env development", "FLASK_ENV=development", []want{{ReasonEnv, "FLASK_ENV=production", 0, 21, "FLASK_ENV"}}},
		{"env Development quoted", "export FLASK_ENV='Development' # x\n", []want{{ReasonEnv, "export FLASK_ENV='production' # x", 0, 34, "FLASK_ENV"}}},
		{"env production", "FLASK_ENV=production", nil},
		{"env dev", "FLASK_ENV=dev", nil},
		{"both", "FLASK_ENV=development\r\nFLASK_DEBUG=yes\r\n", []want{
			{ReasonEnv, "FLASK_ENV=production", 0, 21, "FLASK_ENV"},
			{ReasonDebug, "FLASK_DEBUG=0", 23, 38, "FLASK_DEBUG"},
		}},
		{"cr line endings", "A=1\rFLASK_DEBUG=1\rB=2", []want{{ReasonDebug, "FLASK_DEBUG=0", 4, 17, "FLASK_DEBUG"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := []byte(c.in)
			got := Check(src)
			var gotW []want
			for _, is := range got {
				gotW = append(gotW, want{is.Reason, is.Replacement, is.LineStart, is.LineEnd, is.Entry.Key})
			}
			if !reflect.DeepEqual(gotW, c.want) {
				t.Errorf("Check(%q)\n got  %+v\n want %+v", c.in, gotW, c.want)
			}
			checkIssues(t, src, got)
		})
	}
}

func applyFixes(src []byte, issues []Issue) []byte {
	out := append([]byte(nil), src...)
	for i := len(issues) - 1; i >= 0; i-- {
		is := issues[i]
		out = append(out[:is.LineStart], append([]byte(is.Replacement), out[is.LineEnd:]...)...)
	}
	return out
}

func TestApplyFixes(t *testing.T) {
	cases := []struct{ in, want string }{
		{
			"# dev settings\r\nexport FLASK_APP=app.py\r\nexport FLASK_ENV=development\r\nFLASK_DEBUG = \"1\" # on\r\nSECRET=x\r\n",
			"# dev settings\r\nexport FLASK_APP=app.py\r\nexport FLASK_ENV=production\r\nFLASK_DEBUG = \"0\" # on\r\nSECRET=x\r\n",
		},
		{"FLASK_DEBUG=True", "FLASK_DEBUG=0"},
		{"FLASK_DEBUG='on'\n\n", "FLASK_DEBUG='0'\n\n"},
		{"FLASK_DEBUG=0\nFLASK_DEBUG=1\n", "FLASK_DEBUG=0\nFLASK_DEBUG=0\n"},
		{"A=1\nFLASK_DEBUG=\"1\n\"\nB=2\n", "A=1\nFLASK_DEBUG=\"0\"\nB=2\n"},
	}
	for _, c := range cases {
		src := []byte(c.in)
		out := applyFixes(src, Check(src))
		if string(out) != c.want {
			t.Errorf("fixing %q:\n got  %q\n want %q", c.in, out, c.want)
		}
		if again := Check(out); len(again) != 0 {
			t.Errorf("after fixing %q, Check still reports %+v", c.in, again)
		}
	}
}

func TestIsEnvFileName(t *testing.T) {
	yes := []string{".flaskenv", ".env", ".env.local", ".env.development", ".env.production", ".env.test.local"}
	no := []string{"env.py", ".envrc", ".env.", "env", ".ENV", "flaskenv", ".flaskenv.local", "x.env", ".env-local", "", "a/.env", `a\.env`, ".environment"}
	for _, s := range yes {
		if !IsEnvFileName(s) {
			t.Errorf("IsEnvFileName(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if IsEnvFileName(s) {
			t.Errorf("IsEnvFileName(%q) = true, want false", s)
		}
	}
}

func isEOL(c byte) bool { return c == '\n' || c == '\r' }

func lineOf(src []byte, off int) int {
	line := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' || (src[i] == '\r' && (i+1 >= len(src) || src[i+1] != '\n')) {
			line++
		}
	}
	return line
}

func checkEntries(t *testing.T, src []byte, es []Entry) {
	t.Helper()
	prev := -1
	pos, line := 0, 0 // incremental line count (entries are sorted)
	for i, e := range es {
		if !(0 <= e.KeyStart && e.KeyStart < e.KeyEnd && e.KeyEnd <= e.ValueStart && e.ValueStart <= e.ValueEnd && e.ValueEnd <= len(src)) {
			t.Fatalf("entry %d: bad ranges %+v (len %d)", i, e, len(src))
		}
		if e.KeyStart <= prev {
			t.Fatalf("entry %d: not after previous entry", i)
		}
		prev = e.ValueEnd
		if e.KeyStart < pos {
			t.Fatalf("entry %d: KeyStart %d before previous key", i, e.KeyStart)
		}
		line += lineOf(src[pos:e.KeyStart], len(src[pos:e.KeyStart]))
		if e.KeyStart > 0 && src[e.KeyStart-1] == '\r' && e.KeyStart < len(src) && src[e.KeyStart] == '\n' {
			t.Fatalf("entry %d: key starts inside a CRLF", i)
		}
		pos = e.KeyStart
		if line != e.Line {
			t.Fatalf("entry %d: Line = %d, want %d", i, e.Line, line)
		}
		if !bytes.Contains(src[e.KeyEnd:e.ValueStart], []byte("=")) {
			t.Fatalf("entry %d: no '=' between key and value: %q", i, src[e.KeyEnd:e.ValueStart])
		}
		raw := string(src[e.ValueStart:e.ValueEnd])
		switch {
		case raw == "":
			if e.Value != "" {
				t.Fatalf("entry %d: empty raw value but Value %q", i, e.Value)
			}
		case raw[0] == '"' || raw[0] == '\'':
			if len(raw) < 2 || raw[len(raw)-1] != raw[0] {
				t.Fatalf("entry %d: quoted raw value %q not closed", i, raw)
			}
		default:
			if raw != e.Value {
				t.Fatalf("entry %d: unquoted raw %q != Value %q", i, raw, e.Value)
			}
		}
		rawKey := string(src[e.KeyStart:e.KeyEnd])
		if rawKey[0] != '\'' && rawKey != e.Key {
			t.Fatalf("entry %d: raw key %q != Key %q", i, rawKey, e.Key)
		}
	}
}

func checkIssues(t *testing.T, src []byte, issues []Issue) {
	t.Helper()
	prevEnd := -1
	for i, is := range issues {
		e := is.Entry
		if !(0 <= is.LineStart && is.LineStart <= e.KeyStart && e.ValueEnd <= is.LineEnd && is.LineEnd <= len(src)) {
			t.Fatalf("issue %d: bad line range [%d,%d) for %+v", i, is.LineStart, is.LineEnd, e)
		}
		if is.LineStart <= prevEnd {
			t.Fatalf("issue %d: overlaps previous", i)
		}
		prevEnd = is.LineEnd
		if is.LineStart > 0 && !isEOL(src[is.LineStart-1]) {
			t.Fatalf("issue %d: LineStart %d is not at a line start", i, is.LineStart)
		}
		if is.LineEnd < len(src) && !isEOL(src[is.LineEnd]) {
			t.Fatalf("issue %d: LineEnd %d is not at a line end", i, is.LineEnd)
		}
		if bytes.ContainsAny(src[is.LineStart:e.KeyStart], "\r\n") || bytes.ContainsAny(src[e.ValueEnd:is.LineEnd], "\r\n") {
			t.Fatalf("issue %d: line range spans extra lines", i)
		}
		if strings.ContainsAny(is.Replacement, "\r\n") {
			t.Fatalf("issue %d: replacement %q has a line break", i, is.Replacement)
		}
		if is.Reason != ReasonDebug && is.Reason != ReasonEnv {
			t.Fatalf("issue %d: reason %q", i, is.Reason)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FLASK_DEBUG=1\n",
		"export FLASK_ENV=\"development\" # x\r\n",
		"A='x\\'y'\nB=\"a\nb\"\n# c\n=bad\n",
		"FLASK_DEBUG=\"1\\\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		es := Parse(src)
		checkEntries(t, src, es)
		issues := Check(src)
		checkIssues(t, src, issues)
		fixed := applyFixes(src, issues)
		if again := Check(fixed); len(again) != 0 {
			t.Fatalf("fixing %q gave %q which still has %+v", src, fixed, again)
		}
		if len(Parse(fixed)) != len(es) {
			t.Fatalf("fixing %q changed the number of entries: %q", src, fixed)
		}
	})
}

// Make sure the helpers used above are themselves correct.
func TestHelpers(t *testing.T) {
	if got := lineOf([]byte("a\r\nb\rc\nd"), 7); got != 3 {
		t.Fatalf("lineOf = %d", got)
	}
	src, k, v := unmark("⟦A⟧=«b»")
	if src != "A=b" || fmt.Sprint(k, v) != "[[0 1]] [[2 3]]" {
		t.Fatalf("unmark: %q %v %v", src, k, v)
	}
	is := []Issue{{LineStart: 0, LineEnd: 1, Replacement: "xy"}, {LineStart: 2, LineEnd: 3, Replacement: ""}}
	if got := string(applyFixes([]byte("a\nb\n"), is)); got != "xy\n\n" {
		t.Fatalf("applyFixes = %q", got)
	}
}

// TestLargeInputs feeds inputs that would make a quadratic parser take
// minutes (e.g. rescanning for a closing quote from every line); the test
// timeout is the guard.
func TestLargeInputs(t *testing.T) {
	const n = 1 << 20
	inputs := [][]byte{
		bytes.Repeat([]byte("A=\"x\\\"\n"), n/7),
		bytes.Repeat([]byte("A='x\n"), n/5),
		bytes.Repeat([]byte("A=\"\nB='\n"), n/8),
		bytes.Repeat([]byte("FLASK_DEBUG=1 #"), n/15),
		bytes.Repeat([]byte(" \t"), n),
		bytes.Repeat([]byte("\r"), n),
		append([]byte("A=\""), bytes.Repeat([]byte("\\\""), n/2)...),
	}
	for _, in := range inputs {
		checkEntries(t, in, Parse(in))
		checkIssues(t, in, Check(in))
	}
}
