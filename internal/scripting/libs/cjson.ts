// The `cjson` library (lua-cjson 2.1.0 as Redis 7.0 bundles it): JSON encoding with its settings, cjson.null, cjson.new.
import { cname, lua, LUA_TBOOLEAN, LUA_TLIGHTUSERDATA, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, pushString, toString, type LuaState } from '../lua.js';
import { argError, checkInteger, libFunction, luaError, setStringField, upvalueData, type LuaFn } from './capi.js';
import { decode } from './cjson-decode.js';
import { formatG } from './cnumber.js';

/** The settings, int32 fields of the userdata every cjson function holds as its upvalue (as the C struct). */
const enum F {
  SparseConvert,
  SparseRatio,
  SparseSafe,
  EncodeMaxDepth,
  DecodeMaxDepth,
  EncodeInvalid,
  DecodeInvalid,
  KeepBuffer,
  Precision,
  COUNT,
}

const DEFAULTS: Record<F, number> = {
  [F.SparseConvert]: 0,
  [F.SparseRatio]: 2,
  [F.SparseSafe]: 10,
  [F.EncodeMaxDepth]: 1000,
  [F.DecodeMaxDepth]: 1000,
  [F.EncodeInvalid]: 0,
  [F.DecodeInvalid]: 1,
  [F.KeepBuffer]: 1,
  [F.Precision]: 14,
  [F.COUNT]: 0,
};

const INT_MAX = 2147483647;

function config(L: LuaState): number {
  const p = upvalueData(L);
  if (p === 0) luaError(L, 'BUG: Unable to fetch CJSON configuration');
  return p >> 2;
}

const get = (cfg: number, f: F): number => lua.HEAP32[cfg + f] as number;
const set = (cfg: number, f: F, v: number): void => {
  lua.HEAP32[cfg + f] = v;
};

/** json_arg_init: at most `args` arguments, the missing ones padded with nil. */
function argInit(L: LuaState, args: number): number {
  if (lua._lua_gettop(L) > args) argError(L, args + 1, 'found too many arguments');
  while (lua._lua_gettop(L) < args) lua._lua_pushnil(L);
  return config(L);
}

function integerOption(L: LuaState, idx: number, cfg: number, f: F, min: number, max: number): number {
  if (lua._lua_type(L, idx) !== LUA_TNIL) {
    const value = checkInteger(L, idx) | 0;
    // lua-cjson reports every range error against argument 1
    if (value < min || value > max) argError(L, 1, `expected integer between ${min} and ${max}`);
    set(cfg, f, value);
  }
  lua._lua_pushnumber(L, get(cfg, f));
  return 1;
}

/** A NULL-terminated `const char *[]` for luaL_checkoption, allocated once. */
function optionList(names: readonly string[]): number {
  const p = lua._malloc(4 * (names.length + 1));
  names.forEach((n, i) => {
    lua.HEAPU32[(p >> 2) + i] = cname(n);
  });
  lua.HEAPU32[(p >> 2) + names.length] = 0;
  return p;
}

const BOOL_OPTIONS = ['off', 'on'];
const INVALID_OPTIONS = ['off', 'on', 'null'];
let lists: { bool: number; invalid: number } | null = null;

function enumOption(L: LuaState, idx: number, cfg: number, f: F, options: readonly string[]): number {
  lists ??= { bool: optionList(BOOL_OPTIONS), invalid: optionList(INVALID_OPTIONS) };
  if (lua._lua_type(L, idx) !== LUA_TNIL) {
    if (lua._lua_type(L, idx) === LUA_TBOOLEAN) set(cfg, f, lua._lua_toboolean(L, idx));
    else set(cfg, f, lua._luaL_checkoption(L, idx, 0, options === BOOL_OPTIONS ? lists.bool : lists.invalid));
  }
  const v = get(cfg, f);
  if (v === 0 || v === 1) lua._lua_pushboolean(L, v);
  else pushString(L, options[v] as string);
  return 1;
}

