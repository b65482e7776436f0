package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/flaskguard/flaskguard/internal/gen"
)

// Editing one open module re-publishes the findings of another open module
// that imports it: app.py's app comes from factory.make().
// withTreeBudgets runs test with the default number of kept trees and with
// none (every document's tree evicted after each analysis, so that
// re-analyses caused by other files and edits of evicted documents are
// exercised).
func withTreeBudgets(t *testing.T, test func(t *testing.T)) {
	for _, n := range []int{keptTrees, 0} {
		t.Run(fmt.Sprintf("keptTrees=%d", n), func(t *testing.T) {
			saved := keptTrees
			keptTrees = n
			defer func() { keptTrees = saved }()
			test(t)
		})
	}
}

// withProjectRulesDeferred runs test as is and with every analysis that
// can defer its project rules doing so (see deferProjectRulesAbove).
func withProjectRulesDeferred(t *testing.T, test func(t *testing.T)) {
	for _, deferred := range []bool{false, true} {
		t.Run(fmt.Sprintf("deferred=%v", deferred), func(t *testing.T) {
			if deferred {
				saved := deferProjectRulesAbove
				deferProjectRulesAbove = 0
				defer func() { deferProjectRulesAbove = saved }()
			}
			test(t)
		})
	}
}

func TestCrossFileLiveUpdate(t *testing.T) { withTreeBudgets(t, testCrossFileLiveUpdate) }

func testCrossFileLiveUpdate(t *testing.T) {
	c := newClient(t)
	c.initialize(nil)
	factoryURI, appURI := "file:///proj/factory.py", "file:///proj/app.py"
	c.open(factoryURI, "from flask import Flask\n\n\ndef make():\n    return Flask(__name__)\n")
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n")
	if ds := c.waitDiagnostics(appURI); len(ds) != 1 || ds[0].Code != "FG401" {
		t.Fatalf("app.py: want FG401 through the factory, got %v", codes(ds))
	}
	// make() no longer returns a Flask app: app.py's finding must go.
	c.replaceAll(factoryURI, "class Worker:\n    def run(self, debug=False):\n        pass\n\n\ndef make():\n    return Worker()\n")
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list) > 1 && len(list[len(list)-1].Diagnostics) == 0
	}, "app.py findings not updated after factory.py changed")
}

// An edit that changes a module's facts makes the documents importing it
// stale; when what they resolve stays the same, their findings hold as they
// are: no re-analysis, and no parse of an evicted tree.
func TestStaleContextKeepsFindings(t *testing.T) { withTreeBudgets(t, testStaleContextKeepsFindings) }

func testStaleContextKeepsFindings(t *testing.T) {
	c := newClient(t)
	c.initialize(map[string]interface{}{"select": []string{"FG4", "FG5"}})
	factoryURI, appURI := "file:///proj/factory.py", "file:///proj/app.py"
	c.open(factoryURI, "from flask import Flask\n\n\ndef make():\n    return Flask(__name__)\n")
	// FG401 is the file's own finding, FG501 (on add_url_rule) the project
	// rules'.
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n\n\ndef login():\n    return \"x\"\n\n\napp.add_url_rule(\"/login\", \"login\", login, methods=[\"POST\"])\n")
	if ds := c.waitDiagnostics(appURI); fmt.Sprint(codes(ds)) != "[FG401 FG501]" {
		t.Fatalf("app.py: want FG401 and FG501 through the factory, got %v", codes(ds))
	}
	c.waitDiagnostics(factoryURI)
	held, parses := atomic.LoadInt64(&findingsHeld), atomic.LoadInt64(&unchangedParses)
	appPublished := len(c.published(appURI))
	// A new function in factory.py: new facts, make() unchanged.
	c.replaceAll(factoryURI, "from flask import Flask\n\n\ndef helper():\n    return 1\n\n\ndef make():\n    return Flask(__name__)\n")
	c.waitDiagnostics(factoryURI)
	// factory.py may be published before app.py is looked at: a request
	// answered after the analysis marks its end.
	var hover interface{}
	if err := c.call("textDocument/hover", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": appURI}, "position": map[string]interface{}{"line": 0, "character": 0},
	}, &hover); err != nil {
		t.Fatal(err)
	}
	if n := atomic.LoadInt64(&findingsHeld) - held; n != 1 {
		t.Errorf("app.py's findings were held %d times after an edit that left make() as it was, want 1", n)
	}
	if n := atomic.LoadInt64(&unchangedParses) - parses; n != 0 {
		t.Errorf("%d unchanged documents were parsed again after an edit that changed nothing they resolve", n)
	}
	if n := len(c.published(appURI)); n != appPublished {
		t.Errorf("app.py was published again (%d → %d times) though its findings did not change", appPublished, n)
	}
	// make() now returns something else: app.py is analysed again (the
	// login view is still judged: add_url_rule on an object of the project).
	c.replaceAll(factoryURI, "class Worker:\n    def run(self, debug=False):\n        pass\n\n\ndef make():\n    return Worker()\n")
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list) > appPublished && fmt.Sprint(codes(list[len(list)-1].Diagnostics)) == "[FG501]"
	}, "app.py findings not updated after make() changed")
}

