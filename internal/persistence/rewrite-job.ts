// AOF rewrite job (BGREWRITEAOF, appendonly turned on): a new incremental file, a point-in-time base walk, the manifest swap, cleanup on failure.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CommandError } from '../contracts/errors.js';
import type { AofFile } from './aof.js';
import { attachAof, manifestBytes, manifestPath, nextParts, readManifestQuietly, removeParts } from './aof-files.js';
import { IncrementalWriter, strerror, tempName, writeFileAtomic } from './fsio.js';
import { beginWalk, endWalk, startJob } from './jobs.js';
import type { AofPart, Manifest } from './manifest.js';
import { appendonly, type Job, type PersistenceCtx } from './state.js';
import { type DatasetWalker, WalkAborted, type WalkStats } from './walker.js';

/** Where one rewrite writes, decided before its first await. */
interface RewritePlan {
  /** appendonly at the start: journal into the new incremental file, or only write a base (AOF off). */
  readonly journaling: boolean;
  /** For the log's duration only (wall time of this process, not the injected clock). */
  readonly t0: number;
  readonly old: Manifest | null;
  readonly base: AofPart;
  readonly incr: AofPart;
  readonly basePath: string;
  readonly incrPath: string;
  readonly baseTmp: string;
}

/** What a failed rewrite has to undo: how far it got. */
interface RewriteProgress {
  incrFile: AofFile | null;
  /** Journaling already moved to the new incremental file. */
  switched: boolean;
  /** The temp base file while open, else -1. */
  baseFd: number;
}

/** BGREWRITEAOF: the status line. Another job running defers the rewrite to the cron. */
export function bgrewriteaofCommand(ctx: PersistenceCtx): string {
  if (ctx.s.job?.kind === 'aof') throw new CommandError('ERR', 'Background append only file rewriting already in progress');
  if (ctx.s.job !== null) {
    ctx.s.rewriteScheduled = true;
    return 'Background append only file rewriting scheduled';
  }
  startRewrite(ctx);
  return 'Background append only file rewriting started';
}

export function startRewrite(ctx: PersistenceCtx): void {
  startJob(ctx, 'aof', (job) => rewriteJob(ctx, job));
}

/**
 * BGREWRITEAOF (also: turning appendonly on, and BGREWRITEAOF with it off). A new incremental file
 * is opened and, when an AOF exists, added to the manifest first, so a crash at any later point
 * still replays to the current state. At one synchronous point journaling switches to the new
 * file and the walker captures the data set; the walker writes the new base in slices; then the
 * base is renamed into place, the manifest naming just the new base and new incremental file
 * replaces the old one atomically, and the old files are deleted.
 */
async function rewriteJob(ctx: PersistenceCtx, job: Job): Promise<void> {
  const plan = planRewrite(ctx);
  const prog: RewriteProgress = { incrFile: null, switched: false, baseFd: -1 };
  ctx.log.info({ incr: plan.incr.name }, 'Background append only file rewriting started');
  try {
    const incrFile = await openNewIncr(ctx, plan, prog);
    if (job.aborted) throw new WalkAborted();
    // The switch point: journaling moves to the new file exactly where the walker starts (no
    // await between the two, so every write lands either in the base or in the new file).
    if (plan.journaling) switchJournal(ctx, incrFile, prog);
    const walker = beginWalk(ctx, job);
    const stats = await writeBase(ctx, job, walker, plan, prog);
    await commitRewrite(ctx, plan, incrFile, stats);
  } catch (e) {
    endWalk(ctx, job);
    await undoRewrite(ctx, plan, prog);
    rewriteFailed(ctx, job, e);
  } finally {
    ctx.s.lastRewriteMs = ctx.deps.now() - job.startedAt;
    ctx.s.lastRewriteSecs = Math.round(ctx.s.lastRewriteMs / 1000);
  }
}

function planRewrite(ctx: PersistenceCtx): RewritePlan {
  const journaling = appendonly(ctx);
  const t0 = performance.now();
  fs.mkdirSync(ctx.aofDir, { recursive: true });
  const old = ctx.s.manifest ?? readManifestQuietly(ctx);
  const { base, incr } = nextParts(ctx.aofName, old);
  const basePath = path.join(ctx.aofDir, base.name);
  return { journaling, t0, old, base, incr, basePath, incrPath: path.join(ctx.aofDir, incr.name), baseTmp: tempName(basePath) };
}

/** Opens the new incremental file and, while an AOF is on, lists it in the manifest after the old ones. */
async function openNewIncr(ctx: PersistenceCtx, plan: RewritePlan, prog: RewriteProgress): Promise<AofFile> {
  const incrFile: AofFile = { name: plan.incr.name, path: plan.incrPath, fd: await ctx.io.open(plan.incrPath, 'w'), size: 0 };
  prog.incrFile = incrFile;
  if (ctx.s.aofOn && plan.old !== null) {
    const interim: Manifest = { base: plan.old.base, incrs: [...plan.old.incrs, plan.incr] };
    await writeFileAtomic(ctx.io, manifestPath(ctx), manifestBytes(interim));
    ctx.s.manifest = interim;
  }
  return incrFile;
}

