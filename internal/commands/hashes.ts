// Hashes family: HSET and friends, counters (HINCRBYFLOAT in exact long double), HRANDFIELD and HSCAN, with Redis 7.0 semantics.
import { MAX_RANDOM_REPLY, repeatedPicks } from './random-reply.js';
import type { CommandContext } from '../contracts/command.js';
import { cursorArg, isOpt, parseInt64, randomCountArg, scanOptions } from './args.js';
import { errors } from '../contracts/errors.js';
import { addLongDouble, formatLongDouble, LD_ZERO, parseLongDouble } from './longdouble.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, bulkOrNull, EMPTY_ARRAY, int, map, multi, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';
import { HashValue } from '../store/hash.js';
import { sampleDistinct } from '../store/set.js';
import type { Entry } from '../store/types.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** HRANDFIELD WITHVALUES doubles the reply length, so Redis bounds the count by LONG_MAX / 2. */
const WITHVALUES_MAX = 4611686018427387903n;
/** Largest count a negative HRANDFIELD may ask for (random-reply.ts says why). */
export { MAX_RANDOM_REPLY };

/**
 * The random source for HRANDFIELD. Math.random until Store exposes its injected `rand` (tests
 * script Math.random meanwhile); kept in one place so the switch is one line.
 */
export function randomSource(_ctx: CommandContext): () => number {
  return Math.random;
}

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

/** The hash at `key` for a read (counts keyspace hits/misses); undefined when missing. */
export function readHash(ctx: CommandContext, key: string): HashValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof HashValue)) throw errors.wrongType();
  return e.value;
}

/**
 * Like readHash, then lazily expires the fields `argv[from], argv[from + step] ...` that passed
 * their deadline (HGET, HMGET, HEXISTS ... touch only those, as Redis's hashTypeGetValue does).
 * Undefined when that emptied the hash and the key went.
 */
export function readHashFields(ctx: CommandContext, key: string, fields: FieldArgs): HashValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof HashValue)) throw errors.wrongType();
  const h = e.value;
  return h.hasFieldTtls() ? reclaimFields(ctx, key, e, h, fields) : h;
}

/**
 * readHash, then the fields `argv[from .. end)` that passed their deadline are reclaimed (deleted,
 * journaled as HDEL), as Redis's lazy field expiry on HGET and friends. Plain hashes skip it all.
 */
function readLive(ctx: CommandContext, key: string, argv: readonly string[], from: number, end: number): HashValue | undefined {
  const h = readHash(ctx, key);
  if (h === undefined || !h.hasFieldTtls()) return h;
  return reclaimFields(ctx, key, ctx.db.raw(key) as Entry, h, { argv, from, end });
}

/** The entry at `key` for a write (no hit/miss stats, as Redis's lookupKeyWrite); undefined when missing. */
export function writeEntry(ctx: CommandContext, key: string): { e: Entry; h: HashValue } | undefined {
  const e = ctx.db.get(key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof HashValue)) throw errors.wrongType();
  return { e, h: e.value };
}

/** The field names a command touches: argv[from], argv[from + step] ... before argv[end]. */
export interface FieldArgs {
  readonly argv: readonly string[];
  readonly from: number;
  readonly step?: number;
  readonly end?: number;
}

/**
 * Deletes those of the fields named by `fields` of `h` (at `key`) whose deadline passed, through
 * the keyspace (journaled as HDEL, `hexpired`, `del` if the key goes). Returns the hash, or
 * undefined when it emptied and the key was deleted.
 */
export function reclaimFields(ctx: CommandContext, key: string, e: Entry, h: HashValue, fields: FieldArgs): HashValue | undefined {
  const { argv, from, step = 1, end = argv.length } = fields;
  let dead: string[] | undefined;
  for (let i = from; i < end; i += step) {
    const f = argv[i] as string;
    if (h.isExpired(f, ctx.now) && h.has(f)) (dead ??= []).push(f);
  }
  if (dead === undefined) return h;
  return ctx.db.expireFields(key, e, h, dead) ? undefined : h;
}

/**
 * Runs `mutate` on the hash at `key`, creating it when missing, then tells the keyspace: a new
 * hash is stored with `db.set`, an existing one re-measured with `db.changed`. `mutate` may
 * throw before changing anything (the key is then left untouched and nothing is created).
 * The fields it touches (argv[from], argv[from + step] ... before argv[end]) that are past their
 * deadline are reclaimed first.
 */
