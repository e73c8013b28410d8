// Sorted sets family: ZADD and friends, ranges, pops, set algebra, ZSCAN and the blocking pops, with Redis 7 semantics.
import type { CommandContext } from '../contracts/command.js';
import { cursorArg, intArg, isOpt, parseInt64, randomCountArg, scanOptions, timeoutArg } from './args.js';
import { CommandError, errors } from '../contracts/errors.js';
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';
import { formatDouble } from '../resp/encoder.js';
import { array, bulk, bulks, double, int, NULL_ARRAY, NULL_BULK, type Reply } from '../resp/reply.js';
import { SetValue } from '../store/set.js';
import type { Entry, Value } from '../store/types.js';
import { type LexBound, type LexRange, type ScoreRange, type ZEntry, ZSet } from '../store/zset.js';

// ---------------------------------------------------------------------------------------------
// Number parsing with C's strtod rules, which Redis's score, range and timeout parsing inherit
// ---------------------------------------------------------------------------------------------

export interface StrtodResult {
  value: number;
  /** Index just past the converted text; equal to the start when nothing converted. */
  end: number;
  /** ERANGE: a finite literal overflowed to infinity or a non-zero one underflowed to zero. */
  range: boolean;
}

const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const hexValue = (c: number): number => (isDigit(c) ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * C's strtod: leading white space, a sign, then `inf`/`infinity`/`nan`, a hex float (`0x1.8p3`)
 * or a decimal with optional exponent. Converts the longest valid prefix, like the C function.
 */
export function strtod(s: string): StrtodResult {
  const none: StrtodResult = { value: 0, end: 0, range: false };
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  const c = s.charCodeAt(i) | 0x20;
  if (c === 0x69 /* i */ || c === 0x6e /* n */) {
    const word = s.slice(i, i + 8).toLowerCase();
    if (word.startsWith('inf')) {
      return { value: neg ? -Infinity : Infinity, end: i + (word === 'infinity' ? 8 : 3), range: false };
    }
    if (word.startsWith('nan')) {
      let end = i + 3;
      if (s[end] === '(') {
        let k = end + 1;
        while (k < s.length && /[A-Za-z0-9_]/.test(s[k] as string)) k++;
        if (s[k] === ')') end = k + 1;
      }
      return { value: NaN, end, range: false };
    }
    return none;
  }
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 0x78) {
    const h = hexFloat(s, i + 2, neg);
    if (h !== null) return h;
    // "0x" without hex digits: only the "0" converts.
  }
  const start = i;
  let digits = 0;
  let nonZero = false;
  while (isDigit(s.charCodeAt(i))) {
    if (s.charCodeAt(i) !== 48) nonZero = true;
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== 48) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) return none;
  if ((s.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    let j = i + 1;
    const es = s.charCodeAt(j);
    if (es === 43 || es === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      while (isDigit(s.charCodeAt(j))) j++;
      i = j;
    }
  }
  const v = Number(s.slice(start, i));
  return { value: neg ? -v : v, end: i, range: v === Infinity || (v === 0 && nonZero) };
}

function hexFloat(s: string, i: number, neg: boolean): StrtodResult | null {
  let mant = 0n;
  let digits = 0;
  let frac = 0;
  let j = i;
  for (let d = hexValue(s.charCodeAt(j)); d >= 0; d = hexValue(s.charCodeAt(++j))) {
    mant = mant * 16n + BigInt(d);
    digits++;
  }
  if (s.charCodeAt(j) === 46) {
    j++;
    for (let d = hexValue(s.charCodeAt(j)); d >= 0; d = hexValue(s.charCodeAt(++j))) {
      mant = mant * 16n + BigInt(d);
      digits++;
      frac++;
    }
  }
  if (digits === 0) return null;
  let exp = 0;
  if ((s.charCodeAt(j) | 0x20) === 0x70 /* p */) {
    let k = j + 1;
    const es = s.charCodeAt(k);
    const eneg = es === 45;
    if (es === 43 || es === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (isDigit(s.charCodeAt(k))) {
        exp = Math.min(exp * 10 + s.charCodeAt(k) - 48, 100_000);
        k++;
      }
      if (eneg) exp = -exp;
      j = k;
    }
  }
  // Scale in two steps so an intermediate power of two cannot overflow on its own.
  const e2 = exp - 4 * frac;
  const half = Math.trunc(e2 / 2);
  const v = Number(mant) * 2 ** half * 2 ** (e2 - half);
  return { value: neg ? -v : v, end: j, range: v === Infinity || (v === 0 && mant !== 0n) };
}

