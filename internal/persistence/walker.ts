// Point-in-time dataset walker without fork: time-sliced key iteration plus copy-before-write of keys not yet visited.
import { performance } from 'node:perf_hooks';
import { keyIndexes } from '../commands/spec.js';
import { type CommandSpec } from '../contracts/command.js';
import type { Store } from '../store/store.js';
import type { Value } from '../store/types.js';
import { encodeCommand, OutBuffer } from './records.js';
import { rewriteEntry } from './rewrite.js';

/**
 * Where the walk's output goes (snapshot file, AOF base); awaiting it yields the event loop. The
 * chunk's bytes are reused once the promise settles: a sink that keeps them must copy.
 */
export type ChunkSink = (chunk: Buffer) => Promise<void>;

/** A key's value as it was when the walk started, kept because a write was about to change it. */
interface Preserved {
  readonly value: Value;
  readonly expireAt: number;
}

interface DbState {
  /** Keys with a sequence number from here on were created after the walk started. */
  readonly startSeq: number;
  /** Insertion sequence of the next key to visit; 0 = not started (see `done`). */
  cursor: number;
  done: boolean;
  readonly preserved: Map<string, Preserved>;
}

export interface WalkOptions {
  /** Work per slice before yielding to the event loop. */
  sliceMs?: number;
  /** Output bytes after which a slice ends early (bounds memory and each write). */
  chunkBytes?: number;
  /** Keys per Keyspace.scan call; the slice deadline is checked between calls. */
  scanBatch?: number;
  /** Commands written before any key: node state outside the keyspace (function libraries), taken at the start. */
  preamble?: readonly string[][];
}

export interface WalkStats {
  keys: number;
  preserved: number;
  bytes: number;
  slices: number;
  /** Longest synchronous slice (ms). */
  maxSliceMs: number;
}

export class WalkAborted extends Error {
  constructor() {
    super('walk aborted');
    this.name = 'WalkAborted';
  }
}


/**
 * Writes every key as it was when the walk started, while clients keep writing.
 *
 * Keys are visited in insertion-sequence order (Keyspace.scan's cursor), a few milliseconds at a
 * time. Before a write command runs, the executor calls `beforeWrite`, and every key the command
 * may touch (the spec's key positions) that the walk has not visited yet is copied (strings are
 * immutable and shared; collections are cloned) and later written from the copy, while the walk
 * skips the live key. Keys created after the start are skipped by sequence number. FLUSHALL,
 * FLUSHDB and SWAPDB copy all remaining keys of the databases they touch first. Keys removed by
 * expiry meanwhile are left out, as they would expire at load anyway.
 */
export class DatasetWalker {
  private readonly dbs: DbState[];
  private aborted = false;
  readonly stats: WalkStats = { keys: 0, preserved: 0, bytes: 0, slices: 0, maxSliceMs: 0 };
  private readonly sliceMs: number;
  private readonly chunkBytes: number;
  private readonly scanBatch: number;
  private readonly preamble: readonly string[][];

  /** Captures the start point; must run in the same synchronous step as whatever marks it (AOF switch). */
  constructor(
    private readonly store: Store,
    opts: WalkOptions = {},
  ) {
    this.sliceMs = opts.sliceMs ?? 4;
    this.chunkBytes = opts.chunkBytes ?? 1024 * 1024;
    this.scanBatch = opts.scanBatch ?? 128;
    this.preamble = opts.preamble ?? [];
    this.dbs = Array.from({ length: store.databases }, (_, i) => ({
      startSeq: store.db(i).sequence,
      cursor: 0,
      done: false,
      preserved: new Map<string, Preserved>(),
    }));
  }

  /** The executor's pre-write hook: keep the pre-write value of every unvisited key the command may touch. */
  beforeWrite(db: number, spec: CommandSpec, argv: readonly string[]): void {
    switch (spec.name) {
      case 'flushall':
        for (let i = 0; i < this.dbs.length; i++) this.preserveAll(i);
        return;
      case 'flushdb':
        this.preserveAll(db);
        return;
      case 'swapdb':
        this.preserveAll(dbArg(argv[1]));
        this.preserveAll(dbArg(argv[2]));
        return;
      case 'move':
        // The destination key lives in another database, outside the spec's key positions.
        this.preserve(dbArg(argv[2]), argv[1] as string);
        break;
      case 'copy':
        for (let i = 3; i + 1 < argv.length; i++) {
          if ((argv[i] as string).toUpperCase() === 'DB') this.preserve(dbArg(argv[i + 1]), argv[2] as string);
        }
        break;
    }
    for (const i of keyIndexes(spec, argv)) {
      const key = argv[i];
      if (key !== undefined) this.preserve(db, key);
    }
  }

