// Probabilistic filters as RedisBloom names them: Cuckoo (CF.*) and scalable Bloom (BF.*) filters as a key type.
//
// Replies and error lines follow RedisBloom 2.6 (the Redis Stack 7.0/7.2 generation) word for word,
// including its errors without an `ERR` prefix ("Bad capacity", "Filter is full"): a module's
// RedisModule_ReplyWithError sends the text as given, so those go out through errorReply.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, errorReply, int, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { BloomFilter, bloomChunk, decodeBloomHeader, encodeBloomHeader, loadBloomChunk, type BloomAddResult } from '../store/bloom.js';
import { cuckooFilterCommands } from './filters-cf.js';
import { argIndex, charAt, chunkReply, doubleArg, flag, formatG, infoMap, ITEM_EXISTS, longArg, mustRead, NOT_FOUND, readFilter, writeFilter } from './filters-common.js';
import { command, keyAt } from './spec.js';

/** RedisBloom 2.6's defaults for a Bloom filter created by BF.ADD / BF.MADD / BF.INSERT. */
export const BF_DEFAULT_ERROR_RATE = 0.01;
export const BF_DEFAULT_CAPACITY = 100;
export const BF_DEFAULT_EXPANSION = 2;

// ---------------------------------------------------------------------------------------------
// Bloom

interface BfOptions {
  capacity: number;
  errorRate: number;
  expansion: number;
  nonScaling: boolean;
  autocreate: boolean;
}

const bfDefaults = (): BfOptions => ({ capacity: BF_DEFAULT_CAPACITY, errorRate: BF_DEFAULT_ERROR_RATE, expansion: BF_DEFAULT_EXPANSION, nonScaling: false, autocreate: true });

/** BF.RESERVE key error_rate capacity [EXPANSION n] [NONSCALING], in RedisBloom's order of checks. */
function bfReserve(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 7) throw errors.wrongArity((argv[0] as string).toLowerCase());
  const errorRate = doubleArg(argv[2]);
  if (errorRate === null) return errorReply('ERR bad error rate');
  if (errorRate >= 1 || errorRate <= 0) return errorReply('ERR (0 < error rate range < 1) ');
  const capacity = longArg(argv[3]);
  if (capacity === null) return errorReply('ERR bad capacity');
  if (capacity <= 0) return errorReply('ERR (capacity should be larger than 0)');
  const nonScaling = argIndex(argv, 'NONSCALING', 4) !== -1;
  let expansion = BF_DEFAULT_EXPANSION;
  const ex = argIndex(argv, 'EXPANSION', 4);
  if (ex + 1 === argv.length) return errorReply('ERR no expansion');
  if (ex !== -1) {
    if (nonScaling) return errorReply('Nonscaling filters cannot expand');
    const v = longArg(argv[ex + 1]);
    if (v === null) return errorReply('ERR bad expansion');
    if (v < 1) return errorReply('ERR expansion should be greater or equal to 1');
    expansion = v;
  }
  const key = argv[1] as string;
  if (writeFilter(ctx, key, BloomFilter) !== undefined) return errorReply(ITEM_EXISTS);
  const f = BloomFilter.create(capacity, errorRate, Math.min(expansion, 0xffffffff), nonScaling);
  if (f === null) return errorReply('ERR could not create filter');
  ctx.db.set(key, f);
  ctx.propagate(argv);
  return OK;
}

/** The reply of one BF add. */
function addReply(ctx: CommandContext, r: BloomAddResult | null): Reply {
  if (r === 'full') return errorReply('ERR non scaling filter is full');
  if (r === null) return errorReply('ERR problem inserting into filter');
  return flag(ctx, r === 'added');
}

/** bfInsertCommon: creates the filter when allowed, adds the items until a non-scaling filter is full. */
function bfInsertCommon(ctx: CommandContext, argv: string[], key: string, from: number, o: BfOptions, multi: boolean): Reply {
  const found = writeFilter(ctx, key, BloomFilter);
  let f: BloomFilter;
  let dirty = false;
  if (found === undefined) {
    if (!o.autocreate) return errorReply(NOT_FOUND);
    const created = BloomFilter.create(o.capacity, o.errorRate, Math.min(o.expansion, 0xffffffff), o.nonScaling);
    if (created === null) return errorReply('ERR could not create filter');
    f = created;
    ctx.db.set(key, f);
    dirty = true;
  } else {
    f = found.value;
  }
  const out: Reply[] = [];
  for (let i = from; i < argv.length; i++) {
    const r = f.add(argv[i] as string);
    if (r === 'added') dirty = true;
    out.push(addReply(ctx, r));
    if (r === 'full') break;
  }
  if (dirty) {
    if (found !== undefined) ctx.db.changed(key, found.e);
    ctx.propagate(argv);
  }
  return multi ? array(out) : (out[0] as Reply);
}

