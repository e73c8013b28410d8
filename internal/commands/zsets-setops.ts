// Sorted sets family, set algebra: ZUNION, ZINTER, ZDIFF and their STORE forms, and ZINTERCARD.
import type { CommandContext } from '../contracts/command.js';
import { intArg, isOpt, parseScore } from './args.js';
import { errors } from '../contracts/errors.js';
import { int, type Reply } from '../resp/reply.js';
import { SetValue } from '../store/set.js';
import type { Value } from '../store/types.js';
import { type ZEntry, ZSet } from '../store/zset.js';
import { entriesReply, rangeInt, storeResult } from './zsets-common.js';

// ---------------------------------------------------------------------------------------------
// ZUNION ZINTER ZDIFF (+STORE) ZINTERCARD
// ---------------------------------------------------------------------------------------------

/** One input of a set operation, with its weight. */
interface Source {
  readonly size: number;
  weight: number;
  score(member: string): number | undefined;
  entries(): Iterable<ZEntry>;
}

const EMPTY_SOURCE: Omit<Source, 'weight'> = { size: 0, score: () => undefined, entries: () => [] };

function sourceOf(v: Value | undefined): Source {
  if (v === undefined) return { ...EMPTY_SOURCE, weight: 1 };
  if (v instanceof ZSet) return { size: v.size, weight: 1, score: (m) => v.score(m), entries: () => v.entries() };
  if (v instanceof SetValue) {
    // A plain set counts as a sorted set whose members all score 1.
    return {
      size: v.size,
      weight: 1,
      score: (m) => (v.has(m) ? 1 : undefined),
      entries: function* (): Iterable<ZEntry> {
        for (const m of v.members()) yield [m, 1];
      },
    };
  }
  throw errors.wrongType();
}

type SetOp = 'union' | 'inter' | 'diff' | 'card';
type Aggregate = 'sum' | 'min' | 'max';

interface SetOpArgs {
  sources: Source[];
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

/**
 * Parses numkeys, reads the inputs (WRONGTYPE before option errors, as Redis reads keys first)
 * and the options each operation accepts: WEIGHTS and AGGREGATE (union, inter), WITHSCORES
 * (not when storing), LIMIT (ZINTERCARD).
 */
function parseSetOp(ctx: CommandContext, argv: readonly string[], numkeysAt: number, op: SetOp, storing: boolean): SetOpArgs {
  const name = (argv[0] as string).toLowerCase();
  const numkeys = intArg(argv[numkeysAt] as string);
  if (numkeys < 1) throw errors.generic(`at least 1 input key is needed for '${name}' command`);
  if (numkeys > argv.length - numkeysAt - 1) throw errors.syntax();
  const sources: Source[] = [];
  for (let i = 0; i < numkeys; i++) sources.push(sourceOf(ctx.store.read(ctx.db, argv[numkeysAt + 1 + i] as string)?.value));
  let aggregate: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  const weighted = op === 'union' || op === 'inter';
  let j = numkeysAt + 1 + numkeys;
  while (j < argv.length) {
    const opt = argv[j] as string;
    const remaining = argv.length - j;
    if (weighted && remaining >= numkeys + 1 && isOpt(opt, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < numkeys; i++, j++) {
        const w = parseScore(argv[j] as string);
        if (w === null) throw errors.generic('weight value is not a float');
        (sources[i] as Source).weight = w;
      }
    } else if (weighted && remaining >= 2 && isOpt(opt, 'AGGREGATE')) {
      const a = argv[j + 1] as string;
      if (isOpt(a, 'SUM')) aggregate = 'sum';
      else if (isOpt(a, 'MIN')) aggregate = 'min';
      else if (isOpt(a, 'MAX')) aggregate = 'max';
      else throw errors.syntax();
      j += 2;
    } else if (!storing && op !== 'card' && isOpt(opt, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (op === 'card' && remaining >= 2 && isOpt(opt, 'LIMIT')) {
      limit = rangeInt(argv[j + 1] as string, 0, "LIMIT can't be negative");
      j += 2;
    } else {
      throw errors.syntax();
    }
  }
  return { sources, aggregate, withScores, limit };
}

/** Weighted score; inf * 0 is NaN, which Redis turns into 0. */
function weighted(src: Source, score: number): number {
  const v = src.weight * score;
  return Number.isNaN(v) ? 0 : v;
}

function aggregateInto(acc: number, v: number, how: Aggregate): number {
  if (how === 'sum') {
    const s = acc + v;
    // inf + -inf: Redis keeps the convention that the sum is 0.
    return Number.isNaN(s) ? 0 : s;
  }
  if (how === 'min') return v < acc ? v : acc;
  return v > acc ? v : acc;
}

const byScoreThenMember = (a: ZEntry, b: ZEntry): number => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Inputs ordered smallest first (stably), which Redis does for union and intersection alike. */
const bySize = (sources: readonly Source[]): Source[] => [...sources].sort((a, b) => a.size - b.size);

function computeSetOp(op: 'union' | 'inter' | 'diff', a: SetOpArgs, store: boolean): ZEntry[] {
  const out: ZEntry[] = [];
  if (op === 'union') {
    const acc = new Map<string, number>();
    for (const src of bySize(a.sources)) {
      for (const [m, s] of src.entries()) {
        const v = weighted(src, s);
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? v : aggregateInto(cur, v, a.aggregate));
      }
    }
    for (const en of acc) out.push(en);
  } else if (op === 'inter') {
    const [first, ...rest] = bySize(a.sources) as [Source, ...Source[]];
    next: for (const [m, s] of first.entries()) {
      let score = weighted(first, s);
      for (const other of rest) {
        const os = other.score(m);
        if (os === undefined) continue next;
        score = aggregateInto(score, weighted(other, os), a.aggregate);
      }
      out.push([m, score]);
    }
  } else {
    const [first, ...rest] = a.sources as [Source, ...Source[]];
    for (const en of first.entries()) if (!rest.some((o) => o.score(en[0]) !== undefined)) out.push(en);
  }
  // A stored result orders itself as it is built: sorting a large one first only cost time (5 s
  // of ZUNIONSTORE's 16 at 2M members). Small ones keep the sorted insertion order ZSCAN shows.
  return store && out.length > UNSORTED_STORE_FROM ? out : out.sort(byScoreThenMember);
}

/** Stored results at least this large are built from unsorted entries. */
const UNSORTED_STORE_FROM = 4096;

export function zsetop(op: 'union' | 'inter' | 'diff', store: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const args = parseSetOp(ctx, argv, store ? 2 : 1, op, store);
    const result = computeSetOp(op, args, store);
    if (store) return storeResult(ctx, argv[1] as string, result, argv);
    return entriesReply(ctx, result, args.withScores);
  };
}

export function zintercard(ctx: CommandContext, argv: string[]): Reply {
  const { sources, limit } = parseSetOp(ctx, argv, 1, 'card', false);
  const [first, ...rest] = bySize(sources) as [Source, ...Source[]];
  let n = 0;
  for (const [m] of first.entries()) {
    if (rest.every((o) => o.score(m) !== undefined)) {
      n++;
      if (limit > 0 && n >= limit) break;
    }
  }
  return int(n);
}
