// Composition root: builds every part of a node eagerly (nothing binds), then a Lifecycle starts them in order and stops them in reverse.
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load.js';
import { systemClock, type Clock } from '../clock/clock.js';
import type { ShutdownOptions } from '../contracts/persistence.js';
import type { Executor } from '../executor/executor.js';
import { buildHttpApp } from '../http/app.js';
import type { MembershipOptions } from '../membership/swim.js';
import type { MemberMeta } from '../membership/types.js';
import { NodeMetrics } from '../observability/metrics.js';
import { createLogger, pinoLevel } from '../observability/logger.js';
import type { PersistenceFs } from '../persistence/fsio.js';
import { PersistenceManager } from '../persistence/manager.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from '../resp/limits.js';
import { announceHost, type ClusterParts } from '../routing/cluster.js';
import type { MembershipService } from '../routing/state.js';
import { parseOutputLimit } from '../server/output-limit.js';
import { outputBufferLimitClasses } from '../config/redis-values.js';
import { RespServer } from '../server/resp-server.js';
import { createReplication, withReplicationClients } from '../replication/replication.js';
import { isMemberAddress, WarningThrottle } from '../server/security.js';
import type { Store } from '../store/store.js';
import { RINGCACHE_VERSION } from '../version.js';
import { createNodeCluster } from './cluster.js';
import { createCore, type Core } from './core.js';
import { Cron } from './cron.js';
import { Lifecycle, type LifecycleStep } from './lifecycle.js';
import { listenerMover } from './listen-move.js';
import { NodeTls, TLS_RELOAD_PARAMS } from './tls.js';
import type { ConfigSubscriptions } from './subscriptions.js';

export interface NodeDeps {
  clock?: Clock;
  /** Use this logger instead of creating one (tests). */
  log?: Logger;
  /** Called after SHUTDOWN stopped the node (the CLI exits the process). */
  onShutdown?: () => void;
  /** File-system seam for the AOF and snapshots (tests inject failures); the real fs otherwise. */
  persistenceIo?: PersistenceFs;
  /** Builds the node's membership (SWIM). Default: the SWIM library (membership/swim.ts); tests inject in-process views. */
  membership?: (opts: MembershipOptions) => MembershipService;
}

export interface NodeAddresses {
  /** The plain RESP port; the TLS one when plain TCP is off (port 0 with a tls-port). */
  resp: AddressInfo;
  http: AddressInfo | null;
  /** The RESP TLS port (tls-port), null when off. */
  tls: AddressInfo | null;
}

export interface RingcacheNode {
  readonly config: Config;
  readonly store: Store;
  /** The command executor (in-process benchmarks drive it without sockets). */
  readonly executor: Executor;
  readonly log: Logger;
  /** The node's metrics (its own Registry); routing records forwards and the cluster source attaches here. */
  readonly metrics: NodeMetrics;
  /** Membership, ring and routing (built with the node; gossip binds at start). */
  readonly cluster: ClusterParts;
  /** Who applies which run-time parameter (CONFIG SET reaches exactly that part). */
  readonly subscriptions: ConfigSubscriptions;
  /** Step names in start order. */
  readonly lifecycle: readonly string[];
  start(): Promise<NodeAddresses>;
  stop(): Promise<void>;
}

/** The node's mutable facts: bound addresses and whether it serves. */
interface NodeState {
  /** The RESP port announced to peers and cluster clients: the TLS one under tls-cluster or when plain TCP is off. */
  respPort: number;
  /** The plain RESP port bound (INFO tcp_port), 0 when off. */
  tcpPort: number;
  tlsAddr: AddressInfo | null;
  httpPort: number;
  httpAddr: AddressInfo | null;
  respAddr: AddressInfo | null;
  serving: boolean;
  /** SHUTDOWN already wrote the final snapshot with these options; SIGTERM has not. */
  finalSaved: ShutdownOptions | null;
}

