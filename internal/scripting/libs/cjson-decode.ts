// cjson.decode: lua-cjson 2.1.0's tokenizer and parser (Redis 7.0's build), with its error texts and positions.
import { lua, pushString, type LuaState } from '../lua.js';
import { argError, checkRawString, luaError } from './capi.js';
import { strtod } from './cnumber.js';

/** Token types, in lua-cjson's order (their names appear in error messages). */
const enum T {
  OBJ_BEGIN,
  OBJ_END,
  ARR_BEGIN,
  ARR_END,
  STRING,
  NUMBER,
  BOOLEAN,
  NULL,
  COLON,
  COMMA,
  END,
  WHITESPACE,
  ERROR,
  UNKNOWN,
}

const TOKEN_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

const CH2TOKEN = new Uint8Array(256).fill(T.ERROR);
for (const [c, t] of [['{', T.OBJ_BEGIN], ['}', T.OBJ_END], ['[', T.ARR_BEGIN], [']', T.ARR_END], [',', T.COMMA], [':', T.COLON], ['\0', T.END], [' ', T.WHITESPACE], ['\t', T.WHITESPACE], ['\n', T.WHITESPACE], ['\r', T.WHITESPACE]] as const) {
  CH2TOKEN[c.charCodeAt(0)] = t;
}
for (const c of 'fiInNt"+-0123456789') CH2TOKEN[c.charCodeAt(0)] = T.UNKNOWN;

const ESCAPE2CHAR: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' };

/** Decoder settings (from the cjson config). */
export interface DecodeConfig {
  maxDepth: number;
  invalidNumbers: boolean;
}

/** The parser over the input (a latin1 string; NUL or the end stops it, as the C string's terminator does). */
class Parser {
  i = 0;
  depth = 0;
  /** The current token. */
  type = T.END;
  index = 0;
  /** T_STRING: bytes [strStart, strStart+strLen) of the input, or the decoded text when escapes were present. */
  strStart = 0;
  strLen = 0;
  strText: string | null = null;
  num = 0;
  bool = false;
  err = '';

  constructor(
    readonly L: LuaState,
    readonly src: string,
    readonly base: number,
    readonly cfg: DecodeConfig,
  ) {}

  private code(i: number): number {
    return i < this.src.length ? this.src.charCodeAt(i) : 0;
  }

  private error(message: string): void {
    this.type = T.ERROR;
    this.index = this.i;
    this.err = message;
  }