// The workspace is indexed after initialized (with $/progress when the
// client supports it), so a module that is not open still resolves.
// A branch switch: the editor reports many files changed at once. They are
// read off the loop (with progress), the findings that depend on them
// follow, and a deletion reported right after wins over the load of the
// change before it.
func TestWatchedFilesBurst(t *testing.T) {
	dir := t.TempDir()
	factory := filepath.Join(dir, "factory.py")
	must(t, os.WriteFile(factory, []byte(flaskFactory), 0o644))
	var changes []map[string]interface{}
	for i := 0; i < 30; i++ {
		p := filepath.Join(dir, fmt.Sprintf("m%02d.py", i))
		must(t, os.WriteFile(p, []byte("X = 1\n"), 0o644))
		changes = append(changes, map[string]interface{}{"uri": pathToURI(p), "type": 2})
	}
	changes = append(changes, map[string]interface{}{"uri": pathToURI(factory), "type": 2})
	c := newClient(t)
	c.initializeWorkspace(dir, map[string]interface{}{"select": []string{"FG4"}})
	waitFor(t, func() bool { return c.progressEndCount() == 1 }, "no $/progress end for indexing")
	appURI := pathToURI(filepath.Join(dir, "app.py"))
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n")
	lastCount := func() int { return c.lastCount(appURI) }
	waitFor(t, func() bool { return lastCount() == 1 }, "app.py: FG401 through the indexed factory.py")

	// The factory no longer makes an app, and 30 other modules changed.
	must(t, os.WriteFile(factory, []byte("def make():\n    return object()\n"), 0o644))
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": changes})
	waitFor(t, func() bool { return c.progressEndCount() == 2 }, "no $/progress for reading the changed files")
	waitFor(t, func() bool { return lastCount() == 0 }, "app.py findings not updated after the burst")

	// Back to an app factory, then deleted at once: the deletion wins.
	must(t, os.WriteFile(factory, []byte(flaskFactory), 0o644))
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": changes})
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{{"uri": pathToURI(factory), "type": 3}}})
	waitFor(t, func() bool { return c.progressEndCount() == 3 }, "no $/progress for reading the changed files")
	var actions interface{}
	if err := c.call("textDocument/codeAction", map[string]interface{}{
		"textDocument": map[string]interface{}{"uri": appURI},
		"range":        map[string]interface{}{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 0, "character": 0}},
		"context":      map[string]interface{}{"diagnostics": []interface{}{}},
	}, &actions); err != nil {
		t.Fatal(err)
	}
	if n := lastCount(); n != 0 {
		t.Errorf("app.py has %d findings: the load of factory.py's change undid its deletion", n)
	}
}

// A file deleted while the workspace is being indexed stays deleted.
func TestDeletionDuringIndexing(t *testing.T) {
	dir := t.TempDir()
	factory := filepath.Join(dir, "factory.py")
	must(t, os.WriteFile(factory, []byte("from flask import Flask\n\n\ndef make():\n    return Flask(__name__)\n"), 0o644))
	for i := 0; i < 400; i++ {
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("m%03d.py", i)), gen.Module(int64(i), 100), 0o644))
	}
	c := newClient(t)
	c.initializeWorkspace(dir, map[string]interface{}{"select": []string{"FG4"}})
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{{"uri": pathToURI(factory), "type": 3}}})
	waitFor(t, func() bool { return c.progressEndCount() == 1 }, "no $/progress end for indexing")
	appURI := pathToURI(filepath.Join(dir, "app.py"))
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n")
	if ds := c.waitDiagnostics(appURI); len(ds) != 0 {
		t.Errorf("app.py: %v; the indexing put back factory.py, deleted while it ran", codes(ds))
	}
}

