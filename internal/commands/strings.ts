// Strings family: the command table, GET/SET and their variants, MGET/MSET and the counters, with Redis 7 semantics.
import type { CommandContext } from '../contracts/command.js';
import { asString, inInt64, isOpt, parseInt64, setExpireMs } from './args.js';
import { errors } from '../contracts/errors.js';
import { addLongDouble, formatLongDouble, LD_ZERO, parseLongDouble, type ParsedLongDouble } from './longdouble.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, bulkOrNull, int, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { readString } from './strings-common.js';
import { appendCmd, getrangeCmd, lcsCmd, setrangeCmd, strlenCmd } from './strings-range.js';

// ---------------------------------------------------------------------------------------------
// SET / GETEX extended options (Redis's parseExtendedStringArgumentsOrReply)
// ---------------------------------------------------------------------------------------------

const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_PERSIST = 16;
const F_EX = 32;
const F_PX = 64;
const F_EXAT = 128;
const F_PXAT = 256;
const F_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

const EXPIRE_OPTIONS: readonly (readonly [string, number])[] = [
  ['EX', F_EX],
  ['PX', F_PX],
  ['EXAT', F_EXAT],
  ['PXAT', F_PXAT],
];

interface ExtendedArgs {
  flags: number;
  /** The raw expire argument of EX/PX/EXAT/PXAT, if one was given. */
  expire: string | undefined;
}

/**
 * Parses the options after the key (GETEX) or key and value (SET). Exactly Redis's rules: a
 * repeated option is fine (`EX 1 EX 2` keeps the last), conflicting ones are a syntax error, and an
 * expire option without its argument is a syntax error too.
 */
function parseExtended(argv: readonly string[], start: number, forSet: boolean): ExtendedArgs {
  let flags = 0;
  let expire: string | undefined;
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j] as string;
    const hasNext = j < argv.length - 1;
    if (forSet && isOpt(opt, 'NX') && (flags & F_XX) === 0) {
      flags |= F_NX;
    } else if (forSet && isOpt(opt, 'XX') && (flags & F_NX) === 0) {
      flags |= F_XX;
    } else if (forSet && isOpt(opt, 'GET')) {
      flags |= F_GET;
    } else if (forSet && isOpt(opt, 'KEEPTTL') && (flags & (F_PERSIST | F_EXPIRE)) === 0) {
      flags |= F_KEEPTTL;
    } else if (!forSet && isOpt(opt, 'PERSIST') && (flags & (F_KEEPTTL | F_EXPIRE)) === 0) {
      flags |= F_PERSIST;
    } else {
      const flag = expireOption(opt);
      // The same expire option may repeat; any other expire option, KEEPTTL or PERSIST conflicts.
      const conflicts = F_KEEPTTL | F_PERSIST | (F_EXPIRE & ~flag);
      if (flag === 0 || !hasNext || (flags & conflicts) !== 0) throw errors.syntax();
      flags |= flag;
      expire = argv[++j] as string;
    }
  }
  return { flags, expire };
}

function expireOption(opt: string): number {
  for (const [name, flag] of EXPIRE_OPTIONS) if (isOpt(opt, name)) return flag;
  return 0;
}

/** The absolute expire time (unix ms) an EX/PX/EXAT/PXAT argument names, with Redis's errors. */
function resolveExpire(ctx: CommandContext, flags: number, raw: string, cmd: string): number {
  const unit = (flags & (F_EX | F_EXAT)) !== 0 ? 's' : 'ms';
  const absolute = (flags & (F_EXAT | F_PXAT)) !== 0;
  return setExpireMs(raw, unit, absolute, ctx.now, cmd);
}

/**
 * Redis's setGenericCommand, shared by SET, SETNX, SETEX and PSETEX. `at` is the absolute expiry
 * (undefined: none given). Always journals the normalized effect (`SET k v`, `SET k v KEEPTTL`,
 * `SET k v PXAT ms`, or `DEL k` when the expiry is already past), never the conditions.
 * Notifications: `set`, then `expire` when an expiry was given (a new key raises `new` first,
 * from the keyspace).
 */
