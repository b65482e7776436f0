-- flaskguard: finds Flask security mistakes (Neovim >= 0.11 `vim.lsp.config` form).
--
-- Install: copy this file to ~/.config/nvim/lsp/flaskguard.lua (any `lsp/`
-- directory on 'runtimepath' works), then in init.lua:
--
--   vim.lsp.enable('flaskguard')
--
-- Override any field without editing this file:
--
--   vim.lsp.config('flaskguard', {
--     init_options = { ignore = { 'FG802' } },
--     settings = { flaskguard = { ignore = { 'FG802' } } },
--   })
--
-- The server reads its options from `init_options` at start and from
-- `settings.flaskguard` (sent by Neovim as workspace/didChangeConfiguration).
-- Every key is optional; leave a key out to get the server's default. Do not
-- write an empty table ({}): Neovim encodes it as a JSON list.

-- One table for both, so the two cannot drift apart.
local options = {
  -- select = { 'FG4' },                -- rule codes or prefixes to enable (default: all)
  -- ignore = { 'FG802' },              -- rule codes or prefixes to disable
  -- severity = { FG401 = 'warning' },  -- per rule: 'error' | 'warning' | 'information' | 'hint'
  logLevel = 'info', -- server log level: 'debug' | 'info' | 'warn' | 'error'
}

---@type vim.lsp.Config
return {
  cmd = { 'flaskguard', 'serve' },
  filetypes = { 'python', 'htmldjango', 'jinja', 'jinja.html', 'html' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' },
  init_options = options,
  settings = { flaskguard = options },
}
