// RESP2/RESP3 encoder: writes Reply values into a reusable growable buffer, one socket write per batch.
import { putCountLine, putLatin1 } from './bytes.js';
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

/**
 * Formats a double as Redis 7.2's d2string does for replies: `inf`, `-inf`, `nan`, `-0`, plain
 * integers below 2^52, otherwise fpconv_dtoa's layout of the shortest round-trip digits (plain
 * notation for moderate exponents, `1e+16` / `1.5e-7` beyond them).
 */
export function formatDouble(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 52) return String(v);
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mantissa = '', e = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const nd = digits.length;
  const k = Number(e) - (nd - 1); // |v| = digits * 10^k
  const exp = Math.abs(k + nd - 1);
  const sign = v < 0 ? '-' : '';
  if (k >= 0 && exp < nd + 7) return sign + digits + '0'.repeat(k);
  if (k < 0 && (k > -7 || exp < 4)) {
    const offset = nd + k;
    return sign + (offset <= 0 ? '0.' + '0'.repeat(-offset) + digits : digits.slice(0, offset) + '.' + digits.slice(offset));
  }
  return sign + digits[0] + (nd > 1 ? '.' + digits.slice(1) : '') + 'e' + (k + nd - 1 < 0 ? '-' : '+') + String(exp);
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
