// Small lists (Redis's listpack encoding): a growable ring buffer of strings, O(1) at both ends.
import { LISTPACK_FRAME_BYTES, listpackEntryBytes, type ListRep, MIN_CAPACITY } from './list-rep.js';

/** Memory estimate: the list object and array header, each pointer slot, each V8 string header. */
const LIST_OVERHEAD = 64;
const SLOT_BYTES = 8;
const STRING_OVERHEAD = 16;

/**
 * Strings in a ring: creating one costs a small array, and a list this size (at most ~8 KB of
 * content) is cheap for the garbage collector. ListValue moves a list that outgrows it to
 * PackedList.
 */
export class StringRing implements ListRep {
  /** Backing store; slots outside [head, head + len) hold undefined so popped strings can be collected. */
  private buf: (string | undefined)[];
  private mask: number;
  private head = 0;
  private len = 0;
  /** Sum of element lengths (latin1: one code unit per byte). */
  private dataBytes = 0;
  /** Estimated serialized listpack size, kept incrementally for OBJECT ENCODING. */
  packedBytes = LISTPACK_FRAME_BYTES;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.buf = new Array<string | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  static of(items: readonly string[]): StringRing {
    const l = new StringRing(items.length);
    for (const v of items) l.pushTail(v);
    return l;
  }

  get size(): number {
    return this.len;
  }

  /** Current backing capacity (tests check that it grows and shrinks). */
  get capacity(): number {
    return this.mask + 1;
  }

  byteSize(): number {
    return LIST_OVERHEAD + (this.mask + 1) * SLOT_BYTES + this.len * STRING_OVERHEAD + this.dataBytes;
  }

  clone(): StringRing {
    const c = new StringRing(this.len);
    for (let i = 0; i < this.len; i++) c.pushTail(this.buf[(this.head + i) & this.mask] as string);
    return c;
  }

  pushHead(v: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.len++;
    this.added(v);
  }

  pushTail(v: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.buf[(this.head + this.len) & this.mask] = v;
    this.len++;
    this.added(v);
  }

  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head] as string;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.removed(v);
    this.maybeShrink();
    return v;
  }

  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & this.mask;
    const v = this.buf[i] as string;
    this.buf[i] = undefined;
    this.len--;
    this.removed(v);
    this.maybeShrink();
    return v;
  }

  /** Element at 0 <= i < size (callers resolve negative indexes). */
  at(i: number): string {
    return this.buf[(this.head + i) & this.mask] as string;
  }

  /** Replaces the element at 0 <= i < size. */
  setAt(i: number, v: string): void {
    const p = (this.head + i) & this.mask;
    this.removed(this.buf[p] as string);
    this.buf[p] = v;
    this.added(v);
  }

  /** Elements start..stop inclusive, both already clamped to [0, size). */
  range(start: number, stop: number): string[] {
    const out = new Array<string>(stop - start + 1);
    for (let i = start; i <= stop; i++) out[i - start] = this.buf[(this.head + i) & this.mask] as string;
    return out;
  }

  /** Inserts so that the new element ends up at 0 <= i <= size, moving whichever side is shorter. */
  insertAt(i: number, v: string): void {
    if (i === 0) return this.pushHead(v);
    if (i === this.len) return this.pushTail(v);
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    const m = this.mask;
    if (i < this.len - i) {
      // Shift the first i elements one slot left.
      this.head = (this.head - 1) & m;
      for (let k = 0; k < i; k++) this.buf[(this.head + k) & m] = this.buf[(this.head + k + 1) & m];
    } else {
      for (let k = this.len; k > i; k--) this.buf[(this.head + k) & m] = this.buf[(this.head + k - 1) & m];
    }
    this.buf[(this.head + i) & m] = v;
    this.len++;
    this.added(v);
  }

  /**
   * LREM: removes elements equal to `v`, at most |count| of them (0 = all), scanning from the
   * head when count >= 0 and from the tail when count < 0. Returns how many were removed.
   * One compaction pass: O(n) however many match.
   */
  removeMatches(v: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const m = this.mask;
    let removed = 0;
    if (count >= 0) {
      let w = 0;
      for (let r = 0; r < this.len; r++) {
        const x = this.buf[(this.head + r) & m] as string;
        if (removed < limit && x === v) {
          removed++;
          continue;
        }
        if (w !== r) this.buf[(this.head + w) & m] = x;
        w++;
      }
      for (let k = w; k < this.len; k++) this.buf[(this.head + k) & m] = undefined;
    } else {
      let w = this.len - 1;
      for (let r = this.len - 1; r >= 0; r--) {
        const x = this.buf[(this.head + r) & m] as string;
        if (removed < limit && x === v) {
          removed++;
          continue;
        }
        if (w !== r) this.buf[(this.head + w) & m] = x;
        w--;
      }
      for (let k = 0; k <= w; k++) this.buf[(this.head + k) & m] = undefined;
      this.head = (this.head + removed) & m;
    }
    if (removed > 0) {
      this.len -= removed;
      this.dataBytes -= removed * v.length;
      this.packedBytes -= removed * listpackEntryBytes(v.length);
      this.maybeShrink();
    }
    return removed;
  }

  /** LTRIM: drops `left` elements from the head and `right` from the tail (left + right <= size). */
  trim(left: number, right: number): void {
    const m = this.mask;
    for (let k = 0; k < left; k++) {
      const p = (this.head + k) & m;
      this.removed(this.buf[p] as string);
      this.buf[p] = undefined;
    }
    for (let k = this.len - right; k < this.len; k++) {
      const p = (this.head + k) & m;
      this.removed(this.buf[p] as string);
      this.buf[p] = undefined;
    }
    this.head = (this.head + left) & m;
    this.len -= left + right;
    this.maybeShrink();
  }

  /** Every element, head to tail. */
  toArray(): string[] {
    return this.len === 0 ? [] : this.range(0, this.len - 1);
  }

  private added(v: string): void {
    this.dataBytes += v.length;
    this.packedBytes += listpackEntryBytes(v.length);
  }

  private removed(v: string): void {
    this.dataBytes -= v.length;
    this.packedBytes -= listpackEntryBytes(v.length);
  }

  /** Halves the buffer when it is at most a quarter full, so a drained big list gives memory back. */
  private maybeShrink(): void {
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY && this.len <= cap / 4) this.resize(Math.max(MIN_CAPACITY, cap / 2));
  }

  private resize(cap: number): void {
    const next = new Array<string | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
