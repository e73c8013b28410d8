// Fixtures shared by the keyspace unit test files: a harness over a real Executor, Store and manual clock, a stand-in list, a SCAN walker.
import { beforeEach } from 'vitest';
import type { ManualClock } from '../clock/clock.js';
import { createTestExecutor, type Plain } from './exec.js';
import type { Client } from '../server/client.js';
import type { EvictionPolicy } from '../store/eviction.js';
import type { MemoryPolicy, Store } from '../store/store.js';
import type { Collection } from '../store/types.js';
import { keyspaceCommands } from '../commands/keyspace.js';

/** A minimal list value: enough of a Collection for TYPE, OBJECT ENCODING, COPY and SCAN TYPE. */
export class FakeList implements Collection {
  readonly type = 'list' as const;
  constructor(public items: string[]) {}
  encoding(): string {
    return 'listpack';
  }
  byteSize(): number {
    return this.items.reduce((n, s) => n + s.length, 0);
  }
  clone(): Collection {
    return new FakeList([...this.items]);
  }
  get size(): number {
    return this.items.length;
  }
}

/** Replies as plain values: simple '+x', error '-ERR x', bulk 'x', int n, null, arrays. */
export interface Harness {
  clock: ManualClock;
  store: Store;
  client: Client;
  journal: { db: number; argv: string[] }[];
  /** Runs a command as the test client and returns the plain reply. */
  run: (...argv: string[]) => Plain;
  /** Runs a command as another client (its own selected db). */
  runAs: (c: Client, ...argv: string[]) => Plain;
  newClient: () => Client;
  /** Stores a value directly (no journal), at the current clock time. */
  put: (key: string, value: string | Collection, expireAt?: number, db?: number) => void;
  setPolicy: (p: Partial<MemoryPolicy>) => void;
}

export function harness(opts: { databases?: number; policy?: EvictionPolicy; rand?: () => number } = {}): Harness {
  const t = createTestExecutor({
    families: [keyspaceCommands],
    config: { databases: opts.databases ?? 16, slowlog_log_slower_than: -1 },
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.rand ? { rand: opts.rand } : {}),
  });
  const { store } = t;
  return {
    clock: t.clock,
    store,
    client: t.client,
    journal: t.journal,
    run: (...argv) => t.run(...argv),
    runAs: (c, ...argv) => t.runAs(c, ...argv),
    newClient: () => t.newClient(),
    put: (key, value, expireAt = 0, db = 0) => {
      store.tick();
      store.db(db).set(key, value, expireAt);
    },
    setPolicy: (p) => store.setMemoryPolicy(p),
  };
}

/** The harness of the running test: a live binding, replaced before each test by the hook below. */
export let h: Harness;

/** Registers the per-test hook in the calling test file: a fresh default harness. */
export function useKeyspaceHarness(): void {
  beforeEach(() => {
    h = harness();
  });
}

/** Every key of a full SCAN iteration, with the per-call options given. */
export function scanAll(run: (...argv: string[]) => Plain, ...opts: string[]): string[] {
  const out: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const r = run('SCAN', cursor, ...opts) as [string, string[]];
    cursor = r[0];
    for (const k of r[1]) out.push(k);
    if (++calls > 100_000) throw new Error('SCAN did not terminate');
  } while (cursor !== '0');
  return out;
}
