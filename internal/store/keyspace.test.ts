// Unit tests of one Keyspace: lazy expiry, the volatile index, SCAN order and compaction, random keys, flush, swap, memory.
import { beforeEach, describe, expect, it } from 'vitest';
import { Keyspace, type KeyspaceObserver, lowerBound, type TimeSource } from './keyspace.js';
import { type Collection, type Entry, ENTRY_OVERHEAD } from './types.js';

const T0 = 1_700_000_000_000;

class FakeSet implements Collection {
  readonly type = 'set' as const;
  constructor(public members: Set<string>) {}
  encoding(): string {
    return 'listpack';
  }
  byteSize(): number {
    let n = 0;
    for (const m of this.members) n += m.length;
    return n;
  }
  clone(): Collection {
    return new FakeSet(new Set(this.members));
  }
  get size(): number {
    return this.members.size;
  }
}

interface Recorded {
  expired: string[];
  modified: string[];
}

function make(index = 0): { ks: Keyspace; time: TimeSource; events: Recorded } {
  const time: TimeSource = { now: T0 };
  const events: Recorded = { expired: [], modified: [] };
  const observer: KeyspaceObserver = {
    expired: (db, key) => events.expired.push(`${db}:${key}`),
    modified: (db, key) => events.modified.push(`${db}:${key}`),
  };
  return { ks: new Keyspace(index, time, observer), time, events };
}

/** A rand() that walks slot by slot, so random pickers enumerate every index deterministically. */
function sweep(n: number): () => number {
  let i = 0;
  return () => ((i++ % n) + 0.5) / n;
}

/** Every key reachable through randomVolatileKey (the volatile index's contents). */
function volatileKeys(ks: Keyspace): string[] {
  const n = ks.volatileCount;
  const r = sweep(n);
  const out = new Set<string>();
  for (let i = 0; i < n; i++) {
    const k = ks.randomVolatileKey(r);
    if (k !== undefined) out.add(k);
  }
  return [...out].sort();
}

function scanAll(ks: Keyspace, count: number, between?: (step: number) => void): string[] {
  const out: string[] = [];
  let cursor = 0;
  let step = 0;
  do {
    const r = ks.scan(cursor, count, () => true);
    out.push(...r.keys);
    cursor = r.cursor;
    between?.(step++);
  } while (cursor !== 0);
  return out;
}

let ks: Keyspace;
let time: TimeSource;
let events: Recorded;
beforeEach(() => {
  ({ ks, time, events } = make(3));
});

describe('Keyspace: get / peek / lazy expiry', () => {
  it('get updates the access time, peek does not', () => {
    ks.set('a', 'v');
    time.now += 5000;
    expect(ks.peek('a')?.access).toBe(T0);
    expect(ks.get('a')?.access).toBe(T0 + 5000);
  });
  it('expired keys vanish on lookup and are reported as expired, not modified', () => {
    ks.set('a', 'v', T0 + 100);
    ks.set('b', 'v', T0 + 100);
    events.modified.length = 0;
    time.now = T0 + 99;
    expect(ks.get('a')).toBeDefined();
    time.now = T0 + 100; // expireAt <= now is expired
    expect(ks.get('a')).toBeUndefined();
    expect(ks.peek('b')).toBeUndefined();
    expect(ks.has('a')).toBe(false);
    expect(ks.size).toBe(0);
    expect(ks.bytes).toBe(0);
    expect(ks.volatileCount).toBe(0);
    expect(events.expired).toEqual(['3:a', '3:b']);
    expect(events.modified).toEqual([]);
  });
  it('raw ignores expiry; expireNow removes and reports', () => {
    ks.set('a', 'v', T0 + 1);
    time.now += 10;
    expect(ks.raw('a')?.value).toBe('v');
    ks.expireNow('a');
    expect(ks.raw('a')).toBeUndefined();
    ks.expireNow('a'); // idempotent
    expect(events.expired).toEqual(['3:a']);
  });
});

