package jinja

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestScanLiteralOffsets pins a few results with hand-written offsets, as a
// cross-check of the marker-based table below.
func TestScanLiteralOffsets(t *testing.T) {
	cases := []struct {
		in   string
		want []Match
	}{
		{"{{ x|safe }}", []Match{{Kind: SafeFilter, Start: 4, End: 9}}},
		{"{{ x | safe }}", []Match{{Kind: SafeFilter, Start: 5, End: 11}}},
		{"a{{x|e|safe}}b", []Match{{Kind: SafeFilter, Start: 6, End: 11}}},
		{"{% filter safe %}x{% endfilter %}", []Match{{Kind: SafeFilter, Start: 0, End: 17, RemoveAlso: [][2]int{{18, 33}}}}},
		{"{% autoescape false %}x{% endautoescape %}", []Match{{Kind: AutoescapeFalse, Start: 0, End: 22, RemoveAlso: [][2]int{{23, 42}}}}},
		{"{# x|safe #}", nil},
	}
	for _, c := range cases {
		got := Scan([]byte(c.in))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Scan(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// Markers used in the table: «…» is the expected [Start,End) of a match,
// ‹…› the expected range of a RemoveAlso entry. They are stripped from the
// input before scanning.
const (
	mOpen      = "«"
	mClose     = "»"
	alsoOpen   = "‹"
	alsoClose  = "›"
	markerList = mOpen + mClose + alsoOpen + alsoClose
)

type marked struct {
	src    string
	spans  [][2]int
	alsos  [][2]int
	errMsg string
}

func parseMarked(in string) marked {
	var m marked
	var b strings.Builder
	var open, alsoAt = -1, -1
	for i := 0; i < len(in); {
		switch {
		case strings.HasPrefix(in[i:], mOpen):
			if open >= 0 {
				m.errMsg = "nested «"
			}
			open = b.Len()
			i += len(mOpen)
		case strings.HasPrefix(in[i:], mClose):
			if open < 0 {
				m.errMsg = "unbalanced »"
			}
			m.spans = append(m.spans, [2]int{open, b.Len()})
			open = -1
			i += len(mClose)
		case strings.HasPrefix(in[i:], alsoOpen):
			alsoAt = b.Len()
			i += len(alsoOpen)
		case strings.HasPrefix(in[i:], alsoClose):
			if alsoAt < 0 {
				m.errMsg = "unbalanced ›"
			}
			m.alsos = append(m.alsos, [2]int{alsoAt, b.Len()})
			alsoAt = -1
			i += len(alsoClose)
		default:
			b.WriteByte(in[i])
			i++
		}
	}
	if open >= 0 || alsoAt >= 0 {
		m.errMsg = "unclosed marker"
	}
	m.src = b.String()
	return m
}

func TestScanTable(t *testing.T) {
	type tc struct {
		name string
		in   string // with «» / ‹› markers
		// kinds of the matches in order; nil means all SafeFilter.
		kinds []Kind
		// also[i] is the index of the match that owns the i-th ‹› range.
		also []int
	}
	A := AutoescapeFalse
	S := SafeFilter
	cases := []tc{
		// --- the safe filter in expressions ---
		{name: "basic", in: "{{ x«|safe» }}"},
		{name: "spaces around pipe", in: "{{ x «| safe» }}"},
		{name: "newline between pipe and name", in: "{{ x «|\n   safe» }}"},
		{name: "no spaces", in: "{{x«|safe»}}"},
		{name: "chained after", in: "{{ x|e«|safe» }}"},
		{name: "chained before", in: "{{ x«|safe»|e }}"},
		{name: "chained with args", in: "{{ x|default('')«|safe»|trim }}"},
		{name: "twice", in: "{{ x«|safe»«|safe» }}"},
		{name: "ws control", in: "{{- x«|safe» -}}"},
		{name: "ws control tight", in: "{{-x«|safe»-}}"},
		{name: "plus marker", in: "{{+ x«|safe» }}"},
		{name: "call parens", in: "{{ x«|safe()» }}"},
		{name: "call parens with space", in: "{{ x«|safe ( )» }}"},
		{name: "call args swallow inner", in: "{{ x«|safe(y|safe)»|e }}"},
		{name: "in parens", in: "{{ (x«|safe») ~ y }}"},
		{name: "ternary", in: "{{ x«|safe» if y else z«|safe» }}"},
		{name: "dict literal with nested braces", in: "{{ {'a':{'b':1}}«|safe» }}"},
		{name: "braces balance inside expr", in: "{{ {'a': x«|safe»} }}"},
		{name: "string containing }}", in: `{{ "}}" ~ x«|safe» }}`},
		{name: "non-ascii name before", in: "{{ é«|safe» }}"},
		{name: "multiple tags and text", in: "<p>{{ a«|safe» }}</p>\n<p>{{ b }}</p>{{ c«|safe» }}"},
		{name: "literal brace before tag", in: "{ {{ x«|safe» }}"},
		{name: "string with braces first", in: "{{ '{{' }}{{ x«|safe» }}"},
		{name: "map over safe string is not reported", in: "{{ xs|map('safe')|join }}"},

		// --- not the safe filter ---
		{name: "safeguard", in: "{{ x|safeguard }}"},
		{name: "safe_html", in: "{{ x|safe_html }}"},
		{name: "safe1", in: "{{ x|safe1 }}"},
		{name: "attribute", in: "{{ x.safe }}"},
		{name: "attribute call", in: "{{ x.safe() }}"},
		{name: "bare name", in: "{{ safe }}"},
		{name: "dotted filter ending in safe", in: "{{ x|foo.safe }}"},
		{name: "dotted filter starting with safe", in: "{{ x|safe.bar }}"},
		{name: "unsafe", in: "{{ x|unsafe }}"},
		{name: "case sensitive", in: "{{ x|Safe }}"},
		{name: "non-ascii continuation", in: "{{ x|safeé }}"},
		{name: "subscript", in: "{{ x['safe'] }}"},

		// --- strings ---
		{name: "double-quoted string", in: `{{ "a|safe" }}`},
		{name: "single-quoted string", in: `{{ 'a|safe' }}`},
		{name: "escaped quote in string", in: `{{ 'a\'|safe' }}`},
		{name: "escaped dquote in string", in: `{{ "it's \"|safe\"" }}`},
		{name: "string arg", in: `{{ x|replace("|safe", "") }}`},
		{name: "string then filter", in: `{{ "|safe"«|safe» }}`},
		{name: "escaped backslash ends string", in: `{{ "a\\"«|safe» }}`},
		{name: "unterminated string", in: `{{ "abc|safe }} {{ y|safe }}`},
		{name: "string in set with %}", in: `{% set x = "%}" ~ y«|safe» %}`},

		// --- comments ---
		{name: "comment", in: "{# {{ x|safe }} #}"},
		{name: "comment ws control", in: "{#- x|safe -#}"},
		{name: "comment then tag", in: "{# c #}{{ x«|safe» }}"},
		{name: "comment closes at first #}", in: "{# a #}|safe #}{{ y«|safe» }}"},
		{name: "empty-looking comment", in: "{#}{{ x|safe }}#}{{ y«|safe» }}"},
		{name: "unterminated comment", in: "{# {{ x|safe }}"},

		// --- raw ---
		{name: "raw", in: "{% raw %}{{ x|safe }}{% endraw %}"},
		{name: "raw ws control", in: "{%- raw -%}{{ x|safe }}{%- endraw -%}"},
		{name: "raw plus", in: "{%+ raw %}{{ x|safe }}{%+ endraw +%}"},
		{name: "raw tight", in: "{%raw%}{{ x|safe }}{%endraw%}{{ y«|safe» }}"},
		{name: "after raw", in: "{% raw %}{{ x|safe }}{% endraw %}{{ y«|safe» }}"},
		{name: "endrawx does not end raw", in: "{% raw %}{% endrawx %}{{ x|safe }}{% endraw %}"},
		{name: "raw with filter tag inside", in: "{% raw %}{% filter safe %}{% endraw %}"},
		{name: "unterminated raw", in: "{% raw %}{{ x|safe }}"},
		{name: "rawx is not raw", in: "{% rawx %}{{ x«|safe» }}"},

		// --- plain text ---
		{name: "text", in: "keep it |safe"},
		{name: "html text", in: "<p>x|safe</p> | safe"},
		{name: "single braces", in: "{ x|safe } {x|safe}"},
		{name: "stray closers", in: "}} x|safe %} y|safe #}"},
		{name: "line statement syntax is text", in: "## x|safe\n# set y = z|safe"},
		{name: "lone brace at end", in: "x|safe {"},

		// --- set ---
		{name: "set", in: "{% set x = y«|safe» %}"},
		{name: "set ws control", in: "{%- set x = y «| safe» -%}"},
		{name: "block set filter", in: "{% set x «|safe» %}<b>{% endset %}"},
		{name: "modulo is not end", in: "{% set x = 5 % 2 ~ y«|safe» %}"},
		{name: "other tags are examined too", in: "{% if x«|safe» %}y{% endif %}"},

		// --- filter blocks ---
		{name: "filter block", in: "«{% filter safe %}»hi‹{% endfilter %}›", also: []int{0}},
		{name: "filter block ws control", in: "«{%- filter safe -%}»hi‹{%- endfilter -%}›", also: []int{0}},
		{name: "filter block with call", in: "«{% filter safe() %}»x‹{% endfilter %}›", also: []int{0}},
		{name: "filter block all safe", in: "«{% filter safe|safe %}»x‹{% endfilter %}›", also: []int{0}},
		{name: "filter block no end", in: "«{% filter safe %}»x"},
		{name: "filter safe first", in: "{% filter «safe | »upper %}x{% endfilter %}"},
		{name: "filter safe first with call", in: "{% filter «safe()|»upper %}x{% endfilter %}"},
		{name: "filter safe run first", in: "{% filter «safe|safe|»upper«|safe» %}x{% endfilter %}"},
		{name: "filter safe last", in: "{% filter upper «|safe» %}x{% endfilter %}"},
		{name: "filter other", in: "{% filter upper %}x{% endfilter %}"},
		{name: "filter safeish", in: "{% filter safeish %}x{% endfilter %}"},
		{name: "filter dotted", in: "{% filter safe.x %}x{% endfilter %}"},
		{name: "endfilter alone", in: "{% endfilter %}"},
		{name: "endfilter args are ignored", in: "{% endfilter |safe %}"},
		{name: "nested outer safe", in: "«{% filter safe %}»{% filter upper %}x{% endfilter %}‹{% endfilter %}›", also: []int{0}},
		{name: "nested inner safe", in: "{% filter upper %}«{% filter safe %}»x‹{% endfilter %}›{% endfilter %}", also: []int{0}},
		{name: "nested both safe", in: "«{% filter safe %}»«{% filter safe %}»x‹{% endfilter %}›‹{% endfilter %}›", also: []int{1, 0}},
		{name: "safe filter inside filter block", in: "«{% filter safe %}»{{ x«|safe» }}‹{% endfilter %}›", also: []int{0}},

		// --- autoescape ---
		{name: "autoescape false", in: "«{% autoescape false %}»{{ x }}‹{% endautoescape %}›", kinds: []Kind{A}, also: []int{0}},
		{name: "autoescape False ws control", in: "«{%- autoescape False -%}»x‹{%- endautoescape -%}›", kinds: []Kind{A}, also: []int{0}},
		{name: "autoescape tight", in: "«{%autoescape false%}»x", kinds: []Kind{A}},
		{name: "autoescape true", in: "{% autoescape true %}x{% endautoescape %}"},
		{name: "autoescape string is truthy", in: `{% autoescape "false" %}x{% endautoescape %}`},
		{name: "autoescape expression", in: "{% autoescape false or x %}x{% endautoescape %}"},
		{name: "autoescape FALSE is a variable", in: "{% autoescape FALSE %}x{% endautoescape %}"},
		{name: "autoescape nested", in: "«{% autoescape false %}»{% autoescape true %}x{% endautoescape %}‹{% endautoescape %}›", kinds: []Kind{A}, also: []int{0}},
		{name: "autoescape in comment", in: "{# {% autoescape false %} #}"},
		{name: "autoescape in raw", in: "{% raw %}{% autoescape false %}{% endraw %}"},
		{name: "autoescape with safe inside", in: "«{% autoescape false %}»{{ x«|safe» }}‹{% endautoescape %}›", kinds: []Kind{A, S}, also: []int{0}},
		{name: "filter inside autoescape", in: "«{% autoescape false %}»«{% filter safe %}»x‹{% endfilter %}›‹{% endautoescape %}›", kinds: []Kind{A, S}, also: []int{1, 0}},

		// --- malformed input ---
		{name: "unterminated expression", in: "{{ x«|safe»"},
		{name: "mismatched brackets are tolerated", in: "{{ f( }} text «|safe»"},
		{name: "empty", in: ""},
		{name: "only delimiters", in: "{{}}{%%}{##}"},
		{name: "pipe at end", in: "{{ x| }}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := parseMarked(c.in)
			if m.errMsg != "" {
				t.Fatalf("bad test case: %s", m.errMsg)
			}
			if len(c.also) != len(m.alsos) {
				t.Fatalf("bad test case: %d ‹› ranges but also=%v", len(m.alsos), c.also)
			}
			want := make([]Match, len(m.spans))
			for i, sp := range m.spans {
				k := SafeFilter
				if c.kinds != nil {
					k = c.kinds[i]
				}
				want[i] = Match{Kind: k, Start: sp[0], End: sp[1]}
			}
			for i, r := range m.alsos {
				o := c.also[i]
				want[o].RemoveAlso = append(want[o].RemoveAlso, r)
			}
			got := Scan([]byte(m.src))
			if len(got) == 0 {
				got = nil
			}
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Scan(%q)\n got  %s\n want %s", m.src, show(m.src, got), show(m.src, want))
			}
			checkInvariants(t, []byte(m.src), got)
		})
	}
}

func show(src string, ms []Match) string {
	if len(ms) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%v[%d,%d)%q", m.Kind, m.Start, m.End, src[m.Start:m.End])
		for _, r := range m.RemoveAlso {
			fmt.Fprintf(&b, "+[%d,%d)%q", r[0], r[1], src[r[0]:r[1]])
		}
		b.WriteString(" ")
	}
	return b.String()
}

