// What the cron starts next (scheduled jobs, save points, AOF creation retry, automatic rewrite): pure decisions, then the step that acts on them.
import { aofCurrentSize } from './aof-files.js';
import { startRewrite } from './rewrite-job.js';
import { startBgsave } from './snapshots.js';
import { appendonly, type PersistenceCtx } from './state.js';

/** After a failed BGSAVE, scheduled saves wait this long before trying again (Redis's CONFIG_BGSAVE_RETRY_DELAY). */
export const BGSAVE_RETRY_MS = 5000;
/** After a failed AOF rewrite, automatic ones wait this long. */
export const REWRITE_RETRY_MS = 5000;

/** Parses `save` ("3600 1 300 100"): [seconds, changes] pairs. */
export function parseSavePoints(s: string): [number, number][] {
  const parts = s.trim() === '' ? [] : s.trim().split(/\s+/).map(Number);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([parts[i] as number, parts[i + 1] as number]);
  return out;
}

export interface SavePointInput {
  readonly savePoints: readonly (readonly [number, number])[];
  readonly dirty: number;
  readonly now: number;
  readonly lastSaveAt: number;
  readonly lastBgsaveOk: boolean;
  readonly lastBgsaveTry: number;
}

/**
 * The first save point reached ([seconds, changes]: that many changes, and the last save more than
 * that long ago), or null. After a failed BGSAVE none is reached until the retry delay passed, so a
 * full disk is not hammered every cron tick.
 */
export function savePointReached(i: SavePointInput): readonly [number, number] | null {
  if (!i.lastBgsaveOk && i.now - i.lastBgsaveTry <= BGSAVE_RETRY_MS) return null;
  for (const point of i.savePoints) {
    const [secs, changes] = point;
    if (i.dirty >= changes && i.now - i.lastSaveAt > secs * 1000) return point;
  }
  return null;
}

export interface AutoRewriteInput {
  /** auto-aof-rewrite-percentage (0: off). */
  readonly percentage: number;
  /** auto-aof-rewrite-min-size (bytes). */
  readonly minSize: number;
  /** aof_current_size and aof_base_size. */
  readonly size: number;
  readonly baseSize: number;
}

/**
 * Whether the AOF grew enough past its base to rewrite it; the figures for the log when so. An empty
 * base counts as 1 byte, so a fresh AOF is measured by min-size alone.
 */
export function autoRewriteDue(i: AutoRewriteInput): { size: number; base: number; growth: number } | null {
  if (i.percentage <= 0) return null;
  const base = i.baseSize > 0 ? i.baseSize : 1;
  const growth = ((i.size - base) * 100) / base;
  if (i.size < i.minSize || growth < i.percentage) return null;
  return { size: i.size, base, growth: Math.round(growth) };
}

export type CronJob =
  | { readonly kind: 'none' }
  | { readonly kind: 'scheduled-rewrite' }
  | { readonly kind: 'scheduled-bgsave' }
  | { readonly kind: 'save-point'; readonly seconds: number; readonly changes: number }
  | { readonly kind: 'create-aof' }
  | { readonly kind: 'auto-rewrite'; readonly size: number; readonly base: number; readonly growth: number };

export interface CronInput extends SavePointInput {
  readonly jobRunning: boolean;
  readonly rewriteScheduled: boolean;
  readonly bgsaveScheduled: boolean;
  readonly appendonly: boolean;
  readonly aofOn: boolean;
  readonly lastRewriteFail: number;
  /** Only consulted while the AOF is on. */
  readonly autoRewrite: AutoRewriteInput;
}

/**
 * The job the cron starts now, by priority: one job at a time; what a command deferred (BGSAVE
 * SCHEDULE, BGREWRITEAOF during a BGSAVE) first; then save points; then the AOF that
 * appendonly-on has not managed to create yet; then growth. Rewrites wait REWRITE_RETRY_MS after
 * a failure.
 */
export function nextCronJob(i: CronInput): CronJob {
  if (i.jobRunning) return { kind: 'none' };
  if (i.rewriteScheduled) return { kind: 'scheduled-rewrite' };
  if (i.bgsaveScheduled) return { kind: 'scheduled-bgsave' };
  const point = savePointReached(i);
  if (point !== null) return { kind: 'save-point', seconds: point[0], changes: point[1] };
  const rewriteMayRun = i.now - i.lastRewriteFail > REWRITE_RETRY_MS;
  if (i.appendonly && !i.aofOn && rewriteMayRun) return { kind: 'create-aof' };
  if (!i.aofOn || !rewriteMayRun) return { kind: 'none' };
  const due = autoRewriteDue(i.autoRewrite);
  return due === null ? { kind: 'none' } : { kind: 'auto-rewrite', ...due };
}

function cronInput(ctx: PersistenceCtx, now: number): CronInput {
  const { s, deps } = ctx;
  return {
    now,
    jobRunning: s.job !== null,
    rewriteScheduled: s.rewriteScheduled,
    bgsaveScheduled: s.bgsaveScheduled,
    savePoints: s.savePoints,
    dirty: deps.stats.dirty,
    lastSaveAt: s.lastSaveAt,
    lastBgsaveOk: s.lastBgsaveOk,
    lastBgsaveTry: s.lastBgsaveTry,
    appendonly: appendonly(ctx),
    aofOn: s.aofOn,
    lastRewriteFail: s.lastRewriteFail,
    autoRewrite: {
      percentage: deps.config.num('auto_aof_rewrite_percentage'),
      minSize: deps.config.num('auto_aof_rewrite_min_size'),
      size: aofCurrentSize(ctx),
      baseSize: s.baseSize,
    },
  };
}

/** Called from the node's cron: starts at most one background job. */
export function runCron(ctx: PersistenceCtx, now: number): void {
  const job = nextCronJob(cronInput(ctx, now));
  switch (job.kind) {
    case 'none':
      return;
    case 'scheduled-rewrite':
      ctx.s.rewriteScheduled = false;
      startRewrite(ctx);
      return;
    case 'scheduled-bgsave':
      ctx.s.bgsaveScheduled = false;
      startBgsave(ctx);
      return;
    case 'save-point':
      ctx.log.info({ changes: ctx.deps.stats.dirty, seconds: job.seconds }, `${job.changes} changes in ${job.seconds} seconds. Saving...`);
      startBgsave(ctx);
      return;
    case 'create-aof':
      // appendonly was turned on and the rewrite creating the AOF has not succeeded yet.
      startRewrite(ctx);
      return;
    case 'auto-rewrite':
      ctx.log.info({ size: job.size, base: job.base, growth: job.growth }, 'Starting automatic rewriting of AOF');
      startRewrite(ctx);
      return;
  }
}
