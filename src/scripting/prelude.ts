/**
 * The Lua side of the scripting host, run once in each fresh Lua 5.1 state with all the
 * standard libraries open. It builds Redis's sandbox (scriptingInit / luaRegisterRedisAPI /
 * the globals protection of script_lua.c) and the entry point the host calls.
 *
 * Channel: the interpreter is C Lua 5.1.5 compiled to WebAssembly (lua-wasm-bindings), which
 * exports no way to push a C function. The host intercepts the WASM module's fd_write (fd 1)
 * and fd_read (fd 0) imports instead: Lua writes a request to io.stdout in one write and reads
 * the answer from io.stdin; both are synchronous JS calls, binary safe. The file handles stay
 * in upvalues of this chunk; the io library itself is removed from the globals.
 *
 * Messages Lua → host (first byte):
 *   'C' <n>\n then n args ('s'<len>\n<bytes> or 'n'<%.17g>\n)   a redis.call / redis.pcall
 *   'H' <bytes>                                                  redis.sha1hex
 *   'R' <value>                                                  the script's result
 * Host → Lua: "<len>\n<payload>", the payload being RESP (command replies) or raw bytes.
 */
const PRELUDE_TEMPLATE = String.raw`
local so, si = io.stdout, io.stdin
so:setvbuf('no')
local fwrite, fread = so.write, si.read
local type, tostring, tonumber, select, error, rawget, rawset, next = type, tostring, tonumber, select, error, rawget, rawset, next
local base_pcall, setmetatable, getmetatable, setfenv, getfenv, loadstring = pcall, setmetatable, getmetatable, setfenv, getfenv, loadstring
local newproxy, ipairs, pairs = newproxy, ipairs, pairs
local sformat, ssub, sfind, sbyte, concat = string.format, string.sub, string.find, string.byte, table.concat
local dbg_getinfo, dbg_setmetatable, dbg_sethook = debug.getinfo, debug.setmetatable, debug.sethook
local os_clock = os.clock
local xpcall, collectgarbage, sgsub = xpcall, collectgarbage, string.gsub
local G = _G

local function send(s) fwrite(so, s) end
-- The host queues each answer whole; '*a' reads to its end (g_read clears EOF first).
local function recv() return fread(si, '*a') end

-- RESP (as the engine encodes a command's reply for the script's protocol) → Lua values,
-- as redisProtocolToLuaType does.
local parse
parse = function(s, p)
  local c = sbyte(s, p)
  local e = sfind(s, '\r\n', p, true)
  local line = ssub(s, p + 1, e - 1)
  if c == 36 then -- '$'
    local n = tonumber(line)
    if n < 0 then return false, e + 2 end
    return ssub(s, e + 2, e + 1 + n), e + 4 + n
  elseif c == 58 then return tonumber(line), e + 2 -- ':'
  elseif c == 43 then return {ok = line}, e + 2 -- '+'
  elseif c == 45 then return {err = line}, e + 2 -- '-'
  elseif c == 42 or c == 62 then -- '*' '>'
    local n = tonumber(line)
    if n < 0 then return false, e + 2 end
    local t = {}
    p = e + 2
    for i = 1, n do t[i], p = parse(s, p) end
    return t, p
  elseif c == 95 then return nil, e + 2 -- '_'
  elseif c == 44 then return {double = tonumber(line)}, e + 2 -- ','
  elseif c == 35 then return line == 't', e + 2 -- '#'
  elseif c == 37 then -- '%'
    local n = tonumber(line)
    local t = {}
    p = e + 2
    for i = 1, n do
      local k, v
      k, p = parse(s, p)
      v, p = parse(s, p)
      t[k] = v
    end
    return {map = t}, p
  elseif c == 126 then -- '~'
    local n = tonumber(line)
    local t = {}
    p = e + 2
    for i = 1, n do
      local k
      k, p = parse(s, p)
      t[k] = true
    end
    return {set = t}, p
  elseif c == 40 then return {big_number = line}, e + 2 -- '('
  elseif c == 61 then -- '='
    local n = tonumber(line)
    local body = ssub(s, e + 2, e + 1 + n)
    return {verbatim_string = {format = ssub(body, 1, 3), string = ssub(body, 5)}}, e + 4 + n
  end
  return nil, e + 2
end

-- A command's reply: the host sends the common shapes in a short form, anything else as RESP
-- after an 'R'.
local function reply()
  local s = recv()
  local c = sbyte(s, 1)
  if c == 36 then return ssub(s, 2) end -- '$' bulk
  if c == 58 then return tonumber(ssub(s, 2)) end -- ':' integer
  if c == 43 then return {ok = ssub(s, 2)} end -- '+' status
  if c == 45 then return {err = ssub(s, 2)} end -- '-' error
  if c == 70 then return false end -- 'F' RESP2 null
  if c == 78 then return nil end -- 'N' RESP3 null
  return (parse(s, 2))
end

-- luaPushError: "-CODE msg" keeps its code, anything else gets ERR.
local function err_table(msg)
  if sbyte(msg, 1) == 45 then
    local sp = sfind(msg, ' ', 1, true)
    if not sp then msg = 'ERR ' .. ssub(msg, 2) else msg = ssub(msg, 2) end
  else
    msg = 'ERR ' .. msg
  end
  return {err = msg}
end

local SLEN = setmetatable({}, {__index = function(t, k)
  local v = 's' .. k .. '\n'
  if k < 4096 then t[k] = v end
  return v
end})
local revive_call
local function command(raise, ...)
  local n = select('#', ...)
  if n == 0 then
    local e = err_table('Please specify at least one argument for this redis lib call')
    if raise then revive_call() error(e) end
    return e
  end
  -- All-string argument lists of up to 8: one concatenation, no table, cached length text
  -- (number formatting goes through sprintf and is the slowest part of building a message).
  if n <= 8 then
@FAST@
  end
  local parts = {'C', n, '\n'}
  local k = 3
  for i = 1, n do
    local a = select(i, ...)
    local t = type(a)
    if t == 'string' then
      parts[k + 1] = 's'; parts[k + 2] = #a; parts[k + 3] = '\n'; parts[k + 4] = a
      k = k + 4
    elseif t == 'number' then
      parts[k + 1] = 'n'; parts[k + 2] = sformat('%.17g', a); parts[k + 3] = '\n'
      k = k + 3
    else
      local e = err_table('Lua redis lib command arguments must be strings or integers')
      if raise then revive_call() error(e) end
      return e
    end
  end
  send(concat(parts))
  local r = reply()
  if raise and type(r) == 'table' and rawget(r, 'err') then revive_call() error(r) end
  return r
end

-- redis.call is a C function in Redis, so 'return redis.call(...)' keeps the script's frame
-- (Lua 5.1 does not replace a frame to tail-call C) and an error names the script's line.
-- A Lua function would be tail-called and lose it: here the API functions that raise are
-- callable tables whose __call is a coroutine.wrap trampoline (a C function) around the
-- Lua implementation; a trampoline that raised is replaced by a fresh one.
local cowrap, coyield, unpack = coroutine.wrap, coroutine.yield, unpack
-- The callable tables standing for C functions: type() says 'function' for them.
local callables = setmetatable({}, {__mode = 'k'})
local function cfunction(f)
  local mt = {__metatable = false}
  local start
  local function finish(ok, ...)
    if not ok then
      start()
      -- Through the trampoline a string error gets the script's position prepended, as
      -- luaL_error does in a C function; luaPushError-style errors are tables.
      error((...), 0)
    end
    return ...
  end
  local function loop(_, ...) return loop(coyield(finish(base_pcall(f, ...)))) end
  start = function() mt.__call = cowrap(loop) end
  start()
  local t = setmetatable({}, mt)
  callables[t] = true
  return t
end

-- redis.call's own trampoline: no table or closure per call; command() revives it before
-- it raises (the raising coroutine dies).
local call_mt = {__metatable = false}
local function call_loop(_, ...) return call_loop(coyield(command(true, ...))) end
revive_call = function() call_mt.__call = cowrap(call_loop) end
revive_call()

local redis = {}
redis.call = setmetatable({}, call_mt)
callables[redis.call] = true
redis.pcall = function(...) return command(false, ...) end
redis.error_reply = function(msg)
  if type(msg) ~= 'string' then error(err_table('wrong number or type of arguments')) end
  if sbyte(msg, 1) ~= 45 then msg = '-' .. msg end
  return err_table(msg)
end
redis.status_reply = function(msg)
  if type(msg) ~= 'string' then error(err_table('wrong number or type of arguments')) end
  return {ok = msg}
end
redis.sha1hex = function(...)
  if select('#', ...) ~= 1 then error(err_table('wrong number of arguments')) end
  local s = ...
  if type(s) ~= 'string' and type(s) ~= 'number' then s = '' end
  send('H' .. s)
  return recv()
end
redis.LOG_DEBUG = 0
redis.LOG_VERBOSE = 1
redis.LOG_NOTICE = 2
redis.LOG_WARNING = 3
redis.log = function(level, ...)
  if select('#', ...) == 0 then error(err_table('redis.log() requires two arguments or more.')) end
  if type(level) ~= 'number' then error(err_table('First argument must be a number (log level).')) end
  if level < 0 or level > 3 then error(err_table('Invalid debug level.')) end
end
local resp = 2
redis.setresp = function(...)
  if select('#', ...) ~= 1 then error(err_table('redis.setresp() requires one argument.')) end
  local v = tonumber((...))
  if v ~= 2 and v ~= 3 then error(err_table('RESP version must be 2 or 3.')) end
  resp = v
  send('P' .. v)
end
redis.REPL_NONE = 0
redis.REPL_AOF = 1
redis.REPL_SLAVE = 2
redis.REPL_REPLICA = 2
redis.REPL_ALL = 3
redis.set_repl = function(...)
  if select('#', ...) ~= 1 then error(err_table('redis.set_repl() requires one argument.')) end
  local v = tonumber((...))
  if v == nil or v < 0 or v > 3 then error(err_table('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.')) end
  send('Q' .. v)
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.REDIS_VERSION = '@VERSION@'
redis.REDIS_VERSION_NUM = @VERSION_NUM@

-- Readonly tables (Redis patches Lua with lua_enablereadonlytable; stock 5.1 gets proxies).
local readonly = setmetatable({}, {__mode = 'k'})
local function ro_error() error('Attempt to modify a readonly table', 2) end
local function protect(t)
  local proxy = {}
  setmetatable(proxy, {__index = t, __newindex = ro_error, __metatable = false})
  readonly[proxy] = true
  return proxy
end

for _, name in ipairs({'error_reply', 'status_reply', 'sha1hex', 'log', 'setresp', 'set_repl'}) do
  redis[name] = cfunction(redis[name])
end

-- math.random / math.randomseed: Redis's redisLrand48 (rand.c), a 48-bit LCG
-- x = 0x5DEECE66D * x + 0xB mod 2^48 kept in 16-bit limbs (exact in doubles). Its state lives
-- for the life of the server (not reset per script), from rand.c's initial value.
local floor = math.floor
local rx0, rx1, rx2 = 0x330E, 0xABCD, 0x1234
local function lrand48()
  local p = 0xE66D * rx0 + 0xB
  local n0 = p % 65536
  p = floor(p / 65536) + 0xE66D * rx1 + 0xDEEC * rx0
  local n1 = p % 65536
  p = floor(p / 65536) + 0xE66D * rx2 + 0xDEEC * rx1 + 0x5 * rx0
  rx0, rx1, rx2 = n0, n1, p % 65536
  return rx2 * 32768 + floor(rx1 / 2)
end
-- luaL_checkint: a number (or numeric string), truncated to a C int.
local function checkint(v, n)
  local x = tonumber(v)
  if x == nil then
    local got = v == nil and 'no value' or type(v)
    error('bad argument #' .. n .. " to '?' (number expected, got " .. got .. ')', 0)
  end
  if x >= 0 then return floor(x) end
  return -floor(-x)
end
local math_lib = {}
for k, v in pairs(math) do math_lib[k] = v end
math_lib.random = cfunction(function(...)
  local r = (lrand48() % 2147483647) / 2147483647
  local n = select('#', ...)
  if n == 0 then return r end
  if n == 1 then
    local u = checkint((...), 1)
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 0) end
    return floor(r * u) + 1
  end
  if n == 2 then
    local l, u = ...
    l, u = checkint(l, 1), checkint(u, 2)
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 0) end
    return floor(r * (u - l + 1)) + l
  end
  error('wrong number of arguments', 0)
end)
math_lib.randomseed = cfunction(function(seed)
  local s = checkint(seed, 1) % 4294967296
  rx0, rx1, rx2 = 0x330E, s % 65536, floor(s / 65536) % 65536
end)

-- bit (LuaBitOp): arguments checked here, arithmetic by the host (exact 32-bit semantics).
local bit_lib = {}
local function bitfn(name, nargs)
  return cfunction(function(...)
    local n = select('#', ...)
    local want = nargs
    if want == 0 then want = n > 0 and n or 1 end
    if name == 'tohex' and n < 2 then want = 1 end
    local parts = {'b', name}
    for i = 1, want do
      local a = select(i, ...)
      local v = tonumber(a)
      if v == nil then
        local got = i > n and 'no value' or type(a)
        error('bad argument #' .. i .. " to '" .. name .. "' (number expected, got " .. got .. ')', 0)
      end
      parts[#parts + 1] = sformat('%.17g', v)
    end
    send(concat(parts, '\n'))
    local r = recv()
    if name == 'tohex' then return r end
    return tonumber(r)
  end)
end
for name, nargs in pairs({tobit = 1, bnot = 1, bswap = 1, band = 0, bor = 0, bxor = 0, lshift = 2,
    rshift = 2, arshift = 2, rol = 2, ror = 2, tohex = 2}) do
  bit_lib[name] = bitfn(name, nargs)
end

-- cjson (lua-cjson 2.1 as bundled by Redis): encode here, decode by the host (it returns Lua
-- source that rebuilds the value).
local cjson_null = newproxy(true)
getmetatable(cjson_null).__tostring = function() return 'userdata: (nil)' end
getmetatable(cjson_null).__metatable = false
local mhuge = math.huge
local ESC = {['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t', ['\127'] = '\\u007f'}
for i = 0, 31 do
  local c = string.char(i)
  if not ESC[c] then ESC[c] = sformat('\\u%04x', i) end
end
local function json_string(v) return '"' .. sgsub(v, '[%c"\\/]', ESC) .. '"' end
local function json_fail(v, reason) error('Cannot serialise ' .. type(v) .. ': ' .. reason, 0) end
local function json_number(v)
  if v ~= v or v == mhuge or v == -mhuge then json_fail(v, 'must not be NaN or Inf') end
  return sformat('%.14g', v)
end
local json_value
local function json_table(t, depth, out)
  depth = depth + 1
  if depth > 1000 then error('Cannot serialise, excessive nesting (' .. depth .. ')', 0) end
  -- lua_array_length: only positive integer keys make an array
  local max, items = 0, 0
  for k in next, t do
    if type(k) == 'number' and k > 0 and floor(k) == k then
      if k > max then max = k end
      items = items + 1
    else
      max = -1
      break
    end
  end
  if max > 0 and max > items * 2 and max > 10 then json_fail(t, 'excessively sparse array') end
  if max > 0 then
    out[#out + 1] = '['
    for i = 1, max do
      if i > 1 then out[#out + 1] = ',' end
      json_value(rawget(t, i), depth, out)
    end
    out[#out + 1] = ']'
    return
  end
  out[#out + 1] = '{'
  local first = true
  for k, v in next, t do
    if not first then out[#out + 1] = ',' end
    first = false
    local kt = type(k)
    if kt == 'string' then out[#out + 1] = json_string(k)
    elseif kt == 'number' then out[#out + 1] = '"' .. json_number(k) .. '"'
    else json_fail(k, 'table key must be a number or string') end
    out[#out + 1] = ':'
    json_value(v, depth, out)
  end
  out[#out + 1] = '}'
end
json_value = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = json_string(v)
  elseif t == 'number' then out[#out + 1] = json_number(v)
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'table' then json_table(v, depth, out)
  elseif v == nil or v == cjson_null then out[#out + 1] = 'null'
  else json_fail(v, 'type not supported') end
end
local cjson_lib = {null = cjson_null}
cjson_lib.encode = cfunction(function(...)
  if select('#', ...) ~= 1 then error('bad argument #1 to \'encode\' (expected 1 argument)', 0) end
  local out = {}
  json_value((...), 0, out)
  return concat(out)
end)
local decode_env = {N = cjson_null}
cjson_lib.decode = cfunction(function(...)
  if select('#', ...) ~= 1 then error('bad argument #1 to \'decode\' (expected 1 argument)', 0) end
  local s = ...
  if type(s) ~= 'string' and type(s) ~= 'number' then
    error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ')', 0)
  end
  send('J' .. s)
  local r = recv()
  if sbyte(r, 1) == 69 then error(ssub(r, 2), 0) end
  local f = loadstring(ssub(r, 2), '=cjson')
  setfenv(f, decode_env)
  return f()
end)

-- cmsgpack (lua-cmsgpack as bundled by Redis): values walked here, bytes made by the host.
local MSGPACK_MAX_NESTING = 16
local function mp_value(v, level, out)
  local t = type(v)
  if t == 'table' and level == MSGPACK_MAX_NESTING then t = 'nil' end
  if t == 'string' then out[#out + 1] = 's' .. #v .. '\n' .. v
  elseif t == 'number' then out[#out + 1] = 'd' .. sformat('%.17g', v) .. '\n'
  elseif t == 'boolean' then out[#out + 1] = v and 'T' or 'F'
  elseif t == 'table' then
    -- table_is_an_array: positive integer keys, no holes (max == count)
    local count, max, arr = 0, 0, true
    for k in next, v do
      if type(k) ~= 'number' or k < 1 or floor(k) ~= k then arr = false break end
      count = count + 1
      if k > max then max = k end
    end
    if arr and max == count then
      out[#out + 1] = 'a' .. count .. '\n'
      for i = 1, count do mp_value(rawget(v, i), level + 1, out) end
    else
      local n = 0
      for _ in next, v do n = n + 1 end
      out[#out + 1] = 'm' .. n .. '\n'
      for k, x in next, v do
        mp_value(k, level + 1, out)
        mp_value(x, level + 1, out)
      end
    end
  else out[#out + 1] = 'n' end
end
local cmsgpack_lib = {}
cmsgpack_lib.pack = cfunction(function(...)
  local n = select('#', ...)
  if n == 0 then error("bad argument #0 to 'pack' (MessagePack pack needs input.)", 0) end
  local out = {'M'}
  for i = 1, n do mp_value((select(i, ...)), 0, out) end
  send(concat(out))
  return recv()
end)
local unpack_env = {}
local function mp_unpack(fname, s, limit, offset)
  if type(s) ~= 'string' and type(s) ~= 'number' then
    error('bad argument #1 to \'' .. fname .. "' (string expected, got " .. (s == nil and 'no value' or type(s)) .. ')', 0)
  end
  send('U' .. limit .. '\n' .. offset .. '\n' .. s)
  local r = recv()
  if sbyte(r, 1) == 69 then error(ssub(r, 2), 0) end
  local f = loadstring(ssub(r, 2), '=cmsgpack')
  setfenv(f, unpack_env)
  return f()
end
local function optint(v) local n = tonumber(v) if n == nil then return 0 end return floor(n) end
cmsgpack_lib.unpack = cfunction(function(s) return mp_unpack('unpack', s, 0, 0) end)
cmsgpack_lib.unpack_one = cfunction(function(s, offset) return mp_unpack('unpack_one', s, 1, optint(offset)) end)
cmsgpack_lib.unpack_limit = cfunction(function(s, limit, offset)
  return mp_unpack('unpack_limit', s, optint(limit), optint(offset))
end)

-- coroutine: Lua-level hooks are per thread in 5.1 (Redis's C hook is inherited), so
-- coroutines made by scripts get the count hook here.
local cocreate, coresume = coroutine.create, coroutine.resume
local count_hook_ref
local coroutine_lib = {}
for k, v in pairs(coroutine) do coroutine_lib[k] = v end
coroutine_lib.create = function(f)
  local co = cocreate(f)
  dbg_sethook(co, count_hook_ref, '', 100000)
  return co
end
-- auxwrap: a C function (here a trampoline, so the script's frame and position stay).
local function wrap_result(ok, ...)
  if ok then return ... end
  error((...), 0)
end
coroutine_lib.wrap = function(f)
  local co = coroutine_lib.create(f)
  return cfunction(function(...) return wrap_result(coresume(co, ...)) end)
end

-- struct (lua_struct.c): the arguments go to the host, which packs / unpacks.
local function struct_call(op, ...)
  local n = select('#', ...)
  local parts = {'S', op}
  for i = 1, n do
    local a = select(i, ...)
    local t = type(a)
    if t == 'string' then parts[#parts + 1] = 's' .. #a .. '\n' .. a
    elseif t == 'number' then parts[#parts + 1] = 'n' .. sformat('%.17g', a) .. '\n'
    else parts[#parts + 1] = 't' .. t .. '\n' end
  end
  send(concat(parts))
  local r = recv()
  if sbyte(r, 1) == 69 then error(ssub(r, 2), 0) end
  return ssub(r, 2)
end
local struct_env = {}
local struct_lib = {}
struct_lib.pack = cfunction(function(...) return struct_call('p', ...) end)
struct_lib.size = cfunction(function(...) return tonumber(struct_call('z', ...)) end)
struct_lib.unpack = cfunction(function(...)
  local f = loadstring(struct_call('u', ...), '=struct')
  setfenv(f, struct_env)
  return f()
end)

local libs = {}
for _, name in ipairs({'string', 'table'}) do libs[name] = G[name] end
libs.coroutine = coroutine_lib
libs.math = math_lib
libs.bit = bit_lib
libs.cjson = cjson_lib
libs.cmsgpack = cmsgpack_lib
libs.struct = struct_lib
libs.redis = redis
libs.os = {clock = os_clock}
-- math.random / randomseed are Redis's own (redisLrand48) in real Redis; not replaced here.

-- The string metatable: getmetatable('') shows a readonly view whose __index is the
-- readonly string library.
local string_ro = protect(libs.string)
local smeta = getmetatable('')
smeta.__metatable = protect({__index = string_ro})

-- The globals Redis leaves to scripts (getfenv, setfenv, newproxy, print, dofile, loadfile,
-- require, module are not among them).
local allowed = {
  'assert', 'collectgarbage', 'error', 'gcinfo', 'getmetatable', 'ipairs', 'load', 'loadstring',
  'next', 'pairs', 'pcall', 'rawequal', 'rawget', 'rawset', 'select',
  'setmetatable', 'tonumber', 'tostring', 'type', 'unpack', 'xpcall', '_VERSION',
}
local env = {}
local visible = {}
for _, name in ipairs(allowed) do visible[name] = G[name] end
for name, t in pairs(libs) do
  if name == 'string' then visible[name] = string_ro else visible[name] = protect(t) end
end

-- Redis replaces pcall so that an error table raised by redis.call comes back as its message.
local function pcall_result(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' or type(m) == 'number' then e = m end
  end
  return false, e
end
visible.pcall = function(f, ...) return pcall_result(base_pcall(f, ...)) end
-- Redis's readonly check raises from inside the VM, without a position.
local READONLY = {err = 'ERR Attempt to modify a readonly table'}
visible.rawset = cfunction(function(t, k, v)
  if t == env or readonly[t] then error({err = READONLY.err}) end
  return rawset(t, k, v)
end)
visible.setmetatable = cfunction(function(t, m)
  if t == env or readonly[t] then error({err = READONLY.err}) end
  return setmetatable(t, m)
end)
visible.type = function(...)
  if select('#', ...) == 0 then error("bad argument #1 to 'type' (value expected)", 2) end
  local v = ...
  if callables[v] then return 'function' end
  return type(v)
end
-- Chunks compiled by the script see the script's globals, not the host's.
visible.loadstring = function(s, name)
  local f, e = loadstring(s, name)
  if f then setfenv(f, env) end
  return f, e
end
local base_load = load
visible.load = function(fn, name)
  local f, e = base_load(fn, name)
  if f then setfenv(f, env) end
  return f, e
end

-- KEYS / ARGV of the running script live here (Redis sets them as globals).
local current = {}
visible._G = env
local loading, load_redis = false, nil
local function global_index(_, k)
  if loading and k == 'redis' then return load_redis end
  local v = current[k]
  if v ~= nil then return v end
  v = visible[k]
  if v == nil then
    error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
  end
  return v
end
setmetatable(env, {
  __index = global_index,
  __newindex = ro_error,
  -- getmetatable(_G) shows a readonly table whose __index is a function, as in Redis.
  __metatable = protect({__index = global_index}),
})
readonly[env] = true

-- Lua value → the host's reply encoding (luaReplyToRedisReply).
local encode
local function enc_str(tag, s) return tag .. #s .. '\n' .. s end
local function clean(s) return (sgsub(s, '[\r\n]', ' ')) end
encode = function(v, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = enc_str('s', v)
  elseif t == 'number' then out[#out + 1] = 'i' .. sformat('%.17g', v) .. '\n'
  elseif t == 'boolean' then
    if resp == 2 then
      out[#out + 1] = v and 'i1\n' or 'n'
    else
      out[#out + 1] = v and 'T' or 'F'
    end
  elseif t == 'table' then
    local e = rawget(v, 'err')
    if type(e) == 'string' then out[#out + 1] = enc_str('E', clean(e)) return end
    local ok = rawget(v, 'ok')
    if type(ok) == 'string' then out[#out + 1] = enc_str('S', clean(ok)) return end
    local d = rawget(v, 'double')
    if type(d) == 'number' then out[#out + 1] = 'd' .. sformat('%.17g', d) .. '\n' return end
    local b = rawget(v, 'big_number')
    if type(b) == 'string' then out[#out + 1] = enc_str('B', clean(b)) return end
    local vs = rawget(v, 'verbatim_string')
    if type(vs) == 'table' then
      local f, s = rawget(vs, 'format'), rawget(vs, 'string')
      if type(f) == 'string' and type(s) == 'string' then
        out[#out + 1] = enc_str('V', ssub(f, 1, 3))
        out[#out + 1] = enc_str('V', s)
        return
      end
    end
    local m = rawget(v, 'map')
    if type(m) == 'table' then
      local n = 0
      for _ in next, m do n = n + 1 end
      out[#out + 1] = 'm' .. n .. '\n'
      for k, x in next, m do encode(k, out) encode(x, out) end
      return
    end
    local st = rawget(v, 'set')
    if type(st) == 'table' then
      local n = 0
      for _ in next, st do n = n + 1 end
      out[#out + 1] = 't' .. n .. '\n'
      for k in next, st do encode(k, out) end
      return
    end
    local slot = #out + 1
    out[slot] = ''
    local j = 1
    while true do
      local x = rawget(v, j)
      if x == nil then break end
      encode(x, out)
      j = j + 1
    end
    out[slot] = 'a' .. (j - 1) .. '\n'
  else
    out[#out + 1] = 'n'
  end
end

-- __redis__err__handler: a string error becomes {err='ERR '..msg}; source and line of the
-- script frame that raised it (skipping C frames and this host's own functions).
local function handler(e)
  local level = 2
  local i = dbg_getinfo(level, 'Sl')
  while i and (i.what == 'C' or i.source == '=redis_host') do
    level = level + 1
    i = dbg_getinfo(level, 'Sl')
  end
  if type(e) ~= 'table' then e = {err = 'ERR ' .. tostring(e)} end
  if i then
    e.source = i.source
    e.line = i.currentline
  end
  return e
end

local scripts = {}

-- luaMaskCountHook: every 100000 instructions ask the host whether the script was killed
-- (SCRIPT KILL, or the front end's busy handler). Once killed, the hook fires on every line so
-- a pcall in the script cannot swallow the kill.
local KILLED = 'ERR Script killed by user with SCRIPT KILL...'
-- Raise only in the script's own code: the host's functions (source '=redis_host') must not
-- be interrupted half way.
local function in_script()
  local i = dbg_getinfo(3, 'S')
  return i ~= nil and i.source ~= '=redis_host'
end
local function line_hook()
  if in_script() then error({err = KILLED}) end
end
local line_mode = false
local function count_hook()
  send('K')
  if recv() == 'k' then
    line_mode = true
    dbg_sethook(line_hook, 'l')
    if in_script() then error({err = KILLED}) end
  end
end

count_hook_ref = count_hook
dbg_sethook(count_hook, '', 100000)

local function run(f, nk, args, as_function)
  local keys, argv = {}, {}
  for i = 1, nk do keys[i] = args[i] end
  for i = nk + 1, #args do argv[i - nk] = args[i] end
  resp = 2
  -- The count hook stays set on the main thread; a killed script left it in line mode.
  if line_mode then
    line_mode = false
    dbg_sethook(count_hook, '', 100000)
  end
  local ok, r
  if as_function then
    -- FCALL: the function gets keys and args as arguments; no KEYS / ARGV globals.
    ok, r = xpcall(function() return f(keys, argv) end, handler)
  else
    current.KEYS = keys
    current.ARGV = argv
    ok, r = xpcall(f, handler)
    current.KEYS = nil
    current.ARGV = nil
  end
  if not ok then
    local msg = r
    if type(r) == 'table' then
      msg = rawget(r, 'err')
      if type(msg) ~= 'string' then msg = 'ERR unknown error' end
      msg = clean(msg)
      local src, line = rawget(r, 'source'), rawget(r, 'line')
      if src and line then return 'X' .. sformat('%s\n%s\n%s', msg, src, line) end
      return 'X' .. msg .. '\n\n'
    end
    return 'X' .. clean(tostring(msg)) .. '\n\n'
  end
  local t = type(r)
  if t == 'string' then return 'Rs' .. #r .. '\n' .. r end
  if t == 'number' then return 'Ri' .. sformat('%.17g', r) .. '\n' end
  if r == nil then return 'Rn' end
  local out = {'R'}
  encode(r, out)
  return concat(out)
end

-- Redis Functions: libraries register functions while their code runs (FUNCTION LOAD).
local functions = {}      -- function name -> callback
local lib_functions = {}  -- library name -> list of function names
local staged = nil        -- {name = lib, fns = {name -> callback}, order = {names}}
local FLAGS = {['no-writes'] = true, ['allow-oom'] = true, ['allow-stale'] = true,
  ['no-cluster'] = true, ['allow-cross-slot-keys'] = true}
local function bad_name(n)
  return type(n) ~= 'string' or n == '' or sfind(n, '[^%w_]') ~= nil
end
local NAME_RULE = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'
local function register(name, callback, flags, description)
  if bad_name(name) then error(err_table(NAME_RULE)) end
  if staged.fns[name] then error(err_table('Function already exists in the library')) end
  local fl = {}
  if flags ~= nil then
    for _, f in ipairs(flags) do
      if type(f) ~= 'string' or not FLAGS[f] then error(err_table('unknown flag given')) end
      fl[#fl + 1] = f
    end
  end
  staged.fns[name] = callback
  staged.order[#staged.order + 1] = {name = name, flags = fl, description = description}
end
local register_function = cfunction(function(...)
  local n = select('#', ...)
  local a, b = ...
  if n == 1 and type(a) == 'table' then
    local name, callback, flags, description
    for k, v in next, a do
      if k == 'function_name' then
        if type(v) ~= 'string' then error(err_table('function_name argument given to redis.register_function must be a string')) end
        name = v
      elseif k == 'description' then
        if type(v) ~= 'string' then error(err_table('description argument given to redis.register_function must be a string')) end
        description = v
      elseif k == 'callback' then
        if type(v) ~= 'function' then error(err_table('callback argument given to redis.register_function must be a function')) end
        callback = v
      elseif k == 'flags' then
        if type(v) ~= 'table' then error(err_table('flags argument to redis.register_function must be a table representing function flags')) end
        flags = v
      else
        error(err_table('unknown argument given to redis.register_function'))
      end
    end
    if not name then error(err_table('redis.register_function must get a function name argument')) end
    if not callback then error(err_table('redis.register_function must get a callback argument')) end
    register(name, callback, flags, description)
    return
  end
  if n ~= 2 then error(err_table('wrong number of arguments to redis.register_function')) end
  if type(a) == 'number' then a = tostring(a) end
  if type(a) ~= 'string' then error(err_table('first argument to redis.register_function must be a string')) end
  if type(b) ~= 'function' then error(err_table('second argument to redis.register_function must be a function')) end
  register(a, b, nil, nil)
end)
do
  local api = {register_function = register_function, log = redis.log, LOG_DEBUG = 0, LOG_VERBOSE = 1,
    LOG_NOTICE = 2, LOG_WARNING = 3, REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM}
  load_redis = setmetatable({}, {
    __index = function(_, k)
      local v = api[k]
      if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
      return v
    end,
    __newindex = ro_error,
    __metatable = false,
  })
  readonly[load_redis] = true
end

local function load_library(name, code)
  local f, e = loadstring(code, '@user_function')
  if not f then return 'XC' .. tostring(e) end
  setfenv(f, env)
  staged = {name = name, fns = {}, order = {}}
  loading = true
  local ok, r = xpcall(f, handler)
  loading = false
  if not ok then
    staged = nil
    local msg = type(r) == 'table' and rawget(r, 'err') or tostring(r)
    return 'XR' .. clean(tostring(msg))
  end
  local out = {'R'}
  for _, fn in ipairs(staged.order) do
    out[#out + 1] = 'f' .. #fn.name .. '\n' .. fn.name
    if fn.description then out[#out + 1] = 'd' .. #fn.description .. '\n' .. fn.description end
    out[#out + 1] = 'g' .. concat(fn.flags, ',') .. '\n'
  end
  return concat(out)
end

local function delete_library(name)
  for _, fname in ipairs(lib_functions[name] or {}) do functions[fname] = nil end
  lib_functions[name] = nil
end

-- Requests from the host: 'L'<sha><body> compiles, 'E'<sha><nkeys>\n<n>\n(<len>\n<bytes>)* runs.
function __rs_entry()
  local req = recv()
  local op = sbyte(req, 1)
  if op == 76 then
    local sha = ssub(req, 2, 41)
    local f, e = loadstring(ssub(req, 42), '@user_script')
    if not f then send('X' .. tostring(e)) return end
    setfenv(f, env)
    scripts[sha] = f
    send('R')
  elseif op == 69 then
    local sha = ssub(req, 2, 41)
    local p = 42
    local e = sfind(req, '\n', p, true)
    local nk = tonumber(ssub(req, p, e - 1))
    p = e + 1
    e = sfind(req, '\n', p, true)
    local n = tonumber(ssub(req, p, e - 1))
    p = e + 1
    local args = {}
    for i = 1, n do
      e = sfind(req, '\n', p, true)
      local len = tonumber(ssub(req, p, e - 1))
      args[i] = ssub(req, e + 1, e + len)
      p = e + 1 + len
    end
    send(run(scripts[sha], nk, args))
  elseif op == 70 then
    scripts = {}
    collectgarbage()
    send('R')
  elseif op == 78 then -- 'N' <name>\n<code>: load a library (staged until 'Y')
    local nl = sfind(req, '\n', 2, true)
    send(load_library(ssub(req, 2, nl - 1), ssub(req, nl + 1)))
  elseif op == 89 then -- 'Y' commit the staged library (replacing one of the same name)
    delete_library(staged.name)
    local names = {}
    for _, fn in ipairs(staged.order) do
      functions[fn.name] = staged.fns[fn.name]
      names[#names + 1] = fn.name
    end
    lib_functions[staged.name] = names
    staged = nil
    send('R')
  elseif op == 90 then -- 'Z' discard the staged library
    staged = nil
    send('R')
  elseif op == 68 then -- 'D' <name>: delete a library
    delete_library(ssub(req, 2))
    send('R')
  elseif op == 87 then -- 'W': delete all libraries
    functions, lib_functions = {}, {}
    collectgarbage()
    send('R')
  elseif op == 71 then -- 'G' <fname>\n<nkeys>\n<n>\n(<len>\n<bytes>)*: FCALL
    local p = 2
    local e = sfind(req, '\n', p, true)
    local fname = ssub(req, p, e - 1)
    p = e + 1
    e = sfind(req, '\n', p, true)
    local nk = tonumber(ssub(req, p, e - 1))
    p = e + 1
    e = sfind(req, '\n', p, true)
    local n = tonumber(ssub(req, p, e - 1))
    p = e + 1
    local args = {}
    for i = 1, n do
      e = sfind(req, '\n', p, true)
      local len = tonumber(ssub(req, p, e - 1))
      args[i] = ssub(req, e + 1, e + len)
      p = e + 1 + len
    end
    send(run(functions[fname], nk, args, true))
  end
end

-- Remove everything a script must not reach.
for k in next, G do
  if k ~= '__rs_entry' then G[k] = nil end
end
`;

/** The arity-specialised fast paths of command() (see the comment there). */
function fastPaths(): string {
  const out: string[] = [];
  for (let n = 1; n <= 8; n++) {
    const vars = Array.from({ length: n }, (_, i) => `a${i + 1}`);
    const checks = vars.map((v) => `type(${v}) == 'string'`).join(' and ');
    const parts = vars.map((v) => `SLEN[#${v}] .. ${v}`).join(' .. ');
    out.push(`    ${n === 1 ? 'if' : 'elseif'} n == ${n} then
      local ${vars.join(', ')} = ...
      if ${checks} then
        send('C${n}\\n' .. ${parts})
        local r = reply()
        if raise and type(r) == 'table' and rawget(r, 'err') then revive_call() error(r) end
        return r
      end`);
  }
  out.push('    end');
  return out.join('\n');
}

export const PRELUDE = PRELUDE_TEMPLATE.replace('@FAST@', fastPaths());
