// The `cmsgpack` library (lua-cmsgpack 0.4.0 as Redis 7.0 bundles it): MessagePack encoding of Lua values and streams of them.
import { lua, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, type LuaState } from '../lua.js';
import { argError, ByteWriter, checkInteger, checkRawString, checkStack, libFunction, luaError, optInteger, rawString, setFunction, setStringField } from './capi.js';

/** Tables nested deeper than this encode as nil (so circular references end). */
const MAX_NESTING = 16;
const INT_MAX = 2147483647;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;

const scratch = new DataView(new ArrayBuffer(8));

function put32(out: ByteWriter, n: number): void {
  out.push((n >>> 24) & 0xff);
  out.push((n >>> 16) & 0xff);
  out.push((n >>> 8) & 0xff);
  out.push(n & 0xff);
}

function put64(out: ByteWriter, n: number): void {
  scratch.setBigInt64(0, BigInt(n));
  for (let i = 0; i < 8; i++) out.push(scratch.getUint8(i));
}

/** mp_encode_int: the smallest MessagePack integer that holds n (an integer in int64 range). */
export function encodeInt(out: ByteWriter, n: number): void {
  if (n >= 0) {
    if (n <= 127) out.push(n);
    else if (n <= 0xff) {
      out.push(0xcc);
      out.push(n);
    } else if (n <= 0xffff) {
      out.push(0xcd);
      out.push(n >>> 8);
      out.push(n & 0xff);
    } else if (n < TWO32) {
      out.push(0xce);
      put32(out, n);
    } else {
      out.push(0xcf);
      put64(out, n);
    }
  } else if (n >= -32) out.push(n & 0xff);
  else if (n >= -128) {
    out.push(0xd0);
    out.push(n & 0xff);
  } else if (n >= -32768) {
    out.push(0xd1);
    out.push((n >> 8) & 0xff);
    out.push(n & 0xff);
  } else if (n >= -2147483648) {
    out.push(0xd2);
    put32(out, n);
  } else {
    out.push(0xd3);
    put64(out, n);
  }
}

/** mp_encode_double: a float when the value survives the round trip through single precision. */
export function encodeDouble(out: ByteWriter, d: number): void {
  if (Math.fround(d) === d) {
    out.push(0xca);
    scratch.setFloat32(0, d);
    for (let i = 0; i < 4; i++) out.push(scratch.getUint8(i));
  } else {
    out.push(0xcb);
    scratch.setFloat64(0, d);
    for (let i = 0; i < 8; i++) out.push(scratch.getUint8(i));
  }
}

/** Header of a raw (string) of `len` bytes; arrays and maps share the 16/32-bit layouts. */
function encodeHeader(out: ByteWriter, len: number, fix: number, fixMax: number, h8: number, h16: number, h32: number): void {
  if (len <= fixMax) out.push(fix | len);
  else if (h8 !== 0 && len <= 0xff) {
    out.push(h8);
    out.push(len);
  } else if (len <= 0xffff) {
    out.push(h16);
    out.push(len >>> 8);
    out.push(len & 0xff);
  } else {
    out.push(h32);
    put32(out, len);
  }
}

/** table_is_an_array: keys exactly 1..N (positive integers that fit a C int, no holes). */
function isArray(L: LuaState): boolean {
  const top = lua._lua_gettop(L);
  let count = 0;
  let max = 0;
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_settop(L, -2);
    const n = lua._lua_type(L, -1) === LUA_TNUMBER ? lua._lua_tonumber(L, -1) : 0;
    if (!(n > 0) || n > INT_MAX || !Number.isInteger(n)) {
      lua._lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  return max === count;
}

function encodeTable(L: LuaState, out: ByteWriter, level: number): void {
  if (isArray(L)) {
    const len = lua._lua_objlen(L, -1);
    encodeHeader(out, len, 0x90, 15, 0, 0xdc, 0xdd);
    for (let j = 1; j <= len; j++) {
      lua._lua_pushnumber(L, j);
      lua._lua_gettable(L, -2);
      encodeValue(L, out, level + 1);
    }
    return;
  }
  let len = 0;
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_settop(L, -2);
    len++;
  }
  encodeHeader(out, len, 0x80, 15, 0, 0xde, 0xdf);
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_pushvalue(L, -2);
    encodeValue(L, out, level + 1);
    encodeValue(L, out, level + 1);
  }
}

/** mp_encode_lua_type: encodes and pops the value at the top. */
function encodeValue(L: LuaState, out: ByteWriter, level: number): void {
  let t = lua._lua_type(L, -1);
  if (t === LUA_TTABLE && level === MAX_NESTING) t = 0;
  switch (t) {
    case LUA_TSTRING: {
      const s = rawString(L, -1) as { ptr: number; len: number };
      encodeHeader(out, s.len, 0xa0, 31, 0xd9, 0xda, 0xdb);
      out.appendHeap(s.ptr, s.len);
      break;
    }
    case LUA_TBOOLEAN:
      out.push(lua._lua_toboolean(L, -1) !== 0 ? 0xc3 : 0xc2);
      break;
    case LUA_TNUMBER: {
      const n = lua._lua_tonumber(L, -1);
      if (Number.isInteger(n) && n >= -TWO63 && n < TWO63) encodeInt(out, n);
      else encodeDouble(out, n);
      break;
    }
    case LUA_TTABLE:
      encodeTable(L, out, level);
      break;
    default:
      out.push(0xc0);
  }
  lua._lua_settop(L, -2);
}

