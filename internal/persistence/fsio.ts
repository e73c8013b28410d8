// File-system seam for persistence: every write, fsync and rename goes through here, so tests can inject failures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The operations the AOF writer and the snapshot writer need. Asynchronous ones run on libuv's
 * thread pool, so the event loop keeps serving clients while the disk works; the synchronous
 * ones serve SAVE and shutdown, which block by contract (as Redis's SAVE does).
 */
export interface PersistenceFs {
  open(file: string, flags: 'a' | 'w'): Promise<number>;
  /** Writes buf[offset, offset+length) at the file's current end; resolves with the bytes written (may be short). */
  write(fd: number, buf: Buffer, offset: number, length: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** fsync of a directory, so a rename or a new file's entry survives a power loss. */
  fsyncDir(dir: string): Promise<void>;
  openSync(file: string, flags: 'a' | 'w'): number;
  writeSync(fd: number, buf: Buffer, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  fsyncDirSync(dir: string): void;
}

export const nodeFs: PersistenceFs = {
  open: (file, flags) =>
    new Promise((resolve, reject) => fs.open(file, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd)))),
  write: (fd, buf, offset, length) =>
    new Promise((resolve, reject) => fs.write(fd, buf, offset, length, null, (err, n) => (err ? reject(err) : resolve(n)))),
  fsync: (fd) => new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve()))),
  close: (fd) => new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve()))),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (file) => fs.promises.unlink(file),
  fsyncDir: async (dir) => {
    const h = await fs.promises.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  },
  openSync: (file, flags) => fs.openSync(file, flags, 0o644),
  writeSync: (fd, buf, offset, length) => fs.writeSync(fd, buf, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  fsyncDirSync: (dir) => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Writes all of buf, looping over short writes. */
export async function writeAll(io: PersistenceFs, fd: number, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) off += await io.write(fd, buf, off, buf.length - off);
}

/** fsync every this many bytes while writing a snapshot or AOF base (Redis's rdb-save-incremental-fsync). */
export const INCREMENTAL_FSYNC_BYTES = 4 * 1024 * 1024;

/**
 * Writes a large file in pieces, fsyncing every 4 MB: without it tens of MB of dirty pages pile up
 * and the kernel stalls whoever writes next (the AOF's own write(2) on the event loop) while it
 * flushes them.
 */
export class IncrementalWriter {
  private unsynced = 0;
  constructor(
    private readonly io: PersistenceFs,
    private readonly fd: number,
  ) {}

  async write(buf: Buffer): Promise<void> {
    await writeAll(this.io, this.fd, buf);
    this.unsynced += buf.length;
    if (this.unsynced >= INCREMENTAL_FSYNC_BYTES) {
      this.unsynced = 0;
      await this.io.fsync(this.fd);
    }
  }
}

export function writeAllSync(io: PersistenceFs, fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += io.writeSync(fd, buf, off, buf.length - off);
}

/**
 * Replaces `file` atomically with `data`: write a temp file next to it, fsync, rename over the
 * target, fsync the directory. A crash at any point leaves either the old file or the new one.
 */
export async function writeFileAtomic(io: PersistenceFs, file: string, data: Buffer): Promise<void> {
  const tmp = tempName(file);
  const fd = await io.open(tmp, 'w');
  try {
    await writeAll(io, fd, data);
    await io.fsync(fd);
  } catch (e) {
    await io.close(fd).catch(() => undefined);
    await io.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await io.close(fd);
  try {
    await io.rename(tmp, file);
  } catch (e) {
    await io.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await io.fsyncDir(path.dirname(file));
}

export function writeFileAtomicSync(io: PersistenceFs, file: string, data: Buffer): void {
  const tmp = tempName(file);
  const fd = io.openSync(tmp, 'w');
  try {
    writeAllSync(io, fd, data);
    io.fsyncSync(fd);
  } catch (e) {
    io.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  io.closeSync(fd);
  io.renameSync(tmp, file);
  io.fsyncDirSync(path.dirname(file));
}

/** Temp files carry this prefix; start-up removes leftovers of a crashed save or rewrite. */
export const TEMP_PREFIX = 'temp-';

export function tempName(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${process.pid}-${path.basename(file)}`);
}

/** The C library's wording for an errno code (Redis reports strerror in MISCONF and INFO). */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && code in STRERROR) return STRERROR[code] as string;
  if (code !== undefined && code in os.constants.errno) return code;
  return e instanceof Error ? e.message : String(e);
}

const STRERROR: Record<string, string> = {
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  EBADF: 'Bad file descriptor',
  ENOENT: 'No such file or directory',
  EFBIG: 'File too large',
  EMFILE: 'Too many open files',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
};
