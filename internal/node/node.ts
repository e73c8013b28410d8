// Composition root: wires config, logger, store, executor, RESP server and HTTP app; ordered start/stop.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { CommandStat, ServerApi, ServerStats, SlowlogEntry } from '../contracts/command.js';
import { COMMAND_FAMILIES } from '../commands/index.js';
import { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec } from '../contracts/command.js';
import type { Config } from '../config/load.js';
import { ConfigRuntime } from '../config/runtime.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { Executor } from '../executor/executor.js';
import { buildHttpApp } from '../http/app.js';
import { NodeMetrics } from '../observability/metrics.js';
import { createLogger, pinoLevel } from '../observability/logger.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from '../resp/limits.js';
import { RespServer } from '../server/resp-server.js';
import { PubSub } from '../server/pubsub.js';
import { parseOutputLimit } from '../server/output-limit.js';
import { parseNotifyFlags } from '../executor/notify.js';
import type { Client } from '../server/client.js';
import { cycleBudgetMs } from '../store/expiry.js';
import type { EvictionPolicy } from '../store/eviction.js';
import { Store } from '../store/store.js';
import { REDIS_COMPAT_VERSION, RINGCACHE_VERSION } from '../version.js';
import { errorReply } from '../resp/reply.js';
import { PersistenceManager } from '../persistence/manager.js';
import type { ShutdownOptions } from '../contracts/persistence.js';
import type { PersistenceFs } from '../persistence/fsio.js';
import type { ClusterView } from '../http/dispatch.js';
import type { ClusterApi } from '../contracts/cluster.js';
import { SLOT_COUNT } from '../ring/slot.js';
import type { MemberMeta } from '../membership/types.js';
import { announceHost, ClusterParts } from '../routing/cluster.js';
import type { MembershipService } from '../routing/state.js';
import { Membership, type MembershipOptions } from '../membership/swim.js';
import { clusterSourceFromView, gossipCounts } from '../observability/cluster-source.js';
import { slotCounts } from '../ring/ring.js';
import { keyringFromSecrets } from '../membership/envelope.js';

export interface NodeDeps {
  clock?: Clock;
  /** Use this logger instead of creating one (tests). */
  log?: Logger;
  /** Called after SHUTDOWN stopped the node (the CLI exits the process). */
  onShutdown?: () => void;
  /** File-system seam for the AOF and snapshots (tests inject failures); the real fs otherwise. */
  persistenceIo?: PersistenceFs;
  /**
   * Builds the node's membership (SWIM) once its addresses are known. Default: the SWIM library
   * (membership/swim.ts); tests inject in-process views.
   */
  membership?: (opts: MembershipOptions) => MembershipService;
}

export interface NodeAddresses {
  resp: AddressInfo;
  http: AddressInfo | null;
}

export interface RingcacheNode {
  readonly config: Config;
  readonly store: Store;
  /** The command executor (in-process benchmarks drive it without sockets). */
  readonly executor: Executor;
  readonly log: Logger;
  /** The node's metrics (its own Registry); routing records forwards and the cluster source attaches here. */
  readonly metrics: NodeMetrics;
  /** Membership, ring and routing; null until start() wired them. */
  readonly cluster: ClusterParts | null;
  start(): Promise<NodeAddresses>;
  stop(): Promise<void>;
}

