package docs_test

import (
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/docs"
)

// Every registered rule has an embedded page with the sections the
// convention asks for, titled with its code and kebab-case name, and every
// page belongs to a rule.
func TestEveryRuleHasAPage(t *testing.T) {
	reg := diagnostics.DefaultRegistry()
	for _, r := range reg.Rules() {
		page, ok := docs.Rule(r.Code)
		if !ok {
			t.Errorf("%s (%s) has no docs/rules/%s.md", r.Code, r.Name, r.Code)
			continue
		}
		if !strings.Contains(page, r.Name) {
			t.Errorf("docs/rules/%s.md does not mention the rule's name %q", r.Code, r.Name)
		}
		if !strings.HasPrefix(page, "# "+r.Code) {
			t.Errorf("docs/rules/%s.md does not start with \"# %s\"", r.Code, r.Code)
		}
		for _, s := range []string{"What it does", "Why is this bad?", "Example", "Fix", "References"} {
			if docs.Section(page, s) == "" {
				t.Errorf("docs/rules/%s.md has no (or an empty) \"## %s\" section", r.Code, s)
			}
		}
	}
	for _, code := range docs.Codes() {
		if reg.Rule(code) == nil {
			t.Errorf("docs/rules/%s.md documents no registered rule", code)
		}
	}
}

func TestRule(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"FG401", true}, {"fg401", true}, {" FG802 ", true},
		{"FG999", false}, {"", false}, {"../docs", false}, {"rules/FG401", false}, {"FG401.md", false},
	}
	for _, tt := range tests {
		if _, ok := docs.Rule(tt.code); ok != tt.ok {
			t.Errorf("Rule(%q) ok = %v, want %v", tt.code, ok, tt.ok)
		}
	}
}

func TestSection(t *testing.T) {
	page := "# FG0\n\n## What it does\n\nFinds things.\n\n```python\n## not a heading\n```\n\n## Why is this bad?\nBecause.\n"
	if got := docs.Section(page, "What it does"); got != "Finds things.\n\n```python\n## not a heading\n```" {
		t.Errorf("Section = %q", got)
	}
	if got := docs.Section(page, "why is this bad?"); got != "Because." {
		t.Errorf("Section = %q", got)
	}
	if got := docs.Section(page, "Fix"); got != "" {
		t.Errorf("Section(Fix) = %q", got)
	}
}
