// Fast latin1 conversions between Buffers and byte strings, on the hot path of every request and reply.

/**
 * Node's Buffer has had `latin1Slice` / `latin1Write` since its early days; they skip the
 * encoding dispatch of `toString(enc, s, e)` / `write(s, off, len, enc)`, which the profile showed
 * costing as much as the conversion. They are not in the typings, hence this narrow interface and
 * a fallback to the documented methods should a runtime lack them.
 */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

const proto = Buffer.prototype as Partial<Latin1Buffer>;
const HAS_FAST = typeof proto.latin1Slice === 'function' && typeof proto.latin1Write === 'function';

/** buf[start, end) as a byte string. */
export const sliceLatin1: (buf: Buffer, start: number, end: number) => string = HAS_FAST
  ? (buf, start, end) => (buf as Latin1Buffer).latin1Slice(start, end)
  : (buf, start, end) => buf.toString('latin1', start, end);

const fcc = String.fromCharCode;

/**
 * buf[start, end) as a byte string, for the short keys and values that dominate requests. The
 * native slice costs a C++ call (~30-40 ns) whatever the length; String.fromCharCode with a fixed
 * argument count builds a one-byte string in JavaScript in 5-40 ns up to 20 bytes (measured: the gain
 * vanishes at about 24). Longer input falls through to sliceLatin1.
 */
export function sliceShort(b: Buffer, s: number, end: number): string {
  // One case per length: a fixed argument count is what makes fromCharCode fast (apply() or
  // concatenating halves costs as much as the native call). The caller checked end <= b.length.
  switch (end - s) {
    case 0:
      return '';
    case 1:
      return fcc(b[s] as number);
    case 2:
      return fcc(b[s] as number, b[s + 1] as number);
    case 3:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    case 5:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number);
    case 6:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number);
    case 7:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number);
    case 8:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number);
    case 9:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number);
    case 10:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number);
    case 11:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number);
    case 12:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number);
    case 13:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number);
    case 14:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number);
    case 15:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number);
    case 16:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number, b[s + 15] as number);
    case 17:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number, b[s + 15] as number, b[s + 16] as number);
    case 18:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number, b[s + 15] as number, b[s + 16] as number, b[s + 17] as number);
    case 19:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number, b[s + 15] as number, b[s + 16] as number, b[s + 17] as number, b[s + 18] as number);
    case 20:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number, b[s + 4] as number, b[s + 5] as number, b[s + 6] as number, b[s + 7] as number, b[s + 8] as number, b[s + 9] as number, b[s + 10] as number, b[s + 11] as number, b[s + 12] as number, b[s + 13] as number, b[s + 14] as number, b[s + 15] as number, b[s + 16] as number, b[s + 17] as number, b[s + 18] as number, b[s + 19] as number);
    default:
      return sliceLatin1(b, s, end);
  }
}

/** Writes a byte string at `offset` (the caller made room); returns bytes written. */
export const writeLatin1: (buf: Buffer, s: string, offset: number) => number = HAS_FAST
  ? (buf, s, offset) => (buf as Latin1Buffer).latin1Write(s, offset, s.length)
  : (buf, s, offset) => buf.write(s, offset, s.length, 'latin1');

/**
 * Writes the byte string s at p (the caller made room) and returns the position after it: a byte
 * loop up to 16 characters, where it beats the native writer's call cost, the native one beyond.
 */
export function putLatin1(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n > 16) return p + writeLatin1(buf, s, p);
  for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/** Writes a RESP count line `<type><n>\r\n` (n >= 0) at p; returns the position after it. */
export function putCountLine(buf: Buffer, p: number, type: number, n: number): number {
  buf[p++] = type;
  if (n < 10) {
    buf[p++] = 48 + n;
  } else {
    const digits = String(n);
    for (let i = 0; i < digits.length; i++) buf[p++] = digits.charCodeAt(i);
  }
  buf[p++] = 13;
  buf[p++] = 10;
  return p;
}
