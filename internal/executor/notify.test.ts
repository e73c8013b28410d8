// Table tests for notify-keyspace-events parsing and formatting.
import { describe, expect, it } from 'vitest';
import { classBit, formatNotifyFlags, KEYEVENT, KEYSPACE, parseNotifyFlags } from './notify.js';

describe('notify-keyspace-events', () => {
  it.each([
    ['', ''],
    ['KEA', 'AKE'],
    ['Ex', 'xE'],
    ['Kg$', 'g$K'],
    ['AKEmn', 'AKEmn'],
    ['g$lshzxetdK', 'AK'],
  ])('%j formats as %j', (input, canonical) => {
    const mask = parseNotifyFlags(input);
    expect(mask).not.toBeNull();
    expect(formatNotifyFlags(mask as number)).toBe(canonical);
  });

  it('rejects unknown classes', () => {
    expect(parseNotifyFlags('KQ')).toBeNull();
  });

  it('A covers the classic classes but not m or n', () => {
    const mask = parseNotifyFlags('A') as number;
    expect(mask & classBit('x')).not.toBe(0);
    expect(mask & classBit('m')).toBe(0);
    expect(mask & classBit('n')).toBe(0);
    expect(mask & (KEYSPACE | KEYEVENT)).toBe(0);
  });
});
