// Unit tests of the Store (reads and stats, swap/flush, eviction, active expiry) and of the pure expiry/eviction rules.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.js';
import {
  EVICTION_POLICIES,
  type EvictionPolicy,
  isLfuPolicy,
  isVolatilePolicy,
  LFU_INIT_VAL,
  lfuDecay,
  lfuIncrement,
} from './eviction.js';
import { ACCEPTABLE_STALE_PERCENT, cycleBudgetMs, KEYS_PER_LOOP, shouldRepeat } from './expiry.js';
import { evictionScore, type MemoryPolicy, Store } from './store.js';
import { Entry, ENTRY_OVERHEAD } from './types.js';

const T0 = 1_700_000_000_000;

function cycling(): () => number {
  // Deterministic, well-spread sequence (golden-ratio steps) so samplers cover every slot.
  let x = 0;
  return () => {
    x = (x + 0.6180339887498949) % 1;
    return x;
  };
}

function makeStore(policy: Partial<MemoryPolicy> = {}, databases = 4, rand: () => number = cycling()): { store: Store; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const store = new Store(
    databases,
    () => clock.now(),
    { maxmemory: 0, policy: 'noeviction', samples: 5, lfuLogFactor: 10, lfuDecayTime: 1, ...policy },
    rand,
  );
  return { store, clock };
}

/** Bytes charged for key `k<i>` holding a 100-byte value (two-character keys). */
const KEY_COST = 2 + 100 + ENTRY_OVERHEAD;

describe('Store basics', () => {
  it('stamps the command time once per tick', () => {
    const { store, clock } = makeStore();
    expect(store.time.now).toBe(T0);
    clock.advance(10);
    expect(store.time.now).toBe(T0);
    expect(store.tick()).toBe(T0 + 10);
    expect(store.time.now).toBe(T0 + 10);
  });

  it('has the configured number of independent databases', () => {
    const { store } = makeStore({}, 3);
    expect(store.databases).toBe(3);
    store.db(0).set('a', 'v');
    expect(store.db(1).size).toBe(0);
    expect(store.db(2).index).toBe(2);
  });

  it('read counts hits and misses and touches the key; peekRead counts without touching', () => {
    const { store, clock } = makeStore();
    const db = store.db(0);
    db.set('a', 'v');
    clock.advance(5000);
    store.tick();
    expect(store.peekRead(db, 'a')?.access).toBe(T0);
    expect(store.peekRead(db, 'nope')).toBeUndefined();
    expect(store.read(db, 'a')?.access).toBe(T0 + 5000);
    expect(store.read(db, 'nope')).toBeUndefined();
    expect(store.stats).toMatchObject({ hits: 2, misses: 2 });
  });

  it('read of an expired key is a miss and counts an expiry', () => {
    const { store, clock } = makeStore();
    store.db(0).set('a', 'v', T0 + 1);
    clock.advance(1);
    store.tick();
    expect(store.read(store.db(0), 'a')).toBeUndefined();
    expect(store.stats).toMatchObject({ hits: 0, misses: 1, expiredKeys: 1 });
  });

  it('under an LFU policy, reads decay the counter by idle time before incrementing', () => {
    const { store, clock } = makeStore({ policy: 'allkeys-lfu' }, 1, () => 0);
    const db = store.db(0);
    const e = db.set('a', 'v');
    expect(e.lfu).toBe(LFU_INIT_VAL);
    store.read(db, 'a');
    store.read(db, 'a');
    expect(e.lfu).toBe(LFU_INIT_VAL + 2);
    clock.advance(4 * 60_000);
    store.tick();
    store.read(db, 'a');
    expect(e.lfu).toBe(LFU_INIT_VAL + 2 - 4 + 1);
    // peekRead leaves it alone.
    store.peekRead(db, 'a');
    expect(e.lfu).toBe(LFU_INIT_VAL - 1);
  });

  it('does not touch LFU counters under other policies', () => {
    const { store } = makeStore({ policy: 'allkeys-lru' }, 1, () => 0);
    const e = store.db(0).set('a', 'v');
    store.read(store.db(0), 'a');
    expect(e.lfu).toBe(LFU_INIT_VAL);
  });

  it('usedBytes sums every database; flushAll and swap keep it consistent', () => {
    const { store } = makeStore();
    store.db(0).set('k0', 'x'.repeat(100));
    store.db(1).set('k1', 'x'.repeat(100));
    store.db(1).set('k2', 'x'.repeat(100));
    expect(store.usedBytes()).toBe(3 * KEY_COST);
    store.swap(0, 1);
    expect(store.db(0).size).toBe(2);
    expect(store.db(1).size).toBe(1);
    expect(store.usedBytes()).toBe(3 * KEY_COST);
    expect(store.flushAll()).toBe(3);
    expect(store.usedBytes()).toBe(0);
  });

  it('swap of a database with itself changes nothing', () => {
    const { store } = makeStore();
    store.db(2).set('a', 'v', T0 + 10);
    store.swap(2, 2);
    expect([...store.db(2).keys()]).toEqual(['a']);
    expect(store.db(2).volatileCount).toBe(1);
  });

  it('fans keyspace events out to observers and counts expiries', () => {
    const { store, clock } = makeStore();
    const seen: string[] = [];
    store.observe({ expired: (db, k) => seen.push(`expired ${db} ${k}`), modified: (db, k) => seen.push(`modified ${db} ${k}`) });
    store.db(1).set('a', 'v', T0 + 1);
    store.db(1).delete('nope');
    clock.advance(1);
    store.tick();
    store.db(1).get('a');
    expect(seen).toEqual(['modified 1 a', 'expired 1 a']);
    expect(store.stats.expiredKeys).toBe(1);
  });

  it('setMemoryPolicy changes the live policy', () => {
    const { store } = makeStore();
    store.setMemoryPolicy({ policy: 'volatile-lfu', maxmemory: 100 });
    expect(store.memoryPolicy).toMatchObject({ policy: 'volatile-lfu', maxmemory: 100, samples: 5 });
  });
});

