// Streams family: XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD, consumer groups (XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM) and XINFO, with Redis 7.0 semantics.
import type { CommandContext } from '../contracts/command.js';
import { isOpt, parseInt64 } from './args.js';
import { CommandError, errors } from '../contracts/errors.js';
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import {
  type Consumer,
  type ConsumerGroup,
  ENTRIES_READ_UNKNOWN,
  type Fields,
  formatId,
  ID_MAX,
  idMs,
  makeId,
  type Nack,
  type StreamId,
  StreamValue,
  type TrimSpec,
  U64_MAX,
} from '../store/stream.js';
import type { Entry, Value } from '../store/types.js';
import { array, bulk, EMPTY_ARRAY, errorReply, int, map, NULL_ARRAY, NULL_BULK, OK, record, type Reply, simple } from '../resp/reply.js';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * An error whose RESP prefix the shared error table has no code for (NOGROUP, BUSYGROUP). It
 * travels the executor's error path like any CommandError (error stats included) and only the
 * wire line differs.
 */
class PrefixedError extends CommandError {
  constructor(
    private readonly prefix: string,
    message: string,
  ) {
    super('ERR', message);
  }
  override get line(): string {
    return `${this.prefix} ${this.message}`;
  }
}

const INVALID_ID = 'Invalid stream ID specified as stream command argument';
const invalidId = (): CommandError => errors.generic(INVALID_ID);
const ID_TOO_SMALL = 'The ID specified in XADD is equal or smaller than the target stream top item';
const XGROUP_NO_KEY =
  'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';

const noGroup = (key: string, group: string): CommandError => new PrefixedError('NOGROUP', `No such key '${key}' or consumer group '${group}'`);
const noGroupForKey = (key: string, group: string): CommandError =>
  new PrefixedError('NOGROUP', `No such consumer group '${group}' for key name '${key}'`);

/** Redis's addReplySubcommandSyntaxError: names the subcommand as the client typed it. */
const subcommandSyntax = (argv: readonly string[]): CommandError =>
  errors.generic(`unknown subcommand or wrong number of arguments for '${(argv[1] as string).slice(0, 128)}'. Try ${(argv[0] as string).toUpperCase()} HELP.`);

// ---------------------------------------------------------------------------------------------
// ID parsing (Redis's streamGenericParseIDOrReply, string2ull and strtoull)
// ---------------------------------------------------------------------------------------------

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * strtoull(s, &end, 10) required to consume the whole (non-empty) string: leading white space,
 * an optional sign (a minus negates modulo 2^64), at least one digit, overflow rejected.
 */
function strtoull(s: string): bigint | null {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    neg = sign === 45;
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start || i !== s.length) return null;
  const v = BigInt(s.slice(start));
  if (v > U64_MAX) return null;
  return neg ? (U64_MAX + 1n - v) & U64_MAX : v;
}

/** Redis's string2ull: a canonical non-negative int64, else whatever strtoull accepts. */
function parseU64(s: string): bigint | null {
  const v = parseInt64(s);
  if (v !== null) return v < 0 ? null : BigInt(v);
  return strtoull(s);
}

/**
 * `ms-seq`, `ms` (sequence `missingSeq`), `-` (0-0) and `+` (the largest ID); `strict` rejects
 * `-` and `+`. Null when invalid. The split is at the first `-`, as Redis's strchr does.
 */
function parseIdOrNull(raw: string, missingSeq: bigint, strict: boolean): StreamId | null {
  if (raw.length > 127) return null;
  if (raw === '-') return strict ? null : 0n;
  if (raw === '+') return strict ? null : ID_MAX;
  const dash = raw.indexOf('-');
  const ms = parseU64(dash < 0 ? raw : raw.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return makeId(ms, missingSeq);
  const seq = parseU64(raw.slice(dash + 1));
  return seq === null ? null : makeId(ms, seq);
}

/** XADD's ID: a strict ID, or `ms-*` (explicit ms, sequence chosen by the stream; seqGiven false). */
function parseAddId(raw: string): { id: StreamId; seqGiven: boolean } | null {
  const dash = raw.indexOf('-');
  if (dash >= 0 && dash === raw.length - 2 && raw.charCodeAt(dash + 1) === 42 /* * */ && raw.length <= 127) {
    const ms = parseU64(raw.slice(0, dash));
    return ms === null ? null : { id: makeId(ms, 0n), seqGiven: false };
  }
  const id = parseIdOrNull(raw, 0n, true);
  return id === null ? null : { id, seqGiven: true };
}

function parseId(raw: string, missingSeq: bigint, strict: boolean): StreamId {
  const id = parseIdOrNull(raw, missingSeq, strict);
  if (id === null) throw invalidId();
  return id;
}

/** A range start (`(` exclusive, `-`): the first ID included. */
function parseStart(raw: string): StreamId {
  if (raw.length > 1 && raw.charCodeAt(0) === 40 /* ( */) {
    const id = parseId(raw.slice(1), 0n, true);
    if (id === ID_MAX) throw errors.generic('invalid start ID for the interval');
    return id + 1n;
  }
  return parseId(raw, 0n, false);
}

/** A range end (`(` exclusive, `+`): the last ID included. */
function parseEnd(raw: string): StreamId {
  if (raw.length > 1 && raw.charCodeAt(0) === 40 /* ( */) {
    const id = parseId(raw.slice(1), U64_MAX, true);
    if (id === 0n) throw errors.generic('invalid end ID for the interval');
    return id - 1n;
  }
  return parseId(raw, U64_MAX, false);
}

/** getLongLongFromObjectOrReply with its default or a custom message. */
function longArg(raw: string, msg?: string): number {
  const v = parseInt64(raw);
  if (v === null) throw msg === undefined ? errors.notInteger() : errors.generic(msg);
  return Number(v);
}

/** Same, exact (entries counters are 64-bit). */
function longArgExact(raw: string): bigint {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  return BigInt(v);
}

// ---------------------------------------------------------------------------------------------
// Lookups and replies
// ---------------------------------------------------------------------------------------------

function asStream(v: Value): StreamValue {
  if (v instanceof StreamValue) return v;
  throw errors.wrongType();
}

/** lookupKeyRead + checkType. */
function readStream(ctx: CommandContext, key: string): StreamValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asStream(e.value);
}

/** lookupKeyRead + checkType, keeping the entry for an in-place write. */
function readEntry(ctx: CommandContext, key: string): { e: Entry; s: StreamValue } | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : { e, s: asStream(e.value) };
}

