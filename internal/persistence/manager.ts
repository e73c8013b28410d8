// Persistence facade: the PersistenceApi the node wires; recovery, AOF lifecycle, snapshots, rewrites, scheduling and INFO live in their own parts.
import path from 'node:path';
import type { PersistenceApi, ShutdownOptions } from '../contracts/persistence.js';
import type { ConfigValue } from '../config/schema.js';
import type { PersistenceFigures } from '../contracts/figures.js';
import { AofWriter, type FsyncPolicy } from './aof.js';
import { aofCurrentSize } from './aof-files.js';
import { appendonlyOff, appendonlyOn, closeAof } from './aof-lifecycle.js';
import { nodeFs } from './fsio.js';
import { refreshGuard, writeDenied } from './health.js';
import { persistenceFigures, persistenceInfo, persistenceView } from './info.js';
import { idle } from './jobs.js';
import { load } from './recovery.js';
import { bgrewriteaofCommand } from './rewrite-job.js';
import { parseSavePoints, runCron } from './schedule.js';
import { bgsaveCommand, finalSave, lastsave, saveCommand } from './snapshots.js';
import { initialState, type PersistenceCtx, type PersistenceDeps } from './state.js';

// Kept importable from here, where callers have always found them.
export type { PersistenceDeps } from './state.js';
export { RDB_MISCONF } from './health.js';
export { parseSavePoints } from './schedule.js';

export class PersistenceManager implements PersistenceApi {
  private readonly ctx: PersistenceCtx;
  readonly dir: string;
  readonly aofDir: string;
  readonly aof: AofWriter;

  constructor(deps: PersistenceDeps) {
    const io = deps.io ?? nodeFs;
    const cfg = deps.config;
    this.dir = path.resolve(cfg.str('dir'));
    this.aofDir = path.join(this.dir, cfg.str('appenddirname'));
    // The writer reports error state changes; the guard is re-evaluated on each (ctx exists by then).
    this.aof = new AofWriter(io, deps.log, cfg.str('appendfsync') as FsyncPolicy, () => refreshGuard(this.ctx));
    this.ctx = {
      deps,
      io,
      log: deps.log,
      dir: this.dir,
      aofDir: this.aofDir,
      aofName: cfg.str('appendfilename'),
      aof: this.aof,
      s: initialState(parseSavePoints(cfg.str('save')), deps.now()),
    };
  }

  /** Loads the data set before the node listens. Throws LoadError (refuse to start) for anything damaged. */
  load(): void {
    load(this.ctx);
  }

  /** Why writes are refused (MISCONF text after the prefix), or null. */
  writeDenied(): string | null {
    return writeDenied(this.ctx);
  }

  /** Called from the node's cron: save points, scheduled jobs, automatic AOF rewrite. */
  cron(now: number): void {
    runCron(this.ctx, now);
  }

  /** CONFIG SET hook. */
  configChanged(p: string, value: ConfigValue): void {
    if (p === 'appendfsync') this.aof.setPolicy(value as FsyncPolicy);
    else if (p === 'save') {
      this.ctx.s.savePoints = parseSavePoints(value as string);
      refreshGuard(this.ctx);
    } else if (p === 'stop_writes_on_bgsave_error') refreshGuard(this.ctx);
    else if (p === 'appendonly') {
      if (value === true) appendonlyOn(this.ctx);
      else void appendonlyOff(this.ctx);
    }
  }

  save(): void {
    saveCommand(this.ctx);
  }

  bgsave(schedule: boolean): string {
    return bgsaveCommand(this.ctx, schedule);
  }

  bgrewriteaof(): string {
    return bgrewriteaofCommand(this.ctx);
  }

  lastsave(): number {
    return lastsave(this.ctx);
  }

  /** Resolves once no background job runs (tests, shutdown). */
  idle(): Promise<void> {
    return idle(this.ctx);
  }

  get busy(): 'rdb' | 'aof' | null {
    return this.ctx.s.job?.kind ?? null;
  }

  aofCurrentSize(): number {
    return aofCurrentSize(this.ctx);
  }

  /**
   * The synchronous part of SHUTDOWN / SIGTERM: stops background jobs and writes the final
   * snapshot when asked or when save points are configured. Throws CommandError if that fails
   * without FORCE.
   */
  finalSave(opts: ShutdownOptions = {}): void {
    finalSave(this.ctx, opts);
  }

  /** Waits for aborted jobs to clean up, then writes and fsyncs the AOF and closes it. */
  close(): Promise<void> {
    return closeAof(this.ctx);
  }

  /** INFO persistence's figures as numbers, for /metrics (the same sources INFO reads). */
  figures(): PersistenceFigures {
    return persistenceFigures(persistenceView(this.ctx));
  }

  info(now: number): [string, string | number][] {
    return persistenceInfo(persistenceView(this.ctx), now);
  }
}