function bfAdd(ctx: CommandContext, argv: string[]): Reply {
  return bfInsertCommon(ctx, argv, argv[1] as string, 2, bfDefaults(), false);
}

function bfMadd(ctx: CommandContext, argv: string[]): Reply {
  return bfInsertCommon(ctx, argv, argv[1] as string, 2, bfDefaults(), true);
}

/** BF.INSERT's option scan: the first letter picks the option, as RedisBloom does; a Reply when it answers instead. */
function parseBfInsert(argv: string[], o: BfOptions): number | Reply {
  const wrong = (): never => {
    throw errors.wrongArity((argv[0] as string).toLowerCase());
  };
  let pos = 2;
  let items = -1;
  while (pos < argv.length && items < 0) {
    const arg = argv[pos] as string;
    switch (charAt(arg, 0)) {
      case 'i':
        items = ++pos;
        break;
      case 'e': {
        if (++pos === argv.length) wrong();
        if (charAt(arg, 1) === 'r') {
          const v = doubleArg(argv[pos++]);
          if (v === null) return errorReply('Bad error rate');
          o.errorRate = v;
        } else {
          const v = longArg(argv[pos++]);
          if (v === null) return errorReply('Bad expansion');
          o.expansion = v;
        }
        break;
      }
      case 'c': {
        if (++pos === argv.length) wrong();
        const v = longArg(argv[pos++]);
        if (v === null) return errorReply('Bad capacity');
        o.capacity = v;
        break;
      }
      case 'n':
        if (charAt(arg, 2) === 'c') o.autocreate = false;
        else o.nonScaling = true;
        pos++;
        break;
      default:
        return errorReply('Unknown argument received');
    }
  }
  if (items < 0 || items === argv.length) wrong();
  if (o.errorRate <= 0 || o.errorRate >= 1 || o.capacity < 1 || o.expansion < 1) return errorReply('Bad argument received');
  return items;
}

/** BF.INSERT key [CAPACITY n] [ERROR e] [EXPANSION n] [NOCREATE] [NONSCALING] ITEMS item... */
function bfInsert(ctx: CommandContext, argv: string[]): Reply {
  const o = bfDefaults();
  const items = parseBfInsert(argv, o);
  if (typeof items !== 'number') return items;
  return bfInsertCommon(ctx, argv, argv[1] as string, items, o, true);
}

/** BF.EXISTS / BF.MEXISTS: a missing key, or one of another type, has no items. */
function bfCheck(multi: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const r = readFilter(ctx, argv[1] as string, BloomFilter);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(flag(ctx, r.status === 'ok' && r.value.has(argv[i] as string)));
    return multi ? array(out) : (out[0] as Reply);
  };
}


const BF_INFO_FIELDS: Record<string, [string, (f: BloomFilter) => Reply]> = {
  capacity: ['Capacity', (f) => int(f.capacity())],
  size: ['Size', (f) => int(f.byteSize())],
  filters: ['Number of filters', (f) => int(f.links.length)],
  items: ['Number of items inserted', (f) => int(f.items)],
  expansion: ['Expansion rate', (f) => (f.nonScaling ? NULL_BULK : int(f.growth))],
};

/** BF.INFO key [CAPACITY|SIZE|FILTERS|ITEMS|EXPANSION]: one field is a one-pair map under RESP3 and a one-element array under RESP2. */
function bfInfo(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw errors.wrongArity((argv[0] as string).toLowerCase());
  const f = mustRead(ctx, argv[1] as string, BloomFilter);
  if (!(f instanceof BloomFilter)) return f;
  if (argv.length === 3) {
    const field = BF_INFO_FIELDS[(argv[2] as string).toLowerCase()];
    if (field === undefined) return errorReply('Invalid information value');
    const [name, get] = field;
    return ctx.client.proto === 3 ? infoMap([[name, get(f)]]) : array([get(f)]);
  }
  return infoMap(Object.values(BF_INFO_FIELDS).map(([name, get]) => [name, get(f)] as const));
}

/** BF.CARD: 0 for a missing key. */
function bfCard(ctx: CommandContext, argv: string[]): Reply {
  const r = readFilter(ctx, argv[1] as string, BloomFilter);
  if (r.status === 'mismatch') throw errors.wrongType();
  return int(r.status === 'ok' ? r.value.items : 0);
}

/** BF.SCANDUMP key iter: iterator 0 answers [1, header]; then [next, chunk] until [0, ""]. */
function bfScandump(ctx: CommandContext, argv: string[]): Reply {
  const f = mustRead(ctx, argv[1] as string, BloomFilter);
  if (!(f instanceof BloomFilter)) return f;
  const iter = longArg(argv[2]);
  if (iter === null) return errorReply('Second argument must be numeric');
  if (iter === 0) return array([int(1), chunkReply(encodeBloomHeader(f))]);
  const c = bloomChunk(f, iter);
  return c === null ? array([int(0), bulk('')]) : array([int(c.next), chunkReply(c.data)]);
}

