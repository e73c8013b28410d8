// RESP2/RESP3 encoder: writes Reply values into a reusable growable buffer, one socket write per batch.
import { putCountLine, putLatin1 } from './bytes.js';
import type { Reply } from './reply.js';

export type Protocol = 2 | 3;

const CRLF = '\r\n';

/**
 * A Buffer at least this big given to `bytes()` is kept as it is, not copied into the writer: a
 * 117 MB random reply (SRANDMEMBER s -16777216) was copied into a 128 MB writer, doubling its peak.
 */
const KEEP_WHOLE = 1 << 20;

/** Growable output buffer. `take()` hands out the bytes written so far and starts over. */
export class ReplyWriter {
  private buf: Buffer;
  private pos = 0;
  /** Bytes before `buf`'s, in order: earlier scratch buffers and big Buffers kept whole. */
  private parts: Buffer[] = [];
  private partsLength = 0;

  constructor(private readonly initial = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.partsLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Past KEEP_WHOLE the full buffer becomes a part and a new one of the same size follows: a big
    // reply (KEYS over 1M keys, a long range) costs itself plus one chunk, not the garbage of every
    // doubling and a buffer up to twice its size.
    if (this.buf.length >= KEEP_WHOLE && this.pos > 0) {
      this.addPart(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(this.buf.length, n));
      this.pos = 0;
      return;
    }
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Writes a string whose characters are all < 256 (latin1 byte string or ASCII). */
  latin1(s: string): void {
    this.ensure(s.length);
    this.pos = putLatin1(this.buf, this.pos, s);
  }

  /** `<type><n>\r\n` without building a string: the header of every bulk, array and map. */
  header(type: number, n: number): void {
    this.ensure(24);
    if (n >= 0) {
      this.pos = putCountLine(this.buf, this.pos, type, n);
      return;
    }
    // Negative counts (`*-1`, `$-1`): the sign, then the digits.
    this.buf[this.pos++] = type;
    this.pos = putCountLine(this.buf, this.pos, 45 /* - */, -n);
  }

  /** `$<len>\r\n<s>\r\n` for a byte string: the most common reply element, with one capacity check. */
  bulk(s: string): void {
    this.ensure(s.length + 24);
    const buf = this.buf;
    const p = putLatin1(buf, putCountLine(buf, this.pos, 36 /* $ */, s.length), s);
    buf[p] = 13;
    buf[p + 1] = 10;
    this.pos = p + 2;
  }

  crlf(): void {
    this.ensure(2);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  bytes(b: Buffer): void {
    if (b.length >= KEEP_WHOLE) {
      if (this.pos > 0) this.addPart(this.takeScratch());
      this.addPart(b);
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  private addPart(b: Buffer): void {
    this.parts.push(b);
    this.partsLength += b.length;
  }

  /**
   * The written bytes as Buffers to send in order, without joining them (a big Buffer given to
   * `bytes()` is one of them, uncopied); the writer starts over.
   */
  takeParts(): Buffer[] {
    if (this.parts.length === 0) return [this.takeScratch()];
    const out = this.parts;
    if (this.pos > 0) out.push(this.takeScratch());
    this.parts = [];
    this.partsLength = 0;
    return out;
  }

  /**
   * Returns the written bytes as a Buffer the caller may keep (the socket may queue it). Small
   * batches are copied so the big scratch buffer is reused; big ones are handed over whole.
   */
  take(): Buffer {
    if (this.parts.length > 0) return Buffer.concat(this.takeParts());
    return this.takeScratch();
  }

  private takeScratch(): Buffer {
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

/**
 * Formats a double as Redis 7.0's replies do (addReplyDouble and d2string: C's `%.17g`): `inf`,
 * `-inf`, `nan`, `-0`; 17 significant digits with trailing zeros dropped (0.1 is
 * `0.10000000000000001`), plain notation for decimal exponents -4..16, otherwise `1e+17` /
 * `9.9999999999999995e-08`. Redis 7.2 switched to the shortest round-trip digits; ringcache
 * answers as the 7.0 it implements.
 */
export function formatDouble(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  // toExponential(16) rounds the exact binary value to 17 significant digits, as printf does.
  const e17 = v.toExponential(16);
  const at = e17.indexOf('e');
  const exp = Number(e17.slice(at + 1));
  if (exp < -4 || exp >= 17) {
    const mantissa = trimFraction(e17.slice(0, at));
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return trimFraction(v.toFixed(16 - exp));
}

/** `%g` drops trailing zeros of the fraction, and the point when nothing is left after it. */
function trimFraction(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/**
 * Status and error lines may not contain CR or LF or the client loses framing; Redis maps each
 * to a space (sdsmapchars in addReplyErrorFormat). Applied to simple strings too, defensively.
 */
function oneLine(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13 || c === 10) return s.replace(/[\r\n]/g, ' ');
  }
  return s;
}

export function encode(w: ReplyWriter, r: Reply, proto: Protocol): void {
  // Cases in order of frequency: the switch compares the tag against each in turn.
  switch (r.t) {
    case 'bulk':
      w.bulk(r.v);
      return;
    case 'array': {
      const v = r.v;
      w.header(42 /* * */, v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v[i] as Reply;
        if (x.t === 'bulk') w.bulk(x.v);
        else encode(w, x, proto);
      }
      return;
    }
    case 'simple':
      w.latin1('+');
      w.latin1(oneLine(r.v));
      w.crlf();
      return;
    case 'error':
      w.latin1('-' + oneLine(r.v) + CRLF);
      return;
    case 'int':
      if (typeof r.v === 'number' && Number.isSafeInteger(r.v)) w.header(58 /* : */, r.v);
      else w.latin1(':' + r.v.toString() + CRLF);
      return;
    case 'nullbulk':
      w.latin1(proto === 3 ? '_\r\n' : '$-1\r\n');
      return;
    case 'nullarray':
      w.latin1(proto === 3 ? '_\r\n' : '*-1\r\n');
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
    case 'multi':
      for (const x of r.v) encode(w, x, proto);
      return;
  }
}

/** Encodes one reply into a fresh Buffer (tests, forwarding). */
export function encodeToBuffer(r: Reply, proto: Protocol): Buffer {
  const w = new ReplyWriter(256);
  encode(w, r, proto);
  return w.take();
}
