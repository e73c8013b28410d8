// Unit tests for the lists family: the table, pushes and pops, reads, LPOS, in-place writes, LMOVE and keyspace rules, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { keyIndexes } from './spec.js';
import { listCommands } from './lists.js';
import { useListsExecutor, t, run, journaled, setString, listOf, rawAs, WRONGTYPE, NOT_INT, SYNTAX, NOT_POSITIVE } from '../testing/lists-fixtures.js';

useListsExecutor();

describe('command table', () => {
  it('has Redis 7 arity, flags and key positions', () => {
    const spec = (n: string) => listCommands.find((s) => s.name === n);
    expect(spec('lpush')).toMatchObject({ arity: -3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, step: 1 });
    expect(spec('blpop')).toMatchObject({ arity: -3, flags: ['write', 'noscript', 'blocking'], firstKey: 1, lastKey: -2, step: 1 });
    expect(spec('blmove')).toMatchObject({ arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], firstKey: 1, lastKey: 2 });
    expect(spec('lmpop')).toMatchObject({ arity: -4, flags: ['write', 'movablekeys'], firstKey: 0 });
    expect(spec('blmpop')).toMatchObject({ arity: -5, flags: ['write', 'blocking', 'movablekeys'], firstKey: 0 });
    expect(listCommands).toHaveLength(22);
  });

  it('extracts keys like Redis key specs', () => {
    const keys = (n: string, ...argv: string[]): number[] => {
      const spec = listCommands.find((s) => s.name === n);
      if (spec === undefined) throw new Error(`no spec for ${n}`);
      return keyIndexes(spec, [n, ...argv]);
    };
    expect(keys('blpop', 'a', 'b', '0')).toEqual([1, 2]);
    expect(keys('lmove', 'a', 'b', 'LEFT', 'LEFT')).toEqual([1, 2]);
    expect(keys('lmpop', '2', 'a', 'b', 'LEFT')).toEqual([2, 3]);
    expect(keys('blmpop', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '3')).toEqual([3, 4]);
    expect(keys('lmpop', 'x', 'a', 'LEFT')).toEqual([]);
    expect(keys('lmpop', '0', 'a', 'LEFT')).toEqual([]);
    expect(keys('lmpop', '9', 'a', 'LEFT')).toEqual([2, 3]);
  });
});

describe('LPUSH / RPUSH / LPUSHX / RPUSHX', () => {
  it('push in argument order onto each end and answer the length', () => {
    expect(run('LPUSH', 'l', 'a', 'b')).toBe(2);
    expect(run('RPUSH', 'l', 'c', 'd')).toBe(4);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'a', 'c', 'd']);
    expect(journaled()).toEqual([
      ['LPUSH', 'l', 'a', 'b'],
      ['RPUSH', 'l', 'c', 'd'],
    ]);
  });

  it('the X forms only push onto an existing list', () => {
    expect(run('LPUSHX', 'l', 'a')).toBe(0);
    expect(run('RPUSHX', 'l', 'a', 'b')).toBe(0);
    expect(t.store.db(0).has('l')).toBe(false);
    expect(journaled()).toEqual([]);
    run('RPUSH', 'l', 'm');
    expect(run('LPUSHX', 'l', 'h1', 'h2')).toBe(3);
    expect(run('RPUSHX', 'l', 't')).toBe(4);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['h2', 'h1', 'm', 't']);
    expect(journaled()).toEqual([
      ['RPUSH', 'l', 'm'],
      ['LPUSHX', 'l', 'h1', 'h2'],
      ['RPUSHX', 'l', 't'],
    ]);
  });

  it('WRONGTYPE on another type, arity errors', () => {
    setString('s');
    for (const c of ['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']) expect(run(c, 's', 'x')).toBe(WRONGTYPE);
    expect(run('LPUSH', 'l')).toBe("-ERR wrong number of arguments for 'lpush' command");
    expect(journaled()).toEqual([]);
  });

  it('is binary safe and keeps memory accounting current', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    run('RPUSH', 'b', all, '');
    expect(run('LRANGE', 'b', '0', '-1')).toEqual([all, '']);
    const before = t.store.db(0).bytes;
    run('RPUSH', 'b', 'x'.repeat(10_000));
    expect(t.store.db(0).bytes).toBeGreaterThan(before + 10_000);
    run('RPOP', 'b');
    expect(t.store.db(0).bytes).toBe(before);
  });
});

