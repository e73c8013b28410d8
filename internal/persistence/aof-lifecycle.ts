// AOF lifecycle: opening the AOF's tail after recovery, creating it at start-up, turning appendonly on and off at run time, closing it.
import fs from 'node:fs';
import path from 'node:path';
import { attachAof, manifestBytes, manifestPath, nextParts, readManifestQuietly, removeParts } from './aof-files.js';
import { strerror, tempName, writeAllSync, writeFileAtomicSync } from './fsio.js';
import { refreshGuard } from './health.js';
import { abortJob, idle } from './jobs.js';
import { type AofPart, incrName, type Manifest } from './manifest.js';
import { startRewrite } from './rewrite-job.js';
import type { PersistenceCtx } from './state.js';
import { dumpSync } from './walker.js';

/**
 * After the manifest `m` was replayed: journaling continues in its last incremental file, right
 * after the last complete record (recovery has cut a torn tail).
 */
export function openTail(ctx: PersistenceCtx, m: Manifest): void {
  ctx.s.manifest = m;
  const lastIncr = m.incrs[m.incrs.length - 1];
  if (lastIncr === undefined) {
    // A base without incremental files (written while appendonly was off): start one.
    const part: AofPart = { name: incrName(ctx.aofName, 1), seq: 1, type: 'i' };
    const fd = ctx.io.openSync(path.join(ctx.aofDir, part.name), 'w');
    const next: Manifest = { base: m.base, incrs: [part] };
    writeFileAtomicSync(ctx.io, manifestPath(ctx), manifestBytes(next));
    ctx.s.manifest = next;
    attachAof(ctx, { name: part.name, path: path.join(ctx.aofDir, part.name), fd, size: 0 }, false);
  } else {
    const p = path.join(ctx.aofDir, lastIncr.name);
    const fd = ctx.io.openSync(p, 'a');
    attachAof(ctx, { name: lastIncr.name, path: p, fd, size: fs.fstatSync(fd).size }, false);
  }
  ctx.s.aofOn = true;
}

/**
 * appendonly yes without an AOF yet (start-up): base from the loaded data, an empty incremental
 * file, the manifest. Synchronous, since the node does not listen yet.
 */
export function createAofSync(ctx: PersistenceCtx): void {
  fs.mkdirSync(ctx.aofDir, { recursive: true });
  const old = readManifestQuietly(ctx);
  const { base, incr } = nextParts(ctx.aofName, old);
  const bytes = writeBaseSync(ctx, path.join(ctx.aofDir, base.name));
  const incrPath = path.join(ctx.aofDir, incr.name);
  const ifd = ctx.io.openSync(incrPath, 'w');
  const m: Manifest = { base, incrs: [incr] };
  writeFileAtomicSync(ctx.io, manifestPath(ctx), manifestBytes(m));
  ctx.s.manifest = m;
  ctx.s.baseSize = bytes;
  ctx.s.incrBefore = 0;
  attachAof(ctx, { name: incr.name, path: incrPath, fd: ifd, size: 0 }, false);
  ctx.s.aofOn = true;
  if (old !== null) removeParts(ctx, old, m);
  ctx.log.info({ base: base.name, bytes }, 'Creating AOF base file on server start');
}

/** Dumps the data set into a temp file, fsyncs it and renames it to `basePath`: the bytes written. */
function writeBaseSync(ctx: PersistenceCtx, basePath: string): number {
  const tmp = tempName(basePath);
  const fd = ctx.io.openSync(tmp, 'w');
  let bytes = 0;
  try {
    const flush = (chunk: Buffer): void => {
      writeAllSync(ctx.io, fd, chunk);
      bytes += chunk.length;
    };
    dumpSync(ctx.deps.store, ctx.deps.now(), flush, undefined, ctx.deps.preamble?.() ?? []);
    ctx.io.fsyncSync(fd);
  } finally {
    ctx.io.closeSync(fd);
  }
  ctx.io.renameSync(tmp, basePath);
  return bytes;
}

/**
 * CONFIG SET appendonly yes at run time: a rewrite creates the AOF from the live data set, now or,
 * while a BGSAVE runs, from the cron once it is done.
 */
export function appendonlyOn(ctx: PersistenceCtx): void {
  if (ctx.s.aofOn || ctx.s.job?.kind === 'aof') return;
  if (ctx.s.job === null) startRewrite(ctx);
  else ctx.s.rewriteScheduled = true;
}

/** CONFIG SET appendonly no: abandons a rewrite in progress, then flushes and closes the AOF. */
export async function appendonlyOff(ctx: PersistenceCtx): Promise<void> {
  ctx.s.rewriteScheduled = false;
  if (ctx.s.job?.kind === 'aof') {
    abortJob(ctx);
    await ctx.s.job?.done;
  }
  ctx.s.aofOn = false;
  if (ctx.aof.attached) {
    await ctx.aof.close().catch((e: unknown) => ctx.log.error({ err: strerror(e) }, 'flushing the AOF while turning it off failed'));
  }
  refreshGuard(ctx);
}

/** Waits for aborted jobs to clean up, then writes and fsyncs the AOF and closes it. */
export async function closeAof(ctx: PersistenceCtx): Promise<void> {
  abortJob(ctx);
  await idle(ctx);
  ctx.deps.executor.beforeWrite = null;
  if (ctx.aof.attached) {
    ctx.log.info({}, 'Calling fsync() on the AOF file');
    await ctx.aof.close();
  }
}
