// The keyspace (generic) command family: existence, deletion, renaming, expiry, iteration, introspection and database selection.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { cursorArg, expireCommandMs, intArg, isOpt, parseInt64 } from './args.js';
import { command, keyAt } from './spec.js';
import { objectCommand } from './keyspace-object.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, bulkOrNull, bulks, int, OK, simple, type Reply } from '../resp/reply.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';
import type { Keyspace } from '../store/keyspace.js';
import { typeOf, type Entry, type Value } from '../store/types.js';
import type { NotifyClass } from '../executor/notify.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const SCAN_DEFAULT_COUNT = 10;

const sameObject = (): CommandError => errors.generic('source and destination objects are the same');

/**
 * Redis's getIntFromObjectOrReply: any int64 parses, but only int32 values are accepted; `msg`
 * replaces both errors when given (SWAPDB's "invalid first DB index").
 */
function int32Arg(raw: string, msg?: string): number {
  const v = parseInt64(raw);
  if (v === null) throw msg === undefined ? errors.notInteger() : errors.generic(msg);
  if (typeof v === 'bigint' || v < INT32_MIN || v > INT32_MAX) {
    throw errors.generic(msg ?? `value is out of range, value must between ${INT32_MIN} and ${INT32_MAX}`);
  }
  return v;
}

/** A database index for MOVE, COPY DB and SELECT: int32 first, then the configured range. */
function dbIndexArg(ctx: CommandContext, raw: string): number {
  const id = int32Arg(raw);
  if (id < 0 || id >= ctx.store.databases) throw errors.dbIndexOutOfRange();
  return id;
}

/** A value copy for COPY: strings are immutable, collections are cloned deeply. */
function copyValue(v: Value): Value {
  return typeof v === 'string' ? v : v.clone();
}

/**
 * Lookup for read-only introspection (EXISTS, TYPE, TTL, OBJECT): counts keyspace hits and misses
 * like Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH) but leaves access time and LFU alone. A miss
 * raises `keymiss` unless `reportMiss` is false (OBJECT, which Redis looks up with LOOKUP_NONOTIFY).
 */
function peekRead(ctx: CommandContext, key: string, reportMiss = true): Entry | undefined {
  return ctx.store.peekRead(ctx.db, key, reportMiss);
}

/**
 * A notification in database `db`, which MOVE and COPY ... DB need for their destination while
 * ctx.notify addresses the selected database: the selection is switched for that synchronous call
 * only (nothing else runs meanwhile), so the event carries the destination's index.
 */
function notifyIn(ctx: CommandContext, db: number, cls: NotifyClass, event: string, key: string): void {
  const selected = ctx.client.db;
  if (db === selected) {
    ctx.notify(cls, event, key);
    return;
  }
  ctx.client.db = db;
  try {
    ctx.notify(cls, event, key);
  } finally {
    ctx.client.db = selected;
  }
}

// ---------------------------------------------------------------------------------------------
// DEL UNLINK EXISTS TOUCH TYPE

function del(ctx: CommandContext, argv: string[]): Reply {
  const deleted: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    // UNLINK raises `del` too; a key found expired raises only its `expired` (from the keyspace).
    if (ctx.db.delete(key)) {
      deleted.push(key);
      ctx.notify('g', 'del', key);
    }
  }
  // Only the keys that were really removed: replaying them is the same effect, and an UNLINK is
  // journaled as DEL because the replayer has no background thread to hand the freeing to.
  if (deleted.length > 0) ctx.propagate(['DEL', ...deleted]);
  return int(deleted.length);
}

function exists(ctx: CommandContext, argv: string[]): Reply {
  let n = 0;
  // A key named twice counts twice, as in Redis.
  for (let i = 1; i < argv.length; i++) if (peekRead(ctx, argv[i] as string) !== undefined) n++;
  return int(n);
}

function touch(ctx: CommandContext, argv: string[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.store.read(ctx.db, argv[i] as string) !== undefined) n++;
  return int(n);
}

function type(ctx: CommandContext, argv: string[]): Reply {
  const e = peekRead(ctx, argv[1] as string);
  return simple(e === undefined ? 'none' : typeOf(e.value));
}

// ---------------------------------------------------------------------------------------------
// KEYS SCAN RANDOMKEY DBSIZE

function keys(ctx: CommandContext, argv: string[]): Reply {
  const g = compileGlob(argv[1] as string);
  const out: string[] = [];
  for (const k of ctx.db.keys()) if (g.matchAll || matchCompiled(g, k)) out.push(k);
  return bulks(out);
}

