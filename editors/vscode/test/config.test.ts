// Unit tests for the vscode-free part of the extension: binary lookup and
// settings mapping. Run with `node --test out/test/config.test.js`.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  SERVER_ARGS,
  SERVER_SETTING_KEYS,
  ServerNotFoundError,
  classifyChange,
  didChangeConfigurationParams,
  findServer,
  getterFromObject,
  initializationOptions,
  serverArgs,
  toServerOptions,
} from "../src/config";

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));

function fakeFs(files: string[]): (p: string) => boolean {
  const set = new Set(files);
  return (p: string) => set.has(p);
}

test("findServer: flaskguard.path wins over PATH", () => {
  const found = findServer({
    configuredPath: "/opt/fg/bin/flaskguard",
    env: { PATH: "/usr/bin:/usr/local/bin" },
    platform: "linux",
    isExecutable: fakeFs(["/opt/fg/bin/flaskguard", "/usr/local/bin/flaskguard"]),
  });
  assert.deepEqual(found, { path: "/opt/fg/bin/flaskguard", source: "setting" });
});

test("findServer: a configured path that is missing is an error, not a silent fallback to PATH", () => {
  assert.throws(
    () =>
      findServer({
        configuredPath: "/nope/flaskguard",
        env: { PATH: "/usr/local/bin" },
        platform: "linux",
        isExecutable: fakeFs(["/usr/local/bin/flaskguard"]),
      }),
    (err: unknown) => err instanceof ServerNotFoundError && /\/nope\/flaskguard/.test(err.message),
  );
});

test("findServer: expands ~, ${workspaceFolder} and resolves relative paths against the workspace", () => {
  const isExe = fakeFs(["/home/ann/go/bin/flaskguard", "/ws/tools/flaskguard", "/ws/bin/flaskguard"]);
  const base = { env: { PATH: "" }, platform: "linux" as const, homedir: "/home/ann", workspaceFolders: ["/ws"], isExecutable: isExe };
  assert.equal(findServer({ ...base, configuredPath: "~/go/bin/flaskguard" }).path, "/home/ann/go/bin/flaskguard");
  assert.equal(findServer({ ...base, configuredPath: "${workspaceFolder}/tools/flaskguard" }).path, "/ws/tools/flaskguard");
  assert.equal(findServer({ ...base, configuredPath: "bin/flaskguard" }).path, "/ws/bin/flaskguard");
  assert.equal(findServer({ ...base, configuredPath: "  " , env: { PATH: "/ws/bin" } }).source, "PATH");
});

test("findServer: first match on PATH in order, empty entries skipped", () => {
  const found = findServer({
    env: { PATH: "::/a:/b:/c" },
    platform: "linux",
    isExecutable: fakeFs(["/b/flaskguard", "/c/flaskguard"]),
  });
  assert.deepEqual(found, { path: "/b/flaskguard", source: "PATH" });
});

test("findServer: not on PATH is a ServerNotFoundError that names the setting", () => {
  assert.throws(
    () => findServer({ env: { PATH: "/a:/b" }, platform: "linux", isExecutable: () => false }),
    (err: unknown) => err instanceof ServerNotFoundError && /flaskguard\.path/.test(err.message),
  );
});

test("findServer: Windows uses ';', PATHEXT and Path", () => {
  const found = findServer({
    env: { Path: "C:\\tools;C:\\go\\bin", PATHEXT: ".COM;.EXE" },
    platform: "win32",
    isExecutable: fakeFs(["C:\\go\\bin\\flaskguard.exe"]),
  });
  assert.deepEqual(found, { path: "C:\\go\\bin\\flaskguard.exe", source: "PATH" });
  const configured = findServer({
    configuredPath: "C:\\fg\\flaskguard",
    env: {},
    platform: "win32",
    isExecutable: fakeFs(["C:\\fg\\flaskguard.exe"]),
  });
  assert.equal(configured.path, "C:\\fg\\flaskguard.exe");
});

