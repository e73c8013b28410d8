// Big lists (Redis's quicklist encoding): element bytes packed in an arena plus a ring of start offsets.
import { putLatin1, sliceLatin1, sliceShort } from '../resp/bytes.js';
import { LISTPACK_FRAME_BYTES, listpackEntryBytes, type ListRep, MIN_CAPACITY } from './list-rep.js';

/** Memory estimate: the list object, its typed arrays' headers, each 8-byte start slot, the arena. */
const LIST_OVERHEAD = 64 + 2 * 96;
const SLOT_BYTES = 8;
/** Arena size of an empty list; arenas grow by doubling and shrink when mostly empty. */
const MIN_ARENA = 64;
/**
 * Elements live as bytes, not as JavaScript strings: a list with millions of elements is a few
 * typed arrays to the garbage collector instead of millions of heap strings that every
 * scavenge promotes and every mark phase walks (what made LPUSH-heavy workloads GC-bound), and
 * it takes a byte per byte plus 8 per element, close to Redis's quicklist.
 *
 * Layout: the element bytes sit contiguously, head to tail, in arena[lo, hi), with free room on
 * both sides so pushes at either end are O(1) amortized. `starts` is a ring (power-of-two
 * capacity) of each element's start offset; an element ends where the next starts (the last at
 * `hi`). Middle edits (LSET to another length, LINSERT, LREM) rebuild the arena in O(n), as they
 * are O(n) in Redis too. Elements are byte strings (every character < 256), like every value.
 * Allocating the two typed arrays costs about a microsecond, which is why small lists are a
 * StringRing and only lists past the listpack limit come here.
 */
