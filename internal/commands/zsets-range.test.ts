// Unit tests for the sorted sets ranges: ZRANGE and its variants, ZRANGESTORE and ZREMRANGEBY*, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { useZsetExecutor, run, wire, journal, WRONGTYPE, SYNTAX, NOT_INT, RANGE_FLOAT, RANGE_LEX } from '../testing/zsets-fixtures.js';

useZsetExecutor();

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
