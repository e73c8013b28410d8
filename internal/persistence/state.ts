// Shared persistence state: the injected deps, where the files live, and the mutable figures the parts read and update.
import path from 'node:path';
import type { Logger } from 'pino';
import type { ServerStats } from '../contracts/command.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { Executor } from '../executor/executor.js';
import type { Store } from '../store/store.js';
import type { AofWriter } from './aof.js';
import type { PersistenceFs } from './fsio.js';
import type { Manifest } from './manifest.js';
import type { DatasetWalker } from './walker.js';

export interface PersistenceDeps {
  config: ConfigRuntime;
  store: Store;
  executor: Executor;
  stats: ServerStats;
  log: Logger;
  now: () => number;
  io?: PersistenceFs;
  /** Commands that recreate node state outside the keyspace (function libraries), written first in snapshots and AOF bases. */
  preamble?: () => string[][];
}

/** The one background job (BGSAVE or AOF rewrite): like Redis's single child, never two at once. */
export interface Job {
  readonly kind: 'rdb' | 'aof';
  readonly startedAt: number;
  walker: DatasetWalker | null;
  aborted: boolean;
  done: Promise<void>;
}

/**
 * Mutable persistence state. The parts share it instead of importing each other or the facade;
 * each part writes only the fields of its own concern (the comments name the writer).
 */
export interface PersistenceState {
  /** The manifest on disk, when an AOF exists (recovery, AOF lifecycle, rewrite). */
  manifest: Manifest | null;
  /** Journaling into a manifest-listed AOF. */
  aofOn: boolean;
  baseSize: number;
  /** Bytes of incremental files in the manifest before the current one. */
  incrBefore: number;
  /** The executor has our journal: registered once, on the first attached file. */
  journalAdded: boolean;
  /** [seconds, changes] pairs of `save`. */
  savePoints: [number, number][];
  job: Job | null;
  bgsaveScheduled: boolean;
  rewriteScheduled: boolean;
  lastSaveAt: number;
  lastBgsaveOk: boolean;
  lastBgsaveTry: number;
  lastBgsaveSecs: number;
  /** The same duration unrounded (ms), for /metrics; -1 = none yet. */
  lastBgsaveMs: number;
  rdbSaves: number;
  lastRewriteOk: boolean;
  lastRewriteFail: number;
  lastRewriteSecs: number;
  lastRewriteMs: number;
  rewrites: number;
  rewriteFailuresInRow: number;
  loadedKeys: number;
  loadedExpired: number;
  /** Longest synchronous slice of the last background walk (ms), reported in INFO. */
  lastWalkMaxSliceMs: number;
}

export function initialState(savePoints: [number, number][], now: number): PersistenceState {
  return {
    manifest: null,
    aofOn: false,
    baseSize: 0,
    incrBefore: 0,
    journalAdded: false,
    savePoints,
    job: null,
    bgsaveScheduled: false,
    rewriteScheduled: false,
    lastSaveAt: now,
    lastBgsaveOk: true,
    lastBgsaveTry: 0,
    lastBgsaveSecs: -1,
    lastBgsaveMs: -1,
    rdbSaves: 0,
    lastRewriteOk: true,
    lastRewriteFail: 0,
    lastRewriteSecs: -1,
    lastRewriteMs: -1,
    rewrites: 0,
    rewriteFailuresInRow: 0,
    loadedKeys: 0,
    loadedExpired: 0,
    lastWalkMaxSliceMs: 0,
  };
}

/** What every part works with: the deps, the file locations, the AOF writer and the shared state. */
export interface PersistenceCtx {
  readonly deps: PersistenceDeps;
  readonly io: PersistenceFs;
  readonly log: Logger;
  readonly dir: string;
  readonly aofDir: string;
  readonly aofName: string;
  readonly aof: AofWriter;
  readonly s: PersistenceState;
}

/** Read from the config on every use: CONFIG SET appendonly takes effect without telling us twice. */
export function appendonly(ctx: PersistenceCtx): boolean {
  return ctx.deps.config.bool('appendonly');
}

export function snapshotPath(ctx: PersistenceCtx): string {
  return path.join(ctx.dir, ctx.deps.config.str('dbfilename'));
}

export function keyCount(store: Store): number {
  let n = 0;
  for (let i = 0; i < store.databases; i++) n += store.db(i).size;
  return n;
}
