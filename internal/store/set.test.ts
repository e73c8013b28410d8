// Set structure tests: integer recognition, randomized comparison against a plain Set model, encodings, random picks and the SSCAN guarantee.
import { describe, expect, it } from 'vitest';
import { compareIntStrings, isInt64String, sampleDistinct, SET_FLAT_MAX_MEMBERS, SET_MAX_INTSET_ENTRIES, SetValue } from './set.js';
import { prng } from '../testing/random.js';

const sortedCopy = (xs: Iterable<string>): string[] => [...xs].sort();

function build(members: readonly string[]): SetValue {
  const s = new SetValue();
  for (const m of members) s.add(m);
  return s;
}

describe('isInt64String (what an intset may hold: Redis string2ll)', () => {
  it.each([
    ['0', true],
    ['1', true],
    ['-1', true],
    ['123456789', true],
    ['9223372036854775807', true],
    ['-9223372036854775808', true],
    ['9223372036854775808', false],
    ['-9223372036854775809', false],
    ['10000000000000000000', false],
    ['99999999999999999999', false],
    ['-0', false],
    ['01', false],
    ['-01', false],
    ['+1', false],
    ['', false],
    ['-', false],
    [' 1', false],
    ['1 ', false],
    ['1a', false],
    ['1.0', false],
    ['1e3', false],
    ['\u00001', false],
  ] as const)('%j -> %s', (s, expected) => {
    expect(isInt64String(s)).toBe(expected);
  });

  it('agrees with a BigInt round-trip on random inputs', () => {
    const rand = prng(7);
    const alphabet = '-0123456789a';
    for (let n = 0; n < 5000; n++) {
      const len = 1 + Math.floor(rand() * 21);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      let expected = false;
      if (/^-?\d+$/.test(s)) {
        const b = BigInt(s);
        expected = b.toString() === s && b <= 9223372036854775807n && b >= -9223372036854775808n;
      }
      expect(isInt64String(s), s).toBe(expected);
    }
  });
});

describe('compareIntStrings', () => {
  it('orders canonical integers numerically, beyond 2^53 too', () => {
    const rand = prng(11);
    const nums: bigint[] = [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, 9007199254740993n, 9007199254740992n];
    for (let i = 0; i < 500; i++) {
      const digits = 1 + Math.floor(rand() * 19);
      const mag = BigInt(Math.floor(rand() * 10 ** Math.min(digits, 15))) * (digits > 15 ? 10n ** BigInt(digits - 15) : 1n);
      nums.push(rand() < 0.5 ? -mag : mag);
    }
    const strs = nums.map(String);
    const bySort = [...strs].sort(compareIntStrings);
    const byBig = [...nums].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    expect(bySort).toEqual(byBig);
  });
});

describe('SetValue against a model', () => {
  // Seeds 6 and 7 keep the set around SET_FLAT_MAX_MEMBERS (the small form, then the indexed one).
  it.each([1, 2, 3, 4, 5, 6, 7])('randomized operations agree with a plain Set (seed %i)', (seed) => {
    const rand = prng(seed);
    const s = new SetValue();
    const model = new Set<string>();
    let converted = false;
    // Mostly integers so the intset encoding is exercised; a few words force the conversion.
    const universe = seed > 5 ? SET_FLAT_MAX_MEMBERS - 12 + seed * 2 : seed % 2 === 0 ? 700 : 300;
    const member = (): string => (rand() < 0.02 * (seed > 5 ? 0.2 : seed) ? `w${Math.floor(rand() * 50)}` : String(Math.floor(rand() * universe) - 50));
    for (let op = 0; op < 6000; op++) {
      const r = rand();
      if (r < 0.55) {
        const m = member();
        expect(s.add(m)).toBe(!model.has(m));
        model.add(m);
        if (!isInt64String(m) || model.size > SET_MAX_INTSET_ENTRIES) converted = true;
      } else if (r < 0.85) {
        const m = member();
        expect(s.delete(m)).toBe(model.has(m));
        model.delete(m);
      } else if (r < 0.95 && model.size > 0) {
        const m = s.popRandom(rand);
        expect(model.has(m)).toBe(true);
        model.delete(m);
      } else {
        const m = member();
        expect(s.has(m)).toBe(model.has(m));
      }
      expect(s.size).toBe(model.size);
      if (op % 97 === 0) {
        expect(sortedCopy(s.members())).toEqual(sortedCopy(model));
        for (let i = 0; i < s.size; i++) expect(model.has(s.at(i))).toBe(true);
        expect(s.encoding()).toBe(converted ? 'hashtable' : 'intset');
        // Incremental byte accounting equals a from-scratch build of the same members.
        const fresh = build([...model]);
        expect(s.byteSize()).toBe(fresh.byteSize());
      }
    }
  });
});