func TestWorkspaceIndexingResolvesClosedModules(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "web"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "web", "__init__.py"), []byte("from flask import Flask\n\nsite = Flask(__name__)\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, ".venv", "lib"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, ".venv", "lib", "flask_app.py"), []byte("app.run(debug=True)\n"), 0o644))
	c := newClient(t)
	c.initializeWorkspace(dir, map[string]interface{}{"select": []string{"FG4"}})
	waitFor(t, func() bool { return c.sawProgressEnd() }, "no $/progress end for indexing")
	uri := pathToURI(filepath.Join(dir, "run.py"))
	c.open(uri, "from web import site\n\nsite.run(debug=True)\n")
	if ds := c.waitDiagnostics(uri); len(ds) != 1 || ds[0].Code != "FG401" {
		t.Fatalf("run.py: want FG401 via the indexed web package, got %v", codes(ds))
	}
	// The virtualenv is not the user's app: nothing of it is published.
	for u := range c.diags {
		if strings.Contains(u, ".venv") {
			t.Errorf("published diagnostics for %s", u)
		}
	}
}

// flaskFactory is a module whose make() returns a Flask app.
const flaskFactory = "from flask import Flask\n\n\ndef make():\n    return Flask(__name__)\n"

// indexedWorkspace writes files (slash paths → text) into a new folder,
// starts a server with it as the workspace and opts as initialization
// options, and waits for the indexing to end.
func indexedWorkspace(t *testing.T, files map[string]string, opts interface{}) (string, *client) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(text), 0o644))
	}
	c := newClient(t)
	c.initializeWorkspace(dir, opts)
	waitFor(t, func() bool { return c.progressEndCount() == 1 }, "no $/progress end for indexing")
	return dir, c
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func waitFor(t testing.TB, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal(msg)
}

// The workspace's pyproject.toml configures the server; the editor's
// settings override it; saving the file reloads it.
func TestWorkspaceConfigurationFile(t *testing.T) {
	dir := t.TempDir()
	pyproject := filepath.Join(dir, "pyproject.toml")
	must(t, os.WriteFile(pyproject, []byte("[tool.flaskguard]\nselect = [\"FG4\", \"FG8\"]\nignore = [\"FG802\"]\n\n[tool.flaskguard.severity]\nFG401 = \"warning\"\n\n[tool.flaskguard.per-file-ignores]\n\"tests/**\" = [\"FG401\"]\n"), 0o644))
	c := newClient(t)
	var res map[string]interface{}
	if err := c.call("initialize", map[string]interface{}{"rootUri": pathToURI(dir), "capabilities": map[string]interface{}{}}, &res); err != nil {
		t.Fatal(err)
	}
	c.notify("initialized", map[string]interface{}{})
	text := "from flask import Flask\napp = Flask(__name__)\napp.run(host=\"0.0.0.0\", debug=True)\n"
	appURI := pathToURI(filepath.Join(dir, "app.py"))
	c.open(appURI, text)
	ds := c.waitDiagnostics(appURI)
	if len(ds) != 1 || ds[0].Code != "FG401" || ds[0].Severity != 2 {
		t.Fatalf("app.py: want FG401 as a warning only (FG802 ignored by the file), got %+v", ds)
	}
	testURI := pathToURI(filepath.Join(dir, "tests", "test_app.py"))
	c.open(testURI, text)
	if ds := c.waitDiagnostics(testURI); len(ds) != 0 {
		t.Fatalf("tests/: FG401 is per-file ignored, got %v", codes(ds))
	}
	// Saving a changed pyproject.toml reloads it: FG802 comes back.
	must(t, os.WriteFile(pyproject, []byte("[tool.flaskguard]\nselect = [\"FG4\", \"FG8\"]\n"), 0o644))
	c.notify("textDocument/didSave", map[string]interface{}{"textDocument": map[string]string{"uri": pathToURI(pyproject)}})
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list) > 0 && len(list[len(list)-1].Diagnostics) == 2
	}, "configuration not reloaded after save")
}

// Project rules across files, live: the CSRF protection app.py relies on
// lives in ext.py; editing ext.py re-publishes app.py's findings.
func TestProjectRuleAcrossFilesLive(t *testing.T) {
	withTreeBudgets(t, testProjectRuleAcrossFilesLive)
}