function setGeneric(
  ctx: CommandContext,
  key: string,
  value: string,
  flags: number,
  at: number | undefined,
  okReply: Reply,
  abortReply: Reply,
  /** The request itself when it is already the plain `SET key value` to journal (no list built per SET). */
  asSent: readonly string[] | null = null,
): Reply {
  const db = ctx.db;
  // GET reads (and type-checks) before anything changes, as Redis does.
  const old = (flags & F_GET) !== 0 ? bulkOrNull(readString(ctx, key)) : undefined;
  if ((flags & (F_NX | F_XX)) !== 0) {
    const found = db.get(key) !== undefined;
    if (((flags & F_NX) !== 0 && found) || ((flags & F_XX) !== 0 && !found)) return old ?? abortReply;
  }
  if (at !== undefined && at <= ctx.now) {
    setExpiredAtOnce(ctx, key);
  } else if (at !== undefined) {
    db.set(key, value, at);
    ctx.propagate(['SET', key, value, 'PXAT', String(at)]);
    ctx.notify('$', 'set', key);
    ctx.notify('g', 'expire', key);
  } else if ((flags & F_KEEPTTL) !== 0) {
    db.set(key, value, 'keep');
    ctx.propagate(['SET', key, value, 'KEEPTTL']);
    ctx.notify('$', 'set', key);
  } else {
    db.set(key, value, 0);
    ctx.propagate(asSent ?? ['SET', key, value]);
    ctx.notify('$', 'set', key);
  }
  return old ?? okReply;
}

/**
 * SET with an EXAT/PXAT already in the past. The key would be born expired, so the net effect is a
 * delete (journaled as DEL) and nothing is stored. Redis 7 does store it and lets expiry reclaim it
 * at once, so its subscribers see `new` (if it was missing), `set`, `expire`, then `expired`, and
 * INFO counts an expired key: the same is raised here, so an application reacting to `expired`
 * sees exactly what Redis 7 shows it.
 */
function setExpiredAtOnce(ctx: CommandContext, key: string): void {
  // The lookup first: a stale entry is reclaimed (raising its own `expired`), as Redis's
  // lookupKeyWrite does before setKey, so "existed" means a live key.
  const existed = ctx.db.get(key) !== undefined;
  if (existed) {
    ctx.db.delete(key);
    ctx.propagate(['DEL', key]);
  } else {
    // The keyspace raises `new` when it stores a key; this one is never stored.
    ctx.notify('n', 'new', key);
  }
  ctx.notify('$', 'set', key);
  ctx.notify('g', 'expire', key);
  ctx.store.stats.expiredKeys++;
  ctx.notify('x', 'expired', key);
}

// ---------------------------------------------------------------------------------------------
// Handlers: get / set family
// ---------------------------------------------------------------------------------------------

function getCmd(ctx: CommandContext, argv: string[]): Reply {
  const e = ctx.store.read(ctx.db, argv[1] as string);
  if (e === undefined) return NULL_BULK;
  return bulk(asString(e.value));
}

function setCmd(ctx: CommandContext, argv: string[]): Reply {
  const { flags, expire } = parseExtended(argv, 3, true);
  const at = expire === undefined ? undefined : resolveExpire(ctx, flags, expire, 'set');
  // A request that already is the record to journal (`SET key value`, as redis-benchmark and
  // redis-cli send it) is journaled itself; other spellings keep the uppercase record replicas,
  // the AOF and their tests see.
  const asSent = argv.length === 3 && argv[0] === 'SET' ? argv : null;
  return setGeneric(ctx, argv[1] as string, argv[2] as string, flags, at, OK, NULL_BULK, asSent);
}

function setnxCmd(ctx: CommandContext, argv: string[]): Reply {
  return setGeneric(ctx, argv[1] as string, argv[2] as string, F_NX, undefined, int(1), int(0));
}

function setexCmd(ctx: CommandContext, argv: string[]): Reply {
  const at = resolveExpire(ctx, F_EX, argv[2] as string, 'setex');
  return setGeneric(ctx, argv[1] as string, argv[3] as string, 0, at, OK, NULL_BULK);
}

function psetexCmd(ctx: CommandContext, argv: string[]): Reply {
  const at = resolveExpire(ctx, F_PX, argv[2] as string, 'psetex');
  return setGeneric(ctx, argv[1] as string, argv[3] as string, 0, at, OK, NULL_BULK);
}

/**
 * GETEX: options are checked for syntax first, but a missing key answers nil before the expire
 * value is validated (Redis's order). Journaled as PEXPIREAT, DEL or PERSIST; plain GETEX is a read.
 */
function getexCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const { flags, expire } = parseExtended(argv, 2, false);
  const db = ctx.db;
  const e = ctx.store.read(db, key);
  if (e === undefined) return NULL_BULK;
  const value = asString(e.value);
  if (expire !== undefined) {
    const at = resolveExpire(ctx, flags, expire, 'getex');
    if ((flags & (F_EXAT | F_PXAT)) !== 0 && at <= ctx.now) {
      db.delete(key);
      ctx.propagate(['DEL', key]);
      // Redis 7 reports a past absolute time as a deletion (`del`), unlike SET's.
      ctx.notify('g', 'del', key);
    } else {
      db.setExpire(key, e, at);
      ctx.propagate(['PEXPIREAT', key, String(at)]);
      ctx.notify('g', 'expire', key);
    }
  } else if ((flags & F_PERSIST) !== 0 && e.expireAt !== 0) {
    db.setExpire(key, e, 0);
    ctx.propagate(['PERSIST', key]);
    ctx.notify('g', 'persist', key);
  }
  return bulk(value);
}

function getdelCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const value = readString(ctx, key);
  if (value === undefined) return NULL_BULK;
  ctx.db.delete(key);
  ctx.propagate(['DEL', key]);
  ctx.notify('g', 'del', key);
  return bulk(value);
}

function getsetCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const value = argv[2] as string;
  const old = readString(ctx, key);
  ctx.db.set(key, value, 0);
  ctx.propagate(['SET', key, value]);
  ctx.notify('$', 'set', key);
  return bulkOrNull(old);
}

/** MGET never fails: missing keys and non-string values are nil. */
function mgetCmd(ctx: CommandContext, argv: string[]): Reply {
  const db = ctx.db;
  const out: Reply[] = new Array<Reply>(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.store.read(db, argv[i] as string);
    out[i - 1] = e !== undefined && typeof e.value === 'string' ? bulk(e.value) : NULL_BULK;
  }
  return array(out);
}

function msetCmd(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length % 2 === 0) throw errors.wrongArity('mset');
  setPairs(ctx, argv);
  ctx.propagate(argv);
  return OK;
}

/** MSETNX sets nothing if any key exists (of any type); replayed as the MSET it became. */
function msetnxCmd(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length % 2 === 0) throw errors.wrongArity('msetnx');
  const db = ctx.db;
  for (let i = 1; i < argv.length; i += 2) if (db.get(argv[i] as string) !== undefined) return int(0);
  setPairs(ctx, argv);
  ctx.propagate(['MSET', ...argv.slice(1)]);
  return int(1);
}

/** MSET's effect: each key set in argument order, each with its own `set` (a repeated key too). */
function setPairs(ctx: CommandContext, argv: readonly string[]): void {
  const db = ctx.db;
  for (let i = 1; i < argv.length; i += 2) {
    const key = argv[i] as string;
    db.set(key, argv[i + 1] as string, 0);
    ctx.notify('$', 'set', key);
  }
}

// ---------------------------------------------------------------------------------------------
// Integer counters: exact int64 arithmetic, with a plain-number fast path below 2^53
// ---------------------------------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** Adds `by` to the integer at `key` (0 when missing), keeping the TTL. */
function incrBy(ctx: CommandContext, argv: readonly string[], by: number | bigint): Reply {
  const key = argv[1] as string;
  const db = ctx.db;
  const e = db.get(key);
  let cur: number | bigint = 0;
  if (e !== undefined) {
    const v = parseInt64(asString(e.value));
    if (v === null) throw errors.notInteger();
    cur = v;
  }
  let next: number | bigint;
  const fast = typeof cur === 'number' && typeof by === 'number' ? cur + by : NaN;
  if (Number.isSafeInteger(fast)) {
    // Both operands are safe integers and so is their (correctly rounded, hence exact) sum.
    next = fast;
  } else {
    const big = BigInt(cur) + BigInt(by);
    if (!inInt64(big)) throw errors.overflow();
    // Back to a plain number whenever it is exact, so replies and fast paths stay uniform.
    next = big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
  }
  db.set(key, String(next), e === undefined ? 0 : 'keep');
  ctx.propagate(argv);
  // INCR, DECR, INCRBY and DECRBY all raise `incrby`, as Redis names them.
  ctx.notify('$', 'incrby', key);
  return int(next);
}

function incrbyArg(raw: string): number | bigint {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  return v;
}

function decrbyCmd(ctx: CommandContext, argv: string[]): Reply {
  const v = incrbyArg(argv[2] as string);
  // Negating INT64_MIN overflows; Redis reports it before looking at the key.
  if (v === -9223372036854775808n) throw errors.generic('decrement would overflow');
  return incrBy(ctx, argv, typeof v === 'number' ? (v === 0 ? 0 : -v) : -v);
}

