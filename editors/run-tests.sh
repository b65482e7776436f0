#!/usr/bin/env bash
# Runs the editor-integration tests against a freshly built flaskguard.
#
# Installs nothing. Assumes: go, node >= 20 with npm (npm ci fetches the VS Code
# extension's dev dependencies from the npm registry), and Debian's `neovim`,
# `emacs-nox` and `elpa-eglot`. If `elpa-lsp-mode` is installed too, the
# lsp-mode test runs; otherwise it is reported as skipped.
#
#   bash editors/run-tests.sh
#   FLASKGUARD_BIN=/path/to/flaskguard bash editors/run-tests.sh   # use a prebuilt server
#
# Steps: build the server; go test ./editors (JSON/consistency); VS Code
# extension (npm ci, build, unit + end-to-end tests, package the .vsix);
# headless Neovim; headless Emacs (eglot, and lsp-mode when present).
# Prints "editors: N passed, M failed[, K skipped]" last; exits 1 on any failure.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EDITORS="$ROOT/editors"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fg-editors.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
BIN="$TMP/bin"
mkdir -p "$BIN" "$TMP/home"

passed=0
failed=0
skipped=0
failures=()

# step NAME CMD...: runs CMD, counts it, prints its time.
step() {
  local name=$1
  shift
  local t0=$SECONDS
  echo "=== RUN   $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "--- PASS  $name ($((SECONDS - t0))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAIL  $name ($((SECONDS - t0))s)"
  fi
}

skip() {
  skipped=$((skipped + 1))
  echo "--- SKIP  $1: $2"
}

fail_now() {
  echo "$1" >&2
  return 1
}

# A scratch copy of the fixture, so no test edits the repository.
fixture() {
  local dir="$TMP/ws-$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$EDITORS/testdata/flask_debug/app.py" "$EDITORS/testdata/flask_debug/pyproject.toml" "$dir/"
  echo "$dir"
}

build_server() {
  if [ -n "${FLASKGUARD_BIN:-}" ]; then
    # A prebuilt server instead of building one (for working on the editors alone).
    echo "using FLASKGUARD_BIN=$FLASKGUARD_BIN"
    cp "$FLASKGUARD_BIN" "$BIN/flaskguard" && chmod +x "$BIN/flaskguard"
    return
  fi
  (cd "$ROOT" && go build -o "$BIN/flaskguard" ./cmd/flaskguard)
}

go_editors_test() {
  (cd "$ROOT" && go test ./editors/)
}

vscode_npm_ci() {
  (cd "$EDITORS/vscode" && npm ci --no-audit --no-fund)
}

vscode_build() {
  (cd "$EDITORS/vscode" && npm run build)
}

vscode_test() {
  # Runs even without a server binary: the unit tests still run, the e2e tests fail.
  (cd "$EDITORS/vscode" && FLASKGUARD_PATH="$BIN/flaskguard" FLASKGUARD_REQUIRE_SERVER=1 npm test)
}

vscode_package() {
  local vsix="$EDITORS/vscode/dist/flaskguard.vsix"
  rm -f "$vsix"
  (cd "$EDITORS/vscode" &&
    npx --no-install vsce package --no-dependencies --allow-missing-repository --skip-license -o "$vsix" </dev/null) || return 1
  [ -s "$vsix" ] || fail_now "no $vsix" || return 1
  # The zip's central directory stores member names uncompressed.
  grep -q -a "extension/dist/extension.js" "$vsix" || fail_now "$vsix lacks extension/dist/extension.js" || return 1
  grep -q -a "extension/package.json" "$vsix" || fail_now "$vsix lacks extension/package.json" || return 1
  echo "packaged $vsix ($(wc -c <"$vsix") bytes)"
}

neovim_test() {
  command -v nvim >/dev/null || fail_now "nvim not installed (apt-get install neovim)" || return 1
  [ -x "$BIN/flaskguard" ] || fail_now "no server binary (build failed)" || return 1
  local ws
  ws=$(fixture nvim)
  local rc=0
  PATH="$BIN:$PATH" HOME="$TMP/home" XDG_CACHE_HOME="$TMP/home/.cache" XDG_STATE_HOME="$TMP/home/.state" \
    XDG_CONFIG_HOME="$TMP/home/.config" XDG_DATA_HOME="$TMP/home/.data" \
    FLASKGUARD_EDITORS_DIR="$EDITORS" FLASKGUARD_WORKDIR="$ws" \
    timeout 120 nvim --headless --clean -c "luafile $EDITORS/neovim/test/headless_test.lua" </dev/null || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "nvim exited with $rc; Neovim's LSP log:"
    find "$TMP/home" -name 'lsp.log' -exec tail -n 40 {} \; 2>/dev/null
  fi
  return "$rc"
}

emacs_eglot_test() {
  command -v emacs >/dev/null || fail_now "emacs not installed (apt-get install emacs-nox elpa-eglot)" || return 1
  [ -x "$BIN/flaskguard" ] || fail_now "no server binary (build failed)" || return 1
  local ws
  ws=$(fixture eglot)
  PATH="$BIN:$PATH" HOME="$TMP/home" FLASKGUARD_WORKDIR="$ws" \
    timeout 120 emacs --batch -Q -l "$EDITORS/emacs/test/eglot-test.el" </dev/null
}

emacs_lsp_mode_test() {
  [ -x "$BIN/flaskguard" ] || fail_now "no server binary (build failed)" || return 1
  local ws
  ws=$(fixture lsp-mode)
  PATH="$BIN:$PATH" HOME="$TMP/home" FLASKGUARD_WORKDIR="$ws" \
    timeout 120 emacs --batch -Q -l "$EDITORS/emacs/test/lsp-mode-test.el" </dev/null
}

start=$SECONDS
step "build flaskguard" build_server
step "go test ./editors" go_editors_test
step "vscode: npm ci" vscode_npm_ci
step "vscode: build" vscode_build
step "vscode: npm test (unit + e2e)" vscode_test
step "vscode: vsce package" vscode_package
step "neovim: headless (0.7 start_client)" neovim_test
step "emacs: eglot headless" emacs_eglot_test
if compgen -G "/usr/share/emacs/site-lisp/elpa/lsp-mode-*" >/dev/null; then
  step "emacs: lsp-mode headless" emacs_lsp_mode_test
else
  skip "emacs: lsp-mode headless" "elpa-lsp-mode is not installed"
fi

echo
echo "editor tests took $((SECONDS - start))s"
for f in "${failures[@]}"; do
  echo "failed: $f"
done
summary="editors: $passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary="$summary, $skipped skipped"
fi
echo "$summary"
[ "$failed" -eq 0 ]
