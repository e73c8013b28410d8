// Hash-field expiration (Redis 7.4): HEXPIRE and friends, HTTL/HPTTL/HEXPIRETIME, HPERSIST, HGETEX, HSETEX, HGETDEL.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { array, bulkOrNull, int, NULL_BULK, type Reply } from '../resp/reply.js';
import { HashValue } from '../store/hash.js';
import type { Entry } from '../store/types.js';
import { readHash, reclaimFields, writeEntry } from './hashes.js';
import {
  conditionMet,
  expireCondition,
  fieldExpireMs,
  fieldsAt,
  NUMFIELDS_HEXPIRE,
  NUMFIELDS_POSITIVE,
  parseHgetex,
  parseHsetex,
  SETEX_DELETED,
  SETEX_NO_CONDITION,
  SETEX_NO_FIELD,
  SETEX_OK,
} from './hashes-ttl-args.js';
import { command, keyAt } from './spec.js';

/** HTTL's and HPERSIST's "no such field" and "no deadline" codes. */
const NO_FIELD = -2;
const NO_TTL = -1;

function repeat(n: number, r: Reply): Reply {
  return array(new Array<Reply>(n).fill(r));
}

/**
 * The hash at `key` for a write, with the named fields past their deadline reclaimed first
 * (journaled as HDEL, `hexpired`), so the command meets only live fields. Undefined when missing
 * or when that emptied it.
 */
function liveForWrite(ctx: CommandContext, key: string, argv: readonly string[], from: number, step = 1): { e: Entry; h: HashValue } | undefined {
  const found = writeEntry(ctx, key);
  if (found === undefined || !found.h.hasFieldTtls()) return found;
  return reclaimFields(ctx, key, found.e, found.h, { argv, from, step }) === undefined ? undefined : found;
}

/** After a command changed fields or deadlines: re-measure, refile, or delete the emptied key (`del`). */
function settle(ctx: CommandContext, key: string, e: Entry, h: HashValue): void {
  if (h.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
    return;
  }
  ctx.db.changed(key, e);
  ctx.db.indexFieldTtls(key, h);
}

// ---------------------------------------------------------------------------------------------
// HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT
// ---------------------------------------------------------------------------------------------

/**
 * HEXPIRE family, as Redis's hexpireGenericCommand: WRONGTYPE first, then the time, the optional
 * NX|XX|GT|LT, FIELDS and the count. Per field -2 (no such field), 0 (condition not met), 1 (set)
 * or 2 (deleted: the deadline is not in the future). Journaled as `HPEXPIREAT key <ms> FIELDS n`
 * over the fields that got it (no condition: the journal holds only what happened), preceded by
 * `HDEL` of the deleted ones.
 */
function hexpireGeneric(ctx: CommandContext, argv: string[], unit: 's' | 'ms', absolute: boolean): Reply {
  const key = argv[1] as string;
  const cmd = (argv[0] as string).toLowerCase();
  const found0 = writeEntry(ctx, key);
  const at = fieldExpireMs(argv[2] as string, unit, absolute ? 0 : ctx.now, cmd);
  const cond = expireCondition(argv[3]);
  const first = fieldsAt(argv, cond === null ? 4 : 5, NUMFIELDS_HEXPIRE);
  const n = argv.length - first;
  if (found0 === undefined) return repeat(n, int(SETEX_NO_FIELD));
  const found = liveForWrite(ctx, key, argv, first);
  if (found === undefined) return repeat(n, int(SETEX_NO_FIELD));
  const { e, h } = found;
  const out = new Array<Reply>(n);
  const set: string[] = [];
  const deleted: string[] = [];
  for (let i = first; i < argv.length; i++) {
    const f = argv[i] as string;
    let code: number;
    if (!h.has(f)) code = SETEX_NO_FIELD;
    else if (!conditionMet(cond, h.ttlOf(f), at)) code = SETEX_NO_CONDITION;
    else if (at <= ctx.now) {
      h.delete(f);
      deleted.push(f);
      code = SETEX_DELETED;
    } else {
      h.setTtl(f, at);
      set.push(f);
      code = SETEX_OK;
    }
    out[i - first] = int(code);
  }
  if (set.length + deleted.length > 0) {
    ctx.notify('h', deleted.length > 0 ? 'hdel' : 'hexpire', key);
    if (deleted.length > 0) ctx.propagate(['HDEL', key, ...deleted]);
    if (set.length > 0) ctx.propagate(['HPEXPIREAT', key, String(at), 'FIELDS', String(set.length), ...set]);
    settle(ctx, key, e, h);
  }
  return array(out);
}

