// Sets family: SADD and friends, random pops and samples, set algebra (with *STORE and SINTERCARD) and SSCAN, with Redis 7.0 semantics.
import { MAX_RANDOM_REPLY, repeatedPicks } from './random-reply.js';
import type { CommandContext } from '../contracts/command.js';
import { cursorArg, isOpt, parseInt64, randomCountArg, scanOptions } from './args.js';
import { errors } from '../contracts/errors.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, EMPTY_ARRAY, int, NULL_BULK, set, type Reply } from '../resp/reply.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';
import { sampleDistinct, SetValue } from '../store/set.js';
import type { Entry } from '../store/types.js';

/** Largest count a negative SRANDMEMBER may ask for (random-reply.ts says why). */
export { MAX_RANDOM_REPLY };

const EMPTY_SET: Reply = set([]);

/**
 * The random source for SPOP and SRANDMEMBER. Math.random until Store exposes its injected
 * `rand` (tests script Math.random meanwhile); kept in one place so the switch is one line.
 */
export function randomSource(_ctx: CommandContext): () => number {
  return Math.random;
}

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

/** The set at `key` for a read (counts keyspace hits/misses); undefined when missing. */
function readSet(ctx: CommandContext, key: string): SetValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof SetValue)) throw errors.wrongType();
  return e.value;
}

/** The entry at `key` for a write (no hit/miss stats, as Redis's lookupKeyWrite); undefined when missing. */
function writeEntry(ctx: CommandContext, key: string): { e: Entry; s: SetValue } | undefined {
  const e = ctx.db.get(key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof SetValue)) throw errors.wrongType();
  return { e, s: e.value };
}

/**
 * After members were removed in place: raises the command's `event` (class s), then deletes an
 * emptied key and raises `del` (g), in Redis's order; anything else is re-measured.
 */
function afterRemoval(ctx: CommandContext, key: string, found: { e: Entry; s: SetValue }, event: string): void {
  ctx.notify('s', event, key);
  if (found.s.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else {
    ctx.db.changed(key, found.e);
  }
}

const bulkAll = (members: readonly string[]): Reply[] => members.map(bulk);

// ---------------------------------------------------------------------------------------------
// SADD SREM SMOVE
// ---------------------------------------------------------------------------------------------

/** SADD: replayed as given, and raises `sadd`, only when something was added (Redis's dirty count). */
function saddCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeEntry(ctx, key);
  const s = found?.s ?? new SetValue();
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i] as string)) added++;
  if (found === undefined) ctx.db.set(key, s);
  else if (added > 0) ctx.db.changed(key, found.e);
  if (added > 0) {
    ctx.notify('s', 'sadd', key);
    ctx.propagate(argv);
  }
  return int(added);
}

function sremCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeEntry(ctx, key);
  if (found === undefined) return int(0);
  let removed = 0;
  for (let i = 2; i < argv.length; i++) if (found.s.delete(argv[i] as string)) removed++;
  if (removed === 0) return int(0);
  afterRemoval(ctx, key, found, 'srem');
  ctx.propagate(argv);
  return int(removed);
}

/**
 * SMOVE, in Redis's order of checks: a missing source answers 0 before any type check; then
 * both keys must be sets (or the destination missing); moving within one key changes nothing.
 * Events, as Redis raises them: `srem` on the source, `del` if that emptied it, then `new` and
 * `sadd` on the destination (no `sadd` when it already had the member).
 */
function smoveCmd(ctx: CommandContext, argv: string[]): Reply {
  const srcKey = argv[1] as string;
  const dstKey = argv[2] as string;
  const member = argv[3] as string;
  const src = ctx.db.get(srcKey);
  const dst = ctx.db.get(dstKey);
  if (src === undefined) return int(0);
  if (!(src.value instanceof SetValue)) throw errors.wrongType();
  if (dst !== undefined && !(dst.value instanceof SetValue)) throw errors.wrongType();
  if (src === dst) return int(src.value.has(member) ? 1 : 0);
  if (!src.value.delete(member)) return int(0);
  afterRemoval(ctx, srcKey, { e: src, s: src.value }, 'srem');
  if (dst === undefined) {
    const s = new SetValue();
    s.add(member);
    ctx.db.set(dstKey, s);
    ctx.notify('s', 'sadd', dstKey);
  } else if (dst.value instanceof SetValue && dst.value.add(member)) {
    ctx.db.changed(dstKey, dst);
    ctx.notify('s', 'sadd', dstKey);
  }
  ctx.propagate(argv);
  return int(1);
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

/** SMEMBERS: a set reply (RESP3 `~`), in the set's order (numeric for an intset). */
function smembersCmd(ctx: CommandContext, argv: string[]): Reply {
  const s = readSet(ctx, argv[1] as string);
  return s === undefined ? EMPTY_SET : set(bulkAll(s.members()));
}

function sismemberCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readSet(ctx, argv[1] as string)?.has(argv[2] as string) === true ? 1 : 0);
}

