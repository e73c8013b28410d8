// Unit tests for the streams family's command table, its core commands (XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID) and journal replay of every stream command, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, T0, type TestExecutor } from '../testing/exec.js';
import { keyIndexes } from './spec.js';
import { streamCommands } from './streams.js';
import { FAMILIES, INVALID_ID, NOT_INT, obj, streamsKit, SYNTAX, TOO_SMALL, WRONGTYPE } from '../testing/streams-fixtures.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: FAMILIES, config: { notify_keyspace_events: 'KEA' } });
});
const { run, journaled, nodesOf, rawAs, fill, events, subscriber } = streamsKit(() => t);

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

  it('XTRIM ~ without LIMIT removes at most 100 nodes of stream-node-max-entries entries (Redis tests XTRIM with ~ is limited)', () => {
    run('CONFIG', 'SET', 'stream-node-max-entries', '1');
    fill('s', 1, 102);
    expect(run('XTRIM', 's', 'MAXLEN', '~', '1')).toBe(100);
    expect(run('XLEN', 's')).toBe(2);
    run('CONFIG', 'SET', 'stream-node-max-entries', '0');
    expect(run('XTRIM', 's', 'MAXLEN', '~', '0')).toBe(2);
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
