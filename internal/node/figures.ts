// collectFigures: reads the core's parts once into a NodeFigures snapshot (INFO, /metrics and /stats format it, never recompute it).
import os from 'node:os';
import type { Clock } from '../clock/clock.js';
import { clusterMode, infoClusterFields } from '../commands/cluster.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { ServerStats, ScriptingApi } from '../contracts/command.js';
import type { ClientFigures, DbFigures, InfoFields, MemoryFigures, NodeFigures, StatFigures } from '../contracts/figures.js';
import type { Executor } from '../executor/executor.js';
import type { Store } from '../store/store.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import type { ClusterApi } from '../contracts/cluster.js';
import type { PersistenceApi } from '../contracts/persistence.js';
import type { ReplicationApi } from '../contracts/replication.js';
import type { Client } from '../server/client.js';

/** What the figures read from the host around the core (the core's CoreHost is one). */
export interface FigureHost {
  clients(): Iterable<Client>;
  tcpPort(): number;
  up(): boolean;
  cluster(): ClusterApi | undefined;
  persistence(): PersistenceApi | undefined;
  /** Standalone replication, when the host has it (INFO replication). */
  replication?(): ReplicationApi | undefined;
}

export interface FigureParts {
  readonly config: ConfigRuntime;
  readonly clock: Clock;
  readonly store: Store;
  readonly stats: ServerStats;
  readonly executor: Executor;
  readonly host: FigureHost;
  readonly nodeId: string;
  readonly version: string;
  readonly startedAt: number;
  readonly scripting: ScriptingApi;
}

/** INFO persistence of a server without a persistence manager (unit-test servers): nothing saved, nothing journaled. */
function noPersistence(stats: ServerStats, startedAt: number): InfoFields {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', stats.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(startedAt / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['aof_enabled', 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_last_write_status', 'ok'],
  ];
}

function clientFigures(p: FigureParts): ClientFigures {
  // Loops, not Math.max(...list): the client table has no bound worth spreading into a call.
  let connected = 0;
  let maxInputBuffer = 0;
  let maxOutputBuffer = 0;
  for (const c of p.host.clients()) {
    connected++;
    if (c.qbuf > maxInputBuffer) maxInputBuffer = c.qbuf;
    if (c.omem > maxOutputBuffer) maxOutputBuffer = c.omem;
  }
  return { connected, maxclients: p.config.num('maxclients'), maxInputBuffer, maxOutputBuffer, blocked: p.executor.blocking.blockedClients, tracking: p.executor.tracking.clients };
}

/** used_memory is the store's accounting (what maxmemory bounds); the V8 heap is reported beside it. */
function memoryFigures(p: FigureParts): MemoryFigures {
  const mu = process.memoryUsage();
  const used = p.store.usedMemory();
  return {
    used,
    rss: mu.rss,
    peak: Math.max(used, p.store.peakMemory),
    startup: p.store.startupBytes,
    overheadFactor: p.store.overheadFactor,
    vmHeap: mu.heapUsed + mu.external,
    dataset: p.store.usedBytes(),
    totalSystem: os.totalmem(),
    maxmemory: p.config.num('maxmemory'),
    policy: p.config.str('maxmemory_policy'),
    lua: p.scripting.luaMemory(),
    cachedScripts: p.scripting.scriptCount,
    scriptsEval: p.scripting.scriptsMemory,
  };
}

function statFigures(p: FigureParts): StatFigures {
  const st = p.store.stats;
  const s = p.stats;
  const tr = p.executor.tracking.figures();
  return {
    connectionsReceived: s.connectionsReceived,
    commandsProcessed: s.commandsProcessed,
    netInputBytes: s.netInputBytes,
    netOutputBytes: s.netOutputBytes,
    rejectedConnections: s.rejectedConnections,
    expiredKeys: st.expiredKeys,
    expiredStaleRatio: st.expiredStaleRatio,
    expireCycleMs: st.expireCycleMs,
    evictedKeys: st.evictedKeys,
    hits: st.hits,
    misses: st.misses,
    errorReplies: s.errorReplies,
    slowlogLength: p.executor.slow.entries().length,
    trackingKeys: tr.keys,
    trackingItems: tr.items,
    trackingPrefixes: tr.prefixes,
  };
}

function keyspaceFigures(store: Store): DbFigures[] {
  const out: DbFigures[] = [];
  for (let i = 0; i < store.databases; i++) {
    const db = store.db(i);
    out.push({ db: i, keys: db.size, expires: db.volatileCount });
  }
  return out;
}

export function collectFigures(p: FigureParts): NodeFigures {
  const now = p.clock.now();
  const persistence = p.host.persistence();
  const cluster = p.host.cluster();
  const cpu = process.cpuUsage();
  return {
    nodeId: p.nodeId,
    version: p.version,
    redisVersion: REDIS_COMPAT_VERSION,
    mode: clusterMode({ cluster }),
    now,
    startedAt: p.startedAt,
    uptimeSeconds: Math.floor((now - p.startedAt) / 1000),
    tcpPort: p.host.tcpPort(),
    hz: p.config.num('hz'),
    configFile: p.config.initial.file,
    up: p.host.up(),
    clients: clientFigures(p),
    memory: memoryFigures(p),
    stats: statFigures(p),
    cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
    keyspace: keyspaceFigures(p.store),
    commandStats: p.executor.commandStats,
    errorStats: p.executor.errorStats,
    persistence: persistence?.figures() ?? null,
    persistenceInfo: persistence?.info(now) ?? noPersistence(p.stats, p.startedAt),
    clusterInfo: infoClusterFields({ cluster }),
    replicationInfo: p.host.replication?.()?.info(now) ?? [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_repl_offset', 0],
    ],
  };
}