  next(): void {
    let ch = this.code(this.i);
    let type = CH2TOKEN[ch] as T;
    while (type === T.WHITESPACE) {
      ch = this.code(++this.i);
      type = CH2TOKEN[ch] as T;
    }
    this.type = type;
    this.index = this.i;
    if (type === T.ERROR) return this.error('invalid token');
    if (type === T.END) return;
    if (type !== T.UNKNOWN) {
      this.i++;
      return;
    }
    if (ch === 34) return this.string();
    if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.invalidNumbers && this.isInvalidNumber()) return this.error('invalid number');
      return this.number();
    }
    const s = this.src;
    if (s.startsWith('true', this.i)) return this.literal(T.BOOLEAN, 4, true);
    if (s.startsWith('false', this.i)) return this.literal(T.BOOLEAN, 5, false);
    if (s.startsWith('null', this.i)) return this.literal(T.NULL, 4, false);
    if (this.cfg.invalidNumbers && this.isInvalidNumber()) return this.number();
    this.error('invalid token');
  }

  private literal(type: T, n: number, b: boolean): void {
    this.type = type;
    this.bool = b;
    this.i += n;
  }

  /** json_is_invalid_number: strtod would take it, strict JSON would not (+, hex, leading zeros, inf, nan). */
  private isInvalidNumber(): boolean {
    let p = this.i;
    let c = this.code(p);
    if (c === 43) return true;
    if (c === 45) c = this.code(++p);
    if (c === 48) {
      const c2 = this.code(p + 1);
      return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
    }
    if (c <= 57) return false;
    const word = this.src.slice(p, p + 3).toLowerCase();
    return word === 'inf' || word === 'nan';
  }

  private number(): void {
    const r = strtod(this.src, this.i);
    this.type = T.NUMBER;
    if (r === null) return this.error('invalid number');
    this.num = r.value;
    this.i = r.end;
  }

  private string(): void {
    const s = this.src;
    const start = ++this.i;
    let j = start;
    for (;;) {
      const c = this.code(j);
      if (c === 34) {
        this.i = j + 1;
        this.type = T.STRING;
        this.strStart = start;
        this.strLen = j - start;
        this.strText = null;
        return;
      }
      if (c === 92 || c === 0) break;
      j++;
    }
    // escapes (or a premature end): decode into text
    let out = s.slice(start, j);
    this.i = j;
    for (;;) {
      const c = this.code(this.i);
      if (c === 34) break;
      if (c === 0) return this.error('unexpected end of string');
      if (c !== 92) {
        out += s[this.i++];
        continue;
      }
      const e = s[this.i + 1] ?? '';
      if (e === 'u') {
        const u = this.unicodeEscape();
        if (u === null) return this.error('invalid unicode escape code');
        out += u;
        continue;
      }
      const t = ESCAPE2CHAR[e];
      if (t === undefined || e === '\0') return this.error('invalid escape code');
      out += t;
      this.i += 2;
    }
    this.i++;
    this.type = T.STRING;
    this.strText = out;
  }

  private hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.code(at + k);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
      else return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  /** \uXXXX (a surrogate pair takes two) as UTF-8 bytes in latin1 chars; advances past it. */
  private unicodeEscape(): string | null {
    let cp = this.hex4(this.i + 2);
    if (cp < 0) return null;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if ((cp & 0x400) !== 0) return null;
      if (this.code(this.i + 6) !== 92 || this.code(this.i + 7) !== 117) return null;
      const low = this.hex4(this.i + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return null;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      len = 12;
    }
    this.i += len;
    return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
  }

  /** The current token's type (a method, so checks after next() are not narrowed away). */
  tok(): T {
    return this.type;
  }

  throwError(expected: string): never {
    const found = this.type === T.ERROR ? this.err : (TOKEN_NAMES[this.type] as string);
    return luaError(this.L, `Expected ${expected} but found ${found} at character ${this.index + 1}`);
  }

  private descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.maxDepth && lua._lua_checkstack(this.L, slots) !== 0) return;
    luaError(this.L, `Found too many nested data structures (${this.depth}) at character ${this.i}`);
  }

  private pushString(): void {
    if (this.strText === null) lua._lua_pushlstring(this.L, this.base + this.strStart, this.strLen);
    else pushString(this.L, this.strText);
  }

  private object(): void {
    const L = this.L;
    this.descend(3);
    lua._lua_createtable(L, 0, 0);
    this.next();
    if (this.tok() === T.OBJ_END) {
      this.depth--;
      return;
    }
    for (;;) {
      if (this.tok() !== T.STRING) this.throwError('object key string');
      this.pushString();
      this.next();
      if (this.tok() !== T.COLON) this.throwError('colon');
      this.next();
      this.value();
      lua._lua_rawset(L, -3);
      this.next();
      if (this.tok() === T.OBJ_END) {
        this.depth--;
        return;
      }
      if (this.tok() !== T.COMMA) this.throwError('comma or object end');
      this.next();
    }
  }

  private array(): void {
    const L = this.L;
    this.descend(2);
    lua._lua_createtable(L, 0, 0);
    this.next();
    if (this.tok() === T.ARR_END) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value();
      lua._lua_rawseti(L, -2, i);
      this.next();
      if (this.tok() === T.ARR_END) {
        this.depth--;
        return;
      }
      if (this.tok() !== T.COMMA) this.throwError('comma or array end');
      this.next();
    }
  }

  /** json_process_value: the current token as a Lua value. */
  value(): void {
    const L = this.L;
    switch (this.type) {
      case T.STRING:
        this.pushString();
        return;
      case T.NUMBER:
        lua._lua_pushnumber(L, this.num);
        return;
      case T.BOOLEAN:
        lua._lua_pushboolean(L, this.bool ? 1 : 0);
        return;
      case T.OBJ_BEGIN:
        this.object();
        return;
      case T.ARR_BEGIN:
        this.array();
        return;
      case T.NULL:
        lua._lua_pushlightuserdata(L, 0);
        return;
      default:
        this.throwError('value');
    }
  }
}

/** cjson.decode(text). */
export function decode(L: LuaState, cfg: DecodeConfig): number {
  if (lua._lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const raw = checkRawString(L, 1);
  const heap = lua.HEAPU8;
  if (raw.len >= 2 && (heap[raw.ptr] === 0 || heap[raw.ptr + 1] === 0)) luaError(L, 'JSON parser does not support UTF-16 or UTF-32');
  const src = Buffer.from(heap.buffer, raw.ptr, raw.len).toString('latin1');
  const p = new Parser(L, src, raw.ptr, cfg);
  p.next();
  p.value();
  p.next();
  if (p.tok() !== T.END) p.throwError('the end');
  return 1;
}