function smismemberCmd(ctx: CommandContext, argv: string[]): Reply {
  const s = readSet(ctx, argv[1] as string);
  const out = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = int(s?.has(argv[i] as string) === true ? 1 : 0);
  return array(out);
}

function scardCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readSet(ctx, argv[1] as string)?.size ?? 0);
}

// ---------------------------------------------------------------------------------------------
// SPOP SRANDMEMBER
// ---------------------------------------------------------------------------------------------

/**
 * SPOP key [count]. Never journaled as SPOP (replay would choose differently): the concrete
 * effect is, `SREM key m1 m2 ...`, or `DEL key` when the pop empties the set. With a count the
 * reply is a set (RESP3 `~`); a count reaching the size pops everything, in the set's order.
 * One `spop` event however many are popped (none for a count of 0), then `del` if emptied.
 */
function spopCmd(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw errors.syntax();
  const key = argv[1] as string;
  if (argv.length === 2) {
    const found = writeEntry(ctx, key);
    if (found === undefined) return NULL_BULK;
    const m = found.s.popRandom(randomSource(ctx));
    journalPop(ctx, key, found, [m]);
    return bulk(m);
  }
  const v = parseInt64(argv[2] as string);
  if (v === null || v < 0) throw errors.generic('value is out of range, must be positive');
  const found = writeEntry(ctx, key);
  if (found === undefined || v === 0) return EMPTY_SET;
  const s = found.s;
  if (v >= s.size) {
    const all = s.members().slice();
    ctx.notify('s', 'spop', key);
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
    ctx.propagate(['DEL', key]);
    return set(bulkAll(all));
  }
  const rand = randomSource(ctx);
  const popped: string[] = [];
  for (let n = Number(v); n > 0; n--) popped.push(s.popRandom(rand));
  journalPop(ctx, key, found, popped);
  return set(bulkAll(popped));
}

function journalPop(ctx: CommandContext, key: string, found: { e: Entry; s: SetValue }, popped: readonly string[]): void {
  const emptied = found.s.size === 0;
  afterRemoval(ctx, key, found, 'spop');
  ctx.propagate(emptied ? ['DEL', key] : ['SREM', key, ...popped]);
}

/**
 * SRANDMEMBER key [count]: without a count a member or nil; with one always an array (RESP3
 * too): a negative count samples with repetition, a positive one returns distinct members (the
 * whole set, in its order, when the count reaches its size).
 */
function srandmemberCmd(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw errors.syntax();
  const key = argv[1] as string;
  if (argv.length === 2) {
    const s = readSet(ctx, key);
    if (s === undefined) return NULL_BULK;
    return bulk(s.at(s.randomIndex(randomSource(ctx))));
  }
  const count = Number(randomCountArg(argv[2] as string));
  const s = readSet(ctx, key);
  if (s === undefined || count === 0) return EMPTY_ARRAY;
  const rand = randomSource(ctx);
  if (count < 0) {
    if (-count > MAX_RANDOM_REPLY) throw errors.generic('value is out of range');
    const compact = repeatedPicks(ctx, s.size, -count, () => s.randomIndex(rand), (i) => bulk(s.at(i)), 1);
    if (compact !== null) return compact;
    const out = new Array<Reply>(-count);
    for (let i = 0; i < out.length; i++) out[i] = bulk(s.at(s.randomIndex(rand)));
    return array(out);
  }
  if (count >= s.size) return array(bulkAll(s.members()));
  return array(sampleDistinct(s.size, count, rand).map((i) => bulk(s.at(i))));
}

// ---------------------------------------------------------------------------------------------
// Set algebra
// ---------------------------------------------------------------------------------------------

/**
 * Looks up every source key the way Redis does before computing anything: missing keys are
 * undefined, and any non-set is WRONGTYPE even when an earlier key was missing.
 */
function readSources(ctx: CommandContext, argv: readonly string[], from: number, to: number): (SetValue | undefined)[] {
  const out: (SetValue | undefined)[] = [];
  for (let i = from; i < to; i++) out.push(readSet(ctx, argv[i] as string));
  return out;
}

