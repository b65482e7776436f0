-- Headless Neovim end-to-end test for editors/neovim.
--
-- Works on Neovim 0.7 (Debian's package): vim.lsp.start_client +
-- vim.lsp.buf_attach_client, the API that vim.lsp.start/vim.lsp.enable wrap
-- in newer versions. The client is configured from the shipped
-- lsp/flaskguard.lua (cmd, filetypes, root_markers, init_options, settings).
--
-- Run (flaskguard on PATH):
--   FLASKGUARD_EDITORS_DIR=$PWD/editors FLASKGUARD_WORKDIR=/tmp/copy-of-fixture \
--     nvim --headless --clean -c 'luafile editors/neovim/test/headless_test.lua' </dev/null
-- FLASKGUARD_WORKDIR must be a scratch copy of editors/testdata/flask_debug
-- (the test edits app.py in a buffer; it does not write it).
-- Prints one "ok"/"not ok" line per check and "neovim: N passed, M failed";
-- exits non-zero on any failure.

local TIMEOUT = 10000

local editors = assert(os.getenv('FLASKGUARD_EDITORS_DIR'), 'FLASKGUARD_EDITORS_DIR is not set')
local workdir = assert(os.getenv('FLASKGUARD_WORKDIR'), 'FLASKGUARD_WORKDIR is not set')

local passed, failed = 0, 0
local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local function check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name)
    for line in tostring(err):gmatch('[^\n]+') do
      out('    ' .. line)
    end
  end
  return ok
end

local function finish()
  out(string.format('neovim: %d passed, %d failed', passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local function eq(want, got, what)
  if not vim.deep_equal(want, got) then
    error(string.format('%s: want %s, got %s', what or 'value', vim.inspect(want), vim.inspect(got)), 2)
  end
end

local function contains(list, item)
  for _, v in ipairs(list) do
    if v == item then
      return true
    end
  end
  return false
end

-- Walks up from dir to the first directory holding one of markers.
local function find_root(dir, markers)
  local cur = dir
  while cur and cur ~= '' do
    for _, m in ipairs(markers) do
      if vim.loop.fs_stat(cur .. '/' .. m) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ':h')
    if parent == cur then
      break
    end
    cur = parent
  end
  return nil
end

local config
local bufnr, client_id
local exit_code
local raw = {} -- uri -> last published LSP diagnostics (what the server sent)

local function fg_diags(code)
  local res = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'flaskguard' and (code == nil or tostring(d.code) == code) then
      table.insert(res, d)
    end
  end
  return res
end

local ok_setup = check('lsp/flaskguard.lua is a vim.lsp.config table that runs `flaskguard serve`', function()
  config = dofile(editors .. '/neovim/lsp/flaskguard.lua')
  eq({ 'flaskguard', 'serve' }, config.cmd, 'cmd')
  assert(contains(config.filetypes, 'python'), 'filetypes include python')
  assert(contains(config.root_markers, 'pyproject.toml'), 'root_markers include pyproject.toml')
  eq(config.init_options, config.settings.flaskguard, 'init_options and settings.flaskguard are the same options')
  assert(vim.fn.executable('flaskguard') == 1, 'flaskguard is on PATH: ' .. tostring(os.getenv('PATH')))
end)

check('legacy lspconfig/flaskguard.lua registers the same server with nvim-lspconfig', function()
  -- nvim-lspconfig is not packaged for Debian: stand in for its three modules.
  local registered, setup_args
  local configs = setmetatable({}, {
    __newindex = function(t, k, v)
      registered = { name = k, value = v }
      rawset(t, k, v)
    end,
  })
  package.loaded['lspconfig.configs'] = configs
  package.loaded['lspconfig.util'] = {
    root_pattern = function(...)
      local markers = { ... }
      return function(fname)
        return find_root(vim.fn.fnamemodify(fname, ':p:h'), markers)
      end
    end,
  }
  package.loaded['lspconfig'] = setmetatable({}, {
    __index = function(_, name)
      return { setup = function(args) setup_args = { name = name, args = args } end }
    end,
  })
  local legacy = dofile(editors .. '/neovim/lspconfig/flaskguard.lua')
  legacy.setup({ options = { ignore = { 'FG802' } } })
  package.loaded['lspconfig.configs'], package.loaded['lspconfig.util'], package.loaded['lspconfig'] = nil, nil, nil

  assert(registered and registered.name == 'flaskguard', 'configs.flaskguard was set')
  local dc = registered.value.default_config
  eq(config.cmd, dc.cmd, 'legacy cmd equals lsp/flaskguard.lua cmd')
  eq(config.filetypes, dc.filetypes, 'legacy filetypes')
  eq(workdir, dc.root_dir(workdir .. '/app.py'), 'root_dir finds the fixture root by pyproject.toml')
  eq('flaskguard', setup_args.name, 'setup called on lspconfig.flaskguard')
  eq({ 'FG802' }, setup_args.args.init_options.ignore, 'options reach init_options')
  eq(setup_args.args.init_options, setup_args.args.settings.flaskguard, 'and settings.flaskguard')
  eq(nil, setup_args.args.options, 'the options key is not passed on to lspconfig')
end)

if not ok_setup then
  finish()
  return
end

check('start_client + buf_attach_client on the fixture', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(workdir .. '/app.py'))
  bufnr = vim.api.nvim_get_current_buf()
  eq('python', vim.bo[bufnr].filetype, 'filetype')
  assert(contains(config.filetypes, vim.bo[bufnr].filetype), 'the buffer filetype is one flaskguard handles')
  local root = find_root(vim.fn.expand('%:p:h'), config.root_markers)
  eq(vim.loop.fs_realpath(workdir), vim.loop.fs_realpath(root), 'root from root_markers')

  client_id = vim.lsp.start_client({
    name = 'flaskguard',
    cmd = config.cmd,
    root_dir = root,
    init_options = config.init_options,
    settings = config.settings,
    -- What vim.lsp.start does from Neovim 0.10 on, and nvim-lspconfig's on_init before that.
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = config.settings })
    end,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
        raw[result.uri] = result.diagnostics
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, cfg)
      end,
    },
    on_exit = function(code)
      exit_code = code
    end,
  })
  assert(client_id, 'start_client returned a client id')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client')
