// Unit tests for the strings family: the table, GET/SET and their variants, MGET/MSET and the counters, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeToBuffer } from '../resp/encoder.js';
import { hasFlag } from './spec.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './longdouble.js';
import { stringCommands } from './strings.js';
import { useStringsHarness, h, now, FakeList, type Js, ttlOf, expireKey, ALL_BYTES, WRONGTYPE, NOT_INT, NOT_FLOAT, SYNTAX, NAN_INF, OVERFLOW } from '../testing/strings-fixtures.js';

useStringsHarness();

describe('command table', () => {
  // [name, arity, flags, first, last, step] exactly as Redis 7's COMMAND INFO reports them.
  const table: [string, number, string[], number, number, number][] = [
    ['get', 2, ['readonly', 'fast'], 1, 1, 1],
    ['set', -3, ['write', 'denyoom'], 1, 1, 1],
    ['setnx', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['setex', 4, ['write', 'denyoom'], 1, 1, 1],
    ['psetex', 4, ['write', 'denyoom'], 1, 1, 1],
    ['getex', -2, ['write', 'fast'], 1, 1, 1],
    ['getdel', 2, ['write', 'fast'], 1, 1, 1],
    ['getset', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['mget', -2, ['readonly', 'fast'], 1, -1, 1],
    ['mset', -3, ['write', 'denyoom'], 1, -1, 2],
    ['msetnx', -3, ['write', 'denyoom'], 1, -1, 2],
    ['append', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['strlen', 2, ['readonly', 'fast'], 1, 1, 1],
    ['incr', 2, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['decr', 2, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['incrby', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['decrby', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['incrbyfloat', 3, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['getrange', 4, ['readonly'], 1, 1, 1],
    ['setrange', 4, ['write', 'denyoom'], 1, 1, 1],
    ['substr', 4, ['readonly'], 1, 1, 1],
    ['lcs', -3, ['readonly'], 1, 2, 1],
  ];

  it('has exactly the family', () => {
    expect(stringCommands.map((c) => c.name).sort()).toEqual(table.map((t) => t[0]).sort());
  });

  it.each(table)('%s: arity %i, flags %j, keys', (name, arity, flags, first, last, step) => {
    const spec = stringCommands.find((c) => c.name === name);
    expect(spec).toBeDefined();
    if (!spec) return;
    expect(spec.arity).toBe(arity);
    expect([...spec.flags]).toEqual(flags);
    expect([spec.firstKey, spec.lastKey, spec.step]).toEqual([first, last, step]);
    expect(spec.group).toBe('string');
    expect(spec.summary.length).toBeGreaterThan(0);
    expect(spec.since).toMatch(/^\d+\.\d+\.\d+$/);
    expect(spec.syntax.length).toBeGreaterThan(0);
    expect(spec.handler).toBeTypeOf('function');
    expect(hasFlag(spec, 'write') !== hasFlag(spec, 'readonly')).toBe(true);
  });

  it('documents SET and GETEX in Redis notation (rendered from Redis 7.0.15\'s argument trees)', () => {
    const syn = (n: string): string | undefined => stringCommands.find((c) => c.name === n)?.syntax;
    expect(syn('set')).toBe(
      'key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]',
    );
    expect(syn('getex')).toBe('key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]');
    expect(syn('lcs')).toBe('key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]');
  });

  it('arity is enforced by the dispatcher', () => {
    expect(h.run('GET')).toBe("-ERR wrong number of arguments for 'get' command");
    expect(h.run('SET', 'k')).toBe("-ERR wrong number of arguments for 'set' command");
    expect(h.run('SETEX', 'k', '10')).toBe("-ERR wrong number of arguments for 'setex' command");
    expect(h.run('LCS', 'a')).toBe("-ERR wrong number of arguments for 'lcs' command");
  });
});

describe('GET', () => {
  it('answers nil for a missing key and the value otherwise', () => {
    expect(h.run('GET', 'k')).toBeNull();
    h.run('SET', 'k', 'v');
    expect(h.run('GET', 'k')).toBe('v');
  });

  it('is binary safe', () => {
    h.run('SET', ALL_BYTES, ALL_BYTES);
    expect(h.run('GET', ALL_BYTES)).toBe(ALL_BYTES);
  });

  it('answers WRONGTYPE for collections', () => {
    h.db.set('l', new FakeList());
    expect(h.run('GET', 'l')).toBe(WRONGTYPE);
  });

  it('counts keyspace hits and misses', () => {
    h.run('SET', 'k', 'v');
    h.run('GET', 'k');
    h.run('GET', 'nope');
    expect(h.store.stats.hits).toBe(1);
    expect(h.store.stats.misses).toBe(1);
  });

  it('does not journal reads', () => {
    h.run('GET', 'k');
    expect(h.journal).toEqual([]);
  });
});

describe('SET', () => {
  it('sets, overwrites any type, and clears a previous TTL', () => {
    expect(h.run('SET', 'k', 'v1')).toBe('+OK');
    h.run('SET', 'k', 'v2', 'EX', '100');
    expect(ttlOf('k')).toBe(now + 100_000);
    expect(h.run('SET', 'k', 'v3')).toBe('+OK');
    expect(ttlOf('k')).toBe(0);
    h.db.set('l', new FakeList());
    expect(h.run('SET', 'l', 'x')).toBe('+OK');
    expect(h.run('GET', 'l')).toBe('x');
    expect(h.journal).toEqual([
      ['SET', 'k', 'v1'],
      ['SET', 'k', 'v2', 'PXAT', String(now + 100_000)],
      ['SET', 'k', 'v3'],
      ['SET', 'l', 'x'],
    ]);
  });

  it('NX sets only a missing key', () => {
    expect(h.run('SET', 'k', 'a', 'NX')).toBe('+OK');
    expect(h.run('SET', 'k', 'b', 'nx')).toBeNull();
    expect(h.run('GET', 'k')).toBe('a');
    h.db.set('l', new FakeList());
    expect(h.run('SET', 'l', 'b', 'NX')).toBeNull();
    expect(h.journal).toEqual([['SET', 'k', 'a']]);
  });

  it('XX sets only an existing key', () => {
    expect(h.run('SET', 'k', 'a', 'XX')).toBeNull();
    expect(h.db.has('k')).toBe(false);
    h.run('SET', 'k', 'a');
    expect(h.run('SET', 'k', 'b', 'XX')).toBe('+OK');
    expect(h.run('GET', 'k')).toBe('b');
    expect(h.journal).toEqual([
      ['SET', 'k', 'a'],
      ['SET', 'k', 'b'],
    ]);
  });

  it('NX on a key that expired counts it as missing', () => {
    h.run('SET', 'k', 'a', 'PX', '10');
    h.clock.advance(10);
    expect(h.run('SET', 'k', 'b', 'NX')).toBe('+OK');
    expect(h.run('GET', 'k')).toBe('b');
  });

  it('GET answers the old value (or nil) and still sets', () => {
    expect(h.run('SET', 'k', 'a', 'GET')).toBeNull();
    expect(h.run('SET', 'k', 'b', 'get')).toBe('a');
    expect(h.run('GET', 'k')).toBe('b');
    // The journal never carries GET.
    expect(h.journal).toEqual([
      ['SET', 'k', 'a'],
      ['SET', 'k', 'b'],
    ]);
  });

  it('GET combines with NX and XX as Redis 7 does', () => {
    expect(h.run('SET', 'k', 'a', 'NX', 'GET')).toBeNull();
    expect(h.run('GET', 'k')).toBe('a');
    expect(h.run('SET', 'k', 'b', 'GET', 'NX')).toBe('a');
    expect(h.run('GET', 'k')).toBe('a');
    expect(h.run('SET', 'k', 'c', 'XX', 'GET')).toBe('a');
    expect(h.run('GET', 'k')).toBe('c');
    expect(h.run('SET', 'missing', 'c', 'XX', 'GET')).toBeNull();
    expect(h.db.has('missing')).toBe(false);
  });

  it('GET against a collection is WRONGTYPE and leaves it alone', () => {
    const list = new FakeList();
    h.db.set('l', list);
    expect(h.run('SET', 'l', 'x', 'GET')).toBe(WRONGTYPE);
    expect(h.db.peek('l')?.value).toBe(list);
    expect(h.journal).toEqual([]);
  });

  it.each([
    ['EX', '10', 10_000],
    ['PX', '1500', 1500],
    ['ex', '1', 1000],
    ['pX', '1', 1],
  ])('%s %s sets a relative expiry and journals PXAT', (opt, amount, ms) => {
    expect(h.run('SET', 'k', 'v', opt, amount)).toBe('+OK');
    expect(ttlOf('k')).toBe(now + ms);
    expect(h.journal).toEqual([['SET', 'k', 'v', 'PXAT', String(now + ms)]]);
  });

  it('EXAT and PXAT set an absolute expiry', () => {
    const at = Math.floor(now / 1000) + 100;
    h.run('SET', 'a', 'v', 'EXAT', String(at));
    expect(ttlOf('a')).toBe(at * 1000);
    h.run('SET', 'b', 'v', 'PXAT', String(now + 1234));
    expect(ttlOf('b')).toBe(now + 1234);
    expect(h.journal).toEqual([
      ['SET', 'a', 'v', 'PXAT', String(at * 1000)],
      ['SET', 'b', 'v', 'PXAT', String(now + 1234)],
    ]);
  });

  it('the key expires when its time comes', () => {
    h.run('SET', 'k', 'v', 'PX', '100');
    h.clock.advance(99);
    expect(h.run('GET', 'k')).toBe('v');
    h.clock.advance(1);
    expect(h.run('GET', 'k')).toBeNull();
  });

  it('an EXAT/PXAT already in the past deletes the key and journals DEL', () => {
    h.run('SET', 'k', 'old', 'EX', '100');
    h.journal.length = 0;
    expect(h.run('SET', 'k', 'v', 'PXAT', String(now - 1))).toBe('+OK');
    expect(h.db.has('k')).toBe(false);
    expect(h.journal).toEqual([['DEL', 'k']]);
    // Nothing existed, nothing changed: nothing to journal.
    expect(h.run('SET', 'k', 'v', 'EXAT', '1')).toBe('+OK');
    expect(h.db.has('k')).toBe(false);
    expect(h.journal).toEqual([['DEL', 'k']]);
    // PXAT exactly now is already expired too.
    h.run('SET', 'k', 'v');
    expect(h.run('SET', 'k', 'w', 'GET', 'PXAT', String(now))).toBe('v');
    expect(h.db.has('k')).toBe(false);
  });

  it('KEEPTTL keeps the TTL and journals KEEPTTL', () => {
    h.run('SET', 'k', 'v', 'PX', '5000');
    expect(h.run('SET', 'k', 'w', 'KEEPTTL')).toBe('+OK');
    expect(ttlOf('k')).toBe(now + 5000);
    expect(h.run('GET', 'k')).toBe('w');
    expect(h.run('SET', 'n', 'w', 'keepttl')).toBe('+OK');
    expect(ttlOf('n')).toBe(0);
    expect(h.journal.slice(1)).toEqual([
      ['SET', 'k', 'w', 'KEEPTTL'],
      ['SET', 'n', 'w', 'KEEPTTL'],
    ]);
  });

  it('combines options', () => {
    h.run('SET', 'k', 'v');
    expect(h.run('SET', 'k', 'w', 'XX', 'PX', '10000', 'GET')).toBe('v');
    expect(ttlOf('k')).toBe(now + 10_000);
    expect(h.run('SET', 'k', 'x', 'EX', '10', 'EX', '20')).toBe('+OK');
    expect(ttlOf('k')).toBe(now + 20_000);
    expect(h.run('SET', 'k', 'y', 'NX', 'NX')).toBeNull();
    expect(h.run('SET', 'k', 'y', 'GET', 'GET')).toBe('x');
  });

  it.each([
    [['NX', 'XX']],
    [['XX', 'NX']],
    [['EX', '10', 'PX', '10']],
    [['PX', '10', 'EX', '10']],
    [['EX', '10', 'EXAT', '10']],
    [['PXAT', '10', 'PX', '10']],
    [['EXAT', '10', 'PXAT', '10']],
    [['EX', '10', 'KEEPTTL']],
    [['KEEPTTL', 'PX', '10']],
    [['PERSIST']],
    [['EX']],
    [['PX']],
    [['EXAT']],
    [['PXAT']],
    [['NX', 'EX']],
    [['BOGUS']],
    [['NXX']],
    [['E']],
  ])('syntax error for %j', (opts) => {
    h.run('SET', 'k', 'orig');
    expect(h.run('SET', 'k', 'v', ...opts)).toBe(SYNTAX);
    expect(h.run('GET', 'k')).toBe('orig');
  });

  it.each([
    ['EX', '0'],
    ['EX', '-1'],
    ['PX', '0'],
    ['PX', '-100'],
    ['EXAT', '0'],
    ['PXAT', '-1'],
    ['EX', '10000000000000000'],
    ['EX', '-9999999999999999'],
    ['PX', '9223372036854775807'],
  ])("%s %s is an invalid expire time in 'set'", (opt, v) => {
    expect(h.run('SET', 'k', 'v', opt, v)).toBe("-ERR invalid expire time in 'set' command");
    expect(h.db.has('k')).toBe(false);
  });

  it.each([['abc'], ['1.5'], [''], [' 1'], ['+1'], ['9223372036854775808']])('EX %j is not an integer', (v) => {
    expect(h.run('SET', 'k', 'v', 'EX', v)).toBe(NOT_INT);
  });

  it('checks syntax, then the expire value, then the type (Redis order)', () => {
    h.db.set('l', new FakeList());
    expect(h.run('SET', 'l', 'v', 'GET', 'EX', '0', 'BOGUS')).toBe(SYNTAX);
    expect(h.run('SET', 'l', 'v', 'GET', 'EX', '0')).toBe("-ERR invalid expire time in 'set' command");
    expect(h.run('SET', 'l', 'v', 'GET', 'EX', '10')).toBe(WRONGTYPE);
  });

  it('stores binary values and keys as given', () => {
    const v = '\0\r\n\xff' + ALL_BYTES;
    h.run('SET', '\xff\0k', v);
    expect(h.run('GET', '\xff\0k')).toBe(v);
    expect(h.run('STRLEN', '\xff\0k')).toBe(v.length);
  });
});

describe('SETNX / SETEX / PSETEX', () => {
  it('SETNX answers 1 when it set and 0 otherwise', () => {
    expect(h.run('SETNX', 'k', 'a')).toBe(1);
    expect(h.run('SETNX', 'k', 'b')).toBe(0);
    expect(h.run('GET', 'k')).toBe('a');
    h.db.set('l', new FakeList());
    expect(h.run('SETNX', 'l', 'b')).toBe(0);
    expect(h.journal).toEqual([['SET', 'k', 'a']]);
  });

  it('SETEX sets with a TTL in seconds, journaled as SET PXAT', () => {
    expect(h.run('SETEX', 'k', '10', 'v')).toBe('+OK');
    expect(h.run('GET', 'k')).toBe('v');
    expect(ttlOf('k')).toBe(now + 10_000);
    expect(h.journal).toEqual([['SET', 'k', 'v', 'PXAT', String(now + 10_000)]]);
  });

  it('PSETEX sets with a TTL in milliseconds', () => {
    expect(h.run('PSETEX', 'k', '1500', 'v')).toBe('+OK');
    expect(ttlOf('k')).toBe(now + 1500);
    expect(h.journal).toEqual([['SET', 'k', 'v', 'PXAT', String(now + 1500)]]);
  });

  it('SETEX/PSETEX overwrite other types', () => {
    h.db.set('l', new FakeList());
    expect(h.run('SETEX', 'l', '5', 'v')).toBe('+OK');
    expect(h.run('GET', 'l')).toBe('v');
  });

  it.each([
    ['SETEX', '0', "-ERR invalid expire time in 'setex' command"],
    ['SETEX', '-5', "-ERR invalid expire time in 'setex' command"],
    ['SETEX', 'ten', NOT_INT],
    ['SETEX', '10000000000000000', "-ERR invalid expire time in 'setex' command"],
    ['PSETEX', '0', "-ERR invalid expire time in 'psetex' command"],
    ['PSETEX', '-1', "-ERR invalid expire time in 'psetex' command"],
    ['PSETEX', '1.5', NOT_INT],
  ])('%s with %s: %s', (cmd, ttl, err) => {
    expect(h.run(cmd, 'k', ttl, 'v')).toBe(err);
    expect(h.db.has('k')).toBe(false);
    expect(h.journal).toEqual([]);
  });
});

describe('GETEX', () => {
  beforeEach(() => {
    h.run('SET', 'k', 'v', 'EX', '100');
    h.journal.length = 0;
  });

  it('without options is a plain read', () => {
    expect(h.run('GETEX', 'k')).toBe('v');
    expect(ttlOf('k')).toBe(now + 100_000);
    expect(h.journal).toEqual([]);
    expect(h.run('GETEX', 'nope')).toBeNull();
  });

  it.each([
    ['EX', '10', () => now + 10_000],
    ['PX', '250', () => now + 250],
    ['EXAT', String(Math.floor(1_700_000_000_000 / 1000) + 50), () => (Math.floor(1_700_000_000_000 / 1000) + 50) * 1000],
    ['PXAT', String(1_700_000_000_000 + 777), () => 1_700_000_000_000 + 777],
  ])('%s %s sets the TTL and journals PEXPIREAT', (opt, amount, expected) => {
    expect(h.run('GETEX', 'k', opt, amount)).toBe('v');
    expect(ttlOf('k')).toBe(expected());
    expect(h.journal).toEqual([['PEXPIREAT', 'k', String(expected())]]);
  });

  it('PERSIST removes the TTL, journaled only when there was one', () => {
    expect(h.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(ttlOf('k')).toBe(0);
    expect(h.run('GETEX', 'k', 'persist')).toBe('v');
    expect(h.journal).toEqual([['PERSIST', 'k']]);
  });

  it('an EXAT/PXAT in the past deletes the key and journals DEL', () => {
    expect(h.run('GETEX', 'k', 'EXAT', String(Math.floor(now / 1000) - 100))).toBe('v');
    expect(h.db.has('k')).toBe(false);
    expect(h.journal).toEqual([['DEL', 'k']]);
    h.run('SET', 'j', 'w');
    expect(h.run('GETEX', 'j', 'PXAT', String(now))).toBe('w');
    expect(h.db.has('j')).toBe(false);
  });

  it.each([
    [['NX']],
    [['XX']],
    [['GET']],
    [['KEEPTTL']],
    [['PERSIST', 'EX', '10']],
    [['EX', '10', 'PERSIST']],
    [['EX', '10', 'PX', '10']],
    [['EX']],
    [['PXAT']],
    [['FOO']],
  ])('syntax error for %j (even on a missing key)', (opts) => {
    expect(h.run('GETEX', 'k', ...opts)).toBe(SYNTAX);
    expect(h.run('GETEX', 'missing', ...opts)).toBe(SYNTAX);
    expect(ttlOf('k')).toBe(now + 100_000);
  });

  it('a repeated expire option keeps the last one', () => {
    expect(h.run('GETEX', 'k', 'EX', '10', 'EX', '20')).toBe('v');
    expect(ttlOf('k')).toBe(now + 20_000);
  });

  it('answers nil for a missing key before validating the expire value', () => {
    expect(h.run('GETEX', 'missing', 'EX', '0')).toBeNull();
    expect(h.run('GETEX', 'missing', 'EX', 'abc')).toBeNull();
  });

  it.each([
    ['EX', '0', "-ERR invalid expire time in 'getex' command"],
    ['PX', '-1', "-ERR invalid expire time in 'getex' command"],
    ['EX', '10000000000000000', "-ERR invalid expire time in 'getex' command"],
    ['EX', '-9999999999999999', "-ERR invalid expire time in 'getex' command"],
    ['EX', 'abc', NOT_INT],
  ])('%s %s on an existing key: %s', (opt, v, err) => {
    expect(h.run('GETEX', 'k', opt, v)).toBe(err);
    expect(ttlOf('k')).toBe(now + 100_000);
    expect(h.journal).toEqual([]);
  });

  it('WRONGTYPE for collections, after the syntax check', () => {
    h.db.set('l', new FakeList());
    expect(h.run('GETEX', 'l', 'EX', '10')).toBe(WRONGTYPE);
    expect(h.run('GETEX', 'l', 'EX', '0')).toBe(WRONGTYPE);
    expect(h.run('GETEX', 'l', 'BAD')).toBe(SYNTAX);
  });
});

describe('GETDEL / GETSET', () => {
  it('GETDEL answers the value, deletes, and journals DEL', () => {
    h.run('SET', 'k', 'v');
    h.journal.length = 0;
    expect(h.run('GETDEL', 'k')).toBe('v');
    expect(h.db.has('k')).toBe(false);
    expect(h.run('GETDEL', 'k')).toBeNull();
    expect(h.journal).toEqual([['DEL', 'k']]);
  });

  it('GETDEL on a collection is WRONGTYPE and keeps it', () => {
    h.db.set('l', new FakeList());
    expect(h.run('GETDEL', 'l')).toBe(WRONGTYPE);
    expect(h.db.has('l')).toBe(true);
  });

  it('GETSET answers the old value, sets, clears the TTL, and journals SET', () => {
    expect(h.run('GETSET', 'k', 'a')).toBeNull();
    expireKey('k', now + 1000);
    expect(h.run('GETSET', 'k', 'b')).toBe('a');
    expect(h.run('GET', 'k')).toBe('b');
    expect(ttlOf('k')).toBe(0);
    expect(h.journal).toEqual([
      ['SET', 'k', 'a'],
      ['SET', 'k', 'b'],
    ]);
  });

  it('GETSET on a collection is WRONGTYPE and keeps it', () => {
    h.db.set('l', new FakeList());
    expect(h.run('GETSET', 'l', 'x')).toBe(WRONGTYPE);
    expect(typeof h.db.peek('l')?.value).toBe('object');
    expect(h.journal).toEqual([]);
  });
});

describe('MGET / MSET / MSETNX', () => {
  it('MGET answers values in order with nil for missing keys and collections', () => {
    h.run('SET', 'a', '1');
    h.run('SET', 'c', '3');
    h.db.set('l', new FakeList());
    expect(h.run('MGET', 'a', 'b', 'c', 'l', 'a')).toEqual(['1', null, '3', null, '1']);
  });

  it('MSET sets every pair, last one wins, TTLs cleared, journaled as sent', () => {
    h.run('SET', 'a', 'x', 'EX', '10');
    h.journal.length = 0;
    expect(h.run('MSET', 'a', '1', 'b', '2', 'a', '3')).toBe('+OK');
    expect(h.run('MGET', 'a', 'b')).toEqual(['3', '2']);
    expect(ttlOf('a')).toBe(0);
    expect(h.journal).toEqual([['MSET', 'a', '1', 'b', '2', 'a', '3']]);
  });

  it('MSET with an odd number of arguments is an arity error', () => {
    expect(h.run('MSET', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'mset' command");
    expect(h.db.has('a')).toBe(false);
  });

  it('MSETNX sets all or nothing', () => {
    expect(h.run('MSETNX', 'a', '1', 'b', '2')).toBe(1);
    expect(h.run('MSETNX', 'c', '3', 'a', '9')).toBe(0);
    expect(h.db.has('c')).toBe(false);
    expect(h.run('GET', 'a')).toBe('1');
    h.db.set('l', new FakeList());
    expect(h.run('MSETNX', 'd', '4', 'l', 'x')).toBe(0);
    expect(h.run('MSETNX', 'e', '1', 'e', '2')).toBe(1);
    expect(h.run('GET', 'e')).toBe('2');
    expect(h.journal).toEqual([
      ['MSET', 'a', '1', 'b', '2'],
      ['MSET', 'e', '1', 'e', '2'],
    ]);
  });

  it('MSETNX with an odd number of arguments is an arity error', () => {
    expect(h.run('MSETNX', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'msetnx' command");
  });
});

describe('INCR / DECR / INCRBY / DECRBY', () => {
  it('start from 0, keep the TTL, journal as sent', () => {
    expect(h.run('INCR', 'k')).toBe(1);
    expect(h.run('INCRBY', 'k', '10')).toBe(11);
    expect(h.run('DECR', 'k')).toBe(10);
    expect(h.run('DECRBY', 'k', '15')).toBe(-5);
    expect(h.run('GET', 'k')).toBe('-5');
    expireKey('k', now + 5000);
    expect(h.run('INCR', 'k')).toBe(-4);
    expect(ttlOf('k')).toBe(now + 5000);
    expect(h.journal).toEqual([
      ['INCR', 'k'],
      ['INCRBY', 'k', '10'],
      ['DECR', 'k'],
      ['DECRBY', 'k', '15'],
      ['INCR', 'k'],
    ]);
  });

  it('DECR on a missing key answers -1', () => {
    expect(h.run('DECR', 'n')).toBe(-1);
  });

  // [stored value, command, argument, expected reply]
  const cases: [string | null, string, string | null, Js][] = [
    ['0', 'INCR', null, 1],
    ['-1', 'INCR', null, 0],
    ['9223372036854775806', 'INCR', null, 9223372036854775807n],
    ['9223372036854775807', 'INCR', null, OVERFLOW],
    ['-9223372036854775807', 'DECR', null, -9223372036854775808n],
    ['-9223372036854775808', 'DECR', null, OVERFLOW],
    ['-9223372036854775808', 'INCR', null, -9223372036854775807n],
    ['9007199254740991', 'INCR', null, 9007199254740992n],
    ['9007199254740993', 'INCR', null, 9007199254740994n],
    ['9007199254740993', 'DECR', null, 9007199254740992n],
    ['-9007199254740993', 'DECR', null, -9007199254740994n],
    ['9223372036854775807', 'DECRBY', '9223372036854775807', 0],
    ['9223372036854775807', 'INCRBY', '-9223372036854775808', -1],
    ['17179869184', 'INCRBY', '17179869184', 34359738368],
    ['17179869184', 'DECRBY', '17179869185', -1],
    ['1', 'INCRBY', '9223372036854775807', OVERFLOW],
    ['-2', 'INCRBY', '-9223372036854775807', OVERFLOW],
    ['-1', 'INCRBY', '-9223372036854775808', OVERFLOW],
    ['0', 'INCRBY', '-9223372036854775808', -9223372036854775808n],
    ['0', 'DECRBY', '-9223372036854775808', '-ERR decrement would overflow'],
    ['0', 'DECRBY', '-9223372036854775807', 9223372036854775807n],
    ['5', 'DECRBY', '0', 5],
    ['5', 'INCRBY', '-0', NOT_INT],
    ['5', 'INCRBY', '+1', NOT_INT],
    ['5', 'INCRBY', ' 1', NOT_INT],
    ['5', 'INCRBY', '1 ', NOT_INT],
    ['5', 'INCRBY', '01', NOT_INT],
    ['5', 'INCRBY', '1e3', NOT_INT],
    ['5', 'INCRBY', '1.0', NOT_INT],
    ['5', 'INCRBY', '', NOT_INT],
    ['5', 'INCRBY', '-', NOT_INT],
    ['5', 'INCRBY', '0x10', NOT_INT],
    ['5', 'INCRBY', '9223372036854775808', NOT_INT],
    ['5', 'DECRBY', '-9223372036854775809', NOT_INT],
    ['5', 'DECRBY', 'abc', NOT_INT],
    ['+1', 'INCR', null, NOT_INT],
    [' 1', 'INCR', null, NOT_INT],
    ['1 ', 'INCR', null, NOT_INT],
    ['    11', 'INCR', null, NOT_INT],
    ['01', 'INCR', null, NOT_INT],
    ['-0', 'INCR', null, NOT_INT],
    ['1e3', 'INCR', null, NOT_INT],
    ['1.5', 'INCR', null, NOT_INT],
    ['', 'INCR', null, NOT_INT],
    ['abc', 'DECR', null, NOT_INT],
    ['9223372036854775808', 'INCR', null, NOT_INT],
    ['12345678901234567890123', 'INCR', null, NOT_INT],
    [null, 'INCRBY', '-7', -7],
    [null, 'DECRBY', '7', -7],
  ];

  it.each(cases)('%j %s %j -> %s', (stored, cmd, arg, expected) => {
    if (stored !== null) h.run('SET', 'k', stored);
    const argv = arg === null ? [cmd, 'k'] : [cmd, 'k', arg];
    expect(h.run(...argv)).toBe(expected);
    const after = h.run('GET', 'k');
    if (typeof expected === 'string') expect(after).toBe(stored);
    else expect(after).toBe(String(expected));
  });

  it('replies are exact int64s on the wire', () => {
    h.run('SET', 'k', '9223372036854775806');
    expect(encodeToBuffer(h.exec('INCR', 'k'), 2).toString()).toBe(':9223372036854775807\r\n');
  });

  it('errors change nothing and journal nothing', () => {
    h.run('SET', 'k', '9223372036854775807');
    h.journal.length = 0;
    h.run('INCR', 'k');
    h.run('INCRBY', 'k', 'x');
    expect(h.journal).toEqual([]);
  });

  it('WRONGTYPE for collections, but a bad increment is reported first', () => {
    h.db.set('l', new FakeList());
    expect(h.run('INCR', 'l')).toBe(WRONGTYPE);
    expect(h.run('DECR', 'l')).toBe(WRONGTYPE);
    expect(h.run('INCRBY', 'l', '1')).toBe(WRONGTYPE);
    expect(h.run('DECRBY', 'l', '1')).toBe(WRONGTYPE);
    expect(h.run('INCRBY', 'l', 'x')).toBe(NOT_INT);
    expect(h.run('DECRBY', 'l', '-9223372036854775808')).toBe('-ERR decrement would overflow');
  });

  it('a counter counts exactly past 2^53', () => {
    h.run('SET', 'k', String(2 ** 53 - 3));
    for (let i = 0; i < 6; i++) h.run('INCR', 'k');
    expect(h.run('GET', 'k')).toBe('9007199254740995');
    for (let i = 0; i < 6; i++) h.run('DECR', 'k');
    expect(h.run('GET', 'k')).toBe(String(2 ** 53 - 3));
  });
});

describe('INCRBYFLOAT', () => {
  // [stored value (null = missing), increment, expected reply]; expectations come from Redis 7 on x86-64.
  const cases: [string | null, string, string][] = [
    [null, '1', '1'],
    [null, '0.25', '0.25'],
    ['1', '0.25', '1.25'],
    ['10.50', '0.1', '10.6'],
    ['10.6', '-5', '5.6'],
    ['5.0e3', '2.0e2', '5200'],
    ['1', '-1.1', '-0.1'],
    ['0.1', '0.2', '0.3'],
    ['17179869184', '1.5', '17179869185.5'],
    ['17179869184', '17179869184', '34359738368'],
    ['3', '-3', '0'],
    ['0', '5e-20', '0'],
    ['0', '-5e-20', '0'],
    ['0', '0x10', '16'],
    ['0', '0x1.8p1', '3'],
    ['0', '.5', '0.5'],
    ['0', '5.', '5'],
    ['0', '+1.5', '1.5'],
    ['0', '1E2', '100'],
    ['0', '1e+2', '100'],
    ['0', '00012.50', '12.5'],
    ['0', '-0', '0'],
    ['16', '1e-400', '16'],
    ['9223372036854775807', '1', '9223372036854775808'],
    [
      '1e300',
      '0',
      '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144',
    ],
    ['0', 'inf', NAN_INF],
    ['0', '+inf', NAN_INF],
    ['0', '-inf', NAN_INF],
    ['0', 'Infinity', NAN_INF],
    ['inf', '1', NAN_INF],
    ['1e4932', '1e4932', NAN_INF],
    ['0', 'nan', NOT_FLOAT],
    ['0', 'NaN', NOT_FLOAT],
    ['0', ' 1', NOT_FLOAT],
    ['0', '1 ', NOT_FLOAT],
    ['0', '', NOT_FLOAT],
    ['0', '.', NOT_FLOAT],
    ['0', '1e', NOT_FLOAT],
    ['0', '0x', NOT_FLOAT],
    ['0', 'infx', NOT_FLOAT],
    ['0', '1,5', NOT_FLOAT],
    ['0', 'abc', NOT_FLOAT],
    ['0', '1e5000', NOT_FLOAT],
    ['0', '1e-5000', NOT_FLOAT],
    ['0', '1\0', NOT_FLOAT],
    ['0', '1'.repeat(5120), NOT_FLOAT],
    ['    11', '1', NOT_FLOAT],
    ['11    ', '1', NOT_FLOAT],
    ['1\x002', '1', NOT_FLOAT],
    ['abc', '1', NOT_FLOAT],
    ['', '1', NOT_FLOAT],
  ];

  it.each(cases)('%j + %j -> %j', (stored, incr, expected) => {
    if (stored !== null) h.run('SET', 'k', stored);
    h.journal.length = 0;
    const reply = h.run('INCRBYFLOAT', 'k', incr);
    if (expected.startsWith('-ERR')) {
      expect(reply).toBe(expected);
      expect(h.run('GET', 'k')).toBe(stored);
      expect(h.journal).toEqual([]);
    } else {
      expect(reply).toBe(expected);
      expect(h.run('GET', 'k')).toBe(expected);
      expect(h.journal).toEqual([['SET', 'k', expected, 'KEEPTTL']]);
    }
  });

  it('is a bulk string reply and keeps the TTL', () => {
    h.run('SET', 'k', '1', 'PX', '5000');
    expect(h.exec('INCRBYFLOAT', 'k', '1.5')).toEqual({ t: 'bulk', v: '2.5' });
    expect(ttlOf('k')).toBe(now + 5000);
  });

  it('accumulates like Redis over many steps', () => {
    for (let i = 0; i < 10; i++) h.run('INCRBYFLOAT', 'k', '0.1');
    expect(h.run('GET', 'k')).toBe('1');
  });

  it('WRONGTYPE for collections', () => {
    h.db.set('l', new FakeList());
    expect(h.run('INCRBYFLOAT', 'l', '1')).toBe(WRONGTYPE);
  });

  it('long double helpers: parse, add, format', () => {
    const one = parseLongDouble('1');
    const tenth = parseLongDouble('0.1');
    expect(one).not.toBeNull();
    expect(tenth).not.toBeNull();
    if (one === null || tenth === null) return;
    const sum = addLongDouble(one, tenth);
    expect(sum === null ? null : formatLongDouble(sum)).toBe('1.1');
    expect(parseLongDouble('-inf')).toEqual({ inf: true, neg: true });
    expect(parseLongDouble('\t1')).toBeNull();
    // The largest finite value parses; a hair above it overflows.
    expect(parseLongDouble('1.18973149535723176502e4932')).not.toBeNull();
    expect(parseLongDouble('1.19e4932')).toBeNull();
    // The smallest subnormal parses; far below it underflows to zero (rejected).
    expect(parseLongDouble('3.7e-4951')).not.toBeNull();
    expect(parseLongDouble('1e-4952')).toBeNull();
  });
});
