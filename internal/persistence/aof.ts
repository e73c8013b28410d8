// AOF writer: journals writes as RESP into the current incremental file with group commit, fsync policies and fault handling.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { BucketCounts, FSYNC_LATENCY_BOUNDS_S } from '../observability/buckets.js';
import { type PersistenceFs, strerror } from './fsio.js';
import { OutBuffer } from './records.js';

/** Starting size of a file's pending-bytes buffer; it grows with a busy turn and shrinks back after. */
const SEGMENT_BUFFER_BYTES = 64 * 1024;

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** An open incremental AOF file. */
export interface AofFile {
  readonly name: string;
  readonly path: string;
  readonly fd: number;
  /** Bytes on disk (written, not necessarily fsynced). */
  size: number;
}

/** Data appended for one file and not yet written; the last segment is the current file. */
interface Segment {
  readonly file: AofFile;
  /** Encoded records appended since the last write (RESP bytes, reused between writes). */
  readonly pending: OutBuffer;
  /** Bytes taken from `pending` whose write failed part-way: written first on the next attempt. */
  carry: Buffer | null;
  /** Written since this file's last fsync. */
  unsynced: boolean;
}

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** The reason a journal write failed; pending replies of `always` are never sent after it. */
export class AofWriteError extends Error {
  constructor(readonly reason: string) {
    super(`Errors writing to the AOF file: ${reason}`);
    this.name = 'AofWriteError';
  }
}

/** Interval of the background fsync under everysec, and of retries after a failed write. */
const FSYNC_INTERVAL_MS = 1000;
const RETRY_MS = 100;

/**
 * Appends every journaled write to the current incremental file.
 *
 * Writing is asynchronous (libuv's pool) and pipelined: appends of one event-loop turn collect in
 * memory; a pump writes them at the end of the turn (setImmediate, after every connection's input
 * of the turn ran), and whatever arrives while a write or fsync is in flight goes out in the next
 * round. Under `always` each round ends with one fsync shared by all of its writes (group commit)
 * and the connections send their replies only once `whenDurable()` resolves; under `everysec` a
 * timer fsyncs once a second; under `no` the OS decides.
 *
 * A failed write or fsync puts the writer in an error state: `writeError` names it (the node
 * answers writes with MISCONF), replies waiting for durability are refused, the unwritten bytes are
 * kept and retried every 100 ms, and the first successful retry clears the state. A short write
 * resumes where it stopped, so the file is always a prefix of the journal.
 */
export class AofWriter {
  private segments: Segment[] = [];
  /** Db the current file's stream is in (-1: a new file always starts with SELECT). */
  private db = -1;
  /** Inside a journaled MULTI block, and whether a SELECT in it moved the stream. */
  private inTx = false;
  private txSelected = false;
  /** Bytes appended since start, written, and made durable (fsynced under always). */
  private appended = 0;
  private written = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  /** One shared gate per target, so every connection of a turn waits on the same promise. */
  private gate: { target: number; promise: Promise<void> } | null = null;
  private scheduled = false;
  private pumping: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private fsyncing = false;
  /** An asynchronous write is in flight (always, or retries): in-place writes would interleave. */
  private asyncWriting = false;
  private error: string | null = null;
  /** Completed fsyncs and writes, for INFO and tests. */
  readonly counters = { fsyncs: 0, writes: 0, delayedFsyncs: 0, writeErrors: 0 };
  /** Duration of every completed AOF fsync (seconds), for /metrics. */
  readonly fsyncLatency = new BucketCounts(FSYNC_LATENCY_BOUNDS_S);

  constructor(
    private readonly io: PersistenceFs,
    private readonly log: Logger,
    private policy: FsyncPolicy,
    /** Told when the error state starts (reason) and ends (null). */
    private readonly onHealth: (reason: string | null) => void,
  ) {}

  get fsyncPolicy(): FsyncPolicy {
    return this.policy;
  }

  setPolicy(p: FsyncPolicy): void {
    this.policy = p;
    this.armFsyncTimer();
    // Leaving `always`: nobody may be left waiting for an fsync that is no longer promised.
    if (p !== 'always') this.resolveUpTo(this.appended);
  }

  /** The reason writes are failing, or null when healthy. */
  get writeError(): string | null {
    return this.error;
  }

  get current(): AofFile | null {
    return this.segments[this.segments.length - 1]?.file ?? null;
  }

  /** Bytes appended but not yet written (INFO aof_buffer_length). */
  get bufferLength(): number {
    return this.appended - this.written;
  }

  /**
   * Starts journaling into `file`. Until this is called appends are dropped (loading replays files
   * before any is attached, so their content is not journaled again).
   */
  attach(file: AofFile): void {
    this.segments.push({ file, pending: new OutBuffer(SEGMENT_BUFFER_BYTES), carry: null, unsynced: false });
    this.db = -1;
    this.armFsyncTimer();
  }

  /**
   * Switches to a new incremental file (AOF rewrite): everything appended so far still goes to the
   * previous file, which is written, fsynced and closed in order; everything after goes to `file`.
   */
  switchTo(file: AofFile): void {
    this.attach(file);
  }

