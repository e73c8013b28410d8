// Unit tests for the sorted sets family: every command, option and error path, RESP2/RESP3 shapes, journal and blocking, via a real Executor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import { encodeToBuffer } from '../resp/encoder.js';
import { SetValue } from '../store/set.js';
import { ZSet } from '../store/zset.js';
import { parseSyntax } from './docs.js';
import { keyIndexes } from './spec.js';
import { parseScore, strtod, zsetCommands } from './zsets.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = '-ERR syntax error';
const NOT_FLOAT = '-ERR value is not a valid float';
const NOT_INT = '-ERR value is not an integer or out of range';
const RANGE_FLOAT = '-ERR min or max is not a float';
const RANGE_LEX = '-ERR min or max not valid string range item';
const POSITIVE = '-ERR value is out of range, must be positive';

let t: TestExecutor;
beforeEach(() => {
  // Every family: SET for WRONGTYPE, TYPE/OBJECT/COPY, MULTI, CONFIG and PSUBSCRIBE for events.
  t = createTestExecutor({ config: { slowlog_log_slower_than: -1 } });
});
afterEach(() => {
  vi.useRealTimers();
});

const run = (...argv: string[]): Plain => t.run(...argv);
/** The exact bytes a reply encodes to, for RESP2/RESP3 shape checks. */
function wire(proto: 2 | 3, ...argv: string[]): string {
  t.client.proto = proto;
  const r = t.exec(...argv);
  t.client.proto = 2;
  return encodeToBuffer(r, proto).toString('latin1');
}
/** Journal since the last call, as argv lists. */
let seen = 0;
beforeEach(() => {
  seen = 0;
});
function journal(): string[][] {
  const out = t.journal.slice(seen).map((j) => j.argv);
  seen = t.journal.length;
  return out;
}
/** A plain set value, placed directly (the sets family is not under test here). */
function plainSet(key: string, ...members: string[]): void {
  const s = new SetValue();
  for (const m of members) s.add(m);
  t.store.db(0).set(key, s);
}

