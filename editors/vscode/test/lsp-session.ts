// A minimal LSP client over a child process's stdio, shared by the
// end-to-end tests: starts the server, records publishDiagnostics, answers the
// server's requests like an editor would.

import * as assert from "node:assert/strict";
import * as cp from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

import {
  createMessageConnection,
  Diagnostic,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  MessageConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

import { SERVER_ARGS, findServer } from "../src/config";

export const TIMEOUT_MS = 10_000;
export const FIXTURE_DIR = path.resolve(__dirname, "..", "..", "..", "testdata", "flask_debug");
export const EDITORS_DIR = path.resolve(__dirname, "..", "..", "..");

/** The server binary: FLASKGUARD_PATH (standing in for the flaskguard.path
 *  setting), else PATH; undefined when there is none, unless
 *  FLASKGUARD_REQUIRE_SERVER=1 or FLASKGUARD_PATH is set (then it throws). */
export function locateServer(): string | undefined {
  try {
    return findServer({ configuredPath: process.env.FLASKGUARD_PATH ?? "" }).path;
  } catch (err) {
    if (process.env.FLASKGUARD_REQUIRE_SERVER === "1" || process.env.FLASKGUARD_PATH) {
      throw err;
    }
    return undefined;
  }
}

export function fg(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.source === "flaskguard" && String(d.code) === code);
}

export interface SessionOptions {
  /** Answers workspace/configuration for one item's section (null by default). */
  configuration?: (section: string | undefined) => unknown;
  args?: string[];
}

/** One running server and the diagnostics it has published. */
export class Session {
  readonly proc: cp.ChildProcess;
  readonly conn: MessageConnection;
  readonly stderr: string[] = [];
  private published: PublishDiagnosticsParams[] = [];
  private waiters: Array<() => void> = [];

  constructor(bin: string, readonly root: string, readonly opts: SessionOptions = {}) {
    this.proc = cp.spawn(bin, opts.args ?? [...SERVER_ARGS], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
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
      params.items.map((item) => (this.opts.configuration ? this.opts.configuration(item.section) : null)),
    );
    this.conn.onRequest("client/registerCapability", () => null);
    this.conn.onRequest("window/workDoneProgress/create", () => null);
    this.conn.listen();
  }

  /** initialize + initialized, with initializationOptions as given. */
  async initialize(initOptions: unknown): Promise<void> {
    const rootUri = pathToFileURL(this.root).toString();
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "flaskguard-vscode-e2e" },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(this.root) }],
      initializationOptions: initOptions,
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

  /** The most recent publishDiagnostics for uri, if any. */
  latest(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.filter((p) => p.uri === uri).slice(-1)[0];
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