function scan(ctx: CommandContext, argv: string[]): Reply {
  // The cursor is checked before the options, so a bad cursor wins over a bad option.
  const cursor = cursorArg(argv[1] as string);
  let count = SCAN_DEFAULT_COUNT;
  let pattern: string | undefined;
  let typeName: string | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i] as string;
    const val = argv[i + 1];
    if (val === undefined) throw errors.syntax();
    if (isOpt(opt, 'COUNT')) {
      count = intArg(val);
      if (count < 1) throw errors.syntax();
    } else if (isOpt(opt, 'MATCH')) {
      pattern = val;
    } else if (isOpt(opt, 'TYPE')) {
      // Redis 7 compares type names case-insensitively (module types too: MBbloom--) and answers nothing for unknown ones.
      typeName = val.toLowerCase();
    } else {
      throw errors.syntax();
    }
  }
  const g = pattern === undefined || pattern === '*' ? undefined : compileGlob(pattern);
  const r = ctx.db.scan(
    cursor,
    count,
    (k, e) => (g === undefined || matchCompiled(g, k)) && (typeName === undefined || typeOf(e.value).toLowerCase() === typeName),
  );
  return array([bulk(String(r.cursor)), bulks(r.keys)]);
}

function randomkey(ctx: CommandContext): Reply {
  return bulkOrNull(ctx.db.randomKey());
}

function dbsize(ctx: CommandContext): Reply {
  // Like Redis's dictSize: expired keys not yet reclaimed still count.
  return int(ctx.db.size);
}

// ---------------------------------------------------------------------------------------------
// RENAME RENAMENX MOVE COPY

function renameGeneric(ctx: CommandContext, argv: string[], nx: boolean): Reply {
  const src = argv[1] as string;
  const dst = argv[2] as string;
  const e = ctx.db.get(src);
  if (e === undefined) throw errors.noSuchKey();
  // Renaming onto itself is a no-op on an existing key (Redis >= 3.2), not an error.
  if (src === dst) return nx ? int(0) : OK;
  if (ctx.db.get(dst) !== undefined) {
    if (nx) return int(0);
    // Redis deletes the old destination before adding: the new key takes a new SCAN position.
    ctx.db.delete(dst);
  }
  const { value, expireAt, lfu } = e;
  ctx.db.delete(src);
  // The value object moves as-is in Redis, so its LFU counter travels with it.
  ctx.db.set(dst, value, expireAt).lfu = lfu;
  // Deterministic as given: the expiry moved with the key is already absolute state.
  ctx.propagate(argv);
  // Always `new` for the destination (from the keyspace, even over an old one, which was deleted
  // first), then these two; the overwritten destination raises no `del`, as in Redis.
  ctx.notify('g', 'rename_from', src);
  ctx.notify('g', 'rename_to', dst);
  return nx ? int(1) : OK;
}

function move(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const target = ctx.store.db(dbIndexArg(ctx, argv[2] as string));
  if (target === ctx.db) throw sameObject();
  const e = ctx.db.get(key);
  if (e === undefined) return int(0);
  if (target.get(key) !== undefined) return int(0);
  target.set(key, e.value, e.expireAt).lfu = e.lfu;
  ctx.db.delete(key);
  // Propagated as-is: the journal records the client's (source) database with the command, and
  // MOVE names its destination absolutely, so replaying it in the source database is exact.
  ctx.propagate(argv);
  // Each event in its own database: `move_from` in the source, `move_to` (after the target's
  // `new`) in the destination.
  ctx.notify('g', 'move_from', key);
  notifyIn(ctx, target.index, 'g', 'move_to', key);
  return int(1);
}

function copy(ctx: CommandContext, argv: string[]): Reply {
  const src = argv[1] as string;
  const dstKey = argv[2] as string;
  let target: Keyspace = ctx.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (isOpt(opt, 'REPLACE')) {
      replace = true;
    } else if (isOpt(opt, 'DB') && i + 1 < argv.length) {
      target = ctx.store.db(dbIndexArg(ctx, argv[++i] as string));
    } else {
      throw errors.syntax();
    }
  }
  if (target === ctx.db && src === dstKey) throw sameObject();
  const e = ctx.store.read(ctx.db, src);
  if (e === undefined) return int(0);
  if (target.get(dstKey) !== undefined) {
    if (!replace) return int(0);
    target.delete(dstKey);
  }
  target.set(dstKey, copyValue(e.value), e.expireAt);
  // As-is, like MOVE: `DB n` is absolute and the source is the journaled client database.
  ctx.propagate(argv);
  // Only the destination hears about it (`new`, then `copy_to`, in its database); a replaced
  // destination raises no `del`.
  notifyIn(ctx, target.index, 'g', 'copy_to', dstKey);
  return int(1);
}

