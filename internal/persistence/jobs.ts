// The single background job slot shared by BGSAVE and AOF rewrite: start, the walker's write hook, abort, finish.
import { refreshGuard } from './health.js';
import type { Job, PersistenceCtx } from './state.js';
import { DatasetWalker } from './walker.js';

/** Occupies the slot with a new job of `kind` and runs it; the slot frees itself when `run` settles. */
export function startJob(ctx: PersistenceCtx, kind: Job['kind'], run: (job: Job) => Promise<void>): void {
  const job: Job = { kind, startedAt: ctx.deps.now(), walker: null, aborted: false, done: Promise.resolve() };
  ctx.s.job = job;
  job.done = run(job).finally(() => {
    finishJob(ctx, job);
  });
}

/**
 * Starts the point-in-time walk: the walker and the executor's before-write hook are installed in
 * the same synchronous step, so no write can slip between the capture and the hook.
 */
export function beginWalk(ctx: PersistenceCtx, job: Job): DatasetWalker {
  const walker = new DatasetWalker(ctx.deps.store, { preamble: ctx.deps.preamble?.() ?? [] });
  job.walker = walker;
  ctx.deps.executor.beforeWrite = (db, spec, argv) => walker.beforeWrite(db, spec, argv);
  return walker;
}

export function endWalk(ctx: PersistenceCtx, job: Job): void {
  if (job.walker !== null && ctx.deps.executor.beforeWrite !== null) ctx.deps.executor.beforeWrite = null;
  job.walker = null;
}

function finishJob(ctx: PersistenceCtx, job: Job): void {
  if (ctx.s.job === job) ctx.s.job = null;
  refreshGuard(ctx);
}

/** Asks the running job to stop; it cleans up on its own (await `idle`). */
export function abortJob(ctx: PersistenceCtx): void {
  const job = ctx.s.job;
  if (job === null) return;
  job.aborted = true;
  job.walker?.abort();
}

/** Resolves once no background job runs (tests, shutdown). */
export async function idle(ctx: PersistenceCtx): Promise<void> {
  while (ctx.s.job !== null) await ctx.s.job.done;
}
