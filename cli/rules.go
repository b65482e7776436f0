package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/docs"
)

// RuleInfo is one rule as `flaskguard rules` lists it.
type RuleInfo struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Fixable  bool   `json:"fixable"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

// Rules lists every rule flaskguard has, by code.
func Rules() []RuleInfo {
	var out []RuleInfo
	for _, r := range diagnostics.DefaultRegistry().Rules() {
		out = append(out, RuleInfo{Code: r.Code, Name: r.Name, Severity: r.Severity.String(), Fixable: r.Fixable, Summary: r.Summary, URL: r.URL()})
	}
	return out
}

// RunRules prints every rule: a table (text) or a JSON array.
func RunRules(format string, stdout, stderr io.Writer) int {
	rules := Rules()
	switch format {
	case "", "text":
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tNAME\tSEVERITY\tFIXABLE\tSUMMARY")
		for _, r := range rules {
			fix := "no"
			if r.Fixable {
				fix = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.Severity, fix, r.Summary)
		}
		tw.Flush()
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rules); err != nil {
			fmt.Fprintf(stderr, "flaskguard: %v\n", err)
			return ExitError
		}
	default:
		fmt.Fprintf(stderr, "flaskguard: unknown --format %q (want text or json)\n", format)
		return ExitError
	}
	return ExitClean
}

// RunExplain prints the documentation page of the rule named by its code
// ("FG401", any case) or its name ("debug-run").
func RunExplain(arg string, stdout, stderr io.Writer) int {
	reg := diagnostics.DefaultRegistry()
	r := reg.Rule(strings.ToUpper(strings.TrimSpace(arg)))
	if r == nil {
		for _, x := range reg.Rules() {
			if strings.EqualFold(x.Name, strings.TrimSpace(arg)) {
				r = x
			}
		}
	}
	if r == nil {
		fmt.Fprintf(stderr, "flaskguard: unknown rule %q; run 'flaskguard rules' to list them\n", arg)
		return ExitError
	}
	page, ok := docs.Rule(r.Code)
	if !ok {
		// A rule whose page is not written yet: say what we know.
		page = fmt.Sprintf("# %s: %s\n\nSeverity: %s\n\n%s\n\n%s\n", r.Code, r.Name, r.Severity, r.Summary, r.URL())
	}
	io.WriteString(stdout, page)
	if !strings.HasSuffix(page, "\n") {
		io.WriteString(stdout, "\n")
	}
	return ExitClean
}
