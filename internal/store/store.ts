// The node's data: N keyspaces, shared command time, hit/miss/expiry stats, active expiry and eviction.
import { type KeyspaceObserver, Keyspace, type TimeSource } from './keyspace.js';
import { KEYS_PER_LOOP, shouldRepeat } from './expiry.js';
import { type EvictionPolicy, isLfuPolicy, isVolatilePolicy, lfuDecay, lfuIncrement } from './eviction.js';
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from './encodings.js';
import type { Entry } from './types.js';
import { LatencyMonitor } from '../observability/latency-monitor.js';

/**
 * Hash fields one active cycle may expire per database: Redis's HFE_DB_BASE_ACTIVE_EXPIRE_FIELDS_PER_SEC
 * (10000) at its default hz of 10.
 */
export const FIELDS_PER_CYCLE = 1000;

export interface StoreStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  evictedKeys: number;
  /** Share of sampled volatile keys found expired by the last active cycle, 0..1. */
  expiredStaleRatio: number;
  expireCycleMs: number;
}

export interface MemoryPolicy {
  maxmemory: number;
  policy: EvictionPolicy;
  samples: number;
  lfuLogFactor: number;
  lfuDecayTime: number;
}

export class Store {
  readonly time: TimeSource;
  private dbList: Keyspace[];
  readonly stats: StoreStats = {
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    expiredStaleRatio: 0,
    expireCycleMs: 0,
  };
  private readonly observers: KeyspaceObserver[] = [];
  activeExpireEnabled = true;
  /**
   * The encoding thresholds every collection stored here follows (one object, changed in place by
   * setEncodingLimits, so a value sees a change on its next write).
   */
  readonly encodings: Readonly<EncodingLimits> = { ...DEFAULT_ENCODING_LIMITS };
  /** Cursor over databases so a cycle that ran out of time resumes with the next one. */
  private expireDbCursor = 0;
  /**
   * LATENCY's events. Kept here because the store is the one part every timed source reaches:
   * the executor (commands), the cron's active expiry cycle and eviction (both below).
   */
  readonly latency: LatencyMonitor;

  constructor(
    databases: number,
    now: () => number,
    private readonly memory: MemoryPolicy,
    private readonly rand: () => number = Math.random,
  ) {
    this.time = { now: now(), expiryPaused: false };
    this.now = now;
    this.latency = new LatencyMonitor(now);
    const fanout: KeyspaceObserver = {
      expired: (db, key) => {
        this.stats.expiredKeys++;
        for (const o of this.observers) o.expired(db, key);
      },
      modified: (db, key) => {
        for (const o of this.observers) o.modified(db, key);
      },
      flushed: (db, keys) => {
        for (const o of this.observers) {
          if (o.flushed !== undefined) o.flushed(db, keys);
          else for (const k of keys) o.modified(db, k);
        }
      },
      created: (db, key) => {
        for (const o of this.observers) o.created?.(db, key);
      },
      fieldsExpired: (db, key, fields, keyDeleted) => {
        for (const o of this.observers) o.fieldsExpired?.(db, key, fields, keyDeleted);
      },
    };
    this.dbList = Array.from({ length: databases }, (_, i) => new Keyspace(i, this.time, fanout, this.encodings));
  }

  private readonly now: () => number;

  /** Stamps the command time; every expiry decision in one command sees the same instant. */
  tick(): number {
    this.time.now = this.now();
    return this.time.now;
  }

  observe(o: KeyspaceObserver): void {
    this.observers.push(o);
  }

  get databases(): number {
    return this.dbList.length;
  }

  db(i: number): Keyspace {
    return this.dbList[i] as Keyspace;
  }

  /**
   * Lookup for reading (Redis's lookupKeyRead): counts keyspace hits and misses, reports a miss to
   * the observers (`keymiss`), bumps the LFU counter, touches the key.
   */
  read(db: Keyspace, key: string): Entry | undefined {
    // peek, not get: the LFU decay below needs the previous access time, which get overwrites.
    const e = db.peek(key);
    if (e === undefined) {
      this.stats.misses++;
      this.missed(db.index, key);
      return undefined;
    }
    this.stats.hits++;
    if (isLfuPolicy(this.memory.policy)) this.bumpLfu(e);
    e.access = this.time.now;
    return e;
  }

