// Packed pair strings: binary-safe items up to 255 bytes, listpack order on overwrite and delete, flat results.
import { describe, expect, it } from 'vitest';
import { appendItem, itemAt, itemCount, itemIndex, packItems, unpackItems, PACKED_MAX_ITEM, packedCount, packedDelete, packedField, packedFind, packedOffset, packedPairs, packedSet, packedValue } from './packed-pairs.js';

function build(pairs: readonly (readonly [string, string])[]): string {
  let p = '';
  for (const [f, v] of pairs) p = packedSet(p, f, v).packed;
  return p;
}

describe('packed pairs', () => {
  it('round-trips every byte value and items of 0 and PACKED_MAX_ITEM bytes', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const pairs: [string, string][] = [
      ['', ''],
      [all.slice(0, PACKED_MAX_ITEM), all.slice(1)],
      ['\u0000', '\u00ff'],
      ['f', 'x'.repeat(PACKED_MAX_ITEM)],
    ];
    const p = build(pairs);
    expect(packedCount(p)).toBe(4);
    expect([...packedPairs(p)]).toEqual(pairs);
    for (const [i, [f, v]] of pairs.entries()) {
      const off = packedFind(p, f);
      expect(off).toBe(packedOffset(p, i));
      expect(packedField(p, off)).toBe(f);
      expect(packedValue(p, off)).toBe(v);
    }
    expect(packedFind(p, 'g')).toBe(-1);
    // A field that is a prefix of another, or shares its length, is not confused with it.
    expect(packedFind(build([['ab', '1']]), 'a')).toBe(-1);
    expect(packedFind(build([['ab', '1']]), 'ac')).toBe(-1);
  });

  it('keeps listpack order: an overwrite keeps the place, a new field goes last, a delete closes the gap', () => {
    let p = build([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const r = packedSet(p, 'b', 'two');
    expect(r.added).toBe(false);
    p = r.packed;
    expect(packedSet(p, 'd', '4').added).toBe(true);
    p = packedSet(p, 'd', '4').packed;
    p = packedDelete(p, packedFind(p, 'a'));
    expect([...packedPairs(p)]).toEqual([
      ['b', 'two'],
      ['c', '3'],
      ['d', '4'],
    ]);
    p = packedDelete(packedDelete(packedDelete(p, 0), 0), 0);
    expect(p).toBe('');
    expect(packedCount(p)).toBe(0);
  });
});

describe('packed items', () => {
  it('round-trips binary items of 0 to PACKED_MAX_ITEM bytes, appended or packed at once', () => {
    const items = ['', '\u0000', '\u00ff'.repeat(PACKED_MAX_ITEM), 'a', 'ab'];
    let p = '';
    for (const s of items) p = appendItem(p, s);
    expect(p).toBe(packItems(items));
    expect(itemCount(p)).toBe(items.length);
    expect(unpackItems(p)).toEqual(items);
    for (const [i, s] of items.entries()) {
      expect(itemIndex(p, s)).toBe(i);
      expect(itemAt(p, i)).toBe(s);
    }
    expect(itemIndex(p, 'b')).toBe(-1);
    expect(itemIndex(packItems(['ab']), 'a')).toBe(-1);
    expect(packItems([])).toBe('');
  });
});
