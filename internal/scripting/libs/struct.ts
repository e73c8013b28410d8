// The `struct` library (Roberto Ierusalimschy's lstruct as Redis 7.0 bundles it): pack and unpack C structs, sizes as on x86-64.
import { lua, type LuaState } from '../lua.js';
import { argError, ByteWriter, checkNumber, libFunction, checkRawString, checkStack, luaError, optInteger, setFunction } from './capi.js';

/** Largest integral size (bytes) of `i`/`I`. */
const MAXINTSIZE = 32;
/** Default `!` alignment: the padding a double gets after a char (8 on x86-64). */
const MAXALIGN = 8;
const INT_MAX = 2147483647;

/** Sizes of the C types on the LP64 build Redis runs. */
const SIZES: Record<string, number> = { b: 1, B: 1, h: 2, H: 2, l: 8, L: 8, T: 8, f: 4, d: 8, x: 1 };

interface Header {
  little: boolean;
  align: number;
}

/** A format string and the position of the next option. */
class Format {
  i = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function getnum(L: LuaState, f: Format, df: number): number {
  if (!isDigit(f.s[f.i])) return df;
  let a = 0;
  do {
    const d = f.s.charCodeAt(f.i) - 48;
    if (a > Math.floor(INT_MAX / 10) || a * 10 > INT_MAX - d) luaError(L, 'integral size overflow');
    a = a * 10 + d;
    f.i++;
  } while (isDigit(f.s[f.i]));
  return a;
}

function optsize(L: LuaState, opt: string, f: Format): number {
  const fixed = SIZES[opt];
  if (fixed !== undefined) return fixed;
  if (opt === 'c') return getnum(L, f, 1);
  if (opt === 'i' || opt === 'I') {
    const sz = getnum(L, f, 4);
    if (sz > MAXINTSIZE) luaError(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
    return sz;
  }
  return 0;
}

/** Padding before an element of `size` at offset `len` (C's formula, also for sizes that are not powers of 2). */
function gettoalign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  const m = size - 1;
  return Number((BigInt(size) - (BigInt(len) & BigInt(m))) & BigInt(m));
}

function controloptions(L: LuaState, opt: string, f: Format, h: Header): void {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h.little = false;
      return;
    case '<':
      h.little = true;
      return;
    case '!': {
      const a = getnum(L, f, MAXALIGN);
      if (a <= 0 || (a & (a - 1)) !== 0) luaError(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      argError(L, 1, `invalid format option '${opt}'`);
  }
}

/** C's `(unsigned long)n` for a Lua number as putinteger computes it (negatives via `long`). */
export function toUint64(n: number): bigint {
  if (Number.isNaN(n)) return 0n;
  if (n < 0) return n <= -9223372036854775808 ? 1n << 63n : BigInt.asUintN(64, BigInt(Math.trunc(n)));
  if (n >= 18446744073709551616) return 0n;
  return BigInt(Math.trunc(n));
}

function putinteger(L: LuaState, out: ByteWriter, arg: number, little: boolean, size: number): void {
  let value = toUint64(checkNumber(L, arg));
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    b[little ? i : size - 1 - i] = Number(value & 0xffn);
    value >>= 8n;
  }
  out.append(b);
}

function floatBytes(n: number, size: 4 | 8, little: boolean): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  if (size === 4) v.setFloat32(0, n, little);
  else v.setFloat64(0, n, little);
  return b;
}