describe('Keyspace: set / delete / expiry', () => {
  it('overwriting keeps the entry and its SCAN position, and clears the TTL unless keep', () => {
    const e1 = ks.set('a', 'v1', T0 + 1000);
    ks.set('b', 'v');
    const e2 = ks.set('a', 'v2', 'keep');
    expect(e2).toBe(e1);
    expect(e2.expireAt).toBe(T0 + 1000);
    ks.set('a', 'v3');
    expect(ks.peek('a')?.expireAt).toBe(0);
    expect(ks.volatileCount).toBe(0);
    expect(ks.scan(0, 10, () => true).keys).toEqual(['a', 'b']);
  });
  it('setting over an expired key starts a new entry at the end of the SCAN order', () => {
    ks.set('a', 'old', T0 + 1);
    ks.set('b', 'v');
    time.now += 1;
    const seq = ks.raw('a')?.seq;
    const e = ks.set('a', 'new');
    expect(e.seq).toBeGreaterThan(seq as number);
    expect(e.value).toBe('new');
    expect(events.expired).toEqual(['3:a']);
    expect(ks.scan(0, 10, () => true).keys).toEqual(['b', 'a']);
  });
  it('delete answers whether a live key was removed', () => {
    ks.set('a', 'v');
    ks.set('x', 'v', T0 + 1);
    time.now += 1;
    events.modified.length = 0;
    expect(ks.delete('a')).toBe(true);
    expect(ks.delete('a')).toBe(false);
    expect(ks.delete('x')).toBe(false);
    expect(ks.delete('never')).toBe(false);
    expect(events.modified).toEqual(['3:a']);
    expect(events.expired).toEqual(['3:x']);
    expect(ks.size).toBe(0);
  });
  it('setExpire sets and clears a TTL and notifies', () => {
    const e = ks.set('a', 'v');
    events.modified.length = 0;
    ks.setExpire('a', e, T0 + 50);
    expect(e.expireAt).toBe(T0 + 50);
    expect(ks.volatileCount).toBe(1);
    ks.setExpire('a', e, T0 + 60); // re-setting does not duplicate the index entry
    expect(ks.volatileCount).toBe(1);
    ks.setExpire('a', e, 0);
    expect(ks.volatileCount).toBe(0);
    expect(events.modified).toEqual(['3:a', '3:a', '3:a']);
  });
});

describe('Keyspace: volatile index', () => {
  it('tracks exactly the keys with a TTL through adds, removals from the middle, overwrites and expiry', () => {
    for (let i = 0; i < 10; i++) ks.set(`k${i}`, 'v', T0 + 1000 + i);
    ks.set('plain', 'v');
    expect(ks.volatileCount).toBe(10);
    ks.delete('k0'); // first slot: the last one moves into it
    ks.delete('k5'); // middle
    ks.delete('k9'); // last slot
    ks.set('k3', 'v'); // overwrite without TTL drops it from the index
    ks.set('k4', 'v', 'keep');
    const e = ks.peek('plain');
    if (e) ks.setExpire('plain', e, T0 + 5);
    expect(volatileKeys(ks)).toEqual(['k1', 'k2', 'k4', 'k6', 'k7', 'k8', 'plain']);
    time.now = T0 + 5;
    expect(ks.get('plain')).toBeUndefined();
    expect(volatileKeys(ks)).toEqual(['k1', 'k2', 'k4', 'k6', 'k7', 'k8']);
    // Every indexed key still knows its slot: removing them all in any order empties the index.
    for (const k of ['k6', 'k1', 'k8', 'k2', 'k7', 'k4']) ks.delete(k);
    expect(ks.volatileCount).toBe(0);
    expect(ks.randomVolatileKey()).toBeUndefined();
  });
  it('randomized: the index always equals the set of keys with a TTL', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const withTtl = new Set<string>();
    for (let step = 0; step < 3000; step++) {
      const k = `k${Math.floor(rnd() * 200)}`;
      const r = rnd();
      if (r < 0.35) {
        ks.set(k, 'v', T0 + 1_000_000);
        withTtl.add(k);
      } else if (r < 0.55) {
        ks.set(k, 'v');
        withTtl.delete(k);
      } else if (r < 0.75) {
        ks.delete(k);
        withTtl.delete(k);
      } else if (r < 0.9) {
        const e = ks.peek(k);
        if (e) {
          ks.setExpire(k, e, 0);
          withTtl.delete(k);
        }
      } else {
        ks.set(k, 'v2', 'keep');
      }
      expect(ks.volatileCount).toBe(withTtl.size);
    }
    expect(volatileKeys(ks)).toEqual([...withTtl].sort());
  });
});