/** The RESP listener, its protocol limits and pub/sub output limit following CONFIG SET. */
function createResp(core: Core, config: Config, state: NodeState, tls: NodeTls, trustedPeer: (ip: string) => boolean, announce: () => void): { server: RespServer; step: LifecycleStep } {
  const { runtime } = core;
  const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxBulkLen: config.protoMaxBulkLen, queryBufferLimit: config.clientQueryBufferLimit };
  let pubsubLimit = parseOutputLimit(runtime.str('client_output_buffer_limit_pubsub'));
  let normalLimit = parseOutputLimit(outputBufferLimitClasses(runtime.str('client_output_buffer_limit')).normal);
  core.subscriptions.add({
    part: 'resp',
    params: ['client_output_buffer_limit_pubsub', 'client_output_buffer_limit', 'proto_max_bulk_len', 'client_query_buffer_limit'],
    apply: (path, value) => {
      if (path === 'client_output_buffer_limit_pubsub') pubsubLimit = parseOutputLimit(value as string);
      else if (path === 'client_output_buffer_limit') normalLimit = parseOutputLimit(outputBufferLimitClasses(value as string).normal);
      else if (path === 'proto_max_bulk_len') limits.maxBulkLen = value as number;
      else limits.queryBufferLimit = value as number;
    },
  });
  const server = new RespServer({
    executor: core.executor,
    stats: core.stats,
    log: core.log.child({ component: 'resp' }),
    now: () => core.clock.now(),
    acl: core.server.acl,
    maxclients: () => runtime.num('maxclients'),
    pubsubLimit: () => pubsubLimit,
    normalLimit: () => normalLimit,
    limits,
    protectedMode: () => runtime.bool('redis.protected_mode'),
    trustedPeer,
    tlsAuthClients: () => runtime.str('redis.tls_auth_clients'),
    securityWarnings: new WarningThrottle(),
    tcpKeepAliveSecs: () => runtime.num('redis.tcp_keepalive'),
  });
  tls.onReload((s) => server.setSecureContext(s));
  // CONFIG SET port / bind move the plain listener; the announced port follows and gossip re-announces it.
  runtime.onPrepare(
    listenerMover({
      runtime,
      log: core.log,
      rebind: (port, host, samePort) => server.rebind(port, host, samePort),
      tcpPort: () => state.tcpPort,
      moved: (address) => {
        const wasAnnounced = state.respPort === state.tcpPort;
        // A move needs a plain listener (listen-move.ts), so respAddr is the plain one.
        state.tcpPort = address.port;
        state.respAddr = address;
        // Under tls-cluster the announced port is the TLS one, which did not move.
        if (wasAnnounced) state.respPort = address.port;
        announce();
      },
    }),
  );
  const tlsPort = runtime.num('redis.tls_port');
  const step: LifecycleStep = {
    name: 'resp',
    start: async () => {
      // port 0 with a tls-port: plain TCP is off, as in Redis (port 0 alone still picks a free port).
      if (config.port !== 0 || tlsPort === 0) {
        state.respAddr = await server.listen(config.port, config.bind);
        state.tcpPort = state.respAddr.port;
      }
      const settings = tls.load();
      if (tlsPort !== 0 && settings !== null) state.tlsAddr = await server.listenTls(tlsPort, config.bind, settings);
      state.respAddr ??= state.tlsAddr;
      state.respPort = (runtime.bool('redis.tls_cluster') ? state.tlsAddr : state.respAddr)?.port ?? 0;
    },
    stop: () => server.close(),
  };
  return { server, step };
}

/** Journals and snapshots: loads before any port opens; the final save runs after the cluster handoff. */
function persistenceStep(persistence: PersistenceManager, state: NodeState, movedKeysOnLeave: () => boolean): LifecycleStep {
  return {
    name: 'persistence',
    // A damaged file refuses the start.
    start: () => persistence.load(),
    drain: () => {
      // Synchronous, while connections are still open: no write slips in after the final snapshot.
      // SHUTDOWN saved before the handoff deleted keys: saved again, so a restart does not bring back
      // copies the new owners now hold.
      const saved = state.finalSaved;
      if (saved === null) persistence.finalSave();
      else if (movedKeysOnLeave()) persistence.finalSave({ ...saved, force: true });
    },
    stop: () => persistence.close(),
  };
}

