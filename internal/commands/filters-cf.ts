// Cuckoo filter commands (CF.*) with RedisBloom 2.6's replies, errors and defaults.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, errorReply, int, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import {
  CF_DEFAULT_BUCKETSIZE,
  CF_DEFAULT_CAPACITY,
  CF_DEFAULT_EXPANSION,
  CF_DEFAULT_MAX_ITERATIONS,
  CF_HEADER_BYTES,
  CF_MAX_BUCKET_SIZE,
  CF_MAX_EXPANSION,
  CF_MAX_FILTERS,
  CF_MAX_ITERATIONS,
  cuckooChunk,
  CuckooFilter,
  decodeCuckooHeader,
  encodeCuckooHeader,
  loadCuckooChunk,
} from '../store/cuckoo.js';
import { MAX_CHUNK } from '../store/bloom.js';
import { argIndex, charAt, chunkReply, flag, infoMap, ITEM_EXISTS, longArg, mustRead, readFilter, writeFilter } from './filters-common.js';
import { command, keyAt } from './spec.js';

/** One bounded option of CF.RESERVE: its value, or RedisBloom's reply when it cannot be parsed or is out of range. */
function reserveOption(argv: string[], name: string, dflt: number, min: number, max: number): number | Reply {
  const at = argIndex(argv, name, 3);
  if (at === -1) return dflt;
  const v = longArg(argv[at + 1]);
  if (v === null) return errorReply(`Couldn't parse ${name}`);
  if (v < min || v > max) return errorReply(`${name}: value must be an integer between ${min} and ${max}, inclusive.`);
  return v;
}

/** CF.RESERVE key capacity [BUCKETSIZE n] [MAXITERATIONS n] [EXPANSION n], in RedisBloom's order of checks. */
function cfReserve(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length % 2 === 0) throw errors.wrongArity((argv[0] as string).toLowerCase());
  const capacity = longArg(argv[2]);
  if (capacity === null) return errorReply('Bad capacity');
  const maxIterations = reserveOption(argv, 'MAXITERATIONS', CF_DEFAULT_MAX_ITERATIONS, 1, CF_MAX_ITERATIONS);
  if (typeof maxIterations !== 'number') return maxIterations;
  const bucketSize = reserveOption(argv, 'BUCKETSIZE', CF_DEFAULT_BUCKETSIZE, 1, CF_MAX_BUCKET_SIZE);
  if (typeof bucketSize !== 'number') return bucketSize;
  const expansion = reserveOption(argv, 'EXPANSION', CF_DEFAULT_EXPANSION, 0, CF_MAX_EXPANSION);
  if (typeof expansion !== 'number') return expansion;
  if (bucketSize * 2 > capacity) return errorReply('Capacity must be at least (BucketSize * 2)');
  const key = argv[1] as string;
  if (writeFilter(ctx, key, CuckooFilter) !== undefined) return errorReply(ITEM_EXISTS);
  const cf = CuckooFilter.create(capacity, bucketSize, maxIterations, expansion);
  if (cf === null) return errorReply('ERR Insufficient memory to create filter');
  ctx.db.set(key, cf);
  ctx.propagate(argv);
  return OK;
}

interface CfInsertOptions {
  nx: boolean;
  multi: boolean;
  autocreate: boolean;
  capacity: number;
}

/**
 * One insertion's reply. RedisBloom answers RESP3 booleans for CF.ADD/ADDNX/INSERT but integers
 * for CF.INSERTNX, and -1 (RESP3 CF.INSERT: false) for an item a full filter could not take.
 */
function insertReply(ctx: CommandContext, o: CfInsertOptions, r: 'inserted' | 'exists' | 'full' | 'nomem'): Reply {
  const resp3 = ctx.client.proto === 3;
  if (r === 'inserted' || r === 'exists') return resp3 && (!o.nx || !o.multi) ? flag(ctx, r === 'inserted') : int(r === 'inserted' ? 1 : 0);
  if (r === 'full' && resp3 && !o.nx) return flag(ctx, false);
  return int(-1);
}

