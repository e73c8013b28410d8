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
import { command, keyAt } from './spec.js';

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

export const dumpCommands: readonly CommandSpec[] = [
  command({
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    handler: dump,
  }),
  command({
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE'])],
    group: 'generic',
    acl: ['keyspace', 'dangerous'],
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    handler: restore,
  }),
  command({
    name: 'restore-asking',
    arity: -4,
    flags: ['write', 'denyoom', 'asking'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE'])],
    group: 'server',
    acl: ['keyspace', 'dangerous'],
    summary: 'An internal command for migrating keys in a cluster',
    since: '3.0.0',
    complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    docFlags: ['syscmd'],
    handler: restore,
  }),
  command({
    name: 'migrate',
    arity: -6,
    flags: ['write'],
    keySpecs: [keyAt(3, ['RW', 'ACCESS', 'DELETE']), { flags: ['RW', 'ACCESS', 'DELETE', 'INCOMPLETE'], begin: { keyword: 'KEYS', startfrom: -2 }, find: { lastkey: -1, keystep: 1, limit: 0 } }],
    movableKeys: migrateKeys,
    group: 'generic',
    acl: ['keyspace', 'dangerous'],
    tips: ['nondeterministic_output'],
    summary: 'Atomically transfer a key from a Redis instance to another one.',
    since: '2.6.0',
    complexity: 'This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.',
    history: [
      ['3.0.0', 'Added the `COPY` and `REPLACE` options.'],
      ['3.0.6', 'Added the `KEYS` option.'],
      ['4.0.7', 'Added the `AUTH` option.'],
      ['6.0.0', 'Added the `AUTH2` option.'],
    ],
    handler: migrate,
  }),
];
