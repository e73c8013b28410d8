// Test fixture: a NodeFigures snapshot with plain defaults, any part overridden (metrics, /stats and dashboard tests).
import type { NodeFigures, PersistenceFigures } from '../contracts/figures.js';
import { BucketCounts, FSYNC_LATENCY_BOUNDS_S } from '../observability/buckets.js';

export interface FigureOverrides {
  readonly top?: Partial<Omit<NodeFigures, 'clients' | 'memory' | 'stats'>>;
  readonly clients?: Partial<NodeFigures['clients']>;
  readonly memory?: Partial<NodeFigures['memory']>;
  readonly stats?: Partial<NodeFigures['stats']>;
}

/** Persistence figures of a node whose AOF is off and that never saved. */
export function testPersistenceFigures(over: Partial<PersistenceFigures> = {}): PersistenceFigures {
  return {
    aofEnabled: false,
    aofCurrentSize: 0,
    aofBaseSize: 0,
    aofLastWriteOk: true,
    aofWriteErrors: 0,
    aofRewriteInProgress: false,
    aofLastRewriteOk: true,
    aofLastRewriteSeconds: -1,
    aofRewrites: 0,
    fsyncLatency: new BucketCounts(FSYNC_LATENCY_BOUNDS_S),
    rdbBgsaveInProgress: false,
    rdbLastBgsaveOk: true,
    rdbLastBgsaveSeconds: -1,
    rdbLastSaveTime: 0,
    rdbSaves: 0,
    rdbChangesSinceLastSave: 0,
    ...over,
  };
}

export function testFigures(over: FigureOverrides = {}): NodeFigures {
  return {
    nodeId: 'n1',
    version: '0.1.0',
    redisVersion: '7.0.15',
    mode: 'standalone',
    now: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    uptimeSeconds: 0,
    tcpPort: 6379,
    hz: 10,
    configFile: '',
    up: true,
    cpu: { user: 0, system: 0 },
    keyspace: [{ db: 0, keys: 0, expires: 0 }],
    commandStats: new Map(),
    errorStats: new Map(),
    persistence: null,
    persistenceInfo: [],
    clusterInfo: [['cluster_enabled', 0]],
    replicationInfo: [['role', 'master']],
    ...over.top,
    clients: { connected: 0, maxclients: 10000, maxInputBuffer: 0, maxOutputBuffer: 0, blocked: 0, tracking: 0, ...over.clients },
    memory: { used: 0, rss: 0, peak: 0, startup: 0, overheadFactor: 1, vmHeap: 0, dataset: 0, totalSystem: 0, maxmemory: 0, policy: 'noeviction', lua: 0, cachedScripts: 0, scriptsEval: 0, ...over.memory },
    stats: {
      connectionsReceived: 0,
      commandsProcessed: 0,
      netInputBytes: 0,
      netOutputBytes: 0,
      rejectedConnections: 0,
      expiredKeys: 0,
      expiredStaleRatio: 0,
      expireCycleMs: 0,
      evictedKeys: 0,
      hits: 0,
      misses: 0,
      errorReplies: 0,
      slowlogLength: 0,
      trackingKeys: 0,
      trackingItems: 0,
      trackingPrefixes: 0,
      ...over.stats,
    },
  };
}

/** Keyspace figures from per-db key and expiring-key counts (index = db number). */
export function testKeyspace(keys: readonly number[], expires: readonly number[] = []): NodeFigures['keyspace'] {
  return keys.map((k, db) => ({ db, keys: k, expires: expires[db] ?? 0 }));
}