const PLAIN_DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * A score or weight argument, as Redis's getDoubleFromObject reads it: the whole string must
 * convert, no leading space, no NaN, no overflow to infinity or underflow to zero. Null if invalid.
 */
export function parseScore(raw: string): number | null {
  // Fast path for plain decimals (the common case): JS and C both round decimal input correctly,
  // and without an exponent there is no overflow or underflow to reject.
  if (PLAIN_DECIMAL.test(raw)) return Number(raw);
  if (raw.length === 0 || isCSpace(raw.charCodeAt(0))) return null;
  const r = strtod(raw);
  if (r.end !== raw.length || Number.isNaN(r.value)) return null;
  if (r.range && (r.value === 0 || !Number.isFinite(r.value))) return null;
  return r.value;
}

function scoreArg(raw: string): number {
  const v = parseScore(raw);
  if (v === null) throw errors.notFloat();
  return v;
}

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
// Lookups and replies
// ---------------------------------------------------------------------------------------------

function asZSet(v: Value): ZSet {
  if (v instanceof ZSet) return v;
  throw errors.wrongType();
}

/** lookupKeyRead: counts hits and misses; WRONGTYPE for other types. */
function readZ(ctx: CommandContext, key: string): ZSet | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asZSet(e.value);
}

/** lookupKeyWrite: the entry to change in place, or undefined when missing. */
function writeZ(ctx: CommandContext, key: string): { e: Entry; z: ZSet } | undefined {
  const e = ctx.db.get(key);
  return e === undefined ? undefined : { e, z: asZSet(e.value) };
}

/**
 * After an in-place change: raise the command's event, then re-measure and wake watchers, or
 * delete the emptied key (raising `del` after the event, in Redis's order).
 */
function settle(ctx: CommandContext, key: string, e: Entry, z: ZSet, event: string): void {
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
function entriesReply(ctx: CommandContext, entries: readonly ZEntry[], withScores: boolean): Reply {
  if (!withScores) return array(entries.map((en) => bulk(en[0])));
  if (ctx.client.proto === 3) return array(entries.map(pair));
  const out: Reply[] = [];
  for (const [m, s] of entries) out.push(bulk(m), double(s));
  return array(out);
}

/** ZMPOP / BZMPOP: [key, [[member, score] ...]] in both protocols. */
const keyedPairs = (key: string, entries: readonly ZEntry[]): Reply => array([bulk(key), array(entries.map(pair))]);

/** An integer of at least `min`, one message for bad syntax and range alike (Redis's getRangeLongFromObjectOrReply). */
function rangeInt(raw: string, min: number, msg: string): number {
  const err = (): CommandError => errors.generic(msg);
  const v = intArg(raw, err);
  if (v < min) throw err();
  return v;
}

// ---------------------------------------------------------------------------------------------
// ZADD ZINCRBY ZREM ZSCORE ZMSCORE ZCARD
// ---------------------------------------------------------------------------------------------

function zaddGeneric(ctx: CommandContext, argv: string[], incrCommand: boolean): Reply {
  const key = argv[1] as string;
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let i = 2;
  if (!incrCommand) {
    for (; i < argv.length; i++) {
      const opt = argv[i] as string;
      if (isOpt(opt, 'NX')) nx = true;
      else if (isOpt(opt, 'XX')) xx = true;
      else if (isOpt(opt, 'CH')) ch = true;
      else if (isOpt(opt, 'INCR')) incr = true;
      else if (isOpt(opt, 'GT')) gt = true;
      else if (isOpt(opt, 'LT')) lt = true;
      else break;
    }
  }
  const elements = argv.length - i;
  if (elements % 2 !== 0 || elements === 0) throw errors.syntax();
  const pairs = elements / 2;
  if (nx && xx) throw errors.generic('XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw errors.generic('GT, LT, and/or NX options at the same time are not compatible');
  if (incr && pairs > 1) throw errors.generic('INCR option supports a single increment-element pair');
  // Every score is parsed before anything changes: the command applies fully or not at all.
  const scores = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) scores[j] = scoreArg(argv[i + j * 2] as string);

  const found = writeZ(ctx, key);
  if (found === undefined && xx) return incr ? NULL_BULK : int(0);
  const z = found?.z ?? new ZSet();
  const flags = { nx, xx, gt, lt, incr };
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  for (let j = 0; j < pairs; j++) {
    const r = z.add(argv[i + j * 2 + 1] as string, scores[j] as number, flags);
    if (r.outcome === 'nan') {
      // Only INCR can produce NaN, and INCR has a single pair: nothing was changed before this.
      throw errors.generic('resulting score is not a number (NaN)');
    }
    if (r.outcome === 'added') added++;
    else if (r.outcome === 'updated') updated++;
    if (r.outcome !== 'nop') processed++;
    score = r.score;
  }
  if (added + updated > 0) {
    if (found === undefined) ctx.db.set(key, z);
    else ctx.db.changed(key, found.e);
    ctx.notify('z', incr ? 'zincr' : 'zadd', key);
    ctx.propagate(argv);
  }
  if (incr) return processed > 0 ? double(score) : NULL_BULK;
  return int(ch ? added + updated : added);
}

function zrem(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeZ(ctx, key);
  if (found === undefined) return int(0);
  let removed = 0;
  for (let i = 2; i < argv.length; i++) {
    if (found.z.remove(argv[i] as string)) {
      removed++;
      if (found.z.size === 0) break;
    }
  }
  if (removed > 0) {
    settle(ctx, key, found.e, found.z, 'zrem');
    ctx.propagate(argv);
  }
  return int(removed);
}

function zscore(ctx: CommandContext, argv: string[]): Reply {
  const s = readZ(ctx, argv[1] as string)?.score(argv[2] as string);
  return s === undefined ? NULL_BULK : double(s);
}

function zmscore(ctx: CommandContext, argv: string[]): Reply {
  const z = readZ(ctx, argv[1] as string);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i] as string);
    out.push(s === undefined ? NULL_BULK : double(s));
  }
  return array(out);
}