  /**
   * Lookup for introspection (EXISTS, TYPE, TTL, OBJECT): counts hits and misses like a read but
   * leaves access time and LFU counter alone, as Redis's LOOKUP_NOTOUCH does. `reportMiss` false
   * is Redis's LOOKUP_NONOTIFY (OBJECT): the miss is counted but raises no `keymiss`.
   */
  peekRead(db: Keyspace, key: string, reportMiss = true): Entry | undefined {
    const e = db.peek(key);
    if (e === undefined) {
      this.stats.misses++;
      if (reportMiss) this.missed(db.index, key);
    } else {
      this.stats.hits++;
    }
    return e;
  }

  private missed(db: number, key: string): void {
    for (const o of this.observers) o.missed?.(db, key);
  }

  private bumpLfu(e: Entry): void {
    const decayed = lfuDecay(e.lfu, this.time.now - e.access, this.memory.lfuDecayTime);
    e.lfu = lfuIncrement(decayed, this.memory.lfuLogFactor, this.rand());
  }

  usedBytes(): number {
    let n = 0;
    for (const d of this.dbList) n += d.bytes;
    return n;
  }

  /**
   * What a dataset byte costs the process (1 = the estimate, accounting.ts): set from measurements
   * of the process by the node's memory gauge; unit-test stores keep 1.
   */
  overheadFactor = 1;
  /** INFO used_memory_startup, charged in used_memory and so against maxmemory, as Redis does (0 in unit tests). */
  startupBytes = 0;
  /** The highest used memory seen (INFO used_memory_peak). */
  private peak = 0;

  /** INFO used_memory and what maxmemory bounds: the startup part plus the dataset at its measured price. */
  usedMemory(): number {
    const used = this.startupBytes + Math.ceil(this.usedBytes() * this.overheadFactor);
    if (used > this.peak) this.peak = used;
    return used;
  }

  get peakMemory(): number {
    return this.peak;
  }

  get memoryPolicy(): Readonly<MemoryPolicy> {
    return this.memory;
  }

  /** CONFIG SET of list-max-listpack-size and kin: applies from each value's next write on, as in Redis. */
  setEncodingLimits(p: Partial<EncodingLimits>): void {
    Object.assign(this.encodings, p);
  }

  setMemoryPolicy(p: Partial<MemoryPolicy>): void {
    Object.assign(this.memory, p);
  }

  swap(a: number, b: number): void {
    (this.dbList[a] as Keyspace).swapWith(this.dbList[b] as Keyspace);
  }

  flushAll(): number {
    let n = 0;
    for (const d of this.dbList) n += d.flush();
    return n;
  }

  /**
   * Frees memory until under maxmemory, by the configured policy, sampling `samples` keys per
   * eviction as Redis does. Returns false when over the limit and nothing can be evicted.
   */
  evictIfNeeded(): boolean {
    const { maxmemory, policy } = this.memory;
    // Paused clients: the dataset stays as it is, evictions included (Redis's isSafeToPerformEvictions).
    if (maxmemory <= 0 || this.time.expiryPaused === true || this.usedMemory() <= maxmemory) return true;
    if (policy === 'noeviction') return false;
    // Timed only while the latency monitor is on, as Redis's latencyStartMonitor.
    const start = this.latency.threshold() > 0 ? performance.now() : -1;
    try {
      return this.evictUntilUnder(maxmemory, policy);
    } finally {
      if (start >= 0) this.latency.addIfNeeded('eviction-cycle', performance.now() - start);
    }
  }

  private evictUntilUnder(maxmemory: number, policy: EvictionPolicy): boolean {
    let guard = 0;
    while (this.usedMemory() > maxmemory) {
      if (guard++ > 100_000) return false;
      const victim = this.pickVictim(policy);
      if (victim === undefined) return false;
      // A sampled key that had already expired is reclaimed as an expiry, not counted as evicted.
      if (victim.db.expireOrEvict(victim.key)) {
        this.stats.evictedKeys++;
        for (const o of this.observers) o.evicted?.(victim.db.index, victim.key);
      }
    }
    return true;
  }

