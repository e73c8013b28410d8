// Unit tests for the sets family through a real Executor: every command, option and error path, RESP3 shapes, journal rewrites (SPOP, *STORE), keyspace notifications.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import type { Reply } from '../resp/reply.js';
import { SetValue } from '../store/set.js';
import { CommandRegistry } from './registry.js';
import { hashCommands } from './hashes.js';
import { MAX_RANDOM_REPLY, setCommands } from './sets.js';
import { keyIndexes } from './spec.js';
import { prng } from '../testing/random.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';
const SYNTAX = '-ERR syntax error';
const NOT_POSITIVE = '-ERR value is out of range, must be positive';

let t: TestExecutor;
let run: (...argv: string[]) => Plain;
/** Keys reported modified to the keyspace observers (WATCH, blocked clients). */
let modified: string[];

beforeEach(() => {
  t = createTestExecutor({ families: [hashCommands, setCommands], config: { slowlog_log_slower_than: -1 } });
  run = (...argv) => t.run(...argv);
  modified = [];
  t.store.observe({ expired: () => undefined, modified: (_db, key) => modified.push(key) });
  vi.spyOn(Math, 'random').mockImplementation(prng(42));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const db = () => t.store.db(0);
const journal = (): string[][] => t.journal.map((j) => j.argv);
const clearJournal = (): void => {
  t.journal.length = 0;
  modified.length = 0;
};
const putString = (key: string, v = 'x'): void => {
  db().set(key, v);
};
const setAt = (key: string): SetValue => {
  const v = db().peek(key)?.value;
  if (!(v instanceof SetValue)) throw new Error(`${key} is not a set`);
  return v;
};
const sorted = (p: Plain): Plain => (Array.isArray(p) ? [...p].sort() : p);
const raw = (...argv: string[]): Reply => t.exec(...argv);
/** Scripts Math.random with the given values, in order (then repeats the last). */
function scriptRandom(...values: number[]): void {
  let i = 0;
  vi.spyOn(Math, 'random').mockImplementation(() => values[Math.min(i++, values.length - 1)] as number);
}

describe('command table entries match Redis 7.0 COMMAND INFO', () => {
  it.each([
    ['sadd', -3, 'write,denyoom,fast', 1, 1, 1],
    ['srem', -3, 'write,fast', 1, 1, 1],
    ['smembers', 2, 'readonly', 1, 1, 1],
    ['sismember', 3, 'readonly,fast', 1, 1, 1],
    ['smismember', -3, 'readonly,fast', 1, 1, 1],
    ['scard', 2, 'readonly,fast', 1, 1, 1],
    ['spop', -2, 'write,fast', 1, 1, 1],
    ['srandmember', -2, 'readonly', 1, 1, 1],
    ['smove', 4, 'write,fast', 1, 2, 1],
    ['sinter', -2, 'readonly', 1, -1, 1],
    ['sintercard', -3, 'readonly,movablekeys', 0, 0, 0],
    ['sinterstore', -3, 'write,denyoom', 1, -1, 1],
    ['sunion', -2, 'readonly', 1, -1, 1],
    ['sunionstore', -3, 'write,denyoom', 1, -1, 1],
    ['sdiff', -2, 'readonly', 1, -1, 1],
    ['sdiffstore', -3, 'write,denyoom', 1, -1, 1],
    ['sscan', -3, 'readonly', 1, 1, 1],
  ] as const)('%s', (name, arity, flags, first, last, step) => {
    const spec = new CommandRegistry([setCommands]).get(name);
    expect(spec).toBeDefined();
    if (!spec) return;
    expect([spec.arity, spec.flags.join(','), spec.firstKey, spec.lastKey, spec.step, spec.group]).toEqual([arity, flags, first, last, step, 'set']);
  });

  it('key positions, including SINTERCARD\'s numkeys', () => {
    const reg = new CommandRegistry([setCommands]);
    const keys = (...argv: string[]): number[] => {
      const spec = reg.get((argv[0] as string).toLowerCase());
      if (!spec) throw new Error('no spec');
      return keyIndexes(spec, argv);
    };
    expect(keys('sintercard', '2', 'a', 'b', 'LIMIT', '1')).toEqual([2, 3]);
    expect(keys('sintercard', '1', 'a')).toEqual([2]);
    expect(keys('sintercard', '5', 'a', 'b')).toEqual([2, 3]);
    expect(keys('sintercard', '0', 'a')).toEqual([]);
    expect(keys('sintercard', 'x', 'a')).toEqual([]);
    expect(keys('smove', 'a', 'b', 'm')).toEqual([1, 2]);
    expect(keys('sunionstore', 'd', 'a', 'b')).toEqual([1, 2, 3]);
    expect(keys('sinter', 'a', 'b', 'c')).toEqual([1, 2, 3]);
  });
});

describe('SADD / SREM / SCARD / SISMEMBER / SMISMEMBER / SMEMBERS', () => {
  it('SADD counts new members, journals only when something was added', () => {
    expect(run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(run('SADD', 's', 'a')).toBe(0);
    expect(run('SADD', 's', 'c', 'b')).toBe(1);
    expect(run('SCARD', 's')).toBe(3);
    expect(sorted(run('SMEMBERS', 's'))).toEqual(['a', 'b', 'c']);
    expect(journal()).toEqual([
      ['SADD', 's', 'a', 'b', 'a'],
      ['SADD', 's', 'c', 'b'],
    ]);
    expect(modified).toEqual(['s', 's']);
  });

  it('SREM counts removed members, journals only when something went, deletes the emptied key', () => {
    run('SADD', 's', 'a', 'b', 'c');
    clearJournal();
    expect(run('SREM', 's', 'a', 'zz', 'a')).toBe(1);
    expect(run('SREM', 's', 'zz')).toBe(0);
    expect(run('SREM', 'missing', 'a')).toBe(0);
    expect(run('SREM', 's', 'b', 'c')).toBe(2);
    expect(db().has('s')).toBe(false);
    expect(db().bytes).toBe(0);
    expect(journal()).toEqual([
      ['SREM', 's', 'a', 'zz', 'a'],
      ['SREM', 's', 'b', 'c'],
    ]);
    expect(modified).toEqual(['s', 's']);
  });

  it('membership and cardinality, missing keys included', () => {
    run('SADD', 's', 'a', 'b');
    expect(run('SISMEMBER', 's', 'a')).toBe(1);
    expect(run('SISMEMBER', 's', 'z')).toBe(0);
    expect(run('SISMEMBER', 'missing', 'a')).toBe(0);
    expect(run('SMISMEMBER', 's', 'a', 'z', 'b')).toEqual([1, 0, 1]);
    expect(run('SMISMEMBER', 'missing', 'a', 'b')).toEqual([0, 0]);
    expect(run('SCARD', 'missing')).toBe(0);
    expect(run('SMEMBERS', 'missing')).toEqual([]);
  });

  it('an intset answers in numeric order; SMEMBERS is a RESP3 set, SMISMEMBER an array', () => {
    run('SADD', 'n', '10', '-3', '2', '9223372036854775807', '-9223372036854775808');
    expect(run('SMEMBERS', 'n')).toEqual(['-9223372036854775808', '-3', '2', '10', '9223372036854775807']);
    t.client.proto = 3;
    expect(raw('SMEMBERS', 'n').t).toBe('set');
    expect(raw('SMEMBERS', 'missing')).toEqual({ t: 'set', v: [] });
    expect(raw('SMISMEMBER', 'n', '2').t).toBe('array');
  });

  it('encodings: intset while all integers and at most 512, hashtable after, never back', () => {
    run('SADD', 'n', ...Array.from({ length: 512 }, (_, i) => String(i)));
    expect(setAt('n').encoding()).toBe('intset');
    run('SADD', 'n', '512');
    expect(setAt('n').encoding()).toBe('hashtable');
    run('SREM', 'n', '512', '511');
    expect(setAt('n').encoding()).toBe('hashtable');
    run('SADD', 'w', '1', '01');
    expect(setAt('w').encoding()).toBe('hashtable');
    run('SADD', 'x', '1', '-0');
    expect(setAt('x').encoding()).toBe('hashtable');
  });

  it('members are binary safe', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
    expect(run('SADD', 's', ...all, all.join(''), '')).toBe(258);
    expect(run('SISMEMBER', 's', all.join(''))).toBe(1);
    expect(run('SISMEMBER', 's', '\r\n')).toBe(0);
    expect(run('SISMEMBER', 's', '')).toBe(1);
    expect(sorted(run('SMEMBERS', 's'))).toEqual([...all, all.join(''), ''].sort());
  });

  it('SADD on an existing set keeps its TTL and re-measures it', () => {
    run('SADD', 's', 'a');
    const e = db().peek('s');
    if (e === undefined) throw new Error('missing');
    db().setExpire('s', e, t.clock.now() + 5000);
    const before = db().bytes;
    run('SADD', 's', 'x'.repeat(500));
    expect(db().peek('s')?.expireAt).toBe(t.clock.now() + 5000);
    expect(db().bytes - before).toBeGreaterThanOrEqual(500);
  });

  it('every command answers WRONGTYPE on another type, and writes nothing', () => {
    putString('str');
    run('HSET', 'hash', 'f', 'v');
    run('SADD', 's', 'a');
    clearJournal();
    for (const argv of [
      ['SADD', 'str', 'a'],
      ['SADD', 'hash', 'a'],
      ['SREM', 'str', 'a'],
      ['SMEMBERS', 'str'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'],
      ['SCARD', 'str'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '0'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '0'],
      ['SMOVE', 'str', 's', 'a'],
      ['SMOVE', 's', 'str', 'a'],
      ['SINTER', 's', 'str'],
      ['SINTER', 'missing', 'str'],
      ['SINTERCARD', '2', 'missing', 'str'],
      ['SINTERSTORE', 'd', 's', 'str'],
      ['SUNION', 'missing', 'str'],
      ['SUNIONSTORE', 'd', 's', 'str'],
      ['SDIFF', 'missing', 'str'],
      ['SDIFF', 's', 'str'],
      ['SDIFFSTORE', 'd', 'str', 'missing'],
      ['SSCAN', 'str', '0'],
    ]) {
      expect(run(...argv), argv.join(' ')).toBe(WRONGTYPE);
    }
    expect(journal()).toEqual([]);
    expect(run('SMEMBERS', 's')).toEqual(['a']);
    expect(db().has('d')).toBe(false);
  });
});

describe('SPOP', () => {
  it('without a count pops one random member, journaled as SREM; the last one as DEL', () => {
    run('SADD', 's', 'a', 'b', 'c');
    clearJournal();
    scriptRandom(0, 0.99);
    expect(run('SPOP', 's')).toBe('a');
    // Swap-remove put c where a was: the dense order is now c, b.
    expect(run('SPOP', 's')).toBe('b');
    expect(run('SPOP', 's')).toBe('c');
    expect(db().has('s')).toBe(false);
    expect(run('SPOP', 's')).toBeNull();
    expect(journal()).toEqual([
      ['SREM', 's', 'a'],
      ['SREM', 's', 'b'],
      ['DEL', 's'],
    ]);
    expect(modified).toEqual(['s', 's', 's']);
  });

  it('with a count below the size pops that many distinct members, journaled as one SREM', () => {
    run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    clearJournal();
    const got = run('SPOP', 's', '5') as string[];
    expect(got).toHaveLength(5);
    expect(new Set(got).size).toBe(5);
    expect(run('SCARD', 's')).toBe(15);
    for (const m of got) expect(run('SISMEMBER', 's', m)).toBe(0);
    expect(journal()).toEqual([['SREM', 's', ...got]]);
  });

  it('with a count reaching the size pops everything (in the set\'s order), journaled as DEL', () => {
    run('SADD', 's', '3', '1', '2');
    clearJournal();
    expect(run('SPOP', 's', '3')).toEqual(['1', '2', '3']);
    expect(db().has('s')).toBe(false);
    run('SADD', 't', 'x', 'y');
    expect(sorted(run('SPOP', 't', '9223372036854775807'))).toEqual(['x', 'y']);
    expect(journal()).toEqual([['DEL', 's'], ['SADD', 't', 'x', 'y'], ['DEL', 't']]);
  });

  it('count 0 and a missing key answer an empty set (RESP3 ~); nothing is journaled', () => {
    run('SADD', 's', 'a');
    clearJournal();
    expect(run('SPOP', 's', '0')).toEqual([]);
    expect(run('SPOP', 'missing', '3')).toEqual([]);
    t.client.proto = 3;
    expect(raw('SPOP', 's', '0')).toEqual({ t: 'set', v: [] });
    expect(raw('SPOP', 'missing', '2')).toEqual({ t: 'set', v: [] });
    expect(raw('SPOP', 's', '1').t).toBe('set');
    expect(raw('SPOP', 'missing').t).toBe('nullbulk');
    expect(journal()).toEqual([['DEL', 's']]);
  });

  it('errors: a count that is not a non-negative integer, extra arguments', () => {
    run('SADD', 's', 'a');
    putString('str');
    clearJournal();
    expect(run('SPOP', 's', '-1')).toBe(NOT_POSITIVE);
    expect(run('SPOP', 's', 'abc')).toBe(NOT_POSITIVE);
    expect(run('SPOP', 'str', 'abc')).toBe(NOT_POSITIVE);
    expect(run('SPOP', 'missing', '-1')).toBe(NOT_POSITIVE);
    expect(run('SPOP', 's', '1', '2')).toBe(SYNTAX);
    expect(run('SPOP', 'str', '1', '2')).toBe(SYNTAX);
    expect(journal()).toEqual([]);
  });

  it('replaying the journal reproduces the state exactly', () => {
    vi.spyOn(Math, 'random').mockImplementation(prng(9));
    run('SADD', 's', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    for (let i = 0; i < 20; i++) run('SPOP', 's', String(1 + (i % 7)));
    run('SPOP', 's');
    const replica = createTestExecutor({ families: [hashCommands, setCommands] });
    for (const argv of journal()) replica.run(...argv);
    expect(sorted(replica.run('SMEMBERS', 's'))).toEqual(sorted(run('SMEMBERS', 's')));
  });
});

describe('SRANDMEMBER', () => {
  beforeEach(() => {
    run('SADD', 's', 'a', 'b', 'c', 'd');
    putString('str');
  });

  it('without a count: a random member, nil for a missing key', () => {
    scriptRandom(0, 0.99);
    expect(run('SRANDMEMBER', 's')).toBe('a');
    expect(run('SRANDMEMBER', 's')).toBe('d');
    expect(run('SRANDMEMBER', 'missing')).toBeNull();
  });

  it('a positive count: distinct members; the whole set in order once it reaches the size', () => {
    for (let n = 0; n < 30; n++) {
      const got = run('SRANDMEMBER', 's', '3') as string[];
      expect(new Set(got).size).toBe(3);
    }
    expect(run('SRANDMEMBER', 's', '4')).toEqual(['a', 'b', 'c', 'd']);
    expect(run('SRANDMEMBER', 's', '9223372036854775807')).toEqual(['a', 'b', 'c', 'd']);
    run('SADD', 'n', '3', '1', '2');
    expect(run('SRANDMEMBER', 'n', '5')).toEqual(['1', '2', '3']);
  });

  it('a positive count on a big set picks without repeats whichever way it samples', () => {
    run('SADD', 'big', ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    for (const n of ['10', '400', '999']) {
      const got = run('SRANDMEMBER', 'big', n) as string[];
      expect(got).toHaveLength(Number(n));
      expect(new Set(got).size).toBe(Number(n));
    }
  });

  it('a negative count: |count| picks with repetition', () => {
    scriptRandom(0.9, 0.9, 0, 0.5);
    expect(run('SRANDMEMBER', 's', '-4')).toEqual(['d', 'd', 'a', 'c']);
    expect(run('SRANDMEMBER', 's', '-10')).toHaveLength(10);
  });

  it('count 0 and a missing key: an empty array; always an array, in RESP3 too', () => {
    expect(run('SRANDMEMBER', 's', '0')).toEqual([]);
    expect(run('SRANDMEMBER', 'missing', '5')).toEqual([]);
    t.client.proto = 3;
    expect(raw('SRANDMEMBER', 'missing', '5')).toEqual({ t: 'array', v: [] });
    expect(raw('SRANDMEMBER', 's', '10').t).toBe('array');
    expect(raw('SRANDMEMBER', 's', '2').t).toBe('array');
    expect(raw('SRANDMEMBER', 's', '-2').t).toBe('array');
  });

  it('errors: the count is checked before the key', () => {
    expect(run('SRANDMEMBER', 's', 'abc')).toBe(NOT_INT);
    expect(run('SRANDMEMBER', 'str', 'abc')).toBe(NOT_INT);
    expect(run('SRANDMEMBER', 's', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    expect(run('SRANDMEMBER', 's', '1', '2')).toBe(SYNTAX);
    expect(run('SRANDMEMBER', 's', String(-MAX_RANDOM_REPLY - 1))).toBe('-ERR value is out of range');
    expect(run('SRANDMEMBER', 's', '-9223372036854775807')).toBe('-ERR value is out of range');
  });

  it('is a read: nothing is journaled', () => {
    clearJournal();
    run('SRANDMEMBER', 's');
    run('SRANDMEMBER', 's', '-3');
    expect(journal()).toEqual([]);
  });
});

describe('SMOVE', () => {
  beforeEach(() => {
    run('SADD', 'src', 'a', 'b');
    run('SADD', 'dst', 'b', 'z');
    putString('str');
    clearJournal();
  });

  it('moves a member, creating the destination, deleting an emptied source', () => {
    expect(run('SMOVE', 'src', 'new', 'a')).toBe(1);
    expect(run('SMEMBERS', 'new')).toEqual(['a']);
    expect(run('SMOVE', 'src', 'dst', 'b')).toBe(1);
    expect(db().has('src')).toBe(false);
    expect(sorted(run('SMEMBERS', 'dst'))).toEqual(['b', 'z']);
    expect(journal()).toEqual([
      ['SMOVE', 'src', 'new', 'a'],
      ['SMOVE', 'src', 'dst', 'b'],
    ]);
  });

  it('answers 0 and journals nothing when the member or the source is missing', () => {
    expect(run('SMOVE', 'src', 'dst', 'nope')).toBe(0);
    expect(run('SMOVE', 'missing', 'dst', 'a')).toBe(0);
    // A missing source answers 0 before the destination's type is checked.
    expect(run('SMOVE', 'missing', 'str', 'a')).toBe(0);
    expect(journal()).toEqual([]);
  });

  it('within one key: 1 if the member is there, 0 if not, and nothing changes', () => {
    expect(run('SMOVE', 'src', 'src', 'a')).toBe(1);
    expect(run('SMOVE', 'src', 'src', 'x')).toBe(0);
    expect(sorted(run('SMEMBERS', 'src'))).toEqual(['a', 'b']);
    expect(journal()).toEqual([]);
  });

  it('WRONGTYPE for either side, before anything moves', () => {
    expect(run('SMOVE', 'src', 'str', 'a')).toBe(WRONGTYPE);
    expect(run('SMOVE', 'str', 'src', 'a')).toBe(WRONGTYPE);
    expect(sorted(run('SMEMBERS', 'src'))).toEqual(['a', 'b']);
  });

  it('the destination\'s encoding follows the moved member', () => {
    run('SADD', 'ints', '1', '2');
    run('SMOVE', 'ints', 'fresh', '1');
    expect(setAt('fresh').encoding()).toBe('intset');
    run('SMOVE', 'src', 'fresh', 'a');
    expect(setAt('fresh').encoding()).toBe('hashtable');
  });
});

describe('SINTER / SINTERCARD / SINTERSTORE', () => {
  beforeEach(() => {
    run('SADD', 'a', '1', '2', '3', '4', 'x');
    run('SADD', 'b', '2', '3', '4', '5', 'x');
    run('SADD', 'c', '4', '3', '9');
    putString('str');
    clearJournal();
  });

  it('SINTER walks the smallest set, in its order', () => {
    expect(run('SINTER', 'a', 'b', 'c')).toEqual(['3', '4']);
    expect(sorted(run('SINTER', 'a', 'b'))).toEqual(['2', '3', '4', 'x']);
    expect(run('SINTER', 'c')).toEqual(['3', '4', '9']);
    expect(run('SINTER', 'a', 'missing')).toEqual([]);
    expect(run('SINTER', 'missing')).toEqual([]);
    t.client.proto = 3;
    expect(raw('SINTER', 'a', 'b').t).toBe('set');
    expect(raw('SINTER', 'a', 'missing')).toEqual({ t: 'set', v: [] });
  });

  it('SINTERCARD counts, stops at LIMIT (0 = no limit)', () => {
    expect(run('SINTERCARD', '2', 'a', 'b')).toBe(4);
    expect(run('SINTERCARD', '3', 'a', 'b', 'c')).toBe(2);
    expect(run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '2')).toBe(2);
    expect(run('SINTERCARD', '2', 'a', 'b', 'limit', '0')).toBe(4);
    expect(run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '100')).toBe(4);
    expect(run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1', 'LIMIT', '3')).toBe(3);
    expect(run('SINTERCARD', '1', 'missing')).toBe(0);
    expect(run('SINTERCARD', '2', 'a', 'missing')).toBe(0);
  });

  it('SINTERCARD errors with Redis 7.0\'s wording, before any key is read', () => {
    expect(run('SINTERCARD', '0', 'a')).toBe('-ERR numkeys should be greater than 0');
    expect(run('SINTERCARD', '-1', 'a')).toBe('-ERR numkeys should be greater than 0');
    expect(run('SINTERCARD', 'abc', 'a')).toBe('-ERR numkeys should be greater than 0');
    expect(run('SINTERCARD', '2', 'a')).toBe("-ERR Number of keys can't be greater than number of args");
    expect(run('SINTERCARD', '1', 'a', 'LIMIT')).toBe(SYNTAX);
    expect(run('SINTERCARD', '1', 'a', 'LIMIT', '-1')).toBe("-ERR LIMIT can't be negative");
    expect(run('SINTERCARD', '1', 'a', 'LIMIT', 'abc')).toBe("-ERR LIMIT can't be negative");
    expect(run('SINTERCARD', '1', 'a', 'FOO', '2')).toBe(SYNTAX);
    expect(run('SINTERCARD', '1', 'a', 'b')).toBe(SYNTAX);
    expect(run('SINTERCARD', '1', 'str', 'LIMIT', '-1')).toBe("-ERR LIMIT can't be negative");
    expect(run('SINTERCARD', '1', 'str')).toBe(WRONGTYPE);
  });

  it('SINTERSTORE stores (TTL cleared, any old type replaced) and is journaled as given', () => {
    expect(run('SINTERSTORE', 'd', 'a', 'b', 'c')).toBe(2);
    expect(run('SMEMBERS', 'd')).toEqual(['3', '4']);
    expect(setAt('d').encoding()).toBe('intset');
    expect(run('SINTERSTORE', 'str', 'a', 'b')).toBe(4);
    expect(setAt('str').encoding()).toBe('hashtable');
    expect(journal()).toEqual([
      ['SINTERSTORE', 'd', 'a', 'b', 'c'],
      ['SINTERSTORE', 'str', 'a', 'b'],
    ]);
  });

  it('SINTERSTORE onto one of its sources', () => {
    expect(run('SINTERSTORE', 'a', 'a', 'c')).toBe(2);
    expect(run('SMEMBERS', 'a')).toEqual(['3', '4']);
  });

  it('an empty result deletes the destination, journaled as DEL only if there was one', () => {
    expect(run('SINTERSTORE', 'str', 'a', 'missing')).toBe(0);
    expect(db().has('str')).toBe(false);
    expect(run('SINTERSTORE', 'nothing', 'a', 'missing')).toBe(0);
    run('SADD', 'p', 'q');
    clearJournal();
    expect(run('SINTERSTORE', 'p', 'a', 'c', 'b', 'missing')).toBe(0);
    expect(journal()).toEqual([['DEL', 'p']]);
    expect(db().has('p')).toBe(false);
  });
});

describe('SUNION / SDIFF and their STORE forms', () => {
  beforeEach(() => {
    run('SADD', 'a', '1', '2', '3');
    run('SADD', 'b', '3', '4');
    run('SADD', 'w', 'x', 'y', '1');
    putString('str');
    clearJournal();
  });

  it('SUNION', () => {
    expect(run('SUNION', 'a', 'b')).toEqual(['1', '2', '3', '4']);
    expect(sorted(run('SUNION', 'a', 'w', 'missing'))).toEqual(['1', '2', '3', 'x', 'y']);
    expect(run('SUNION', 'missing')).toEqual([]);
    t.client.proto = 3;
    expect(raw('SUNION', 'a').t).toBe('set');
    expect(raw('SUNION', 'missing', 'missing2')).toEqual({ t: 'set', v: [] });
  });

  it('SDIFF: the first set minus the others', () => {
    expect(run('SDIFF', 'a', 'b')).toEqual(['1', '2']);
    expect(run('SDIFF', 'a', 'b', 'w')).toEqual(['2']);
    expect(run('SDIFF', 'a', 'missing')).toEqual(['1', '2', '3']);
    expect(run('SDIFF', 'missing', 'a')).toEqual([]);
    expect(run('SDIFF', 'a', 'a')).toEqual([]);
    expect(sorted(run('SDIFF', 'w', 'b'))).toEqual(['1', 'x', 'y']);
    t.client.proto = 3;
    expect(raw('SDIFF', 'a', 'b').t).toBe('set');
  });

  it('STORE forms store, replace, journal as given; result encodings follow the members', () => {
    expect(run('SUNIONSTORE', 'u', 'a', 'b')).toBe(4);
    expect(setAt('u').encoding()).toBe('intset');
    expect(run('SUNIONSTORE', 'u', 'a', 'w')).toBe(5);
    expect(setAt('u').encoding()).toBe('hashtable');
    expect(run('SDIFFSTORE', 'str', 'a', 'b')).toBe(2);
    expect(run('SMEMBERS', 'str')).toEqual(['1', '2']);
    expect(journal()).toEqual([
      ['SUNIONSTORE', 'u', 'a', 'b'],
      ['SUNIONSTORE', 'u', 'a', 'w'],
      ['SDIFFSTORE', 'str', 'a', 'b'],
    ]);
  });

  it('an empty result deletes the destination (journaled as DEL when it existed)', () => {
    expect(run('SDIFFSTORE', 'str', 'a', 'a')).toBe(0);
    expect(db().has('str')).toBe(false);
    expect(run('SUNIONSTORE', 'none', 'missing')).toBe(0);
    expect(db().has('none')).toBe(false);
    expect(run('SDIFFSTORE', 'b', 'missing', 'b')).toBe(0);
    expect(db().has('b')).toBe(false);
    expect(journal()).toEqual([
      ['DEL', 'str'],
      ['DEL', 'b'],
    ]);
  });

  it('storing clears the destination\'s TTL', () => {
    run('SADD', 'd', 'old');
    const e = db().peek('d');
    if (e === undefined) throw new Error('missing');
    db().setExpire('d', e, t.clock.now() + 1000);
    run('SUNIONSTORE', 'd', 'a');
    expect(db().peek('d')?.expireAt).toBe(0);
  });
});

describe('SSCAN', () => {
  function sscanAll(key: string, ...opts: string[]): string[] {
    const out: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const r = run('SSCAN', key, cursor, ...opts) as [string, string[]];
      cursor = r[0];
      out.push(...r[1]);
      expect(++calls).toBeLessThan(10_000);
    } while (cursor !== '0');
    return out;
  }

  it('an intset comes back whole in one call, in numeric order', () => {
    run('SADD', 'n', '30', '1', '20');
    expect(run('SSCAN', 'n', '0', 'COUNT', '1')).toEqual(['0', ['1', '20', '30']]);
    expect(run('SSCAN', 'n', '0', 'MATCH', '*0')).toEqual(['0', ['20', '30']]);
  });

  it('a hashtable is paged by COUNT (default 10) and fully covered', () => {
    const members = Array.from({ length: 500 }, (_, i) => `m:${i}`);
    run('SADD', 's', ...members);
    const first = run('SSCAN', 's', '0') as [string, string[]];
    expect(first[0]).toBe('490');
    expect(first[1]).toHaveLength(10);
    expect(sscanAll('s', 'COUNT', '17').sort()).toEqual([...members].sort());
    expect(sscanAll('s', 'MATCH', 'm:4?', 'COUNT', '50').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m:4${i}`).sort());
  });

  it('a full iteration sees every member that stays, while others come and go', () => {
    const stable = Array.from({ length: 300 }, (_, i) => `s${i}`);
    run('SADD', 's', ...stable, ...Array.from({ length: 300 }, (_, i) => `c${i}`));
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const r = run('SSCAN', 's', cursor, 'COUNT', '7') as [string, string[]];
      cursor = r[0];
      for (const m of r[1]) seen.add(m);
      run('SREM', 's', `c${round % 300}`, `c${(round * 7) % 300}`);
      run('SADD', 's', `new${round}`);
      round++;
    } while (cursor !== '0');
    for (const m of stable) expect(seen.has(m), m).toBe(true);
  });

  it('errors and the missing key, in Redis\'s order', () => {
    run('SADD', 's', 'a');
    putString('str');
    expect(run('SSCAN', 'missing', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(run('SSCAN', 'missing', 'x')).toBe('-ERR invalid cursor');
    expect(run('SSCAN', 'str', 'x')).toBe('-ERR invalid cursor');
    expect(run('SSCAN', 'str', '0', 'COUNT', '0')).toBe(WRONGTYPE);
    expect(run('SSCAN', 's', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(run('SSCAN', 's', '0', 'COUNT', 'x')).toBe(NOT_INT);
    expect(run('SSCAN', 's', '0', 'MATCH')).toBe(SYNTAX);
    expect(run('SSCAN', 's', '0', 'TYPE', 'set')).toBe(SYNTAX);
    expect(run('SSCAN', 's', '-1')).toEqual(['0', ['a']]);
  });
});