/** cfInsertCommon: creates the filter when allowed (default bucket size, iterations, expansion), then adds the items. */
function cfInsertCommon(ctx: CommandContext, argv: string[], from: number, o: CfInsertOptions): Reply {
  const key = argv[1] as string;
  const found = writeFilter(ctx, key, CuckooFilter);
  let cf: CuckooFilter;
  let dirty = false;
  if (found === undefined) {
    if (!o.autocreate) return errorReply('ERR not found');
    const created = CuckooFilter.create(o.capacity, CF_DEFAULT_BUCKETSIZE, CF_DEFAULT_MAX_ITERATIONS, CF_DEFAULT_EXPANSION);
    if (created === null) return errorReply('ERR Insufficient memory to create filter');
    cf = created;
    ctx.db.set(key, cf);
    dirty = true;
  } else {
    cf = found.value;
  }
  if (cf.filters.length >= CF_MAX_FILTERS) return errorReply('Maximum expansions reached');
  const out: Reply[] = [];
  let reply: Reply | undefined;
  for (let i = from; i < argv.length; i++) {
    const grew = cf.filters.length;
    const r = cf.insert(argv[i] as string, o.nx);
    if (r === 'inserted' || cf.filters.length !== grew) dirty = true;
    if (!o.multi && (r === 'full' || r === 'nomem')) {
      reply = errorReply(r === 'full' ? 'Filter is full' : 'Memory allocation failure');
      break;
    }
    out.push(insertReply(ctx, o, r));
  }
  if (dirty) {
    if (found !== undefined) ctx.db.changed(key, found.e);
    ctx.propagate(argv);
  }
  return reply ?? (o.multi ? array(out) : (out[0] as Reply));
}

function cfAdd(nx: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => cfInsertCommon(ctx, argv, 2, { nx, multi: false, autocreate: true, capacity: CF_DEFAULT_CAPACITY });
}

/** CF.INSERT / CF.INSERTNX key [CAPACITY n] [NOCREATE] ITEMS item...: options dispatched on their first letter, as RedisBloom does. */
function cfInsert(nx: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const o: CfInsertOptions = { nx, multi: true, autocreate: true, capacity: CF_DEFAULT_CAPACITY };
    let pos = 2;
    let items = -1;
    while (pos < argv.length && items < 0) {
      switch (charAt(argv[pos] as string, 0)) {
        case 'c': {
          if (++pos === argv.length) throw errors.wrongArity((argv[0] as string).toLowerCase());
          const v = longArg(argv[pos++]);
          if (v === null) return errorReply('Bad capacity');
          if (2 * CF_DEFAULT_BUCKETSIZE > v) return errorReply('Capacity must be at least (BucketSize * 2)');
          o.capacity = v;
          break;
        }
        case 'i':
          items = ++pos;
          break;
        case 'n':
          o.autocreate = false;
          pos++;
          break;
        default:
          return errorReply('Unknown argument received');
      }
    }
    if (items < 0 || items === argv.length) throw errors.wrongArity((argv[0] as string).toLowerCase());
    return cfInsertCommon(ctx, argv, items, o);
  };
}

/** CF.EXISTS / CF.MEXISTS / CF.COUNT: a missing key (or one of another type) holds nothing; COUNT answers integers even under RESP3. */
function cfCheck(multi: boolean, count: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const r = readFilter(ctx, argv[1] as string, CuckooFilter);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) {
      const item = argv[i] as string;
      if (count) out.push(int(r.status === 'ok' ? r.value.count(item) : 0));
      else out.push(flag(ctx, r.status === 'ok' && r.value.has(item)));
    }
    return multi ? array(out) : (out[0] as Reply);
  };
}

