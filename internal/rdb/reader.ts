// Bounds-checked reading of RDB primitives (lengths, strings with their integer and LZF encodings, doubles, times) from a payload; never executes anything.
import { sliceLatin1 } from '../resp/bytes.js';
import { RdbError } from './bytes.js';
import { lzfDecompress, lzfMaxOutput } from './lzf.js';

/** Special string encodings, flagged by a length byte whose top two bits are 11. */
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

function bad(what: string): never {
  throw new RdbError(what);
}

/** A cursor over `buf[pos, end)`; every read past `end` throws RdbError. */
export class RdbReader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
    private readonly end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) bad('unexpected end of payload');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  /** Raw bytes (a copy-free view). */
  raw(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A length or, when `enc` is true, the number of a special string encoding. */
  private lenOrEnc(): { enc: boolean; v: number | bigint } {
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 3) return { enc: true, v: b & 0x3f };
    if (kind === 0) return { enc: false, v: b & 0x3f };
    if (kind === 1) return { enc: false, v: ((b & 0x3f) << 8) | this.byte() };
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { enc: false, v };
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return { enc: false, v: v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v };
    }
    return bad('unknown length encoding');
  }

  /** A full 64-bit unsigned length (stream IDs and counters). */
  lenBig(): bigint {
    const r = this.lenOrEnc();
    if (r.enc) bad('encoded value where a length was expected');
    return BigInt(r.v);
  }

  /**
   * A length that counts things still to be read. Anything beyond the bytes left cannot be honest
   * (every element takes at least one byte), which also bounds every decoding loop by the input.
   */
  count(): number {
    const r = this.lenOrEnc();
    if (r.enc) bad('encoded value where a length was expected');
    if (typeof r.v === 'bigint' || r.v > this.remaining) bad('length beyond the payload');
    return r.v;
  }

  /** An RDB string as a byte string (ringcache's value representation). */
  string(): string {
    const r = this.lenOrEnc();
    if (!r.enc) {
      const n = r.v;
      if (typeof n === 'bigint' || n > this.remaining) bad('string beyond the payload');
      const s = sliceLatin1(this.buf, this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    switch (r.v) {
      case RDB_ENC_INT8:
        this.need(1);
        return String(this.buf.readInt8(this.pos++));
      case RDB_ENC_INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return String(v);
      }
      case RDB_ENC_INT32: {
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return String(v);
      }
      case RDB_ENC_LZF: {
        const out = this.lzf();
        return sliceLatin1(out, 0, out.length);
      }
      default:
        return bad('unknown string encoding');
    }
  }

  /** An RDB string as bytes (embedded listpacks, intsets, ziplists, stream node keys). */
  blob(): Buffer {
    const r = this.lenOrEnc();
    if (!r.enc) {
      const n = r.v;
      if (typeof n === 'bigint' || n > this.remaining) bad('string beyond the payload');
      return this.raw(n);
    }
    if (r.v === RDB_ENC_LZF) return this.lzf();
    // An integer-encoded blob is legal RDB, if useless: its decimal text.
    this.pos--;
    return Buffer.from(this.string(), 'latin1');
  }

  private lzf(): Buffer {
    const clen = this.count();
    const len = this.lenOrEnc();
    if (len.enc || typeof len.v === 'bigint' || len.v > lzfMaxOutput(clen)) bad('bad LZF length');
    const out = lzfDecompress(this.raw(clen), len.v);
    if (out === null) bad('invalid LZF data');
    return out;
  }

  /** An IEEE 754 double, little endian (RDB_TYPE_ZSET_2 scores). */
  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** The old text double (RDB_TYPE_ZSET): a length byte (253 nan, 254 inf, 255 -inf) and the text. */
  textDouble(parse: (s: string) => number | null): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const v = parse(sliceLatin1(this.raw(n), 0, n));
    if (v === null) bad('bad double');
    return v;
  }

  /** A millisecond time: 8 bytes, little endian, signed. */
  millis(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }
}
