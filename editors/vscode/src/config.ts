// Binary lookup and settings mapping for the flaskguard VS Code extension.
//
// This module must not import `vscode`: it is unit-tested with node's test
// runner and reused by the end-to-end test that drives the real server.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The settings the server understands (initializationOptions and
 *  workspace/didChangeConfiguration's `flaskguard` section). */
export const SERVER_SETTING_KEYS = ["select", "ignore", "severity", "logLevel"] as const;

/** Settings that only the client uses; changing `path` restarts the server. */
export const CLIENT_SETTING_KEYS = ["path", "trace.server"] as const;

export const SEVERITIES = ["error", "warning", "information", "hint"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LOG_LEVEL: LogLevel = "info";

/** The command line that starts the server (after the binary). */
export const SERVER_ARGS: readonly string[] = ["serve"];

/** The arguments the extension starts the server with: SERVER_ARGS plus
 *  `--log-level`, so the log level applies from the first message on (the
 *  server reads its log level from the command line). */
export function serverArgs(get: SettingGetter): string[] {
  return [...SERVER_ARGS, "--log-level", logLevel(get("logLevel"))];
}

/** What the server is sent. Every key is optional: an absent key means the
 *  server's default. */
export interface ServerOptions {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, Severity>;
  logLevel?: LogLevel;
}

/** Reads one setting below `flaskguard.` (like WorkspaceConfiguration.get). */
export type SettingGetter = (key: string) => unknown;

const RULE_RE = /^FG[0-9]*$/;

function ruleList(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") {
      continue;
    }
    const code = item.trim().toUpperCase();
    if (RULE_RE.test(code) && !out.includes(code)) {
      out.push(code);
    }
  }
  return out;
}

function severityMap(value: unknown): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return out;
  }
  for (const [rawCode, rawSeverity] of Object.entries(value as Record<string, unknown>)) {
    const code = rawCode.trim().toUpperCase();
    if (!RULE_RE.test(code) || typeof rawSeverity !== "string") {
      continue;
    }
    let sev = rawSeverity.trim().toLowerCase();
    if (sev === "info") {
      sev = "information";
    }
    if ((SEVERITIES as readonly string[]).includes(sev)) {
      out[code] = sev as Severity;
    }
  }
  return out;
}

function logLevel(value: unknown): LogLevel {
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "warning") {
      return "warn";
    }
    if ((LOG_LEVELS as readonly string[]).includes(v)) {
      return v as LogLevel;
    }
  }
  return DEFAULT_LOG_LEVEL;
}

/**
 * Maps the user's `flaskguard.*` settings to the server's options. Invalid
 * entries are dropped (a typo must not silence every rule); empty lists and
 * maps are left out so that the server applies its defaults.
 */
export function toServerOptions(get: SettingGetter): ServerOptions {
  const opts: ServerOptions = {};
  const select = ruleList(get("select"));
  if (select.length > 0) {
    opts.select = select;
  }
  const ignore = ruleList(get("ignore"));
  if (ignore.length > 0) {
    opts.ignore = ignore;
  }
  const severity = severityMap(get("severity"));
  if (Object.keys(severity).length > 0) {
    opts.severity = severity;
  }
  opts.logLevel = logLevel(get("logLevel"));
  return opts;
}

/** The `initializationOptions` of the initialize request. */
export function initializationOptions(get: SettingGetter): ServerOptions {
  return toServerOptions(get);
}

/** The params of workspace/didChangeConfiguration. */
export function didChangeConfigurationParams(get: SettingGetter): { settings: { flaskguard: ServerOptions } } {
  return { settings: { flaskguard: toServerOptions(get) } };
}

/** Builds a SettingGetter from a plain object such as
 *  `{"select": ["FG4"], "trace.server": "off"}` or a nested `{"trace": {"server": "off"}}`. */
