// Package editors holds flaskguard's editor integrations (VS Code, Neovim,
// JetBrains/LSP4IJ, Helix, Emacs). This test checks the files that no editor
// runs here: the JetBrains template's JSON, and that every integration starts
// the same server command and knows the same settings keys.
//
// Only the standard library: TOML, Lua and Emacs Lisp are read as text.
package editors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The server contract: `flaskguard serve`, and these option keys, sent as
// initializationOptions and as workspace/didChangeConfiguration's "flaskguard"
// section.
var (
	serverCommand = []string{"flaskguard", "serve"}
	settingKeys   = []string{"ignore", "logLevel", "select", "severity"}
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(read(t, path)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: not a JSON object: %v", path, err)
	}
	if dec.More() {
		t.Fatalf("%s: trailing data after the JSON object", path)
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestJetBrainsTemplate checks the LSP4IJ template against what LSP4IJ's
// "Import from custom template..." reads: template.json (name, programArgs
// with a "default" command, fileTypeMappings whose fileType is an object with
// patterns and/or a name, and a languageId), settings.json and
// initializationOptions.json (JSON objects), README.md (the help).
func TestJetBrainsTemplate(t *testing.T) {
	dir := "jetbrains"
	for _, f := range []string{"template.json", "settings.json", "initializationOptions.json", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s/%s: %v", dir, f, err)
		}
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(matches) < 3 {
		t.Fatalf("want template.json, settings.json, initializationOptions.json; found %v", matches)
	}
	for _, m := range matches {
		readJSON(t, m) // every JSON file parses as one object
	}

	tmpl := readJSON(t, filepath.Join(dir, "template.json"))
	if name, ok := tmpl["name"].(string); !ok || name == "" {
		t.Errorf(`template.json: "name" must be a non-empty string, got %#v`, tmpl["name"])
	}
	args, ok := tmpl["programArgs"].(map[string]any)
	if !ok {
		t.Fatalf(`template.json: "programArgs" must be an object, got %#v`, tmpl["programArgs"])
	}
	def, ok := args["default"].(string)
	if !ok {
		t.Fatalf(`template.json: programArgs.default must be a string, got %#v`, args["default"])
	}
	if !strings.Contains(def, "flaskguard serve") {
		t.Errorf(`template.json: programArgs.default = %q, want it to run "flaskguard serve"`, def)
	}
	if got := strings.Fields(def); !reflect.DeepEqual(got, serverCommand) {
		t.Errorf("template.json: programArgs.default = %q, want exactly %q", def, strings.Join(serverCommand, " "))
	}
	for os, v := range args {
		s, ok := v.(string)
		if !ok || !strings.Contains(s, "flaskguard") || !strings.HasSuffix(s, " serve") {
			t.Errorf("template.json: programArgs.%s = %#v, want a flaskguard ... serve command", os, v)
		}
	}

	mappings, ok := tmpl["fileTypeMappings"].([]any)
	if !ok || len(mappings) == 0 {
		t.Fatalf(`template.json: "fileTypeMappings" must be a non-empty array, got %#v`, tmpl["fileTypeMappings"])
	}
	langOf := map[string]string{} // pattern -> languageId
	for i, m := range mappings {
		obj, ok := m.(map[string]any)
		if !ok {
			t.Errorf("fileTypeMappings[%d] is not an object", i)
			continue
		}
		lang, ok := obj["languageId"].(string)
		if !ok || lang == "" {
			t.Errorf("fileTypeMappings[%d].languageId must be a non-empty string, got %#v", i, obj["languageId"])
		}
		ft, ok := obj["fileType"].(map[string]any)
		if !ok {
			t.Errorf("fileTypeMappings[%d].fileType must be an object, got %#v", i, obj["fileType"])
			continue
		}
		patterns, hasPatterns := ft["patterns"]
		_, hasName := ft["name"].(string)
		if !hasPatterns && !hasName {
			t.Errorf("fileTypeMappings[%d].fileType needs patterns or a name", i)
		}
		if hasPatterns {
			list, ok := patterns.([]any)
			if !ok || len(list) == 0 {
				t.Errorf("fileTypeMappings[%d].fileType.patterns must be a non-empty array", i)
			}
			for _, p := range list {
				s, ok := p.(string)
				if !ok || s == "" {
					t.Errorf("fileTypeMappings[%d]: pattern %#v is not a string", i, p)
					continue
				}
				langOf[s] = lang
			}
		}
	}
	for pattern, lang := range map[string]string{"*.py": "python", "*.html": "html", "*.jinja": "jinja"} {
		if langOf[pattern] != lang {
			t.Errorf("template.json: %s should map to languageId %q, got %q", pattern, lang, langOf[pattern])
		}
	}

	init := readJSON(t, filepath.Join(dir, "initializationOptions.json"))
	if got := sortedKeys(init); !reflect.DeepEqual(got, settingKeys) {
		t.Errorf("initializationOptions.json keys = %v, want %v", got, settingKeys)
	}
	settings := readJSON(t, filepath.Join(dir, "settings.json"))
	if got := sortedKeys(settings); !reflect.DeepEqual(got, []string{"flaskguard"}) {
		t.Errorf(`settings.json must hold only the "flaskguard" section, has %v`, got)
	}
	section, ok := settings["flaskguard"].(map[string]any)
	if !ok {
		t.Fatalf(`settings.json: "flaskguard" must be an object, got %#v`, settings["flaskguard"])
	}
	if !reflect.DeepEqual(section, init) {
		t.Errorf("settings.json's flaskguard section %v differs from initializationOptions.json %v", section, init)
	}
	checkOptionTypes(t, "initializationOptions.json", init)
}

// checkOptionTypes checks the JSON types of the contract's option keys.
func checkOptionTypes(t *testing.T, where string, opts map[string]any) {
	t.Helper()
	for _, k := range []string{"select", "ignore"} {
		if v, ok := opts[k]; ok {
			list, ok := v.([]any)
			if !ok {
				t.Errorf("%s: %s must be an array, got %#v", where, k, v)
			}
			for _, code := range list {
				if s, ok := code.(string); !ok || !regexp.MustCompile(`^FG[0-9]*$`).MatchString(s) {
					t.Errorf("%s: %s entry %#v is not a rule code or prefix", where, k, code)
				}
			}
		}
	}
	if v, ok := opts["severity"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: severity must be an object, got %#v", where, v)
		}
		for code, sev := range m {
			if !slices.Contains([]any{"error", "warning", "information", "hint"}, sev) {
				t.Errorf("%s: severity[%s] = %#v", where, code, sev)
			}
		}
	}
	if v, ok := opts["logLevel"]; ok && !slices.Contains([]any{"debug", "info", "warn", "error"}, v) {
		t.Errorf("%s: logLevel = %#v", where, v)
	}
}

// An editor configuration as text, and how to get its command out of it.
type editorConfig struct {
	path string
	// command extracts the server command line.
	command func(t *testing.T, text string) []string
	// keys says whether the text names a settings key (select, ignore, ...).
	keyPattern func(key string) *regexp.Regexp
}

var quoted = regexp.MustCompile(`["']([^"']*)["']`)

// strings of the first match of re's group 1, as a list of quoted words.
func quotedList(t *testing.T, re *regexp.Regexp, text, what string) []string {
	t.Helper()
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Errorf("%s: no match for %s", what, re)
		return nil
	}
	var out []string
	for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
		out = append(out, q[1])
	}
	return out
}

