// Stream structure tests: the ID tree and the stream value against simple array models (randomized), node layout, lag math, clone depth and memory accounting.
import { describe, expect, it } from 'vitest';
import { IdTree } from './idtree.js';
import {
  ENTRIES_READ_UNKNOWN,
  type Fields,
  formatId,
  ID_MAX,
  idMs,
  idSeq,
  makeId,
  Nack,
  STREAM_NODE_MAX_ENTRIES,
  StreamValue,
  U64_MAX,
} from './stream.js';

/** Small deterministic PRNG (mulberry32), so every randomized run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Everything a scan visits, as [id, value] pairs. */
function scanAll<V>(t: { scan(lo: bigint, hi: bigint, rev: boolean, fn: (k: bigint, v: V) => boolean | void): void }, lo: bigint, hi: bigint, rev: boolean, limit = 0): [bigint, V][] {
  const out: [bigint, V][] = [];
  t.scan(lo, hi, rev, (k, v) => {
    out.push([k, v]);
    return limit === 0 || out.length < limit;
  });
  return out;
}

describe('stream IDs', () => {
  it('pack ms and seq into one ordered 128-bit value', () => {
    const id = makeId(5n, 7n);
    expect(idMs(id)).toBe(5n);
    expect(idSeq(id)).toBe(7n);
    expect(formatId(id)).toBe('5-7');
    expect(formatId(ID_MAX)).toBe('18446744073709551615-18446744073709551615');
    expect(makeId(1n, U64_MAX) < makeId(2n, 0n)).toBe(true);
    // Incrementing carries into ms, as streamIncrID does.
    expect(formatId(makeId(1n, U64_MAX) + 1n)).toBe('2-0');
    expect(formatId(makeId(2n, 0n) - 1n)).toBe(`1-${U64_MAX}`);
  });
});

describe('IdTree against a sorted-array model', () => {
  it.each([1, 2, 3, 4])('random set / delete / get / scan / ceiling agree (seed %i)', (seed) => {
    const rand = prng(seed);
    const tree = new IdTree<number>(() => undefined, 4);
    const model = new Map<bigint, number>();
    const key = (): bigint => makeId(BigInt(Math.floor(rand() * 300)), BigInt(Math.floor(rand() * 3)));
    for (let op = 0; op < 5000; op++) {
      const r = rand();
      const k = key();
      if (r < 0.5) {
        const v = Math.floor(rand() * 1e6);
        expect(tree.set(k, v)).toBe(!model.has(k));
        model.set(k, v);
      } else if (r < 0.75) {
        expect(tree.delete(k)).toBe(model.get(k));
        model.delete(k);
      } else if (r < 0.85) {
        expect(tree.get(k)).toBe(model.get(k));
        expect(tree.has(k)).toBe(model.has(k));
      } else {
        const sorted = [...model.keys()].sort(cmp);
        const lo = key();
        const hi = rand() < 0.2 ? ID_MAX : key();
        const rev = rand() < 0.5;
        const limit = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 10);
        let want = sorted.filter((x) => x >= lo && x <= hi);
        if (rev) want.reverse();
        if (limit > 0) want = want.slice(0, limit);
        expect(scanAll(tree, lo, hi, rev, limit).map(([x]) => x)).toEqual(want);
        expect(tree.ceiling(lo)).toBe(sorted.find((x) => x >= lo));
      }
      expect(tree.size).toBe(model.size);
    }
    const sorted = [...model.entries()].sort((a, b) => cmp(a[0], b[0]));
    expect([...tree.entries()]).toEqual(sorted);
    expect(tree.firstKey()).toBe(sorted[0]?.[0]);
    expect(tree.lastKey()).toBe(sorted[sorted.length - 1]?.[0]);
  });

  it('appends open new leaves only when asked; head drops and shifts keep order', () => {
    const t = new IdTree<string>(() => undefined);
    for (let i = 1; i <= 10; i++) t.append(BigInt(i), `v${i}`, i % 4 === 1);
    expect(t.leafCount).toBe(3);
    expect(t.leafAt(1)?.base).toBe(5n);
    expect(t.dropFirstLeaf()?.keys).toEqual([1n, 2n, 3n, 4n]);
    expect(t.shiftFirstLeaf(2)).toEqual(['v5', 'v6']);
    // The leaf keeps the ID it was created for, like a Redis node its master entry.
    expect(t.leafAt(0)?.base).toBe(5n);
    expect([...t.entries()].map(([k]) => k)).toEqual([7n, 8n, 9n, 10n]);
    expect(t.size).toBe(4);
    expect(t.delete(7n)).toBe('v7');
    expect(t.delete(8n)).toBe('v8');
    expect(t.leafCount).toBe(1);
    expect(scanAll(t, 0n, ID_MAX, true).map(([k]) => k)).toEqual([10n, 9n]);
  });

  it('empty trees scan nothing and have no edges', () => {
    const t = new IdTree<number>(() => undefined);
    expect(scanAll(t, 0n, ID_MAX, false)).toEqual([]);
    expect(t.firstKey()).toBeUndefined();
    expect(t.ceiling(0n)).toBeUndefined();
    expect(t.delete(1n)).toBeUndefined();
    expect(t.dropFirstLeaf()).toBeUndefined();
  });
});

