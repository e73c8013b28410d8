// Hash structure tests: randomized comparison against a Map model (values, listpack order, encodings, bytes), random picks and the HSCAN guarantee.
import { describe, expect, it } from 'vitest';
import { HASH_FLAT_MAX_FIELDS, HASH_MAX_LISTPACK_ENTRIES, HASH_MAX_LISTPACK_VALUE, HashValue } from './hash.js';
import { prng } from '../testing/random.js';

function build(pairs: readonly (readonly [string, string])[]): HashValue {
  const h = new HashValue();
  for (const [f, v] of pairs) h.set(f, v);
  return h;
}

const pairsOf = (h: HashValue): [string, string][] => [...h.entries()].map(([f, s]) => [f, s.v]);

describe('HashValue against a model', () => {
  // Seeds 7 and 8 keep the hash around HASH_FLAT_MAX_FIELDS (flat form, then the map form).
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('randomized operations agree with a Map, order included (seed %i)', (seed) => {
    const rand = prng(seed);
    const h = new HashValue();
    // A JS Map has a listpack's order rules: overwrite keeps the place, delete closes the gap.
    const model = new Map<string, string>();
    let converted = false;
    const universe = seed <= 3 ? 200 : seed <= 6 ? 800 : seed === 7 ? HASH_FLAT_MAX_FIELDS - 2 : HASH_FLAT_MAX_FIELDS + 6;
    const field = (): string => `f${Math.floor(rand() * universe)}`;
    const value = (): string => (rand() < 0.003 ? 'v'.repeat(65) : `v${Math.floor(rand() * 1e6)}`);
    for (let op = 0; op < 6000; op++) {
      const r = rand();
      if (r < 0.55) {
        const f = field();
        const v = value();
        expect(h.set(f, v)).toBe(!model.has(f));
        model.set(f, v);
        if (v.length > HASH_MAX_LISTPACK_VALUE || model.size > HASH_MAX_LISTPACK_ENTRIES) converted = true;
      } else if (r < 0.85) {
        const f = field();
        expect(h.delete(f)).toBe(model.has(f));
        model.delete(f);
      } else if (r < 0.95 && model.size > 0) {
        const i = h.randomIndex(rand);
        expect(h.valueAt(i)).toBe(model.get(h.fieldAt(i)));
      } else {
        const f = field();
        expect(h.get(f)).toBe(model.get(f));
        expect(h.has(f)).toBe(model.has(f));
      }
      expect(h.size).toBe(model.size);
      if (op % 89 === 0) {
        expect(pairsOf(h)).toEqual([...model.entries()]);
        expect([...h.keys()]).toEqual([...model.keys()]);
        expect(h.encoding()).toBe(converted ? 'hashtable' : 'listpack');
        for (let i = 0; i < h.size; i++) expect(model.get(h.fieldAt(i))).toBe(h.valueAt(i));
        // Incremental byte accounting equals a from-scratch build of the same pairs.
        expect(h.byteSize()).toBe(build([...model.entries()]).byteSize());
      }
    }
  });
});

