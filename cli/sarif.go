package cli

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/docs"
)

// SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers,
// written with plain structs: we emit a small, fixed subset of the format,
// which a SARIF library would not make shorter, and the test validates it
// against the official schema.
//
// Regions are 1-based lines and columns; columns count Unicode code points
// (run.columnKind = "unicodeCodePoints"), as the text and JSON outputs do.
// URIs are relative to the working directory (uriBaseId %SRCROOT%), which
// is what code scanning expects when flaskguard runs at the repository root.

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	homepage     = "https://github.com/flaskguard/flaskguard"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

// sarifRuleProps carries what GitHub reads: tags, precision and
// security-severity (a CVSS-like score that ranks alerts as low to critical).
type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
	Fixable          bool     `json:"fixable"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifMessage    `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion      `json:"deletedRegion"`
	InsertedContent *sarifArtContent `json:"insertedContent,omitempty"`
}

type sarifArtContent struct {
	Text string `json:"text"`
}

// WriteSARIF prints the findings as a SARIF 2.1.0 log with one run.
func WriteSARIF(w io.Writer, res *Result) error {
	reg := diagnostics.DefaultRegistry()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "flaskguard", Version: Version, InformationURI: homepage, Rules: []sarifRule{},
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
		ColumnKind:  "unicodeCodePoints",
	}
	if wd, err := os.Getwd(); err == nil {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{srcRoot: {URI: fileURI(wd, true)}}
	}
	index := map[string]int{}
	for i, r := range reg.Rules() {
		index[r.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}
	texts := map[string]*source.Text{}
	for _, f := range res.Files {
		texts[f.Path] = f.Text
	}
	for _, f := range res.Files {
		for _, fd := range f.Findings {
			r := sarifResult{
				RuleID: fd.Code, RuleIndex: -1, Level: sarifLevel(fd.Severity),
				Message:   sarifMessage{Text: fd.Message},
				Locations: []sarifLocation{{PhysicalLocation: physical(f.Path, f.Text, fd.Start, fd.End)}},
			}
			if i, ok := index[fd.Code]; ok {
				r.RuleIndex = i
			}
			for i, rel := range fd.Related {
				t := texts[rel.Path]
				if rel.Path == "" {
					rel.Path, t = f.Path, f.Text
				}
				if t == nil {
					continue // a file outside the checked paths
				}
				id := i + 1
				r.RelatedLocations = append(r.RelatedLocations, sarifLocation{
					ID: &id, PhysicalLocation: physical(rel.Path, t, rel.Start, rel.End),
					Message: &sarifMessage{Text: rel.Message},
				})
			}
			for _, fx := range fd.Fixes {
				if !localEdits(&fx, fd.Path) || len(fx.Edits) == 0 {
					continue
				}
				title := fx.Title
				if !fx.Safe {
					title += " (unsafe: may change behaviour)"
				}
				change := sarifArtifactChange{ArtifactLocation: artifact(f.Path)}
				for _, e := range fx.Edits {
					rep := sarifReplacement{DeletedRegion: region(f.Text, e.Start, e.End)}
					if e.NewText != "" {
						rep.InsertedContent = &sarifArtContent{Text: e.NewText}
					}
					change.Replacements = append(change.Replacements, rep)
				}
				r.Fixes = append(r.Fixes, sarifFix{Description: sarifMessage{Text: title}, ArtifactChanges: []sarifArtifactChange{change}})
			}
			run.Results = append(run.Results, r)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(r *diagnostics.Rule) sarifRule {
	sr := sarifRule{
		ID: r.Code, Name: r.Name,
		ShortDescription:     sarifMessage{Text: r.Summary},
		FullDescription:      sarifMessage{Text: r.Summary},
		HelpURI:              r.URL(),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
		Properties: sarifRuleProps{
			Tags: []string{"security", "flask"}, Precision: "high",
			SecuritySeverity: securitySeverity(r.Severity), Fixable: r.Fixable,
		},
	}
	if page, ok := docs.Rule(r.Code); ok {
		if what := docs.Section(page, "What it does"); what != "" {
			sr.FullDescription = sarifMessage{Text: what, Markdown: what}
		}
		sr.Help = &sarifMessage{Text: r.Summary + " See " + r.URL(), Markdown: page}
	}
	return sr
}

func sarifLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.SeverityError:
		return "error"
	case diagnostics.SeverityWarning:
		return "warning"
	}
	return "note"
}

// securitySeverity ranks a rule for GitHub: 7.0-8.9 high, 4.0-6.9 medium,
// 0.1-3.9 low.
func securitySeverity(s diagnostics.Severity) string {
	switch s {
	case diagnostics.SeverityError:
		return "8.0"
	case diagnostics.SeverityWarning:
		return "5.0"
	case diagnostics.SeverityInfo:
		return "2.0"
	}
	return "1.0"
}

func physical(path string, t *source.Text, start, end int) sarifPhysicalLocation {
	return sarifPhysicalLocation{ArtifactLocation: artifact(path), Region: region(t, start, end)}
}

func region(t *source.Text, start, end int) sarifRegion {
	s, e := t.OffsetLocation(start), t.OffsetLocation(end)
	return sarifRegion{StartLine: s.Row, StartColumn: s.Column, EndLine: e.Row, EndColumn: e.Column}
}

// artifact is a path relative to %SRCROOT% when it is relative, else an
// absolute file URI.
func artifact(path string) sarifArtifactLocation {
	if filepath.IsAbs(path) {
		return sarifArtifactLocation{URI: fileURI(path, false)}
	}
	u := &url.URL{Path: filepath.ToSlash(path)}
	return sarifArtifactLocation{URI: u.String(), URIBaseID: srcRoot}
}

func fileURI(path string, dir bool) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	if dir && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
