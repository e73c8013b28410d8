// Write guard tests: which failure refuses writes with MISCONF, and with which text.
import { describe, expect, it } from 'vitest';
import { deniedReason, type GuardInput, RDB_MISCONF } from './health.js';

describe('deniedReason', () => {
  const healthy: GuardInput = { aofError: null, lastBgsaveOk: true, savePoints: 1, stopWritesOnBgsaveError: true };
  it.each<[string, Partial<GuardInput>, string | null]>([
    ['healthy', {}, null],
    ['AOF write error', { aofError: 'No space left on device' }, 'Errors writing to the AOF file: No space left on device'],
    // The AOF error is named first: it is the one that loses acknowledged writes.
    ['AOF error and failed BGSAVE', { aofError: 'Input/output error', lastBgsaveOk: false }, 'Errors writing to the AOF file: Input/output error'],
    ['AOF error without save points', { aofError: 'EIO', savePoints: 0, stopWritesOnBgsaveError: false }, 'Errors writing to the AOF file: EIO'],
    ['failed BGSAVE with save points', { lastBgsaveOk: false }, RDB_MISCONF],
    ['failed BGSAVE, no save points configured', { lastBgsaveOk: false, savePoints: 0 }, null],
    ['failed BGSAVE, stop-writes-on-bgsave-error no', { lastBgsaveOk: false, stopWritesOnBgsaveError: false }, null],
  ])('%s', (_what, over, expected) => {
    expect(deniedReason({ ...healthy, ...over })).toBe(expected);
  });
});
