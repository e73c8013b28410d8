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

/** Writes a byte string at `offset` (the caller made room); returns bytes written. */
export const writeLatin1: (buf: Buffer, s: string, offset: number) => number = HAS_FAST
  ? (buf, s, offset) => (buf as Latin1Buffer).latin1Write(s, offset, s.length)
  : (buf, s, offset) => buf.write(s, offset, s.length, 'latin1');
