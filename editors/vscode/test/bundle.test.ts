// The packaged entry point (dist/extension.js, built by esbuild with
// `vscode` external) must load and export activate/deactivate. VS Code is not
// available here, so `vscode` is replaced by a stub in which every property is
// an (extendable) empty class: this catches a broken bundle (missing module,
// top-level crash), not runtime behaviour.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("node:module");

/** A constructible function whose every property is another stub. */
function stub(): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () {
    /* empty */
  };
  return new Proxy(target, {
    get(t, prop) {
      if (prop === "prototype") {
        return t.prototype;
      }
      if (prop === "then" || prop === "__esModule" || typeof prop === "symbol") {
        return undefined;
      }
      if (!cache.has(prop)) {
        cache.set(prop, stub());
      }
      return cache.get(prop);
    },
  });
}

const bundle = path.resolve(__dirname, "..", "..", "dist", "extension.js");

test("bundle: dist/extension.js loads with a stub vscode module and exports activate/deactivate", () => {
  assert.ok(fs.existsSync(bundle), `${bundle} exists (run npm run build)`);
  const origResolve = Module._resolveFilename;
  const stubId = "flaskguard-vscode-stub";
  require.cache[stubId] = { id: stubId, filename: stubId, loaded: true, exports: stub() } as unknown as NodeModule;
  Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === "vscode") {
      return stubId;
    }
    return origResolve.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle);
    assert.equal(typeof ext.activate, "function");
    assert.equal(typeof ext.deactivate, "function");
  } finally {
    Module._resolveFilename = origResolve;
    delete require.cache[stubId];
  }
});

test("bundle: the vsix manifest's main points at the bundle", () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
  assert.equal(path.resolve(__dirname, "..", "..", pkg.main), bundle);
  const ignore = fs.readFileSync(path.resolve(__dirname, "..", "..", ".vscodeignore"), "utf8");
  assert.match(ignore, /^!dist\/extension\.js$/m);
});
