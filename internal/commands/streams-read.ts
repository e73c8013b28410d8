// XREAD and XREADGROUP: one parser and one read path for both, delivery to consumer groups, and blocking until data arrives.
import type { CommandContext } from '../contracts/command.js';
import { isOpt, parseInt64 } from './args.js';
import { errors } from '../contracts/errors.js';
import { type Consumer, type ConsumerGroup, ID_MAX, type Nack, type StreamId, StreamValue } from '../store/stream.js';
import { array, errorReply, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { longArg, parseId, PrefixedError } from './streams-args.js';
import { asStream, entryReply, idReply, rangeReply, readStream, setidJournal, streamsReply, xclaimJournal } from './streams-common.js';

// ---------------------------------------------------------------------------------------------
// XREAD / XREADGROUP
// ---------------------------------------------------------------------------------------------

/** Served blocked readers get at most this many entries per stream when no COUNT was given. */
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;
/** Node timers cap at 2^31-1 ms; longer waits are chained. */

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
export function readKeys(argv: readonly string[]): number[] {
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
      if (ctx.inScript) throw errors.generic(`${xreadgroup ? 'xreadgroup' : 'xread'} command is not allowed with BLOCK option from scripts`);
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

/** Parks the client; the blocking manager re-arms timeouts longer than a Node timer can hold. */
function blockReader(ctx: CommandContext, r: ReadRequest): Promise<Reply> {
  return ctx.block(r.keys, r.timeout, (c) => readBlocked(c, r), () => NULL_ARRAY);
}

export function xreadGeneric(ctx: CommandContext, argv: string[], xreadgroup: boolean): Reply | Promise<Reply> {
  const r = parseRead(ctx, argv, xreadgroup);
  const now = readNow(ctx, r);
  if (now !== null) return now;
  // Inside MULTI a blocking read cannot wait: it answers as if it timed out at once.
  if (r.timeout === -1 || ctx.inMulti) return NULL_ARRAY;
  return blockReader(ctx, r);
}
