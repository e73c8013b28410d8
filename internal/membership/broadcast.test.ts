// Piggyback queue tests: invalidation by member, retransmit limit, byte budget, freshest first.
import { describe, expect, it } from 'vitest';
import { BroadcastQueue } from './broadcast.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('BroadcastQueue', () => {
  it('a newer update about a member replaces the older one', () => {
    const q = new BroadcastQueue(() => 3);
    q.enqueue('n1', b('suspect n1'));
    q.enqueue('n1', b('alive n1'));
    expect(q.take(1000, 10)).toEqual([b('alive n1')]);
  });

  it('sends each update exactly limit times', () => {
    const q = new BroadcastQueue(() => 3);
    q.enqueue('n1', b('x'));
    let sent = 0;
    for (let i = 0; i < 10; i++) sent += q.take(1000, 10).length;
    expect(sent).toBe(3);
    expect(q.size).toBe(0);
  });

  it('respects the byte budget and count, least transmitted and newest first', () => {
    const q = new BroadcastQueue(() => 10);
    q.enqueue('a', Buffer.alloc(600, 1));
    q.enqueue('b', Buffer.alloc(600, 2));
    q.enqueue('c', Buffer.alloc(600, 3));
    const first = q.take(1300, 10);
    expect(first.map((x) => x[0])).toEqual([3, 2]); // newest first, third does not fit
    const second = q.take(1300, 10);
    expect(second[0]?.[0]).toBe(1); // 'a' has been sent least
    expect(q.take(1300, 1)).toHaveLength(1);
    expect(q.take(10, 10)).toEqual([]);
  });
});
