// Unit tests for the lists family: every command, option, error path, journal entry and blocking flow, via a real Executor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, plain, type Plain, type TestExecutor } from '../testing/exec.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import { ListValue } from '../store/list.js';
import { keyIndexes } from './spec.js';
import { listCommands } from './lists.js';
import { timeoutArg } from './args.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';
const SYNTAX = '-ERR syntax error';
const NOT_POSITIVE = '-ERR value is out of range, must be positive';
const BAD_TIMEOUT = '-ERR timeout is not a float or out of range';
const NEG_TIMEOUT = '-ERR timeout is negative';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: [listCommands] });
});

const run = (...argv: string[]): Plain => t.run(...argv);
/** Journaled writes since the last call, as argv arrays. */
function journaled(): string[][] {
  const out = t.journal.map((j) => j.argv);
  t.journal.length = 0;
  return out;
}
/** A string value, written directly (the strings family is not registered here). */
function setString(key: string, v = 'x'): void {
  t.store.db(0).set(key, v);
}
function listOf(key: string): ListValue | undefined {
  const v = t.store.db(0).peek(key)?.value;
  return v instanceof ListValue ? v : undefined;
}
/** Raw reply as a given protocol client would receive it (null shapes matter). */
function rawAs(c: Client, ...argv: string[]): Reply {
  const r = t.executor.execute(c, argv);
  if (r instanceof Promise) throw new Error('unexpectedly asynchronous');
  return r;
}
/** Starts a blocking command for `c`; the promise settles when it is served or times out. */
function block(c: Client, ...argv: string[]): Promise<Reply> {
  return Promise.resolve(t.executor.execute(c, argv));
}
/** Lets settled promises deliver before checking that a blocked command is still pending. */
async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return !done;
}

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

describe('LMPOP', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c');
    journaled();
  });

  it('pops from the first non-empty list, journaled as LPOP/RPOP key n', () => {
    expect(run('LMPOP', '2', 'none', 'l', 'LEFT')).toEqual(['l', ['a']]);
    expect(run('LMPOP', '1', 'l', 'RIGHT', 'COUNT', '5')).toEqual(['l', ['c', 'b']]);
    expect(t.store.db(0).has('l')).toBe(false);
    expect(journaled()).toEqual([
      ['LPOP', 'l', '1'],
      ['RPOP', 'l', '2'],
    ]);
  });

  it('nil array when every list is missing', () => {
    expect(rawAs(t.client, 'LMPOP', '2', 'x', 'y', 'LEFT')).toEqual({ t: 'nullarray' });
    expect(journaled()).toEqual([]);
  });

  it.each([
    [['0', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['-1', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['x', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['3', 'l', 'LEFT'], SYNTAX],
    [['1', 'l', 'UP'], SYNTAX],
    [['1', 'l'], "-ERR wrong number of arguments for 'lmpop' command"],
    [['1', 'l', 'LEFT', 'COUNT'], SYNTAX],
    [['1', 'l', 'LEFT', 'COUNT', '0'], '-ERR count should be greater than 0'],
    [['1', 'l', 'LEFT', 'COUNT', 'x'], '-ERR count should be greater than 0'],
    [['1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '2'], SYNTAX],
    [['1', 'l', 'LEFT', 'FOO'], SYNTAX],
  ] as const)('LMPOP %j', (args, err) => {
    expect(run('LMPOP', ...args)).toBe(err);
  });

  it('WRONGTYPE stops the scan at that key', () => {
    setString('s');
    expect(run('LMPOP', '2', 's', 'l', 'LEFT')).toBe(WRONGTYPE);
    expect(run('LMPOP', '2', 'l', 's', 'LEFT')).toEqual(['l', ['a']]);
  });
});

describe('timeout argument', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['0.5', 500],
    ['.25', 250],
    ['+1', 1000],
    // Fractions of a millisecond round up, as Redis's ceill does.
    ['1e-5', 1],
    ['0.0005', 1],
    ['0.0015', 2],
    ['0.001', 1],
    ['0.003', 3],
    // Tiny negatives round up to 0 and wait forever: -0.001 s is -0.99999... ms in long double.
    ['-0.0001', 0],
    ['-0.001', 0],
    ['-0', 0],
    ['0x10', 16000],
    ['2.5e3', 2_500_000],
  ])('%s -> %i ms', (raw, ms) => {
    expect(timeoutArg(raw)).toBe(ms);
  });

  it.each([
    ['abc', BAD_TIMEOUT],
    ['', BAD_TIMEOUT],
    [' 1', BAD_TIMEOUT],
    ['1 ', BAD_TIMEOUT],
    ['nan', BAD_TIMEOUT],
    ['-1', NEG_TIMEOUT],
    ['-0.5', NEG_TIMEOUT],
    ['-0.0011', NEG_TIMEOUT],
    ['inf', NEG_TIMEOUT],
    ['-inf', NEG_TIMEOUT],
    ['1e20', NEG_TIMEOUT],
  ])('%s is rejected', (raw, err) => {
    expect(run('BLPOP', 'k', raw)).toBe(err);
  });
});

