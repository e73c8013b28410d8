// Unit tests for the streams family: every command, option and error path, reply shapes, journal forms, notifications and blocking, via a real Executor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, plain, type Plain, T0, type TestExecutor } from '../testing/exec.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import { StreamValue } from '../store/stream.js';
import { keyspaceCommands } from './keyspace.js';
import { pubsubCommands } from './pubsub.js';
import { keyIndexes } from './spec.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';
const SYNTAX = '-ERR syntax error';
const INVALID_ID = '-ERR Invalid stream ID specified as stream command argument';
const TOO_SMALL = '-ERR The ID specified in XADD is equal or smaller than the target stream top item';
const FAMILIES = [streamCommands, keyspaceCommands, stringCommands, transactionCommands, pubsubCommands];

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: FAMILIES, config: { notify_keyspace_events: 'KEA' } });
});

const run = (...argv: string[]): Plain => t.run(...argv);
/** Journaled writes since the last call, as argv arrays. */
function journaled(): string[][] {
  const out = t.journal.map((j) => j.argv);
  t.journal.length = 0;
  return out;
}
function streamOf(key: string): StreamValue | undefined {
  const v = t.store.db(0).peek(key)?.value;
  return v instanceof StreamValue ? v : undefined;
}
/** Node layout of a stored stream (radix-tree keys). */
const nodesOf = (key: string): number | undefined => streamOf(key)?.nodeCount;
/** Raw reply (null shapes and map/array kinds matter). */
function rawAs(c: Client, ...argv: string[]): Reply {
  const r = t.executor.execute(c, argv);
  if (r instanceof Promise) throw new Error('unexpectedly asynchronous');
  return r;
}
/** Starts a possibly blocking command for `c`; the promise settles when it is answered. */
function block(c: Client, ...argv: string[]): Promise<Reply> {
  return Promise.resolve(t.executor.execute(c, argv));
}
async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return !done;
}
/** Adds entries `<i>-1 f v<i>` for i in [from, to]. */
function fill(key: string, from: number, to: number): void {
  for (let i = from; i <= to; i++) run('XADD', key, `${i}-1`, 'f', `v${i}`);
}
/** A RESP3 twin of the default client. */
function resp3(): Client {
  const c = t.newClient();
  c.proto = 3;
  return c;
}
/** A map reply (XINFO) as an object. */
function obj(p: Plain): { [k: string]: Plain } {
  if (Array.isArray(p)) {
    const o: { [k: string]: Plain } = {};
    for (let i = 0; i < p.length; i += 2) o[String(p[i])] = p[i + 1] as Plain;
    return o;
  }
  return p as { [k: string]: Plain };
}

/** Keyspace events delivered to a PSUBSCRIBE __keyevent@0__:* client: [event, key]. */
function events(sub: Client): [string, string][] {
  return t.takePushes(sub).map((p) => {
    const [, , channel, key] = p as string[];
    return [(channel as string).slice('__keyevent@0__:'.length), key as string];
  });
}
function subscriber(): Client {
  const sub = t.newClient();
  t.runAs(sub, 'PSUBSCRIBE', '__keyevent@0__:*');
  t.takePushes(sub);
  return sub;
}

describe('command table', () => {
  const spec = (n: string) => streamCommands.find((s) => s.name === n);
  const subSpec = (c: string, n: string) => spec(c)?.subcommands?.find((s) => s.name === `${c}|${n}`);

  it('has Redis 7 arity, flags and key positions (COMMAND INFO of redis-server 7.0)', () => {
    const rows: [string, number, string[], number, number, number][] = [
      ['xadd', -5, ['write', 'denyoom', 'fast'], 1, 1, 1],
      ['xrange', -4, ['readonly'], 1, 1, 1],
      ['xrevrange', -4, ['readonly'], 1, 1, 1],
      ['xlen', 2, ['readonly', 'fast'], 1, 1, 1],
      ['xdel', -3, ['write', 'fast'], 1, 1, 1],
      ['xtrim', -4, ['write'], 1, 1, 1],
      ['xsetid', -3, ['write', 'denyoom', 'fast'], 1, 1, 1],
      ['xread', -4, ['readonly', 'blocking', 'movablekeys'], 0, 0, 0],
      ['xreadgroup', -7, ['write', 'blocking', 'movablekeys'], 0, 0, 0],
      ['xack', -4, ['write', 'fast'], 1, 1, 1],
      ['xpending', -3, ['readonly'], 1, 1, 1],
      ['xclaim', -6, ['write', 'fast'], 1, 1, 1],
      ['xautoclaim', -6, ['write', 'fast'], 1, 1, 1],
      ['xgroup', -2, [], 0, 0, 0],
      ['xinfo', -2, [], 0, 0, 0],
    ];
    for (const [name, arity, flags, firstKey, lastKey, step] of rows) {
      expect(spec(name), name).toMatchObject({ arity, flags, firstKey, lastKey, step, group: 'stream' });
    }
    expect(streamCommands).toHaveLength(rows.length);
    const subs: [string, string, number, string[], number][] = [
      ['xgroup', 'create', -5, ['write', 'denyoom'], 2],
      ['xgroup', 'setid', -5, ['write'], 2],
      ['xgroup', 'destroy', 4, ['write'], 2],
      ['xgroup', 'createconsumer', 5, ['write', 'denyoom'], 2],
      ['xgroup', 'delconsumer', 5, ['write'], 2],
      ['xgroup', 'help', 2, ['loading', 'stale'], 0],
      ['xinfo', 'stream', -3, ['readonly'], 2],
      ['xinfo', 'groups', 3, ['readonly'], 2],
      ['xinfo', 'consumers', 4, ['readonly'], 2],
      ['xinfo', 'help', 2, ['loading', 'stale'], 0],
    ];
    for (const [c, n, arity, flags, firstKey] of subs) expect(subSpec(c, n), `${c}|${n}`).toMatchObject({ arity, flags, firstKey });
  });

  it('finds XREAD / XREADGROUP keys after STREAMS, like xreadGetKeys', () => {
    const keys = (...argv: string[]): number[] => keyIndexes(spec(argv[0] as string) as NonNullable<ReturnType<typeof spec>>, argv);
    expect(keys('xread', 'STREAMS', 'a', 'b', '0', '0')).toEqual([2, 3]);
    expect(keys('xread', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'a', '$')).toEqual([6]);
    expect(keys('xreadgroup', 'GROUP', 'streams', 'c', 'NOACK', 'STREAMS', 'streams', '>')).toEqual([6]);
    expect(keys('xread', 'STREAMS', 'a', 'b', '0')).toEqual([]);
    expect(keys('xread', 'FOO', 'STREAMS', 'a', '0')).toEqual([]);
    expect(keys('xread', 'COUNT', '1')).toEqual([]);
  });
});

