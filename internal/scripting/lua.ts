// The Lua 5.1 C API of the WebAssembly build (wasmoon-lua5.1), typed, with byte-exact string transfer in both directions.
//
// Redis runs Lua 5.1, so ringcache does too: `unpack`, `table.getn`, `setfenv`, `loadstring` and
// 5.1's string/number coercions behave as scripts written for Redis expect. Only the raw C API is
// used (not the package's JS wrapper): Redis strings are bytes, and the wrapper's strings go
// through UTF-8, which would corrupt binary values. Our strings are latin1 (one char per byte), so
// they are copied into and out of the wasm heap byte for byte.
import { LuaApi } from 'wasmoon-lua5.1';

/** A lua_State pointer. */
export type LuaState = number;

export const LUA_REGISTRYINDEX = -10000;
export const LUA_GLOBALSINDEX = -10002;
export const LUA_MULTRET = -1;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
export const LUA_TUSERDATA = 7;
/** lua_upvalueindex(1): a C closure's first upvalue. */
export const LUA_UPVALUE1 = LUA_GLOBALSINDEX - 1;

export const LUA_MASKCOUNT = 8;
export const LUA_MASKLINE = 4;
export const LUA_GCCOUNT = 3;
export const LUA_GCSTEP = 5;
export const LUA_GCSETPAUSE = 6;
export const LUA_GCCOLLECT = 2;

/** The emscripten module's exports ringcache calls (names as the C API, with emscripten's underscore). */
export interface LuaModule {
  HEAPU8: Uint8Array;
  _lua_newthread(L: LuaState): LuaState;
  _lua_resume(L: LuaState, narg: number): number;
  _lua_yield(L: LuaState, nresults: number): number;
  _lua_xmove(from: LuaState, to: LuaState, n: number): void;
  _lua_tothread(L: LuaState, idx: number): LuaState;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(fn: (...args: number[]) => number | void, sig: string): number;
  _luaL_newstate(): LuaState;
  _luaL_openlibs(L: LuaState): void;
  _lua_close(L: LuaState): void;
  _luaL_loadbuffer(L: LuaState, buf: number, len: number, name: number): number;
  _lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
  _lua_error(L: LuaState): number;
  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, idx: number): void;
  _lua_type(L: LuaState, idx: number): number;
  _lua_tolstring(L: LuaState, idx: number, lenPtr: number): number;
  _lua_tonumber(L: LuaState, idx: number): number;
  _lua_toboolean(L: LuaState, idx: number): number;
  _lua_pushlstring(L: LuaState, s: number, len: number): void;
  _lua_pushnumber(L: LuaState, n: number): void;
  _lua_pushboolean(L: LuaState, b: number): void;
  _lua_pushnil(L: LuaState): void;
  _lua_pushvalue(L: LuaState, idx: number): void;
  _lua_pushcclosure(L: LuaState, fn: number, n: number): void;
  _lua_createtable(L: LuaState, narr: number, nrec: number): void;
  _lua_rawseti(L: LuaState, idx: number, n: number): void;
  _lua_rawgeti(L: LuaState, idx: number, n: number): void;
  _lua_rawget(L: LuaState, idx: number): void;
  _lua_rawset(L: LuaState, idx: number): void;
  _lua_getfield(L: LuaState, idx: number, k: number): void;
  _lua_setfield(L: LuaState, idx: number, k: number): void;
  _lua_settable(L: LuaState, idx: number): void;
  _lua_next(L: LuaState, idx: number): number;
  _lua_objlen(L: LuaState, idx: number): number;
  _lua_insert(L: LuaState, idx: number): void;
  _lua_remove(L: LuaState, idx: number): void;
  _lua_checkstack(L: LuaState, n: number): number;
  _lua_sethook(L: LuaState, fn: number, mask: number, count: number): void;
  _lua_gc(L: LuaState, what: number, data: number): number;
  _luaL_ref(L: LuaState, t: number): number;
  _lua_pushlightuserdata(L: LuaState, p: number): void;
  _lua_touserdata(L: LuaState, idx: number): number;
  _lua_newuserdata(L: LuaState, size: number): number;
  _lua_isnumber(L: LuaState, idx: number): number;
  _lua_gettable(L: LuaState, idx: number): void;
  _lua_concat(L: LuaState, n: number): void;
  _lua_typename(L: LuaState, t: number): number;
  _luaL_where(L: LuaState, level: number): void;
  _luaL_argerror(L: LuaState, narg: number, msg: number): number;
  _luaL_typerror(L: LuaState, narg: number, tname: number): number;
  _luaL_checknumber(L: LuaState, narg: number): number;
  _luaL_checkstack(L: LuaState, n: number, msg: number): void;
  _luaL_checkoption(L: LuaState, narg: number, def: number, lst: number): number;
  _luaL_unref(L: LuaState, t: number, ref: number): void;
}

