package diagnostics_test

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// A rule that panics is recovered and logged; the other rules still run.
func TestPanickingRuleIsContained(t *testing.T) {
	boom := &diagnostics.Rule{
		Code: "FG999", Name: "boom", Severity: diagnostics.SeverityError, Summary: "panics",
		CheckStatement: func(p *diagnostics.StatementPass) { panic("rule bug") },
		CheckProject:   func(p *diagnostics.ProjectPass) { panic("project rule bug") },
	}
	reg, err := diagnostics.NewRegistry(boom, diagnostics.FG401DebugRun)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.ErrorLevel)
	e := diagnostics.NewEngine(diagnostics.DefaultSettings(), zap.New(core))
	e.Registry = reg
	out := e.AnalyzeAll([]diagnostics.Input{{Path: "app.py", Module: "app",
		Src: []byte("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")}})
	if len(out[0]) != 1 || out[0][0].Code != "FG401" {
		t.Fatalf("FG401 must survive a panicking neighbour, got %+v", out[0])
	}
	var msgs []string
	for _, entry := range logs.All() {
		msgs = append(msgs, entry.Message+" "+entry.ContextMap()["rule"].(string))
	}
	joined := strings.Join(msgs, "|")
	if !strings.Contains(joined, "rule panicked FG999") || logs.Len() < 2 {
		t.Fatalf("panics not logged with the rule's code: %q", joined)
	}
}