describe('command table', () => {
  // [name, arity, flags, first, last, step] as Redis 7.0's COMMAND INFO reports them (ZRANK and
  // ZREVRANK take Redis 7.2's -3 for WITHSCORE).
  const table: [string, number, string[], number, number, number][] = [
    ['zadd', -4, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['zincrby', 4, ['write', 'denyoom', 'fast'], 1, 1, 1],
    ['zrem', -3, ['write', 'fast'], 1, 1, 1],
    ['zscore', 3, ['readonly', 'fast'], 1, 1, 1],
    ['zmscore', -3, ['readonly', 'fast'], 1, 1, 1],
    ['zcard', 2, ['readonly', 'fast'], 1, 1, 1],
    ['zcount', 4, ['readonly', 'fast'], 1, 1, 1],
    ['zlexcount', 4, ['readonly', 'fast'], 1, 1, 1],
    ['zrank', -3, ['readonly', 'fast'], 1, 1, 1],
    ['zrevrank', -3, ['readonly', 'fast'], 1, 1, 1],
    ['zrange', -4, ['readonly'], 1, 1, 1],
    ['zrangestore', -5, ['write', 'denyoom'], 1, 2, 1],
    ['zrangebyscore', -4, ['readonly'], 1, 1, 1],
    ['zrevrangebyscore', -4, ['readonly'], 1, 1, 1],
    ['zrangebylex', -4, ['readonly'], 1, 1, 1],
    ['zrevrangebylex', -4, ['readonly'], 1, 1, 1],
    ['zrevrange', -4, ['readonly'], 1, 1, 1],
    ['zpopmin', -2, ['write', 'fast'], 1, 1, 1],
    ['zpopmax', -2, ['write', 'fast'], 1, 1, 1],
    ['zmpop', -4, ['write', 'movablekeys'], 0, 0, 0],
    ['zrandmember', -2, ['readonly'], 1, 1, 1],
    ['zunion', -3, ['readonly', 'movablekeys'], 0, 0, 0],
    ['zinter', -3, ['readonly', 'movablekeys'], 0, 0, 0],
    ['zdiff', -3, ['readonly', 'movablekeys'], 0, 0, 0],
    ['zunionstore', -4, ['write', 'denyoom', 'movablekeys'], 1, 1, 1],
    ['zinterstore', -4, ['write', 'denyoom', 'movablekeys'], 1, 1, 1],
    ['zdiffstore', -4, ['write', 'denyoom', 'movablekeys'], 1, 1, 1],
    ['zintercard', -3, ['readonly', 'movablekeys'], 0, 0, 0],
    ['zremrangebyrank', 4, ['write'], 1, 1, 1],
    ['zremrangebyscore', 4, ['write'], 1, 1, 1],
    ['zremrangebylex', 4, ['write'], 1, 1, 1],
    ['zscan', -3, ['readonly'], 1, 1, 1],
    ['bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], 1, -2, 1],
    ['bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], 1, -2, 1],
    ['bzmpop', -5, ['write', 'blocking', 'movablekeys'], 0, 0, 0],
  ];

  it('has exactly the family', () => {
    expect(zsetCommands.map((c) => c.name).sort()).toEqual(table.map((r) => r[0]).sort());
  });

  it.each(table)('%s: arity %i, flags %j, keys', (name, arity, flags, first, last, step) => {
    const spec = zsetCommands.find((c) => c.name === name);
    expect(spec).toBeDefined();
    if (!spec) return;
    expect(spec.arity).toBe(arity);
    expect([...spec.flags]).toEqual(flags);
    expect([spec.firstKey, spec.lastKey, spec.step]).toEqual([first, last, step]);
    expect(spec.group).toBe('sorted-set');
    expect(spec.handler).toBeTypeOf('function');
    expect(() => parseSyntax(spec.syntax)).not.toThrow();
  });

  it.each([
    ['zunion', ['zunion', '2', 'a', 'b', 'WEIGHTS', '1', '2'], [2, 3]],
    ['zunionstore', ['zunionstore', 'd', '2', 'a', 'b'], [1, 3, 4]],
    ['zdiffstore', ['zdiffstore', 'd', '3', 'a', 'b'], []],
    ['zintercard', ['zintercard', 'x', 'a'], []],
    ['zmpop', ['zmpop', '2', 'a', 'b', 'MIN'], [2, 3]],
    ['bzmpop', ['bzmpop', '0', '1', 'a', 'MAX'], [3]],
    ['bzpopmin', ['bzpopmin', 'a', 'b', '0'], [1, 2]],
    ['zrangestore', ['zrangestore', 'd', 's', '0', '1'], [1, 2]],
  ] as const)('%s key positions', (name, argv, want) => {
    const spec = zsetCommands.find((c) => c.name === name);
    expect(spec && keyIndexes(spec, argv)).toEqual(want);
  });

  it('documents the commands in Redis notation', () => {
    const syn = (n: string): string | undefined => zsetCommands.find((c) => c.name === n)?.syntax;
    expect(syn('zadd')).toBe('key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]');
    expect(syn('zrange')).toBe('key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]');
    expect(syn('zunionstore')).toBe('destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]');
    expect(syn('bzmpop')).toBe('timeout numkeys key [key ...] <MIN | MAX> [COUNT count]');
  });
});

describe('number parsing (strtod rules)', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['+5', 5],
    ['1.', 1],
    ['.5', 0.5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['inf', Infinity],
    ['+inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['-INFINITY', -Infinity],
    ['0x10', 16],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['4.9e-324', 5e-324],
    ['-0', -0],
  ])('score %s = %d', (raw, want) => {
    expect(parseScore(raw)).toBe(want);
  });

  it.each(['', ' 1', '1 ', 'abc', 'nan', 'NaN', '1e500', '-1e500', '1e-500', '1x', '0x', '.', '+', 'e5', '1e', 'inff'])('score %j is rejected', (raw) => {
    expect(parseScore(raw)).toBeNull();
  });

  it('strtod converts the longest prefix like C', () => {
    expect(strtod('  12abc')).toEqual({ value: 12, end: 4, range: false });
    expect(strtod('1e+')).toEqual({ value: 1, end: 1, range: false });
    expect(strtod('0x')).toEqual({ value: 0, end: 1, range: false });
    expect(strtod('abc').end).toBe(0);
    expect(strtod('')).toEqual({ value: 0, end: 0, range: false });
    expect(strtod('nan(123)').end).toBe(8);
    expect(strtod('1e999').range).toBe(true);
    expect(strtod('1e-999').range).toBe(true);
    expect(strtod('0e-999').range).toBe(false);
  });
});

describe('ZADD', () => {
  it('adds, updates and counts like Redis', () => {
    expect(run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')).toBe(3);
    expect(run('ZADD', 'z', '1', 'a', '5', 'b', '4', 'd')).toBe(1);
    expect(run('ZADD', 'z', 'CH', '1', 'a', '6', 'b', '7', 'e')).toBe(2);
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['a', 1, 'c', 3, 'd', 4, 'b', 6, 'e', 7]);
    expect(run('ZADD', 'z', 'nx', '9', 'a', '9', 'f')).toBe(1);
    expect(run('ZSCORE', 'z', 'a')).toBe(1);
    expect(run('ZADD', 'z', 'XX', '9', 'a', '9', 'g')).toBe(0);
    expect(run('ZSCORE', 'z', 'a')).toBe(9);
    expect(run('ZSCORE', 'z', 'g')).toBeNull();
  });

  it('GT and LT only move existing scores one way, and still add new members', () => {
    run('ZADD', 'z', '5', 'a');
    expect(run('ZADD', 'z', 'GT', 'CH', '4', 'a')).toBe(0);
    expect(run('ZADD', 'z', 'GT', 'CH', '6', 'a', '1', 'new')).toBe(2);
    expect(run('ZADD', 'z', 'LT', 'CH', '7', 'a')).toBe(0);
    expect(run('ZADD', 'z', 'LT', 'XX', 'CH', '2', 'a', '0', 'other')).toBe(1);
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['new', 1, 'a', 2]);
  });

  it('INCR answers the new score, or nil when a condition stops it', () => {
    expect(run('ZADD', 'z', 'INCR', '1.5', 'a')).toBe(1.5);
    expect(run('ZADD', 'z', 'INCR', '1', 'a')).toBe(2.5);
    expect(run('ZADD', 'z', 'INCR', '0', 'a')).toBe(2.5);
    expect(run('ZADD', 'z', 'NX', 'INCR', '1', 'a')).toBeNull();
    expect(run('ZADD', 'z', 'XX', 'INCR', '1', 'nope')).toBeNull();
    expect(run('ZADD', 'z', 'GT', 'INCR', '-1', 'a')).toBeNull();
    expect(run('ZADD', 'z', 'LT', 'INCR', '1', 'a')).toBeNull();
    expect(run('ZADD', 'z', 'LT', 'INCR', '-1', 'a')).toBe(1.5);
    expect(run('ZADD', 'z', 'NX', 'INCR', '1', 'b')).toBe(1);
    expect(wire(2, 'ZADD', 'z', 'INCR', '1', 'b')).toBe('$1\r\n2\r\n');
    expect(wire(3, 'ZADD', 'z', 'INCR', '1', 'b')).toBe(',3\r\n');
    expect(wire(3, 'ZADD', 'z', 'NX', 'INCR', '1', 'b')).toBe('_\r\n');
    expect(wire(2, 'ZADD', 'z', 'NX', 'INCR', '1', 'b')).toBe('$-1\r\n');
  });

  it('rejects option conflicts, odd pairs and bad scores before touching anything', () => {
    expect(run('ZADD', 'z', 'XX', 'NX', '1', 'a')).toBe('-ERR XX and NX options at the same time are not compatible');
    expect(run('ZADD', 'z', 'GT', 'LT', '1', 'a')).toBe('-ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(run('ZADD', 'z', 'GT', 'NX', '1', 'a')).toBe('-ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(run('ZADD', 'z', 'LT', 'NX', '1', 'a')).toBe('-ERR GT, LT, and/or NX options at the same time are not compatible');
    expect(run('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')).toBe('-ERR INCR option supports a single increment-element pair');
    expect(run('ZADD', 'z', '1', 'a', '2')).toBe(SYNTAX);
    expect(run('ZADD', 'z', 'foo', '1', 'a')).toBe(SYNTAX);
    expect(run('ZADD', 'z', 'NX', 'XX')).toBe(SYNTAX);
    expect(run('ZADD', 'z', '1')).toBe("-ERR wrong number of arguments for 'zadd' command");
    expect(run('ZADD', 'z', '1', 'a', 'nan', 'b')).toBe(NOT_FLOAT);
    expect(run('ZADD', 'z', '1', 'a', '1e500', 'b')).toBe(NOT_FLOAT);
    expect(run('ZADD', 'z', ' 1', 'a')).toBe(NOT_FLOAT);
    expect(run('EXISTS', 'z')).toBe(0);
    expect(journal()).toEqual([]);
  });

  it('INCR to NaN is an error and changes nothing', () => {
    run('ZADD', 'z', 'inf', 'a');
    journal();
    expect(run('ZADD', 'z', 'INCR', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)');
    expect(run('ZINCRBY', 'z', '-inf', 'a')).toBe('-ERR resulting score is not a number (NaN)');
    expect(run('ZSCORE', 'z', 'a')).toBe(Infinity);
    expect(journal()).toEqual([]);
  });

  it('XX on a missing key creates nothing', () => {
    expect(run('ZADD', 'z', 'XX', '1', 'a')).toBe(0);
    expect(run('ZADD', 'z', 'XX', 'INCR', '1', 'a')).toBeNull();
    expect(run('EXISTS', 'z')).toBe(0);
  });

  it('accepts the scores strtod accepts and stores -0 as 0', () => {
    expect(run('ZADD', 'z', '0x10', 'hex', 'infinity', 'inf', '-0', 'zero', '.5', 'half', '1.', 'one', '+2', 'two')).toBe(6);
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['zero', 0, 'half', 0.5, 'one', 1, 'two', 2, 'hex', 16, 'inf', Infinity]);
    expect(wire(2, 'ZSCORE', 'z', 'zero')).toBe('$1\r\n0\r\n');
    expect(wire(2, 'ZSCORE', 'z', 'inf')).toBe('$3\r\ninf\r\n');
    expect(wire(3, 'ZSCORE', 'z', 'inf')).toBe(',inf\r\n');
  });

  it('journals only real changes, as given', () => {
    run('ZADD', 'z', '1', 'a');
    run('ZADD', 'z', '1', 'a');
    run('ZADD', 'z', 'NX', '2', 'a');
    run('ZADD', 'z', 'GT', 'INCR', '2', 'a');
    expect(journal()).toEqual([
      ['ZADD', 'z', '1', 'a'],
      ['ZADD', 'z', 'GT', 'INCR', '2', 'a'],
    ]);
  });

  it('is binary safe', () => {
    const m = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    run('ZADD', 'z', '1', m, '0', '\u00ff', '0', '\u0000');
    expect(run('ZRANGE', 'z', '0', '-1')).toEqual(['\u0000', '\u00ff', m]);
    expect(run('ZSCORE', 'z', m)).toBe(1);
  });

  it('answers WRONGTYPE after parsing the scores', () => {
    run('SET', 's', 'x');
    expect(run('ZADD', 's', 'nan', 'a')).toBe(NOT_FLOAT);
    expect(run('ZADD', 's', '1', 'a')).toBe(WRONGTYPE);
    expect(run('ZINCRBY', 's', '1', 'a')).toBe(WRONGTYPE);
  });
});

describe('ZINCRBY ZREM ZSCORE ZMSCORE ZCARD', () => {
  it('ZINCRBY creates and increments', () => {
    expect(run('ZINCRBY', 'z', '2', 'a')).toBe(2);
    expect(run('ZINCRBY', 'z', '-0.5', 'a')).toBe(1.5);
    expect(run('ZINCRBY', 'z', 'abc', 'a')).toBe(NOT_FLOAT);
    expect(run('ZINCRBY', 'z', 'nan', 'a')).toBe(NOT_FLOAT);
    expect(journal()).toEqual([
      ['ZINCRBY', 'z', '2', 'a'],
      ['ZINCRBY', 'z', '-0.5', 'a'],
    ]);
    expect(wire(2, 'ZINCRBY', 'z', '0.25', 'a')).toBe('$4\r\n1.75\r\n');
  });

  it('ZREM removes, deletes the emptied key and journals', () => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    journal();
    expect(run('ZREM', 'z', 'a', 'nope', 'b')).toBe(2);
    expect(run('ZREM', 'z', 'nope')).toBe(0);
    expect(run('ZREM', 'missing', 'a')).toBe(0);
    expect(run('ZREM', 'z', 'c', 'c')).toBe(1);
    expect(run('EXISTS', 'z')).toBe(0);
    expect(journal()).toEqual([
      ['ZREM', 'z', 'a', 'nope', 'b'],
      ['ZREM', 'z', 'c', 'c'],
    ]);
  });

  it('ZSCORE, ZMSCORE and ZCARD', () => {
    run('ZADD', 'z', '1', 'a', '2.5', 'b');
    expect(run('ZSCORE', 'z', 'b')).toBe(2.5);
    expect(run('ZSCORE', 'z', 'x')).toBeNull();
    expect(run('ZSCORE', 'nokey', 'x')).toBeNull();
    expect(run('ZMSCORE', 'z', 'a', 'x', 'b')).toEqual([1, null, 2.5]);
    expect(run('ZMSCORE', 'nokey', 'a', 'b')).toEqual([null, null]);
    expect(wire(2, 'ZMSCORE', 'z', 'a', 'x')).toBe('*2\r\n$1\r\n1\r\n$-1\r\n');
    expect(wire(3, 'ZMSCORE', 'z', 'a', 'x')).toBe('*2\r\n,1\r\n_\r\n');
    expect(run('ZCARD', 'z')).toBe(2);
    expect(run('ZCARD', 'nokey')).toBe(0);
  });

  it('WRONGTYPE everywhere', () => {
    run('SET', 's', 'x');
    for (const argv of [
      ['ZREM', 's', 'a'],
      ['ZSCORE', 's', 'a'],
      ['ZMSCORE', 's', 'a'],
      ['ZCARD', 's'],
      ['ZCOUNT', 's', '0', '1'],
      ['ZLEXCOUNT', 's', '-', '+'],
      ['ZRANK', 's', 'a'],
      ['ZREVRANK', 's', 'a'],
      ['ZRANGE', 's', '0', '1'],
      ['ZRANGEBYSCORE', 's', '0', '1'],
      ['ZRANGEBYLEX', 's', '-', '+'],
      ['ZREVRANGE', 's', '0', '1'],
      ['ZRANGESTORE', 'd', 's', '0', '1'],
      ['ZPOPMIN', 's'],
      ['ZPOPMAX', 's', '0'],
      ['ZMPOP', '1', 's', 'MIN'],
      ['BZPOPMIN', 's', '0'],
      ['BZMPOP', '0', '1', 's', 'MIN'],
      ['ZRANDMEMBER', 's'],
      ['ZRANDMEMBER', 's', '2'],
      ['ZUNION', '1', 's'],
      ['ZINTERSTORE', 'd', '1', 's'],
      ['ZINTERCARD', '1', 's'],
      ['ZREMRANGEBYRANK', 's', '0', '1'],
      ['ZREMRANGEBYSCORE', 's', '0', '1'],
      ['ZREMRANGEBYLEX', 's', '-', '+'],
      ['ZSCAN', 's', '0'],
    ]) {
      expect([argv[0], run(...argv)]).toEqual([argv[0], WRONGTYPE]);
    }
  });
});

describe('ZCOUNT ZLEXCOUNT ZRANK ZREVRANK', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
  });

  it.each([
    ['-inf', '+inf', 4],
    ['(1', '3', 2],
    ['(1', '(3', 1],
    ['2', '2', 1],
    ['(2', '2', 0],
    ['3', '1', 0],
    [' 1', '2', 2],
    ['(', '+inf', 4],
    ['-inf', '(', 0],
    ['0x2', '100', 3],
    ['1e500', '+inf', 0],
  ])('ZCOUNT %s %s = %i', (min, max, n) => {
    expect(run('ZCOUNT', 'z', min, max)).toBe(n);
  });

  it('ZCOUNT errors', () => {
    for (const [min, max] of [
      ['x', '1'],
      ['1', '1 '],
      ['nan', '1'],
      ['(nan', '1'],
      ['1', '((1'],
    ]) {
      expect(run('ZCOUNT', 'z', min as string, max as string)).toBe(RANGE_FLOAT);
    }
    expect(run('ZCOUNT', 'nokey', '0', '1')).toBe(0);
    expect(run('ZCOUNT', 'nokey', 'x', '1')).toBe(RANGE_FLOAT);
  });

  it.each([
    ['-', '+', 5],
    ['+', '-', 0],
    ['-', '-', 0],
    ['[b', '[d', 3],
    ['(b', '[d', 2],
    ['(b', '(d', 1],
    ['[b', '(b', 0],
    ['[b', '[b', 1],
    ['[', '+', 5],
    ['(', '+', 5],
    ['-', '[', 0],
    ['[c', '+', 3],
  ])('ZLEXCOUNT %s %s = %i', (min, max, n) => {
    expect(run('ZLEXCOUNT', 'l', min, max)).toBe(n);
  });

  it('ZLEXCOUNT errors', () => {
    for (const [min, max] of [
      ['a', 'b'],
      ['[a', 'b'],
      ['+a', '+'],
      ['-', '-x'],
      ['', '+'],
    ]) {
      expect(run('ZLEXCOUNT', 'l', min as string, max as string)).toBe(RANGE_LEX);
    }
    expect(run('ZLEXCOUNT', 'nokey', '-', '+')).toBe(0);
  });

  it('ranks, with and without WITHSCORE', () => {
    expect(run('ZRANK', 'z', 'c')).toBe(2);
    expect(run('ZREVRANK', 'z', 'c')).toBe(1);
    expect(run('ZRANK', 'z', 'x')).toBeNull();
    expect(run('ZRANK', 'nokey', 'x')).toBeNull();
    expect(run('ZRANK', 'z', 'c', 'WITHSCORE')).toEqual([2, 3]);
    expect(run('ZREVRANK', 'z', 'a', 'withscore')).toEqual([3, 1]);
    expect(wire(2, 'ZRANK', 'z', 'x', 'WITHSCORE')).toBe('*-1\r\n');
    expect(wire(2, 'ZRANK', 'z', 'x')).toBe('$-1\r\n');
    expect(wire(3, 'ZRANK', 'nokey', 'x', 'WITHSCORE')).toBe('_\r\n');
    expect(wire(2, 'ZRANK', 'z', 'b', 'WITHSCORE')).toBe('*2\r\n:1\r\n$1\r\n2\r\n');
    expect(wire(3, 'ZRANK', 'z', 'b', 'WITHSCORE')).toBe('*2\r\n:1\r\n,2\r\n');
    expect(run('ZRANK', 'z', 'c', 'WITHSCORES')).toBe(SYNTAX);
    expect(run('ZRANK', 'z', 'c', 'WITHSCORE', 'x')).toBe("-ERR wrong number of arguments for 'zrank' command");
    expect(run('ZREVRANK', 'z', 'c', 'WITHSCORE', 'x')).toBe("-ERR wrong number of arguments for 'zrevrank' command");
  });
});

