// MEMORY: USAGE from the store's own accounting, STATS and DOCTOR from the node's figures, MALLOC-STATS, PURGE and HELP, in redis-server 7.0's reply shapes and wording.
import v8 from 'node:v8';
import type { CommandContext, CommandSpec, CommandTip } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import type { NodeFigures } from '../contracts/figures.js';
import { array, bulk, double, int, map, NULL_BULK, OK, simple, verbatim, type Reply } from '../resp/reply.js';
import { ENTRY_OVERHEAD } from '../store/types.js';
import { isOpt, parseInt64 } from './args.js';
import { command, keyAt } from './spec.js';

// ---------------------------------------------------------------------------------------------
// USAGE

/**
 * MEMORY USAGE key [SAMPLES count]: the bytes the store charges the key (key + value + the fixed
 * per-key overhead, Entry.charged), the figure maxmemory and INFO used_memory_dataset add up.
 * Options are checked first (Redis's order: a bad option fails even for a missing key). The
 * count is validated as Redis does but changes nothing: the store's figure is kept up to date on
 * every write, so nothing is sampled. Like Redis's dictFind, the lookup neither touches the key
 * nor counts a hit or a miss.
 */
function memoryUsage(ctx: CommandContext, argv: string[]): Reply {
  for (let j = 3; j < argv.length; j++) {
    if (!isOpt(argv[j], 'SAMPLES') || j + 1 >= argv.length) throw errors.syntax();
    const samples = parseInt64(argv[j + 1] as string);
    if (samples === null) throw errors.notInteger();
    if (samples < 0) throw errors.syntax();
    j++;
  }
  const e = ctx.db.raw(argv[2] as string);
  return e === undefined ? NULL_BULK : int(e.charged);
}

// ---------------------------------------------------------------------------------------------
// STATS

/** Redis's redisMemOverhead, from a figures snapshot. */
export interface MemoryOverhead {
  readonly peakAllocated: number;
  readonly totalAllocated: number;
  readonly startupAllocated: number;
  readonly replicationBacklog: number;
  readonly clientsReplicas: number;
  readonly clientsNormal: number;
  readonly clusterLinks: number;
  readonly aofBuffer: number;
  readonly luaCaches: number;
  readonly functionsCaches: number;
  readonly dbs: readonly { readonly db: number; readonly main: number; readonly expires: number; readonly slotToKeys: number }[];
  readonly overheadTotal: number;
  readonly keys: number;
  readonly bytesPerKey: number;
  readonly dataset: number;
  readonly datasetPercentage: number;
  readonly peakPercentage: number;
  readonly allocatorAllocated: number;
  readonly allocatorActive: number;
  readonly allocatorResident: number;
  readonly rss: number;
  /** Connected clients (replicas excluded; ringcache has none attached). */
  readonly clients: number;
}

/** What the overhead needs besides the figures: measured when the command runs. */
export interface MemorySources {
  /** Query and output buffers of every client (Redis's stat_clients_type_memory). */
  readonly clientBuffers: number;
  /** V8's resident heap pages plus the memory it tracks outside the heap. */
  readonly allocatorResident: number;
}

/** Bytes the volatile-key index holds per key with an expiry (one array slot). */
const VOLATILE_SLOT_BYTES = 8;

/**
 * Redis's getMemoryOverheadData over ringcache's figures: total = INFO used_memory (the store's
 * accounting, what maxmemory bounds), startup = INFO used_memory_startup, peak = INFO
 * used_memory_peak, the dataset = INFO used_memory_dataset (the store's estimate), per database the
 * fixed per-key overhead the store charges and the expiry index.
 * What ringcache does not measure (AOF buffer, peer-link buffers) is 0, as are
 * the parts it does not have (replication backlog and replicas, Lua and function caches).
 */
