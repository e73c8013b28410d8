// Unit-test harness: a real Store, ConfigRuntime, CommandRegistry and Executor behind a test ServerApi.
import pino from 'pino';
import type { ClusterApi } from '../contracts/cluster.js';
import type { CommandStat, ServerApi, ServerStats } from '../contracts/command.js';
import { COMMAND_FAMILIES } from '../commands/index.js';
import { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec } from '../contracts/command.js';
import { localConfig } from '../config/load.js';
import { ConfigRuntime } from '../config/runtime.js';
import type { ConfigValue } from '../config/schema.js';
import { ManualClock } from '../clock/clock.js';
import { Executor } from '../executor/executor.js';
import { errorReply, type Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';
import type { EvictionPolicy } from '../store/eviction.js';
import { Store } from '../store/store.js';
import { PubSub } from '../server/pubsub.js';
import { parseNotifyFlags } from '../executor/notify.js';

export const T0 = 1_700_000_000_000;

/** A reply in assertion-friendly form: `+OK`, `-ERR ...`, bulk strings as-is, null, arrays, maps as objects. */
export type Plain = string | number | bigint | null | boolean | Plain[] | { [k: string]: Plain };

export function plain(r: Reply): Plain {
  switch (r.t) {
    case 'simple':
      return `+${r.v}`;
    case 'error':
      return `-${r.v}`;
    case 'bulk':
    case 'verbatim':
      return r.v;
    case 'int':
      return typeof r.v === 'bigint' && r.v >= BigInt(Number.MIN_SAFE_INTEGER) && r.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r.v) : r.v;
    case 'double':
      return r.v;
    case 'bool':
      return r.v;
    case 'nullbulk':
    case 'nullarray':
      return null;
    case 'array':
    case 'set':
    case 'push':
    case 'multi':
      return r.v.map(plain);
    case 'map': {
      const o: { [k: string]: Plain } = {};
      for (const [k, v] of r.v) o[String(plain(k))] = plain(v);
      return o;
    }
    case 'raw':
      return r.v.toString('latin1');
  }
}

export interface TestExecutorOptions {
  /** Command families to register (default: all). */
  families?: readonly (readonly CommandSpec[])[];
  config?: Record<string, ConfigValue>;
  policy?: EvictionPolicy;
  rand?: () => number;
  startAt?: number;
  /** The CLUSTER commands' view; absent (the default), the server answers as a standalone redis-server. */
  cluster?: ClusterApi;
}

export interface TestExecutor {
  clock: ManualClock;
  store: Store;
  config: ConfigRuntime;
  executor: Executor;
  server: ServerApi;
  stats: ServerStats;
  /** Every journaled write, in order. */
  journal: { db: number; argv: string[] }[];
  /** The default client (id 1). */
  client: Client;
  newClient(): Client;
  /** Runs a command as the default client; synchronous handlers only. */
  run(...argv: string[]): Plain;
  runAs(c: Client, ...argv: string[]): Plain;
  /** Runs a command that may block or be asynchronous. */
  runAsync(c: Client, ...argv: string[]): Promise<Plain>;
  /** Raw Reply of a synchronous command. */
  exec(...argv: string[]): Reply;
  /** Messages delivered to a client (pub/sub), drained by the call. */
  takePushes(c: Client): Plain[];
}

export function createTestExecutor(opts: TestExecutorOptions = {}): TestExecutor {
  const clock = new ManualClock(opts.startAt ?? T0);
  const config = new ConfigRuntime(localConfig(opts.config ?? {}));
  const store = new Store(
    config.num('databases'),
    () => clock.now(),
    {
      maxmemory: config.num('maxmemory'),
      policy: opts.policy ?? (config.str('maxmemory_policy') as EvictionPolicy),
      samples: config.num('maxmemory_samples'),
      lfuLogFactor: config.num('lfu_log_factor'),
      lfuDecayTime: config.num('lfu_decay_time'),
    },
    opts.rand ?? Math.random,
  );
  const registry = new CommandRegistry(opts.families ?? COMMAND_FAMILIES);
  const stats: ServerStats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    dirty: 0,
    errorReplies: 0,
  };
  const clients = new Map<number, Client>();
  const pubsub = new PubSub();
  // eslint-disable-next-line prefer-const -- the server API and the executor refer to each other
  let executor: Executor;
  const server: ServerApi = {
    nodeId: 'test',
    version: '0.0.0',
    startedAt: clock.now(),
    tcpPort: 0,
    config,
    stats,
    get commandStats(): ReadonlyMap<string, CommandStat> {
      return executor.commandStats;
    },
    pubsub,
    commands: () => registry.all(),
    lookupCommand: (name) => registry.lookup(name),
    clients: () => clients.values(),
    blockedClients: () => executor.blocking.blockedClients,
    unblockClient: (id, error) => {
      const c = clients.get(id);
      return c ? executor.blocking.unblock(c, error ? errorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined) : false;
    },
    slowlog: () => executor.slowlog(),
    slowlogReset: () => executor.slowlogReset(),
    resetStats: () => undefined,
    shutdown: () => Promise.resolve(),
    blockFor: (ms) => clock.advance(ms),
    cluster: opts.cluster,
  };
  executor = new Executor({
    registry,
    store,
    server: () => server,
    log: pino({ level: 'silent' }),
    requirepass: () => config.str('requirepass'),
    slowlogThresholdUs: () => config.num('slowlog_log_slower_than'),
    slowlogMaxLen: () => config.num('slowlog_max_len'),
    pubsub,
    notifyMask: () => parseNotifyFlags(config.str('notify_keyspace_events')) ?? 0,
  });
  const journal: { db: number; argv: string[] }[] = [];
  executor.addJournal({ append: (db, argv) => journal.push({ db, argv: [...argv] }) });
  const pushes = new Map<Client, Plain[]>();
  let ids = 0;
  const newClient = (): Client => {
    const id = ++ids;
    const c = new Client(id, `127.0.0.1:${40000 + id}`, '127.0.0.1:6379', id + 8, clock.now(), config.str('requirepass') === '', () => {
      clients.delete(id);
      executor.clientClosed(c);
    });
    c.deliver = (r) => {
      const list = pushes.get(c) ?? [];
      list.push(plain(r));
      pushes.set(c, list);
    };
    clients.set(id, c);
    return c;
  };
  const client = newClient();
  const exec = (c: Client, argv: string[]): Reply => {
    const r = executor.execute(c, argv);
    if (r instanceof Promise) throw new Error(`${argv[0]} answered asynchronously; use runAsync`);
    return r;
  };
  return {
    clock,
    store,
    config,
    executor,
    server,
    stats,
    journal,
    client,
    newClient,
    run: (...argv) => plain(exec(client, argv)),
    runAs: (c, ...argv) => plain(exec(c, argv)),
    runAsync: async (c, ...argv) => plain(await executor.execute(c, argv)),
    exec: (...argv) => exec(client, argv),
    takePushes: (c) => {
      const list = pushes.get(c) ?? [];
      pushes.delete(c);
      return list;
    },
  };
}