/** A stream built by appending `n` entries `i-0` with `f v<i>`. */
function streamOf(n: number, start = 1): StreamValue {
  const s = new StreamValue();
  for (let i = start; i < start + n; i++) s.append(makeId(BigInt(i), 0n), ['f', `v${i}`]);
  return s;
}

const idsOf = (s: StreamValue): string[] => scanAll<Fields>(s, 0n, ID_MAX, false).map(([id]) => formatId(id));

describe('StreamValue against an array model', () => {
  it.each([1, 2, 3, 4, 5])('random appends, deletes, trims and ranges agree (seed %i)', (seed) => {
    const rand = prng(seed);
    const s = new StreamValue();
    const emptyBytes = s.byteSize();
    let model: { id: bigint; f: Fields }[] = [];
    let ms = 1n;
    for (let op = 0; op < 4000; op++) {
      const r = rand();
      if (r < 0.55) {
        ms += BigInt(Math.floor(rand() * 3));
        const id = s.nextSeqId(ms) as bigint;
        const f = rand() < 0.1 ? [`k${op}`, 'x'.repeat(Math.floor(rand() * 300))] : ['f', String(op)];
        s.append(id, f);
        model.push({ id, f });
      } else if (r < 0.7) {
        const victim = model.length > 0 && rand() < 0.8 ? (model[Math.floor(rand() * model.length)] as { id: bigint }).id : makeId(ms + 5n, 0n);
        const had = model.some((e) => e.id === victim);
        expect(s.deleteEntry(victim)).toBe(had);
        model = model.filter((e) => e.id !== victim);
        if (had) expect(s.maxDeletedId >= victim).toBe(true);
      } else if (r < 0.78) {
        const approx = rand() < 0.5;
        if (rand() < 0.5) {
          const maxlen = Math.floor(rand() * (model.length + 10));
          const removed = s.trim({ strategy: 'maxlen', maxlen, minid: 0n, approx, limit: approx ? 10000 : 0 });
          if (!approx) expect(s.size).toBe(Math.min(model.length, maxlen));
          // `~` never trims below the threshold and only frees whole nodes.
          expect(s.size).toBeGreaterThanOrEqual(Math.min(model.length, maxlen));
          expect(removed).toBe(model.length - s.size);
          model = model.slice(removed);
        } else {
          const minid = makeId(BigInt(Math.floor(rand() * Number(ms + 2n))), 0n);
          const removed = s.trim({ strategy: 'minid', maxlen: 0, minid, approx, limit: 0 });
          const below = model.filter((e) => e.id < minid).length;
          if (approx) expect(removed).toBeLessThanOrEqual(below);
          else expect(removed).toBe(below);
          model = model.slice(removed);
        }
      } else {
        const a = makeId(BigInt(Math.floor(rand() * Number(ms + 2n))), 0n);
        const b = rand() < 0.3 ? ID_MAX : makeId(BigInt(Math.floor(rand() * Number(ms + 2n))), BigInt(Math.floor(rand() * 4)));
        const rev = rand() < 0.5;
        const count = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 20);
        let want = model.filter((e) => e.id >= a && e.id <= b);
        if (rev) want = want.reverse();
        if (count > 0) want = want.slice(0, count);
        expect(scanAll<Fields>(s, a, b, rev, count)).toEqual(want.map((e) => [e.id, e.f]));
      }
      expect(s.size).toBe(model.length);
      expect(s.firstId).toBe(model[0]?.id ?? 0n);
      expect(s.lastEntryId()).toBe(model[model.length - 1]?.id ?? 0n);
    }
    // Memory accounting is incremental: removing everything returns to the empty figure.
    s.trim({ strategy: 'maxlen', maxlen: 0, minid: 0n, approx: false, limit: 0 });
    expect(s.size).toBe(0);
    expect(s.byteSize()).toBe(emptyBytes);
  });

  it('fills nodes of 100 entries, counting deleted ones, like stream-node-max-entries', () => {
    const s = streamOf(250);
    expect(s.nodeCount).toBe(3);
    expect(s.radixNodes()).toBe(8);
    const t = new StreamValue();
    for (let i = 1; i < 60; i++) t.append(makeId(BigInt(i), 0n), ['f', 'v']);
    for (let i = 1; i < 60; i += 2) t.deleteEntry(makeId(BigInt(i), 0n));
    for (let i = 60; i < 200; i++) t.append(makeId(BigInt(i), 0n), ['f', 'v']);
    // 59 appended + 41 more fill the first node even though 30 of its entries are gone.
    expect(t.entries.leafAt(0)?.added).toBe(STREAM_NODE_MAX_ENTRIES);
    expect(t.nodeCount).toBe(2);
  });

  it('closes a node at 4 KB of listpack, as stream-node-max-bytes does', () => {
    const s = new StreamValue();
    for (let i = 1; i <= 20; i++) s.append(makeId(BigInt(i), 0n), ['f', 'x'.repeat(1000)]);
    // Four 1 KB values fit under 4096 bytes; the fifth opens a node.
    expect(s.nodeCount).toBe(5);
  });

  it('approximate trimming frees whole nodes only, within LIMIT', () => {
    const s = streamOf(250);
    expect(s.trim({ strategy: 'maxlen', maxlen: 120, minid: 0n, approx: true, limit: 10000 })).toBe(100);
    expect(s.size).toBe(150);
    expect(s.trim({ strategy: 'maxlen', maxlen: 0, minid: 0n, approx: true, limit: 30 })).toBe(0);
    expect(s.trim({ strategy: 'maxlen', maxlen: 0, minid: 0n, approx: true, limit: 100 })).toBe(100);
    expect(s.size).toBe(50);
    expect(s.trim({ strategy: 'minid', maxlen: 0, minid: makeId(240n, 0n), approx: true, limit: 0 })).toBe(0);
    expect(s.trim({ strategy: 'minid', maxlen: 0, minid: makeId(240n, 0n), approx: false, limit: 0 })).toBe(39);
    expect(idsOf(s)[0]).toBe('240-0');
    // Exact trimming inside a node keeps the node (and its radix-tree key).
    expect(s.nodeCount).toBe(1);
    expect(s.entries.leafAt(0)?.base).toBe(makeId(201n, 0n));
  });

  it('automatic IDs never go backwards: max(now, last ms), then the sequence', () => {
    const s = new StreamValue();
    expect(formatId(s.nextAutoId(1000) as bigint)).toBe('1000-0');
    s.append(makeId(1000n, 0n), ['a', 'b']);
    expect(formatId(s.nextAutoId(999) as bigint)).toBe('1000-1');
    expect(formatId(s.nextAutoId(1000) as bigint)).toBe('1000-1');
    expect(formatId(s.nextAutoId(1001) as bigint)).toBe('1001-0');
    s.append(makeId(1000n, U64_MAX), ['a', 'b']);
    // A full sequence carries into the next millisecond.
    expect(formatId(s.nextAutoId(5) as bigint)).toBe('1001-0');
    s.lastId = ID_MAX;
    expect(s.nextAutoId(5)).toBeNull();
  });

  it('ms-* IDs: sequence 0 for a new ms, last + 1 for the same ms, none when behind or exhausted', () => {
    const s = new StreamValue();
    expect(formatId(s.nextSeqId(0n) as bigint)).toBe('0-1');
    expect(formatId(s.nextSeqId(5n) as bigint)).toBe('5-0');
    s.append(makeId(5n, 3n), ['a', 'b']);
    expect(formatId(s.nextSeqId(5n) as bigint)).toBe('5-4');
    expect(s.nextSeqId(4n)).toBeNull();
    s.lastId = makeId(5n, U64_MAX);
    expect(s.nextSeqId(5n)).toBeNull();
  });

  it('entries_added wraps like Redis 7.0 signed 64-bit counter', () => {
    const s = new StreamValue();
    s.entriesAdded = (1n << 63n) - 1n;
    s.append(makeId(1n, 0n), ['a', 'b']);
    expect(s.entriesAdded).toBe(-(1n << 63n));
  });
});