/** lookupKeyWrite + checkType. */
function writeEntry(ctx: CommandContext, key: string): Entry | undefined {
  const e = ctx.db.get(key);
  if (e !== undefined) asStream(e.value);
  return e;
}

function fieldsReply(f: Fields): Reply {
  const out = new Array<Reply>(f.length);
  for (let i = 0; i < f.length; i++) out[i] = bulk(f[i] as string);
  return array(out);
}

const entryReply = (id: StreamId, f: Fields): Reply => array([bulk(formatId(id)), fieldsReply(f)]);
const idReply = (id: StreamId): Reply => bulk(formatId(id));

/** Entries with IDs in [lo, hi], at most `count` (0 = all). */
function rangeReply(s: StreamValue, lo: StreamId, hi: StreamId, count: number, rev: boolean): Reply {
  const out: Reply[] = [];
  s.scan(lo, hi, rev, (id, f) => {
    out.push(entryReply(id, f));
    return count === 0 || out.length < count;
  });
  return array(out);
}

/** XREAD's per-stream results: a map in RESP3, an array of [key, entries] pairs in RESP2. */
function streamsReply(ctx: CommandContext, items: readonly (readonly [string, Reply])[]): Reply {
  if (ctx.client.proto === 3) return map(items.map(([k, v]) => [bulk(k), v] as const));
  return array(items.map(([k, v]) => array([bulk(k), v])));
}

// ---------------------------------------------------------------------------------------------
// Journal forms
// ---------------------------------------------------------------------------------------------

/**
 * How Redis replicates a delivery (streamPropagateXCLAIM): the receiving consumer, delivery time
 * and count are explicit, and FORCE recreates the pending entry on a replica that lacks it.
 */
function xclaimJournal(key: string, g: ConsumerGroup, id: StreamId, nack: Nack): string[] {
  return [
    'XCLAIM',
    key,
    g.name,
    nack.consumer?.name ?? '',
    '0',
    formatId(id),
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(g.lastId),
  ];
}

/** The group's cursor and read counter, as Redis replicates them (streamPropagateGroupID). */
function setidJournal(key: string, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

// ---------------------------------------------------------------------------------------------
// XADD / XTRIM argument parsing (Redis's streamParseAddOrTrimArgsOrReply)
// ---------------------------------------------------------------------------------------------

/** `~` without LIMIT removes at most 100 * stream-node-max-entries entries per call. */
const APPROX_DEFAULT_LIMIT = 10_000;

interface AddTrimArgs {
  trim: TrimSpec | null;
  /** argv index of `~`, or -1. */
  approxIdx: number;
  /** argv index of the MAXLEN / MINID threshold. */
  thresholdIdx: number;
  /** argv indexes of every LIMIT token. */
  limitIdxs: number[];
  noMkstream: boolean;
  idGiven: boolean;
  seqGiven: boolean;
  id: StreamId;
  /** argv index of the ID (XADD), where the fields start minus one. */
  idIdx: number;
}

function parseAddTrim(argv: readonly string[], xadd: boolean): AddTrimArgs {
  let strategy: 'maxlen' | 'minid' | null = null;
  let maxlen = 0;
  let minid = 0n;
  let approx = false;
  let limit = 0;
  let limitGiven = false;
  const a: AddTrimArgs = {
    trim: null,
    approxIdx: -1,
    thresholdIdx: -1,
    limitIdxs: [],
    noMkstream: false,
    idGiven: false,
    seqGiven: true,
    id: 0n,
    idIdx: 0,
  };
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (xadd && opt === '*') break;
    const isMaxlen = isOpt(opt, 'MAXLEN');
    if ((isMaxlen || isOpt(opt, 'MINID')) && more > 0) {
      if (strategy !== null) throw errors.generic('syntax error, MAXLEN and MINID options at the same time are not compatible');
      approx = false;
      a.approxIdx = -1;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        approx = true;
        a.approxIdx = i + 1;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      const raw = argv[i + 1] as string;
      if (isMaxlen) {
        maxlen = longArg(raw);
        if (maxlen < 0) throw errors.generic('The MAXLEN argument must be >= 0.');
      } else {
        minid = parseId(raw, 0n, true);
      }
      i++;
      strategy = isMaxlen ? 'maxlen' : 'minid';
      a.thresholdIdx = i;
    } else if (isOpt(opt, 'LIMIT') && more > 0) {
      limit = longArg(argv[i + 1] as string);
      if (limit < 0) throw errors.generic('The LIMIT argument must be >= 0.');
      limitGiven = true;
      a.limitIdxs.push(i);
      i++;
    } else if (xadd && isOpt(opt, 'NOMKSTREAM')) {
      a.noMkstream = true;
    } else if (xadd) {
      // Anything else is the ID (or a syntax error reported as an invalid ID, as Redis does).
      const parsed = parseAddId(opt);
      if (parsed === null) throw invalidId();
      a.id = parsed.id;
      a.seqGiven = parsed.seqGiven;
      a.idGiven = true;
      break;
    } else {
      throw errors.syntax();
    }
  }
  a.idIdx = i;
  if (limit !== 0 && strategy === null) throw errors.generic('syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && strategy === null) throw errors.generic('syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!approx) throw errors.generic('syntax error, LIMIT cannot be used without the special ~ option');
  } else {
    limit = approx ? APPROX_DEFAULT_LIMIT : 0;
  }
  if (strategy !== null) a.trim = { strategy, maxlen, minid, approx, limit };
  return a;
}

/**
 * The journal form of XADD (the concrete ID in place of `*` or `ms-*`) and of XTRIM. An
 * approximate trim is journaled as what it actually did, stated exactly: like Redis, `~` becomes
 * `=` and the threshold the resulting length (MAXLEN) or first remaining ID (MINID; the largest
 * ID when nothing remains); unlike Redis, LIMIT is dropped rather than ignored by a privileged
 * replica client, so the journaled command is valid for any client that replays it.
 */
