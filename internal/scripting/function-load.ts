// FUNCTION LOAD's Lua side: the library-load environment (only redis.register_function, redis.log and the version), register_function's argument rules, the load timeout.
//
// Redis runs functions in a Lua state of their own, separate from EVAL's, and swaps the globals'
// __index to a library API table while a library's code runs. Here each library chunk gets an
// environment table of its own (setfenv) whose __index is a fresh library API table during the
// load and the sandbox's globals afterwards; closures created by the chunk share that
// environment, so the functions it registers see the full run-time globals once loaded.
import { pushErrorTable } from './convert.js';
import type { LuaEngine } from './engine.js';
import {
  cfunction,
  cname,
  lua,
  LUA_MASKCOUNT,
  LUA_MASKLINE,
  LUA_REGISTRYINDEX,
  LUA_TFUNCTION,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  toString,
  type LuaState,
} from './lua.js';
import { parseFlagList, type ScriptFlags } from './shebang.js';

/** One function a library registered: its callback is a registry reference in the engine's state. */
export interface RegisteredFunction {
  readonly name: string;
  readonly description: string | null;
  readonly flags: ScriptFlags;
  readonly ref: number;
}

/**
 * Runs once per functions engine: `prepare(chunk)` gives the chunk its environment (library API
 * now) and returns the function that switches it to the run-time globals.
 */
const LOAD_PRELUDE = `
local register = ...
local G = _G
local redis, error, tostring, rawget, setmetatable, setfenv = redis, error, tostring, rawget, setmetatable, setfenv
local function readonly() error('Attempt to modify a readonly table', 2) end
-- a read-only view of t whose missing keys raise Redis's nonexistent-global error
local function api(t)
  return setmetatable({}, {
    __index = function(_, k)
      local v = rawget(t, k)
      if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
      return v
    end,
    __newindex = readonly,
    __metatable = false,
  })
end
return function(chunk)
  local lib = api({
    register_function = register, log = redis.log,
    LOG_DEBUG = redis.LOG_DEBUG, LOG_VERBOSE = redis.LOG_VERBOSE, LOG_NOTICE = redis.LOG_NOTICE, LOG_WARNING = redis.LOG_WARNING,
    REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
  })
  local mt = {__index = api({redis = lib}), __newindex = readonly, __metatable = false}
  setfenv(chunk, setmetatable({}, mt))
  return function() mt.__index = G end
end
`;

/** What register_function adds to while a library loads (null otherwise: it refuses at run time). */
interface LoadState {
  readonly functions: Map<string, RegisteredFunction>;
  readonly deadline: number;
}
let loading: LoadState | null = null;

function fail(L: LuaState, message: string): number {
  pushErrorTable(L, message, false, false);
  lua._lua_error(L);
  return 0;
}

/** luaGetStringSds: a string or a number (as its string), otherwise null. */
function stringAt(L: LuaState, idx: number): string | null {
  const t = lua._lua_type(L, idx);
  return t === LUA_TSTRING || t === LUA_TNUMBER ? toString(L, idx) : null;
}

/** The flags table at the top of the stack (luaRegisterFunctionReadFlags): null when a flag is unknown. */
function readFlags(L: LuaState): ScriptFlags | null {
  const names: string[] = [];
  for (let j = 1; ; j++) {
    lua._lua_rawgeti(L, -1, j);
    const t = lua._lua_type(L, -1);
    if (t === LUA_TNIL) {
      lua._lua_settop(L, -2);
      break;
    }
    const s = t === LUA_TSTRING || t === LUA_TNUMBER ? (toString(L, -1) as string) : null;
    lua._lua_settop(L, -2);
    if (s === null) return null;
    names.push(s.toLowerCase());
  }
  const parsed = parseFlagList(names);
  return 'unknown' in parsed ? null : parsed.flags;
}

interface Named {
  name: string | null;
  description: string | null;
  ref: number;
  flags: ScriptFlags;
}

/** The table form: `{function_name=, callback=, flags=, description=}` (keys case-insensitive). */
function readNamed(L: LuaState, out: Named): string | null {
  if (lua._lua_type(L, 1) !== LUA_TTABLE) return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
  lua._lua_pushnil(L);
  while (lua._lua_next(L, 1) !== 0) {
    const key = lua._lua_type(L, -2) === LUA_TSTRING ? (toString(L, -2) as string).toLowerCase() : null;
    if (key === null) return 'named argument key given to redis.register_function is not a string';
    if (key === 'function_name') {
      if ((out.name = stringAt(L, -1)) === null) return 'function_name argument given to redis.register_function must be a string';
    } else if (key === 'description') {
      if ((out.description = stringAt(L, -1)) === null) return 'description argument given to redis.register_function must be a string';
    } else if (key === 'callback') {
      if (lua._lua_type(L, -1) !== LUA_TFUNCTION) return 'callback argument given to redis.register_function must be a function';
      if (out.ref !== 0) lua._luaL_unref(L, LUA_REGISTRYINDEX, out.ref);
      out.ref = lua._luaL_ref(L, LUA_REGISTRYINDEX);
      continue;
    } else if (key === 'flags') {
      if (lua._lua_type(L, -1) !== LUA_TTABLE) return 'flags argument to redis.register_function must be a table representing function flags';
      const flags = readFlags(L);
      if (flags === null) return 'unknown flag given';
      out.flags = flags;
    } else {
      return 'unknown argument given to redis.register_function';
    }
    lua._lua_settop(L, -2);
  }
  if (out.name === null) return 'redis.register_function must get a function name argument';
  if (out.ref === 0) return 'redis.register_function must get a callback argument';
  return null;
}

/** Library and function names: letters, digits and underscores, at least one (functionsVerifyName). */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

