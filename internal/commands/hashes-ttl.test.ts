// Hash-field expiration commands with a manual clock: every reply code, error text, lazy and active expiry, journal and notifications.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../server/client.js';
import { HashValue } from '../store/hash.js';
import { createTestExecutor, T0, type TestExecutor } from '../testing/exec.js';
import { FIELDS_PER_CYCLE } from '../store/store.js';

let h: TestExecutor;
let sub: Client;

beforeEach(() => {
  h = createTestExecutor({ config: { notify_keyspace_events: 'KEA' } });
  sub = h.newClient();
  h.runAs(sub, 'PSUBSCRIBE', '__keyevent@*');
  h.takePushes(sub);
});

/** The keyspace events `sub` saw since the last call, as [event, key]. */
function events(): [string, string][] {
  return h.takePushes(sub).map((p) => {
    const [, , channel, key] = p as string[];
    return [(channel as string).replace(/^__keyevent@\d+__:/, ''), key as string];
  });
}

function journalSince(n: number): string[][] {
  return h.journal.slice(n).map((j) => j.argv);
}

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';

describe('HEXPIRE family', () => {
  it('answers -2 / 0 / 1 / 2 per field and journals HPEXPIREAT over the fields set', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2', 'c', '3');
    events();
    const j = h.journal.length;
    expect(h.run('HEXPIRE', 'k', '100', 'FIELDS', '3', 'a', 'nope', 'b')).toEqual([1, -2, 1]);
    expect(journalSince(j)).toEqual([['HPEXPIREAT', 'k', String(T0 + 100_000), 'FIELDS', '2', 'a', 'b']]);
    expect(events()).toEqual([['hexpire', 'k']]);
    expect(h.run('HEXPIRE', 'k', '50', 'NX', 'FIELDS', '2', 'a', 'c')).toEqual([0, 1]);
    expect(h.run('HEXPIRE', 'k', '200', 'XX', 'FIELDS', '2', 'a', 'nope')).toEqual([1, -2]);
    expect(h.run('HPTTL', 'k', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([200_000, 100_000, 50_000]);
  });

  it('GT and LT treat a field without a deadline as infinite; XX needs one', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    expect(h.run('HEXPIRE', 'k', '100', 'GT', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(h.run('HEXPIRE', 'k', '100', 'XX', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(h.run('HEXPIRE', 'k', '100', 'LT', 'FIELDS', '1', 'a')).toEqual([1]);
    expect(h.run('HEXPIRE', 'k', '200', 'LT', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(h.run('HEXPIRE', 'k', '50', 'LT', 'FIELDS', '1', 'a')).toEqual([1]);
    expect(h.run('HEXPIRE', 'k', '50', 'GT', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(h.run('HEXPIRE', 'k', '60', 'GT', 'FIELDS', '1', 'a')).toEqual([1]);
    expect(h.run('HTTL', 'k', 'FIELDS', '2', 'a', 'b')).toEqual([60, -1]);
  });

  it('a deadline not in the future deletes the field (2), journals HDEL, and the last one takes the key', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    events();
    const j = h.journal.length;
    expect(h.run('HPEXPIREAT', 'k', String(T0), 'FIELDS', '1', 'a')).toEqual([2]);
    expect(events()).toEqual([['hdel', 'k']]);
    expect(h.run('HEXPIRE', 'k', '0', 'FIELDS', '1', 'b')).toEqual([2]);
    expect(events()).toEqual([
      ['hdel', 'k'],
      ['del', 'k'],
    ]);
    expect(journalSince(j)).toEqual([
      ['HDEL', 'k', 'a'],
      ['HDEL', 'k', 'b'],
    ]);
    expect(h.run('EXISTS', 'k')).toBe(0);
  });

  it('the absolute and millisecond forms', () => {
    h.run('HSET', 'k', 'a', '1');
    const at = Math.floor(T0 / 1000) + 10;
    expect(h.run('HEXPIREAT', 'k', String(at), 'FIELDS', '1', 'a')).toEqual([1]);
    expect(h.run('HEXPIRETIME', 'k', 'FIELDS', '1', 'a')).toEqual([at]);
    expect(h.run('HPEXPIRETIME', 'k', 'FIELDS', '1', 'a')).toEqual([at * 1000]);
    expect(h.run('HPEXPIRE', 'k', '1500', 'FIELDS', '1', 'a')).toEqual([1]);
    // HTTL rounds up, as Redis does.
    expect(h.run('HTTL', 'k', 'FIELDS', '1', 'a')).toEqual([2]);
    expect(h.run('HPTTL', 'k', 'FIELDS', '1', 'a')).toEqual([1500]);
  });

  it('a missing key answers -2 per field; a wrong type WRONGTYPE before any argument check', () => {
    expect(h.run('HEXPIRE', 'none', '10', 'FIELDS', '2', 'a', 'b')).toEqual([-2, -2]);
    h.run('SET', 's', 'v');
    expect(h.run('HEXPIRE', 's', 'x', 'FIELDS', '1', 'a')).toBe(WRONGTYPE);
  });

  it.each([
    [['HEXPIRE', 'k', 'x', 'FIELDS', '1', 'a'], '-ERR value is not an integer or out of range'],
    [['HEXPIRE', 'k', '-1', 'FIELDS', '1', 'a'], '-ERR invalid expire time, must be >= 0'],
    [['HEXPIRE', 'k', '70368744177664', 'FIELDS', '1', 'a'], "-ERR invalid expire time in 'hexpire' command"],
    [['HPEXPIREAT', 'k', '70368744177664', 'FIELDS', '1', 'a'], "-ERR invalid expire time in 'hpexpireat' command"],
    [['HEXPIRE', 'k', '10', 'FIELDZ', '1', 'a'], '-ERR Mandatory argument FIELDS is missing or not at the right position'],
    [['HEXPIRE', 'k', '10', 'NX', 'XX', 'FIELDS', '1', 'a'], '-ERR Mandatory argument FIELDS is missing or not at the right position'],
    [['HEXPIRE', 'k', '10', 'FIELDS', '0', 'a'], '-ERR Parameter `numFields` should be greater than 0'],
    [['HEXPIRE', 'k', '10', 'FIELDS', 'x', 'a'], '-ERR Parameter `numFields` should be greater than 0'],
    [['HEXPIRE', 'k', '10', 'FIELDS', '2', 'a'], '-ERR The `numfields` parameter must match the number of arguments'],
    [['HTTL', 'k', 'FIELDS', '0', 'a'], '-ERR Number of fields must be a positive integer'],
    [['HTTL', 'k', 'FIELDS', '2', 'a'], '-ERR The `numfields` parameter must match the number of arguments'],
    [['HPERSIST', 'k', 'FIELD', '1', 'a'], '-ERR Mandatory argument FIELDS is missing or not at the right position'],
    [['HEXPIRE', 'k', '10', 'FIELDS'], "-ERR wrong number of arguments for 'hexpire' command"],
  ])('%j -> %s', (argv, err) => {
    h.run('HSET', 'k', 'a', '1');
    expect(h.run(...argv)).toBe(err);
  });
});

describe('HTTL family and HPERSIST', () => {
  it('HTTL: -2 missing key or field, -1 no deadline; a field past its deadline reads -2', () => {
    expect(h.run('HTTL', 'none', 'FIELDS', '1', 'a')).toEqual([-2]);
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    h.run('HPEXPIRE', 'k', '100', 'FIELDS', '1', 'a');
    expect(h.run('HTTL', 'k', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([1, -1, -2]);
    h.clock.advance(100);
    expect(h.run('HPTTL', 'k', 'FIELDS', '1', 'a')).toEqual([-2]);
  });

  it('HPERSIST: -2 / -1 / 1, `hpersist`, journaled as given; the field keeps living', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    h.run('HEXPIRE', 'k', '10', 'FIELDS', '1', 'a');
    events();
    const j = h.journal.length;
    expect(h.run('HPERSIST', 'k', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([1, -1, -2]);
    expect(events()).toEqual([['hpersist', 'k']]);
    expect(journalSince(j)).toEqual([['HPERSIST', 'k', 'FIELDS', '3', 'a', 'b', 'c']]);
    expect(h.run('HPERSIST', 'k', 'FIELDS', '1', 'a')).toEqual([-1]);
    expect(h.run('HPERSIST', 'none', 'FIELDS', '1', 'a')).toEqual([-2]);
    h.clock.advance(20_000);
    expect(h.run('HGET', 'k', 'a')).toBe('1');
  });

  it('HSET clears a field deadline; HINCRBY and HINCRBYFLOAT keep it (journaled as HSETEX KEEPTTL)', () => {
    h.run('HSET', 'k', 'a', '1', 'n', '1', 'f', '1.5');
    h.run('HEXPIRE', 'k', '10', 'FIELDS', '3', 'a', 'n', 'f');
    h.run('HSET', 'k', 'a', '2');
    h.run('HINCRBY', 'k', 'n', '5');
    const j = h.journal.length;
    expect(h.run('HINCRBYFLOAT', 'k', 'f', '1')).toBe('2.5');
    expect(journalSince(j)).toEqual([['HSETEX', 'k', 'KEEPTTL', 'FIELDS', '1', 'f', '2.5']]);
    expect(h.run('HTTL', 'k', 'FIELDS', '3', 'a', 'n', 'f')).toEqual([-1, 10, 10]);
  });
});

describe('lazy expiry on reads', () => {
  beforeEach(() => {
    h.run('HSET', 'k', 'a', '1', 'b', '2', 'c', '3');
    h.run('HPEXPIRE', 'k', '100', 'FIELDS', '2', 'a', 'b');
    h.clock.advance(100);
    events();
  });

  it('HGET reclaims the field it reads: journaled HDEL, `hexpired`', () => {
    const j = h.journal.length;
    expect(h.run('HGET', 'k', 'a')).toBe(null);
    expect(journalSince(j)).toEqual([['HDEL', 'k', 'a']]);
    expect(events()).toEqual([['hexpired', 'k']]);
    // HLEN counts the field not reclaimed yet, as Redis's does.
    expect(h.run('HLEN', 'k')).toBe(2);
  });

  it('HGETALL, HKEYS, HVALS, HSCAN and HMGET skip expired fields', () => {
    expect(h.run('HGETALL', 'k')).toEqual({ c: '3' });
    expect(h.run('HKEYS', 'k')).toEqual(['c']);
    expect(h.run('HVALS', 'k')).toEqual(['3']);
    expect(h.run('HSCAN', 'k', '0')).toEqual(['0', ['c', '3']]);
    expect(h.run('HMGET', 'k', 'a', 'b', 'c')).toEqual([null, null, '3']);
    expect(h.run('HEXISTS', 'k', 'b')).toBe(0);
    expect(h.run('HSTRLEN', 'k', 'c')).toBe(1);
  });

  it('HRANDFIELD reclaims every expired field first; the last one takes the key (`del`)', () => {
    expect(h.run('HRANDFIELD', 'k', '-5')).toEqual(['c', 'c', 'c', 'c', 'c']);
    expect(h.run('HLEN', 'k')).toBe(1);
    h.run('HPEXPIRE', 'k', '1', 'FIELDS', '1', 'c');
    h.clock.advance(1);
    events();
    expect(h.run('HRANDFIELD', 'k')).toBe(null);
    expect(events()).toEqual([
      ['hexpired', 'k'],
      ['del', 'k'],
    ]);
    expect(h.run('EXISTS', 'k')).toBe(0);
  });

  it('HSET over an expired field creates it anew (counted as added, without a deadline)', () => {
    expect(h.run('HSET', 'k', 'a', 'x')).toBe(1);
    expect(h.run('HTTL', 'k', 'FIELDS', '1', 'a')).toEqual([-1]);
    expect(h.run('HSETNX', 'k', 'b', 'y')).toBe(1);
    expect(h.run('HINCRBY', 'k', 'b', '1')).toBe('-ERR hash value is not an integer');
  });
});

describe('active expiry', () => {
  it('deletes due fields in the background, notifies `hexpired` and `del`, journals HDEL', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    h.run('HSET', 'k2', 'x', '1', 'y', '2');
    h.run('HPEXPIRE', 'k', '100', 'FIELDS', '2', 'a', 'b');
    h.run('HPEXPIRE', 'k2', '100', 'FIELDS', '1', 'x');
    h.run('HPEXPIRE', 'k2', '50', 'FIELDS', '1', 'x');
    events();
    const j = h.journal.length;
    h.clock.advance(99);
    h.store.activeExpireCycle(1000);
    expect(journalSince(j)).toEqual([['HDEL', 'k2', 'x']]);
    h.clock.advance(1);
    h.store.activeExpireCycle(1000);
    expect(journalSince(j).slice(1)).toEqual([['HDEL', 'k', 'a', 'b']]);
    expect(events()).toEqual([
      ['hexpired', 'k2'],
      ['hexpired', 'k'],
      ['del', 'k'],
    ]);
    expect(h.run('EXISTS', 'k')).toBe(0);
    expect(h.run('HGETALL', 'k2')).toEqual({ y: '2' });
  });

  it('bounded work per cycle: at most FIELDS_PER_CYCLE fields per database', () => {
    const argv = ['HSET', 'big'];
    const n = FIELDS_PER_CYCLE + 10;
    for (let i = 0; i < n; i++) argv.push(`f${i}`, 'v');
    h.run(...argv);
    const fields = argv.filter((_, i) => i >= 2 && i % 2 === 0);
    h.run('HPEXPIRE', 'big', '10', 'FIELDS', String(fields.length), ...fields);
    h.clock.advance(10);
    h.store.activeExpireCycle(1000);
    expect(h.run('HLEN', 'big')).toBe(10);
    h.store.activeExpireCycle(1000);
    expect(h.run('EXISTS', 'big')).toBe(0);
  });

  it('follows a hash through RENAME, COPY and SWAPDB', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    h.run('HPEXPIRE', 'k', '10', 'FIELDS', '1', 'a');
    h.run('RENAME', 'k', 'r');
    h.run('COPY', 'r', 'c');
    h.run('SWAPDB', '0', '1');
    h.clock.advance(10);
    h.store.activeExpireCycle(1000);
    h.run('SELECT', '1');
    expect(h.run('HGETALL', 'r')).toEqual({ b: '2' });
    expect(h.run('HLEN', 'c')).toBe(1);
    expect(h.run('HTTL', 'c', 'FIELDS', '1', 'b')).toEqual([-1]);
  });
});

describe('HGETEX, HGETDEL, HSETEX', () => {
  it('HGETEX without an option is HMGET; EX sets deadlines journaled as HPEXPIREAT; PERSIST as HPERSIST', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    events();
    expect(h.run('HGETEX', 'k', 'FIELDS', '2', 'a', 'x')).toEqual(['1', null]);
    const j = h.journal.length;
    expect(h.run('HGETEX', 'k', 'EX', '10', 'FIELDS', '2', 'a', 'x')).toEqual(['1', null]);
    expect(h.run('HTTL', 'k', 'FIELDS', '1', 'a')).toEqual([10]);
    expect(h.run('HGETEX', 'k', 'PERSIST', 'FIELDS', '1', 'a')).toEqual(['1']);
    expect(h.run('HTTL', 'k', 'FIELDS', '1', 'a')).toEqual([-1]);
    expect(journalSince(j)).toEqual([
      ['HPEXPIREAT', 'k', String(T0 + 10_000), 'FIELDS', '2', 'a', 'x'],
      ['HPERSIST', 'k', 'FIELDS', '1', 'a'],
    ]);
    expect(events()).toEqual([
      ['hexpire', 'k'],
      ['hpersist', 'k'],
    ]);
    expect(h.run('HGETEX', 'none', 'PX', '10', 'FIELDS', '1', 'a')).toEqual([null]);
  });

  it('HGETEX with a past deadline returns the values and deletes the fields (HDEL, `hdel`, `del`)', () => {
    h.run('HSET', 'k', 'a', '1');
    events();
    const j = h.journal.length;
    expect(h.run('HGETEX', 'k', 'PXAT', '1', 'FIELDS', '1', 'a')).toEqual(['1']);
    expect(journalSince(j)).toEqual([['HDEL', 'k', 'a']]);
    expect(events()).toEqual([
      ['hdel', 'k'],
      ['del', 'k'],
    ]);
  });

  it.each([
    [['HGETEX', 'k', 'EX', 'x', 'FIELDS', '1', 'a'], '-ERR value is not an integer or out of range'],
    [['HGETEX', 'k', 'EX', '-1', 'FIELDS', '1', 'a'], '-ERR invalid expire time, must be >= 0'],
    [['HGETEX', 'k', 'EXAT', '99999999999999', 'FIELDS', '1', 'a'], "-ERR invalid expire time in 'hgetex' command"],
    [['HGETEX', 'k', 'EX', '1', 'FIELDS', '2', 'a'], '-ERR The `numfields` parameter must match the number of arguments'],
    [['HGETEX', 'k', 'KEEPTTL', 'FIELDS', '1', 'a'], '-ERR Mandatory argument FIELDS is missing or not at the right position'],
    [['HGETDEL', 'k', 'FIELDS', '0', 'a'], '-ERR Number of fields must be a positive integer'],
    [['HSETEX', 'k', 'EX', '10', 'PX', '10', 'FIELDS', '1', 'a', 'b'], '-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified'],
    [['HSETEX', 'k', 'FNX', 'FXX', 'FIELDS', '1', 'a', 'b'], '-ERR Only one of FXX or FNX arguments can be specified'],
    [['HSETEX', 'k', 'NX', 'FIELDS', '1', 'a', 'b'], '-ERR unknown argument: NX'],
    [['HSETEX', 'k', 'FIELDS', '0', 'a', 'b'], '-ERR invalid number of fields'],
    [['HSETEX', 'k', 'FIELDS', '2', 'a', 'b'], "-ERR wrong number of arguments for 'hsetex' command"],
    [['HSETEX', 'k', 'KEEPTTL', 'FIELDS', '1', 'a'], "-ERR wrong number of arguments for 'hsetex' command"],
  ])('%j -> %s', (argv, err) => {
    h.run('HSET', 'k', 'a', '1');
    expect(h.run(...argv)).toBe(err);
  });

  it('HSETEX checks its arguments before the key type, HGETEX and HGETDEL after', () => {
    h.run('SET', 's', 'v');
    expect(h.run('HSETEX', 's', 'FNX', 'FXX', 'FIELDS', '1', 'a', 'b')).toBe('-ERR Only one of FXX or FNX arguments can be specified');
    expect(h.run('HGETEX', 's', 'EX', 'x', 'FIELDS', '1', 'a')).toBe(WRONGTYPE);
    expect(h.run('HGETDEL', 's', 'FIELDS', '0', 'a')).toBe(WRONGTYPE);
  });

  it('HGETDEL returns the values and deletes the fields; the last one takes the key', () => {
    h.run('HSET', 'k', 'a', '1', 'b', '2');
    events();
    const j = h.journal.length;
    expect(h.run('HGETDEL', 'k', 'FIELDS', '2', 'a', 'x')).toEqual(['1', null]);
    expect(h.run('HGETDEL', 'k', 'FIELDS', '1', 'b')).toEqual(['2']);
    expect(journalSince(j)).toEqual([
      ['HDEL', 'k', 'a'],
      ['HDEL', 'k', 'b'],
    ]);
    expect(events()).toEqual([
      ['hdel', 'k'],
      ['hdel', 'k'],
      ['del', 'k'],
    ]);
    expect(h.run('HGETDEL', 'k', 'FIELDS', '1', 'b')).toEqual([null]);
  });

  it('HSETEX: FNX / FXX, EX journaled as PXAT, KEEPTTL, plain set clearing deadlines', () => {
    expect(h.run('HSETEX', 'k', 'FXX', 'FIELDS', '1', 'a', '1')).toBe(0);
    expect(h.run('EXISTS', 'k')).toBe(0);
    events();
    const j = h.journal.length;
    expect(h.run('HSETEX', 'k', 'FNX', 'EX', '10', 'FIELDS', '2', 'a', '1', 'b', '2')).toBe(1);
    expect(events()).toEqual([
      ['hset', 'k'],
      ['hexpire', 'k'],
    ]);
    expect(h.run('HSETEX', 'k', 'FNX', 'FIELDS', '2', 'a', '9', 'c', '3')).toBe(0);
    expect(h.run('HSETEX', 'k', 'FXX', 'KEEPTTL', 'FIELDS', '1', 'a', '5')).toBe(1);
    expect(h.run('HTTL', 'k', 'FIELDS', '2', 'a', 'b')).toEqual([10, 10]);
    expect(h.run('HSETEX', 'k', 'FIELDS', '1', 'a', '6')).toBe(1);
    expect(h.run('HTTL', 'k', 'FIELDS', '2', 'a', 'b')).toEqual([-1, 10]);
    expect(journalSince(j)).toEqual([
      ['HSETEX', 'k', 'PXAT', String(T0 + 10_000), 'FIELDS', '2', 'a', '1', 'b', '2'],
      ['HSETEX', 'k', 'KEEPTTL', 'FIELDS', '1', 'a', '5'],
      ['HSETEX', 'k', 'FIELDS', '1', 'a', '6'],
    ]);
    expect(h.run('HGETALL', 'k')).toEqual({ a: '6', b: '2' });
  });

  it('HSETEX with a past deadline deletes the fields at once and journals HDEL alone', () => {
    h.run('HSET', 'k', 'a', '1', 'z', '0');
    const j = h.journal.length;
    expect(h.run('HSETEX', 'k', 'PXAT', '1', 'FIELDS', '1', 'a', '2')).toBe(1);
    expect(journalSince(j)).toEqual([['HDEL', 'k', 'a']]);
    expect(h.run('HGETALL', 'k')).toEqual({ z: '0' });
  });
});

describe('the common path stays plain', () => {
  it('a hash without field deadlines holds no deadline bookkeeping, and loses it with its last deadline', () => {
    h.run('HSET', 'k', 'a', '1');
    const value = (): HashValue => h.store.db(0).raw('k')?.value as HashValue;
    expect(value().hasFieldTtls()).toBe(false);
    h.run('HEXPIRE', 'k', '10', 'FIELDS', '1', 'a');
    expect(value().hasFieldTtls()).toBe(true);
    h.run('HPERSIST', 'k', 'FIELDS', '1', 'a');
    expect(value().hasFieldTtls()).toBe(false);
  });
});
