// Ziplist, the compact list of Redis before 7.0 (older DUMPs use it for lists, hashes and sorted sets): validating decoder, and an encoder for tests and tools.
//
// Layout: total bytes (u32 LE), offset of the last entry (u32 LE), entry count (u16 LE, 65535 =
// "count them"), the entries, 0xFF. An entry is the previous entry's length (1 byte, or 0xFE and
// a u32 LE), an encoding (strings: 2 bits of kind and a 6-, 14- or 32-bit big-endian length;
// integers: one byte naming the width, or 0xF1-0xFD holding 0-12 itself), then the payload.
import { sliceLatin1 } from '../resp/bytes.js';
import { ByteWriter, canonicalInt, RdbError } from './bytes.js';

const HEADER = 10;
const END = 0xff;
const BIG_PREVLEN = 0xfe;

function bad(what: string): never {
  throw new RdbError(`ziplist: ${what}`);
}

/**
 * The elements of a ziplist (integers as decimal strings). Validates as Redis's deep integrity
 * check does: sizes, end byte, tail offset, every entry inside the buffer, every prevlen equal to
 * the previous entry's size, and the count. Throws RdbError otherwise.
 */
export function decodeZiplist(buf: Buffer): string[] {
  const size = buf.length;
  if (size < HEADER + 1) bad('too short');
  if (buf.readUInt32LE(0) !== size) bad('size mismatch');
  if (buf[size - 1] !== END) bad('no end byte');
  const tail = buf.readUInt32LE(4);
  if (tail > size - 1) bad('tail offset out of range');
  const declared = buf.readUInt16LE(8);
  const last = size - 1;
  const out: string[] = [];
  let p = HEADER;
  let prevSize = 0;
  let prevStart = -1;
  while (p < last) {
    const start = p;
    let prevlen: number;
    if ((buf[p] as number) < BIG_PREVLEN) {
      prevlen = buf[p] as number;
      p += 1;
    } else {
      if (p + 5 > last) bad('prevlen past the end');
      prevlen = buf.readUInt32LE(p + 1);
      p += 5;
    }
    if (prevlen !== prevSize) bad('prevlen mismatch');
    if (p >= last) bad('encoding past the end');
    const enc = buf[p] as number;
    let value: string;
    if (enc < 0xc0) {
      let len: number;
      const kind = enc >> 6;
      if (kind === 0) {
        len = enc & 0x3f;
        p += 1;
      } else if (kind === 1) {
        if (p + 2 > last) bad('length past the end');
        len = ((enc & 0x3f) << 8) | (buf[p + 1] as number);
        p += 2;
      } else {
        if (p + 5 > last) bad('length past the end');
        len = buf.readUInt32BE(p + 1);
        p += 5;
      }
      if (p + len > last) bad('string past the end');
      value = sliceLatin1(buf, p, p + len);
      p += len;
    } else {
      const width = enc === 0xc0 ? 2 : enc === 0xd0 ? 4 : enc === 0xe0 ? 8 : enc === 0xf0 ? 3 : enc === 0xfe ? 1 : enc >= 0xf1 && enc <= 0xfd ? 0 : -1;
      if (width < 0) bad('bad encoding');
      p += 1;
      if (p + width > last) bad('integer past the end');
      if (width === 0) value = String((enc & 0x0f) - 1);
      else if (width === 8) value = String(buf.readBigInt64LE(p));
      else value = String(buf.readIntLE(p, width));
      p += width;
    }
    out.push(value);
    prevSize = p - start;
    prevStart = start;
  }
  if (prevStart >= 0 && prevStart !== tail) bad('tail offset mismatch');
  if (declared !== 0xffff && declared !== out.length) bad('count mismatch');
  return out;
}

/** A ziplist of `items` (strings that spell an int64 stored as integers, as Redis did). */
export function encodeZiplist(items: readonly string[]): Buffer {
  const w = new ByteWriter();
  w.u32le(0);
  w.u32le(0);
  w.u16le(Math.min(items.length, 0xffff));
  let prevSize = 0;
  let tail = HEADER;
  for (const s of items) {
    const start = w.length;
    tail = start;
    if (prevSize < BIG_PREVLEN) {
      w.byte(prevSize);
    } else {
      w.byte(BIG_PREVLEN);
      w.u32le(prevSize);
    }
    writeZiplistValue(w, s);
    prevSize = w.length - start;
  }
  w.byte(END);
  w.patchU32le(0, w.length);
  w.patchU32le(4, tail);
  return w.bytes();
}

function writeZiplistValue(w: ByteWriter, s: string): void {
  const v = canonicalInt(s);
  if (v === null) {
    const len = s.length;
    if (len <= 0x3f) {
      w.byte(len);
    } else if (len <= 0x3fff) {
      w.byte(0x40 | (len >> 8));
      w.byte(len & 0xff);
    } else {
      w.byte(0x80);
      w.u32be(len);
    }
    w.latin1(s);
    return;
  }
  const n = BigInt(v);
  if (n >= 0n && n <= 12n) {
    w.byte(0xf1 + Number(n));
  } else if (n >= -128n && n <= 127n) {
    w.byte(0xfe);
    w.byte(Number(n) & 0xff);
  } else if (n >= -32768n && n <= 32767n) {
    w.byte(0xc0);
    w.u16le(Number(n) & 0xffff);
  } else if (n >= -8388608n && n <= 8388607n) {
    w.byte(0xf0);
    const u = Number(n) & 0xffffff;
    w.byte(u & 0xff);
    w.byte((u >> 8) & 0xff);
    w.byte((u >> 16) & 0xff);
  } else if (n >= -2147483648n && n <= 2147483647n) {
    w.byte(0xd0);
    w.u32le(Number(n));
  } else {
    w.byte(0xe0);
    w.i64le(n);
  }
}