  /** Copies one key's value if the walk still has to write it. */
  preserve(db: number, key: string): void {
    const st = this.dbs[db];
    if (st === undefined || st.done || st.preserved.has(key)) return;
    const e = this.store.db(db).raw(key);
    if (e === undefined || e.seq >= st.startSeq) return;
    if (st.cursor !== 0 && e.seq < st.cursor) return;
    st.preserved.set(key, { value: typeof e.value === 'string' ? e.value : e.value.clone(), expireAt: e.expireAt });
    this.stats.preserved++;
  }

  /** Copies every key of a database the walk has not written yet, then treats the database as visited. */
  private preserveAll(db: number): void {
    const st = this.dbs[db];
    if (st === undefined || st.done) return;
    for (const [key] of this.store.db(db).entries()) this.preserve(db, key);
    st.done = true;
  }

  abort(): void {
    this.aborted = true;
  }

  /** Walks every database, handing RESP output to `sink` chunk by chunk. */
  async run(sink: ChunkSink): Promise<WalkStats> {
    const out = new OutBuffer(this.chunkBytes + (this.chunkBytes >> 2));
    let selected = -1;
    let current = 0;
    const emit = (argv: string[]): void => {
      if (selected !== current) {
        out.push(encodeCommand(['SELECT', String(current)]));
        selected = current;
      }
      out.pushCommand(argv);
    };
    const yieldChunk = async (): Promise<void> => {
      if (out.length > 0) {
        this.stats.bytes += out.length;
        await sink(out.view());
        out.reset();
      } else {
        await new Promise<void>((r) => setImmediate(r));
      }
      if (this.aborted) throw new WalkAborted();
    };
    for (const argv of this.preamble) out.pushCommand(argv);
    for (let i = 0; i < this.dbs.length; i++) {
      current = i;
      const st = this.dbs[i] as DbState;
      const ks = this.store.db(i);
      const accept = (key: string, e: { seq: number; value: Value; expireAt: number }): boolean => {
        if (e.seq >= st.startSeq || st.preserved.has(key)) return false;
        rewriteEntry(key, e, emit);
        this.stats.keys++;
        return false;
      };
      while (!st.done) {
        const t0 = performance.now();
        const deadline = t0 + this.sliceMs;
        do {
          const r = ks.scan(st.cursor, this.scanBatch, accept);
          if (r.cursor === 0) st.done = true;
          else st.cursor = r.cursor;
        } while (!st.done && out.length < this.chunkBytes && performance.now() < deadline);
        this.sliceDone(t0);
        await yieldChunk();
      }
      // Copies taken for this database, written once no more can be added (it is done).
      if (st.preserved.size > 0) {
        let t0 = performance.now();
        for (const [key, p] of st.preserved) {
          rewriteEntry(key, p, emit);
          this.stats.keys++;
          if (out.length >= this.chunkBytes || performance.now() - t0 >= this.sliceMs) {
            this.sliceDone(t0);
            await yieldChunk();
            t0 = performance.now();
          }
        }
        st.preserved.clear();
        this.sliceDone(t0);
      }
    }
    await yieldChunk();
    return this.stats;
  }

  private sliceDone(t0: number): void {
    const ms = performance.now() - t0;
    this.stats.slices++;
    if (ms > this.stats.maxSliceMs) this.stats.maxSliceMs = ms;
  }
}

/** A database index argument as SWAPDB/MOVE/COPY parse it; -1 (ignored) when invalid, as the command then fails. */
function dbArg(s: string | undefined): number {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : -1;
}

/**
 * Writes the whole dataset synchronously (SAVE, shutdown, start-up AOF creation): nothing else
 * runs meanwhile, so no copy-on-write is needed. `flush` receives ~4 MB chunks, valid only
 * during the call.
 */
export function dumpSync(store: Store, now: number, flush: (chunk: Buffer) => void, chunkBytes = 4 * 1024 * 1024, preamble: readonly string[][] = []): number {
  const out = new OutBuffer(chunkBytes + (chunkBytes >> 2));
  let keys = 0;
  const emit = (argv: string[]): void => {
    out.pushCommand(argv);
  };
  const drain = (): void => {
    if (out.length === 0) return;
    flush(out.view());
    out.reset();
  };
  for (const argv of preamble) emit(argv);
  for (let i = 0; i < store.databases; i++) {
    let selected = false;
    for (const [key, e] of store.db(i).entries()) {
      // Already expired: left out, as load would drop it.
      if (e.expireAt !== 0 && e.expireAt <= now) continue;
      if (!selected) {
        emit(['SELECT', String(i)]);
        selected = true;
      }
      rewriteEntry(key, e, emit);
      keys++;
      if (out.length >= chunkBytes) drain();
    }
  }
  drain();
  return keys;
}
