// Keyspace notifications of the string and generic (keyspace) families, and of the n/m classes: exact pushes, as redis-server 7.0 raises them.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../server/client.js';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';

/** One event as written in the tables: [event, key] in db 0, or [event, key, db]. */
type Ev = readonly [event: string, key: string, db?: number];

/**
 * A setup step: a command whose events are discarded, or a number of milliseconds to move the
 * clock by (there is no active expiry in the test executor, so keys expire lazily, on access).
 */
type Step = readonly string[] | number;

interface Case {
  readonly name: string;
  readonly setup?: readonly Step[];
  readonly cmd: readonly string[];
  /** The reply, when it says something about the path taken. */
  readonly reply?: Plain;
  readonly events: readonly Ev[];
}

/** What a PSUBSCRIBE `__key*` client receives for these events, with K and E both enabled. */
function pushes(events: readonly Ev[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [event, key, db = 0] of events) {
    out.push([`__keyspace@${db}__:${key}`, event]);
    out.push([`__keyevent@${db}__:${event}`, key]);
  }
  return out;
}

/** [channel, message] of every pmessage delivered to `c` since the last call. */
function received(h: TestExecutor, c: Client): [string, string][] {
  return h.takePushes(c).map((p) => {
    const [kind, , channel, message] = p as string[];
    expect(kind).toBe('pmessage');
    return [channel as string, message as string];
  });
}

let h: TestExecutor;
let sub: Client;

/** A fresh node with `flags` and a client subscribed to every keyspace channel. */
function start(flags: string): void {
  h = createTestExecutor({ config: { notify_keyspace_events: flags } });
  sub = h.newClient();
  h.runAs(sub, 'PSUBSCRIBE', '__key*');
  h.takePushes(sub);
}

function setup(steps: readonly Step[]): void {
  for (const s of steps) {
    if (typeof s === 'number') h.clock.advance(s);
    else h.run(...s);
  }
  h.takePushes(sub);
}

// Far enough in the future to be valid, far enough in the past to have expired (unix s / ms).
const FUTURE_S = '99999999999';
const FUTURE_MS = '99999999999000';
/** A key with a 50 ms TTL whose time has come: the next lookup reclaims it (`expired`). */
const stale = (key: string): Step[] => [['SET', key, 'v', 'PX', '50'], 100];