// ---------------------------------------------------------------------------------------------
// EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST TTL PTTL EXPIRETIME PEXPIRETIME

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Redis's parseExtendedExpireArgumentsOrReply: unknown options first, then the conflicts. */
function expireFlags(argv: readonly string[], from: number): ExpireFlags {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let i = from; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (isOpt(opt, 'NX')) f.nx = true;
    else if (isOpt(opt, 'XX')) f.xx = true;
    else if (isOpt(opt, 'GT')) f.gt = true;
    else if (isOpt(opt, 'LT')) f.lt = true;
    else throw errors.generic(`Unsupported option ${opt}`);
  }
  if (f.nx && (f.xx || f.gt || f.lt)) throw errors.generic('NX and XX, GT or LT options at the same time are not compatible');
  if (f.gt && f.lt) throw errors.generic('GT and LT options at the same time are not compatible');
  return f;
}

function expireGeneric(ctx: CommandContext, argv: string[], unit: 's' | 'ms', absolute: boolean): Reply {
  const cmd = (argv[0] as string).toLowerCase();
  const key = argv[1] as string;
  const flags = expireFlags(argv, 3);
  const when = expireCommandMs(argv[2] as string, unit, absolute ? 0 : ctx.now, cmd);
  const e = ctx.db.get(key);
  if (e === undefined) return int(0);
  const current = e.expireAt === 0 ? -1 : e.expireAt;
  if (flags.nx && current !== -1) return int(0);
  if (flags.xx && current === -1) return int(0);
  // No TTL counts as an infinite one: GT can never beat it, LT always does.
  if (flags.gt && (current === -1 || when <= current)) return int(0);
  if (flags.lt && current !== -1 && when >= current) return int(0);
  if (when <= ctx.now) {
    ctx.db.delete(key);
    // A replica or AOF replay at a later time must not re-evaluate the clock: journal the effect.
    ctx.propagate(['DEL', key]);
    // Redis reports this as a deletion, not as an expiry (documented: `del`, never `expired`).
    ctx.notify('g', 'del', key);
    return int(1);
  }
  ctx.db.setExpire(key, e, when);
  // Absolute, and without the condition flags: they held here, so the plain effect is the same.
  // String() of a time past 2^53 is the shortest form that reads back as the same stored number.
  ctx.propagate(['PEXPIREAT', key, String(when)]);
  ctx.notify('g', 'expire', key);
  return int(1);
}

function persist(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined || e.expireAt === 0) return int(0);
  ctx.db.setExpire(key, e, 0);
  ctx.propagate(argv);
  ctx.notify('g', 'persist', key);
  return int(1);
}

/** TTL family: -2 missing, -1 no expiry; relative times never go below 0; seconds round half up. */
function ttlGeneric(ctx: CommandContext, argv: string[], ms: boolean, abs: boolean): Reply {
  const e = peekRead(ctx, argv[1] as string);
  if (e === undefined) return int(-2);
  if (e.expireAt === 0) return int(-1);
  const t = abs ? e.expireAt : Math.max(0, e.expireAt - ctx.now);
  if (ms || Number.isSafeInteger(t)) return int(ms ? t : Math.floor((t + 500) / 1000));
  // Past 2^53 ms (args.storedExpireMs): the seconds of the decimal the milliseconds print as, in
  // integer arithmetic, so that TTL and PTTL agree (and EXPIRETIME of EXPIREAT's seconds is them).
  return int((BigInt(String(t)) + 500n) / 1000n);
}

// ---------------------------------------------------------------------------------------------
// FLUSHDB FLUSHALL SELECT SWAPDB

/** `[ASYNC | SYNC]`: both free synchronously here; anything else is a syntax error. */
function flushMode(argv: readonly string[]): void {
  if (argv.length === 1) return;
  const m = argv[1];
  if (argv.length === 2 && (isOpt(m, 'ASYNC') || isOpt(m, 'SYNC'))) return;
  throw errors.syntax();
}

// FLUSHDB, FLUSHALL and SWAPDB raise no keyspace notifications at all, per key or otherwise, as
// in Redis 7: a subscriber that caches keys must treat them as out-of-band (see docs/notifications.md).

