// Start-up recovery: clear crash leftovers, replay the AOF (every manifest part) or the snapshot, then open or create the AOF.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { manifestPath } from './aof-files.js';
import { createAofSync, openTail } from './aof-lifecycle.js';
import { TEMP_PREFIX } from './fsio.js';
import { LoadError, loadAofFile, loadSnapshot, Replayer } from './loader.js';
import { type AofPart, type Manifest, ManifestError, parseManifest } from './manifest.js';
import { appendonly, keyCount, type PersistenceCtx, snapshotPath } from './state.js';

/**
 * Loads the data set before the node listens: with appendonly, the AOF (base, then incremental
 * files) when a manifest exists, else the snapshot, from which a fresh AOF is then created;
 * without, the snapshot. Throws LoadError (refuse to start) for anything damaged.
 */
export function load(ctx: PersistenceCtx): void {
  fs.mkdirSync(ctx.dir, { recursive: true });
  removeTempFiles(ctx.dir);
  removeTempFiles(ctx.aofDir);
  const t0 = performance.now();
  const { deps } = ctx;
  const replay = new Replayer(deps.executor, deps.store, deps.stats, ctx.log, deps.now());
  let source = 'nothing';
  try {
    if (appendonly(ctx) && fs.existsSync(manifestPath(ctx))) {
      openTail(ctx, replayAof(ctx, replay));
      source = 'aof';
    } else if (fs.existsSync(snapshotPath(ctx))) {
      loadSnapshot(snapshotPath(ctx), replay);
      source = 'snapshot';
    }
  } finally {
    replay.finish();
  }
  // What was loaded is this node's old copy: a copy a peer hands over by slot handoff (live in
  // the cluster, so newer) may replace it until a write here touches the key (docs/cluster.md,
  // "Restarts: which copy wins").
  for (let i = 0; i < deps.store.databases; i++) deps.store.db(i).markLoadedFromDisk();
  ctx.s.loadedKeys = keyCount(deps.store);
  ctx.s.loadedExpired = 0;
  if (appendonly(ctx) && !ctx.s.aofOn) createAofSync(ctx);
  ctx.s.lastSaveAt = deps.now();
  ctx.log.info(
    { source, keys: ctx.s.loadedKeys, commands: replay.stats.commands, errors: replay.stats.errors, ms: Math.round(performance.now() - t0) },
    'data set loaded',
  );
}

/** Replays every file the manifest lists, in order; records the base and earlier incremental sizes. */
function replayAof(ctx: PersistenceCtx, replay: Replayer): Manifest {
  const m = readManifest(manifestPath(ctx));
  const parts: AofPart[] = [...(m.base ? [m.base] : []), ...m.incrs];
  let sizes = 0;
  parts.forEach((p, i) => {
    const file = path.join(ctx.aofDir, p.name);
    if (!fs.existsSync(file)) throw new LoadError(file, 0, `AOF file ${file} listed in the manifest does not exist`);
    const last = i === parts.length - 1;
    // Only a torn incremental file can be cut: a base is written whole (temp + rename) or not at all.
    const r = loadAofFile(file, replay, { last, allowTruncated: p.type === 'i' && ctx.deps.config.bool('aof_load_truncated'), log: ctx.log });
    if (p.type === 'b') ctx.s.baseSize = r.loaded;
    else if (!last) sizes += r.loaded;
  });
  ctx.s.incrBefore = sizes;
  return m;
}

function readManifest(file: string): Manifest {
  try {
    return parseManifest(fs.readFileSync(file, 'latin1'));
  } catch (e) {
    if (e instanceof ManifestError) throw new LoadError(file, 0, `bad AOF manifest ${file}: ${e.message}`);
    throw e;
  }
}

/** Removes temp files a crashed save or rewrite left behind (names carry TEMP_PREFIX). */
function removeTempFiles(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(TEMP_PREFIX)) fs.rmSync(path.join(dir, n), { force: true });
}
