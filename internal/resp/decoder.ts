// Incremental RESP request decoder: feed bytes, pull complete commands; never executes anything.
import { DEFAULT_LIMITS, MAX_STRING_BYTES, type ProtocolLimits } from './limits.js';

/** A malformed request; the server answers `-ERR Protocol error: <message>` and closes. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const CR = 13;
const LF = 10;

/**
 * Decodes multibulk (`*N\r\n$L\r\n...`) and inline requests. State survives between feeds, so a
 * command split at any byte boundary decodes exactly as one delivered whole, and a large bulk is
 * copied once into a buffer of its final size rather than re-concatenated on every read.
 */
export class RequestDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  // Multibulk in progress.
  private argsLeft = -1;
  private args: string[] = [];
  // Bulk in progress: -1 = expecting a `$` line.
  private bulkLen = -1;
  // A large bulk being filled incrementally.
  private big: Buffer | null = null;
  private bigFilled = 0;
  /** When set, multibulk and bulk sizes are capped as for an unauthenticated client. */
  strict: { maxMultibulk: number; maxBulk: number } | null = null;

  constructor(readonly limits: ProtocolLimits = { ...DEFAULT_LIMITS }) {}

  /** Bytes received but not yet consumed by a complete command. */
  get pending(): number {
    return this.buf.length - this.pos + (this.big ? this.bigFilled : 0);
  }

  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const n = Math.min(chunk.length, this.big.length - this.bigFilled);
      chunk.copy(this.big, this.bigFilled, 0, n);
      this.bigFilled += n;
      chunk = chunk.subarray(n);
      if (chunk.length === 0) return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
    if (this.buf.length - this.pos > this.limits.queryBufferLimit) {
      throw new ProtocolError('query buffer limit exceeded');
    }
  }

  /** The next complete command, or null when more bytes are needed. Throws ProtocolError. */
  next(): string[] | null {
    for (;;) {
      if (this.argsLeft < 0) {
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] !== 0x2a /* '*' */) {
          const inline = this.inline();
          if (inline === null) return null;
          if (inline.length === 0) continue; // empty line: ignored, as Redis does
          return inline;
        }
        const n = this.countLine('multibulk');
        if (n === null) return null;
        if (n > this.limits.maxMultibulkLen) throw new ProtocolError('invalid multibulk length');
        if (this.strict && n > this.strict.maxMultibulk) throw new ProtocolError('unauthenticated multibulk length');
        if (n <= 0) continue; // `*0` and `*-1` are no-ops
        this.argsLeft = n;
        this.args = [];
      }
      while (this.argsLeft > 0) {
        const arg = this.bulk();
        if (arg === null) return null;
        this.args.push(arg);
        this.argsLeft--;
      }
      this.argsLeft = -1;
      const out = this.args;
      this.args = [];
      return out;
    }
  }

  private bulk(): string | null {
    if (this.big !== null) {
      if (this.bigFilled < this.big.length) return null;
      // The trailing CRLF was read into `big` as well.
      const big = this.big;
      this.big = null;
      this.bulkLen = -1;
      if (big[big.length - 2] !== CR || big[big.length - 1] !== LF) throw new ProtocolError("expected '\\r\\n' after bulk");
      return big.toString('latin1', 0, big.length - 2);
    }
    if (this.bulkLen < 0) {
      if (this.pos >= this.buf.length) return null;
      const c = this.buf[this.pos] as number;
      if (c !== 0x24 /* '$' */) throw new ProtocolError(`expected '$', got '${String.fromCharCode(c)}'`);
      const n = this.countLine('bulk');
      if (n === null) return null;
      if (n < 0 || n > this.limits.maxBulkLen || n > MAX_STRING_BYTES) throw new ProtocolError('invalid bulk length');
      if (this.strict && n > this.strict.maxBulk) throw new ProtocolError('unauthenticated bulk length');
      this.bulkLen = n;
      // Large bulks that have not fully arrived get their own buffer, filled as bytes come.
      const have = this.buf.length - this.pos;
      if (n >= 32 * 1024 && have < n + 2) {
        this.big = Buffer.allocUnsafe(n + 2);
        this.buf.copy(this.big, 0, this.pos);
        this.bigFilled = have;
        this.pos = this.buf.length;
        return null;
      }
    }
    const end = this.pos + this.bulkLen;
    if (end + 2 > this.buf.length) return null;
    if (this.buf[end] !== CR || this.buf[end + 1] !== LF) throw new ProtocolError("expected '\\r\\n' after bulk");
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    this.bulkLen = -1;
    return s;
  }

  /** Parses `*<n>\r\n` or `$<n>\r\n` at pos; null if the line is incomplete. */
  private countLine(kind: 'multibulk' | 'bulk'): number | null {
    const nl = this.buf.indexOf(LF, this.pos + 1);
    if (nl < 0) {
      if (this.buf.length - this.pos > this.limits.maxInlineLen) {
        throw new ProtocolError(kind === 'multibulk' ? 'too big mbulk count string' : 'too big bulk count string');
      }
      return null;
    }
    const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    let n = 0;
    let neg = false;
    let i = this.pos + 1;
    if (this.buf[i] === 0x2d /* '-' */) {
      neg = true;
      i++;
    }
    if (i >= end || end - i > 18) throw new ProtocolError(`invalid ${kind} length`);
    for (; i < end; i++) {
      const d = (this.buf[i] as number) - 48;
      if (d < 0 || d > 9) throw new ProtocolError(`invalid ${kind} length`);
      n = n * 10 + d;
    }
    this.pos = nl + 1;
    return neg ? -n : n;
  }

  /** An inline command line split like Redis's sdssplitargs; null if the line is incomplete. */
  private inline(): string[] | null {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > this.limits.maxInlineLen) throw new ProtocolError('too big inline request');
      return null;
    }
    const end = nl > this.pos && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const line = this.buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
const hexVal = (c: string): number => parseInt(c, 16);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Splits a line into arguments as Redis's sdssplitargs does: whitespace separates, "double quotes"
 * support \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' support \'; a closing quote must
 * be followed by whitespace. Returns null for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i] as string)) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      const c = line[i];
      if (inDq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(hexVal(line[i + 2] as string) * 16 + hexVal(line[i + 3] as string));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1] as string)) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (inSq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1] as string)) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (c === undefined || isSpace(c)) {
        done = true;
      } else if (c === '"') {
        inDq = true;
      } else if (c === "'") {
        inSq = true;
      } else {
        cur += c;
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}