func editorConfigs() []editorConfig {
	luaKey := func(k string) *regexp.Regexp { return regexp.MustCompile(`\b` + k + `\s*=`) }
	elKey := func(k string) *regexp.Regexp { return regexp.MustCompile(`:` + k + `\b`) }
	luaCmd := func(t *testing.T, text string) []string {
		return quotedList(t, regexp.MustCompile(`\bcmd\s*=\s*\{([^}]*)\}`), text, "lua cmd")
	}
	elCmd := func(name string) func(t *testing.T, text string) []string {
		return func(t *testing.T, text string) []string {
			re := regexp.MustCompile(`\(defcustom\s+` + regexp.QuoteMeta(name) + `\s+'\(([^)]*)\)`)
			return quotedList(t, re, text, name)
		}
	}
	return []editorConfig{
		{
			path: "vscode/package.json",
			command: func(t *testing.T, _ string) []string {
				// The extension looks up a binary named flaskguard and runs it with SERVER_ARGS.
				src := read(t, "vscode/src/config.ts")
				args := quotedList(t, regexp.MustCompile(`SERVER_ARGS[^=]*=\s*\[([^\]]*)\]`), src, "SERVER_ARGS")
				bin := quotedList(t, regexp.MustCompile(`candidateNames\(("flaskguard")`), src, "binary name")
				return append(bin, args...)
			},
			keyPattern: func(k string) *regexp.Regexp { return regexp.MustCompile(`"flaskguard\.` + k + `"\s*:`) },
		},
		{path: "neovim/lsp/flaskguard.lua", command: luaCmd, keyPattern: luaKey},
		{path: "neovim/lspconfig/flaskguard.lua", command: luaCmd, keyPattern: luaKey},
		{
			path: "jetbrains/template.json",
			command: func(t *testing.T, text string) []string {
				var tmpl struct {
					ProgramArgs map[string]string `json:"programArgs"`
				}
				if err := json.Unmarshal([]byte(text), &tmpl); err != nil {
					t.Errorf("template.json: %v", err)
				}
				return strings.Fields(tmpl.ProgramArgs["default"])
			},
			keyPattern: nil, // keys: see jetbrains/initializationOptions.json below
		},
		{
			path:       "jetbrains/initializationOptions.json",
			command:    nil,
			keyPattern: func(k string) *regexp.Regexp { return regexp.MustCompile(`"` + k + `"\s*:`) },
		},
		{
			path: "helix/languages.toml",
			command: func(t *testing.T, text string) []string {
				sec := regexp.MustCompile(`(?s)\[language-server\.flaskguard\]\n(.*?)\n\[`).FindStringSubmatch(text)
				if sec == nil {
					t.Errorf("helix: no [language-server.flaskguard] table")
					return nil
				}
				cmd := quotedList(t, regexp.MustCompile(`(?m)^command\s*=\s*(".*")\s*$`), sec[1], "helix command")
				args := quotedList(t, regexp.MustCompile(`(?m)^args\s*=\s*\[(.*)\]\s*$`), sec[1], "helix args")
				return append(cmd, args...)
			},
			keyPattern: func(k string) *regexp.Regexp { return regexp.MustCompile(`(?m)^#?\s*` + k + `\s*=`) },
		},
		{path: "emacs/flaskguard-eglot.el", command: elCmd("flaskguard-command"), keyPattern: elKey},
		{path: "emacs/flaskguard-lsp-mode.el", command: elCmd("lsp-flaskguard-command"), keyPattern: elKey},
	}
}