export const NAME_RULE = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** redis.register_function (luaRegisterFunction). */
function registerFunction(L: LuaState): number {
  const st = loading;
  if (st === null) return fail(L, 'redis.register_function can only be called on FUNCTION LOAD command');
  const argc = lua._lua_gettop(L);
  if (argc < 1 || argc > 2) return fail(L, 'wrong number of arguments to redis.register_function');
  const out: Named = { name: null, description: null, ref: 0, flags: { noWrites: false, allowOom: false, allowStale: false, noCluster: false, allowCrossSlot: false } };
  let err: string | null;
  if (argc === 1) {
    err = readNamed(L, out);
  } else {
    out.name = stringAt(L, 1);
    if (out.name === null) err = 'first argument to redis.register_function must be a string';
    else if (lua._lua_type(L, 2) !== LUA_TFUNCTION) err = 'second argument to redis.register_function must be a function';
    else {
      out.ref = lua._luaL_ref(L, LUA_REGISTRYINDEX);
      err = null;
    }
  }
  if (err === null) {
    const name = out.name as string;
    if (!validName(name)) err = NAME_RULE;
    else if (st.functions.has(name)) err = 'Function already exists in the library';
    else st.functions.set(name, { name, description: out.description, flags: out.flags, ref: out.ref });
  }
  if (err !== null) {
    if (out.ref !== 0) lua._luaL_unref(L, LUA_REGISTRYINDEX, out.ref);
    return fail(L, err);
  }
  return 0;
}

/** Process-wide C functions (wasm function-table slots are never freed). */
let cfuncs: { register: number; hook: number } | null = null;

function loadHook(L: LuaState): void {
  const st = loading;
  if (st === null || st.deadline === 0 || Date.now() <= st.deadline) return;
  // Every line from now on, so a pcall in the library cannot swallow the timeout for long.
  lua._lua_sethook(L, (cfuncs as { hook: number }).hook, LUA_MASKLINE, 0);
  pushErrorTable(L, 'FUNCTION LOAD timeout', false, false);
  lua._lua_error(L);
}

/** Per engine: the registry reference of the prelude's `prepare` function. */
const prepared = new WeakMap<LuaEngine, { L: LuaState; ref: number }>();

function prepareRef(engine: LuaEngine): number {
  cfuncs ??= { register: cfunction(registerFunction), hook: lua.addFunction((L: number) => loadHook(L), 'vii') };
  const known = prepared.get(engine);
  // engine.reset() makes a new state: the prelude runs again in it.
  if (known !== undefined && known.L === engine.L) return known.ref;
  const L = engine.L;
  const compiled = engine.compile(LOAD_PRELUDE, '@prelude');
  if ('error' in compiled) throw new Error(`function prelude: ${compiled.error}`);
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, compiled.ref);
  lua._lua_pushcclosure(L, cfuncs.register, 0);
  const status = lua._lua_pcall(L, 1, 1, 0);
  engine.release(compiled.ref);
  if (status !== 0) {
    const msg = toString(L, -1) ?? '?';
    lua._lua_settop(L, 0);
    throw new Error(`function prelude: ${msg}`);
  }
  const ref = lua._luaL_ref(L, LUA_REGISTRYINDEX);
  prepared.set(engine, { L, ref });
  return ref;
}

/** The error a failed load left on the stack (luaExtractErrorInformation): a table's `err`, or `ERR <string>`. */
function loadError(L: LuaState): string {
  if (lua._lua_type(L, -1) === LUA_TTABLE) {
    lua._lua_getfield(L, -1, cname('err'));
    const s = stringAt(L, -1);
    lua._lua_settop(L, -2);
    if (s !== null) return s;
  }
  const s = stringAt(L, -1);
  return s === null ? 'ERR unknown error' : `ERR ${s}`;
}

/**
 * Compiles and runs a library's code (after its `#!` line) in the load environment: the functions
 * it registered, or the error message without its `ERR ` (Redis's wording). `timeoutMs` 0 means
 * no limit (AOF replay and peers, as Redis exempts its master and the AOF loader).
 */
export function runLibrary(engine: LuaEngine, code: string, timeoutMs: number): { functions: Map<string, RegisteredFunction> } | { error: string } {
  const prepare = prepareRef(engine);
  const L = engine.L;
  const compiled = engine.compile(code, '@user_function');
  if ('error' in compiled) return { error: `Error compiling function: ${compiled.error}` };
  const st: LoadState = { functions: new Map(), deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0 };
  lua._lua_settop(L, 0);
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, prepare);
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, compiled.ref);
  if (lua._lua_pcall(L, 1, 1, 0) !== 0) {
    const msg = loadError(L);
    lua._lua_settop(L, 0);
    engine.release(compiled.ref);
    return { error: msg };
  }
  // Stack: [finish]; then the chunk runs with register_function live and the timeout hook set.
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, compiled.ref);
  engine.release(compiled.ref);
  const outer = loading;
  loading = st;
  let error: string | null = null;
  try {
    lua._lua_sethook(L, (cfuncs as { hook: number }).hook, LUA_MASKCOUNT, 100000);
    if (lua._lua_pcall(L, 0, 0, 0) !== 0) {
      error = `Error registering functions: ${loadError(L)}`;
      lua._lua_settop(L, 1);
    }
  } finally {
    lua._lua_sethook(L, 0, 0, 0);
    loading = outer;
    // Whatever happened, the environment now reads the run-time globals.
    lua._lua_pcall(L, 0, 0, 0);
    lua._lua_settop(L, 0);
  }
  if (error !== null) {
    for (const f of st.functions.values()) engine.release(f.ref);
    return { error };
  }
  return { functions: st.functions };
}
