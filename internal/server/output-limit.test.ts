// Table tests for the client-output-buffer-limit decision.
import { describe, expect, it } from 'vitest';
import { checkOutputLimit, parseOutputLimit } from './output-limit.js';

describe('parseOutputLimit', () => {
  it.each([
    ['32mb 8mb 60', { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 }],
    ['0 0 0', { hard: 0, soft: 0, softSeconds: 0 }],
    ['1000 500 5', { hard: 1000, soft: 500, softSeconds: 5 }],
  ])('%s', (v, expected) => expect(parseOutputLimit(v)).toEqual(expected));
});

describe('checkOutputLimit', () => {
  const limit = { hard: 1000, soft: 500, softSeconds: 10 };
  it.each([
    ['under both limits', 100, 0, { close: false, softSince: 0 }],
    ['at the hard limit closes at once', 1000, 0, { close: true, softSince: 0 }],
    ['first time over soft starts the clock', 600, 0, { close: false, softSince: 50_000 }],
    ['over soft for less than the period', 600, 45_000, { close: false, softSince: 45_000 }],
    ['over soft for the whole period closes', 600, 40_000, { close: true, softSince: 40_000 }],
    ['back under soft resets the clock', 100, 40_000, { close: false, softSince: 0 }],
  ] as const)('%s', (_name, pending, since, expected) => {
    expect(checkOutputLimit(limit, pending, 50_000, since)).toEqual(expected);
  });
  it('0 disables a limit', () => {
    expect(checkOutputLimit({ hard: 0, soft: 0, softSeconds: 0 }, 1e12, 0, 0)).toEqual({ close: false, softSince: 0 });
  });
});
