// Shared pieces of the RDB codecs: the decoding error, a growable byte writer, and the strict integer test listpacks and RDB strings use.

/** A payload the decoder refuses (RESTORE answers `Bad data format`); never thrown by encoders. */
export class RdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbError';
  }
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * The int64 a string spells when it is exactly the canonical decimal form (optional '-', no
 * leading zeros, no '+' or spaces, "0" but not "-0"), as Redis's string2ll accepts; else null.
 * Small values come back as numbers, so the common case allocates no bigint.
 */
export function canonicalInt(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const neg = s.charCodeAt(0) === 45;
  const start = neg ? 1 : 0;
  if (start === n) return null;
  const first = s.charCodeAt(start);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  for (let i = start + 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  if (n - start <= 15) return Number(s);
  const v = BigInt(s);
  return v > INT64_MAX || v < INT64_MIN ? null : v;
}

/** A growable output buffer; `bytes()` is a view of what was written. */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16le(v: number): void {
    this.reserve(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32le(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  u32be(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** 64-bit two's complement, little endian. */
  i64le(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  u64be(v: bigint): void {
    this.reserve(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  f64le(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  bytesOf(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A JS string whose characters are bytes (ringcache's latin1 values). */
  latin1(s: string): void {
    this.reserve(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** Overwrites 4 bytes written earlier (a header filled in once the size is known). */
  patchU32le(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  patchU16le(at: number, v: number): void {
    this.buf.writeUInt16LE(v, at);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
