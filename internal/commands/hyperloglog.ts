// HyperLogLog on string values in Redis's own HYLL representation: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { array, int, OK, simple, bulk, type Reply } from '../resp/reply.js';
import {
  CARD_OVERFLOW,
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllBytes,
  cachedCard,
  decodeSparse,
  denseAddAll,
  denseGetStr,
  estimate,
  histogram,
  hllAddAll,
  hllSet,
  isHll,
  mergeInto,
  rawHistogram,
  selfTest,
  sparseToDense,
  withCachedCard,
} from '../store/hll.js';
import { asString } from './args.js';
import { command, keyAt } from './spec.js';

/** Redis's invalid_hll_err: sparse opcodes that do not cover the 16384 registers. */
const invalidObj = (): CommandError => new CommandError('INVALIDOBJ', 'Corrupted HLL object detected');

/** Redis's isHLLObjectOrReply: a collection is the usual WRONGTYPE, a string without the HYLL shape this one. */
function hllString(value: unknown): string {
  const s = asString(value);
  if (!isHll(s)) throw new CommandError('WRONGTYPE', 'Key is not a valid HyperLogLog string value.');
  return s;
}

function sparseMaxBytes(ctx: CommandContext): number {
  return ctx.server.config.num('redis.hll_sparse_max_bytes');
}

/** An estimate as Redis answers it: llroundl's overflow is LLONG_MIN. */
function cardReply(card: number | bigint): Reply {
  return int(card === CARD_OVERFLOW ? -(2n ** 63n) : card);
}

/**
 * PFADD creates the key (sparse) even without elements. A dense value is read in place and copied
 * only when a register grows; journaled as sent (the same elements give the same bytes on replay).
 */
function pfaddCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const db = ctx.db;
  const e = db.get(key);
  let next: string | null;
  if (e === undefined) {
    const h = HllBytes.empty();
    hllAddAll(h, argv, 2, sparseMaxBytes(ctx));
    next = h.toLatin1();
  } else {
    const s = hllString(e.value);
    if (s.charCodeAt(4) === HLL_DENSE) {
      next = denseAddAll(s, argv, 2);
    } else {
      const h = HllBytes.of(s);
      const r = hllAddAll(h, argv, 2, sparseMaxBytes(ctx));
      if (r < 0) {
        // Redis changes the value in place element by element, so what the elements before the
        // failing one did stays (unjournaled, as Redis does not propagate a failed PFADD).
        const partial = h.toLatin1();
        if (partial !== s) db.set(key, partial, 'keep');
        throw invalidObj();
      }
      next = r === 0 ? null : h.toLatin1();
    }
  }
  if (next === null) return int(0);
  db.set(key, next, e === undefined ? 0 : 'keep');
  ctx.propagate(argv);
  ctx.notify('$', 'pfadd', key);
  return int(1);
}

/**
 * One key: the cached cardinality, or an estimate written back as the new cache, which changes
 * the value, so (as Redis propagates it) PFCOUNT itself is journaled. Several keys: the estimate
 * of their union, nothing written.
 */
function pfcountCmd(ctx: CommandContext, argv: string[]): Reply {
  const db = ctx.db;
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const e = ctx.store.read(db, argv[j] as string);
      if (e === undefined) continue;
      if (!mergeInto(max, hllString(e.value))) throw invalidObj();
    }
    return cardReply(estimate(rawHistogram(max)));
  }
  const key = argv[1] as string;
  const e = ctx.store.read(db, key);
  if (e === undefined) return int(0);
  const s = hllString(e.value);
  const cached = cachedCard(s);
  if (cached !== undefined) return int(cached);
  const histo = histogram(s);
  if (histo === null) throw invalidObj();
  const card = estimate(histo);
  db.set(key, withCachedCard(s, card), 'keep');
  ctx.propagate(argv);
  return cardReply(card);
}

/**
 * The union of every source (the destination included, as Redis reads it too) written into the
 * destination, dense if any source was; raises `pfadd` as Redis does for a merge.
 */
