// The core assembly: config runtime, store, command registry, executor and the ServerApi handlers use; nodes and unit tests build the same one.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { COMMAND_FAMILIES } from '../commands/index.js';
import { CommandRegistry } from '../commands/registry.js';
import type { Config } from '../config/load.js';
import { ConfigRuntime } from '../config/runtime.js';
import type { CommandSpec, ServerApi, ServerStats } from '../contracts/command.js';
import { Scripting } from '../scripting/scripts.js';
import type { NodeFigures } from '../contracts/figures.js';
import type { ShutdownOptions } from '../contracts/persistence.js';
import { Executor } from '../executor/executor.js';
import { parseNotifyFlags } from '../executor/notify.js';
import { errorReply } from '../resp/reply.js';
import { PubSub } from '../server/pubsub.js';
import { ENCODING_PARAMS, encodingLimitsFrom, type EncodingParam } from '../store/encodings.js';
import type { EvictionPolicy } from '../store/eviction.js';
import { Store } from '../store/store.js';
import { collectFigures, type FigureHost } from './figures.js';
import { ConfigSubscriptions } from './subscriptions.js';
import { createNodeAcl } from './acl-setup.js';

/**
 * What the core cannot know by itself and the host (a node, or a unit-test harness) provides:
 * the connection table, the bound port, stopping, and the parts built around the core.
 */
export interface CoreHost extends FigureHost {
  /** SHUTDOWN: stops the node; rejects (the node keeps running) when the final save fails without FORCE. */
  shutdown(opts?: ShutdownOptions): Promise<void>;
  /** DEBUG SLEEP: blocks the event loop (tests move a manual clock instead). */
  blockFor(ms: number): void;
}

export interface CoreOptions {
  clock: Clock;
  log: Logger;
  version: string;
  /** Command families to register (default: all; unit tests may narrow them). */
  families?: readonly (readonly CommandSpec[])[];
  /** Randomness for eviction and random commands (tests seed it). */
  rand?: () => number;
}

export interface Core {
  readonly config: Config;
  readonly runtime: ConfigRuntime;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Store;
  readonly registry: CommandRegistry;
  readonly stats: ServerStats;
  readonly pubsub: PubSub;
  readonly executor: Executor;
  readonly server: ServerApi;
  /** Who applies which run-time parameter; the core's own parts are subscribed already. */
  readonly subscriptions: ConfigSubscriptions;
  figures(): NodeFigures;
}

function zeroStats(): ServerStats {
  return { connectionsReceived: 0, rejectedConnections: 0, commandsProcessed: 0, netInputBytes: 0, netOutputBytes: 0, dirty: 0, errorReplies: 0 };
}

function createStore(config: Config, clock: Clock, rand: (() => number) | undefined): Store {
  const memory = {
    maxmemory: config.maxmemory,
    policy: config.maxmemoryPolicy as EvictionPolicy,
    samples: config.maxmemorySamples,
    lfuLogFactor: config.lfuLogFactor,
    lfuDecayTime: config.lfuDecayTime,
  };
  return new Store(config.databases, () => clock.now(), memory, rand ?? Math.random);
}

/** The store's memory policy follows CONFIG SET maxmemory* and lfu-*; its encoding thresholds the *-listpack-* / intset / stream-node ones. */
function subscribeStore(subs: ConfigSubscriptions, store: Store, runtime: ConfigRuntime): void {
  const encodings = (): void => store.setEncodingLimits(encodingLimitsFrom((p) => runtime.num(p)));
  encodings();
  subs.add({ part: 'encodings', params: Object.keys(ENCODING_PARAMS) as EncodingParam[], apply: encodings });
  subs.add({
    part: 'store',
    params: ['maxmemory', 'maxmemory_policy', 'maxmemory_samples', 'lfu_log_factor', 'lfu_decay_time'],
    apply: (path, value) => {
      if (path === 'maxmemory') store.setMemoryPolicy({ maxmemory: value as number });
      else if (path === 'maxmemory_policy') store.setMemoryPolicy({ policy: value as EvictionPolicy });
      else if (path === 'maxmemory_samples') store.setMemoryPolicy({ samples: value as number });
      else if (path === 'lfu_log_factor') store.setMemoryPolicy({ lfuLogFactor: value as number });
      else store.setMemoryPolicy({ lfuDecayTime: value as number });
    },
  });
}

/**
 * CONFIG RESETSTAT: every counter INFO stats and commandstats report, as Redis's resetServerStats
 * (the expiry cycle's figures included). The slow log stays: Redis clears it only with SLOWLOG RESET.
 */
