// Listpack: byte-exact entries of every encoding, back-length boundaries, a listpack redis-server 7.0 wrote, and every malformed shape refused.
import { describe, expect, it } from 'vitest';
import { RdbError } from './bytes.js';
import { backlenSize, decodeListpack, encodeListpack, ListpackWriter } from './listpack.js';

const hex = (b: Buffer): string => b.toString('hex');
/** The entry bytes of a one-element listpack (header and end byte stripped). */
const entryOf = (fill: (w: ListpackWriter) => void): string => {
  const w = new ListpackWriter();
  fill(w);
  return hex(w.finish().subarray(6, -1));
};

describe('listpack entries', () => {
  it.each([
    ['7-bit uint', 5, '0501'],
    ['7-bit uint max', 127, '7f01'],
    ['13-bit int', 300, 'c12c02'],
    ['13-bit negative', -300, 'ded402'],
    ['13-bit -1', -1, 'dfff02'],
    ['13-bit min', -4096, 'd00002'],
    ['16-bit int', 5000, 'f1881303'],
    ['24-bit int', 100000, 'f2a0860104'],
    ['32-bit int', 2147483647, 'f3ffffff7f05'],
    ['32-bit negative', -2147483648, 'f30000008005'],
    ['64-bit int', 2 ** 40, 'f4000000000001000009'],
  ])('%s', (_name, v, want) => {
    expect(entryOf((w) => w.appendInt(v))).toBe(want);
    expect(decodeListpack(encodeListpack([String(v)]))).toEqual([String(v)]);
  });

  it('64-bit extremes as bigints', () => {
    expect(entryOf((w) => w.appendInt(-(2n ** 63n)))).toBe('f4000000000000008009');
    expect(decodeListpack(encodeListpack(['9223372036854775807', '-9223372036854775808']))).toEqual(['9223372036854775807', '-9223372036854775808']);
  });

  it.each([
    ['6-bit string', 'a', '816102'],
    ['empty string', '', '8001'],
    ['not canonical, so a string', '01', '82303103'],
    ['beyond int64, so a string', '9223372036854775808', '93' + Buffer.from('9223372036854775808').toString('hex') + '14'],
  ])('%s', (_name, s, want) => {
    expect(entryOf((w) => w.append(s))).toBe(want);
  });

  it.each([
    [63, 1, 1],
    [64, 2, 1],
    [125, 2, 1],
    [126, 2, 2],
    [4095, 2, 2],
    [4096, 5, 2],
    [16377, 5, 2],
    [16378, 5, 3],
  ])('string of %i bytes: %i header bytes, %i back-length bytes', (n, head, back) => {
    const s = 'x'.repeat(n);
    const lp = encodeListpack([s]);
    expect(lp.length).toBe(6 + head + n + back + 1);
    expect(backlenSize(head + n)).toBe(back);
    expect(decodeListpack(lp)).toEqual([s]);
  });

  it('writes multi-byte back-lengths most significant group first', () => {
    const lp = encodeListpack(['x'.repeat(4096)]);
    // 4101 = 32 * 128 + 5: the group 32 without the flag, then 5 flagged.
    expect(hex(lp.subarray(-3, -1))).toBe('2085');
  });

  it('back-length sizes switch where Redis switches them', () => {
    expect([127, 128, 16382, 16383, 2097150, 2097151, 268435454, 268435455].map(backlenSize)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
  });
});

describe('decodeListpack', () => {
  it('reads the list node redis-server 7.0 wrote for RPUSH l a 1 -300 hello', () => {
    const lp = Buffer.from('160000000400816102010' + '1ded4028568656c6c6f06ff', 'hex');
    expect(decodeListpack(lp)).toEqual(['a', '1', '-300', 'hello']);
  });

  it('accepts the "unknown" count and counts itself', () => {
    const lp = encodeListpack(['a', 'b']);
    lp.writeUInt16LE(0xffff, 4);
    expect(decodeListpack(lp)).toEqual(['a', 'b']);
  });

  it('keeps 65535 and more elements with the unknown count', () => {
    const items = Array.from({ length: 70_000 }, (_, i) => String(i % 100));
    const lp = encodeListpack(items);
    expect(lp.readUInt16LE(4)).toBe(0xffff);
    expect(decodeListpack(lp)).toEqual(items);
  });

  const good = encodeListpack(['a', '300', 'hello']);
  const mutate = (f: (b: Buffer) => Buffer): Buffer => f(Buffer.from(good));
  it.each([
    ['shorter than a header', Buffer.from('0600000000', 'hex')],
    ['a size that is not the buffer size', mutate((b) => (b.writeUInt32LE(b.length + 1, 0), b))],
    ['no end byte', mutate((b) => ((b[b.length - 1] = 0), b))],
    ['a wrong count', mutate((b) => (b.writeUInt16LE(2, 4), b))],
    ['an invalid encoding byte', mutate((b) => ((b[6] = 0xf5), b))],
    ['a string running into the end byte', mutate((b) => ((b[6] = 0xbf), b))],
    ['a wrong back-length', mutate((b) => ((b[8] = 3), b))],
    ['an entry where the end byte should be', Buffer.from('0800000001000501', 'hex')],
  ])('refuses %s', (_name, lp) => {
    expect(() => decodeListpack(lp)).toThrow(RdbError);
  });

  it('refuses every truncation and never fails otherwise than with RdbError on bit flips', () => {
    const lp = encodeListpack(['a', '300', 'x'.repeat(200), '-5', '9223372036854775807', 'y'.repeat(5000)]);
    for (let cut = 0; cut < lp.length; cut++) expect(() => decodeListpack(lp.subarray(0, cut))).toThrow(RdbError);
    for (let i = 0; i < lp.length; i += 7) {
      for (let bit = 0; bit < 8; bit++) {
        const m = Buffer.from(lp);
        m[i] = (m[i] as number) ^ (1 << bit);
        try {
          decodeListpack(m);
        } catch (e) {
          expect(e).toBeInstanceOf(RdbError);
        }
      }
    }
  });
});
