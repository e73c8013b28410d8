// Listpack, the compact list Redis 7 stores small lists, hashes, sorted sets and stream nodes in: encoder and validating decoder.
//
// Layout: total bytes (u32 LE), element count (u16 LE, 65535 = "count them"), the entries, 0xFF.
// An entry is an encoding byte (with the length or the small value folded in), the payload, and
// a back-length of 1-5 bytes (7 bits per byte, read right to left) so it can be walked backwards.
import { sliceLatin1 } from '../resp/bytes.js';
import { ByteWriter, canonicalInt, RdbError } from './bytes.js';

const HEADER = 6;
const EOF = 0xff;
const COUNT_UNKNOWN = 0xffff;

/** Bytes the back-length of an entry of `len` bytes (encoding + payload) takes. */
export function backlenSize(len: number): number {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

function writeBacklen(w: ByteWriter, len: number): void {
  const n = backlenSize(len);
  // Most significant group first, every byte after the first flagged with 0x80.
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(len / 2 ** (7 * i)) & 127;
    w.byte(i === n - 1 ? group : group | 128);
  }
}

/** Builds one listpack; strings that spell an int64 are stored as integers, as lpAppend does. */
export class ListpackWriter {
  private readonly w: ByteWriter;
  private count = 0;

  constructor(initial = 64) {
    this.w = new ByteWriter(initial);
    this.w.u32le(0);
    this.w.u16le(0);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the listpack would take if finished now (header, entries, end byte). */
  get byteLength(): number {
    return this.w.length + 1;
  }

  append(s: string): void {
    const v = canonicalInt(s);
    if (v === null) this.appendBytes(s);
    else this.appendInt(v);
  }

  appendInt(v: number | bigint): void {
    const w = this.w;
    this.count++;
    if (typeof v === 'bigint' && v >= -(2n ** 31n) && v < 2n ** 31n) v = Number(v);
    if (typeof v === 'bigint') {
      w.byte(0xf4);
      w.i64le(v);
      w.byte(9);
      return;
    }
    if (v >= 0 && v <= 127) {
      w.byte(v);
      w.byte(1);
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? v + 8192 : v;
      w.byte(0xc0 | (u >> 8));
      w.byte(u & 0xff);
      w.byte(2);
    } else if (v >= -32768 && v <= 32767) {
      w.byte(0xf1);
      w.byte(v & 0xff);
      w.byte((v >> 8) & 0xff);
      w.byte(3);
    } else if (v >= -8388608 && v <= 8388607) {
      w.byte(0xf2);
      w.byte(v & 0xff);
      w.byte((v >> 8) & 0xff);
      w.byte((v >> 16) & 0xff);
      w.byte(4);
    } else if (v >= -2147483648 && v <= 2147483647) {
      w.byte(0xf3);
      w.u32le(v);
      w.byte(5);
    } else {
      w.byte(0xf4);
      w.i64le(BigInt(v));
      w.byte(9);
    }
  }

  /** A string entry, stored as bytes even when it spells a number. */
  appendBytes(s: string): void {
    const w = this.w;
    const len = s.length;
    this.count++;
    let head: number;
    if (len < 64) {
      w.byte(0x80 | len);
      head = 1;
    } else if (len < 4096) {
      w.byte(0xe0 | (len >> 8));
      w.byte(len & 0xff);
      head = 2;
    } else {
      w.byte(0xf0);
      w.u32le(len);
      head = 5;
    }
    w.latin1(s);
    writeBacklen(w, head + len);
  }

  finish(): Buffer {
    const w = this.w;
    w.byte(EOF);
    w.patchU32le(0, w.length);
    w.patchU16le(4, this.count < COUNT_UNKNOWN ? this.count : COUNT_UNKNOWN);
    return w.bytes();
  }
}

/** A listpack holding `items` in order. */
export function encodeListpack(items: Iterable<string>): Buffer {
  const w = new ListpackWriter();
  for (const s of items) w.append(s);
  return w.finish();
}

function bad(what: string): never {
  throw new RdbError(`listpack: ${what}`);
}

/** Header bytes (encoding byte plus length bytes) of the entry starting with `b`; 0 if invalid. */
function headerSize(b: number): number {
  if (b < 0xc0) return 1; // 7-bit uint, 6-bit string
  if (b < 0xe0) return 2; // 13-bit int (the second byte is payload, counted here)
  if (b < 0xf0) return 2; // 12-bit string
  if (b === 0xf0) return 5; // 32-bit string
  if (b <= 0xf4) return 1; // 16/24/32/64-bit ints
  return 0;
}

/**
 * Decodes a listpack into its elements (integers as their decimal strings, as lpGet gives them).
 * Validates everything Redis's deep integrity check does: header size and count, end byte,
 * every entry inside the buffer, every back-length consistent. Throws RdbError otherwise.
 */
export function decodeListpack(buf: Buffer): string[] {
  const size = buf.length;
  if (size < HEADER + 1) bad('too short');
  if (buf.readUInt32LE(0) !== size) bad('size mismatch');
  if (buf[size - 1] !== EOF) bad('no end byte');
  const declared = buf.readUInt16LE(4);
  const last = size - 1;
  const out: string[] = [];
  let p = HEADER;
  while (p < last) {
    const b = buf[p] as number;
    const hs = headerSize(b);
    if (hs === 0 || p + hs > last) bad('bad entry header');
    let len: number;
    let value: string;
    if (b < 0x80) {
      len = 1;
      value = String(b);
    } else if (b < 0xc0) {
      const n = b & 0x3f;
      len = 1 + n;
      if (p + len > last) bad('entry past the end');
      value = sliceLatin1(buf, p + 1, p + len);
    } else if (b < 0xe0) {
      len = 2;
      const u = ((b & 0x1f) << 8) | (buf[p + 1] as number);
      value = String(u >= 4096 ? u - 8192 : u);
    } else if (b < 0xf0) {
      const n = ((b & 0x0f) << 8) | (buf[p + 1] as number);
      len = 2 + n;
      if (p + len > last) bad('entry past the end');
      value = sliceLatin1(buf, p + 2, p + len);
    } else if (b === 0xf0) {
      const n = buf.readUInt32LE(p + 1);
      len = 5 + n;
      if (p + len > last) bad('entry past the end');
      value = sliceLatin1(buf, p + 5, p + len);
    } else {
      len = b === 0xf1 ? 3 : b === 0xf2 ? 4 : b === 0xf3 ? 5 : 9;
      if (p + len > last) bad('entry past the end');
      if (b === 0xf1) value = String(buf.readInt16LE(p + 1));
      else if (b === 0xf2) value = String(buf.readIntLE(p + 1, 3));
      else if (b === 0xf3) value = String(buf.readInt32LE(p + 1));
      else value = String(buf.readBigInt64LE(p + 1));
    }
    const bl = backlenSize(len);
    const next = p + len + bl;
    if (next > last) bad('back-length past the end');
    for (let i = 0; i < bl; i++) {
      const group = Math.floor(len / 2 ** (7 * (bl - 1 - i))) & 127;
      if (buf[p + len + i] !== (i === 0 ? group : group | 128)) bad('back-length mismatch');
    }
    out.push(value);
    p = next;
  }
  if (declared !== COUNT_UNKNOWN && declared !== out.length) bad('count mismatch');
  return out;
}
