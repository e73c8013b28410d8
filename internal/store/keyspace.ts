// One logical database: key -> Entry map, expiry index, SCAN order, lazy expiry and memory accounting.
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits, isEncodingAware } from './encodings.js';
import { Entry, ENTRY_OVERHEAD, type Value } from './types.js';
import { HashValue } from './hash.js';
import { DeadlineHeap } from './hash-ttl.js';

/** What the keyspace tells the rest of the node; WATCH and keyspace notifications hang off this. */
export interface KeyspaceObserver {
  /** A key expired (lazily or by the active cycle) and was removed. */
  expired(db: number, key: string): void;
  /** A key's value or existence changed by a command (for WATCH). */
  modified(db: number, key: string): void;
  /**
   * The whole database was emptied (FLUSHDB, and each database of FLUSHALL), even when it held
   * nothing: one event for all of `keys` (what it held), raised instead of a `modified` per key.
   * An observer without it gets those `modified` calls (the Store's fanout does that).
   */
  flushed?(db: number, keys: Iterable<string>): void;
  /** A key was evicted by the maxmemory policy (after `modified` fired for its removal). */
  evicted?(db: number, key: string): void;
  /**
   * `set` created a key that was not there (Redis's dbAdd, which raises the `new` keyspace event).
   * Fired after `modified`, once the entry is complete, and before the command raises its own event.
   */
  created?(db: number, key: string): void;
  /**
   * A read lookup found no live key (Redis's lookupKeyRead, which raises `keymiss`). Raised by the
   * Store's read lookups, not by the keyspace: writes look keys up without it, as Redis's
   * lookupKeyWrite does.
   */
  missed?(db: number, key: string): void;
  /**
   * Fields of the hash at `key` passed their deadline and were deleted (lazily by a command that
   * touched them, or by the active cycle); `keyDeleted` when that emptied the hash and the key
   * went with it. Raised before `modified`. Journaled as HDEL, notified as `hexpired` (and `del`).
   */
  fieldsExpired?(db: number, key: string, fields: readonly string[], keyDeleted: boolean): void;
}

/** Shared time source: the executor stamps the command time once per command, as Redis does. */
export interface TimeSource {
  now: number;
  /**
   * Set while CLIENT PAUSE is in effect: the dataset stays as it is, so an expired key reads as
   * missing but is not deleted (nor counted, nor journaled) until the pause ends, as in Redis.
   */
  expiryPaused?: boolean;
}

export interface ScanResult {
  cursor: number;
  keys: string[];
}

export class Keyspace {
  private map = new Map<string, Entry>();
  /** Keys in insertion-sequence order with holes for deleted ones; `seqs` is sorted ascending. */
  private order: (string | undefined)[] = [];
  private seqs: number[] = [];
  private holes = 0;
  private nextSeq = 1;
  /** Keys that carry an expiry, for O(1) random sampling by the active expiry cycle. */
  private volatile: string[] = [];
  /**
   * Hashes with field deadlines, as (deadline, key) pairs filed by indexFieldTtls: a lazy
   * min-heap, so the active cycle visits hashes in the order their fields come due. A pair is live
   * when its key holds a hash whose FieldTtls.indexedAt is that deadline; anything else is skipped.
   */
  private fieldIndex = new DeadlineHeap<string>();
  /** Bytes charged for keys and values held here. */
  bytes = 0;

  constructor(
    public readonly index: number,
    private readonly time: TimeSource,
    private readonly observer: KeyspaceObserver,
    /** The store's encoding thresholds, handed to every collection stored here. */
    private readonly limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS,
  ) {}

  get size(): number {
    return this.map.size;
  }
  get volatileCount(): number {
    return this.volatile.length;
  }
  /** The sequence number the next new key gets: keys below it existed when it was read (snapshots). */
  get sequence(): number {
    return this.nextSeq;
  }

