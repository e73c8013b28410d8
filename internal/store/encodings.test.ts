// Encoding thresholds: the list size rule table, and every collection following its store's limits (on write, on adoption, never back).
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENCODING_LIMITS, encodingLimitsFrom, listExceeds, listFitsBack } from './encodings.js';
import { HashValue } from './hash.js';
import { ListValue } from './list.js';
import { SetValue } from './set.js';
import { Store } from './store.js';
import { StreamValue } from './stream.js';
import { ZSet } from './zset.js';

function store(): Store {
  return new Store(2, () => 1_000, { maxmemory: 0, policy: 'noeviction', samples: 5, lfuLogFactor: 10, lfuDecayTime: 1 });
}

describe('list-max-listpack-size (Redis 7.2 quicklistNodeExceedsLimit / listTypeTryConvertQuicklist)', () => {
  it.each<[number, number, number, boolean]>([
    [-1, 4096, 1, false],
    [-1, 4097, 1, true],
    [-2, 8192, 1000, false],
    [-2, 8193, 1, true],
    [-3, 16384, 1, false],
    [-4, 32769, 1, true],
    [-5, 65536, 1, false],
    [-6, 65537, 1, true], // below -5 means -5
    [-2147483648, 65537, 1, true],
    [5, 100, 5, false],
    [5, 100, 6, true],
    [0, 10, 1, false], // 0 means one entry per node
    [0, 10, 2, true],
    [1000, 8193, 10, true], // a count limit still stops at 8 KB
  ])('fill %i: %i bytes, %i entries -> exceeds %s', (fill, bytes, count, exceeds) => {
    expect(listExceeds(fill, bytes, count)).toBe(exceeds);
  });

  it('converts back at half the limit', () => {
    expect(listFitsBack(-2, 4096, 1)).toBe(true);
    expect(listFitsBack(-2, 4097, 1)).toBe(false);
    expect(listFitsBack(10, 100, 5)).toBe(true);
    expect(listFitsBack(10, 100, 6)).toBe(false);
  });
});

describe('collections follow the store they are stored in', () => {
  it('hash: entries and value length from the store, checked on each write, never converting back', () => {
    const s = store();
    s.setEncodingLimits({ hashMaxListpackEntries: 2, hashMaxListpackValue: 4 });
    const h = new HashValue();
    s.db(0).set('h', h);
    h.set('a', '1');
    h.set('b', '2');
    expect(h.encoding()).toBe('listpack');
    h.set('c', '3');
    expect(h.encoding()).toBe('hashtable');
    h.delete('c');
    expect(h.encoding()).toBe('hashtable');
    const long = new HashValue();
    s.db(0).set('l', long);
    long.set('f', '12345');
    expect(long.encoding()).toBe('hashtable');
  });

  it('a threshold raised later lets new values stay compact; lowering it converts a value on its next write only', () => {
    const s = store();
    s.setEncodingLimits({ setMaxIntsetEntries: 3 });
    const a = new SetValue();
    s.db(0).set('a', a);
    for (const m of ['1', '2', '3']) a.add(m);
    expect(a.encoding()).toBe('intset');
    s.setEncodingLimits({ setMaxIntsetEntries: 1 });
    expect(a.encoding()).toBe('intset');
    a.add('4');
    expect(a.encoding()).toBe('hashtable');
  });

  it('a value built outside the keyspace is decided by the store it lands in (SINTERSTORE, loading)', () => {
    const s = store();
    s.setEncodingLimits({ setMaxIntsetEntries: 1000, zsetMaxListpackEntries: 0, hashMaxListpackValue: 100 });
    const ints = new SetValue();
    for (let i = 0; i < 600; i++) ints.add(String(i));
    expect(ints.encoding()).toBe('hashtable'); // under the defaults (512)
    s.db(0).set('ints', ints);
    expect(ints.encoding()).toBe('intset');
    expect(ints.members().slice(0, 3)).toEqual(['0', '1', '2']);
    const z = new ZSet();
    z.add('m', 1);
    s.db(0).set('z', z);
    expect(z.encoding()).toBe('skiplist');
    const h = new HashValue();
    h.set('f', 'x'.repeat(80));
    expect(h.encoding()).toBe('hashtable');
    s.db(0).set('h', h);
    expect(h.encoding()).toBe('listpack');
  });

  it('a stored value keeps its representation when moved or copied (a clone carries its limits)', () => {
    const s = store();
    s.setEncodingLimits({ hashMaxListpackValue: 4 });
    const h = new HashValue();
    s.db(0).set('h', h);
    h.set('f', '123456');
    h.set('f', '1');
    expect(h.encoding()).toBe('hashtable');
    s.db(1).set('moved', h);
    expect(h.encoding()).toBe('hashtable');
    const copy = h.clone();
    s.db(0).set('copy', copy);
    expect(copy.encoding()).toBe('hashtable');
  });

  it('zset: entries and member length', () => {
    const s = store();
    s.setEncodingLimits({ zsetMaxListpackEntries: 1, zsetMaxListpackValue: 3 });
    const z = new ZSet();
    s.db(0).set('z', z);
    z.add('abc', 1);
    expect(z.encoding()).toBe('listpack');
    z.add('d', 2);
    expect(z.encoding()).toBe('skiplist');
    const w = new ZSet();
    s.db(0).set('w', w);
    w.add('abcd', 1);
    expect(w.encoding()).toBe('skiplist');
  });

  it('list: a count limit switches representation past that many entries, and back at half', () => {
    const s = store();
    s.setEncodingLimits({ listMaxListpackSize: 4 });
    const l = new ListValue();
    s.db(0).set('l', l);
    for (const v of ['a', 'b', 'c', 'd']) l.pushTail(v);
    expect(l.encoding()).toBe('listpack');
    l.pushTail('e');
    expect(l.encoding()).toBe('quicklist');
    l.popHead();
    l.popHead();
    expect(l.encoding()).toBe('quicklist');
    l.popHead();
    expect(l.encoding()).toBe('listpack');
    expect(l.toArray()).toEqual(['d', 'e']);
  });

  it('stream: node size follows stream-node-max-entries and -bytes (0 = no limit)', () => {
    const s = store();
    s.setEncodingLimits({ streamNodeMaxEntries: 2 });
    const st = new StreamValue();
    s.db(0).set('s', st);
    for (let i = 1n; i <= 5n; i++) st.append(i << 64n, ['f', 'v']);
    expect(st.entries.leafCount).toBe(3);
    s.setEncodingLimits({ streamNodeMaxEntries: 0, streamNodeMaxBytes: 0 });
    const big = new StreamValue();
    s.db(0).set('b', big);
    for (let i = 1n; i <= 500n; i++) big.append(i << 64n, ['field', 'value']);
    expect(big.entries.leafCount).toBe(1);
  });

  it('encodingLimitsFrom reads each threshold by its parameter', () => {
    const values: Record<string, number> = { list_max_listpack_size: 7, set_max_intset_entries: 9 };
    const l = encodingLimitsFrom((p) => values[p] ?? 1);
    expect(l.listMaxListpackSize).toBe(7);
    expect(l.setMaxIntsetEntries).toBe(9);
    expect(l.hashMaxListpackEntries).toBe(1);
    expect(Object.keys(l).sort()).toEqual(Object.keys(DEFAULT_ENCODING_LIMITS).sort());
  });
});
