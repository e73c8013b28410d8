// Keyspace notifications of the list, hash and set families and of SORT ... STORE: exact pushes, as redis-server 7.0 raises them.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../server/client.js';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';

/** One event as written in the tables: [event, key] in db 0, or [event, key, db]. */
type Ev = readonly [event: string, key: string, db?: number];

interface Case {
  readonly name: string;
  /** Commands whose events are discarded. */
  readonly setup?: readonly (readonly string[])[];
  /** Blocking commands, each from its own client, parked (in this order) before `cmd` runs. */
  readonly block?: readonly (readonly string[])[];
  readonly cmd: readonly string[];
  /** The reply to `cmd` (omitted where it is random). */
  readonly reply?: Plain;
  /** The replies the blocked clients get once `cmd` has run, in `block` order. */
  readonly served?: readonly Plain[];
  /** Every event, `new` (n) and `keymiss` (m) included, as observed with KEAnm. */
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

/** Lets settled promises deliver before checking whether a blocked command is still pending. */
async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return !done;
}

/** Runs one table row: setup (events dropped), blocked clients, the command; answers what `sub` got. */
async function runCase(c: Case): Promise<[string, string][]> {
  for (const s of c.setup ?? []) h.run(...s);
  h.takePushes(sub);
  const waits: Promise<Plain>[] = [];
  for (const argv of c.block ?? []) {
    const before = h.server.blockedClients();
    waits.push(h.runAsync(h.newClient(), ...argv));
    expect(h.server.blockedClients()).toBe(before + 1);
  }
  const reply = h.run(...c.cmd);
  if (c.reply !== undefined) expect(reply).toEqual(c.reply);
  const served = await Promise.all(waits);
  if (c.served !== undefined) expect(served).toEqual(c.served);
  return received(h, sub);
}

