// Sorted sets family, ranges: score and lex range arguments, the ZRANGE engine (ZRANGE, ZRANGESTORE, Z[REV]RANGEBY*) and ZREMRANGEBY*.
import type { CommandContext } from '../contracts/command.js';
import { intArg, isOpt, strtod } from './args.js';
import { errors } from '../contracts/errors.js';
import { array, bulks, int, type Reply } from '../resp/reply.js';
import { type LexBound, type LexRange, type ScoreRange, ZSet } from '../store/zset.js';
import { entriesReply, readZ, settle, storeResult, writeZ } from './zsets-common.js';

// ---------------------------------------------------------------------------------------------
// Range arguments
// ---------------------------------------------------------------------------------------------

/** One end of a score range (Redis's zslParseRange): `(` makes it exclusive; plain strtod after. */
function parseScoreBound(raw: string): { v: number; ex: boolean } | null {
  const ex = raw.charCodeAt(0) === 40; /* ( */
  const s = ex ? raw.slice(1) : raw;
  const r = strtod(s);
  if (r.end !== s.length || Number.isNaN(r.value)) return null;
  return { v: r.value, ex };
}

export function parseScoreRange(minRaw: string, maxRaw: string): ScoreRange {
  const min = parseScoreBound(minRaw);
  const max = parseScoreBound(maxRaw);
  if (min === null || max === null) throw errors.generic('min or max is not a float');
  return { min: min.v, max: max.v, minex: min.ex, maxex: max.ex };
}

/** One end of a lex range: `-`, `+`, `(member` or `[member` (Redis's zslParseLexRangeItem). */
function parseLexBound(raw: string): LexBound | null {
  const c = raw.charCodeAt(0);
  // C compares against the terminating NUL, so "+\0..." counts as "+".
  const alone = raw.length === 1 || raw.charCodeAt(1) === 0;
  if (c === 43) return alone ? { kind: '+' } : null;
  if (c === 45) return alone ? { kind: '-' } : null;
  if (c === 40) return { kind: 'v', v: raw.slice(1), ex: true };
  if (c === 91) return { kind: 'v', v: raw.slice(1), ex: false };
  return null;
}

export function parseLexRange(minRaw: string, maxRaw: string): LexRange {
  const min = parseLexBound(minRaw);
  const max = parseLexBound(maxRaw);
  if (min === null || max === null) throw errors.generic('min or max not valid string range item');
  return { min, max };
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its variants (Redis's zrangeGenericCommand)
// ---------------------------------------------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/**
 * The shared ZRANGE engine. `at`: argv index of the source key (min and max follow); `dst`: the
 * ZRANGESTORE destination. Order of checks as in Redis: options, conflicts, range syntax, key.
 */
export function zrangeGeneric(ctx: CommandContext, argv: string[], at: number, dst: string | undefined, fixedType: RangeType, fixedDir: Direction): Reply {
  let type = fixedType;
  let dir = fixedDir;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    const left = argv.length - j - 1;
    if (dst === undefined && isOpt(opt, 'WITHSCORES')) {
      withScores = true;
    } else if (isOpt(opt, 'LIMIT') && left >= 2) {
      offset = intArg(argv[j + 1] as string);
      limit = intArg(argv[j + 2] as string);
      j += 2;
    } else if (dir === 'auto' && isOpt(opt, 'REV')) {
      dir = 'reverse';
    } else if (type === 'auto' && isOpt(opt, 'BYLEX')) {
      type = 'lex';
    } else if (type === 'auto' && isOpt(opt, 'BYSCORE')) {
      type = 'score';
    } else {
      throw errors.syntax();
    }
  }
  if (dir === 'auto') dir = 'forward';
  if (type === 'auto') type = 'rank';
  // Redis tells "no LIMIT given" by limit == -1, so an explicit `LIMIT x -1` passes this check.
  if (limit !== -1 && type === 'rank') {
    throw errors.generic('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && type === 'lex') throw errors.generic('syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = dir === 'reverse';
  // Reversed score and lex ranges are written max first.
  let minRaw = argv[at + 1] as string;
  let maxRaw = argv[at + 2] as string;
  if (reverse && type !== 'rank') [minRaw, maxRaw] = [maxRaw, minRaw];

  // Ranges are parsed (and rejected) before the key is read, as in Redis.
  let rankStart = 0;
  let rankStop = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === 'rank') {
    rankStart = intArg(minRaw);
    rankStop = intArg(maxRaw);
  } else if (type === 'score') {
    scoreRange = parseScoreRange(minRaw, maxRaw);
  } else {
    lexRange = parseLexRange(minRaw, maxRaw);
  }

  const z = readZ(ctx, argv[at] as string);
  let start = 0;
  let end = 0;
  if (z !== undefined) {
    [start, end] =
      scoreRange !== null
        ? limitSpan(z.scoreSpan(scoreRange), offset, limit, reverse)
        : lexRange !== null
          ? limitSpan(z.lexSpan(lexRange), offset, limit, reverse)
          : rankSpan(z.size, rankStart, rankStop, reverse);
  }
  if (dst !== undefined) {
    const entries = z === undefined ? [] : z.slice(start, end, reverse);
    return storeResult(ctx, dst, entries, argv);
  }
  if (z === undefined || start >= end) return array([]);
  if (!withScores) return bulks(z.sliceMembers(start, end, reverse));
  return entriesReply(ctx, z.slice(start, end, reverse), true);
}

/** Z[REV]RANGE index arithmetic: ascending ranks [start, end) of the requested indexes. */
function rankSpan(len: number, start: number, stop: number, reverse: boolean): [number, number] {
  if (start < 0) start = len + start;
  if (stop < 0) stop = len + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return [0, 0];
  if (stop >= len) stop = len - 1;
  // Reverse indexes count from the highest score.
  return reverse ? [len - 1 - stop, len - start] : [start, stop + 1];
}

/**
 * LIMIT applied to a range's ascending ranks [s, e): skip `offset` from the side the reply starts
 * at, then keep `limit` (negative: all). A negative offset answers nothing, as in Redis.
 */
function limitSpan([s, e]: [number, number], offset: number, limit: number, reverse: boolean): [number, number] {
  const n = e - s;
  if (offset < 0 || offset >= n) return [0, 0];
  const take = limit < 0 ? n - offset : Math.min(limit, n - offset);
  return reverse ? [e - offset - take, e - offset] : [s + offset, s + offset + take];
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ---------------------------------------------------------------------------------------------

export function zremrange(type: 'rank' | 'score' | 'lex') {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const key = argv[1] as string;
    let span: (z: ZSet) => [number, number];
    if (type === 'rank') {
      const start = intArg(argv[2] as string);
      const stop = intArg(argv[3] as string);
      span = (z) => rankSpan(z.size, start, stop, false);
    } else if (type === 'score') {
      const range = parseScoreRange(argv[2] as string, argv[3] as string);
      span = (z) => z.scoreSpan(range);
    } else {
      const range = parseLexRange(argv[2] as string, argv[3] as string);
      span = (z) => z.lexSpan(range);
    }
    const found = writeZ(ctx, key);
    if (found === undefined) return int(0);
    const [s, e] = span(found.z);
    const removed = found.z.removeRanks(s, e);
    if (removed > 0) {
      settle(ctx, key, found.e, found.z, `zremrangeby${type}`);
      ctx.propagate(argv);
    }
    return int(removed);
  };
}