func testProjectRuleAcrossFilesLive(t *testing.T) {
	c := newClient(t)
	c.initialize(map[string]interface{}{"select": []string{"FG2"}})
	extURI, appURI := "file:///proj2/ext.py", "file:///proj2/app.py"
	ext := "from flask_wtf.csrf import CSRFProtect\n\ncsrf = CSRFProtect()\n"
	c.open(extURI, ext)
	c.open(appURI, "from flask import Flask, request\n\nfrom ext import csrf\n\napp = Flask(__name__)\ncsrf.init_app(app)\n\n\n@app.route(\"/comment\", methods=[\"POST\"])\ndef comment():\n    return request.form[\"text\"]\n")
	if ds := c.waitDiagnostics(appURI); len(ds) != 0 {
		t.Fatalf("app.py is protected through ext.py, got %v", codes(ds))
	}
	c.replaceAll(extURI, "csrf = object()\n")
	waitFor(t, func() bool {
		list := c.published(appURI)
		last := list[len(list)-1].Diagnostics
		return len(last) == 1 && last[0].Code == "FG201" && len(last[0].RelatedInformation) == 1
	}, "app.py did not get FG201 (with its unprotected view as related information) after ext.py lost CSRFProtect")
	c.replaceAll(extURI, ext)
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list[len(list)-1].Diagnostics) == 0
	}, "FG201 did not go away when ext.py got CSRFProtect back")
}

// A client that supports dynamic registration is asked to watch the
// files the analysis depends on; a change it reports is picked up.
func TestWatchedFilesRegistrationAndChanges(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "factory.py")
	must(t, os.WriteFile(mod, []byte("from flask import Flask\n\n\ndef make():\n    return Flask(__name__)\n"), 0o644))
	c := newClient(t)
	var res map[string]interface{}
	if err := c.call("initialize", map[string]interface{}{
		"rootUri":               pathToURI(dir),
		"capabilities":          map[string]interface{}{"workspace": map[string]interface{}{"didChangeWatchedFiles": map[string]bool{"dynamicRegistration": true}}},
		"initializationOptions": map[string]interface{}{"select": []string{"FG4"}},
	}, &res); err != nil {
		t.Fatal(err)
	}
	c.notify("initialized", map[string]interface{}{})
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, m := range c.notes {
			if m == "client/registerCapability" {
				return true
			}
		}
		return false
	}, "no client/registerCapability for watched files")
	appURI := pathToURI(filepath.Join(dir, "app.py"))
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n")
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list) > 0 && len(list[len(list)-1].Diagnostics) == 1
	}, "app.py: FG401 through the indexed factory.py")
	// factory.py changes on disk (a git checkout): the editor reports it.
	must(t, os.WriteFile(mod, []byte("def make():\n    return object()\n"), 0o644))
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{{"uri": pathToURI(mod), "type": 2}}})
	waitFor(t, func() bool {
		list := c.published(appURI)
		return len(list[len(list)-1].Diagnostics) == 0
	}, "app.py findings not updated after factory.py changed on disk")
}

func TestIndexingRelaxesGCAndRestoresIt(t *testing.T) {
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)
	relaxGC()
	relaxGC() // a second indexing, overlapping
	if got := debug.SetGCPercent(indexingGCPercent); got != indexingGCPercent {
		t.Errorf("GOGC while indexing = %d, want %d", got, indexingGCPercent)
	}
	restoreGC()
	if got := debug.SetGCPercent(indexingGCPercent); got != indexingGCPercent {
		t.Errorf("GOGC after the first of two indexings = %d, want %d", got, indexingGCPercent)
	}
	restoreGC()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GOGC after indexing = %d, want 50 as before", got)
	}
	debug.SetGCPercent(1000) // set higher by the user: left alone
	relaxGC()
	if got := debug.SetGCPercent(1000); got != 1000 {
		t.Errorf("GOGC while indexing = %d, want the user's 1000", got)
	}
	restoreGC()
	if got := debug.SetGCPercent(1000); got != 1000 {
		t.Errorf("GOGC after indexing = %d, want the user's 1000", got)
	}
}

