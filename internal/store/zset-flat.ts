// A small sorted set's packed form: (member, score) pairs in (score, member) order in one latin1 string (packed-pairs.ts, the score as 8 bytes), as a listpack holds them.
import { packedCount, packedField, packedFind, packedNext, packedOffset, packedSplice, PACKED_MAX_ITEM } from './packed-pairs.js';

/** Pairs of member and 8-byte little-endian float64 score; never changed in place. */
export type Flat = string;

export const EMPTY_FLAT: Flat = '';

/** The longest member the packed form holds. */
export const FLAT_MAX_MEMBER = PACKED_MAX_ITEM;

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);

function encodeScore(score: number): string {
  f64[0] = score;
  return String.fromCharCode(u8[0] as number, u8[1] as number, u8[2] as number, u8[3] as number, u8[4] as number, u8[5] as number, u8[6] as number, u8[7] as number);
}

export const flatCount = packedCount;
export const flatFind = packedFind;
export const flatOffset = packedOffset;
export const flatMember = packedField;
export const flatNext = packedNext;

/** The score of the pair at `off`. */
export function flatScore(a: Flat, off: number): number {
  const v = off + 2 + a.charCodeAt(off);
  for (let k = 0; k < 8; k++) u8[k] = a.charCodeAt(v + k);
  return f64[0] as number;
}

/** The rank (pair index) of the pair at `off`. */
export function flatRankOf(a: Flat, off: number): number {
  let r = 0;
  for (let o = 0; o < off; o = packedNext(a, o)) r++;
  return r;
}

/** Offset of the first pair not before (score, member); JS code-unit order is memcmp order on latin1 strings. */
function flatLower(a: Flat, score: number, member: string): number {
  let off = 0;
  for (; off < a.length; off = packedNext(a, off)) {
    const s = flatScore(a, off);
    if (!(s < score || (s === score && packedField(a, off) < member))) break;
  }
  return off;
}

/** A copy with (member, score) inserted in order (the member must be absent, at most FLAT_MAX_MEMBER bytes). */
export function flatInsert(a: Flat, member: string, score: number): Flat {
  const at = flatLower(a, score, member);
  return packedSplice(a, at, at, member, encodeScore(score));
}

/** A copy without the pair at `off`. */
export function flatRemoveAt(a: Flat, off: number): Flat {
  return packedSplice(a, off, packedNext(a, off), null, '');
}

/** A copy without ranks [from, to) (0 <= from < to <= count). */
export function flatRemoveRanks(a: Flat, from: number, to: number): Flat {
  const start = packedOffset(a, from);
  let end = start;
  for (let i = from; i < to; i++) end = packedNext(a, end);
  return packedSplice(a, start, end, null, '');
}

/** How many leading pairs' scores satisfy `pred` (monotone over the order: true, then false). */
export function flatCountWhileScore(a: Flat, pred: (score: number) => boolean): number {
  let n = 0;
  for (let off = 0; off < a.length && pred(flatScore(a, off)); off = packedNext(a, off)) n++;
  return n;
}

/** How many leading pairs' members satisfy `pred` (monotone over the order). */
export function flatCountWhileMember(a: Flat, pred: (member: string) => boolean): number {
  let n = 0;
  for (let off = 0; off < a.length && pred(packedField(a, off)); off = packedNext(a, off)) n++;
  return n;
}

/** Every pair in order. */
export function* flatEntries(a: Flat): IterableIterator<readonly [string, number]> {
  for (let off = 0; off < a.length; off = packedNext(a, off)) yield [packedField(a, off), flatScore(a, off)];
}

/** Sum of the members' lengths. */
export function flatMemberBytes(a: Flat): number {
  return a.length - 10 * packedCount(a);
}

/** Throws unless the pairs are strictly ascending by (score, member). */
export function flatCheck(a: Flat): void {
  let prev: readonly [string, number] | null = null;
  for (const e of flatEntries(a)) {
    if (prev !== null && (prev[1] > e[1] || (prev[1] === e[1] && prev[0] >= e[0]))) throw new Error(`flat order broken at ${e[0]}`);
    prev = e;
  }
}