// Every row was observed on redis-server 7.0.15 with notify-keyspace-events KEAmn, except where a
// comment says otherwise.
const STRING_CASES: Case[] = [
  { name: 'SET of a new key', cmd: ['SET', 'k', 'v'], events: [['new', 'k'], ['set', 'k']] },
  { name: 'SET over a key', setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'v2'], events: [['set', 'k']] },
  { name: 'SET EX over a key', setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'v', 'EX', '100'], events: [['set', 'k'], ['expire', 'k']] },
  { name: 'SET PX of a new key', cmd: ['SET', 'k', 'v', 'PX', '100000'], events: [['new', 'k'], ['set', 'k'], ['expire', 'k']] },
  { name: 'SET EXAT', cmd: ['SET', 'k', 'v', 'EXAT', FUTURE_S], events: [['new', 'k'], ['set', 'k'], ['expire', 'k']] },
  { name: 'SET KEEPTTL', setup: [['SET', 'k', 'v', 'EX', '100']], cmd: ['SET', 'k', 'w', 'KEEPTTL'], events: [['set', 'k']] },
  { name: 'SET NX on an existing key', setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'v', 'NX'], reply: null, events: [] },
  { name: 'SET NX of a new key', cmd: ['SET', 'k', 'v', 'NX'], events: [['new', 'k'], ['set', 'k']] },
  { name: 'SET XX on an existing key', setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'v', 'XX'], events: [['set', 'k']] },
  { name: 'SET XX on a missing key', cmd: ['SET', 'k', 'v', 'XX'], reply: null, events: [] },
  { name: 'SET GET of a new key (GET misses)', cmd: ['SET', 'k', 'v', 'GET'], events: [['keymiss', 'k'], ['new', 'k'], ['set', 'k']] },
  { name: 'SET NX GET of a new key', cmd: ['SET', 'k', 'v', 'NX', 'GET'], events: [['keymiss', 'k'], ['new', 'k'], ['set', 'k']] },
  { name: 'SET GET over a key', setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'w', 'GET'], reply: 'v', events: [['set', 'k']] },
  // Redis 7.0 stores the key with its past TTL and raises `expired` when it reclaims it, at once
  // or on the next access; the key is reclaimed immediately here, so `expired` follows directly.
  {
    name: 'SET PXAT in the past, new key',
    cmd: ['SET', 'k', 'v', 'PXAT', '1'],
    reply: '+OK',
    events: [['new', 'k'], ['set', 'k'], ['expire', 'k'], ['expired', 'k']],
  },
  {
    name: 'SET EXAT in the past over a key',
    setup: [['SET', 'k', 'v']],
    cmd: ['SET', 'k', 'k', 'EXAT', '1'],
    events: [['set', 'k'], ['expire', 'k'], ['expired', 'k']],
  },
  {
    name: 'SET over a key whose time has come',
    setup: stale('k'),
    cmd: ['SET', 'k', 'w'],
    events: [['expired', 'k'], ['new', 'k'], ['set', 'k']],
  },
  { name: 'SET with an invalid expire', cmd: ['SET', 'k', 'v', 'EX', '0'], reply: "-ERR invalid expire time in 'set' command", events: [] },
  { name: 'SET GET on a list', setup: [['RPUSH', 'l', 'a']], cmd: ['SET', 'l', 'v', 'GET'], events: [] },
  { name: 'SETNX of a new key', cmd: ['SETNX', 'k', 'v'], reply: 1, events: [['new', 'k'], ['set', 'k']] },
  { name: 'SETNX on an existing key', setup: [['SET', 'k', 'v']], cmd: ['SETNX', 'k', 'v'], reply: 0, events: [] },
  { name: 'SETNX over a key whose time has come', setup: stale('k'), cmd: ['SETNX', 'k', 'x'], reply: 1, events: [['expired', 'k'], ['new', 'k'], ['set', 'k']] },
  { name: 'SETEX', cmd: ['SETEX', 'k', '100', 'v'], events: [['new', 'k'], ['set', 'k'], ['expire', 'k']] },
  { name: 'PSETEX', cmd: ['PSETEX', 'k', '100000', 'v'], events: [['new', 'k'], ['set', 'k'], ['expire', 'k']] },
  { name: 'GET of a key', setup: [['SET', 'k', 'v']], cmd: ['GET', 'k'], reply: 'v', events: [] },
  { name: 'GET of a missing key', cmd: ['GET', 'nokey'], reply: null, events: [['keymiss', 'nokey']] },
  { name: 'GET of a key whose time has come', setup: stale('k'), cmd: ['GET', 'k'], reply: null, events: [['expired', 'k'], ['keymiss', 'k']] },
  { name: 'GET of a list', setup: [['RPUSH', 'l', 'a']], cmd: ['GET', 'l'], events: [] },
  { name: 'GETEX without options', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k'], events: [] },
  { name: 'GETEX of a missing key', cmd: ['GETEX', 'nokey', 'EX', '10'], events: [['keymiss', 'nokey']] },
  { name: 'GETEX EX', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'EX', '100'], events: [['expire', 'k']] },
  { name: 'GETEX EXAT', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'EXAT', FUTURE_S], events: [['expire', 'k']] },
  { name: 'GETEX PERSIST of a volatile key', setup: [['SET', 'k', 'v', 'EX', '100']], cmd: ['GETEX', 'k', 'PERSIST'], events: [['persist', 'k']] },
  { name: 'GETEX PERSIST of a persistent key', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'PERSIST'], events: [] },
  { name: 'GETEX PXAT in the past deletes', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'PXAT', '1'], reply: 'v', events: [['del', 'k']] },
  { name: 'GETEX with an invalid expire', setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'EX', '-1'], events: [] },
  { name: 'GETDEL of a key', setup: [['SET', 'k', 'v']], cmd: ['GETDEL', 'k'], reply: 'v', events: [['del', 'k']] },
  { name: 'GETDEL of a missing key', cmd: ['GETDEL', 'k'], reply: null, events: [['keymiss', 'k']] },
  { name: 'GETSET of a new key', cmd: ['GETSET', 'k', 'v'], events: [['keymiss', 'k'], ['new', 'k'], ['set', 'k']] },
  { name: 'GETSET over a key', setup: [['SET', 'k', 'v']], cmd: ['GETSET', 'k', 'w'], events: [['set', 'k']] },
  {
    name: 'MGET misses each missing key, not the wrong-typed one',
    setup: [['SET', 'a', '1'], ['RPUSH', 'l', 'x']],
    cmd: ['MGET', 'a', 'nokey', 'l', 'k2'],
    reply: ['1', null, null, null],
    events: [['keymiss', 'nokey'], ['keymiss', 'k2']],
  },
  {
    name: 'MSET, a repeated key raises set twice',
    cmd: ['MSET', 'a', '1', 'b', '2', 'a', '3'],
    events: [['new', 'a'], ['set', 'a'], ['new', 'b'], ['set', 'b'], ['set', 'a']],
  },
  { name: 'MSETNX that sets nothing', setup: [['SET', 'a', '1']], cmd: ['MSETNX', 'a', '1', 'c', '2'], reply: 0, events: [] },
  { name: 'MSETNX', cmd: ['MSETNX', 'c', '1', 'd', '2'], reply: 1, events: [['new', 'c'], ['set', 'c'], ['new', 'd'], ['set', 'd']] },
  {
    name: 'MSETNX over a key whose time has come',
    setup: stale('x1'),
    cmd: ['MSETNX', 'x1', 'a', 'x3', 'b'],
    reply: 1,
    events: [['expired', 'x1'], ['new', 'x1'], ['set', 'x1'], ['new', 'x3'], ['set', 'x3']],
  },
  { name: 'APPEND of a new key', cmd: ['APPEND', 's', 'abc'], events: [['new', 's'], ['append', 's']] },
  { name: 'APPEND to a volatile key', setup: [['SET', 's', 'v', 'PX', '100000']], cmd: ['APPEND', 's', 'x'], events: [['append', 's']] },
  { name: 'APPEND of nothing still appends', setup: [['SET', 's', 'v']], cmd: ['APPEND', 's', ''], events: [['append', 's']] },
  { name: 'APPEND to a key whose time has come', setup: stale('s'), cmd: ['APPEND', 's', 'x'], events: [['expired', 's'], ['new', 's'], ['append', 's']] },
  { name: 'SETRANGE of nothing on a missing key', cmd: ['SETRANGE', 's', '0', ''], reply: 0, events: [] },
  { name: 'SETRANGE of a new key', cmd: ['SETRANGE', 's', '3', 'x'], reply: 4, events: [['new', 's'], ['setrange', 's']] },
  { name: 'SETRANGE of nothing on a key', setup: [['SET', 's', 'abcd']], cmd: ['SETRANGE', 's', '0', ''], reply: 4, events: [] },
  { name: 'SETRANGE over a key', setup: [['SET', 's', 'abcd']], cmd: ['SETRANGE', 's', '0', 'y'], events: [['setrange', 's']] },
  { name: 'INCR of a new key', cmd: ['INCR', 'n'], events: [['new', 'n'], ['incrby', 'n']] },
  { name: 'INCR', setup: [['SET', 'n', '1']], cmd: ['INCR', 'n'], events: [['incrby', 'n']] },
  { name: 'DECR', setup: [['SET', 'n', '1']], cmd: ['DECR', 'n'], events: [['incrby', 'n']] },
  { name: 'INCRBY', setup: [['SET', 'n', '1']], cmd: ['INCRBY', 'n', '5'], events: [['incrby', 'n']] },
  { name: 'DECRBY', setup: [['SET', 'n', '1']], cmd: ['DECRBY', 'n', '2'], events: [['incrby', 'n']] },
  { name: 'INCR keeps the TTL, raises no expire', setup: [['SET', 'n', '1', 'EX', '100']], cmd: ['INCR', 'n'], events: [['incrby', 'n']] },
  { name: 'INCR of a key whose time has come', setup: stale('n'), cmd: ['INCR', 'n'], reply: 1, events: [['expired', 'n'], ['new', 'n'], ['incrby', 'n']] },
  { name: 'INCR of a non-integer', setup: [['SET', 'n', 'abc']], cmd: ['INCR', 'n'], events: [] },
  { name: 'INCRBY that overflows', setup: [['SET', 'n', '1']], cmd: ['INCRBY', 'n', '9223372036854775807'], events: [] },
  { name: 'INCRBYFLOAT of a new key', cmd: ['INCRBYFLOAT', 'f', '1.5'], events: [['new', 'f'], ['incrbyfloat', 'f']] },
  { name: 'INCRBYFLOAT', setup: [['SET', 'f', '1']], cmd: ['INCRBYFLOAT', 'f', '1'], events: [['incrbyfloat', 'f']] },
  { name: 'INCRBYFLOAT of a non-float', setup: [['SET', 'f', 'abc']], cmd: ['INCRBYFLOAT', 'f', '1'], events: [] },
  { name: 'STRLEN of a missing key', cmd: ['STRLEN', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'STRLEN of a key', setup: [['SET', 's', 'abc']], cmd: ['STRLEN', 's'], events: [] },
  { name: 'GETRANGE of a missing key', cmd: ['GETRANGE', 'nokey', '0', '1'], events: [['keymiss', 'nokey']] },
  { name: 'SUBSTR of a key', setup: [['SET', 's', 'abc']], cmd: ['SUBSTR', 's', '0', '1'], events: [] },
  { name: 'LCS with one missing key', setup: [['SET', 's', 'abc']], cmd: ['LCS', 's', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'LCS with two missing keys', cmd: ['LCS', 'a', 'b'], events: [['keymiss', 'a'], ['keymiss', 'b']] },
];

const KEYSPACE_CASES: Case[] = [
  {
    name: 'DEL raises del per removed key, in order',
    setup: [['MSET', 'a', '1', 'b', '2']],
    cmd: ['DEL', 'a', 'nokey', 'b'],
    reply: 2,
    events: [['del', 'a'], ['del', 'b']],
  },
  { name: 'UNLINK raises del', setup: [['SET', 'c', '1']], cmd: ['UNLINK', 'c', 'nokey'], events: [['del', 'c']] },
  { name: 'DEL of a missing key', cmd: ['DEL', 'nokey'], reply: 0, events: [] },
  { name: 'DEL of a key whose time has come', setup: stale('q'), cmd: ['DEL', 'q'], reply: 0, events: [['expired', 'q']] },
  { name: 'EXISTS misses each time', cmd: ['EXISTS', 'nokey', 'nokey'], events: [['keymiss', 'nokey'], ['keymiss', 'nokey']] },
  { name: 'EXISTS of a key whose time has come', setup: stale('r'), cmd: ['EXISTS', 'r'], events: [['expired', 'r'], ['keymiss', 'r']] },
  { name: 'TOUCH of a missing key', cmd: ['TOUCH', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'TYPE of a missing key', cmd: ['TYPE', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'TTL of a missing key', cmd: ['TTL', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'PTTL of a missing key', cmd: ['PTTL', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'EXPIRETIME of a missing key', cmd: ['EXPIRETIME', 'nokey'], events: [['keymiss', 'nokey']] },
  { name: 'PEXPIRETIME of a missing key', cmd: ['PEXPIRETIME', 'nokey'], events: [['keymiss', 'nokey']] },
  // OBJECT looks keys up with LOOKUP_NONOTIFY: a miss is counted but raises nothing.
  { name: 'OBJECT ENCODING of a missing key', cmd: ['OBJECT', 'ENCODING', 'nokey'], events: [] },
  { name: 'OBJECT FREQ of a missing key', cmd: ['OBJECT', 'FREQ', 'nokey'], events: [] },
  { name: 'OBJECT IDLETIME of a missing key', cmd: ['OBJECT', 'IDLETIME', 'nokey'], events: [] },
  { name: 'OBJECT REFCOUNT of a missing key', cmd: ['OBJECT', 'REFCOUNT', 'nokey'], events: [] },
  { name: 'OBJECT ENCODING of a key whose time has come', setup: stale('r'), cmd: ['OBJECT', 'ENCODING', 'r'], events: [['expired', 'r']] },
  { name: 'KEYS skips a key whose time has come, raising nothing', setup: stale('r'), cmd: ['KEYS', 'r'], events: [] },
  { name: 'SCAN reclaims a key whose time has come', setup: stale('r'), cmd: ['SCAN', '0'], events: [['expired', 'r']] },
  { name: 'DBSIZE', setup: [['SET', 'a', '1']], cmd: ['DBSIZE'], events: [] },
  { name: 'RANDOMKEY of an empty db', cmd: ['RANDOMKEY'], events: [] },
  {
    name: 'RENAME: new for the destination, then rename_from and rename_to',
    setup: [['SET', 'a', '1']],
    cmd: ['RENAME', 'a', 'b'],
    events: [['new', 'b'], ['rename_from', 'a'], ['rename_to', 'b']],
  },
  {
    name: 'RENAME over an existing key: new, and no del for the old destination',
    setup: [['SET', 'b', '1'], ['SET', 'c', '3']],
    cmd: ['RENAME', 'b', 'c'],
    events: [['new', 'c'], ['rename_from', 'b'], ['rename_to', 'c']],
  },
  { name: 'RENAMENX', setup: [['SET', 'c', '1']], cmd: ['RENAMENX', 'c', 'd'], reply: 1, events: [['new', 'd'], ['rename_from', 'c'], ['rename_to', 'd']] },
  { name: 'RENAMENX onto an existing key', setup: [['SET', 'd', '1'], ['SET', 'e', '1']], cmd: ['RENAMENX', 'd', 'e'], reply: 0, events: [] },
  { name: 'RENAME onto itself', setup: [['SET', 'd', '1']], cmd: ['RENAME', 'd', 'd'], reply: '+OK', events: [] },
  { name: 'RENAME of a missing key', cmd: ['RENAME', 'nokey', 'z'], reply: '-ERR no such key', events: [] },
  { name: 'RENAME of a key whose time has come', setup: stale('r'), cmd: ['RENAME', 'r', 'r2'], reply: '-ERR no such key', events: [['expired', 'r']] },
  {
    name: 'RENAME onto a key whose time has come',
    setup: [['SET', 'r', 'v', 'PX', '50'], ['SET', 'r2', 'v'], 100],
    cmd: ['RENAME', 'r2', 'r'],
    events: [['expired', 'r'], ['new', 'r'], ['rename_from', 'r2'], ['rename_to', 'r']],
  },
  {
    name: 'MOVE: new and move_to in the destination db, move_from in the source',
    setup: [['SET', 'd', '1']],
    cmd: ['MOVE', 'd', '1'],
    reply: 1,
    events: [['new', 'd', 1], ['move_from', 'd', 0], ['move_to', 'd', 1]],
  },
  { name: 'MOVE onto an existing key', setup: [['SET', 'x', '1'], ['SELECT', '1'], ['SET', 'x', '2'], ['SELECT', '0']], cmd: ['MOVE', 'x', '1'], reply: 0, events: [] },
  { name: 'MOVE of a missing key', cmd: ['MOVE', 'nokey', '1'], reply: 0, events: [] },
  { name: 'MOVE of a key whose time has come', setup: stale('r'), cmd: ['MOVE', 'r', '1'], reply: 0, events: [['expired', 'r']] },
  { name: 'COPY', setup: [['SET', 'y', '1']], cmd: ['COPY', 'y', 'y2'], reply: 1, events: [['new', 'y2'], ['copy_to', 'y2']] },
  { name: 'COPY onto an existing key', setup: [['SET', 'y', '1'], ['SET', 'y2', '1']], cmd: ['COPY', 'y', 'y2'], reply: 0, events: [] },
  {
    name: 'COPY REPLACE: new, and no del for the old destination',
    setup: [['SET', 'y', '1'], ['SET', 'y2', '1']],
    cmd: ['COPY', 'y', 'y2', 'REPLACE'],
    events: [['new', 'y2'], ['copy_to', 'y2']],
  },
  { name: 'COPY DB: both events in the destination db', setup: [['SET', 'y', '1']], cmd: ['COPY', 'y', 'y3', 'DB', '2'], events: [['new', 'y3', 2], ['copy_to', 'y3', 2]] },
  { name: 'COPY DB to the same key name', setup: [['SET', 'k', '1']], cmd: ['COPY', 'k', 'k', 'DB', '1'], events: [['new', 'k', 1], ['copy_to', 'k', 1]] },
  { name: 'COPY of a missing key misses', cmd: ['COPY', 'nokey', 'y4'], reply: 0, events: [['keymiss', 'nokey']] },
  { name: 'COPY of a key whose time has come', setup: stale('r'), cmd: ['COPY', 'r', 'r5'], reply: 0, events: [['expired', 'r'], ['keymiss', 'r']] },
  { name: 'EXPIRE', setup: [['SET', 't', '1']], cmd: ['EXPIRE', 't', '100'], reply: 1, events: [['expire', 't']] },
  { name: 'PEXPIRE', setup: [['SET', 't', '1']], cmd: ['PEXPIRE', 't', '100000'], events: [['expire', 't']] },
  { name: 'EXPIREAT', setup: [['SET', 't', '1']], cmd: ['EXPIREAT', 't', FUTURE_S], events: [['expire', 't']] },
  { name: 'PEXPIREAT', setup: [['SET', 't', '1']], cmd: ['PEXPIREAT', 't', FUTURE_MS], events: [['expire', 't']] },
  { name: 'EXPIRE NX on a volatile key', setup: [['SET', 't', '1', 'EX', '100']], cmd: ['EXPIRE', 't', '100', 'NX'], reply: 0, events: [] },
  { name: 'EXPIRE XX on a volatile key', setup: [['SET', 't', '1', 'EX', '100']], cmd: ['EXPIRE', 't', '200', 'XX'], reply: 1, events: [['expire', 't']] },
  { name: 'EXPIRE GT on a persistent key', setup: [['SET', 't', '1']], cmd: ['EXPIRE', 't', '100', 'GT'], reply: 0, events: [] },
  { name: 'EXPIRE of a missing key', cmd: ['EXPIRE', 'nokey', '10'], reply: 0, events: [] },
  { name: 'EXPIRE of a key whose time has come', setup: stale('r'), cmd: ['EXPIRE', 'r', '100'], reply: 0, events: [['expired', 'r']] },
  { name: 'EXPIRE with a negative time deletes: del, not expired', setup: [['SET', 't', '1']], cmd: ['EXPIRE', 't', '-1'], reply: 1, events: [['del', 't']] },
  { name: 'PEXPIRE 0 deletes', setup: [['SET', 't', '1']], cmd: ['PEXPIRE', 't', '0'], events: [['del', 't']] },
  { name: 'EXPIREAT in the past deletes', setup: [['SET', 't', '1']], cmd: ['EXPIREAT', 't', '1'], events: [['del', 't']] },
  { name: 'PEXPIREAT in the past deletes', setup: [['SET', 't', '1']], cmd: ['PEXPIREAT', 't', '1'], events: [['del', 't']] },
  { name: 'EXPIRE with a bad option', setup: [['SET', 't', '1']], cmd: ['EXPIRE', 't', '10', 'FOO'], events: [] },
  { name: 'PERSIST of a volatile key', setup: [['SET', 't', '1', 'EX', '100']], cmd: ['PERSIST', 't'], reply: 1, events: [['persist', 't']] },
  { name: 'PERSIST of a persistent key', setup: [['SET', 't', '1']], cmd: ['PERSIST', 't'], reply: 0, events: [] },
  { name: 'PERSIST of a missing key', cmd: ['PERSIST', 'nokey'], reply: 0, events: [] },
  // FLUSHDB, FLUSHALL and SWAPDB raise nothing, not even per key.
  { name: 'FLUSHDB', setup: [['MSET', 'a', '1', 'b', '2']], cmd: ['FLUSHDB'], events: [] },
  { name: 'FLUSHDB ASYNC', setup: [['MSET', 'a', '1', 'b', '2']], cmd: ['FLUSHDB', 'ASYNC'], events: [] },
  { name: 'FLUSHALL', setup: [['MSET', 'a', '1', 'b', '2']], cmd: ['FLUSHALL'], events: [] },
  { name: 'SWAPDB', setup: [['MSET', 'a', '1', 'b', '2']], cmd: ['SWAPDB', '0', '1'], events: [] },
  { name: 'SWAPDB of a db with itself', setup: [['SET', 'a', '1']], cmd: ['SWAPDB', '0', '0'], events: [] },
];

describe('keyspace notifications (KEAmn, redis-server 7.0 observed)', () => {
  beforeEach(() => start('KEAmn'));

  describe.each([
    ['strings', STRING_CASES],
    ['keyspace', KEYSPACE_CASES],
  ])('%s', (_family, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      setup(c.setup ?? []);
      const reply = h.run(...c.cmd);
      if (c.reply !== undefined) expect(reply).toEqual(c.reply);
      expect(received(h, sub)).toEqual(pushes(c.events));
    });
  });

  it('queued commands raise their events when EXEC runs them, in order', () => {
    h.run('MULTI');
    h.run('SET', 'm1', 'a');
    h.run('INCR', 'm2');
    h.run('DEL', 'm1');
    expect(received(h, sub)).toEqual([]);
    h.run('EXEC');
    expect(received(h, sub)).toEqual(
      pushes([
        ['new', 'm1'],
        ['set', 'm1'],
        ['new', 'm2'],
        ['incrby', 'm2'],
        ['del', 'm1'],
      ]),
    );
  });

  it('events carry the selected database', () => {
    h.run('SELECT', '3');
    h.run('SET', 'k', 'v', 'EX', '10');
    h.run('GET', 'nokey');
    expect(received(h, sub)).toEqual(
      pushes([
        ['new', 'k', 3],
        ['set', 'k', 3],
        ['expire', 'k', 3],
        ['keymiss', 'nokey', 3],
      ]),
    );
  });

  it('MOVE from another selected database names both databases right and keeps the selection', () => {
    h.run('SELECT', '2');
    h.run('SET', 'k', 'v');
    h.takePushes(sub);
    h.run('MOVE', 'k', '0');
    expect(received(h, sub)).toEqual(
      pushes([
        ['new', 'k', 0],
        ['move_from', 'k', 2],
        ['move_to', 'k', 0],
      ]),
    );
    expect(h.client.db).toBe(2);
    expect(h.run('SET', 'j', 'v')).toBe('+OK');
    expect(received(h, sub)).toEqual(pushes([['new', 'j', 2], ['set', 'j', 2]]));
  });

  it('a key expiring without being accessed raises expired from the active cycle', () => {
    setup([['SET', 'k', 'v', 'PX', '50']]);
    h.clock.advance(100);
    h.store.activeExpireCycle(25);
    expect(received(h, sub)).toEqual(pushes([['expired', 'k']]));
  });
});

describe('keyspace notifications: classes select the events', () => {
  it('KEA has neither new nor keymiss (A is g$lshzxetd)', () => {
    start('KEA');
    h.run('SET', 'k', 'v');
    h.run('GET', 'nokey');
    expect(received(h, sub)).toEqual(pushes([['set', 'k']]));
  });

  it('n alone raises only new, m alone only keymiss', () => {
    start('Kn');
    h.run('SET', 'k', 'v');
    h.run('GET', 'nokey');
    h.run('SET', 'k', 'w');
    expect(received(h, sub)).toEqual([['__keyspace@0__:k', 'new']]);
    start('Em');
    h.run('SET', 'k', 'v');
    h.run('GET', 'nokey');
    h.run('OBJECT', 'ENCODING', 'nokey');
    expect(received(h, sub)).toEqual([['__keyevent@0__:keymiss', 'nokey']]);
  });

  it('$ and g split SET EX into set and expire', () => {
    start('K$');
    h.run('SET', 'k', 'v', 'EX', '10');
    h.run('EXPIRE', 'k', '20');
    h.run('INCRBYFLOAT', 'f', '1');
    expect(received(h, sub)).toEqual([
      ['__keyspace@0__:k', 'set'],
      ['__keyspace@0__:f', 'incrbyfloat'],
    ]);
    start('Eg');
    h.run('SET', 'k', 'v', 'EX', '10');
    h.run('GETDEL', 'k');
    expect(received(h, sub)).toEqual([
      ['__keyevent@0__:expire', 'k'],
      ['__keyevent@0__:del', 'k'],
    ]);
  });

  it('classes without K or E publish nothing, and CONFIG SET switches them at once', () => {
    start('A');
    h.run('SET', 'k', 'v');
    expect(received(h, sub)).toEqual([]);
    h.run('CONFIG', 'SET', 'notify-keyspace-events', 'Eg$');
    h.run('SET', 'k', 'v');
    h.run('DEL', 'k');
    expect(received(h, sub)).toEqual([
      ['__keyevent@0__:set', 'k'],
      ['__keyevent@0__:del', 'k'],
    ]);
  });

  it('with notifications off, the hooks publish nothing', () => {
    start('');
    h.run('SET', 'k', 'v');
    h.run('GET', 'nokey');
    expect(received(h, sub)).toEqual([]);
  });
});

describe('keymiss and the keyspace statistics', () => {
  it('OBJECT counts its miss like Redis but raises no keymiss', () => {
    start('KEAm');
    const before = h.store.stats.misses;
    h.run('OBJECT', 'ENCODING', 'nokey');
    h.run('TYPE', 'nokey');
    expect(h.store.stats.misses).toBe(before + 2);
    expect(received(h, sub)).toEqual(pushes([['keymiss', 'nokey']]));
  });

  it('SET with a past expiry counts the key as expired, as Redis does when it reclaims it', () => {
    start('KEA');
    const before = h.store.stats.expiredKeys;
    h.run('SET', 'k', 'v', 'PXAT', '1');
    expect(h.store.stats.expiredKeys).toBe(before + 1);
    expect(h.run('DBSIZE')).toBe(0);
  });
});
