// Package diagnostics is flaskguard's analysis: parsed files, the project
// model, the rules and the engine that runs them. A rule is a value with
// metadata and a check, in the manner of golang.org/x/tools/go/analysis; the
// LSP server and the CLI both call Analyze, so they report the same findings.
package diagnostics

import (
	"fmt"
	"sort"
	"strings"
)

// Severity is a finding's level. The values match LSP's DiagnosticSeverity.
type Severity int

const (
	SeverityError   Severity = 1
	SeverityWarning Severity = 2
	SeverityInfo    Severity = 3
	SeverityHint    Severity = 4
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	case SeverityHint:
		return "hint"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning", "info"/"information", "hint".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info", "information":
		return SeverityInfo, nil
	case "hint":
		return SeverityHint, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// DocsBaseURL is where rule pages are published; a rule's URL is
// DocsBaseURL + code + ".md". The same pages are embedded in the binary.
const DocsBaseURL = "https://github.com/flaskguard/flaskguard/blob/main/docs/rules/"

// Rule is one check and what users are told about it.
type Rule struct {
	Code     string   // stable id, "FG401"
	Name     string   // kebab-case, "debug-run"
	Severity Severity // default severity
	Summary  string   // one sentence, shown on hover and in `flaskguard rules`
	Fixable  bool     // some finding of this rule carries a fix

	// CheckStatement runs on one top-level statement of a Python file; its
	// results are cached by the statement's text and the file's Context, so
	// it must depend on nothing else. Findings must lie inside the statement
	// (fix edits may also add imports through Fix.Imports).
	CheckStatement func(*StatementPass)

	// CheckProject runs on the whole project model (rules about something
	// missing). Its findings may be in any file of the project.
	CheckProject func(*ProjectPass)

	// CheckFile runs on a non-Python file (templates, .env) with the text only.
	CheckFile func(*FilePass)
	// FileKinds says which non-Python files CheckFile wants.
	FileKinds []FileKind
}

// URL is the rule's documentation page.
func (r *Rule) URL() string { return DocsBaseURL + r.Code + ".md" }

// Finding is one reported problem. Offsets are bytes into the file's text.
type Finding struct {
	Code     string
	Severity Severity
	Path     string // the file the finding is in
	Start    int
	End      int
	Message  string
	Fixes    []Fix     // the first safe fix is the preferred one
	Related  []Related // e.g. the unprotected views of FG201
}

// Related points at another place that explains a finding.
type Related struct {
	Path       string
	Start, End int
	Message    string
}

// Fix is one way to resolve a finding.
type Fix struct {
	Title string // a verb phrase: "Remove debug=True"
	Safe  bool   // safe: a correct app behaves the same afterwards
	Edits []TextEdit
	// Imports the fix needs, added once at the top of the edited file when
	// the finding is finalised (see Finalize).
	Imports []Import
	// Inserts are edits placed by name rather than by offset, resolved like
	// Imports when the finding is finalised: a statement rule's findings are
	// cached with offsets relative to their statement, so an edit elsewhere
	// in the file (the Limiter setup after the app's creation) is described
	// symbolically. A fix whose Insert cannot be placed is dropped.
	Inserts []Insert
}

// Insert is text a fix adds on the line after the top-level statement that
// binds the module-level name After (an assignment or an import, inside a
// top-level if/try too), e.g. After "app" puts
// "limiter = Limiter(get_remote_address, app=app)" below
// "app = Flask(__name__)". It never goes above the file's leading imports,
// where the fix's own Imports are added.
type Insert struct {
	After string // module-level name
	Text  string // whole lines, "\n"-terminated; written with the file's line ending
}

// TextEdit replaces [Start, End) of Path (empty Path: the finding's file).
type TextEdit struct {
	Path       string
	Start, End int
	NewText    string
}

// Import is a Python import a fix relies on: Name empty means
// "import Module", otherwise "from Module import Name".
type Import struct{ Module, Name string }

func (i Import) String() string {
	if i.Name == "" {
		return "import " + i.Module
	}
	return "from " + i.Module + " import " + i.Name
}

// Registry is the ordered set of rules.
type Registry struct {
	rules  []*Rule
	byCode map[string]*Rule
}

// NewRegistry checks codes are unique and well formed.
func NewRegistry(rules ...*Rule) (*Registry, error) {
	reg := &Registry{byCode: map[string]*Rule{}}
	for _, r := range rules {
		if !validCode(r.Code) {
			return nil, fmt.Errorf("rule %q: code must be FG followed by three digits", r.Code)
		}
		if _, dup := reg.byCode[r.Code]; dup {
			return nil, fmt.Errorf("rule %s registered twice", r.Code)
		}
		if r.CheckStatement == nil && r.CheckProject == nil && r.CheckFile == nil {
			return nil, fmt.Errorf("rule %s has no check", r.Code)
		}
		reg.byCode[r.Code] = r
		reg.rules = append(reg.rules, r)
	}
	sort.Slice(reg.rules, func(i, j int) bool { return reg.rules[i].Code < reg.rules[j].Code })
	return reg, nil
}

func validCode(c string) bool {
	if len(c) != 5 || c[:2] != "FG" {
		return false
	}
	for _, d := range c[2:] {
		if d < '0' || d > '9' {
			return false
		}
	}
	return true
}

// Rules lists the rules sorted by code.
func (r *Registry) Rules() []*Rule { return r.rules }

// Rule looks a rule up by code.
func (r *Registry) Rule(code string) *Rule { return r.byCode[code] }
