// SORT / SORT_RO semantics, with expectations taken from redis-server 7.0 on the same data.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor();
  t.run('RPUSH', 'l', '3', '1', '2', '10', '1.5');
  t.run('SADD', 's', 'c', 'a', 'b');
  t.run('ZADD', 'z', '3', 'x', '1', 'y', '2', 'w');
  t.run('MSET', 'w_3', '30', 'w_1', '10', 'w_2', '20', 'w_10', '5', 'w_1.5', '99');
  t.run('HSET', 'h_3', 'f', '3', 'n', 'three');
  t.run('HSET', 'h_1', 'f', '1', 'n', 'one');
  t.run('HSET', 'h_2', 'f', '2', 'n', 'two');
});

describe('SORT', () => {
  it.each([
    [['SORT', 'l'], ['1', '1.5', '2', '3', '10']],
    [['SORT', 'l', 'DESC'], ['10', '3', '2', '1.5', '1']],
    [['SORT', 'l', 'LIMIT', '1', '2'], ['1.5', '2']],
    [['SORT', 'l', 'LIMIT', '-1', '2'], ['1', '1.5']],
    [['SORT', 'l', 'LIMIT', '2', '-1'], ['2', '3', '10']],
    [['SORT', 'l', 'BY', 'w_*'], ['10', '1', '2', '3', '1.5']],
    [['SORT', 'l', 'BY', 'nosort'], ['3', '1', '2', '10', '1.5']],
    [['SORT', 'l', 'BY', 'nosort', 'DESC'], ['1.5', '10', '2', '1', '3']],
    [['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*'], ['10', '5', '1', '10', '2', '20', '3', '30', '1.5', '99']],
    [['SORT', 'l', 'BY', 'h_*->f', 'GET', 'h_*->n'], [null, null, 'one', 'two', 'three']],
    [['SORT', 's', 'ALPHA'], ['a', 'b', 'c']],
    [['SORT', 's', 'ALPHA', 'DESC'], ['c', 'b', 'a']],
    [['SORT', 'z', 'BY', 'nosort'], ['y', 'w', 'x']],
    [['SORT', 'z', 'BY', 'nosort', 'DESC'], ['x', 'w', 'y']],
    [['SORT', 'z', 'ALPHA', 'LIMIT', '0', '2'], ['w', 'x']],
    [['SORT', 'nokey'], []],
    [['SORT_RO', 'l', 'DESC'], ['10', '3', '2', '1.5', '1']],
  ])('%j', (argv, expected) => {
    expect(t.run(...argv)).toEqual(expected);
  });

  it.each([
    [['SORT', 's'], "-ERR One or more scores can't be converted into double"],
    [['SORT', 'l', 'LIMIT', '1'], '-ERR syntax error'],
    [['SORT', 'l', 'FOO'], '-ERR syntax error'],
    [['SORT_RO', 'l', 'STORE', 'x'], '-ERR syntax error'],
  ])('%j errors', (argv, expected) => {
    expect(t.run(...argv)).toBe(expected);
  });

  it('WRONGTYPE on strings and hashes', () => {
    t.run('SET', 'str', 'x');
    expect(t.run('SORT', 'str')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('STORE writes a list, journals its concrete content and deletes on empty results', () => {
    expect(t.run('SORT', 'l', 'STORE', 'dst')).toBe(5);
    expect(t.run('LRANGE', 'dst', '0', '-1')).toEqual(['1', '1.5', '2', '3', '10']);
    expect(t.journal.slice(-2).map((j) => j.argv)).toEqual([
      ['DEL', 'dst'],
      ['RPUSH', 'dst', '1', '1.5', '2', '3', '10'],
    ]);
    expect(t.run('SORT', 'nokey', 'STORE', 'dst')).toBe(0);
    expect(t.run('EXISTS', 'dst')).toBe(0);
  });

  it('declares the STORE destination as a key', () => {
    expect(t.run('COMMAND', 'GETKEYS', 'SORT', 'l', 'BY', 'w_*', 'STORE', 'dst')).toEqual(['l', 'dst']);
  });

  it('with several STOREs declares only the last, the one SORT writes (Redis sortGetKeys)', () => {
    expect(t.run('COMMAND', 'GETKEYS', 'SORT', 'abc', 'STORE', 'invalid', 'STORE', 'stillbad', 'STORE', 'def')).toEqual(['abc', 'def']);
    expect(t.run('COMMAND', 'GETKEYS', 'SORT_RO', 'abc', 'BY', 'x')).toEqual(['abc']);
  });

  it('gives the STORE destination the write flags of its key spec (COMMAND GETKEYSANDFLAGS)', () => {
    expect(t.run('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k1', 'STORE', 'k2')).toEqual([
      ['k1', ['+RO', '+access']],
      ['k2', ['+OW', '+update']],
    ]);
    expect(t.run('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k1', 'BY', 'w_*', 'GET', '#')).toEqual([['k1', ['+RO', '+access']]]);
  });
});