function flushdb(ctx: CommandContext, argv: string[]): Reply {
  flushMode(argv);
  ctx.db.flush();
  // Always journaled, even when the database was already empty, as Redis forces it: a replica
  // whose copy has diverged must still end up empty.
  ctx.propagate(argv);
  return OK;
}

function flushall(ctx: CommandContext, argv: string[]): Reply {
  flushMode(argv);
  ctx.store.flushAll();
  ctx.propagate(argv);
  return OK;
}

function select(ctx: CommandContext, argv: string[]): Reply {
  // Nothing to journal: the executor records each write with the client's database.
  ctx.client.db = dbIndexArg(ctx, argv[1] as string);
  return OK;
}

function swapdb(ctx: CommandContext, argv: string[]): Reply {
  const a = int32Arg(argv[1] as string, 'invalid first DB index');
  const b = int32Arg(argv[2] as string, 'invalid second DB index');
  const n = ctx.store.databases;
  if (a < 0 || a >= n || b < 0 || b >= n) throw errors.dbIndexOutOfRange();
  if (a !== b) ctx.store.swap(a, b);
  // Database-independent, so as-is; Redis counts it dirty even for a == b.
  ctx.propagate(argv);
  return OK;
}

// ---------------------------------------------------------------------------------------------
// The table

export const keyspaceCommands: CommandSpec[] = [
  command({
    name: 'del',
    arity: -2,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RM', 'DELETE'], -1)],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    summary: 'Delete a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    handler: del,
  }),
  command({
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RM', 'DELETE'], -1)],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    handler: del,
  }),
  command({
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'], -1)],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    summary: 'Determine if a key exists',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    handler: exists,
  }),
  command({
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'], -1)],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    handler: touch,
  }),
  command({
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Determine the type stored at key',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: type,
  }),
  command({
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    group: 'generic',
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    handler: keys,
  }),
  command({
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['nondeterministic_output', 'request_policy:special'],
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    handler: scan,
  }),
  command({
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: randomkey,
  }),
  command({
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['OW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Rename a key',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => renameGeneric(ctx, argv, false),
  }),
  command({
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE']), keyAt(2, ['OW', 'INSERT'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['3.2.0', 'The command no longer returns an error when source and destination names are the same.'],
    ],
    handler: (ctx, argv) => renameGeneric(ctx, argv, true),
  }),
  command({
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Move a key to another database',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: move,
  }),
  command({
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS']), keyAt(2, ['OW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Copy a key',
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler: copy,
  }),
  command({
    name: 'expire',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: "Set a key's time to live in seconds",
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    handler: (ctx, argv) => expireGeneric(ctx, argv, 's', false),
  }),
  command({
    name: 'pexpire',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: "Set a key's time to live in milliseconds",
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    handler: (ctx, argv) => expireGeneric(ctx, argv, 'ms', false),
  }),
  command({
    name: 'expireat',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Set the expiration for a key as a UNIX timestamp',
    since: '1.2.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    handler: (ctx, argv) => expireGeneric(ctx, argv, 's', true),
  }),
  command({
    name: 'pexpireat',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    handler: (ctx, argv) => expireGeneric(ctx, argv, 'ms', true),
  }),
  command({
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: persist,
  }),
  command({
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    summary: 'Get the time to live for a key in seconds',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    handler: (ctx, argv) => ttlGeneric(ctx, argv, false, false),
  }),
  command({
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    summary: 'Get the time to live for a key in milliseconds',
    since: '2.6.0',
    complexity: 'O(1)',
    history: [['2.8.0', 'Added the -2 reply.']],
    handler: (ctx, argv) => ttlGeneric(ctx, argv, true, false),
  }),
  command({
    name: 'expiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Get the expiration Unix timestamp for a key',
    since: '7.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => ttlGeneric(ctx, argv, false, true),
  }),
  command({
    name: 'pexpiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'generic',
    acl: ['keyspace'],
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    since: '7.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => ttlGeneric(ctx, argv, true, true),
  }),
  objectCommand,
  command({
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    group: 'server',
    acl: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: dbsize,
  }),
  command({
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    group: 'server',
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    handler: flushdb,
  }),
  command({
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    group: 'server',
    acl: ['keyspace', 'dangerous'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    handler: flushall,
  }),
  command({
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: select,
  }),
  command({
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    group: 'server',
    acl: ['keyspace', 'dangerous'],
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    handler: swapdb,
  }),
];
