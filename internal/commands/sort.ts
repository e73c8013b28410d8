// SORT and SORT_RO over lists, sets and sorted sets: BY (incl. hash fields and nosort), LIMIT, GET, ASC/DESC, ALPHA, STORE.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { intArg, isOpt } from './args.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { parseScore } from './args.js';
import { array, bulk, int, NULL_BULK, type Reply } from '../resp/reply.js';
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { ZSet } from '../store/zset.js';

interface SortOptions {
  by: string | null;
  /** BY a pattern without `*`: keep the collection's own order (Redis's "nosort"). */
  dontSort: boolean;
  offset: number;
  count: number;
  gets: string[];
  desc: boolean;
  alpha: boolean;
  store: string | null;
}

function parseOptions(argv: readonly string[], readOnly: boolean, readsAllKeys: () => boolean): SortOptions {
  const o: SortOptions = { by: null, dontSort: false, offset: 0, count: -1, gets: [], desc: false, alpha: false, store: null };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as string;
    const left = argv.length - i - 1;
    if (isOpt(a, 'ASC')) o.desc = false;
    else if (isOpt(a, 'DESC')) o.desc = true;
    else if (isOpt(a, 'ALPHA')) o.alpha = true;
    else if (isOpt(a, 'LIMIT') && left >= 2) {
      o.offset = intArg(argv[i + 1] as string);
      o.count = intArg(argv[i + 2] as string);
      i += 2;
    } else if (isOpt(a, 'STORE') && left >= 1 && !readOnly) {
      o.store = argv[++i] as string;
    } else if (isOpt(a, 'BY') && left >= 1) {
      o.by = argv[++i] as string;
      // A BY pattern without `*` means "do not sort" (conventionally BY nosort).
      if (!o.by.includes('*')) o.dontSort = true;
      // Keys a pattern names are not declared: Redis wants a user who may read every key.
      else if (!readsAllKeys()) throw new CommandError('ERR', 'BY option of SORT denied due to insufficient ACL permissions.');
    } else if (isOpt(a, 'GET') && left >= 1) {
      if (!readsAllKeys()) throw new CommandError('ERR', 'GET option of SORT denied due to insufficient ACL permissions.');
      o.gets.push(argv[++i] as string);
    } else {
      throw errors.syntax();
    }
  }
  return o;
}

/**
 * Redis's lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced by
 * the element and `->field` (after the `*`) reads a hash field. Missing keys, wrong types and
 * patterns without `*` give nothing. The key is looked up for reading, as Redis 7.0 does even
 * with STORE: it counts a keyspace hit or miss and a missing key raises `keymiss` (class m).
 */
function lookupByPattern(ctx: CommandContext, pattern: string, elem: string): string | null {
  if (pattern === '#') return elem;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow > 0 && arrow + 2 < pattern.length;
  const keyPattern = hasField ? pattern.slice(0, arrow) : pattern;
  const key = keyPattern.slice(0, star) + elem + keyPattern.slice(star + 1);
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return null;
  if (hasField) {
    // A field past its deadline reads as missing (SORT is a read: it does not reclaim it).
    return e.value instanceof HashValue ? (e.value.getLive(pattern.slice(arrow + 2), ctx.now) ?? null) : null;
  }
  return typeof e.value === 'string' ? e.value : null;
}