// ---------------------------------------------------------------------------------------------
// HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST
// ---------------------------------------------------------------------------------------------

/**
 * HTTL family (a read: nothing is reclaimed): -2 no such field (or past its deadline), -1 no
 * deadline, else the time left (`relative`) or the deadline, seconds rounded up as Redis does.
 */
function httlGeneric(ctx: CommandContext, argv: string[], ms: boolean, relative: boolean): Reply {
  const h = readHash(ctx, argv[1] as string);
  const first = fieldsAt(argv, 3, NUMFIELDS_POSITIVE);
  const n = argv.length - first;
  if (h === undefined) return repeat(n, int(NO_FIELD));
  const out = new Array<Reply>(n);
  const base = relative ? ctx.now : 0;
  for (let i = first; i < argv.length; i++) {
    const f = argv[i] as string;
    const at = h.ttlOf(f);
    let v: number;
    if (!h.has(f)) v = NO_FIELD;
    else if (at === 0) v = NO_TTL;
    else if (at <= ctx.now) v = NO_FIELD;
    else v = ms ? at - base : Math.floor((at + 999 - base) / 1000);
    out[i - first] = int(v);
  }
  return array(out);
}

/** HPERSIST: -2 no such field (or past its deadline), -1 no deadline, 1 removed. Journaled as given. */
function hpersistCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeEntry(ctx, key);
  const first = fieldsAt(argv, 3, NUMFIELDS_POSITIVE);
  const n = argv.length - first;
  if (found === undefined) return repeat(n, int(NO_FIELD));
  const { e, h } = found;
  const out = new Array<Reply>(n);
  let changed = false;
  for (let i = first; i < argv.length; i++) {
    const f = argv[i] as string;
    const at = h.ttlOf(f);
    let v: number;
    if (!h.has(f)) v = NO_FIELD;
    else if (at === 0) v = NO_TTL;
    else if (at <= ctx.now) v = NO_FIELD;
    else {
      h.persist(f);
      changed = true;
      v = 1;
    }
    out[i - first] = int(v);
  }
  if (changed) {
    ctx.notify('h', 'hpersist', key);
    ctx.propagate(argv);
    ctx.db.changed(key, e);
  }
  return array(out);
}

// ---------------------------------------------------------------------------------------------
// HGETEX, HGETDEL
// ---------------------------------------------------------------------------------------------

/**
 * HGETEX: the values (nil for missing fields), then the option on the fields that exist. Journaled
 * as `HPEXPIREAT key <ms> FIELDS ...` (EX/PX/EXAT/PXAT) or `HPERSIST key FIELDS ...` (PERSIST)
 * over the requested fields, or as `HDEL` of the fields a past deadline deleted.
 */
function hgetexCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found0 = writeEntry(ctx, key);
  const { opt, first } = parseHgetex(argv, ctx.now);
  const n = argv.length - first;
  const found = found0 === undefined ? undefined : liveForWrite(ctx, key, argv, first);
  if (found === undefined) return repeat(n, NULL_BULK);
  const { e, h } = found;
  const out = new Array<Reply>(n);
  let updated = 0;
  const deleted: string[] = [];
  for (let i = first; i < argv.length; i++) {
    const f = argv[i] as string;
    const v = h.get(f);
    out[i - first] = bulkOrNull(v);
    if (v === undefined || opt.kind === 'none') continue;
    if (opt.kind === 'persist') {
      if (h.persist(f)) updated++;
    } else if (opt.at <= ctx.now) {
      h.delete(f);
      deleted.push(f);
    } else {
      h.setTtl(f, opt.at);
      updated++;
    }
  }
  const fields = argv.slice(first);
  if (updated > 0 && opt.kind === 'persist') {
    ctx.notify('h', 'hpersist', key);
    ctx.propagate(['HPERSIST', key, 'FIELDS', String(n), ...fields]);
  } else if (updated > 0 && opt.kind === 'at') {
    ctx.notify('h', 'hexpire', key);
    ctx.propagate(['HPEXPIREAT', key, String(opt.at), 'FIELDS', String(n), ...fields]);
  } else if (deleted.length > 0) {
    ctx.notify('h', 'hdel', key);
    ctx.propagate(['HDEL', key, ...deleted]);
  }
  if (updated > 0 || deleted.length > 0) settle(ctx, key, e, h);
  return array(out);
}

/** HGETDEL key FIELDS n field...: the values (nil for missing), then the fields deleted; journaled as HDEL. */
function hgetdelCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found0 = writeEntry(ctx, key);
  const first = fieldsAt(argv, 3, NUMFIELDS_POSITIVE);
  const n = argv.length - first;
  const found = found0 === undefined ? undefined : liveForWrite(ctx, key, argv, first);
  if (found === undefined) return repeat(n, NULL_BULK);
  const { e, h } = found;
  const out = new Array<Reply>(n);
  const deleted: string[] = [];
  for (let i = first; i < argv.length; i++) {
    const f = argv[i] as string;
    const v = h.get(f);
    out[i - first] = bulkOrNull(v);
    if (v !== undefined) {
      h.delete(f);
      deleted.push(f);
    }
  }
  if (deleted.length > 0) {
    ctx.notify('h', 'hdel', key);
    ctx.propagate(['HDEL', key, ...deleted]);
    settle(ctx, key, e, h);
  }
  return array(out);
}

// ---------------------------------------------------------------------------------------------
// HSETEX
// ---------------------------------------------------------------------------------------------

/**
 * HSETEX: 1 when the fields were set, 0 when FNX/FXX refused (nothing is set then). Without a
 * time option the fields lose their deadlines (as HSET), KEEPTTL keeps them. Journaled as
 * `HSETEX key PXAT <ms> FIELDS ...` (or with KEEPTTL / nothing), without FNX/FXX (the condition
 * held), or as `HDEL` alone when the deadline had already passed and the fields went at once.
 */