function journalForm(argv: readonly string[], a: AddTrimArgs, s: StreamValue, id: string | null): string[] {
  const approx = a.trim !== null && a.trim.approx;
  if (!approx) {
    const out = argv.slice();
    if (id !== null) out[a.idIdx] = id;
    return out;
  }
  const skip = new Set<number>();
  if (approx) {
    for (const li of a.limitIdxs) {
      skip.add(li);
      skip.add(li + 1);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (skip.has(i)) continue;
    if (id !== null && i === a.idIdx) out.push(id);
    else if (approx && i === a.approxIdx) out.push('=');
    else if (approx && i === a.thresholdIdx) out.push(a.trim?.strategy === 'maxlen' ? String(s.size) : formatId(s.entries.firstKey() ?? ID_MAX));
    else out.push(argv[i] as string);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XADD XTRIM XDEL XLEN XRANGE XREVRANGE XSETID
// ---------------------------------------------------------------------------------------------

function xaddCmd(ctx: CommandContext, argv: string[]): Reply {
  const a = parseAddTrim(argv, true);
  const fieldPos = a.idIdx + 1;
  const nvals = argv.length - fieldPos;
  if (nvals < 2 || nvals % 2 === 1) throw errors.wrongArity('xadd');
  // Checked before the lookup so a rejected ID never leaves an empty stream behind.
  if (a.idGiven && a.seqGiven && a.id === 0n) throw errors.generic('The ID specified in XADD must be greater than 0-0');
  const key = argv[1] as string;
  let e = writeEntry(ctx, key);
  let s: StreamValue;
  if (e === undefined) {
    if (a.noMkstream) return NULL_BULK;
    s = new StreamValue();
  } else {
    s = e.value as StreamValue;
  }
  if (s.lastId === ID_MAX) throw errors.generic('The stream has exhausted the last possible ID, unable to add more items');
  let id: StreamId | null;
  if (!a.idGiven) id = s.nextAutoId(ctx.now);
  else if (a.seqGiven) id = a.id > s.lastId ? a.id : null;
  else id = s.nextSeqId(idMs(a.id));
  if (id === null) throw errors.generic(ID_TOO_SMALL);
  s.append(id, argv.slice(fieldPos));
  if (e === undefined) e = ctx.db.set(key, s);
  ctx.notify('t', 'xadd', key);
  if (a.trim !== null && s.trim(a.trim) > 0) ctx.notify('t', 'xtrim', key);
  ctx.db.changed(key, e);
  const idStr = formatId(id);
  ctx.propagate(journalForm(argv, a, s, idStr));
  return bulk(idStr);
}

function xtrimCmd(ctx: CommandContext, argv: string[]): Reply {
  const a = parseAddTrim(argv, false);
  const key = argv[1] as string;
  const e = writeEntry(ctx, key);
  if (e === undefined || a.trim === null) return int(0);
  const s = e.value as StreamValue;
  const deleted = s.trim(a.trim);
  if (deleted > 0) {
    ctx.notify('t', 'xtrim', key);
    ctx.db.changed(key, e);
    ctx.propagate(journalForm(argv, a, s, null));
  }
  return int(deleted);
}

function xdelCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const e = writeEntry(ctx, key);
  if (e === undefined) return int(0);
  const s = e.value as StreamValue;
  // Every ID is checked before anything is deleted, so the command is all or nothing.
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) ids.push(parseId(argv[j] as string, 0n, true));
  let deleted = 0;
  for (const id of ids) if (s.deleteEntry(id)) deleted++;
  if (deleted > 0) {
    ctx.notify('t', 'xdel', key);
    ctx.db.changed(key, e);
    ctx.propagate(argv);
  }
  return int(deleted);
}

function xlenCmd(ctx: CommandContext, argv: string[]): Reply {
  const s = readStream(ctx, argv[1] as string);
  return int(s === undefined ? 0 : s.size);
}

function xrangeGeneric(ctx: CommandContext, argv: string[], rev: boolean): Reply {
  const start = parseStart((rev ? argv[3] : argv[2]) as string);
  const end = parseEnd((rev ? argv[2] : argv[3]) as string);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (isOpt(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = longArg(argv[++j] as string);
      if (count < 0) count = 0;
    } else {
      throw errors.syntax();
    }
  }
  const s = readStream(ctx, argv[1] as string);
  if (s === undefined) return EMPTY_ARRAY;
  // COUNT 0 answers a null array, as Redis 7.0 does.
  if (count === 0) return NULL_ARRAY;
  return rangeReply(s, start, end, count < 0 ? 0 : count, rev);
}

function xsetidCmd(ctx: CommandContext, argv: string[]): Reply {
  const id = parseId(argv[2] as string, 0n, true);
  let entriesAdded = -1n;
  let maxDeleted = 0n;
  for (let i = 3; i < argv.length; i += 2) {
    const more = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (isOpt(opt, 'ENTRIESADDED') && more > 0) {
      entriesAdded = longArgExact(argv[i + 1] as string);
      if (entriesAdded < 0n) throw errors.generic('entries_added must be positive');
    } else if (isOpt(opt, 'MAXDELETEDID') && more > 0) {
      maxDeleted = parseId(argv[i + 1] as string, 0n, true);
      if (id < maxDeleted) throw errors.generic('The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    } else {
      throw errors.syntax();
    }
  }
  const key = argv[1] as string;
  const e = writeEntry(ctx, key);
  if (e === undefined) throw errors.noSuchKey();
  const s = e.value as StreamValue;
  if (s.size > 0) {
    if (id < s.lastEntryId()) throw errors.generic('The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(s.size) > entriesAdded) {
      throw errors.generic('The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (maxDeleted !== 0n) s.maxDeletedId = maxDeleted;
  ctx.notify('t', 'xsetid', key);
  ctx.db.changed(key, e);
  ctx.propagate(argv);
  return OK;
}

// ---------------------------------------------------------------------------------------------
// XREAD / XREADGROUP
// ---------------------------------------------------------------------------------------------

/** Served blocked readers get at most this many entries per stream when no COUNT was given. */
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;
/** Node timers cap at 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ReadRequest {
  readonly group: string | null;
  readonly consumer: string;
  readonly count: number;
  /** -1: no BLOCK; 0: forever. */
  readonly timeout: number;
  readonly noack: boolean;
  readonly keys: readonly string[];
  /** Per key: entries must be above this; ID_MAX stands for `>`, as in Redis. */
  readonly ids: StreamId[];
}

/** Redis's xreadGetKeys: the keys follow STREAMS, half of what remains. */
function readKeys(argv: readonly string[]): number[] {
  let pos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (isOpt(a, 'BLOCK') || isOpt(a, 'COUNT')) i++;
    else if (isOpt(a, 'GROUP')) i += 2;
    else if (isOpt(a, 'NOACK')) continue;
    else if (isOpt(a, 'STREAMS')) {
      pos = i;
      break;
    } else break;
  }
  const num = argv.length - pos - 1;
  if (pos === -1 || num === 0 || num % 2 !== 0) return [];
  const out: number[] = [];
  for (let i = pos + 1; i <= pos + num / 2; i++) out.push(i);
  return out;
}

/** The BLOCK argument: integer milliseconds (getTimeoutFromObjectOrReply with UNIT_MILLISECONDS). */
function blockArg(raw: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.generic('timeout is not an integer or out of range');
  if (v < 0) throw errors.generic('timeout is negative');
  return Number(v);
}

/**
 * Parses XREAD / XREADGROUP and resolves every stream (errors in Redis's order: options, then
 * per key its type, group, `$` / `>` rules and ID). `$` becomes the stream's last ID now.
 */
function parseRead(ctx: CommandContext, argv: readonly string[], xreadgroup: boolean): ReadRequest {
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let nstreams = 0;
  let noack = false;
  let group: string | null = null;
  let consumer = '';
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i] as string;
    if (isOpt(o, 'BLOCK') && more > 0) {
      timeout = blockArg(argv[++i] as string);
    } else if (isOpt(o, 'COUNT') && more > 0) {
      count = longArg(argv[++i] as string);
      if (count < 0) count = 0;
    } else if (isOpt(o, 'STREAMS') && more > 0) {
      streamsArg = i + 1;
      nstreams = argv.length - streamsArg;
      // Redis 7.0 words it the same for XREADGROUP.
      if (nstreams % 2 !== 0) throw errors.generic("Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      nstreams /= 2;
      break;
    } else if (isOpt(o, 'GROUP') && more >= 2) {
      if (!xreadgroup) throw errors.generic('The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      group = argv[i + 1] as string;
      consumer = argv[i + 2] as string;
      i += 2;
    } else if (isOpt(o, 'NOACK')) {
      if (!xreadgroup) throw errors.generic('The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      noack = true;
    } else {
      throw errors.syntax();
    }
  }
  if (streamsArg === 0) throw errors.syntax();
  if (xreadgroup && group === null) throw errors.generic('Missing GROUP option for XREADGROUP');
  const keys = argv.slice(streamsArg, streamsArg + nstreams);
  const ids: StreamId[] = [];
  for (let k = 0; k < nstreams; k++) {
    const key = keys[k] as string;
    const raw = argv[streamsArg + nstreams + k] as string;
    const s = readStream(ctx, key);
    if (group !== null && (s === undefined || s.group(group) === undefined)) {
      throw new PrefixedError('NOGROUP', `No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`);
    }
    if (raw === '$') {
      if (xreadgroup) {
        throw errors.generic(
          'The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      ids.push(s === undefined ? 0n : s.lastId);
    } else if (raw === '>') {
      if (!xreadgroup) throw errors.generic('The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      ids.push(ID_MAX);
    } else {
      ids.push(parseId(raw, 0n, true));
    }
  }
  return { group, consumer, count, timeout, noack, keys, ids };
}

/** Looks the consumer up (refreshing its seen time), creating it as Redis does on first use. */
function touchConsumer(ctx: CommandContext, key: string, g: ConsumerGroup, name: string): { c: Consumer; created: boolean } {
  let c = g.consumer(name);
  let created = false;
  if (c === undefined) {
    c = g.createConsumer(name, ctx.now) as Consumer;
    created = true;
    ctx.notify('t', 'xgroup-createconsumer', key);
    // Always journaled (Redis does only under NOACK), so a replica has every consumer the
    // primary has even when the read delivered nothing.
    ctx.propagate(['XGROUP', 'CREATECONSUMER', key, g.name, name]);
  }
  c.seenTime = ctx.now;
  return { c, created };
}

/**
 * Delivers entries after `after` to a consumer (Redis's streamReplyWithRange with a group):
 * advances the group's cursor and read counter, and unless NOACK records each entry as pending
 * for this consumer (taking it over if another consumer had it), journaled as XCLAIM, plus the
 * final cursor as XGROUP SETID so replicas keep the same entries_read.
 */
function deliverNew(ctx: CommandContext, key: string, s: StreamValue, g: ConsumerGroup, c: Consumer, after: StreamId, count: number, noack: boolean): Reply {
  const out: Reply[] = [];
  let moved = false;
  s.scan(after + 1n, ID_MAX, false, (id, f) => {
    if (id > g.lastId) {
      s.advanceGroup(g, id);
      moved = true;
    }
    out.push(entryReply(id, f));
    if (!noack) {
      const nack = g.assign(id, c, ctx.now, 1);
      ctx.propagate(xclaimJournal(key, g, id, nack));
    }
    return count === 0 || out.length < count;
  });
  if (moved) ctx.propagate(setidJournal(key, g));
  return array(out);
}

/**
 * A consumer's own pending entries after `after` (XREADGROUP with an ID): each delivered again
 * counts one more delivery; an entry deleted from the stream shows as [id, nil]. Journaled as
 * XCLAIM with the new time and count (Redis does not journal these; replicas then agree).
 */
function deliverHistory(ctx: CommandContext, key: string, s: StreamValue, g: ConsumerGroup, c: Consumer, after: StreamId, count: number): { reply: Reply; changed: boolean } {
  const out: Reply[] = [];
  const redelivered: [StreamId, Nack][] = [];
  c.pel.scan(after + 1n, ID_MAX, false, (id, nack) => {
    const f = s.get(id);
    if (f === undefined) {
      out.push(array([idReply(id), NULL_ARRAY]));
    } else {
      out.push(entryReply(id, f));
      nack.deliveryTime = ctx.now;
      nack.deliveryCount++;
      redelivered.push([id, nack]);
    }
    return count === 0 || out.length < count;
  });
  for (const [id, nack] of redelivered) ctx.propagate(xclaimJournal(key, g, id, nack));
  return { reply: array(out), changed: redelivered.length > 0 };
}

/** The synchronous pass: every stream that has something to give answers; null when none does. */
function readNow(ctx: CommandContext, r: ReadRequest): Reply | null {
  const items: [string, Reply][] = [];
  for (let i = 0; i < r.keys.length; i++) {
    const key = r.keys[i] as string;
    const e = ctx.db.get(key);
    if (e === undefined) continue;
    const s = asStream(e.value);
    let gt = r.ids[i] as StreamId;
    if (r.group === null) {
      if (s.size > 0 && s.lastEntryId() > gt) items.push([key, rangeReply(s, gt + 1n, ID_MAX, r.count, false)]);
      continue;
    }
    const g = s.group(r.group) as ConsumerGroup;
    // An explicit ID reads the consumer's history (always answered); `>` answers only when
    // the stream has entries past the group's cursor.
    const history = gt !== ID_MAX;
    if (!history) {
      if (s.size === 0 || s.lastEntryId() <= g.lastId) continue;
      gt = g.lastId;
    }
    // Redis 7.0 creates (and refreshes) the consumer only when the stream is served.
    const { c, created } = touchConsumer(ctx, key, g, r.consumer);
    let changed = created;
    if (history) {
      const h = deliverHistory(ctx, key, s, g, c, gt, r.count);
      items.push([key, h.reply]);
      changed ||= h.changed;
    } else {
      items.push([key, deliverNew(ctx, key, s, g, c, gt, r.count, r.noack)]);
      changed = true;
    }
    if (changed) ctx.db.changed(key, e);
  }
  return items.length > 0 ? streamsReply(ctx, items) : null;
}

/**
 * A blocked reader's retry after one of its keys changed (Redis's serveClientsBlockedOnKey for
 * streams): XREAD keeps waiting while a key is missing or not a stream; XREADGROUP is answered
 * with an error when its stream or group is gone. One stream answers, with the blocked count.
 */
function readBlocked(ctx: CommandContext, r: ReadRequest): Reply | null {
  const count = r.count === 0 ? XREAD_BLOCKED_DEFAULT_COUNT : r.count;
  for (let i = 0; i < r.keys.length; i++) {
    const key = r.keys[i] as string;
    const e = ctx.db.get(key);
    const s = e !== undefined && e.value instanceof StreamValue ? e.value : undefined;
    if (r.group === null) {
      const gt = r.ids[i] as StreamId;
      if (s !== undefined && s.size > 0 && s.lastEntryId() > gt) return streamsReply(ctx, [[key, rangeReply(s, gt + 1n, ID_MAX, count, false)]]);
      continue;
    }
    if (e === undefined || s === undefined) return errorReply('UNBLOCKED the stream key no longer exists');
    const g = s.group(r.group);
    if (g === undefined) return errorReply('NOGROUP the consumer group this client was blocked on no longer exists');
    if (s.size > 0 && s.lastEntryId() > g.lastId) {
      const { c } = touchConsumer(ctx, key, g, r.consumer);
      const entries = deliverNew(ctx, key, s, g, c, g.lastId, count, r.noack);
      ctx.db.changed(key, e);
      return streamsReply(ctx, [[key, entries]]);
    }
  }
  return null;
}

/**
 * Parks the client; a timeout longer than a Node timer can hold waits unbounded in the manager
 * and is ended by a chain of shorter timers through CLIENT UNBLOCK's timeout path.
 */
function blockReader(ctx: CommandContext, r: ReadRequest): Promise<Reply> {
  const serve = (c: CommandContext): Reply | null => readBlocked(c, r);
  const timedOut = (): Reply => NULL_ARRAY;
  if (r.timeout <= MAX_TIMER_MS) return ctx.block(r.keys, r.timeout, serve, timedOut);
  const deadline = Date.now() + r.timeout;
  const client = ctx.client;
  const server = ctx.server;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = deadline - Date.now();
    if (left <= 0) {
      server.unblockClient(client.id, false);
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  const p = ctx.block(r.keys, 0, serve, timedOut);
  arm();
  return p.finally(() => clearTimeout(timer));
}

function xreadGeneric(ctx: CommandContext, argv: string[], xreadgroup: boolean): Reply | Promise<Reply> {
  const r = parseRead(ctx, argv, xreadgroup);
  const now = readNow(ctx, r);
  if (now !== null) return now;
  // Inside MULTI a blocking read cannot wait: it answers as if it timed out at once.
  if (r.timeout === -1 || ctx.inMulti) return NULL_ARRAY;
  return blockReader(ctx, r);
}

// ---------------------------------------------------------------------------------------------
// XACK XPENDING XCLAIM XAUTOCLAIM
// ---------------------------------------------------------------------------------------------

function xackCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const r = readEntry(ctx, key);
  const g = r?.s.group(argv[2] as string);
  if (r === undefined || g === undefined) return int(0);
  // All IDs are checked first: an error after some acknowledgements would hide them.
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) ids.push(parseId(argv[j] as string, 0n, true));
  let acked = 0;
  for (const id of ids) if (g.ack(id)) acked++;
  if (acked > 0) {
    ctx.db.changed(key, r.e);
    ctx.propagate(argv);
  }
  return int(acked);
}

function xpendingCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const summary = argv.length === 3;
  if (!summary && (argv.length < 6 || argv.length > 9)) throw errors.syntax();
  let start = 0n;
  let end = ID_MAX;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let at = 3;
    if (isOpt(argv[3], 'IDLE')) {
      minIdle = longArg(argv[4] as string);
      if (argv.length < 8) throw errors.syntax();
      at += 2;
    }
    count = longArg(argv[at + 2] as string);
    if (count < 0) count = 0;
    start = parseStart(argv[at] as string);
    end = parseEnd(argv[at + 1] as string);
    if (at + 3 < argv.length) consumerName = argv[at + 3] as string;
  }
  const s = readStream(ctx, key);
  const g = s?.group(groupName);
  if (g === undefined) throw noGroup(key, groupName);
  if (summary) {
    const size = g.pel.size;
    if (size === 0) return array([int(0), NULL_BULK, NULL_BULK, NULL_ARRAY]);
    const per: Reply[] = [];
    for (const c of g.sortedConsumers()) {
      if (c.pel.size > 0) per.push(array([bulk(c.name), bulk(String(c.pel.size))]));
    }
    return array([int(size), idReply(g.pel.firstKey() as bigint), idReply(g.pel.lastKey() as bigint), array(per)]);
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.consumer(consumerName);
    if (c === undefined) return EMPTY_ARRAY;
    pel = c.pel;
  }
  const now = ctx.now;
  const out: Reply[] = [];
  if (count === 0) return EMPTY_ARRAY;
  pel.scan(start, end, false, (id, nack) => {
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) return true;
    out.push(array([idReply(id), bulk(nack.consumer?.name ?? ''), int(Math.max(0, now - nack.deliveryTime)), int(nack.deliveryCount)]));
    return out.length < count;
  });
  return array(out);
}

function xclaimCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const r = readEntry(ctx, key);
  const g = r?.s.group(groupName);
  if (r === undefined || g === undefined) throw noGroup(key, groupName);
  const s = r.s;
  let minIdle = longArg(argv[4] as string, 'Invalid min-idle-time argument for XCLAIM');
  if (minIdle < 0) minIdle = 0;
  // IDs run until the first argument that is not one; options follow.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseIdOrNull(argv[j] as string, 0n, true);
    if (id === null) break;
    ids.push(id);
  }
  const now = ctx.now;
  let force = false;
  let justid = false;
  let deliveryTime = -1;
  let retryCount = -1;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (isOpt(opt, 'FORCE')) force = true;
    else if (isOpt(opt, 'JUSTID')) justid = true;
    else if (isOpt(opt, 'IDLE') && more > 0) deliveryTime = now - longArg(argv[++j] as string, 'Invalid IDLE option argument for XCLAIM');
    else if (isOpt(opt, 'TIME') && more > 0) deliveryTime = longArg(argv[++j] as string, 'Invalid TIME option argument for XCLAIM');
    else if (isOpt(opt, 'RETRYCOUNT') && more > 0) retryCount = longArg(argv[++j] as string, 'Invalid RETRYCOUNT option argument for XCLAIM');
    else if (isOpt(opt, 'LASTID') && more > 0) lastId = parseId(argv[++j] as string, 0n, true);
    else throw errors.generic(`Unrecognized XCLAIM option '${opt}'`);
  }
  let changed = false;
  let journalCursor = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    journalCursor = true;
    changed = true;
  }
  // A bogus time (future, negative) is taken as now rather than refused: clients compute it
  // from their own clocks.
  if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  let consumer: Consumer | undefined;
  const out: Reply[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    const f = s.get(id);
    if (f === undefined) {
      // The entry is gone from the stream: its pending entry goes too.
      if (nack !== undefined) {
        ctx.propagate(xclaimJournal(key, g, id, nack));
        journalCursor = false;
        g.ack(id);
        changed = true;
      }
      continue;
    }
    if (nack === undefined) {
      if (!force) continue;
    } else if (minIdle > 0 && now - nack.deliveryTime < minIdle) {
      continue;
    }
    if (consumer === undefined) {
      consumer = g.consumer(argv[3] as string);
      if (consumer === undefined) {
        consumer = g.createConsumer(argv[3] as string, now) as Consumer;
        ctx.notify('t', 'xgroup-createconsumer', key);
      }
      consumer.seenTime = now;
    }
    // A pending entry FORCE creates starts as delivered once, as Redis's streamCreateNACK does.
    const prevCount = nack?.deliveryCount ?? 1;
    const countNow = retryCount >= 0 ? retryCount : justid ? prevCount : prevCount + 1;
    nack = g.assign(id, consumer, deliveryTime, countNow);
    out.push(justid ? idReply(id) : entryReply(id, f));
    ctx.propagate(xclaimJournal(key, g, id, nack));
    journalCursor = false;
    changed = true;
  }
  if (journalCursor) ctx.propagate(setidJournal(key, g));
  if (changed) ctx.db.changed(key, r.e);
  return array(out);
}