export function createNode(config: Config, deps: NodeDeps = {}): RingcacheNode {
  const clock = deps.clock ?? systemClock;
  const owned = deps.log ? null : createLogger({ nodeId: config.nodeId, level: config.loglevel, logDir: config.logDir, stdout: true });
  const log = deps.log ?? (owned as { log: Logger }).log;
  const runtime = new ConfigRuntime(config);
  const store = new Store(config.databases, () => clock.now(), {
    maxmemory: config.maxmemory,
    policy: config.maxmemoryPolicy as EvictionPolicy,
    samples: config.maxmemorySamples,
    lfuLogFactor: config.lfuLogFactor,
    lfuDecayTime: config.lfuDecayTime,
  });
  const registry = new CommandRegistry(COMMAND_FAMILIES);
  const stats: ServerStats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    dirty: 0,
    errorReplies: 0,
  };
  const startedAt = clock.now();
  let stopping: Promise<void> | null = null;
  /** Loaded: persistence owns files from here on (stop flushes and closes them). */
  let started = false;
  let cron: NodeJS.Timeout | null = null;
  let respPort = config.port;
  let http: FastifyInstance | null = null;
  /** Started and not stopping: GET /ready and the HTTP cache routes answer only then. */
  let serving = false;
  /** Membership + ring + routing, built in start() once this node's addresses are known. */
  let cluster: ClusterParts | null = null;
  let membership: MembershipService | null = null;
  let httpPort = 0;
  const selfHost = announceHost(config.cluster.announceHost, config.bind);
  const selfMeta = (): MemberMeta => ({ host: selfHost, respPort, httpPort });

  // eslint-disable-next-line prefer-const -- assigned after the executor that needs it exists
  let server: ServerApi;
  const pubsub = new PubSub();
  let pubsubLimit = parseOutputLimit(runtime.str('client_output_buffer_limit_pubsub'));
  let notifyMask = parseNotifyFlags(runtime.str('notify_keyspace_events')) ?? 0;
  const executor = new Executor({
    registry,
    store,
    server: () => server,
    log: log.child({ component: 'executor' }),
    requirepass: () => runtime.str('requirepass'),
    slowlogThresholdUs: () => runtime.num('slowlog_log_slower_than'),
    slowlogMaxLen: () => runtime.num('slowlog_max_len'),
    pubsub,
    notifyMask: () => notifyMask,
  });
  const limits: ProtocolLimits = {
    ...DEFAULT_LIMITS,
    maxBulkLen: config.protoMaxBulkLen,
    queryBufferLimit: config.clientQueryBufferLimit,
  };
  // Journals every write once an AOF file is attached (executor.addJournal) and owns snapshots; loads in start().
  const persistence = new PersistenceManager({
    config: runtime,
    store,
    executor,
    stats,
    log: log.child({ component: 'persistence' }),
    now: () => clock.now(),
    ...(deps.persistenceIo ? { io: deps.persistenceIo } : {}),
  });
  const resp = new RespServer({
    executor,
    stats,
    log: log.child({ component: 'resp' }),
    now: () => clock.now(),
    requirepass: () => runtime.str('requirepass'),
    maxclients: () => runtime.num('maxclients'),
    pubsubLimit: () => pubsubLimit,
    limits,
  });


  // A Registry per node (never prom-client's global one): several nodes may share a process. Built
  // before start() so routing can record forwards (metrics.forwarding) and the cluster source can
  // be attached (metrics.attachCluster) while wiring. Every figure reads what INFO reads.
  const metrics = new NodeMetrics({
    nodeId: config.nodeId,
    up: () => serving,
    connectedClients: () => [...resp.clients()].length,
    keysPerDb: () => Array.from({ length: store.databases }, (_, i) => store.db(i).size),
    commandsProcessed: () => stats.commandsProcessed,
    keyspaceHits: () => store.stats.hits,
    keyspaceMisses: () => store.stats.misses,
    datasetBytes: () => store.usedBytes(),
    server: {
      version: RINGCACHE_VERSION,
      redisVersion: REDIS_COMPAT_VERSION,
      uptimeSeconds: () => Math.floor((clock.now() - startedAt) / 1000),
      blockedClients: () => executor.blocking.blockedClients,
      keysExpiringPerDb: () => Array.from({ length: store.databases }, (_, i) => store.db(i).volatileCount),
      expiredKeys: () => store.stats.expiredKeys,
      evictedKeys: () => store.stats.evictedKeys,
      // INFO used_memory's formula (commands/server.ts).
      usedMemory: () => {
        const mu = process.memoryUsage();
        return mu.heapUsed + mu.external;
      },
      maxmemory: () => runtime.num('maxmemory'),
      netInputBytes: () => stats.netInputBytes,
      netOutputBytes: () => stats.netOutputBytes,
      connectionsReceived: () => stats.connectionsReceived,
      rejectedConnections: () => stats.rejectedConnections,
      errorReplies: () => stats.errorReplies,
      slowlogLength: () => executor.slowlog().length,
      commandStats: () => executor.commandStats,
    },
    persistence: () => persistence.figures(),
  });

  runtime.onChange((path, value) => {
    if (path === 'maxmemory') store.setMemoryPolicy({ maxmemory: value as number });
    else if (path === 'maxmemory_policy') store.setMemoryPolicy({ policy: value as EvictionPolicy });
    else if (path === 'maxmemory_samples') store.setMemoryPolicy({ samples: value as number });
    else if (path === 'lfu_log_factor') store.setMemoryPolicy({ lfuLogFactor: value as number });
    else if (path === 'lfu_decay_time') store.setMemoryPolicy({ lfuDecayTime: value as number });
    else if (path === 'loglevel') log.level = pinoLevel(value as string);
    else if (path === 'hz') scheduleCron();
    else if (path === 'client_output_buffer_limit_pubsub') pubsubLimit = parseOutputLimit(value as string);
    else if (path === 'notify_keyspace_events') notifyMask = parseNotifyFlags(value as string) ?? 0;
    else if (path === 'proto_max_bulk_len') limits.maxBulkLen = value as number;
    else if (path === 'client_query_buffer_limit') limits.queryBufferLimit = value as number;
    else persistence.configChanged(path, value);
  });

  /** SHUTDOWN already wrote the final snapshot; SIGTERM has not. */
  let finalSaved = false;
  let shutdownOpts: ShutdownOptions = {};
  const stop = (): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      log.info({ component: 'node' }, 'shutting down');
      serving = false;
      if (cron) clearInterval(cron);
      // Leave first, while still answering: peers move this node's slots away before it stops.
      if (membership !== null) {
        try {
          await membership.leave();
        } catch (e) {
          log.warn({ component: 'node', err: e }, 'leaving the cluster failed; peers will detect the node as dead');
        }
      }
      // Then give up every slot and hand the keys to their new owners, while links and the RESP
      // port still work (clients' commands are forwarded to the new owners meanwhile).
      let handedOff = false;
      if (cluster !== null && started) {
        const timeoutMs = runtime.num('cluster.handoff_timeout_ms');
        const before = cluster.handoff.stats.sent;
        try {
          if (!(await cluster.leaveRing(timeoutMs))) {
            log.warn({ component: 'node', timeoutMs, handoff: cluster.handoff.stats }, 'handoff did not finish (new owners unreachable or leaving too, or cluster.handoff_timeout_ms passed); the keys left stay in this node\'s files until it rejoins');
          }
        } catch (e) {
          log.warn({ component: 'node', err: e }, 'handing keys off failed');
        }
        handedOff = cluster.handoff.stats.sent !== before;
      }
      // Synchronous, before connections close: no write can slip in after the final snapshot.
      let saveError: unknown = null;
      // SHUTDOWN saved before the handoff deleted keys: saved again, so a restart does not bring
      // back copies the new owners now hold.
      if ((!finalSaved || handedOff) && started) {
        try {
          persistence.finalSave(finalSaved ? { ...shutdownOpts, force: true } : undefined);
        } catch (e) {
          saveError = e;
        }
      }
      await resp.close();
      if (http) await http.close();
      cluster?.close();
      if (membership !== null) await membership.stop();
      if (started) await persistence.close();
      if (saveError !== null) throw saveError;
      log.info({ component: 'node' }, 'stopped');
      owned?.close();
    })();
    return stopping;
  };

  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  server = {
    nodeId: config.nodeId,
    version: RINGCACHE_VERSION,
    startedAt,
    get tcpPort() {
      return respPort;
    },
    config: runtime,
    stats,
    commandStats: executor.commandStats as ReadonlyMap<string, CommandStat>,
    pubsub,
    persistence,
    commands: (): readonly CommandSpec[] => registry.all(),
    lookupCommand: (name: string) => registry.lookup(name),
    clients: (): Iterable<Client> => resp.clients(),
    blockedClients: () => executor.blocking.blockedClients,
    unblockClient: (id: number, error: boolean) => {
      for (const c of resp.clients()) {
        if (c.id !== id) continue;
        return executor.blocking.unblock(c, error ? errorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined);
      }
      return false;
    },
    slowlog: (): readonly SlowlogEntry[] => executor.slowlog(),
    slowlogReset: () => executor.slowlogReset(),
    resetStats: () => {
      executor.commandStats.clear();
      store.stats.hits = 0;
      store.stats.misses = 0;
      store.stats.expiredKeys = 0;
      store.stats.evictedKeys = 0;
      stats.connectionsReceived = 0;
      stats.rejectedConnections = 0;
      stats.commandsProcessed = 0;
      stats.netInputBytes = 0;
      stats.netOutputBytes = 0;
      stats.errorReplies = 0;
      executor.slowlogReset();
    },
    shutdown: async (opts?: ShutdownOptions) => {
      // Throws (the node keeps running) when the final save fails without FORCE, as Redis does.
      persistence.finalSave(opts);
      finalSaved = true;
      shutdownOpts = opts ?? {};
      await stop();
      deps.onShutdown?.();
    },
    blockFor: (ms: number) => {
      Atomics.wait(sleeper, 0, 0, ms);
    },
    get cluster() {
      return cluster?.api ?? startingCluster;
    },
  };

  // Between the RESP port opening and membership starting (milliseconds), CLUSTER commands see
  // this node alone with cluster_state:fail, and every key runs here (the router is not set yet).
  const startingCluster: ClusterApi = {
    selfId: config.nodeId,
    nodes: () => [{ name: config.nodeId, host: selfHost, port: respPort, gossipPort: 0, state: 'alive', self: true }],
    ranges: () => [{ start: 0, end: SLOT_COUNT - 1, owner: config.nodeId, replicas: [] }],
    epoch: () => 0,
    ok: () => false,
    markPeer: (client) => {
      client.peer = true;
    },
  };

  // The HTTP app is built before membership starts (its port goes into this node's metadata), so
  // its ClusterView reads through to the cluster parts once they exist.
  const lazyView: ClusterView = {
    selfId: config.nodeId,
    members: () => (cluster as ClusterParts).view.members(),
    ranges: () => (cluster as ClusterParts).view.ranges(),
    epoch: () => cluster?.view.epoch() ?? 0,
    ownerOf: (slot) => (cluster as ClusterParts).view.ownerOf(slot),
    ready: () => cluster !== null && cluster.view.ready(),
    forward: (owner, commands) => (cluster as ClusterParts).view.forward(owner, commands),
  };

  /** Starts membership (join through the seeds) and routing; the node serves its slots once this returns. */
  async function startCluster(): Promise<void> {
    const meta = selfMeta();
    const cc = config.cluster;
    const opts: MembershipOptions = {
      selfId: config.nodeId,
      meta,
      bind: config.bind,
      port: cc.gossipPort,
      seeds: cc.seeds,
      clusterName: cc.name,
      keyring: keyringFromSecrets(cc.secrets),
      profile: cc.profile,
      log: log.child({ component: 'membership' }),
    };
    // Always gossiping, seeds or not: a node started alone is a cluster of one that others can join.
    membership = deps.membership ? deps.membership(opts) : new Membership(opts);
    cluster = new ClusterParts({
      selfId: config.nodeId,
      membership,
      executor,
      store,
      tokens: cc.tokens,
      seeded: cc.seeds.length > 0,
      mode: () => runtime.str('cluster.mode') as 'proxy' | 'redirect',
      forwardTimeoutMs: () => runtime.num('cluster.forward_timeout_ms'),
      password: () => runtime.str('requirepass'),
      selfMeta,
      gossipPort: () => gossipPort,
      serving: () => serving,
      log,
      observeForward: (outcome, seconds) => metrics.forwarding.observe(outcome, seconds),
    });
    executor.router = cluster.router;
    const parts = cluster;
    const m = membership;
    metrics.attachCluster(
      clusterSourceFromView(m, {
        ownedSlots: () => slotCounts(parts.state.ring)[parts.state.ring.members.indexOf(config.nodeId)] ?? 0,
        ringEpoch: () => parts.state.epoch,
        handoffKeys: () => ({ ...parts.handoff.stats }),
        ...(m instanceof Membership ? { localHealth: () => m.stats().healthScore, gossipMessages: () => gossipCounts(m.stats()) } : {}),
      }).source,
    );
    const { port } = await membership.start();
    gossipPort = port;
  }
  let gossipPort = 0;


  /** Background work at `hz`: the active expiry cycle and idle-client timeouts. */
  function scheduleCron(): void {
    if (cron) clearInterval(cron);
    const hz = runtime.num('hz');
    cron = setInterval(() => {
      store.activeExpireCycle(cycleBudgetMs(hz));
      persistence.cron(clock.now());
      const timeout = runtime.num('timeout');
      if (timeout > 0) {
        const now = clock.now();
        for (const c of resp.clients()) if (now - c.lastInteraction > timeout * 1000) c.kill();
      }
    }, Math.max(1, Math.floor(1000 / hz)));
    cron.unref();
  }

  return {
    config,
    store,
    executor,
    log,
    metrics,
    get cluster() {
      return cluster;
    },
    async start(): Promise<NodeAddresses> {
      // The data set is loaded before the port opens; a damaged file refuses the start.
      persistence.load();
      started = true;
      const addr = await resp.listen(config.port, config.bind);
      respPort = addr.port;
      let httpAddr: AddressInfo | null = null;
      if (config.http.enabled) {
        http = buildHttpApp({
          nodeId: config.nodeId,
          version: RINGCACHE_VERSION,
          startedAt,
          now: () => clock.now(),
          keys: () => {
            let n = 0;
            for (let i = 0; i < store.databases; i++) n += store.db(i).size;
            return n;
          },
          executor,
          commandsProcessed: () => stats.commandsProcessed,
          ready: () => serving,
          metrics,
          addresses: () => ({
            resp: `${selfHost}:${respPort}`,
            http: httpAddr ? `${selfHost}:${httpAddr.port}` : `${selfHost}:${config.http.port}`,
          }),
          settings: { ...config.http, authToken: () => runtime.str('http.auth_token') },
          log: log.child({ component: 'http' }),
          cluster: lazyView,
        });
        try {
          await http.listen({ port: config.http.port, host: config.http.bind });
        } catch (e) {
          await resp.close();
          throw e;
        }
        httpAddr = http.server.address() as AddressInfo;
        httpPort = httpAddr.port;
      }
      try {
        await startCluster();
      } catch (e) {
        await resp.close();
        if (http) await http.close();
        throw e;
      }
      scheduleCron();
      serving = true;
      log.info({ component: 'node', resp: `${addr.address}:${addr.port}`, http: httpAddr ? `${httpAddr.address}:${httpAddr.port}` : null }, 'ready to accept connections');
      return { resp: addr, http: httpAddr };
    },
    stop,
  };
}
