// End-to-end: drives the real `flaskguard serve` over stdio the way the
// extension's language client does (same binary lookup, same
// initializationOptions / didChangeConfiguration mapping from ../src/config).
//
// The server is found with findServer(): FLASKGUARD_PATH (as if it were the
// flaskguard.path setting), else PATH. When neither has one the tests are
// skipped, unless FLASKGUARD_REQUIRE_SERVER=1 (run-tests.sh sets it), which
// turns a missing server into a failure.

import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

import {
  CodeAction,
  CodeActionRequest,
  Command,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";

import { didChangeConfigurationParams, getterFromObject, initializationOptions, serverArgs } from "../src/config";
import { FIXTURE_DIR, Session, fg, locateServer } from "./lsp-session";

const serverPath = locateServer();
const skip = serverPath === undefined ? "no flaskguard binary (set FLASKGUARD_PATH or put it on PATH)" : false;

const init = (settings: Record<string, unknown>) => initializationOptions(getterFromObject(settings));

function applyWorkspaceEdit(doc: TextDocument, edit: WorkspaceEdit): string {
  const edits: TextEdit[] = [];
  if (edit.changes) {
    edits.push(...(edit.changes[doc.uri] ?? []));
  }
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change && change.textDocument.uri === doc.uri) {
      edits.push(...(change.edits as TextEdit[]));
    }
  }
  assert.ok(edits.length > 0, `edit has no changes for ${doc.uri}: ${JSON.stringify(edit)}`);
  return TextDocument.applyEdits(doc, edits);
}

let workdir: string;

before(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-vscode-e2e-"));
});

after(() => {
  if (workdir) {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
});

function fixture(name: string): { root: string; file: string; uri: string; text: string } {
  const root = path.join(workdir, name);
  fs.cpSync(FIXTURE_DIR, root, { recursive: true });
  const file = path.join(root, "app.py");
  return { root, file, uri: pathToFileURL(file).toString(), text: fs.readFileSync(file, "utf8") };
}

test("e2e: open → FG401 → quick fix → apply → diagnostic gone", { skip, timeout: 60_000 }, async () => {
  const fx = fixture("quickfix");
  const s = new Session(serverPath!, fx.root, { args: serverArgs(() => undefined) });
  try {
    await s.initialize(init({}));
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, languageId: "python", version: 1, text: fx.text },
    });
    const pub = await s.waitFor(fx.uri, (p) => fg(p.diagnostics, "FG401").length > 0, "an FG401 diagnostic");
    const [d] = fg(pub.diagnostics, "FG401");
    assert.equal(fg(pub.diagnostics, "FG401").length, 1, "exactly one FG401");
    assert.equal(d.range.start.line, 4, "FG401 is on line 5 (0-based 4)");
    assert.ok(d.codeDescription?.href, "codeDescription.href links to the rule doc");

    const actions = (await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: d.range,
      context: { diagnostics: [d], triggerKind: 1 },
    })) ?? [];
    const literal = actions.filter((a): a is CodeAction => CodeAction.is(a));
    const titles = literal.map((a) => a.title);
    const fix = literal.find((a) => a.title === "Remove debug=True");
    assert.ok(fix, `a "Remove debug=True" action among ${JSON.stringify(titles)}`);
    assert.equal(fix.kind, "quickfix");
    assert.equal(fix.isPreferred, true, "the safe fix is preferred");
    assert.ok(fix.edit, "the quick fix carries its edit");
    assert.ok(titles.includes("Ignore FG401 for this line"), `an ignore action among ${JSON.stringify(titles)}`);

    const doc = TextDocument.create(fx.uri, "python", 1, fx.text);
    const fixed = applyWorkspaceEdit(doc, fix.edit);
    assert.equal(fixed.split("\n")[4], "    app.run()");
    assert.equal(fixed.includes("debug=True"), false);

    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const after = await s.waitFor(fx.uri, (p) => (p.version === undefined || p.version >= 2) && fg(p.diagnostics, "FG401").length === 0, "FG401 to go away after the fix");
    assert.deepEqual(fg(after.diagnostics, "FG401"), []);
  } finally {
    const code = await s.close();
    assert.equal(code, 0, `server exit code after shutdown+exit; stderr: ${s.stderr.join("").slice(-2000)}`);
  }
});