/**
 * The wasm instance's own exports, caught as the module instantiates. The package's build wraps
 * every export in a checking closure that spreads its arguments, which costs more than the C
 * function itself for the small API calls scripts and libraries make by the thousand; calling
 * the exports directly skips that (the heap views and addFunction still come from the module).
 */
async function initialize(): Promise<LuaModule> {
  // (the compiler's lib has no WebAssembly types here: the little used is typed locally)
  type Instantiate = (...args: unknown[]) => Promise<{ instance?: { exports: Record<string, unknown> }; exports?: Record<string, unknown> }>;
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
  let exports: Record<string, unknown> | undefined;
  const instantiate = wasm.instantiate;
  wasm.instantiate = async (...args) => {
    const r = await instantiate.apply(wasm, args);
    exports = r.instance?.exports ?? r.exports;
    return r;
  };
  let api: Awaited<ReturnType<typeof LuaApi.initialize>>;
  try {
    api = await LuaApi.initialize();
  } finally {
    wasm.instantiate = instantiate;
  }
  // One object built at once (defineProperties keeps it in V8's fast mode): adding a hundred
  // properties one by one turned it into a dictionary, and every `lua._lua_*` load in the
  // bridge became an uninlined hash lookup (4-5% of an EVALSHA in a profile).
  const module = api.module as unknown as LuaModule;
  const descriptors: PropertyDescriptorMap = {
    // The heap views are replaced when the heap grows: read through to the module's current ones.
    HEAPU8: { get: () => module.HEAPU8, enumerable: true },
    HEAPU32: { get: () => module.HEAPU32, enumerable: true },
    HEAP32: { get: () => module.HEAP32, enumerable: true },
    HEAPF64: { get: () => module.HEAPF64, enumerable: true },
    addFunction: { value: module.addFunction.bind(module), enumerable: true },
  };
  for (const [name, fn] of Object.entries(exports ?? {})) {
    if (typeof fn === 'function' && (name.startsWith('lua') || name === 'malloc' || name === 'free')) descriptors[`_${name}`] = { value: fn, enumerable: true };
  }
  return Object.defineProperties({}, descriptors) as LuaModule;
}

/** Loaded once per process; every node's Lua state lives in this one module's heap. */
export const lua = await initialize();

/** Scratch memory for string transfer, grown on demand. */
let scratch = lua._malloc(4096);
let scratchSize = 4096;
const lenPtr = lua._malloc(8);

function ensureScratch(n: number): number {
  if (n > scratchSize) {
    lua._free(scratch);
    scratchSize = Math.max(n, scratchSize * 2);
    scratch = lua._malloc(scratchSize);
  }
  return scratch;
}

/** Copies a latin1 string into scratch memory and returns its address (valid until the next call). */
export function cstring(s: string): number {
  const n = s.length;
  const p = ensureScratch(n + 1);
  const heap = lua.HEAPU8;
  for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i) & 0xff;
  heap[p + n] = 0;
  return p;
}

/**
 * A Buffer over the whole wasm heap, for latin1 transfer in one native call (a char-by-char loop
 * builds a cons string that every later hash of it, e.g. the keyspace lookup, must flatten first).
 * Rebuilt when the heap grows (growing detaches the old ArrayBuffer).
 */
type HeapBuffer = Buffer & { latin1Slice(start: number, end: number): string; latin1Write(s: string, offset: number, length: number): number };
let heapBuffer = Buffer.from(lua.HEAPU8.buffer) as HeapBuffer;
function heapView(): HeapBuffer {
  // A detached buffer (the heap grew) reads as empty.
  if (heapBuffer.length === 0) heapBuffer = Buffer.from(lua.HEAPU8.buffer) as HeapBuffer;
  return heapBuffer;
}

/** Pushes a latin1 string (bytes) onto the Lua stack. */
export function pushString(L: LuaState, s: string): void {
  const n = s.length;
  if (n > 16) {
    const p = ensureScratch(n);
    heapView().latin1Write(s, p, n);
    lua._lua_pushlstring(L, p, n);
    return;
  }
  const p = ensureScratch(n + 1);
  const heap = lua.HEAPU8;
  for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i) & 0xff;
  lua._lua_pushlstring(L, p, n);
}

