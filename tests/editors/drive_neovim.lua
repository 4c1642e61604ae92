-- Drives Neovim as a user does, once the README's snippet (loaded as init.lua) has seen the
-- manifest given on the command line open: wait for kubelint's diagnostics, open the code
-- action menu on the restart-policy finding, pick its quick fix and wait for the re-lint.
-- Everything seen is written as JSON for tests/test_editors.py to assert. It runs on
-- Neovim 0.7 to 0.11, so any API newer than 0.7 has a fallback.
local out = {}
-- A bound on each wait, so a server that never answers fails the test instead of hanging
-- it; far above the second a lint takes.
local bound = 60000

local function attached(buf)
  if vim.lsp.get_clients then
    return #vim.lsp.get_clients({ bufnr = buf, name = "kubelint" }) > 0
  end
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do -- Neovim 0.7
    if client.name == "kubelint" then
      return true
    end
  end
  return false
end

local function find(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
end

local function diagnostics(buf)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(seen, {
      code = d.code,
      range = { d.lnum, d.col, d.end_lnum, d.end_col },
      severity = d.severity,
      message = d.message,
      source = d.source,
    })
  end
  return seen
end

local function wait(what, condition)
  if not vim.wait(bound, condition, 20) then
    error(what .. " within " .. bound / 1000 .. " s", 0)
  end
end

local function drive()
  local buf = vim.api.nvim_get_current_buf()
  out.buffer = vim.api.nvim_buf_get_name(buf)
  out.filetype = vim.bo[buf].filetype
  wait("kubelint never attached to the buffer (filetype '" .. out.filetype .. "')", function()
    return attached(buf)
  end)
  wait("no diagnostics", function()
    return #vim.diagnostic.get(buf) > 0
  end)
  out.diagnostics = diagnostics(buf)

  local target = find(buf, "restart-policy")
  if not target then
    error("no restart-policy diagnostic to fix", 0)
  end
  -- The user's way: the cursor on the finding, then the code action menu, whose first
  -- entry is picked.
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  out.menu = {}
  vim.ui.select = function(items, opts, choose)
    for _, item in ipairs(items) do
      local action = item.action or item[2] -- Neovim 0.10+, or 0.7's {client_id, action}
      table.insert(out.menu, {
        text = (opts.format_item(item)),
        title = action.title,
        kind = action.kind,
        edit = vim.deepcopy(action.edit), -- applying it adds fields to it
      })
    end
    choose(items[1], 1)
  end
  if vim.fn.maparg("gra", "n") ~= "" then -- Neovim 0.11's default mapping
    out.invoked = "gra"
    vim.api.nvim_feedkeys("gra", "mx", false)
  else
    out.invoked = "vim.lsp.buf.code_action()"
    vim.lsp.buf.code_action()
  end
  wait("the quick fix did not change the buffer", function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end)
  out.uri = vim.uri_from_bufnr(buf)
  out.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
  wait("the restart-policy diagnostic stayed after its fix", function()
    return find(buf, "restart-policy") == nil
  end)
  out.fixed = diagnostics(buf)

  if vim.fn.has("nvim-0.11") == 1 then -- the README's word on :checkhealth
    vim.cmd("checkhealth vim.lsp")
    out.health = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  end
end

local ok, problem = pcall(drive)
out.messages = vim.fn.execute("messages")
if not ok then
  out.error = tostring(problem)
  local log = vim.lsp.get_log_path()
  if vim.fn.filereadable(log) == 1 then
    out.log = vim.fn.readfile(log, "", -40)
  end
end
vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv("KUBELINT_TEST_RESULT"))
vim.cmd("qall!")
