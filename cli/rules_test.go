package cli

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
)

func TestRunRules(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := RunRules("text", &out, &errOut); code != ExitClean {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	reg := diagnostics.DefaultRegistry()
	if len(lines) != len(reg.Rules())+1 || !regexp.MustCompile(`^CODE\s+NAME\s+SEVERITY\s+FIXABLE\s+SUMMARY$`).MatchString(lines[0]) {
		t.Fatalf("output:\n%s", out.String())
	}
	for i, r := range reg.Rules() {
		fix := "no"
		if r.Fixable {
			fix = "yes"
		}
		re := regexp.MustCompile(`^` + r.Code + `\s+` + regexp.QuoteMeta(r.Name) + `\s+` + r.Severity.String() + `\s+` + fix + `\s+` + regexp.QuoteMeta(r.Summary) + `$`)
		if !re.MatchString(lines[i+1]) {
			t.Errorf("line %q does not match %s", lines[i+1], re)
		}
	}
	if !regexp.MustCompile(`(?m)^FG401\s+debug-run\s+error\s+yes\s`).MatchString(out.String()) {
		t.Errorf("no FG401 row:\n%s", out.String())
	}

	out.Reset()
	if code := RunRules("json", &out, &errOut); code != ExitClean {
		t.Fatalf("exit %d", code)
	}
	var rules []RuleInfo
	if err := json.Unmarshal(out.Bytes(), &rules); err != nil || len(rules) != len(reg.Rules()) {
		t.Fatalf("json: %v %s", err, out.String())
	}
	if code := RunRules("yaml", &out, &errOut); code != ExitError {
		t.Errorf("--format yaml: exit %d", code)
	}
}

func TestRunExplain(t *testing.T) {
	tests := []struct {
		arg  string
		code int
		want string
	}{
		{"FG401", ExitClean, "# FG401: debug-run\n"},
		{"fg802", ExitClean, "# FG802: run-on-all-interfaces\n"},
		{"debug-config", ExitClean, "# FG402: debug-config\n"},
		{"FG999", ExitError, `flaskguard: unknown rule "FG999"; run 'flaskguard rules' to list them`},
		{"nonsense", ExitError, `unknown rule "nonsense"`},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := RunExplain(tt.arg, &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d", code, tt.code)
			}
			got := out.String()
			if code != ExitClean {
				got = errOut.String()
				if out.Len() != 0 {
					t.Errorf("stdout not empty: %q", out.String())
				}
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("output %q lacks %q", got, tt.want)
			}
			if code == ExitClean && (!strings.Contains(got, "## Why is this bad?") || !strings.HasSuffix(got, "\n")) {
				t.Errorf("not the whole page:\n%s", got)
			}
		})
	}
}
