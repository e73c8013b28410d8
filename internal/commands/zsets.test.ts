// Unit tests for the sorted sets family: the table, score parsing, single-key commands, ZRANDMEMBER, ZSCAN, keyspace rules and events, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { ZSet } from '../store/zset.js';
import { parseScore, strtod } from './args.js';
import { parseSyntax } from './docs.js';
import { keyIndexes } from './spec.js';
import { zsetCommands } from './zsets.js';
import { useZsetExecutor, t, run, wire, journal, WRONGTYPE, SYNTAX, NOT_FLOAT, NOT_INT, RANGE_FLOAT, RANGE_LEX } from '../testing/zsets-fixtures.js';

useZsetExecutor();

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
