// Table test for the latin1 helpers: every length through the JavaScript fast path and past it.
import { describe, expect, it } from 'vitest';
import { sliceLatin1, sliceShort, writeLatin1 } from './bytes.js';

describe('sliceShort', () => {
  it('equals the native latin1 slice for every length 0..40, every byte value, at any offset', () => {
    const buf = Buffer.alloc(300);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= 40; n++) {
      for (const off of [0, 1, 17, 255 - n]) {
        const got = sliceShort(buf, off, off + n);
        expect(got).toBe(buf.toString('latin1', off, off + n));
        expect(got.length).toBe(n);
      }
    }
  });

  it('covers all 256 byte values (high bytes stay single characters)', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let off = 0; off + 20 <= 256; off += 3) {
      expect(sliceShort(all, off, off + 20)).toBe(sliceLatin1(all, off, off + 20));
    }
  });

  it('round-trips through writeLatin1', () => {
    const src = Buffer.from([0, 1, 127, 128, 200, 255, 13, 10, 42]);
    const s = sliceShort(src, 0, src.length);
    const out = Buffer.alloc(src.length);
    expect(writeLatin1(out, s, 0)).toBe(src.length);
    expect(out.equals(src)).toBe(true);
  });
});