function hsetexCmd(ctx: CommandContext, argv: string[]): Reply {
  const a = parseHsetex(argv, ctx.now);
  const key = argv[1] as string;
  const found0 = writeEntry(ctx, key);
  let found = found0 === undefined ? undefined : liveForWrite(ctx, key, argv, a.first, 2);
  if (found === undefined && a.cond === 'FXX') return int(0);
  if (found !== undefined && a.cond !== null) {
    const h = found.h;
    let present = 0;
    for (let i = a.first; i < argv.length; i += 2) if (h.has(argv[i] as string)) present++;
    if ((a.cond === 'FNX' && present > 0) || (a.cond === 'FXX' && present < a.count)) return int(0);
  }
  if (found === undefined) {
    const h = new HashValue();
    found = { e: ctx.db.set(key, h), h };
  }
  const { e, h } = found;
  const timed = typeof a.ttl === 'number';
  const deleted: string[] = [];
  for (let i = a.first; i < argv.length; i += 2) {
    const f = argv[i] as string;
    h.set(f, argv[i + 1] as string, a.ttl !== null);
    if (typeof a.ttl !== 'number') continue;
    if (a.ttl <= ctx.now) {
      h.delete(f);
      deleted.push(f);
    } else {
      h.setTtl(f, a.ttl);
    }
  }
  ctx.notify('h', 'hset', key);
  if (deleted.length > 0) {
    ctx.notify('h', 'hdel', key);
    ctx.propagate(['HDEL', key, ...deleted]);
  } else {
    if (timed) ctx.notify('h', 'hexpire', key);
    const ttlArgs = typeof a.ttl === 'number' ? ['PXAT', String(a.ttl)] : a.ttl === 'keep' ? ['KEEPTTL'] : [];
    ctx.propagate(['HSETEX', key, ...ttlArgs, 'FIELDS', String(a.count), ...argv.slice(a.first)]);
  }
  settle(ctx, key, e, h);
  return int(1);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const EXPIRE_SYNTAX = (t: string): string => `key ${t} [NX | XX | GT | LT] FIELDS numfields field [field ...]`;
const FIELDS_SYNTAX = 'key FIELDS numfields field [field ...]';
const PER_FIELD = 'O(N) where N is the number of specified fields';

function expireSpec(name: string, t: string, summary: string, unit: 's' | 'ms', absolute: boolean): CommandSpec {
  return command({
    name,
    arity: -6,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary,
    since: '7.4.0',
    complexity: PER_FIELD,
    syntax: EXPIRE_SYNTAX(t),
    handler: (ctx, argv) => hexpireGeneric(ctx, argv, unit, absolute),
  });
}

function ttlSpec(name: string, summary: string, ms: boolean, relative: boolean): CommandSpec {
  return command({
    name,
    arity: -5,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'hash',
    acl: ['hash'],
    summary,
    since: '7.4.0',
    complexity: PER_FIELD,
    syntax: FIELDS_SYNTAX,
    handler: (ctx, argv) => httlGeneric(ctx, argv, ms, relative),
  });
}

export const hashFieldExpiryCommands: CommandSpec[] = [
  expireSpec('hexpire', 'seconds', 'Set expiry for hash field using relative time to expire (seconds)', 's', false),
  expireSpec('hpexpire', 'milliseconds', 'Set expiry for hash field using relative time to expire (milliseconds)', 'ms', false),
  expireSpec('hexpireat', 'unix-time-seconds', 'Set expiry for hash field using an absolute Unix timestamp (seconds)', 's', true),
  expireSpec('hpexpireat', 'unix-time-milliseconds', 'Set expiry for hash field using an absolute Unix timestamp (milliseconds)', 'ms', true),
  ttlSpec('httl', 'Returns the TTL in seconds of a hash field.', false, true),
  ttlSpec('hpttl', 'Returns the TTL in milliseconds of a hash field.', true, true),
  ttlSpec('hexpiretime', 'Returns the expiration time of a hash field as a Unix timestamp, in seconds.', false, false),
  ttlSpec('hpexpiretime', 'Returns the expiration time of a hash field as a Unix timestamp, in msec.', true, false),
  command({
    name: 'hpersist',
    arity: -5,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Removes the expiration time for each specified field',
    since: '7.4.0',
    complexity: PER_FIELD,
    syntax: FIELDS_SYNTAX,
    handler: hpersistCmd,
  }),
  command({
    name: 'hgetex',
    arity: -5,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Get the value of one or more fields of a given hash key, and optionally set their expiration.',
    since: '8.0.0',
    complexity: PER_FIELD,
    syntax: 'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] FIELDS numfields field [field ...]',
    handler: hgetexCmd,
  }),
  command({
    name: 'hsetex',
    arity: -6,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Set the value of one or more fields of a given hash key, and optionally set their expiration.',
    since: '8.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    syntax:
      'key [FNX | FXX] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] FIELDS numfields field value [field value ...]',
    handler: hsetexCmd,
  }),
  command({
    name: 'hgetdel',
    arity: -5,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'DELETE'])],
    group: 'hash',
    acl: ['hash'],
    summary: 'Returns the value of a field and deletes it from the hash.',
    since: '8.0.0',
    complexity: PER_FIELD,
    syntax: FIELDS_SYNTAX,
    handler: hgetdelCmd,
  }),
];
