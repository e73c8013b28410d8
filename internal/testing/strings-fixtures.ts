// Fixtures shared by the strings unit test files: a harness over a real Executor per test, TTL helpers, a stand-in list, error texts.
import { beforeEach } from 'vitest';
import type { ManualClock } from '../clock/clock.js';
import { createTestExecutor, type Plain } from './exec.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { Reply } from '../resp/reply.js';
import type { Keyspace } from '../store/keyspace.js';
import type { Store } from '../store/store.js';
import type { Collection } from '../store/types.js';
import { stringCommands } from '../commands/strings.js';

/** Stands in for a list value: the strings family only needs "not a string" to answer WRONGTYPE. */
export class FakeList implements Collection {
  readonly type = 'list' as const;
  readonly size = 1;
  encoding(): string {
    return 'listpack';
  }
  byteSize(): number {
    return 16;
  }
  clone(): Collection {
    return new FakeList();
  }
}

/** What a reply looks like in assertions: simple `+OK`, errors `-ERR ...`, bulks as their bytes. */
export type Js = Plain;

export interface Harness {
  clock: ManualClock;
  store: Store;
  db: Keyspace;
  config: ConfigRuntime;
  journal: string[][];
  /** Runs a command through the executor and returns the raw Reply. */
  exec(...argv: string[]): Reply;
  /** Runs a command and returns its reply in assertion form. */
  run(...argv: string[]): Js;
}

function harness(): Harness {
  const t = createTestExecutor({ families: [stringCommands], config: { slowlog_log_slower_than: -1 } });
  const journal: string[][] = [];
  t.executor.addJournal({ append: (_db, argv) => journal.push([...argv]) });
  return { clock: t.clock, store: t.store, db: t.store.db(0), config: t.config, journal, exec: t.exec, run: (...argv) => t.run(...argv) };
}

export const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INT = '-ERR value is not an integer or out of range';
export const NOT_FLOAT = '-ERR value is not a valid float';
export const SYNTAX = '-ERR syntax error';
export const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const NAN_INF = '-ERR increment would produce NaN or Infinity';
export const OVERFLOW = '-ERR increment or decrement would overflow';

/** Every byte value once: binary safety checks. */
export const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** The harness of the running test and its clock's start: live bindings, replaced before each test. */
export let h: Harness;
export let now: number;

/** Registers the per-test hook in the calling test file: a fresh harness (strings family only). */
export function useStringsHarness(): void {
  beforeEach(() => {
    h = harness();
    now = h.clock.now();
  });
}

export function ttlOf(key: string): number | undefined {
  return h.db.peek(key)?.expireAt;
}

/** Gives an existing key a TTL directly (EXPIRE belongs to another family). */
export function expireKey(key: string, at: number): void {
  const e = h.db.peek(key);
  if (e === undefined) throw new Error(`no key ${key}`);
  h.db.setExpire(key, e, at);
}