// File events follow the indexing's rules: modules in folders the walk
// skips (build/, a virtualenv under any name) or the configuration
// excludes are left out, as check leaves them out; a folder created or
// deleted in one event (VS Code reports a moved or deleted folder so,
// with no event for the files in it) loads or removes its modules.
func TestFileEventsFollowTheIndexing(t *testing.T) {
	dir, c := indexedWorkspace(t, map[string]string{"pyproject.toml": "[tool.flaskguard]\nexclude = [\"generated\"]\n"},
		map[string]interface{}{"select": []string{"FG4"}})
	count := c.lastCount
	apps := map[string]string{} // folder → the URI of an app made by its factory
	for _, folder := range []string{"pkg", "build", "generated", "env"} {
		apps[folder] = pathToURI(filepath.Join(dir, "app_"+folder+".py"))
		c.open(apps[folder], "from "+folder+".factory import make\n\napp = make()\napp.run(debug=True)\n")
		waitFor(t, func() bool { return count(apps[folder]) == 0 }, folder+": no first publication")
	}
	// The factories appear on disk; pkg as a folder moved in (one event).
	for _, folder := range []string{"pkg", "build", "generated", "env"} {
		must(t, os.MkdirAll(filepath.Join(dir, folder), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, folder, "factory.py"), []byte(flaskFactory), 0o644))
	}
	must(t, os.WriteFile(filepath.Join(dir, "env", "pyvenv.cfg"), []byte("home = /usr/bin\n"), 0o644))
	var changes []map[string]interface{}
	for _, folder := range []string{"build", "generated", "env"} {
		changes = append(changes, map[string]interface{}{"uri": pathToURI(filepath.Join(dir, folder, "factory.py")), "type": 1})
	}
	changes = append(changes, map[string]interface{}{"uri": pathToURI(filepath.Join(dir, "pkg")), "type": 1})
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": changes})
	waitFor(t, func() bool { return count(apps["pkg"]) == 1 }, "app_pkg.py: no FG401 through the factory of the folder moved in")
	for _, folder := range []string{"build", "generated", "env"} {
		if n := count(apps[folder]); n != 0 {
			t.Errorf("app_%s.py: %d findings: %s/factory.py was loaded, which the indexing and check leave out", folder, n, folder)
		}
	}
	// pkg deleted: one event, for the folder.
	must(t, os.RemoveAll(filepath.Join(dir, "pkg")))
	c.notify("workspace/didChangeWatchedFiles", map[string]interface{}{"changes": []map[string]interface{}{
		{"uri": pathToURI(filepath.Join(dir, "pkg")), "type": 3},
	}})
	waitFor(t, func() bool { return count(apps["pkg"]) == 0 }, "app_pkg.py keeps FG401 after its factory's folder was deleted")
}

