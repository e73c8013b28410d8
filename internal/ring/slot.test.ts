// Hash slot tests: CRC16-XMODEM check value and Redis Cluster's CLUSTER KEYSLOT answers, hash tags included.
import { describe, expect, it } from 'vitest';
import { crc16, hashTag, keyHashSlot, SLOT_COUNT } from './slot.js';

/** UTF-8 text as ringcache's latin1 byte string. */
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('crc16 (XMODEM)', () => {
  it('has the standard check value 0x31C3 for "123456789"', () => {
    expect(crc16('123456789')).toBe(0x31c3);
  });

  it('is 0 for no bytes and hashes a sub-range', () => {
    expect(crc16('')).toBe(0);
    expect(crc16('xx123456789yy', 2, 11)).toBe(0x31c3);
  });
});

describe('keyHashSlot', () => {
  // Every expected value is what redis-server 7.0 (cluster-enabled) answers to CLUSTER KEYSLOT.
  it.each<[string, number]>([
    ['123456789', 12739],
    ['foo', 12182],
    ['bar', 5061],
    ['hello', 866],
    ['somekey', 11058],
    ['user:1000', 1649],
    ['', 0],
    ['{', 4092],
    ['}', 12090],
    ['a{b', 13340],
    ['{}', 15257],
    // Hash tags: the first {...} with something inside decides the slot.
    ['foo{hash_tag}', 2515],
    ['bar{hash_tag}', 2515],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['{user:1000}:profile', 1649],
    ['foo{bar}{zap}', 5061],
    // An empty first tag hashes the whole key; the tag ends at the first } after the first {.
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
  ])('%j -> %i', (key, slot) => {
    expect(keyHashSlot(key)).toBe(slot);
  });

  it('hashes bytes, so UTF-8 and binary keys match Redis', () => {
    expect(keyHashSlot(bytes('héllo'))).toBe(11061);
    expect(keyHashSlot('key\xff')).toBe(7015);
  });

  it('always lands in 0..16383', () => {
    for (let i = 0; i < 2000; i++) {
      const s = keyHashSlot(`k${i}:${'x'.repeat(i % 17)}`);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(SLOT_COUNT);
    }
  });
});

describe('hashTag', () => {
  it.each<[string, string | null]>([
    ['plain', null],
    ['{user1000}.following', 'user1000'],
    ['foo{}{bar}', null],
    ['foo{{bar}}zap', '{bar'],
    ['foo{bar}{zap}', 'bar'],
    ['{', null],
  ])('%j -> %j', (key, tag) => {
    expect(hashTag(key)).toBe(tag);
  });
});
