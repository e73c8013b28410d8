// Table tests of the bitmap arithmetic: popcount over byte and bit ranges, bit search, BITOP, bitfield types, reads, writes and Redis's overflow rules.
import { describe, expect, it } from 'vitest';
import { bitop, fieldResult, findBit, getField, parseFieldType, popcount, popcountBits, setBits, type FieldType, type Overflow } from './bitmaps-math.js';

const bytes = (...b: number[]): Buffer => Buffer.from(b);
const text = (s: string): Buffer => Buffer.from(s, 'latin1');
const at = (s: Uint8Array) => (i: number) => (i < s.length ? (s[i] as number) : 0);
const u = (bits: number): FieldType => ({ signed: false, bits });
const i = (bits: number): FieldType => ({ signed: true, bits });

describe('popcount', () => {
  it.each([
    [bytes(0xff, 0x01, 0x80), 0, 2, 10],
    [bytes(0xff, 0x01, 0x80), 1, 1, 1],
    [text('foobar'), 0, 5, 26],
    [text('foobar'), 1, 1, 6],
  ])('bytes of %j [%i, %i] = %i', (s, from, to, n) => {
    expect(popcount(s, from, to)).toBe(n);
  });

  it.each([
    [bytes(0xff, 0xff), 0, 15, 16],
    [bytes(0xff, 0xff), 3, 3, 1],
    [bytes(0xff, 0xff), 3, 12, 10],
    [bytes(0x0f, 0xf0), 4, 11, 8],
    [bytes(0x0f, 0xf0), 0, 3, 0],
    [text('foobar'), 5, 30, 17],
  ])('bits of %j [%i, %i] = %i', (s, from, to, n) => {
    expect(popcountBits(s, from, to)).toBe(n);
  });
});

describe('findBit', () => {
  it.each([
    [bytes(0xff, 0xf0, 0x00), 0, 23, 0, 12],
    [bytes(0xff, 0xf0, 0x00), 0, 23, 1, 0],
    [bytes(0xff, 0xf0, 0x00), 16, 23, 1, -1],
    [bytes(0x00, 0x00, 0x01), 0, 23, 1, 23],
    [bytes(0xff, 0xff), 0, 15, 0, -1],
    [bytes(0xff, 0xfe), 3, 15, 0, 15],
    [bytes(0x80), 1, 7, 1, -1],
  ])('%j [%i, %i] looking for %i = %i', (s, from, to, bit, pos) => {
    expect(findBit(s, from, to, bit as 0 | 1)).toBe(pos);
  });
});

describe('bitop', () => {
  it.each([
    ['and', [bytes(0xff, 0x0f), bytes(0x0f)], bytes(0x0f, 0x00)],
    ['or', [bytes(0xf0, 0x0f), bytes(0x0f)], bytes(0xff, 0x0f)],
    ['xor', [bytes(0xff, 0x0f), bytes(0x0f), bytes(0x01)], bytes(0xf1, 0x0f)],
    ['not', [bytes(0xff, 0x0f)], bytes(0x00, 0xf0)],
    ['and', [bytes(), bytes()], bytes()],
    ['or', [bytes(), bytes(1)], bytes(1)],
    ['and', [bytes(0xff, 0xff, 0xff), bytes(0xf0), bytes(0x3c, 0xff)], bytes(0x30, 0, 0)],
  ] as const)('%s of %j = %j', (op, srcs, out) => {
    expect(bitop(op, srcs)).toEqual(out);
  });
});

describe('parseFieldType', () => {
  it.each([
    ['i1', i(1)],
    ['i64', i(64)],
    ['u1', u(1)],
    ['u63', u(63)],
    ['u64', null],
    ['i65', null],
    ['i0', null],
    ['i08', null],
    ['I8', null],
    ['i', null],
    ['i-1', null],
    ['i+8', null],
    ['x8', null],
    ['', null],
  ])('%j', (raw, t) => {
    expect(parseFieldType(raw)).toEqual(t);
  });
});

describe('getField / setBits', () => {
  it('reads big-endian fields across bytes, sign-extending i types', () => {
    const s = bytes(0b10110000, 0xff, 0x00, 0x01);
    expect(getField(at(s), 0, u(4))).toBe(0b1011n);
    expect(getField(at(s), 0, i(4))).toBe(-5n);
    expect(getField(at(s), 4, u(8))).toBe(0x0fn);
    expect(getField(at(s), 0, i(64))).toBe(BigInt.asIntN(64, 0xb0ff000100000000n));
    expect(getField(at(s), 31, u(1))).toBe(1n);
    expect(getField(at(s), 32, u(63))).toBe(0n);
  });

  it('writes the low bits of a value, leaving the neighbours alone', () => {
    const buf = Buffer.from([0xff, 0xff, 0xff]);
    setBits(buf, 4, 8, 0n);
    expect([...buf]).toEqual([0xf0, 0x0f, 0xff]);
    setBits(buf, 4, 8, -1n);
    expect([...buf]).toEqual([0xff, 0xff, 0xff]);
    const b2 = Buffer.alloc(9);
    setBits(b2, 3, 64, -9223372036854775808n);
    expect(getField((k) => b2[k] ?? 0, 3, i(64))).toBe(-9223372036854775808n);
  });
});

describe('fieldResult: Redis overflow rules', () => {
  it.each([
    // type, value, increment, overflow, result
    [u(8), 255n, 10n, 'wrap', 9n],
    [u(8), 255n, 10n, 'sat', 255n],
    [u(8), 255n, 10n, 'fail', null],
    [u(8), 5n, -10n, 'wrap', 251n],
    [u(8), 5n, -10n, 'sat', 0n],
    [u(8), 5n, -10n, 'fail', null],
    [u(8), 5n, -5n, 'fail', 0n],
    [u(63), 9223372036854775807n, 1n, 'wrap', 0n],
    [u(63), 9223372036854775807n, 1n, 'sat', 9223372036854775807n],
    [u(8), 18446744073709551615n, 0n, 'wrap', 255n], // SET u8 -1
    [u(8), 18446744073709551615n, 0n, 'sat', 255n],
    [i(8), 127n, 1n, 'wrap', -128n],
    [i(8), 127n, 1n, 'sat', 127n],
    [i(8), -128n, -1n, 'wrap', 127n],
    [i(8), -128n, -1n, 'sat', -128n],
    [i(8), 200n, 0n, 'wrap', -56n], // SET i8 200
    [i(8), -200n, 0n, 'sat', -128n],
    [i(64), 9223372036854775807n, 1n, 'wrap', -9223372036854775808n],
    [i(64), 9223372036854775807n, 1n, 'sat', 9223372036854775807n],
    [i(64), -9223372036854775808n, -1n, 'sat', -9223372036854775808n],
    [i(64), -1n, -9223372036854775808n, 'fail', null],
    [i(64), 0n, -9223372036854775808n, 'fail', -9223372036854775808n],
    [i(1), 0n, -1n, 'fail', -1n],
    [i(1), -1n, -1n, 'fail', null],
    [i(1), 0n, 1n, 'sat', 0n],
  ] as const)('%o %s + %s (%s) = %s', (t, value, incr, ow, out) => {
    expect(fieldResult(t, value, incr, ow as Overflow)).toBe(out);
  });
});
