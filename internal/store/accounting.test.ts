import { describe, expect, it } from 'vitest';
import { FACTOR_DECAY, FACTOR_SMOOTHING, MAX_OVERHEAD_FACTOR, measurableDataset, nextOverheadFactor } from './accounting.js';

const MB = 1 << 20;

describe('nextOverheadFactor', () => {
  it.each([
    // prev, grown, dataset, floor, expected
    // Up at once, down smoothed.
    [1, 20 * MB, 10 * MB, MB, 2],
    [2, 20 * MB, 10 * MB, MB, 2],
    [3, 20 * MB, 10 * MB, MB, 3 + (2 - 3) * FACTOR_SMOOTHING],
    // Never below 1: a process that shrank below its baseline does not make keys cheaper than their estimate.
    [1, -5 * MB, 10 * MB, MB, 1],
    [1, 5 * MB, 10 * MB, MB, 1],
    // Never above the cap, however the process grew.
    [MAX_OVERHEAD_FACTOR, 500 * MB, 10 * MB, MB, MAX_OVERHEAD_FACTOR],
    // Too small a dataset to measure: relaxes toward 1, never rises.
    [3, 500 * MB, MB / 2, MB, 1 + 2 * (1 - FACTOR_DECAY)],
    [1, 500 * MB, 0, MB, 1],
  ])('prev %d, grown %d, dataset %d, floor %d -> %d', (prev, grown, dataset, floor, expected) => {
    expect(nextOverheadFactor(prev, grown, dataset, floor)).toBeCloseTo(expected, 10);
  });

  it('settles on the measured ratio', () => {
    let f = 1;
    for (let i = 0; i < 200; i++) f = nextOverheadFactor(f, 30 * MB, 20 * MB, MB);
    expect(f).toBeCloseTo(1.5, 3);
    f = 4;
    for (let i = 0; i < 200; i++) f = nextOverheadFactor(f, 30 * MB, 20 * MB, MB);
    expect(f).toBeCloseTo(1.5, 3);
  });
});

describe('measurableDataset', () => {
  it.each([
    [0, MB],
    [16 * MB, MB],
    [50 * MB, Math.floor((50 * MB) / 16)],
    [1024 * MB, 64 * MB],
  ])('maxmemory %d -> %d', (maxmemory, floor) => {
    expect(measurableDataset(maxmemory)).toBe(floor);
  });
});
