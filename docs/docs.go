// Package docs holds flaskguard's documentation that ships inside the
// binary: one page per rule, docs/rules/FGnnn.md, printed by
// `flaskguard explain FGnnn` and used for SARIF rule help.
package docs

import (
	"embed"
	"sort"
	"strings"
)

//go:embed rules/*.md
var rules embed.FS

// Rule returns the Markdown page of the rule with code ("FG401"; case is
// ignored) and whether there is one.
func Rule(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || strings.ContainsAny(code, "/\\.") {
		return "", false
	}
	b, err := rules.ReadFile("rules/" + code + ".md")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Codes lists the codes that have a page, sorted.
func Codes() []string {
	entries, _ := rules.ReadDir("rules")
	var out []string
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".md") {
			out = append(out, strings.TrimSuffix(name, ".md"))
		}
	}
	sort.Strings(out)
	return out
}

// Section returns the text under a page's "## title" heading, up to the
// next heading of the same level, trimmed; "" when the page has none.
func Section(page, title string) string {
	lines := strings.Split(page, "\n")
	var b strings.Builder
	in, fence := false, false
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
		}
		if !fence && strings.HasPrefix(l, "## ") {
			if in {
				break
			}
			in = strings.EqualFold(strings.TrimSpace(l[3:]), title)
			continue
		}
		if in {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return strings.TrimSpace(b.String())
}
