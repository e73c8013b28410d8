// Unit-test harness: the node's own core assembly (store, config, registry, executor, ServerApi) with a manual clock and no sockets.
import pino from 'pino';
import type { ClusterApi } from '../contracts/cluster.js';
import type { CommandSpec, ServerApi, ServerStats } from '../contracts/command.js';
import { localConfig } from '../config/load.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { ConfigValue } from '../config/schema.js';
import { ManualClock } from '../clock/clock.js';
import type { Executor } from '../executor/executor.js';
import { createCore } from '../node/core.js';
import type { Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';
import type { EvictionPolicy } from '../store/eviction.js';
import type { Store } from '../store/store.js';

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
  const clients = new Map<number, Client>();
  // The same core assembly a node builds; the host is this harness (no sockets, a manual clock).
  const core = createCore(
    localConfig({ ...opts.config, ...(opts.policy ? { maxmemory_policy: opts.policy } : {}) }),
    { clock, log: pino({ level: 'silent' }), version: '0.0.0', ...(opts.families ? { families: opts.families } : {}), ...(opts.rand ? { rand: opts.rand } : {}) },
    {
      clients: () => clients.values(),
      tcpPort: () => 0,
      up: () => true,
      shutdown: () => Promise.resolve(),
      blockFor: (ms) => clock.advance(ms),
      cluster: () => opts.cluster,
      persistence: () => undefined,
    },
  );
  const { executor, runtime: config } = core;
  const journal: { db: number; argv: string[] }[] = [];
  executor.addJournal({ append: (db, argv) => journal.push({ db, argv: [...argv] }) });
  const pushes = new Map<Client, Plain[]>();
  let ids = 0;
  const newClient = (): Client => {
    const id = ++ids;
    const c = new Client(id, `127.0.0.1:${40000 + id}`, '127.0.0.1:6379', id + 8, clock.now(), !core.server.acl.authRequired(), () => {
      clients.delete(id);
      executor.clientClosed(c);
    });
    c.user = core.server.acl.defaultUser;
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
    store: core.store,
    config,
    executor,
    server: core.server,
    stats: core.stats,
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