  get attached(): boolean {
    return this.segments.length > 0;
  }

  /** Journal entry point (registered with the executor). */
  append(db: number, argv: readonly string[]): void {
    const seg = this.segments[this.segments.length - 1];
    if (seg === undefined) return;
    const out = seg.pending;
    const before = out.length;
    // Inside MULTI ... EXEC every entry carries the db the transaction started in; after a
    // journaled SELECT the stream is in the selected db until EXEC.
    if (db !== this.db && !this.txSelected) {
      out.pushCommand(['SELECT', String(db)]);
      this.db = db;
    }
    out.pushCommand(argv);
    const name = argv[0] as string;
    if (argv.length === 2 && (name === 'SELECT' || name === 'select')) {
      this.db = Number(argv[1]);
      this.txSelected = this.inTx;
    } else if (argv.length === 1 && (name === 'MULTI' || name === 'multi')) this.inTx = true;
    else if (argv.length === 1 && (name === 'EXEC' || name === 'exec')) this.inTx = this.txSelected = false;
    this.appended += out.length - before;
    this.schedule();
  }

  /**
   * Called by the connection right before it sends a batch's replies.
   *
   * `always`: a promise that resolves once everything appended so far is fsynced (the replies go
   * out then) or rejects if that write fails; null when there is nothing to wait for. In the error
   * state writes are refused before they run, so what is pending then belongs to replies already
   * refused; reads go out at once.
   *
   * `everysec` / `no`: a promise that resolves once what is pending is written to the page cache
   * (write(2), no fsync), which the pump does once per event-loop turn for every connection of the
   * turn: Redis also writes its AOF buffer before it sends replies, so a crash of the process
   * (kill -9, OOM killer) never loses an acknowledged write; only an OS crash can, within the fsync
   * window. A failed write does not hold these replies back: the bytes stay queued and are retried,
   * as everysec never promised more.
   */
  whenDurable(): Promise<void> | null {
    if (this.error !== null || this.segments.length === 0) return null;
    const always = this.policy === 'always';
    if ((always ? this.durable : this.written) >= this.appended) return null;
    // Just switched away from always with a write in flight: in-place writes would interleave.
    if (!always && this.asyncWriting) return null;
    const target = this.appended;
    if (this.gate !== null && this.gate.target === target) return this.gate.promise;
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ target, resolve, reject }));
    // Connections attach their own handlers; this one keeps an unobserved rejection quiet.
    promise.catch(() => undefined);
    this.gate = { target, promise };
    this.schedule();
    return promise;
  }

  private schedule(): void {
    if (this.scheduled || this.pumping !== null || this.error !== null) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  /** Writes (and under always, fsyncs) everything pending, round after round. */
  private pump(): Promise<void> {
    if (this.pumping !== null) return this.pumping;
    this.pumping = this.pumpRounds().finally(() => {
      this.pumping = null;
      // Appends that arrived after the last round's check found `pumping` set and did not schedule.
      if (this.error === null && this.needsRound()) this.schedule();
    });
    return this.pumping;
  }

  private async pumpRounds(): Promise<void> {
    try {
      while (this.needsRound()) {
        const target = this.appended;
        const always = this.policy === 'always';
        // Without an fsync to wait for, write(2) to the page cache is done in place (Redis does it
        // in beforeSleep): nothing async is in flight, so whenDurable's in-place writes keep order.
        if (!always && this.error === null) for (const seg of this.segments) this.writeSegmentSync(seg);
        else for (const seg of this.segments) await this.writeSegment(seg);
        this.written = target;
        if (!always) this.resolveUpTo(target);
        if (always || this.error !== null) {
          for (const seg of this.segments) await this.syncSegment(seg);
        }
        await this.retireOld();
        if (always || this.error !== null) {
          this.durable = target;
          this.resolveUpTo(target);
        }
        if (this.error !== null) {
          this.log.warn({}, 'AOF write error is solved, the AOF file is written again');
          this.error = null;
          this.onHealth(null);
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * The segment's pending bytes as one buffer of its own (the OutBuffer is reused at once), kept
   * as `carry` until written.
   */
  private takePending(seg: Segment): Buffer | null {
    const out = seg.pending;
    if (out.length === 0 && seg.carry === null) return null;
    const fresh = out.length > 0 ? Buffer.from(out.view()) : null;
    out.reset();
    const buf = seg.carry === null ? (fresh as Buffer) : fresh === null ? seg.carry : Buffer.concat([seg.carry, fresh]);
    seg.carry = buf;
    return buf;
  }

  private async writeSegment(seg: Segment): Promise<void> {
    const buf = this.takePending(seg);
    if (buf === null) return;
    let off = 0;
    this.asyncWriting = true;
    try {
      while (off < buf.length) {
        const n = await this.io.write(seg.file.fd, buf, off, buf.length - off);
        off += n;
        seg.file.size += n;
      }
    } finally {
      this.asyncWriting = false;
      seg.carry = off < buf.length ? buf.subarray(off) : null;
      if (off > 0) seg.unsynced = true;
    }
    this.counters.writes++;
  }

  private writeSegmentSync(seg: Segment): void {
    const buf = this.takePending(seg);
    if (buf === null) return;
    let off = 0;
    try {
      while (off < buf.length) {
        const n = this.io.writeSync(seg.file.fd, buf, off, buf.length - off);
        off += n;
        seg.file.size += n;
      }
    } finally {
      seg.carry = off < buf.length ? buf.subarray(off) : null;
      if (off > 0) seg.unsynced = true;
    }
    this.counters.writes++;
  }



  private async syncSegment(seg: Segment): Promise<void> {
    if (!seg.unsynced) return;
    seg.unsynced = false;
    const t0 = performance.now();
    try {
      await this.io.fsync(seg.file.fd);
    } catch (e) {
      seg.unsynced = true;
      throw e;
    }
    this.fsyncLatency.observe((performance.now() - t0) / 1000);
    this.counters.fsyncs++;
  }

  /** Files switched away from are fsynced and closed once their last bytes are written. */
  private async retireOld(): Promise<void> {
    while (this.segments.length > 1) {
      const seg = this.segments[0] as Segment;
      if (seg.pending.length > 0 || seg.carry !== null) return;
      await this.syncSegment(seg);
      this.segments.shift();
      await this.io.close(seg.file.fd).catch((e: unknown) => this.log.warn({ file: seg.file.name, err: strerror(e) }, 'closing an old AOF file failed'));
    }
  }

  private needsRound(): boolean {
    return (
      this.appended > this.written ||
      this.segments.length > 1 ||
      (this.error !== null && this.anyUnsynced()) ||
      // Just switched to always: bytes written under another policy still need their fsync.
      (this.policy === 'always' && this.durable < this.appended && this.segments.length > 0)
    );
  }

  private anyUnsynced(): boolean {
    return this.segments.some((s) => s.unsynced);
  }

  private fail(e: unknown): void {
    const reason = strerror(e);
    this.counters.writeErrors++;
    const first = this.error === null;
    this.error = reason;
    if (first) {
      this.log.error({ err: reason }, 'Error writing to the AOF file; refusing writes until a retry succeeds');
      this.onHealth(reason);
    }
    // Under always nothing covered by the failed round may be acknowledged; under everysec/no the
    // replies never waited for the disk, only for the write attempt, and the bytes stay queued.
    const err = new AofWriteError(reason);
    const waiters = this.waiters;
    this.waiters = [];
    this.gate = null;
    for (const w of waiters) {
      if (this.policy === 'always') w.reject(err);
      else w.resolve();
    }
    if (this.retryTimer === null) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.pump();
      }, RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private resolveUpTo(target: number): void {
    if (this.gate !== null && this.gate.target <= target) this.gate = null;
    let i = 0;
    while (i < this.waiters.length && (this.waiters[i] as Waiter).target <= target) (this.waiters[i++] as Waiter).resolve();
    if (i > 0) this.waiters = this.waiters.slice(i);
  }

  private armFsyncTimer(): void {
    if (this.policy === 'everysec' && this.segments.length > 0) {
      if (this.fsyncTimer === null) {
        this.fsyncTimer = setInterval(() => void this.backgroundFsync(), FSYNC_INTERVAL_MS);
        this.fsyncTimer.unref();
      }
    } else if (this.fsyncTimer !== null) {
      clearInterval(this.fsyncTimer);
      this.fsyncTimer = null;
    }
  }

  /** everysec: fsync what was written in the last second, off the event loop. */
  private async backgroundFsync(): Promise<void> {
    if (this.error !== null) return;
    const seg = this.segments[this.segments.length - 1];
    if (seg === undefined || !seg.unsynced) return;
    if (this.fsyncing) {
      // The previous fsync is still running (slow disk): this one waits for the next tick (INFO aof_delayed_fsync).
      this.counters.delayedFsyncs++;
      return;
    }
    this.fsyncing = true;
    try {
      await this.syncSegment(seg);
    } catch (e) {
      this.fail(e);
    } finally {
      this.fsyncing = false;
    }
  }

  /**
   * Writes and fsyncs everything appended so far, whatever the policy (shutdown, before a rewrite
   * deletes old files). Rejects if the data could not be written.
   */
  async flush(): Promise<void> {
    for (let round = 0; ; round++) {
      await this.pump();
      if (this.error !== null) throw new AofWriteError(this.error);
      if (this.appended === this.written && this.segments.length <= 1) break;
      if (round > 1000) throw new AofWriteError('flush did not converge');
    }
    const seg = this.segments[0];
    if (seg !== undefined) await this.syncSegment(seg);
  }

  /** Flushes and closes the current file; later appends are dropped until the next attach. */
  async close(): Promise<void> {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      await this.flush();
    } finally {
      if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
      this.fsyncTimer = null;
      const segs = this.segments;
      this.segments = [];
      for (const s of segs) await this.io.close(s.file.fd).catch(() => undefined);
      this.resolveUpTo(this.appended);
    }
  }
}
