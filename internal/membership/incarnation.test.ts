// Table tests of the u32 serial arithmetic of incarnations (wrap-aware comparison, successor, refutation).
import { describe, expect, it } from 'vitest';
import { incAtLeast, incNewer, incNext, incPlausibleAboutSelf, incRefute } from './incarnation.js';

const MAX = 0xffffffff;

describe('incarnation serial arithmetic', () => {
  it.each([
    // a, b, a newer than b
    [1, 0, true],
    [0, 1, false],
    [5, 5, false],
    [0, MAX, true], // the wrap: 0 follows 0xFFFFFFFF
    [MAX, 0, false],
    [3, MAX - 2, true],
    [2 ** 31 - 1, 0, true], // the farthest a rumor can reach ahead
    [2 ** 31, 0, false], // exactly half way: undefined, treated as not newer either way
    [0, 2 ** 31, false],
    [2 ** 31 + 1, 0, false], // more than half way ahead reads as behind
    [0, 2 ** 31 + 1, true],
  ])('incNewer(%d, %d) = %s', (a, b, want) => {
    expect(incNewer(a, b)).toBe(want);
  });

  it.each([
    [7, 7, true],
    [8, 7, true],
    [6, 7, false],
    [0, MAX, true],
    [MAX, 0, false],
  ])('incAtLeast(%d, %d) = %s', (a, b, want) => {
    expect(incAtLeast(a, b)).toBe(want);
  });

  it.each([
    [0, 1],
    [41, 42],
    [MAX - 1, MAX],
    [MAX, 0],
  ])('incNext(%d) = %d, and it is newer', (a, want) => {
    expect(incNext(a)).toBe(want);
    expect(incNewer(incNext(a), a)).toBe(true);
  });

  it.each([
    // own, accused, refutes with
    [0, 0, 1],
    [3, 9, 10],
    [9, 3, 10], // an older accusation (outbid anyway, e.g. a restarted process): own + 1
    [MAX - 5, MAX, 0], // issue 17: accused at u32 max, refuted by the wrap, no overflow
    [MAX, MAX, 0],
    [0, MAX, 1], // issue 17's forged left{0xFFFFFFFF} at a member at 0: MAX is 0's predecessor, behind it
    [5, MAX, 6]
  ])('incRefute(own %d, accused %d) = %d, newer than both', (own, accused, want) => {
    const r = incRefute(own, accused);
    expect(r).toBe(want);
    expect(incNewer(r, own)).toBe(true);
    expect(incAtLeast(r, accused) || incNewer(own, accused)).toBe(true);
    expect(Number.isInteger(r) && r >= 0 && r <= MAX).toBe(true);
  });
});

describe('accusations about self', () => {
  it.each([
    [0, 0, true],
    [5, 0, true],
    [2 ** 20 - 1, 0, true],
    [2 ** 20, 0, false], // too far ahead to come from an honest member: ignored
    [2 ** 31 - 1, 0, false],
    [3, 0xfffffffe, true], // across the wrap
  ])('incPlausibleAboutSelf(accused %d, own %d) = %s', (accused, own, want) => {
    expect(incPlausibleAboutSelf(accused, own)).toBe(want);
  });
});
