// Argument parsing shared by command families (integers, floats, C's strtod and scores, cursors, timeouts), with Redis's exact rules and error wording.
import { CommandError, errors } from '../contracts/errors.js';
import { parseLongDouble } from './longdouble.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/**
 * Redis's string2ll: optional '-', digits, no '+', no spaces, no leading zeros (except "0"),
 * within int64. Returns a number when exactly representable, else a bigint; null if invalid.
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return s.charCodeAt(0) === 45 ? -v : v;
  }
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
  }
  const b = BigInt(s);
  if (b > INT64_MAX || b < INT64_MIN) return null;
  if (b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(b);
  return b;
}

/** Integer argument as a JS number; valid int64 values beyond 2^53 round to the nearest double. */
export function intArg(s: string, err: () => CommandError = errors.notInteger): number {
  const v = parseInt64(s);
  if (v === null) throw err();
  if (typeof v === 'bigint') {
    // Still a valid int64: clamp to the nearest double; callers range-check what they need.
    return Number(v);
  }
  return v;
}

/** Integer argument as bigint (exact int64 arithmetic: INCRBY and friends). */
export function int64Arg(s: string): bigint {
  const v = parseInt64(s);
  if (v === null) throw errors.notInteger();
  return BigInt(v);
}

export function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/**
 * Redis's float parsing (strtold): accepts decimal and exponent forms, `inf`/`+inf`/`-inf`
 * (any case), rejects NaN, empty strings, leading/trailing spaces and hex. Null if invalid.
 */
