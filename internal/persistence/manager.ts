// Persistence manager: recovery at start, AOF journaling and rewrites, snapshots (SAVE/BGSAVE/schedules), INFO, MISCONF.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ServerStats } from '../contracts/command.js';
import type { PersistenceApi, ShutdownOptions } from '../contracts/persistence.js';
import { CommandError } from '../contracts/errors.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { ConfigValue } from '../config/schema.js';
import type { Executor } from '../executor/executor.js';
import type { Store } from '../store/store.js';
import type { PersistenceFigures } from '../observability/metrics.js';
import { type AofFile, AofWriter, type FsyncPolicy } from './aof.js';
import { IncrementalWriter, nodeFs, type PersistenceFs, strerror, TEMP_PREFIX, tempName, writeAllSync, writeFileAtomic, writeFileAtomicSync } from './fsio.js';
import { LoadError, loadAofFile, loadSnapshot, Replayer } from './loader.js';
import { type AofPart, baseName, incrName, type Manifest, ManifestError, manifestName, parseManifest, renderManifest } from './manifest.js';
import { SnapshotWriter, SnapshotWriterSync } from './snapshot-file.js';
import { DatasetWalker, dumpSync, WalkAborted } from './walker.js';

export interface PersistenceDeps {
  config: ConfigRuntime;
  store: Store;
  executor: Executor;
  stats: ServerStats;
  log: Logger;
  now: () => number;
  io?: PersistenceFs;
}

/** Redis's wording when writes are refused because the last background save failed. */
export const RDB_MISCONF =
  "Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** After a failed BGSAVE, scheduled saves wait this long before trying again (Redis's CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_MS = 5000;
/** After a failed AOF rewrite, automatic ones wait this long. */
const REWRITE_RETRY_MS = 5000;

interface Job {
  readonly kind: 'rdb' | 'aof';
  readonly startedAt: number;
  walker: DatasetWalker | null;
  aborted: boolean;
  done: Promise<void>;
}

/** Parses `save` ("3600 1 300 100"): [seconds, changes] pairs. */
export function parseSavePoints(s: string): [number, number][] {
  const parts = s.trim() === '' ? [] : s.trim().split(/\s+/).map(Number);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([parts[i] as number, parts[i + 1] as number]);
  return out;
}

export class PersistenceManager implements PersistenceApi {
  private readonly io: PersistenceFs;
  private readonly log: Logger;
  readonly dir: string;
  readonly aofDir: string;
  private readonly aofName: string;
  readonly aof: AofWriter;
  /** The manifest on disk, when an AOF exists. */
  private manifest: Manifest | null = null;
  /** Journaling into a manifest-listed AOF. */
  private aofOn = false;
  private baseSize = 0;
  /** Bytes of incremental files in the manifest before the current one. */
  private incrBefore = 0;
  private savePoints: [number, number][];
  private job: Job | null = null;
  private bgsaveScheduled = false;
  private rewriteScheduled = false;
  private lastSaveAt: number;
  private lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private lastBgsaveSecs = -1;
  /** The same durations unrounded (ms), for /metrics; -1 = none yet. */
  private lastBgsaveMs = -1;
  private lastRewriteMs = -1;
  private rdbSaves = 0;
  private lastRewriteOk = true;
  private lastRewriteFail = 0;
  private lastRewriteSecs = -1;
  private rewrites = 0;
  private rewriteFailuresInRow = 0;
  private loadedKeys = 0;
  private loadedExpired = 0;
  /** Longest synchronous slice of the last background walk (ms), reported in INFO. */
  private lastWalkMaxSliceMs = 0;

  constructor(private readonly deps: PersistenceDeps) {
    this.io = deps.io ?? nodeFs;
    this.log = deps.log;
    const cfg = deps.config;
    this.dir = path.resolve(cfg.str('dir'));
    this.aofDir = path.join(this.dir, cfg.str('appenddirname'));
    this.aofName = cfg.str('appendfilename');
    this.savePoints = parseSavePoints(cfg.str('save'));
    this.lastSaveAt = deps.now();
    this.aof = new AofWriter(this.io, this.log, cfg.str('appendfsync') as FsyncPolicy, () => this.refreshGuard());
  }

  private journalAdded = false;