function updateHash<T>(ctx: CommandContext, key: string, argv: readonly string[], from: number, step: number, end: number, mutate: (h: HashValue) => T): T {
  const found = writeEntry(ctx, key);
  // The field range travels as plain arguments: the common path (no deadlines) allocates nothing for it.
  if (found !== undefined && (!found.h.hasFieldTtls() || reclaimFields(ctx, key, found.e, found.h, { argv, from, step, end }) !== undefined)) {
    const out = mutate(found.h);
    ctx.db.changed(key, found.e);
    return out;
  }
  const h = new HashValue();
  const out = mutate(h);
  ctx.db.set(key, h);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Setters
// ---------------------------------------------------------------------------------------------

/**
 * HSET / HMSET: replayed as given (setting the same pairs again is idempotent). Both raise `hset`
 * (class h), once, even when every field already held its value, as Redis does.
 */
function hsetGeneric(ctx: CommandContext, argv: string[], name: string, reply: (created: number) => Reply): Reply {
  if (argv.length % 2 !== 0) throw errors.wrongArity(name);
  const key = argv[1] as string;
  const created = updateHash(ctx, key, argv, 2, 2, argv.length, (h) => {
    let n = 0;
    for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i] as string, argv[i + 1] as string)) n++;
    return n;
  });
  ctx.notify('h', 'hset', key);
  ctx.propagate(argv);
  return reply(created);
}

function hsetnxCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const value = argv[3] as string;
  let found = writeEntry(ctx, key);
  // A field past its deadline is reclaimed first, so it counts as absent (the hash may go with it).
  if (found !== undefined && found.h.hasFieldTtls() && reclaimFields(ctx, key, found.e, found.h, { argv, from: 2, end: 3 }) === undefined) found = undefined;
  if (found === undefined) {
    const h = new HashValue();
    h.set(field, value);
    ctx.db.set(key, h);
  } else {
    // An existing field changes nothing: no journal, no WATCH wake-up.
    if (found.h.has(field)) return int(0);
    found.h.set(field, value);
    ctx.db.changed(key, found.e);
  }
  // Redis names the event of HSETNX `hset` too.
  ctx.notify('h', 'hset', key);
  ctx.propagate(argv);
  return int(1);
}

function hdelCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeEntry(ctx, key);
  if (found === undefined) return int(0);
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) if (found.h.delete(argv[i] as string)) deleted++;
  if (deleted === 0) return int(0);
  // `hdel`, then `del` (g) when the hash is gone, in Redis's order.
  ctx.notify('h', 'hdel', key);
  if (found.h.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  } else {
    ctx.db.changed(key, found.e);
  }
  ctx.propagate(argv);
  return int(deleted);
}

/** HINCRBY: exact int64 arithmetic; replayed as given (integer addition is deterministic). */
function hincrbyCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const by = parseInt64(argv[3] as string);
  if (by === null) throw errors.notInteger();
  const next = updateHash(ctx, key, argv, 2, 1, 3, (h) => {
    const raw = h.get(field);
    let cur: number | bigint = 0;
    if (raw !== undefined) {
      const v = parseInt64(raw);
      if (v === null) throw errors.generic('hash value is not an integer');
      cur = v;
    }
    const sum = addInt64(cur, by);
    // The field keeps its deadline, as Redis's HASH_SET_KEEP_TTL.
    h.set(field, String(sum), true);
    return sum;
  });
  ctx.notify('h', 'hincrby', key);
  ctx.propagate(argv);
  return int(next);
}

