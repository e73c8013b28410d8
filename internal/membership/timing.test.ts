// Table tests of the pure SWIM/Lifeguard math.
import { describe, expect, it } from 'vitest';
import {
  applyHealthDelta,
  confirmationsNeeded,
  probeHealthDelta,
  pushPullScale,
  retransmitLimit,
  scaleByHealth,
  suspicionMinTimeout,
  suspicionTimeout,
} from './timing.js';

describe('suspicionMinTimeout = mult * max(1, log10(n)) * interval', () => {
  it.each([
    [4, 0, 1000, 4000], // the scale never falls below 1: small clusters wait mult periods
    [4, 1, 1000, 4000],
    [4, 2, 1000, 4000],
    [4, 3, 1000, 4000],
    [4, 5, 1000, 4000],
    [4, 10, 1000, 4000],
    [4, 100, 1000, 8000],
    [4, 3, 400, 1600], // lan
    [4, 20, 400, 2082],
    [3, 3, 200, 600], // fast
    [3, 10, 200, 600],
    [3, 20, 200, 781],
  ])('mult %i, n %i, interval %i -> %i ms', (mult, n, interval, want) => {
    expect(suspicionMinTimeout(mult, n, interval)).toBe(want);
  });
});

describe('confirmationsNeeded', () => {
  it.each([
    [4, 10, 2],
    [4, 4, 2],
    [4, 3, 0], // n-2 = 1 < 2: not enough others to ever confirm
    [3, 3, 1],
    [3, 2, 0],
    [2, 10, 0],
  ])('mult %i, n %i -> %i', (mult, n, want) => {
    expect(confirmationsNeeded(mult, n)).toBe(want);
  });
});

describe('suspicionTimeout shrinks logarithmically from max to min', () => {
  it.each([
    [0, 3, 1000, 6000, 6000],
    [1, 3, 1000, 6000, 3500], // 6000 - 5000 * ln2/ln4
    [2, 3, 1000, 6000, 2037], // 6000 - 5000 * ln3/ln4
    [3, 3, 1000, 6000, 1000],
    [9, 3, 1000, 6000, 1000], // capped at k
    [0, 0, 1000, 6000, 1000], // k = 0: min at once
    [0, 1, 600, 1800, 1800],
    [1, 1, 600, 1800, 600],
  ])('c %i, k %i, min %i, max %i -> %i', (c, k, min, max, want) => {
    expect(suspicionTimeout(c, k, min, max)).toBe(want);
  });

  it('is monotonically non-increasing in confirmations and never below min', () => {
    for (let k = 1; k <= 6; k++) {
      let prev = Infinity;
      for (let c = 0; c <= k + 2; c++) {
        const t = suspicionTimeout(c, k, 500, 5000);
        expect(t).toBeLessThanOrEqual(prev);
        expect(t).toBeGreaterThanOrEqual(500);
        prev = t;
      }
      expect(prev).toBe(500);
    }
  });
});

describe('retransmitLimit = mult * ceil(log10(n+1))', () => {
  it.each([
    [4, 0, 4],
    [4, 1, 4],
    [4, 9, 4],
    [4, 10, 8],
    [4, 99, 8],
    [4, 100, 12],
    [3, 20, 6],
  ])('mult %i, n %i -> %i', (mult, n, want) => {
    expect(retransmitLimit(mult, n)).toBe(want);
  });
});

describe('Lifeguard local health', () => {
  it.each([
    [0, -1, 8, 0],
    [0, 1, 8, 1],
    [7, 3, 8, 8],
    [3, -1, 8, 2],
  ])('score %i + %i (max %i) -> %i', (score, delta, max, want) => {
    expect(applyHealthDelta(score, delta, max)).toBe(want);
  });

  it.each([
    [1000, 0, 1000],
    [1000, 1, 2000],
    [500, 8, 4500],
  ])('scale %i at score %i -> %i', (base, score, want) => {
    expect(scaleByHealth(base, score)).toBe(want);
  });

  it.each([
    [true, 3, 0, -1],
    [false, 0, 0, 1],
    [false, 3, 3, 0], // every helper answered: the target is down, not us
    [false, 3, 1, 2],
    [false, 3, 0, 3],
  ])('probe acked=%s expected nacks %i got %i -> %i', (acked, expected, got, want) => {
    expect(probeHealthDelta(acked, expected, got)).toBe(want);
  });
});

describe('pushPullScale', () => {
  it.each([
    [30_000, 3, 30_000],
    [30_000, 32, 30_000],
    [30_000, 33, 60_000],
    [30_000, 64, 60_000],
    [30_000, 65, 90_000],
  ])('interval %i, n %i -> %i', (interval, n, want) => {
    expect(pushPullScale(interval, n)).toBe(want);
  });
});
