// Recovery: replays snapshot payloads and AOF parts through the executor with a loader client, with exact error offsets.
import fs from 'node:fs';
import type { Logger } from 'pino';
import { CommandError } from '../contracts/errors.js';
import type { Executor } from '../executor/executor.js';
import { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import type { ServerStats } from '../contracts/command.js';
import type { CommandStat } from '../contracts/figures.js';
import { RecordScanner, type RecordProblem, scanFile } from './records.js';
import { readSnapshot, SnapshotError } from './snapshot-file.js';

/** A file that cannot be loaded; the node refuses to start with this message. */
export class LoadError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** How many failing replayed commands are logged before the rest are only counted. */
const LOGGED_REPLY_ERRORS = 10;

export interface ReplayStats {
  commands: number;
  /** Commands that answered an error (logged; a healthy file has none). */
  errors: number;
}

/**
 * Runs commands as a loader client: authenticated, never blocking, outside maxmemory (Redis does
 * not evict while loading), and invisible in command statistics. Every command family persists
 * through this path without knowing about it.
 */
export class Replayer {
  readonly client: Client;
  readonly stats: ReplayStats = { commands: 0, errors: 0 };
  private readonly saved: {
    maxmemory: number;
    commandStats: [string, CommandStat][];
    server: ServerStats;
  };

  constructor(
    private readonly executor: Executor,
    private readonly store: Store,
    private readonly serverStats: ServerStats,
    private readonly log: Logger,
    now: number,
  ) {
    this.client = new Client(0, 'loader', '', -1, now, true, () => undefined);
    this.saved = {
      maxmemory: store.memoryPolicy.maxmemory,
      // The entries themselves, taken out of the map: replay counts into fresh ones, finish() puts these back.
      commandStats: [...executor.commandStats],
      server: { ...serverStats },
    };
    executor.commandStats.clear();
    store.setMemoryPolicy({ maxmemory: 0 });
  }

  /** Executes one record; throws LoadError for what no healthy file contains (unknown commands, blocking). */
  run(argv: string[], file: string, offset: number, where = 'offset'): void {
    try {
      this.executor.resolve(argv);
    } catch (e) {
      throw new LoadError(file, offset, `${file} at ${where} ${offset}: ${e instanceof CommandError ? e.message : String(e)}`);
    }
    const r = this.executor.execute(this.client, argv);
    if (r instanceof Promise) throw new LoadError(file, offset, `${file} at ${where} ${offset}: '${argv[0]}' cannot be replayed`);
    this.stats.commands++;
    if (r.t === 'error') {
      this.stats.errors++;
      if (this.stats.errors <= LOGGED_REPLY_ERRORS) this.log.warn({ file, offset, command: argv[0], reply: r.v }, 'replayed command answered an error');
    }
  }

  get inTransaction(): boolean {
    return this.client.multi !== null;
  }

  /** Drops a transaction left open by a file that ended inside it. */
  discardTransaction(): void {
    this.client.multi = null;
  }

  /** Restores maxmemory and statistics; the loaded data counts as saved (dirty 0). */
  finish(): void {
    this.store.setMemoryPolicy({ maxmemory: this.saved.maxmemory });
    this.executor.commandStats.clear();
    for (const [k, v] of this.saved.commandStats) this.executor.commandStats.set(k, v);
    Object.assign(this.serverStats, this.saved.server);
    this.serverStats.dirty = 0;
  }
}

/** Verifies the whole snapshot, then replays it: a damaged file is refused before anything is loaded. */
export function loadSnapshot(file: string, replay: Replayer): { keys: number; bytes: number } {
  let info;
  try {
    info = readSnapshot(file);
  } catch (e) {
    if (e instanceof SnapshotError) throw new LoadError(file, e.offset, `refusing to load ${e.message}; run 'ringcache check-snapshot ${file}'`);
    throw e;
  }
  const before = replay.stats.commands;
  // Records may span blocks, so offsets here count payload bytes (the file's checksums already passed).
  const scanner = new RecordScanner((argv, start) => replay.run(argv, file, start, 'payload offset'));
  readSnapshot(file, (payload) => {
    scanner.feed(payload);
  });
  const res = scanner.end();
  if (res.problem !== null) {
    throw new LoadError(file, res.problem.offset, `bad payload in snapshot ${file} at payload offset ${res.problem.offset}: ${res.problem.message}`);
  }
  if (replay.inTransaction) throw new LoadError(file, info.size, `snapshot ${file} ends inside MULTI`);
  return { keys: replay.stats.commands - before, bytes: info.size };
}

export interface AofLoadResult {
  /** Bytes of the file that were loaded (the file size unless the tail was cut). */
  readonly loaded: number;
  readonly size: number;
  /** Set when a truncated last record (or an unfinished transaction) was cut off. */
  readonly cut: RecordProblem | null;
}

/**
 * Replays one AOF part. A truncated last record is tolerated only in the last part with
 * aof-load-truncated (the file is then cut back to its last complete record, as Redis does);
 * anything malformed refuses the start with the file and offset.
 */
export function loadAofFile(file: string, replay: Replayer, opts: { last: boolean; allowTruncated: boolean; log: Logger }): AofLoadResult {
  let multiStart = -1;
  const res = scanFile(file, (argv, start) => {
    const name = (argv[0] as string).toLowerCase();
    if (name === 'multi') multiStart = start;
    replay.run(argv, file, start);
    if (name === 'exec' || name === 'discard') multiStart = -1;
  });
  let cut = res.problem;
  let keep = res.okUpTo;
  if (cut !== null && cut.kind === 'corrupt') {
    throw new LoadError(
      file,
      cut.offset,
      `Bad file format reading the append only file ${file} at offset ${cut.offset}: ${cut.message}. Make a backup of it, then run 'ringcache check-aof --fix ${file}'`,
    );
  }
  if (replay.inTransaction) {
    // The file ends inside MULTI: nothing of the transaction ran; the file is cut before it.
    replay.discardTransaction();
    keep = multiStart >= 0 ? multiStart : keep;
    cut = { kind: 'truncated', offset: keep, message: 'unfinished MULTI/EXEC transaction at the end of the file' };
  }
  if (cut !== null) {
    if (!opts.last || !opts.allowTruncated) {
      throw new LoadError(
        file,
        cut.offset,
        `Unexpected end of file reading the append only file ${file} at offset ${cut.offset}: ${cut.message}. ` +
          (opts.last ? "Run 'ringcache check-aof --fix' on it or set aof-load-truncated yes" : 'Only the last AOF file may be truncated'),
      );
    }
    opts.log.warn({ file, offset: cut.offset, size: res.size, cutBytes: res.size - keep, reason: cut.message }, '!!! Warning: short read while loading the AOF file; truncating it to its last complete record !!!');
    fs.truncateSync(file, keep);
  }
  return { loaded: keep, size: res.size, cut };
}
