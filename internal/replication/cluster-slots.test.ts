// Slot math of cluster replication: stream masks, replica masks, wire ranges and record filtering, table-tested.
import { describe, expect, it } from 'vitest';
import { buildRing } from '../ring/ring.js';
import { keyHashSlot, SLOT_COUNT } from '../ring/slot.js';
import { added, count, emptyMask, maskRanges, rangesMask, recordFor, replicaMask, replicatedIn, streamMasks } from './cluster-slots.js';

describe('streamMasks / replicaMask', () => {
  const ring = buildRing(['a', 'b', 'c'], 64, 1);

  it('every slot is streamed by its owner to exactly its replica, and held there', () => {
    const held = new Map(['a', 'b', 'c'].map((id) => [id, replicaMask(ring, id)]));
    const streamed = new Map(['a', 'b', 'c'].map((id) => [id, streamMasks(ring, id)]));
    for (let s = 0; s < SLOT_COUNT; s += 97) {
      const owner = ring.members[ring.owners[s] as number] as string;
      const holders = ['a', 'b', 'c'].filter((id) => held.get(id)?.[s] === 1);
      expect(holders).toHaveLength(1);
      expect(holders[0]).not.toBe(owner);
      expect(streamed.get(owner)?.get(holders[0] as string)?.[s]).toBe(1);
      expect(replicatedIn(ring, holders[0] as string, s)).toBe(true);
      expect(replicatedIn(ring, owner, s)).toBe(false);
    }
    // Three members, one replica: each holds about a third of the slots as a replica.
    for (const m of held.values()) expect(count(m)).toBeGreaterThan(SLOT_COUNT / 5);
  });

  it('a single member and zero replicas stream nothing', () => {
    expect(streamMasks(buildRing(['a'], 16, 1), 'a').size).toBe(0);
    expect(streamMasks(buildRing(['a', 'b'], 16, 0), 'a').size).toBe(0);
    expect(count(replicaMask(buildRing(['a', 'b'], 16, 0), 'a'))).toBe(0);
  });

  it('the old owner of a joiner\'s slots is the joiner\'s first replica (rejoin hands copies back)', () => {
    const before = buildRing(['a', 'b'], 64, 1);
    const after = buildRing(['a', 'b', 'c'], 64, 1);
    for (let s = 0; s < SLOT_COUNT; s += 31) {
      if (after.members[after.owners[s] as number] !== 'c') continue;
      const old = before.members[before.owners[s] as number] as string;
      expect(replicatedIn(after, old, s)).toBe(true);
    }
  });
});

describe('masks on the wire', () => {
  it.each([
    [[], []],
    [[0], [0, 0]],
    [[5, 6, 7, 100], [5, 7, 100, 100]],
    [[16383], [16383, 16383]],
  ])('slots %j -> ranges %j and back', (slots, ranges) => {
    const m = emptyMask();
    for (const s of slots) m[s] = 1;
    expect(maskRanges(m)).toEqual(ranges);
    expect(maskRanges(rangesMask(ranges.map(String)) ?? emptyMask())).toEqual(ranges);
  });

  it.each([[['1']], [['5', '4']], [['0', '16384']], [['x', '1']], [['-1', '3']]])('refuses malformed ranges %j', (flat) => {
    expect(rangesMask(flat)).toBeNull();
  });

  it('added() is the set difference', () => {
    const a = emptyMask();
    const b = emptyMask();
    a.fill(1, 0, 10);
    b.fill(1, 5, 20);
    expect(maskRanges(added(a, b))).toEqual([10, 19]);
    expect(maskRanges(added(undefined, b))).toEqual([5, 19]);
  });
});

describe('recordFor', () => {
  const k1 = 'a';
  const k2 = 'b';
  const s1 = keyHashSlot(k1);
  const s2 = keyHashSlot(k2);
  const mask = emptyMask();
  mask[s1] = 1;

  it.each([
    ['single key in the mask', ['SET', k1, 'v'], 'set', [1], [s1], ['SET', k1, 'v']],
    ['single key outside', ['SET', k2, 'v'], 'set', [1], [s2], null],
    ['DEL split to the peer\'s keys', ['DEL', k1, k2], 'del', [1, 2], [s1, s2], ['DEL', k1]],
    ['MSET split in pairs', ['MSET', k2, '2', k1, '1'], 'mset', [1, 3], [s2, s1], ['MSET', k1, '1']],
    ['none of DEL\'s keys', ['DEL', k2], 'del', [1], [s2], null],
  ] as const)('%s', (_what, argv, name, idx, slots, want) => {
    expect(recordFor(argv, name, idx, slots, mask)).toEqual(want);
  });
});