/** XAUTOCLAIM COUNT's bound: LONG_MAX / max(sizeof(streamID), attempts factor). */
const XAUTOCLAIM_MAX_COUNT = 576460752303423487n;
const XAUTOCLAIM_ATTEMPTS_FACTOR = 10;

function xautoclaimCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  let minIdle = longArg(argv[4] as string, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minIdle < 0) minIdle = 0;
  const start = parseStart(argv[5] as string);
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (isOpt(opt, 'COUNT') && more > 0) {
      const v = parseInt64(argv[++j] as string);
      if (v === null || v < 1 || BigInt(v) > XAUTOCLAIM_MAX_COUNT) throw errors.generic('COUNT must be > 0');
      count = Number(v);
    } else if (isOpt(opt, 'JUSTID')) {
      justid = true;
    } else {
      throw errors.syntax();
    }
  }
  const r = readEntry(ctx, key);
  const g = r?.s.group(groupName);
  if (r === undefined || g === undefined) throw noGroup(key, groupName);
  const s = r.s;
  const now = ctx.now;
  let attempts = count * XAUTOCLAIM_ATTEMPTS_FACTOR;
  let consumer: Consumer | undefined;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let cur = start;
  let eof = false;
  while (attempts-- > 0 && count > 0) {
    const id = g.pel.ceiling(cur);
    if (id === undefined) {
      eof = true;
      break;
    }
    cur = id + 1n;
    const nack = g.pel.get(id) as Nack;
    const f = s.get(id);
    if (f === undefined) {
      // Deleted from the stream: dropped from the PEL and reported in the third reply element.
      ctx.propagate(xclaimJournal(key, g, id, nack));
      g.ack(id);
      deleted.push(idReply(id));
      count--;
      continue;
    }
    if (minIdle > 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === undefined) {
      consumer = g.consumer(argv[3] as string);
      if (consumer === undefined) {
        consumer = g.createConsumer(argv[3] as string, now) as Consumer;
        ctx.notify('t', 'xgroup-createconsumer', key);
      }
      consumer.seenTime = now;
    }
    g.assign(id, consumer, now, justid ? nack.deliveryCount : nack.deliveryCount + 1);
    claimed.push(justid ? idReply(id) : entryReply(id, f));
    count--;
    ctx.propagate(xclaimJournal(key, g, id, nack));
  }
  // The cursor is the first pending entry not looked at, 0-0 once the PEL was walked to its end.
  const next = eof ? 0n : (g.pel.ceiling(cur) ?? 0n);
  if (claimed.length > 0 || deleted.length > 0) ctx.db.changed(key, r.e);
  return array([idReply(next), array(claimed), array(deleted)]);
}