function createHttp(core: Core, config: Config, state: NodeState, metrics: NodeMetrics, cluster: ClusterParts, selfHost: string, tls: NodeTls): { app: FastifyInstance | null; step: LifecycleStep } {
  if (!config.http.enabled) return { app: null, step: { name: 'http' } };
  const { store, stats, runtime } = core;
  const app = buildHttpApp({
    nodeId: config.nodeId,
    version: RINGCACHE_VERSION,
    startedAt: core.server.startedAt,
    now: () => core.clock.now(),
    keys: () => {
      let n = 0;
      for (let i = 0; i < store.databases; i++) n += store.db(i).size;
      return n;
    },
    executor: core.executor,
    commandsProcessed: () => stats.commandsProcessed,
    ready: () => state.serving,
    metrics,
    figures: core.figures,
    addresses: () => ({ resp: `${selfHost}:${state.respPort}`, http: `${selfHost}:${state.httpAddr?.port ?? config.http.port}` }),
    settings: { ...config.http, authToken: () => runtime.str('http.auth_token') },
    log: core.log.child({ component: 'http' }),
    cluster: cluster.api,
    routing: cluster.keys,
    acl: core.server.acl,
    lookupCommand: (name) => core.server.lookupCommand(name),
  });
  const step: LifecycleStep = {
    name: 'http',
    start: async () => {
      if (config.http.tls) {
        // http.tls: Fastify built an HTTPS server; it takes the node's certificate (and later reloads).
        const server = app.server as unknown as TlsServer;
        server.setSecureContext(tls.settings.server);
        tls.onReload((s) => server.setSecureContext(s.server));
      }
      await app.listen({ port: config.http.port, host: config.http.bind });
      state.httpAddr = app.server.address() as AddressInfo;
      state.httpPort = state.httpAddr.port;
    },
    stop: () => closeHttp(app),
  };
  return { app, step };
}

/**
 * Fastify's close() closes idle keep-alive connections but waits for every other one: a client
 * that sent half a request held a stop for minutes (issue 17). Requests under way get a second
 * to finish, then every connection is cut.
 */
async function closeHttp(app: FastifyInstance): Promise<void> {
  const closing = app.close();
  const cut = setTimeout(() => app.server.closeAllConnections(), 1000);
  try {
    await closing;
  } finally {
    clearTimeout(cut);
  }
}

