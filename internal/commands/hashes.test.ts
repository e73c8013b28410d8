// Unit tests for the hashes family through a real Executor: every command, option and error path, RESP3 shapes, journal rewrites, keyspace notifications.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import type { Reply } from '../resp/reply.js';
import { HashValue } from '../store/hash.js';
import { CommandRegistry } from './registry.js';
import { hashCommands, MAX_RANDOM_REPLY } from './hashes.js';
import { setCommands } from './sets.js';
import { keyIndexes } from './spec.js';
import { prng } from '../testing/random.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';
const NOT_FLOAT = '-ERR value is not a valid float';
const SYNTAX = '-ERR syntax error';

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
const hashAt = (key: string): HashValue => {
  const v = db().peek(key)?.value;
  if (!(v instanceof HashValue)) throw new Error(`${key} is not a hash`);
  return v;
};
/** Scripts Math.random with the given values, in order (then repeats the last). */
function scriptRandom(...values: number[]): void {
  let i = 0;
  vi.spyOn(Math, 'random').mockImplementation(() => values[Math.min(i++, values.length - 1)] as number);
}
function resp3(): void {
  t.client.proto = 3;
}
const raw = (...argv: string[]): Reply => t.exec(...argv);
/** HGETALL as the flat field/value list RESP2 sends (the map reply, in order). */
function hgetall(key: string): Plain {
  const r = raw('HGETALL', key);
  if (r.t !== 'map') return r.t === 'error' ? `-${r.v}` : `unexpected ${r.t}`;
  return r.v.flatMap(([f, v]) => [f.t === 'bulk' ? f.v : '?', v.t === 'bulk' ? v.v : '?']);
}

describe('command table entries match Redis 7.0 COMMAND INFO', () => {
  it.each([
    ['hset', -4, 'write,denyoom,fast', 1, 1, 1],
    ['hsetnx', 4, 'write,denyoom,fast', 1, 1, 1],
    ['hget', 3, 'readonly,fast', 1, 1, 1],
    ['hmset', -4, 'write,denyoom,fast', 1, 1, 1],
    ['hmget', -3, 'readonly,fast', 1, 1, 1],
    ['hgetall', 2, 'readonly', 1, 1, 1],
    ['hdel', -3, 'write,fast', 1, 1, 1],
    ['hexists', 3, 'readonly,fast', 1, 1, 1],
    ['hlen', 2, 'readonly,fast', 1, 1, 1],
    ['hkeys', 2, 'readonly', 1, 1, 1],
    ['hvals', 2, 'readonly', 1, 1, 1],
    ['hstrlen', 3, 'readonly,fast', 1, 1, 1],
    ['hincrby', 4, 'write,denyoom,fast', 1, 1, 1],
    ['hincrbyfloat', 4, 'write,denyoom,fast', 1, 1, 1],
    ['hrandfield', -2, 'readonly', 1, 1, 1],
    ['hscan', -3, 'readonly', 1, 1, 1],
  ] as const)('%s', (name, arity, flags, first, last, step) => {
    const spec = new CommandRegistry([hashCommands]).get(name);
    expect(spec).toBeDefined();
    if (!spec) return;
    expect([spec.arity, spec.flags.join(','), spec.firstKey, spec.lastKey, spec.step, spec.group]).toEqual([arity, flags, first, last, step, 'hash']);
    expect(keyIndexes(spec, [name, 'k', 'a', 'b', 'c'])).toEqual([1]);
  });

  it('arity is enforced by dispatch with Redis wording', () => {
    expect(run('HSET', 'h', 'f')).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(run('HGET', 'h')).toBe("-ERR wrong number of arguments for 'hget' command");
    expect(run('HSCAN', 'h')).toBe("-ERR wrong number of arguments for 'hscan' command");
  });
});