// ---------------------------------------------------------------------------------------------
// XGROUP
// ---------------------------------------------------------------------------------------------

interface GroupTarget {
  e: Entry | undefined;
  s: StreamValue | undefined;
  g: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: bigint;
}

/**
 * The part of Redis's xgroupCommand common to every subcommand but HELP: options (MKSTREAM and
 * ENTRIESREAD for CREATE, ENTRIESREAD for SETID), the key (which must exist unless MKSTREAM) and
 * the group (which SETID, CREATECONSUMER and DELCONSUMER require), in that order.
 */
function groupTarget(ctx: CommandContext, argv: readonly string[], sub: string): GroupTarget {
  let mkstream = false;
  let entriesRead = ENTRIES_READ_UNKNOWN;
  if (argv.length > 5) {
    for (let i = 5; i < argv.length; ) {
      const opt = argv[i] as string;
      if (sub === 'create' && isOpt(opt, 'MKSTREAM')) {
        mkstream = true;
        i++;
      } else if ((sub === 'create' || sub === 'setid') && isOpt(opt, 'ENTRIESREAD') && i + 1 < argv.length) {
        entriesRead = longArgExact(argv[i + 1] as string);
        if (entriesRead < 0n && entriesRead !== ENTRIES_READ_UNKNOWN) throw errors.generic('value for ENTRIESREAD must be positive or -1');
        i += 2;
      } else {
        throw subcommandSyntax(argv);
      }
    }
  }
  const key = argv[2] as string;
  const e = writeEntry(ctx, key);
  const s = e === undefined ? undefined : (e.value as StreamValue);
  const groupName = argv[3] as string;
  const g = s?.group(groupName);
  if (!mkstream) {
    if (s === undefined) throw errors.generic(XGROUP_NO_KEY);
    if (g === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) throw noGroupForKey(key, groupName);
  }
  return { e, s, g, mkstream, entriesRead };
}

