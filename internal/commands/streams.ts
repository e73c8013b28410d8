// Streams family (Redis 7.0 semantics): the command table for every stream command, the single source of truth, and the core commands XADD XTRIM XDEL XLEN XRANGE XREVRANGE XSETID.
import type { CommandContext } from '../contracts/command.js';
import { isOpt } from './args.js';
import { errors } from '../contracts/errors.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { formatId, ID_MAX, idMs, type StreamId, StreamValue, type TrimSpec } from '../store/stream.js';
import { bulk, EMPTY_ARRAY, int, NULL_ARRAY, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { invalidId, longArg, longArgExact, parseAddId, parseEnd, parseId, parseStart } from './streams-args.js';
import { helpReply, rangeReply, readStream, writeEntry } from './streams-common.js';
import { readKeys, xreadGeneric } from './streams-read.js';
import {
  XGROUP_HELP,
  xackCmd,
  xautoclaimCmd,
  xclaimCmd,
  xgroupCreate,
  xgroupCreateConsumer,
  xgroupDelConsumer,
  xgroupDestroy,
  xgroupSetid,
  xpendingCmd,
} from './streams-groups.js';
import { XINFO_HELP, xinfoConsumers, xinfoGroups, xinfoStream } from './streams-info.js';

const ID_TOO_SMALL = 'The ID specified in XADD is equal or smaller than the target stream top item';

// ---------------------------------------------------------------------------------------------
// XADD / XTRIM argument parsing (Redis's streamParseAddOrTrimArgsOrReply)
// ---------------------------------------------------------------------------------------------

/** `~` without LIMIT removes at most this many nodes' worth of entries per call (Redis: 100 * stream-node-max-entries). */
const APPROX_DEFAULT_NODES = 100;

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

function parseAddTrim(argv: readonly string[], xadd: boolean, nodeMaxEntries: number): AddTrimArgs {
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
    limit = approx ? APPROX_DEFAULT_NODES * nodeMaxEntries : 0;
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
  const a = parseAddTrim(argv, true, ctx.store.encodings.streamNodeMaxEntries);
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
  const a = parseAddTrim(argv, false, ctx.store.encodings.streamNodeMaxEntries);
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
// The command table
// ---------------------------------------------------------------------------------------------

const RANGE_COMPLEXITY =
  'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).';

export const streamCommands: CommandSpec[] = [
  command({
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [{ notes: 'UPDATE instead of INSERT because of the optional trimming feature', flags: ['RW', 'UPDATE'], begin: { index: 1 }, find: { lastkey: 0, keystep: 1, limit: 0 } }],
    group: 'stream',
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    summary: 'Appends a new entry to a stream',
    since: '5.0.0',
    complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.',
    history: [
      ['6.2.0', 'Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.'],
      ['7.0.0', 'Added support for the `<ms>-*` explicit ID form.'],
    ],
    handler: xaddCmd,
  }),
  command({
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'stream',
    acl: ['stream'],
    summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    since: '5.0.0',
    complexity: RANGE_COMPLEXITY,
    history: [['6.2.0', 'Added exclusive ranges.']],
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, false),
  }),
  command({
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'stream',
    acl: ['stream'],
    summary:
      'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).',
    history: [['6.2.0', 'Added exclusive ranges.']],
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, true),
  }),
  command({
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO'])],
    group: 'stream',
    acl: ['stream'],
    summary: 'Return the number of entries in a stream',
    since: '5.0.0',
    complexity: 'O(1)',
    handler: xlenCmd,
  }),
  command({
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'stream',
    acl: ['stream'],
    summary:
      'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
    since: '5.0.0',
    complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.',
    handler: xdelCmd,
  }),
  command({
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'stream',
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    since: '5.0.0',
    complexity:
      'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.',
    history: [['6.2.0', 'Added the `MINID` trimming strategy and the `LIMIT` option.']],
    handler: xtrimCmd,
  }),
  command({
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'stream',
    acl: ['stream'],
    summary: 'An internal command for replicating stream values',
    since: '5.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added the `entries_added` and `max_deleted_entry_id` arguments.']],
    handler: xsetidCmd,
  }),
  command({
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { lastkey: -1, keystep: 1, limit: 2 } }],
    movableKeys: readKeys,
    group: 'stream',
    acl: ['stream'],
    summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.',
    handler: (ctx, argv) => xreadGeneric(ctx, argv, false),
  }),
  command({
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking'],
    keySpecs: [{ flags: ['RO', 'ACCESS'], begin: { keyword: 'STREAMS', startfrom: 4 }, find: { lastkey: -1, keystep: 1, limit: 2 } }],
    movableKeys: readKeys,
    group: 'stream',
    acl: ['stream'],
    summary:
      'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
    since: '5.0.0',
    complexity:
      'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.',
    handler: (ctx, argv) => xreadGeneric(ctx, argv, true),
  }),
  command({
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'stream',
    acl: ['stream'],
    summary:
      'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
    since: '5.0.0',
    complexity: 'O(1) for each message ID processed.',
    handler: xackCmd,
  }),
  command({
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'stream',
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    summary:
      'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
    since: '5.0.0',
    complexity:
      'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.',
    history: [['6.2.0', 'Added the `IDLE` option and exclusive range intervals.']],
    handler: xpendingCmd,
  }),
  command({
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'stream',
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    summary:
      'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
    since: '5.0.0',
    complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.',
    handler: xclaimCmd,
  }),
  command({
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'DELETE'])],
    group: 'stream',
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    summary:
      'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
    since: '6.2.0',
    complexity: 'O(1) if COUNT is small.',
    history: [
      ['7.0.0', 'Added an element to the reply array, containing deleted entries the command cleared from the PEL'],
    ],
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
        keySpecs: [keyAt(2, ['RW', 'INSERT'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Create a consumer group.',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the `entries_read` named argument.']],
        handler: xgroupCreate,
      }),
      command({
        name: 'xgroup|setid',
        arity: -5,
        flags: ['write'],
        keySpecs: [keyAt(2, ['RW', 'UPDATE'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Set a consumer group to an arbitrary last delivered ID value.',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the optional `entries_read` argument.']],
        handler: xgroupSetid,
      }),
      command({
        name: 'xgroup|destroy',
        arity: 4,
        flags: ['write'],
        keySpecs: [keyAt(2, ['RW', 'DELETE'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Destroy a consumer group.',
        since: '5.0.0',
        complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        handler: xgroupDestroy,
      }),
      command({
        name: 'xgroup|createconsumer',
        arity: 5,
        flags: ['write', 'denyoom'],
        keySpecs: [keyAt(2, ['RW', 'INSERT'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Create a consumer in a consumer group.',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: xgroupCreateConsumer,
      }),
      command({
        name: 'xgroup|delconsumer',
        arity: 5,
        flags: ['write'],
        keySpecs: [keyAt(2, ['RW', 'DELETE'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Delete a consumer from a consumer group.',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: xgroupDelConsumer,
      }),
      command({
        name: 'xgroup|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        acl: ['stream'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
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
        keySpecs: [keyAt(2, ['RO', 'ACCESS'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'Get information about a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [
          ['6.0.0', 'Added the `FULL` modifier.'],
          ['7.0.0', 'Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields'],
        ],
        handler: xinfoStream,
      }),
      command({
        name: 'xinfo|groups',
        arity: 3,
        flags: ['readonly'],
        keySpecs: [keyAt(2, ['RO', 'ACCESS'])],
        group: 'stream',
        acl: ['stream'],
        summary: 'List the consumer groups of a stream',
        since: '5.0.0',
        complexity: 'O(1)',
        history: [['7.0.0', 'Added the `entries-read` and `lag` fields']],
        handler: xinfoGroups,
      }),
      command({
        name: 'xinfo|consumers',
        arity: 4,
        flags: ['readonly'],
        keySpecs: [keyAt(2, ['RO', 'ACCESS'])],
        group: 'stream',
        acl: ['stream'],
        tips: ['nondeterministic_output'],
        summary: 'List the consumers in a consumer group',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: xinfoConsumers,
      }),
      command({
        name: 'xinfo|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'stream',
        acl: ['stream'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: (_ctx, argv) => helpReply(argv, XINFO_HELP),
      }),
    ],
  }),
];
