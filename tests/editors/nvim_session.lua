-- One scripted Kerasense session in a real Neovim (0.11+), with its built-in LSP client:
-- open a model with a softmax head on one unit, wait for KS101, ask for the code actions at
-- the diagnostic, apply the preferred one, check the line now says "sigmoid" and that the
-- server then publishes diagnostics without KS101.
--
--   nvim --headless --clean -l tests/editors/nvim_session.lua [MODEL]
--
-- MODEL defaults to tests/editors/workspace/model.py; it is copied into a temporary folder
-- first. KERASENSE_PYTHON names the Python that runs the server (default: the project's
-- .venv), KERASENSE_EDITOR_TIMEOUT the seconds each wait may take (default 30).
-- Exit status 0 when every step passed, 1 with a message otherwise.

local started = vim.uv.hrtime()
-- ftplugin/python.vim would probe for the Python provider (pynvim), a few seconds of
-- starting Pythons that have nothing to do with the language server.
vim.g.loaded_python3_provider = 0
local here = vim.fs.dirname(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p"))
local root = vim.fs.normalize(here .. "/../..")
local source = arg[1] and vim.fn.fnamemodify(arg[1], ":p") or (here .. "/workspace/model.py")
local python = os.getenv("KERASENSE_PYTHON") or (root .. "/.venv/bin/python")
local timeout = (tonumber(os.getenv("KERASENSE_EDITOR_TIMEOUT")) or 30) * 1000
local CODE = "KS101"
local FIX_TITLE = "Use a sigmoid activation"
local FIXED = 'activation="sigmoid"'

local function log(message)
  local seconds = (vim.uv.hrtime() - started) / 1e9
  io.stdout:write(string.format("[nvim %6.2fs] %s\n", seconds, message))
  io.stdout:flush()
end

local client -- the Kerasense client, once started
local workdir -- the temporary folder

local function finish(status)
  if client then
    client:stop(true)
    vim.wait(2000, function()
      return client:is_stopped()
    end, 50)
  end
  if workdir then
    vim.fn.delete(workdir, "rf")
  end
  io.stdout:flush()
  vim.cmd(status == 0 and "qall!" or "cquit " .. status)
end

local function fail(message)
  log("FAIL: " .. message)
  finish(1)
end

local function check(ok, message)
  if not ok then
    fail(message)
  end
end

local function with_code(diagnostics, code)
  for _, d in ipairs(diagnostics) do
    if d.code == code then
      return d
    end
  end
end

local function codes(diagnostics)
  local seen = {}
  for _, d in ipairs(diagnostics) do
    table.insert(seen, string.format("%s@%d", tostring(d.code), (d.lnum or d.range.start.line) + 1))
  end
  return #seen > 0 and table.concat(seen, ", ") or "none"
end

local ok, err = xpcall(function()
  log("Neovim " .. tostring(vim.version()) .. ", server: " .. python .. " -m kerasense serve")
  check(vim.fn.filereadable(source) == 1, "no model file at " .. source)
  check(vim.fn.executable(python) == 1, "no Python at " .. python .. " (set KERASENSE_PYTHON)")

  workdir = vim.fn.tempname()
  vim.fn.mkdir(workdir, "p")
  local path = workdir .. "/model.py"
  check(vim.fn.writefile(vim.fn.readfile(source, "b"), path, "b") == 0, "cannot copy " .. source)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = "python"

  -- Every publishDiagnostics the server sends for this buffer, counted, then handed to
  -- Neovim's own handler so vim.diagnostic sees them as usual.
  local publishes = { count = 0, last = nil }
  local uri = vim.uri_from_bufnr(buf)
  local client_id = vim.lsp.start({
    name = "kerasense",
    cmd = { python, "-m", "kerasense", "serve" },
    root_dir = workdir,
    handlers = {
      ["textDocument/publishDiagnostics"] = function(e, result, ctx)
        if result and result.uri == uri then
          publishes.count = publishes.count + 1
          publishes.last = result
          log(string.format("publish #%d: %s", publishes.count, codes(result.diagnostics)))
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(e, result, ctx)
      end,
    },
  }, { bufnr = buf })
  check(client_id ~= nil, "vim.lsp.start returned no client")
  -- Each new set of diagnostics Neovim takes for the buffer (pushed or pulled).
  local changes = 0
  vim.api.nvim_create_autocmd("DiagnosticChanged", {
    buffer = buf,
    callback = function()
      changes = changes + 1
    end,
  })
  client = vim.lsp.get_client_by_id(client_id)
  check(
    vim.wait(timeout, function()
      return client.initialized or client:is_stopped()
    end, 50),
    "the server did not initialize"
  )
  check(not client:is_stopped(), "the server stopped during start-up")
  log("server initialized")

  -- 1. The diagnostic, as Neovim shows it.
  local diagnostic
  vim.wait(timeout, function()
    diagnostic = with_code(vim.diagnostic.get(buf), CODE)
    return diagnostic ~= nil or client:is_stopped()
  end, 50)
  check(diagnostic ~= nil, string.format("no %s diagnostic within %d ms (diagnostics: %s)",
    CODE, timeout, codes(vim.diagnostic.get(buf))))
  check(diagnostic.lnum == 6, string.format("%s on line %d, expected line 7", CODE, diagnostic.lnum + 1))
  log(string.format("%s on line %d: %s", CODE, diagnostic.lnum + 1, diagnostic.message))

  -- 2. The code actions at the diagnostic's range, with the diagnostic as context.
  local lsp_diagnostic = diagnostic.user_data and diagnostic.user_data.lsp
  check(lsp_diagnostic ~= nil, "the diagnostic carries no LSP data")
  local response, request_err = client:request_sync("textDocument/codeAction", {
    textDocument = { uri = uri },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, only = { "quickfix" } },
  }, timeout, buf)
  check(response ~= nil, "textDocument/codeAction: " .. tostring(request_err))
  check(response.err == nil, "textDocument/codeAction failed: " .. vim.inspect(response.err))
  local actions = response.result or {}
  local titles = {}
  local preferred
  for _, action in ipairs(actions) do
    table.insert(titles, action.title .. (action.isPreferred and " (preferred)" or ""))
    if action.isPreferred and not preferred then
      preferred = action
    end
  end
  log("code actions: " .. (#titles > 0 and table.concat(titles, "; ") or "none"))
  check(preferred ~= nil, "no preferred code action for " .. CODE)
  check(preferred.title == FIX_TITLE, string.format("preferred action is %q, expected %q",
    preferred.title, FIX_TITLE))
  check(preferred.edit ~= nil, "the preferred action has no edit")

  -- 3. Apply it as Neovim applies code actions, then look at the buffer.
  local before = changes
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  local line = vim.api.nvim_buf_get_lines(buf, 6, 7, true)[1]
  log("line 7 now: " .. line)
  check(line:find(FIXED, 1, true) ~= nil, "line 7 does not contain " .. FIXED .. ": " .. line)
  check(line:find("softmax", 1, true) == nil, "line 7 still says softmax: " .. line)

  -- 4. The server sees the change and sends new diagnostics, without KS101.
  local cleared = vim.wait(timeout, function()
    return changes > before and with_code(vim.diagnostic.get(buf), CODE) == nil
  end, 50)
  check(cleared, string.format("%s still reported after the fix (diagnostics: %s, last publish: %s)",
    CODE, codes(vim.diagnostic.get(buf)),
    publishes.last and codes(publishes.last.diagnostics) or "none"))
  log(string.format("%s gone after the fix (diagnostics now: %s)", CODE,
    codes(vim.diagnostic.get(buf))))
end, debug.traceback)

if not ok then
  fail("error: " .. tostring(err))
end
log("PASS")
finish(0)
