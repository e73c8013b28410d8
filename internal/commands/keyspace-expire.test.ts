// Unit tests of the keyspace family's expiry commands (EXPIRE and kin, TTL and kin, PERSIST) through a real Executor, Store and manual clock.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, T0, type TestExecutor } from '../testing/exec.js';
import { useKeyspaceHarness, h } from '../testing/keyspace-fixtures.js';

useKeyspaceHarness();

describe('EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT', () => {
  it('set relative and absolute expiries, journaled as absolute PEXPIREAT', () => {
    for (const k of ['a', 'b', 'c', 'd']) h.put(k, 'v');
    expect(h.run('EXPIRE', 'a', '100')).toBe(1);
    expect(h.run('PEXPIRE', 'b', '1500')).toBe(1);
    expect(h.run('EXPIREAT', 'c', String(T0 / 1000 + 50))).toBe(1);
    expect(h.run('PEXPIREAT', 'd', String(T0 + 2500))).toBe(1);
    expect([h.run('PTTL', 'a'), h.run('PTTL', 'b'), h.run('PTTL', 'c'), h.run('PTTL', 'd')]).toEqual([100_000, 1500, 50_000, 2500]);
    expect(h.journal.map((j) => j.argv)).toEqual([
      ['PEXPIREAT', 'a', String(T0 + 100_000)],
      ['PEXPIREAT', 'b', String(T0 + 1500)],
      ['PEXPIREAT', 'c', String(T0 + 50_000)],
      ['PEXPIREAT', 'd', String(T0 + 2500)],
    ]);
  });
  it('the key disappears once the manual clock passes the expiry', () => {
    h.put('a', 'v');
    h.run('PEXPIRE', 'a', '1000');
    h.clock.advance(999);
    expect(h.run('EXISTS', 'a')).toBe(1);
    h.clock.advance(1);
    expect(h.run('EXISTS', 'a')).toBe(0);
    expect(h.run('TTL', 'a')).toBe(-2);
    expect(h.store.stats.expiredKeys).toBe(1);
  });
  it('a time now or in the past deletes the key, journaled as DEL', () => {
    for (const k of ['a', 'b', 'c', 'd', 'e']) h.put(k, 'v');
    expect(h.run('EXPIRE', 'a', '0')).toBe(1);
    expect(h.run('PEXPIRE', 'b', '-5')).toBe(1);
    expect(h.run('EXPIREAT', 'c', '1')).toBe(1);
    expect(h.run('PEXPIREAT', 'd', String(T0))).toBe(1);
    expect(h.run('PEXPIRE', 'e', '-9223372036854775808')).toBe(1);
    expect(h.run('DBSIZE')).toBe(0);
    expect(h.journal.map((j) => j.argv)).toEqual([
      ['DEL', 'a'],
      ['DEL', 'b'],
      ['DEL', 'c'],
      ['DEL', 'd'],
      ['DEL', 'e'],
    ]);
  });
  it('answers 0 for a missing key and journals nothing', () => {
    expect(h.run('EXPIRE', 'nokey', '10')).toBe(0);
    expect(h.run('PEXPIREAT', 'nokey', '1')).toBe(0);
    expect(h.journal).toEqual([]);
  });
  it('NX sets only without a TTL, XX only with one', () => {
    h.put('a', 'v');
    expect(h.run('EXPIRE', 'a', '10', 'XX')).toBe(0);
    expect(h.run('EXPIRE', 'a', '10', 'nx')).toBe(1);
    expect(h.run('EXPIRE', 'a', '20', 'NX')).toBe(0);
    expect(h.run('EXPIRE', 'a', '30', 'xx')).toBe(1);
    expect(h.run('TTL', 'a')).toBe(30);
    expect(h.run('EXPIRE', 'a', '40', 'NX', 'NX')).toBe(0);
  });
  it('GT and LT compare with the current TTL, no TTL counting as infinite', () => {
    h.put('a', 'v');
    expect(h.run('EXPIRE', 'a', '100', 'GT')).toBe(0);
    expect(h.run('TTL', 'a')).toBe(-1);
    expect(h.run('EXPIRE', 'a', '100', 'LT')).toBe(1);
    expect(h.run('EXPIRE', 'a', '200', 'LT')).toBe(0);
    expect(h.run('EXPIRE', 'a', '100', 'LT')).toBe(0); // equal is not less
    expect(h.run('EXPIRE', 'a', '50', 'LT')).toBe(1);
    expect(h.run('EXPIRE', 'a', '50', 'GT')).toBe(0); // equal is not greater
    expect(h.run('EXPIRE', 'a', '100', 'GT', 'XX')).toBe(1);
    expect(h.run('TTL', 'a')).toBe(100);
    expect(h.run('EXPIRE', 'a', '-1', 'GT')).toBe(0);
    expect(h.run('EXISTS', 'a')).toBe(1);
    expect(h.run('EXPIRE', 'a', '-1', 'LT')).toBe(1);
    expect(h.run('EXISTS', 'a')).toBe(0);
    h.put('b', 'v');
    expect(h.run('PEXPIRE', 'b', '-1', 'LT')).toBe(1); // past + no TTL: LT passes, the key goes
    expect(h.run('EXISTS', 'b')).toBe(0);
  });
  it('journals the effect without the condition flags', () => {
    h.put('a', 'v');
    h.run('EXPIRE', 'a', '10', 'NX');
    h.run('EXPIRE', 'a', '20', 'GT');
    h.run('EXPIRE', 'a', '5', 'GT');
    expect(h.journal.map((j) => j.argv)).toEqual([
      ['PEXPIREAT', 'a', String(T0 + 10_000)],
      ['PEXPIREAT', 'a', String(T0 + 20_000)],
    ]);
  });
  it('rejects incompatible and unknown options before parsing the time', () => {
    h.put('a', 'v');
    const nxErr = '-ERR NX and XX, GT or LT options at the same time are not compatible';
    const gtltErr = '-ERR GT and LT options at the same time are not compatible';
    expect(h.run('EXPIRE', 'a', '10', 'NX', 'XX')).toBe(nxErr);
    expect(h.run('EXPIRE', 'a', '10', 'nx', 'gt')).toBe(nxErr);
    expect(h.run('PEXPIRE', 'a', '10', 'LT', 'NX')).toBe(nxErr);
    expect(h.run('EXPIREAT', 'a', '10', 'GT', 'LT', 'NX')).toBe(nxErr);
    expect(h.run('PEXPIREAT', 'a', '10', 'gt', 'lt')).toBe(gtltErr);
    expect(h.run('EXPIRE', 'a', '10', 'foo')).toBe('-ERR Unsupported option foo');
    expect(h.run('EXPIRE', 'nokey', 'abc', 'foo')).toBe('-ERR Unsupported option foo');
    expect(h.run('EXPIRE', 'nokey', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('EXPIRE', 'a', '1.5')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('EXPIRE', 'a')).toBe("-ERR wrong number of arguments for 'expire' command");
    expect(h.run('PTTL', 'a')).toBe(-1);
    expect(h.journal).toEqual([]);
  });
  it('rejects overflowing times with the command name in the message', () => {
    h.put('a', 'v');
    expect(h.run('EXPIRE', 'a', '9223372036854775807')).toBe("-ERR invalid expire time in 'expire' command");
    expect(h.run('EXPIRE', 'a', '9223372036854775')).toBe("-ERR invalid expire time in 'expire' command");
    expect(h.run('EXPIRE', 'a', '-9223372036854775808')).toBe("-ERR invalid expire time in 'expire' command");
    expect(h.run('PEXPIRE', 'a', '9223372036854775807')).toBe("-ERR invalid expire time in 'pexpire' command");
    expect(h.run('EXPIREAT', 'a', '9223372036854775807')).toBe("-ERR invalid expire time in 'expireat' command");
    expect(h.run('expireat', 'nokey', '9223372036854775807')).toBe("-ERR invalid expire time in 'expireat' command");
    // Redis's two checks: seconds past LLONG_MAX/1000, and LLONG_MAX - now for the relative forms.
    expect(h.run('EXPIRE', 'a', '9223370399119966')).toBe("-ERR invalid expire time in 'expire' command");
    expect(h.run('PEXPIRE', 'a', '9223372036854770000')).toBe("-ERR invalid expire time in 'pexpire' command");
    expect(h.run('PTTL', 'a')).toBe(-1);
    expect(h.journal).toEqual([]);
  });
  it('takes absolute times up to LLONG_MAX; past 2^53 ms they are kept as the nearest double', () => {
    h.put('a', 'v');
    expect(h.run('PEXPIREAT', 'a', String(2 ** 53 - 1))).toBe(1);
    expect(h.run('PEXPIRETIME', 'a')).toBe(2 ** 53 - 1);
    expect(h.run('PEXPIREAT', 'a', '9223372036854770000')).toBe(1);
    expect(h.run('PEXPIRETIME', 'a')).toBe(9223372036854770000);
    // LLONG_MAX itself: the largest double below 2^63, whose decimal form is still an int64.
    expect(h.run('PEXPIREAT', 'a', '9223372036854775807')).toBe(1);
    expect(h.run('PEXPIRETIME', 'a')).toBe(9223372036854775000);
    expect(h.run('EXPIREAT', 'a', '9223372036854775')).toBe(1);
    expect(h.run('EXPIRETIME', 'a')).toBe(9223372036854775n);
    // The journal carries what reads back as the same stored time.
    expect(h.journal.map((j) => j.argv)).toEqual([
      ['PEXPIREAT', 'a', String(2 ** 53 - 1)],
      ['PEXPIREAT', 'a', '9223372036854770000'],
      ['PEXPIREAT', 'a', '9223372036854775000'],
      ['PEXPIREAT', 'a', '9223372036854775000'],
    ]);
    // A big negative absolute time is in the past: the key goes.
    expect(h.run('PEXPIREAT', 'a', '-9223372036854770000')).toBe(1);
    expect(h.run('TTL', 'a')).toBe(-2);
  });
  it('EXPIRE 9223372036854 seconds is a TTL of exactly that many seconds', () => {
    h.put('a', 'v');
    expect(h.run('EXPIRE', 'a', '9223372036854')).toBe(1);
    expect(h.run('TTL', 'a')).toBe(9223372036854);
    h.put('b', 'v');
    expect(h.run('EXPIRE', 'b', '9223372036854', 'GT')).toBe(0);
    expect(h.run('EXPIRE', 'b', '9223372036854', 'LT')).toBe(1);
    expect(h.run('EXPIRE', 'b', '9223372036853', 'LT')).toBe(1);
    expect(h.run('TTL', 'b')).toBe(9223372036853);
  });
});

describe('TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST', () => {
  it('-2 for missing keys, -1 without expiry', () => {
    h.put('a', 'v');
    for (const c of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      expect(h.run(c, 'nokey')).toBe(-2);
      expect(h.run(c, 'a')).toBe(-1);
    }
  });
  it('rounds seconds half up and follows the clock', () => {
    h.put('a', 'v', T0 + 1499);
    expect(h.run('TTL', 'a')).toBe(1);
    expect(h.run('PTTL', 'a')).toBe(1499);
    h.put('b', 'v', T0 + 1500);
    expect(h.run('TTL', 'b')).toBe(2);
    h.clock.advance(1200);
    expect(h.run('TTL', 'b')).toBe(0);
    expect(h.run('PTTL', 'b')).toBe(300);
  });
  it('EXPIRETIME and PEXPIRETIME answer the absolute time', () => {
    h.put('a', 'v');
    h.run('EXPIREAT', 'a', '4000000000');
    expect(h.run('EXPIRETIME', 'a')).toBe(4_000_000_000);
    expect(h.run('PEXPIRETIME', 'a')).toBe(4_000_000_000_000);
    h.run('PEXPIREAT', 'a', '4000000000499');
    expect(h.run('EXPIRETIME', 'a')).toBe(4_000_000_000);
    h.run('PEXPIREAT', 'a', '4000000000500');
    expect(h.run('EXPIRETIME', 'a')).toBe(4_000_000_001);
  });
  it('PERSIST removes an expiry (1) and answers 0 otherwise; journaled only when it acted', () => {
    h.put('a', 'v', T0 + 5000);
    h.put('b', 'v');
    expect(h.run('PERSIST', 'a')).toBe(1);
    expect(h.run('TTL', 'a')).toBe(-1);
    expect(h.run('PERSIST', 'a')).toBe(0);
    expect(h.run('PERSIST', 'b')).toBe(0);
    expect(h.run('PERSIST', 'nokey')).toBe(0);
    expect(h.journal).toEqual([{ db: 0, argv: ['PERSIST', 'a'] }]);
    h.clock.advance(10_000);
    expect(h.run('EXISTS', 'a')).toBe(1);
  });
  it('do not touch the key', () => {
    h.put('a', 'v', T0 + 100_000);
    h.clock.advance(3000);
    h.run('TTL', 'a');
    h.run('PTTL', 'a');
    h.run('EXPIRETIME', 'a');
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(3);
  });
});

describe('SET / SETEX / PSETEX / GETEX near the 64-bit limit (getExpireMillisecondsOrReply)', () => {
  // The string family as well: SET and GETEX parse their expiry with the same arithmetic.
  let t: TestExecutor;
  beforeEach(() => {
    t = createTestExecutor();
  });
  it('SET EX 9223372036854 is OK with that TTL, journaled as an absolute PXAT', () => {
    expect(t.run('SET', 'k', 'v', 'EX', '9223372036854')).toBe('+OK');
    expect(t.run('TTL', 'k')).toBe(9223372036854);
    expect(t.journal.at(-1)?.argv).toEqual(['SET', 'k', 'v', 'PXAT', String(T0 + 9223372036854000)]);
    expect(t.run('SETEX', 'k', '9223372036855', 'v')).toBe('+OK');
    expect(t.run('TTL', 'k')).toBe(9223372036855);
  });
  it('a relative time past LLONG_MAX - now, or seconds past LLONG_MAX / 1000, is an invalid expire time', () => {
    expect(t.run('SET', 'k', 'v', 'PX', '9223372036854775807')).toBe("-ERR invalid expire time in 'set' command");
    expect(t.run('SET', 'k', 'v', 'EXAT', '9223372036854776')).toBe("-ERR invalid expire time in 'set' command");
    expect(t.run('PSETEX', 'k', '9223372036854775807', 'v')).toBe("-ERR invalid expire time in 'psetex' command");
    expect(t.run('SETEX', 'k', '10000000000000000', 'v')).toBe("-ERR invalid expire time in 'setex' command");
    expect(t.run('EXISTS', 'k')).toBe(0);
    t.run('SET', 'k', 'v');
    expect(t.run('GETEX', 'k', 'PX', '9223372036854775807')).toBe("-ERR invalid expire time in 'getex' command");
    expect(t.run('GETEX', 'k', 'EX', '-9999999999999999')).toBe("-ERR invalid expire time in 'getex' command");
    expect(t.run('TTL', 'k')).toBe(-1);
  });
  it('absolute times up to LLONG_MAX are fine', () => {
    expect(t.run('SET', 'k', 'v', 'PXAT', '9223372036854775807')).toBe('+OK');
    expect(t.run('PEXPIRETIME', 'k')).toBe(9223372036854775000);
    expect(t.run('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe('+OK');
    expect(t.run('PEXPIRETIME', 'k')).toBe(9223372036854775000);
    expect(t.run('GETEX', 'k', 'PXAT', '9223372036854770000')).toBe('v');
    expect(t.run('PEXPIRETIME', 'k')).toBe(9223372036854770000);
    expect(t.journal.at(-1)?.argv).toEqual(['PEXPIREAT', 'k', '9223372036854770000']);
  });
});
