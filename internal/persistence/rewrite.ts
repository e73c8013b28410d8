// Turns a key's value into the commands that recreate it: the payload of snapshots and of AOF rewrite bases.
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
    default:
      throw new RewriteError(`cannot serialize key '${key}': no rewrite for values of type '${value.type}'`);
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