test("findServer: real filesystem, executable bit required", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-lookup-"));
  try {
    const exe = path.join(dir, "flaskguard");
    fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o644 });
    assert.throws(() => findServer({ env: { PATH: dir }, platform: process.platform }), ServerNotFoundError);
    fs.chmodSync(exe, 0o755);
    assert.equal(findServer({ env: { PATH: dir }, platform: process.platform }).path, exe);
    // A directory named flaskguard is not a binary.
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), "fg-lookup-"));
    fs.mkdirSync(path.join(dir2, "flaskguard"));
    assert.equal(findServer({ env: { PATH: `${dir2}:${dir}` }, platform: process.platform }).path, exe);
    fs.rmSync(dir2, { recursive: true });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("settings: defaults map to logLevel only (absent keys mean server defaults)", () => {
  assert.deepEqual(toServerOptions(() => undefined), { logLevel: "info" });
  assert.deepEqual(
    toServerOptions(getterFromObject({ select: [], ignore: [], severity: {}, logLevel: "info" })),
    { logLevel: "info" },
  );
});

test("settings: the contract's example round-trips", () => {
  const get = getterFromObject({
    select: ["FG401"],
    ignore: ["FG802"],
    severity: { FG401: "warning" },
    logLevel: "debug",
    path: "/x/flaskguard",
    trace: { server: "verbose" },
  });
  const want = { select: ["FG401"], ignore: ["FG802"], severity: { FG401: "warning" }, logLevel: "debug" };
  assert.deepEqual(initializationOptions(get), want);
  assert.deepEqual(didChangeConfigurationParams(get), { settings: { flaskguard: want } });
  // Client-only settings never reach the server.
  assert.equal(JSON.stringify(initializationOptions(get)).includes("trace"), false);
  assert.equal(JSON.stringify(initializationOptions(get)).includes("path"), false);
});

test("settings: invalid entries are dropped, codes normalised", () => {
  const get = getterFromObject({
    select: ["fg4", "FG401", "FG401", 7, "E501", " FG8 "],
    ignore: "FG802",
    severity: { fg401: "Warning", FG402: "info", FG403: "fatal", nope: "error", FG404: 3 },
    logLevel: "loud",
  });
  assert.deepEqual(toServerOptions(get), {
    select: ["FG4", "FG401", "FG8"],
    severity: { FG401: "warning", FG402: "information" },
    logLevel: "info",
  });
});

test("settings: classifyChange restarts on path and logLevel, notifies on the other server keys, ignores the rest", () => {
  const only = (key: string) => (section: string) => section === key || key.startsWith(section + ".");
  assert.equal(classifyChange(only("flaskguard.path")), "restart");
  assert.equal(classifyChange(only("flaskguard.logLevel")), "restart");
  for (const key of SERVER_SETTING_KEYS.filter((k) => k !== "logLevel")) {
    assert.equal(classifyChange(only(`flaskguard.${key}`)), "notify", key);
  }
  assert.equal(classifyChange(only("flaskguard.trace.server")), "none");
  assert.equal(classifyChange(only("editor.fontSize")), "none");
});

test("package.json: contributes every setting the mapping reads, plus path and trace.server", () => {
  const props = Object.keys(pkg.contributes.configuration.properties).sort();
  const want = ["flaskguard.path", "flaskguard.trace.server", ...SERVER_SETTING_KEYS.map((k) => `flaskguard.${k}`)].sort();
  assert.deepEqual(props, want);
  const severityEnum = pkg.contributes.configuration.properties["flaskguard.severity"].additionalProperties.enum;
  assert.deepEqual(severityEnum, ["error", "warning", "information", "hint"]);
  assert.deepEqual(pkg.contributes.configuration.properties["flaskguard.logLevel"].enum, ["debug", "info", "warn", "error"]);
});

test("package.json: commands, activation events and the server command", () => {
  const titles = pkg.contributes.commands.map((c: { category: string; title: string }) => `${c.category}: ${c.title}`);
  assert.deepEqual(titles.sort(), ["flaskguard: Fix All", "flaskguard: Restart Server"]);
  for (const ev of ["onLanguage:python", "onLanguage:jinja", "onLanguage:jinja-html", "onLanguage:html", "workspaceContains:pyproject.toml"]) {
    assert.ok(pkg.activationEvents.includes(ev), ev);
  }
  assert.deepEqual(SERVER_ARGS, ["serve"]);
  assert.deepEqual(serverArgs(() => undefined), ["serve", "--log-level", "info"]);
  assert.deepEqual(serverArgs(getterFromObject({ logLevel: "debug" })), ["serve", "--log-level", "debug"]);
  assert.deepEqual(serverArgs(getterFromObject({ logLevel: "nonsense" })), ["serve", "--log-level", "info"]);
  assert.equal(pkg.main, "./dist/extension.js");
});
