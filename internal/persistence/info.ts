// INFO persistence fields and the /metrics figures, as pure functions of a read-only view of persistence state.
import type { PersistenceFigures } from '../contracts/figures.js';
import type { BucketCounts } from '../observability/buckets.js';
import { aofCurrentSize } from './aof-files.js';
import { appendonly, keyCount, type PersistenceCtx, type PersistenceState } from './state.js';

/** What INFO and /metrics read from the AOF writer. */
export interface AofFigures {
  readonly writeError: string | null;
  readonly currentSize: number;
  readonly bufferLength: number;
  readonly delayedFsyncs: number;
  readonly writeErrors: number;
  readonly fsyncLatency: BucketCounts;
}

export interface PersistenceView {
  readonly s: Readonly<PersistenceState>;
  readonly appendonly: boolean;
  /** Changes since the last successful save (the server's dirty counter). */
  readonly dirty: number;
  readonly aof: AofFigures;
  /** Keys in the data set while a walk runs (its progress denominator), else 0. */
  readonly saveKeysTotal: number;
}

/** Gathers the view; the only part that touches live objects. */
export function persistenceView(ctx: PersistenceCtx): PersistenceView {
  const { aof } = ctx;
  return {
    s: ctx.s,
    appendonly: appendonly(ctx),
    dirty: ctx.deps.stats.dirty,
    aof: {
      writeError: aof.writeError,
      currentSize: aofCurrentSize(ctx),
      bufferLength: aof.bufferLength,
      delayedFsyncs: aof.counters.delayedFsyncs,
      writeErrors: aof.counters.writeErrors,
      fsyncLatency: aof.fsyncLatency,
    },
    // Counting keys walks every db: only worth it while INFO shows a save's progress.
    saveKeysTotal: (ctx.s.job?.walker ?? null) !== null ? keyCount(ctx.deps.store) : 0,
  };
}

const lastSaveTime = (s: Readonly<PersistenceState>): number => Math.floor(s.lastSaveAt / 1000);
const secondsOrNever = (ms: number): number => (ms < 0 ? -1 : ms / 1000);

/** INFO persistence's figures as numbers, for /metrics (the same sources INFO reads). */
export function persistenceFigures(v: PersistenceView): PersistenceFigures {
  const { s, aof } = v;
  return {
    aofEnabled: v.appendonly,
    aofCurrentSize: v.appendonly ? aof.currentSize : 0,
    aofBaseSize: v.appendonly ? s.baseSize : 0,
    aofLastWriteOk: aof.writeError === null,
    aofWriteErrors: aof.writeErrors,
    aofRewriteInProgress: s.job?.kind === 'aof',
    aofLastRewriteOk: s.lastRewriteOk,
    aofLastRewriteSeconds: secondsOrNever(s.lastRewriteMs),
    aofRewrites: s.rewrites,
    fsyncLatency: aof.fsyncLatency,
    rdbBgsaveInProgress: s.job?.kind === 'rdb',
    rdbLastBgsaveOk: s.lastBgsaveOk,
    rdbLastBgsaveSeconds: secondsOrNever(s.lastBgsaveMs),
    rdbLastSaveTime: lastSaveTime(s),
    rdbSaves: s.rdbSaves,
    rdbChangesSinceLastSave: v.dirty,
  };
}

/** INFO persistence fields, in Redis's order; fields of work this build never forks for are constant. */
export function persistenceInfo(v: PersistenceView, now: number): [string, string | number][] {
  const fields = [...rdbFields(v, now), ...aofFields(v, now)];
  if (v.appendonly) for (const f of aofEnabledFields(v)) fields.push(f);
  if (v.aof.writeError !== null) fields.push(['aof_last_write_error', v.aof.writeError]);
  return fields;
}

/** Seconds the running job of `kind` has been running, else -1. */
function runningSecs(s: Readonly<PersistenceState>, kind: 'rdb' | 'aof', now: number): number {
  const job = s.job;
  return job?.kind === kind ? Math.round((now - job.startedAt) / 1000) : -1;
}

function rdbFields(v: PersistenceView, now: number): [string, string | number][] {
  const { s } = v;
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', s.job?.walker?.stats.keys ?? 0],
    ['current_save_keys_total', v.saveKeysTotal],
    ['rdb_changes_since_last_save', v.dirty],
    ['rdb_bgsave_in_progress', s.job?.kind === 'rdb' ? 1 : 0],
    ['rdb_last_save_time', lastSaveTime(s)],
    ['rdb_last_bgsave_status', s.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', s.lastBgsaveSecs],
    ['rdb_current_bgsave_time_sec', runningSecs(s, 'rdb', now)],
    ['rdb_saves', s.rdbSaves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', s.loadedExpired],
    ['rdb_last_load_keys_loaded', s.loadedKeys],
  ];
}

function aofFields(v: PersistenceView, now: number): [string, string | number][] {
  const { s } = v;
  return [
    ['aof_enabled', v.appendonly ? 1 : 0],
    ['aof_rewrite_in_progress', s.job?.kind === 'aof' ? 1 : 0],
    ['aof_rewrite_scheduled', s.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', s.lastRewriteSecs],
    ['aof_current_rewrite_time_sec', runningSecs(s, 'aof', now)],
    ['aof_last_bgrewrite_status', s.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', s.rewrites],
    ['aof_rewrites_consecutive_failures', s.rewriteFailuresInRow],
    ['aof_last_write_status', v.aof.writeError === null ? 'ok' : 'err'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    // ringcache: the longest synchronous slice of the last snapshot / rewrite walk.
    ['last_walk_max_slice_ms', s.lastWalkMaxSliceMs.toFixed(1)],
  ];
}

/** Fields Redis shows only while the AOF is on. */
function aofEnabledFields(v: PersistenceView): [string, string | number][] {
  return [
    ['aof_current_size', v.aof.currentSize],
    ['aof_base_size', v.s.baseSize],
    ['aof_pending_rewrite', v.s.rewriteScheduled ? 1 : 0],
    ['aof_buffer_length', v.aof.bufferLength],
    ['aof_pending_bio_fsync', 0],
    ['aof_delayed_fsync', v.aof.delayedFsyncs],
  ];
}