describe('Keyspace: SCAN order', () => {
  it('walks in insertion order; the cursor is the next insertion sequence; 0 at the end', () => {
    for (let i = 0; i < 5; i++) ks.set(`k${i}`, 'v');
    const r1 = ks.scan(0, 2, () => true);
    expect(r1.keys).toEqual(['k0', 'k1']);
    expect(r1.cursor).toBe(ks.raw('k2')?.seq);
    const r2 = ks.scan(r1.cursor, 2, () => true);
    expect(r2.keys).toEqual(['k2', 'k3']);
    const r3 = ks.scan(r2.cursor, 2, () => true);
    expect(r3).toEqual({ cursor: 0, keys: ['k4'] });
    expect(ks.scan(1e15, 10, () => true)).toEqual({ cursor: 0, keys: [] });
  });
  it('a cursor stays valid when its key is deleted', () => {
    for (let i = 0; i < 5; i++) ks.set(`k${i}`, 'v');
    const r1 = ks.scan(0, 2, () => true);
    ks.delete('k2');
    expect(ks.scan(r1.cursor, 10, () => true).keys).toEqual(['k3', 'k4']);
  });
  it('filters with accept and skips expired keys, removing them', () => {
    ks.set('a', 'v');
    ks.set('b', 'v', T0 + 1);
    ks.set('c', 'v');
    time.now += 1;
    expect(ks.scan(0, 10, (k) => k !== 'c').keys).toEqual(['a']);
    expect(ks.size).toBe(2);
    expect(events.expired).toEqual(['3:b']);
  });
  it('COUNT bounds keys visited, not keys returned', () => {
    for (let i = 0; i < 10; i++) ks.set(`k${i}`, 'v');
    const r = ks.scan(0, 4, (k) => k === 'k9');
    expect(r.keys).toEqual([]);
    expect(r.cursor).not.toBe(0);
  });
  it('compaction after mass deletion keeps cursors valid and every surviving key is returned once', () => {
    for (let i = 0; i < 5000; i++) ks.set(`k${i}`, 'v');
    const stable = new Set<string>();
    for (let i = 0; i < 5000; i += 10) stable.add(`k${i}`);
    const seen: string[] = [];
    let cursor = 0;
    let step = 0;
    do {
      const r = ks.scan(cursor, 50, () => true);
      seen.push(...r.keys);
      cursor = r.cursor;
      if (step++ === 3) {
        // Far more holes than live keys: forces compaction mid-iteration.
        for (let i = 0; i < 5000; i++) if (!stable.has(`k${i}`)) ks.delete(`k${i}`);
        for (let i = 0; i < 100; i++) ks.set(`new${i}`, 'v');
      }
    } while (cursor !== 0);
    for (const k of stable) expect(seen).toContain(k);
    expect(new Set(seen).size).toBe(seen.length);
    // Keys inserted mid-iteration land after the cursor, so they are seen too.
    expect(seen.filter((k) => k.startsWith('new'))).toHaveLength(100);
  });
  it('survives flush: old cursors end the iteration, new keys keep growing sequences', () => {
    ks.set('a', 'v');
    ks.set('b', 'v');
    const r = ks.scan(0, 1, () => true);
    expect(ks.flush()).toBe(2);
    expect(ks.scan(r.cursor, 10, () => true)).toEqual({ cursor: 0, keys: [] });
    ks.set('c', 'v');
    expect(ks.raw('c')?.seq).toBeGreaterThan(r.cursor);
    expect(scanAll(ks, 10)).toEqual(['c']);
  });
});

describe('Keyspace: keys / randomKey / entries', () => {
  it('keys yields live keys only', () => {
    ks.set('a', 'v');
    ks.set('b', 'v', T0 + 1);
    time.now += 1;
    expect([...ks.keys()]).toEqual(['a']);
    expect([...ks.entries()].map(([k]) => k).sort()).toEqual(['a', 'b']);
  });
  it('randomKey: undefined when empty, only live keys, every key reachable', () => {
    expect(ks.randomKey()).toBeUndefined();
    for (let i = 0; i < 8; i++) ks.set(`k${i}`, 'v');
    ks.set('dead', 'v', T0 + 1);
    ks.delete('k3');
    time.now += 1;
    const r = sweep(9);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(ks.randomKey(r) as string);
    expect([...seen].sort()).toEqual(['k0', 'k1', 'k2', 'k4', 'k5', 'k6', 'k7']);
  });
  it('randomKey with only expired keys answers undefined and reclaims what it sampled', () => {
    for (let i = 0; i < 5; i++) ks.set(`k${i}`, 'v', T0 + 1);
    time.now += 1;
    expect(ks.randomKey()).toBeUndefined();
    expect(ks.size).toBeLessThan(5);
  });
  it('randomKey falls back to a linear pass when sampling keeps hitting holes', () => {
    for (let i = 0; i < 1000; i++) ks.set(`k${i}`, 'v');
    for (let i = 0; i < 999; i++) ks.delete(`k${i}`);
    expect(ks.randomKey(() => 0)).toBe('k999');
  });
});