/** The sources of an intersection, or null when one is missing (the intersection is then empty). */
function interSources(ctx: CommandContext, argv: readonly string[], from: number, to: number): SetValue[] | null {
  const sources = readSources(ctx, argv, from, to);
  const sets = sources.filter((s): s is SetValue => s !== undefined);
  return sets.length === sources.length ? sets : null;
}

/**
 * Members of the intersection, in the iteration order of the smallest set (as Redis's SINTER
 * walks it), stopping after `limit` members when limit > 0.
 */
function intersect(sets: readonly SetValue[], limit: number): string[] {
  const sorted = [...sets].sort((a, b) => a.size - b.size);
  const [first, ...rest] = sorted;
  const out: string[] = [];
  if (first === undefined) return out;
  for (const m of first.members()) {
    if (rest.every((s) => s.has(m))) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

/** SUNION / SDIFF result as a new set, built member by member as Redis builds its result set. */
function unionOrDiff(sets: readonly (SetValue | undefined)[], diff: boolean): SetValue {
  const out = new SetValue();
  if (diff) {
    const [first, ...rest] = sets;
    // Nothing minus anything is nothing, and a set minus itself (SDIFF k k) too.
    if (first === undefined || rest.includes(first)) return out;
    const others = rest.filter((s): s is SetValue => s !== undefined);
    for (const m of first.members()) if (!others.some((s) => s.has(m))) out.add(m);
    return out;
  }
  for (const s of sets) if (s !== undefined) for (const m of s.members()) out.add(m);
  return out;
}

function sinterCmd(ctx: CommandContext, argv: string[]): Reply {
  const sets = interSources(ctx, argv, 1, argv.length);
  return sets === null ? EMPTY_SET : set(bulkAll(intersect(sets, 0)));
}

/**
 * SINTERCARD numkeys key [key ...] [LIMIT limit]: numkeys and the options are validated before
 * any key is looked at, with Redis 7.0's messages.
 */
function sintercardCmd(ctx: CommandContext, argv: string[]): Reply {
  const numkeys = parseInt64(argv[1] as string);
  if (numkeys === null || numkeys < 1) throw errors.generic('numkeys should be greater than 0');
  if (numkeys > argv.length - 2) throw errors.generic("Number of keys can't be greater than number of args");
  const end = 2 + Number(numkeys);
  let limit = 0;
  for (let j = end; j < argv.length; j++) {
    if (isOpt(argv[j], 'LIMIT') && j + 1 < argv.length) {
      const v = parseInt64(argv[++j] as string);
      if (v === null || v < 0) throw errors.generic("LIMIT can't be negative");
      limit = Number(v);
    } else {
      throw errors.syntax();
    }
  }
  const sets = interSources(ctx, argv, 2, end);
  return int(sets === null ? 0 : intersect(sets, limit).length);
}

/** The argv indexes SINTERCARD's numkeys names (none when numkeys is not usable). */
function sintercardKeys(argv: readonly string[]): number[] {
  const n = parseInt64(argv[1] ?? '');
  if (n === null || n < 1) return [];
  const last = Math.min(argv.length - 1, 1 + Number(n));
  const out: number[] = [];
  for (let i = 2; i <= last; i++) out.push(i);
  return out;
}

/**
 * Stores a computed result at `dst` (replacing any value of any type, TTL cleared). Replayed as
 * the command itself when something is stored (deterministic over the same sources); an empty
 * result deletes the destination instead, journaled as `DEL dst` if there was one to delete.
 * Events: the command's name (`sinterstore`, `sunionstore`, `sdiffstore`, class s) on the
 * destination, after `new` if it was created; `del` (g) for a deleted one; nothing otherwise.
 */
function store(ctx: CommandContext, argv: readonly string[], result: SetValue): Reply {
  const dst = argv[1] as string;
  if (result.size === 0) {
    if (ctx.db.delete(dst)) {
      ctx.notify('g', 'del', dst);
      ctx.propagate(['DEL', dst]);
    }
    return int(0);
  }
  ctx.db.set(dst, result);
  ctx.notify('s', (argv[0] as string).toLowerCase(), dst);
  ctx.propagate(argv);
  return int(result.size);
}

function sinterstoreCmd(ctx: CommandContext, argv: string[]): Reply {
  const sets = interSources(ctx, argv, 2, argv.length);
  const result = new SetValue();
  if (sets !== null) for (const m of intersect(sets, 0)) result.add(m);
  return store(ctx, argv, result);
}

function sunionCmd(ctx: CommandContext, argv: string[]): Reply {
  return set(bulkAll(unionOrDiff(readSources(ctx, argv, 1, argv.length), false).members()));
}

function sdiffCmd(ctx: CommandContext, argv: string[]): Reply {
  return set(bulkAll(unionOrDiff(readSources(ctx, argv, 1, argv.length), true).members()));
}

function sunionstoreCmd(ctx: CommandContext, argv: string[]): Reply {
  return store(ctx, argv, unionOrDiff(readSources(ctx, argv, 2, argv.length), false));
}

function sdiffstoreCmd(ctx: CommandContext, argv: string[]): Reply {
  return store(ctx, argv, unionOrDiff(readSources(ctx, argv, 2, argv.length), true));
}

// ---------------------------------------------------------------------------------------------
// SSCAN
// ---------------------------------------------------------------------------------------------

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis 7.0 the cursor is parsed first,
 * then a missing key answers an empty page (options unchecked) and a wrong type WRONGTYPE, and
 * only then are the options parsed.
 */
function sscanCmd(ctx: CommandContext, argv: string[]): Reply {
  const cursor = cursorArg(argv[2] as string);
  const s = readSet(ctx, argv[1] as string);
  if (s === undefined) return array([bulk('0'), EMPTY_ARRAY]);
  const { count, pattern } = scanOptions(argv, 3);
  const g = pattern === undefined || pattern === '*' ? undefined : compileGlob(pattern);
  const r = s.scan(cursor, count, g === undefined ? undefined : (m) => matchCompiled(g, m));
  return array([bulk(String(r.cursor)), array(bulkAll(r.members))]);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const INTER_COMPLEXITY = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

export const setCommands: CommandSpec[] = [
  command({
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'set',
    acl: ['set'],
    summary: 'Add one or more members to a set',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    handler: saddCmd,
  }),
  command({
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'set',
    acl: ['set'],
    summary: 'Remove one or more members from a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    handler: sremCmd,
  }),
  command({
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    summary: 'Get all the members in a set',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    handler: smembersCmd,
  }),
  command({
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'set',
    acl: ['set'],
    summary: 'Determine if a given value is a member of a set',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: sismemberCmd,
  }),
  command({
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'set',
    acl: ['set'],
    summary: 'Returns the membership associated with the given elements for a set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    handler: smismemberCmd,
  }),
  command({
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'set',
    acl: ['set'],
    summary: 'Get the number of members in a set',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: scardCmd,
  }),
  command({
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output'],
    summary: 'Remove and return one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history: [['3.2.0', 'Added the `count` argument.']],
    handler: spopCmd,
  }),
  command({
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output'],
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history: [['2.6.0', 'Added the optional `count` argument.']],
    handler: srandmemberCmd,
  }),
  command({
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['RW', 'INSERT'])],
    group: 'set',
    acl: ['set'],
    summary: 'Move a member from one set to another',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: smoveCmd,
  }),
  command({
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    summary: 'Intersect multiple sets',
    since: '1.0.0',
    complexity: INTER_COMPLEXITY,
    handler: sinterCmd,
  }),
  command({
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { index: 1 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    movableKeys: sintercardKeys,
    group: 'set',
    acl: ['set'],
    summary: 'Intersect multiple sets and return the cardinality of the result',
    since: '7.0.0',
    complexity: INTER_COMPLEXITY,
    handler: sintercardCmd,
  }),
  command({
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE']), keyAt(2, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    summary: 'Intersect multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: INTER_COMPLEXITY,
    handler: sinterstoreCmd,
  }),
  command({
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    summary: 'Add multiple sets',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: sunionCmd,
  }),
  command({
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), keyAt(2, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    summary: 'Add multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: sunionstoreCmd,
  }),
  command({
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    summary: 'Subtract multiple sets',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: sdiffCmd,
  }),
  command({
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), keyAt(2, ['RO', 'ACCESS'], -1)],
    group: 'set',
    acl: ['set'],
    summary: 'Subtract multiple sets and store the resulting set in a key',
    since: '1.0.0',
    complexity: UNION_COMPLEXITY,
    handler: sdiffstoreCmd,
  }),
  command({
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'set',
    acl: ['set'],
    tips: ['nondeterministic_output'],
    summary: 'Incrementally iterate Set elements',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    handler: sscanCmd,
  }),
];
