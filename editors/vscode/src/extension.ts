// The flaskguard VS Code extension: starts `flaskguard serve` through
// vscode-languageclient. Everything that can be tested without VS Code
// (binary lookup, settings mapping) lives in ./config.

import * as vscode from "vscode";
import {
  CodeAction,
  CodeActionParams,
  CodeActionRequest,
  CodeActionTriggerKind,
  Command,
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions as ExecutableOptions,
} from "vscode-languageclient/node";
import {
  ServerNotFoundError,
  classifyChange,
  didChangeConfigurationParams,
  findServer,
  initializationOptions,
  serverArgs,
  toServerOptions,
} from "./config";

const CLIENT_ID = "flaskguard"; // also the prefix of the `flaskguard.trace.server` setting
const FIX_ALL_KIND = "source.fixAll.flaskguard";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function settings(): (key: string) => unknown {
  const cfg = vscode.workspace.getConfiguration("flaskguard");
  return (key: string) => cfg.get(key);
}

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
}

const documentSelector = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { scheme: "file", language: "jinja" },
  { scheme: "file", language: "jinja-html" },
  { scheme: "file", language: "html" },
];

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  let serverPath: string;
  try {
    const found = findServer({
      configuredPath: vscode.workspace.getConfiguration("flaskguard").get<string>("path") ?? "",
      workspaceFolders: workspaceFolderPaths(),
    });
    serverPath = found.path;
    output?.appendLine(`flaskguard: using ${found.path} (from ${found.source})`);
  } catch (err) {
    const message = err instanceof ServerNotFoundError ? err.message : String(err);
    output?.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, "Open Settings");
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "flaskguard.path");
    }
    return;
  }

  const serverOptions: ExecutableOptions = {
    command: serverPath,
    args: serverArgs(settings()),
    options: { cwd: workspaceFolderPaths()[0] },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    initializationOptions: initializationOptions(settings()),
    middleware: {
      workspace: {
        // Answer workspace/configuration for our section with the same
        // mapped options that initializationOptions carries.
        configuration: async (params, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) {
            return raw;
          }
          return params.items.map((item, i) =>
            item.section === "flaskguard" ? toServerOptions(settings()) : raw[i],
          );
        },
      },
    },
  };

  client = new LanguageClient(CLIENT_ID, "flaskguard", serverOptions, clientOptions);
  await client.start();
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c !== undefined) {
    try {
      await c.stop();
    } catch (err) {
      output?.appendLine(`flaskguard: stopping the server failed: ${String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || client === undefined) {
    void vscode.window.showInformationMessage("flaskguard: no active editor or the server is not running.");
    return;
  }
  const doc = editor.document;
  const c = client;
  const last = doc.lineAt(doc.lineCount - 1);
  const ours = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === "flaskguard");
  const params: CodeActionParams = {
    textDocument: c.code2ProtocolConverter.asTextDocumentIdentifier(doc),
    range: c.code2ProtocolConverter.asRange(new vscode.Range(new vscode.Position(0, 0), last.range.end)),
    context: {
      diagnostics: await c.code2ProtocolConverter.asDiagnostics(ours),
      only: [FIX_ALL_KIND],
      triggerKind: CodeActionTriggerKind.Invoked,
    },
  };
  const result = (await c.sendRequest(CodeActionRequest.type, params)) ?? [];
  const action = result.find(
    (a: Command | CodeAction): a is CodeAction =>
      CodeAction.is(a) && (a.kind === FIX_ALL_KIND || (a.kind ?? "").startsWith(FIX_ALL_KIND + ".")),
  );
  if (action === undefined || action.edit === undefined) {
    void vscode.window.showInformationMessage("flaskguard: nothing to fix.");
    return;
  }
  const edit = await c.protocol2CodeConverter.asWorkspaceEdit(action.edit);
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) {
    void vscode.window.showErrorMessage("flaskguard: the fix could not be applied.");
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("flaskguard");
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("flaskguard.restart", () => restart(context)),
    vscode.commands.registerCommand("flaskguard.fixAll", () => fixAll()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      switch (classifyChange((section) => e.affectsConfiguration(section))) {
        case "restart":
          await restart(context);
          break;
        case "notify":
          if (client !== undefined && client.isRunning()) {
            await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(settings()));
          }
          break;
        default:
          break;
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
