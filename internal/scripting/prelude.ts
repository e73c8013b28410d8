// The Lua code that turns a fresh Lua 5.1 state into Redis's sandbox: allowed globals only, read-only libraries and globals, Redis's pcall and error handler.
//
// Redis 7 patches Lua with read-only tables; stock Lua 5.1 has none, so the same effect is built
// from metatables: the globals table is empty and reads through to a hidden table, every library
// is an empty proxy of the real one, and rawset/setmetatable refuse the protected tables. Writes
// raise Redis's "Attempt to modify a readonly table", reads of a missing global Redis's
// "Script attempted to access nonexistent global variable".

/** Runs once per state, with `__rc` holding the JS functions (see engine.ts), before anything else. */
export const PRELUDE = `
local rc = __rc
__rc = nil
local G = _G
local rawset, rawget, setmetatable, getmetatable, type, error, tostring, pairs, next, select =
      rawset, rawget, setmetatable, getmetatable, type, error, tostring, pairs, next, select
local dbg = debug

-- what Redis 7.0 keeps as globals (its allow lists); print, dofile, loadfile, io, os, package,
-- require, module and debug are gone
local allowed = {}
for _, k in ipairs({'string','cjson','bit','cmsgpack','math','table','struct','redis',
  '__redis__err__handler','xpcall','tostring','getfenv','setmetatable','next','assert','tonumber',
  'rawequal','collectgarbage','getmetatable','rawset','pcall','coroutine','type','_G','select',
  'unpack','gcinfo','pairs','rawget','loadstring','ipairs','_VERSION','setfenv','load','error',
  'newproxy'}) do allowed[k] = true end

local protected = setmetatable({}, {__mode = 'k'})
local function readonly() error('Attempt to modify a readonly table', 2) end

-- an empty stand-in for t whose reads reach t and whose writes fail
local function protect(t)
  if protected[t] then return t end
  local p = {}
  local mt = {__index = t, __newindex = readonly}
  mt.__metatable = setmetatable({}, {__index = mt, __newindex = readonly})
  protected[p] = true
  protected[mt.__metatable] = true
  setmetatable(p, mt)
  return p
end

-- Redis's math.random / math.randomseed (lrand48), the redis API table and the C libraries
math.random = rc.random
math.randomseed = rc.randomseed
local redis = {}
for k, v in pairs(rc) do
  if k ~= 'random' and k ~= 'randomseed' and k ~= 'libs' and k ~= 'mark' and k ~= 'hookyielded' then redis[k] = v end
end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
G.redis = redis
for name, lib in pairs(rc.libs or {}) do G[name] = lib end

-- redis.pcall's and redis.call's errors are tables; Lua's pcall hands back their message, as Redis's does
-- Redis's Lua refuses precompiled chunks: loadstring of bytecode gives nil
local rawloadstring, rawload = loadstring, load
G.loadstring = function(s, ...)
  if type(s) == 'string' and s:byte(1) == 27 then return nil, 'binary chunks are not allowed' end
  return rawloadstring(s, ...)
end
local rawpcall = pcall
local function unwrap(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then e = rawget(e, 'err') end
  return false, e
end
-- pcall runs a Lua function in a coroutine of its own so that a script past busy-reply-threshold
-- can still yield to the event loop from inside it (Lua 5.1 cannot yield across the C pcall):
-- the hook yields the marked coroutine and the yield is passed up to the script's. A yield of the
-- script's own making inside pcall fails as it does in Redis's Lua.
local cocreate, coresume, costatus, coyield = coroutine.create, coroutine.resume, coroutine.status, coroutine.yield
local mark, hookyielded = rc.mark, rc.hookyielded
local function pack(...) return {n = select('#', ...), ...} end
G.pcall = function(f, ...)
  if type(f) ~= 'function' or dbg.getinfo(f, 'S').what == 'C' then return unwrap(rawpcall(f, ...)) end
  local co = cocreate(f)
  mark(co, true)
  local res = pack(coresume(co, ...))
  while true do
    if not res[1] then
      mark(co, false)
      return unwrap(false, res[2])
    end
    if costatus(co) == 'dead' then
      mark(co, false)
      return true, unpack(res, 2, res.n)
    end
    if not hookyielded() then
      mark(co, false)
      return false, 'attempt to yield across metamethod/C-call boundary'
    end
    coyield()
    res = pack(coresume(co))
  end
end

-- the error handler every script and function runs under: a table {err, source, line}
G.__redis__err__handler = function(err)
  -- the script's frame: past the C function (redis.call) or the sandbox's guard that raised it
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == '@prelude') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end

for k in pairs(G) do if not allowed[k] then G[k] = nil end end

-- every library table (and the string metatable's) becomes read-only
local hidden = {}
for k, v in pairs(G) do
  if type(v) == 'table' and k ~= '_G' then hidden[k] = protect(v) else hidden[k] = v end
end
local smt = getmetatable('')
if smt then smt.__metatable = protect(smt) end

G.rawset = function(t, k, v)
  if protected[t] or t == G then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
G.setmetatable = function(t, mt)
  if protected[t] or t == G then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end
hidden.rawset, hidden.setmetatable, hidden.pcall = G.rawset, G.setmetatable, G.pcall
hidden._G = G

setmetatable(hidden, {__index = function(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end})
for k in pairs(hidden) do G[k] = nil end
local gmt = {__index = hidden, __newindex = readonly}
gmt.__metatable = setmetatable({}, {__index = gmt, __newindex = readonly})
protected[gmt.__metatable] = true
setmetatable(G, gmt)

-- after a script's coroutine died of an error: the error table {err, source, line} the handler
-- above would have made, read from the dead coroutine's frames (they survive the error)
local function locate(co, err)
  local level = 0
  local i = dbg.getinfo(co, level, 'nSl')
  while i and (i.what == 'C' or i.source == '@prelude') do
    level = level + 1
    i = dbg.getinfo(co, level, 'nSl')
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end

-- the engine reads these from the registry-held table returned here
return {hidden = hidden, locate = locate}
`;