  /** Lookup with lazy expiry; updates the access time. */
  get(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.time.now) {
      if (this.time.expiryPaused === true) return undefined;
      this.removeEntry(key, e);
      this.observer.expired(this.index, key);
      return undefined;
    }
    e.access = this.time.now;
    return e;
  }

  /** Lookup with lazy expiry that leaves the access time alone (OBJECT, TTL, TYPE-like peeks). */
  peek(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.time.now) {
      if (this.time.expiryPaused === true) return undefined;
      this.removeEntry(key, e);
      this.observer.expired(this.index, key);
      return undefined;
    }
    return e;
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /**
   * Stores a value. `expireAt`: absolute unix ms, 0 to clear, or 'keep' to keep the existing TTL
   * (KEEPTTL, APPEND and other in-place updates).
   */
  set(key: string, value: Value, expireAt: number | 'keep' = 0): Entry {
    if (typeof value !== 'string' && isEncodingAware(value)) value.adopt(this.limits);
    let e = this.map.get(key);
    if (e !== undefined && e.expireAt !== 0 && e.expireAt <= this.time.now) {
      this.removeEntry(key, e);
      this.observer.expired(this.index, key);
      e = undefined;
    }
    const created = e === undefined;
    if (e === undefined) {
      e = new Entry(value, this.nextSeq++, this.time.now);
      this.map.set(key, e);
      this.order.push(key);
      this.seqs.push(e.seq);
    } else {
      e.value = value;
      e.access = this.time.now;
    }
    if (expireAt !== 'keep') this.setExpireOn(key, e, expireAt);
    // A hash with field deadlines arriving under this key (RESTORE, RENAME, MOVE, COPY, load)
    // is filed here, whatever index it was filed in before.
    if (typeof value !== 'string' && value instanceof HashValue && value.hasFieldTtls()) this.indexFieldTtls(key, value, true);
    this.recharge(key, e);
    // Every write goes through set, changed or setExpire: the key is live now, no longer the copy
    // this node loaded from disk (Entry.fromDisk), at the cost of one field store.
    e.fromDisk = false;
    this.observer.modified(this.index, key);
    // Every key is born here, so this is the one place the `new` event needs to come from.
    if (created) this.observer.created?.(this.index, key);
    return e;
  }

  /** Re-measures an entry after its collection value was changed in place. */
  recharge(key: string, e: Entry): void {
    const c = key.length + e.valueBytes() + ENTRY_OVERHEAD;
    this.bytes += c - e.charged;
    e.charged = c;
  }

  /**
   * A collection value was changed in place (push, pop, field set): re-measures it and tells the
   * observers (WATCH, blocked clients). An emptied collection must be deleted instead.
   */
  changed(key: string, e: Entry): void {
    this.recharge(key, e);
    e.fromDisk = false;
    this.observer.modified(this.index, key);
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (e === undefined) return false;
    const live = e.expireAt === 0 || e.expireAt > this.time.now;
    this.removeEntry(key, e);
    if (live) this.observer.modified(this.index, key);
    else this.observer.expired(this.index, key);
    return live;
  }

  /** Sets (at > 0) or clears (at = 0) the expiry of a live key. */
  setExpire(key: string, e: Entry, at: number): void {
    this.setExpireOn(key, e, at);
    e.fromDisk = false;
    this.observer.modified(this.index, key);
  }

  private setExpireOn(key: string, e: Entry, at: number): void {
    if (at === 0) {
      if (e.vidx >= 0) this.unvolatile(e);
      e.expireAt = 0;
      return;
    }
    if (e.vidx < 0) {
      e.vidx = this.volatile.length;
      this.volatile.push(key);
    }
    e.expireAt = at;
  }

  private unvolatile(e: Entry): void {
    const last = this.volatile.pop() as string;
    if (e.vidx < this.volatile.length) {
      this.volatile[e.vidx] = last;
      const moved = this.map.get(last);
      if (moved) moved.vidx = e.vidx;
    }
    e.vidx = -1;
  }

  private removeEntry(key: string, e: Entry): void {
    this.map.delete(key);
    if (e.vidx >= 0) this.unvolatile(e);
    this.bytes -= e.charged;
    const i = lowerBound(this.seqs, e.seq);
    if (this.seqs[i] === e.seq) {
      this.order[i] = undefined;
      this.holes++;
      if (this.holes > 1024 && this.holes > this.map.size) this.compact();
    }
  }

  /** Drops the holes left by deletions; sequence numbers (and so SCAN cursors) are unaffected. */
  private compact(): void {
    const order: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const k = this.order[i];
      if (k !== undefined) {
        order.push(k);
        seqs.push(this.seqs[i] as number);
      }
    }
    this.order = order;
    this.seqs = seqs;
    this.holes = 0;
  }

  /**
   * SCAN step. The cursor is the insertion sequence number to resume from, so every key present
   * for the whole iteration is returned exactly once; keys added meanwhile may or may not be.
   * `count` bounds the number of slots visited, as Redis bounds buckets.
   */
  scan(cursor: number, count: number, accept: (key: string, e: Entry) => boolean): ScanResult {
    const candidates: string[] = [];
    let i = lowerBound(this.seqs, cursor);
    while (i < this.order.length && candidates.length < count) {
      const k = this.order[i];
      i++;
      if (k !== undefined) candidates.push(k);
    }
    const next = i < this.order.length ? (this.seqs[i] as number) : 0;
    // Expiry checks may delete (and compact the order arrays), so they run after the walk.
    const keys: string[] = [];
    for (const k of candidates) {
      const e = this.peek(k);
      if (e !== undefined && accept(k, e)) keys.push(k);
    }
    return { cursor: next, keys };
  }

  /** Every live key (KEYS). Expired keys are skipped but left for lazy/active expiry, as Redis's KEYS does. */
  *keys(): IterableIterator<string> {
    for (const [k, e] of this.map) {
      if (e.expireAt !== 0 && e.expireAt <= this.time.now) continue;
      yield k;
    }
  }

  randomKey(rand: () => number = Math.random): string | undefined {
    for (let tries = 0; tries < 100 && this.map.size > 0; tries++) {
      const k = this.order[Math.floor(rand() * this.order.length)];
      if (k === undefined) continue;
      if (this.peek(k) !== undefined) return k;
    }
    // Pathological hole or expiry density: fall back to a linear pass.
    for (const k of this.keys()) return k;
    return undefined;
  }

  /** A random key with an expiry (active expiry sampling, volatile-* eviction). */
  randomVolatileKey(rand: () => number = Math.random): string | undefined {
    if (this.volatile.length === 0) return undefined;
    return this.volatile[Math.floor(rand() * this.volatile.length)];
  }

  /** Raw entry without expiry checks: for the active expiry cycle and eviction. */
  raw(key: string): Entry | undefined {
    return this.map.get(key);
  }

  /** Removes a key known to be expired, reporting it as an expiry. */
  expireNow(key: string): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.removeEntry(key, e);
    this.observer.expired(this.index, key);
  }

  // -------------------------------------------------------------------------------------------
  // Hash-field expiration

  /**
   * Files the hash at `key` under its earliest field deadline when that is earlier than where it
   * is filed (or `force`). Commands call it after giving fields deadlines; a later deadline needs
   * no call, the earlier pair simply finds nothing due and refiles the hash.
   */
  indexFieldTtls(key: string, h: HashValue, force = false): void {
    const t = h.fieldTtls;
    if (t === undefined) return;
    const next = t.next();
    if (next === 0) return;
    if (force || t.indexedAt === 0 || next < t.indexedAt) {
      t.indexedAt = next;
      this.fieldIndex.push(next, key);
    }
  }

  /**
   * Lazy field expiry: deletes `fields` of the hash at `key`, which the caller found expired, and
   * reports them; the key goes when the hash empties. Returns true when the key was deleted.
   * While CLIENT PAUSE holds expiry nothing is deleted (the caller still treats them as missing).
   */
  expireFields(key: string, e: Entry, h: HashValue, fields: readonly string[]): boolean {
    if (fields.length === 0 || this.time.expiryPaused === true) return false;
    for (const f of fields) h.delete(f);
    return this.fieldsGone(key, e, h, fields);
  }

  /** Deletes every field of the hash whose deadline passed (HRANDFIELD's lazy expiry); true when the key went. */
  expireDueFields(key: string, e: Entry, h: HashValue): boolean {
    if (this.time.expiryPaused === true) return false;
    const due = h.deleteDue(this.time.now, Number.MAX_SAFE_INTEGER);
    return due.length > 0 && this.fieldsGone(key, e, h, due);
  }

  private fieldsGone(key: string, e: Entry, h: HashValue, fields: readonly string[]): boolean {
    const gone = h.size === 0;
    if (gone) this.removeEntry(key, e);
    else this.recharge(key, e);
    e.fromDisk = false;
    this.observer.fieldsExpired?.(this.index, key, fields, gone);
    this.observer.modified(this.index, key);
    return gone;
  }

  /**
   * Active field expiry: deletes up to `max` due fields, visiting hashes earliest deadline first.
   * Bounded: stops after `max` fields or 4 * `max` index pairs (stale ones included). Returns
   * the number of fields deleted.
   */
  activeExpireFields(max: number): number {
    if (this.time.expiryPaused === true) return 0;
    const now = this.time.now;
    const idx = this.fieldIndex;
    let done = 0;
    for (let visits = 0; done < max && visits < 4 * max && idx.size > 0 && idx.topAt() <= now; visits++) {
      const at = idx.topAt();
      const key = idx.top();
      idx.pop();
      const e = this.map.get(key);
      if (e === undefined || !(e.value instanceof HashValue)) continue;
      const h = e.value;
      const t = h.fieldTtls;
      if (t === undefined || t.indexedAt !== at) continue;
      t.indexedAt = 0;
      const due = h.deleteDue(now, max - done);
      done += due.length;
      if (due.length > 0 && this.fieldsGone(key, e, h, due)) continue;
      this.indexFieldTtls(key, h);
    }
    return done;
  }

  /** Pairs in the field-expiry index (stale ones included): for tests and introspection. */
  get fieldIndexSize(): number {
    return this.fieldIndex.size;
  }

  /** Removes every key; each one counts as modified for WATCH (see KeyspaceObserver.flushed). */
  flush(): number {
    const n = this.map.size;
    const old = this.map;
    this.map = new Map();
    this.order = [];
    this.seqs = [];
    this.holes = 0;
    this.volatile = [];
    this.fieldIndex = new DeadlineHeap<string>();
    this.bytes = 0;
    if (this.observer.flushed !== undefined) this.observer.flushed(this.index, { [Symbol.iterator]: () => old.keys() });
    else for (const k of old.keys()) this.observer.modified(this.index, k);
    return n;
  }

  /** SWAPDB: exchanges contents with another keyspace; indexes stay with the objects. */
  swapWith(other: Keyspace): void {
    [this.map, other.map] = [other.map, this.map];
    [this.order, other.order] = [other.order, this.order];
    [this.seqs, other.seqs] = [other.seqs, this.seqs];
    [this.holes, other.holes] = [other.holes, this.holes];
    [this.nextSeq, other.nextSeq] = [other.nextSeq, this.nextSeq];
    [this.volatile, other.volatile] = [other.volatile, this.volatile];
    [this.fieldIndex, other.fieldIndex] = [other.fieldIndex, this.fieldIndex];
    [this.bytes, other.bytes] = [other.bytes, this.bytes];
    // A key present on either side changed in both databases (it appeared, vanished or was
    // replaced), so WATCHers and blocked clients of both hear about every one of them, and none
    // of them is an untouched copy from disk any more.
    for (const [k, e] of this.map) {
      e.fromDisk = false;
      this.observer.modified(this.index, k);
      other.observer.modified(other.index, k);
    }
    for (const [k, e] of other.map) {
      e.fromDisk = false;
      other.observer.modified(other.index, k);
      this.observer.modified(this.index, k);
    }
  }

  /**
   * Marks every key as loaded from disk (Entry.fromDisk): called once, when start-up loading
   * finished; any later write to a key clears its mark (set, changed, setExpire).
   */
  markLoadedFromDisk(): void {
    for (const e of this.map.values()) e.fromDisk = true;
  }

  entries(): IterableIterator<[string, Entry]> {
    return this.map.entries();
  }
}

/** First index i with arr[i] >= x (arr ascending). */
export function lowerBound(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
