// Unit tests for the sorted sets algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { useZsetExecutor, run, wire, journal, plainSet, WRONGTYPE, SYNTAX, NOT_INT } from '../testing/zsets-fixtures.js';

useZsetExecutor();

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
