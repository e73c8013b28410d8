// LZF: hand-assembled streams, round trips through the compressor, and every malformed shape refused.
import { describe, expect, it } from 'vitest';
import { lzfCompress, lzfDecompress, lzfMaxOutput } from './lzf.js';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);

describe('lzfDecompress', () => {
  it.each([
    ['a literal run', b(2, 0x61, 0x62, 0x63), 'abc'],
    ['a literal then a back-reference of length 3', b(0, 0x61, 0x20, 0x00), 'aaaa'],
    ['an overlapping run', b(1, 0x61, 0x62, 0xe0, 0x05, 0x01), 'ab' + 'ab'.repeat(7)],
  ])('%s', (_name, input, want) => {
    expect(lzfDecompress(input, want.length)?.toString('latin1')).toBe(want);
  });

  it.each([
    ['a literal running past the input', b(5, 0x61), 3],
    ['a literal running past the output', b(2, 0x61, 0x62, 0x63), 2],
    ['a reference before the start', b(0, 0x61, 0x20, 0x05), 4],
    ['a reference missing its distance byte', b(0, 0x61, 0x20), 4],
    ['a long reference missing its length byte', b(0, 0x61, 0xe0), 20],
    ['a shorter output than declared', b(2, 0x61, 0x62, 0x63), 4],
    ['a reference running past the output', b(0, 0x61, 0x40, 0x00), 4],
  ])('refuses %s', (_name, input, outLen) => {
    expect(lzfDecompress(input, outLen)).toBeNull();
  });
});

describe('lzfCompress', () => {
  const samples: [string, string][] = [
    ['repetitive text', 'hello hello hello hello hello hello world'],
    ['one byte repeated', 'x'.repeat(5000)],
    ['a long repeated phrase', 'abcdefghij'.repeat(1000)],
    ['binary with repeats', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 251)).toString('latin1')],
  ];
  it.each(samples)('round-trips %s', (_name, text) => {
    const input = Buffer.from(text, 'latin1');
    const c = lzfCompress(input);
    expect(c).not.toBeNull();
    expect((c as Buffer).length).toBeLessThan(input.length - 4);
    expect(lzfDecompress(c as Buffer, input.length)?.equals(input)).toBe(true);
    expect(input.length).toBeLessThanOrEqual(lzfMaxOutput((c as Buffer).length));
  });

  it('gives up on incompressible or tiny input', () => {
    let seed = 1;
    const noise = Buffer.from(Array.from({ length: 200 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    expect(lzfCompress(noise)).toBeNull();
    expect(lzfCompress(Buffer.from('abcd'))).toBeNull();
  });

  it('never crashes on truncated or bit-flipped streams', () => {
    const input = Buffer.from('the quick brown fox '.repeat(50), 'latin1');
    const c = lzfCompress(input) as Buffer;
    for (let cut = 0; cut < c.length; cut++) {
      const r = lzfDecompress(c.subarray(0, cut), input.length);
      expect(r === null || r.length === input.length).toBe(true);
    }
    for (let i = 0; i < c.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const m = Buffer.from(c);
        m[i] = (m[i] as number) ^ (1 << bit);
        const r = lzfDecompress(m, input.length);
        expect(r === null || r.length === input.length).toBe(true);
      }
    }
  });
});
