-- flaskguard: finds Flask security mistakes (legacy nvim-lspconfig form, for
-- Neovim < 0.11 or nvim-lspconfig's `require('lspconfig')` API).
--
-- Install: copy this file into a directory on 'runtimepath' under lua/, e.g.
-- ~/.config/nvim/lua/flaskguard_lspconfig.lua, and in init.lua:
--
--   require('flaskguard_lspconfig').setup()              -- defaults
--   require('flaskguard_lspconfig').setup({               -- or with options
--     options = { ignore = { 'FG802' }, severity = { FG401 = 'warning' } },
--     on_attach = my_on_attach,
--   })
--
-- Every option key is optional (absent = the server's default):
--   select   = { 'FG4' }              rule codes or prefixes to enable (default: all)
--   ignore   = { 'FG802' }            rule codes or prefixes to disable
--   severity = { FG401 = 'warning' }  per rule: 'error' | 'warning' | 'information' | 'hint'
--   logLevel = 'info'                 server log level: 'debug' | 'info' | 'warn' | 'error'
-- Do not pass an empty table ({}): Neovim encodes it as a JSON list.

local M = {}

M.default_options = {
  logLevel = 'info',
}

function M.setup(opts)
  opts = opts or {}
  local configs = require('lspconfig.configs')
  local util = require('lspconfig.util')
  local options = vim.tbl_deep_extend('force', {}, M.default_options, opts.options or {})

  if not configs.flaskguard then
    configs.flaskguard = {
      default_config = {
        cmd = { 'flaskguard', 'serve' },
        filetypes = { 'python', 'htmldjango', 'jinja', 'jinja.html', 'html' },
        root_dir = util.root_pattern('pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git'),
        single_file_support = true,
        init_options = options,
        settings = { flaskguard = options },
      },
      docs = {
        description = 'flaskguard: finds Flask security mistakes. Install the `flaskguard` binary on PATH.',
      },
    }
  end

  local setup = vim.tbl_extend('force', {}, opts)
  setup.options = nil
  -- Re-send when the options differ from what default_config captured.
  setup.init_options = options
  setup.settings = { flaskguard = options }
  require('lspconfig').flaskguard.setup(setup)
end

return M