// TestEditorsLaunchSameCommand: every integration starts `flaskguard serve`.
func TestEditorsLaunchSameCommand(t *testing.T) {
	for _, ec := range editorConfigs() {
		if ec.command == nil {
			continue
		}
		t.Run(ec.path, func(t *testing.T) {
			got := ec.command(t, read(t, ec.path))
			if !reflect.DeepEqual(got, serverCommand) {
				t.Errorf("%s starts %q, want %q", ec.path, got, serverCommand)
			}
		})
	}
}

// TestEditorsKnowSameSettings: every integration names the four option keys,
// spelled as the server spells them, and no misspelling of them in a key's
// place.
func TestEditorsKnowSameSettings(t *testing.T) {
	misspellings := []string{"log_level", "loglevel", "LogLevel", "log-level", "level", "Select", "Ignore", "Severity", "selects", "ignores", "severities"}
	for _, ec := range editorConfigs() {
		if ec.keyPattern == nil {
			continue
		}
		t.Run(ec.path, func(t *testing.T) {
			text := read(t, ec.path)
			for _, k := range settingKeys {
				if !ec.keyPattern(k).MatchString(text) {
					t.Errorf("%s does not name the %q setting (pattern %s)", ec.path, k, ec.keyPattern(k))
				}
			}
			for _, bad := range misspellings {
				if ec.keyPattern(bad).MatchString(text) {
					t.Errorf("%s uses %q as a setting key (the server's keys are %v)", ec.path, bad, settingKeys)
				}
			}
		})
	}
}

// TestVSCodeSettingsSchema: the VS Code extension contributes exactly the
// server's keys plus the client-only path and trace.server.
func TestVSCodeSettingsSchema(t *testing.T) {
	pkg := readJSON(t, "vscode/package.json")
	contributes, _ := pkg["contributes"].(map[string]any)
	configuration, _ := contributes["configuration"].(map[string]any)
	props, ok := configuration["properties"].(map[string]any)
	if !ok {
		t.Fatalf("vscode/package.json: no contributes.configuration.properties")
	}
	var server []string
	for k := range props {
		short := strings.TrimPrefix(k, "flaskguard.")
		if short == k {
			t.Errorf("setting %q is not under flaskguard.", k)
			continue
		}
		if short == "path" || short == "trace.server" {
			continue
		}
		server = append(server, short)
	}
	sort.Strings(server)
	if !reflect.DeepEqual(server, settingKeys) {
		t.Errorf("vscode server settings = %v, want %v", server, settingKeys)
	}
}
