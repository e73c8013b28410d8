// The `bit` library (LuaBitOp 1.0 as Redis 7.0 bundles it): 32-bit operations on Lua numbers.
import { lua, type LuaState } from '../lua.js';
import { libFunction, setFunction, typeError, type LuaFn } from './capi.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * LuaBitOp's number-to-bits conversion: adding 2^52+2^51 puts the integer part (rounded to
 * nearest, ties to even) in the low 32 bits of the double, wrapping modulo 2^32.
 */
export function toBits(n: number): number {
  f64[0] = n + 6755399441055744.0;
  return u32[0] as number;
}

/** barg: the argument as 32 bits; a non-number (that is not a numeric string) is `number expected`. */
function barg(L: LuaState, idx: number): number {
  const b = toBits(lua._lua_tonumber(L, idx));
  if (b === 0 && lua._lua_isnumber(L, idx) === 0) typeError(L, idx, 'number');
  return b;
}

/** Results are signed 32-bit numbers. */
function ret(L: LuaState, b: number): number {
  lua._lua_pushnumber(L, b | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number): LuaFn {
  return (L) => {
    let b = barg(L, 1);
    for (let i = lua._lua_gettop(L); i > 1; i--) b = op(b, barg(L, i));
    return ret(L, b);
  };
}

function shift(op: (b: number, n: number) => number): LuaFn {
  return (L) => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return ret(L, op(b, n));
  };
}

/** bit.tohex(x [, n]): n hex digits (default 8, at most 8), upper case when n is negative. */
export function toHex(b: number, n: number): string {
  let digits = '0123456789abcdef';
  if (n < 0) {
    n = -n;
    digits = '0123456789ABCDEF';
  }
  // -INT_MIN overflows in C; Redis's build ends up with 8 digits (upper case), as for any n > 8
  if (n > 8 || n < 0) n = 8;
  let s = '';
  for (let i = 0; i < n; i++) {
    s = (digits[b & 15] as string) + s;
    b >>>= 4;
  }
  return s;
}

const functions: [string, LuaFn][] = [
  ['tobit', (L) => ret(L, barg(L, 1))],
  ['bnot', (L) => ret(L, ~barg(L, 1))],
  ['band', fold((a, b) => a & b)],
  ['bor', fold((a, b) => a | b)],
  ['bxor', fold((a, b) => a ^ b)],
  ['lshift', shift((b, n) => b << n)],
  ['rshift', shift((b, n) => b >>> n)],
  ['arshift', shift((b, n) => b >> n)],
  ['rol', shift((b, n) => (b << n) | (b >>> (32 - n)))],
  ['ror', shift((b, n) => (b << (32 - n)) | (b >>> n))],
  ['bswap', (L) => {
    const b = barg(L, 1);
    return ret(L, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  }],
  ['tohex', (L) => {
    const b = barg(L, 1);
    const n = lua._lua_type(L, 2) === -1 ? 8 : barg(L, 2) | 0;
    pushAscii(L, toHex(b, n));
    return 1;
  }],
];

function pushAscii(L: LuaState, s: string): void {
  const p = lua._malloc(8);
  for (let i = 0; i < s.length; i++) lua.HEAPU8[p + i] = s.charCodeAt(i);
  lua._lua_pushlstring(L, p, s.length);
  lua._free(p);
}

let registered: [string, number][] | null = null;

/** luaopen_bit: pushes the library table. */
export function openBit(L: LuaState): void {
  registered ??= functions.map(([name, fn]) => [name, libFunction(fn)]);
  lua._lua_createtable(L, 0, registered.length);
  for (const [name, fn] of registered) setFunction(L, fn, name);
}
