// Lists family, pops across keys and the blocking commands: LMPOP/BLMPOP, BLPOP/BRPOP and BLMOVE/BRPOPLPUSH.
import type { CommandContext } from '../contracts/command.js';
import { isOpt, parseInt64, timeoutArg } from './args.js';
import { errors } from '../contracts/errors.js';
import { ListValue } from '../store/list.js';
import { array, bulk, errorReply, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { asList, bulkArray, moveElement, popEvent, popMany, popName, rangedLong, removedFrom, sideName, whereArg } from './lists-common.js';

// ---------------------------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------------------------

/**
 * Parks the client on `keys`. Inside MULTI a blocking command answers at once as if it had
 * timed out, as Redis does (EXEC must not wait).
 */
function blockOn(ctx: CommandContext, keys: readonly string[], timeoutMs: number, tryServe: (c: CommandContext) => Reply | null): Reply | Promise<Reply> {
  const timedOut = (): Reply => NULL_ARRAY;
  if (ctx.inMulti) return timedOut();
  return ctx.block(keys, timeoutMs, tryServe, timedOut);
}

const wrongTypeReply = (): Reply => errorReply(errors.wrongType().line);

// ---------------------------------------------------------------------------------------------
// LMPOP / BLMPOP
// ---------------------------------------------------------------------------------------------

interface MpopArgs {
  keys: string[];
  head: boolean;
  count: number;
}

/** Redis's lmpopGenericCommand argument parsing, errors in its order (the timeout comes after). */
function parseMpop(argv: readonly string[], numkeysIdx: number): MpopArgs {
  const numkeys = rangedLong(argv[numkeysIdx] as string, 1, 'numkeys should be greater than 0');
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw errors.syntax();
  const head = whereArg(argv[whereIdx] as string);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && j < argv.length - 1 && isOpt(argv[j], 'COUNT')) {
      count = rangedLong(argv[++j] as string, 1, 'count should be greater than 0');
    } else {
      throw errors.syntax();
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx) as string[], head, count: count === -1 ? 1 : count };
}

/** Key positions of LMPOP / BLMPOP from their numkeys argument (none when it is malformed). */
export function mpopKeys(numkeysIdx: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const v = parseInt64(argv[numkeysIdx] ?? '');
    if (v === null || typeof v === 'bigint' || v < 1) return [];
    const out: number[] = [];
    for (let i = numkeysIdx + 1; i <= numkeysIdx + v && i < argv.length; i++) out.push(i);
    return out;
  };
}

/**
 * Pops up to `count` from the first non-empty list among `keys`, journaled as `LPOP key n`.
 * `strict`: a key of another type is WRONGTYPE (the immediate path); a blocked client being
 * served skips it and keeps waiting, as Redis only serves list waiters from lists.
 */
function mpopFirst(ctx: CommandContext, keys: readonly string[], head: boolean, count: number, strict: boolean): Reply | null {
  const db = ctx.db;
  for (const key of keys) {
    const e = db.get(key);
    if (e === undefined) continue;
    if (!(e.value instanceof ListValue)) {
      if (strict) throw errors.wrongType();
      continue;
    }
    const list = e.value;
    const n = Math.min(count, list.size);
    const items = popMany(list, n, head);
    removedFrom(ctx, key, e, list, popEvent(head));
    ctx.propagate([popName(head), key, String(n)]);
    return array([bulk(key), bulkArray(items)]);
  }
  return null;
}

export function lmpopCmd(ctx: CommandContext, argv: string[]): Reply {
  const { keys, head, count } = parseMpop(argv, 1);
  return mpopFirst(ctx, keys, head, count, true) ?? NULL_ARRAY;
}

export function blmpopCmd(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const { keys, head, count } = parseMpop(argv, 2);
  const timeout = timeoutArg(argv[1] as string);
  const now = mpopFirst(ctx, keys, head, count, true);
  if (now !== null) return now;
  return blockOn(ctx, keys, timeout, (c) => mpopFirst(c, keys, head, count, false));
}

// ---------------------------------------------------------------------------------------------
// BLPOP / BRPOP
// ---------------------------------------------------------------------------------------------

/** Pops one element from the first non-empty list among `keys`: `[key, element]`, journaled as LPOP/RPOP. */
function bpopFirst(ctx: CommandContext, keys: readonly string[], head: boolean, strict: boolean): Reply | null {
  const db = ctx.db;
  for (const key of keys) {
    const e = db.get(key);
    if (e === undefined) continue;
    if (!(e.value instanceof ListValue)) {
      if (strict) throw errors.wrongType();
      continue;
    }
    const list = e.value;
    const v = (head ? list.popHead() : list.popTail()) as string;
    removedFrom(ctx, key, e, list, popEvent(head));
    ctx.propagate([popName(head), key]);
    return array([bulk(key), bulk(v)]);
  }
  return null;
}

export function bpopGeneric(ctx: CommandContext, argv: string[], head: boolean): Reply | Promise<Reply> {
  const timeout = timeoutArg(argv[argv.length - 1] as string);
  const keys = argv.slice(1, -1);
  const now = bpopFirst(ctx, keys, head, true);
  if (now !== null) return now;
  return blockOn(ctx, keys, timeout, (c) => bpopFirst(c, keys, head, false));
}

// ---------------------------------------------------------------------------------------------
// BLMOVE / BRPOPLPUSH
// ---------------------------------------------------------------------------------------------

/**
 * Redis's blmoveGenericCommand. Immediately: a source of another type is WRONGTYPE, an existing
 * source moves like LMOVE. Served later: the source must be a list by then (else keep waiting);
 * a destination of another type ends the wait with WRONGTYPE and moves nothing, as Redis 7.0's
 * serveClientBlockedOnList does. Journaled as LMOVE (or RPOPLPUSH), never the blocking form.
 */
function bmoveGeneric(ctx: CommandContext, src: string, dst: string, fromHead: boolean, toHead: boolean, timeout: number, legacy: boolean): Reply | Promise<Reply> {
  const journal = legacy ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, sideName(fromHead), sideName(toHead)];
  const se = ctx.db.get(src);
  if (se !== undefined) {
    asList(se.value);
    const v = moveElement(ctx, src, dst, fromHead, toHead) as string;
    ctx.propagate(journal);
    return bulk(v);
  }
  return blockOn(ctx, [src], timeout, (c) => {
    const e = c.db.get(src);
    if (e === undefined || !(e.value instanceof ListValue)) return null;
    if (dst !== src) {
      const d = c.db.get(dst);
      if (d !== undefined && !(d.value instanceof ListValue)) return wrongTypeReply();
    }
    const v = moveElement(c, src, dst, fromHead, toHead) as string;
    c.propagate(journal);
    return bulk(v);
  });
}

export function blmoveCmd(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const fromHead = whereArg(argv[3] as string);
  const toHead = whereArg(argv[4] as string);
  const timeout = timeoutArg(argv[5] as string);
  return bmoveGeneric(ctx, argv[1] as string, argv[2] as string, fromHead, toHead, timeout, false);
}

export function brpoplpushCmd(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const timeout = timeoutArg(argv[3] as string);
  return bmoveGeneric(ctx, argv[1] as string, argv[2] as string, false, true, timeout, true);
}
