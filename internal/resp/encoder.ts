// RESP2/RESP3 encoder: writes Reply values into a reusable growable buffer, one socket write per batch.
import type { Reply } from './reply.js';

export type Protocol = 2 | 3;

const CRLF = '\r\n';

/** Growable output buffer. `take()` hands out the bytes written so far and starts over. */
export class ReplyWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initial = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Writes a string whose characters are all < 256 (latin1 byte string or ASCII). */
  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /**
   * Returns the written bytes as a Buffer the caller may keep (the socket may queue it). Small
   * batches are copied so the big scratch buffer is reused; big ones are handed over whole.
   */
  take(): Buffer {
    const n = this.pos;
    this.pos = 0;
    if (n > 64 * 1024) {
      const out = this.buf.subarray(0, n);
      this.buf = Buffer.allocUnsafe(this.initial);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, 0, n);
    return out;
  }
}

/** Formats a double as Redis does in replies (`inf`, `-inf`, `nan`, shortest round-trip otherwise). */
export function formatDouble(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  return String(v);
}

/** Error lines may not contain CR or LF; Redis replaces them with spaces. */
function sanitizeError(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]+/g, ' ') : s;
}

export function encode(w: ReplyWriter, r: Reply, proto: Protocol): void {
  switch (r.t) {
    case 'simple':
      w.latin1('+' + r.v + CRLF);
      return;
    case 'error':
      w.latin1('-' + sanitizeError(r.v) + CRLF);
      return;
    case 'int':
      w.latin1(':' + r.v.toString() + CRLF);
      return;
    case 'bulk':
      w.latin1('$' + r.v.length + CRLF);
      w.latin1(r.v);
      w.latin1(CRLF);
      return;
    case 'nullbulk':
      w.latin1(proto === 3 ? '_\r\n' : '$-1\r\n');
      return;
    case 'nullarray':
      w.latin1(proto === 3 ? '_\r\n' : '*-1\r\n');
      return;
    case 'array':
      w.latin1('*' + r.v.length + CRLF);
      for (const x of r.v) encode(w, x, proto);
      return;
    case 'set':
      w.latin1((proto === 3 ? '~' : '*') + r.v.length + CRLF);
      for (const x of r.v) encode(w, x, proto);
      return;
    case 'push':
      w.latin1((proto === 3 ? '>' : '*') + r.v.length + CRLF);
      for (const x of r.v) encode(w, x, proto);
      return;
    case 'map':
      if (proto === 3) {
        w.latin1('%' + r.v.length + CRLF);
      } else {
        w.latin1('*' + r.v.length * 2 + CRLF);
      }
      for (const [k, v] of r.v) {
        encode(w, k, proto);
        encode(w, v, proto);
      }
      return;
    case 'double': {
      const s = formatDouble(r.v);
      if (proto === 3) w.latin1(',' + s + CRLF);
      else w.latin1('$' + s.length + CRLF + s + CRLF);
      return;
    }
    case 'bool':
      if (proto === 3) w.latin1(r.v ? '#t\r\n' : '#f\r\n');
      else w.latin1(r.v ? ':1\r\n' : ':0\r\n');
      return;
    case 'verbatim':
      if (proto === 3) {
        w.latin1('=' + (r.v.length + 4) + CRLF + r.format + ':');
        w.latin1(r.v);
        w.latin1(CRLF);
      } else {
        w.latin1('$' + r.v.length + CRLF);
        w.latin1(r.v);
        w.latin1(CRLF);
      }
      return;
    case 'raw':
      w.bytes(r.v);
      return;
  }
}

/** Encodes one reply into a fresh Buffer (tests, forwarding). */
export function encodeToBuffer(r: Reply, proto: Protocol): Buffer {
  const w = new ReplyWriter(256);
  encode(w, r, proto);
  return w.take();
}