function xgroupCreate(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'create');
  if (argv.length > 8) throw subcommandSyntax(argv);
  const key = argv[2] as string;
  const raw = argv[4] as string;
  const id = raw === '$' ? (t.s?.lastId ?? 0n) : parseId(raw, 0n, true);
  let e = t.e;
  let s = t.s;
  if (e === undefined || s === undefined) {
    s = new StreamValue();
    e = ctx.db.set(key, s);
  }
  if (s.createGroup(argv[3] as string, id, t.entriesRead) === undefined) throw new PrefixedError('BUSYGROUP', 'Consumer Group name already exists');
  ctx.notify('t', 'xgroup-create', key);
  ctx.db.changed(key, e);
  ctx.propagate(argv);
  return OK;
}

function xgroupSetid(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'setid');
  if (argv.length !== 5 && argv.length !== 7) throw subcommandSyntax(argv);
  const s = t.s as StreamValue;
  const g = t.g as ConsumerGroup;
  const raw = argv[4] as string;
  g.lastId = raw === '$' ? s.lastId : parseId(raw, 0n, false);
  g.entriesRead = t.entriesRead;
  const key = argv[2] as string;
  ctx.notify('t', 'xgroup-setid', key);
  ctx.db.changed(key, t.e as Entry);
  ctx.propagate(argv);
  return OK;
}