function resetStats(store: Store, stats: ServerStats, executor: Executor): void {
  executor.commandStats.clear();
  executor.errorStats.clear();
  Object.assign(store.stats, { hits: 0, misses: 0, expiredKeys: 0, evictedKeys: 0, expiredStaleRatio: 0, expireCycleMs: 0 });
  Object.assign(stats, { ...zeroStats(), dirty: stats.dirty });
}

export function createCore(config: Config, opts: CoreOptions, host: CoreHost): Core {
  const { clock, log } = opts;
  const runtime = new ConfigRuntime(config);
  const subscriptions = new ConfigSubscriptions(runtime);
  const store = createStore(config, clock, opts.rand);
  subscribeStore(subscriptions, store, runtime);
  // LATENCY's monitor (commands, expiry and eviction cycles) reads its threshold when it samples.
  store.latency.threshold = () => runtime.num('redis.latency_monitor_threshold');
  const registry = new CommandRegistry(opts.families ?? COMMAND_FAMILIES);
  const stats = zeroStats();
  const pubsub = new PubSub();
  let notifyMask = parseNotifyFlags(runtime.str('notify_keyspace_events')) ?? 0;
  subscriptions.add({ part: 'notifications', params: ['notify_keyspace_events'], apply: (_p, v) => (notifyMask = parseNotifyFlags(v as string) ?? 0) });
  // Read on every command's finish and every script run: kept here rather than looked up by path each time.
  let slowlogUs = runtime.num('slowlog_log_slower_than');
  subscriptions.add({ part: 'slowlog', params: ['slowlog_log_slower_than'], apply: (_p, v) => (slowlogUs = v as number) });
  let busyMs = runtime.num('redis.busy_reply_threshold');
  subscriptions.add({ part: 'busy', params: ['redis.busy_reply_threshold'], apply: (_p, v) => (busyMs = v as number) });
  const startedAt = clock.now();
  const acl = createNodeAcl(runtime, subscriptions, registry.all(), clock, () => host.clients());
  // The executor reads the server lazily: the ServerApi below refers back to the executor.
  const executor: Executor = new Executor({
    registry,
    store,
    server: () => server,
    log: log.child({ component: 'executor' }),
    acl,
    slowlogThresholdUs: () => slowlogUs,
    slowlogMaxLen: () => runtime.num('slowlog_max_len'),
    pubsub,
    notifyMask: () => notifyMask,
    trackingMaxKeys: () => runtime.num('redis.tracking_table_max_keys'),
  });
  subscriptions.add({ part: 'tracking', params: ['redis.tracking_table_max_keys'], apply: () => executor.tracking.limitChanged() });
  const scriptLog = log.child({ component: 'script' });
  const scripting = new Scripting({
    denyWrites: () => executor.denyWrites?.() ?? null,
    // redis.log levels 0..3 (debug, verbose, notice, warning) onto pino's.
    log: (level, message) => scriptLog[(['debug', 'debug', 'info', 'warn'] as const)[level] ?? 'info']({ level }, message),
    busyThresholdMs: () => busyMs,
    setBusy: (reason) => (executor.busyReason = reason),
  });
  const figures = (): NodeFigures => collectFigures({ config: runtime, clock, store, stats, executor, host, nodeId: config.nodeId, version: opts.version, startedAt, scripting });
  const server: ServerApi = {
    nodeId: config.nodeId,
    version: opts.version,
    startedAt,
    get tcpPort() {
      return host.tcpPort();
    },
    config: runtime,
    stats,
    commandStats: executor.commandStats,
    pubsub,
    get persistence() {
      return host.persistence();
    },
    get cluster() {
      return host.cluster();
    },
    get replication() {
      return host.replication?.();
    },
    commands: () => registry.all(),
    lookupCommand: (name) => registry.lookup(name),
    clients: () => host.clients(),
    blockedClients: () => executor.blocking.blockedClients,
    unblockClient: (id, error) => {
      for (const c of host.clients()) {
        if (c.id === id) return executor.blocking.unblock(c, error ? errorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined);
      }
      return false;
    },
    slowlog: () => executor.slow.entries(),
    slowlogReset: () => executor.slow.reset(),
    resetStats: () => resetStats(store, stats, executor),
    figures,
    scripting,
    shutdown: (o) => host.shutdown(o),
    blockFor: (ms) => host.blockFor(ms),
    acl,
  };
  return { config, runtime, clock, log, store, registry, stats, pubsub, executor, server, subscriptions, figures };
}