describe('Store eviction', () => {
  function filled(policy: EvictionPolicy, n: number, maxKeys: number, samples = 16): { store: Store; clock: ManualClock } {
    const made = makeStore({ policy, maxmemory: maxKeys * KEY_COST, samples }, 2);
    for (let i = 0; i < n; i++) {
      made.store.db(0).set(`k${i}`, 'x'.repeat(100));
      made.clock.advance(1000);
      made.store.tick();
    }
    return made;
  }

  it('is a no-op without maxmemory or under the limit', () => {
    const { store } = makeStore({ policy: 'allkeys-lru' });
    store.db(0).set('k0', 'x'.repeat(1_000_000));
    expect(store.evictIfNeeded()).toBe(true);
    expect(store.db(0).size).toBe(1);
    const under = filled('allkeys-lru', 3, 3);
    expect(under.store.evictIfNeeded()).toBe(true);
    expect(under.store.db(0).size).toBe(3);
  });

  it('noeviction refuses when over the limit', () => {
    const { store } = filled('noeviction', 4, 3);
    expect(store.evictIfNeeded()).toBe(false);
    expect(store.db(0).size).toBe(4);
    expect(store.stats.evictedKeys).toBe(0);
  });

  it('allkeys-lru evicts the least recently used keys until under the limit', () => {
    const { store, clock } = filled('allkeys-lru', 5, 3);
    clock.advance(1000);
    store.tick();
    store.read(store.db(0), 'k0'); // k0 becomes the most recently used
    expect(store.evictIfNeeded()).toBe(true);
    expect([...store.db(0).keys()].sort()).toEqual(['k0', 'k3', 'k4']);
    expect(store.stats.evictedKeys).toBe(2);
    expect(store.usedBytes()).toBeLessThanOrEqual(3 * KEY_COST);
  });

  it('allkeys-lfu evicts the least frequently used keys', () => {
    const { store } = filled('allkeys-lfu', 4, 3);
    for (const [k, lfu] of [['k0', 50], ['k1', 2], ['k2', 30], ['k3', 40]] as const) {
      const e = store.db(0).raw(k);
      if (e) e.lfu = lfu;
    }
    expect(store.evictIfNeeded()).toBe(true);
    expect([...store.db(0).keys()].sort()).toEqual(['k0', 'k2', 'k3']);
  });

  it('volatile-ttl evicts the key closest to expiring, never a persistent key', () => {
    const { store } = filled('volatile-ttl', 4, 3);
    const db = store.db(0);
    for (const [k, at] of [['k1', T0 + 900_000], ['k2', T0 + 100_000], ['k3', T0 + 500_000]] as const) {
      const e = db.raw(k);
      if (e) db.setExpire(k, e, at);
    }
    expect(store.evictIfNeeded()).toBe(true);
    expect([...db.keys()].sort()).toEqual(['k0', 'k1', 'k3']);
  });

  it('volatile-* policies cannot evict when no key has a TTL', () => {
    for (const p of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'] as const) {
      const { store } = filled(p, 4, 3);
      expect(store.evictIfNeeded()).toBe(false);
      expect(store.db(0).size).toBe(4);
    }
  });

  it('volatile-random evicts only keys with a TTL; allkeys-random any key', () => {
    const v = filled('volatile-random', 5, 3);
    const db = v.store.db(0);
    for (const k of ['k3', 'k4']) {
      const e = db.raw(k);
      if (e) db.setExpire(k, e, T0 + 10_000_000);
    }
    expect(v.store.evictIfNeeded()).toBe(true);
    expect([...db.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    const a = filled('allkeys-random', 6, 3);
    expect(a.store.evictIfNeeded()).toBe(true);
    expect(a.store.db(0).size).toBe(3);
    expect(a.store.stats.evictedKeys).toBe(3);
  });

  it('samples every database', () => {
    const { store } = makeStore({ policy: 'allkeys-lru', maxmemory: 2 * KEY_COST, samples: 8 }, 3);
    store.db(2).set('k0', 'x'.repeat(100));
    store.db(1).set('k1', 'x'.repeat(100));
    store.db(0).set('k2', 'x'.repeat(100));
    expect(store.evictIfNeeded()).toBe(true);
    expect(store.db(0).size + store.db(1).size + store.db(2).size).toBe(2);
  });

  it('never samples more keys than a database holds (maxmemory-samples goes up to INT_MAX)', () => {
    let calls = 0;
    const rand = (): number => (calls++ % 7) / 7;
    const { store } = makeStore({ policy: 'allkeys-lru', maxmemory: 2 * KEY_COST, samples: 2147483647 }, 1, rand);
    for (let i = 0; i < 3; i++) store.db(0).set(`k${i}`, 'x'.repeat(100));
    calls = 0;
    expect(store.evictIfNeeded()).toBe(true);
    expect(store.db(0).size).toBe(2);
    expect(calls).toBeLessThanOrEqual(3 * 3);
  });

  it('counts an already-expired victim as an expiry, not an eviction', () => {
    const { store, clock } = makeStore({ policy: 'volatile-ttl', maxmemory: 1 }, 1);
    store.db(0).set('k0', 'x'.repeat(100), T0 + 5);
    clock.advance(5);
    store.tick();
    expect(store.evictIfNeeded()).toBe(true);
    expect(store.db(0).size).toBe(0);
    expect(store.stats).toMatchObject({ evictedKeys: 0, expiredKeys: 1 });
  });
});

describe('Store active expiry cycle', () => {
  it('reclaims expired keys that are never accessed, leaving live ones', () => {
    const { store, clock } = makeStore({}, 2);
    const expired: string[] = [];
    store.observe({ expired: (_db, k) => expired.push(k), modified: () => undefined });
    for (let i = 0; i < 1000; i++) store.db(0).set(`t${i}`, 'v', T0 + 50);
    for (let i = 0; i < 300; i++) store.db(1).set(`u${i}`, 'v', T0 + 50);
    for (let i = 0; i < 100; i++) store.db(0).set(`p${i}`, 'v');
    for (let i = 0; i < 10; i++) store.db(1).set(`l${i}`, 'v', T0 + 3_600_000);
    expect(store.activeExpireCycle(1000)).toBe(0); // nothing due yet
    clock.advance(50);
    expect(store.activeExpireCycle(1000)).toBe(1300);
    expect(store.db(0).size).toBe(100);
    expect(store.db(1).size).toBe(10);
    expect(store.stats.expiredKeys).toBe(1300);
    expect(expired).toHaveLength(1300);
    const remaining = [...store.db(0).keys(), ...store.db(1).keys()];
    expect(store.usedBytes()).toBe(remaining.reduce((n, k) => n + k.length + 1 + ENTRY_OVERHEAD, 0));
    expect(store.stats.expireCycleMs).toBeGreaterThanOrEqual(0);
  });

  it('stops sampling a database once few sampled keys were expired', () => {
    const { store, clock } = makeStore({}, 1);
    // 1 expired key among 2000 volatile ones: one sample loop finds < 10% stale and stops.
    store.db(0).set('dead', 'v', T0 + 1);
    for (let i = 0; i < 1999; i++) store.db(0).set(`live${i}`, 'v', T0 + 3_600_000);
    clock.advance(1);
    store.activeExpireCycle(1000);
    expect(store.db(0).size).toBeGreaterThanOrEqual(1999);
    expect(store.stats.expiredStaleRatio).toBeLessThanOrEqual(ACCEPTABLE_STALE_PERCENT / 100);
  });

  it('resumes across cycles when the time budget runs out', () => {
    const { store, clock } = makeStore({}, 1);
    for (let i = 0; i < 20_000; i++) store.db(0).set(`t${i}`, 'v', T0 + 1);
    clock.advance(1);
    let total = 0;
    let cycles = 0;
    while (store.db(0).size > 0 && cycles < 10_000) {
      total += store.activeExpireCycle(0);
      cycles++;
    }
    expect(store.db(0).size).toBe(0);
    expect(total).toBe(20_000);
    expect(cycles).toBeGreaterThan(1);
  });

  it('does nothing when disabled (DEBUG SET-ACTIVE-EXPIRE 0)', () => {
    const { store, clock } = makeStore({}, 1);
    store.db(0).set('a', 'v', T0 + 1);
    clock.advance(1);
    store.activeExpireEnabled = false;
    expect(store.activeExpireCycle(1000)).toBe(0);
    expect(store.db(0).size).toBe(1);
  });
});

describe('expiry rules (pure)', () => {
  it.each([
    [0, 0, false],
    [20, 0, false],
    [20, 1, false],
    [20, 2, false], // exactly 10% is acceptable
    [20, 3, true],
    [20, 20, true],
    [10, 1, false],
    [10, 2, true],
  ] as const)('shouldRepeat(%i sampled, %i expired) = %s', (sampled, expired, expected) => {
    expect(shouldRepeat(sampled, expired)).toBe(expected);
  });

  it('shouldRepeat takes a custom stale percentage', () => {
    expect(shouldRepeat(20, 5, 25)).toBe(false);
    expect(shouldRepeat(20, 6, 25)).toBe(true);
    expect(shouldRepeat(20, 1, 0)).toBe(true);
  });

  it.each([
    [1, 250],
    [10, 25],
    [100, 2.5],
    [500, 0.5],
  ] as const)('cycleBudgetMs(hz %i) = %f', (hz, ms) => {
    expect(cycleBudgetMs(hz)).toBeCloseTo(ms, 10);
  });

  it("uses Redis's constants", () => {
    expect(KEYS_PER_LOOP).toBe(20);
    expect(ACCEPTABLE_STALE_PERCENT).toBe(10);
  });
});

describe('eviction rules (pure)', () => {
  it.each([
    // counter, logFactor, rand, expected
    [255, 10, 0, 255], // saturated
    [0, 10, 0.999, 1], // below LFU_INIT_VAL: always grows
    [5, 10, 0.999, 6], // at LFU_INIT_VAL: p = 1
    [6, 10, 0.5, 6], // p = 1/11
    [6, 10, 0.09, 7],
    [105, 10, 0.0009, 106], // p = 1/1001
    [105, 10, 0.001, 105],
    [100, 0, 0.999, 101], // logFactor 0: always grows
    [254, 0, 0.5, 255],
  ] as const)('lfuIncrement(%i, factor %i, rand %f) = %i', (counter, factor, rand, expected) => {
    expect(lfuIncrement(counter, factor, rand)).toBe(expected);
  });

  it.each([
    // counter, elapsed ms, decay minutes, expected
    [10, 0, 1, 10],
    [10, 59_999, 1, 10],
    [10, 60_000, 1, 9],
    [10, 10 * 60_000, 1, 0],
    [3, 10 * 60_000, 1, 0], // never below zero
    [10, 119_999, 2, 10],
    [10, 120_000, 2, 9],
    [10, 1e12, 0, 10], // decay disabled
  ] as const)('lfuDecay(%i, %i ms, %i min) = %i', (counter, elapsed, minutes, expected) => {
    expect(lfuDecay(counter, elapsed, minutes)).toBe(expected);
  });

  it.each(EVICTION_POLICIES.map((p) => [p] as const))('%s is classified', (p) => {
    expect(isVolatilePolicy(p)).toBe(p.startsWith('volatile-'));
    expect(isLfuPolicy(p)).toBe(p === 'allkeys-lfu' || p === 'volatile-lfu');
  });

  it('evictionScore ranks the better victim higher', () => {
    const now = T0 + 10 * 60_000;
    const old = new Entry('v', 1, T0);
    const fresh = new Entry('v', 2, now);
    expect(evictionScore('allkeys-lru', old, now, 1, Math.random)).toBeGreaterThan(evictionScore('volatile-lru', fresh, now, 1, Math.random));
    const rare = new Entry('v', 3, now);
    rare.lfu = 2;
    const hot = new Entry('v', 4, now);
    hot.lfu = 200;
    expect(evictionScore('allkeys-lfu', rare, now, 1, Math.random)).toBeGreaterThan(evictionScore('volatile-lfu', hot, now, 1, Math.random));
    // An idle hot key decays, so it ranks as a better victim than before.
    const idleHot = new Entry('v', 5, T0);
    idleHot.lfu = 200;
    expect(evictionScore('allkeys-lfu', idleHot, now, 1, Math.random)).toBe(255 - 190);
    const soon = new Entry('v', 6, T0);
    soon.expireAt = now + 10;
    const late = new Entry('v', 7, T0);
    late.expireAt = now + 10_000;
    expect(evictionScore('volatile-ttl', soon, now, 1, Math.random)).toBeGreaterThan(evictionScore('volatile-ttl', late, now, 1, Math.random));
    expect(evictionScore('allkeys-random', old, now, 1, () => 0.25)).toBe(0.25);
    expect(evictionScore('volatile-random', old, now, 1, () => 0.75)).toBe(0.75);
  });
});
