// OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP: how a key's value is held, as Redis 7.0 reports it.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, int, NULL_BULK, simple, type Reply } from '../resp/reply.js';
import { isLfuPolicy, lfuDecay } from '../store/eviction.js';
import type { Entry, Value } from '../store/types.js';
import { parseInt64 } from './args.js';
import { command, keyAt } from './spec.js';

/** Redis's OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT reports for its shared integers. */
const SHARED_REFCOUNT = 2147483647;
/** Redis shares the string objects for integers 0..OBJ_SHARED_INTEGERS-1. */
const SHARED_INTEGERS = 10000;
/** Largest string Redis stores inline with its header (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_LIMIT = 44;

/** OBJECT ENCODING of a string, as Redis's tryObjectEncoding would have stored it. */
function stringEncoding(s: string): string {
  if (s.length <= 20 && parseInt64(s) !== null) return 'int';
  return s.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

/** Lookup without touching the key, and without a keymiss event (Redis's LOOKUP_NONOTIFY for OBJECT). */
function peek(ctx: CommandContext, key: string): Entry | undefined {
  return ctx.store.peekRead(ctx.db, key, false);
}

const LFU_OFF_FREQ =
  'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_ON_IDLETIME =
  'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** OBJECT ENCODING (and DEBUG OBJECT) as Redis 7.0: every list is a quicklist (listpack lists came in 7.2). */
export function redisEncoding(v: Value): string {
  return typeof v === 'string' ? stringEncoding(v) : v.type === 'list' ? 'quicklist' : v.encoding();
}

function objectEncoding(ctx: CommandContext, argv: string[]): Reply {
  const e = peek(ctx, argv[2] as string);
  return e === undefined ? NULL_BULK : bulk(redisEncoding(e.value));
}

function objectRefcount(ctx: CommandContext, argv: string[]): Reply {
  const e = peek(ctx, argv[2] as string);
  if (e === undefined) return NULL_BULK;
  const v = e.value;
  if (typeof v !== 'string') return int(1);
  const n = v.length <= 20 ? parseInt64(v) : null;
  // Redis stops sharing integers when maxmemory is set with an LRU/LFU policy, since a shared
  // object cannot carry per-key access data.
  const { maxmemory, policy } = ctx.store.memoryPolicy;
  const sharing = maxmemory === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu'));
  const shared = sharing && typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS;
  return int(shared ? SHARED_REFCOUNT : 1);
}

function objectIdletime(ctx: CommandContext, argv: string[]): Reply {
  const e = peek(ctx, argv[2] as string);
  if (e === undefined) return NULL_BULK;
  if (isLfuPolicy(ctx.store.memoryPolicy.policy)) throw errors.generic(LFU_ON_IDLETIME);
  return int(Math.floor(Math.max(0, ctx.now - e.access) / 1000));
}

function objectFreq(ctx: CommandContext, argv: string[]): Reply {
  const e = peek(ctx, argv[2] as string);
  if (e === undefined) return NULL_BULK;
  const mp = ctx.store.memoryPolicy;
  if (!isLfuPolicy(mp.policy)) throw errors.generic(LFU_OFF_FREQ);
  // Decay is applied on read without storing it, like Redis's LFUDecrAndReturn.
  return int(lfuDecay(e.lfu, ctx.now - e.access, mp.lfuDecayTime));
}

function objectHelp(_ctx: CommandContext, argv: string[]): Reply {
  const head = `${(argv[0] as string).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`;
  return array([head, ...OBJECT_HELP].map(simple));
}

const objectSub = (name: string, summary: string, since: string, handler: (ctx: CommandContext, argv: string[]) => Reply): CommandSpec =>
  command({
    name: `object|${name}`,
    arity: 3,
    flags: ['readonly'],
    keySpecs: [keyAt(2, ['RO'])],
    group: 'generic',
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    summary,
    since,
    complexity: 'O(1)',
    handler,
  });

export const objectCommand: CommandSpec = command({
  name: 'object',
  arity: -2,
  group: 'generic',
  summary: 'A container for object introspection commands',
  since: '2.2.3',
  complexity: 'Depends on subcommand.',
  subcommands: [
    objectSub('encoding', 'Inspect the internal encoding of a Redis object', '2.2.3', objectEncoding),
    objectSub('freq', 'Get the logarithmic access frequency counter of a Redis object', '4.0.0', objectFreq),
    objectSub('idletime', 'Get the time since a Redis object was last accessed', '2.2.3', objectIdletime),
    objectSub('refcount', 'Get the number of references to the value of the key', '2.2.3', objectRefcount),
    command({
      name: 'object|help',
      arity: 2,
      flags: ['loading', 'stale'],
      group: 'generic',
      acl: ['keyspace'],
      summary: 'Show helpful text about the different subcommands',
      since: '6.2.0',
      complexity: 'O(1)',
      handler: objectHelp,
    }),
  ],
});

