// INFO persistence / figures tests: Redis's field order, AOF-only fields, running-job times and "never happened" values, from plain state.
import { describe, expect, it } from 'vitest';
import { BucketCounts, FSYNC_LATENCY_BOUNDS_S } from '../observability/buckets.js';
import { createTestExecutor } from '../testing/exec.js';
import { type AofFigures, persistenceFigures, persistenceInfo, type PersistenceView } from './info.js';
import { initialState, type Job, type PersistenceState } from './state.js';
import { DatasetWalker } from './walker.js';

const T = 1_700_000_000_500;
const aof: AofFigures = { writeError: null, currentSize: 300, bufferLength: 7, delayedFsyncs: 2, writeErrors: 1, fsyncLatency: new BucketCounts(FSYNC_LATENCY_BOUNDS_S) };

function view(over: Partial<PersistenceState> = {}, rest: Partial<Omit<PersistenceView, 's'>> = {}): PersistenceView {
  return { s: { ...initialState([[3600, 1]], T), ...over }, appendonly: false, dirty: 5, aof, saveKeysTotal: 0, ...rest };
}
const job = (kind: Job['kind'], startedAt: number, walker: DatasetWalker | null = null): Job => ({ kind, startedAt, walker, aborted: false, done: Promise.resolve() });
const fields = (v: PersistenceView, now = T): Record<string, string | number> => Object.fromEntries(persistenceInfo(v, now));

const ALWAYS = [
  'loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc',
  'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress',
  'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves',
  'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress',
  'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status',
  'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size', 'module_fork_in_progress',
  'module_fork_last_cow_size', 'last_walk_max_slice_ms',
];
const WITH_AOF = ['aof_current_size', 'aof_base_size', 'aof_pending_rewrite', 'aof_buffer_length', 'aof_pending_bio_fsync', 'aof_delayed_fsync'];

describe('persistenceInfo', () => {
  it.each<[string, PersistenceView, string[]]>([
    ['AOF off', view(), ALWAYS],
    ['AOF on', view({}, { appendonly: true }), [...ALWAYS, ...WITH_AOF]],
    ['AOF off with a write error still pending', view({}, { aof: { ...aof, writeError: 'EIO' } }), [...ALWAYS, 'aof_last_write_error']],
    ['AOF on with a write error', view({}, { appendonly: true, aof: { ...aof, writeError: 'EIO' } }), [...ALWAYS, ...WITH_AOF, 'aof_last_write_error']],
  ])('lists the fields in order: %s', (_what, v, names) => {
    expect(persistenceInfo(v, T).map(([k]) => k)).toEqual(names);
  });

  it('reports a fresh node: nothing saved or rewritten yet, last save = start', () => {
    expect(fields(view())).toMatchObject({
      rdb_changes_since_last_save: 5,
      rdb_bgsave_in_progress: 0,
      rdb_last_save_time: Math.floor(T / 1000),
      rdb_last_bgsave_status: 'ok',
      rdb_last_bgsave_time_sec: -1,
      rdb_current_bgsave_time_sec: -1,
      aof_enabled: 0,
      aof_last_rewrite_time_sec: -1,
      aof_current_rewrite_time_sec: -1,
      aof_last_write_status: 'ok',
      last_walk_max_slice_ms: '0.0',
    });
  });

  it.each<[string, Job, Record<string, number>]>([
    ['a BGSAVE', job('rdb', T - 2600), { rdb_bgsave_in_progress: 1, rdb_current_bgsave_time_sec: 3, aof_rewrite_in_progress: 0, aof_current_rewrite_time_sec: -1 }],
    ['a rewrite', job('aof', T - 1400), { rdb_bgsave_in_progress: 0, rdb_current_bgsave_time_sec: -1, aof_rewrite_in_progress: 1, aof_current_rewrite_time_sec: 1 }],
  ])('reports %s in progress and its running time (rounded seconds)', (_what, j, expected) => {
    expect(fields(view({ job: j }))).toMatchObject(expected);
  });

  it('shows the running walk progress', () => {
    const walker = new DatasetWalker(createTestExecutor().store);
    walker.stats.keys = 42;
    expect(fields(view({ job: job('rdb', T, walker) }, { saveKeysTotal: 100 }))).toMatchObject({ current_save_keys_processed: 42, current_save_keys_total: 100 });
  });

  it('reports failures, counts and the AOF-only figures', () => {
    const v = view(
      { lastBgsaveOk: false, lastRewriteOk: false, rewriteFailuresInRow: 2, rewrites: 4, rdbSaves: 3, baseSize: 120, rewriteScheduled: true, lastWalkMaxSliceMs: 3.14159, loadedKeys: 9 },
      { appendonly: true },
    );
    expect(fields(v)).toMatchObject({
      rdb_last_bgsave_status: 'err',
      aof_last_bgrewrite_status: 'err',
      aof_rewrites_consecutive_failures: 2,
      aof_rewrites: 4,
      rdb_saves: 3,
      rdb_last_load_keys_loaded: 9,
      aof_rewrite_scheduled: 1,
      last_walk_max_slice_ms: '3.1',
      aof_current_size: 300,
      aof_base_size: 120,
      aof_pending_rewrite: 1,
      aof_buffer_length: 7,
      aof_delayed_fsync: 2,
    });
  });
});

describe('persistenceFigures', () => {
  it('reports -1 seconds for what never happened and zero AOF sizes while the AOF is off', () => {
    expect(persistenceFigures(view({ baseSize: 120 }))).toMatchObject({
      aofEnabled: false,
      aofCurrentSize: 0,
      aofBaseSize: 0,
      aofLastRewriteSeconds: -1,
      rdbLastBgsaveSeconds: -1,
      rdbLastSaveTime: Math.floor(T / 1000),
      rdbChangesSinceLastSave: 5,
    });
  });

  it('reports unrounded durations, running jobs and the AOF figures while on', () => {
    const f = persistenceFigures(view({ baseSize: 120, lastRewriteMs: 1500, lastBgsaveMs: 250, job: job('aof', T) }, { appendonly: true, aof: { ...aof, writeError: 'EIO' } }));
    expect(f).toMatchObject({
      aofEnabled: true,
      aofCurrentSize: 300,
      aofBaseSize: 120,
      aofLastWriteOk: false,
      aofWriteErrors: 1,
      aofRewriteInProgress: true,
      rdbBgsaveInProgress: false,
      aofLastRewriteSeconds: 1.5,
      rdbLastBgsaveSeconds: 0.25,
    });
    expect(f.fsyncLatency).toBe(aof.fsyncLatency);
  });
});