export function getterFromObject(obj: Record<string, unknown>): SettingGetter {
  return (key: string) => {
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      return obj[key];
    }
    let cur: unknown = obj;
    for (const part of key.split(".")) {
      if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, part)) {
        return undefined;
      }
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
}

/** Which changed settings matter: `restart` when the binary or its command
 *  line (log level) changes, `notify` when the server's options change. */
export function classifyChange(affects: (section: string) => boolean): "restart" | "notify" | "none" {
  if (affects("flaskguard.path") || affects("flaskguard.logLevel")) {
    return "restart";
  }
  for (const key of SERVER_SETTING_KEYS) {
    if (affects(`flaskguard.${key}`)) {
      return "notify";
    }
  }
  return "none";
}

export interface LookupEnv {
  /** The `flaskguard.path` setting (may be empty). */
  configuredPath?: string;
  /** Workspace folder paths, first one used for `${workspaceFolder}` and relative paths. */
  workspaceFolders?: string[];
  /** Environment variables (PATH, PATHEXT, HOME). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Overridable for tests. */
  isExecutable?: (file: string) => boolean;
  homedir?: string;
}

export interface ServerLocation {
  path: string;
  source: "setting" | "PATH";
}

export class ServerNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerNotFoundError";
  }
}

export function defaultIsExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expand(p: string, workspace: string | undefined, home: string, pathMod: path.PlatformPath): string {
  let out = p.trim();
  if (workspace !== undefined) {
    out = out.split("${workspaceFolder}").join(workspace);
  }
  out = out.split("${userHome}").join(home);
  if (out === "~") {
    out = home;
  } else if (out.startsWith("~/") || out.startsWith("~\\")) {
    out = pathMod.join(home, out.slice(2));
  }
  if (!pathMod.isAbsolute(out) && workspace !== undefined) {
    out = pathMod.resolve(workspace, out);
  }
  return out;
}

function candidateNames(base: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform !== "win32") {
    return [base];
  }
  if (/\.[A-Za-z0-9]+$/.test(base)) {
    return [base];
  }
  const exts = (env.PATHEXT || ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e.length > 0);
  return [base, ...exts.map((e) => base + e.toLowerCase())];
}

/**
 * Finds the server binary: the `flaskguard.path` setting when it is set (an
 * error if it does not point at an executable file: a setting the user wrote
 * must not be silently replaced by another binary), else the first
 * `flaskguard` on PATH.
 */
export function findServer(opts: LookupEnv = {}): ServerLocation {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const isExecutable = opts.isExecutable ?? defaultIsExecutable;
  const pathMod = platform === "win32" ? path.win32 : path.posix;
  const home = opts.homedir ?? env.HOME ?? env.USERPROFILE ?? os.homedir();
  const workspace = opts.workspaceFolders && opts.workspaceFolders.length > 0 ? opts.workspaceFolders[0] : undefined;

  const configured = (opts.configuredPath ?? "").trim();
  if (configured !== "") {
    const full = expand(configured, workspace, home, pathMod);
    for (const candidate of candidateNames(full, platform, env)) {
      if (isExecutable(candidate)) {
        return { path: candidate, source: "setting" };
      }
    }
    throw new ServerNotFoundError(
      `flaskguard.path is set to "${configured}" but ${full} is not an executable file.`,
    );
  }

  const pathVar = env.PATH ?? env.Path ?? "";
  const delimiter = platform === "win32" ? ";" : ":";
  for (const rawDir of pathVar.split(delimiter)) {
    const dir = rawDir.trim().replace(/^"(.*)"$/, "$1");
    if (dir === "") {
      continue;
    }
    for (const name of candidateNames("flaskguard", platform, env)) {
      const candidate = pathMod.join(dir, name);
      if (isExecutable(candidate)) {
        return { path: candidate, source: "PATH" };
      }
    }
  }
  throw new ServerNotFoundError(
    "flaskguard was not found on PATH. Install it (go install github.com/flaskguard/flaskguard/cmd/flaskguard@latest) or set flaskguard.path.",
  );
}
