// RESP command records: encoding for AOF/snapshot payloads, and scanning files with exact byte offsets of every record.
import fs from 'node:fs';
import { putCountLine, putLatin1, writeLatin1 } from '../resp/bytes.js';
import { ProtocolError, RequestDecoder } from '../resp/decoder.js';
import { DEFAULT_LIMITS, MAX_STRING_BYTES } from '../resp/limits.js';

/** One command as RESP multibulk. Values are latin1 strings, so a string's length is its byte length. */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/**
 * A reusable output buffer for encoded commands. Snapshot and rewrite output goes here rather than
 * into joined strings: a walk writing tens of MB would otherwise allocate large strings and
 * Buffers that push V8 into major collections (long pauses) while clients are being served.
 */
export class OutBuffer {
  private buf: Buffer;
  length = 0;

  constructor(private readonly initial = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  push(s: string): void {
    const need = this.length + s.length;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length += writeLatin1(this.buf, s, this.length);
  }

  /**
   * Encodes a command straight into the buffer: no intermediate string holding copies of the
   * values. Headers and short arguments are written byte by byte (the AOF journals every write
   * through here, so this is on the write path of every command).
   */
  pushCommand(argv: readonly string[]): void {
    let need = 16;
    for (const a of argv) need += a.length + 16;
    if (this.length + need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.length + need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const buf = this.buf;
    let p = putCountLine(buf, this.length, 42 /* * */, argv.length);
    for (const a of argv) {
      p = putLatin1(buf, putCountLine(buf, p, 36 /* $ */, a.length), a);
      buf[p++] = 13;
      buf[p++] = 10;
    }
    this.length = p;
  }

  /** The bytes so far; only valid until the next `reset`. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    // A huge value grew the buffer: give the memory back.
    if (this.buf.length > 4 * this.initial) this.buf = Buffer.allocUnsafe(this.initial);
  }
}

export interface RecordProblem {
  /** truncated: the data ends inside a record; corrupt: a record is malformed. */
  readonly kind: 'truncated' | 'corrupt';
  /** Start of the bad record (everything before it is well formed). */
  readonly offset: number;
  readonly message: string;
}

export interface ScanResult {
  readonly size: number;
  /** Bytes of complete, well-formed records from the start: where --fix and aof-load-truncated cut. */
  readonly okUpTo: number;
  readonly records: number;
  readonly problem: RecordProblem | null;
}

/** Called per complete record with its byte span [start, end). Throwing stops the scan. */
export type RecordHandler = (argv: string[], start: number, end: number) => void;

const STAR = 0x2a;

/**
 * Scans RESP multibulk records fed in chunks, with the request decoder (parsers never execute; the
 * handler decides what a record means). Offsets are exact: a record returned after feeding chunk k
 * ends in chunk k, because complete records are drained after every feed. Every record must start
 * with `*`: the decoder would take anything else as an inline command, which an AOF never holds.
 */
export class RecordScanner {
  private readonly decoder = new RequestDecoder({
    ...DEFAULT_LIMITS,
    maxBulkLen: MAX_STRING_BYTES,
    queryBufferLimit: Number.MAX_SAFE_INTEGER,
  });
  private fed = 0;
  /** Start of the next record. */
  private boundary = 0;
  private records = 0;
  private problem: RecordProblem | null = null;

  constructor(private readonly onRecord: RecordHandler) {}

  /** Feeds the next chunk; false once a problem stopped the scan. */
  feed(chunk: Buffer): boolean {
    if (this.problem !== null) return false;
    const chunkStart = this.fed;
    this.fed += chunk.length;
    this.decoder.feed(chunk);
    for (;;) {
      if (this.boundary < this.fed && this.boundary >= chunkStart) {
        const c = chunk[this.boundary - chunkStart] as number;
        if (c !== STAR) {
          this.problem = { kind: 'corrupt', offset: this.boundary, message: `Expected prefix '*', got: '${printable(c)}'` };
          return false;
        }
      }
      let argv: string[] | null;
      try {
        argv = this.decoder.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.problem = { kind: 'corrupt', offset: this.boundary, message: e.message };
        return false;
      }
      if (argv === null) return true;
      const start = this.boundary;
      this.boundary = this.fed - this.decoder.pending;
      this.records++;
      this.onRecord(argv, start, this.boundary);
    }
  }

  /** Ends the input: anything after the last complete record is a truncated record. */
  end(): ScanResult {
    let problem = this.problem;
    if (problem === null && this.boundary < this.fed) {
      problem = { kind: 'truncated', offset: this.boundary, message: `Unexpected end of file: ${this.fed - this.boundary} bytes of an incomplete record` };
    }
    return { size: this.fed, okUpTo: problem === null ? this.fed : problem.offset, records: this.records, problem };
  }
}

function printable(c: number): string {
  return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
}

export function scanBuffer(buf: Buffer, onRecord: RecordHandler = () => undefined): ScanResult {
  const s = new RecordScanner(onRecord);
  s.feed(buf);
  return s.end();
}

const READ_CHUNK = 1 << 20;

/** Scans a file in 1 MB reads (synchronous: loading happens before the node listens). */
export function scanFile(file: string, onRecord: RecordHandler = () => undefined): ScanResult {
  const fd = fs.openSync(file, 'r');
  try {
    const s = new RecordScanner(onRecord);
    for (;;) {
      // A fresh buffer per read: the decoder may keep a reference to a chunk it was fed.
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      const n = fs.readSync(fd, buf, 0, READ_CHUNK, null);
      if (n === 0) break;
      if (!s.feed(buf.subarray(0, n))) break;
    }
    return s.end();
  } finally {
    fs.closeSync(fd);
  }
}

/** Number of newline bytes in file[0, upTo): redis-check-aof's ok_up_to_line counts lines the same way. */
export function countLines(file: string, upTo: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let pos = 0;
    let lines = 0;
    while (pos < upTo) {
      const n = fs.readSync(fd, buf, 0, Math.min(READ_CHUNK, upTo - pos), pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buf[i] === 0x0a) lines++;
      pos += n;
    }
    return lines;
  } finally {
    fs.closeSync(fd);
  }
}
