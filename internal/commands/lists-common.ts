// Lists family, shared by its files: lookups, the after-removal rule, pushes and pops at either end, argument helpers and moving one element.
import type { CommandContext } from '../contracts/command.js';
import { isOpt, parseInt64 } from './args.js';
import { errors } from '../contracts/errors.js';
import { ListValue } from '../store/list.js';
import type { Entry, Value } from '../store/types.js';
import { array, bulk, type Reply } from '../resp/reply.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

export function asList(v: Value): ListValue {
  if (v instanceof ListValue) return v;
  throw errors.wrongType();
}

/** lookupKeyRead + checkType: counts keyspace hits and misses. */
export function readList(ctx: CommandContext, key: string): ListValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asList(e.value);
}

/**
 * After elements were removed in place (Redis's listElementsRemoved and its kin): raises the
 * command's `event` (class l), then deletes an emptied list and raises `del` (g), in Redis's
 * order; anything else is re-measured.
 */
export function removedFrom(ctx: CommandContext, key: string, e: Entry, list: ListValue, event: string): void {
  ctx.notify('l', event, key);
  if (list.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else {
    ctx.db.changed(key, e);
  }
}

/**
 * Pushes onto `key`, creating the list when missing (db.set wakes waiters, db.changed too), and
 * raises `lpush` / `rpush` (after `new` for a created list), as Redis's lmoveHandlePush does.
 */
function pushTo(ctx: CommandContext, key: string, e: Entry | undefined, list: ListValue | undefined, v: string, head: boolean): void {
  if (e === undefined || list === undefined) {
    const l = new ListValue();
    l.pushTail(v);
    ctx.db.set(key, l);
  } else {
    if (head) list.pushHead(v);
    else list.pushTail(v);
    ctx.db.changed(key, e);
  }
  ctx.notify('l', pushEvent(head), key);
}

/** Pops up to `n` elements from one end. */
export function popMany(list: ListValue, n: number, head: boolean): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (head ? list.popHead() : list.popTail()) as string;
  return out;
}

export function bulkArray(items: readonly string[]): Reply {
  const out = new Array<Reply>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = bulk(items[i] as string);
  return array(out);
}

/** LEFT / RIGHT (any case) as "from/to the head", else a syntax error (Redis's getListPositionFromObjectOrReply). */
export function whereArg(raw: string): boolean {
  if (isOpt(raw, 'LEFT')) return true;
  if (isOpt(raw, 'RIGHT')) return false;
  throw errors.syntax();
}

export const sideName = (head: boolean): string => (head ? 'LEFT' : 'RIGHT');
export const popName = (head: boolean): string => (head ? 'LPOP' : 'RPOP');
/** Keyspace events (class l) of the two ends. */
export const popEvent = (head: boolean): string => (head ? 'lpop' : 'rpop');
export const pushEvent = (head: boolean): string => (head ? 'lpush' : 'rpush');

/**
 * Redis's getRangeLongFromObjectOrReply(min, LONG_MAX, msg): a non-integer and an out-of-range
 * value both answer `msg`. Values beyond 2^53 are only ever compared with list lengths, so the
 * nearest double serves.
 */
export function rangedLong(raw: string, min: number, msg: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.generic(msg);
  const n = Number(v);
  if (n < min) throw errors.generic(msg);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Moves
// ---------------------------------------------------------------------------------------------

/**
 * Redis's lmoveGenericCommand: a missing source answers nil before the destination is looked at;
 * a destination of another type is WRONGTYPE before anything moves. Source and destination may be
 * the same list (a rotation), so the source is deleted only after the push, if then empty. Events
 * in Redis's order: the push on the destination (after its `new`), then the pop on the source,
 * then `del` of an emptied source; a rotation raises the push and the pop on the one list.
 */
export function moveElement(ctx: CommandContext, src: string, dst: string, fromHead: boolean, toHead: boolean): string | undefined {
  const db = ctx.db;
  const se = db.get(src);
  if (se === undefined) return undefined;
  const sl = asList(se.value);
  const de = src === dst ? se : db.get(dst);
  const dl = de === undefined ? undefined : asList(de.value);
  const v = (fromHead ? sl.popHead() : sl.popTail()) as string;
  pushTo(ctx, dst, de, dl, v, toHead);
  if (src !== dst) removedFrom(ctx, src, se, sl, popEvent(fromHead));
  else ctx.notify('l', popEvent(fromHead), src);
  return v;
}
