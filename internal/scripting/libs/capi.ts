// Helpers the C libraries share: raising errors exactly as lauxlib words them, argument checks, raw byte access to Lua strings.
import { cfunction, cname, cstring, lua, LUA_UPVALUE1, pushString, type LuaState } from '../lua.js';

/** A library function as Lua calls it: returns how many results it pushed. */
export type LuaFn = (L: LuaState) => number;

/**
 * A library function as a lua_CFunction. Lua errors unwind as emscripten's longjmp (a thrown
 * number) and pass through; any other JS exception would skip Lua's own unwinding and leave the
 * state broken, so it becomes a Lua error here. The only expected one is V8's stack limit on
 * input nested deeper than the JS recursion reaches: `overflow` words that error.
 */
export function libFunction(fn: LuaFn, overflow = 'stack overflow'): number {
  return cfunction((L) => {
    try {
      return fn(L);
    } catch (e) {
      if (typeof e === 'number') throw e;
      return luaError(L, e instanceof RangeError ? overflow : String(e));
    }
  });
}

/**
 * luaL_error: the message prefixed with the caller's position (`user_script:1: `, or nothing
 * when a C function such as pcall called us), raised as a Lua error. lua_error unwinds through
 * this JS frame as an exception, so this never returns.
 */
export function luaError(L: LuaState, message: string): never {
  lua._luaL_where(L, 1);
  pushString(L, message);
  lua._lua_concat(L, 2);
  lua._lua_error(L);
  throw new Error('lua_error returned');
}

/** luaL_argerror: `bad argument #n to 'name' (msg)`, with the name Lua's call info gives. */
export function argError(L: LuaState, narg: number, message: string): never {
  lua._luaL_argerror(L, narg, cstring(message));
  throw new Error('lua_error returned');
}

/** luaL_typerror: `bad argument #n to 'name' (<tname> expected, got <type>)`. */
export function typeError(L: LuaState, narg: number, tname: string): never {
  lua._luaL_typerror(L, narg, cname(tname));
  throw new Error('lua_error returned');
}

/** luaL_checkstack: room for `n` more slots or `stack overflow (msg)`. */
export function checkStack(L: LuaState, n: number, message: string): void {
  lua._luaL_checkstack(L, n, cname(message));
}

/** luaL_checknumber. */
export function checkNumber(L: LuaState, narg: number): number {
  return lua._luaL_checknumber(L, narg);
}

/** luaL_checkinteger on a 64-bit build: the number truncated toward zero (lua_Integer is 64 bits there). */
export function checkInteger(L: LuaState, narg: number): number {
  return Math.trunc(lua._luaL_checknumber(L, narg));
}

/** luaL_optinteger. */
export function optInteger(L: LuaState, narg: number, def: number): number {
  return lua._lua_type(L, narg) <= 0 ? def : checkInteger(L, narg);
}

const lenPtr = lua._malloc(8);

/** A Lua string's bytes in the wasm heap (valid while the value stays on the stack), or null. */
export interface RawString {
  readonly ptr: number;
  readonly len: number;
}

/** lua_tolstring without copying: where the bytes are (numbers are converted in place, as C does). */
export function rawString(L: LuaState, idx: number): RawString | null {
  const ptr = lua._lua_tolstring(L, idx, lenPtr);
  if (ptr === 0) return null;
  return { ptr, len: (lua.HEAPU32[lenPtr >> 2] as number) >>> 0 };
}

/** luaL_checklstring without copying. */
export function checkRawString(L: LuaState, narg: number): RawString {
  return rawString(L, narg) ?? typeError(L, narg, 'string');
}

/** Pushes `n` bytes of JS memory as a Lua string. */
export function pushBytes(L: LuaState, bytes: Uint8Array, n: number): void {
  const p = lua._malloc(n > 0 ? n : 1);
  try {
    lua.HEAPU8.set(bytes.subarray(0, n), p);
    lua._lua_pushlstring(L, p, n);
  } finally {
    lua._free(p);
  }
}

/** A C closure with one upvalue (the value at the top, which it pops), set as field `name` of the table below it. */
export function setClosure(L: LuaState, fn: number, name: string): void {
  lua._lua_pushcclosure(L, fn, 1);
  lua._lua_setfield(L, -2, cname(name));
}

/** A C function without upvalues, set as field `name` of the table at the top. */
export function setFunction(L: LuaState, fn: number, name: string): void {
  lua._lua_pushcclosure(L, fn, 0);
  lua._lua_setfield(L, -2, cname(name));
}

/** The address of the running closure's first upvalue when it is a userdata. */
export function upvalueData(L: LuaState): number {
  return lua._lua_touserdata(L, LUA_UPVALUE1);
}

/** The string field `name` = `value` of the table at the top. */
export function setStringField(L: LuaState, name: string, value: string): void {
  pushString(L, value);
  lua._lua_setfield(L, -2, cname(name));
}

/** A growable byte buffer for building a Lua string in JS memory. */
export class ByteWriter {
  buf = new Uint8Array(256);
  len = 0;

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  push(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** Copies `n` bytes of the wasm heap (a Lua string's bytes). */
  appendHeap(ptr: number, n: number): void {
    this.ensure(n);
    this.buf.set(lua.HEAPU8.subarray(ptr, ptr + n), this.len);
    this.len += n;
  }

  /** Pushes the bytes written as one Lua string. */
  pushTo(L: LuaState): void {
    pushBytes(L, this.buf, this.len);
  }
}
