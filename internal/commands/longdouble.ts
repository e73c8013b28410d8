// 80-bit long double arithmetic emulated exactly with bigints: INCRBYFLOAT / HINCRBYFLOAT parse, add and format as Redis does.
// Emulates Redis's x86-64 `long double` (80-bit x87 extended precision) arithmetic
// exactly, so that results match Redis digit for digit: 1 + -1.1 is "-0.1" there, whereas doubles
// would give "-0.10000000000000009". Values are m * 2^e with a 64-bit integer mantissa.

/** A finite 80-bit extended value: (-1)^neg * m * 2^e, 0 <= m < 2^64 (m = 0 is zero). */
export interface LongDouble {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/** The result of parsing: a finite value, or an infinity (which INCRBYFLOAT then rejects). */
export type ParsedLongDouble = LongDouble | { readonly inf: true; readonly neg: boolean };

const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;
/** Exponent of the smallest subnormal, 2^-16445 (minimum normal 2^-16382 with 63 fraction bits). */
const LD_MIN_EXP = -16445;
/** Largest finite value is (2^64 - 1) * 2^16320. */
const LD_MAX_EXP = 16320;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are not valid floats. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
const TEN17 = 10n ** 17n;
export const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds num/den * 2^k (num, den > 0) to the nearest long double, ties to even, with gradual
 * underflow. 'inf' on overflow, 'zero' when it underflows to zero.
 */
function roundLongDouble(neg: boolean, num: bigint, den: bigint, k: number): LongDouble | 'inf' | 'zero' {
  let e = Math.max(bitLength(num) - bitLength(den) + k - 64, LD_MIN_EXP);
  for (;;) {
    const shift = k - e;
    const n = shift >= 0 ? num << BigInt(shift) : num;
    const d = shift >= 0 ? den : den << BigInt(-shift);
    let q = n / d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    const twiceRem = 2n * (n - q * d);
    if (twiceRem > d || (twiceRem === d && (q & 1n) === 1n)) q += 1n;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
    if (q === 0n) return 'zero';
    if (e > LD_MAX_EXP) return 'inf';
    return { neg, m: q, e };
  }
}

const DECIMAL_RE = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/;
const HEX_RE = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Redis's string2ld: strtold over the whole string (decimal, hex float, inf/infinity, any case),
 * rejecting leading spaces, trailing garbage, NaN, and out-of-range values (overflow to
 * infinity or underflow to zero). Null when not a valid float.
 */
export function parseLongDouble(s: string): ParsedLongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const c0 = s.charCodeAt(0);
  if (isCSpace(c0)) return null;
  const signed = c0 === 43 /* + */ || c0 === 45; /* - */
  const neg = c0 === 45;
  const body = (signed ? s.slice(1) : s).toLowerCase();
  if (body === 'inf' || body === 'infinity') return { inf: true, neg };
  if (body.startsWith('0x')) return parseHexBody(body.slice(2), neg);
  return parseDecimalBody(body, neg);
}

function parseDecimalBody(body: string, neg: boolean): LongDouble | null {
  const m = DECIMAL_RE.exec(body);
  if (m === null) return null;
  const intDigits = m[1] ?? '';
  const fracDigits = m[2] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const all = (intDigits + fracDigits).replace(/^0+/, '');
  if (all === '') return { neg, m: 0n, e: 0 };
  const digits = all.replace(/0+$/, '');
  const exp10 = (m[3] === undefined ? 0 : Number(m[3])) - fracDigits.length + (all.length - digits.length);
  // The value lies in [10^(mag-1), 10^mag): decide hopeless exponents without huge powers of ten.
  const mag = digits.length + exp10;
  if (mag > 4934 || mag < -4952) return null;
  const d = BigInt(digits);
  const r =
    exp10 >= 0 ? roundLongDouble(neg, d * 10n ** BigInt(exp10), 1n, 0) : roundLongDouble(neg, d, 10n ** BigInt(-exp10), 0);
  return typeof r === 'string' ? null : r;
}

function parseHexBody(body: string, neg: boolean): LongDouble | null {
  const m = HEX_RE.exec(body);
  if (m === null) return null;
  const intDigits = m[1] ?? '';
  const fracDigits = m[2] ?? '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const hex = (intDigits + fracDigits).replace(/^0+/, '');
  if (hex === '') return { neg, m: 0n, e: 0 };
  const h = BigInt('0x' + hex);
  const exp2 = (m[3] === undefined ? 0 : Number(m[3])) - 4 * fracDigits.length;
  const mag = bitLength(h) + exp2;
  if (mag > 16385 || mag < -16447) return null;
  const r = roundLongDouble(neg, h, 1n, exp2);
  return typeof r === 'string' ? null : r;
}

/** a + b in long double; null when the result is NaN or infinite. */
export function addLongDouble(a: ParsedLongDouble, b: ParsedLongDouble): LongDouble | null {
  if ('inf' in a || 'inf' in b) return null;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const sa = a.m << BigInt(a.e - e);
  const sb = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -sa : sa) + (b.neg ? -sb : sb);
  if (sum === 0n) return LD_ZERO;
  const r = roundLongDouble(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
  return typeof r === 'string' ? null : r;
}

/**
 * Redis's human-friendly long double format: printf("%.17Lf") (exact, ties to even), trailing
 * zeros and a trailing point removed, and "-0" shown as "0".
 */
export function formatLongDouble(v: LongDouble): string {
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * TEN17;
  } else {
    const n = v.m * TEN17;
    const shift = BigInt(-v.e);
    q = n >> shift;
    const rem = n - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(18, '0');
  const intPart = digits.slice(0, -17);
  const frac = digits.slice(-17).replace(/0+$/, '');
  const out = (v.neg ? '-' : '') + (frac === '' ? intPart : `${intPart}.${frac}`);
  return out === '-0' ? '0' : out;
}
