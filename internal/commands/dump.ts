// DUMP, RESTORE (and RESTORE-ASKING) and MIGRATE: values in Redis's serialized format, so keys move between ringcache and redis-server either way.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { RdbError } from '../rdb/bytes.js';
import { dumpPayload, restorePayload, verifyPayload } from '../rdb/value.js';
import { bulk, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { isLfuPolicy } from '../store/eviction.js';
import type { Value } from '../store/types.js';
import { isOpt, MAX_EXPIRE_MS, parseInt64 } from './args.js';
import { migrate, migrateKeys } from './dump-migrate.js';
import { command } from './spec.js';

const badPayload = (): CommandError => errors.generic('DUMP payload version or checksum are wrong');
const busyKey = (): CommandError => new CommandError('BUSYKEY', 'Target key name already exists.');

function dump(ctx: CommandContext, argv: string[]): Reply {
  const e = ctx.store.read(ctx.db, argv[1] as string);
  if (e === undefined) return NULL_BULK;
  return bulk(dumpPayload(e.value).toString('latin1'));
}

/** Redis's getLongLongFromObjectOrReply: any int64, as a number (values past 2^53 round; callers clamp). */
function int64(raw: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  return Number(v);
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  /** IDLETIME seconds, -1 when not given. */
  idle: number;
  /** FREQ counter, -1 when not given. */
  freq: number;
}

/** The options after the payload; IDLETIME and FREQ exclude each other (the second is a syntax error). */
function restoreOptions(argv: readonly string[]): RestoreOptions {
  const o: RestoreOptions = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j] as string;
    const more = argv.length - j - 1;
    if (isOpt(opt, 'REPLACE')) {
      o.replace = true;
    } else if (isOpt(opt, 'ABSTTL')) {
      o.absttl = true;
    } else if (isOpt(opt, 'IDLETIME') && more >= 1 && o.freq === -1) {
      o.idle = int64(argv[++j] as string);
      if (o.idle < 0) throw errors.generic('Invalid IDLETIME value, must be >= 0');
    } else if (isOpt(opt, 'FREQ') && more >= 1 && o.idle === -1) {
      o.freq = int64(argv[++j] as string);
      if (o.freq < 0 || o.freq > 255) throw errors.generic('Invalid FREQ value, must be >= 0 and <= 255');
    } else {
      throw errors.syntax();
    }
  }
  return o;
}

/** The payload's value, after the checks RESTORE makes in Redis's order (options, key, TTL, footer, content). */
function decodeArgument(raw: string): Value {
  const payload = Buffer.from(raw, 'latin1');
  if (!verifyPayload(payload)) throw badPayload();
  try {
    return restorePayload(payload);
  } catch (e) {
    if (e instanceof RdbError) throw errors.generic('Bad data format');
    throw e;
  }
}

/**
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]. A relative TTL is journaled
 * as the absolute time it became (`... <unix ms> ... ABSTTL`), so replay and replicas agree; a
 * TTL already past creates nothing (a replaced key is journaled as deleted).
 */
function restore(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const o = restoreOptions(argv);
  if (!o.replace && ctx.db.peek(key) !== undefined) throw busyKey();
  const ttl = int64(argv[2] as string);
  if (ttl < 0) throw errors.generic('Invalid TTL value, must be >= 0');
  const value = decodeArgument(argv[3] as string);
  const deleted = o.replace && ctx.db.delete(key);
  // Expiry times past what a double holds exactly are beyond any real clock: clamp them.
  const at = ttl === 0 ? 0 : Math.min(o.absttl ? ttl : ctx.now + ttl, MAX_EXPIRE_MS);
  if (at !== 0 && at <= ctx.now) {
    if (deleted) {
      ctx.propagate(['DEL', key]);
      ctx.notify('g', 'del', key);
    }
    return OK;
  }
  const e = ctx.db.set(key, value, at);
  if (at !== 0 && !o.absttl) {
    const journaled = argv.slice();
    journaled[2] = String(at);
    journaled.push('ABSTTL');
    ctx.propagate(journaled);
  } else {
    ctx.propagate(argv);
  }
  // As Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME under any other.
  if (isLfuPolicy(ctx.store.memoryPolicy.policy)) {
    if (o.freq >= 0) e.lfu = o.freq;
  } else if (o.idle >= 0) {
    // No access before the epoch: an idle time beyond it reads back as the time since then.
    e.access = Math.max(0, ctx.now - o.idle * 1000);
  }
  ctx.notify('g', 'restore', key);
  return OK;
}

const RESTORE_SYNTAX = 'key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]';
const RESTORE_COMPLEXITY = 'O(1) to create the key, plus O(N) to rebuild a value of N elements (O(N log N) for sorted sets).';

export const dumpCommands: readonly CommandSpec[] = [
  command({
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'generic',
    summary: 'Returns the value of a key in the serialized form RESTORE reads.',
    since: '2.6.0',
    complexity: 'O(1) to find the key, plus O(N) to serialize a value of N elements.',
    syntax: 'key',
    handler: dump,
  }),
  command({
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    group: 'generic',
    summary: 'Creates a key from a value serialized by DUMP.',
    since: '2.6.0',
    complexity: RESTORE_COMPLEXITY,
    syntax: RESTORE_SYNTAX,
    handler: restore,
  }),
  command({
    name: 'restore-asking',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    group: 'server',
    summary: 'RESTORE as MIGRATE sends it to a cluster node (internal).',
    since: '3.0.0',
    complexity: RESTORE_COMPLEXITY,
    syntax: RESTORE_SYNTAX,
    handler: restore,
  }),
  command({
    name: 'migrate',
    arity: -6,
    flags: ['write'],
    keys: [3, 3, 1],
    movableKeys: migrateKeys,
    group: 'generic',
    summary: 'Moves keys to another Redis-compatible server: RESTORE there, then delete here.',
    since: '2.6.0',
    complexity: 'O(N) in the size of the values moved, plus the transfer to the target.',
    syntax: 'host port <key | ""> destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key [key ...]]',
    handler: migrate,
  }),
];
