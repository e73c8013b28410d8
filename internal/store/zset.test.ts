// Sorted set structure tests: the rank tree + map against a sorted-array model under thousands of randomized operations.
import { describe, expect, it } from 'vitest';
import { RankTree, type ZNode } from './ranktree.js';
import { emptyLexRange, emptyScoreRange, type LexBound, type LexRange, type ScoreRange, type ZEntry, ZSET_FLAT_MAX_MEMBERS, ZSet } from './zset.js';
import { prng } from '../testing/random.js';

const cmp = (a: ZEntry, b: ZEntry): number => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The obviously-correct model: a Map plus a sorted array rebuilt on demand. */
class Model {
  readonly m = new Map<string, number>();
  sorted(): ZEntry[] {
    return [...this.m.entries()].sort(cmp);
  }
}

const inScore = (v: number, r: ScoreRange): boolean => (r.minex ? v > r.min : v >= r.min) && (r.maxex ? v < r.max : v <= r.max);
function inLex(s: string, r: LexRange): boolean {
  const lo = r.min.kind === '-' ? true : r.min.kind === '+' ? false : r.min.ex ? s > r.min.v : s >= r.min.v;
  const hi = r.max.kind === '+' ? true : r.max.kind === '-' ? false : r.max.ex ? s < r.max.v : s <= r.max.v;
  return lo && hi;
}

describe('RankTree', () => {
  it('keeps order, sizes, separators and leaf links through inserts, rescoring and removals', () => {
    const rand = prng(7);
    const t = new RankTree();
    const nodes = new Map<string, ZNode>();
    for (let i = 0; i < 3000; i++) {
      const member = `m${Math.floor(rand() * 500)}`;
      const node = nodes.get(member);
      const op = rand();
      if (node === undefined) nodes.set(member, t.insert(Math.floor(rand() * 50), member));
      else if (op < 0.5) t.updateScore(node, Math.floor(rand() * 50));
      else {
        t.remove(node);
        nodes.delete(member);
      }
      if (i % 250 === 0) t.check();
    }
    t.check();
    const order = [...nodes.values()].map((n) => [n.member, n.score] as ZEntry).sort(cmp);
    order.forEach(([m], r) => {
      const n = nodes.get(m);
      expect(n && t.rankOf(n)).toBe(r);
      expect(t.at(r)?.member).toBe(m);
    });
    expect(t.at(-1)).toBeNull();
    expect(t.at(order.length)).toBeNull();
  });

  it('stays a valid tree three levels deep: splits on the way up, merges and collapses on the way down', () => {
    const rand = prng(11);
    const t = new RankTree();
    const nodes: ZNode[] = [];
    for (let i = 0; i < 40_000; i++) nodes.push(t.insert(Math.floor(rand() * 1000), `k${i}`));
    t.check();
    const sorted = [...nodes].sort((a, b) => cmp([a.member, a.score], [b.member, b.score]));
    for (const r of [0, 1, 63, 64, 4095, 4096, 20_000, 39_999]) expect(t.at(r)).toBe(sorted[r]);
    expect(t.rankOf(sorted[31_337] as ZNode)).toBe(31_337);
    // Remove in random order down to a handful, checking as the tree shrinks.
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [nodes[i], nodes[j]] = [nodes[j] as ZNode, nodes[i] as ZNode];
    }
    for (let i = 0; i < 39_990; i++) {
      t.remove(nodes[i] as ZNode);
      if (i % 5000 === 0) t.check();
    }
    t.check();
    expect(t.length).toBe(10);
    const rest = nodes.slice(39_990).sort((a, b) => cmp([a.member, a.score], [b.member, b.score]));
    expect([...t.nodes()]).toEqual(rest);
    expect(t.first).toBe(rest[0]);
    expect(t.tail).toBe(rest[9]);
  });

  it('walks ranks both ways across leaves and counts a bound', () => {
    const t = new RankTree();
    for (let i = 0; i < 1000; i++) t.insert(i, `m${String(i).padStart(4, '0')}`);
    const up: number[] = [];
    t.walk(60, 10, false, (n) => up.push(n.score));
    expect(up).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    const down: number[] = [];
    t.walk(70, 10, true, (n) => down.push(n.score));
    expect(down).toEqual([70, 69, 68, 67, 66, 65, 64, 63, 62, 61]);
    const edge: number[] = [];
    t.walk(997, 10, false, (n) => edge.push(n.score));
    expect(edge).toEqual([997, 998, 999]);
    expect(t.countWhile((n) => n.score < 517)).toBe(517);
    expect(t.countWhile(() => false)).toBe(0);
    expect(t.countWhile(() => true)).toBe(1000);
  });

  it('removes rank ranges', () => {
    const t = new RankTree();
    for (let i = 0; i < 200; i++) t.insert(i, `m${String(i).padStart(3, '0')}`);
    const gone: string[] = [];
    expect(t.removeRange(10, 20, (n) => gone.push(n.member))).toBe(10);
    expect(gone).toEqual(Array.from({ length: 10 }, (_, i) => `m0${10 + i}`));
    expect(t.length).toBe(190);
    expect(t.removeRange(185, 500, () => undefined)).toBe(5);
    expect(t.removeRange(5, 5, () => undefined)).toBe(0);
    t.check();
    expect(t.tail?.member).toBe('m194');
  });
});