describe('XADD', () => {
  it('explicit IDs, ms-only (sequence 0), ms-* and their ordering errors', () => {
    expect(run('XADD', 's', '0-*', 'f', 'v')).toBe('0-1');
    expect(run('XADD', 's', '007-1', 'f', 'v')).toBe('7-1');
    expect(run('XADD', 's', ' 8-+1', 'f', 'v')).toBe('8-1');
    expect(run('XADD', 's', '9', 'f', 'v')).toBe('9-0');
    expect(run('XADD', 's', '9-*', 'f', 'v')).toBe('9-1');
    expect(run('XADD', 's', '9-*', 'f', 'v')).toBe('9-2');
    expect(run('XADD', 's', '10-*', 'f', 'v')).toBe('10-0');
    expect(run('XADD', 's', '5-*', 'f', 'v')).toBe(TOO_SMALL);
    expect(run('XADD', 's', '10-0', 'f', 'v')).toBe(TOO_SMALL);
    // strtoull quirks of string2ull: a minus in the sequence wraps modulo 2^64.
    expect(run('XADD', 's', '11--01', 'f', 'v')).toBe('11-18446744073709551615');
    expect(run('XADD', 's', '11-*', 'f', 'v')).toBe(TOO_SMALL);
    expect(run('XLEN', 's')).toBe(8);
  });

  it('rejects malformed and minimal IDs', () => {
    for (const id of ['foo', '-', '+', '10-1-1', '10-', '-10', '8--', '1-x', 'x-1', '18446744073709551616-1', 'a'.repeat(128)]) {
      expect(run('XADD', 's', id, 'f', 'v'), id).toBe(INVALID_ID);
    }
    expect(run('XADD', 's', '0-0', 'f', 'v')).toBe('-ERR The ID specified in XADD must be greater than 0-0');
    expect(run('XADD', 's', '0', 'f', 'v')).toBe('-ERR The ID specified in XADD must be greater than 0-0');
    expect(t.store.db(0).has('s')).toBe(false);
  });

  it('64-bit IDs up to the last possible one, then exhaustion', () => {
    expect(run('XADD', 's', '18446744073709551615-18446744073709551614', 'f', 'v')).toBe('18446744073709551615-18446744073709551614');
    expect(run('XADD', 's', '18446744073709551615-*', 'f', 'v')).toBe('18446744073709551615-18446744073709551615');
    const exhausted = '-ERR The stream has exhausted the last possible ID, unable to add more items';
    expect(run('XADD', 's', '*', 'f', 'v')).toBe(exhausted);
    expect(run('XADD', 's', '18446744073709551615-*', 'f', 'v')).toBe(exhausted);
    expect(run('XRANGE', 's', '(18446744073709551615-18446744073709551614', '+')).toEqual([['18446744073709551615-18446744073709551615', ['f', 'v']]]);
  });

  it('automatic IDs use the command time and stay monotonic when the clock goes backwards', () => {
    t.clock.set(T0);
    expect(run('XADD', 's', '*', 'a', '1')).toBe(`${T0}-0`);
    expect(run('XADD', 's', '*', 'a', '2')).toBe(`${T0}-1`);
    t.clock.set(T0 - 5000);
    expect(run('XADD', 's', '*', 'a', '3')).toBe(`${T0}-2`);
    t.clock.set(T0 + 1);
    expect(run('XADD', 's', '*', 'a', '4')).toBe(`${T0 + 1}-0`);
    // An explicit ID far ahead of the clock: later automatic IDs follow it, not the clock.
    expect(run('XADD', 's', `${T0 + 100000}-5`, 'a', '5')).toBe(`${T0 + 100000}-5`);
    expect(run('XADD', 's', '*', 'a', '6')).toBe(`${T0 + 100000}-6`);
  });

  it('the journal receives the concrete ID, never * or ms-*', () => {
    journaled();
    t.clock.set(T0);
    run('XADD', 's', '*', 'f', 'v');
    run('XADD', 's', `${T0}-*`, 'f', 'v');
    run('XADD', 's', 'NOMKSTREAM', '*', 'f', 'v');
    run('XADD', 's', `${T0 + 1}`, 'f', 'v');
    expect(journaled()).toEqual([
      ['XADD', 's', `${T0}-0`, 'f', 'v'],
      ['XADD', 's', `${T0}-1`, 'f', 'v'],
      ['XADD', 's', 'NOMKSTREAM', `${T0}-2`, 'f', 'v'],
      ['XADD', 's', `${T0 + 1}-0`, 'f', 'v'],
    ]);
  });

  it('NOMKSTREAM on a missing key answers nil and creates nothing', () => {
    expect(rawAs(t.client, 'XADD', 'nokey', 'NOMKSTREAM', '*', 'a', 'b')).toEqual({ t: 'nullbulk' });
    expect(t.store.db(0).has('nokey')).toBe(false);
    expect(journaled()).toEqual([]);
    run('XADD', 's', '1-1', 'a', 'b');
    expect(run('XADD', 's', 'nomkstream', '2-1', 'a', 'b')).toBe('2-1');
  });

  it('option errors, in Redis order', () => {
    expect(run('XADD', 's', 'LIMIT', '5', '*', 'f', 'v')).toBe('-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    expect(run('XADD', 's', 'LIMIT', '0', '*', 'f', 'v')).toBe('-ERR syntax error, LIMIT cannot be used without the special ~ option');
    expect(run('XADD', 's', 'MAXLEN', '=', '5', 'LIMIT', '5', '*', 'f', 'v')).toBe('-ERR syntax error, LIMIT cannot be used without the special ~ option');
    expect(run('XADD', 's', 'MAXLEN', '5', 'MINID', '5', '*', 'f', 'v')).toBe('-ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
    expect(run('XADD', 's', 'MAXLEN', '5', 'MAXLEN', '5', '*', 'f', 'v')).toBe('-ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
    expect(run('XADD', 's', 'MAXLEN', '-1', '*', 'f', 'v')).toBe('-ERR The MAXLEN argument must be >= 0.');
    expect(run('XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', '-1', '*', 'f', 'v')).toBe('-ERR The LIMIT argument must be >= 0.');
    expect(run('XADD', 's', 'MAXLEN', '~', 'x', '*', 'f', 'v')).toBe(NOT_INT);
    expect(run('XADD', 's', 'MAXLEN', '*', 'f', 'v')).toBe(NOT_INT);
    expect(run('XADD', 's', 'MINID', '*', 'f', 'v')).toBe(INVALID_ID);
    expect(run('XADD', 's', 'MINID', '+', 'f', 'v')).toBe(INVALID_ID);
    expect(run('XADD', 's', 'maxlen', '~')).toBe("-ERR wrong number of arguments for 'xadd' command");
    expect(run('XADD', 's', '1-1', 'f')).toBe("-ERR wrong number of arguments for 'xadd' command");
    expect(run('XADD', 's', '1-1', 'f', 'v', 'g')).toBe("-ERR wrong number of arguments for 'xadd' command");
    expect(run('XADD', 's', 'NOMKSTREAM', 'NOMKSTREAM', 'NOMKSTREAM')).toBe("-ERR wrong number of arguments for 'xadd' command");
    expect(t.store.db(0).has('s')).toBe(false);
    run('SET', 'str', 'x');
    expect(run('XADD', 'str', '*', 'a', 'b')).toBe(WRONGTYPE);
    expect(run('XADD', 'str', '0-0', 'a', 'b')).toBe('-ERR The ID specified in XADD must be greater than 0-0');
  });

  it('MAXLEN / MINID exact trimming, journaled as given', () => {
    fill('s', 1, 10);
    journaled();
    expect(run('XADD', 's', 'MAXLEN', '5', '11-1', 'f', 'v')).toBe('11-1');
    expect(run('XLEN', 's')).toBe(5);
    expect(run('XADD', 's', 'MINID', '=', '10', '12-1', 'f', 'v')).toBe('12-1');
    expect((run('XRANGE', 's', '-', '+') as Plain[][]).map((e) => e[0])).toEqual(['10-1', '11-1', '12-1']);
    expect(journaled()).toEqual([
      ['XADD', 's', 'MAXLEN', '5', '11-1', 'f', 'v'],
      ['XADD', 's', 'MINID', '=', '10', '12-1', 'f', 'v'],
    ]);
  });

  it('~ trims whole 100-entry nodes only, journaled as the exact effect without LIMIT', () => {
    fill('s', 1, 250);
    journaled();
    expect(run('XADD', 's', 'MAXLEN', '~', '120', '251-1', 'f', 'v')).toBe('251-1');
    expect(run('XLEN', 's')).toBe(151);
    expect(run('XADD', 's', 'MAXLEN', '~', '0', 'LIMIT', '30', '252-1', 'f', 'v')).toBe('252-1');
    expect(run('XLEN', 's')).toBe(152);
    expect(run('XADD', 's', 'LIMIT', '200', 'MINID', '~', '240', '253-1', 'f', 'v')).toBe('253-1');
    expect(run('XLEN', 's')).toBe(53);
    expect(nodesOf('s')).toBe(1);
    expect(journaled()).toEqual([
      ['XADD', 's', 'MAXLEN', '=', '151', '251-1', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '=', '152', '252-1', 'f', 'v'],
      ['XADD', 's', 'MINID', '=', '201-1', '253-1', 'f', 'v'],
    ]);
  });

  it('raises xadd, then xtrim when it trimmed', () => {
    const sub = subscriber();
    run('XADD', 's', '1-1', 'a', 'b');
    run('XADD', 's', 'MAXLEN', '1', '2-1', 'a', 'b');
    run('XADD', 's', 'MAXLEN', '1', '3-1', 'a', 'b');
    run('XADD', 's', 'MAXLEN', '5', '4-1', 'a', 'b');
    expect(events(sub)).toEqual([
      ['xadd', 's'],
      ['xadd', 's'],
      ['xtrim', 's'],
      ['xadd', 's'],
      ['xtrim', 's'],
      ['xadd', 's'],
    ]);
  });

  it('streams are a type of their own: TYPE, OBJECT ENCODING, COPY, and kept when empty', () => {
    run('XADD', 's', '1-1', 'a', 'b');
    expect(run('TYPE', 's')).toBe('+stream');
    expect(run('OBJECT', 'ENCODING', 's')).toBe('stream');
    run('XGROUP', 'CREATE', 's', 'g', '0');
    expect(run('COPY', 's', 'c')).toBe(1);
    run('XDEL', 's', '1-1');
    expect(run('XLEN', 's')).toBe(0);
    expect(run('EXISTS', 's')).toBe(1);
    expect(run('XLEN', 'c')).toBe(1);
    expect(run('XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 'c', '>')).toEqual([['c', [['1-1', ['a', 'b']]]]]);
    expect(obj(run('XINFO', 'STREAM', 's')).groups).toBe(1);
    expect((run('XINFO', 'GROUPS', 's') as Plain[]).map((g) => obj(g).pending)).toEqual([0]);
  });

  it('keeps memory accounting current and invalidates WATCH', () => {
    const other = t.newClient();
    t.runAs(other, 'WATCH', 's');
    const before = t.store.db(0).bytes;
    run('XADD', 's', '1-1', 'field', 'x'.repeat(1000));
    const after = t.store.db(0).bytes;
    expect(after - before).toBeGreaterThan(1000);
    t.runAs(other, 'MULTI');
    t.runAs(other, 'XLEN', 's');
    expect(t.runAs(other, 'EXEC')).toBeNull();
    run('XDEL', 's', '1-1');
    expect(t.store.db(0).bytes).toBeLessThan(after - 900);
  });
});

describe('XRANGE / XREVRANGE / XLEN', () => {
  beforeEach(() => {
    for (const id of ['1-1', '5-0', '5-1', '7-1', '8-1', '9-0', '9-1', '9-2']) run('XADD', 's', id, 'f', id);
  });
  const ids = (p: Plain): Plain[] => (p as Plain[]).map((e) => (e as Plain[])[0] as Plain);

  it('inclusive and exclusive bounds, - and +, missing sequences', () => {
    expect(ids(run('XRANGE', 's', '-', '+'))).toEqual(['1-1', '5-0', '5-1', '7-1', '8-1', '9-0', '9-1', '9-2']);
    // `(9` excludes 9-18446744073709551615 only: a missing sequence at the end is the largest.
    expect(ids(run('XRANGE', 's', '5', '(9'))).toEqual(['5-0', '5-1', '7-1', '8-1', '9-0', '9-1', '9-2']);
    expect(ids(run('XRANGE', 's', '5', '(9-0'))).toEqual(['5-0', '5-1', '7-1', '8-1']);
    expect(ids(run('XRANGE', 's', '(5', '9'))).toEqual(['5-1', '7-1', '8-1', '9-0', '9-1', '9-2']);
    expect(ids(run('XRANGE', 's', '(7-1', '(9-2'))).toEqual(['8-1', '9-0', '9-1']);
    expect(run('XRANGE', 's', '9', '7')).toEqual([]);
    expect(ids(run('XREVRANGE', 's', '+', '-', 'COUNT', '2'))).toEqual(['9-2', '9-1']);
    expect(ids(run('XREVRANGE', 's', '(9-2', '(7-1'))).toEqual(['9-1', '9-0', '8-1']);
    expect(ids(run('XREVRANGE', 's', '9', '(8'))).toEqual(['9-2', '9-1', '9-0', '8-1']);
    expect(run('XRANGE', 's', '1-1', '1-1')).toEqual([['1-1', ['f', '1-1']]]);
  });

  it('COUNT: last one wins, negative is 0, 0 answers a null array (RESP2 *-1, RESP3 _)', () => {
    expect(ids(run('XRANGE', 's', '-', '+', 'COUNT', '2', 'COUNT', '3'))).toEqual(['1-1', '5-0', '5-1']);
    expect(rawAs(t.client, 'XRANGE', 's', '-', '+', 'COUNT', '0')).toEqual({ t: 'nullarray' });
    expect(rawAs(t.client, 'XRANGE', 's', '-', '+', 'COUNT', '-1')).toEqual({ t: 'nullarray' });
    expect(rawAs(t.client, 'XRANGE', 'nokey', '-', '+', 'COUNT', '0')).toEqual({ t: 'array', v: [] });
    expect(run('XRANGE', 's', '-', '+', 'COUNT')).toBe(SYNTAX);
    expect(run('XRANGE', 's', '-', '+', 'FOO', '1')).toBe(SYNTAX);
    expect(run('XRANGE', 's', '-', '+', 'COUNT', 'x')).toBe(NOT_INT);
  });

  it('range errors come before the key lookup', () => {
    expect(run('XRANGE', 's', '(-', '+')).toBe(INVALID_ID);
    expect(run('XRANGE', 's', '(+', '+')).toBe(INVALID_ID);
    expect(run('XRANGE', 's', '-', '(-')).toBe(INVALID_ID);
    expect(run('XRANGE', 's', 'x', '+')).toBe(INVALID_ID);
    expect(run('XRANGE', 's', '-', '(0-0')).toBe('-ERR invalid end ID for the interval');
    expect(run('XRANGE', 's', '(18446744073709551615-18446744073709551615', '+')).toBe('-ERR invalid start ID for the interval');
    run('SET', 'str', 'x');
    expect(run('XRANGE', 'str', 'x', '+')).toBe(INVALID_ID);
    expect(run('XRANGE', 'str', '-', '+')).toBe(WRONGTYPE);
    expect(run('XLEN', 'str')).toBe(WRONGTYPE);
  });

  it('XLEN, and reads count keyspace hits and misses but journal nothing', () => {
    journaled();
    expect(run('XLEN', 's')).toBe(8);
    expect(run('XLEN', 'nokey')).toBe(0);
    expect(run('XRANGE', 'nokey', '-', '+')).toEqual([]);
    expect(t.store.stats.hits).toBeGreaterThan(0);
    expect(t.store.stats.misses).toBe(2);
    expect(journaled()).toEqual([]);
  });

  it('binary-safe fields and values', () => {
    run('XADD', 'b', '1-1', '\x00\xff', 'v\r\n');
    expect(run('XRANGE', 'b', '-', '+')).toEqual([['1-1', ['\x00\xff', 'v\r\n']]]);
  });
});

describe('XDEL / XTRIM / XSETID', () => {
  it('XDEL checks every ID first, counts what it removed, tracks the max deleted ID', () => {
    fill('s', 1, 3);
    journaled();
    const sub = subscriber();
    expect(run('XDEL', 'nokey', 'bad')).toBe(0);
    expect(run('XDEL', 's', '1-1', 'bad')).toBe(INVALID_ID);
    expect(run('XDEL', 's', '+')).toBe(INVALID_ID);
    expect(run('XLEN', 's')).toBe(3);
    expect(run('XDEL', 's', '2-1', '2-1', '9-9')).toBe(1);
    expect(run('XDEL', 's', '9-9')).toBe(0);
    expect(journaled()).toEqual([['XDEL', 's', '2-1', '2-1', '9-9']]);
    expect(events(sub)).toEqual([['xdel', 's']]);
    const info = obj(run('XINFO', 'STREAM', 's'));
    expect(info['max-deleted-entry-id']).toBe('2-1');
    expect(info['recorded-first-entry-id']).toBe('1-1');
    run('XDEL', 's', '1-1');
    expect(obj(run('XINFO', 'STREAM', 's'))['recorded-first-entry-id']).toBe('3-1');
    run('XDEL', 's', '3-1');
    expect(obj(run('XINFO', 'STREAM', 's'))['recorded-first-entry-id']).toBe('0-0');
  });

  it('XTRIM: strategies, errors, journal only when something went', () => {
    fill('s', 1, 250);
    journaled();
    const sub = subscriber();
    expect(run('XTRIM', 's', 'MAXLEN', '~', '120')).toBe(100);
    expect(run('XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '30')).toBe(0);
    expect(run('XTRIM', 's', 'MINID', '~', '0')).toBe(0);
    expect(run('XTRIM', 's', 'MAXLEN', '45')).toBe(105);
    expect(run('XTRIM', 's', 'MINID', '210')).toBe(4);
    expect(run('XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '0')).toBe(41);
    expect(run('XLEN', 's')).toBe(0);
    expect(journaled()).toEqual([
      ['XTRIM', 's', 'MAXLEN', '=', '150'],
      ['XTRIM', 's', 'MAXLEN', '45'],
      ['XTRIM', 's', 'MINID', '210'],
      ['XTRIM', 's', 'MAXLEN', '=', '0'],
    ]);
    expect(events(sub)).toEqual([
      ['xtrim', 's'],
      ['xtrim', 's'],
      ['xtrim', 's'],
      ['xtrim', 's'],
    ]);
    expect(run('XTRIM', 'nokey', 'MAXLEN', '0')).toBe(0);
    expect(run('XTRIM', 's', 'MAXLEN')).toBe("-ERR wrong number of arguments for 'xtrim' command");
    expect(run('XTRIM', 's', 'FOO', '1')).toBe(SYNTAX);
    expect(run('XTRIM', 's', 'MAXLEN', '5', 'junk')).toBe(SYNTAX);
    expect(run('XTRIM', 's', 'LIMIT', '5')).toBe('-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    expect(run('XTRIM', 's', 'LIMIT', '0', 'NOMKSTREAM')).toBe(SYNTAX);
    expect(run('XTRIM', 's', 'MAXLEN', '5', 'LIMIT', '1')).toBe('-ERR syntax error, LIMIT cannot be used without the special ~ option');
    expect(run('XTRIM', 's', '*', '5')).toBe(SYNTAX);
    run('SET', 'str', 'x');
    expect(run('XTRIM', 'str', 'MAXLEN', '1')).toBe(WRONGTYPE);
  });

  it('XTRIM MINID ~ that empties the stream journals the largest ID', () => {
    fill('s', 1, 3);
    journaled();
    expect(run('XTRIM', 's', 'MINID', '~', '9')).toBe(3);
    expect(journaled()).toEqual([['XTRIM', 's', 'MINID', '=', '18446744073709551615-18446744073709551615']]);
  });

  it('XSETID: checks, counters, journal and event', () => {
    fill('s', 1, 3);
    run('XDEL', 's', '3-1');
    journaled();
    const sub = subscriber();
    expect(run('XSETID', 'nokey', '1-1')).toBe('-ERR no such key');
    expect(run('XSETID', 's', 'bad')).toBe(INVALID_ID);
    expect(run('XSETID', 's', '+')).toBe(INVALID_ID);
    expect(run('XSETID', 's', '1-1')).toBe('-ERR The ID specified in XSETID is smaller than the target stream top item');
    expect(run('XSETID', 's', '3-1', 'ENTRIESADDED', '-1')).toBe('-ERR entries_added must be positive');
    expect(run('XSETID', 's', '3-1', 'ENTRIESADDED', 'x')).toBe(NOT_INT);
    expect(run('XSETID', 's', '3-1', 'ENTRIESADDED', '1')).toBe('-ERR The entries_added specified in XSETID is smaller than the target stream length');
    expect(run('XSETID', 's', '3-1', 'MAXDELETEDID', '4-1')).toBe('-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    expect(run('XSETID', 's', '3-1', 'MAXDELETEDID', 'x')).toBe(INVALID_ID);
    expect(run('XSETID', 's', '3-1', 'FOO')).toBe(SYNTAX);
    expect(run('XSETID', 's', '3-1', 'ENTRIESADDED')).toBe(SYNTAX);
    // Redis 7.0 does not compare with the current max deleted ID.
    expect(run('XSETID', 's', '2-1')).toBe('+OK');
    expect(run('XSETID', 's', '5-1', 'ENTRIESADDED', '9', 'MAXDELETEDID', '4-0')).toBe('+OK');
    const info = obj(run('XINFO', 'STREAM', 's'));
    expect([info['last-generated-id'], info['entries-added'], info['max-deleted-entry-id']]).toEqual(['5-1', 9, '4-0']);
    expect(run('XADD', 's', '5-1', 'a', 'b')).toBe(TOO_SMALL);
    expect(journaled()).toEqual([
      ['XSETID', 's', '2-1'],
      ['XSETID', 's', '5-1', 'ENTRIESADDED', '9', 'MAXDELETEDID', '4-0'],
    ]);
    expect(events(sub)).toEqual([
      ['xsetid', 's'],
      ['xsetid', 's'],
    ]);
    run('SET', 'str', 'x');
    expect(run('XSETID', 'str', '1-1')).toBe(WRONGTYPE);
  });
});

describe('XREAD', () => {
  beforeEach(() => {
    run('XADD', 's', '1-1', 'a', '1');
    run('XADD', 's', '2-1', 'b', '2');
    run('XADD', 't', '5-1', 'c', '3');
  });

  it('reads entries after the given IDs from every stream that has some', () => {
    expect(run('XREAD', 'STREAMS', 's', 't', '1-1', '0')).toEqual([
      ['s', [['2-1', ['b', '2']]]],
      ['t', [['5-1', ['c', '3']]]],
    ]);
    expect(run('XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '0', '0')).toEqual([
      ['s', [['1-1', ['a', '1']]]],
      ['t', [['5-1', ['c', '3']]]],
    ]);
    expect(run('XREAD', 'STREAMS', 's', 'nokey', '0', '0')).toEqual([['s', [['1-1', ['a', '1']], ['2-1', ['b', '2']]]]]);
    expect(run('XREAD', 'COUNT', '-5', 'STREAMS', 's', '1')).toEqual([['s', [['1-1', ['a', '1']], ['2-1', ['b', '2']]]]]);
    expect(rawAs(t.client, 'XREAD', 'STREAMS', 's', 't', '$', '$')).toEqual({ t: 'nullarray' });
    expect(rawAs(t.client, 'XREAD', 'STREAMS', 's', '2-1')).toEqual({ t: 'nullarray' });
  });

  it('RESP3 answers a map of key to entries', () => {
    const c = resp3();
    const r = rawAs(c, 'XREAD', 'STREAMS', 's', 't', '1-1', '0');
    expect(r.t).toBe('map');
    expect(plain(r)).toEqual({ s: [['2-1', ['b', '2']]], t: [['5-1', ['c', '3']]] });
    expect(rawAs(c, 'XREAD', 'STREAMS', 's', '$')).toEqual({ t: 'nullarray' });
  });

  it('errors, in Redis order', () => {
    expect(run('XREAD', 'STREAMS', 's', 't', '0')).toBe("-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
    expect(run('XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0')).toBe('-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
    expect(run('XREAD', 'NOACK', 'STREAMS', 's', '0')).toBe('-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
    expect(run('XREAD', 'STREAMS', 's', '>')).toBe('-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
    expect(run('XREAD', 'STREAMS', 's', 'bad')).toBe(INVALID_ID);
    expect(run('XREAD', 'STREAMS', 's', '+')).toBe(INVALID_ID);
    expect(run('XREAD', 'COUNT', 'x', 'STREAMS', 's', '0')).toBe(NOT_INT);
    expect(run('XREAD', 'BLOCK', 'x', 'STREAMS', 's', '0')).toBe('-ERR timeout is not an integer or out of range');
    expect(run('XREAD', 'BLOCK', '1.5', 'STREAMS', 's', '0')).toBe('-ERR timeout is not an integer or out of range');
    expect(run('XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0')).toBe('-ERR timeout is negative');
    expect(run('XREAD', 'FOO', 'STREAMS', 's', '0')).toBe(SYNTAX);
    expect(run('XREAD', 'COUNT', '1', 'STREAMS')).toBe(SYNTAX);
    expect(run('XREAD', 'COUNT', '1')).toBe("-ERR wrong number of arguments for 'xread' command");
    run('SET', 'str', 'x');
    expect(run('XREAD', 'STREAMS', 's', 'str', '0', '0')).toBe(WRONGTYPE);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('BLOCK with data available answers at once; inside MULTI it never waits', () => {
    expect(run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '1-1')).toEqual([['s', [['2-1', ['b', '2']]]]]);
    run('MULTI');
    run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    run('XADD', 's', '3-1', 'z', 'z');
    run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '2-1');
    expect(run('EXEC')).toEqual([null, '3-1', [['s', [['3-1', ['z', 'z']]]]]]);
    expect(t.server.blockedClients()).toBe(0);
  });

  describe('blocking', () => {
    let c2: Client;
    beforeEach(() => {
      c2 = t.newClient();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('is woken by XADD from another client; $ means the last ID when it blocked', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'nokey', 's', '$', '$');
      expect(t.server.blockedClients()).toBe(1);
      expect(await isPending(p)).toBe(true);
      run('XADD', 's', '3-1', 'new', 'x');
      expect(plain(await p)).toEqual([['s', [['3-1', ['new', 'x']]]]]);
      expect(t.server.blockedClients()).toBe(0);
    });

    it('a missing key given as $ reads from the start once created; RESP3 gets a map', async () => {
      c2.proto = 3;
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'fresh', '$');
      run('XADD', 'fresh', '1-1', 'a', 'b');
      const r = await p;
      expect(r.t).toBe('map');
      expect(plain(r)).toEqual({ fresh: [['1-1', ['a', 'b']]] });
    });

    it('keeps waiting through deletion, another type and non-growing changes', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      run('XDEL', 's', '1-1');
      run('DEL', 's');
      run('SET', 's', 'str');
      expect(await isPending(p)).toBe(true);
      run('DEL', 's');
      // Only entries above the ID it blocked for count, even on a recreated stream.
      run('XADD', 's', '1-5', 'old', 'id');
      expect(await isPending(p)).toBe(true);
      run('XADD', 's', '3-5', 'back', 'again');
      expect(plain(await p)).toEqual([['s', [['3-5', ['back', 'again']]]]]);
    });

    it('served readers get at most 1000 entries without COUNT, or their COUNT', async () => {
      const c3 = t.newClient();
      const p1 = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'big', '$');
      const p2 = block(c3, 'XREAD', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'big', '$');
      run('MULTI');
      for (let i = 1; i <= 1200; i++) run('XADD', 'big', `${i}-0`, 'f', 'v');
      run('EXEC');
      expect((plain(await p1) as Plain[][])[0]?.[1]).toHaveLength(1000);
      expect((plain(await p2) as Plain[][])[0]?.[1]).toHaveLength(2);
    });

    it('times out with a null array (RESP2 *-1, RESP3 _)', async () => {
      vi.useFakeTimers();
      const p = block(c2, 'XREAD', 'BLOCK', '100', 'STREAMS', 's', '$');
      vi.advanceTimersByTime(99);
      expect(await isPending(p)).toBe(true);
      vi.advanceTimersByTime(1);
      expect(await p).toEqual({ t: 'nullarray' });
      expect(t.server.blockedClients()).toBe(0);
    });

    it('waits beyond what one Node timer can hold', async () => {
      vi.useFakeTimers();
      const p = block(c2, 'XREAD', 'BLOCK', '3000000000', 'STREAMS', 's', '$');
      vi.advanceTimersByTime(2 ** 31);
      expect(await isPending(p)).toBe(true);
      vi.advanceTimersByTime(3_000_000_000 - 2 ** 31);
      expect(await p).toEqual({ t: 'nullarray' });
    });

    it('a disconnected client is dropped and never served', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      expect(t.server.blockedClients()).toBe(1);
      t.executor.clientClosed(c2);
      expect(t.server.blockedClients()).toBe(0);
      run('XADD', 's', '3-1', 'a', 'b');
      expect(await isPending(p)).toBe(true);
    });
  });
});

describe('consumer groups: XGROUP', () => {
  it('CREATE with $, an ID, MKSTREAM, ENTRIESREAD; BUSYGROUP; journal and events', () => {
    fill('s', 1, 2);
    journaled();
    const sub = subscriber();
    expect(run('XGROUP', 'CREATE', 's', 'g', '$')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 's', 'g', '0')).toBe('-BUSYGROUP Consumer Group name already exists');
    expect(run('XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '1')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 'nokey', 'g', '0')).toBe(
      '-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
    expect(run('TYPE', 'new')).toBe('+stream');
    expect(run('XLEN', 'new')).toBe(0);
    const groups = (run('XINFO', 'GROUPS', 's') as Plain[]).map(obj);
    expect(groups.map((g) => [g.name, g['last-delivered-id'], g['entries-read'], g.lag])).toEqual([
      ['g', '2-1', null, 0],
      ['g2', '0-0', 1, 1],
    ]);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '1'],
      ['XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM'],
    ]);
    expect(events(sub)).toEqual([
      ['xgroup-create', 's'],
      ['xgroup-create', 's'],
      ['xgroup-create', 'new'],
    ]);
  });

  it('CREATE / SETID option errors name the subcommand', () => {
    fill('s', 1, 1);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    expect(run('XGROUP', 'CREATE', 's', 'g2', '$', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.",
    );
    expect(run('xgroup', 'create', 's', 'g2', '$', 'FOO')).toBe("-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g3', '1-1', 'ENTRIESREAD')).toBe("-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g2', '+')).toBe(INVALID_ID);
    expect(run('XGROUP', 'CREATE', 's', 'g2', '-')).toBe(INVALID_ID);
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '-2')).toBe('-ERR value for ENTRIESREAD must be positive or -1');
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', 'x')).toBe(NOT_INT);
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'MKSTREAM')).toBe("-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '1', 'ENTRIESREAD', '2')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.",
    );
    expect(run('XGROUP', 'SETID', 's', 'nog', '1-1')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XGROUP', 'SETID', 's', 'g', 'bad')).toBe(INVALID_ID);
    expect(run('XGROUP', 'FOO', 's', 'g')).toBe("-ERR unknown subcommand 'FOO'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g')).toBe("-ERR wrong number of arguments for 'xgroup|create' command");
    run('SET', 'str', 'x');
    expect(run('XGROUP', 'CREATE', 'str', 'g', '$', 'MKSTREAM')).toBe(WRONGTYPE);
  });

  it('SETID accepts - and + and $, resets entries_read unless given', () => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0', 'ENTRIESREAD', '0');
    journaled();
    const sub = subscriber();
    const group = (): { [k: string]: Plain } => obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain);
    expect(run('XGROUP', 'SETID', 's', 'g', '+', 'ENTRIESREAD', '5')).toBe('+OK');
    expect([group()['last-delivered-id'], group()['entries-read'], group().lag]).toEqual(['18446744073709551615-18446744073709551615', 5, -2]);
    expect(run('XGROUP', 'SETID', 's', 'g', '-')).toBe('+OK');
    expect([group()['last-delivered-id'], group()['entries-read'], group().lag]).toEqual(['0-0', null, 3]);
    expect(run('XGROUP', 'SETID', 's', 'g', '$')).toBe('+OK');
    expect([group()['last-delivered-id'], group().lag]).toEqual(['3-1', 0]);
    expect(journaled()).toHaveLength(3);
    expect(events(sub).map(([e]) => e)).toEqual(['xgroup-setid', 'xgroup-setid', 'xgroup-setid']);
  });

  it('DESTROY, CREATECONSUMER, DELCONSUMER: replies, journal only real changes, events', () => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    journaled();
    const sub = subscriber();
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'g', 'bob')).toBe(1);
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'g', 'bob')).toBe(0);
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'nog', 'bob')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XGROUP', 'DELCONSUMER', 's', 'g', 'alice')).toBe(3);
    expect(run('XGROUP', 'DELCONSUMER', 's', 'g', 'alice')).toBe(0);
    expect(run('XPENDING', 's', 'g')).toEqual([0, null, null, null]);
    expect(run('XGROUP', 'DESTROY', 's', 'g')).toBe(1);
    expect(run('XGROUP', 'DESTROY', 's', 'g')).toBe(0);
    expect(run('XGROUP', 'DESTROY', 'nokey', 'g')).toBe(
      '-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DESTROY', 's', 'g'],
    ]);
    expect(events(sub)).toEqual([
      ['xgroup-createconsumer', 's'],
      ['xgroup-delconsumer', 's'],
      ['xgroup-destroy', 's'],
    ]);
  });

  it('HELP answers status lines', () => {
    const help = run('XGROUP', 'HELP') as string[];
    expect(help[0]).toBe('+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(17);
    expect(help[help.length - 1]).toBe('+    Prints this help.');
    expect(run('XGROUP', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'xgroup|help' command");
  });
});

describe('consumer groups: XREADGROUP', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    journaled();
  });
  const ids = (p: Plain): Plain[] => ((p as Plain[][])[0]?.[1] as Plain[]).map((e) => (e as Plain[])[0] as Plain);

  it('> delivers new entries once per group, records them pending, journals XCLAIM per entry and the cursor', () => {
    t.clock.set(T0);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>')).toEqual([
      ['s', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]]],
    ]);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1'],
      ['XCLAIM', 's', 'g', 'alice', '0', '2-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-1'],
      ['XGROUP', 'SETID', 's', 'g', '2-1', 'ENTRIESREAD', '2'],
    ]);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>'))).toEqual(['3-1']);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'SETID', 's', 'g', '3-1', 'ENTRIESREAD', '3'],
    ]);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'))).toEqual(['4-1', '5-1']);
    expect(rawAs(t.client, 'XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>')).toEqual({ t: 'nullarray' });
    expect(run('XPENDING', 's', 'g')).toEqual([4, '1-1', '5-1', [['alice', '4']]]);
    const group = obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain);
    expect([group.consumers, group.pending, group['last-delivered-id'], group['entries-read'], group.lag]).toEqual([2, 4, '5-1', 5, 0]);
  });

  it('an explicit ID reads the consumer history, counting deliveries; deleted entries show as nil', () => {
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>');
    journaled();
    t.clock.advance(1000);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'))).toEqual(['1-1', '2-1', '3-1']);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-1'))).toEqual(['2-1']);
    run('XDEL', 's', '2-1');
    journaled();
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '1-1')).toEqual([['s', [['2-1', null], ['3-1', ['f', 'v3']]]]]);
    journaled();
    // Another consumer's history is its own: empty, but still answered.
    expect(run('XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', '0')).toEqual([['s', []]]);
    expect(journaled()).toEqual([['XGROUP', 'CREATECONSUMER', 's', 'g', 'dave']]);
    expect((run('XPENDING', 's', 'g', '-', '+', '10') as Plain[][]).map((r) => [r[0], r[3]])).toEqual([
      ['1-1', 2],
      ['2-1', 3],
      ['3-1', 3],
    ]);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '2');
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'alice', '0', '3-1', 'TIME', String(T0 + 1000), 'RETRYCOUNT', '4', 'FORCE', 'JUSTID', 'LASTID', '3-1'],
    ]);
  });

  it('a group cursor moved back by SETID redelivers to the new reader, resetting the count', () => {
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0');
    run('XGROUP', 'SETID', 's', 'g', '0');
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>'))).toEqual(['1-1']);
    expect(run('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
      ['1-1', 'bob', 0, 1],
      ['2-1', 'alice', 0, 2],
    ]);
  });

  it('consumers are created only when a stream is served (Redis 7.0)', () => {
    run('XGROUP', 'CREATE', 's', 'late', '$');
    expect(rawAs(t.client, 'XREADGROUP', 'GROUP', 'late', 'alice', 'STREAMS', 's', '>')).toEqual({ t: 'nullarray' });
    expect(run('XINFO', 'CONSUMERS', 's', 'late')).toEqual([]);
    expect(journaled()).toEqual([['XGROUP', 'CREATE', 's', 'late', '$']]);
  });

  it('errors, in Redis order', () => {
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '$')).toBe(
      '-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
    );
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', 's2', '>', '>')).toBe(
      "-NOGROUP No such key 's2' or consumer group 'g' in XREADGROUP with GROUP option",
    );
    expect(run('XREADGROUP', 'GROUP', 'nog', 'alice', 'STREAMS', 's', '>')).toBe(
      "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option",
    );
    expect(run('XREADGROUP', 'COUNT', '1', 'STREAMS', 's', '>')).toBe("-ERR wrong number of arguments for 'xreadgroup' command");
    expect(run('XREADGROUP', 'COUNT', '1', 'NOACK', 'STREAMS', 's', '>')).toBe('-ERR Missing GROUP option for XREADGROUP');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>', 'x')).toBe(
      "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
    );
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 'x', 'STREAMS', 's', '>')).toBe(NOT_INT);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '-1', 'STREAMS', 's', '>')).toBe('-ERR timeout is negative');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'FOO', 'STREAMS', 's', '>')).toBe(SYNTAX);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', 'bad')).toBe(INVALID_ID);
    expect(journaled()).toEqual([]);
    run('SET', 'str', 'x');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'str', '>')).toBe(WRONGTYPE);
  });

  describe('blocking', () => {
    let c2: Client;
    let c3: Client;
    beforeEach(() => {
      run('XGROUP', 'SETID', 's', 'g', '$');
      journaled();
      c2 = t.newClient();
      c3 = t.newClient();
    });

    it('is woken by XADD; each waiter of the group gets different entries; the serve is journaled', async () => {
      t.clock.set(T0);
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
      expect(t.server.blockedClients()).toBe(2);
      run('MULTI');
      run('XADD', 's', '6-1', 'f', 'v6');
      run('XADD', 's', '7-1', 'f', 'v7');
      run('EXEC');
      expect(plain(await p1)).toEqual([['s', [['6-1', ['f', 'v6']]]]]);
      expect(plain(await p2)).toEqual([['s', [['7-1', ['f', 'v7']]]]]);
      expect(journaled().slice(4)).toEqual([
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
        ['XCLAIM', 's', 'g', 'alice', '0', '6-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '6-1'],
        // SETID $ without ENTRIESREAD left the counter unknown; 6-1 is not the last ID, so it stays so.
        ['XGROUP', 'SETID', 's', 'g', '6-1', 'ENTRIESREAD', '-1'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
        ['XCLAIM', 's', 'g', 'bob', '0', '7-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '7-1'],
        ['XGROUP', 'SETID', 's', 'g', '7-1', 'ENTRIESREAD', '7'],
      ]);
      expect(run('XPENDING', 's', 'g')).toEqual([2, '6-1', '7-1', [['alice', '1'], ['bob', '1']]]);
    });

    it('a waiter left with nothing keeps waiting', async () => {
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('XADD', 's', '6-1', 'f', 'v6');
      expect(plain(await p1)).toEqual([['s', [['6-1', ['f', 'v6']]]]]);
      expect(await isPending(p2)).toBe(true);
      run('XACK', 's', 'g', '6-1');
      expect(await isPending(p2)).toBe(true);
      run('XADD', 's', '7-1', 'f', 'v7');
      expect(plain(await p2)).toEqual([['s', [['7-1', ['f', 'v7']]]]]);
    });

    it('the group destroyed answers NOGROUP; the key deleted answers UNBLOCKED', async () => {
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('XGROUP', 'DESTROY', 's', 'g');
      expect(plain(await p1)).toBe('-NOGROUP the consumer group this client was blocked on no longer exists');
      run('XGROUP', 'CREATE', 's', 'g', '$');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('DEL', 's');
      expect(plain(await p2)).toBe('-UNBLOCKED the stream key no longer exists');
      expect(t.server.blockedClients()).toBe(0);
    });

    it('inside MULTI it answers a null array at once', () => {
      run('MULTI');
      run('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      expect(run('EXEC')).toEqual([null]);
    });
  });
});

describe('consumer groups: XACK / XPENDING', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    t.clock.set(T0 + 100);
    run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'STREAMS', 's', '>');
    t.clock.set(T0 + 1000);
    journaled();
  });

  it('XACK removes from both PELs, all or nothing, journals only when something was acked', () => {
    expect(run('XACK', 'nokey', 'g', 'bad')).toBe(0);
    expect(run('XACK', 's', 'nog', 'bad')).toBe(0);
    expect(run('XACK', 's', 'g', '1-1', 'bad')).toBe(INVALID_ID);
    expect(run('XACK', 's', 'g', '1-1', '3-1', '9-9', '1-1')).toBe(2);
    expect(run('XACK', 's', 'g', '9-9')).toBe(0);
    expect(journaled()).toEqual([['XACK', 's', 'g', '1-1', '3-1', '9-9', '1-1']]);
    expect(run('XPENDING', 's', 'g')).toEqual([2, '2-1', '4-1', [['alice', '1'], ['bob', '1']]]);
    run('SET', 'str', 'x');
    expect(run('XACK', 'str', 'g', '1-1')).toBe(WRONGTYPE);
  });

  it('summary form: count, edges, consumers with a bulk count; empty group shapes', () => {
    expect(run('XPENDING', 's', 'g')).toEqual([4, '1-1', '4-1', [['alice', '2'], ['bob', '2']]]);
    run('XGROUP', 'CREATE', 's', 'empty', '0');
    const r = rawAs(t.client, 'XPENDING', 's', 'empty');
    expect(r).toEqual({ t: 'array', v: [{ t: 'int', v: 0 }, { t: 'nullbulk' }, { t: 'nullbulk' }, { t: 'nullarray' }] });
  });

  it('extended form: range, count, consumer, idle times and IDLE filter', () => {
    expect(run('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
      ['1-1', 'alice', 1000, 1],
      ['2-1', 'alice', 1000, 1],
      ['3-1', 'bob', 900, 1],
      ['4-1', 'bob', 900, 1],
    ]);
    expect(run('XPENDING', 's', 'g', '(1-1', '(4-1', '1')).toEqual([['2-1', 'alice', 1000, 1]]);
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'bob')).toEqual([
      ['3-1', 'bob', 900, 1],
      ['4-1', 'bob', 900, 1],
    ]);
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'nobody')).toEqual([]);
    expect(run('XPENDING', 's', 'g', 'IDLE', '950', '-', '+', '10')).toEqual([
      ['1-1', 'alice', 1000, 1],
      ['2-1', 'alice', 1000, 1],
    ]);
    expect(run('XPENDING', 's', 'g', 'IDLE', '950', '-', '+', '10', 'bob')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', '0')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', '-1')).toEqual([]);
    // A delivery time ahead of the clock shows as idle 0.
    t.clock.set(T0 - 5000);
    expect((run('XPENDING', 's', 'g', '-', '+', '1') as Plain[][])[0]?.[2]).toBe(0);
  });

  it('errors, in Redis order: syntax and arguments first, then the key and group', () => {
    expect(run('XPENDING', 's', 'g', '-')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', '-', '+')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', 'IDLE', '1', '-', '+', '10', 'a', 'b')).toBe(SYNTAX);
    // Up to 9 arguments are accepted; what follows the consumer is ignored, as in Redis.
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'a', 'b', 'c')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', 'x')).toBe(NOT_INT);
    expect(run('XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '10')).toBe(NOT_INT);
    expect(run('XPENDING', 's', 'g', 'IDLE', '5', '-', '+')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', 'x', '+', '10')).toBe(INVALID_ID);
    expect(run('XPENDING', 'nokey', 'g', 'x', '+', '10')).toBe(INVALID_ID);
    expect(run('XPENDING', 's', 'nog')).toBe("-NOGROUP No such key 's' or consumer group 'nog'");
    expect(run('XPENDING', 'nokey', 'g')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    run('SET', 'str', 'x');
    expect(run('XPENDING', 'str', 'g')).toBe(WRONGTYPE);
  });
});