function xgroupDestroy(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'destroy');
  if (t.g === undefined) return int(0);
  (t.s as StreamValue).destroyGroup(t.g.name);
  const key = argv[2] as string;
  ctx.notify('t', 'xgroup-destroy', key);
  // Also wakes XREADGROUP clients blocked on the group, which then answer NOGROUP.
  ctx.db.changed(key, t.e as Entry);
  ctx.propagate(argv);
  return int(1);
}

function xgroupCreateConsumer(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'createconsumer');
  const created = (t.g as ConsumerGroup).createConsumer(argv[4] as string, ctx.now);
  if (created === undefined) return int(0);
  const key = argv[2] as string;
  ctx.notify('t', 'xgroup-createconsumer', key);
  ctx.db.changed(key, t.e as Entry);
  ctx.propagate(argv);
  return int(1);
}

function xgroupDelConsumer(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'delconsumer');
  const g = t.g as ConsumerGroup;
  const c = g.consumer(argv[4] as string);
  if (c === undefined) return int(0);
  const pending = g.deleteConsumer(c);
  const key = argv[2] as string;
  ctx.notify('t', 'xgroup-delconsumer', key);
  ctx.db.changed(key, t.e as Entry);
  ctx.propagate(argv);
  return int(pending);
}

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

/** Redis's addReplyHelp: a header line naming the command, then the lines, as status replies. */
function helpReply(argv: readonly string[], lines: readonly string[]): Reply {
  const head = `${(argv[0] as string).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`;
  return array([head, ...lines].map(simple));
}

// ---------------------------------------------------------------------------------------------
// XINFO
// ---------------------------------------------------------------------------------------------

/** XINFO's key lookup: a missing key is an error, not an empty answer. */
function infoStream(ctx: CommandContext, key: string): StreamValue {
  const s = readStream(ctx, key);
  if (s === undefined) throw errors.noSuchKey();
  return s;
}

const entriesReadReply = (g: ConsumerGroup): Reply => (g.entriesRead === ENTRIES_READ_UNKNOWN ? NULL_BULK : int(g.entriesRead));

function lagReply(s: StreamValue, g: ConsumerGroup): Reply {
  const lag = s.lag(g);
  return lag === null ? NULL_BULK : int(lag);
}

/** First (or last) entry for XINFO STREAM, nil when empty. */
function edgeEntry(s: StreamValue, last: boolean): Reply {
  let r: Reply = NULL_BULK;
  s.scan(0n, ID_MAX, last, (id, f) => {
    r = entryReply(id, f);
    return false;
  });
  return r;
}

function xinfoStream(ctx: CommandContext, argv: string[]): Reply {
  const s = infoStream(ctx, argv[2] as string);
  const nargs = argv.length - 2;
  let full = false;
  let count = 10;
  if (nargs === 2 || nargs === 4) {
    if (!isOpt(argv[3], 'FULL')) throw subcommandSyntax(argv);
    full = true;
    if (nargs === 4) {
      if (!isOpt(argv[4], 'COUNT')) throw subcommandSyntax(argv);
      count = longArg(argv[5] as string);
      if (count < 0) count = 10;
    }
  } else if (nargs !== 1) {
    throw subcommandSyntax(argv);
  }
  const head: [string, Reply][] = [
    ['length', int(s.size)],
    ['radix-tree-keys', int(s.nodeCount)],
    ['radix-tree-nodes', int(s.radixNodes())],
    ['last-generated-id', idReply(s.lastId)],
    ['max-deleted-entry-id', idReply(s.maxDeletedId)],
    ['entries-added', int(s.entriesAdded)],
    ['recorded-first-entry-id', idReply(s.firstId)],
  ];
  if (!full) {
    return record([...head, ['groups', int(s.groupCount)], ['first-entry', edgeEntry(s, false)], ['last-entry', edgeEntry(s, true)]]);
  }
  // COUNT 0 means everything, for the entries and every PEL listed.
  const limit = (n: number): boolean => count === 0 || n < count;
  const groups = s.sortedGroups().map((g) => {
    const pending: Reply[] = [];
    g.pel.scan(0n, ID_MAX, false, (id, nack) => {
      pending.push(array([idReply(id), bulk(nack.consumer?.name ?? ''), int(nack.deliveryTime), int(nack.deliveryCount)]));
      return limit(pending.length);
    });
    const consumers = g.sortedConsumers().map((c) => {
      const cp: Reply[] = [];
      c.pel.scan(0n, ID_MAX, false, (id, nack) => {
        cp.push(array([idReply(id), int(nack.deliveryTime), int(nack.deliveryCount)]));
        return limit(cp.length);
      });
      return record([
        ['name', bulk(c.name)],
        ['seen-time', int(c.seenTime)],
        ['pel-count', int(c.pel.size)],
        ['pending', array(cp)],
      ]);
    });
    return record([
      ['name', bulk(g.name)],
      ['last-delivered-id', idReply(g.lastId)],
      ['entries-read', entriesReadReply(g)],
      ['lag', lagReply(s, g)],
      ['pel-count', int(g.pel.size)],
      ['pending', array(pending)],
      ['consumers', array(consumers)],
    ]);
  });
  return record([...head, ['entries', rangeReply(s, 0n, ID_MAX, count, false)], ['groups', array(groups)]]);
}