describe('LPOP / RPOP', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    journaled();
  });

  it('pop one element from each end', () => {
    expect(run('LPOP', 'l')).toBe('a');
    expect(run('RPOP', 'l')).toBe('d');
    expect(journaled()).toEqual([
      ['LPOP', 'l'],
      ['RPOP', 'l'],
    ]);
  });

  it('with a count answer an array, capped at the length, and delete the emptied key', () => {
    expect(run('LPOP', 'l', '2')).toEqual(['a', 'b']);
    expect(run('RPOP', 'l', '10')).toEqual(['d', 'c']);
    expect(t.store.db(0).has('l')).toBe(false);
    expect(journaled()).toEqual([
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '10'],
    ]);
  });

  it('count 0 answers an empty array and changes nothing', () => {
    expect(run('LPOP', 'l', '0')).toEqual([]);
    expect(run('LLEN', 'l')).toBe(4);
    expect(journaled()).toEqual([]);
  });

  it('missing key: nil bulk without count, nil array with count (RESP2 and RESP3 shapes)', () => {
    expect(rawAs(t.client, 'LPOP', 'none')).toEqual({ t: 'nullbulk' });
    expect(rawAs(t.client, 'RPOP', 'none', '3')).toEqual({ t: 'nullarray' });
    expect(rawAs(t.client, 'LPOP', 'none', '0')).toEqual({ t: 'nullarray' });
  });

  it('rejects bad counts before looking at the key, but type-checks before count 0', () => {
    expect(run('LPOP', 'l', '-1')).toBe(NOT_POSITIVE);
    expect(run('LPOP', 'none', '-1')).toBe(NOT_POSITIVE);
    expect(run('LPOP', 'l', 'abc')).toBe(NOT_POSITIVE);
    expect(run('LPOP', 'l', '1', '2')).toBe("-ERR wrong number of arguments for 'lpop' command");
    expect(run('RPOP', 'l', '1', '2')).toBe("-ERR wrong number of arguments for 'rpop' command");
    setString('s');
    expect(run('LPOP', 's')).toBe(WRONGTYPE);
    expect(run('RPOP', 's', '0')).toBe(WRONGTYPE);
    expect(journaled()).toEqual([]);
  });

  it('accepts counts up to int64', () => {
    expect(run('LPOP', 'l', '9223372036854775807')).toEqual(['a', 'b', 'c', 'd']);
    expect(run('LPOP', 'l', '9223372036854775808')).toBe(NOT_POSITIVE);
  });
});

describe('LLEN / LRANGE / LINDEX', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  });

  it('LLEN', () => {
    expect(run('LLEN', 'l')).toBe(5);
    expect(run('LLEN', 'none')).toBe(0);
    setString('s');
    expect(run('LLEN', 's')).toBe(WRONGTYPE);
  });

  it.each([
    ['0', '-1', ['a', 'b', 'c', 'd', 'e']],
    ['1', '2', ['b', 'c']],
    ['-2', '-1', ['d', 'e']],
    ['-100', '100', ['a', 'b', 'c', 'd', 'e']],
    ['3', '1', []],
    ['5', '10', []],
    ['-1', '-2', []],
    ['4', '4', ['e']],
    ['-9223372036854775808', '9223372036854775807', ['a', 'b', 'c', 'd', 'e']],
  ])('LRANGE %s %s', (start, stop, expected) => {
    expect(run('LRANGE', 'l', start, stop)).toEqual(expected);
  });

  it('LRANGE errors: the range is parsed before the key is looked up', () => {
    expect(run('LRANGE', 'none', '0', '-1')).toEqual([]);
    expect(run('LRANGE', 'none', 'a', '1')).toBe(NOT_INT);
    expect(run('LRANGE', 'l', '0', '1.5')).toBe(NOT_INT);
    setString('s');
    expect(run('LRANGE', 's', '0', '1')).toBe(WRONGTYPE);
  });

  it('LINDEX: positive and negative indexes, out of range is nil', () => {
    expect(run('LINDEX', 'l', '0')).toBe('a');
    expect(run('LINDEX', 'l', '-1')).toBe('e');
    expect(run('LINDEX', 'l', '2')).toBe('c');
    expect(run('LINDEX', 'l', '5')).toBeNull();
    expect(run('LINDEX', 'l', '-6')).toBeNull();
    expect(rawAs(t.client, 'LINDEX', 'l', '5')).toEqual({ t: 'nullbulk' });
  });

  it('LINDEX looks the key up before parsing the index', () => {
    expect(run('LINDEX', 'none', 'x')).toBeNull();
    expect(run('LINDEX', 'l', 'x')).toBe(NOT_INT);
    setString('s');
    expect(run('LINDEX', 's', 'x')).toBe(WRONGTYPE);
  });

  it('reads count keyspace hits and misses; reads journal nothing', () => {
    journaled();
    const { hits, misses } = t.store.stats;
    run('LLEN', 'l');
    run('LRANGE', 'none', '0', '1');
    run('LINDEX', 'l', '0');
    run('LPOS', 'none', 'a');
    expect(t.store.stats.hits - hits).toBe(2);
    expect(t.store.stats.misses - misses).toBe(2);
    expect(journaled()).toEqual([]);
  });
});