/** The elements of the sorted key, in the collection's own order. */
function elementsOf(ctx: CommandContext, key: string, o: SortOptions): string[] {
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return [];
  const v = e.value;
  if (v instanceof ListValue) return v.toArray();
  if (v instanceof ZSet) return v.sliceMembers(0, v.size, o.dontSort && o.desc);
  if (v instanceof SetValue) {
    const members = [...v.members()];
    // Set order is arbitrary; STORE and scripts must see a deterministic one, so sort it (as Redis does).
    if (o.dontSort && (o.store !== null || ctx.inScript)) members.sort(compareBytes);
    return members;
  }
  throw errors.wrongType();
}

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `elems` ordered by `scores` (same positions), equal scores by the elements' bytes, so the order is fully defined. */
function sortNumeric(elems: readonly string[], scores: Float64Array, desc: boolean): string[] {
  const order = new Uint32Array(elems.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const asc = (i: number, j: number): number => {
    const d = (scores[i] as number) - (scores[j] as number);
    return d < 0 ? -1 : d > 0 ? 1 : compareBytes(elems[i] as string, elems[j] as string);
  };
  order.sort(desc ? (i, j) => asc(j, i) : asc);
  const out = new Array<string>(order.length);
  for (let k = 0; k < order.length; k++) out[k] = elems[order[k] as number] as string;
  return out;
}

function sortGeneric(ctx: CommandContext, argv: string[], readOnly: boolean): Reply {
  const key = argv[1] as string;
  const spec = ctx.server.lookupCommand(readOnly ? 'sort_ro' : 'sort');
  const user = ctx.client.user;
  const o = parseOptions(argv, readOnly, () => user.free || spec === undefined || ctx.server.acl.readsAllKeys(user, spec, argv));
  let elems = elementsOf(ctx, key, o);
  if (!o.dontSort) {
    const weights = new Map<string, string | null>();
    if (o.by !== null) for (const el of elems) weights.set(el, lookupByPattern(ctx, o.by, el));
    const weightOf = (el: string): string | null => (o.by !== null ? (weights.get(el) ?? null) : el);
    if (o.alpha) {
      const cmp = (a: string, b: string): number => {
        const wa = weightOf(a);
        const wb = weightOf(b);
        if (wa === null || wb === null) return wa === wb ? 0 : wa === null ? -1 : 1;
        return compareBytes(wa, wb);
      };
      elems = [...elems].sort(o.desc ? (a, b) => cmp(b, a) : cmp);
    } else {
      // Scores by position in a typed array, and positions sorted: a Map lookup per comparison
      // made SORT of 1M numbers take 3 s.
      const scores = new Float64Array(elems.length);
      for (let i = 0; i < elems.length; i++) {
        const w = weightOf(elems[i] as string);
        if (w === null) continue;
        const s = parseScore(w);
        if (s === null) throw new CommandError('ERR', "One or more scores can't be converted into double");
        scores[i] = s;
      }
      elems = sortNumeric(elems, scores, o.desc);
    }
  } else if (o.desc && !(ctx.db.peek(key)?.value instanceof ZSet)) {
    // nosort DESC reverses lists and sets as Redis does; zsets were read in reverse already.
    elems.reverse();
  }
  // LIMIT: a negative offset starts at 0, a negative count means "to the end".
  const start = Math.max(0, o.offset);
  const end = o.count < 0 ? elems.length : Math.min(elems.length, start + o.count);
  elems = start >= elems.length ? [] : elems.slice(start, end);

  // No spread into push: a sorted collection can exceed V8's call-argument limit (~120k).
  const out: (string | null)[] = o.gets.length === 0 ? elems : [];
  if (o.gets.length > 0) for (const el of elems) for (const g of o.gets) out.push(lookupByPattern(ctx, g, el));

  if (o.store === null) return array(out.map((x) => (x === null ? NULL_BULK : bulk(x))));
  const dst = o.store;
  const values = out.map((x) => x ?? '');
  if (values.length === 0) {
    if (ctx.db.delete(dst)) {
      ctx.propagate(['DEL', dst]);
      ctx.notify('g', 'del', dst);
    }
    return int(0);
  }
  // Journaled as its concrete effect, so replay needs neither the patterns nor the source order.
  ctx.db.set(dst, ListValue.of(values), 0);
  ctx.propagate(['DEL', dst]);
  for (let i = 0; i < values.length; i += 1024) ctx.propagate(['RPUSH', dst, ...values.slice(i, i + 1024)]);
  ctx.notify('l', 'sortstore', dst);
  return int(values.length);
}

/**
 * SORT's keys: the sorted key and the STORE destination (BY/GET patterns are not declared, as in
 * Redis). With several STOREs only the last is a key, since it is the one SORT writes to.
 */
function sortKeys(argv: readonly string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as string;
    if (isOpt(a, 'LIMIT')) i += 2;
    else if (isOpt(a, 'BY') || isOpt(a, 'GET')) i += 1;
    else if (isOpt(a, 'STORE') && i + 1 < argv.length) store = ++i;
  }
  return store < 0 ? [1] : [1, store];
}

/** SORT_RO's key is the sorted one; Redis still resolves it through a key-extraction function (movablekeys). */
const sortRoKeys = (): number[] => [1];

export const sortCommands: CommandSpec[] = [
  command({
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS']), { notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", flags: ['RO', 'ACCESS'], begin: 'unknown', find: 'unknown' }, { notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array", flags: ['OW', 'UPDATE'], begin: 'unknown', find: 'unknown' }],
    movableKeys: sortKeys,
    group: 'generic',
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  }),
  command({
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS']), { notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", flags: ['RO', 'ACCESS'], begin: 'unknown', find: 'unknown' }],
    movableKeys: sortRoKeys,
    group: 'generic',
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  }),
];
