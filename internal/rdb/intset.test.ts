// Intset: widths chosen like Redis's, the bytes of a set redis-server 7.0 wrote, and malformed sets refused.
import { describe, expect, it } from 'vitest';
import { RdbError } from './bytes.js';
import { decodeIntset, encodeIntset } from './intset.js';

describe('intset', () => {
  it.each([
    ['16-bit', ['3', '-1', '2'], '0200000003000000' + 'ffff' + '0200' + '0300', ['-1', '2', '3']],
    ['32-bit', ['1', '70000', '-3'], '0400000003000000' + 'fdffffff' + '01000000' + '70110100', ['-3', '1', '70000']],
    ['64-bit', ['5', '-9223372036854775808'], '0800000002000000' + '0000000000000080' + '0500000000000000', ['-9223372036854775808', '5']],
  ])('%s elements, little endian, ascending', (_name, members, want, sorted) => {
    const b = encodeIntset(members);
    expect(b.toString('hex')).toBe(want);
    expect(decodeIntset(b)).toEqual(sorted);
  });

  it('reads the intset redis-server 7.0 wrote for SADD si 1 70000 -3', () => {
    expect(decodeIntset(Buffer.from('0400000003000000fdffffff0100000070110100', 'hex'))).toEqual(['-3', '1', '70000']);
  });

  it.each([
    ['too short', '0200000001'],
    ['a bad width', '030000000100000001'],
    ['a size that does not match the count', '02000000020000000100'],
    ['an empty set', '0200000000000000'],
    ['a repeated element', '020000000200000001000100'],
    ['descending elements', '020000000200000002000100'],
  ])('refuses %s', (_name, h) => {
    expect(() => decodeIntset(Buffer.from(h, 'hex'))).toThrow(RdbError);
  });
});
