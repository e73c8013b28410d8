// Sorted sets family, pops: ZPOPMIN/ZPOPMAX, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
import type { CommandContext } from '../contracts/command.js';
import { isOpt, timeoutArg } from './args.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, double, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { type ZEntry, ZSet } from '../store/zset.js';
import { entriesReply, keyedPairs, rangeInt, settle, writeZ } from './zsets-common.js';

// ---------------------------------------------------------------------------------------------
// ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP
// ---------------------------------------------------------------------------------------------

const popName = (max: boolean): string => (max ? 'ZPOPMAX' : 'ZPOPMIN');

export function zpop(max: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    if (argv.length > 3) throw errors.syntax();
    // -1: no count given, a single flat [member, score] reply.
    const count = argv.length === 3 ? rangeInt(argv[2] as string, 0, 'value is out of range, must be positive') : -1;
    const key = argv[1] as string;
    const found = writeZ(ctx, key);
    if (found === undefined || count === 0) return array([]);
    const popped = found.z.pop(count === -1 ? 1 : count, max);
    settle(ctx, key, found.e, found.z, max ? 'zpopmax' : 'zpopmin');
    ctx.propagate(argv);
    // With a count, RESP3 nests [member, score] pairs; without one the reply stays flat.
    if (count !== -1) return entriesReply(ctx, popped, true);
    const out: Reply[] = [];
    for (const [m, s] of popped) out.push(bulk(m), double(s));
    return array(out);
  };
}

/**
 * Pops from the first of `keys` holding a sorted set and journals it as a plain ZPOPMIN/ZPOPMAX
 * (`count` given: with it). Returns null when none holds one. Other types answer WRONGTYPE when
 * `strict` (the command's own pass), and are skipped while blocked, as Redis keeps waiting.
 */
function popFirst(ctx: CommandContext, keys: readonly string[], max: boolean, count: number | undefined, strict: boolean): { key: string; entries: ZEntry[] } | null {
  for (const key of keys) {
    const e = ctx.db.get(key);
    if (e === undefined) continue;
    if (!(e.value instanceof ZSet)) {
      if (strict) throw errors.wrongType();
      continue;
    }
    const z = e.value;
    const entries = z.pop(count ?? 1, max);
    settle(ctx, key, e, z, max ? 'zpopmax' : 'zpopmin');
    ctx.propagate(count === undefined ? [popName(max), key] : [popName(max), key, String(count)]);
    return { key, entries };
  }
  return null;
}

/** ZMPOP / BZMPOP arguments after numkeys: the keys, MIN|MAX and an optional COUNT. */
function parseMpop(argv: readonly string[], numkeysAt: number): { keys: string[]; max: boolean; count: number } {
  const numkeys = rangeInt(argv[numkeysAt] as string, 1, 'numkeys should be greater than 0');
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= argv.length) throw errors.syntax();
  const where = argv[whereAt] as string;
  let max: boolean;
  if (isOpt(where, 'MIN')) max = false;
  else if (isOpt(where, 'MAX')) max = true;
  else throw errors.syntax();
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && isOpt(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = rangeInt(argv[++j] as string, 1, 'count should be greater than 0');
    } else {
      throw errors.syntax();
    }
  }
  return { keys: argv.slice(numkeysAt + 1, whereAt), max, count: count === -1 ? 1 : count };
}

export function zmpop(ctx: CommandContext, argv: string[]): Reply {
  const { keys, max, count } = parseMpop(argv, 1);
  const r = popFirst(ctx, keys, max, count, true);
  return r === null ? NULL_ARRAY : keyedPairs(r.key, r.entries);
}

/**
 * Waits for `timeoutMs` (0 = forever) with the null-array timeout reply. Inside MULTI nothing may
 * wait, so the command answers at once as if it had timed out, as Redis does.
 */
function blockOn(ctx: CommandContext, keys: readonly string[], timeoutMs: number, serve: (c: CommandContext) => Reply | null): Reply | Promise<Reply> {
  if (ctx.inMulti) return NULL_ARRAY;
  return ctx.block(keys, timeoutMs, serve, () => NULL_ARRAY);
}

export function bzpop(max: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply | Promise<Reply> => {
    const keys = argv.slice(1, -1);
    const timeoutMs = timeoutArg(argv[argv.length - 1] as string);
    const answer = (r: { key: string; entries: ZEntry[] }): Reply => {
      const [m, s] = r.entries[0] as ZEntry;
      return array([bulk(r.key), bulk(m), double(s)]);
    };
    const now = popFirst(ctx, keys, max, undefined, true);
    if (now !== null) return answer(now);
    return blockOn(ctx, keys, timeoutMs, (c) => {
      const r = popFirst(c, keys, max, undefined, false);
      return r === null ? null : answer(r);
    });
  };
}

export function bzmpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const { keys, max, count } = parseMpop(argv, 2);
  const timeoutMs = timeoutArg(argv[1] as string);
  const now = popFirst(ctx, keys, max, count, true);
  if (now !== null) return keyedPairs(now.key, now.entries);
  return blockOn(ctx, keys, timeoutMs, (c) => {
    const r = popFirst(c, keys, max, count, false);
    return r === null ? null : keyedPairs(r.key, r.entries);
  });
}
