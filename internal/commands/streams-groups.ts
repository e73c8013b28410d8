// Consumer groups: XGROUP and its subcommands, XACK, XPENDING, XCLAIM and XAUTOCLAIM (XREADGROUP lives with XREAD in streams-read.ts).
import type { CommandContext } from '../contracts/command.js';
import { isOpt, parseInt64 } from './args.js';
import { errors } from '../contracts/errors.js';
import { type Consumer, type ConsumerGroup, ENTRIES_READ_UNKNOWN, ID_MAX, type Nack, type StreamId, StreamValue } from '../store/stream.js';
import type { Entry } from '../store/types.js';
import { array, bulk, EMPTY_ARRAY, int, NULL_ARRAY, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { longArg, longArgExact, noGroup, noGroupForKey, parseEnd, parseId, parseIdOrNull, parseStart, PrefixedError, subcommandSyntax } from './streams-args.js';
import { entryReply, idReply, readEntry, readStream, setidJournal, writeEntry, xclaimJournal } from './streams-common.js';

// ---------------------------------------------------------------------------------------------
// XACK XPENDING XCLAIM XAUTOCLAIM
// ---------------------------------------------------------------------------------------------

export function xackCmd(ctx: CommandContext, argv: string[]): Reply {
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

export function xpendingCmd(ctx: CommandContext, argv: string[]): Reply {
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

export function xclaimCmd(ctx: CommandContext, argv: string[]): Reply {
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

export function xautoclaimCmd(ctx: CommandContext, argv: string[]): Reply {
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

const XGROUP_NO_KEY =
  'The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';

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

export function xgroupCreate(ctx: CommandContext, argv: string[]): Reply {
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

export function xgroupSetid(ctx: CommandContext, argv: string[]): Reply {
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

export function xgroupDestroy(ctx: CommandContext, argv: string[]): Reply {
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

export function xgroupCreateConsumer(ctx: CommandContext, argv: string[]): Reply {
  const t = groupTarget(ctx, argv, 'createconsumer');
  const created = (t.g as ConsumerGroup).createConsumer(argv[4] as string, ctx.now);
  if (created === undefined) return int(0);
  const key = argv[2] as string;
  ctx.notify('t', 'xgroup-createconsumer', key);
  ctx.db.changed(key, t.e as Entry);
  ctx.propagate(argv);
  return int(1);
}

export function xgroupDelConsumer(ctx: CommandContext, argv: string[]): Reply {
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

/** XGROUP HELP's lines (Redis 7.0's wording), answered by the table's xgroup|help. */
export const XGROUP_HELP = [
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