/** Journaled as `SET k <result> KEEPTTL` so replay never redoes float arithmetic. */
function incrbyfloatCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const db = ctx.db;
  const e = db.get(key);
  let cur: ParsedLongDouble | null = LD_ZERO;
  if (e !== undefined) cur = parseLongDouble(asString(e.value));
  if (cur === null) throw errors.notFloat();
  const by = parseLongDouble(argv[2] as string);
  if (by === null) throw errors.notFloat();
  const sum = addLongDouble(cur, by);
  if (sum === null) throw errors.generic('increment would produce NaN or Infinity');
  const out = formatLongDouble(sum);
  db.set(key, out, e === undefined ? 0 : 'keep');
  ctx.propagate(['SET', key, out, 'KEEPTTL']);
  // The event names the command, not the SET it is journaled as.
  ctx.notify('$', 'incrbyfloat', key);
  return bulk(out);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const GETRANGE_COMPLEXITY =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const stringCommands: CommandSpec[] = [
  command({
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'string',
    acl: ['string'],
    summary: 'Get the value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: getCmd,
  }),
  command({
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    boundedCost: true,
    keySpecs: [
      {
        notes: 'RW and ACCESS due to the optional `GET` argument',
        flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'],
        begin: { index: 1 },
        find: { lastkey: 0, keystep: 1, limit: 0 },
        // Redis's setGetKeys: GET reads the old value, otherwise the key is only overwritten.
        flagsFor: (argv) => (argv.slice(3).some((a) => isOpt(a, 'GET')) ? ['RW', 'ACCESS', 'UPDATE'] : ['OW', 'UPDATE']),
      },
    ],
    group: 'string',
    acl: ['string'],
    summary: 'Set the string value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    handler: setCmd,
  }),
  command({
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['OW', 'INSERT'])],
    group: 'string',
    acl: ['string'],
    summary: 'Set the value of a key, only if the key does not exist',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: setnxCmd,
  }),
  command({
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    boundedCost: true,
    keySpecs: [keyAt(1, ['OW', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Set the value and expiration of a key',
    since: '2.0.0',
    complexity: 'O(1)',
    handler: setexCmd,
  }),
  command({
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    boundedCost: true,
    keySpecs: [keyAt(1, ['OW', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Set the value and expiration in milliseconds of a key',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: psetexCmd,
  }),
  command({
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keySpecs: [{ notes: 'RW and UPDATE because it changes the TTL', flags: ['RW', 'ACCESS', 'UPDATE'], begin: { index: 1 }, find: { lastkey: 0, keystep: 1, limit: 0 } }],
    group: 'string',
    acl: ['string'],
    summary: 'Get the value of a key and optionally set its expiration',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: getexCmd,
  }),
  command({
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Get the value of a key and delete the key',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: getdelCmd,
  }),
  command({
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Set the string value of a key and return its old value',
    since: '1.0.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    handler: getsetCmd,
  }),
  command({
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'], -1)],
    group: 'string',
    acl: ['string'],
    tips: ['request_policy:multi_shard'],
    summary: 'Get the values of all the given keys',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    handler: mgetCmd,
  }),
  command({
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE'], -1, 2)],
    group: 'string',
    acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    summary: 'Set multiple keys to multiple values',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    handler: msetCmd,
  }),
  command({
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'INSERT'], -1, 2)],
    group: 'string',
    acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    since: '1.0.1',
    complexity: 'O(N) where N is the number of keys to set.',
    handler: msetnxCmd,
  }),
  command({
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'string',
    acl: ['string'],
    summary: 'Append a value to a key',
    since: '2.0.0',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    handler: appendCmd,
  }),
  command({
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'string',
    acl: ['string'],
    summary: 'Get the length of the value stored in a key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: strlenCmd,
  }),
  command({
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Increment the integer value of a key by one',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => incrBy(ctx, argv, 1),
  }),
  command({
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Decrement the integer value of a key by one',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => incrBy(ctx, argv, -1),
  }),
  command({
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Increment the integer value of a key by the given amount',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => incrBy(ctx, argv, incrbyArg(argv[2] as string)),
  }),
  command({
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Decrement the integer value of a key by the given number',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: decrbyCmd,
  }),
  command({
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Increment the float value of a key by the given amount',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: incrbyfloatCmd,
  }),
  command({
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'string',
    acl: ['string'],
    summary: 'Get a substring of the string stored at a key',
    since: '2.4.0',
    complexity: GETRANGE_COMPLEXITY,
    handler: getrangeCmd,
  }),
  command({
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'string',
    acl: ['string'],
    summary: 'Overwrite part of a string at key starting at the specified offset',
    since: '2.2.0',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    handler: setrangeCmd,
  }),
  command({
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'string',
    acl: ['string'],
    summary: 'Get a substring of the string stored at a key',
    since: '1.0.0',
    complexity: GETRANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    handler: getrangeCmd,
  }),
  command({
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'], 1)],
    group: 'string',
    acl: ['string'],
    summary: 'Find longest common substring',
    since: '7.0.0',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    handler: lcsCmd,
  }),
];