describe('blocking commands', () => {
  let c2: Client;
  let c3: Client;
  beforeEach(() => {
    c2 = t.newClient();
    c3 = t.newClient();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serve at once when a list has elements, journaled as the non-blocking form', async () => {
    run('RPUSH', 'a', '1', '2', '3');
    run('RPUSH', 'b', 'x');
    journaled();
    expect(run('BLPOP', 'none', 'a', '0')).toEqual(['a', '1']);
    expect(run('BRPOP', 'a', '0')).toEqual(['a', '3']);
    expect(run('BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0')).toBe('2');
    expect(run('BRPOPLPUSH', 'b', 'c', '0')).toBe('2');
    expect(run('BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '5')).toEqual(['b', ['x']]);
    expect(journaled()).toEqual([
      ['LPOP', 'a'],
      ['RPOP', 'a'],
      ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'b', 'c'],
      ['LPOP', 'b', '1'],
    ]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('WRONGTYPE at once when a key before any non-empty list has another type', () => {
    setString('s');
    run('RPUSH', 'l', 'x');
    expect(run('BLPOP', 'none', 's', 'l', '0')).toBe(WRONGTYPE);
    expect(run('BLPOP', 'l', 's', '0')).toEqual(['l', 'x']);
    expect(run('BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0')).toBe(WRONGTYPE);
    run('RPUSH', 'l', 'y');
    expect(run('BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0')).toBe(WRONGTYPE);
    expect(run('BRPOPLPUSH', 'l', 's', '0')).toBe(WRONGTYPE);
    expect(run('BLMPOP', '0', '2', 's', 'l', 'LEFT')).toBe(WRONGTYPE);
    expect(run('LLEN', 'l')).toBe(1);
  });

  it('argument errors come before blocking, in Redis order', () => {
    expect(run('BLMOVE', 'a', 'b', 'UP', 'LEFT', 'x')).toBe(SYNTAX);
    expect(run('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 'x')).toBe(BAD_TIMEOUT);
    expect(run('BRPOPLPUSH', 'a', 'b', '-1')).toBe(NEG_TIMEOUT);
    // BLMPOP parses numkeys, direction and COUNT before the timeout.
    expect(run('BLMPOP', 'x', '0', 'a', 'LEFT')).toBe('-ERR numkeys should be greater than 0');
    expect(run('BLMPOP', 'x', '1', 'a', 'UP')).toBe(SYNTAX);
    expect(run('BLMPOP', 'x', '1', 'a', 'LEFT')).toBe(BAD_TIMEOUT);
    expect(run('BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0')).toBe('-ERR count should be greater than 0');
    expect(t.server.blockedClients()).toBe(0);
  });

  it('BLPOP is woken by a push from another client; the push and the pop are both journaled', async () => {
    journaled();
    const p = block(c2, 'BLPOP', 'k1', 'k2', '0');
    expect(t.server.blockedClients()).toBe(1);
    expect(await isPending(p)).toBe(true);
    expect(run('RPUSH', 'k2', 'v1', 'v2')).toBe(2);
    expect(plain(await p)).toEqual(['k2', 'v1']);
    expect(run('LRANGE', 'k2', '0', '-1')).toEqual(['v2']);
    expect(journaled()).toEqual([
      ['RPUSH', 'k2', 'v1', 'v2'],
      ['LPOP', 'k2'],
    ]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('waiters are served first come first served, one element each', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    const p2 = block(c3, 'BRPOP', 'k', '0');
    const c4 = t.newClient();
    const p3 = block(c4, 'BLPOP', 'k', '0');
    run('RPUSH', 'k', 'a', 'b');
    expect(plain(await p1)).toEqual(['k', 'a']);
    expect(plain(await p2)).toEqual(['k', 'b']);
    expect(await isPending(p3)).toBe(true);
    expect(t.store.db(0).has('k')).toBe(false);
    run('LPUSH', 'k', 'c');
    expect(plain(await p3)).toEqual(['k', 'c']);
  });

  it('the whole push lands before waiters are served (a multi-element LPUSH)', async () => {
    const p = block(c2, 'BLPOP', 'k', '0');
    run('LPUSH', 'k', 'a', 'b', 'c');
    // LPUSH a b c leaves c at the head: the waiter sees the list after the whole command.
    expect(plain(await p)).toEqual(['k', 'c']);
  });

  it('a key of another type keeps the waiter waiting; a later list serves it', async () => {
    const p = block(c2, 'BLPOP', 'k', '0');
    setString('k');
    expect(await isPending(p)).toBe(true);
    t.store.db(0).delete('k');
    run('RPUSH', 'k', 'v');
    expect(plain(await p)).toEqual(['k', 'v']);
  });

  it('BRPOP, BLMPOP served later journal RPOP key / LPOP key n', async () => {
    journaled();
    const p1 = block(c2, 'BRPOP', 'k', '0');
    const p2 = block(c3, 'BLMPOP', '0', '2', 'x', 'k', 'LEFT', 'COUNT', '2');
    run('RPUSH', 'k', '1', '2', '3', '4');
    expect(plain(await p1)).toEqual(['k', '4']);
    expect(plain(await p2)).toEqual(['k', ['1', '2']]);
    expect(journaled()).toEqual([
      ['RPUSH', 'k', '1', '2', '3', '4'],
      ['RPOP', 'k'],
      ['LPOP', 'k', '2'],
    ]);
  });

  it('BLMOVE served later moves, journaled as LMOVE; its push wakes the next waiter', async () => {
    journaled();
    const p1 = block(c2, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0');
    const p2 = block(c3, 'BLPOP', 'dst', '0');
    run('RPUSH', 'src', 'x');
    expect(plain(await p1)).toBe('x');
    expect(plain(await p2)).toEqual(['dst', 'x']);
    expect(t.store.db(0).has('src')).toBe(false);
    expect(t.store.db(0).has('dst')).toBe(false);
    expect(journaled()).toEqual([
      ['RPUSH', 'src', 'x'],
      ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
      ['LPOP', 'dst'],
    ]);
  });

  it('BRPOPLPUSH served later is journaled as RPOPLPUSH', async () => {
    journaled();
    const p = block(c2, 'BRPOPLPUSH', 'src', 'dst', '0');
    run('RPUSH', 'src', 'a', 'b');
    expect(plain(await p)).toBe('b');
    expect(run('LRANGE', 'dst', '0', '-1')).toEqual(['b']);
    expect(journaled()).toEqual([
      ['RPUSH', 'src', 'a', 'b'],
      ['RPOPLPUSH', 'src', 'dst'],
    ]);
  });

  it('BLMOVE with source = destination rotates once the list appears', async () => {
    const p = block(c2, 'BLMOVE', 'r', 'r', 'LEFT', 'RIGHT', '0');
    run('RPUSH', 'r', '1', '2');
    expect(plain(await p)).toBe('1');
    expect(run('LRANGE', 'r', '0', '-1')).toEqual(['2', '1']);
  });

  it('BLMOVE served later into a destination of another type answers WRONGTYPE and moves nothing', async () => {
    const p = block(c2, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    setString('dst');
    run('RPUSH', 'src', 'a');
    expect(plain(await p)).toBe(WRONGTYPE);
    expect(run('LRANGE', 'src', '0', '-1')).toEqual(['a']);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('times out with a nil array (RESP2 *-1, RESP3 _), fractional seconds', async () => {
    vi.useFakeTimers();
    const p1 = block(c2, 'BLPOP', 'k', '0.25');
    const p2 = block(c3, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '1.5');
    const c4 = t.newClient();
    const p3 = block(c4, 'BLMPOP', '0.1', '1', 'k', 'LEFT');
    vi.advanceTimersByTime(99);
    expect(await isPending(p3)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p3).toEqual({ t: 'nullarray' });
    vi.advanceTimersByTime(149);
    expect(await isPending(p1)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p1).toEqual({ t: 'nullarray' });
    expect(await isPending(p2)).toBe(true);
    vi.advanceTimersByTime(1250);
    expect(await p2).toEqual({ t: 'nullarray' });
    expect(t.server.blockedClients()).toBe(0);
    // Nothing was journaled for the timeouts.
    expect(journaled()).toEqual([]);
  });

  it('timeout 0 waits forever', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BRPOP', 'k', '0');
    vi.advanceTimersByTime(30 * 24 * 3600 * 1000);
    expect(await isPending(p)).toBe(true);
    run('RPUSH', 'k', 'late');
    expect(plain(await p)).toEqual(['k', 'late']);
  });

  it('a timeout longer than a Node timer can hold still fires on time, not at once', async () => {
    vi.useFakeTimers();
    // 3,000,000 s: beyond 2^31-1 ms, which setTimeout would otherwise treat as 1 ms.
    const p = block(c2, 'BLPOP', 'k', '3000000');
    vi.advanceTimersByTime(2 ** 31);
    expect(await isPending(p)).toBe(true);
    vi.advanceTimersByTime(3_000_000_000 - 2 ** 31 - 1);
    expect(await isPending(p)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p).toEqual({ t: 'nullarray' });
  });

  it('a long timeout served early leaves no timer behind', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BLPOP', 'k', '3000000');
    run('RPUSH', 'k', 'v');
    expect(plain(await p)).toEqual(['k', 'v']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a long-timeout waiter that disconnects leaves no timer chain behind', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BLPOP', 'k', '3000000');
    c2.kill();
    vi.advanceTimersByTime(2 ** 31);
    expect(vi.getTimerCount()).toBe(0);
    expect(await isPending(p)).toBe(true);
  });

  it('a client that disconnects while blocked is never handed anything', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    const p2 = block(c3, 'BLPOP', 'k', '0');
    c2.kill();
    expect(t.server.blockedClients()).toBe(1);
    run('RPUSH', 'k', 'a', 'b');
    expect(plain(await p2)).toEqual(['k', 'a']);
    expect(await isPending(p1)).toBe(true);
    expect(run('LRANGE', 'k', '0', '-1')).toEqual(['b']);
  });

  it('CLIENT UNBLOCK ends the wait with the timeout reply or an UNBLOCKED error', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    expect(t.server.unblockClient(c2.id, false)).toBe(true);
    expect(await p1).toEqual({ t: 'nullarray' });
    const p2 = block(c2, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    expect(t.server.unblockClient(c2.id, true)).toBe(true);
    expect(plain(await p2)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(t.server.unblockClient(c2.id, true)).toBe(false);
    run('RPUSH', 'k', 'v');
    expect(run('LLEN', 'k')).toBe(1);
  });

  it('a client blocked on several keys is served once, from the first non-empty key', async () => {
    const p = block(c2, 'BLPOP', 'a', 'b', 'a', '0');
    run('RPUSH', 'b', 'x');
    expect(plain(await p)).toEqual(['b', 'x']);
    run('RPUSH', 'a', 'y');
    expect(run('LLEN', 'a')).toBe(1);
  });

  it('waits in the database it blocked in', async () => {
    expect(run('RPUSH', 'k', 'db0')).toBe(1);
    c2.db = 3;
    const p = block(c2, 'BLPOP', 'k', '0');
    expect(await isPending(p)).toBe(true);
    const c4 = t.newClient();
    c4.db = 3;
    t.runAs(c4, 'RPUSH', 'k', 'db3');
    expect(plain(await p)).toEqual(['k', 'db3']);
    expect(t.journal.at(-1)).toEqual({ db: 3, argv: ['LPOP', 'k'] });
  });

  it('expired keys are not served', async () => {
    run('RPUSH', 'k', 'old');
    const e = t.store.db(0).peek('k');
    if (e === undefined) throw new Error('no key');
    t.store.db(0).setExpire('k', e, t.clock.now() + 1000);
    t.clock.advance(1000);
    const p = block(c2, 'BLPOP', 'k', '0');
    expect(await isPending(p)).toBe(true);
    run('RPUSH', 'k', 'new');
    expect(plain(await p)).toEqual(['k', 'new']);
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
