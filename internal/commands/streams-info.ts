// XINFO STREAM / GROUPS / CONSUMERS: read-only introspection of a stream, its groups and their consumers.
import type { CommandContext } from '../contracts/command.js';
import { isOpt } from './args.js';
import { errors } from '../contracts/errors.js';
import { type ConsumerGroup, ENTRIES_READ_UNKNOWN, ID_MAX, type StreamValue } from '../store/stream.js';
import { array, bulk, int, NULL_BULK, record, type Reply } from '../resp/reply.js';
import { longArg, noGroupForKey, subcommandSyntax } from './streams-args.js';
import { entryReply, idReply, rangeReply, readStream } from './streams-common.js';

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

export function xinfoStream(ctx: CommandContext, argv: string[]): Reply {
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

export function xinfoGroups(ctx: CommandContext, argv: string[]): Reply {
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

export function xinfoConsumers(ctx: CommandContext, argv: string[]): Reply {
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

/** XINFO HELP's lines (Redis 7.0's wording), answered by the table's xinfo|help. */
export const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];
