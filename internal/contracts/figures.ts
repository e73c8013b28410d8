// NodeFigures: one snapshot of a node's figures, the only source INFO, /metrics and GET /stats read.
import type { BucketCounts } from '../observability/buckets.js';

/** INFO fields of a section, in order: `name:value` lines. */
export type InfoFields = readonly (readonly [string, string | number])[];

/** What INFO commandstats keeps per command. */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Per-call durations in microseconds (COMMAND_LATENCY_BOUNDS_US), exported by /metrics as a histogram. */
  readonly latency: BucketCounts;
}

/** One logical database: INFO keyspace's `keys=` and `expires=`. */
export interface DbFigures {
  readonly db: number;
  readonly keys: number;
  readonly expires: number;
}

/** INFO persistence as numbers (times in seconds; -1 = never happened). */
export interface PersistenceFigures {
  aofEnabled: boolean;
  /** Bytes of the base and every incremental file (INFO aof_current_size); 0 when the AOF is off. */
  aofCurrentSize: number;
  aofBaseSize: number;
  aofLastWriteOk: boolean;
  /** Failed AOF writes and fsyncs since start. */
  aofWriteErrors: number;
  aofRewriteInProgress: boolean;
  aofLastRewriteOk: boolean;
  aofLastRewriteSeconds: number;
  aofRewrites: number;
  /** fsync latency (seconds, FSYNC_LATENCY_BOUNDS_S). */
  fsyncLatency: BucketCounts;
  rdbBgsaveInProgress: boolean;
  rdbLastBgsaveOk: boolean;
  rdbLastBgsaveSeconds: number;
  /** Unix seconds of the last successful save (start time if none), INFO rdb_last_save_time. */
  rdbLastSaveTime: number;
  rdbSaves: number;
  rdbChangesSinceLastSave: number;
}

export interface ClientFigures {
  readonly connected: number;
  readonly maxclients: number;
  /** Largest unparsed input (INFO client_recent_max_input_buffer). */
  readonly maxInputBuffer: number;
  /** Largest pending output (INFO client_recent_max_output_buffer). */
  readonly maxOutputBuffer: number;
  /** Clients parked in a blocking command. */
  readonly blocked: number;
  /** Clients with CLIENT TRACKING on (peers' forwarding links tracking for their clients included). */
  readonly tracking: number;
}

export interface MemoryFigures {
  /**
   * INFO used_memory and what maxmemory bounds: the startup part plus the dataset estimate priced
   * by the overhead factor (store/accounting.ts), so it follows the process's resident set.
   */
  readonly used: number;
  readonly rss: number;
  readonly peak: number;
  /** INFO used_memory_startup: the fixed part of used (store/accounting.ts USED_MEMORY_STARTUP). */
  readonly startup: number;
  /** What one dataset byte costs the process, >= 1 (INFO mem_overhead_factor). */
  readonly overheadFactor: number;
  /** V8 heap in use plus memory it tracks outside the heap (Buffers): INFO used_memory_vm_heap. */
  readonly vmHeap: number;
  /** Bytes the dataset accounts for (keys + values + per-key overhead): what maxmemory compares. */
  readonly dataset: number;
  readonly totalSystem: number;
  /** 0 = no limit. */
  readonly maxmemory: number;
  readonly policy: string;
  /** The Lua heap (used_memory_lua / used_memory_vm_eval). */
  readonly lua: number;
  /** Cached EVAL scripts and their bytes (number_of_cached_scripts, used_memory_scripts_eval). */
  readonly cachedScripts: number;
  readonly scriptsEval: number;
}

export interface StatFigures {
  readonly connectionsReceived: number;
  readonly commandsProcessed: number;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
  readonly rejectedConnections: number;
  readonly expiredKeys: number;
  /** Share of sampled volatile keys found expired by the last active cycle (0..1). */
  readonly expiredStaleRatio: number;
  readonly expireCycleMs: number;
  readonly evictedKeys: number;
  readonly hits: number;
  readonly misses: number;
  readonly errorReplies: number;
  readonly slowlogLength: number;
  /** Client-side caching: keys tracked, client ids over them, BCAST prefixes (INFO tracking_total_*). */
  readonly trackingKeys: number;
  readonly trackingItems: number;
  readonly trackingPrefixes: number;
}

export interface NodeFigures {
  readonly nodeId: string;
  readonly version: string;
  /** The Redis version INFO claims compatibility with. */
  readonly redisVersion: string;
  /** INFO redis_mode. */
  readonly mode: 'cluster' | 'standalone';
  /** When the snapshot was taken (unix ms). */
  readonly now: number;
  readonly startedAt: number;
  readonly uptimeSeconds: number;
  readonly tcpPort: number;
  readonly hz: number;
  readonly configFile: string;
  /** Started and serving (not starting, not stopping). */
  readonly up: boolean;
  readonly clients: ClientFigures;
  readonly memory: MemoryFigures;
  readonly stats: StatFigures;
  /** Process CPU time in seconds. */
  readonly cpu: { readonly user: number; readonly system: number };
  /** Every database, empty ones included, index = db number. */
  readonly keyspace: readonly DbFigures[];
  /** INFO commandstats (lower-case names, subcommands as `config|get`). */
  readonly commandStats: ReadonlyMap<string, CommandStat>;
  /** INFO errorstats: error replies by code (the error line's first word). */
  readonly errorStats: ReadonlyMap<string, number>;
  /** Null when the node runs without a persistence manager (unit-test servers). */
  readonly persistence: PersistenceFigures | null;
  /** INFO persistence, as the persistence part words it. */
  readonly persistenceInfo: InfoFields;
  /** INFO cluster. */
  readonly clusterInfo: InfoFields;
  /** INFO replication (replication/replication.ts), in Redis's order. */
  readonly replicationInfo: InfoFields;
}
