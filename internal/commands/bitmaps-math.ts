// Bitmap and bitfield arithmetic on byte arrays, pure: popcount, bit search, BITOP, bitfield get/set and Redis's overflow rules.

/** Set bits in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (POPCOUNT[i >> 1] as number) + (i & 1);

/** Set bits of s's bytes [from, to] (inclusive, both within s). */
export function popcount(s: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  const end = to + 1;
  // Byte by byte up to a 4-byte boundary, then 32-bit words (SWAR popcount), then the tail.
  while (i < end && ((s.byteOffset + i) & 3) !== 0) n += POPCOUNT[s[i++] as number] as number;
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(s.buffer, s.byteOffset + i, words);
    for (let j = 0; j < words; j++) {
      let v = w[j] as number;
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
    }
    i += words * 4;
  }
  while (i < end) n += POPCOUNT[s[i++] as number] as number;
  return n;
}

/** Set bits of s's bits [fromBit, toBit] (inclusive, within the string; bit 0 is the first byte's most significant). */
export function popcountBits(s: Uint8Array, fromBit: number, toBit: number): number {
  const first = Math.floor(fromBit / 8);
  const last = Math.floor(toBit / 8);
  let n = popcount(s, first, last);
  // Bits of the edge bytes outside the range are counted above and taken back here.
  const headMask = (0xff00 >> (fromBit & 7)) & 0xff;
  const tailMask = (1 << (7 - (toBit & 7))) - 1;
  n -= POPCOUNT[(s[first] as number) & headMask] as number;
  n -= POPCOUNT[(s[last] as number) & tailMask] as number;
  return n;
}

/**
 * The first bit equal to `bit` in s's bits [fromBit, toBit] (inclusive, within the string), or -1.
 * Whole bytes that cannot hold it are skipped.
 */
export function findBit(s: Uint8Array, fromBit: number, toBit: number, bit: 0 | 1): number {
  const skip = bit === 1 ? 0 : 0xff;
  let pos = fromBit;
  while (pos <= toBit) {
    const byte = s[Math.floor(pos / 8)] as number;
    if ((pos & 7) === 0 && pos + 7 <= toBit && byte === skip) {
      pos += 8;
      continue;
    }
    if (((byte >> (7 - (pos & 7))) & 1) === bit) return pos;
    pos++;
  }
  return -1;
}

export type BitOp = 'and' | 'or' | 'xor' | 'not';

/** BITOP over the sources (missing keys as empty): the result, as long as the longest source, zero-padded. */
export function bitop(op: BitOp, sources: readonly Uint8Array[]): Buffer {
  let maxlen = 0;
  for (const s of sources) if (s.length > maxlen) maxlen = s.length;
  const out = Buffer.alloc(maxlen);
  const first = sources[0];
  if (first !== undefined) out.set(first);
  if (op === 'not') {
    for (let j = 0; j < maxlen; j++) out[j] = ~(out[j] as number) & 0xff;
    return out;
  }
  for (let i = 1; i < sources.length; i++) {
    const s = sources[i] as Uint8Array;
    const n = s.length;
    // Past a source's end its bytes are zeros: AND clears the rest, OR and XOR leave it.
    if (op === 'and') {
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) & (s[j] as number);
      out.fill(0, n);
    } else if (op === 'or') {
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) | (s[j] as number);
    } else {
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) ^ (s[j] as number);
    }
  }
  return out;
}

/** A bitfield type: i1..i64 or u1..u63. */
export interface FieldType {
  readonly signed: boolean;
  readonly bits: number;
}

/** Redis's getBitfieldTypeFromArgument; null where Redis answers "Invalid bitfield type". */
export function parseFieldType(s: string): FieldType | null {
  const c = s.charCodeAt(0);
  if (c !== 105 /* i */ && c !== 117 /* u */) return null;
  const rest = s.slice(1);
  if (!/^[1-9][0-9]{0,2}$/.test(rest)) return null;
  const bits = Number(rest);
  const signed = c === 105;
  if (bits < 1 || bits > (signed ? 64 : 63)) return null;
  return { signed, bits };
}

/** Byte i of a value; 0 past its end. */
type ByteAt = (i: number) => number;

/** The unsigned value of `bits` bits at bit `offset` (big-endian, most significant bit first). */
export function getBits(byteAt: ByteAt, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  let v = 0n;
  for (let b = first; b <= last; b++) v = (v << 8n) | BigInt(byteAt(b));
  v >>= BigInt(7 - (lastBit & 7));
  return BigInt.asUintN(bits, v);
}

/** Reads a field as its type gives it: sign-extended for i types. */
export function getField(byteAt: ByteAt, offset: number, t: FieldType): bigint {
  const v = getBits(byteAt, offset, t.bits);
  return t.signed ? BigInt.asIntN(t.bits, v) : v;
}

/** Writes the low `bits` bits of v at bit `offset` of buf (which must be long enough). */
export function setBits(buf: Uint8Array, offset: number, bits: number, v: bigint): void {
  let u = BigInt.asUintN(bits, v);
  for (let k = bits - 1; k >= 0; k--) {
    const pos = offset + k;
    const byte = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos & 7));
    if ((u & 1n) === 1n) buf[byte] = (buf[byte] as number) | mask;
    else buf[byte] = (buf[byte] as number) & ~mask;
    u >>= 1n;
  }
}

export type Overflow = 'wrap' | 'sat' | 'fail';

/** The outcome of a SET or INCRBY on a field: the value to store, or null where FAIL refuses it. */
export function fieldResult(t: FieldType, value: bigint, incr: bigint, ow: Overflow): bigint | null {
  const r = t.signed ? signedOverflow(value, incr, t.bits) : unsignedOverflow(value, incr, t.bits);
  if (r === 0) return t.signed ? value + incr : BigInt.asUintN(64, value + incr);
  if (ow === 'fail') return null;
  if (ow === 'wrap') return t.signed ? BigInt.asIntN(t.bits, value + incr) : BigInt.asUintN(t.bits, value + incr);
  if (t.signed) {
    const max = (1n << BigInt(t.bits - 1)) - 1n;
    return r > 0 ? max : -max - 1n;
  }
  return r > 0 ? (1n << BigInt(t.bits)) - 1n : 0n;
}

/** Redis's checkUnsignedBitfieldOverflow (value as uint64, incr as int64): 1 over, -1 under, 0 fits. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  if (value > max || (incr > 0n && incr > maxincr)) return 1;
  if (incr < 0n && incr < minincr) return -1;
  return 0;
}

/** Redis's checkSignedBitfieldOverflow, its int64 wrap-arounds included: 1 over, -1 under, 0 fits. */
function signedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) return 1;
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) return -1;
  return 0;
}