describe('Keyspace: flush / swap', () => {
  it('flush empties everything and reports each key as modified', () => {
    ks.set('a', 'v', T0 + 10);
    ks.set('b', new FakeSet(new Set(['x'])));
    events.modified.length = 0;
    expect(ks.flush()).toBe(2);
    expect(ks.size).toBe(0);
    expect(ks.bytes).toBe(0);
    expect(ks.volatileCount).toBe(0);
    expect(ks.randomKey()).toBeUndefined();
    expect(events.modified.sort()).toEqual(['3:a', '3:b']);
  });
  it('swapWith exchanges contents, TTL index and bytes; indexes stay', () => {
    const other = make(5);
    ks.set('a', 'va', T0 + 100);
    other.ks.set('b', 'vbb');
    const [bytesA, bytesB] = [ks.bytes, other.ks.bytes];
    ks.swapWith(other.ks);
    expect(ks.index).toBe(3);
    expect([...ks.keys()]).toEqual(['b']);
    expect([...other.ks.keys()]).toEqual(['a']);
    expect([ks.bytes, other.ks.bytes]).toEqual([bytesB, bytesA]);
    expect([ks.volatileCount, other.ks.volatileCount]).toEqual([0, 1]);
    expect(events.modified).toContain('3:b');
    expect(other.events.modified).toContain('5:a');
    // Sequences continue from the swapped-in counter, so scan order stays consistent.
    ks.set('c', 'v');
    expect(scanAll(ks, 1)).toEqual(['b', 'c']);
  });
});

describe('Keyspace: loaded-from-disk mark', () => {
  it('markLoadedFromDisk marks every key; any later write to a key clears its mark, reads do not', () => {
    const set = new FakeSet(new Set(['x']));
    for (const k of ['s', 'kept', 'ttl', 'persist']) ks.set(k, 'v', k === 'persist' ? T0 + 100 : 0);
    ks.set('c', set);
    expect(ks.raw('s')?.fromDisk).toBe(false);
    ks.markLoadedFromDisk();
    expect([...ks.entries()].every(([, e]) => e.fromDisk)).toBe(true);
    ks.get('kept');
    ks.peek('kept');
    ks.set('s', 'w');
    set.members.add('y');
    ks.changed('c', ks.raw('c') as Entry);
    ks.setExpire('ttl', ks.raw('ttl') as Entry, T0 + 50);
    ks.setExpire('persist', ks.raw('persist') as Entry, 0);
    expect(Object.fromEntries([...ks.entries()].map(([k, e]) => [k, e.fromDisk]))).toEqual({ s: false, kept: true, ttl: false, persist: false, c: false });
    // Deleted and re-created: a new entry, never from disk.
    ks.delete('kept');
    expect(ks.set('kept', 'v').fromDisk).toBe(false);
  });
  it('swapWith clears the mark on both sides: what each database holds changed', () => {
    const other = make(5);
    ks.set('a', 'v');
    other.ks.set('b', 'v');
    ks.markLoadedFromDisk();
    other.ks.markLoadedFromDisk();
    ks.swapWith(other.ks);
    expect([ks.raw('b')?.fromDisk, other.ks.raw('a')?.fromDisk]).toEqual([false, false]);
  });
});

describe('Keyspace: memory accounting', () => {
  it('charges key + value + overhead, re-measures on overwrite and recharge, releases on removal', () => {
    ks.set('key', 'x'.repeat(100));
    expect(ks.bytes).toBe(3 + 100 + ENTRY_OVERHEAD);
    ks.set('key', 'x'.repeat(10));
    expect(ks.bytes).toBe(3 + 10 + ENTRY_OVERHEAD);
    const members = new Set(['aa', 'bbb']);
    const e = ks.set('s', new FakeSet(members));
    expect(ks.bytes).toBe(3 + 10 + ENTRY_OVERHEAD + 1 + 5 + ENTRY_OVERHEAD);
    members.add('cccc');
    ks.recharge('s', e);
    expect(ks.bytes).toBe(3 + 10 + ENTRY_OVERHEAD + 1 + 9 + ENTRY_OVERHEAD);
    ks.delete('key');
    expect(ks.bytes).toBe(1 + 9 + ENTRY_OVERHEAD);
    ks.setExpire('s', e, T0 + 1);
    time.now += 1;
    ks.get('s');
    expect(ks.bytes).toBe(0);
  });
});

describe('lowerBound', () => {
  it.each([
    [[], 5, 0],
    [[1, 3, 5], 0, 0],
    [[1, 3, 5], 1, 0],
    [[1, 3, 5], 2, 1],
    [[1, 3, 5], 5, 2],
    [[1, 3, 5], 6, 3],
    [[2, 2, 2], 2, 0],
  ] as const)('lowerBound(%j, %i) = %i', (arr, x, expected) => {
    expect(lowerBound(arr, x)).toBe(expected);
  });
});