describe('HashValue encodings', () => {
  it('is a listpack up to 512 fields, then a hashtable for good', () => {
    const h = new HashValue();
    for (let i = 0; i < HASH_MAX_LISTPACK_ENTRIES; i++) h.set(`f${i}`, 'v');
    expect(h.encoding()).toBe('listpack');
    h.set('f0', 'overwrite');
    expect(h.encoding()).toBe('listpack');
    h.set('one-more', 'v');
    expect(h.encoding()).toBe('hashtable');
    h.delete('one-more');
    h.delete('f1');
    expect(h.encoding()).toBe('hashtable');
  });

  it.each([
    ['a 65-byte field', 'f'.repeat(65), 'v'],
    ['a 65-byte value', 'f', 'v'.repeat(65)],
  ])('%s converts at once', (_what, f, v) => {
    const h = build([['a', '1']]);
    h.set(f, v);
    expect(h.encoding()).toBe('hashtable');
    h.delete(f);
    expect(h.encoding()).toBe('hashtable');
  });

  it('64 bytes still fit a listpack, and overwriting a value with a long one converts', () => {
    const h = build([['f'.repeat(64), 'v'.repeat(64)]]);
    expect(h.encoding()).toBe('listpack');
    h.set('f'.repeat(64), 'v'.repeat(65));
    expect(h.encoding()).toBe('hashtable');
  });

  it('clone is deep and keeps order and encoding', () => {
    const a = build([
      ['x', '1'],
      ['y', '2'],
      ['z', '3'],
    ]);
    const b = a.clone();
    b.set('x', 'changed');
    b.set('w', 'v'.repeat(100));
    a.delete('y');
    expect(pairsOf(a)).toEqual([
      ['x', '1'],
      ['z', '3'],
    ]);
    expect(pairsOf(b)).toEqual([
      ['x', 'changed'],
      ['y', '2'],
      ['z', '3'],
      ['w', 'v'.repeat(100)],
    ]);
    expect(a.encoding()).toBe('listpack');
    expect(b.encoding()).toBe('hashtable');
    expect(b.clone().byteSize()).toBe(b.byteSize());
  });

  it('is binary safe in fields and values', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
    const h = build(all.map((c) => [c, c + '\r\n' + c] as const));
    expect(h.size).toBe(256);
    for (const c of all) expect(h.get(c)).toBe(c + '\r\n' + c);
  });
});

describe('HSCAN cursor', () => {
  it('a listpack answers everything at once, in insertion order, whatever the cursor and count', () => {
    const h = build([
      ['b', '1'],
      ['a', '2'],
      ['c', '3'],
    ]);
    expect(h.scan(0, 1)).toEqual({ cursor: 0, items: ['b', '1', 'a', '2', 'c', '3'] });
    expect(h.scan(99, 1, (f) => f !== 'a')).toEqual({ cursor: 0, items: ['b', '1', 'c', '3'] });
  });

  it('a hashtable is walked in count-sized steps; unchanged, every pair comes back exactly once', () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => [`f${i}`, `v${i}`] as const);
    const h = build(pairs);
    expect(h.encoding()).toBe('hashtable');
    const seen = new Map<string, string>();
    let cursor = 0;
    do {
      const r = h.scan(cursor, 13);
      expect(r.items.length).toBeLessThanOrEqual(26);
      for (let i = 0; i < r.items.length; i += 2) {
        expect(seen.has(r.items[i] as string)).toBe(false);
        seen.set(r.items[i] as string, r.items[i + 1] as string);
      }
      cursor = r.cursor;
    } while (cursor !== 0);
    expect(seen).toEqual(new Map(pairs));
  });

  // Seeds 9 and 10: a flat hash (few fields) that a long value made a hashtable.
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('returns every field present for the whole iteration under concurrent sets and deletes (seed %i)', (seed) => {
    const rand = prng(seed * 77);
    const n = seed <= 8 ? 700 : 6;
    const stable = Array.from({ length: n }, (_, i) => `stable${i}`);
    const churn = Array.from({ length: n }, (_, i) => `churn${i}`);
    const h = build([...stable, ...churn.slice(0, n >> 1)].map((f) => [f, 'v'] as const));
    if (seed > 8) h.set('churn0', 'v'.repeat(HASH_MAX_LISTPACK_VALUE + 1));
    expect(h.encoding()).toBe('hashtable');
    const everPresent = new Set<string>([...stable, ...churn.slice(0, n >> 1)]);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const r = h.scan(cursor, 1 + Math.floor(rand() * (seed <= 8 ? 25 : 2)), (f) => !f.startsWith('stable1'));
      for (let i = 0; i < r.items.length; i += 2) {
        const f = r.items[i] as string;
        expect(everPresent.has(f), f).toBe(true);
        expect(f.startsWith('stable1')).toBe(false);
        seen.add(f);
      }
      cursor = r.cursor;
      for (let k = 0; k < (seed <= 8 ? 20 : 2); k++) {
        const f = churn[Math.floor(rand() * churn.length)] as string;
        if (rand() < 0.5) {
          h.set(f, String(k));
          everPresent.add(f);
        } else {
          h.delete(f);
        }
      }
      calls++;
      expect(calls).toBeLessThan(10000);
    } while (cursor !== 0);
    for (const f of stable) if (!f.startsWith('stable1')) expect(seen.has(f), f).toBe(true);
  });
});
