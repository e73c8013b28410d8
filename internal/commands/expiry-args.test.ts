// Table tests of the expiry arithmetic shared by EXPIRE and kin and by SET / GETEX: Redis 7.0's overflow checks near the 64-bit limit, and how times past 2^53 ms are kept.
import { describe, expect, it } from 'vitest';
import { CommandError } from '../contracts/errors.js';
import { expireCommandMs, MAX_STORED_EXPIRE_MS, setExpireMs, storedExpireMs } from './args.js';

/** The command time the cases are computed against (2026-12-07, when these were checked against redis-server). */
const NOW = 1_796_600_000_000;
const LLONG_MAX = 9223372036854775807n;

/** What a call answers: the stored time, or the error line. */
function outcome(f: () => number): number | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof CommandError) return e.line;
    throw e;
  }
}

const invalid = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
const NOT_INT = 'ERR value is not an integer or out of range';

describe('expireCommandMs (expireGenericCommand)', () => {
  // [argument, unit, absolute, expected]
  const cases: [string, 's' | 'ms', boolean, number | string][] = [
    // Fast path: exact JS arithmetic.
    ['100', 's', false, NOW + 100_000],
    ['1500', 'ms', false, NOW + 1500],
    ['0', 's', false, NOW],
    ['-5', 'ms', false, NOW - 5],
    ['1796600050', 's', true, 1_796_600_050_000],
    ['-1', 's', true, -1000],
    // `when > LLONG_MAX / 1000` and `when < LLONG_MIN / 1000` for seconds.
    ['9223372036854776', 's', false, invalid('expire')],
    ['10000000000000000', 's', false, invalid('expire')],
    ['18446744073709561', 's', false, invalid('expire')],
    ['-9223372036854776', 's', false, invalid('expire')],
    ['-9999999999999999', 's', false, invalid('expire')],
    ['9223372036854776', 's', true, invalid('expireat')],
    // LLONG_MIN / 1000 itself scales fine and lies in the past.
    ['-9223372036854775', 's', true, -9223372036854775000],
    // `when > LLONG_MAX - basetime` after scaling: the seconds fit, the sum with now does not.
    ['9223370399119966', 's', false, invalid('expire')],
    ['9223372036854770000', 'ms', false, invalid('pexpire')],
    ['9223372036854775807', 'ms', false, invalid('pexpire')],
    // Absolute: no base to add, so everything up to LLONG_MAX is a time.
    ['9223372036854770000', 'ms', true, 9223372036854770000],
    ['9223372036854775807', 'ms', true, MAX_STORED_EXPIRE_MS],
    ['-9223372036854775808', 'ms', true, -9223372036854775808],
    ['-9223372036854775808', 'ms', false, NOW - 9223372036854775808],
    // Seconds whose milliseconds pass 2^53: valid, kept as the nearest double.
    ['9223372036854', 's', false, 9223372036854000 + NOW],
    // Not int64 at all.
    ['9223372036854775808', 'ms', true, NOT_INT],
    ['abc', 's', false, NOT_INT],
    ['', 's', false, NOT_INT],
    ['1.5', 's', false, NOT_INT],
  ];
  it.each(cases)('%s (%s, absolute %s) -> %s', (raw, unit, absolute, expected) => {
    const cmd = (unit === 's' ? 'expire' : 'pexpire') + (absolute ? 'at' : '');
    expect(outcome(() => expireCommandMs(raw, unit, absolute ? 0 : NOW, cmd))).toBe(expected);
  });
});

describe('setExpireMs (getExpireMillisecondsOrReply)', () => {
  const cases: [string, 's' | 'ms', boolean, number | string][] = [
    ['10', 's', false, NOW + 10_000],
    ['10000', 'ms', false, NOW + 10_000],
    ['1796600010', 's', true, 1_796_600_010_000],
    ['1796600010000', 'ms', true, 1_796_600_010_000],
    // Only positive times.
    ['0', 's', false, invalid('set')],
    ['-1', 'ms', false, invalid('set')],
    ['0', 's', true, invalid('set')],
    ['-9999999999999999', 's', false, invalid('set')],
    // Seconds beyond LLONG_MAX / 1000.
    ['10000000000000000', 's', false, invalid('set')],
    ['9223372036854776', 's', true, invalid('set')],
    ['9223372036854775', 's', true, 9223372036854775000],
    // A relative time whose sum with now passes LLONG_MAX (Redis sees it wrap negative).
    ['9223372036854775807', 'ms', false, invalid('set')],
    ['9223370000000000000', 'ms', false, 9223370000000000000 + NOW],
    // Absolute times up to LLONG_MAX are fine.
    ['9223372036854775807', 'ms', true, MAX_STORED_EXPIRE_MS],
    ['9223372036854770000', 'ms', true, 9223372036854770000],
    // EX 9223372036854 is OK: 9223372036854000 ms from now, past 2^53.
    ['9223372036854', 's', false, 9223372036854000 + NOW],
    ['9223372036855', 's', false, 9223372036855000 + NOW],
    ['9223372036854775808', 'ms', true, NOT_INT],
    ['+1', 's', false, NOT_INT],
  ];
  it.each(cases)('%s (%s, absolute %s) -> %s', (raw, unit, absolute, expected) => {
    expect(outcome(() => setExpireMs(raw, unit, absolute, NOW, 'set'))).toBe(expected);
  });
});

describe('storedExpireMs', () => {
  it('is exact up to 2^53 and the nearest double beyond, capped below 2^63', () => {
    expect(storedExpireMs(9007199254740991n)).toBe(9007199254740991);
    expect(storedExpireMs(9223372036854770000n)).toBe(9223372036854770000);
    expect(storedExpireMs(LLONG_MAX)).toBe(MAX_STORED_EXPIRE_MS);
  });
  it.each([9007199254740993n, 123456789012345678n, 9223372036854770001n, 9223372036854775000n, LLONG_MAX])(
    'String() of the stored form of %s is an int64 that reads back as the same number',
    (v) => {
      const stored = storedExpireMs(v);
      const text = String(stored);
      expect(text).toMatch(/^\d+$/);
      expect(BigInt(text) <= LLONG_MAX).toBe(true);
      expect(storedExpireMs(BigInt(text))).toBe(stored);
      // Within the double's spacing there (at most 1024 ms below 2^63).
      const diff = BigInt(stored) - v;
      expect(diff >= -1024n && diff <= 1024n).toBe(true);
    },
  );
});
