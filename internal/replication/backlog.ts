// Circular replication backlog: the last repl-backlog-size bytes of the stream, with Redis's replid and offsets.
import { randomBytes } from 'node:crypto';

/** A fresh 40-hex-char replication id (Redis's run id format). */
export function newReplid(): string {
  return randomBytes(20).toString('hex');
}

/** Redis's replid2 while there is no previous history. */
export const NO_REPLID = '0'.repeat(40);

/**
 * Offsets follow Redis: `offset` (master_repl_offset) counts every byte ever appended; a replica
 * that holds the stream up to offset `o` asks `PSYNC replid o+1`, and `readFrom(o)` gives it the
 * bytes after `o`. `firstOffset` is the 1-based stream position of the oldest byte still held
 * (offset + 1 while empty), as repl_backlog_first_byte_offset.
 */
export class ReplicationBacklog {
  replid: string = newReplid();
  replid2: string = NO_REPLID;
  secondReplOffset = -1;
  private buf: Buffer;
  /** Where the next byte goes in `buf`. */
  private pos = 0;
  /** How many bytes of `buf` hold stream data (repl_backlog_histlen). */
  private held = 0;
  private total = 0;

  constructor(sizeBytes: number) {
    this.buf = Buffer.alloc(Math.max(1, Math.floor(sizeBytes)));
  }

  get offset(): number {
    return this.total;
  }

  get firstOffset(): number {
    return this.total - this.held + 1;
  }

  /** repl_backlog_size */
  get size(): number {
    return this.buf.length;
  }

  /** repl_backlog_histlen */
  get histlen(): number {
    return this.held;
  }

  append(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    this.total += n;
    const cap = this.buf.length;
    // Only the tail of a chunk larger than the whole backlog can ever be read back.
    const src = n > cap ? chunk.subarray(n - cap) : chunk;
    const first = Math.min(src.length, cap - this.pos);
    src.copy(this.buf, this.pos, 0, first);
    if (first < src.length) src.copy(this.buf, 0, first);
    this.pos = (this.pos + src.length) % cap;
    this.held = Math.min(cap, this.held + src.length);
  }

  /** Bytes from `offset` (exclusive of earlier) up to now, or null when they are no longer held. */
  readFrom(offset: number): Buffer[] | null {
    if (!Number.isInteger(offset) || offset > this.total || offset < this.total - this.held) return null;
    const n = this.total - offset;
    if (n === 0) return [];
    const cap = this.buf.length;
    const start = (this.pos - n + cap) % cap;
    // Copies: the ring is overwritten by later appends while a caller may still hold the result.
    if (start + n <= cap) return [Buffer.from(this.buf.subarray(start, start + n))];
    return [Buffer.from(this.buf.subarray(start)), Buffer.from(this.buf.subarray(0, this.pos))];
  }

  resize(sizeBytes: number): void {
    const size = Math.max(1, Math.floor(sizeBytes));
    if (size === this.buf.length) return;
    const keep = Math.min(this.held, size);
    const tail = this.readFrom(this.total - keep) ?? [];
    this.buf = Buffer.alloc(size);
    this.pos = 0;
    this.held = 0;
    const total = this.total;
    for (const part of tail) this.append(part);
    this.total = total;
  }

  /**
   * Promotion (REPLICAOF NO ONE, or a replica's primary went away): the old history stays
   * addressable as replid2 up to the current offset, so the other replicas can PSYNC to us.
   */
  shiftReplid(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.total + 1;
    this.replid = newReplid();
  }

  /** After a full sync from a primary: its history, empty, starting at its offset. */
  reset(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = NO_REPLID;
    this.secondReplOffset = -1;
    this.total = offset;
    this.held = 0;
    this.pos = 0;
  }
}