describe('LSET', () => {
  it('replaces by index, journaled as given', () => {
    run('RPUSH', 'l', 'a', 'b', 'c');
    journaled();
    expect(run('LSET', 'l', '0', 'A')).toBe('+OK');
    expect(run('LSET', 'l', '-1', 'C')).toBe('+OK');
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['A', 'b', 'C']);
    expect(journaled()).toEqual([
      ['LSET', 'l', '0', 'A'],
      ['LSET', 'l', '-1', 'C'],
    ]);
  });

  it('errors: no such key, index out of range, not an integer, WRONGTYPE', () => {
    expect(run('LSET', 'none', '0', 'x')).toBe('-ERR no such key');
    expect(run('LSET', 'none', 'x', 'x')).toBe('-ERR no such key');
    run('RPUSH', 'l', 'a');
    journaled();
    expect(run('LSET', 'l', '1', 'x')).toBe('-ERR index out of range');
    expect(run('LSET', 'l', '-2', 'x')).toBe('-ERR index out of range');
    expect(run('LSET', 'l', 'x', 'x')).toBe(NOT_INT);
    setString('s');
    expect(run('LSET', 's', '0', 'x')).toBe(WRONGTYPE);
    expect(journaled()).toEqual([]);
  });
});

describe('LINSERT', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'a');
    journaled();
  });

  it('inserts before or after the first pivot match', () => {
    expect(run('LINSERT', 'l', 'BEFORE', 'a', 'x')).toBe(4);
    expect(run('LINSERT', 'l', 'after', 'a', 'y')).toBe(5);
    expect(run('LINSERT', 'l', 'AFTER', 'b', 'z')).toBe(6);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['x', 'a', 'y', 'b', 'z', 'a']);
    expect(journaled()).toHaveLength(3);
  });

  it('-1 when the pivot is missing, 0 when the key is', () => {
    expect(run('LINSERT', 'l', 'BEFORE', 'nope', 'x')).toBe(-1);
    expect(run('LINSERT', 'none', 'BEFORE', 'a', 'x')).toBe(0);
    expect(journaled()).toEqual([]);
  });

  it('syntax error before the key lookup, WRONGTYPE', () => {
    expect(run('LINSERT', 'none', 'MIDDLE', 'a', 'x')).toBe(SYNTAX);
    setString('s');
    expect(run('LINSERT', 's', 'BEFORE', 'a', 'x')).toBe(WRONGTYPE);
  });
});

describe('LREM', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
    journaled();
  });

  it('count > 0 from the head, < 0 from the tail, 0 all', () => {
    expect(run('LREM', 'l', '1', 'a')).toBe(1);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'a', 'c', 'a']);
    expect(run('LREM', 'l', '-1', 'a')).toBe(1);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'a', 'c']);
    expect(run('LREM', 'l', '0', 'a')).toBe(1);
    expect(journaled()).toEqual([
      ['LREM', 'l', '1', 'a'],
      ['LREM', 'l', '-1', 'a'],
      ['LREM', 'l', '0', 'a'],
    ]);
  });

  it('nothing removed journals nothing; emptied list is deleted', () => {
    expect(run('LREM', 'l', '0', 'zz')).toBe(0);
    expect(journaled()).toEqual([]);
    run('LREM', 'l', '0', 'a');
    run('LREM', 'l', '0', 'b');
    expect(run('LREM', 'l', '0', 'c')).toBe(1);
    expect(t.store.db(0).has('l')).toBe(false);
  });

  it('errors: count parsed first, missing key 0, WRONGTYPE', () => {
    expect(run('LREM', 'none', 'x', 'a')).toBe(NOT_INT);
    expect(run('LREM', 'none', '1', 'a')).toBe(0);
    setString('s');
    expect(run('LREM', 's', '1', 'a')).toBe(WRONGTYPE);
  });
});

