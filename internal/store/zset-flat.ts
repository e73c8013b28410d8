// A small sorted set's flat form: [m0, s0, m1, s1 ...] in (score, member) order, as a listpack holds it; pure functions, each returning a new array.

/** Members at even positions, their (normalized) scores right after; never changed in place. */
export type Flat = readonly (string | number)[];

export const EMPTY_FLAT: Flat = Object.freeze([]);

/** Position (even) of a member, -1 when absent. */
export function flatFind(a: Flat, member: string): number {
  for (let i = 0; i < a.length; i += 2) if (a[i] === member) return i;
  return -1;
}

/** Position (even) of the first pair not before (score, member); JS code-unit order is memcmp order on latin1 strings. */
export function flatLower(a: Flat, score: number, member: string): number {
  let lo = 0;
  let hi = a.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = a[2 * mid + 1] as number;
    if (s < score || (s === score && (a[2 * mid] as string) < member)) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

/** A copy with (member, score) inserted in order (the member must be absent). */
export function flatInsert(a: Flat, member: string, score: number): Flat {
  const at = flatLower(a, score, member);
  const out = new Array<string | number>(a.length + 2);
  for (let k = 0; k < at; k++) out[k] = a[k] as string | number;
  out[at] = member;
  out[at + 1] = score;
  for (let k = at; k < a.length; k++) out[k + 2] = a[k] as string | number;
  return out;
}

/** A copy without pairs [from, to) (pair indexes, not positions). */
export function flatRemovePairs(a: Flat, from: number, to: number): Flat {
  if (to <= from) return a;
  const n = a.length - 2 * (to - from);
  if (n === 0) return EMPTY_FLAT;
  const out = new Array<string | number>(n);
  for (let k = 0; k < 2 * from; k++) out[k] = a[k] as string | number;
  for (let k = 2 * to; k < a.length; k++) out[k - 2 * (to - from)] = a[k] as string | number;
  return out;
}

/** How many leading pairs satisfy `pred` (monotone over the order: true, then false). */
export function flatCountWhile(a: Flat, pred: (score: number, member: string) => boolean): number {
  let n = 0;
  while (2 * n < a.length && pred(a[2 * n + 1] as number, a[2 * n] as string)) n++;
  return n;
}

/** Throws unless the pairs are strictly ascending by (score, member). */
export function flatCheck(a: Flat): void {
  if (a.length % 2 !== 0) throw new Error('odd flat length');
  for (let i = 2; i < a.length; i += 2) {
    const ps = a[i - 1] as number;
    const s = a[i + 1] as number;
    if (ps > s || (ps === s && (a[i - 2] as string) >= (a[i] as string))) throw new Error(`flat order broken at ${i}`);
  }
}
