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
import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

import {
  CodeAction,
  CodeActionRequest,
  Command,
  createMessageConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  MessageConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";

import { SERVER_ARGS, didChangeConfigurationParams, findServer, getterFromObject, initializationOptions } from "../src/config";

const FIXTURE_DIR = path.resolve(__dirname, "..", "..", "..", "testdata", "flask_debug");
const TIMEOUT_MS = 10_000;

function locateServer(): string | undefined {
  try {
    return findServer({ configuredPath: process.env.FLASKGUARD_PATH ?? "" }).path;
  } catch (err) {
    if (process.env.FLASKGUARD_REQUIRE_SERVER === "1" || process.env.FLASKGUARD_PATH) {
      throw err;
    }
    return undefined;
  }
}

const serverPath = locateServer();
const skip = serverPath === undefined ? "no flaskguard binary (set FLASKGUARD_PATH or put it on PATH)" : false;

/** One running server and the diagnostics it has published. */
class Session {
  readonly proc: cp.ChildProcess;
  readonly conn: MessageConnection;
  readonly stderr: string[] = [];
  private published: PublishDiagnosticsParams[] = [];
  private waiters: Array<() => void> = [];

  constructor(bin: string, readonly root: string) {
    this.proc = cp.spawn(bin, [...SERVER_ARGS], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) {
        w();
      }
    });
    // Answer server→client requests a real client would answer.
    this.conn.onRequest("workspace/configuration", (params: { items: Array<{ section?: string }> }) =>
      params.items.map(() => null),
    );
    this.conn.onRequest("client/registerCapability", () => null);
    this.conn.onRequest("window/workDoneProgress/create", () => null);
    this.conn.listen();
  }

  async initialize(settings: Record<string, unknown>): Promise<void> {
    const rootUri = pathToFileURL(this.root).toString();
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "flaskguard-vscode-e2e" },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(this.root) }],
      initializationOptions: initializationOptions(getterFromObject(settings)),
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, applyEdit: true },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          codeAction: {
            dynamicRegistration: false,
            isPreferredSupport: true,
            codeActionLiteralSupport: {
              codeActionKind: { valueSet: ["", "quickfix", "refactor", "source", "source.fixAll", "source.organizeImports"] },
            },
          },
        },
        general: { positionEncodings: ["utf-16"] },
      },
    });
    assert.ok(result.capabilities.codeActionProvider, "server must advertise codeActionProvider");
    await this.conn.sendNotification(InitializedNotification.type, {});
  }

  /** Waits until a publishDiagnostics for uri satisfies pred; returns it. */
  async waitFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + TIMEOUT_MS;
    let seen = 0;
    for (;;) {
      for (; seen < this.published.length; seen++) {
        const p = this.published[seen];
        if (p.uri === uri && pred(p)) {
          return p;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const last = this.published.filter((p) => p.uri === uri).slice(-1)[0];
        throw new Error(`timed out waiting for ${what}; last publish for ${uri}: ${JSON.stringify(last)}; stderr: ${this.stderr.join("").slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.once("exit", (code) => resolve(code)));
    try {
      await this.conn.sendRequest(ShutdownRequest.type);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // fall through to kill
    }
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 3000);
    const code = await exited;
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }
}

function fg(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.source === "flaskguard" && String(d.code) === code);
}

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
  const s = new Session(serverPath!, fx.root);
  try {
    await s.initialize({});
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
  const s = new Session(serverPath!, fx.root);
  try {
    await s.initialize({});
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
  const s = new Session(serverPath!, fx.root);
  try {
    await s.initialize({});
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
  const s = new Session(serverPath!, fx.root);
  try {
    // 1. ignore FG401 from the start: the file is published clean.
    await s.initialize({ ignore: ["FG401"] });
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