test("e2e: \"Ignore FG401 for this line\" adds # noqa: FG401 and silences it", { skip, timeout: 60_000 }, async () => {
  const fx = fixture("noqa");
  const s = new Session(serverPath!, fx.root, { args: serverArgs(() => undefined) });
  try {
    await s.initialize(init({}));
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, languageId: "python", version: 1, text: fx.text },
    });
    const pub = await s.waitFor(fx.uri, (p) => fg(p.diagnostics, "FG401").length > 0, "an FG401 diagnostic");
    const [d] = fg(pub.diagnostics, "FG401");
    const actions = ((await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: d.range,
      context: { diagnostics: [d], only: ["quickfix"], triggerKind: 1 },
    })) ?? []) as Array<CodeAction | Command>;
    const ignore = actions.filter((a): a is CodeAction => CodeAction.is(a)).find((a) => a.title === "Ignore FG401 for this line");
    assert.ok(ignore?.edit, `an ignore action with an edit among ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixed = applyWorkspaceEdit(TextDocument.create(fx.uri, "python", 1, fx.text), ignore.edit);
    assert.match(fixed.split("\n")[4], /^    app\.run\(debug=True\)\s+# noqa: FG401$/);
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    await s.waitFor(fx.uri, (p) => (p.version === undefined || p.version >= 2) && fg(p.diagnostics, "FG401").length === 0, "FG401 silenced by noqa");
  } finally {
    await s.close();
  }
});

test("e2e: \"flaskguard: Fix All\" request (only source.fixAll.flaskguard) fixes the file", { skip, timeout: 60_000 }, async () => {
  const fx = fixture("fixall");
  const s = new Session(serverPath!, fx.root, { args: serverArgs(() => undefined) });
  try {
    await s.initialize(init({}));
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, languageId: "python", version: 1, text: fx.text },
    });
    const pub = await s.waitFor(fx.uri, (p) => fg(p.diagnostics, "FG401").length > 0, "an FG401 diagnostic");
    const lines = fx.text.split("\n");
    // Exactly what the extension's fixAll command sends: whole document, our diagnostics, only fixAll.
    const actions = ((await s.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } },
      context: { diagnostics: pub.diagnostics.filter((d) => d.source === "flaskguard"), only: ["source.fixAll.flaskguard"], triggerKind: 1 },
    })) ?? []) as Array<CodeAction | Command>;
    const literal = actions.filter((a): a is CodeAction => CodeAction.is(a));
    assert.ok(literal.every((a) => (a.kind ?? "").startsWith("source.fixAll.flaskguard")), `only fixAll actions when only= is given: ${JSON.stringify(literal.map((a) => a.kind))}`);
    const all = literal.find((a) => a.kind === "source.fixAll.flaskguard");
    assert.ok(all?.edit, `a source.fixAll.flaskguard action with an edit among ${JSON.stringify(actions)}`);
    assert.equal(all.title, "Fix all safe flaskguard findings");
    const fixed = applyWorkspaceEdit(TextDocument.create(fx.uri, "python", 1, fx.text), all.edit);
    assert.equal(fixed.split("\n")[4], "    app.run()");
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    await s.waitFor(fx.uri, (p) => (p.version === undefined || p.version >= 2) && fg(p.diagnostics, "FG401").length === 0, "FG401 gone after fix all");
  } finally {
    await s.close();
  }
});

test("e2e: settings reach the server (initializationOptions ignore, then didChangeConfiguration severity)", { skip, timeout: 60_000 }, async () => {
  const fx = fixture("settings");
  const s = new Session(serverPath!, fx.root, { args: serverArgs(() => undefined) });
  try {
    // 1. ignore FG401 from the start: the file is published clean.
    await s.initialize(init({ ignore: ["FG401"] }));
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, languageId: "python", version: 1, text: fx.text },
    });
    const first = await s.waitFor(fx.uri, () => true, "a first publishDiagnostics");
    assert.deepEqual(fg(first.diagnostics, "FG401"), [], "ignore from initializationOptions");

    // 2. the user changes the settings: no ignore, FG401 as a warning.
    await s.conn.sendNotification(
      DidChangeConfigurationNotification.type,
      didChangeConfigurationParams(getterFromObject({ severity: { FG401: "warning" } })),
    );
    const pub = await s.waitFor(fx.uri, (p) => fg(p.diagnostics, "FG401").length > 0, "FG401 after didChangeConfiguration lifts the ignore");
    assert.equal(fg(pub.diagnostics, "FG401")[0].severity, 2, "severity FG401=warning");
  } finally {
    await s.close();
  }
});