export function memoryOverhead(f: NodeFigures, src: MemorySources): MemoryOverhead {
  const m = f.memory;
  const dbs = f.keyspace
    .filter((d) => d.keys > 0)
    .map((d) => ({ db: d.db, main: d.keys * ENTRY_OVERHEAD, expires: d.expires * VOLATILE_SLOT_BYTES, slotToKeys: 0 }));
  const keys = f.keyspace.reduce((n, d) => n + d.keys, 0);
  const startup = m.startup;
  let overheadTotal = startup + src.clientBuffers;
  for (const d of dbs) overheadTotal += d.main + d.expires + d.slotToKeys;
  const net = m.used > startup ? m.used - startup : 1;
  return {
    peakAllocated: m.peak,
    totalAllocated: m.used,
    startupAllocated: startup,
    replicationBacklog: 0,
    clientsReplicas: 0,
    clientsNormal: src.clientBuffers,
    clusterLinks: 0,
    aofBuffer: 0,
    luaCaches: 0,
    functionsCaches: 0,
    dbs,
    overheadTotal,
    keys,
    bytesPerKey: keys > 0 ? Math.floor(net / keys) : 0,
    dataset: m.dataset,
    datasetPercentage: (m.dataset * 100) / net,
    peakPercentage: m.peak > 0 ? (m.used * 100) / m.peak : 0,
    allocatorAllocated: m.used,
    allocatorActive: m.peak,
    allocatorResident: src.allocatorResident,
    rss: m.rss,
    clients: f.clients.connected,
  };
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** MEMORY STATS: Redis 7.0's 27 fields plus one `db.N` map per non-empty database, in its order and types. */
export function memoryStatsReply(o: MemoryOverhead): Reply {
  const n = (name: string, v: number): [Reply, Reply] => [bulk(name), int(v)];
  const d = (name: string, v: number): [Reply, Reply] => [bulk(name), double(v)];
  return map([
    n('peak.allocated', o.peakAllocated),
    n('total.allocated', o.totalAllocated),
    n('startup.allocated', o.startupAllocated),
    n('replication.backlog', o.replicationBacklog),
    n('clients.slaves', o.clientsReplicas),
    n('clients.normal', o.clientsNormal),
    n('cluster.links', o.clusterLinks),
    n('aof.buffer', o.aofBuffer),
    n('lua.caches', o.luaCaches),
    n('functions.caches', o.functionsCaches),
    ...o.dbs.map((db): [Reply, Reply] => [
      bulk(`db.${db.db}`),
      map([n('overhead.hashtable.main', db.main), n('overhead.hashtable.expires', db.expires), n('overhead.hashtable.slot-to-keys', db.slotToKeys)]),
    ]),
    n('overhead.total', o.overheadTotal),
    n('keys.count', o.keys),
    n('keys.bytes-per-key', o.bytesPerKey),
    n('dataset.bytes', o.dataset),
    d('dataset.percentage', o.datasetPercentage),
    d('peak.percentage', o.peakPercentage),
    n('allocator.allocated', o.allocatorAllocated),
    n('allocator.active', o.allocatorActive),
    n('allocator.resident', o.allocatorResident),
    d('allocator-fragmentation.ratio', ratio(o.allocatorActive, o.allocatorAllocated)),
    n('allocator-fragmentation.bytes', o.allocatorActive - o.allocatorAllocated),
    d('allocator-rss.ratio', ratio(o.allocatorResident, o.allocatorActive)),
    n('allocator-rss.bytes', o.allocatorResident - o.allocatorActive),
    d('rss-overhead.ratio', ratio(o.rss, o.allocatorResident)),
    n('rss-overhead.bytes', o.rss - o.allocatorResident),
    d('fragmentation', ratio(o.rss, o.totalAllocated)),
    n('fragmentation.bytes', o.rss - o.totalAllocated),
  ]);
}

function sources(ctx: CommandContext): MemorySources {
  let clientBuffers = 0;
  for (const c of ctx.server.clients()) clientBuffers += c.qbuf + c.omem;
  const hs = v8.getHeapStatistics();
  return { clientBuffers, allocatorResident: hs.total_physical_size + hs.external_memory };
}

function memoryStats(ctx: CommandContext): Reply {
  return memoryStatsReply(memoryOverhead(ctx.server.figures(), sources(ctx)));
}

// ---------------------------------------------------------------------------------------------
// DOCTOR

const MB = 1024 * 1024;

/**
 * MEMORY DOCTOR's report (Redis's getMemoryDoctorReport) over the same figures as MEMORY STATS.
 * "Empty" is judged on what ringcache itself holds (dataset and client buffers under 5 MB), since
 * the V8 heap of an idle node never is; the other checks use Redis's ratios and thresholds.
 */
export function memoryDoctor(o: MemoryOverhead): string {
  const issues: string[] = [];
  const fragBytes = o.rss - o.totalAllocated;
  const frag = ratio(o.rss, o.totalAllocated);
  const allocFrag = ratio(o.allocatorActive, o.allocatorAllocated);
  const allocRss = ratio(o.allocatorResident, o.allocatorActive);
  const rssExtra = ratio(o.rss, o.allocatorResident);
  if (o.dataset + o.clientsNormal < 5 * MB) {
    return 'Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
  }
  if (ratio(o.peakAllocated, o.totalAllocated) > 1.5) {
    issues.push(
      ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n',
    );
  }
  if (frag > 1.4 && fragBytes > 10 * MB) {
    issues.push(
      ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8".\n\n',
    );
  }
  if (allocFrag > 1.1 && o.allocatorActive - o.allocatorAllocated > 10 * MB) {
    issues.push(
      " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n",
    );
  }
  if (allocRss > 1.1 && o.allocatorResident - o.allocatorActive > 10 * MB) {
    issues.push(
      ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n',
    );
  }
  if (rssExtra > 1.1 && o.rss - o.allocatorResident > 10 * MB) {
    issues.push(
      ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n',
    );
  }
  if (o.clientsNormal / Math.max(1, o.clients) > 1024 * 200) {
    issues.push(
      ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n',
    );
  }
  if (issues.length === 0) return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join('')}I'm here to keep you safe, Sam. I want to help you.\n`;
}