describe('consumer groups: XCLAIM / XAUTOCLAIM', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '4', 'STREAMS', 's', '>');
    t.clock.set(T0 + 10_000);
    journaled();
  });
  const pending = (): Plain => run('XPENDING', 's', 'g', '-', '+', '10');

  it('XCLAIM moves idle entries, bumping the count; MIN-IDLE filters; journaled as XCLAIM FORCE JUSTID', () => {
    const sub = subscriber();
    expect(run('XCLAIM', 's', 'g', 'bob', '20000', '1-1')).toEqual([]);
    expect(run('XCLAIM', 's', 'g', 'bob', '5000', '1-1', '2-1', '9-9')).toEqual([
      ['1-1', ['f', 'v1']],
      ['2-1', ['f', 'v2']],
    ]);
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '2', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '2-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '2', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
    ]);
    expect(events(sub)).toEqual([['xgroup-createconsumer', 's']]);
    expect(pending()).toEqual([
      ['1-1', 'bob', 0, 2],
      ['2-1', 'bob', 0, 2],
      ['3-1', 'alice', 10_000, 1],
      ['4-1', 'alice', 10_000, 1],
    ]);
  });

  it('IDLE, TIME, RETRYCOUNT, JUSTID, FORCE and LASTID', () => {
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE', '500', 'JUSTID')).toEqual(['1-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '2-1', 'TIME', String(T0 + 9000), 'RETRYCOUNT', '7')).toEqual([['2-1', ['f', 'v2']]]);
    // Bogus times (future, negative) mean now.
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '3-1', 'TIME', String(T0 + 99_999), 'JUSTID')).toEqual(['3-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '4-1', 'IDLE', '-5', 'RETRYCOUNT', '-4', 'JUSTID')).toEqual(['4-1']);
    // FORCE creates the pending entry of an existing stream entry (starting at 1 delivery).
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '5-1', 'FORCE', 'JUSTID')).toEqual(['5-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'FORCE')).toEqual([]);
    expect(pending()).toEqual([
      ['1-1', 'bob', 500, 1],
      ['2-1', 'bob', 1000, 7],
      ['3-1', 'bob', 0, 1],
      ['4-1', 'bob', 0, 1],
      ['5-1', 'bob', 0, 1],
    ]);
    expect(run('XCLAIM', 's', 'g', 'carol', '0', '5-1', 'FORCE')).toEqual([['5-1', ['f', 'v5']]]);
    expect((pending() as Plain[][])[4]).toEqual(['5-1', 'carol', 0, 2]);
    journaled();
    // LASTID moves the group cursor forward only; alone it is journaled as XGROUP SETID.
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'LASTID', '9-9')).toEqual([]);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'LASTID', '1-1')).toEqual([]);
    expect(journaled()).toEqual([['XGROUP', 'SETID', 's', 'g', '9-9', 'ENTRIESREAD', '4']]);
    expect(obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain)['last-delivered-id']).toBe('9-9');
  });

  it('an entry deleted from the stream leaves the PEL when claimed, journaled so replicas follow', () => {
    run('XDEL', 's', '2-1');
    journaled();
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '2-1', '3-1', 'JUSTID')).toEqual(['3-1']);
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'alice', '0', '2-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '3-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
    ]);
    expect((pending() as Plain[][]).map((r) => r[0])).toEqual(['1-1', '3-1', '4-1']);
  });

  it('XCLAIM errors, in Redis order', () => {
    expect(run('XCLAIM', 'nokey', 'g', 'c', 'abc', '1-1')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    expect(run('XCLAIM', 's', 'nog', 'c', 'abc', '1-1')).toBe("-NOGROUP No such key 's' or consumer group 'nog'");
    expect(run('XCLAIM', 's', 'g', 'c', 'abc', '1-1')).toBe('-ERR Invalid min-idle-time argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'bogus')).toBe("-ERR Unrecognized XCLAIM option 'bogus'");
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'IDLE', 'x')).toBe('-ERR Invalid IDLE option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', 'x')).toBe('-ERR Invalid TIME option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT', 'x')).toBe('-ERR Invalid RETRYCOUNT option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT')).toBe("-ERR Unrecognized XCLAIM option 'RETRYCOUNT'");
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'LASTID', 'x')).toBe(INVALID_ID);
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'FORCE', '2-1')).toBe("-ERR Unrecognized XCLAIM option '2-1'");
    expect(journaled()).toEqual([]);
    run('SET', 'str', 'x');
    expect(run('XCLAIM', 'str', 'g', 'c', '0', '1-1')).toBe(WRONGTYPE);
  });

  it('XAUTOCLAIM scans the PEL from a cursor, answering [next cursor, claimed, deleted]', () => {
    run('XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>');
    journaled();
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '5000', '0', 'COUNT', '2')).toEqual(['3-1', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]], []]);
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '5000', '3-1', 'JUSTID')).toEqual(['0-0', ['3-1', '4-1'], []]);
    expect(journaled()).toHaveLength(4);
    // carol's entry is not idle enough: skipped, and the walk reaches the end.
    expect(pending()).toEqual([
      ['1-1', 'bob', 0, 2],
      ['2-1', 'bob', 0, 2],
      ['3-1', 'bob', 0, 1],
      ['4-1', 'bob', 0, 1],
      ['5-1', 'carol', 0, 1],
    ]);
    expect(run('XAUTOCLAIM', 's', 'g', 'dave', '0', '(4-1')).toEqual(['0-0', [['5-1', ['f', 'v5']]], []]);
  });

  it('XAUTOCLAIM drops deleted entries, reporting them; COUNT bounds both lists and attempts', () => {
    run('XDEL', 's', '1-1', '3-1');
    journaled();
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '0', '-', 'COUNT', '2')).toEqual(['3-1', [['2-1', ['f', 'v2']]], ['1-1']]);
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '0', '3-1')).toEqual(['0-0', [['4-1', ['f', 'v4']]], ['3-1']]);
    expect(journaled().map((j) => [j[3], j[5]])).toEqual([
      ['alice', '1-1'],
      ['bob', '2-1'],
      ['alice', '3-1'],
      ['bob', '4-1'],
    ]);
    // Attempts are COUNT * 10: with COUNT 1 and nothing idle enough, it stops after 10 entries.
    for (let i = 6; i <= 30; i++) run('XADD', 's', `${i}-1`, 'f', 'v');
    run('XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 's', '>');
    // PEL: 2-1, 4-1, 5-1 ... 30-1; ten are looked at (2-1, 4-1, 5-1 ... 12-1).
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '3600000', '0', 'COUNT', '1')).toEqual(['13-1', [], []]);
  });

  it('XAUTOCLAIM errors, in Redis order: arguments before the key', () => {
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', 'x', '0')).toBe('-ERR Invalid min-idle-time argument for XAUTOCLAIM');
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', 'x')).toBe(INVALID_ID);
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', '0', 'COUNT', '0')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', 'x')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423488')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'JUSTID', 'foo')).toBe(SYNTAX);
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '(18446744073709551615-18446744073709551615')).toBe('-ERR invalid start ID for the interval');
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', '0')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    run('SET', 'str', 'x');
    expect(run('XAUTOCLAIM', 'str', 'g', 'c', '0', '0')).toBe(WRONGTYPE);
  });
});