describe('ZSet against a sorted-array model', () => {
  // Seeds 5 and 6 keep the set around ZSET_FLAT_MAX_MEMBERS (the flat form, then the tree).
  it.each([1, 2, 3, 4, 5, 6])('randomized operations (seed %i)', (seed) => {
    const rand = prng(seed);
    const z = new ZSet(rand);
    const model = new Model();
    const score = (): number => {
      const r = rand();
      if (r < 0.02) return Infinity;
      if (r < 0.04) return -Infinity;
      // Few distinct scores so ties (ordered by member) are common.
      return Math.floor(rand() * 40) - 20 + (rand() < 0.3 ? 0.5 : 0);
    };
    const universe = seed <= 4 ? 400 : seed === 5 ? ZSET_FLAT_MAX_MEMBERS - 4 : ZSET_FLAT_MAX_MEMBERS + 6;
    const member = (): string => `k${Math.floor(rand() * universe)}`;
    for (let step = 0; step < 6000; step++) {
      const op = rand();
      if (op < 0.35) {
        const m = member();
        const s = score();
        const had = model.m.has(m);
        const r = z.add(m, s);
        expect(r.outcome).toBe(had ? (model.m.get(m) === s ? 'unchanged' : 'updated') : 'added');
        model.m.set(m, s);
      } else if (op < 0.45) {
        const m = member();
        const inc = Math.floor(rand() * 5) - 2;
        const cur = model.m.get(m);
        const r = z.add(m, inc, { incr: true });
        const want = (cur ?? 0) + inc;
        if (Number.isNaN(want)) {
          expect(r.outcome).toBe('nan');
        } else {
          expect(r.score).toBe(want);
          model.m.set(m, want === 0 ? 0 : want);
        }
      } else if (op < 0.6) {
        const m = member();
        expect(z.remove(m)).toBe(model.m.delete(m));
      } else if (op < 0.7) {
        const m = member();
        const sorted = model.sorted();
        const idx = sorted.findIndex(([x]) => x === m);
        expect(z.rank(m)).toBe(idx < 0 ? undefined : idx);
        expect(z.rank(m, true)).toBe(idx < 0 ? undefined : sorted.length - 1 - idx);
        expect(z.score(m)).toBe(model.m.get(m));
      } else if (op < 0.8) {
        const a = score();
        const b = score();
        const r: ScoreRange = { min: Math.min(a, b), max: Math.max(a, b), minex: rand() < 0.5, maxex: rand() < 0.5 };
        const want = model.sorted().filter(([, s]) => inScore(s, r));
        const [s, e] = z.scoreSpan(r);
        expect(z.slice(s, e)).toEqual(want);
        expect(z.slice(s, e, true)).toEqual([...want].reverse());
        expect(z.sliceMembers(s, e)).toEqual(want.map(([m]) => m));
      } else if (op < 0.87) {
        const n = model.m.size;
        const a = Math.floor(rand() * (n + 4)) - 2;
        const b = a + Math.floor(rand() * 6);
        expect(z.slice(a, b)).toEqual(model.sorted().slice(Math.max(0, a), Math.max(0, b)));
        expect(z.at(a)).toEqual(a >= 0 ? model.sorted()[a] : undefined);
      } else if (op < 0.92) {
        const n = model.m.size;
        const a = Math.floor(rand() * (n + 1));
        const b = a + Math.floor(rand() * 4);
        const sorted = model.sorted();
        const gone = sorted.slice(a, b);
        expect(z.removeRanks(a, b)).toBe(gone.length);
        for (const [m] of gone) model.m.delete(m);
      } else {
        const max = rand() < 0.5;
        const count = Math.floor(rand() * 4);
        const sorted = model.sorted();
        const want = (max ? [...sorted].reverse() : sorted).slice(0, count);
        expect(z.pop(count, max)).toEqual(want);
        for (const [m] of want) model.m.delete(m);
      }
      expect(z.size).toBe(model.m.size);
      if (step % 500 === 0) z.check();
    }
    z.check();
    expect([...z.entries()]).toEqual(model.sorted());
  });

  it('answers lex ranges exactly when all scores are equal', () => {
    const rand = prng(11);
    const z = new ZSet(rand);
    const members = new Set<string>();
    const letters = 'abcdefgh';
    const word = (): string => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => letters[Math.floor(rand() * letters.length)]).join('');
    for (let i = 0; i < 300; i++) {
      const w = word();
      members.add(w);
      z.add(w, 0);
    }
    const sorted = [...members].sort();
    const bound = (): LexBound => {
      const r = rand();
      if (r < 0.1) return { kind: '-' };
      if (r < 0.2) return { kind: '+' };
      return { kind: 'v', v: word(), ex: rand() < 0.5 };
    };
    for (let i = 0; i < 2000; i++) {
      const r: LexRange = { min: bound(), max: bound() };
      const want = emptyLexRange(r) ? [] : sorted.filter((m) => inLex(m, r));
      const [s, e] = z.lexSpan(r);
      expect(z.sliceMembers(s, e)).toEqual(want);
    }
  });

  it('knows empty ranges', () => {
    expect(emptyScoreRange({ min: 2, max: 1, minex: false, maxex: false })).toBe(true);
    expect(emptyScoreRange({ min: 1, max: 1, minex: false, maxex: false })).toBe(false);
    expect(emptyScoreRange({ min: 1, max: 1, minex: true, maxex: false })).toBe(true);
    expect(emptyLexRange({ min: { kind: '+' }, max: { kind: '-' } })).toBe(true);
    expect(emptyLexRange({ min: { kind: '-' }, max: { kind: '-' } })).toBe(true);
    expect(emptyLexRange({ min: { kind: '-' }, max: { kind: '+' } })).toBe(false);
    expect(emptyLexRange({ min: { kind: 'v', v: 'a', ex: false }, max: { kind: 'v', v: 'a', ex: false } })).toBe(false);
    expect(emptyLexRange({ min: { kind: 'v', v: 'a', ex: true }, max: { kind: 'v', v: 'a', ex: false } })).toBe(true);
  });
});