// Folders added to the workspace are indexed and folders removed leave
// the project: an app made by a factory in a folder added later is found,
// and is no more once the folder is removed (its open buffer stays).
func TestWorkspaceFoldersChange(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(first, "other.py"), []byte("X = 1\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(second, "factory.py"), []byte(flaskFactory), 0o644))
	c := newClient(t)
	var res struct {
		Capabilities struct {
			Workspace struct {
				WorkspaceFolders struct{ Supported, ChangeNotifications bool }
			}
		}
	}
	if err := c.call("initialize", map[string]interface{}{
		"workspaceFolders":      []map[string]string{{"uri": pathToURI(first), "name": "first"}},
		"capabilities":          map[string]interface{}{"window": map[string]interface{}{"workDoneProgress": true}},
		"initializationOptions": map[string]interface{}{"select": []string{"FG4"}},
	}, &res); err != nil {
		t.Fatal(err)
	}
	if wf := res.Capabilities.Workspace.WorkspaceFolders; !wf.Supported || !wf.ChangeNotifications {
		t.Errorf("workspaceFolders capability = %+v, want supported with change notifications", wf)
	}
	c.notify("initialized", map[string]interface{}{})
	waitFor(t, func() bool { return c.progressEndCount() == 1 }, "no $/progress end for indexing")
	appURI := pathToURI(filepath.Join(second, "app.py"))
	c.open(appURI, "from factory import make\n\napp = make()\napp.run(debug=True)\n")
	count := func() int { return c.lastCount(appURI) }
	waitFor(t, func() bool { return count() == 0 }, "app.py: no first publication")
	folders := func(key, dir string) map[string]interface{} {
		return map[string]interface{}{"event": map[string]interface{}{
			"added": []interface{}{}, "removed": []interface{}{}, key: []map[string]string{{"uri": pathToURI(dir), "name": "second"}},
		}}
	}
	c.notify("workspace/didChangeWorkspaceFolders", folders("added", second))
	waitFor(t, func() bool { return count() == 1 }, "app.py: no FG401 through the factory of the folder added")
	c.notify("workspace/didChangeWorkspaceFolders", folders("removed", second))
	waitFor(t, func() bool { return count() == 0 }, "app.py keeps FG401 after the factory's folder left the workspace")
}

// Editing the configuration's exclusions brings the project's modules to
// what a fresh start (and check) would read: a module newly excluded
// leaves it, one no longer excluded joins it.
func TestExclusionsChangedOnDisk(t *testing.T) {
	dir, c := indexedWorkspace(t, map[string]string{"pyproject.toml": "[tool.flaskguard]\n", "legacy/factory.py": flaskFactory},
		map[string]interface{}{"select": []string{"FG4"}})
	config := filepath.Join(dir, "pyproject.toml")
	appURI := pathToURI(filepath.Join(dir, "app.py"))
	c.open(appURI, "from legacy.factory import make\n\napp = make()\napp.run(debug=True)\n")
	waitFor(t, func() bool { return c.lastCount(appURI) == 1 }, "app.py: no FG401 through legacy/factory.py")
	changed := map[string]interface{}{"changes": []map[string]interface{}{{"uri": pathToURI(config), "type": 2}}}
	must(t, os.WriteFile(config, []byte("[tool.flaskguard]\nexclude = [\"legacy\"]\n"), 0o644))
	c.notify("workspace/didChangeWatchedFiles", changed)
	waitFor(t, func() bool { return c.lastCount(appURI) == 0 }, "app.py keeps FG401 after legacy/ was excluded")
	must(t, os.WriteFile(config, []byte("[tool.flaskguard]\n"), 0o644))
	c.notify("workspace/didChangeWatchedFiles", changed)
	waitFor(t, func() bool { return c.lastCount(appURI) == 1 }, "app.py: no FG401 after legacy/ was no longer excluded")
}

// The indexing reads a bounded number of modules (a home folder opened by
// mistake would take gigabytes), and says so.
func TestIndexingIsBounded(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 12; i++ {
		files[fmt.Sprintf("m%02d.py", i)] = "X = 1\n"
	}
	saved := maxIndexedFiles
	maxIndexedFiles = 5
	defer func() { maxIndexedFiles = saved }()
	var srv *Server
	serverCreated = func(s *Server) { srv = s }
	defer func() { serverCreated = nil }()
	_, c := indexedWorkspace(t, files, nil)
	modules := make(chan int)
	// A request through the loop after the indexing's results are put in.
	waitFor(t, func() bool {
		srv.enqueue(func() { modules <- len(srv.project.Files()) })
		return <-modules > 0
	}, "no module indexed")
	srv.enqueue(func() { modules <- len(srv.project.Files()) })
	if n := <-modules; n != 5 {
		t.Errorf("%d modules indexed, want the bound, 5", n)
	}
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return slices.Contains(c.notes, "window/showMessage")
	}, "no message that the indexing was bounded")
}

// A file the indexing leaves out is analysed on its own when opened, not
// as a module of the project: Go to Definition on Flask opens
// site-packages/flask/app.py, which as module "app" stood in for the
// workspace's app.py, and the app made by its factory was lost. The same
// for a library inside the workspace's virtualenv.
func TestOpenFilesOutsideTheProject(t *testing.T) {
	dir, c := indexedWorkspace(t, map[string]string{
		"app.py":           "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
		".venv/pyvenv.cfg": "home = /usr/bin\n",
	}, map[string]interface{}{"select": []string{"FG4"}})
	outside := t.TempDir()
	mainURI := pathToURI(filepath.Join(dir, "main.py"))
	c.open(mainURI, "from app import create_app\n\na = create_app()\na.run(debug=True)\n")
	waitFor(t, func() bool { return c.lastCount(mainURI) == 1 }, "main.py: no FG401 through app.create_app")
	const library = "class Flask:\n    def run(self, debug=False):\n        pass\n\n\napp = Flask()\napp.run(debug=True)\n"
	for _, lib := range []string{
		filepath.Join(outside, "site-packages", "flask", "app.py"),
		filepath.Join(dir, ".venv", "lib", "python3.12", "site-packages", "flask", "app.py"),
	} {
		libURI := pathToURI(lib)
		c.open(libURI, library)
		waitFor(t, func() bool { return c.lastCount(libURI) >= 0 }, "the library file was not analysed")
		c.codeActions(mainURI, protocol.Range{}) // waits for the settled state
		if n := c.lastCount(mainURI); n != 1 {
			t.Errorf("main.py has %d findings after %s was opened: the library file stood in for app.py", n, lib)
		}
		c.notify("textDocument/didClose", map[string]interface{}{"textDocument": map[string]string{"uri": libURI}})
	}
}