function memoryDoctorCommand(ctx: CommandContext): Reply {
  return verbatim(memoryDoctor(memoryOverhead(ctx.server.figures(), sources(ctx))));
}

// ---------------------------------------------------------------------------------------------
// The table

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

/** Redis asks every shard for these reports and merges them its own way. */
const REPORT_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'] as const;

const sub = (name: string, summary: string, handler: (ctx: CommandContext, argv: string[]) => Reply, tips: readonly CommandTip[], complexity = 'O(1)'): CommandSpec =>
  command({ name: `memory|${name}`, arity: 2, group: 'server', tips, summary, since: '4.0.0', complexity, handler });

export const memoryCommands: CommandSpec[] = [
  command({
    name: 'memory',
    arity: -2,
    group: 'server',
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('doctor', 'Outputs memory problems report', memoryDoctorCommand, REPORT_TIPS),
      command({
        name: 'memory|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '4.0.0',
        complexity: 'O(1)',
        handler: () => array(MEMORY_HELP.map(simple)),
      }),
      // Redis built without jemalloc answers this; ringcache's allocator is V8's.
      sub('malloc-stats', 'Show allocator internal stats', () => bulk('Stats not supported for the current allocator'), REPORT_TIPS, 'Depends on how much memory is allocated, could be slow'),
      // Nothing to ask V8 for: its heap returns pages on its own after garbage collection.
      sub('purge', 'Ask the allocator to release memory', () => OK, ['request_policy:all_shards', 'response_policy:all_succeeded'], 'Depends on how much memory is allocated, could be slow'),
      sub('stats', 'Show memory usage details', memoryStats, REPORT_TIPS),
      command({
        name: 'memory|usage',
        arity: -3,
        flags: ['readonly'],
        keySpecs: [keyAt(2, ['RO'])],
        group: 'server',
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        complexity: 'O(N) where N is the number of samples.',
        handler: memoryUsage,
      }),
    ],
  }),
];