function pack(L: LuaState): number {
  const nargs = lua._lua_gettop(L);
  if (nargs === 0) argError(L, 0, 'MessagePack pack needs input.');
  if (lua._lua_checkstack(L, nargs) === 0) argError(L, 0, 'Too many arguments for MessagePack pack.');
  const out = new ByteWriter();
  for (let i = 1; i <= nargs; i++) {
    lua._lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  out.pushTo(L);
  return 1;
}

const EOF = 1;
const BADFMT = 2;

/** Where decoding is in the input string (which stays on the stack, so its bytes stay put). */
interface Cursor {
  p: number;
  left: number;
  err: number;
}

const OVERFLOW = 'stack overflow (in function mp_decode_to_lua_array)';
const STACK_MSG = 'too many return values at once; use unpack_one or unpack_limit instead.';

function need(c: Cursor, n: number): boolean {
  if (c.left >= n) return true;
  c.err = EOF;
  return false;
}

function consume(c: Cursor, n: number): void {
  c.p += n;
  c.left -= n;
}

function be(c: Cursor, off: number, n: number): number {
  const h = lua.HEAPU8;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (h[c.p + off + i] as number);
  return v;
}

/** A 64-bit big-endian integer read as int64 (lua_pushinteger's cast makes uint64 values over 2^63 negative). */
function int64(c: Cursor): number {
  const hi = be(c, 1, 4) | 0;
  return hi * TWO32 + be(c, 5, 4);
}

function pushRaw(L: LuaState, c: Cursor, hdr: number, len: number): void {
  if (!need(c, hdr + len)) return;
  lua._lua_pushlstring(L, c.p + hdr, len);
  consume(c, hdr + len);
}

function pushNumber(L: LuaState, c: Cursor, n: number, size: number): void {
  lua._lua_pushnumber(L, n);
  consume(c, size);
}

/** A container being filled: items left, whether a map (and its key is pushed), the next array index. */
interface Frame {
  left: number;
  map: boolean;
  keyed: boolean;
  index: number;
}

/** What decodeHead found: a complete value pushed, a container opened (its table pushed), or an error. */
const VALUE = 0;
const OPENED = 1;
const FAILED = 2;

/**
 * Decodes one value at the cursor onto the stack (mp_decode_to_lua_type), making the same Lua API
 * calls in the same order as the recursive C code (so the Lua stack limits hit at the same
 * depth), but with an explicit stack of containers: JS recursion would run out far earlier.
 */
function decodeValue(L: LuaState, c: Cursor): void {
  const frames: Frame[] = [];
  for (;;) {
    const top = frames[frames.length - 1];
    if (top !== undefined && !top.map) lua._lua_pushnumber(L, top.index);
    const r = decodeHead(L, c, frames);
    if (r === FAILED) return;
    if (r === OPENED) continue;
    // a complete value is on the stack: store it into the containers it completes
    for (;;) {
      const f = frames[frames.length - 1];
      if (f === undefined) return;
      if (f.map && !f.keyed) {
        f.keyed = true;
        break;
      }
      lua._lua_settable(L, -3);
      f.keyed = false;
      f.index++;
      if (--f.left > 0) break;
      frames.pop();
    }
  }
}

/** Opens a container of `len` items (its table pushed); an empty one is a complete value at once. */
function open(L: LuaState, frames: Frame[], len: number, map: boolean): number {
  lua._lua_createtable(L, 0, 0);
  if (!map) checkStack(L, 1, 'in function mp_decode_to_lua_array');
  if (len === 0) return VALUE;
  frames.push({ left: len, map, keyed: false, index: 1 });
  return OPENED;
}

/** One value's first byte(s): a scalar pushed, or a container opened. */
function decodeHead(L: LuaState, c: Cursor, frames: Frame[]): number {
  if (!need(c, 1)) return FAILED;
  checkStack(L, 1, STACK_MSG);
  const b = lua.HEAPU8[c.p] as number;
  switch (b) {
    case 0xcc:
      if (need(c, 2)) pushNumber(L, c, be(c, 1, 1), 2);
      break;
    case 0xd0:
      if (need(c, 2)) pushNumber(L, c, (be(c, 1, 1) << 24) >> 24, 2);
      break;
    case 0xcd:
      if (need(c, 3)) pushNumber(L, c, be(c, 1, 2), 3);
      break;
    case 0xd1:
      if (need(c, 3)) pushNumber(L, c, (be(c, 1, 2) << 16) >> 16, 3);
      break;
    case 0xce:
      if (need(c, 5)) pushNumber(L, c, be(c, 1, 4), 5);
      break;
    case 0xd2:
      if (need(c, 5)) pushNumber(L, c, be(c, 1, 4) | 0, 5);
      break;
    case 0xcf:
    case 0xd3:
      if (need(c, 9)) pushNumber(L, c, int64(c), 9);
      break;
    case 0xc0:
      lua._lua_pushnil(L);
      consume(c, 1);
      break;
    case 0xc3:
    case 0xc2:
      lua._lua_pushboolean(L, b === 0xc3 ? 1 : 0);
      consume(c, 1);
      break;
    case 0xca:
    case 0xcb: {
      const size = b === 0xca ? 4 : 8;
      if (!need(c, size + 1)) break;
      const h = lua.HEAPU8;
      for (let i = 0; i < size; i++) scratch.setUint8(i, h[c.p + 1 + i] as number);
      pushNumber(L, c, size === 4 ? scratch.getFloat32(0) : scratch.getFloat64(0), size + 1);
      break;
    }
    case 0xd9:
      if (need(c, 2)) pushRaw(L, c, 2, be(c, 1, 1));
      break;
    case 0xda:
      if (need(c, 3)) pushRaw(L, c, 3, be(c, 1, 2));
      break;
    case 0xdb:
      if (need(c, 5)) pushRaw(L, c, 5, be(c, 1, 4));
      break;
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const hdr = b === 0xdc || b === 0xde ? 3 : 5;
      if (!need(c, hdr)) break;
      const len = be(c, 1, hdr - 1);
      consume(c, hdr);
      return open(L, frames, len, b >= 0xde);
    }
    default:
      return decodeFixed(L, c, b, frames);
  }
  return c.err === 0 ? VALUE : FAILED;
}