/** CF.DEL: "Not found" (RedisBloom's words) for a missing key or one of another type. */
function cfDel(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined || !(e.value instanceof CuckooFilter)) return errorReply('Not found');
  const deleted = e.value.delete(argv[2] as string);
  if (deleted) {
    ctx.db.changed(key, e);
    ctx.propagate(argv);
  }
  return flag(ctx, deleted);
}

function cfInfo(ctx: CommandContext, argv: string[]): Reply {
  const cf = mustRead(ctx, argv[1] as string, CuckooFilter);
  if (!(cf instanceof CuckooFilter)) return cf;
  return infoMap([
    ['Size', int(cf.byteSize())],
    ['Number of buckets', int(cf.numBuckets)],
    ['Number of filters', int(cf.filters.length)],
    ['Number of items inserted', int(cf.numItems)],
    ['Number of items deleted', int(cf.numDeletes)],
    ['Bucket size', int(cf.bucketSize)],
    ['Expansion rate', int(cf.expansion)],
    ['Max iterations', int(cf.maxIterations)],
  ]);
}

/** CF.DEBUG key: RedisBloom's one-line summary. */
function cfDebug(ctx: CommandContext, argv: string[]): Reply {
  const cf = mustRead(ctx, argv[1] as string, CuckooFilter);
  if (!(cf instanceof CuckooFilter)) return cf;
  return bulk(
    `bktsize:${cf.bucketSize} buckets:${cf.numBuckets} items:${cf.numItems} deletes:${cf.numDeletes} filters:${cf.filters.length} max_iterations:${cf.maxIterations} expansion:${cf.expansion}`,
  );
}

/**
 * CF.COMPACT key: moves fingerprints into older sub-filters and drops emptied newest ones.
 * RedisBloom flags it readonly; here it is a write (journaled), so replicas and a replayed AOF
 * keep the same sub-filters.
 */
function cfCompact(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const e = ctx.db.get(key);
  if (e === undefined || !(e.value instanceof CuckooFilter)) return errorReply('Cuckoo filter was not found');
  e.value.compact(true);
  ctx.db.changed(key, e);
  ctx.propagate(argv);
  return OK;
}

/** CF.SCANDUMP key pos: pos 0 answers [1, header]; then [next, chunk] until [0, nil]; an empty filter answers [0, nil] at once. */
function cfScandump(ctx: CommandContext, argv: string[]): Reply {
  const pos = longArg(argv[2]);
  if (pos === null || pos < 0) return errorReply('Invalid position');
  const cf = mustRead(ctx, argv[1] as string, CuckooFilter);
  if (!(cf instanceof CuckooFilter)) return cf;
  const done = array([int(0), NULL_BULK]);
  if (cf.numItems === 0) return done;
  if (pos === 0) return array([int(1), chunkReply(encodeCuckooHeader(cf))]);
  const c = cuckooChunk(cf, pos, MAX_CHUNK);
  return c === null ? done : array([int(c.next), chunkReply(c.data)]);
}

/** CF.LOADCHUNK key pos data: pos 1 creates the filter from a header on a missing key, later ones fill its buckets. */
function cfLoadchunk(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const found = writeFilter(ctx, key, CuckooFilter);
  const pos = longArg(argv[2]);
  if (pos === null || pos === 0) return errorReply('Invalid position');
  const data = Buffer.from(argv[3] as string, 'latin1');
  if (pos === 1) {
    if (found !== undefined) return errorReply(ITEM_EXISTS);
    if (data.length !== CF_HEADER_BYTES) return errorReply('Invalid header');
    const cf = decodeCuckooHeader(data);
    if (cf === null) return errorReply("Couldn't create filter!");
    ctx.db.set(key, cf);
    ctx.propagate(argv);
    return OK;
  }
  if (found === undefined) return errorReply('ERR not found');
  if (!loadCuckooChunk(found.value, pos, data)) return errorReply("Couldn't load chunk!");
  ctx.db.changed(key, found.e);
  ctx.propagate(argv);
  return OK;
}