export function parseFloatArg(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

export function floatArg(s: string): number {
  const v = parseFloatArg(s);
  if (v === null) throw errors.notFloat();
  return v;
}

// ---------------------------------------------------------------------------------------------
// Number parsing with C's strtod rules, which Redis's score, range and timeout parsing inherit
// ---------------------------------------------------------------------------------------------

export interface StrtodResult {
  value: number;
  /** Index just past the converted text; equal to the start when nothing converted. */
  end: number;
  /** ERANGE: a finite literal overflowed to infinity or a non-zero one underflowed to zero. */
  range: boolean;
}

const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const hexValue = (c: number): number => (isDigit(c) ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * C's strtod: leading white space, a sign, then `inf`/`infinity`/`nan`, a hex float (`0x1.8p3`)
 * or a decimal with optional exponent. Converts the longest valid prefix, like the C function.
 */
export function strtod(s: string): StrtodResult {
  const none: StrtodResult = { value: 0, end: 0, range: false };
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  const c = s.charCodeAt(i) | 0x20;
  if (c === 0x69 /* i */ || c === 0x6e /* n */) {
    const word = s.slice(i, i + 8).toLowerCase();
    if (word.startsWith('inf')) {
      return { value: neg ? -Infinity : Infinity, end: i + (word === 'infinity' ? 8 : 3), range: false };
    }
    if (word.startsWith('nan')) {
      let end = i + 3;
      if (s[end] === '(') {
        let k = end + 1;
        while (k < s.length && /[A-Za-z0-9_]/.test(s[k] as string)) k++;
        if (s[k] === ')') end = k + 1;
      }
      return { value: NaN, end, range: false };
    }
    return none;
  }
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 0x78) {
    const h = hexFloat(s, i + 2, neg);
    if (h !== null) return h;
    // "0x" without hex digits: only the "0" converts.
  }
  const start = i;
  let digits = 0;
  let nonZero = false;
  while (isDigit(s.charCodeAt(i))) {
    if (s.charCodeAt(i) !== 48) nonZero = true;
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== 48) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) return none;
  if ((s.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    let j = i + 1;
    const es = s.charCodeAt(j);
    if (es === 43 || es === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      while (isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
  }
  const v = Number(s.slice(start, i));
  return { value: neg ? -v : v, end: i, range: v === Infinity || (v === 0 && nonZero) };
}

function hexFloat(s: string, i: number, neg: boolean): StrtodResult | null {
  let mant = 0n;
  let digits = 0;
  let frac = 0;
  let j = i;
  for (let d = hexValue(s.charCodeAt(j)); d >= 0; d = hexValue(s.charCodeAt(++j))) {
    mant = mant * 16n + BigInt(d);
    digits++;
  }
  if (s.charCodeAt(j) === 46) {
    j++;
    for (let d = hexValue(s.charCodeAt(j)); d >= 0; d = hexValue(s.charCodeAt(++j))) {
      mant = mant * 16n + BigInt(d);
      digits++;
      frac++;
    }
  }
  if (digits === 0) return null;
  let exp = 0;
  if ((s.charCodeAt(j) | 0x20) === 0x70 /* p */) {
    let k = j + 1;
    const es = s.charCodeAt(k);
    const eneg = es === 45;
    if (es === 43 || es === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (isDigit(s.charCodeAt(k))) {
        exp = Math.min(exp * 10 + s.charCodeAt(k) - 48, 100_000);
        k++;
      }
      if (eneg) exp = -exp;
      j = k;
    }
  }
  // Scale in two steps so an intermediate power of two cannot overflow on its own.
  const e2 = exp - 4 * frac;
  const half = Math.trunc(e2 / 2);
  const v = Number(mant) * 2 ** half * 2 ** (e2 - half);
  return { value: neg ? -v : v, end: j, range: v === Infinity || (v === 0 && mant !== 0n) };
}

const PLAIN_DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * A score or weight argument, as Redis's getDoubleFromObject reads it: the whole string must
 * convert, no leading space, no NaN, no overflow to infinity or underflow to zero. Null if invalid.
 */
export function parseScore(raw: string): number | null {
  // Fast path for plain decimals (the common case): JS and C both round decimal input correctly,
  // and without an exponent there is no overflow or underflow to reject.
  if (PLAIN_DECIMAL.test(raw)) return Number(raw);
  if (raw.length === 0 || isCSpace(raw.charCodeAt(0))) return null;
  const r = strtod(raw);
  if (r.end !== raw.length || Number.isNaN(r.value)) return null;
  if (r.range && (r.value === 0 || !Number.isFinite(r.value))) return null;
  return r.value;
}

/** Case-insensitive option match for command flags (NX, XX, EX ...). */
export function isOpt(arg: string | undefined, name: string): boolean {
  return arg !== undefined && arg.length === name.length && arg.toUpperCase() === name;
}

/**
 * The largest expiry RESTORE clamps an absolute TTL to: 2^53 - 1 ms (year 287396), the last time
 * a JS number holds to the millisecond.
 */
export const MAX_EXPIRE_MS = 2 ** 53 - 1;

/** The largest double below 2^63: String() of it ("9223372036854775000") is still an int64. */
export const MAX_STORED_EXPIRE_MS = 2 ** 63 - 1024;

/**
 * An exact int64 expiry as the keyspace keeps it (Entry.expireAt is a JS number): itself up to
 * 2^53 ms, beyond that the nearest double (within 1024 ms at the top of the range, more than 280
 * thousand years away), capped below 2^63 so that its String() (what the journal and the AOF
 * rewrite write) is still an int64 that parses back to the same number.
 */
export function storedExpireMs(when: bigint): number {
  const n = Number(when);
  return n > MAX_STORED_EXPIRE_MS ? MAX_STORED_EXPIRE_MS : n;
}

/**
 * The absolute expiry (unix ms) of EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT, as Redis 7.0's
 * expireGenericCommand computes it: any int64, negative or zero meaning "already past"; seconds
 * beyond LLONG_MAX/1000 or below LLONG_MIN/1000 (the scaling would overflow), or a sum with the
 * base time past LLONG_MAX, are `invalid expire time in '<cmd>' command`. `base` is the command
 * time for the relative forms, 0 for the absolute ones.
 *
 * Fast path: an argument that parsed as an exact JS number whose scaled value and sum stay within
 * 2^53 cannot overflow anything, so plain arithmetic is exact. Everything else (arguments past
 * 2^53, results past year 287396) takes the BigInt path with Redis's checks.
 */
export function expireCommandMs(raw: string, unit: 's' | 'ms', base: number, cmd: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  if (typeof v === 'number') {
    const ms = unit === 's' ? v * 1000 : v;
    const when = ms + base;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(when)) return when;
  }
  let when = BigInt(v);
  if (unit === 's') {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw errors.invalidExpire(cmd);
    when *= 1000n;
  }
  const b = BigInt(base);
  if (when > INT64_MAX - b) throw errors.invalidExpire(cmd);
  return storedExpireMs(when + b);
}

/**
 * The absolute expiry (unix ms) of SET's / GETEX's EX, PX, EXAT and PXAT and of SETEX / PSETEX,
 * as Redis 7.0's getExpireMillisecondsOrReply: the argument must be a positive int64, seconds at
 * most LLONG_MAX/1000, and a relative time added to `now` must not pass LLONG_MAX (Redis sees the
 * sum wrap negative); otherwise `invalid expire time in '<cmd>' command`. Same fast path as
 * expireCommandMs.
 */
export function setExpireMs(raw: string, unit: 's' | 'ms', absolute: boolean, now: number, cmd: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  if (typeof v === 'number') {
    if (v <= 0) throw errors.invalidExpire(cmd);
    const ms = unit === 's' ? v * 1000 : v;
    const when = absolute ? ms : ms + now;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(when)) return when;
  }
  const b = BigInt(v);
  if (b <= 0n || (unit === 's' && b > INT64_MAX / 1000n)) throw errors.invalidExpire(cmd);
  let when = unit === 's' ? b * 1000n : b;
  if (!absolute) {
    if (when > INT64_MAX - BigInt(now)) throw errors.invalidExpire(cmd);
    when += BigInt(now);
  }
  return storedExpireMs(when);
}

/**
 * SCAN's cursor, parsed as Redis does with strtoul: an optional sign (a negative cursor wraps
 * modulo 2^64, so `-1` is a valid cursor past the end), digits, nothing else; leading space and
 * overflow are `invalid cursor`; the empty string is cursor 0. Cursors past the largest safe
 * integer are beyond every insertion sequence, so they clamp without changing the answer.
 */
export function cursorArg(raw: string): number {
  if (raw === '') return 0;
  const m = /^([+-]?)(\d+)$/.exec(raw);
  if (m === null) throw errors.generic('invalid cursor');
  let v = BigInt(m[2] as string);
  if (v > UINT64_MAX) throw errors.generic('invalid cursor');
  if (m[1] === '-' && v !== 0n) v = UINT64_MAX + 1n - v;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** A stored value that must be a string; anything else throws WRONGTYPE. */
export function asString(v: unknown): string {
  if (typeof v !== 'string') throw errors.wrongType();
  return v;
}

/** SCAN-family COUNT when none is given. */
export const SCAN_DEFAULT_COUNT = 10;

/**
 * The options after the cursor of HSCAN / SSCAN / ZSCAN (Redis 7.0's scanGenericCommand for a
 * key): `COUNT n` (an integer, at least 1, else a syntax error) and `MATCH pattern`, in any
 * order and repeatable (the last wins), parsed left to right; anything else, or an option
 * without its value, is a syntax error.
 */
export function scanOptions(argv: readonly string[], start: number): { count: number; pattern: string | undefined } {
  let count = SCAN_DEFAULT_COUNT;
  let pattern: string | undefined;
  for (let i = start; i < argv.length; i += 2) {
    const opt = argv[i] as string;
    const val = argv[i + 1];
    if (val === undefined) throw errors.syntax();
    if (isOpt(opt, 'COUNT')) {
      count = intArg(val);
      if (count < 1) throw errors.syntax();
    } else if (isOpt(opt, 'MATCH')) {
      pattern = val;
    } else {
      throw errors.syntax();
    }
  }
  return { count, pattern };
}

/**
 * The count of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER: any int64 but LONG_MIN (Redis reads it
 * in -LONG_MAX..LONG_MAX, with 7.0's wording). Returned exactly (a bigint beyond 2^53) so
 * callers can apply WITHVALUES' tighter bound precisely.
 */
export function randomCountArg(raw: string): number | bigint {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  if (v === INT64_MIN) {
    throw errors.generic('value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  }
  return v;
}

const TWO63 = 1n << 63n;

/**
 * Redis's getTimeoutFromObjectOrReply in seconds: strtold the argument, multiply by 1000 in long
 * double, round up (ceill) and convert to a long long. So any positive fraction of a millisecond
 * still times out, tiny negatives round up to 0 (wait forever), and infinities or values whose
 * milliseconds overflow int64 convert to LLONG_MIN, i.e. "negative". Returns milliseconds, 0
 * meaning no timeout.
 */
export function timeoutArg(raw: string): number {
  const v = parseLongDouble(raw);
  if (v === null) throw errors.generic('timeout is not a float or out of range');
  if ('inf' in v) throw errors.generic('timeout is negative');
  // |v| * 1000 = m * 1000 * 2^e, rounded to the 64-bit mantissa of the long double product.
  let p = v.m * 1000n;
  let e = v.e;
  const bits = p.toString(2).length;
  if (p !== 0n && bits > 64) {
    const shift = bits - 64;
    const half = 1n << BigInt(shift - 1);
    const rem = p & ((1n << BigInt(shift)) - 1n);
    p >>= BigInt(shift);
    if (rem > half || (rem === half && (p & 1n) === 1n)) p += 1n;
    e += shift;
  }
  const whole = e >= 0 ? p << BigInt(e) : p >> BigInt(-e);
  const fraction = e < 0 && whole << BigInt(-e) !== p;
  if (v.neg) {
    // ceil of a negative value truncates toward zero.
    if (whole === 0n) return 0;
    throw errors.generic('timeout is negative');
  }
  const ms = fraction ? whole + 1n : whole;
  if (ms >= TWO63) throw errors.generic('timeout is negative');
  return Number(ms);
}