describe('ZRANGE family', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f');
  });

  it.each([
    [['0', '-1'], ['a', 'b', 'c', 'd', 'e']],
    [['-2', '-1'], ['d', 'e']],
    [['-100', '100'], ['a', 'b', 'c', 'd', 'e']],
    [['3', '1'], []],
    [['5', '10'], []],
    [['1', '3', 'REV'], ['d', 'c', 'b']],
    [['0', '9223372036854775807'], ['a', 'b', 'c', 'd', 'e']],
    [['-9223372036854775808', '-4'], ['a', 'b']],
    [['0', '1', 'LIMIT', '0', '-1'], ['a', 'b']],
    [['1', '4', 'BYSCORE', 'LIMIT', '1', '2'], ['b', 'c']],
    [['4', '1', 'BYSCORE', 'REV', 'LIMIT', '1', '2'], ['c', 'b']],
    [['1', '4', 'BYSCORE', 'LIMIT', '-1', '2'], []],
    [['1', '4', 'BYSCORE', 'LIMIT', '5', '2'], []],
    [['1', '4', 'byscore', 'limit', '1', '-5'], ['b', 'c', 'd']],
    [['1', '4', 'BYSCORE', 'LIMIT', '1', '0'], []],
    [['(1', '(5', 'BYSCORE'], ['b', 'c', 'd']],
    [['-inf', '+inf', 'BYSCORE', 'REV'], []],
    [['+inf', '-inf', 'BYSCORE', 'REV'], ['e', 'd', 'c', 'b', 'a']],
    [['[b', '(d', 'BYLEX'], ['b', 'c']],
    [['-', '+', 'BYLEX', 'LIMIT', '3', '10'], ['d', 'e']],
  ] as const)('ZRANGE z %j', (args, want) => {
    expect(run('ZRANGE', 'z', ...args)).toEqual(want);
  });

  it('BYLEX, REV and LIMIT over equal scores', () => {
    expect(run('ZRANGE', 'l', '[e', '[b', 'BYLEX', 'REV', 'LIMIT', '1', '2')).toEqual(['d', 'c']);
    expect(run('ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '1', '2')).toEqual(['b', 'c']);
    expect(run('ZRANGEBYLEX', 'l', '(b', '[d')).toEqual(['c', 'd']);
    expect(run('ZREVRANGEBYLEX', 'l', '+', '-', 'LIMIT', '2', '3')).toEqual(['d', 'c', 'b']);
    expect(run('ZREVRANGEBYLEX', 'l', '[b', '(e')).toEqual([]);
    expect(run('ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '-1', '2')).toEqual([]);
  });

  it('ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZREVRANGE', () => {
    expect(run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '3', '5')).toEqual(['d', 4, 'e', 5]);
    expect(run('ZRANGEBYSCORE', 'z', '(1', '(5')).toEqual(['b', 'c', 'd']);
    expect(run('ZRANGEBYSCORE', 'z', '1', '5', 'withscores', 'withscores', 'LIMIT', '0', '1', 'LIMIT', '1', '1')).toEqual(['b', 2]);
    expect(run('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '1', '2', 'WITHSCORES')).toEqual(['d', 4, 'c', 3]);
    expect(run('ZREVRANGEBYSCORE', 'z', '(5', '(1')).toEqual(['d', 'c', 'b']);
    expect(run('ZREVRANGEBYSCORE', 'z', '1', '5')).toEqual([]);
    expect(run('ZREVRANGE', 'z', '0', '1', 'WITHSCORES')).toEqual(['e', 5, 'd', 4]);
    expect(run('ZREVRANGE', 'z', '-2', '-1')).toEqual(['b', 'a']);
  });

  it('errors, in Redis order', () => {
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES', 'LIMIT', '0', '1')).toBe(
      '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
    expect(run('ZREVRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).toBe('-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    expect(run('ZRANGE', 'l', '-', '+', 'BYLEX', 'WITHSCORES')).toBe('-ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    expect(run('ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES')).toBe('-ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    for (const args of [
      ['0', '-1', 'LIMIT', '0'],
      ['0', '1', 'BYSCORE', 'BYLEX'],
      ['0', '1', 'BYLEX', 'BYSCORE'],
      ['0', '1', 'foo'],
      ['0', '1', 'REV', 'REV'],
    ]) {
      expect(run('ZRANGE', 'z', ...args)).toBe(SYNTAX);
    }
    expect(run('ZREVRANGE', 'z', '0', '1', 'REV')).toBe(SYNTAX);
    expect(run('ZRANGEBYSCORE', 'z', '1', '2', 'REV')).toBe(SYNTAX);
    expect(run('ZRANGEBYSCORE', 'z', '1', '2', 'BYSCORE')).toBe(SYNTAX);
    expect(run('ZRANGE', 'z', 'a', '1')).toBe(NOT_INT);
    expect(run('ZRANGE', 'z', '0', '9223372036854775808')).toBe(NOT_INT);
    expect(run('ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', 'a', '1')).toBe(NOT_INT);
    expect(run('ZRANGE', 'z', '0', '-1', 'BYLEX')).toBe(RANGE_LEX);
    expect(run('ZRANGE', 'z', 'x', '1', 'BYSCORE')).toBe(RANGE_FLOAT);
    expect(run('ZRANGEBYSCORE', 'z', 'x', '5')).toBe(RANGE_FLOAT);
    expect(run('ZRANGE', 'nokey', '0', '-1')).toEqual([]);
    expect(run('ZRANGE', 'nokey', 'a', 'b')).toBe(NOT_INT);
    expect(run('ZRANGE', 'nokey', '0', '1', 'foo')).toBe(SYNTAX);
  });

  it('WITHSCORES: flat in RESP2, [member, score] pairs in RESP3', () => {
    expect(wire(2, 'ZRANGE', 'z', '0', '1', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(wire(3, 'ZRANGE', 'z', '0', '1', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
    expect(wire(3, 'ZRANGEBYSCORE', 'z', '5', '5', 'WITHSCORES')).toBe('*1\r\n*2\r\n$1\r\ne\r\n,5\r\n');
    expect(wire(3, 'ZRANGE', 'z', '0', '1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(wire(3, 'ZRANGE', 'nokey', '0', '1', 'WITHSCORES')).toBe('*0\r\n');
  });

  it('ZRANGESTORE stores, replaces and deletes on empty results', () => {
    expect(run('ZRANGESTORE', 'd', 'z', '0', '-1', 'REV')).toBe(5);
    expect(run('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(['a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5]);
    expect(run('ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '0', '1')).toBe(1);
    expect(run('ZRANGE', 'd', '0', '-1', 'WITHSCORES')).toEqual(['b', 2]);
    expect(run('ZRANGESTORE', 'd', 'l', '[c', '+', 'BYLEX')).toBe(4);
    expect(run('ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES')).toBe(SYNTAX);
    run('SET', 's', 'x');
    expect(run('ZRANGESTORE', 'd', 's', '0', '-1')).toBe(WRONGTYPE);
    expect(run('ZRANGESTORE', 's', 'z', '0', '0')).toBe(1);
    expect(run('TYPE', 's')).toBe('+zset');
    journal();
    expect(run('ZRANGESTORE', 'd', 'z', '5', '6')).toBe(0);
    expect(run('EXISTS', 'd')).toBe(0);
    expect(run('ZRANGESTORE', 'd', 'nokey', '0', '-1')).toBe(0);
    run('ZRANGESTORE', 'd', 'z', '0', '0');
    expect(journal()).toEqual([['DEL', 'd'], ['ZRANGESTORE', 'd', 'z', '0', '0']]);
  });
});

describe('ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX', () => {
  it('removes ranges, deletes emptied keys, journals only real removals', () => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    journal();
    expect(run('ZREMRANGEBYRANK', 'z', '0', '0')).toBe(1);
    expect(run('ZREMRANGEBYRANK', 'z', '-2', '-1')).toBe(2);
    expect(run('ZREMRANGEBYRANK', 'z', '5', '10')).toBe(0);
    expect(run('ZREMRANGEBYRANK', 'z', '1', '0')).toBe(0);
    expect(run('ZRANGE', 'z', '0', '-1')).toEqual(['b', 'c']);
    expect(run('ZREMRANGEBYSCORE', 'z', '(2', '3')).toBe(1);
    expect(run('ZREMRANGEBYSCORE', 'z', '-inf', '+inf')).toBe(1);
    expect(run('EXISTS', 'z')).toBe(0);
    expect(journal()).toEqual([
      ['ZREMRANGEBYRANK', 'z', '0', '0'],
      ['ZREMRANGEBYRANK', 'z', '-2', '-1'],
      ['ZREMRANGEBYSCORE', 'z', '(2', '3'],
      ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
    ]);
    run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
    expect(run('ZREMRANGEBYLEX', 'l', '[b', '(d')).toBe(2);
    expect(run('ZRANGE', 'l', '0', '-1')).toEqual(['a', 'd']);
    expect(run('ZREMRANGEBYLEX', 'l', '-', '+')).toBe(2);
    expect(run('EXISTS', 'l')).toBe(0);
  });

  it('errors come before the key lookup', () => {
    run('SET', 's', 'x');
    expect(run('ZREMRANGEBYRANK', 's', 'a', '0')).toBe(NOT_INT);
    expect(run('ZREMRANGEBYSCORE', 's', 'x', '1')).toBe(RANGE_FLOAT);
    expect(run('ZREMRANGEBYLEX', 's', 'a', 'b')).toBe(RANGE_LEX);
    expect(run('ZREMRANGEBYRANK', 'nokey', '0', '-1')).toBe(0);
    expect(run('ZREMRANGEBYSCORE', 'nokey', '0', '1')).toBe(0);
    expect(run('ZREMRANGEBYLEX', 'nokey', '-', '+')).toBe(0);
  });
});

describe('ZPOPMIN ZPOPMAX ZMPOP', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    journal();
  });

  it('pops from either end with the Redis reply shapes', () => {
    expect(wire(2, 'ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(wire(3, 'ZPOPMIN', 'z')).toBe('*2\r\n$1\r\nb\r\n,2\r\n');
    expect(wire(2, 'ZPOPMAX', 'z', '1')).toBe('*2\r\n$1\r\ne\r\n$1\r\n5\r\n');
    expect(wire(3, 'ZPOPMAX', 'z', '1')).toBe('*1\r\n*2\r\n$1\r\nd\r\n,4\r\n');
    expect(run('ZPOPMAX', 'z', '0')).toEqual([]);
    expect(run('ZPOPMAX', 'z', '10')).toEqual(['c', 3]);
    expect(run('EXISTS', 'z')).toBe(0);
    expect(run('ZPOPMIN', 'z')).toEqual([]);
    expect(run('ZPOPMIN', 'z', '3')).toEqual([]);
    expect(journal()).toEqual([
      ['ZPOPMIN', 'z'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMAX', 'z', '10'],
    ]);
  });

  it('count errors', () => {
    expect(run('ZPOPMIN', 'z', '-1')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'z', 'a')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'nokey', '-1')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'z', '1', '2')).toBe(SYNTAX);
  });

  it('ZMPOP pops from the first non-empty key and journals a ZPOP with count', () => {
    expect(run('ZMPOP', '2', 'nokey', 'z', 'MIN')).toEqual(['z', [['a', 1]]]);
    expect(run('ZMPOP', '1', 'z', 'max', 'COUNT', '2')).toEqual(['z', [['e', 5], ['d', 4]]]);
    expect(wire(2, 'ZMPOP', '1', 'z', 'MIN')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(wire(3, 'ZMPOP', '1', 'z', 'MIN', 'COUNT', '9')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n');
    expect(wire(2, 'ZMPOP', '1', 'z', 'MIN')).toBe('*-1\r\n');
    expect(wire(3, 'ZMPOP', '1', 'z', 'MIN')).toBe('_\r\n');
    expect(journal()).toEqual([
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMAX', 'z', '2'],
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMIN', 'z', '9'],
    ]);
  });

  it.each([
    [['0', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['-1', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['a', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['1', 'z', 'foo'], SYNTAX],
    [['2', 'z', 'MIN'], SYNTAX],
    [['1', 'z', 'MIN', 'COUNT', '0'], '-ERR count should be greater than 0'],
    [['1', 'z', 'MIN', 'COUNT', '-1'], '-ERR count should be greater than 0'],
    [['1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2'], SYNTAX],
    [['1', 'z', 'MIN', 'COUNT'], SYNTAX],
    [['1', 'z', 'MIN', 'foo', '1'], SYNTAX],
  ] as const)('ZMPOP %j -> %s', (args, err) => {
    expect(run('ZMPOP', ...args)).toBe(err);
  });

  it('ZMPOP checks types in key order', () => {
    run('SET', 's', 'x');
    expect(run('ZMPOP', '2', 'nokey', 's', 'MIN')).toBe(WRONGTYPE);
    expect(run('ZMPOP', '2', 'z', 's', 'MIN')).toEqual(['z', [['a', 1]]]);
  });
});

describe('blocking pops', () => {
  it('serve immediately when data is there, journaled as the plain pop', async () => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    journal();
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'nokey', 'z', '0')).toEqual(['z', 'a', 1]);
    expect(await t.runAsync(t.client, 'BZPOPMAX', 'z', '0')).toEqual(['z', 'c', 3]);
    expect(await t.runAsync(t.client, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5')).toEqual(['z', [['b', 2]]]);
    expect(journal()).toEqual([['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', '5']]);
    t.client.proto = 3;
    run('ZADD', 'z', '1', 'a');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'z', '0')).toEqual(['z', 'a', 1]);
  });

  it('BZPOPMIN blocks until a ZADD on another client, which it then pops', async () => {
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k1', 'k2', '0');
    expect(t.server.blockedClients()).toBe(1);
    journal();
    expect(run('ZADD', 'k2', '5', 'x', '6', 'y')).toBe(2);
    expect(await p).toEqual(['k2', 'x', 5]);
    expect(t.server.blockedClients()).toBe(0);
    expect(run('ZRANGE', 'k2', '0', '-1')).toEqual(['y']);
    // The push and the served pop are journaled in order, the pop as a plain ZPOPMIN.
    expect(journal()).toEqual([['ZADD', 'k2', '5', 'x', '6', 'y'], ['ZPOPMIN', 'k2']]);
  });

  it('BZMPOP serves the count from the key that got data, nested pairs', async () => {
    const waiter = t.newClient();
    waiter.proto = 3;
    const p = t.runAsync(waiter, 'BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2');
    run('ZADD', 'b', '1', 'x', '2', 'y', '3', 'z');
    expect(await p).toEqual(['b', [['z', 3], ['y', 2]]]);
    expect(journal().slice(-1)).toEqual([['ZPOPMAX', 'b', '2']]);
  });

  it('serves waiters first come first served and deletes the emptied key', async () => {
    const [c1, c2, c3] = [t.newClient(), t.newClient(), t.newClient()];
    const p1 = t.runAsync(c1, 'BZPOPMIN', 'k', '0');
    const p2 = t.runAsync(c2, 'BZPOPMAX', 'k', '0');
    const p3 = t.runAsync(c3, 'BZPOPMIN', 'k', '0');
    run('ZADD', 'k', '1', 'a', '2', 'b');
    expect(await p1).toEqual(['k', 'a', 1]);
    expect(await p2).toEqual(['k', 'b', 2]);
    expect(t.server.blockedClients()).toBe(1);
    expect(run('EXISTS', 'k')).toBe(0);
    run('ZADD', 'k', '3', 'c');
    expect(await p3).toEqual(['k', 'c', 3]);
  });

  it('keeps waiting while the key holds another type', async () => {
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k', '0');
    run('SET', 'k', 'str');
    expect(t.server.blockedClients()).toBe(1);
    run('DEL', 'k');
    run('ZADD', 'k', '1', 'a');
    expect(await p).toEqual(['k', 'a', 1]);
  });

  it('times out with a null array after the fractional timeout', async () => {
    vi.useFakeTimers();
    const waiter = t.newClient();
    const p = t.executor.execute(waiter, ['BZPOPMIN', 'k', '1.5']);
    vi.advanceTimersByTime(1499);
    expect(t.server.blockedClients()).toBe(1);
    vi.advanceTimersByTime(1);
    const r = await p;
    expect(encodeToBuffer(r, 2).toString()).toBe('*-1\r\n');
    expect(encodeToBuffer(r, 3).toString()).toBe('_\r\n');
    const q = t.runAsync(waiter, 'BZMPOP', '0.01', '1', 'k', 'MIN');
    vi.advanceTimersByTime(10);
    expect(await q).toBeNull();
    expect(t.server.blockedClients()).toBe(0);
  });

  it('rounds fractional milliseconds up; a tiny negative timeout waits forever', async () => {
    vi.useFakeTimers();
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k', '0.0001');
    vi.advanceTimersByTime(1);
    expect(await p).toBeNull();
    const q = t.runAsync(waiter, 'BZPOPMAX', 'k', '-0.0001');
    vi.advanceTimersByTime(60_000);
    expect(t.server.blockedClients()).toBe(1);
    run('ZADD', 'k', '1', 'a');
    expect(await q).toEqual(['k', 'a', 1]);
  });

  it('inside MULTI answer at once: popped if there is data, else as if timed out', () => {
    run('MULTI');
    run('BZPOPMIN', 'empty', '0');
    run('BZMPOP', '0', '1', 'empty', 'MIN');
    run('ZADD', 'z', '1', 'a', '2', 'b');
    run('BZPOPMAX', 'z', '0');
    run('BZMPOP', '0', '1', 'z', 'MIN');
    expect(run('EXEC')).toEqual([null, null, 2, ['z', 'b', 2], ['z', [['a', 1]]]]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('a disconnected waiter never receives anything', async () => {
    const gone = t.newClient();
    const live = t.newClient();
    void t.runAsync(gone, 'BZPOPMIN', 'k', '0');
    const p = t.runAsync(live, 'BZPOPMIN', 'k', '0');
    gone.kill();
    run('ZADD', 'k', '1', 'a');
    expect(await p).toEqual(['k', 'a', 1]);
  });

  it('timeout and argument errors', async () => {
    run('SET', 's', 'x');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'k', '-1')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'k', 'abc')).toBe('-ERR timeout is not a float or out of range');
    expect(await t.runAsync(t.client, 'BZPOPMAX', 'k', 'inf')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'nokey', 's', '1')).toBe(WRONGTYPE);
    expect(await t.runAsync(t.client, 'BZMPOP', '-1', '1', 'k', 'MIN')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '0', 'k', 'MIN')).toBe('-ERR numkeys should be greater than 0');
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '1', 'k', 'foo')).toBe(SYNTAX);
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '1', 'k', 'MIN')).toBe('-ERR timeout is not a float or out of range');
    expect(t.server.blockedClients()).toBe(0);
  });
});

describe('ZRANDMEMBER', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  });

  it('one member, distinct members, repeated members', () => {
    expect(['a', 'b', 'c', 'd', 'e']).toContain(run('ZRANDMEMBER', 'z'));
    const three = run('ZRANDMEMBER', 'z', '3') as string[];
    expect(new Set(three).size).toBe(3);
    expect(run('ZRANDMEMBER', 'z', '10')).toEqual(['a', 'b', 'c', 'd', 'e']);
    const many = run('ZRANDMEMBER', 'z', '-20') as string[];
    expect(many).toHaveLength(20);
    expect(run('ZRANDMEMBER', 'z', '0')).toEqual([]);
    const ws = run('ZRANDMEMBER', 'z', '2', 'WITHSCORES') as (string | number)[];
    expect(ws).toHaveLength(4);
    expect(run('ZSCORE', 'z', ws[0] as string)).toBe(ws[1]);
    expect(run('ZRANDMEMBER', 'nokey')).toBeNull();
    expect(run('ZRANDMEMBER', 'nokey', '5')).toEqual([]);
  });

  it('RESP3 pairs with scores', () => {
    run('ZADD', 'one', '1.5', 'a');
    expect(wire(3, 'ZRANDMEMBER', 'one', '-2', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\na\r\n,1.5\r\n');
    expect(wire(2, 'ZRANDMEMBER', 'one', '-2', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\na\r\n$3\r\n1.5\r\n');
    expect(wire(3, 'ZRANDMEMBER', 'one', '1')).toBe('*1\r\n$1\r\na\r\n');
  });

  it('errors', () => {
    expect(run('ZRANDMEMBER', 'z', '1', 'foo')).toBe(SYNTAX);
    expect(run('ZRANDMEMBER', 'nokey', '1', 'foo')).toBe(SYNTAX);
    expect(run('ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x')).toBe(SYNTAX);
    expect(run('ZRANDMEMBER', 'z', 'a')).toBe(NOT_INT);
    expect(run('ZRANDMEMBER', 'z', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    expect(run('ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES')).toBe('-ERR value is out of range');
    expect(run('ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES')).toBe('-ERR value is out of range');
  });
});

describe('ZSCAN', () => {
  it('answers a small set in one call with scores as bulk strings', () => {
    run('ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c');
    expect(run('ZSCAN', 'z', '0')).toEqual(['0', ['a', '1', 'b', '2.5', 'c', 'inf']]);
    expect(wire(3, 'ZSCAN', 'z', '0', 'MATCH', 'b*')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n');
    expect(run('ZSCAN', 'nokey', '0')).toEqual(['0', []]);
  });

  it('iterates a big set completely with COUNT and MATCH', () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(String(i), `m${i}`);
    run('ZADD', 'z', ...args);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, flat] = run('ZSCAN', 'z', cursor, 'COUNT', '37') as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) {
        expect(run('ZSCORE', 'z', flat[i] as string)).toBe(Number(flat[i + 1]));
        seen.add(flat[i] as string);
      }
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen.size).toBe(1000);
    expect(calls).toBeGreaterThan(10);
    const matched = new Set<string>();
    cursor = '0';
    do {
      const [next, flat] = run('ZSCAN', 'z', cursor, 'MATCH', 'm1*', 'COUNT', '100') as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) matched.add(flat[i] as string);
      cursor = next;
    } while (cursor !== '0');
    expect(matched.size).toBe(111);
  });

  it('errors: cursor first, then type, then options', () => {
    run('ZADD', 'z', '1', 'a');
    run('SET', 's', 'x');
    expect(run('ZSCAN', 'z', 'x')).toBe('-ERR invalid cursor');
    expect(run('ZSCAN', 'nokey', 'x')).toBe('-ERR invalid cursor');
    expect(run('ZSCAN', 'nokey', '0', 'foo')).toEqual(['0', []]);
    expect(run('ZSCAN', 's', '0', 'foo')).toBe(WRONGTYPE);
    expect(run('ZSCAN', 'z', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(run('ZSCAN', 'z', '0', 'COUNT', 'a')).toBe(NOT_INT);
    expect(run('ZSCAN', 'z', '0', 'MATCH')).toBe(SYNTAX);
    expect(run('ZSCAN', 'z', '0', 'NOVALUES')).toBe(SYNTAX);
  });
});

describe('ZUNION ZINTER ZDIFF and their STORE forms, ZINTERCARD', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    plainSet('s', 'a', 'b', 'x');
    run('SET', 'str', 'x');
  });

  it('union with weights and aggregates; plain sets score 1', () => {
    expect(run('ZUNION', '2', 'z', 's', 'WITHSCORES')).toEqual(['x', 1, 'a', 2, 'b', 3, 'c', 3]);
    expect(run('ZUNION', '2', 'z', 's')).toEqual(['x', 'a', 'b', 'c']);
    expect(run('ZUNION', '2', 'z', 's', 'WEIGHTS', '2', '3', 'WITHSCORES')).toEqual(['x', 3, 'a', 5, 'c', 6, 'b', 7]);
    expect(run('ZUNION', '2', 'z', 's', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual(['a', 1, 'x', 1, 'b', 2, 'c', 3]);
    expect(run('ZUNION', '2', 'z', 's', 'aggregate', 'min', 'WITHSCORES')).toEqual(['a', 1, 'b', 1, 'x', 1, 'c', 3]);
    expect(run('ZUNION', '2', 'z', 's', 'WEIGHTS', '1', '2', 'WEIGHTS', '3', '4', 'WITHSCORES')).toEqual(['x', 4, 'a', 7, 'c', 9, 'b', 10]);
    expect(run('ZUNION', '2', 'nokey', 'nokey2', 'WITHSCORES')).toEqual([]);
  });

  it('intersection and difference', () => {
    expect(run('ZINTER', '2', 'z', 's', 'WITHSCORES')).toEqual(['a', 2, 'b', 3]);
    expect(run('ZINTER', '2', 'z', 's', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['a', 1, 'b', 1]);
    expect(run('ZINTER', '2', 'z', 's', 'AGGREGATE', 'MAX', 'WEIGHTS', '2', '0.5', 'WITHSCORES')).toEqual(['a', 2, 'b', 4]);
    expect(run('ZINTER', '2', 'z', 'nokey')).toEqual([]);
    expect(run('ZINTER', '1', 's', 'WITHSCORES')).toEqual(['a', 1, 'b', 1, 'x', 1]);
    expect(run('ZDIFF', '2', 'z', 's', 'WITHSCORES')).toEqual(['c', 3]);
    expect(run('ZDIFF', '2', 's', 'z', 'WITHSCORES')).toEqual(['x', 1]);
    expect(run('ZDIFF', '2', 'z', 'nokey')).toEqual(['a', 'b', 'c']);
  });

  it('infinities: inf*0 and inf + -inf are 0; inputs summed smallest first', () => {
    run('ZADD', 'inf1', 'inf', 'a');
    run('ZADD', 'inf2', '-inf', 'a');
    expect(run('ZUNION', '2', 'inf1', 'inf2', 'WITHSCORES')).toEqual(['a', 0]);
    expect(run('ZINTER', '2', 'inf1', 'inf2', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['a', -Infinity]);
    expect(run('ZUNION', '1', 'inf1', 'WEIGHTS', '0', 'WITHSCORES')).toEqual(['a', 0]);
    expect(run('ZUNION', '2', 'z', 's', 'WEIGHTS', '1', 'inf', 'WITHSCORES')).toEqual(['c', 3, 'a', Infinity, 'b', Infinity, 'x', Infinity]);
    run('ZADD', 'A', '1e16', 'x', '0', 'a1', '0', 'a2');
    run('ZADD', 'C', '-1e16', 'x', '0', 'c1');
    run('ZADD', 'B', '1', 'x');
    // Sorted by size: B + C + A = (1 - 1e16) + 1e16 = 0, as Redis computes it.
    expect(run('ZINTER', '3', 'A', 'C', 'B', 'WITHSCORES')).toEqual(['x', 0]);
    run('ZADD', 'A2', '1e16', 'x');
    run('ZADD', 'C2', '-1e16', 'x');
    expect(run('ZINTER', '3', 'A2', 'C2', 'B', 'WITHSCORES')).toEqual(['x', 1]);
  });

  it('RESP3 pairs with WITHSCORES', () => {
    expect(wire(3, 'ZINTER', '2', 'z', 's', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,3\r\n');
    expect(wire(2, 'ZDIFF', '2', 'z', 's', 'WITHSCORES')).toBe('*2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  });

  it.each([
    [['ZUNION', '2', 'z', 's', 'WEIGHTS', '2', 'WITHSCORES'], '-ERR weight value is not a float'],
    [['ZUNION', '2', 'z', 's', 'WEIGHTS', '1', 'nan'], '-ERR weight value is not a float'],
    [['ZUNION', '2', 'z', 's', 'WEIGHTS', '1'], SYNTAX],
    [['ZUNION', '2', 'z', 's', 'AGGREGATE', 'foo'], SYNTAX],
    [['ZUNION', '2', 'z', 's', 'AGGREGATE'], SYNTAX],
    [['ZUNION', '2', 'z', 's', 'WITHSCORES', 'foo'], SYNTAX],
    [['ZUNION', '1', 'z', 's'], SYNTAX],
    [['ZUNION', '0', 'z'], "-ERR at least 1 input key is needed for 'zunion' command"],
    [['ZUNION', '-1', 'z'], "-ERR at least 1 input key is needed for 'zunion' command"],
    [['ZUNION', '3', 'z', 's'], SYNTAX],
    [['ZUNION', 'a', 'z'], NOT_INT],
    [['ZUNION', '2', 'z', 'str'], WRONGTYPE],
    [['ZUNION', '2', 'str', 'z', 'WEIGHTS', 'x'], WRONGTYPE],
    [['ZINTER', '0', 'z'], "-ERR at least 1 input key is needed for 'zinter' command"],
    [['ZDIFF', '2', 'z', 's', 'WEIGHTS', '1', '1'], SYNTAX],
    [['ZDIFF', '2', 'z', 's', 'AGGREGATE', 'SUM'], SYNTAX],
    [['ZUNIONSTORE', 'd', '2', 'z', 's', 'WITHSCORES'], SYNTAX],
    [['ZUNIONSTORE', 'd', '0', 'z'], "-ERR at least 1 input key is needed for 'zunionstore' command"],
    [['ZDIFFSTORE', 'd', '0', 'z'], "-ERR at least 1 input key is needed for 'zdiffstore' command"],
    [['ZDIFFSTORE', 'd', '2', 'z', 's', 'WEIGHTS', '1', '1'], SYNTAX],
    [['ZINTERCARD', '2', 'z', 's', 'LIMIT', '-1'], "-ERR LIMIT can't be negative"],
    [['ZINTERCARD', '2', 'z', 's', 'LIMIT', 'a'], "-ERR LIMIT can't be negative"],
    [['ZINTERCARD', '2', 'z', 's', 'foo'], SYNTAX],
    [['ZINTERCARD', '2', 'z', 's', 'WITHSCORES'], SYNTAX],
    [['ZINTERCARD', '2', 'z', 's', 'WEIGHTS', '1', '1'], SYNTAX],
    [['ZINTERCARD', '0', 'z'], "-ERR at least 1 input key is needed for 'zintercard' command"],
    [['ZINTERCARD', '3', 'z', 's'], SYNTAX],
    [['ZINTERCARD', '2', 'z', 'str'], WRONGTYPE],
  ] as const)('%j -> %s', (argv, err) => {
    expect(run(...argv)).toBe(err);
  });

  it('STORE forms replace the destination, delete it on empty results, journal accordingly', () => {
    journal();
    expect(run('ZUNIONSTORE', 'dst', '2', 'z', 's')).toBe(4);
    expect(run('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toEqual(['x', 1, 'a', 2, 'b', 3, 'c', 3]);
    expect(run('ZUNIONSTORE', 'dst', '2', 'z', 's', 'WEIGHTS', '1', '2', 'AGGREGATE', 'MAX')).toBe(4);
    expect(run('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).toEqual(['a', 2, 'b', 2, 'x', 2, 'c', 3]);
    expect(run('ZINTERSTORE', 'dst', '2', 'z', 's')).toBe(2);
    expect(run('ZDIFFSTORE', 'dst', '1', 'z')).toBe(3);
    expect(run('ZINTERSTORE', 'dst', '2', 'z', 'nokey')).toBe(0);
    expect(run('EXISTS', 'dst')).toBe(0);
    expect(run('ZINTERSTORE', 'dst', '2', 'z', 'nokey')).toBe(0);
    expect(run('ZUNIONSTORE', 'str', '1', 'z')).toBe(3);
    expect(run('TYPE', 'str')).toBe('+zset');
    expect(run('ZUNIONSTORE', 'z', '2', 'z', 'z')).toBe(3);
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['a', 2, 'b', 4, 'c', 6]);
    expect(journal()).toEqual([
      ['ZUNIONSTORE', 'dst', '2', 'z', 's'],
      ['ZUNIONSTORE', 'dst', '2', 'z', 's', 'WEIGHTS', '1', '2', 'AGGREGATE', 'MAX'],
      ['ZINTERSTORE', 'dst', '2', 'z', 's'],
      ['ZDIFFSTORE', 'dst', '1', 'z'],
      ['DEL', 'dst'],
      ['ZUNIONSTORE', 'str', '1', 'z'],
      ['ZUNIONSTORE', 'z', '2', 'z', 'z'],
    ]);
  });

  it('ZINTERCARD counts, with LIMIT', () => {
    expect(run('ZINTERCARD', '2', 'z', 's')).toBe(2);
    expect(run('ZINTERCARD', '2', 'z', 's', 'LIMIT', '1')).toBe(1);
    expect(run('ZINTERCARD', '2', 'z', 's', 'LIMIT', '0')).toBe(2);
    expect(run('ZINTERCARD', '1', 'nokey')).toBe(0);
  });

  it('results get the encoding their contents call for', () => {
    const args: string[] = [];
    for (let i = 0; i < 200; i++) args.push(String(i), `m${i}`);
    run('ZADD', 'big', ...args);
    expect(run('OBJECT', 'ENCODING', 'big')).toBe('skiplist');
    expect(run('ZUNIONSTORE', 'd', '1', 'big')).toBe(200);
    expect(run('OBJECT', 'ENCODING', 'd')).toBe('skiplist');
    expect(run('ZRANGESTORE', 'd', 'big', '0', '9')).toBe(10);
    expect(run('OBJECT', 'ENCODING', 'd')).toBe('listpack');
    expect(run('ZREMRANGEBYRANK', 'big', '0', '-2')).toBe(199);
    expect(run('OBJECT', 'ENCODING', 'big')).toBe('skiplist');
    expect(run('COPY', 'big', 'big2')).toBe(1);
    expect(run('OBJECT', 'ENCODING', 'big2')).toBe('skiplist');
  });
});

describe('keyspace integration', () => {
  it('charges memory as members come and go', () => {
    const db = t.store.db(0);
    const before = db.bytes;
    run('ZADD', 'z', '1', 'a'.repeat(1000));
    const one = db.bytes;
    expect(one - before).toBeGreaterThan(1000);
    run('ZADD', 'z', '2', 'b'.repeat(1000));
    expect(db.bytes - one).toBeGreaterThan(1000);
    run('ZREM', 'z', 'b'.repeat(1000));
    expect(db.bytes).toBe(one);
    run('ZPOPMIN', 'z');
    expect(db.bytes).toBe(before);
  });

  it('keeps the TTL across in-place changes; STORE replaces it', () => {
    run('ZADD', 'z', '1', 'a');
    run('EXPIRE', 'z', '100');
    run('ZADD', 'z', '2', 'b');
    run('ZREM', 'z', 'a');
    expect(run('TTL', 'z')).toBe(100);
    run('ZADD', 'd', '1', 'x');
    run('EXPIRE', 'd', '100');
    run('ZUNIONSTORE', 'd', '1', 'z');
    expect(run('TTL', 'd')).toBe(-1);
  });

  it('values are ZSet instances; TYPE says zset', () => {
    run('ZADD', 'z', '1', 'a');
    expect(t.store.db(0).peek('z')?.value).toBeInstanceOf(ZSet);
    expect(run('TYPE', 'z')).toBe('+zset');
  });
});

describe('keyspace notifications', () => {
  it('raise Redis 7 event names, the zset event before del', () => {
    const sub = t.newClient();
    run('CONFIG', 'SET', 'notify-keyspace-events', 'Ezg');
    t.runAs(sub, 'PSUBSCRIBE', '__keyevent@0__:*');
    t.takePushes(sub);
    run('ZADD', 'z', '1', 'a', '2', 'b');
    run('ZADD', 'z', 'NX', '1', 'a');
    run('ZINCRBY', 'z', '1', 'a');
    run('ZADD', 'z', 'INCR', '1', 'a');
    run('ZREM', 'z', 'nope');
    run('ZPOPMAX', 'z');
    run('ZUNIONSTORE', 'd', '1', 'z');
    run('ZRANGESTORE', 'd2', 'z', '0', '-1');
    run('ZINTERSTORE', 'd', '2', 'z', 'nokey');
    run('ZREMRANGEBYSCORE', 'z', '-inf', '+inf');
    run('ZADD', 'r', '1', 'a', '2', 'b', '3', 'c');
    run('ZREMRANGEBYRANK', 'r', '0', '0');
    run('ZREMRANGEBYLEX', 'r', '-', '(c');
    run('ZREM', 'r', 'c');
    const events = t.takePushes(sub).map((p) => {
      const [, , channel, key] = p as string[];
      return `${(channel as string).split(':')[1] ?? ''} ${key ?? ''}`;
    });
    expect(events).toEqual([
      'zadd z',
      'zincr z',
      'zincr z',
      'zpopmax z',
      'zunionstore d',
      'zrangestore d2',
      'del d',
      'zremrangebyscore z',
      'del z',
      'zadd r',
      'zremrangebyrank r',
      'zremrangebylex r',
      'zrem r',
      'del r',
    ]);
  });
});