describe('LTRIM', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    journaled();
  });

  it('keeps the range', () => {
    expect(run('LTRIM', 'l', '1', '-2')).toBe('+OK');
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'c', 'd']);
    expect(journaled()).toEqual([['LTRIM', 'l', '1', '-2']]);
  });

  it('a no-op trim journals nothing', () => {
    expect(run('LTRIM', 'l', '0', '-1')).toBe('+OK');
    expect(run('LTRIM', 'l', '-100', '100')).toBe('+OK');
    expect(journaled()).toEqual([]);
  });

  it.each([
    ['3', '1'],
    ['5', '10'],
    ['-1', '-2'],
  ])('an empty range %s %s deletes the key', (a, b) => {
    expect(run('LTRIM', 'l', a, b)).toBe('+OK');
    expect(t.store.db(0).has('l')).toBe(false);
    expect(journaled()).toEqual([['LTRIM', 'l', a, b]]);
  });

  it('errors', () => {
    expect(run('LTRIM', 'none', 'x', '1')).toBe(NOT_INT);
    expect(run('LTRIM', 'none', '0', '1')).toBe('+OK');
    setString('s');
    expect(run('LTRIM', 's', '0', '1')).toBe(WRONGTYPE);
  });
});

describe('LPOS', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'a', 'b', 'a');
  });

  it.each([
    [['a'], 0],
    [['a', 'RANK', '2'], 4],
    [['a', 'RANK', '3'], 6],
    [['a', 'RANK', '4'], null],
    [['a', 'RANK', '-1'], 6],
    [['a', 'RANK', '-3'], 0],
    [['a', 'COUNT', '0'], [0, 4, 6]],
    [['a', 'COUNT', '2'], [0, 4]],
    [['a', 'COUNT', '0', 'RANK', '-1'], [6, 4, 0]],
    [['a', 'COUNT', '0', 'RANK', '2'], [4, 6]],
    [['a', 'COUNT', '0', 'MAXLEN', '5'], [0, 4]],
    [['a', 'RANK', '-1', 'MAXLEN', '2'], 6],
    [['a', 'RANK', '-2', 'MAXLEN', '1'], null],
    [['zz'], null],
    [['zz', 'COUNT', '1'], []],
    [['a', 'rank', '1', 'rank', '2'], 4],
    [['a', 'count', '1', 'rank', '2', 'maxlen', '0'], [4]],
    [['a', 'RANK', '9223372036854775807'], null],
    [['a', 'RANK', '-9223372036854775807'], null],
    // Redis 7.0 negates LONG_MIN into itself: it behaves as a search from the tail.
    [['a', 'RANK', '-9223372036854775808'], 6],
  ] as const)('LPOS l %j', (args, expected) => {
    expect(run('LPOS', 'l', ...args)).toEqual(expected);
  });

  it('missing key: nil, or an empty array with COUNT', () => {
    expect(rawAs(t.client, 'LPOS', 'none', 'a')).toEqual({ t: 'nullbulk' });
    expect(run('LPOS', 'none', 'a', 'COUNT', '1')).toEqual([]);
  });

  it.each([
    [['RANK', '0'], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"],
    [['RANK', 'x'], NOT_INT],
    [['COUNT', '-1'], "-ERR COUNT can't be negative"],
    [['COUNT', 'x'], "-ERR COUNT can't be negative"],
    [['MAXLEN', '-1'], "-ERR MAXLEN can't be negative"],
    [['MAXLEN', 'x'], "-ERR MAXLEN can't be negative"],
    [['RANK'], SYNTAX],
    [['FOO', '1'], SYNTAX],
  ] as const)('LPOS options %j are checked before the key', (args, err) => {
    expect(run('LPOS', 'none', 'a', ...args)).toBe(err);
    expect(run('LPOS', 'l', 'a', ...args)).toBe(err);
  });

  it('WRONGTYPE', () => {
    setString('s');
    expect(run('LPOS', 's', 'a')).toBe(WRONGTYPE);
  });
});

