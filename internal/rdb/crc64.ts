// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor): the DUMP payload checksum.

/** The reflected form of the Jones polynomial 0xad93d23594c935a9, as hi/lo 32-bit halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/** One table row per byte value, split in 32-bit halves so the inner loop stays in small integers. */
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry !== 0) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** Running CRC state; `crc64Update` continues it over more bytes. */
export interface Crc64State {
  hi: number;
  lo: number;
}

export function crc64Update(state: Crc64State, data: Uint8Array, start = 0, end = data.length): Crc64State {
  let hi = state.hi;
  let lo = state.lo;
  for (let i = start; i < end; i++) {
    const idx = (lo ^ (data[i] as number)) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ (TABLE_LO[idx] as number)) >>> 0;
    hi = ((hi >>> 8) ^ (TABLE_HI[idx] as number)) >>> 0;
  }
  return { hi, lo };
}

/** CRC-64/Jones of `data[start, end)`, starting from 0 as Redis's crc64(0, ...) does. */
export function crc64(data: Uint8Array, start = 0, end = data.length): bigint {
  const s = crc64Update({ hi: 0, lo: 0 }, data, start, end);
  return (BigInt(s.hi) << 32n) | BigInt(s.lo);
}

/** The checksum as the 8 little-endian bytes the DUMP footer carries. */
export function crc64Bytes(data: Uint8Array, start = 0, end = data.length): Buffer {
  const s = crc64Update({ hi: 0, lo: 0 }, data, start, end);
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32LE(s.lo, 0);
  out.writeUInt32LE(s.hi, 4);
  return out;
}