// checkInvariants verifies the documented shape of Scan's result.
func checkInvariants(t *testing.T, src []byte, ms []Match) {
	t.Helper()
	var all [][2]int
	prevEnd := 0
	for i, m := range ms {
		if m.Kind != SafeFilter && m.Kind != AutoescapeFalse {
			t.Fatalf("match %d: bad kind %d", i, m.Kind)
		}
		if m.Start < 0 || m.Start > m.End || m.End > len(src) {
			t.Fatalf("match %d: range [%d,%d) invalid for len %d", i, m.Start, m.End, len(src))
		}
		if m.Start >= m.End {
			t.Fatalf("match %d: empty range [%d,%d)", i, m.Start, m.End)
		}
		if m.Start < prevEnd {
			t.Fatalf("match %d: [%d,%d) overlaps or precedes previous end %d", i, m.Start, m.End, prevEnd)
		}
		prevEnd = m.End
		all = append(all, [2]int{m.Start, m.End})
		for _, r := range m.RemoveAlso {
			if r[0] < m.End || r[0] > r[1] || r[1] > len(src) {
				t.Fatalf("match %d: RemoveAlso [%d,%d) invalid (match end %d, len %d)", i, r[0], r[1], m.End, len(src))
			}
			all = append(all, r)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i][0] < all[j][0] })
	for i := 1; i < len(all); i++ {
		if all[i][0] < all[i-1][1] {
			t.Fatalf("ranges %v and %v overlap", all[i-1], all[i])
		}
	}
}

