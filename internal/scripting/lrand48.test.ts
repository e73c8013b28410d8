// lrand48 against the values Redis 7.0's rand.c (compiled and run) gives for its default state and after srand48.
import { describe, expect, it } from 'vitest';
import { Lrand48 } from './lrand48.js';

describe('Lrand48', () => {
  it('starts where lrand48 starts without a seed', () => {
    const r = new Lrand48();
    expect([r.next(), r.next(), r.next()]).toEqual([851401618, 1804928587, 758783491]);
  });
  it('srand48(0) gives the documented sequence', () => {
    const r = new Lrand48();
    r.seed(0);
    expect([r.next(), r.next()]).toEqual([366850414, 1610402240]);
    r.seed(-5);
    expect(r.next()).toBe(1754100061);
  });
});
