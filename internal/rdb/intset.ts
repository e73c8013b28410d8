// Intset, the sorted array of integers Redis keeps small all-integer sets in: encoder and validating decoder.
//
// Layout: element width in bytes (u32 LE: 2, 4 or 8), element count (u32 LE), then the elements,
// little endian, strictly ascending, all at the narrowest width that holds the widest one.
import { ByteWriter, RdbError } from './bytes.js';

const HEADER = 8;

/** An intset of `values` (canonical int64 decimal strings, any order, no duplicates). */
export function encodeIntset(values: readonly string[]): Buffer {
  const nums = values.map((s) => BigInt(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of nums) {
    if (v < -(2n ** 31n) || v >= 2n ** 31n) {
      width = 8;
      break;
    }
    if (v < -32768n || v > 32767n) width = 4;
  }
  const w = new ByteWriter(HEADER + nums.length * width);
  w.u32le(width);
  w.u32le(nums.length);
  for (const v of nums) {
    if (width === 8) w.i64le(v);
    else if (width === 4) w.u32le(Number(v));
    else w.u16le(Number(v) & 0xffff);
  }
  return w.bytes();
}

/**
 * The members of an intset, ascending, as decimal strings. Refuses (RdbError) a bad width, a
 * size that does not match the count, an empty set, and unsorted or repeated elements.
 */
export function decodeIntset(buf: Buffer): string[] {
  if (buf.length < HEADER) throw new RdbError('intset: too short');
  const width = buf.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError('intset: bad encoding');
  const count = buf.readUInt32LE(4);
  if (HEADER + count * width !== buf.length) throw new RdbError('intset: size mismatch');
  if (count === 0) throw new RdbError('intset: empty');
  const out: string[] = [];
  let prev: number | bigint | undefined;
  for (let i = 0, p = HEADER; i < count; i++, p += width) {
    const v: number | bigint = width === 2 ? buf.readInt16LE(p) : width === 4 ? buf.readInt32LE(p) : buf.readBigInt64LE(p);
    if (prev !== undefined && !(v > prev)) throw new RdbError('intset: not strictly ascending');
    prev = v;
    out.push(String(v));
  }
  return out;
}