function switchJournal(ctx: PersistenceCtx, incrFile: AofFile, prog: RewriteProgress): void {
  const prev = ctx.aof.current;
  if (ctx.s.aofOn && prev !== null) ctx.s.incrBefore += prev.size;
  attachAof(ctx, incrFile, true);
  prog.switched = true;
}

/** Writes the walk into the temp base in slices, makes it durable and renames it into place. */
async function writeBase(ctx: PersistenceCtx, job: Job, walker: DatasetWalker, plan: RewritePlan, prog: RewriteProgress): Promise<WalkStats> {
  prog.baseFd = await ctx.io.open(plan.baseTmp, 'w');
  const out = new IncrementalWriter(ctx.io, prog.baseFd);
  const stats = await walker.run((chunk) => out.write(chunk));
  endWalk(ctx, job);
  await ctx.io.fsync(prog.baseFd);
  await ctx.io.close(prog.baseFd);
  prog.baseFd = -1;
  await ctx.io.rename(plan.baseTmp, plan.basePath);
  return stats;
}

/** The manifest naming only the new base and incremental file replaces the old one atomically. */
async function commitRewrite(ctx: PersistenceCtx, plan: RewritePlan, incrFile: AofFile, stats: WalkStats): Promise<void> {
  const next: Manifest = { base: plan.base, incrs: [plan.incr] };
  await writeFileAtomic(ctx.io, manifestPath(ctx), manifestBytes(next));
  ctx.s.manifest = next;
  ctx.s.baseSize = stats.bytes;
  ctx.s.incrBefore = 0;
  if (!plan.journaling) await ctx.io.close(incrFile.fd);
  ctx.s.aofOn = plan.journaling;
  if (plan.old !== null) removeParts(ctx, plan.old, next);
  ctx.s.lastRewriteOk = true;
  ctx.s.rewriteFailuresInRow = 0;
  ctx.s.rewrites++;
  ctx.s.lastWalkMaxSliceMs = stats.maxSliceMs;
  ctx.log.info(
    {
      base: plan.base.name,
      keys: stats.keys,
      preserved: stats.preserved,
      bytes: stats.bytes,
      ms: Math.round(performance.now() - plan.t0),
      maxSliceMs: Math.round(stats.maxSliceMs * 10) / 10,
    },
    'Background AOF rewrite finished successfully',
  );
}

/** Removes what a failed rewrite created, leaving the previous AOF (if any) exactly as it was. */
async function undoRewrite(ctx: PersistenceCtx, plan: RewritePlan, prog: RewriteProgress): Promise<void> {
  if (prog.baseFd >= 0) await ctx.io.close(prog.baseFd).catch(() => undefined);
  await ctx.io.unlink(plan.baseTmp).catch(() => undefined);
  if (!prog.switched && prog.incrFile !== null) {
    await dropUnusedIncr(ctx, plan, prog.incrFile);
  } else if (prog.switched && !ctx.s.aofOn) {
    // Turning the AOF on failed: stop journaling into a file no manifest names.
    await ctx.aof.close().catch(() => undefined);
    await ctx.io.unlink(plan.incrPath).catch(() => undefined);
  }
}

/** Never journaled into: drop it, and take it back out of the manifest if it was added. */
async function dropUnusedIncr(ctx: PersistenceCtx, plan: RewritePlan, incrFile: AofFile): Promise<void> {
  await ctx.io.close(incrFile.fd).catch(() => undefined);
  const m = ctx.s.manifest;
  if (m !== null && m.incrs.some((p) => p.name === plan.incr.name)) {
    const back: Manifest = { base: m.base, incrs: m.incrs.filter((p) => p.name !== plan.incr.name) };
    await writeFileAtomic(ctx.io, manifestPath(ctx), manifestBytes(back)).then(
      () => {
        ctx.s.manifest = back;
        return ctx.io.unlink(plan.incrPath);
      },
      () => undefined,
    );
  } else {
    await ctx.io.unlink(plan.incrPath).catch(() => undefined);
  }
}

/** An aborted rewrite (shutdown, appendonly off) is not a failure: it neither counts nor shows as err. */
function rewriteFailed(ctx: PersistenceCtx, job: Job, e: unknown): void {
  ctx.s.lastRewriteFail = ctx.deps.now();
  if (job.aborted) {
    ctx.log.warn({}, 'Background AOF rewrite aborted');
  } else {
    ctx.s.lastRewriteOk = false;
    ctx.s.rewriteFailuresInRow++;
    ctx.log.error({ err: strerror(e) }, 'Background AOF rewrite terminated with error');
  }
}