describe('SetValue encodings', () => {
  it('is an intset while every member is an integer and there are at most 512, then a hashtable for good', () => {
    const s = new SetValue();
    for (let i = 0; i < SET_MAX_INTSET_ENTRIES; i++) s.add(String(i));
    expect(s.encoding()).toBe('intset');
    s.add('512');
    expect(s.encoding()).toBe('hashtable');
    s.delete('512');
    s.delete('0');
    expect(s.encoding()).toBe('hashtable');
  });

  it('a non-integer member converts at once, and removing it does not convert back', () => {
    const s = build(['1', '2']);
    expect(s.encoding()).toBe('intset');
    s.add('-0');
    expect(s.encoding()).toBe('hashtable');
    s.delete('-0');
    expect(s.encoding()).toBe('hashtable');
    expect(build(['a']).encoding()).toBe('hashtable');
  });

  it('an intset iterates in numeric order, a hashtable in storage order', () => {
    const s = build(['10', '-3', '9223372036854775807', '2', '-9223372036854775808']);
    expect(s.members()).toEqual(['-9223372036854775808', '-3', '2', '10', '9223372036854775807']);
    s.add('x');
    expect(sortedCopy(s.members())).toEqual(sortedCopy(['10', '-3', '9223372036854775807', '2', '-9223372036854775808', 'x']));
  });

  it('clone is deep and keeps the encoding', () => {
    const a = build(['1', '2', '3']);
    const b = a.clone();
    b.add('x');
    a.delete('1');
    expect(sortedCopy(a.members())).toEqual(['2', '3']);
    expect(sortedCopy(b.members())).toEqual(['1', '2', '3', 'x']);
    expect(a.encoding()).toBe('intset');
    expect(b.encoding()).toBe('hashtable');
    expect(b.clone().encoding()).toBe('hashtable');
  });

  it('is binary safe', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
    const s = build([...all, all.join('')]);
    expect(s.size).toBe(257);
    for (const m of all) expect(s.has(m)).toBe(true);
    expect(s.byteSize()).toBe(build([all.join(''), ...all]).byteSize());
  });
});