const ESCAPES: string[] = [];
for (let c = 0; c < 32; c++) ESCAPES[c] = `\\u${c.toString(16).padStart(4, '0')}`;
Object.assign(ESCAPES, { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 47: '\\/', 92: '\\\\', 127: '\\u007f' });
// control characters are exactly what has to be matched here
const ESCAPED_CHARS = '[\\x00-\\x1f"/\\\\\\x7f]';
const NEEDS_ESCAPE = new RegExp(ESCAPED_CHARS);
const ESCAPE_ALL = new RegExp(ESCAPED_CHARS, 'g');

/** A JSON string literal of latin1 bytes: control characters, `"`, `/`, `\` and DEL escaped; bytes >= 0x80 as they are. */
export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(ESCAPE_ALL, (c) => ESCAPES[c.charCodeAt(0)] as string)}"`;
}

const typeName = (L: LuaState, idx: number): string => {
  const names = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];
  return names[lua._lua_type(L, idx)] ?? 'no value';
};

/** One cjson.encode call: the settings and the text built so far. */
class Encoder {
  out = '';
  readonly ratio: number;
  readonly safe: number;
  readonly convert: boolean;
  readonly maxDepth: number;
  readonly invalid: number;
  readonly precision: number;

  constructor(
    readonly L: LuaState,
    cfg: number,
  ) {
    this.ratio = get(cfg, F.SparseRatio);
    this.safe = get(cfg, F.SparseSafe);
    this.convert = get(cfg, F.SparseConvert) !== 0;
    this.maxDepth = get(cfg, F.EncodeMaxDepth);
    this.invalid = get(cfg, F.EncodeInvalid);
    this.precision = get(cfg, F.Precision);
  }

  fail(idx: number, reason: string): never {
    return luaError(this.L, `Cannot serialise ${typeName(this.L, idx)}: ${reason}`);
  }

  number(idx: number): string {
    const n = lua._lua_tonumber(this.L, idx);
    if (!Number.isFinite(n)) {
      if (this.invalid === 0) this.fail(idx, 'must not be NaN or Inf');
      if (this.invalid === 2 || Number.isNaN(n)) return this.invalid === 2 ? 'null' : 'nan';
    }
    return formatG(n, this.precision);
  }

  /** lua_array_length: the array size of the table at the top, or -1 for an object. */
  arrayLength(): number {
    const L = this.L;
    let max = 0;
    let items = 0;
    lua._lua_pushnil(L);
    while (lua._lua_next(L, -2) !== 0) {
      if (lua._lua_type(L, -2) === LUA_TNUMBER) {
        const k = lua._lua_tonumber(L, -2);
        if (k !== 0 && Math.floor(k) === k && k >= 1) {
          // C stores the key in an int: x86 turns any key over INT_MAX into INT_MIN
          if (k > max) max = k > INT_MAX ? -2147483648 : k;
          items++;
          lua._lua_settop(L, -2);
          continue;
        }
      }
      lua._lua_settop(L, -3);
      return -1;
    }
    if (this.ratio > 0 && max > Math.imul(items, this.ratio) && max > this.safe) {
      if (!this.convert) this.fail(-1, 'excessively sparse array');
      return -1;
    }
    return max;
  }

  table(depth: number): void {
    const L = this.L;
    if (depth > this.maxDepth || lua._lua_checkstack(L, 3) === 0) luaError(L, `Cannot serialise, excessive nesting (${depth})`);
    const len = this.arrayLength();
    if (len > 0) {
      this.out += '[';
      for (let i = 1; i <= len; i++) {
        if (i > 1) this.out += ',';
        lua._lua_rawgeti(L, -1, i);
        this.value(depth);
        lua._lua_settop(L, -2);
      }
      this.out += ']';
      return;
    }
    this.out += '{';
    let comma = false;
    lua._lua_pushnil(L);
    while (lua._lua_next(L, -2) !== 0) {
      if (comma) this.out += ',';
      else comma = true;
      const kt = lua._lua_type(L, -2);
      if (kt === LUA_TNUMBER) this.out += `"${this.number(-2)}":`;
      else if (kt === LUA_TSTRING) this.out += `${jsonString(toString(L, -2) as string)}:`;
      else this.fail(-2, 'table key must be a number or string');
      this.value(depth);
      lua._lua_settop(L, -2);
    }
    this.out += '}';
  }