describe('consumer groups', () => {
  it('assign moves a pending entry between consumers; ack and consumer deletion clear both PELs', () => {
    const s = streamOf(5);
    const g = s.createGroup('g', 0n, ENTRIES_READ_UNKNOWN);
    expect(g).toBeDefined();
    if (g === undefined) return;
    expect(s.createGroup('g', 0n, 0n)).toBeUndefined();
    const a = g.createConsumer('a', 1) ?? expect.fail('a');
    const b = g.createConsumer('b', 1) ?? expect.fail('b');
    expect(g.createConsumer('a', 2)).toBeUndefined();
    for (let i = 1n; i <= 3n; i++) g.assign(makeId(i, 0n), a, 10, 1);
    g.assign(makeId(2n, 0n), b, 20, 5);
    expect([...a.pel.entries()].map(([k]) => formatId(k))).toEqual(['1-0', '3-0']);
    expect(b.pel.get(makeId(2n, 0n))).toMatchObject({ consumer: b, deliveryTime: 20, deliveryCount: 5 });
    expect(g.pel.size).toBe(3);
    expect(g.ack(makeId(1n, 0n))).toBe(true);
    expect(g.ack(makeId(1n, 0n))).toBe(false);
    expect(a.pel.size).toBe(1);
    expect(g.deleteConsumer(a)).toBe(1);
    expect(g.pel.size).toBe(1);
    expect(g.sortedConsumers().map((c) => c.name)).toEqual(['b']);
  });

  it('clone is deep: groups, consumers and pending entries are copies wired to the copies', () => {
    const s = streamOf(3);
    const g = s.createGroup('g', makeId(2n, 0n), 2n) ?? expect.fail('group');
    const c = g.createConsumer('c', 7) ?? expect.fail('consumer');
    g.assign(makeId(1n, 0n), c, 10, 2);
    const copy = s.clone();
    const cg = copy.group('g') ?? expect.fail('cloned group');
    const cc = cg.consumer('c') ?? expect.fail('cloned consumer');
    const nack = cg.pel.get(makeId(1n, 0n)) as Nack;
    expect(nack).not.toBe(g.pel.get(makeId(1n, 0n)));
    expect(nack.consumer).toBe(cc);
    expect(cc.pel.get(makeId(1n, 0n))).toBe(nack);
    // Changes on either side stay there.
    cg.ack(makeId(1n, 0n));
    copy.append(makeId(9n, 0n), ['x', 'y']);
    s.deleteEntry(makeId(1n, 0n));
    expect(g.pel.size).toBe(1);
    expect(idsOf(s)).toEqual(['2-0', '3-0']);
    expect(idsOf(copy)).toEqual(['1-0', '2-0', '3-0', '9-0']);
    expect(copy.byteSize()).toBeGreaterThan(s.byteSize());
    expect(copy.nodeCount).toBe(1);
    expect(copy.entries.leafAt(0)?.added).toBe(4);
  });

  it('lag and entries_read follow Redis 7.0: exact without tombstones ahead, estimated otherwise', () => {
    const s = streamOf(5);
    const g = s.createGroup('g', 0n, ENTRIES_READ_UNKNOWN) ?? expect.fail('group');
    // Before the first entry, with no tombstones: everything is lag.
    expect(s.lag(g)).toBe(5n);
    s.advanceGroup(g, makeId(1n, 0n));
    expect(g.entriesRead).toBe(1n);
    s.advanceGroup(g, makeId(2n, 0n));
    expect(g.entriesRead).toBe(2n);
    expect(s.lag(g)).toBe(3n);
    // A deletion ahead of the cursor makes the counter unknowable until the cursor passes it.
    s.deleteEntry(makeId(4n, 0n));
    expect(s.lag(g)).toBeNull();
    s.advanceGroup(g, makeId(3n, 0n));
    expect(g.entriesRead).toBe(ENTRIES_READ_UNKNOWN);
    s.advanceGroup(g, makeId(5n, 0n));
    // The last ID is always known: entries_added.
    expect(g.entriesRead).toBe(5n);
    expect(s.lag(g)).toBe(0n);
    const fresh = new StreamValue();
    const fg = fresh.createGroup('g', 0n, ENTRIES_READ_UNKNOWN) ?? expect.fail('group');
    expect(fresh.lag(fg)).toBe(0n);
  });

  it('radix-tree node count matches Redis for shared and diverging key prefixes', () => {
    const s = new StreamValue();
    expect(s.radixNodes()).toBe(1);
    s.append(makeId(1n, 1n), ['f', 'v']);
    expect(s.radixNodes()).toBe(2);
  });
});
