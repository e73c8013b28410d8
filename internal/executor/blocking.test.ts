// BlockingManager: FIFO per key, serving after the command, timeouts, cancel on disconnect, CLIENT UNBLOCK.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bulk, errorReply, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';
import { BlockingManager } from './blocking.js';

const client = (id: number): Client => new Client(id, `a:${id}`, 'l:1', id, 0, true, () => undefined);

/** A tiny list "store" the waiters pop from. */
function fixture() {
  const list: string[] = [];
  const m = new BlockingManager();
  const pop = (): Reply | null => (list.length > 0 ? bulk(list.shift() as string) : null);
  const push = (...v: string[]): void => {
    list.push(...v);
    m.touched(0, 'k');
    m.serveReady();
  };
  return { list, m, pop, push };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BlockingManager', () => {
  it('serves waiters first come first served, one element each', async () => {
    const { m, pop, push, list } = fixture();
    const a = m.block(client(1), 0, ['k'], 0, pop, () => NULL_ARRAY);
    const b = m.block(client(2), 0, ['k'], 0, pop, () => NULL_ARRAY);
    expect(m.blockedClients).toBe(2);
    push('x', 'y', 'z');
    expect(await a).toEqual(bulk('x'));
    expect(await b).toEqual(bulk('y'));
    expect(list).toEqual(['z']);
    expect(m.blockedClients).toBe(0);
  });

  it('ignores keys nobody waits on and other databases', () => {
    const { m, pop } = fixture();
    void m.block(client(1), 0, ['k'], 0, pop, () => NULL_ARRAY);
    m.touched(1, 'k');
    m.touched(0, 'other');
    expect(m.hasReady).toBe(false);
    m.touched(0, 'k');
    expect(m.hasReady).toBe(true);
  });

  it('times out with the timeout reply', async () => {
    vi.useFakeTimers();
    const { m, pop } = fixture();
    const p = m.block(client(1), 0, ['k'], 250, pop, () => NULL_ARRAY);
    vi.advanceTimersByTime(249);
    expect(m.blockedClients).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await p).toEqual(NULL_ARRAY);
    expect(m.blockedClients).toBe(0);
  });

  it('never hands anything to a cancelled (disconnected) client', async () => {
    const { m, pop, push, list } = fixture();
    const dead = client(1);
    let settled = false;
    void m.block(dead, 0, ['k'], 0, pop, () => NULL_ARRAY).then(() => (settled = true));
    const live = m.block(client(2), 0, ['k'], 0, pop, () => NULL_ARRAY);
    m.cancel(dead);
    push('x');
    expect(await live).toEqual(bulk('x'));
    expect(list).toEqual([]);
    await Promise.resolve();
    expect(settled).toBe(false);
  });

  it('skips clients whose connection is already gone even before cancel', async () => {
    const { m, pop, push, list } = fixture();
    const dead = client(1);
    void m.block(dead, 0, ['k'], 0, pop, () => NULL_ARRAY);
    dead.alive = false;
    push('x');
    expect(list).toEqual(['x']);
    expect(m.blockedClients).toBe(0);
  });

  it('CLIENT UNBLOCK answers with the timeout reply or an error', async () => {
    const { m, pop } = fixture();
    const c1 = client(1);
    const c2 = client(2);
    const p1 = m.block(c1, 0, ['k'], 0, pop, () => NULL_ARRAY);
    const p2 = m.block(c2, 0, ['k'], 0, pop, () => NULL_ARRAY);
    expect(m.unblock(c1)).toBe(true);
    expect(m.unblock(c2, errorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK'))).toBe(true);
    expect(m.unblock(c2)).toBe(false);
    expect(await p1).toEqual(NULL_ARRAY);
    expect(await p2).toEqual(errorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK'));
  });

  it('a waiter on several keys is served once and leaves every queue', async () => {
    const list: string[] = [];
    const m = new BlockingManager();
    const p = m.block(client(1), 0, ['a', 'b'], 0, () => (list.length ? bulk(list.shift() as string) : null), () => NULL_ARRAY);
    list.push('v');
    m.touched(0, 'a');
    m.touched(0, 'b');
    m.serveReady();
    expect(await p).toEqual(bulk('v'));
    m.touched(0, 'b');
    expect(m.hasReady).toBe(false);
  });
});