  /** json_append_data: the value at the top (left there). */
  value(depth: number): void {
    const L = this.L;
    switch (lua._lua_type(L, -1)) {
      case LUA_TSTRING:
        this.out += jsonString(toString(L, -1) as string);
        return;
      case LUA_TNUMBER:
        this.out += this.number(-1);
        return;
      case LUA_TBOOLEAN:
        this.out += lua._lua_toboolean(L, -1) !== 0 ? 'true' : 'false';
        return;
      case LUA_TTABLE:
        this.table(depth + 1);
        return;
      case LUA_TNIL:
        this.out += 'null';
        return;
      case LUA_TLIGHTUSERDATA:
        if (lua._lua_touserdata(L, -1) === 0) {
          this.out += 'null';
          return;
        }
    }
    this.fail(-1, 'type not supported');
  }
}

function encode(L: LuaState): number {
  const cfg = config(L);
  if (lua._lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const e = new Encoder(L, cfg);
  e.value(0);
  pushString(L, e.out);
  return 1;
}

const functions: [string, LuaFn][] = [
  ['encode', encode],
  ['decode', (L) => {
    const cfg = config(L);
    return decode(L, { maxDepth: get(cfg, F.DecodeMaxDepth), invalidNumbers: get(cfg, F.DecodeInvalid) !== 0 });
  }],
  ['encode_sparse_array', (L) => {
    const cfg = argInit(L, 3);
    enumOption(L, 1, cfg, F.SparseConvert, BOOL_OPTIONS);
    integerOption(L, 2, cfg, F.SparseRatio, 0, INT_MAX);
    integerOption(L, 3, cfg, F.SparseSafe, 0, INT_MAX);
    return 3;
  }],
  ['encode_max_depth', (L) => integerOption(L, 1, argInit(L, 1), F.EncodeMaxDepth, 1, INT_MAX)],
  ['decode_max_depth', (L) => integerOption(L, 1, argInit(L, 1), F.DecodeMaxDepth, 1, INT_MAX)],
  ['encode_number_precision', (L) => integerOption(L, 1, argInit(L, 1), F.Precision, 1, 14)],
  // the buffer kept between calls is a C memory detail; only the setting is observable
  ['encode_keep_buffer', (L) => enumOption(L, 1, argInit(L, 1), F.KeepBuffer, BOOL_OPTIONS)],
  ['encode_invalid_numbers', (L) => enumOption(L, 1, argInit(L, 1), F.EncodeInvalid, INVALID_OPTIONS)],
  ['decode_invalid_numbers', (L) => enumOption(L, 1, argInit(L, 1), F.DecodeInvalid, BOOL_OPTIONS)],
  ['new', (L) => {
    openCjson(L);
    return 1;
  }],
];

let registered: [string, number][] | null = null;

/** lua_cjson_new: pushes a cjson table whose functions share a fresh settings block. */
export function openCjson(L: LuaState): void {
  registered ??= functions.map(([name, fn]) => [name, libFunction(fn)]);
  lua._lua_createtable(L, 0, registered.length + 3);
  const p = lua._lua_newuserdata(L, 4 * F.COUNT) >> 2;
  for (let f = 0; f < F.COUNT; f++) lua.HEAP32[p + f] = DEFAULTS[f as F];
  for (const [name, fn] of registered) {
    lua._lua_pushvalue(L, -1);
    lua._lua_pushcclosure(L, fn, 1);
    lua._lua_setfield(L, -3, cname(name));
  }
  lua._lua_settop(L, -2);
  lua._lua_pushlightuserdata(L, 0);
  lua._lua_setfield(L, -2, cname('null'));
  setStringField(L, '_NAME', 'cjson');
  setStringField(L, '_VERSION', '2.1.0');
}