// deleteSafe deletes every SafeFilter match (with its RemoveAlso ranges).
func deleteSafe(src []byte, ms []Match) []byte {
	var rs [][2]int
	for _, m := range ms {
		if m.Kind != SafeFilter {
			continue
		}
		rs = append(rs, [2]int{m.Start, m.End})
		rs = append(rs, m.RemoveAlso...)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	var out []byte
	last := 0
	for _, r := range rs {
		out = append(out, src[last:r[0]]...)
		last = r[1]
	}
	return append(out, src[last:]...)
}

func TestDeletionFix(t *testing.T) {
	cases := []struct{ in, want string }{
		{"{{ x|safe }}", "{{ x }}"},
		{"{{ x | safe }}", "{{ x  }}"},
		{"{{ x|e|safe|trim }}", "{{ x|e|trim }}"},
		{"{{ x|safe|safe }}", "{{ x }}"},
		{"{{- x|safe() -}}", "{{- x -}}"},
		{"{% set y = x|safe %}{{ y }}", "{% set y = x %}{{ y }}"},
		{"{% set y | safe %}<b>{% endset %}", "{% set y  %}<b>{% endset %}"},
		{"a{% filter safe %}<b>{{ x }}</b>{% endfilter %}z", "a<b>{{ x }}</b>z"},
		{"{% filter safe|upper %}x{% endfilter %}", "{% filter upper %}x{% endfilter %}"},
		{"{% filter upper | safe %}x{% endfilter %}", "{% filter upper  %}x{% endfilter %}"},
		{"{% filter safe %}{% filter safe %}x{% endfilter %}{% endfilter %}", "x"},
		{"{% filter safe %}{{ x|safe }}{% endfilter %}", "{{ x }}"},
		{
			"{# keep |safe #}{% raw %}{{ x|safe }}{% endraw %}{{ '|safe' }}{{ y|safe }} text |safe",
			"{# keep |safe #}{% raw %}{{ x|safe }}{% endraw %}{{ '|safe' }}{{ y }} text |safe",
		},
		{
			"{% autoescape false %}{{ x|safe }}{% endautoescape %}",
			"{% autoescape false %}{{ x }}{% endautoescape %}",
		},
	}
	for _, c := range cases {
		src := []byte(c.in)
		ms := Scan(src)
		out := deleteSafe(src, ms)
		if string(out) != c.want {
			t.Errorf("deleting safe filters from %q:\n got  %q\n want %q", c.in, out, c.want)
			continue
		}
		again := Scan(out)
		for _, m := range again {
			if m.Kind == SafeFilter {
				t.Errorf("after fix %q still has %s", out, show(string(out), again))
			}
		}
		if countKind(ms, AutoescapeFalse) != countKind(again, AutoescapeFalse) {
			t.Errorf("fix of %q changed the AutoescapeFalse findings: %s -> %s", c.in, show(c.in, ms), show(string(out), again))
		}
	}
}

// TestDeletionFixGenerated applies the fix to the benchmark template, which
// mixes every construct, and checks that exactly the reported bytes are gone.
func TestDeletionFixGenerated(t *testing.T) {
	src := genTemplate(64 << 10)
	ms := Scan(src)
	if countKind(ms, SafeFilter) == 0 || countKind(ms, AutoescapeFalse) == 0 {
		t.Fatalf("generated template has too few findings: %d", len(ms))
	}
	out := deleteSafe(src, ms)
	removed := 0
	for _, m := range ms {
		if m.Kind == SafeFilter {
			removed += m.End - m.Start
			for _, r := range m.RemoveAlso {
				removed += r[1] - r[0]
			}
		}
	}
	if len(out) != len(src)-removed {
		t.Fatalf("len after fix = %d, want %d", len(out), len(src)-removed)
	}
	again := Scan(out)
	if n := countKind(again, SafeFilter); n != 0 {
		t.Fatalf("%d SafeFilter matches left after the fix", n)
	}
	if a, b := countKind(ms, AutoescapeFalse), countKind(again, AutoescapeFalse); a != b {
		t.Fatalf("AutoescapeFalse count changed %d -> %d", a, b)
	}
	// Every deleted range is one of the documented shapes.
	for _, m := range ms {
		if m.Kind != SafeFilter {
			continue
		}
		txt := string(src[m.Start:m.End])
		switch {
		case strings.HasPrefix(txt, "|") && (strings.HasSuffix(txt, "safe") || strings.HasSuffix(txt, ")")):
		case strings.HasPrefix(txt, "safe") && strings.HasSuffix(txt, "|"):
		case strings.HasPrefix(txt, "{%") && strings.HasSuffix(txt, "%}") && len(m.RemoveAlso) == 1:
			r := m.RemoveAlso[0]
			if e := string(src[r[0]:r[1]]); !strings.Contains(e, "endfilter") {
				t.Fatalf("RemoveAlso of %q is %q", txt, e)
			}
		default:
			t.Fatalf("unexpected SafeFilter range %q at %d", txt, m.Start)
		}
	}
	if bytes.Count(out, []byte("KEEP|safe")) != bytes.Count(src, []byte("KEEP|safe")) {
		t.Fatalf("plain text containing |safe was changed")
	}
}

func countKind(ms []Match, k Kind) int {
	n := 0
	for _, m := range ms {
		if m.Kind == k {
			n++
		}
	}
	return n
}

// TestPathologicalInputs feeds inputs that would make a quadratic scanner
// take minutes; each must finish quickly (the test timeout is the guard).
func TestPathologicalInputs(t *testing.T) {
	const n = 1 << 20
	inputs := map[string][]byte{
		"many block starts":        bytes.Repeat([]byte("{%"), n/2),
		"many var starts":          bytes.Repeat([]byte("{{"), n/2),
		"many comment starts":      bytes.Repeat([]byte("{#"), n/2),
		"raw then block starts":    append([]byte("{% raw %}"), bytes.Repeat([]byte("{%   "), n/5)...),
		"raw then endraw-ish":      append([]byte("{% raw %}"), bytes.Repeat([]byte("{% endra"), n/8)...),
		"open parens":              append([]byte("{{ "), bytes.Repeat([]byte("("), n)...),
		"many pipes":               append([]byte("{{ x"), bytes.Repeat([]byte("|safe"), n/5)...),
		"many filter tags":         bytes.Repeat([]byte("{% filter safe %}"), n/17),
		"many endfilter tags":      bytes.Repeat([]byte("{% endfilter %}"), n/15),
		"unterminated strings":     bytes.Repeat([]byte("{{ '"), n/4),
		"whitespace after {%":      append([]byte("{%"), bytes.Repeat([]byte(" "), n)...),
		"filter with long args":    append([]byte("{% filter safe("), bytes.Repeat([]byte("a,"), n/2)...),
		"nested filter safe chain": append([]byte("{% filter "), bytes.Repeat([]byte("safe|"), n/5)...),
	}
	for name, in := range inputs {
		ms := Scan(in)
		checkInvariants(t, in, ms)
		_ = name
	}
}

func TestKindString(t *testing.T) {
	if SafeFilter.String() != "SafeFilter" || AutoescapeFalse.String() != "AutoescapeFalse" || Kind(0).String() != "Kind(?)" {
		t.Fatal("Kind.String")
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"{{ x|safe }}",
		"{% filter safe %}x{% endfilter %}",
		"{% autoescape false %}{{ y | safe }}{% endautoescape %}",
		"{# {{ x|safe }} #}{% raw %}{{ x|safe }}{% endraw %}",
		`{{ "a|safe" ~ x|e|safe() }}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ms := Scan(src)
		checkInvariants(t, src, ms)
	})
}

// genTemplate returns a template of at least size bytes that exercises all
// constructs. Every "KEEP|safe" in it is plain text and must never be
// reported or touched.
func genTemplate(size int) []byte {
	parts := []string{
		"<div class=\"item\">\n  <h2>{{ item.title|e }}</h2>\n  <p>{{ item.body|safe }}</p>\n</div>\n",
		"{# a comment with {{ x|safe }} inside #}\n",
		"{% for row in rows %}<tr><td>{{ row.name | title }}</td><td>{{ row.html|safe }}</td></tr>{% endfor %}\n",
		"{% raw %}{{ not|safe }}{% endraw %}\n",
		"<p>KEEP|safe text and {braces} and 100% plain</p>\n",
		"{% set y = {'a': [1, 2, (3)], 'b': \"}}|safe\"}|tojson|safe %}\n",
		"{% filter safe %}<b>{{ y }}</b>{% endfilter %}\n",
		"{% filter upper|safe %}x{% endfilter %}\n",
		"{%- autoescape false -%}{{ z }}{%- endautoescape -%}\n",
		"{% autoescape true %}{{ z }}{% endautoescape %}\n",
		"{{- 'string with |safe' ~ x.safe ~ y|safeguard -}}\n",
		"{% if user %}{{ user.bio|markdown|safe }}{% else %}anon{% endif %}\n",
	}
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		b.WriteString(parts[i%len(parts)])
	}
	return b.Bytes()
}

func BenchmarkScan(b *testing.B) {
	src := genTemplate(200 << 10)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Scan(src)
	}
}
