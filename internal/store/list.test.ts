// Unit tests for the packed list: randomized operations checked against a plain-array model.
import { describe, expect, it } from 'vitest';
import { ListValue } from './list.js';
import { PackedList } from './list-packed.js';
import type { ListRep } from './list-rep.js';
import { prng as rng } from '../testing/random.js';

/** The model's LREM: same contract as ListValue.removeMatches. */
function modelRemove(model: string[], v: string, count: number): number {
  const limit = count === 0 ? Infinity : Math.abs(count);
  let removed = 0;
  if (count >= 0) {
    for (let i = 0; i < model.length && removed < limit; ) {
      if (model[i] === v) {
        model.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = model.length - 1; i >= 0 && removed < limit; i--) {
      if (model[i] === v) {
        model.splice(i, 1);
        removed++;
      }
    }
  }
  return removed;
}

/** What the model check drives: ListValue and each representation alike. */
type ModelList = Omit<ListRep, 'capacity' | 'packedBytes' | 'byteSize' | 'clone'> & { toArray(): string[] };

/**
 * Random operations on `l` and on a plain array, compared after every step. Phases of `phase`
 * steps alternate between growing and draining, so buffers both grow and shrink; `onStep` sees
 * the list after each step (capacity checks).
 */
function checkAgainstModel(l: ModelList, seed: number, values: readonly string[], steps: number, phase: number, onStep: () => void = () => undefined): string[] {
  const rand = rng(seed);
  const model: string[] = [];
  const pick = (): string => values[Math.floor(rand() * values.length)] as string;
  for (let step = 0; step < steps; step++) {
    const growing = Math.floor(step / phase) % 2 === 0;
    const r = rand();
    const op = Math.floor(rand() * 10);
    if (r < (growing ? 0.65 : 0.3)) {
      const v = pick();
      if (op < 5) {
        l.pushHead(v);
        model.unshift(v);
      } else {
        l.pushTail(v);
        model.push(v);
      }
    } else if (op < 4) {
      expect(l.popHead()).toBe(model.shift());
    } else if (op < 8) {
      expect(l.popTail()).toBe(model.pop());
    } else if (op === 8 && model.length > 0) {
      const i = Math.floor(rand() * (model.length + 1));
      const v = pick();
      l.insertAt(i, v);
      model.splice(i, 0, v);
    } else if (model.length > 0) {
      const i = Math.floor(rand() * model.length);
      const v = pick();
      l.setAt(i, v);
      model[i] = v;
    }
    // Occasional bulk operations.
    if (step % 97 === 0) {
      const v = pick();
      const count = Math.floor(rand() * 7) - 3;
      expect(l.removeMatches(v, count)).toBe(modelRemove(model, v, count));
    }
    if (step % 389 === 0 && model.length > 2) {
      const left = Math.floor(rand() * (model.length / 3));
      const right = Math.floor(rand() * (model.length / 3));
      l.trim(left, right);
      model.splice(0, left);
      model.splice(model.length - right, right);
    }
    expect(l.size).toBe(model.length);
    if (model.length > 0) {
      expect(l.at(0)).toBe(model[0]);
      expect(l.at(model.length - 1)).toBe(model[model.length - 1]);
      const i = Math.floor(rand() * model.length);
      expect(l.at(i)).toBe(model[i]);
    }
    if (step % 50 === 0) {
      expect(l.toArray()).toEqual(model);
      if (model.length > 0) {
        const a = Math.floor(rand() * model.length);
        const b = a + Math.floor(rand() * (model.length - a));
        expect(l.range(a, b)).toEqual(model.slice(a, b + 1));
      }
    }
    onStep();
  }
  expect(l.toArray()).toEqual(model);
  return model;
}

describe('ListValue', () => {
  it('starts empty', () => {
    const l = new ListValue();
    expect(l.size).toBe(0);
    expect(l.type).toBe('list');
    expect(l.popHead()).toBeUndefined();
    expect(l.popTail()).toBeUndefined();
    expect(l.toArray()).toEqual([]);
    expect(l.encoding()).toBe('listpack');
  });

  it('pushes and pops at both ends', () => {
    const l = new ListValue();
    l.pushTail('b');
    l.pushHead('a');
    l.pushTail('c');
    expect(l.toArray()).toEqual(['a', 'b', 'c']);
    expect(l.at(0)).toBe('a');
    expect(l.at(2)).toBe('c');
    expect(l.popHead()).toBe('a');
    expect(l.popTail()).toBe('c');
    expect(l.popTail()).toBe('b');
    expect(l.size).toBe(0);
  });

  it('wraps around the end of the buffer without growing', () => {
    const l = new ListValue(4);
    for (let round = 0; round < 50; round++) {
      l.pushTail(`a${round}`);
      l.pushTail(`b${round}`);
      expect(l.popHead()).toBe(`a${round}`);
      expect(l.popHead()).toBe(`b${round}`);
    }
    expect(l.capacity).toBe(4);
    // And head-side wrap: pushHead from position 0 lands at the last slot.
    l.pushHead('x');
    l.pushHead('y');
    l.pushTail('z');
    expect(l.toArray()).toEqual(['y', 'x', 'z']);
  });

  it('grows by doubling and shrinks back once drained', () => {
    const l = new ListValue();
    for (let i = 0; i < 1000; i++) l.pushHead(String(i));
    expect(l.capacity).toBe(1024);
    for (let i = 0; i < 990; i++) l.popTail();
    expect(l.size).toBe(10);
    expect(l.capacity).toBeLessThanOrEqual(64);
    expect(l.toArray()).toEqual(['999', '998', '997', '996', '995', '994', '993', '992', '991', '990']);
  });

  it('insertAt shifts the shorter side, including across the wrap point', () => {
    const l = new ListValue(8);
    // Put the head near the end of the buffer so shifts cross the wrap.
    for (let i = 0; i < 6; i++) l.pushTail('_');
    for (let i = 0; i < 6; i++) l.popHead();
    for (const v of ['a', 'b', 'c', 'd']) l.pushTail(v);
    l.insertAt(1, 'x');
    l.insertAt(4, 'y');
    l.insertAt(0, 'h');
    l.insertAt(l.size, 't');
    expect(l.toArray()).toEqual(['h', 'a', 'x', 'b', 'c', 'y', 'd', 't']);
    l.insertAt(4, 'full');
    expect(l.toArray()).toEqual(['h', 'a', 'x', 'b', 'full', 'c', 'y', 'd', 't']);
  });

  it('removeMatches from the head, from the tail, and all', () => {
    const l = ListValue.of(['a', 'b', 'a', 'c', 'a']);
    expect(l.removeMatches('a', 2)).toBe(2);
    expect(l.toArray()).toEqual(['b', 'c', 'a']);
    const m = ListValue.of(['a', 'b', 'a', 'c', 'a']);
    expect(m.removeMatches('a', -2)).toBe(2);
    expect(m.toArray()).toEqual(['a', 'b', 'c']);
    expect(m.removeMatches('a', 0)).toBe(1);
    expect(m.removeMatches('zz', 0)).toBe(0);
    expect(m.toArray()).toEqual(['b', 'c']);
  });

  it('trim drops from both ends', () => {
    const l = ListValue.of(['a', 'b', 'c', 'd', 'e']);
    l.trim(1, 2);
    expect(l.toArray()).toEqual(['b', 'c']);
    l.trim(2, 0);
    expect(l.size).toBe(0);
  });

  it('clone is deep: changes to one do not show in the other', () => {
    const l = ListValue.of(['a', 'b']);
    const c = l.clone();
    c.pushTail('c');
    l.setAt(0, 'z');
    expect(l.toArray()).toEqual(['z', 'b']);
    expect(c.toArray()).toEqual(['a', 'b', 'c']);
    expect(c.byteSize()).toBeGreaterThan(0);
  });

  it('reports listpack up to 8 KB and quicklist beyond, with hysteresis on the way back', () => {
    const l = new ListValue();
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 8; i++) l.pushTail(big);
    expect(l.encoding()).toBe('listpack');
    l.pushTail(big);
    expect(l.encoding()).toBe('quicklist');
    // Below the limit but above half of it: stays a quicklist.
    l.popTail();
    l.popTail();
    expect(l.encoding()).toBe('quicklist');
    while (l.size > 4) l.popTail();
    expect(l.encoding()).toBe('listpack');
    // Many tiny elements also convert once their listpack would exceed 8 KB.
    const small = new ListValue();
    for (let i = 0; i < 2000; i++) small.pushTail('a');
    expect(small.encoding()).toBe('listpack');
    for (let i = 0; i < 1000; i++) small.pushTail('a');
    expect(small.encoding()).toBe('quicklist');
  });

  it('byteSize follows content and capacity', () => {
    const l = new ListValue();
    const empty = l.byteSize();
    l.pushTail('x'.repeat(100));
    expect(l.byteSize()).toBeGreaterThanOrEqual(empty + 100);
    l.setAt(0, 'y');
    expect(l.byteSize()).toBeLessThan(empty + 100);
    l.popHead();
    expect(l.byteSize()).toBe(empty);
  });

  it('keeps every byte value, short and long elements, through head-only and tail-only growth', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const values = [all, all.slice(0, 5), all.slice(200, 221), '', all.slice(250) + all];
    const l = new ListValue();
    for (let i = 0; i < 3000; i++) l.pushHead(values[i % values.length] as string);
    for (let i = 0; i < 3000; i++) l.pushTail(values[i % values.length] as string);
    expect(l.size).toBe(6000);
    expect(l.at(0)).toBe(values[2999 % values.length]);
    expect(l.at(2999)).toBe(values[0]);
    expect(l.at(3000)).toBe(values[0]);
    expect(l.at(5999)).toBe(values[2999 % values.length]);
    for (let i = 0; i < 3000; i++) expect(l.popTail()).toBe(values[(2999 - i) % values.length]);
    for (let i = 0; i < 3000; i++) expect(l.popHead()).toBe(values[(2999 - i) % values.length]);
    expect(l.size).toBe(0);
    expect(l.byteSize()).toBe(new ListValue().byteSize());
  });

  it('gives arena memory back as a big list drains, and replaces same-length elements in place', () => {
    const l = new ListValue();
    for (let i = 0; i < 20000; i++) l.pushTail('x'.repeat(50));
    const full = l.byteSize();
    expect(full).toBeGreaterThan(20000 * 50);
    for (let i = 0; i < 19990; i++) l.popHead();
    expect(l.byteSize()).toBeLessThan(full / 50);
    l.setAt(3, 'y'.repeat(50));
    l.setAt(4, 'short');
    expect(l.toArray()).toEqual(['x', 'x', 'x', 'y', 's', 'x', 'x', 'x', 'x', 'x'].map((c, i) => (i === 4 ? 'short' : c.repeat(50))));
  });

  it.each([1, 2, 3, 4, 5])('matches an array model under random operations (seed %i)', (seed) => {
    const l = new ListValue();
    let maxCap = 0;
    let shrunk = false;
    const model = checkAgainstModel(l, seed, ['a', 'b', 'c', '', 'x'.repeat(70), '\u0000\u00ff'], 6000, 1000, () => {
      if (l.capacity < maxCap) shrunk = true;
      maxCap = Math.max(maxCap, l.capacity);
      expect(l.capacity).toBeGreaterThanOrEqual(l.size);
    });
    expect(l.clone().toArray()).toEqual(model);
    expect(maxCap).toBeGreaterThan(64);
    expect(shrunk).toBe(true);
    // byteSize counts the arena: at least the content, at most a small multiple of it (the arena
    // doubles when full and shrinks once at most an eighth is used).
    const content = model.reduce((n, v) => n + v.length, 0);
    const base = new ListValue().byteSize() - new ListValue().capacity * 8;
    expect(l.byteSize() - l.capacity * 8).toBeGreaterThanOrEqual(base - 64 + content);
    expect(l.byteSize() - l.capacity * 8).toBeLessThanOrEqual(base + 8 * content + 16 * model.length);
  });
});

describe('PackedList (the big-list representation on its own, never converted)', () => {
  it.each([11, 12, 13])('matches an array model under random operations (seed %i)', (seed) => {
    const l = new PackedList();
    const model = checkAgainstModel(l, seed, ['a', 'bb', '', 'x'.repeat(30), '\u0000\u00ff\r\n', 'y'.repeat(300)], 4000, 800);
    expect(l.clone().toArray()).toEqual(model);
    l.trim(0, l.size);
    expect(l.size).toBe(0);
    expect(l.byteSize()).toBe(new PackedList().byteSize());
  });
});