// Every row was observed on redis-server 7.0.15 with notify-keyspace-events KEAnm (the keymiss and
// new events in place) and again with KEA (the same events without them).
const LIST_CASES: Case[] = [
  { name: 'LPUSH of a new key, several elements: one event', cmd: ['LPUSH', 'l', 'a', 'b', 'c'], reply: 3, events: [['new', 'l'], ['lpush', 'l']] },
  { name: 'LPUSH onto a list', setup: [['RPUSH', 'l', 'a']], cmd: ['LPUSH', 'l', 'b'], reply: 2, events: [['lpush', 'l']] },
  { name: 'RPUSH of a new key', cmd: ['RPUSH', 'l', 'a', 'b'], reply: 2, events: [['new', 'l'], ['rpush', 'l']] },
  { name: 'RPUSH onto a list', setup: [['RPUSH', 'l', 'a']], cmd: ['RPUSH', 'l', 'b', 'c'], reply: 3, events: [['rpush', 'l']] },
  { name: 'LPUSH onto a string', setup: [['SET', 's', 'v']], cmd: ['LPUSH', 's', 'a'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'LPUSHX of a missing key', cmd: ['LPUSHX', 'l', 'a'], reply: 0, events: [] },
  { name: 'LPUSHX onto a list', setup: [['RPUSH', 'l', 'a']], cmd: ['LPUSHX', 'l', 'b', 'c'], reply: 3, events: [['lpush', 'l']] },
  { name: 'RPUSHX onto a list', setup: [['RPUSH', 'l', 'a']], cmd: ['RPUSHX', 'l', 'b'], reply: 2, events: [['rpush', 'l']] },
  { name: 'RPUSHX of a missing key', cmd: ['RPUSHX', 'l', 'b'], reply: 0, events: [] },
  { name: 'LINSERT', setup: [['RPUSH', 'l', 'a', 'c']], cmd: ['LINSERT', 'l', 'BEFORE', 'c', 'b'], reply: 3, events: [['linsert', 'l']] },
  { name: 'LINSERT AFTER', setup: [['RPUSH', 'l', 'a', 'c']], cmd: ['LINSERT', 'l', 'AFTER', 'c', 'd'], reply: 3, events: [['linsert', 'l']] },
  { name: 'LINSERT without the pivot', setup: [['RPUSH', 'l', 'a']], cmd: ['LINSERT', 'l', 'BEFORE', 'x', 'b'], reply: -1, events: [] },
  { name: 'LINSERT of a missing key', cmd: ['LINSERT', 'l', 'BEFORE', 'x', 'b'], reply: 0, events: [] },
  { name: 'LSET', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LSET', 'l', '-1', 'z'], reply: '+OK', events: [['lset', 'l']] },
  { name: 'LSET out of range', setup: [['RPUSH', 'l', 'a']], cmd: ['LSET', 'l', '5', 'z'], reply: '-ERR index out of range', events: [] },
  { name: 'LSET of a missing key', cmd: ['LSET', 'l', '0', 'z'], reply: '-ERR no such key', events: [] },
  { name: 'LREM', setup: [['RPUSH', 'l', 'a', 'b', 'a']], cmd: ['LREM', 'l', '0', 'a'], reply: 2, events: [['lrem', 'l']] },
  { name: 'LREM that empties the list', setup: [['RPUSH', 'l', 'a', 'a']], cmd: ['LREM', 'l', '0', 'a'], reply: 2, events: [['lrem', 'l'], ['del', 'l']] },
  { name: 'LREM without a match', setup: [['RPUSH', 'l', 'a']], cmd: ['LREM', 'l', '0', 'x'], reply: 0, events: [] },
  { name: 'LREM of a missing key', cmd: ['LREM', 'l', '0', 'x'], reply: 0, events: [] },
  { name: 'LTRIM', setup: [['RPUSH', 'l', 'a', 'b', 'c']], cmd: ['LTRIM', 'l', '0', '1'], reply: '+OK', events: [['ltrim', 'l']] },
  { name: 'LTRIM that empties the list', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LTRIM', 'l', '5', '10'], reply: '+OK', events: [['ltrim', 'l'], ['del', 'l']] },
  { name: 'LTRIM that keeps everything', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LTRIM', 'l', '0', '-1'], reply: '+OK', events: [['ltrim', 'l']] },
  { name: 'LTRIM of a missing key', cmd: ['LTRIM', 'l', '0', '1'], reply: '+OK', events: [] },
  { name: 'LPOP', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LPOP', 'l'], reply: 'a', events: [['lpop', 'l']] },
  { name: 'LPOP of the last element', setup: [['RPUSH', 'l', 'a']], cmd: ['LPOP', 'l'], reply: 'a', events: [['lpop', 'l'], ['del', 'l']] },
  { name: 'LPOP of a missing key', cmd: ['LPOP', 'l'], reply: null, events: [] },
  { name: 'RPOP', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['RPOP', 'l'], reply: 'b', events: [['rpop', 'l']] },
  { name: 'RPOP of the last element', setup: [['RPUSH', 'l', 'a']], cmd: ['RPOP', 'l'], reply: 'a', events: [['rpop', 'l'], ['del', 'l']] },
  { name: 'LPOP with a count: one event', setup: [['RPUSH', 'l', 'a', 'b', 'c']], cmd: ['LPOP', 'l', '2'], reply: ['a', 'b'], events: [['lpop', 'l']] },
  { name: 'RPOP with a count that empties the list', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['RPOP', 'l', '5'], reply: ['b', 'a'], events: [['rpop', 'l'], ['del', 'l']] },
  { name: 'LPOP with a count of 0', setup: [['RPUSH', 'l', 'a']], cmd: ['LPOP', 'l', '0'], reply: [], events: [] },
  { name: 'LPOP with a count of a missing key', cmd: ['LPOP', 'l', '2'], reply: null, events: [] },
  { name: 'LPOP of a string', setup: [['SET', 's', 'v']], cmd: ['LPOP', 's'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'LMOVE to a new list', setup: [['RPUSH', 'src', 'a', 'b']], cmd: ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], reply: 'a', events: [['new', 'dst'], ['rpush', 'dst'], ['lpop', 'src']] },
  { name: 'LMOVE to a list, emptying the source', setup: [['RPUSH', 'src', 'a'], ['RPUSH', 'dst', 'x']], cmd: ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'], reply: 'a', events: [['lpush', 'dst'], ['rpop', 'src'], ['del', 'src']] },
  { name: 'LMOVE to a new list, emptying the source', setup: [['RPUSH', 'src', 'a']], cmd: ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'], reply: 'a', events: [['new', 'dst'], ['lpush', 'dst'], ['lpop', 'src'], ['del', 'src']] },
  { name: 'LMOVE within one list', setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'], reply: 'a', events: [['rpush', 'l'], ['lpop', 'l']] },
  { name: 'LMOVE within a one-element list', setup: [['RPUSH', 'l', 'a']], cmd: ['LMOVE', 'l', 'l', 'RIGHT', 'LEFT'], reply: 'a', events: [['lpush', 'l'], ['rpop', 'l']] },
  { name: 'LMOVE of a missing source', cmd: ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], reply: null, events: [] },
  { name: 'LMOVE to a string', setup: [['RPUSH', 'src', 'a'], ['SET', 's', 'v']], cmd: ['LMOVE', 'src', 's', 'LEFT', 'RIGHT'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'RPOPLPUSH', setup: [['RPUSH', 'src', 'a', 'b'], ['RPUSH', 'dst', 'x']], cmd: ['RPOPLPUSH', 'src', 'dst'], reply: 'b', events: [['lpush', 'dst'], ['rpop', 'src']] },
  { name: 'RPOPLPUSH emptying the source into a new list', setup: [['RPUSH', 'src', 'a']], cmd: ['RPOPLPUSH', 'src', 'dst'], reply: 'a', events: [['new', 'dst'], ['lpush', 'dst'], ['rpop', 'src'], ['del', 'src']] },
  { name: 'LMPOP', setup: [['RPUSH', 'b', 'x', 'y', 'z']], cmd: ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'], reply: ['b', ['z', 'y']], events: [['rpop', 'b']] },
  { name: 'LMPOP that empties the list', setup: [['RPUSH', 'b', 'x', 'y']], cmd: ['LMPOP', '2', 'a', 'b', 'LEFT', 'COUNT', '9'], reply: ['b', ['x', 'y']], events: [['lpop', 'b'], ['del', 'b']] },
  { name: 'LMPOP of missing keys', cmd: ['LMPOP', '2', 'a', 'b', 'LEFT'], reply: null, events: [] },
  { name: 'BLPOP served at once', setup: [['RPUSH', 'b', 'x', 'y']], cmd: ['BLPOP', 'a', 'b', '0'], reply: ['b', 'x'], events: [['lpop', 'b']] },
  { name: 'BRPOP served at once, emptying the list', setup: [['RPUSH', 'b', 'x']], cmd: ['BRPOP', 'a', 'b', '0'], reply: ['b', 'x'], events: [['rpop', 'b'], ['del', 'b']] },
  { name: 'BLMPOP served at once', setup: [['RPUSH', 'b', 'x', 'y', 'z']], cmd: ['BLMPOP', '0', '1', 'b', 'LEFT', 'COUNT', '2'], reply: ['b', ['x', 'y']], events: [['lpop', 'b']] },
  { name: 'BLMOVE served at once', setup: [['RPUSH', 'src', 'a']], cmd: ['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0'], reply: 'a', events: [['new', 'dst'], ['lpush', 'dst'], ['rpop', 'src'], ['del', 'src']] },
  { name: 'BRPOPLPUSH served at once', setup: [['RPUSH', 'src', 'a', 'b'], ['RPUSH', 'dst', 'x']], cmd: ['BRPOPLPUSH', 'src', 'dst', '0'], reply: 'b', events: [['lpush', 'dst'], ['rpop', 'src']] },
  { name: 'BLPOP served later by LPUSH: the push, then the pop and del', block: [['BLPOP', 'l', '0']], cmd: ['LPUSH', 'l', 'a'], reply: 1, served: [['l', 'a']], events: [['new', 'l'], ['lpush', 'l'], ['lpop', 'l'], ['del', 'l']] },
  { name: 'BRPOP served later by RPUSH of two', block: [['BRPOP', 'l', '0']], cmd: ['RPUSH', 'l', 'a', 'b'], reply: 2, served: [['l', 'b']], events: [['new', 'l'], ['rpush', 'l'], ['rpop', 'l']] },
  { name: 'two BLPOP waiters served by one push', block: [['BLPOP', 'l', '0'], ['BRPOP', 'l', '0']], cmd: ['RPUSH', 'l', 'a', 'b', 'c'], reply: 3, served: [['l', 'a'], ['l', 'c']], events: [['new', 'l'], ['rpush', 'l'], ['lpop', 'l'], ['rpop', 'l']] },
  { name: 'BLMPOP served later', block: [['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '5']], cmd: ['RPUSH', 'l', 'a', 'b'], reply: 2, served: [['l', ['a', 'b']]], events: [['new', 'l'], ['rpush', 'l'], ['lpop', 'l'], ['del', 'l']] },
  { name: 'BLMOVE served later', block: [['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0']], cmd: ['RPUSH', 'src', 'a', 'b'], reply: 2, served: ['a'], events: [['new', 'src'], ['rpush', 'src'], ['new', 'dst'], ['rpush', 'dst'], ['lpop', 'src']] },
  { name: 'BLMOVE served later, emptying the source', setup: [['RPUSH', 'dst', 'x']], block: [['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0']], cmd: ['LPUSH', 'src', 'a'], reply: 1, served: ['a'], events: [['new', 'src'], ['lpush', 'src'], ['lpush', 'dst'], ['rpop', 'src'], ['del', 'src']] },
  { name: 'BRPOPLPUSH served later', block: [['BRPOPLPUSH', 'src', 'dst', '0']], cmd: ['LPUSH', 'src', 'a'], reply: 1, served: ['a'], events: [['new', 'src'], ['lpush', 'src'], ['new', 'dst'], ['lpush', 'dst'], ['rpop', 'src'], ['del', 'src']] },
  { name: 'BLMOVE served later onto a string: nothing moves', setup: [['SET', 's', 'v']], block: [['BLMOVE', 'src', 's', 'LEFT', 'RIGHT', '0']], cmd: ['LPUSH', 'src', 'a'], reply: 1, served: ['-WRONGTYPE Operation against a key holding the wrong kind of value'], events: [['new', 'src'], ['lpush', 'src']] },
  { name: 'BLPOP served later by LMOVE', setup: [['RPUSH', 'src', 'a']], block: [['BLPOP', 'l', '0']], cmd: ['LMOVE', 'src', 'l', 'LEFT', 'LEFT'], reply: 'a', served: [['l', 'a']], events: [['new', 'l'], ['lpush', 'l'], ['lpop', 'src'], ['del', 'src'], ['lpop', 'l'], ['del', 'l']] },
  { name: 'two waiters, the second empties the list', block: [['BLPOP', 'l', '0'], ['BRPOP', 'l', '0']], cmd: ['RPUSH', 'l', 'a', 'b'], reply: 2, served: [['l', 'a'], ['l', 'b']], events: [['new', 'l'], ['rpush', 'l'], ['lpop', 'l'], ['rpop', 'l'], ['del', 'l']] },
  { name: 'a waiter on two keys served from the second', block: [['BLPOP', 'k1', 'k2', '0']], cmd: ['RPUSH', 'k2', 'a'], reply: 1, served: [['k2', 'a']], events: [['new', 'k2'], ['rpush', 'k2'], ['lpop', 'k2'], ['del', 'k2']] },
  { name: 'BRPOPLPUSH served later onto a string', setup: [['SET', 's', 'v']], block: [['BRPOPLPUSH', 'src', 's', '0']], cmd: ['RPUSH', 'src', 'a'], reply: 1, served: ['-WRONGTYPE Operation against a key holding the wrong kind of value'], events: [['new', 'src'], ['rpush', 'src']] },
  { name: 'BLMOVE served later within one list', block: [['BLMOVE', 'l', 'l', 'LEFT', 'RIGHT', '0']], cmd: ['RPUSH', 'l', 'a', 'b'], reply: 2, served: ['a'], events: [['new', 'l'], ['rpush', 'l'], ['rpush', 'l'], ['lpop', 'l']] },
  { name: 'BLMOVE waiter fed by BLMOVE waiter', block: [['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'], ['BLMOVE', 'b', 'c', 'LEFT', 'RIGHT', '0']], cmd: ['RPUSH', 'a', 'x'], reply: 1, served: ['x', 'x'], events: [['new', 'a'], ['rpush', 'a'], ['new', 'b'], ['rpush', 'b'], ['lpop', 'a'], ['del', 'a'], ['new', 'c'], ['rpush', 'c'], ['lpop', 'b'], ['del', 'b']] },
  { name: 'LRANGE of a missing key', cmd: ['LRANGE', 'l', '0', '-1'], reply: [], events: [['keymiss', 'l']] },
  { name: 'LLEN of a missing key', cmd: ['LLEN', 'l'], reply: 0, events: [['keymiss', 'l']] },
  { name: 'LINDEX of a missing key', cmd: ['LINDEX', 'l', '0'], reply: null, events: [['keymiss', 'l']] },
  { name: 'LPOS of a missing key', cmd: ['LPOS', 'l', 'a'], reply: null, events: [['keymiss', 'l']] },
  { name: 'LRANGE of a list', setup: [['RPUSH', 'l', 'a']], cmd: ['LRANGE', 'l', '0', '-1'], reply: ['a'], events: [] },
];

const HASH_CASES: Case[] = [
  { name: 'HSET of a new key', cmd: ['HSET', 'h', 'f', 'v', 'g', 'w'], reply: 2, events: [['new', 'h'], ['hset', 'h']] },
  { name: 'HSET of a new field', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSET', 'h', 'g', 'w'], reply: 1, events: [['hset', 'h']] },
  { name: 'HSET of an existing field, same value', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSET', 'h', 'f', 'v'], reply: 0, events: [['hset', 'h']] },
  { name: 'HSET with a missing value', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSET', 'h', 'f', 'v', 'g'], reply: "-ERR wrong number of arguments for 'hset' command", events: [] },
  { name: 'HSET onto a string', setup: [['SET', 's', 'v']], cmd: ['HSET', 's', 'f', 'v'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'HMSET of a new key', cmd: ['HMSET', 'h', 'f', 'v'], reply: '+OK', events: [['new', 'h'], ['hset', 'h']] },
  { name: 'HMSET over fields', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HMSET', 'h', 'f', 'w', 'g', 'x'], reply: '+OK', events: [['hset', 'h']] },
  { name: 'HSETNX of a new key', cmd: ['HSETNX', 'h', 'f', 'v'], reply: 1, events: [['new', 'h'], ['hset', 'h']] },
  { name: 'HSETNX of a new field', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSETNX', 'h', 'g', 'v'], reply: 1, events: [['hset', 'h']] },
  { name: 'HSETNX of an existing field', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HSETNX', 'h', 'f', 'w'], reply: 0, events: [] },
  { name: 'HDEL', setup: [['HSET', 'h', 'f', 'v', 'g', 'w']], cmd: ['HDEL', 'h', 'f', 'x'], reply: 1, events: [['hdel', 'h']] },
  { name: 'HDEL of the last fields', setup: [['HSET', 'h', 'f', 'v', 'g', 'w']], cmd: ['HDEL', 'h', 'f', 'g'], reply: 2, events: [['hdel', 'h'], ['del', 'h']] },
  { name: 'HDEL of a missing field', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HDEL', 'h', 'x'], reply: 0, events: [] },
  { name: 'HDEL of a missing key', cmd: ['HDEL', 'h', 'f'], reply: 0, events: [] },
  { name: 'HINCRBY of a new key', cmd: ['HINCRBY', 'h', 'n', '5'], reply: 5, events: [['new', 'h'], ['hincrby', 'h']] },
  { name: 'HINCRBY', setup: [['HSET', 'h', 'n', '1']], cmd: ['HINCRBY', 'h', 'n', '-2'], reply: -1, events: [['hincrby', 'h']] },
  { name: 'HINCRBY by 0', setup: [['HSET', 'h', 'n', '1']], cmd: ['HINCRBY', 'h', 'n', '0'], reply: 1, events: [['hincrby', 'h']] },
  { name: 'HINCRBY of a non-integer field', setup: [['HSET', 'h', 'n', 'x']], cmd: ['HINCRBY', 'h', 'n', '1'], reply: '-ERR hash value is not an integer', events: [] },
  { name: 'HINCRBY that overflows', setup: [['HSET', 'h', 'n', '9223372036854775807']], cmd: ['HINCRBY', 'h', 'n', '1'], reply: '-ERR increment or decrement would overflow', events: [] },
  { name: 'HINCRBY with a bad increment', cmd: ['HINCRBY', 'h', 'n', 'x'], reply: '-ERR value is not an integer or out of range', events: [] },
  { name: 'HINCRBYFLOAT of a new key', cmd: ['HINCRBYFLOAT', 'h', 'f', '1.5'], reply: '1.5', events: [['new', 'h'], ['hincrbyfloat', 'h']] },
  { name: 'HINCRBYFLOAT', setup: [['HSET', 'h', 'f', '1']], cmd: ['HINCRBYFLOAT', 'h', 'f', '0.25'], reply: '1.25', events: [['hincrbyfloat', 'h']] },
  { name: 'HINCRBYFLOAT of a non-float field', setup: [['HSET', 'h', 'f', 'x']], cmd: ['HINCRBYFLOAT', 'h', 'f', '1'], reply: '-ERR hash value is not a float', events: [] },
  { name: 'HINCRBYFLOAT with an infinite increment', cmd: ['HINCRBYFLOAT', 'h', 'f', 'inf'], reply: '-ERR value is NaN or Infinity', events: [] },
  { name: 'HGET of a missing key', cmd: ['HGET', 'h', 'f'], reply: null, events: [['keymiss', 'h']] },
  { name: 'HGET of a missing field', setup: [['HSET', 'h', 'f', 'v']], cmd: ['HGET', 'h', 'x'], reply: null, events: [] },
  { name: 'HGETALL of a missing key', cmd: ['HGETALL', 'h'], events: [['keymiss', 'h']] },
  { name: 'HLEN of a missing key', cmd: ['HLEN', 'h'], reply: 0, events: [['keymiss', 'h']] },
  { name: 'HEXISTS of a missing key', cmd: ['HEXISTS', 'h', 'f'], reply: 0, events: [['keymiss', 'h']] },
  { name: 'HRANDFIELD of a missing key', cmd: ['HRANDFIELD', 'h'], reply: null, events: [['keymiss', 'h']] },
];

const SET_CASES: Case[] = [
  { name: 'SADD of a new key', cmd: ['SADD', 's', 'a', 'b'], reply: 2, events: [['new', 's'], ['sadd', 's']] },
  { name: 'SADD of a new member', setup: [['SADD', 's', 'a']], cmd: ['SADD', 's', 'a', 'b'], reply: 1, events: [['sadd', 's']] },
  { name: 'SADD of existing members only', setup: [['SADD', 's', 'a']], cmd: ['SADD', 's', 'a'], reply: 0, events: [] },
  { name: 'SADD onto a string', setup: [['SET', 'k', 'v']], cmd: ['SADD', 'k', 'a'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'SREM', setup: [['SADD', 's', 'a', 'b']], cmd: ['SREM', 's', 'a', 'x'], reply: 1, events: [['srem', 's']] },
  { name: 'SREM of the last members', setup: [['SADD', 's', 'a', 'b']], cmd: ['SREM', 's', 'a', 'b'], reply: 2, events: [['srem', 's'], ['del', 's']] },
  { name: 'SREM of a missing member', setup: [['SADD', 's', 'a']], cmd: ['SREM', 's', 'x'], reply: 0, events: [] },
  { name: 'SREM of a missing key', cmd: ['SREM', 's', 'x'], reply: 0, events: [] },
  { name: 'SMOVE', setup: [['SADD', 'src', 'a', 'b'], ['SADD', 'dst', 'x']], cmd: ['SMOVE', 'src', 'dst', 'a'], reply: 1, events: [['srem', 'src'], ['sadd', 'dst']] },
  { name: 'SMOVE emptying the source into a new set', setup: [['SADD', 'src', 'a']], cmd: ['SMOVE', 'src', 'dst', 'a'], reply: 1, events: [['srem', 'src'], ['del', 'src'], ['new', 'dst'], ['sadd', 'dst']] },
  { name: 'SMOVE of a member the destination has', setup: [['SADD', 'src', 'a', 'b'], ['SADD', 'dst', 'a']], cmd: ['SMOVE', 'src', 'dst', 'a'], reply: 1, events: [['srem', 'src']] },
  { name: 'SMOVE of the last member, which the destination has', setup: [['SADD', 'src', 'a'], ['SADD', 'dst', 'a']], cmd: ['SMOVE', 'src', 'dst', 'a'], reply: 1, events: [['srem', 'src'], ['del', 'src']] },
  { name: 'SMOVE of a missing member', setup: [['SADD', 'src', 'a']], cmd: ['SMOVE', 'src', 'dst', 'x'], reply: 0, events: [] },
  { name: 'SMOVE within one set', setup: [['SADD', 's', 'a']], cmd: ['SMOVE', 's', 's', 'a'], reply: 1, events: [] },
  { name: 'SMOVE of a missing source', cmd: ['SMOVE', 'src', 'dst', 'a'], reply: 0, events: [] },
  { name: 'SMOVE onto a string', setup: [['SADD', 'src', 'a'], ['SET', 'k', 'v']], cmd: ['SMOVE', 'src', 'k', 'a'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'SPOP', setup: [['SADD', 's', 'a', 'b']], cmd: ['SPOP', 's'], events: [['spop', 's']] },
  { name: 'SPOP of the last member', setup: [['SADD', 's', 'a']], cmd: ['SPOP', 's'], events: [['spop', 's'], ['del', 's']] },
  { name: 'SPOP of a missing key', cmd: ['SPOP', 's'], reply: null, events: [] },
  { name: 'SPOP with a count: one event', setup: [['SADD', 's', 'a', 'b', 'c']], cmd: ['SPOP', 's', '2'], events: [['spop', 's']] },
  { name: 'SPOP with a count reaching the size', setup: [['SADD', 's', 'a', 'b']], cmd: ['SPOP', 's', '2'], events: [['spop', 's'], ['del', 's']] },
  { name: 'SPOP with a count of 0', setup: [['SADD', 's', 'a']], cmd: ['SPOP', 's', '0'], reply: [], events: [] },
  { name: 'SPOP with a count of a missing key', cmd: ['SPOP', 's', '3'], reply: [], events: [] },
  { name: 'SINTERSTORE into a new key', setup: [['SADD', 'a', '1', '2'], ['SADD', 'b', '2', '3']], cmd: ['SINTERSTORE', 'd', 'a', 'b'], reply: 1, events: [['new', 'd'], ['sinterstore', 'd']] },
  { name: 'SINTERSTORE over a key of another type', setup: [['SADD', 'a', '1', '2'], ['SADD', 'b', '2', '3'], ['SET', 'd', 'v']], cmd: ['SINTERSTORE', 'd', 'a', 'b'], reply: 1, events: [['sinterstore', 'd']] },
  { name: 'SINTERSTORE of an empty intersection over a key', setup: [['SADD', 'a', '1'], ['SADD', 'b', '2'], ['SADD', 'd', 'x']], cmd: ['SINTERSTORE', 'd', 'a', 'b'], reply: 0, events: [['del', 'd']] },
  { name: 'SINTERSTORE with a missing source over a key', setup: [['SADD', 'a', '1'], ['SADD', 'd', 'x']], cmd: ['SINTERSTORE', 'd', 'a', 'nokey'], reply: 0, events: [['keymiss', 'nokey'], ['del', 'd']] },
  { name: 'SINTERSTORE of an empty intersection, no destination', setup: [['SADD', 'a', '1'], ['SADD', 'b', '2']], cmd: ['SINTERSTORE', 'd', 'a', 'b'], reply: 0, events: [] },
  { name: 'SUNIONSTORE into a new key', setup: [['SADD', 'a', '1'], ['SADD', 'b', '2']], cmd: ['SUNIONSTORE', 'd', 'a', 'b'], reply: 2, events: [['new', 'd'], ['sunionstore', 'd']] },
  { name: 'SUNIONSTORE over its own source', setup: [['SADD', 'a', '1'], ['SADD', 'b', '2']], cmd: ['SUNIONSTORE', 'a', 'a', 'b'], reply: 2, events: [['sunionstore', 'a']] },
  { name: 'SUNIONSTORE of missing keys over a key', setup: [['SADD', 'd', 'x']], cmd: ['SUNIONSTORE', 'd', 'n1', 'n2'], reply: 0, events: [['keymiss', 'n1'], ['keymiss', 'n2'], ['del', 'd']] },
  { name: 'SDIFFSTORE into a new key', setup: [['SADD', 'a', '1', '2'], ['SADD', 'b', '2']], cmd: ['SDIFFSTORE', 'd', 'a', 'b'], reply: 1, events: [['new', 'd'], ['sdiffstore', 'd']] },
  { name: 'SDIFFSTORE of an empty difference over a key', setup: [['SADD', 'a', '1'], ['SADD', 'b', '1'], ['SADD', 'd', 'x']], cmd: ['SDIFFSTORE', 'd', 'a', 'b'], reply: 0, events: [['del', 'd']] },
  { name: 'SDIFFSTORE of an empty difference, no destination', setup: [['SADD', 'a', '1']], cmd: ['SDIFFSTORE', 'd', 'a', 'a'], reply: 0, events: [] },
  { name: 'SINTERSTORE with a source of another type', setup: [['SADD', 'a', '1'], ['SET', 'k', 'v'], ['SADD', 'd', 'x']], cmd: ['SINTERSTORE', 'd', 'a', 'k'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'SMEMBERS of a missing key', cmd: ['SMEMBERS', 's'], reply: [], events: [['keymiss', 's']] },
  { name: 'SISMEMBER of a missing key', cmd: ['SISMEMBER', 's', 'a'], reply: 0, events: [['keymiss', 's']] },
  { name: 'SCARD of a missing key', cmd: ['SCARD', 's'], reply: 0, events: [['keymiss', 's']] },
  { name: 'SINTER misses each missing key', setup: [['SADD', 'a', '1']], cmd: ['SINTER', 'a', 'n1', 'n2'], reply: [], events: [['keymiss', 'n1'], ['keymiss', 'n2']] },
  { name: 'SINTERCARD misses each missing key', cmd: ['SINTERCARD', '2', 'n1', 'n2'], reply: 0, events: [['keymiss', 'n1'], ['keymiss', 'n2']] },
  { name: 'SRANDMEMBER of a missing key', cmd: ['SRANDMEMBER', 's'], reply: null, events: [['keymiss', 's']] },
];

const SORT_CASES: Case[] = [
  { name: 'SORT STORE into a new key', setup: [['RPUSH', 'l', '3', '1', '2']], cmd: ['SORT', 'l', 'STORE', 'd'], reply: 3, events: [['new', 'd'], ['sortstore', 'd']] },
  { name: 'SORT STORE over a key of another type', setup: [['SADD', 's', '3', '1'], ['SET', 'd', 'v']], cmd: ['SORT', 's', 'STORE', 'd'], reply: 2, events: [['sortstore', 'd']] },
  { name: 'SORT STORE of an empty result over a key', setup: [['RPUSH', 'l', '1'], ['RPUSH', 'd', 'x']], cmd: ['SORT', 'l', 'LIMIT', '5', '1', 'STORE', 'd'], reply: 0, events: [['del', 'd']] },
  { name: 'SORT STORE of a missing key over a key', setup: [['RPUSH', 'd', 'x']], cmd: ['SORT', 'nokey', 'STORE', 'd'], reply: 0, events: [['keymiss', 'nokey'], ['del', 'd']] },
  { name: 'SORT STORE of a missing key, no destination', cmd: ['SORT', 'nokey', 'STORE', 'd'], reply: 0, events: [['keymiss', 'nokey']] },
  { name: 'SORT STORE onto itself', setup: [['RPUSH', 'l', '3', '1', '2']], cmd: ['SORT', 'l', 'STORE', 'l'], reply: 3, events: [['sortstore', 'l']] },
  { name: 'SORT without STORE', setup: [['RPUSH', 'l', '3', '1', '2']], cmd: ['SORT', 'l'], reply: ['1', '2', '3'], events: [] },
  { name: 'SORT of a missing key', cmd: ['SORT', 'nokey'], reply: [], events: [['keymiss', 'nokey']] },
  { name: 'SORT_RO of a missing key', cmd: ['SORT_RO', 'nokey'], reply: [], events: [['keymiss', 'nokey']] },
  { name: 'SORT STORE with GET of missing keys', setup: [['RPUSH', 'l', '1', '2']], cmd: ['SORT', 'l', 'GET', 'w_*', 'STORE', 'd'], reply: 2, events: [['keymiss', 'w_1'], ['keymiss', 'w_2'], ['new', 'd'], ['sortstore', 'd']] },
  { name: 'SORT BY a missing key per element', setup: [['RPUSH', 'l', '2', '1']], cmd: ['SORT', 'l', 'BY', 'w_*'], reply: ['1', '2'], events: [['keymiss', 'w_2'], ['keymiss', 'w_1']] },
  { name: 'SORT BY some present', setup: [['RPUSH', 'l', '2', '1'], ['SET', 'w_1', '5']], cmd: ['SORT', 'l', 'BY', 'w_*'], reply: ['2', '1'], events: [['keymiss', 'w_2']] },
  { name: 'SORT BY hash field', setup: [['RPUSH', 'l', '2', '1'], ['HSET', 'h_1', 'f', '5']], cmd: ['SORT', 'l', 'BY', 'h_*->f'], reply: ['2', '1'], events: [['keymiss', 'h_2']] },
  { name: 'SORT BY hash field on a string key', setup: [['RPUSH', 'l', '1'], ['SET', 'h_1', '5']], cmd: ['SORT', 'l', 'BY', 'h_*->f'], reply: ['1'], events: [] },
  { name: 'SORT BY string pattern on a hash key', setup: [['RPUSH', 'l', '1'], ['HSET', 'h_1', 'f', '5']], cmd: ['SORT', 'l', 'BY', 'h_*'], reply: ['1'], events: [] },
  { name: 'SORT BY nosort GET', setup: [['RPUSH', 'l', '2', '1']], cmd: ['SORT', 'l', 'BY', 'nosort', 'GET', 'w_*', 'GET', '#'], reply: [null, '2', null, '1'], events: [['keymiss', 'w_2'], ['keymiss', 'w_1']] },
  { name: 'SORT LIMIT GET: only returned elements', setup: [['RPUSH', 'l', '3', '2', '1']], cmd: ['SORT', 'l', 'LIMIT', '0', '1', 'GET', 'w_*'], reply: [null], events: [['keymiss', 'w_1']] },
  { name: 'SORT BY and GET with STORE', setup: [['RPUSH', 'l', '2', '1']], cmd: ['SORT', 'l', 'BY', 'b_*', 'GET', 'g_*', 'STORE', 'd'], reply: 2, events: [['keymiss', 'b_2'], ['keymiss', 'b_1'], ['keymiss', 'g_1'], ['keymiss', 'g_2'], ['new', 'd'], ['sortstore', 'd']] },
  { name: 'SORT GET without a star', setup: [['RPUSH', 'l', '2', '1']], cmd: ['SORT', 'l', 'GET', 'nostar'], reply: [null, null], events: [] },
  { name: 'SORT_RO BY and GET', setup: [['RPUSH', 'l', '2', '1']], cmd: ['SORT_RO', 'l', 'BY', 'b_*', 'GET', 'g_*'], reply: [null, null], events: [['keymiss', 'b_2'], ['keymiss', 'b_1'], ['keymiss', 'g_1'], ['keymiss', 'g_2']] },
  { name: 'SORT a set BY nosort STORE', setup: [['SADD', 's', 'b', 'a']], cmd: ['SORT', 's', 'BY', 'nosort', 'GET', 'g_*', 'STORE', 'd'], reply: 2, events: [['keymiss', 'g_a'], ['keymiss', 'g_b'], ['new', 'd'], ['sortstore', 'd']] },
  { name: 'SORT a wrong type', setup: [['SET', 'k', 'v']], cmd: ['SORT', 'k', 'STORE', 'd'], reply: '-WRONGTYPE Operation against a key holding the wrong kind of value', events: [] },
  { name: 'SORT BY with an error', setup: [['RPUSH', 'l', 'x', 'y']], cmd: ['SORT', 'l', 'GET', 'g_*', 'STORE', 'd'], reply: "-ERR One or more scores can't be converted into double", events: [] },
  { name: 'SORT non-numeric: error before store', setup: [['RPUSH', 'l', 'x', 'y'], ['RPUSH', 'd', 'z']], cmd: ['SORT', 'l', 'STORE', 'd'], reply: "-ERR One or more scores can't be converted into double", events: [] },
  { name: 'SORT DESC BY', setup: [['RPUSH', 'l', '1', '2', '3']], cmd: ['SORT', 'l', 'BY', 'w_*', 'DESC', 'LIMIT', '1', '1', 'GET', 'g_*'], reply: [null], events: [['keymiss', 'w_1'], ['keymiss', 'w_2'], ['keymiss', 'w_3'], ['keymiss', 'g_2']] },
];

const isNM = ([event]: Ev): boolean => event === 'new' || event === 'keymiss';

describe.each([
  ['KEAmn', (events: readonly Ev[]): readonly Ev[] => events],
  ['KEA', (events: readonly Ev[]): readonly Ev[] => events.filter((e) => !isNM(e))],
])('keyspace notifications of the collection families (%s, redis-server 7.0 observed)', (flags, expected) => {
  beforeEach(() => start(flags));

  describe.each([
    ['lists', LIST_CASES],
    ['hashes', HASH_CASES],
    ['sets', SET_CASES],
    ['SORT', SORT_CASES],
  ])('%s', (_family, cases) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      expect(await runCase(c)).toEqual(pushes(expected(c.events)));
    });
  });
});

describe('keyspace notifications of the collection families: beyond the tables', () => {
  beforeEach(() => start('KEAn'));

  it('a waiter woken by EXEC is served after the whole transaction', async () => {
    const p = h.runAsync(h.newClient(), 'BLPOP', 'l', '0');
    h.run('MULTI');
    h.run('LPUSH', 'l', 'a');
    h.run('RPUSH', 'l', 'b');
    h.run('LPOP', 'l');
    expect(h.run('EXEC')).toEqual([1, 2, 'a']);
    expect(await p).toEqual(['l', 'b']);
    expect(received(h, sub)).toEqual(
      pushes([
        ['new', 'l'],
        ['lpush', 'l'],
        ['rpush', 'l'],
        ['lpop', 'l'],
        ['lpop', 'l'],
        ['del', 'l'],
      ]),
    );
  });

  it("a waiter's events carry its database", async () => {
    const w = h.newClient();
    h.runAs(w, 'SELECT', '3');
    h.run('SELECT', '3');
    const p = h.runAsync(w, 'BRPOP', 'l', '0');
    expect(h.run('RPUSH', 'l', 'a')).toBe(1);
    expect(await p).toEqual(['l', 'a']);
    expect(received(h, sub)).toEqual(
      pushes([
        ['new', 'l', 3],
        ['rpush', 'l', 3],
        ['rpop', 'l', 3],
        ['del', 'l', 3],
      ]),
    );
  });

  it('LTRIM that keeps every element raises ltrim and touches WATCH, but is not journaled', () => {
    h.run('RPUSH', 'l', 'a', 'b');
    h.takePushes(sub);
    const journaled = h.journal.length;
    const w = h.newClient();
    h.runAs(w, 'WATCH', 'l');
    expect(h.run('LTRIM', 'l', '0', '-1')).toBe('+OK');
    h.runAs(w, 'MULTI');
    h.runAs(w, 'PING');
    expect(h.runAs(w, 'EXEC')).toBe(null);
    expect(h.journal.length).toBe(journaled);
    expect(received(h, sub)).toEqual(pushes([['ltrim', 'l']]));
  });

  it('a blocking pop that ends with its timeout reply, or runs inside MULTI, raises nothing', async () => {
    const w = h.newClient();
    const p = h.runAsync(w, 'BLPOP', 'l', '0');
    expect(await isPending(p)).toBe(true);
    expect(h.server.unblockClient(w.id, false)).toBe(true);
    expect(await p).toBe(null);
    h.run('MULTI');
    h.run('BLPOP', 'l', '0');
    h.run('BLMOVE', 'l', 'm', 'LEFT', 'LEFT', '0');
    expect(h.run('EXEC')).toEqual([null, null]);
    expect(received(h, sub)).toEqual([]);
  });
});

describe('keyspace notifications: the collection classes select the events', () => {
  it('l, h and s without g: the pop is raised, the del of the emptied key is not', () => {
    start('Kl');
    h.run('RPUSH', 'l', 'a');
    h.run('LPOP', 'l');
    h.run('HSET', 'h', 'f', 'v');
    h.run('SADD', 's', 'a');
    expect(received(h, sub)).toEqual([
      ['__keyspace@0__:l', 'rpush'],
      ['__keyspace@0__:l', 'lpop'],
    ]);
    start('Ehs');
    h.run('RPUSH', 'l', 'a');
    h.run('HSET', 'h', 'f', 'v');
    h.run('HDEL', 'h', 'f');
    h.run('SADD', 's', 'a');
    h.run('SMOVE', 's', 't', 'a');
    h.run('SORT', 't', 'ALPHA', 'STORE', 'd');
    expect(received(h, sub)).toEqual([
      ['__keyevent@0__:hset', 'h'],
      ['__keyevent@0__:hdel', 'h'],
      ['__keyevent@0__:sadd', 's'],
      ['__keyevent@0__:srem', 's'],
      ['__keyevent@0__:sadd', 't'],
    ]);
  });

  it('g alone: only the del of each emptied key', () => {
    start('Kg');
    h.run('RPUSH', 'l', 'a');
    h.run('LPOP', 'l');
    h.run('HSET', 'h', 'f', 'v');
    h.run('HDEL', 'h', 'f');
    h.run('SADD', 's', 'a');
    h.run('SPOP', 's');
    expect(received(h, sub)).toEqual([
      ['__keyspace@0__:l', 'del'],
      ['__keyspace@0__:h', 'del'],
      ['__keyspace@0__:s', 'del'],
    ]);
  });
});