describe('HSET / HMSET / HSETNX', () => {
  it('HSET creates, counts only new fields, overwrites, and is journaled as given', () => {
    expect(run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(run('HSET', 'h', 'a', '10', 'c', '3')).toBe(1);
    expect(run('HSET', 'h', 'a', '10')).toBe(0);
    expect(hgetall('h')).toEqual(['a', '10', 'b', '2', 'c', '3']);
    expect(journal()).toEqual([
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HSET', 'h', 'a', '10', 'c', '3'],
      ['HSET', 'h', 'a', '10'],
    ]);
    expect(modified).toEqual(['h', 'h', 'h']);
  });

  it('a repeated field in one HSET counts once and the last value wins', () => {
    expect(run('HSET', 'h', 'a', '1', 'a', '2')).toBe(1);
    expect(run('HGET', 'h', 'a')).toBe('2');
  });

  it('an odd number of field/value arguments is an arity error before the key is looked at', () => {
    putString('str');
    expect(run('HSET', 'str', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hset' command");
    expect(run('HMSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hmset' command");
    expect(db().has('h')).toBe(false);
    expect(journal()).toEqual([]);
  });

  it('HMSET answers OK', () => {
    expect(run('HMSET', 'h', 'a', '1', 'b', '2')).toBe('+OK');
    expect(run('HMGET', 'h', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(journal()).toEqual([['HMSET', 'h', 'a', '1', 'b', '2']]);
  });

  it('HSETNX sets only a missing field, journaled only when it did', () => {
    expect(run('HSETNX', 'h', 'a', '1')).toBe(1);
    expect(run('HSETNX', 'h', 'a', '2')).toBe(0);
    expect(run('HSETNX', 'h', 'b', '3')).toBe(1);
    expect(hgetall('h')).toEqual(['a', '1', 'b', '3']);
    expect(journal()).toEqual([
      ['HSETNX', 'h', 'a', '1'],
      ['HSETNX', 'h', 'b', '3'],
    ]);
    expect(modified).toEqual(['h', 'h']);
  });

  it('writes against other types are WRONGTYPE and change nothing', () => {
    putString('str');
    clearJournal();
    for (const argv of [
      ['HSET', 'str', 'a', '1'],
      ['HMSET', 'str', 'a', '1'],
      ['HSETNX', 'str', 'a', '1'],
      ['HDEL', 'str', 'a'],
      ['HINCRBY', 'str', 'a', '1'],
      ['HINCRBYFLOAT', 'str', 'a', '1'],
    ]) {
      expect(run(...argv)).toBe(WRONGTYPE);
    }
    run('SADD', 'set', 'm');
    clearJournal();
    expect(run('HSET', 'set', 'a', '1')).toBe(WRONGTYPE);
    expect(db().peek('str')?.value).toBe('x');
    expect(journal()).toEqual([]);
  });

  it('keeps the TTL of an existing hash and re-measures its memory', () => {
    run('HSET', 'h', 'a', '1');
    const e = db().peek('h');
    if (e === undefined) throw new Error('missing');
    db().setExpire('h', e, t.clock.now() + 10_000);
    const before = db().bytes;
    run('HSET', 'h', 'b', 'x'.repeat(1000));
    expect(db().peek('h')?.expireAt).toBe(t.clock.now() + 10_000);
    expect(db().bytes - before).toBeGreaterThanOrEqual(1001);
    run('HDEL', 'h', 'b');
    expect(db().bytes).toBe(before);
  });

  it('an expired hash is gone: HSET starts a new one without a TTL', () => {
    run('HSET', 'h', 'a', '1');
    const e = db().peek('h');
    if (e === undefined) throw new Error('missing');
    db().setExpire('h', e, t.clock.now() + 100);
    t.clock.advance(200);
    clearJournal();
    expect(run('HSET', 'h', 'b', '2')).toBe(1);
    expect(hgetall('h')).toEqual(['b', '2']);
    expect(db().peek('h')?.expireAt).toBe(0);
    // The lazy expiry is journaled as DEL before the write.
    expect(journal()).toEqual([
      ['DEL', 'h'],
      ['HSET', 'h', 'b', '2'],
    ]);
  });

  it('fields and values are binary safe', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    expect(run('HSET', 'h', all, all + all, '', '')).toBe(2);
    expect(run('HGET', 'h', all)).toBe(all + all);
    expect(run('HSTRLEN', 'h', all)).toBe(512);
    expect(run('HGET', 'h', '')).toBe('');
    expect(run('HEXISTS', 'h', '')).toBe(1);
  });
});

describe('encodings', () => {
  it('listpack while small, hashtable past 512 fields or a 64-byte field/value, never back', () => {
    run('HSET', 'h', 'a', 'v'.repeat(64));
    expect(hashAt('h').encoding()).toBe('listpack');
    run('HSET', 'h', 'b', 'v'.repeat(65));
    expect(hashAt('h').encoding()).toBe('hashtable');
    run('HDEL', 'h', 'b');
    expect(hashAt('h').encoding()).toBe('hashtable');
    const args: string[] = [];
    for (let i = 0; i < 512; i++) args.push(`f${i}`, 'v');
    run('HSET', 'big', ...args);
    expect(hashAt('big').encoding()).toBe('listpack');
    run('HSET', 'big', 'f512', 'v');
    expect(hashAt('big').encoding()).toBe('hashtable');
  });

  it('HINCRBY / HINCRBYFLOAT / HSETNX apply the same length rule', () => {
    run('HINCRBY', 'a', 'f'.repeat(65), '1');
    run('HINCRBYFLOAT', 'b', 'f', '1e70');
    run('HSETNX', 'c', 'f'.repeat(65), '1');
    for (const k of ['a', 'b', 'c']) expect(hashAt(k).encoding()).toBe('hashtable');
  });
});

describe('readers', () => {
  beforeEach(() => {
    run('HSET', 'h', 'b', '2', 'a', '1', 'c', 'three');
    putString('str');
    clearJournal();
  });

  it('HGET / HMGET / HEXISTS / HLEN / HSTRLEN', () => {
    expect(run('HGET', 'h', 'a')).toBe('1');
    expect(run('HGET', 'h', 'zz')).toBeNull();
    expect(run('HGET', 'missing', 'a')).toBeNull();
    expect(run('HMGET', 'h', 'a', 'zz', 'c')).toEqual(['1', null, 'three']);
    expect(run('HMGET', 'missing', 'a', 'b')).toEqual([null, null]);
    expect(run('HEXISTS', 'h', 'a')).toBe(1);
    expect(run('HEXISTS', 'h', 'zz')).toBe(0);
    expect(run('HEXISTS', 'missing', 'a')).toBe(0);
    expect(run('HLEN', 'h')).toBe(3);
    expect(run('HLEN', 'missing')).toBe(0);
    expect(run('HSTRLEN', 'h', 'c')).toBe(5);
    expect(run('HSTRLEN', 'h', 'zz')).toBe(0);
    expect(run('HSTRLEN', 'missing', 'c')).toBe(0);
    expect(journal()).toEqual([]);
  });

  it('HGETALL / HKEYS / HVALS answer in insertion order (a listpack\'s), empty for a missing key', () => {
    run('HDEL', 'h', 'b');
    run('HSET', 'h', 'b', 'again', 'a', 'one');
    expect(hgetall('h')).toEqual(['a', 'one', 'c', 'three', 'b', 'again']);
    expect(run('HKEYS', 'h')).toEqual(['a', 'c', 'b']);
    expect(run('HVALS', 'h')).toEqual(['one', 'three', 'again']);
    expect(hgetall('missing')).toEqual([]);
    expect(run('HKEYS', 'missing')).toEqual([]);
    expect(run('HVALS', 'missing')).toEqual([]);
  });

  it('HGETALL is a map in RESP3 (and when empty); HKEYS/HVALS/HMGET are arrays', () => {
    resp3();
    expect(raw('HGETALL', 'h').t).toBe('map');
    expect(run('HGETALL', 'h')).toEqual({ b: '2', a: '1', c: 'three' });
    expect(raw('HGETALL', 'missing')).toEqual({ t: 'map', v: [] });
    expect(raw('HKEYS', 'h').t).toBe('array');
    expect(raw('HVALS', 'h').t).toBe('array');
    expect(raw('HMGET', 'h', 'a').t).toBe('array');
  });

  it('every reader answers WRONGTYPE on another type', () => {
    for (const argv of [
      ['HGET', 'str', 'a'],
      ['HMGET', 'str', 'a'],
      ['HGETALL', 'str'],
      ['HKEYS', 'str'],
      ['HVALS', 'str'],
      ['HLEN', 'str'],
      ['HSTRLEN', 'str', 'a'],
      ['HEXISTS', 'str', 'a'],
      ['HRANDFIELD', 'str'],
      ['HRANDFIELD', 'str', '1'],
      ['HRANDFIELD', 'str', '0'],
      ['HSCAN', 'str', '0'],
    ]) {
      expect(run(...argv), argv.join(' ')).toBe(WRONGTYPE);
    }
  });

  it('reads count keyspace hits and misses', () => {
    const { hits, misses } = t.store.stats;
    run('HGET', 'h', 'a');
    run('HGET', 'missing', 'a');
    run('HSCAN', 'h', '0');
    expect(t.store.stats.hits - hits).toBe(2);
    expect(t.store.stats.misses - misses).toBe(1);
  });
});

describe('HDEL', () => {
  it('counts removed fields, journals only when something went, deletes the emptied key', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    clearJournal();
    expect(run('HDEL', 'h', 'a', 'zz', 'a')).toBe(1);
    expect(run('HDEL', 'h', 'zz')).toBe(0);
    expect(run('HDEL', 'missing', 'a')).toBe(0);
    expect(journal()).toEqual([['HDEL', 'h', 'a', 'zz', 'a']]);
    expect(modified).toEqual(['h']);
    expect(run('HDEL', 'h', 'b', 'c')).toBe(2);
    expect(db().has('h')).toBe(false);
    expect(db().size).toBe(0);
    expect(db().bytes).toBe(0);
    expect(journal()).toEqual([
      ['HDEL', 'h', 'a', 'zz', 'a'],
      ['HDEL', 'h', 'b', 'c'],
    ]);
  });
});

describe('HINCRBY', () => {
  it('creates, adds, and is journaled as given', () => {
    expect(run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(run('HINCRBY', 'h', 'n', '-7')).toBe(-2);
    expect(run('HGET', 'h', 'n')).toBe('-2');
    expect(journal()).toEqual([
      ['HINCRBY', 'h', 'n', '5'],
      ['HINCRBY', 'h', 'n', '-7'],
    ]);
  });

  it('is exact over the whole int64 range and refuses overflow', () => {
    run('HSET', 'h', 'n', '9223372036854775806', 'm', '-9223372036854775807');
    expect(run('HINCRBY', 'h', 'n', '1')).toBe(9223372036854775807n);
    expect(run('HINCRBY', 'h', 'n', '1')).toBe('-ERR increment or decrement would overflow');
    expect(run('HINCRBY', 'h', 'm', '-1')).toBe(-9223372036854775808n);
    expect(run('HINCRBY', 'h', 'm', '-1')).toBe('-ERR increment or decrement would overflow');
    expect(run('HINCRBY', 'h', 'm', '9223372036854775807')).toBe(-1);
    run('HSET', 'h', 's', '9007199254740992');
    expect(run('HINCRBY', 'h', 's', '1')).toBe(9007199254740993n);
    expect(run('HGET', 'h', 's')).toBe('9007199254740993');
  });

  it('errors: bad increment, non-integer field value', () => {
    run('HSET', 'h', 'w', 'abc', 'z', '007', 'sp', ' 1', 'f', '1.5');
    clearJournal();
    expect(run('HINCRBY', 'h', 'n', 'x')).toBe(NOT_INT);
    expect(run('HINCRBY', 'h', 'n', '1.5')).toBe(NOT_INT);
    expect(run('HINCRBY', 'h', 'n', '9223372036854775808')).toBe(NOT_INT);
    expect(run('HINCRBY', 'new', 'n', 'x')).toBe(NOT_INT);
    expect(db().has('new')).toBe(false);
    for (const f of ['w', 'z', 'sp', 'f']) expect(run('HINCRBY', 'h', f, '1')).toBe('-ERR hash value is not an integer');
    expect(journal()).toEqual([]);
  });
});

describe('HINCRBYFLOAT', () => {
  it('adds in long double and formats like Redis, journaled as HSET of the result', () => {
    expect(run('HINCRBYFLOAT', 'h', 'f', '10.5')).toBe('10.5');
    expect(run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('10.6');
    run('HSET', 'h', 'g', '1');
    expect(run('HINCRBYFLOAT', 'h', 'g', '-1.1')).toBe('-0.1');
    run('HSET', 'h', 'e', '5.0e3');
    expect(run('HINCRBYFLOAT', 'h', 'e', '2.0e2')).toBe('5200');
    expect(run('HINCRBYFLOAT', 'h', 'e', '0x10')).toBe('5216');
    expect(run('HINCRBYFLOAT', 'h', 'z', '007')).toBe('7');
    expect(run('HINCRBYFLOAT', 'h', 'big', '1e70')).toBe('10000000000000000000222479489586148259025995410601157579323600873193472');
    expect(run('HGET', 'h', 'g')).toBe('-0.1');
    expect(journal()).toEqual([
      ['HSET', 'h', 'f', '10.5'],
      ['HSET', 'h', 'f', '10.6'],
      ['HSET', 'h', 'g', '1'],
      ['HSET', 'h', 'g', '-0.1'],
      ['HSET', 'h', 'e', '5.0e3'],
      ['HSET', 'h', 'e', '5200'],
      ['HSET', 'h', 'e', '5216'],
      ['HSET', 'h', 'z', '7'],
      ['HSET', 'h', 'big', '10000000000000000000222479489586148259025995410601157579323600873193472'],
    ]);
  });

  it('errors, in Redis\'s order and wording; nothing is created or journaled', () => {
    expect(run('HINCRBYFLOAT', 'new', 'f', 'abc')).toBe(NOT_FLOAT);
    expect(run('HINCRBYFLOAT', 'new', 'f', 'nan')).toBe(NOT_FLOAT);
    expect(run('HINCRBYFLOAT', 'new', 'f', ' 1')).toBe(NOT_FLOAT);
    expect(run('HINCRBYFLOAT', 'new', 'f', 'inf')).toBe('-ERR value is NaN or Infinity');
    expect(run('HINCRBYFLOAT', 'new', 'f', '-Infinity')).toBe('-ERR value is NaN or Infinity');
    expect(db().has('new')).toBe(false);
    run('HSET', 'h', 'inf', 'inf', 'w', 'abc', 'max', '1e4932');
    clearJournal();
    expect(run('HINCRBYFLOAT', 'h', 'inf', '1')).toBe('-ERR increment would produce NaN or Infinity');
    expect(run('HINCRBYFLOAT', 'h', 'w', '1')).toBe('-ERR hash value is not a float');
    expect(run('HINCRBYFLOAT', 'h', 'max', '1e4932')).toBe('-ERR increment would produce NaN or Infinity');
    expect(run('HGET', 'h', 'max')).toBe('1e4932');
    expect(journal()).toEqual([]);
  });
});

describe('HRANDFIELD', () => {
  beforeEach(() => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    putString('str');
  });

  it('without a count: one random field, nil for a missing key', () => {
    scriptRandom(0, 0.99, 0.5);
    expect(run('HRANDFIELD', 'h')).toBe('a');
    expect(run('HRANDFIELD', 'h')).toBe('d');
    expect(run('HRANDFIELD', 'h')).toBe('c');
    expect(run('HRANDFIELD', 'missing')).toBeNull();
    resp3();
    expect(raw('HRANDFIELD', 'missing').t).toBe('nullbulk');
  });

  it('count 0 and a missing key answer an empty array', () => {
    expect(run('HRANDFIELD', 'h', '0')).toEqual([]);
    expect(run('HRANDFIELD', 'h', '0', 'WITHVALUES')).toEqual([]);
    expect(run('HRANDFIELD', 'missing', '3')).toEqual([]);
    expect(run('HRANDFIELD', 'missing', '-3', 'withvalues')).toEqual([]);
  });

  it('a positive count below the size gives distinct fields', () => {
    for (let n = 0; n < 50; n++) {
      const got = run('HRANDFIELD', 'h', '3') as string[];
      expect(got).toHaveLength(3);
      expect(new Set(got).size).toBe(3);
      for (const f of got) expect(['a', 'b', 'c', 'd']).toContain(f);
    }
    const one = run('HRANDFIELD', 'h', '1') as string[];
    expect(one).toHaveLength(1);
  });

  it('a positive count reaching the size gives the whole hash in its order', () => {
    expect(run('HRANDFIELD', 'h', '4')).toEqual(['a', 'b', 'c', 'd']);
    expect(run('HRANDFIELD', 'h', '9223372036854775807')).toEqual(['a', 'b', 'c', 'd']);
    expect(run('HRANDFIELD', 'h', '100', 'WITHVALUES')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '4']);
  });

  it('a negative count samples with repetition, |count| times', () => {
    scriptRandom(0.1, 0.1, 0.9, 0.3);
    expect(run('HRANDFIELD', 'h', '-4')).toEqual(['a', 'a', 'd', 'b']);
    const many = run('HRANDFIELD', 'h', '-1000') as string[];
    expect(many).toHaveLength(1000);
  });

  it('covers every field over many draws', () => {
    vi.spyOn(Math, 'random').mockImplementation(prng(3));
    const seen = new Set<string>();
    for (let n = 0; n < 100; n++) seen.add(run('HRANDFIELD', 'h') as string);
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('WITHVALUES: a flat array in RESP2, [field, value] pairs in RESP3 (count 1 too)', () => {
    scriptRandom(0.3, 0.6);
    expect(run('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toEqual(['b', '2', 'c', '3']);
    resp3();
    scriptRandom(0.3, 0.6);
    expect(run('HRANDFIELD', 'h', '-2', 'withvalues')).toEqual([
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(run('HRANDFIELD', 'h', '10', 'withvalues')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
    ]);
    const one = raw('HRANDFIELD', 'h', '1', 'WITHVALUES');
    expect(one.t).toBe('array');
    expect(run('HRANDFIELD', 'h', '1', 'WITHVALUES')).toEqual([[expect.any(String), expect.any(String)]]);
    const pairs = run('HRANDFIELD', 'h', '3', 'WITHVALUES') as string[][];
    for (const [f, v] of pairs) expect(run('HGET', 'h', f as string)).toBe(v);
  });

  it('errors: the count and options are checked before the key', () => {
    expect(run('HRANDFIELD', 'h', 'abc')).toBe(NOT_INT);
    expect(run('HRANDFIELD', 'str', 'abc')).toBe(NOT_INT);
    expect(run('HRANDFIELD', 'h', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    expect(run('HRANDFIELD', 'h', '1', 'WITHVALUESX')).toBe(SYNTAX);
    expect(run('HRANDFIELD', 'str', '1', 'x')).toBe(SYNTAX);
    expect(run('HRANDFIELD', 'h', '1', 'WITHVALUES', 'x')).toBe(SYNTAX);
    expect(run('HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES')).toBe('-ERR value is out of range');
    expect(run('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES')).toBe('-ERR value is out of range');
    expect(run('HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES')).toHaveLength(8);
    expect(run('HRANDFIELD', 'missing', '-4611686018427387903', 'WITHVALUES')).toEqual([]);
  });

  it('refuses a negative count whose reply would exhaust memory', () => {
    expect(run('HRANDFIELD', 'h', String(-MAX_RANDOM_REPLY - 1))).toBe('-ERR value is out of range');
    expect(run('HRANDFIELD', 'h', '-9223372036854775807')).toBe('-ERR value is out of range');
  });

  it('is a read: nothing is journaled', () => {
    clearJournal();
    run('HRANDFIELD', 'h');
    run('HRANDFIELD', 'h', '-5', 'WITHVALUES');
    expect(journal()).toEqual([]);
  });
});

describe('HSCAN', () => {
  /** Every field/value of a full HSCAN iteration. */
  function hscanAll(key: string, ...opts: string[]): Map<string, string> {
    const out = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const r = run('HSCAN', key, cursor, ...opts) as [string, string[]];
      cursor = r[0];
      for (let i = 0; i < r[1].length; i += 2) out.set(r[1][i] as string, r[1][i + 1] as string);
      expect(++calls).toBeLessThan(10_000);
    } while (cursor !== '0');
    return out;
  }

  it('a small (listpack) hash comes back whole in one call, in order, whatever COUNT says', () => {
    run('HSET', 'h', 'b', '1', 'a', '2', 'key:3', '3');
    expect(run('HSCAN', 'h', '0', 'COUNT', '1')).toEqual(['0', ['b', '1', 'a', '2', 'key:3', '3']]);
    expect(run('HSCAN', 'h', '0', 'MATCH', 'key:*')).toEqual(['0', ['key:3', '3']]);
    expect(run('HSCAN', 'h', '12345')).toEqual(['0', ['b', '1', 'a', '2', 'key:3', '3']]);
    expect(run('HSCAN', 'h', '-1', 'match', '[ab]', 'count', '5', 'MATCH', 'b')).toEqual(['0', ['b', '1']]);
  });

  it('a large (hashtable) hash is paged by COUNT and fully covered', () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`field:${i}`, `v${i}`);
    run('HSET', 'h', ...args);
    const first = run('HSCAN', 'h', '0') as [string, string[]];
    expect(first[0]).not.toBe('0');
    expect(first[1]).toHaveLength(20);
    const all = hscanAll('h', 'COUNT', '33');
    expect(all.size).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(all.get(`field:${i}`)).toBe(`v${i}`);
    const matched = hscanAll('h', 'MATCH', 'field:1??', 'COUNT', '100');
    expect([...matched.keys()].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `field:${100 + i}`).sort());
  });

  it('a missing key is an empty page, options unchecked; the cursor is checked first', () => {
    expect(run('HSCAN', 'missing', '0')).toEqual(['0', []]);
    expect(run('HSCAN', 'missing', '0', 'COUNT', '0')).toEqual(['0', []]);
    expect(run('HSCAN', 'missing', 'abc')).toBe('-ERR invalid cursor');
    putString('str');
    expect(run('HSCAN', 'str', 'abc')).toBe('-ERR invalid cursor');
    expect(run('HSCAN', 'str', '0', 'COUNT', '0')).toBe(WRONGTYPE);
  });

  it('option errors with Redis\'s wording', () => {
    run('HSET', 'h', 'a', '1');
    expect(run('HSCAN', 'h', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'COUNT', '-1')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'COUNT', 'abc')).toBe(NOT_INT);
    expect(run('HSCAN', 'h', '0', 'COUNT')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'MATCH')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'TYPE', 'string')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'NOVALUES')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '0', 'FOO', '1', 'COUNT', 'abc')).toBe(SYNTAX);
    expect(run('HSCAN', 'h', '-1')).toEqual(['0', ['a', '1']]);
    expect(run('HSCAN', 'h', '18446744073709551616')).toBe('-ERR invalid cursor');
  });
});