/** The types a first byte identifies by its high bits: fixnums, fix raw, fix array, fix map. */
function decodeFixed(L: LuaState, c: Cursor, b: number, frames: Frame[]): number {
  if ((b & 0x80) === 0) pushNumber(L, c, b, 1);
  else if ((b & 0xe0) === 0xe0) pushNumber(L, c, b - 256, 1);
  else if ((b & 0xe0) === 0xa0) pushRaw(L, c, 1, b & 0x1f);
  else if ((b & 0xf0) === 0x90 || (b & 0xf0) === 0x80) {
    consume(c, 1);
    return open(L, frames, b & 0xf, (b & 0xf0) === 0x80);
  } else c.err = BADFMT;
  return c.err === 0 ? VALUE : FAILED;
}

/** mp_unpack_full: `limit` values from `offset` (both 0: every value, and no offset result). */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = checkRawString(L, 1);
  const len = s.len;
  if (offset < 0 || limit < 0) luaError(L, `Invalid request to unpack with offset of ${offset | 0} and limit of ${len | 0}.`);
  else if (offset > len) luaError(L, `Start offset ${offset | 0} greater than input length ${len | 0}.`);
  const all = limit === 0 && offset === 0;
  if (all) limit = INT_MAX;
  const c: Cursor = { p: s.ptr + offset, left: len - offset, err: 0 };
  let cnt = 0;
  for (; c.left > 0 && cnt < limit; cnt++) {
    decodeValue(L, c);
    if (c.err === EOF) luaError(L, 'Missing bytes in input.');
    if (c.err === BADFMT) luaError(L, 'Bad data format in input.');
  }
  if (!all) {
    checkStack(L, 1, 'in function mp_unpack_full');
    lua._lua_pushnumber(L, c.left === 0 ? -1 : len - c.left);
    lua._lua_insert(L, 2);
    cnt++;
  }
  return cnt;
}

let registered: [string, number][] | null = null;

/** luaopen_cmsgpack: pushes the library table. */
export function openCmsgpack(L: LuaState): void {
  registered ??= [
    ['pack', libFunction(pack)],
    ['unpack', libFunction((L) => unpackFull(L, 0, 0), OVERFLOW)],
    ['unpack_one', libFunction((L) => {
      const offset = optInteger(L, 2, 0);
      lua._lua_settop(L, 1);
      return unpackFull(L, 1, offset);
    })],
    ['unpack_limit', libFunction((L) => {
      const limit = checkInteger(L, 2);
      const offset = optInteger(L, 3, 0);
      lua._lua_settop(L, 1);
      return unpackFull(L, limit, offset);
    })],
  ];
  lua._lua_createtable(L, 0, registered.length + 4);
  for (const [name, fn] of registered) setFunction(L, fn, name);
  setStringField(L, '_NAME', 'cmsgpack');
  setStringField(L, '_VERSION', 'lua-cmsgpack 0.4.0');
  setStringField(L, '_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo');
  setStringField(L, '_DESCRIPTION', 'MessagePack C implementation for Lua');
}
