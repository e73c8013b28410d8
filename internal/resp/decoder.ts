// Incremental RESP request decoder: feed bytes, pull complete commands; never executes anything.
import { sliceLatin1, sliceShort } from './bytes.js';
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
const EMPTY = Buffer.alloc(0);
/** Bulks at least this long that have not fully arrived get a buffer of their own (PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;
/** Command names up to this many bytes are remembered between commands. */
const NAME_CACHE = 32;
/** LLONG_MAX and -LLONG_MIN as digit strings: Redis's string2ll rejects anything beyond them. */
const LLONG_MAX_DIGITS = '9223372036854775807';
const LLONG_MIN_DIGITS = '9223372036854775808';

/** Multibulks up to this many arguments get their argv array sized at the header. */
const PREALLOC_ARGS = 1024;
/** Between commands: no array is allocated until a header says how many arguments come. */
const NO_ARGS: string[] = [];

/**
 * Decodes multibulk (`*N\r\n$L\r\n...`) and inline requests. State survives between feeds, so a
 * command split at any byte boundary decodes exactly as one delivered whole, and a large bulk is
 * copied once into a buffer of its final size rather than re-concatenated on every read.
 *
 * Cost is linear in the bytes fed however they are chunked: pending bytes live in a buffer that
 * grows geometrically, and the search for a line terminator resumes where the last one stopped,
 * so a client trickling a 64 KB line one byte at a time costs no more than sending it whole.
 */
export class RequestDecoder {
  /** Pending bytes are buf[start, end). A borrowed buf is a caller's chunk and is never written. */
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  private owned = false;
  /** The current line's terminator is not in buf[start, start + scanned). */
  private scanned = 0;
  // Multibulk in progress.
  private argsLeft = -1;
  private args: string[] = NO_ARGS;
  /** Arguments of the multibulk in progress read so far (the next one's index). */
  private argi = 0;
  // Bulk in progress: -1 = expecting a `$` line.
  private bulkLen = -1;
  // A large bulk being filled incrementally (its trailing CRLF included).
  private big: Buffer | null = null;
  private bigFilled = 0;
  private readonly lastNameBytes = Buffer.alloc(NAME_CACHE);
  private lastNameLen = -1;
  private lastName = '';
  /** When set, multibulk and bulk sizes are capped as for an unauthenticated client. */
  strict: { maxMultibulk: number; maxBulk: number } | null = null;

  constructor(readonly limits: ProtocolLimits = { ...DEFAULT_LIMITS }) {}

  /** Bytes received but not yet consumed by a complete command. */
  get pending(): number {
    return this.end - this.start + (this.big ? this.bigFilled : 0);
  }

  /**
   * Adds received bytes. The decoder may keep a reference to `chunk` (socket chunks are never
   * reused), so the caller must not modify it afterwards. Throws ProtocolError when the
   * unconsumed bytes exceed the query buffer limit.
   */
  feed(chunk: Buffer): void {
    if (this.big !== null && this.bigFilled < this.big.length) {
      const n = Math.min(chunk.length, this.big.length - this.bigFilled);
      chunk.copy(this.big, this.bigFilled, 0, n);
      this.bigFilled += n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length > 0) this.append(chunk);
    if (this.pending > this.limits.queryBufferLimit) throw new ProtocolError('query buffer limit exceeded');
  }

