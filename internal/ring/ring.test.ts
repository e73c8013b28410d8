// Ring math: table tests for placement and ranges, and property tests for balance and minimal movement on join/leave.
import { describe, expect, it } from 'vitest';
import { prng } from '../testing/random.js';
import { buildRing, memberTokens, rangeOf, ringDiff, slotCounts, type Ring } from './ring.js';
import { SLOT_COUNT } from './slot.js';

const ids = (n: number, prefix = 'node'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

function randomIds(rand: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(`n-${Math.floor(rand() * 2 ** 32).toString(36)}`);
  return [...out];
}

const busiest = (r: Ring): number => Math.max(...slotCounts(r)) / (SLOT_COUNT / r.members.length);

describe('buildRing', () => {
  it('gives every slot to the only member', () => {
    const r = buildRing(['solo'], 16);
    expect(r.ranges).toEqual([{ start: 0, end: SLOT_COUNT - 1, owner: 0, replicas: [] }]);
    expect(slotCounts(r)).toEqual([SLOT_COUNT]);
  });

  it('refuses an empty member set and a bad token count', () => {
    expect(() => buildRing([])).toThrow(/at least one member/);
    expect(() => buildRing(['a'], 0)).toThrow(/positive integer/);
  });

  it('is a pure function of the member set (order and duplicates do not matter)', () => {
    const a = buildRing(['b', 'a', 'c'], 64);
    const b = buildRing(['c', 'a', 'b', 'a'], 64);
    expect(b.members).toEqual(['a', 'b', 'c']);
    expect(Buffer.from(b.owners.buffer)).toEqual(Buffer.from(a.owners.buffer));
    expect(b.version).toBe(a.version);
    expect(buildRing(['a', 'b'], 64).version).not.toBe(a.version);
    expect(buildRing(['a', 'b', 'c'], 65).version).not.toBe(a.version);
  });

  // Pinned placements: a change here changes which node owns which key on every deployed cluster.
  it.each<[string[], number, number, string]>([
    [['node1', 'node2', 'node3'], 1024, 0, 'node3'],
    [['node1', 'node2', 'node3'], 1024, 12182, 'node2'],
    [['node1', 'node2', 'node3'], 1024, 16383, 'node3'],
    [['node1', 'node2', 'node3'], 160, 5061, 'node3'],
  ])('%j K=%i: slot %i is owned by %s', (members, k, slot, owner) => {
    const r = buildRing(members, k);
    expect(r.members[r.owners[slot] as number]).toBe(owner);
  });

  it('matches a brute-force reference: the first token at or after the slot start, wrapping, smaller id on ties', () => {
    const members = ['x', 'y', 'z', 'w'];
    const k = 32;
    const r = buildRing(members, k);
    const tokens = members.flatMap((id) => [...memberTokens(id, k)].map((p) => ({ p, id })));
    for (let slot = 0; slot < SLOT_COUNT; slot += 97) {
      const start = slot * 2 ** 18;
      const after = tokens.filter((t) => t.p >= start);
      const pool = after.length > 0 ? after : tokens;
      const best = pool.reduce((a, b) => (b.p < a.p || (b.p === a.p && b.id < a.id) ? b : a));
      expect(r.members[r.owners[slot] as number]).toBe(best.id);
    }
  });

  it('reports contiguous ranges covering every slot once, with distinct replicas', () => {
    const r = buildRing(ids(5), 128, 2);
    let next = 0;
    for (const g of r.ranges) {
      expect(g.start).toBe(next);
      expect(g.end).toBeGreaterThanOrEqual(g.start);
      for (let s = g.start; s <= g.end; s++) expect(r.owners[s]).toBe(g.owner);
      expect(g.replicas).toHaveLength(2);
      expect(new Set([g.owner, ...g.replicas]).size).toBe(3);
      next = g.end + 1;
    }
    expect(next).toBe(SLOT_COUNT);
    expect(r.ranges.length).toBeLessThanOrEqual(5 * 128);
    // Adjacent ranges change owner, or replicas (one owner's run over tokens with different successors).
    for (let i = 1; i < r.ranges.length; i++) {
      const a = r.ranges[i - 1];
      const b = r.ranges[i];
      expect(b?.owner !== a?.owner || b?.replicas.join() !== a?.replicas.join()).toBe(true);
    }
    expect(rangeOf(r, 0)).toBe(r.ranges[0]);
    expect(rangeOf(r, SLOT_COUNT - 1)).toBe(r.ranges[r.ranges.length - 1]);
    const mid = r.ranges[Math.floor(r.ranges.length / 2)];
    expect(rangeOf(r, mid?.end ?? 0)).toBe(mid);
  });

  it("lists as each slot's first replica the member that owns it once the owner is gone (failover without election)", () => {
    for (const k of [16, 128, 1024]) {
      const members = ids(4);
      const r = buildRing(members, k, 1);
      for (const dead of members) {
        const after = buildRing(members.filter((m) => m !== dead), k, 1);
        for (let s = 0; s < SLOT_COUNT; s++) {
          if (r.members[r.owners[s] as number] !== dead) continue;
          const first = r.members[rangeOf(r, s).replicas[0] as number];
          expect(after.members[after.owners[s] as number], `slot ${s}, K ${k}`).toBe(first);
        }
      }
    }
  });

  it('caps replicas at members - 1', () => {
    expect(buildRing(['a', 'b'], 8, 3).ranges.every((g) => g.replicas.length === 1)).toBe(true);
  });
});

describe('balance (busiest member / mean slots)', () => {
  it('is at most 1.15 with 10 members at the default token count (fixed ids and 40 random sets)', () => {
    expect(busiest(buildRing(ids(10)))).toBeLessThanOrEqual(1.15);
    const rand = prng(6);
    let worst = 0;
    for (let t = 0; t < 40; t++) worst = Math.max(worst, busiest(buildRing(randomIds(rand, 10))));
    expect(worst).toBeLessThanOrEqual(1.15);
  });

  it('is measurably worse with 160 tokens (why the default is 1024)', () => {
    const rand = prng(7);
    let worst = 0;
    for (let t = 0; t < 40; t++) worst = Math.max(worst, busiest(buildRing(randomIds(rand, 10), 160)));
    expect(worst).toBeGreaterThan(1.15);
  });
});

describe('movement', () => {
  it('a join moves at most 1.1 x 1/(N+1) of the slots, all of them to the joiner', () => {
    const rand = prng(8);
    for (let t = 0; t < 20; t++) {
      const n = 2 + (t % 9);
      const before = randomIds(rand, n + 1);
      const joiner = before.pop() as string;
      const a = buildRing(before);
      const b = buildRing([...before, joiner]);
      const d = ringDiff(a, b);
      expect(d.moved / SLOT_COUNT).toBeLessThanOrEqual((1.1 * 1) / (n + 1));
      expect([...d.to.keys()]).toEqual([joiner]);
    }
  });

  it('a leave moves only the leaver\'s slots, and all of them', () => {
    const rand = prng(9);
    for (let t = 0; t < 10; t++) {
      const members = randomIds(rand, 3 + (t % 6));
      const leaver = members[t % members.length] as string;
      const a = buildRing(members);
      const b = buildRing(members.filter((m) => m !== leaver));
      const d = ringDiff(a, b);
      expect([...d.from.keys()]).toEqual([leaver]);
      expect(d.moved).toBe(slotCounts(a)[a.members.indexOf(leaver)]);
    }
  });
});