function xinfoGroups(ctx: CommandContext, argv: string[]): Reply {
  const s = infoStream(ctx, argv[2] as string);
  return array(
    s.sortedGroups().map((g) =>
      record([
        ['name', bulk(g.name)],
        ['consumers', int(g.consumers.size)],
        ['pending', int(g.pel.size)],
        ['last-delivered-id', idReply(g.lastId)],
        ['entries-read', entriesReadReply(g)],
        ['lag', lagReply(s, g)],
      ]),
    ),
  );
}

function xinfoConsumers(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[2] as string;
  const s = infoStream(ctx, key);
  const g = s.group(argv[3] as string);
  if (g === undefined) throw noGroupForKey(key, argv[3] as string);
  const now = ctx.now;
  return array(
    g.sortedConsumers().map((c) =>
      record([
        ['name', bulk(c.name)],
        ['pending', int(c.pel.size)],
        ['idle', int(Math.max(0, now - c.seenTime))],
      ]),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The command table
// ---------------------------------------------------------------------------------------------

const RANGE_COMPLEXITY =
  'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).';

export const streamCommands: CommandSpec[] = [
  command({
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: 'Appends a new entry to a stream',
    since: '5.0.0',
    complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    syntax: 'key [NOMKSTREAM] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]] <* | id> field value [field value ...]',
    handler: xaddCmd,
  }),
  command({
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    since: '5.0.0',
    complexity: RANGE_COMPLEXITY,
    syntax: 'key start end [COUNT count]',
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, false),
  }),
  command({
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    syntax: 'key end start [COUNT count]',
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, true),
  }),
  command({
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: 'Return the number of entries in a stream',
    since: '5.0.0',
    syntax: 'key',
    handler: xlenCmd,
  }),
  command({
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    since: '5.0.0',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    syntax: 'key id [id ...]',
    handler: xdelCmd,
  }),
  command({
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: '5.0.0',
    complexity:
      'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    syntax: 'key <MAXLEN | MINID> [= | ~] threshold [LIMIT count]',
    handler: xtrimCmd,
  }),
  command({
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: 'An internal command for replicating stream values',
    since: '5.0.0',
    syntax: 'key last-id [ENTRIESADDED entries_added] [MAXDELETEDID max_deleted_entry_id]',
    handler: xsetidCmd,
  }),
  command({
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking'],
    movableKeys: readKeys,
    group: 'stream',
    summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    syntax: '[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]',
    handler: (ctx, argv) => xreadGeneric(ctx, argv, false),
  }),
  command({
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking'],
    movableKeys: readKeys,
    group: 'stream',
    summary:
      'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    syntax: 'GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]',
    handler: (ctx, argv) => xreadGeneric(ctx, argv, true),
  }),
  command({
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    since: '5.0.0',
    complexity: 'O(1) for each message ID processed.',
    syntax: 'key group id [id ...]',
    handler: xackCmd,
  }),
  command({
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    syntax: 'key group [[IDLE min-idle-time] start end count [consumer]]',
    handler: xpendingCmd,
  }),
  command({
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    since: '5.0.0',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    syntax:
      'key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]',
    handler: xclaimCmd,
  }),
  command({
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'stream',
    summary:
      'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    since: '6.2.0',
    complexity: 'O(1) if COUNT is small.',
    syntax: 'key group consumer min-idle-time start [COUNT count] [JUSTID]',
    handler: xautoclaimCmd,
  }),
  command({
    name: 'xgroup',
    arity: -2,
    group: 'stream',
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      command({
        name: 'xgroup|create',
        arity: -5,
        flags: ['write', 'denyoom'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Create a consumer group.',
        since: '5.0.0',
        syntax: 'key groupname <id | $> [MKSTREAM] [ENTRIESREAD entries_read]',
        handler: xgroupCreate,
      }),
      command({
        name: 'xgroup|setid',
        arity: -5,
        flags: ['write'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Set a consumer group to an arbitrary last delivered ID value.',
        since: '5.0.0',
        syntax: 'key groupname <id | $> [ENTRIESREAD entries_read]',
        handler: xgroupSetid,
      }),
      command({
        name: 'xgroup|destroy',
        arity: 4,
        flags: ['write'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Destroy a consumer group.',
        since: '5.0.0',
        complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        syntax: 'key groupname',
        handler: xgroupDestroy,
      }),
      command({
        name: 'xgroup|createconsumer',
        arity: 5,
        flags: ['write', 'denyoom'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Create a consumer in a consumer group.',
        since: '6.2.0',
        syntax: 'key groupname consumername',
        handler: xgroupCreateConsumer,
      }),
      command({
        name: 'xgroup|delconsumer',
        arity: 5,
        flags: ['write'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Delete a consumer from a consumer group.',
        since: '5.0.0',
        syntax: 'key groupname consumername',
        handler: xgroupDelConsumer,
      }),
      command({
        name: 'xgroup|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        handler: (_ctx, argv) => helpReply(argv, XGROUP_HELP),
      }),
    ],
  }),
  command({
    name: 'xinfo',
    arity: -2,
    group: 'stream',
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      command({
        name: 'xinfo|stream',
        arity: -3,
        flags: ['readonly'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'Get information about a stream',
        since: '5.0.0',
        syntax: 'key [FULL [COUNT count]]',
        handler: xinfoStream,
      }),
      command({
        name: 'xinfo|groups',
        arity: 3,
        flags: ['readonly'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'List the consumer groups of a stream',
        since: '5.0.0',
        syntax: 'key',
        handler: xinfoGroups,
      }),
      command({
        name: 'xinfo|consumers',
        arity: 4,
        flags: ['readonly'],
        keys: [2, 2, 1],
        group: 'stream',
        summary: 'List the consumers in a consumer group',
        since: '5.0.0',
        syntax: 'key groupname',
        handler: xinfoConsumers,
      }),
      command({
        name: 'xinfo|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        handler: (_ctx, argv) => helpReply(argv, XINFO_HELP),
      }),
    ],
  }),
];
