// The list value: a StringRing while it fits a listpack, a PackedList beyond; O(1) push and pop at both ends.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits, listExceeds, listFitsBack } from './encodings.js';
import { type ListRep, MIN_CAPACITY } from './list-rep.js';
import { PackedList } from './list-packed.js';
import { StringRing } from './list-ring.js';
import type { Collection } from './types.js';

/**
 * Redis 7.2 keeps a small list as one listpack and a big one as a quicklist; the representations
 * here follow the same line (list-max-listpack-size, -2 = 8 KB by default, with 7.2's hysteresis
 * of converting back at half of it). A small list is a ring of strings, cheap to create; a big one
 * packs its bytes into an arena, so millions of elements are not millions of heap strings for the
 * garbage collector to promote and mark. encoding() names the representation; OBJECT ENCODING
 * answers quicklist for every list, as Redis 7.0 does (store/encodings.ts).
 */
export class ListValue implements Collection, EncodingAware {
  readonly type = 'list' as const;
  private rep: ListRep;
  private packed = false;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;

  constructor(capacity = MIN_CAPACITY) {
    this.rep = new StringRing(capacity);
  }

  /** A list holding `items` in order (tests, COPY, loading). */
  static of(items: readonly string[]): ListValue {
    const l = new ListValue(items.length);
    for (const v of items) l.rep.pushTail(v);
    l.settle();
    return l;
  }

  get size(): number {
    return this.rep.size;
  }

  /** Current element capacity (tests check that it grows and shrinks). */
  get capacity(): number {
    return this.rep.capacity;
  }

  encoding(): string {
    return this.packed ? 'quicklist' : 'listpack';
  }

  byteSize(): number {
    return this.rep.byteSize();
  }

  clone(): ListValue {
    const c = new ListValue();
    c.rep = this.rep.clone();
    c.packed = this.packed;
    c.limits = this.limits;
    return c;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    this.limits = limits;
    this.settle();
  }

  private exceeds(): boolean {
    return listExceeds(this.limits.listMaxListpackSize, this.rep.packedBytes, this.rep.size);
  }

  private fitsBack(): boolean {
    return listFitsBack(this.limits.listMaxListpackSize, this.rep.packedBytes, this.rep.size);
  }

  pushHead(v: string): void {
    this.rep.pushHead(v);
    if (!this.packed && this.exceeds()) this.settle();
  }

  pushTail(v: string): void {
    this.rep.pushTail(v);
    if (!this.packed && this.exceeds()) this.settle();
  }

  popHead(): string | undefined {
    const v = this.rep.popHead();
    if (this.packed && this.fitsBack()) this.settle();
    return v;
  }

  popTail(): string | undefined {
    const v = this.rep.popTail();
    if (this.packed && this.fitsBack()) this.settle();
    return v;
  }

  /** Element at 0 <= i < size (callers resolve negative indexes). */
  at(i: number): string {
    return this.rep.at(i);
  }

  /** Replaces the element at 0 <= i < size. */
  setAt(i: number, v: string): void {
    this.rep.setAt(i, v);
    this.settle();
  }

  /** Elements start..stop inclusive, both already clamped to [0, size). */
  range(start: number, stop: number): string[] {
    return this.rep.range(start, stop);
  }

  /** Inserts so that the new element ends up at 0 <= i <= size. */
  insertAt(i: number, v: string): void {
    this.rep.insertAt(i, v);
    this.settle();
  }

  /**
   * LREM: removes elements equal to `v`, at most |count| of them (0 = all), scanning from the
   * head when count >= 0 and from the tail when count < 0. Returns how many were removed. O(n).
   */
  removeMatches(v: string, count: number): number {
    const n = this.rep.removeMatches(v, count);
    if (n > 0) this.settle();
    return n;
  }

  /** LTRIM: drops `left` elements from the head and `right` from the tail (left + right <= size). */
  trim(left: number, right: number): void {
    this.rep.trim(left, right);
    this.settle();
  }

  /** Every element, head to tail. */
  toArray(): string[] {
    const n = this.rep.size;
    return n === 0 ? [] : this.rep.range(0, n - 1);
  }

  /** Converts between the representations when the content crossed the listpack limits. */
  private settle(): void {
    if (!this.packed && this.exceeds()) {
      this.rep = PackedList.of(this.toArray());
      this.packed = true;
    } else if (this.packed && this.fitsBack()) {
      this.rep = StringRing.of(this.toArray());
      this.packed = false;
    }
  }
}
