// The JetBrains (LSP4IJ) and Helix configurations cannot be run here (no IDE,
// no Helix), so this replays against the real server what those clients send,
// built from the shipped files:
//
// - LSP4IJ: initializationOptions.json as initializationOptions; settings.json
//   as workspace/didChangeConfiguration's settings and, by section, as the
//   answer to workspace/configuration.
// - Helix: the [language-server.flaskguard] table's `config` as
//   initializationOptions AND as didChangeConfiguration's settings (Helix sends
//   it right after `initialized`); workspace/configuration answered from
//   config[section].
//
// Each is checked twice: as shipped (FG401 must still be reported: the
// defaults must not switch rules off) and edited the way the file's comments
// tell a user to (ignore FG401 in every place the file has options; FG401
// must then not be reported).
//
// Skipped without a server binary, like e2e.test.ts.

import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

import {
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
} from "vscode-languageserver-protocol/node";
import { parse as parseToml } from "smol-toml";

import { EDITORS_DIR, FIXTURE_DIR, Session, fg, locateServer } from "./lsp-session";

const serverPath = locateServer();
const skip = serverPath === undefined ? "no flaskguard binary (set FLASKGUARD_PATH or put it on PATH)" : false;

type Json = Record<string, unknown>;

function readJson(rel: string): Json {
  return JSON.parse(fs.readFileSync(path.join(EDITORS_DIR, rel), "utf8")) as Json;
}

function helixServer(): { command: string; args: string[]; config: Json } {
  const toml = parseToml(fs.readFileSync(path.join(EDITORS_DIR, "helix", "languages.toml"), "utf8")) as Json;
  const ls = (toml["language-server"] as Json)["flaskguard"] as Json;
  return { command: ls.command as string, args: ls.args as string[], config: (ls.config ?? {}) as Json };
}

/** What a user does to ignore FG401 in a shipped options object. */
function withIgnore(opts: Json): Json {
  return { ...opts, ignore: ["FG401"] };
}

let workdir: string;
before(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-clients-e2e-"));
});
after(() => {
  if (workdir) {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
});

interface Replay {
  initializationOptions: unknown;
  didChangeSettings: unknown;
  configuration: (section: string | undefined) => unknown;
}

/** Opens the fixture after the client's init sequence; returns whether FG401
 *  is reported once the server has settled. */
async function fg401Reported(name: string, replay: Replay, args?: string[]): Promise<{ reported: boolean; stderr: string }> {
  const root = path.join(workdir, name);
  fs.cpSync(FIXTURE_DIR, root, { recursive: true });
  const file = path.join(root, "app.py");
  const uri = pathToFileURL(file).toString();
  const s = new Session(serverPath!, root, { configuration: replay.configuration, args });
  try {
    await s.initialize(replay.initializationOptions);
    await s.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: replay.didChangeSettings });
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "python", version: 1, text: fs.readFileSync(file, "utf8") },
    });
    await s.waitFor(uri, () => true, "a publishDiagnostics for app.py");
    // Let any re-publication (e.g. after the configuration) arrive.
    await new Promise((r) => setTimeout(r, 750));
    const last = s.latest(uri)!;
    return { reported: fg(last.diagnostics, "FG401").length > 0, stderr: s.stderr.join("") };
  } finally {
    await s.close();
  }
}

function lsp4ij(init: Json, settings: Json): Replay {
  return {
    initializationOptions: init,
    didChangeSettings: settings,
    configuration: (section) => (section ? (settings[section] ?? null) : settings),
  };
}

function helix(config: Json): Replay {
  return {
    initializationOptions: config,
    didChangeSettings: config,
    configuration: (section) => (section ? (config[section] ?? null) : config),
  };
}

test("JetBrains template as shipped keeps FG401 on", { skip, timeout: 60_000 }, async () => {
  const init = readJson("jetbrains/initializationOptions.json");
  const settings = readJson("jetbrains/settings.json");
  const r = await fg401Reported("jb-shipped", lsp4ij(init, settings));
  assert.equal(r.reported, true, `FG401 must be reported with the shipped options ${JSON.stringify({ init, settings })}; stderr: ${r.stderr.slice(-1500)}`);
});

test("JetBrains template with ignore FG401 (both files) turns FG401 off", { skip, timeout: 60_000 }, async () => {
  const init = withIgnore(readJson("jetbrains/initializationOptions.json"));
  const shipped = readJson("jetbrains/settings.json");
  const settings = { ...shipped, flaskguard: withIgnore(shipped.flaskguard as Json) };
  const r = await fg401Reported("jb-ignore", lsp4ij(init, settings));
  assert.equal(r.reported, false, `FG401 must not be reported with ${JSON.stringify({ init, settings })}`);
});

test("Helix languages.toml as shipped keeps FG401 on and runs `flaskguard serve`", { skip, timeout: 60_000 }, async () => {
  const ls = helixServer();
  assert.equal(ls.command, "flaskguard");
  assert.deepEqual(ls.args, ["serve"]);
  const r = await fg401Reported("helix-shipped", helix(ls.config), ls.args);
  assert.equal(r.reported, true, `FG401 must be reported with config ${JSON.stringify(ls.config)}; stderr: ${r.stderr.slice(-1500)}`);
});

test("Helix languages.toml with ignore FG401 (both tables) turns FG401 off", { skip, timeout: 60_000 }, async () => {
  const ls = helixServer();
  const config = withIgnore({ ...ls.config, flaskguard: withIgnore(ls.config.flaskguard as Json) });
  const r = await fg401Reported("helix-ignore", helix(config), ls.args);
  assert.equal(r.reported, false, `FG401 must not be reported with config ${JSON.stringify(config)}`);
});