  private append(chunk: Buffer): void {
    const live = this.end - this.start;
    if (live === 0) {
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    const need = live + chunk.length;
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      // Fits after what is pending.
    } else if (this.owned && need * 2 <= this.buf.length) {
      // Mostly consumed: slide the pending bytes to the front (at least half stays free, so amortized O(1)).
      this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = live;
    } else {
      const next = Buffer.allocUnsafe(Math.max(16 * 1024, need + Math.min(need, 64 * 1024 * 1024)));
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.start = 0;
      this.end = live;
      this.owned = true;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Marks bytes up to `to` consumed; drops the buffer once nothing is pending. */
  private consume(to: number): void {
    this.start = to;
    this.scanned = 0;
    if (this.start >= this.end) {
      this.buf = EMPTY;
      this.start = 0;
      this.end = 0;
      this.owned = false;
    }
  }

  /** Index of the first `byte` in the pending bytes, resuming the previous search; -1 if absent. */
  private find(byte: number): number {
    const buf = this.buf;
    const end = this.end;
    const from = this.start + this.scanned;
    // Count lines are a few bytes long: a plain loop beats indexOf's call and subarray costs.
    const near = Math.min(end, from + 24);
    for (let i = from; i < near; i++) {
      if (buf[i] === byte) {
        this.scanned = i - this.start;
        return i;
      }
    }
    if (near < end) {
      // indexOf may look past `end` into stale bytes of an owned buffer; only hits before `end` count.
      const i = buf.indexOf(byte, near);
      if (i >= 0 && i < end) {
        this.scanned = i - this.start;
        return i;
      }
    }
    this.scanned = end - this.start;
    return -1;
  }

  /** The next complete command, or null when more bytes are needed. Throws ProtocolError. */
  next(): string[] | null {
    for (;;) {
      if (this.argsLeft < 0) {
        if (this.start >= this.end) return null;
        if (this.buf[this.start] !== 0x2a /* '*' */) {
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
        // Sized up front, as Redis sizes argv (capped like its 1024, so a bare `*1000000` header
        // reserves nothing): `[]` plus pushes allocated a 17-slot backing store per command, the
        // largest piece of a SET's garbage.
        this.args = n <= PREALLOC_ARGS ? new Array<string>(n) : [];
        this.argi = 0;
      }
      while (this.argsLeft > 0) {
        const arg = this.bulk();
        if (arg === null) return null;
        this.args[this.argi++] = arg;
        this.argsLeft--;
      }
      this.argsLeft = -1;
      const out = this.args;
      this.args = NO_ARGS;
      this.argi = 0;
      return out;
    }
  }

  private bulk(): string | null {
    if (this.bulkLen < 0 && this.big === null) {
      const fast = this.wholeBulk();
      if (fast !== null) return fast;
    }
    if (this.big !== null) {
      if (this.bigFilled < this.big.length) return null;
      const big = this.big;
      this.big = null;
      this.bulkLen = -1;
      if (big[big.length - 2] !== CR || big[big.length - 1] !== LF) throw new ProtocolError("expected '\\r\\n' after bulk");
      return sliceLatin1(big, 0, big.length - 2);
    }
    if (this.bulkLen < 0) {
      if (this.start >= this.end) return null;
      const n = this.countLine('bulk');
      if (n === null) return null;
      if (n < 0 || n > this.limits.maxBulkLen || n > MAX_STRING_BYTES) throw new ProtocolError('invalid bulk length');
      if (this.strict && n > this.strict.maxBulk) throw new ProtocolError('unauthenticated bulk length');
      this.bulkLen = n;
      const have = this.end - this.start;
      if (n >= BIG_ARG && have < n + 2) {
        this.big = Buffer.allocUnsafe(n + 2);
        this.buf.copy(this.big, 0, this.start, this.end);
        this.bigFilled = have;
        this.consume(this.end);
        return null;
      }
    }
    const end = this.start + this.bulkLen;
    if (end + 2 > this.end) return null;
    if (this.buf[end] !== CR || this.buf[end + 1] !== LF) throw new ProtocolError("expected '\\r\\n' after bulk");
    const s = this.argi === 0 ? this.commandName(this.start, end) : sliceShort(this.buf, this.start, end);
    this.bulkLen = -1;
    this.consume(end + 2);
    return s;
  }

  /**
   * Fast path for the common case: a short `$<n>\r\n<data>\r\n` wholly in the buffer, in canonical
   * form and within limits. Anything else (partial, odd, too big, an error) returns null and goes
   * through the general path, which handles it and produces the exact error, so this path never
   * decides anything the general one would decide differently.
   */
  private wholeBulk(): string | null {
    const buf = this.buf;
    const from = this.start;
    const end = this.end;
    if (buf[from] !== 0x24 /* $ */) return null;
    let j = from + 1;
    let n = 0;
    const first = buf[j];
    if (first === undefined || first < 49 || first > 57) return null; // no sign, no leading zero
    for (; j < end && j - from <= 10; j++) {
      const c = buf[j] as number;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (buf[j] !== CR || buf[j + 1] !== LF) return null;
    if (n > this.limits.maxBulkLen || (this.strict !== null && n > this.strict.maxBulk)) return null;
    const data = j + 2;
    const dataEnd = data + n;
    if (dataEnd + 2 > end || buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) return null;
    const s = this.argi === 0 ? this.commandName(data, dataEnd) : sliceShort(buf, data, dataEnd);
    this.consume(dataEnd + 2);
    return s;
  }

  /**
   * The command name, reused from the previous command when the bytes are the same: pipelines
   * repeat one command, and the same string object skips a slice and re-hashing at lookup.
   */
  private commandName(from: number, to: number): string {
    const n = to - from;
    if (n <= NAME_CACHE && n === this.lastNameLen) {
      const buf = this.buf;
      const cached = this.lastNameBytes;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (buf[from + i] !== cached[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastName;
    }
    const s = sliceShort(this.buf, from, to);
    if (n <= NAME_CACHE) {
      this.buf.copy(this.lastNameBytes, 0, from, to);
      this.lastNameLen = n;
      this.lastName = s;
    }
    return s;
  }

  /**
   * Parses a `*<n>\r\n` or `$<n>\r\n` line at start; null if it is incomplete. As in Redis the line
   * ends at the first CR (the byte after it is skipped unseen), `$` is checked once the line is
   * complete, and the number follows string2ll: optional '-', no '+', no spaces, no leading zeros.
   */
  private countLine(kind: 'multibulk' | 'bulk'): number | null {
    const cr = this.find(CR);
    if (cr < 0) {
      if (this.end - this.start > this.limits.maxInlineLen) {
        throw new ProtocolError(kind === 'multibulk' ? 'too big mbulk count string' : 'too big bulk count string');
      }
      return null;
    }
    if (cr + 1 >= this.end) return null;
    if (kind === 'bulk' && this.buf[this.start] !== 0x24 /* '$' */) {
      throw new ProtocolError(`expected '$', got '${printable(this.buf[this.start] as number)}'`);
    }
    const n = parseLongLong(this.buf, this.start + 1, cr);
    if (n === null) throw new ProtocolError(`invalid ${kind} length`);
    this.consume(cr + 2);
    return n;
  }

  /** An inline command line split like Redis's sdssplitargs; null if the line is incomplete. */
  private inline(): string[] | null {
    const nl = this.find(LF);
    if (nl < 0) {
      if (this.end - this.start > this.limits.maxInlineLen) throw new ProtocolError('too big inline request');
      return null;
    }
    const end = nl > this.start && this.buf[nl - 1] === CR ? nl - 1 : nl;
    const line = sliceLatin1(this.buf, this.start, end);
    this.consume(nl + 1);
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/** Error lines may not carry CR or LF; Redis's addReplyErrorFormat turns them into spaces. */
function printable(c: number): string {
  return c === CR || c === LF ? ' ' : String.fromCharCode(c);
}

/**
 * buf[from, to) as a signed 64-bit decimal, or null where Redis's string2ll fails. Values beyond
 * 2^53 lose precision, which no caller can observe: they exceed every limit they are checked against.
 */
function parseLongLong(buf: Buffer, from: number, to: number): number | null {
  let i = from;
  const neg = buf[i] === 0x2d; /* '-' */
  if (neg) i++;
  const digits = to - i;
  if (digits <= 0 || digits > 19) return null;
  if (buf[i] === 0x30 /* '0' */ && (digits > 1 || neg)) return null;
  let n = 0;
  for (let j = i; j < to; j++) {
    const d = (buf[j] as number) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  if (digits === 19 && buf.toString('latin1', i, to) > (neg ? LLONG_MIN_DIGITS : LLONG_MAX_DIGITS)) return null;
  return neg ? -n : n;
}

/** C isspace(): skips blanks between arguments and must follow a closing quote. */
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
/** What ends an unquoted argument in sdssplitargs: a narrower set than isspace (no \v, \f). */
const endsArg = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const hexVal = (c: string): number => parseInt(c, 16);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Splits a line into arguments as Redis's sdssplitargs does: whitespace separates, "double quotes"
 * support \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' support \'; a closing quote must
 * be followed by whitespace. Returns null for unbalanced quotes. (Redis, reading a C string,
 * would also stop at a NUL byte; here NUL is an ordinary character.)
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
      } else if (c === undefined || endsArg(c)) {
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