/**
 * The string at `idx` (a number is converted in place, as lua_tolstring does), or null for other
 * types. Bytes become latin1 chars.
 */
export function toString(L: LuaState, idx: number): string | null {
  const p = lua._lua_tolstring(L, idx, lenPtr);
  if (p === 0) return null;
  const n = (lua.HEAPU32[lenPtr >> 2] as number) >>> 0;
  if (n === 0) return '';
  if (n === 1) return String.fromCharCode(lua.HEAPU8[p] as number);
  // (Buffer's own latin1 decoder, without toString's argument checks)
  return heapView().latin1Slice(p, p + n);
}

/**
 * Lua strings by heap address (see toStringCached), verified byte for byte on every hit: a
 * direct-mapped table (Lua's allocations are 8-byte aligned), so a lookup is two array reads
 * instead of a Map's hashing; two names that collide just miss.
 */
const CACHE_SLOTS = 1024;
const cachedAddrs = new Int32Array(CACHE_SLOTS);
const cachedStrings = new Array<string>(CACHE_SLOTS).fill('');
const slotOf = (p: number): number => (p >>> 3) & (CACHE_SLOTS - 1);

/**
 * toString for strings a script passes again and again, such as the command name of each
 * redis.call: Lua interns its strings, so a constant's address is stable while the chunk lives,
 * and handing back one JS string for it lets its hash be computed once (the command lookup is a
 * Map get). An address reused for other bytes after a collection is caught by the comparison.
 */
export function toStringCached(L: LuaState, idx: number, remember: boolean): string | null {
  const p = lua._lua_tolstring(L, idx, lenPtr);
  if (p === 0) return null;
  const n = (lua.HEAPU32[lenPtr >> 2] as number) >>> 0;
  // The run's KEYS and ARGV first (a few entries), then the names' table.
  for (let r = 0; r < runCount; r++) {
    if (runAddrs[r] === p) {
      const mine = runStrings[r] as string;
      if (sameBytes(mine, p, n)) return mine;
      break;
    }
  }
  const slot = slotOf(p);
  if (cachedAddrs[slot] === p) {
    const known = cachedStrings[slot] as string;
    if (sameBytes(known, p, n)) return known;
  }
  const s = n === 0 ? '' : heapView().latin1Slice(p, p + n);
  if (remember && n <= CACHED_MAX) {
    cachedAddrs[slot] = p;
    cachedStrings[slot] = s;
  }
  return s;
}

/** Strings longer than this are not cached (the comparison would cost what it saves). */
const CACHED_MAX = 64;

function sameBytes(s: string, p: number, n: number): boolean {
  if (s.length !== n) return false;
  const heap = lua.HEAPU8;
  let i = 0;
  while (i < n && heap[p + i] === s.charCodeAt(i)) i++;
  return i === n;
}

/**
 * KEYS and ARGV strings of the script running now, by Lua address: not in the Map above, whose
 * every run would add (and, with random keys, soon clear) entries that are never asked again.
 */
const RUN_MAX = 16;
const runAddrs: number[] = [];
const runStrings: string[] = [];
let runCount = 0;

/** A new run: the previous run's KEYS and ARGV are forgotten (a stale entry would only miss). */
export function forgetRunStrings(): void {
  runCount = 0;
}

/**
 * Pushes `s` and remembers its Lua address: a KEYS or ARGV element the script hands back to
 * redis.call then comes back as this very JS string (hash already computed) without a copy.
 */
export function pushStringRemembered(L: LuaState, s: string): void {
  pushString(L, s);
  if (s.length <= CACHED_MAX && s.length > 0 && runCount < RUN_MAX) {
    runAddrs[runCount] = lua._lua_tolstring(L, -1, 0);
    runStrings[runCount++] = s;
  }
}

/** Field names and other constant C strings, allocated once and kept for the process's life. */
const constants = new Map<string, number>();
export function cname(s: string): number {
  let p = constants.get(s);
  if (p === undefined) {
    p = lua._malloc(s.length + 1);
    const heap = lua.HEAPU8;
    for (let i = 0; i < s.length; i++) heap[p + i] = s.charCodeAt(i);
    heap[p + s.length] = 0;
    constants.set(s, p);
  }
  return p;
}

/** A JS function callable from Lua (lua_CFunction): returns the number of results it pushed. */
export function cfunction(fn: (L: LuaState) => number): number {
  return lua.addFunction(fn, 'ii');
}