export function createNode(config: Config, deps: NodeDeps = {}): RingcacheNode {
  const clock = deps.clock ?? systemClock;
  const owned = deps.log ? null : createLogger({ nodeId: config.nodeId, level: config.loglevel, logDir: config.logDir, stdout: true });
  const log = deps.log ?? (owned as { log: Logger }).log;
  const state: NodeState = { respPort: config.port, tcpPort: 0, tlsAddr: null, httpPort: 0, httpAddr: null, respAddr: null, serving: false, finalSaved: null };
  // shutdown-timeout bounds each part's stop (Redis 7's bound on its shutdown wait), so a stop always ends.
  const lifecycle = new Lifecycle(
    (step, phase, e) => log.error({ component: 'node', step, phase, err: e }, 'stopping a part failed'),
    () => core.runtime.num('redis.shutdown_timeout') * 1000,
  );
  const selfHost = announceHost(config.cluster.announceHost, config.bind);
  let stopping: Promise<void> | null = null;
  const stopOnce = (): Promise<void> =>
    (stopping ??= (async () => {
      await lifecycle.stop();
      log.info({ component: 'node' }, 'stopped');
      owned?.close();
    })());
  const selfMeta = (): MemberMeta => ({ host: selfHost, respPort: state.respPort, httpPort: state.httpPort });
  const core = createCore(config, { clock, log, version: RINGCACHE_VERSION }, {
    clients: () => withReplicationClients(resp.server.clients(), repl.replication),
    tcpPort: () => state.tcpPort,
    up: () => state.serving,
    shutdown: async (opts) => {
      // Throws (the node keeps running) when the final save fails without FORCE, as Redis does.
      persistence.finalSave(opts);
      state.finalSaved = opts ?? {};
      await stopOnce();
      deps.onShutdown?.();
    },
    blockFor: (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
    cluster: () => cluster.parts.api,
    persistence: () => persistence,
    replication: () => repl.replication,
  });
  const { runtime, store, executor, subscriptions } = core;
  subscriptions.add({ part: 'logger', params: ['loglevel'], apply: (_p, v) => (log.level = pinoLevel(v as string)) });
  // Journals every write once an AOF file is attached (executor.addJournal) and owns snapshots; loads at start.
  const persistence = new PersistenceManager({
    config: runtime,
    store,
    executor,
    stats: core.stats,
    log: log.child({ component: 'persistence' }),
    now: () => clock.now(),
    preamble: () => core.server.scripting.functions.rewriteCommands(),
    ...(deps.persistenceIo ? { io: deps.persistenceIo } : {}),
  });
  subscriptions.add({ part: 'persistence', params: ['appendonly', 'appendfsync', 'save', 'stop_writes_on_bgsave_error'], apply: (p, v) => persistence.configChanged(p, v) });
  // Standalone replication (REPLICAOF / replicaof): the primary's stream, backlog and replica links.
  const repl = createReplication({
    runtime,
    store,
    executor,
    functions: () => core.server.scripting.functions,
    persistence: () => persistence,
    tcpPort: () => core.server.tcpPort,
    now: () => clock.now(),
    version: RINGCACHE_VERSION,
    log: log.child({ component: 'replication' }),
  });
  const tls = new NodeTls(runtime, log);
  subscriptions.add({ part: 'tls', params: TLS_RELOAD_PARAMS, apply: (path) => tls.reload(path) });
  // Cluster members are let in by protected mode: their peer links use the RESP port.
  const resp = createResp(core, config, state, tls, (ip) => isMemberAddress(cluster.membership.members(), ip), () => cluster.membership.announce?.(selfMeta()));
  // A Registry per node (never prom-client's global one): several nodes may share a process.
  const metrics = new NodeMetrics({ nodeId: config.nodeId, figures: core.figures });
  const cluster = createNodeCluster({ clock, config, runtime, executor, store, metrics, log, selfMeta, serving: () => state.serving, ...(deps.membership ? { membership: deps.membership } : {}) });
  // tls-cluster: peer links (forwarding, handoff, replication) connect over TLS to the members' TLS ports.
  cluster.parts.pool.tls = () => tls.linkOptions();
  repl.replication.clusterGate = (c) => cluster.parts.replication.refuseWrite(c);
  // tls-replication: REPLICAOF's link to a primary connects over TLS (to the primary's TLS port).
  repl.replication.linkTls = () => tls.replicationOptions();
  // A member joining the ring gets this node's function libraries (routing/router.ts).
  cluster.parts.router.libraries = () => (core.server.scripting.functions.libraryCount > 0 ? core.server.scripting.functions.dump() : null);
  const http = createHttp(core, config, state, metrics, cluster.parts, selfHost, tls);
  const cron = new Cron({ runtime, clock, store, persistence, clients: () => resp.server.clients() });
  subscriptions.add({ part: 'cron', params: ['hz'], apply: () => cron.reschedule() });
  lifecycle
    .add(persistenceStep(persistence, state, cluster.movedKeysOnLeave))
    .add(cluster.steps.links)
    .add(resp.step)
    .add(http.step)
    // Leaving hands keys off for up to cluster.handoff_timeout_ms: its deadline is that plus the usual one.
    .add({ ...cluster.steps.gossip, deadlineMs: () => runtime.num('cluster.handoff_timeout_ms') + runtime.num('redis.shutdown_timeout') * 1000 })
    .add({ name: 'cron', start: () => cron.start(), drain: () => cron.stop() })
    .add(repl.step)
    .add({
      name: 'serving',
      start: () => {
        state.serving = true;
        log.info({ component: 'node', resp: state.respAddr ? `${state.respAddr.address}:${state.respAddr.port}` : null, http: state.httpAddr ? `${state.httpAddr.address}:${state.httpAddr.port}` : null }, 'ready to accept connections');
      },
      drain: () => {
        log.info({ component: 'node' }, 'shutting down');
        state.serving = false;
      },
    });
  return {
    config,
    store,
    executor,
    log,
    metrics,
    cluster: cluster.parts,
    subscriptions,
    lifecycle: lifecycle.order,
    async start(): Promise<NodeAddresses> {
      await lifecycle.start();
      return { resp: state.respAddr as AddressInfo, http: state.httpAddr, tls: state.tlsAddr };
    },
    stop: stopOnce,
  };
}