  /**
   * Registers the AOF with the executor the first time a file is attached: until then the executor
   * has no journal and does not even keep the writes (persistence off costs nothing per command).
   */
  private attachAof(file: AofFile, switching: boolean): void {
    if (!this.journalAdded) {
      this.journalAdded = true;
      this.deps.executor.addJournal({
        append: (db, argv) => this.aof.append(db, argv),
        whenDurable: () => this.aof.whenDurable(),
      });
    }
    if (switching) this.aof.switchTo(file);
    else this.aof.attach(file);
  }

  private get appendonly(): boolean {
    return this.deps.config.bool('appendonly');
  }

  private get snapshotPath(): string {
    return path.join(this.dir, this.deps.config.str('dbfilename'));
  }

  private get manifestPath(): string {
    return path.join(this.aofDir, manifestName(this.aofName));
  }

  // ------------------------------------------------------------------ start-up

  /**
   * Loads the data set before the node listens: with appendonly, the AOF (base, then incremental
   * files) when a manifest exists, else the snapshot, from which a fresh AOF is then created;
   * without, the snapshot. Throws LoadError (refuse to start) for anything damaged.
   */
  load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    removeTempFiles(this.dir);
    removeTempFiles(this.aofDir);
    const t0 = performance.now();
    const replay = new Replayer(this.deps.executor, this.deps.store, this.deps.stats, this.log, this.deps.now());
    let source = 'nothing';
    try {
      if (this.appendonly && fs.existsSync(this.manifestPath)) {
        this.loadAof(replay);
        source = 'aof';
      } else if (fs.existsSync(this.snapshotPath)) {
        loadSnapshot(this.snapshotPath, replay);
        source = 'snapshot';
      }
    } finally {
      replay.finish();
    }
    // What was loaded is this node's old copy: a copy a peer hands over by slot handoff (live in
    // the cluster, so newer) may replace it until a write here touches the key (docs/cluster.md,
    // "Restarts: which copy wins").
    for (let i = 0; i < this.deps.store.databases; i++) this.deps.store.db(i).markLoadedFromDisk();
    this.loadedKeys = this.keyCount();
    this.loadedExpired = 0;
    if (this.appendonly && !this.aofOn) this.createAofSync();
    this.lastSaveAt = this.deps.now();
    this.log.info(
      { source, keys: this.loadedKeys, commands: replay.stats.commands, errors: replay.stats.errors, ms: Math.round(performance.now() - t0) },
      'data set loaded',
    );
  }

  private loadAof(replay: Replayer): void {
    let m: Manifest;
    try {
      m = parseManifest(fs.readFileSync(this.manifestPath, 'latin1'));
    } catch (e) {
      if (e instanceof ManifestError) throw new LoadError(this.manifestPath, 0, `bad AOF manifest ${this.manifestPath}: ${e.message}`);
      throw e;
    }
    const parts: AofPart[] = [...(m.base ? [m.base] : []), ...m.incrs];
    let sizes = 0;
    parts.forEach((p, i) => {
      const file = path.join(this.aofDir, p.name);
      if (!fs.existsSync(file)) throw new LoadError(file, 0, `AOF file ${file} listed in the manifest does not exist`);
      const last = i === parts.length - 1;
      const r = loadAofFile(file, replay, { last, allowTruncated: p.type === 'i' && this.deps.config.bool('aof_load_truncated'), log: this.log });
      if (p.type === 'b') this.baseSize = r.loaded;
      else if (!last) sizes += r.loaded;
    });
    this.incrBefore = sizes;
    this.manifest = m;
    const lastIncr = m.incrs[m.incrs.length - 1];
    if (lastIncr === undefined) {
      // A base without incremental files (written while appendonly was off): start one.
      const part: AofPart = { name: incrName(this.aofName, 1), seq: 1, type: 'i' };
      const fd = this.io.openSync(path.join(this.aofDir, part.name), 'w');
      const next: Manifest = { base: m.base, incrs: [part] };
      writeFileAtomicSync(this.io, this.manifestPath, Buffer.from(renderManifest(next), 'latin1'));
      this.manifest = next;
      this.attachAof({ name: part.name, path: path.join(this.aofDir, part.name), fd, size: 0 }, false);
    } else {
      const p = path.join(this.aofDir, lastIncr.name);
      const fd = this.io.openSync(p, 'a');
      this.attachAof({ name: lastIncr.name, path: p, fd, size: fs.fstatSync(fd).size }, false);
    }
    this.aofOn = true;
  }

  /** appendonly yes without an AOF yet: base from the loaded data, an empty incremental file, the manifest. */
  private createAofSync(): void {
    fs.mkdirSync(this.aofDir, { recursive: true });
    const old = this.readManifestQuietly();
    const base: AofPart = { name: baseName(this.aofName, (old?.base?.seq ?? 0) + 1), seq: (old?.base?.seq ?? 0) + 1, type: 'b' };
    const lastIncrSeq = old?.incrs[old.incrs.length - 1]?.seq ?? 0;
    const incr: AofPart = { name: incrName(this.aofName, lastIncrSeq + 1), seq: lastIncrSeq + 1, type: 'i' };
    const basePath = path.join(this.aofDir, base.name);
    const tmp = tempName(basePath);
    const fd = this.io.openSync(tmp, 'w');
    let bytes = 0;
    try {
      dumpSync(this.deps.store, this.deps.now(), (chunk) => {
        writeAllSync(this.io, fd, chunk);
        bytes += chunk.length;
      });
      this.io.fsyncSync(fd);
    } finally {
      this.io.closeSync(fd);
    }
    this.io.renameSync(tmp, basePath);
    const incrPath = path.join(this.aofDir, incr.name);
    const ifd = this.io.openSync(incrPath, 'w');
    const m: Manifest = { base, incrs: [incr] };
    writeFileAtomicSync(this.io, this.manifestPath, Buffer.from(renderManifest(m), 'latin1'));
    this.manifest = m;
    this.baseSize = bytes;
    this.incrBefore = 0;
    this.attachAof({ name: incr.name, path: incrPath, fd: ifd, size: 0 }, false);
    this.aofOn = true;
    if (old !== null) this.removeParts(old, m);
    this.log.info({ base: base.name, bytes }, 'Creating AOF base file on server start');
  }

  private readManifestQuietly(): Manifest | null {
    try {
      return parseManifest(fs.readFileSync(this.manifestPath, 'latin1'));
    } catch {
      return null;
    }
  }

  private keyCount(): number {
    let n = 0;
    for (let i = 0; i < this.deps.store.databases; i++) n += this.deps.store.db(i).size;
    return n;
  }

  // ------------------------------------------------------------------ health

  /** Why writes are refused (MISCONF text after the prefix), or null. */
  writeDenied(): string | null {
    const aofError = this.aof.writeError;
    if (aofError !== null) return `Errors writing to the AOF file: ${aofError}`;
    if (!this.lastBgsaveOk && this.savePoints.length > 0 && this.deps.config.bool('stop_writes_on_bgsave_error')) return RDB_MISCONF;
    return null;
  }

  /** The executor checks writes only while something is wrong: zero cost when healthy. */
  private refreshGuard(): void {
    this.deps.executor.denyWrites = this.writeDenied() !== null ? () => this.writeDenied() : null;
  }

  // ------------------------------------------------------------------ cron and config

  /** Called from the node's cron: save points, scheduled jobs, automatic AOF rewrite. */
  cron(now: number): void {
    if (this.job !== null) return;
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startBgsave();
      return;
    }
    const dirty = this.deps.stats.dirty;
    for (const [secs, changes] of this.savePoints) {
      if (dirty >= changes && now - this.lastSaveAt > secs * 1000 && (this.lastBgsaveOk || now - this.lastBgsaveTry > BGSAVE_RETRY_MS)) {
        this.log.info({ changes: dirty, seconds: secs }, `${changes} changes in ${secs} seconds. Saving...`);
        this.startBgsave();
        return;
      }
    }
    if (this.appendonly && !this.aofOn && now - this.lastRewriteFail > REWRITE_RETRY_MS) {
      // appendonly was turned on and the rewrite creating the AOF has not succeeded yet.
      this.startRewrite();
      return;
    }
    const pct = this.deps.config.num('auto_aof_rewrite_percentage');
    if (this.aofOn && pct > 0 && now - this.lastRewriteFail > REWRITE_RETRY_MS) {
      const size = this.aofCurrentSize();
      const base = this.baseSize > 0 ? this.baseSize : 1;
      if (size >= this.deps.config.num('auto_aof_rewrite_min_size') && ((size - base) * 100) / base >= pct) {
        this.log.info({ size, base, growth: Math.round(((size - base) * 100) / base) }, 'Starting automatic rewriting of AOF');
        this.startRewrite();
      }
    }
  }

  /** CONFIG SET hook. */
  configChanged(p: string, value: ConfigValue): void {
    if (p === 'appendfsync') this.aof.setPolicy(value as FsyncPolicy);
    else if (p === 'save') {
      this.savePoints = parseSavePoints(value as string);
      this.refreshGuard();
    } else if (p === 'stop_writes_on_bgsave_error') this.refreshGuard();
    else if (p === 'appendonly') {
      if (value === true) {
        if (!this.aofOn && this.job?.kind !== 'aof') {
          if (this.job === null) this.startRewrite();
          else this.rewriteScheduled = true;
        }
      } else void this.stopAppendOnly();
    }
  }

  private async stopAppendOnly(): Promise<void> {
    this.rewriteScheduled = false;
    if (this.job?.kind === 'aof') {
      this.abortJob();
      await this.job?.done;
    }
    this.aofOn = false;
    if (this.aof.attached) {
      await this.aof.close().catch((e: unknown) => this.log.error({ err: strerror(e) }, 'flushing the AOF while turning it off failed'));
    }
    this.refreshGuard();
  }

  // ------------------------------------------------------------------ commands

  save(): void {
    if (this.job?.kind === 'rdb') throw new CommandError('ERR', 'Background save already in progress');
    try {
      this.saveSync();
    } catch (e) {
      throw new CommandError('ERR', `Failed saving the snapshot: ${strerror(e)}`);
    }
  }

  bgsave(schedule: boolean): string {
    if (this.job?.kind === 'rdb') throw new CommandError('ERR', 'Background save already in progress');
    if (this.job !== null) {
      if (!schedule) {
        throw new CommandError('ERR', "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
      }
      this.bgsaveScheduled = true;
      return 'Background saving scheduled';
    }
    this.startBgsave();
    return 'Background saving started';
  }

  bgrewriteaof(): string {
    if (this.job?.kind === 'aof') throw new CommandError('ERR', 'Background append only file rewriting already in progress');
    if (this.job !== null) {
      this.rewriteScheduled = true;
      return 'Background append only file rewriting scheduled';
    }
    this.startRewrite();
    return 'Background append only file rewriting started';
  }

  lastsave(): number {
    return Math.floor(this.lastSaveAt / 1000);
  }

  /** Resolves once no background job runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.job !== null) await this.job.done;
  }

  get busy(): 'rdb' | 'aof' | null {
    return this.job?.kind ?? null;
  }

  // ------------------------------------------------------------------ snapshots

  /** A blocking snapshot: SAVE and shutdown. Throws on failure (and records it). */
  private saveSync(): void {
    const w = new SnapshotWriterSync(this.io, this.snapshotPath);
    const t0 = performance.now();
    try {
      w.open();
      dumpSync(this.deps.store, this.deps.now(), (chunk) => w.write(chunk));
      w.commit();
    } catch (e) {
      w.abort();
      this.lastBgsaveOk = false;
      this.lastBgsaveTry = this.deps.now();
      this.refreshGuard();
      this.log.error({ file: this.snapshotPath, err: strerror(e) }, 'snapshot failed');
      throw e;
    }
    this.deps.stats.dirty = 0;
    this.lastSaveAt = this.deps.now();
    this.lastBgsaveOk = true;
    this.rdbSaves++;
    this.refreshGuard();
    this.log.info({ file: this.snapshotPath, bytes: w.bytes, ms: Math.round(performance.now() - t0) }, 'DB saved on disk');
  }

  private startBgsave(): void {
    const job: Job = { kind: 'rdb', startedAt: this.deps.now(), walker: null, aborted: false, done: Promise.resolve() };
    this.job = job;
    job.done = this.bgsaveJob(job).finally(() => {
      this.finishJob(job);
    });
  }

  private async bgsaveJob(job: Job): Promise<void> {
    const w = new SnapshotWriter(this.io, this.snapshotPath);
    this.lastBgsaveTry = this.deps.now();
    this.log.info({}, 'Background saving started');
    // The point in time is the BGSAVE itself: the walker, the hook and the dirty count are taken
    // in the same synchronous step as the command (this runs before the first await).
    const walker = this.beginWalk(job);
    const dirtyAtStart = this.deps.stats.dirty;
    try {
      await w.open();
      if (job.aborted) throw new WalkAborted();
      const stats = await walker.run((chunk) => w.write(chunk));
      this.endWalk(job);
      await w.commit();
      this.deps.stats.dirty = Math.max(0, this.deps.stats.dirty - dirtyAtStart);
      this.lastSaveAt = this.deps.now();
      this.lastBgsaveOk = true;
      this.rdbSaves++;
      this.lastWalkMaxSliceMs = stats.maxSliceMs;
      this.log.info(
        { file: this.snapshotPath, keys: stats.keys, preserved: stats.preserved, bytes: w.bytes, maxSliceMs: Math.round(stats.maxSliceMs * 10) / 10 },
        'Background saving terminated with success',
      );
    } catch (e) {
      this.endWalk(job);
      await w.abort();
      if (job.aborted) {
        this.log.warn({}, 'Background saving aborted');
      } else {
        this.lastBgsaveOk = false;
        this.log.error({ file: this.snapshotPath, err: strerror(e) }, 'Background saving error');
      }
    } finally {
      this.lastBgsaveMs = this.deps.now() - job.startedAt;
      this.lastBgsaveSecs = Math.round(this.lastBgsaveMs / 1000);
    }
  }

  private beginWalk(job: Job): DatasetWalker {
    const walker = new DatasetWalker(this.deps.store);
    job.walker = walker;
    this.deps.executor.beforeWrite = (db, spec, argv) => walker.beforeWrite(db, spec, argv);
    return walker;
  }

  private endWalk(job: Job): void {
    if (job.walker !== null && this.deps.executor.beforeWrite !== null) this.deps.executor.beforeWrite = null;
    job.walker = null;
  }

  private finishJob(job: Job): void {
    if (this.job === job) this.job = null;
    this.refreshGuard();
  }

  private abortJob(): void {
    const job = this.job;
    if (job === null) return;
    job.aborted = true;
    job.walker?.abort();
  }

  // ------------------------------------------------------------------ AOF rewrite

  private startRewrite(): void {
    const job: Job = { kind: 'aof', startedAt: this.deps.now(), walker: null, aborted: false, done: Promise.resolve() };
    this.job = job;
    job.done = this.rewriteJob(job).finally(() => {
      this.finishJob(job);
    });
  }

  /**
   * BGREWRITEAOF (also: turning appendonly on, and BGREWRITEAOF with it off). A new incremental file
   * is opened and, when an AOF exists, added to the manifest first, so a crash at any later point
   * still replays to the current state. At one synchronous point journaling switches to the new
   * file and the walker captures the data set; the walker writes the new base in slices; then the
   * base is renamed into place, the manifest naming just the new base and new incremental file
   * replaces the old one atomically, and the old files are deleted.
   */
  private async rewriteJob(job: Job): Promise<void> {
    const journaling = this.appendonly;
    const t0 = performance.now();
    fs.mkdirSync(this.aofDir, { recursive: true });
    const old = this.manifest ?? this.readManifestQuietly();
    const baseSeq = (old?.base?.seq ?? 0) + 1;
    const incrSeq = (old?.incrs[old.incrs.length - 1]?.seq ?? 0) + 1;
    const base: AofPart = { name: baseName(this.aofName, baseSeq), seq: baseSeq, type: 'b' };
    const incr: AofPart = { name: incrName(this.aofName, incrSeq), seq: incrSeq, type: 'i' };
    const basePath = path.join(this.aofDir, base.name);
    const incrPath = path.join(this.aofDir, incr.name);
    const baseTmp = tempName(basePath);
    let incrFile: AofFile | null = null;
    let switched = false;
    let baseFd = -1;
    this.log.info({ incr: incr.name }, 'Background append only file rewriting started');
    try {
      incrFile = { name: incr.name, path: incrPath, fd: await this.io.open(incrPath, 'w'), size: 0 };
      if (this.aofOn && old !== null) {
        const interim: Manifest = { base: old.base, incrs: [...old.incrs, incr] };
        await writeFileAtomic(this.io, this.manifestPath, Buffer.from(renderManifest(interim), 'latin1'));
        this.manifest = interim;
      }
      if (job.aborted) throw new WalkAborted();
      // The switch point: journaling moves to the new file exactly where the walker starts.
      if (journaling) {
        const prev = this.aof.current;
        if (this.aofOn && prev !== null) this.incrBefore += prev.size;
        this.attachAof(incrFile, true);
        switched = true;
      }
      const walker = this.beginWalk(job);
      baseFd = await this.io.open(baseTmp, 'w');
      const out = new IncrementalWriter(this.io, baseFd);
      const stats = await walker.run((chunk) => out.write(chunk));
      this.endWalk(job);
      await this.io.fsync(baseFd);
      await this.io.close(baseFd);
      baseFd = -1;
      await this.io.rename(baseTmp, basePath);
      const next: Manifest = { base, incrs: [incr] };
      await writeFileAtomic(this.io, this.manifestPath, Buffer.from(renderManifest(next), 'latin1'));
      this.manifest = next;
      this.baseSize = stats.bytes;
      this.incrBefore = 0;
      if (!journaling) await this.io.close(incrFile.fd);
      this.aofOn = journaling;
      if (old !== null) this.removeParts(old, next);
      this.lastRewriteOk = true;
      this.rewriteFailuresInRow = 0;
      this.rewrites++;
      this.lastWalkMaxSliceMs = stats.maxSliceMs;
      this.log.info(
        { base: base.name, keys: stats.keys, preserved: stats.preserved, bytes: stats.bytes, ms: Math.round(performance.now() - t0), maxSliceMs: Math.round(stats.maxSliceMs * 10) / 10 },
        'Background AOF rewrite finished successfully',
      );
    } catch (e) {
      this.endWalk(job);
      if (baseFd >= 0) await this.io.close(baseFd).catch(() => undefined);
      await this.io.unlink(baseTmp).catch(() => undefined);
      if (!switched && incrFile !== null) {
        // Never journaled into: drop it, and take it back out of the manifest if it was added.
        await this.io.close(incrFile.fd).catch(() => undefined);
        if (this.manifest !== null && this.manifest.incrs.some((p) => p.name === incr.name)) {
          const back: Manifest = { base: this.manifest.base, incrs: this.manifest.incrs.filter((p) => p.name !== incr.name) };
          await writeFileAtomic(this.io, this.manifestPath, Buffer.from(renderManifest(back), 'latin1')).then(
            () => {
              this.manifest = back;
              return this.io.unlink(incrPath);
            },
            () => undefined,
          );
        } else {
          await this.io.unlink(incrPath).catch(() => undefined);
        }
      } else if (switched && !this.aofOn) {
        // Turning the AOF on failed: stop journaling into a file no manifest names.
        await this.aof.close().catch(() => undefined);
        await this.io.unlink(incrPath).catch(() => undefined);
      }
      this.lastRewriteFail = this.deps.now();
      if (job.aborted) {
        this.log.warn({}, 'Background AOF rewrite aborted');
      } else {
        this.lastRewriteOk = false;
        this.rewriteFailuresInRow++;
        this.log.error({ err: strerror(e) }, 'Background AOF rewrite terminated with error');
      }
    } finally {
      this.lastRewriteMs = this.deps.now() - job.startedAt;
      this.lastRewriteSecs = Math.round(this.lastRewriteMs / 1000);
    }
  }

  /** Deletes files of `old` that `next` does not name (best effort: a leftover wastes space only). */
  private removeParts(old: Manifest, next: Manifest): void {
    const keep = new Set([...(next.base ? [next.base.name] : []), ...next.incrs.map((p) => p.name)]);
    for (const p of [...(old.base ? [old.base] : []), ...old.incrs]) {
      if (keep.has(p.name)) continue;
      fs.rm(path.join(this.aofDir, p.name), { force: true }, (err) => {
        if (err) this.log.warn({ file: p.name, err: strerror(err) }, 'removing an old AOF file failed');
      });
    }
  }

  aofCurrentSize(): number {
    return this.baseSize + this.incrBefore + (this.aof.current?.size ?? 0);
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * The synchronous part of SHUTDOWN / SIGTERM: stops background jobs and writes the final
   * snapshot when asked or when save points are configured. Throws CommandError (Redis's
   * wording) if that fails without FORCE, and the node keeps running.
   */
  finalSave(opts: ShutdownOptions = {}): void {
    this.abortJob();
    const wanted = opts.save ?? this.savePoints.length > 0;
    if (wanted) {
      try {
        this.saveSync();
      } catch {
        if (!opts.force) throw new CommandError('ERR', 'Errors trying to SHUTDOWN. Check logs.');
      }
    }
    if (this.aof.writeError !== null && !opts.force) throw new CommandError('ERR', 'Errors trying to SHUTDOWN. Check logs.');
  }

  /** Waits for aborted jobs to clean up, then writes and fsyncs the AOF and closes it. */
  async close(): Promise<void> {
    this.abortJob();
    await this.idle();
    this.deps.executor.beforeWrite = null;
    if (this.aof.attached) {
      this.log.info({}, 'Calling fsync() on the AOF file');
      await this.aof.close();
    }
  }

  // ------------------------------------------------------------------ INFO and /metrics

  /** INFO persistence's figures as numbers, for /metrics (the same sources INFO reads). */
  figures(): PersistenceFigures {
    const job = this.job;
    return {
      aofEnabled: this.appendonly,
      aofCurrentSize: this.appendonly ? this.aofCurrentSize() : 0,
      aofBaseSize: this.appendonly ? this.baseSize : 0,
      aofLastWriteOk: this.aof.writeError === null,
      aofWriteErrors: this.aof.counters.writeErrors,
      aofRewriteInProgress: job?.kind === 'aof',
      aofLastRewriteOk: this.lastRewriteOk,
      aofLastRewriteSeconds: this.lastRewriteMs < 0 ? -1 : this.lastRewriteMs / 1000,
      aofRewrites: this.rewrites,
      fsyncLatency: this.aof.fsyncLatency,
      rdbBgsaveInProgress: job?.kind === 'rdb',
      rdbLastBgsaveOk: this.lastBgsaveOk,
      rdbLastBgsaveSeconds: this.lastBgsaveMs < 0 ? -1 : this.lastBgsaveMs / 1000,
      rdbLastSaveTime: this.lastsave(),
      rdbSaves: this.rdbSaves,
      rdbChangesSinceLastSave: this.deps.stats.dirty,
    };
  }

  info(now: number): [string, string | number][] {
    const job = this.job;
    const rdbRunning = job?.kind === 'rdb';
    const aofRunning = job?.kind === 'aof';
    const walker = job?.walker ?? null;
    const fields: [string, string | number][] = [
      ['loading', 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', walker?.stats.keys ?? 0],
      ['current_save_keys_total', walker !== null ? this.keyCount() : 0],
      ['rdb_changes_since_last_save', this.deps.stats.dirty],
      ['rdb_bgsave_in_progress', rdbRunning ? 1 : 0],
      ['rdb_last_save_time', this.lastsave()],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveSecs],
      ['rdb_current_bgsave_time_sec', rdbRunning && job ? Math.round((now - job.startedAt) / 1000) : -1],
      ['rdb_saves', this.rdbSaves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.loadedExpired],
      ['rdb_last_load_keys_loaded', this.loadedKeys],
      ['aof_enabled', this.appendonly ? 1 : 0],
      ['aof_rewrite_in_progress', aofRunning ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSecs],
      ['aof_current_rewrite_time_sec', aofRunning && job ? Math.round((now - job.startedAt) / 1000) : -1],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.rewriteFailuresInRow],
      ['aof_last_write_status', this.aof.writeError === null ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
      // ringcache: the longest synchronous slice of the last snapshot / rewrite walk.
      ['last_walk_max_slice_ms', this.lastWalkMaxSliceMs.toFixed(1)],
    ];
    if (this.appendonly) {
      fields.push(
        ['aof_current_size', this.aofCurrentSize()],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', this.aof.bufferLength],
        ['aof_pending_bio_fsync', 0],
        ['aof_delayed_fsync', this.aof.counters.delayedFsyncs],
      );
    }
    if (this.aof.writeError !== null) fields.push(['aof_last_write_error', this.aof.writeError]);
    return fields;
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
