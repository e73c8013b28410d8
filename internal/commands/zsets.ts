// Sorted sets family: the command table, ZADD/ZINCRBY and the single-key reads and writes, ZRANDMEMBER and ZSCAN, with Redis 7 semantics.
import { MAX_RANDOM_REPLY, repeatedPicks } from './random-reply.js';
import type { CommandContext } from '../contracts/command.js';
import { cursorArg, isOpt, parseInt64, parseScore, randomCountArg, scanOptions } from './args.js';
import { errors } from '../contracts/errors.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';
import { formatDouble } from '../resp/encoder.js';
import { array, bulk, double, int, multi, NULL_ARRAY, NULL_BULK, type Reply } from '../resp/reply.js';
import { type ZEntry, ZSet } from '../store/zset.js';
import { entriesReply, readZ, settle, writeZ } from './zsets-common.js';
import { bzmpop, bzpop, zmpop, zpop } from './zsets-pop.js';
import { parseLexRange, parseScoreRange, zrangeGeneric, zremrange } from './zsets-range.js';
import { zintercard, zsetop } from './zsets-setops.js';

function scoreArg(raw: string): number {
  const v = parseScore(raw);
  if (v === null) throw errors.notFloat();
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
    // Negative: that many independent picks, repeats allowed (bounded as SRANDMEMBER's).
    if (-l > BigInt(MAX_RANDOM_REPLY)) throw errors.generic('value is out of range');
    const n = Number(-l);
    const resp3 = ctx.client.proto === 3;
    const pairOf = (i: number): Reply => {
      const [m, s] = z.at(i) as ZEntry;
      return resp3 ? array([bulk(m), double(s)]) : multi([bulk(m), double(s)]);
    };
    const rank = (): number => z.randomRank();
    const compact = repeatedPicks(ctx, z.size, n, rank, withScores ? pairOf : (i) => bulk((z.at(i) as ZEntry)[0]), withScores && !resp3 ? 2 : 1);
    if (compact !== null) return compact;
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
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Add one or more members to a sorted set, or update its score if it already exists',
    since: '1.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.'],
    ],
    handler: (ctx, argv) => zaddGeneric(ctx, argv, false),
  }),
  command({
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Increment the score of a member in a sorted set',
    since: '1.2.0',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    handler: (ctx, argv) => zaddGeneric(ctx, argv, true),
  }),
  command({
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove one or more members from a sorted set',
    since: '1.2.0',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [['2.4.0', 'Accepts multiple elements.']],
    handler: zrem,
  }),
  command({
    name: 'zscore',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Get the score associated with the given member in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: zscore,
  }),
  command({
    name: 'zmscore',
    arity: -3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Get the score associated with the given members in a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of members being requested.',
    handler: zmscore,
  }),
  command({
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Get the number of members in a sorted set',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: zcard,
  }),
  command({
    name: 'zcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Count the members in a sorted set with scores within the given values',
    since: '2.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: zcount,
  }),
  command({
    name: 'zlexcount',
    arity: 4,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Count the number of members in a sorted set between a given lexicographical range',
    since: '2.8.9',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler: zlexcount,
  }),
  command({
    name: 'zrank',
    arity: -3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
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
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
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
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set',
    since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'auto', 'auto'),
  }),
  command({
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), keyAt(2, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Store a range of members from sorted set into another key',
    since: '6.2.0',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 2, argv[1] as string, 'auto', 'auto'),
  }),
  command({
    name: 'zrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set, by score',
    since: '1.0.5',
    complexity: LIMITED_RANGE_COMPLEXITY,
    history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'forward'),
  }),
  command({
    name: 'zrevrangebyscore',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
    since: '2.2.0',
    complexity: LIMITED_RANGE_COMPLEXITY,
    history: [['2.1.6', '`min` and `max` can be exclusive.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'reverse'),
  }),
  command({
    name: 'zrangebylex',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set, by lexicographical range',
    since: '2.8.9',
    complexity: LIMITED_RANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'forward'),
  }),
  command({
    name: 'zrevrangebylex',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
    since: '2.8.9',
    complexity: LIMITED_RANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'reverse'),
  }),
  command({
    name: 'zrevrange',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
    since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, 1, undefined, 'rank', 'reverse'),
  }),
  command({
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return members with the lowest scores in a sorted set',
    since: '5.0.0',
    complexity: POP_COMPLEXITY,
    handler: zpop(false),
  }),
  command({
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return members with the highest scores in a sorted set',
    since: '5.0.0',
    complexity: POP_COMPLEXITY,
    handler: zpop(true),
  }),
  command({
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    keySpecs: [{ flags: ['RW', 'ACCESS', 'DELETE'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return members with scores in a sorted set',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    handler: zmpop,
  }),
  command({
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'], -2)],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    handler: bzpop(false),
  }),
  command({
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'], -2)],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    handler: bzpop(true),
  }),
  command({
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    keySpecs: [{ flags: ['RW', 'ACCESS', 'DELETE'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(2),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove and return members with scores in a sorted set or block until one is available',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    handler: bzmpop,
  }),
  command({
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    summary: 'Get one or multiple random elements from a sorted set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: zrandmember,
  }),
  command({
    name: 'zunion',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Add multiple sorted sets',
    since: '6.2.0',
    complexity: UNION_COMPLEXITY,
    handler: zsetop('union', false),
  }),
  command({
    name: 'zinter',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Intersect multiple sorted sets',
    since: '6.2.0',
    complexity: INTER_COMPLEXITY,
    handler: zsetop('inter', false),
  }),
  command({
    name: 'zdiff',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Subtract multiple sorted sets',
    since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    handler: zsetop('diff', false),
  }),
  command({
    name: 'zunionstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), { flags: ['RO', 'ACCESS'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity:
      'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
    handler: zsetop('union', true),
  }),
  command({
    name: 'zinterstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), { flags: ['RO', 'ACCESS'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
    since: '2.0.0',
    complexity: INTER_COMPLEXITY,
    handler: zsetop('inter', true),
  }),
  command({
    name: 'zdiffstore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), { flags: ['RO', 'ACCESS'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(2, 1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
    since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    handler: zsetop('diff', true),
  }),
  command({
    name: 'zintercard',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: numkeysKeys(1),
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Intersect multiple sorted sets and return the cardinality of the result',
    since: '7.0.0',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    handler: zintercard,
  }),
  command({
    name: 'zremrangebyrank',
    arity: 4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove all members in a sorted set within the given indexes',
    since: '2.0.0',
    complexity: REMRANGE_COMPLEXITY,
    handler: zremrange('rank'),
  }),
  command({
    name: 'zremrangebyscore',
    arity: 4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove all members in a sorted set within the given scores',
    since: '1.2.0',
    complexity: REMRANGE_COMPLEXITY,
    handler: zremrange('score'),
  }),
  command({
    name: 'zremrangebylex',
    arity: 4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    summary: 'Remove all members in a sorted set between the given lexicographical range',
    since: '2.8.9',
    complexity: REMRANGE_COMPLEXITY,
    handler: zremrange('lex'),
  }),
  command({
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'sorted-set',
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    summary: 'Incrementally iterate sorted sets elements and associated scores',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: zscan,
  }),
];