/** a + b within int64, as a plain number whenever exact; overflow is Redis's error. */
function addInt64(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const fast = a + b;
    // Both are safe integers and so is their (correctly rounded, hence exact) sum.
    if (Number.isSafeInteger(fast)) return fast;
  }
  const big = BigInt(a) + BigInt(b);
  if (big > INT64_MAX || big < INT64_MIN) throw errors.overflow();
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * HINCRBYFLOAT in emulated 80-bit long double, formatted like Redis's %.17Lf human mode, and
 * journaled as `HSET key field <result>` so replay never redoes float arithmetic; a field with a
 * deadline keeps it and is journaled as `HSETEX key KEEPTTL FIELDS 1 field <result>` (Redis 8's form).
 */
function hincrbyfloatCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const field = argv[2] as string;
  const by = parseLongDouble(argv[3] as string);
  if (by === null) throw errors.notFloat();
  // An infinite increment is refused before the key is looked at (and so before it is created).
  if ('inf' in by) throw errors.generic('value is NaN or Infinity');
  let keptTtl = false;
  const out = updateHash(ctx, key, argv, 2, 1, 3, (h) => {
    const raw = h.get(field);
    const cur = raw === undefined ? LD_ZERO : parseLongDouble(raw);
    if (cur === null) throw errors.generic('hash value is not a float');
    const sum = addLongDouble(cur, by);
    if (sum === null) throw errors.generic('increment would produce NaN or Infinity');
    const s = formatLongDouble(sum);
    h.set(field, s, true);
    keptTtl = h.ttlOf(field) !== 0;
    return s;
  });
  ctx.notify('h', 'hincrbyfloat', key);
  ctx.propagate(keptTtl ? ['HSETEX', key, 'KEEPTTL', 'FIELDS', '1', field, out] : ['HSET', key, field, out]);
  return bulk(out);
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

function hgetCmd(ctx: CommandContext, argv: string[]): Reply {
  return bulkOrNull(readLive(ctx, argv[1] as string, argv, 2, 3)?.getLive(argv[2] as string, ctx.now));
}

function hmgetCmd(ctx: CommandContext, argv: string[]): Reply {
  const h = readLive(ctx, argv[1] as string, argv, 2, argv.length);
  const out = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = bulkOrNull(h?.getLive(argv[i] as string, ctx.now));
  return array(out);
}

/** HGETALL: a map in RESP3 (a flat field/value array in RESP2), in the hash's order. */
function hgetallCmd(ctx: CommandContext, argv: string[]): Reply {
  const h = readHash(ctx, argv[1] as string);
  if (h === undefined) return map([]);
  const out: (readonly [Reply, Reply])[] = [];
  // Fields past their deadline are skipped, not reclaimed, as Redis's HGETALL does.
  const ttl = h.hasFieldTtls();
  for (const [f, s] of h.entries()) if (!ttl || !h.isExpired(f, ctx.now)) out.push([bulk(f), bulk(s.v)]);
  return map(out);
}

function hkeysCmd(ctx: CommandContext, argv: string[]): Reply {
  const h = readHash(ctx, argv[1] as string);
  if (h === undefined) return EMPTY_ARRAY;
  const out: Reply[] = [];
  const ttl = h.hasFieldTtls();
  for (const f of h.keys()) if (!ttl || !h.isExpired(f, ctx.now)) out.push(bulk(f));
  return array(out);
}

function hvalsCmd(ctx: CommandContext, argv: string[]): Reply {
  const h = readHash(ctx, argv[1] as string);
  if (h === undefined) return EMPTY_ARRAY;
  const out: Reply[] = [];
  const ttl = h.hasFieldTtls();
  for (const [f, s] of h.entries()) if (!ttl || !h.isExpired(f, ctx.now)) out.push(bulk(s.v));
  return array(out);
}

/** HLEN counts fields past their deadline that are not reclaimed yet, as Redis's does. */
function hlenCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readHash(ctx, argv[1] as string)?.size ?? 0);
}

function hstrlenCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readLive(ctx, argv[1] as string, argv, 2, 3)?.getLive(argv[2] as string, ctx.now)?.length ?? 0);
}

function hexistsCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readLive(ctx, argv[1] as string, argv, 2, 3)?.getLive(argv[2] as string, ctx.now) !== undefined ? 1 : 0);
}

/**
 * HRANDFIELD's lookup: every field past its deadline is reclaimed first (Redis's
 * hashTypeExpireIfNeeded), so the draw only meets live fields; undefined when the hash went.
 */
function readForRandom(ctx: CommandContext, key: string): HashValue | undefined {
  const h = readHash(ctx, key);
  if (h === undefined || !h.hasFieldTtls()) return h;
  return ctx.db.expireDueFields(key, ctx.db.raw(key) as Entry, h) ? undefined : h;
}

// ---------------------------------------------------------------------------------------------
// HRANDFIELD
// ---------------------------------------------------------------------------------------------

/**
 * HRANDFIELD key [count [WITHVALUES]], Redis 7.0's rules: the count and options are checked
 * before the key; a missing key is nil without a count and an empty array with one; a negative
 * count samples with repetition, a positive one returns distinct fields (the whole hash, in its
 * order, when the count reaches its size). WITHVALUES is a flat array in RESP2 and an array of
 * [field, value] pairs in RESP3.
 */
function hrandfieldCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  if (argv.length === 2) {
    const h = readForRandom(ctx, key);
    if (h === undefined) return NULL_BULK;
    return bulk(h.fieldAt(h.randomIndex(randomSource(ctx))));
  }
  const raw = randomCountArg(argv[2] as string);
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && !isOpt(argv[3], 'WITHVALUES'))) throw errors.syntax();
  if (argv.length === 4) {
    withValues = true;
    const b = BigInt(raw);
    if (b > WITHVALUES_MAX || b < -WITHVALUES_MAX) throw errors.generic('value is out of range');
  }
  const count = Number(raw);
  const h = readForRandom(ctx, key);
  if (h === undefined || count === 0) return EMPTY_ARRAY;
  const rand = randomSource(ctx);
  const resp3 = ctx.client.proto === 3;
  const out: Reply[] = [];
  const emit = (f: string, v: string): void => {
    if (!withValues) out.push(bulk(f));
    else if (resp3) out.push(array([bulk(f), bulk(v)]));
    else out.push(bulk(f), bulk(v));
  };
  if (count < 0) {
    if (-count > MAX_RANDOM_REPLY) throw errors.generic('value is out of range');
    const pairOf = (i: number): Reply => (resp3 ? array([bulk(h.fieldAt(i)), bulk(h.valueAt(i))]) : multi([bulk(h.fieldAt(i)), bulk(h.valueAt(i))]));
    const compact = repeatedPicks(ctx, h.size, -count, () => h.randomIndex(rand), withValues ? pairOf : (i) => bulk(h.fieldAt(i)), withValues && !resp3 ? 2 : 1);
    if (compact !== null) return compact;
    for (let n = -count; n > 0; n--) {
      const i = h.randomIndex(rand);
      emit(h.fieldAt(i), h.valueAt(i));
    }
  } else if (count >= h.size) {
    for (const [f, s] of h.entries()) emit(f, s.v);
  } else {
    for (const i of sampleDistinct(h.size, count, rand)) emit(h.fieldAt(i), h.valueAt(i));
  }
  return array(out);
}

// ---------------------------------------------------------------------------------------------
// HSCAN
// ---------------------------------------------------------------------------------------------

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis 7.0 the cursor is parsed first,
 * then a missing key answers an empty page (options unchecked) and a wrong type WRONGTYPE, and
 * only then are the options parsed. NOVALUES (7.4) is not supported, so it is a syntax error.
 */
function hscanCmd(ctx: CommandContext, argv: string[]): Reply {
  const cursor = cursorArg(argv[2] as string);
  const h = readHash(ctx, argv[1] as string);
  if (h === undefined) return array([bulk('0'), EMPTY_ARRAY]);
  const { count, pattern } = scanOptions(argv, 3);
  const g = pattern === undefined || pattern === '*' ? undefined : compileGlob(pattern);
  let accept = g === undefined ? undefined : (f: string): boolean => matchCompiled(g, f);
  // Fields past their deadline are skipped, not reclaimed.
  if (h.hasFieldTtls()) {
    const match = accept;
    accept = (f) => !h.isExpired(f, ctx.now) && (match === undefined || match(f));
  }
  const r = h.scan(cursor, count, accept);
  return array([bulk(String(r.cursor)), array(r.items.map(bulk))]);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const SCAN_COMPLEXITY =
  'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..';

export const hashCommands: CommandSpec[] = [
  command({
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Set the string value of a hash field',
    since: '2.0.0',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    handler: (ctx, argv) => hsetGeneric(ctx, argv, 'hset', int),
  }),
  command({
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Set the value of a hash field, only if the field does not exist',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hsetnxCmd,
  }),
  command({
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Get the value of a hash field',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hgetCmd,
  }),
  command({
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Set multiple hash fields to multiple values',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    handler: (ctx, argv) => hsetGeneric(ctx, argv, 'hmset', () => OK),
  }),
  command({
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Get the values of all the given hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    handler: hmgetCmd,
  }),
  command({
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    summary: 'Get all the fields and values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    handler: hgetallCmd,
  }),
  command({
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Delete one or more hash fields',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    handler: hdelCmd,
  }),
  command({
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Determine if a hash field exists',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hexistsCmd,
  }),
  command({
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Get the number of fields in a hash',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hlenCmd,
  }),
  command({
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    summary: 'Get all the fields in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    handler: hkeysCmd,
  }),
  command({
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    summary: 'Get all the values in a hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    handler: hvalsCmd,
  }),
  command({
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Get the length of the value of a hash field',
    since: '3.2.0',
    complexity: 'O(1)',
    handler: hstrlenCmd,
  }),
  command({
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Increment the integer value of a hash field by the given number',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: hincrbyCmd,
  }),
  command({
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Increment the float value of a hash field by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: hincrbyfloatCmd,
  }),
  command({
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    summary: 'Get one or multiple random fields from a hash',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    handler: hrandfieldCmd,
  }),
  command({
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    summary: 'Incrementally iterate hash fields and associated values',
    since: '2.8.0',
    complexity: SCAN_COMPLEXITY,
    handler: hscanCmd,
  }),
];
