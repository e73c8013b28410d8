// Stream lookups, reply shapes, journal forms and HELP replies; a leaf module so streams.ts and its sub-files share them without an import cycle.
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { type ConsumerGroup, type Fields, formatId, type Nack, type StreamId, StreamValue } from '../store/stream.js';
import type { Entry, Value } from '../store/types.js';
import { array, bulk, map, type Reply, simple } from '../resp/reply.js';

// ---------------------------------------------------------------------------------------------
// Lookups and replies
// ---------------------------------------------------------------------------------------------

export function asStream(v: Value): StreamValue {
  if (v instanceof StreamValue) return v;
  throw errors.wrongType();
}

/** lookupKeyRead + checkType. */
export function readStream(ctx: CommandContext, key: string): StreamValue | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : asStream(e.value);
}

/** lookupKeyRead + checkType, keeping the entry for an in-place write. */
export function readEntry(ctx: CommandContext, key: string): { e: Entry; s: StreamValue } | undefined {
  const e = ctx.store.read(ctx.db, key);
  return e === undefined ? undefined : { e, s: asStream(e.value) };
}

/** lookupKeyWrite + checkType. */
export function writeEntry(ctx: CommandContext, key: string): Entry | undefined {
  const e = ctx.db.get(key);
  if (e !== undefined) asStream(e.value);
  return e;
}

function fieldsReply(f: Fields): Reply {
  const out = new Array<Reply>(f.length);
  for (let i = 0; i < f.length; i++) out[i] = bulk(f[i] as string);
  return array(out);
}

export const entryReply = (id: StreamId, f: Fields): Reply => array([bulk(formatId(id)), fieldsReply(f)]);
export const idReply = (id: StreamId): Reply => bulk(formatId(id));

/** Entries with IDs in [lo, hi], at most `count` (0 = all). */
export function rangeReply(s: StreamValue, lo: StreamId, hi: StreamId, count: number, rev: boolean): Reply {
  const out: Reply[] = [];
  s.scan(lo, hi, rev, (id, f) => {
    out.push(entryReply(id, f));
    return count === 0 || out.length < count;
  });
  return array(out);
}

/** XREAD's per-stream results: a map in RESP3, an array of [key, entries] pairs in RESP2. */
export function streamsReply(ctx: CommandContext, items: readonly (readonly [string, Reply])[]): Reply {
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
export function xclaimJournal(key: string, g: ConsumerGroup, id: StreamId, nack: Nack): string[] {
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
export function setidJournal(key: string, g: ConsumerGroup): string[] {
  return ['XGROUP', 'SETID', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

// ---------------------------------------------------------------------------------------------
// HELP
// ---------------------------------------------------------------------------------------------

/** Redis's addReplyHelp: a header line naming the command, then the lines, as status replies. */
export function helpReply(argv: readonly string[], lines: readonly string[]): Reply {
  const head = `${(argv[0] as string).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`;
  return array([head, ...lines].map(simple));
}