const cf = (name: string, arity: number, flags: 'write' | 'read' | 'writefast', summary: string, complexity: string, syntax: string, handler: (ctx: CommandContext, argv: string[]) => Reply): CommandSpec =>
  command({
    name,
    arity,
    flags: flags === 'write' ? ['write', 'denyoom'] : flags === 'writefast' ? ['write', 'fast'] : ['readonly', 'fast'],
    keySpecs: [keyAt(1, flags === 'read' ? ['RO', 'ACCESS'] : flags === 'writefast' ? ['RW', 'DELETE'] : ['RW', 'INSERT'])],
    group: 'cf',
    summary,
    since: '1.0.0',
    complexity,
    syntax,
    notes: 'RedisBloom-compatible (replies and errors of RedisBloom 2.6); see docs/families/filters.md.',
    handler,
  });

const INSERT_SYNTAX = 'key [CAPACITY capacity] [NOCREATE] ITEMS item [item ...]';

export const cuckooFilterCommands: CommandSpec[] = [
  cf('cf.reserve', -3, 'write', 'Creates a new Cuckoo Filter', 'O(1)', 'key capacity [BUCKETSIZE bucketsize] [MAXITERATIONS maxiterations] [EXPANSION expansion]', cfReserve),
  cf('cf.add', 3, 'write', 'Adds an item to a Cuckoo Filter', 'O(k + i), where k is the number of sub-filters and i is maxIterations', 'key item', cfAdd(false)),
  cf('cf.addnx', 3, 'write', 'Adds an item to a Cuckoo Filter if the item did not exist previously.', 'O(k + i), where k is the number of sub-filters and i is maxIterations', 'key item', cfAdd(true)),
  cf('cf.insert', -4, 'write', 'Adds one or more items to a Cuckoo Filter. A filter will be created if it does not exist', 'O(n * (k + i)), where n is the number of items, k is the number of sub-filters and i is maxIterations', INSERT_SYNTAX, cfInsert(false)),
  cf('cf.insertnx', -4, 'write', 'Adds one or more items to a Cuckoo Filter if the items did not exist previously. A filter will be created if it does not exist', 'O(n * (k + i)), where n is the number of items, k is the number of sub-filters and i is maxIterations', INSERT_SYNTAX, cfInsert(true)),
  cf('cf.exists', 3, 'read', 'Checks whether one or more items exist in a Cuckoo Filter', 'O(k), where k is the number of sub-filters', 'key item', cfCheck(false, false)),
  cf('cf.mexists', -3, 'read', 'Checks whether one or more items exist in a Cuckoo Filter', 'O(k * n), where k is the number of sub-filters and n is the number of items', 'key item [item ...]', cfCheck(true, false)),
  cf('cf.count', 3, 'read', 'Return the number of times an item might be in a Cuckoo Filter', 'O(k), where k is the number of sub-filters', 'key item', cfCheck(false, true)),
  cf('cf.del', 3, 'writefast', 'Deletes an item from a Cuckoo Filter', 'O(k), where k is the number of sub-filters', 'key item', cfDel),
  cf('cf.compact', 2, 'writefast', 'Moves items into older sub-filters and frees emptied ones', 'O(n), where n is the number of buckets', 'key', cfCompact),
  cf('cf.debug', 2, 'read', 'Returns debug information about a Cuckoo filter', 'O(1)', 'key', cfDebug),
  cf('cf.info', 2, 'read', 'Returns information about a Cuckoo Filter', 'O(1)', 'key', cfInfo),
  cf('cf.scandump', 3, 'read', 'Begins an incremental save of the bloom filter', 'O(n), where n is the capacity', 'key iterator', cfScandump),
  cf('cf.loadchunk', 4, 'write', 'Restores a filter previously saved using SCANDUMP', 'O(n), where n is the capacity', 'key iterator data', cfLoadchunk),
];