function pack(L: LuaState): number {
  const f = new Format(checkString(L, 1));
  const h: Header = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  // lstruct pushes a nil to mark where the arguments end: a missing one reads as that nil
  lua._lua_pushnil(L);
  const out = new ByteWriter();
  while (!f.done) {
    const opt = f.s[f.i++] as string;
    let size = optsize(L, opt, f);
    let toalign = gettoalign(total, h, opt, size);
    total += toalign;
    while (toalign-- > 0) out.push(0);
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        putinteger(L, out, arg++, h.little, size);
        break;
      case 'x':
        out.push(0);
        break;
      case 'f':
        out.append(floatBytes(checkNumber(L, arg++), 4, h.little));
        break;
      case 'd':
        out.append(floatBytes(checkNumber(L, arg++), 8, h.little));
        break;
      case 'c': case 's': {
        const s = checkRawString(L, arg++);
        if (size === 0) size = s.len;
        if (s.len < size) argError(L, arg, 'string too short');
        out.appendHeap(s.ptr, size);
        if (opt === 's') {
          out.push(0);
          size++;
        }
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    total += size;
  }
  out.pushTo(L);
  return 1;
}

/** The format argument: luaL_checkstring, up to its first NUL as C reads it. */
function checkString(L: LuaState, narg: number): string {
  const s = checkRawString(L, narg);
  const heap = lua.HEAPU8;
  let r = '';
  for (let i = 0; i < s.len; i++) {
    const c = heap[s.ptr + i] as number;
    if (c === 0) break;
    r += String.fromCharCode(c);
  }
  return r;
}

/** getinteger: the last 8 significant bytes count (the C accumulator is 64 bits); signed per C's shift. */
function getinteger(bytes: Uint8Array, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  for (let k = 0; k < size; k++) {
    const i = little ? size - 1 - k : k;
    l = BigInt.asUintN(64, (l << 8n) | BigInt(bytes[i] as number));
  }
  if (!signed) return Number(l);
  // x86 masks the shift count to 6 bits, which is what Redis's build does for sizes over 8
  const mask = BigInt.asUintN(64, ~0n << BigInt((size * 8 - 1) & 63));
  if ((l & mask) !== 0n) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function unpack(L: LuaState): number {
  const f = new Format(checkString(L, 1));
  const data = checkRawString(L, 2);
  const ld = data.len;
  let pos = optInteger(L, 3, 1);
  // size_t in C: 0 is refused, a negative offset wraps to a huge one that no data is long enough for
  if (pos === 0) argError(L, 3, 'offset must be 1 or greater');
  const wrapped = pos < 0;
  pos--;
  const h: Header = { little: true, align: 1 };
  let n = 0;
  const fits = (size: number): boolean => !wrapped && size <= ld && pos <= ld - size;
  while (!f.done) {
    const opt = f.s[f.i++] as string;
    let size = optsize(L, opt, f);
    if (!wrapped) pos += gettoalign(pos, h, opt, size);
    if (!fits(size)) argError(L, 2, 'data string too short');
    checkStack(L, 2, 'too many results');
    const at = data.ptr + pos;
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua._lua_pushnumber(L, getinteger(lua.HEAPU8.subarray(at, at + size), h.little, opt >= 'a', size));
        n++;
        break;
      case 'x':
        break;
      case 'f':
      case 'd': {
        const v = new DataView(lua.HEAPU8.slice(at, at + size).buffer);
        lua._lua_pushnumber(L, opt === 'f' ? v.getFloat32(0, h.little) : v.getFloat64(0, h.little));
        n++;
        break;
      }
      case 'c':
        if (size === 0) {
          if (n === 0 || lua._lua_isnumber(L, -1) === 0) luaError(L, "format 'c0' needs a previous size");
          const want = lua._lua_tonumber(L, -1);
          lua._lua_settop(L, -2);
          n--;
          size = want < 0 ? Infinity : Math.trunc(want);
          if (!fits(size)) argError(L, 2, 'data string too short');
        }
        lua._lua_pushlstring(L, at, size);
        n++;
        break;
      case 's': {
        const end = lua.HEAPU8.subarray(at, data.ptr + ld).indexOf(0);
        if (end < 0) luaError(L, 'unfinished string in data');
        lua._lua_pushlstring(L, at, end);
        size = end + 1;
        n++;
        break;
      }
      default:
        controloptions(L, opt, f, h);
    }
    pos += size;
  }
  lua._lua_pushnumber(L, pos + 1);
  return n + 1;
}

const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

function size(L: LuaState): number {
  const f = new Format(checkString(L, 1));
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (!f.done) {
    const opt = f.s[f.i++] as string;
    const sz = optsize(L, opt, f);
    pos += gettoalign(pos, h, opt, sz);
    if (opt === 's') argError(L, 1, "option 's' has no fixed size");
    else if (opt === 'c' && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controloptions(L, opt, f, h);
    pos += sz;
  }
  lua._lua_pushnumber(L, pos);
  return 1;
}

let registered: [string, number][] | null = null;

/** luaopen_struct: pushes the library table. */
export function openStruct(L: LuaState): void {
  registered ??= [
    ['pack', libFunction(pack)],
    ['unpack', libFunction(unpack)],
    ['size', libFunction(size)],
  ];
  lua._lua_createtable(L, 0, registered.length);
  for (const [name, fn] of registered) setFunction(L, fn, name);
}
