// Incarnation numbers as u32 serial numbers (RFC 1982): wrap-aware "newer than" and "next", so a member at 0xFFFFFFFF can still refute.
//
// Why serial arithmetic rather than widened numbers: the wire carries a u32 (codec.ts), and any
// width has a maximum a forged rumor can claim; a member accused at the maximum could then never
// outbid it (issue 17: `left{0xFFFFFFFF}` split a cluster for good). In serial space every number
// has a successor that compares newer, so refutation always works, and the wire format is
// unchanged. The cost: "newer" only holds for distances below 2^31. Incarnations grow by one per
// refutation, so two honest views never drift 2^31 apart; a rumor exactly 2^31 away is neither
// newer nor older and is ignored.
//
// Limits of a forged rumor (only possible without cluster.secret; with one, forged packets never
// decrypt): about another member it moves the receiver's view at most 2^31 - 1 ahead; about the
// receiver itself it is outbid only when at most MAX_SELF_JUMP ahead of its own incarnation (else
// ignored and counted as a drop, reason `incarnation`). The second bound keeps a refutation
// visible: a rumor sent to the victim alone at +2^31 - 1 would otherwise make it refute at +2^31,
// which its peers (still at the old number) read as not newer, so they would declare it dead and
// ignore it until reaped. With the bound, a refutation is at most MAX_SELF_JUMP + 1 ahead of what
// any peer knew, far inside the 2^31 peers accept. Honest accusations are at or below our own
// incarnation; only a restarted process (counting from 0 again) hears of itself ahead, by the
// number of refutations of its previous life, which stays far below 2^20.

/** Half the u32 space: the largest distance at which "newer" is defined is HALF - 1. */
const HALF = 2 ** 31;

/** (a - b) mod 2^32, for a and b in u32. */
function distance(a: number, b: number): number {
  return (a - b) >>> 0;
}

/** a is strictly newer than b (0 < a - b < 2^31 in serial space). */
export function incNewer(a: number, b: number): boolean {
  const d = distance(a, b);
  return d !== 0 && d < HALF;
}

/** How far ahead of our own incarnation an accusation about us may be and still be outbid. */
export const MAX_SELF_JUMP = 2 ** 20;

/** An accusation at `accused` about a member at `own` (itself): newer, but by less than MAX_SELF_JUMP. */
export function incPlausibleAboutSelf(accused: number, own: number): boolean {
  return distance(accused, own) < MAX_SELF_JUMP;
}

/** a is b or newer: a rumor at `a` about a member known at `b` is at least as new. */
export function incAtLeast(a: number, b: number): boolean {
  return a === b || incNewer(a, b);
}

/** The successor in serial space: 0xFFFFFFFF + 1 = 0, which is newer than 0xFFFFFFFF. */
export function incNext(a: number): number {
  return (a + 1) >>> 0;
}

/** The incarnation a member refutes `accused` with: the successor of the newer of its own and the accusation. */
export function incRefute(own: number, accused: number): number {
  return incNext(incNewer(accused, own) ? accused : own);
}