describe('random picks', () => {
  it('uses one rand() call per pick and indexes the dense array', () => {
    const s = build(['a', 'b', 'c', 'd']);
    const calls: number[] = [];
    const scripted = (v: number) => () => {
      calls.push(v);
      return v;
    };
    expect(s.randomIndex(scripted(0))).toBe(0);
    expect(s.randomIndex(scripted(0.999999))).toBe(3);
    // A rand() returning 1 (not a valid Math.random value, but a script might) still stays in range.
    expect(s.randomIndex(scripted(1))).toBe(3);
    expect(calls).toHaveLength(3);
  });

  it('popRandom is roughly uniform', () => {
    const rand = prng(99);
    const counts = new Map<string, number>();
    for (let n = 0; n < 20000; n++) {
      const s = build(['a', 'b', 'c', 'd', 'e']);
      const m = s.popRandom(rand);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    for (const c of counts.values()) expect(Math.abs(c - 4000)).toBeLessThan(400);
  });

  it.each([
    [10, 9],
    [10, 1],
    [1000, 5],
    [1000, 400],
    [3, 2],
  ])('sampleDistinct(%i, %i) gives distinct in-range positions', (n, count) => {
    const rand = prng(n * 31 + count);
    for (let round = 0; round < 50; round++) {
      const got = sampleDistinct(n, count, rand);
      expect(got).toHaveLength(count);
      expect(new Set(got).size).toBe(count);
      for (const i of got) expect(i >= 0 && i < n && Number.isInteger(i)).toBe(true);
    }
  });

  it('sampleDistinct covers every position over many draws', () => {
    const rand = prng(5);
    const seen = new Set<number>();
    for (let round = 0; round < 200; round++) for (const i of sampleDistinct(50, 3, rand)) seen.add(i);
    expect(seen.size).toBe(50);
  });
});

describe('SSCAN cursor', () => {
  it('an intset answers everything at once, in numeric order, whatever the cursor and count', () => {
    const s = build(['3', '1', '2']);
    expect(s.scan(0, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
    expect(s.scan(12345, 1)).toEqual({ cursor: 0, members: ['1', '2', '3'] });
    expect(s.scan(0, 10, (m) => m !== '2')).toEqual({ cursor: 0, members: ['1', '3'] });
  });

  it('a hashtable is walked in count-sized steps and every member comes back exactly once when nothing changes', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    const s = build(members);
    const seen: string[] = [];
    let cursor = 0;
    let calls = 0;
    do {
      const r = s.scan(cursor, 7);
      expect(r.members.length).toBeLessThanOrEqual(7);
      seen.push(...r.members);
      cursor = r.cursor;
      calls++;
    } while (cursor !== 0);
    expect(calls).toBe(Math.ceil(1000 / 7));
    expect(sortedCopy(seen)).toEqual(sortedCopy(members));
  });

  it('MATCH filtering still visits count slots', () => {
    const s = build(Array.from({ length: 100 }, (_, i) => `k${i}`));
    const r = s.scan(0, 10, (m) => m.endsWith('7'));
    expect(r.cursor).toBe(90);
    expect(r.members.length).toBeLessThanOrEqual(10);
  });

  // Seeds 9 and 10: a small set (no index).
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('returns every member present for the whole iteration under concurrent adds and removes (seed %i)', (seed) => {
    const rand = prng(seed * 1000);
    const n = seed <= 8 ? 600 : 5;
    const stable = Array.from({ length: n }, (_, i) => `stable${i}`);
    const churn = Array.from({ length: n }, (_, i) => `churn${i}`);
    const s = build([...stable, ...churn.slice(0, n >> 1)]);
    const everPresent = new Set<string>([...stable, ...churn.slice(0, n >> 1)]);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const r = s.scan(cursor, 1 + Math.floor(rand() * (seed <= 8 ? 20 : 2)));
      for (const m of r.members) {
        expect(everPresent.has(m), m).toBe(true);
        seen.add(m);
      }
      cursor = r.cursor;
      // Between calls: churn members come and go (stable ones never leave).
      for (let k = 0; k < (seed <= 8 ? 15 : 2); k++) {
        const m = churn[Math.floor(rand() * churn.length)] as string;
        if (rand() < 0.5) {
          s.add(m);
          everPresent.add(m);
        } else {
          s.delete(m);
        }
      }
      calls++;
      expect(calls).toBeLessThan(10000);
    } while (cursor !== 0);
    for (const m of stable) expect(seen.has(m), m).toBe(true);
  });

  it('a cursor beyond the current size (the set shrank) resumes from the top', () => {
    const s = build(Array.from({ length: 50 }, (_, i) => `x${i}`));
    const first = s.scan(0, 10);
    expect(first.cursor).toBe(40);
    for (let i = 0; i < 45; i++) s.delete(`x${i}`);
    const rest = s.scan(first.cursor, 100);
    expect(rest.cursor).toBe(0);
    // Survivors that had been visited moved down into the unvisited part: returned again, which SCAN allows.
    expect(sortedCopy(new Set([...first.members, ...rest.members].filter((m) => s.has(m))))).toEqual(sortedCopy(s.members()));
  });
});