describe('XINFO', () => {
  beforeEach(() => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    run('XGROUP', 'CREATE', 's', 'a', '$');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    t.clock.set(T0 + 250);
  });

  it('STREAM: counters, groups, first and last entries', () => {
    const info = rawAs(t.client, 'XINFO', 'STREAM', 's');
    // A map reply (flattened on the wire for RESP2), keys in Redis's order.
    expect(info.t).toBe('map');
    expect(Object.entries(plain(info) as object)).toEqual([
      ['length', 3],
      ['radix-tree-keys', 1],
      ['radix-tree-nodes', 2],
      ['last-generated-id', '3-1'],
      ['max-deleted-entry-id', '0-0'],
      ['entries-added', 3],
      ['recorded-first-entry-id', '1-1'],
      ['groups', 2],
      ['first-entry', ['1-1', ['f', 'v1']]],
      ['last-entry', ['3-1', ['f', 'v3']]],
    ]);
    run('XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM');
    const e = rawAs(t.client, 'XINFO', 'STREAM', 'e');
    expect(plain(e)).toMatchObject({ 'first-entry': null, 'last-entry': null, 'radix-tree-keys': 0, 'radix-tree-nodes': 1 });
    const c = resp3();
    expect(rawAs(c, 'XINFO', 'STREAM', 's').t).toBe('map');
  });

  it('STREAM FULL: entries, groups with PELs and consumers, COUNT limits every list', () => {
    const full = obj(run('XINFO', 'STREAM', 's', 'FULL'));
    expect(full.entries).toEqual([
      ['1-1', ['f', 'v1']],
      ['2-1', ['f', 'v2']],
      ['3-1', ['f', 'v3']],
    ]);
    const groups = (full.groups as Plain[]).map(obj);
    expect(groups.map((g) => g.name)).toEqual(['a', 'g']);
    const g = groups[1] as { [k: string]: Plain };
    expect([g['last-delivered-id'], g['entries-read'], g.lag, g['pel-count']]).toEqual(['3-1', 3, 0, 3]);
    expect(g.pending).toEqual([
      ['1-1', 'bob', T0, 1],
      ['2-1', 'alice', T0, 1],
      ['3-1', 'alice', T0, 1],
    ]);
    expect((g.consumers as Plain[]).map(obj)).toEqual([
      { name: 'alice', 'seen-time': T0, 'pel-count': 2, pending: [['2-1', T0, 1], ['3-1', T0, 1]] },
      { name: 'bob', 'seen-time': T0, 'pel-count': 1, pending: [['1-1', T0, 1]] },
    ]);
    const one = obj(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'));
    expect(one.entries).toHaveLength(1);
    expect(obj((one.groups as Plain[])[1] as Plain).pending).toHaveLength(1);
    expect(obj(run('XINFO', 'STREAM', 's', 'full', 'count', '0')).entries).toHaveLength(3);
    expect(obj(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-5')).entries).toHaveLength(3);
  });

  it('GROUPS and CONSUMERS (idle from the last time seen)', () => {
    expect(run('XINFO', 'GROUPS', 's')).toEqual([
      { name: 'a', consumers: 0, pending: 0, 'last-delivered-id': '3-1', 'entries-read': null, lag: 0 },
      { name: 'g', consumers: 2, pending: 3, 'last-delivered-id': '3-1', 'entries-read': 3, lag: 0 },
    ]);
    expect(run('XINFO', 'CONSUMERS', 's', 'g')).toEqual([
      { name: 'alice', pending: 2, idle: 250 },
      { name: 'bob', pending: 1, idle: 250 },
    ]);
    run('XDEL', 's', '2-1');
    run('XADD', 's', '4-1', 'f', 'v');
    // A tombstone after the group's cursor makes the lag unknown.
    run('XGROUP', 'SETID', 's', 'g', '1-1');
    expect(obj((run('XINFO', 'GROUPS', 's') as Plain[])[1] as Plain).lag).toBeNull();
  });

  it('errors and HELP', () => {
    expect(run('XINFO', 'STREAM', 'nokey')).toBe('-ERR no such key');
    expect(run('XINFO', 'GROUPS', 'nokey')).toBe('-ERR no such key');
    expect(run('XINFO', 'STREAM', 's', 'foo')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'foo', '1')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x')).toBe(NOT_INT);
    expect(run('XINFO', 'CONSUMERS', 's', 'nog')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XINFO', 'CONSUMERS', 's')).toBe("-ERR wrong number of arguments for 'xinfo|consumers' command");
    expect(run('XINFO', 'FOO', 's')).toBe("-ERR unknown subcommand 'FOO'. Try XINFO HELP.");
    expect(run('XINFO', 'HELP')).toEqual([
      '+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      '+CONSUMERS <key> <groupname>',
      '+    Show consumers of <groupname>.',
      '+GROUPS <key>',
      '+    Show the stream consumer groups.',
      '+STREAM <key> [FULL [COUNT <count>]',
      '+    Show information about the stream.',
      '+HELP',
      '+    Prints this help.',
    ]);
    run('SET', 'str', 'x');
    expect(run('XINFO', 'STREAM', 'str')).toBe(WRONGTYPE);
  });
});

describe('journal replay', () => {
  it('replaying the journal on a fresh node rebuilds the same streams, groups and PELs', () => {
    const rand = (() => {
      let a = 42;
      return () => {
        a = (a * 1103515245 + 12345) % 2 ** 31;
        return a / 2 ** 31;
      };
    })();
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    journaled();
    run('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    run('XGROUP', 'CREATE', 's', 'h', '0');
    const consumers = ['a', 'b', 'c'];
    let latest = t.clock.now();
    for (let i = 0; i < 600; i++) {
      // The clock wanders, backwards too: automatic IDs must stay monotonic regardless.
      t.clock.advance(Math.floor(rand() * 3) - 1);
      latest = Math.max(latest, t.clock.now());
      const r = rand();
      const id = `${Math.floor(rand() * 400)}-${Math.floor(rand() * 3)}`;
      if (r < 0.35) run('XADD', 's', ...(rand() < 0.2 ? ['MAXLEN', '~', '150'] : rand() < 0.1 ? ['MINID', '~', id] : []), '*', 'f', String(i));
      else if (r < 0.5) run('XREADGROUP', 'GROUP', pick(['g', 'h']), pick(consumers), ...(rand() < 0.2 ? ['NOACK'] : []), 'COUNT', '3', 'STREAMS', 's', rand() < 0.8 ? '>' : '0');
      else if (r < 0.6) run('XACK', 's', pick(['g', 'h']), id);
      else if (r < 0.7) run('XCLAIM', 's', pick(['g', 'h']), pick(consumers), '0', id, ...(rand() < 0.3 ? ['JUSTID'] : []));
      else if (r < 0.78) run('XAUTOCLAIM', 's', pick(['g', 'h']), pick(consumers), '0', '0', 'COUNT', '5');
      else if (r < 0.85) run('XDEL', 's', id);
      else if (r < 0.9) run('XTRIM', 's', 'MAXLEN', pick(['=', '~']), String(50 + Math.floor(rand() * 100)));
      else if (r < 0.93) run('XGROUP', 'DELCONSUMER', 's', pick(['g', 'h']), pick(consumers));
      else if (r < 0.96) run('XGROUP', 'SETID', 's', pick(['g', 'h']), id);
      else run('XGROUP', 'CREATECONSUMER', 's', pick(['g', 'h']), pick(consumers));
    }
    const log = journaled();
    // A replica whose clock is not behind any journaled delivery time (those are clamped to now).
    const replica = createTestExecutor({ families: FAMILIES, startAt: latest });
    for (const argv of log) {
      const r = replica.run(...argv);
      expect(typeof r === 'string' && r.startsWith('-'), `${argv.join(' ')} -> ${String(r)}`).toBe(false);
    }
    // Seen times are not journaled (as in Redis); everything else must agree.
    const view = (h: TestExecutor): Plain => {
      const full = obj(h.run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0'));
      full.groups = (full.groups as Plain[]).map((g) => {
        const o = obj(g);
        o.consumers = (o.consumers as Plain[]).map((c) => ({ ...obj(c), 'seen-time': 0 }));
        return o;
      });
      return full;
    };
    expect(view(replica)).toEqual(view(t));
    expect(log.some((a) => a[0] === 'XCLAIM')).toBe(true);
    expect(log.every((a) => !a.includes('*') && !a.includes('~') && !a.includes('XREADGROUP') && !a.includes('XAUTOCLAIM'))).toBe(true);
  });
});