export class PackedList implements ListRep {
  private arena: Buffer;
  private lo: number;
  private hi: number;
  private starts: Float64Array;
  private mask: number;
  private head = 0;
  private len = 0;
  /** Estimated serialized listpack size, kept incrementally for OBJECT ENCODING. */
  packedBytes = LISTPACK_FRAME_BYTES;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.starts = new Float64Array(cap);
    this.mask = cap - 1;
    this.arena = Buffer.allocUnsafeSlow(MIN_ARENA);
    this.lo = this.hi = MIN_ARENA >> 1;
  }

  static of(items: readonly string[]): PackedList {
    const l = new PackedList(items.length);
    l.rebuild(items);
    return l;
  }

  get size(): number {
    return this.len;
  }

  /** Current capacity in elements (tests check that it grows and shrinks). */
  get capacity(): number {
    return this.mask + 1;
  }

  byteSize(): number {
    return LIST_OVERHEAD + (this.mask + 1) * SLOT_BYTES + this.arena.length;
  }

  clone(): PackedList {
    const c = new PackedList(this.len);
    c.arena = Buffer.allocUnsafeSlow(this.arena.length);
    this.arena.copy(c.arena, this.lo, this.lo, this.hi);
    c.lo = this.lo;
    c.hi = this.hi;
    for (let i = 0; i < this.len; i++) c.starts[i] = this.start(i);
    c.len = this.len;
    c.packedBytes = this.packedBytes;
    return c;
  }

  pushHead(v: string): void {
    const n = v.length;
    if (this.len === this.mask + 1) this.resizeRing((this.mask + 1) * 2);
    if (this.lo < n) this.makeRoom(n, 0);
    this.lo -= n;
    this.put(v, this.lo);
    this.head = (this.head - 1) & this.mask;
    this.starts[this.head] = this.lo;
    this.len++;
    this.added(n);
  }

  pushTail(v: string): void {
    const n = v.length;
    if (this.len === this.mask + 1) this.resizeRing((this.mask + 1) * 2);
    if (this.hi + n > this.arena.length) this.makeRoom(0, n);
    this.starts[(this.head + this.len) & this.mask] = this.hi;
    this.put(v, this.hi);
    this.hi += n;
    this.len++;
    this.added(n);
  }

  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const s = this.lo;
    const e = this.end(0);
    const v = this.read(s, e);
    this.lo = e;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.removed(e - s);
    this.afterRemove();
    return v;
  }

  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const s = this.start(this.len - 1);
    const v = this.read(s, this.hi);
    const n = this.hi - s;
    this.hi = s;
    this.len--;
    this.removed(n);
    this.afterRemove();
    return v;
  }

  /** Element at 0 <= i < size (callers resolve negative indexes). */
  at(i: number): string {
    return this.read(this.start(i), this.end(i));
  }

  /** Replaces the element at 0 <= i < size: in place when the length is the same, else O(n). */
  setAt(i: number, v: string): void {
    const s = this.start(i);
    const old = this.end(i) - s;
    if (old === v.length) {
      this.put(v, s);
      return;
    }
    const items = this.toArray();
    items[i] = v;
    this.rebuild(items);
  }

  /** Elements start..stop inclusive, both already clamped to [0, size). */
  range(start: number, stop: number): string[] {
    const out = new Array<string>(stop - start + 1);
    let s = this.start(start);
    for (let i = start; i <= stop; i++) {
      const e = this.end(i);
      out[i - start] = this.read(s, e);
      s = e;
    }
    return out;
  }

  /** Inserts so that the new element ends up at 0 <= i <= size (O(n) unless at an end). */
  insertAt(i: number, v: string): void {
    if (i === 0) return this.pushHead(v);
    if (i === this.len) return this.pushTail(v);
    const items = this.toArray();
    items.splice(i, 0, v);
    this.rebuild(items);
  }

  /**
   * LREM: removes elements equal to `v`, at most |count| of them (0 = all), scanning from the
   * head when count >= 0 and from the tail when count < 0. Returns how many were removed.
   * Compares bytes in the arena (no string per element) and compacts once: O(n).
   */
  removeMatches(v: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const n = v.length;
    const drop = new Uint8Array(this.len);
    let removed = 0;
    if (count >= 0) {
      for (let i = 0; i < this.len && removed < limit; i++) {
        if (this.equals(i, v, n)) {
          drop[i] = 1;
          removed++;
        }
      }
    } else {
      for (let i = this.len - 1; i >= 0 && removed < limit; i--) {
        if (this.equals(i, v, n)) {
          drop[i] = 1;
          removed++;
        }
      }
    }
    if (removed === 0) return 0;
    const keep: string[] = [];
    for (let i = 0; i < this.len; i++) if (drop[i] === 0) keep.push(this.at(i));
    this.rebuild(keep);
    return removed;
  }

  /** LTRIM: drops `left` elements from the head and `right` from the tail (left + right <= size). */
  trim(left: number, right: number): void {
    if (left + right >= this.len) {
      for (let i = 0; i < this.len; i++) this.removed(this.end(i) - this.start(i));
      this.len = 0;
      this.afterRemove();
      return;
    }
    for (let i = 0; i < left; i++) this.removed(this.end(i) - this.start(i));
    for (let i = this.len - right; i < this.len; i++) this.removed(this.end(i) - this.start(i));
    const newLo = this.start(left);
    const newHi = this.end(this.len - right - 1);
    this.head = (this.head + left) & this.mask;
    this.len -= left + right;
    this.lo = newLo;
    this.hi = newHi;
    this.afterRemove();
  }

  toArray(): string[] {
    return this.len === 0 ? [] : this.range(0, this.len - 1);
  }

  private start(i: number): number {
    return this.starts[(this.head + i) & this.mask] as number;
  }

  private end(i: number): number {
    return i + 1 < this.len ? (this.starts[(this.head + i + 1) & this.mask] as number) : this.hi;
  }

  private read(s: number, e: number): string {
    return e - s <= 20 ? sliceShort(this.arena, s, e) : sliceLatin1(this.arena, s, e);
  }

  private put(v: string, at: number): void {
    putLatin1(this.arena, at, v);
  }

  /** Whether element i's bytes equal the byte string v (length n). */
  private equals(i: number, v: string, n: number): boolean {
    const s = this.start(i);
    if (this.end(i) - s !== n) return false;
    const a = this.arena;
    for (let k = 0; k < n; k++) if (a[s + k] !== v.charCodeAt(k)) return false;
    return true;
  }

  /** Replaces the whole content (middle edits): a fresh arena sized to fit, room at both ends. */
  private rebuild(items: readonly string[]): void {
    let bytes = 0;
    for (const v of items) bytes += v.length;
    const size = Math.max(MIN_ARENA, bytes * 2);
    this.arena = Buffer.allocUnsafeSlow(size);
    this.lo = this.hi = (size - bytes) >> 1;
    let cap = MIN_CAPACITY;
    while (cap < items.length) cap *= 2;
    this.starts = new Float64Array(cap);
    this.mask = cap - 1;
    this.head = 0;
    this.len = 0;
    this.packedBytes = LISTPACK_FRAME_BYTES;
    for (const v of items) {
      this.starts[this.len++] = this.hi;
      this.put(v, this.hi);
      this.hi += v.length;
      this.packedBytes += listpackEntryBytes(v.length);
    }
  }

  /**
   * Makes `front` free bytes before lo and `back` after hi: re-centres the content when the arena
   * is at most half used, otherwise doubles it. Start offsets move with the content (O(n),
   * amortized O(1) per push since the arena at least doubles in between).
   */
  private makeRoom(front: number, back: number): void {
    const used = this.hi - this.lo;
    const need = used + front + back;
    let size = this.arena.length;
    if (need * 2 > size) {
      size = Math.max(MIN_ARENA, size * 2);
      while (size < need * 2) size *= 2;
    }
    this.place(size, front + ((size - need) >> 1));
  }

  /** Moves the content to offset `at` of an arena of `size` bytes (the same one if it fits). */
  private place(size: number, at: number): void {
    const used = this.hi - this.lo;
    const delta = at - this.lo;
    if (size === this.arena.length) {
      this.arena.copyWithin(at, this.lo, this.hi);
    } else {
      const next = Buffer.allocUnsafeSlow(size);
      this.arena.copy(next, at, this.lo, this.hi);
      this.arena = next;
    }
    this.lo = at;
    this.hi = at + used;
    if (delta === 0) return;
    for (let i = 0; i < this.len; i++) {
      const k = (this.head + i) & this.mask;
      this.starts[k] = (this.starts[k] as number) + delta;
    }
  }

  private added(n: number): void {
    this.packedBytes += listpackEntryBytes(n);
  }

  private removed(n: number): void {
    this.packedBytes -= listpackEntryBytes(n);
  }

  /**
   * After elements left: an emptied list drops back to the minimal arena; a ring at most a quarter
   * full halves; an arena at most an eighth used shrinks to twice the content, so a drained big
   * list gives its memory back.
   */
  private afterRemove(): void {
    if (this.len === 0) {
      this.head = 0;
      if (this.arena.length !== MIN_ARENA) this.arena = Buffer.allocUnsafeSlow(MIN_ARENA);
      this.lo = this.hi = MIN_ARENA >> 1;
      if (this.mask + 1 > MIN_CAPACITY) {
        this.starts = new Float64Array(MIN_CAPACITY);
        this.mask = MIN_CAPACITY - 1;
      }
      return;
    }
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY && this.len <= cap / 4) this.resizeRing(Math.max(MIN_CAPACITY, cap / 2));
    const used = this.hi - this.lo;
    if (this.arena.length > MIN_ARENA && used * 8 <= this.arena.length) {
      const size = Math.max(MIN_ARENA, used * 2);
      this.place(size, (size - used) >> 1);
    }
  }

  private resizeRing(cap: number): void {
    const next = new Float64Array(cap);
    for (let i = 0; i < this.len; i++) next[i] = this.starts[(this.head + i) & this.mask] as number;
    this.starts = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
