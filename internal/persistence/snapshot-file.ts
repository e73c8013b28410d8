// Snapshot file format: header, CRC32-checked blocks of RESP commands, trailer with a whole-file CRC; writer and verifier.
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { IncrementalWriter, type PersistenceFs, tempName, writeAllSync } from './fsio.js';

/*
 * Layout (integers little-endian):
 *   header   "RINGSNAP" | u32 version | u32 reserved (0)                          16 bytes
 *   block    u32 length (> 0) | u32 crc32(payload) | payload                       repeated
 *   trailer  u32 0 | u32 crc32(header + every block head) | u64 payload bytes     16 bytes
 * The payload, concatenated over blocks, is RESP commands (SELECT, then per-key commands) replayed
 * through the executor. Per-block CRCs name the offset of a damaged block; the trailer's CRC runs
 * over the header and the block heads, which carry the payload CRCs, so it covers every byte
 * without a second pass over the data, and proves the file is complete: a snapshot cut short is
 * never mistaken for a smaller dataset.
 */
export const SNAPSHOT_MAGIC = Buffer.from('RINGSNAP', 'latin1');
export const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 16;
const BLOCK_HEAD = 8;
const TRAILER_BYTES = 16;
/** Largest block the writer emits; a bigger payload is split. */
const MAX_BLOCK = 64 * 1024 * 1024;

/** A snapshot that must not be loaded; `offset` is where the problem starts. */
export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly kind: 'corrupt' | 'truncated',
    readonly reason: string,
  ) {
    super(`${kind} snapshot ${file} at offset ${offset}: ${reason}`);
    this.name = 'SnapshotError';
  }
}

function header(): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(b, 0);
  b.writeUInt32LE(SNAPSHOT_VERSION, 8);
  return b;
}

/** Builds the bytes of a snapshot incrementally; the writers only move them to disk. */
export class SnapshotEncoder {
  private crc = 0;
  private total = 0;

  header(): Buffer {
    const h = header();
    this.crc = crc32(h, this.crc);
    return h;
  }

  /** One or more blocks carrying `payload`. */
  blocks(payload: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let off = 0; off < payload.length; off += MAX_BLOCK) {
      const part = payload.subarray(off, Math.min(payload.length, off + MAX_BLOCK));
      const head = Buffer.alloc(BLOCK_HEAD);
      head.writeUInt32LE(part.length, 0);
      head.writeUInt32LE(crc32(part), 4);
      this.crc = crc32(head, this.crc);
      this.total += part.length;
      out.push(head, part);
    }
    return out;
  }

  trailer(): Buffer {
    const t = Buffer.alloc(TRAILER_BYTES);
    t.writeUInt32LE(0, 0);
    t.writeUInt32LE(this.crc >>> 0, 4);
    t.writeBigUInt64LE(BigInt(this.total), 8);
    return t;
  }
}

/**
 * Writes a snapshot to a temp file next to `target`; `commit` fsyncs, renames over the target and
 * fsyncs the directory, `abort` removes the temp file. A crash before the rename leaves the
 * previous snapshot in place (and a temp file that start-up removes).
 */
export class SnapshotWriter {
  readonly tmp: string;
  private fd = -1;
  private readonly enc = new SnapshotEncoder();
  bytes = 0;

  constructor(
    private readonly io: PersistenceFs,
    readonly target: string,
  ) {
    this.tmp = tempName(target);
  }

  private out: IncrementalWriter | null = null;

  async open(): Promise<void> {
    this.fd = await this.io.open(this.tmp, 'w');
    this.out = new IncrementalWriter(this.io, this.fd);
    await this.put([this.enc.header()]);
  }

  async write(payload: Buffer): Promise<void> {
    if (payload.length > 0) await this.put(this.enc.blocks(payload));
  }

  async commit(): Promise<void> {
    await this.put([this.enc.trailer()]);
    await this.io.fsync(this.fd);
    await this.io.close(this.fd);
    this.fd = -1;
    await this.io.rename(this.tmp, this.target);
    await this.io.fsyncDir(path.dirname(this.target));
  }

  async abort(): Promise<void> {
    if (this.fd >= 0) await this.io.close(this.fd).catch(() => undefined);
    this.fd = -1;
    await this.io.unlink(this.tmp).catch(() => undefined);
  }

  private async put(bufs: Buffer[]): Promise<void> {
    // One write per buffer rather than a concatenation: no extra copy of a large payload on the event loop.
    for (const buf of bufs) {
      await (this.out as IncrementalWriter).write(buf);
      this.bytes += buf.length;
    }
  }
}

