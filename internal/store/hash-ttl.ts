// Per-field deadlines of one hash (Redis 7.4 hash-field expiration): field -> unix ms, plus a lazy min-heap for "what is due next".

/**
 * The deadlines of the fields of one hash that have any. Only a hash that ever got a field TTL
 * holds one of these (HashValue.ttl stays undefined otherwise), so plain hashes pay nothing.
 *
 * The heap holds (deadline, field) pairs and is lazy: setting a new deadline pushes a pair and
 * leaves the old one; a popped pair whose deadline no longer matches the map is stale and skipped.
 * It is rebuilt from the map when stale pairs outnumber live ones, so its size stays O(fields).
 */
export class FieldTtls {
  private readonly at = new Map<string, number>();
  private heap = new DeadlineHeap<string>();
  /**
   * The deadline under which the keyspace's field-expiry index last filed this hash (0: not filed).
   * The keyspace owns it (Keyspace.indexFieldTtls); kept here so a hash carries it when it moves.
   */
  indexedAt = 0;

  get size(): number {
    return this.at.size;
  }

  get(field: string): number | undefined {
    return this.at.get(field);
  }

  /** Sets a field's deadline (unix ms, > 0). */
  set(field: string, at: number): void {
    if (this.at.get(field) === at) return;
    this.at.set(field, at);
    this.heap.push(at, field);
    if (this.heap.size > 2 * this.at.size + 32) this.rebuild();
  }

  delete(field: string): boolean {
    return this.at.delete(field);
  }

  entries(): IterableIterator<[string, number]> {
    return this.at.entries();
  }

  /** The earliest deadline, 0 when no field has one. Drops stale heap tops on the way. */
  next(): number {
    this.dropStale();
    return this.heap.size === 0 ? 0 : this.heap.topAt();
  }

  /**
   * Removes and returns up to `max` fields whose deadline is at or before `now`, earliest first.
   * Their deadlines are forgotten; deleting the fields themselves is the caller's job.
   */
  popDue(now: number, max: number): string[] {
    const out: string[] = [];
    while (out.length < max) {
      this.dropStale();
      if (this.heap.size === 0 || this.heap.topAt() > now) break;
      const f = this.heap.top();
      this.heap.pop();
      this.at.delete(f);
      out.push(f);
    }
    return out;
  }

  clone(): FieldTtls {
    const c = new FieldTtls();
    for (const [f, t] of this.at) c.set(f, t);
    return c;
  }

  private dropStale(): void {
    const h = this.heap;
    while (h.size > 0 && this.at.get(h.top()) !== h.topAt()) h.pop();
  }

  private rebuild(): void {
    this.heap = new DeadlineHeap<string>();
    for (const [f, t] of this.at) this.heap.push(t, f);
  }
}

/**
 * A binary min-heap of (deadline, item) pairs in two parallel arrays (no object per pair). Used
 * lazily by both levels: a hash's own fields (FieldTtls) and the keyspace's index of hashes with
 * field deadlines (Keyspace), whose stale pairs the caller recognises and skips.
 */
export class DeadlineHeap<T> {
  private readonly ats: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.ats.length;
  }

  /** The earliest deadline; call only when size > 0. */
  topAt(): number {
    return this.ats[0] as number;
  }

  /** The item of the earliest pair; call only when size > 0. */
  top(): T {
    return this.items[0] as T;
  }

  push(at: number, item: T): void {
    const ha = this.ats;
    const hi = this.items;
    let i = ha.length;
    ha.push(at);
    hi.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((ha[p] as number) <= at) break;
      ha[i] = ha[p] as number;
      hi[i] = hi[p] as T;
      i = p;
    }
    ha[i] = at;
    hi[i] = item;
  }

  pop(): void {
    const ha = this.ats;
    const hi = this.items;
    const lastAt = ha.pop() as number;
    const lastItem = hi.pop() as T;
    const n = ha.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (ha[r] as number) < (ha[l] as number) ? r : l;
      if ((ha[c] as number) >= lastAt) break;
      ha[i] = ha[c] as number;
      hi[i] = hi[c] as T;
      i = c;
    }
    ha[i] = lastAt;
    hi[i] = lastItem;
  }
}