describe('LMOVE / RPOPLPUSH', () => {
  beforeEach(() => {
    run('RPUSH', 'src', 'a', 'b', 'c');
    journaled();
  });

  it('moves between ends and lists, creating the destination', () => {
    expect(run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toBe('a');
    expect(run('LMOVE', 'src', 'dst', 'right', 'left')).toBe('c');
    expect(run('LRANGE', 'dst', '0', '-1')).toEqual(['c', 'a']);
    expect(run('RPOPLPUSH', 'src', 'dst')).toBe('b');
    expect(t.store.db(0).has('src')).toBe(false);
    expect(run('LRANGE', 'dst', '0', '-1')).toEqual(['b', 'c', 'a']);
    expect(journaled()).toEqual([
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['RPOPLPUSH', 'src', 'dst'],
    ]);
  });

  it('same source and destination rotates, even with one element', () => {
    expect(run('LMOVE', 'src', 'src', 'LEFT', 'RIGHT')).toBe('a');
    expect(run('LRANGE', 'src', '0', '-1')).toEqual(['b', 'c', 'a']);
    expect(run('RPOPLPUSH', 'src', 'src')).toBe('a');
    expect(run('LRANGE', 'src', '0', '-1')).toEqual(['a', 'b', 'c']);
    run('RPUSH', 'one', 'x');
    expect(run('LMOVE', 'one', 'one', 'LEFT', 'LEFT')).toBe('x');
    expect(run('LRANGE', 'one', '0', '-1')).toEqual(['x']);
  });

  it('missing source is nil even when the destination has another type', () => {
    setString('s');
    expect(rawAs(t.client, 'LMOVE', 'none', 's', 'LEFT', 'LEFT')).toEqual({ t: 'nullbulk' });
    expect(rawAs(t.client, 'RPOPLPUSH', 'none', 's')).toEqual({ t: 'nullbulk' });
    expect(journaled()).toEqual([]);
  });

  it('WRONGTYPE for either side, nothing moves', () => {
    setString('s');
    expect(run('LMOVE', 'src', 's', 'LEFT', 'LEFT')).toBe(WRONGTYPE);
    expect(run('LMOVE', 's', 'dst', 'LEFT', 'LEFT')).toBe(WRONGTYPE);
    expect(run('RPOPLPUSH', 'src', 's')).toBe(WRONGTYPE);
    expect(run('LLEN', 'src')).toBe(3);
    expect(journaled()).toEqual([]);
  });

  it('directions are checked before anything else', () => {
    expect(run('LMOVE', 'none', 'dst', 'UP', 'LEFT')).toBe(SYNTAX);
    expect(run('LMOVE', 'src', 'dst', 'LEFT', 'DOWN')).toBe(SYNTAX);
  });
});

describe('keyspace rules', () => {
  it('an emptied list is always deleted', () => {
    const cases: string[][] = [
      ['LPOP', 'l'],
      ['RPOP', 'l', '5'],
      ['LREM', 'l', '0', 'a'],
      ['LTRIM', 'l', '1', '0'],
      ['LMOVE', 'l', 'other', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'l', 'other'],
      ['LMPOP', '1', 'l', 'LEFT'],
      ['BLPOP', 'l', '0'],
      ['BRPOP', 'l', '0'],
      ['BLMOVE', 'l', 'other', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'l', 'other', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT'],
    ];
    for (const c of cases) {
      run('RPUSH', 'l', 'a');
      run(...c);
      expect(t.store.db(0).has('l'), c.join(' ')).toBe(false);
    }
  });

  it('encoding follows the listpack size rule', () => {
    run('RPUSH', 'l', 'a', 'b');
    expect(listOf('l')?.encoding()).toBe('listpack');
    run('RPUSH', 'l', 'x'.repeat(9000));
    expect(listOf('l')?.encoding()).toBe('quicklist');
  });

  it('in-place changes keep the TTL', () => {
    run('RPUSH', 'l', 'a', 'b');
    const db = t.store.db(0);
    const e = db.peek('l');
    if (e === undefined) throw new Error('no key');
    db.setExpire('l', e, t.clock.now() + 10_000);
    run('LPUSH', 'l', 'c');
    run('LPOP', 'l');
    run('LSET', 'l', '0', 'z');
    expect(db.peek('l')?.expireAt).toBe(t.clock.now() + 10_000);
  });
});
