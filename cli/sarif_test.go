package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// The SARIF output is validated against the SARIF 2.1.0 JSON schema with
// github.com/santhosh-tekuri/jsonschema/v6: maintained, pure Go, complete
// for drafts 4 to 2020-12 (the schema we keep declares 2020-12) and able to
// assert "format" (uri, uri-reference), which SARIF relies on.

func loadSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "testdata", "sarif", "sarif-schema-2.1.0.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate: %v\n%s", err, out)
	}
}

// The schema is strict enough to catch mistakes: an invalid log fails.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := loadSARIFSchema(t)
	for name, doc := range map[string]string{
		"wrong version":     `{"version": "2.0.0", "runs": []}`,
		"column zero":       `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": 1, "startColumn": 0}}}]}]}]}`,
		"unknown property":  `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "colour": 1}}}]}`,
		"bad column kind":   `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "columnKind": "bytes"}]}`,
		"empty replacement": `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "fixes": [{"artifactChanges": [{"artifactLocation": {"uri": "a.py"}, "replacements": []}]}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepted %s", name, doc)
		}
	}
}

func TestWriteSARIF(t *testing.T) {
	sch := loadSARIFSchema(t)
	inProject(t, map[string]string{
		"app.py":              appPy,
		"dir with space/x.py": "from flask import Flask\napp = Flask(__name__)\napp.config.update(DEBUG=True)\n",
		"clean.py":            "x = 1\n",
	})
	var out, errOut bytes.Buffer
	if code := RunCheck(CheckOptions{Format: "sarif"}, &out, &errOut); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	validateSARIF(t, sch, out.Bytes())

	var log sarifLog
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("log = %+v", log)
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}
	if base := run.OriginalURIBaseIDs[srcRoot].URI; !strings.HasPrefix(base, "file:///") || !strings.HasSuffix(base, "/") {
		t.Errorf("%%SRCROOT%% = %q", base)
	}
	// Every rule is described.
	reg := diagnostics.DefaultRegistry()
	if len(run.Tool.Driver.Rules) != len(reg.Rules()) || run.Tool.Driver.Name != "flaskguard" {
		t.Fatalf("driver = %+v", run.Tool.Driver)
	}
	var fg401 *sarifRule
	for i, r := range run.Tool.Driver.Rules {
		want := reg.Rules()[i]
		if r.ID != want.Code || r.Name != want.Name || r.ShortDescription.Text != want.Summary || r.HelpURI != want.URL() ||
			r.FullDescription.Text == "" || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %d = %+v", i, r)
		}
		if r.ID == "FG401" {
			fg401 = &run.Tool.Driver.Rules[i]
		}
	}
	if fg401 == nil || fg401.DefaultConfiguration.Level != "error" || fg401.Properties.SecuritySeverity != "8.0" ||
		!strings.HasPrefix(fg401.FullDescription.Text, "Finds a Flask app started with the Werkzeug debugger") ||
		fg401.Help == nil || !strings.Contains(fg401.Help.Markdown, "## Why is this bad?") {
		t.Errorf("FG401 = %+v", fg401)
	}
	// Results: locations in characters, fixes as replacements.
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	byRule := map[string]sarifResult{}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d", r.RuleID, r.RuleIndex)
		}
		byRule[r.RuleID+":"+r.Locations[0].PhysicalLocation.ArtifactLocation.URI] = r
	}
	r, ok := byRule["FG401:app.py"]
	if !ok {
		t.Fatalf("no FG401 in app.py: %v", byRule)
	}
	loc := r.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URIBaseID != srcRoot || loc.Region != (sarifRegion{9, 27, 9, 37}) || r.Level != "error" {
		t.Errorf("FG401 result = %+v", r)
	}
	if len(r.Fixes) != 2 || r.Fixes[0].Description.Text != "Remove debug=True" ||
		!strings.Contains(r.Fixes[1].Description.Text, "unsafe") {
		t.Fatalf("fixes = %+v", r.Fixes)
	}
	rep := r.Fixes[0].ArtifactChanges[0].Replacements
	if len(rep) != 1 || rep[0].DeletedRegion != (sarifRegion{9, 27, 9, 37}) || rep[0].InsertedContent != nil {
		t.Errorf("replacement = %+v", rep)
	}
	// The unsafe fix inserts "import os" and replaces the value.
	rep = r.Fixes[1].ArtifactChanges[0].Replacements
	if len(rep) != 2 || rep[0].InsertedContent == nil || rep[0].InsertedContent.Text != "import os\n" ||
		rep[0].DeletedRegion.StartLine != rep[0].DeletedRegion.EndLine || rep[0].DeletedRegion.StartColumn != rep[0].DeletedRegion.EndColumn {
		t.Errorf("unsafe replacements = %+v", rep)
	}
	if r := byRule["FG802:app.py"]; r.Level != "note" || len(r.Fixes) != 0 {
		t.Errorf("FG802 = %+v", r)
	}
	if _, ok := byRule["FG402:dir%20with%20space/x.py"]; !ok {
		t.Errorf("no escaped URI for a path with a space: %v", byRule)
	}
}

// A run without findings is a valid log with an empty results array.
func TestWriteSARIFClean(t *testing.T) {
	sch := loadSARIFSchema(t)
	inProject(t, map[string]string{"clean.py": "x = 1\n"})
	var out, errOut bytes.Buffer
	if code := RunCheck(CheckOptions{Format: "sarif"}, &out, &errOut); code != ExitClean {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	validateSARIF(t, sch, out.Bytes())
	if !bytes.Contains(out.Bytes(), []byte(`"results": []`)) {
		t.Errorf("no empty results array:\n%s", out.String())
	}
}