describe('ZSet flags (zsetAdd)', () => {
  it('NX, XX, GT, LT and INCR', () => {
    const z = new ZSet();
    expect(z.add('a', 5, { xx: true }).outcome).toBe('nop');
    expect(z.size).toBe(0);
    expect(z.add('a', 5, { nx: true })).toEqual({ outcome: 'added', score: 5 });
    expect(z.add('a', 6, { nx: true })).toEqual({ outcome: 'nop', score: 5 });
    expect(z.add('a', 4, { gt: true })).toEqual({ outcome: 'nop', score: 5 });
    expect(z.add('a', 6, { gt: true })).toEqual({ outcome: 'updated', score: 6 });
    expect(z.add('a', 7, { lt: true })).toEqual({ outcome: 'nop', score: 6 });
    expect(z.add('a', 1, { lt: true, xx: true })).toEqual({ outcome: 'updated', score: 1 });
    expect(z.add('b', 1, { gt: true })).toEqual({ outcome: 'added', score: 1 });
    expect(z.add('a', 2, { incr: true })).toEqual({ outcome: 'updated', score: 3 });
    expect(z.add('a', 0, { incr: true })).toEqual({ outcome: 'unchanged', score: 3 });
    expect(z.add('a', -1, { incr: true, gt: true })).toEqual({ outcome: 'nop', score: 3 });
    expect(z.add('a', NaN).outcome).toBe('nan');
    z.add('i', Infinity);
    expect(z.add('i', -Infinity, { incr: true }).outcome).toBe('nan');
    expect(z.score('i')).toBe(Infinity);
    z.add('z', -0);
    expect(Object.is(z.score('z'), 0)).toBe(true);
    z.check();
  });
});

describe('ZSet encoding, memory and copies', () => {
  it('is listpack up to 128 members of up to 64 bytes, then skiplist for good', () => {
    const z = new ZSet();
    for (let i = 0; i < 128; i++) z.add(`m${i}`, i);
    expect(z.encoding()).toBe('listpack');
    z.add('m128', 128);
    expect(z.encoding()).toBe('skiplist');
    z.removeRanks(0, 128);
    expect(z.size).toBe(1);
    expect(z.encoding()).toBe('skiplist');
    const long = new ZSet();
    long.add('x'.repeat(64), 1);
    expect(long.encoding()).toBe('listpack');
    long.add('y'.repeat(65), 1);
    expect(long.encoding()).toBe('skiplist');
  });

  it('tracks byteSize incrementally', () => {
    const z = new ZSet();
    const empty = z.byteSize();
    z.add('abc', 1);
    const one = z.byteSize();
    expect(one).toBeGreaterThan(empty + 3);
    z.add('abc', 2);
    expect(z.byteSize()).toBe(one);
    z.remove('abc');
    expect(z.byteSize()).toBe(empty);
    z.check();
  });

  it('clones deeply, keeping the encoding', () => {
    const z = new ZSet();
    for (let i = 0; i < 200; i++) z.add(`m${i}`, i % 7);
    const c = z.clone();
    c.check();
    expect([...c.entries()]).toEqual([...z.entries()]);
    expect(c.encoding()).toBe('skiplist');
    c.add('m1', 100);
    c.remove('m2');
    expect(z.score('m1')).toBe(1);
    expect(z.has('m2')).toBe(true);
    const small = new ZSet();
    small.add('a', 1);
    expect(small.clone().encoding()).toBe('listpack');
  });
});

