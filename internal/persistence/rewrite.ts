// Turns a key's value into the commands that recreate it: the payload of snapshots and of AOF rewrite bases.
import { BloomFilter, bloomChunk, encodeBloomHeader } from '../store/bloom.js';
import { CuckooFilter, cuckooChunk, encodeCuckooHeader } from '../store/cuckoo.js';
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { formatId, StreamValue } from '../store/stream.js';
import type { Entry, Value } from '../store/types.js';
import { ZSet } from '../store/zset.js';

/** Elements per generated command, as Redis's AOF_REWRITE_ITEMS_PER_CMD: bounds a replayed command's size. */
export const ITEMS_PER_CMD = 64;

export type Emit = (argv: string[]) => void;

/** A value this build cannot serialize: refusing beats writing a snapshot that silently lacks keys. */
export class RewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewriteError';
  }
}

/**
 * Emits commands that recreate `value` under `key`, using each type's public API. Dispatch is on
 * `value.type`, so a type added later fails loudly here until it gets its case.
 */
export function rewriteValue(key: string, value: Value, emit: Emit): void {
  if (typeof value === 'string') {
    emit(['SET', key, value]);
    return;
  }
  switch (value.type) {
    case 'hash': {
      const h = expect(value, HashValue, key);
      let argv = ['HSET', key];
      for (const [field, slot] of h.entries()) {
        argv.push(field, slot.v);
        if (argv.length === 2 + 2 * ITEMS_PER_CMD) {
          emit(argv);
          argv = ['HSET', key];
        }
      }
      if (argv.length > 2) emit(argv);
      rewriteFieldTtls(key, h, emit);
      return;
    }
    case 'set': {
      const s = expect(value, SetValue, key);
      const members = s.members();
      for (let i = 0; i < members.length; i += ITEMS_PER_CMD) emit(['SADD', key, ...members.slice(i, i + ITEMS_PER_CMD)]);
      return;
    }
    case 'list': {
      const l = expect(value, ListValue, key);
      for (let i = 0; i < l.size; i += ITEMS_PER_CMD) emit(['RPUSH', key, ...l.range(i, Math.min(l.size, i + ITEMS_PER_CMD) - 1)]);
      return;
    }
    case 'zset': {
      const z = expect(value, ZSet, key);
      let argv = ['ZADD', key];
      for (const [member, score] of z.entries()) {
        argv.push(formatScore(score), member);
        if (argv.length === 2 + 2 * ITEMS_PER_CMD) {
          emit(argv);
          argv = ['ZADD', key];
        }
      }
      if (argv.length > 2) emit(argv);
      return;
    }
    case 'stream':
      rewriteStream(key, expect(value, StreamValue, key), emit);
      return;
    case 'MBbloom--':
    case 'MBbloomCF':
      rewriteFilter(key, value, emit);
      return;
    default:
      throw new RewriteError(`cannot serialize key '${key}': no rewrite for values of type '${value.type}'`);
  }
}

/**
 * Field deadlines as absolute `HPEXPIREAT key <ms> FIELDS n field...`, one command per deadline
 * (at most ITEMS_PER_CMD fields each), after the HSETs that recreate the fields. A deadline that
 * has passed by replay time deletes its field then, as it would have expired anyway.
 */
function rewriteFieldTtls(key: string, h: HashValue, emit: Emit): void {
  const ttls = h.fieldTtls;
  if (ttls === undefined) return;
  const byAt = new Map<number, string[]>();
  for (const [f, at] of ttls.entries()) {
    const fields = byAt.get(at);
    if (fields === undefined) byAt.set(at, [f]);
    else fields.push(f);
  }
  for (const [at, fields] of byAt) {
    for (let i = 0; i < fields.length; i += ITEMS_PER_CMD) {
      const chunk = fields.slice(i, i + ITEMS_PER_CMD);
      emit(['HPEXPIREAT', key, String(at), 'FIELDS', String(chunk.length), ...chunk]);
    }
  }
}

/**
 * A stream as Redis's AOF rewrite writes one: XADD per entry with its explicit ID (an empty stream
 * is created by `XADD MAXLEN 0 0-1` and emptied at once), XSETID for the last ID and counters,
 * then per group XGROUP CREATE with its last delivered ID and read counter, XCLAIM ... FORCE
 * JUSTID for every pending entry (owner, delivery time and count kept), and XGROUP
 * CREATECONSUMER for consumers with nothing pending.
 */
function rewriteStream(key: string, s: StreamValue, emit: Emit): void {
  if (s.size === 0) emit(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  for (const [id, fields] of s.entries.entries()) emit(['XADD', key, formatId(id), ...fields]);
  emit(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
  if (s.groups === null) return;
  for (const g of s.groups.values()) {
    emit(['XGROUP', 'CREATE', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
    for (const [id, nack] of g.pel.entries()) {
      if (nack.consumer === null) continue;
      emit(['XCLAIM', key, g.name, nack.consumer.name, '0', formatId(id), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']);
    }
    for (const c of g.consumers.values()) if (c.pel.size === 0) emit(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
  }
}

/** Bytes per LOADCHUNK a rewrite emits: bounds one replayed command (RedisBloom's own rewrite uses 16 MB). */
export const FILTER_CHUNK = 1024 * 1024;

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/**
 * A Bloom or Cuckoo filter as RedisBloom's aof_rewrite writes one: LOADCHUNK of the header at
 * iterator 1, then LOADCHUNK of every chunk at the iterator SCANDUMP would give it (an empty
 * Cuckoo filter too, which SCANDUMP itself refuses to dump).
 */
function rewriteFilter(key: string, value: Value, emit: Emit): void {
  if (value instanceof BloomFilter) {
    emit(['BF.LOADCHUNK', key, '1', latin1(encodeBloomHeader(value))]);
    for (let c = bloomChunk(value, 1, FILTER_CHUNK); c !== null; c = bloomChunk(value, c.next, FILTER_CHUNK)) emit(['BF.LOADCHUNK', key, String(c.next), latin1(c.data)]);
    return;
  }
  const cf = expect(value, CuckooFilter, key);
  emit(['CF.LOADCHUNK', key, '1', latin1(encodeCuckooHeader(cf))]);
  for (let c = cuckooChunk(cf, 1, FILTER_CHUNK); c !== null; c = cuckooChunk(cf, c.next, FILTER_CHUNK)) emit(['CF.LOADCHUNK', key, String(c.next), latin1(c.data)]);
}

/** The value's commands, then its absolute expiry: replay never depends on when it happens. */
export function rewriteEntry(key: string, e: Pick<Entry, 'value' | 'expireAt'>, emit: Emit): void {
  rewriteValue(key, e.value, emit);
  if (e.expireAt !== 0) emit(['PEXPIREAT', key, String(e.expireAt)]);
}

/** A score ZADD parses back to the same double: shortest round-trip form, inf, and -0 kept. */
export function formatScore(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

function expect<T>(value: Value, cls: abstract new (...args: never[]) => T, key: string): T {
  if (!(value instanceof cls)) throw new RewriteError(`cannot serialize key '${key}': unexpected ${typeof value === 'string' ? 'string' : value.type} representation`);
  return value;
}
