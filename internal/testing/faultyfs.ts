// Test helper: the real persistence fs with injectable failures (ENOSPC/EIO), short writes and held fsyncs.
import { nodeFs, type PersistenceFs } from '../persistence/fsio.js';

export interface FaultyFs extends PersistenceFs {
  /** Error code thrown by every write/fsync until set back to null (e.g. 'ENOSPC', 'EIO'). */
  failWrites: string | null;
  failFsyncs: string | null;
  /** When set, each write writes at most this many bytes (short writes). */
  maxWrite: number | null;
  /** When set, fsyncs wait until `releaseFsyncs()`. */
  holdFsyncs: boolean;
  releaseFsyncs(): void;
  /** Fsyncs currently waiting for `releaseFsyncs()`. */
  readonly held: number;
  readonly counts: { writes: number; fsyncs: number; failed: number };
}

function errno(code: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected failure`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export function faultyFs(base: PersistenceFs = nodeFs): FaultyFs {
  let held: (() => void)[] = [];
  const f: FaultyFs = {
    ...base,
    failWrites: null,
    failFsyncs: null,
    maxWrite: null,
    holdFsyncs: false,
    counts: { writes: 0, fsyncs: 0, failed: 0 },
    get held() {
      return held.length;
    },
    releaseFsyncs: () => {
      const h = held;
      held = [];
      for (const r of h) r();
    },
    write: async (fd, buf, offset, length) => {
      if (f.failWrites !== null) {
        f.counts.failed++;
        throw errno(f.failWrites);
      }
      f.counts.writes++;
      return base.write(fd, buf, offset, f.maxWrite === null ? length : Math.min(length, f.maxWrite));
    },
    fsync: async (fd) => {
      if (f.holdFsyncs) await new Promise<void>((r) => held.push(r));
      if (f.failFsyncs !== null) {
        f.counts.failed++;
        throw errno(f.failFsyncs);
      }
      f.counts.fsyncs++;
      return base.fsync(fd);
    },
    writeSync: (fd, buf, offset, length) => {
      if (f.failWrites !== null) {
        f.counts.failed++;
        throw errno(f.failWrites);
      }
      return base.writeSync(fd, buf, offset, length);
    },
  };
  return f;
}