/** BF.LOADCHUNK key iter data: iterator 1 on a missing key creates the filter from a header, later ones fill its bits. */
function bfLoadchunk(ctx: CommandContext, argv: string[]): Reply {
  const iter = longArg(argv[2]);
  if (iter === null) return errorReply('ERR Second argument must be numeric');
  const key = argv[1] as string;
  const data = Buffer.from(argv[3] as string, 'latin1');
  const found = writeFilter(ctx, key, BloomFilter);
  if (found === undefined) {
    if (iter !== 1) return errorReply(NOT_FOUND);
    const f = decodeBloomHeader(data);
    if (f === null) return errorReply('ERR received bad data');
    ctx.db.set(key, f);
    ctx.propagate(argv);
    return OK;
  }
  const err = loadBloomChunk(found.value, iter, data);
  if (err !== null) return errorReply(err);
  ctx.db.changed(key, found.e);
  ctx.propagate(argv);
  return OK;
}

/** BF.DEBUG key: RedisBloom's "size:N" line, then one line per link. */
function bfDebug(ctx: CommandContext, argv: string[]): Reply {
  const f = mustRead(ctx, argv[1] as string, BloomFilter);
  if (!(f instanceof BloomFilter)) return f;
  const lines = [`size:${f.items}`];
  for (const l of f.links) {
    const bits = l.bits !== 0 ? l.bits : 2 ** l.n2;
    lines.push(`bytes:${l.bytes} bits:${bits} hashes:${l.hashes} hashwidth:64 capacity:${l.entries} size:${l.size} ratio:${formatG(l.error)}`);
  }
  return array(lines.map(bulk));
}

const bf = (name: string, arity: number, write: boolean, summary: string, complexity: string, syntax: string, handler: (ctx: CommandContext, argv: string[]) => Reply): CommandSpec =>
  command({
    name,
    arity,
    flags: write ? ['write', 'denyoom'] : ['readonly', 'fast'],
    keySpecs: [keyAt(1, write ? ['RW', 'INSERT'] : ['RO', 'ACCESS'])],
    group: 'bf',
    summary,
    since: '1.0.0',
    complexity,
    syntax,
    notes: 'RedisBloom-compatible (replies and errors of RedisBloom 2.6); see docs/families/filters.md.',
    handler,
  });

const bloomFilterCommands: CommandSpec[] = [
  bf('bf.reserve', -4, true, 'Creates a new Bloom Filter', 'O(1)', 'key error_rate capacity [EXPANSION expansion] [NONSCALING]', bfReserve),
  bf('bf.add', 3, true, 'Adds an item to a Bloom Filter', 'O(k), where k is the number of hash functions used by the last sub-filter', 'key item', bfAdd),
  bf('bf.madd', -3, true, 'Adds one or more items to a Bloom Filter. A filter will be created if it does not exist', 'O(k * n), where k is the number of hash functions and n is the number of items', 'key item [item ...]', bfMadd),
  bf(
    'bf.insert',
    -4,
    true,
    'Adds one or more items to a Bloom Filter. A filter will be created if it does not exist',
    'O(k * n), where k is the number of hash functions and n is the number of items',
    'key [CAPACITY capacity] [ERROR error] [EXPANSION expansion] [NOCREATE] [NONSCALING] ITEMS item [item ...]',
    bfInsert,
  ),
  bf('bf.exists', 3, false, 'Checks whether an item exists in a Bloom Filter', 'O(k), where k is the number of hash functions used by the last sub-filter', 'key item', bfCheck(false)),
  bf('bf.mexists', -3, false, 'Checks whether one or more items exist in a Bloom Filter', 'O(k * n), where k is the number of hash functions and n is the number of items', 'key item [item ...]', bfCheck(true)),
  bf('bf.info', -2, false, 'Returns information about a Bloom Filter', 'O(1)', 'key [CAPACITY | SIZE | FILTERS | ITEMS | EXPANSION]', bfInfo),
  bf('bf.card', 2, false, 'Returns the cardinality of a Bloom filter', 'O(1)', 'key', bfCard),
  bf('bf.debug', 2, false, 'Returns debug information about a Bloom filter (its links)', 'O(n), where n is the number of sub-filters', 'key', bfDebug),
  bf('bf.scandump', 3, false, 'Begins an incremental save of the bloom filter', 'O(n), where n is the capacity', 'key iterator', bfScandump),
  bf('bf.loadchunk', 4, true, 'Restores a filter previously saved using SCANDUMP', 'O(n), where n is the capacity', 'key iterator data', bfLoadchunk),
];

export const filterCommands: CommandSpec[] = [...bloomFilterCommands, ...cuckooFilterCommands];