function pfmergeCmd(ctx: CommandContext, argv: string[]): Reply {
  const db = ctx.db;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const e = ctx.store.read(db, argv[j] as string);
    if (e === undefined) continue;
    const s = hllString(e.value);
    if (s.charCodeAt(4) === HLL_DENSE) useDense = true;
    if (!mergeInto(max, s)) throw invalidObj();
  }
  const dest = argv[1] as string;
  const e = db.get(dest);
  // Read above as a source, so a present destination is a valid HLL string.
  const h = e === undefined ? HllBytes.empty() : HllBytes.of(e.value as string);
  if (useDense && !sparseToDense(h)) throw invalidObj();
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j] as number;
    // A failed sparse set is ignored, as hllSparseSet's result is in pfmergeCommand.
    if (v !== 0) hllSet(h, j, v, maxBytes);
  }
  h.invalidateCache();
  db.set(dest, h.toLatin1(), e === undefined ? 0 : 'keep');
  ctx.propagate(argv);
  ctx.notify('$', 'pfadd', dest);
  return OK;
}

/** PFDEBUG GETREG / TODENSE convert a sparse value in place and journal the command, as Redis forces propagation then. */
function toDense(ctx: CommandContext, argv: string[], s: string): string {
  const h = HllBytes.of(s);
  if (!sparseToDense(h)) throw invalidObj();
  const dense = h.toLatin1();
  ctx.db.set(argv[2] as string, dense, 'keep');
  ctx.propagate(argv);
  return dense;
}

function pfdebugCmd(ctx: CommandContext, argv: string[]): Reply {
  const sub = argv[1] as string;
  const e = ctx.db.get(argv[2] as string);
  if (e === undefined) throw errors.generic('The specified key does not exist');
  let s = hllString(e.value);
  const sparse = s.charCodeAt(4) === HLL_SPARSE;
  switch (sub.toLowerCase()) {
    case 'getreg': {
      if (sparse) s = toDense(ctx, argv, s);
      const regs: Reply[] = new Array<Reply>(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) regs[i] = int(denseGetStr(s, i));
      return array(regs);
    }
    case 'decode':
      if (!sparse) throw errors.generic('HLL encoding is not sparse');
      return bulk(decodeSparse(s));
    case 'encoding':
      return simple(sparse ? 'sparse' : 'dense');
    case 'todense':
      if (sparse) toDense(ctx, argv, s);
      return int(sparse ? 1 : 0);
    default:
      throw errors.generic(`Unknown PFDEBUG subcommand '${sub}'`);
  }
}

/** Redis's self test: blocks for about a second (10M elements), as it blocks redis-server. */
function pfselftestCmd(ctx: CommandContext): Reply {
  const failed = selfTest(sparseMaxBytes(ctx), Math.floor(Math.random() * 0x100000000));
  if (failed !== null) throw errors.generic(failed);
  return OK;
}

export const hyperloglogCommands: CommandSpec[] = [
  command({
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    keySpecs: [keyAt(1, ['RW', 'INSERT'])],
    group: 'hyperloglog',
    acl: ['hyperloglog'],
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    handler: pfaddCmd,
  }),
  command({
    name: 'pfcount',
    arity: -2,
    flags: ['readonly', 'may_replicate'],
    keySpecs: [{ ...keyAt(1, ['RW', 'ACCESS'], -1), notes: 'RW because it may change the internal representation of the key, and propagate to replicas' }],
    group: 'hyperloglog',
    acl: ['hyperloglog'],
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    handler: pfcountCmd,
  }),
  command({
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'INSERT']), keyAt(2, ['RO', 'ACCESS'], -1)],
    group: 'hyperloglog',
    acl: ['hyperloglog'],
    summary: 'Merge N different HyperLogLogs into a single one.',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    handler: pfmergeCmd,
  }),
  command({
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    keySpecs: [keyAt(2, ['RW', 'ACCESS'])],
    group: 'hyperloglog',
    acl: ['hyperloglog'],
    summary: 'Internal commands for debugging HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    handler: pfdebugCmd,
  }),
  command({
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    group: 'hyperloglog',
    acl: ['hyperloglog'],
    summary: 'An internal command for testing HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    handler: pfselftestCmd,
  }),
];
