// Pairs and items packed into one latin1 string (small hashes, sets and sorted sets, like Redis's listpack): pure functions, each change returns a new flat string.

/**
 * Each pair is: one char holding the field's length, the field, one char holding the value's
 * length, the value. So an item is at most this many bytes (a longer one needs another form).
 */
export const PACKED_MAX_ITEM = 255;

/**
 * A concatenation is a tree of cons strings (32 bytes a node) until flattened; reading a char
 * flattens it in place (V8 copies it into one sequential string), and the next scavenge drops the
 * emptied cons, so a packed value holds one flat string. 2-3x cheaper than assembling the bytes in
 * a Buffer and decoding them (two native calls per piece).
 */
function flat(s: string): string {
  if (s.length > 0) s.charCodeAt(0);
  return s;
}

/** `p` with [from, to) replaced by the pair (field, value), or by nothing when field is null; a flat string. */
export function packedSplice(p: string, from: number, to: number, field: string | null, value: string): string {
  let s = from > 0 ? p.slice(0, from) : '';
  if (field !== null) s += String.fromCharCode(field.length) + field + String.fromCharCode(value.length) + value;
  if (to < p.length) s += p.slice(to);
  return flat(s);
}

/** Offset just past the pair starting at `off`. */
export function packedNext(p: string, off: number): number {
  const fl = p.charCodeAt(off);
  return off + 2 + fl + p.charCodeAt(off + 1 + fl);
}

export function packedCount(p: string): number {
  let n = 0;
  for (let off = 0; off < p.length; off = packedNext(p, off)) n++;
  return n;
}

/** Offset of the pair holding `field`, -1 when absent. */
export function packedFind(p: string, field: string): number {
  const fl = field.length;
  for (let off = 0; off < p.length; off = packedNext(p, off)) if (p.charCodeAt(off) === fl && p.startsWith(field, off + 1)) return off;
  return -1;
}

/** Offset of the i-th pair (0 <= i < count). */
export function packedOffset(p: string, i: number): number {
  let off = 0;
  for (; i > 0; i--) off = packedNext(p, off);
  return off;
}

export function packedField(p: string, off: number): string {
  return p.slice(off + 1, off + 1 + p.charCodeAt(off));
}

export function packedValue(p: string, off: number): string {
  const v = off + 2 + p.charCodeAt(off);
  return p.slice(v, v + p.charCodeAt(v - 1));
}

/** Whether the pair at `off` holds exactly `value` (without slicing it out). */
export function packedValueIs(p: string, off: number, value: string): boolean {
  const v = off + 2 + p.charCodeAt(off);
  return p.charCodeAt(v - 1) === value.length && p.startsWith(value, v);
}

/** Sets a field (both at most PACKED_MAX_ITEM bytes): an overwrite keeps the pair's place, a new pair goes last. */
export function packedSet(p: string, field: string, value: string): { packed: string; added: boolean } {
  const off = packedFind(p, field);
  if (off < 0) return { packed: packedSplice(p, p.length, p.length, field, value), added: true };
  return { packed: packedSplice(p, off, packedNext(p, off), field, value), added: false };
}

/** Removes the pair at `off`; the later pairs close the gap. */
export function packedDelete(p: string, off: number): string {
  return packedSplice(p, off, packedNext(p, off), null, '');
}

/** Every pair in order. */
export function* packedPairs(p: string): IterableIterator<[string, string]> {
  for (let off = 0; off < p.length; off = packedNext(p, off)) yield [packedField(p, off), packedValue(p, off)];
}

// Single items (a small set's members): one char holding the length, then the bytes.

/** Offset just past the item at `off`. */
export function itemNext(p: string, off: number): number {
  return off + 1 + p.charCodeAt(off);
}

export function itemCount(p: string): number {
  let n = 0;
  for (let off = 0; off < p.length; off = itemNext(p, off)) n++;
  return n;
}

/** Index of an item, -1 when absent. */
export function itemIndex(p: string, s: string): number {
  const n = s.length;
  let i = 0;
  for (let off = 0; off < p.length; off = itemNext(p, off), i++) if (p.charCodeAt(off) === n && p.startsWith(s, off + 1)) return i;
  return -1;
}

/** The i-th item (0 <= i < count). */
export function itemAt(p: string, i: number): string {
  let off = 0;
  for (; i > 0; i--) off = itemNext(p, off);
  return p.slice(off + 1, off + 1 + p.charCodeAt(off));
}

export function unpackItems(p: string): string[] {
  const out: string[] = [];
  for (let off = 0; off < p.length; off = itemNext(p, off)) out.push(p.slice(off + 1, off + 1 + p.charCodeAt(off)));
  return out;
}

/** Items (each at most PACKED_MAX_ITEM bytes) packed into one flat string. */
export function packItems(items: readonly string[]): string {
  let s = '';
  for (const it of items) s += String.fromCharCode(it.length) + it;
  return flat(s);
}

/** `p` with one item appended (at most PACKED_MAX_ITEM bytes). */
export function appendItem(p: string, s: string): string {
  return flat(p + String.fromCharCode(s.length) + s);
}
