// Snapshots: SAVE (blocking), BGSAVE (a point-in-time walk) with its success/failure bookkeeping, and the final save at shutdown.
import { performance } from 'node:perf_hooks';
import { CommandError } from '../contracts/errors.js';
import type { ShutdownOptions } from '../contracts/persistence.js';
import { strerror } from './fsio.js';
import { refreshGuard } from './health.js';
import { abortJob, beginWalk, endWalk, startJob } from './jobs.js';
import { SnapshotWriter, SnapshotWriterSync } from './snapshot-file.js';
import { type Job, type PersistenceCtx, snapshotPath } from './state.js';
import { dumpSync, WalkAborted, type WalkStats } from './walker.js';

/** Unix seconds of the last successful snapshot (start time if none). */
export function lastsave(ctx: PersistenceCtx): number {
  return Math.floor(ctx.s.lastSaveAt / 1000);
}

/** SAVE. Throws CommandError. */
export function saveCommand(ctx: PersistenceCtx): void {
  if (ctx.s.job?.kind === 'rdb') throw new CommandError('ERR', 'Background save already in progress');
  try {
    saveSync(ctx);
  } catch (e) {
    throw new CommandError('ERR', `Failed saving the snapshot: ${strerror(e)}`);
  }
}

/** BGSAVE [SCHEDULE]: the status line. A rewrite in progress defers it only when asked to. */
export function bgsaveCommand(ctx: PersistenceCtx, schedule: boolean): string {
  if (ctx.s.job?.kind === 'rdb') throw new CommandError('ERR', 'Background save already in progress');
  if (ctx.s.job !== null) {
    if (!schedule) {
      throw new CommandError('ERR', "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    ctx.s.bgsaveScheduled = true;
    return 'Background saving scheduled';
  }
  startBgsave(ctx);
  return 'Background saving started';
}

/**
 * The synchronous part of SHUTDOWN / SIGTERM: stops background jobs and writes the final
 * snapshot when asked or when save points are configured. Throws CommandError (Redis's
 * wording) if that fails without FORCE, and the node keeps running.
 */
export function finalSave(ctx: PersistenceCtx, opts: ShutdownOptions): void {
  abortJob(ctx);
  const wanted = opts.save ?? ctx.s.savePoints.length > 0;
  if (wanted) {
    try {
      saveSync(ctx);
    } catch {
      if (!opts.force) throw new CommandError('ERR', 'Errors trying to SHUTDOWN. Check logs.');
    }
  }
  if (ctx.aof.writeError !== null && !opts.force) throw new CommandError('ERR', 'Errors trying to SHUTDOWN. Check logs.');
}

/** A blocking snapshot: SAVE and shutdown. Throws on failure (and records it). */
export function saveSync(ctx: PersistenceCtx): void {
  const file = snapshotPath(ctx);
  const w = new SnapshotWriterSync(ctx.io, file);
  const t0 = performance.now();
  try {
    w.open();
    dumpSync(ctx.deps.store, ctx.deps.now(), (chunk) => w.write(chunk), undefined, ctx.deps.preamble?.() ?? []);
    w.commit();
  } catch (e) {
    w.abort();
    ctx.s.lastBgsaveOk = false;
    ctx.s.lastBgsaveTry = ctx.deps.now();
    refreshGuard(ctx);
    ctx.log.error({ file, err: strerror(e) }, 'snapshot failed');
    throw e;
  }
  ctx.deps.stats.dirty = 0;
  ctx.s.lastSaveAt = ctx.deps.now();
  ctx.s.lastBgsaveOk = true;
  ctx.s.rdbSaves++;
  refreshGuard(ctx);
  ctx.log.info({ file, bytes: w.bytes, ms: Math.round(performance.now() - t0) }, 'DB saved on disk');
}

export function startBgsave(ctx: PersistenceCtx): void {
  startJob(ctx, 'rdb', (job) => bgsaveJob(ctx, job));
}

async function bgsaveJob(ctx: PersistenceCtx, job: Job): Promise<void> {
  const w = new SnapshotWriter(ctx.io, snapshotPath(ctx));
  ctx.s.lastBgsaveTry = ctx.deps.now();
  ctx.log.info({}, 'Background saving started');
  // The point in time is the BGSAVE itself: the walker, the hook and the dirty count are taken
  // in the same synchronous step as the command (this runs before the first await).
  const walker = beginWalk(ctx, job);
  const dirtyAtStart = ctx.deps.stats.dirty;
  try {
    await w.open();
    if (job.aborted) throw new WalkAborted();
    const stats = await walker.run((chunk) => w.write(chunk));
    endWalk(ctx, job);
    await w.commit();
    bgsaveSucceeded(ctx, dirtyAtStart, stats);
    ctx.log.info(
      { file: snapshotPath(ctx), keys: stats.keys, preserved: stats.preserved, bytes: w.bytes, maxSliceMs: Math.round(stats.maxSliceMs * 10) / 10 },
      'Background saving terminated with success',
    );
  } catch (e) {
    endWalk(ctx, job);
    await w.abort();
    if (job.aborted) {
      ctx.log.warn({}, 'Background saving aborted');
    } else {
      ctx.s.lastBgsaveOk = false;
      ctx.log.error({ file: snapshotPath(ctx), err: strerror(e) }, 'Background saving error');
    }
  } finally {
    ctx.s.lastBgsaveMs = ctx.deps.now() - job.startedAt;
    ctx.s.lastBgsaveSecs = Math.round(ctx.s.lastBgsaveMs / 1000);
  }
}

/** Only the changes made before the BGSAVE began are in the snapshot: the ones made during it stay dirty. */
function bgsaveSucceeded(ctx: PersistenceCtx, dirtyAtStart: number, stats: WalkStats): void {
  ctx.deps.stats.dirty = Math.max(0, ctx.deps.stats.dirty - dirtyAtStart);
  ctx.s.lastSaveAt = ctx.deps.now();
  ctx.s.lastBgsaveOk = true;
  ctx.s.rdbSaves++;
  ctx.s.lastWalkMaxSliceMs = stats.maxSliceMs;
}