function zcard(ctx: CommandContext, argv: string[]): Reply {
  return int(readZ(ctx, argv[1] as string)?.size ?? 0);
}

// ---------------------------------------------------------------------------------------------
// ZCOUNT ZLEXCOUNT ZRANK ZREVRANK
// ---------------------------------------------------------------------------------------------

function zcount(ctx: CommandContext, argv: string[]): Reply {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  const z = readZ(ctx, argv[1] as string);
  if (z === undefined) return int(0);
  const [s, e] = z.scoreSpan(range);
  return int(e - s);
}

function zlexcount(ctx: CommandContext, argv: string[]): Reply {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  const z = readZ(ctx, argv[1] as string);
  if (z === undefined) return int(0);
  const [s, e] = z.lexSpan(range);
  return int(e - s);
}

function zrankGeneric(reverse: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const cmd = reverse ? 'zrevrank' : 'zrank';
    if (argv.length > 4) throw errors.wrongArity(cmd);
    let withScore = false;
    if (argv.length === 4) {
      if (!isOpt(argv[3], 'WITHSCORE')) throw errors.syntax();
      withScore = true;
    }
    const missing = withScore ? NULL_ARRAY : NULL_BULK;
    const z = readZ(ctx, argv[1] as string);
    if (z === undefined) return missing;
    const member = argv[2] as string;
    const rank = z.rank(member, reverse);
    if (rank === undefined) return missing;
    return withScore ? array([int(rank), double(z.score(member) as number)]) : int(rank);
  };
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
function zrangeGeneric(ctx: CommandContext, argv: string[], at: number, dst: string | undefined, fixedType: RangeType, fixedDir: Direction): Reply {
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

/**
 * Stores a computed result at `dst` (ZRANGESTORE and the *STORE set operations) and answers its
 * size. An empty result deletes the destination, journaled as DEL; otherwise the command itself
 * is journaled, being deterministic over the same data.
 */
function storeResult(ctx: CommandContext, dst: string, entries: Iterable<ZEntry>, argv: readonly string[]): Reply {
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

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ---------------------------------------------------------------------------------------------

function zremrange(type: 'rank' | 'score' | 'lex') {
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

// ---------------------------------------------------------------------------------------------
// ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP
// ---------------------------------------------------------------------------------------------

const popName = (max: boolean): string => (max ? 'ZPOPMAX' : 'ZPOPMIN');

function zpop(max: boolean) {
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

function zmpop(ctx: CommandContext, argv: string[]): Reply {
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

function bzpop(max: boolean) {
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

function bzmpop(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const { keys, max, count } = parseMpop(argv, 2);
  const timeoutMs = timeoutArg(argv[1] as string);
  const now = popFirst(ctx, keys, max, count, true);
  if (now !== null) return keyedPairs(now.key, now.entries);
  return blockOn(ctx, keys, timeoutMs, (c) => {
    const r = popFirst(c, keys, max, count, false);
    return r === null ? null : keyedPairs(r.key, r.entries);
  });
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER ZSCAN
// ---------------------------------------------------------------------------------------------

const LONG_MAX = 9223372036854775807n;

function zrandmember(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  if (argv.length === 2) {
    const one = readZ(ctx, key)?.random();
    return one === undefined ? NULL_BULK : bulk(one[0]);
  }
  const l = BigInt(randomCountArg(argv[2] as string));
  if (argv.length > 4 || (argv.length === 4 && !isOpt(argv[3], 'WITHSCORES'))) throw errors.syntax();
  const withScores = argv.length === 4;
  // Redis doubles the reply length with scores, so it refuses counts that would overflow it.
  if (withScores && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) throw errors.generic('value is out of range');
  const z = readZ(ctx, key);
  if (z === undefined || l === 0n) return array([]);
  if (l < 0n) {
    // Negative: that many independent picks, repeats allowed.
    const n = Number(-l);
    const out: ZEntry[] = [];
    for (let i = 0; i < n; i++) out.push(z.random() as ZEntry);
    return entriesReply(ctx, out, withScores);
  }
  const n = l >= BigInt(z.size) ? z.size : Number(l);
  return entriesReply(ctx, z.randomDistinct(n), withScores);
}

function zscan(ctx: CommandContext, argv: string[]): Reply {
  const cursor = cursorArg(argv[2] as string);
  const z = readZ(ctx, argv[1] as string);
  if (z === undefined) return array([bulk('0'), array([])]);
  const { count, pattern } = scanOptions(argv, 3);
  const g = pattern === undefined || pattern === '*' ? undefined : compileGlob(pattern);
  const page = z.scan(cursor, count, (m) => g === undefined || matchCompiled(g, m));
  // Scores travel as bulk strings here even in RESP3, as Redis's SCAN family sends them.
  const flat: Reply[] = [];
  for (const [m, s] of page.entries) flat.push(bulk(m), bulk(formatDouble(s)));
  return array([bulk(String(page.cursor)), array(flat)]);
}

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

function computeSetOp(op: 'union' | 'inter' | 'diff', a: SetOpArgs): ZEntry[] {
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
  return out.sort(byScoreThenMember);
}

function zsetop(op: 'union' | 'inter' | 'diff', store: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const args = parseSetOp(ctx, argv, store ? 2 : 1, op, store);
    const result = computeSetOp(op, args);
    if (store) return storeResult(ctx, argv[1] as string, result, argv);
    return entriesReply(ctx, result, args.withScores);
  };
}

function zintercard(ctx: CommandContext, argv: string[]): Reply {
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

// ---------------------------------------------------------------------------------------------
// Key positions of the numkeys commands
// ---------------------------------------------------------------------------------------------

/** Keys counted by a numkeys argument at `at`, plus a fixed destination key when given. */
function numkeysKeys(at: number, dst?: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = parseInt64(argv[at] ?? '');
    if (typeof n !== 'number' || n < 1 || n > argv.length - at - 1) return [];
    const out = dst === undefined ? [] : [dst];
    for (let i = 0; i < n; i++) out.push(at + 1 + i);
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------------------------

const RANGE_COMPLEXITY = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';
const LIMITED_RANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).';
const REMRANGE_COMPLEXITY = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.';
const POP_COMPLEXITY = 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.';
const MPOP_COMPLEXITY =
  'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.';
const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';

export const zsetCommands: CommandSpec[] = [
  command({
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    since: '1.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    syntax: 'key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, false),
  }),
  command({
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Increment the score of a member in a sorted set',
    since: '1.2.0',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    syntax: 'key increment member',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, true),
  }),
  command({
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove one or more members from a sorted set',
    since: '1.2.0',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    syntax: 'key member [member ...]',
    handler: zrem,
  }),
  command({
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Get the score associated with the given member in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    syntax: 'key member',
    handler: zscore,
  }),
  command({
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Get the score associated with the given members in a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members being requested.',
    syntax: 'key member [member ...]',
    handler: zmscore,
  }),
  command({
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Get the number of members in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    syntax: 'key',
    handler: zcard,
  }),
  command({
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Count the members in a sorted set with scores within the given values',
    since: '2.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    syntax: 'key min max',
    handler: zcount,
  }),
  command({
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    since: '2.8.9',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    syntax: 'key min max',
    handler: zlexcount,
  }),
  command({
    name: 'zrank',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Determine the index of a member in a sorted set',
    since: '2.0.0',
    complexity: 'O(log(N))',
    syntax: 'key member [WITHSCORE]',
    handler: zrankGeneric(false),
  }),
  command({
    name: 'zrevrank',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
    since: '2.0.0',
    complexity: 'O(log(N))',
    syntax: 'key member [WITHSCORE]',
    handler: zrankGeneric(true),
  }),
  command({
    name: 'zrange',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set',
    since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    syntax: 'key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'auto', 'auto'),
  }),
  command({
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    keys: [1, 2, 1],
    group: 'sorted-set',
    summary: 'Store a range of members from sorted set into another key',
    since: '6.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    syntax: 'dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 2, argv[1] as string, 'auto', 'auto'),
  }),
  command({
    name: 'zrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by score',
    since: '1.0.5',
    complexity: LIMITED_RANGE_COMPLEXITY,
    syntax: 'key min max [WITHSCORES] [LIMIT offset count]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'forward'),
  }),
  command({
    name: 'zrevrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    since: '2.2.0',
    complexity: LIMITED_RANGE_COMPLEXITY,
    syntax: 'key max min [WITHSCORES] [LIMIT offset count]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'reverse'),
  }),
  command({
    name: 'zrangebylex',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    since: '2.8.9',
    complexity: LIMITED_RANGE_COMPLEXITY,
    syntax: 'key min max [LIMIT offset count]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'forward'),
  }),
  command({
    name: 'zrevrangebylex',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    since: '2.8.9',
    complexity: LIMITED_RANGE_COMPLEXITY,
    syntax: 'key max min [LIMIT offset count]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'reverse'),
  }),
  command({
    name: 'zrevrange',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    syntax: 'key start stop [WITHSCORES]',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'rank', 'reverse'),
  }),
  command({
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove and return members with the lowest scores in a sorted set',
    since: '5.0.0',
    complexity: POP_COMPLEXITY,
    syntax: 'key [count]',
    handler: zpop(false),
  }),
  command({
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove and return members with the highest scores in a sorted set',
    since: '5.0.0',
    complexity: POP_COMPLEXITY,
    syntax: 'key [count]',
    handler: zpop(true),
  }),
  command({
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    summary: 'Remove and return members with scores in a sorted set',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    syntax: 'numkeys key [key ...] <MIN | MAX> [COUNT count]',
    handler: zmpop,
  }),
  command({
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: [1, -2, 1],
    group: 'sorted-set',
    summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    syntax: 'key [key ...] timeout',
    handler: bzpop(false),
  }),
  command({
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: [1, -2, 1],
    group: 'sorted-set',
    summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    syntax: 'key [key ...] timeout',
    handler: bzpop(true),
  }),
  command({
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    movableKeys: numkeysKeys(2),
    group: 'sorted-set',
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    syntax: 'timeout numkeys key [key ...] <MIN | MAX> [COUNT count]',
    handler: bzmpop,
  }),
  command({
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Get one or multiple random elements from a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements returned',
    syntax: 'key [count [WITHSCORES]]',
    handler: zrandmember,
  }),
  command({
    name: 'zunion',
    arity: -3,
    flags: ['readonly'],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    summary: 'Add multiple sorted sets',
    since: '6.2.0',
    complexity: UNION_COMPLEXITY,
    syntax: 'numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]',
    handler: zsetop('union', false),
  }),
  command({
    name: 'zinter',
    arity: -3,
    flags: ['readonly'],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets',
    since: '6.2.0',
    complexity: INTER_COMPLEXITY,
    syntax: 'numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]',
    handler: zsetop('inter', false),
  }),
  command({
    name: 'zdiff',
    arity: -3,
    flags: ['readonly'],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    summary: 'Subtract multiple sorted sets',
    since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    syntax: 'numkeys key [key ...] [WITHSCORES]',
    handler: zsetop('diff', false),
  }),
  command({
    name: 'zunionstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity:
      'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    syntax: 'destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]',
    handler: zsetop('union', true),
  }),
  command({
    name: 'zinterstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity: INTER_COMPLEXITY,
    syntax: 'destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]',
    handler: zsetop('inter', true),
  }),
  command({
    name: 'zdiffstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    syntax: 'destination numkeys key [key ...]',
    handler: zsetop('diff', true),
  }),
  command({
    name: 'zintercard',
    arity: -3,
    flags: ['readonly'],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    since: '7.0.0',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    syntax: 'numkeys key [key ...] [LIMIT limit]',
    handler: zintercard,
  }),
  command({
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set within the given indexes',
    since: '2.0.0',
    complexity: REMRANGE_COMPLEXITY,
    syntax: 'key start stop',
    handler: zremrange('rank'),
  }),
  command({
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set within the given scores',
    since: '1.2.0',
    complexity: REMRANGE_COMPLEXITY,
    syntax: 'key min max',
    handler: zremrange('score'),
  }),
  command({
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    since: '2.8.9',
    complexity: REMRANGE_COMPLEXITY,
    syntax: 'key min max',
    handler: zremrange('lex'),
  }),
  command({
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'sorted-set',
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    syntax: 'key cursor [MATCH pattern] [COUNT count]',
    handler: zscan,
  }),
];