/** The same file, written synchronously (SAVE and shutdown block by contract). */
export class SnapshotWriterSync {
  readonly tmp: string;
  private fd = -1;
  private readonly enc = new SnapshotEncoder();
  bytes = 0;

  constructor(
    private readonly io: PersistenceFs,
    readonly target: string,
  ) {
    this.tmp = tempName(target);
  }

  open(): void {
    this.fd = this.io.openSync(this.tmp, 'w');
    this.put([this.enc.header()]);
  }

  write(payload: Buffer): void {
    if (payload.length > 0) this.put(this.enc.blocks(payload));
  }

  commit(): void {
    this.put([this.enc.trailer()]);
    this.io.fsyncSync(this.fd);
    this.io.closeSync(this.fd);
    this.fd = -1;
    this.io.renameSync(this.tmp, this.target);
    this.io.fsyncDirSync(path.dirname(this.target));
  }

  abort(): void {
    if (this.fd >= 0) {
      try {
        this.io.closeSync(this.fd);
      } catch {
        // Already failing; the temp file is removed below either way.
      }
    }
    this.fd = -1;
    fs.rmSync(this.tmp, { force: true });
  }

  private put(bufs: Buffer[]): void {
    for (const buf of bufs) {
      writeAllSync(this.io, this.fd, buf);
      this.bytes += buf.length;
    }
  }
}

export interface SnapshotInfo {
  readonly size: number;
  readonly blocks: number;
  readonly payloadBytes: number;
}

/**
 * Reads and checks a snapshot file, handing each verified payload block to `onPayload` (with its
 * file offset) in order. Throws SnapshotError on the first problem; with `onPayload` omitted it
 * only verifies. Callers that must not act on a partial file verify first, then read again.
 */
export function readSnapshot(file: string, onPayload?: (payload: Buffer, offset: number) => void): SnapshotInfo {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer => {
      const b = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = fs.readSync(fd, b, got, len - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      return got === len ? b : b.subarray(0, got);
    };
    const h = read(0, HEADER_BYTES);
    const magicLen = Math.min(h.length, SNAPSHOT_MAGIC.length);
    if (!h.subarray(0, magicLen).equals(SNAPSHOT_MAGIC.subarray(0, magicLen))) {
      throw new SnapshotError(file, 0, 'corrupt', 'not a ringcache snapshot (bad magic)');
    }
    if (h.length < HEADER_BYTES) throw new SnapshotError(file, h.length, 'truncated', 'file ends inside the header');
    const version = h.readUInt32LE(8);
    if (version !== SNAPSHOT_VERSION) throw new SnapshotError(file, 8, 'corrupt', `unsupported snapshot version ${version}`);
    let crc = crc32(h);
    let pos = HEADER_BYTES;
    let blocks = 0;
    let payloadBytes = 0;
    for (;;) {
      const head = read(pos, BLOCK_HEAD);
      if (head.length < BLOCK_HEAD) throw new SnapshotError(file, pos, 'truncated', 'file ends before the end marker');
      const len = head.readUInt32LE(0);
      if (len === 0) {
        const rest = read(pos + BLOCK_HEAD, TRAILER_BYTES - BLOCK_HEAD);
        if (rest.length < TRAILER_BYTES - BLOCK_HEAD) throw new SnapshotError(file, pos, 'truncated', 'file ends inside the trailer');
        if (head.readUInt32LE(4) !== crc >>> 0) throw new SnapshotError(file, pos, 'corrupt', 'file checksum mismatch');
        const total = rest.readBigUInt64LE(0);
        if (total !== BigInt(payloadBytes)) throw new SnapshotError(file, pos, 'corrupt', `trailer counts ${total} payload bytes, blocks hold ${payloadBytes}`);
        const end = pos + TRAILER_BYTES;
        if (end !== size) throw new SnapshotError(file, end, 'corrupt', `${size - end} unexpected bytes after the end marker`);
        return { size, blocks, payloadBytes };
      }
      if (pos + BLOCK_HEAD + len > size) {
        throw new SnapshotError(file, pos, 'truncated', `block claims ${len} bytes but the file ends ${size - pos - BLOCK_HEAD} bytes later`);
      }
      const payload = read(pos + BLOCK_HEAD, len);
      if (crc32(payload) !== head.readUInt32LE(4)) throw new SnapshotError(file, pos, 'corrupt', 'block checksum mismatch');
      crc = crc32(head, crc);
      onPayload?.(payload, pos + BLOCK_HEAD);
      blocks++;
      payloadBytes += len;
      pos += BLOCK_HEAD + len;
    }
  } finally {
    fs.closeSync(fd);
  }
}
