// CRC-64/Jones check values, as Redis's crc64.c test prints them.
import { describe, expect, it } from 'vitest';
import { crc64, crc64Bytes, crc64Update } from './crc64.js';

describe('crc64', () => {
  it.each([
    ['123456789', 0xe9c6d914c4b8d9can],
    ['', 0n],
  ])('crc64(%j)', (text, want) => {
    expect(crc64(Buffer.from(text, 'latin1'))).toBe(want);
  });

  it('matches the footer redis-server 7.0 wrote for DUMP of the string "bar"', () => {
    const body = Buffer.from('000362617' + '20a00', 'hex');
    expect(crc64Bytes(body).toString('hex')).toBe('e6be4960ee66fd17');
  });

  it('agrees with a bit-at-a-time reference on random data', () => {
    const ref = (data: Uint8Array): bigint => {
      const poly = 0x95ac9329ac4bc9b5n;
      let crc = 0n;
      for (const b of data) {
        crc ^= BigInt(b);
        for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
      }
      return crc;
    };
    let seed = 7;
    const data = new Uint8Array(1000).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (const n of [0, 1, 7, 8, 9, 100, 1000]) expect(crc64(data, 0, n)).toBe(ref(data.subarray(0, n)));
  });

  it('continues over chunks like one pass', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog', 'latin1');
    const whole = crc64(data);
    const s1 = crc64Update({ hi: 0, lo: 0 }, data, 0, 10);
    const s2 = crc64Update(s1, data, 10);
    expect((BigInt(s2.hi) << 32n) | BigInt(s2.lo)).toBe(whole);
  });

  it('writes the footer little-endian', () => {
    const b = crc64Bytes(Buffer.from('123456789'));
    expect(b.toString('hex')).toBe('cad9b8c414d9c6e9');
  });
});
