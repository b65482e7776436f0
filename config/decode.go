package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// Keys lists the configuration keys flaskguard knows.
var Keys = []string{
	"select", "ignore", "per-file-ignores", "severity",
	"exclude", "extend-exclude", "assume-external-config",
}

// decoder turns entries into a File, collecting every error.
type decoder struct {
	f         *File
	path      string
	pyproject bool
	errs      []error
	seen      map[string]bool // keys already reported as malformed
	sev       []sevSetting
}

type sevSetting struct {
	prefix string
	sev    diagnostics.Severity
}

func (d *decoder) fail(e entry, at pos, format string, args ...interface{}) {
	d.errs = append(d.errs, &Error{Path: d.path, Line: at.line, Column: at.col, Key: e.key(), Msg: fmt.Sprintf(format, args...)})
}

// entry decodes one entry; rest is its key below the flaskguard table.
func (d *decoder) entry(e entry, rest []string) {
	if len(rest) == 0 {
		if e.value != nil {
			d.fail(e, e.keyAt, "must be a table, got %s", kindName(e.value.kind))
		}
		return
	}
	key := rest[0]
	switch key {
	case "select", "ignore", "exclude", "extend-exclude":
		if !d.leaf(e, rest, key, "an array of strings") {
			return
		}
		strs, ok := d.strings(e)
		if !ok {
			return
		}
		switch key {
		case "select", "ignore":
			codes := d.codes(e, strs)
			if key == "select" {
				d.f.Select = codes
			} else {
				d.f.Ignore = codes
			}
		case "exclude", "extend-exclude":
			for i, s := range strs {
				p, err := compilePattern(s)
				if err != nil {
					d.fail(e, e.value.elems[i].at, "%v", err)
					continue
				}
				d.f.excludes = append(d.f.excludes, p)
			}
			if key == "exclude" {
				d.f.Exclude = strs
			} else {
				d.f.ExtendExclude = strs
			}
		}
	case "assume-external-config":
		if !d.leaf(e, rest, key, "true or false") {
			return
		}
		if e.value.kind != unstable.Bool {
			d.fail(e, e.value.at, "must be true or false, got %s", kindName(e.value.kind))
			return
		}
		b := e.value.str == "true"
		d.f.AssumeExternalConfig = &b
	case "per-file-ignores":
		if !d.table(e, rest, `a table of "glob" = ["FGnnn", ...]`) {
			return
		}
		strs, ok := d.strings(e)
		if !ok {
			return
		}
		p, err := compilePattern(rest[1])
		if err != nil {
			d.fail(e, e.keyAt, "%v", err)
			return
		}
		d.f.PerFileIgnores = append(d.f.PerFileIgnores, PerFileIgnore{Pattern: rest[1], Codes: d.codes(e, strs), pat: p})
	case "severity":
		if !d.table(e, rest, `a table of FGnnn = "error" | "warning" | "info" | "hint"`) {
			return
		}
		code, err := normalizeCode(rest[1])
		if err != nil {
			d.fail(e, e.keyAt, "%v", err)
			return
		}
		if e.value.kind != unstable.String {
			d.fail(e, e.value.at, `must be "error", "warning", "info" or "hint", got %s`, kindName(e.value.kind))
			return
		}
		sev, err := diagnostics.ParseSeverity(e.value.str)
		if err != nil {
			d.fail(e, e.value.at, "%v", err)
			return
		}
		d.sev = append(d.sev, sevSetting{code, sev})
		d.applySeverity()
	case "tool":
		if !d.pyproject && !d.seen[key] {
			d.fail(e, e.keyAt, "unknown key %q (flaskguard.toml takes its keys at the top level, without [tool.flaskguard])", key)
		}
		d.seen[key] = true
	default:
		d.fail(e, e.keyAt, "unknown key %q%s", key, suggest(key))
		d.seen[key] = true
	}
}

// leaf checks the entry is key = value (not a table, not a dotted key
// below key); it reports a malformed key once.
func (d *decoder) leaf(e entry, rest []string, key, want string) bool {
	if len(rest) == 1 && e.value != nil {
		return true
	}
	if !d.seen[key] {
		d.seen[key] = true
		got := "a table"
		if e.value != nil && len(rest) == 1 {
			got = kindName(e.value.kind)
		}
		d.fail(entry{path: e.path[:len(e.path)-len(rest)+1]}, e.keyAt, "must be %s, got %s", want, got)
	}
	return false
}

// table checks the entry is a table header for key (then there is nothing
// to decode) or one key = value inside it.
func (d *decoder) table(e entry, rest []string, want string) bool {
	switch {
	case len(rest) == 1 && e.value == nil:
		return false // the [..key] header or an inline table: its entries follow
	case len(rest) == 1:
		if !d.seen[rest[0]] {
			d.seen[rest[0]] = true
			d.fail(e, e.keyAt, "must be %s, got %s", want, kindName(e.value.kind))
		}
		return false
	case len(rest) == 2 && e.value != nil:
		return true
	case len(rest) == 2:
		d.fail(e, e.keyAt, "must be %s, got a table", want)
		return false
	}
	// "app.py" written without quotes is the dotted key app → py.
	d.fail(e, e.keyAt, "%q is a dotted key; quote it if it is one name: %q = ...", strings.Join(rest[1:], "."), strings.Join(rest[1:], "."))
	return false
}

// strings reads an array of strings.
func (d *decoder) strings(e entry) ([]string, bool) {
	if e.value.kind != unstable.Array {
		d.fail(e, e.value.at, "must be an array of strings, got %s", kindName(e.value.kind))
		return nil, false
	}
	out := make([]string, 0, len(e.value.elems))
	ok := true
	for _, el := range e.value.elems {
		if el.kind != unstable.String {
			d.fail(e, el.at, "must be an array of strings, but holds %s", kindName(el.kind))
			ok = false
			continue
		}
		out = append(out, el.str)
	}
	return out, ok
}

// codes normalises rule codes, reporting each bad one at its element.
func (d *decoder) codes(e entry, strs []string) []string {
	out := make([]string, 0, len(strs))
	for i, s := range strs {
		c, err := normalizeCode(s)
		if err != nil {
			d.fail(e, e.value.elems[i].at, "%v", err)
			continue
		}
		out = append(out, c)
	}
	return out
}

// applySeverity expands the severity settings to codes; a longer prefix
// wins over a shorter one whatever their order in the file.
func (d *decoder) applySeverity() {
	sorted := append([]sevSetting(nil), d.sev...)
	sort.SliceStable(sorted, func(i, j int) bool { return len(sorted[i].prefix) < len(sorted[j].prefix) })
	m := map[string]diagnostics.Severity{}
	for _, s := range sorted {
		for _, code := range expandPrefix(s.prefix) {
			m[code] = s.sev
		}
	}
	d.f.Severity = m
}

// suggest names the known key closest to an unknown one.
func suggest(key string) string {
	best, bestDist := "", 3
	norm := strings.ToLower(strings.ReplaceAll(key, "_", "-"))
	for _, k := range Keys {
		if k == norm {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
		if dist := levenshtein(norm, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (known keys: " + strings.Join(Keys, ", ") + ")"
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
