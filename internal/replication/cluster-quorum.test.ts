// The known-member count behind the minority check: dead members stay counted, members that left do not.
import { describe, expect, it } from 'vitest';
import type { MemberState } from '../membership/types.js';
import { hasMajority, Quorum } from './cluster-quorum.js';

describe('hasMajority', () => {
  it.each([
    [1, 1, true],
    [1, 2, false],
    [2, 3, true],
    [1, 3, false],
    [2, 4, false],
    [3, 5, true],
    [2, 5, false],
  ])('%i of %i -> %s', (visible, known, want) => expect(hasMajority(visible, known)).toBe(want));
});

describe('Quorum', () => {
  const states = new Map<string, MemberState>();
  const stateOf = (id: string): MemberState | undefined => states.get(id);

  it('a node cut off from two peers of three has no majority; the other two have', () => {
    const a = new Quorum();
    expect(a.update(['a'], stateOf)).toBe(true); // alone at start-up: nothing else known yet
    expect(a.update(['a', 'b', 'c'], stateOf)).toBe(true);
    states.set('b', 'dead');
    expect(a.update(['a', 'c'], stateOf)).toBe(true);
    states.set('c', 'dead');
    expect(a.update(['a'], stateOf)).toBe(false);
    // Membership reaps the dead after a while (stateOf answers undefined): still counted.
    states.clear();
    expect(a.update(['a'], stateOf)).toBe(false);
    expect(a.size).toBe(3);
    expect(a.update(['a', 'b', 'c'], stateOf)).toBe(true);
  });

  it('a graceful leave shrinks the cluster: one of two left keeps the survivor in the majority', () => {
    const q = new Quorum();
    q.update(['a', 'b'], stateOf);
    states.set('b', 'left');
    expect(q.update(['a'], stateOf)).toBe(true);
    expect(q.size).toBe(1);
    states.clear();
  });

  it('two of five on one side have no majority, three have', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const minority = new Quorum();
    const majority = new Quorum();
    minority.update(five, stateOf);
    majority.update(five, stateOf);
    expect(minority.update(['a', 'b'], stateOf)).toBe(false);
    expect(majority.update(['c', 'd', 'e'], stateOf)).toBe(true);
  });
});
