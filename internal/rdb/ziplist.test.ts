// Ziplist (read for pre-7.0 DUMPs): hand-assembled entries of every encoding, round trips, and malformed ziplists refused.
import { describe, expect, it } from 'vitest';
import { RdbError } from './bytes.js';
import { decodeZiplist, encodeZiplist } from './ziplist.js';

describe('ziplist', () => {
  it('reads a hand-assembled ziplist of every entry kind', () => {
    // header: 10 bytes; entries: "ab" (6-bit str), 7 (immediate), -2 (int8), 1000 (int16).
    const entries = ['00' + '02' + '6162', '04' + 'f8', '02' + 'fe' + 'fe', '03' + 'c0' + 'e803'];
    const body = entries.join('');
    const total = 10 + body.length / 2 + 1;
    const tail = 10 + (entries[0] as string).length / 2 + (entries[1] as string).length / 2 + (entries[2] as string).length / 2;
    const hdr = Buffer.alloc(10);
    hdr.writeUInt32LE(total, 0);
    hdr.writeUInt32LE(tail, 4);
    hdr.writeUInt16LE(4, 8);
    const zl = Buffer.concat([hdr, Buffer.from(body, 'hex'), Buffer.from([0xff])]);
    expect(decodeZiplist(zl)).toEqual(['ab', '7', '-2', '1000']);
  });

  it.each([
    ['small and immediate integers', ['0', '12', '13', '-1', '127', '-128']],
    ['16, 24, 32 and 64-bit integers', ['1000', '-30000', '100000', '-8388608', '2147483647', '-9223372036854775808']],
    ['6, 14 and 32-bit string lengths', ['', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(16383), 'w'.repeat(16384)]],
    ['entries long enough for 5-byte prevlens', ['a'.repeat(300), 'b', 'c'.repeat(254), 'd']],
  ])('round-trips %s', (_name, items) => {
    expect(decodeZiplist(encodeZiplist(items))).toEqual(items);
  });

  const good = encodeZiplist(['a', '5', 'hello']);
  const mutate = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    f(b);
    return b;
  };
  it.each([
    ['a size that is not the buffer size', mutate((b) => b.writeUInt32LE(b.length - 1, 0))],
    ['no end byte', mutate((b) => (b[b.length - 1] = 0))],
    ['a tail offset past the end', mutate((b) => b.writeUInt32LE(b.length, 4))],
    ['a tail offset not at the last entry', mutate((b) => b.writeUInt32LE(10, 4))],
    ['a wrong count', mutate((b) => b.writeUInt16LE(5, 8))],
    ['a wrong prevlen', mutate((b) => (b[13] = 9))],
    ['an invalid integer encoding', mutate((b) => (b[11] = 0xff))],
    ['a string running past the end', mutate((b) => (b[11] = 0x3f))],
  ])('refuses %s', (_name, zl) => {
    expect(() => decodeZiplist(zl)).toThrow(RdbError);
  });

  it('refuses every truncation', () => {
    const zl = encodeZiplist(['a'.repeat(300), '5', '-100000', 'hello']);
    for (let cut = 0; cut < zl.length; cut++) expect(() => decodeZiplist(zl.subarray(0, cut))).toThrow(RdbError);
  });
});
