// Writing RDB primitives: lengths, strings (integer-encoded when they spell a small integer), blobs, doubles and times.
import { ByteWriter, canonicalInt } from './bytes.js';

export class RdbWriter extends ByteWriter {
  /** An RDB length: 6 bits, 14 bits, 32 bits or 64 bits (both big endian). */
  len(v: number | bigint): void {
    if (typeof v === 'bigint' && v <= 0xffffffffn) v = Number(v);
    if (typeof v === 'number' && v < 64) {
      this.byte(v);
    } else if (typeof v === 'number' && v < 16384) {
      this.byte(0x40 | (v >> 8));
      this.byte(v & 0xff);
    } else if (BigInt(v) <= 0xffffffffn) {
      this.byte(0x80);
      this.u32be(Number(v));
    } else {
      this.byte(0x81);
      this.u64be(BigInt(v));
    }
  }

  /**
   * A string value. One that spells an integer in int32 range is written as RDB_ENC_INT8/16/32,
   * as Redis's rdbSaveRawString does; everything else verbatim (RESTORE reads LZF too, but DUMP
   * does not need to write it).
   */
  string(s: string): void {
    if (s.length <= 11) {
      const v = canonicalInt(s);
      if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
        if (v >= -128 && v <= 127) {
          this.byte(0xc0);
          this.byte(v & 0xff);
        } else if (v >= -32768 && v <= 32767) {
          this.byte(0xc1);
          this.u16le(v & 0xffff);
        } else {
          this.byte(0xc2);
          this.u32le(v);
        }
        return;
      }
    }
    this.len(s.length);
    this.latin1(s);
  }

  /** Bytes as an RDB string (embedded listpacks and intsets, stream node keys). */
  blob(b: Uint8Array): void {
    this.len(b.length);
    this.bytesOf(b);
  }

  binaryDouble(v: number): void {
    this.f64le(v);
  }

  millis(v: number): void {
    this.i64le(BigInt(Math.trunc(v)));
  }
}