describe('ZSet scan', () => {
  it.each([5, 20])('answers a listpack set whole with cursor 0, in (score, member) order as Redis walks its listpack (%i members)', (n) => {
    const z = new ZSet();
    for (let i = 0; i < n; i++) z.add(`m${i}`, n - i);
    const page = z.scan(0, 5, () => true);
    expect(page.cursor).toBe(0);
    expect(page.entries).toEqual(Array.from({ length: n }, (_, i) => [`m${n - 1 - i}`, i + 1]));
  });

  it('returns every member present throughout exactly once, under concurrent changes', () => {
    const rand = prng(5);
    const z = new ZSet(rand);
    for (let i = 0; i < 1000; i++) z.add(`s${i}`, i);
    // s0..s499 stay for the whole iteration (rescored only); the rest come and go.
    const seen = new Map<string, number>();
    let cursor = 0;
    let calls = 0;
    do {
      const page = z.scan(cursor, 1 + Math.floor(rand() * 20), () => true);
      for (const [m] of page.entries) seen.set(m, (seen.get(m) ?? 0) + 1);
      cursor = page.cursor;
      for (let k = 0; k < 5; k++) {
        const i = Math.floor(rand() * 1000);
        if (i < 500) z.add(`s${i}`, rand() * 1000);
        else if (rand() < 0.5) z.remove(`s${i}`);
        else z.add(`n${calls}-${k}`, rand());
      }
      calls++;
    } while (cursor !== 0 && calls < 10_000);
    expect(cursor).toBe(0);
    for (let i = 0; i < 500; i++) expect(seen.get(`s${i}`)).toBe(1);
    for (const n of seen.values()) expect(n).toBe(1);
    z.check();
  });

  it('filters with the accept callback but still bounds the walk by count', () => {
    const z = new ZSet();
    for (let i = 0; i < 300; i++) z.add(`m${i}`, i);
    const page = z.scan(0, 10, (m) => m.endsWith('7'));
    expect(page.cursor).not.toBe(0);
    expect(page.entries.length).toBeLessThanOrEqual(10);
    expect(page.entries.every(([m]) => m.endsWith('7'))).toBe(true);
  });
});

describe('ZSet random picks', () => {
  it('picks distinct members and covers the set', () => {
    const z = new ZSet(prng(9));
    for (let i = 0; i < 50; i++) z.add(`m${i}`, i);
    for (const n of [1, 5, 20, 49]) {
      const picked = z.randomDistinct(n);
      expect(picked).toHaveLength(n);
      expect(new Set(picked.map(([m]) => m)).size).toBe(n);
      for (const [m, s] of picked) expect(z.score(m)).toBe(s);
    }
    expect(z.randomDistinct(60)).toEqual([...z.entries()]);
    const hits = new Set<string>();
    for (let i = 0; i < 2000; i++) hits.add((z.random() as ZEntry)[0]);
    expect(hits.size).toBe(50);
    expect(new ZSet().random()).toBeUndefined();
  });
});

describe('ZSet packed form', () => {
  it('holds binary members and any double, in (score, member) order', () => {
    const z = new ZSet();
    const members = ['\u0000', '\u00ff\u0000a', '', 'b'.repeat(64)];
    const scores = [-1.5e300, Infinity, 0.1 + 0.2, -Infinity];
    for (const [i, m] of members.entries()) z.add(m, scores[i] as number);
    expect(z.encoding()).toBe('listpack');
    const want = members.map((m, i) => [m, scores[i] as number] as const).sort((a, b) => a[1] - b[1]);
    expect([...z.entries()]).toEqual(want);
    for (const [rank, [m, s]] of want.entries()) {
      expect(z.rank(m)).toBe(rank);
      expect(z.score(m)).toBe(s);
      expect(z.at(rank)).toEqual([m, s]);
    }
    z.check();
  });
});