  private pickVictim(policy: EvictionPolicy): { db: EvictionTarget; key: string } | undefined {
    const volatile = isVolatilePolicy(policy);
    let best: { db: EvictionTarget; key: string; score: number } | undefined;
    for (const ks of this.dbList) {
      const pool = volatile ? ks.volatileCount : ks.size;
      if (pool === 0) continue;
      // maxmemory-samples goes up to INT_MAX, as in Redis, whose sampling never takes more keys than the database has.
      const samples = Math.min(this.memory.samples, pool);
      for (let i = 0; i < samples; i++) {
        const key = volatile ? ks.randomVolatileKey(this.rand) : ks.randomKey(this.rand);
        if (key === undefined) continue;
        const e = ks.raw(key);
        if (e === undefined) continue;
        const score = evictionScore(policy, e, this.time.now, this.memory.lfuDecayTime, this.rand);
        if (best === undefined || score > best.score) best = { db: asTarget(ks), key, score };
        if (policy.endsWith('-random')) break;
      }
    }
    return best;
  }

  /**
   * One slow active-expiry cycle: sample keys with a TTL in each database, delete the expired
   * ones, and keep going on a database while more than 10% of a sample had expired, until the
   * time budget is spent. Returns the number of keys expired.
   */
  activeExpireCycle(budgetMs: number): number {
    if (!this.activeExpireEnabled || this.time.expiryPaused === true) return 0;
    const start = performance.now();
    this.tick();
    let expired = 0;
    let sampledTotal = 0;
    let expiredTotal = 0;
    const n = this.dbList.length;
    for (let d = 0; d < n; d++) {
      const ks = this.dbList[(this.expireDbCursor + d) % n] as Keyspace;
      // Hash fields first, with their own bounded quota, as Redis's activeExpireHashFieldCycle.
      ks.activeExpireFields(FIELDS_PER_CYCLE);
      let iterations = 0;
      while (ks.volatileCount > 0) {
        const sample = Math.min(KEYS_PER_LOOP, ks.volatileCount);
        let hit = 0;
        for (let i = 0; i < sample; i++) {
          const key = ks.randomVolatileKey(this.rand);
          if (key === undefined) break;
          const e = ks.raw(key);
          if (e !== undefined && e.expireAt !== 0 && e.expireAt <= this.time.now) {
            ks.expireNow(key);
            hit++;
          }
        }
        expired += hit;
        sampledTotal += sample;
        expiredTotal += hit;
        if ((++iterations & 15) === 0 && performance.now() - start > budgetMs) {
          this.expireDbCursor = (this.expireDbCursor + d) % n;
          this.finishCycle(start, sampledTotal, expiredTotal);
          return expired;
        }
        if (!shouldRepeat(sample, hit)) break;
      }
    }
    this.finishCycle(start, sampledTotal, expiredTotal);
    return expired;
  }

  private finishCycle(start: number, sampled: number, expired: number): void {
    const ms = performance.now() - start;
    this.stats.expireCycleMs += ms;
    this.latency.addIfNeeded('expire-cycle', ms);
    if (sampled > 0) this.stats.expiredStaleRatio = expired / sampled;
  }
}

interface EvictionTarget {
  readonly index: number;
  /** Removes the key; true when it was live (an eviction), false when it had expired. */
  expireOrEvict(key: string): boolean;
}

function asTarget(ks: Keyspace): EvictionTarget {
  return { index: ks.index, expireOrEvict: (key) => ks.delete(key) };
}

/** Higher score = better eviction candidate. */
export function evictionScore(
  policy: EvictionPolicy,
  e: Entry,
  now: number,
  lfuDecayTime: number,
  rand: () => number,
): number {
  switch (policy) {
    case 'allkeys-lru':
    case 'volatile-lru':
      return now - e.access;
    case 'allkeys-lfu':
    case 'volatile-lfu':
      return 255 - lfuDecay(e.lfu, now - e.access, lfuDecayTime);
    case 'volatile-ttl':
      return -e.expireAt;
    default:
      return rand();
  }
}