end)

local uri
local fg401

check('flaskguard publishes FG401 on line 5', function()
  assert(client_id, 'client started')
  uri = vim.uri_from_bufnr(bufnr)
  local got = vim.wait(TIMEOUT, function()
    return #fg_diags('FG401') > 0
  end, 50)
  assert(got, 'no FG401 within ' .. TIMEOUT .. ' ms; diagnostics: ' .. vim.inspect(vim.diagnostic.get(bufnr)))
  local d = fg_diags('FG401')
  eq(1, #d, 'number of FG401 diagnostics')
  eq(4, d[1].lnum, '0-based line of FG401')
  for _, ld in ipairs(raw[uri] or {}) do
    if ld.code == 'FG401' then
      fg401 = ld
    end
  end
  assert(fg401, 'raw LSP diagnostic kept')
  assert(fg401.codeDescription and fg401.codeDescription.href, 'codeDescription.href: ' .. vim.inspect(fg401))
end)

local fix
check('code actions offer "Remove debug=True" (preferred quickfix) and "Ignore FG401 for this line"', function()
  assert(fg401, 'FG401 was published')
  local params = {
    textDocument = { uri = uri },
    range = fg401.range,
    context = { diagnostics = { fg401 } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, TIMEOUT)
  assert(responses and responses[client_id], 'codeAction response: ' .. vim.inspect(responses))
  local resp = responses[client_id]
  assert(resp.err == nil, 'codeAction error: ' .. vim.inspect(resp.err))
  local titles = {}
  for _, a in ipairs(resp.result or {}) do
    table.insert(titles, a.title)
    if a.title == 'Remove debug=True' then
      fix = a
    end
  end
  assert(fix, 'no "Remove debug=True" among ' .. vim.inspect(titles))
  eq('quickfix', fix.kind, 'kind')
  eq(true, fix.isPreferred, 'isPreferred')
  assert(fix.edit, 'the action carries its edit')
  assert(contains(titles, 'Ignore FG401 for this line'), 'no ignore action among ' .. vim.inspect(titles))
end)

check('applying the quick fix rewrites the buffer to `    app.run()`', function()
  assert(fix, 'quick fix found')
  vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
  eq('    app.run()', vim.api.nvim_buf_get_lines(bufnr, 4, 5, false)[1], 'line 5 after the fix')
  eq({ 'from flask import Flask', 'app = Flask(__name__)', '', 'if __name__ == "__main__":', '    app.run()' },
    vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), 'whole buffer after the fix')
end)

check('after the edit (didChange) FG401 goes away', function()
  assert(fix, 'quick fix applied')
  local gone = vim.wait(TIMEOUT, function()
    return #fg_diags('FG401') == 0
  end, 50)
  assert(gone, 'FG401 still there: ' .. vim.inspect(fg_diags('FG401')))
end)

check('the server exits cleanly on stop (shutdown + exit)', function()
  assert(client_id, 'client started')
  vim.lsp.stop_client(client_id)
  local exited = vim.wait(TIMEOUT, function()
    return exit_code ~= nil
  end, 50)
  assert(exited, 'server did not exit')
  eq(0, exit_code, 'exit code')
end)

finish()
