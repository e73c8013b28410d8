// Sorted sets family, shared by its files: key lookups, the settle-after-change rule, reply shapes and result storing.
import type { CommandContext } from '../contracts/command.js';
import { intArg } from './args.js';
import { CommandError, errors } from '../contracts/errors.js';
import { array, bulk, double, int, type Reply } from '../resp/reply.js';
import type { Entry, Value } from '../store/types.js';
import { type ZEntry, ZSet } from '../store/zset.js';

// ---------------------------------------------------------------------------------------------
// Lookups and replies
// ---------------------------------------------------------------------------------------------

function asZSet(v: Value): ZSet {
  if (v instanceof ZSet) return v;
  throw errors.wrongType();
}

/** lookupKeyRead: counts hits and misses; WRONGTYPE for other types. */
export function readZ(ctx: CommandContext, key: string): ZSet | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asZSet(e.value);
}

/** lookupKeyWrite: the entry to change in place, or undefined when missing. */
export function writeZ(ctx: CommandContext, key: string): { e: Entry; z: ZSet } | undefined {
  const e = ctx.db.get(key);
  return e === undefined ? undefined : { e, z: asZSet(e.value) };
}

/**
 * After an in-place change: raise the command's event, then re-measure and wake watchers, or
 * delete the emptied key (raising `del` after the event, in Redis's order).
 */
export function settle(ctx: CommandContext, key: string, e: Entry, z: ZSet, event: string): void {
  ctx.notify('z', event, key);
  if (z.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else {
    ctx.db.changed(key, e);
  }
}

const pair = ([m, s]: ZEntry): Reply => array([bulk(m), double(s)]);

/**
 * Members, or members with scores: flat in RESP2, [member, score] pairs in RESP3 (as Redis 7
 * answers ZRANGE WITHSCORES, ZPOPMIN with a count, ZRANDMEMBER and ZUNION WITHSCORES).
 */
export function entriesReply(ctx: CommandContext, entries: readonly ZEntry[], withScores: boolean): Reply {
  if (!withScores) return array(entries.map((en) => bulk(en[0])));
  if (ctx.client.proto === 3) return array(entries.map(pair));
  const out: Reply[] = [];
  for (const [m, s] of entries) out.push(bulk(m), double(s));
  return array(out);
}

/** ZMPOP / BZMPOP: [key, [[member, score] ...]] in both protocols. */
export const keyedPairs = (key: string, entries: readonly ZEntry[]): Reply => array([bulk(key), array(entries.map(pair))]);

/** An integer of at least `min`, one message for bad syntax and range alike (Redis's getRangeLongFromObjectOrReply). */
export function rangeInt(raw: string, min: number, msg: string): number {
  const err = (): CommandError => errors.generic(msg);
  const v = intArg(raw, err);
  if (v < min) throw err();
  return v;
}

/**
 * Stores a computed result at `dst` (ZRANGESTORE and the *STORE set operations) and answers its
 * size. An empty result deletes the destination, journaled as DEL; otherwise the command itself
 * is journaled, being deterministic over the same data.
 */
export function storeResult(ctx: CommandContext, dst: string, entries: Iterable<ZEntry>, argv: readonly string[]): Reply {
  const z = new ZSet();
  for (const [m, s] of entries) z.add(m, s);
  if (z.size === 0) {
    if (ctx.db.delete(dst)) {
      ctx.notify('g', 'del', dst);
      ctx.propagate(['DEL', dst]);
    }
    return int(0);
  }
  ctx.db.set(dst, z);
  // The event is the command's name: zrangestore, zunionstore, zinterstore, zdiffstore.
  ctx.notify('z', (argv[0] as string).toLowerCase(), dst);
  ctx.propagate(argv);
  return int(z.size);
}
