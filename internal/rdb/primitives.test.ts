// RDB primitives: length encodings at every boundary, integer-encoded and LZF strings, doubles and times, and reads past the end refused.
import { describe, expect, it } from 'vitest';
import { canonicalInt, RdbError } from './bytes.js';
import { lzfCompress } from './lzf.js';
import { RdbReader } from './reader.js';
import { RdbWriter } from './writer.js';

const written = (f: (w: RdbWriter) => void): Buffer => {
  const w = new RdbWriter();
  f(w);
  return w.bytes();
};

describe('lengths', () => {
  it.each([
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '8000004000'],
    [0xffffffff, '80ffffffff'],
    [2 ** 32, '810000000100000000'],
  ])('%i is %s', (n, want) => {
    const b = written((w) => w.len(n));
    expect(b.toString('hex')).toBe(want);
    expect(new RdbReader(b).lenBig()).toBe(BigInt(n));
  });

  it('keeps full 64-bit lengths as bigints', () => {
    const b = written((w) => w.len(2n ** 64n - 1n));
    expect(b.toString('hex')).toBe('81ffffffffffffffff');
    expect(new RdbReader(b).lenBig()).toBe(2n ** 64n - 1n);
  });

  it('refuses a count larger than what is left, an encoded value, and an unknown length byte', () => {
    expect(() => new RdbReader(Buffer.from('05aabb', 'hex')).count()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('c000', 'hex')).count()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('82', 'hex')).lenBig()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('80aabb', 'hex')).lenBig()).toThrow(RdbError);
  });
});

describe('strings', () => {
  it.each([
    ['0', 'c000'],
    ['-128', 'c080'],
    ['127', 'c07f'],
    ['128', 'c18000'],
    ['-32768', 'c10080'],
    ['32768', 'c200800000'],
    ['-2147483648', 'c200000080'],
    ['2147483648', '0a32313437343833363438'],
    ['007', '03303037'],
    ['-0', '022d30'],
    ['bar', '03626172'],
  ])('%j is written as %s', (s, want) => {
    const b = written((w) => w.string(s));
    expect(b.toString('hex')).toBe(want);
    expect(new RdbReader(b).string()).toBe(s);
  });

  it('reads an LZF-compressed string (what redis-server wrote for 30 x "a")', () => {
    const r = new RdbReader(Buffer.from('c3091e016161e0110001616100', 'hex'));
    expect(r.string()).toBe('a'.repeat(30));
    expect(r.remaining).toBe(1);
  });

  it('reads LZF strings from our compressor, also as blobs', () => {
    const text = 'the quick brown fox jumps over the lazy dog; '.repeat(40);
    const c = lzfCompress(Buffer.from(text, 'latin1')) as Buffer;
    const b = written((w) => {
      w.byte(0xc3);
      w.len(c.length);
      w.len(text.length);
      w.bytesOf(c);
    });
    expect(new RdbReader(b).string()).toBe(text);
    expect(new RdbReader(b).blob().toString('latin1')).toBe(text);
  });

  it('refuses LZF data that does not decompress to its declared length, and absurd declared lengths', () => {
    expect(() => new RdbReader(Buffer.from('c30310' + '02616263', 'hex')).string()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('c30381000000010000000002616263', 'hex')).string()).toThrow(RdbError);
  });

  it('refuses strings past the end and unknown encodings', () => {
    expect(() => new RdbReader(Buffer.from('05616263', 'hex')).string()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('c1ff', 'hex')).string()).toThrow(RdbError);
    expect(() => new RdbReader(Buffer.from('c4', 'hex')).string()).toThrow(RdbError);
  });

  it('reads an integer-encoded blob as its decimal text', () => {
    expect(new RdbReader(Buffer.from('c07b', 'hex')).blob().toString()).toBe('123');
  });
});

describe('doubles and times', () => {
  it('binary doubles are IEEE 754 little endian', () => {
    const b = written((w) => w.binaryDouble(1.5));
    expect(b.toString('hex')).toBe('000000000000f83f');
    expect(new RdbReader(b).binaryDouble()).toBe(1.5);
  });

  it('text doubles use 253/254/255 for nan/inf/-inf', () => {
    const parse = (s: string): number | null => (Number.isNaN(Number(s)) ? null : Number(s));
    expect(new RdbReader(Buffer.from([254])).textDouble(parse)).toBe(Infinity);
    expect(new RdbReader(Buffer.from([255])).textDouble(parse)).toBe(-Infinity);
    expect(new RdbReader(Buffer.from([253])).textDouble(parse)).toBeNaN();
    expect(new RdbReader(Buffer.from('03312e35', 'hex')).textDouble(parse)).toBe(1.5);
    expect(() => new RdbReader(Buffer.from('03312e', 'hex')).textDouble(parse)).toThrow(RdbError);
  });

  it('millisecond times are signed 64-bit little endian', () => {
    const b = written((w) => w.millis(1_700_000_000_123));
    expect(b.toString('hex')).toBe('7b68e5cf8b010000');
    expect(new RdbReader(b).millis()).toBe(1_700_000_000_123);
    expect(new RdbReader(written((w) => w.millis(-1))).millis()).toBe(-1);
  });
});

describe('canonicalInt', () => {
  it.each([
    ['0', 0],
    ['-1', -1],
    ['123456789012345', 123456789012345],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null],
    ['-0', null],
    ['01', null],
    ['+1', null],
    [' 1', null],
    ['', null],
    ['-', null],
    ['1a', null],
  ])('%j', (s, want) => {
    expect(canonicalInt(s)).toBe(want);
  });
});

describe('lengths given as bigints', () => {
  it.each([
    [0n, '00'],
    [63n, '3f'],
    [64n, '4040'],
    [16384n, '8000004000'],
    [2n ** 32n, '810000000100000000'],
  ])('%s takes the shortest form, as a number would', (n, want) => {
    expect(written((w) => w.len(n)).toString('hex')).toBe(want);
  });
});
