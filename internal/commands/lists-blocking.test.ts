// Unit tests for the lists pops across keys and blocking commands: LMPOP, the timeout argument, BLPOP/BRPOP/BLMPOP/BLMOVE/BRPOPLPUSH, via a real Executor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { plain } from '../testing/exec.js';
import type { Client } from '../server/client.js';
import { timeoutArg } from './args.js';
import { useListsExecutor, t, run, journaled, setString, rawAs, block, isPending, WRONGTYPE, SYNTAX, BAD_TIMEOUT, NEG_TIMEOUT } from '../testing/lists-fixtures.js';

useListsExecutor();

describe('LMPOP', () => {
  beforeEach(() => {
    run('RPUSH', 'l', 'a', 'b', 'c');
    journaled();
  });

  it('pops from the first non-empty list, journaled as LPOP/RPOP key n', () => {
    expect(run('LMPOP', '2', 'none', 'l', 'LEFT')).toEqual(['l', ['a']]);
    expect(run('LMPOP', '1', 'l', 'RIGHT', 'COUNT', '5')).toEqual(['l', ['c', 'b']]);
    expect(t.store.db(0).has('l')).toBe(false);
    expect(journaled()).toEqual([
      ['LPOP', 'l', '1'],
      ['RPOP', 'l', '2'],
    ]);
  });

  it('nil array when every list is missing', () => {
    expect(rawAs(t.client, 'LMPOP', '2', 'x', 'y', 'LEFT')).toEqual({ t: 'nullarray' });
    expect(journaled()).toEqual([]);
  });

  it.each([
    [['0', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['-1', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['x', 'l', 'LEFT'], '-ERR numkeys should be greater than 0'],
    [['3', 'l', 'LEFT'], SYNTAX],
    [['1', 'l', 'UP'], SYNTAX],
    [['1', 'l'], "-ERR wrong number of arguments for 'lmpop' command"],
    [['1', 'l', 'LEFT', 'COUNT'], SYNTAX],
    [['1', 'l', 'LEFT', 'COUNT', '0'], '-ERR count should be greater than 0'],
    [['1', 'l', 'LEFT', 'COUNT', 'x'], '-ERR count should be greater than 0'],
    [['1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '2'], SYNTAX],
    [['1', 'l', 'LEFT', 'FOO'], SYNTAX],
  ] as const)('LMPOP %j', (args, err) => {
    expect(run('LMPOP', ...args)).toBe(err);
  });

  it('WRONGTYPE stops the scan at that key', () => {
    setString('s');
    expect(run('LMPOP', '2', 's', 'l', 'LEFT')).toBe(WRONGTYPE);
    expect(run('LMPOP', '2', 'l', 's', 'LEFT')).toEqual(['l', ['a']]);
  });
});

describe('timeout argument', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['0.5', 500],
    ['.25', 250],
    ['+1', 1000],
    // Fractions of a millisecond round up, as Redis's ceill does.
    ['1e-5', 1],
    ['0.0005', 1],
    ['0.0015', 2],
    ['0.001', 1],
    ['0.003', 3],
    // Tiny negatives round up to 0 and wait forever: -0.001 s is -0.99999... ms in long double.
    ['-0.0001', 0],
    ['-0.001', 0],
    ['-0', 0],
    ['0x10', 16000],
    ['2.5e3', 2_500_000],
  ])('%s -> %i ms', (raw, ms) => {
    expect(timeoutArg(raw)).toBe(ms);
  });

  it.each([
    ['abc', BAD_TIMEOUT],
    ['', BAD_TIMEOUT],
    [' 1', BAD_TIMEOUT],
    ['1 ', BAD_TIMEOUT],
    ['nan', BAD_TIMEOUT],
    ['-1', NEG_TIMEOUT],
    ['-0.5', NEG_TIMEOUT],
    ['-0.0011', NEG_TIMEOUT],
    ['inf', NEG_TIMEOUT],
    ['-inf', NEG_TIMEOUT],
    ['1e20', NEG_TIMEOUT],
  ])('%s is rejected', (raw, err) => {
    expect(run('BLPOP', 'k', raw)).toBe(err);
  });
});

describe('blocking commands', () => {
  let c2: Client;
  let c3: Client;
  beforeEach(() => {
    c2 = t.newClient();
    c3 = t.newClient();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serve at once when a list has elements, journaled as the non-blocking form', async () => {
    run('RPUSH', 'a', '1', '2', '3');
    run('RPUSH', 'b', 'x');
    journaled();
    expect(run('BLPOP', 'none', 'a', '0')).toEqual(['a', '1']);
    expect(run('BRPOP', 'a', '0')).toEqual(['a', '3']);
    expect(run('BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0')).toBe('2');
    expect(run('BRPOPLPUSH', 'b', 'c', '0')).toBe('2');
    expect(run('BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '5')).toEqual(['b', ['x']]);
    expect(journaled()).toEqual([
      ['LPOP', 'a'],
      ['RPOP', 'a'],
      ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'b', 'c'],
      ['LPOP', 'b', '1'],
    ]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('WRONGTYPE at once when a key before any non-empty list has another type', () => {
    setString('s');
    run('RPUSH', 'l', 'x');
    expect(run('BLPOP', 'none', 's', 'l', '0')).toBe(WRONGTYPE);
    expect(run('BLPOP', 'l', 's', '0')).toEqual(['l', 'x']);
    expect(run('BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0')).toBe(WRONGTYPE);
    run('RPUSH', 'l', 'y');
    expect(run('BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0')).toBe(WRONGTYPE);
    expect(run('BRPOPLPUSH', 'l', 's', '0')).toBe(WRONGTYPE);
    expect(run('BLMPOP', '0', '2', 's', 'l', 'LEFT')).toBe(WRONGTYPE);
    expect(run('LLEN', 'l')).toBe(1);
  });

  it('argument errors come before blocking, in Redis order', () => {
    expect(run('BLMOVE', 'a', 'b', 'UP', 'LEFT', 'x')).toBe(SYNTAX);
    expect(run('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 'x')).toBe(BAD_TIMEOUT);
    expect(run('BRPOPLPUSH', 'a', 'b', '-1')).toBe(NEG_TIMEOUT);
    // BLMPOP parses numkeys, direction and COUNT before the timeout.
    expect(run('BLMPOP', 'x', '0', 'a', 'LEFT')).toBe('-ERR numkeys should be greater than 0');
    expect(run('BLMPOP', 'x', '1', 'a', 'UP')).toBe(SYNTAX);
    expect(run('BLMPOP', 'x', '1', 'a', 'LEFT')).toBe(BAD_TIMEOUT);
    expect(run('BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0')).toBe('-ERR count should be greater than 0');
    expect(t.server.blockedClients()).toBe(0);
  });

  it('BLPOP is woken by a push from another client; the push and the pop are both journaled', async () => {
    journaled();
    const p = block(c2, 'BLPOP', 'k1', 'k2', '0');
    expect(t.server.blockedClients()).toBe(1);
    expect(await isPending(p)).toBe(true);
    expect(run('RPUSH', 'k2', 'v1', 'v2')).toBe(2);
    expect(plain(await p)).toEqual(['k2', 'v1']);
    expect(run('LRANGE', 'k2', '0', '-1')).toEqual(['v2']);
    expect(journaled()).toEqual([
      ['RPUSH', 'k2', 'v1', 'v2'],
      ['LPOP', 'k2'],
    ]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('waiters are served first come first served, one element each', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    const p2 = block(c3, 'BRPOP', 'k', '0');
    const c4 = t.newClient();
    const p3 = block(c4, 'BLPOP', 'k', '0');
    run('RPUSH', 'k', 'a', 'b');
    expect(plain(await p1)).toEqual(['k', 'a']);
    expect(plain(await p2)).toEqual(['k', 'b']);
    expect(await isPending(p3)).toBe(true);
    expect(t.store.db(0).has('k')).toBe(false);
    run('LPUSH', 'k', 'c');
    expect(plain(await p3)).toEqual(['k', 'c']);
  });

  it('the whole push lands before waiters are served (a multi-element LPUSH)', async () => {
    const p = block(c2, 'BLPOP', 'k', '0');
    run('LPUSH', 'k', 'a', 'b', 'c');
    // LPUSH a b c leaves c at the head: the waiter sees the list after the whole command.
    expect(plain(await p)).toEqual(['k', 'c']);
  });

  it('a key of another type keeps the waiter waiting; a later list serves it', async () => {
    const p = block(c2, 'BLPOP', 'k', '0');
    setString('k');
    expect(await isPending(p)).toBe(true);
    t.store.db(0).delete('k');
    run('RPUSH', 'k', 'v');
    expect(plain(await p)).toEqual(['k', 'v']);
  });

  it('BRPOP, BLMPOP served later journal RPOP key / LPOP key n', async () => {
    journaled();
    const p1 = block(c2, 'BRPOP', 'k', '0');
    const p2 = block(c3, 'BLMPOP', '0', '2', 'x', 'k', 'LEFT', 'COUNT', '2');
    run('RPUSH', 'k', '1', '2', '3', '4');
    expect(plain(await p1)).toEqual(['k', '4']);
    expect(plain(await p2)).toEqual(['k', ['1', '2']]);
    expect(journaled()).toEqual([
      ['RPUSH', 'k', '1', '2', '3', '4'],
      ['RPOP', 'k'],
      ['LPOP', 'k', '2'],
    ]);
  });

  it('BLMOVE served later moves, journaled as LMOVE; its push wakes the next waiter', async () => {
    journaled();
    const p1 = block(c2, 'BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0');
    const p2 = block(c3, 'BLPOP', 'dst', '0');
    run('RPUSH', 'src', 'x');
    expect(plain(await p1)).toBe('x');
    expect(plain(await p2)).toEqual(['dst', 'x']);
    expect(t.store.db(0).has('src')).toBe(false);
    expect(t.store.db(0).has('dst')).toBe(false);
    expect(journaled()).toEqual([
      ['RPUSH', 'src', 'x'],
      ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
      ['LPOP', 'dst'],
    ]);
  });

  it('BRPOPLPUSH served later is journaled as RPOPLPUSH', async () => {
    journaled();
    const p = block(c2, 'BRPOPLPUSH', 'src', 'dst', '0');
    run('RPUSH', 'src', 'a', 'b');
    expect(plain(await p)).toBe('b');
    expect(run('LRANGE', 'dst', '0', '-1')).toEqual(['b']);
    expect(journaled()).toEqual([
      ['RPUSH', 'src', 'a', 'b'],
      ['RPOPLPUSH', 'src', 'dst'],
    ]);
  });

  it('BLMOVE with source = destination rotates once the list appears', async () => {
    const p = block(c2, 'BLMOVE', 'r', 'r', 'LEFT', 'RIGHT', '0');
    run('RPUSH', 'r', '1', '2');
    expect(plain(await p)).toBe('1');
    expect(run('LRANGE', 'r', '0', '-1')).toEqual(['2', '1']);
  });

  it('BLMOVE served later into a destination of another type answers WRONGTYPE and moves nothing', async () => {
    const p = block(c2, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    setString('dst');
    run('RPUSH', 'src', 'a');
    expect(plain(await p)).toBe(WRONGTYPE);
    expect(run('LRANGE', 'src', '0', '-1')).toEqual(['a']);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('times out with a nil array (RESP2 *-1, RESP3 _), fractional seconds', async () => {
    vi.useFakeTimers();
    const p1 = block(c2, 'BLPOP', 'k', '0.25');
    const p2 = block(c3, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '1.5');
    const c4 = t.newClient();
    const p3 = block(c4, 'BLMPOP', '0.1', '1', 'k', 'LEFT');
    vi.advanceTimersByTime(99);
    expect(await isPending(p3)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p3).toEqual({ t: 'nullarray' });
    vi.advanceTimersByTime(149);
    expect(await isPending(p1)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p1).toEqual({ t: 'nullarray' });
    expect(await isPending(p2)).toBe(true);
    vi.advanceTimersByTime(1250);
    expect(await p2).toEqual({ t: 'nullarray' });
    expect(t.server.blockedClients()).toBe(0);
    // Nothing was journaled for the timeouts.
    expect(journaled()).toEqual([]);
  });

  it('timeout 0 waits forever', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BRPOP', 'k', '0');
    vi.advanceTimersByTime(30 * 24 * 3600 * 1000);
    expect(await isPending(p)).toBe(true);
    run('RPUSH', 'k', 'late');
    expect(plain(await p)).toEqual(['k', 'late']);
  });

  it('a timeout longer than a Node timer can hold still fires on time, not at once', async () => {
    vi.useFakeTimers();
    // 3,000,000 s: beyond 2^31-1 ms, which setTimeout would otherwise treat as 1 ms.
    const p = block(c2, 'BLPOP', 'k', '3000000');
    vi.advanceTimersByTime(2 ** 31);
    expect(await isPending(p)).toBe(true);
    vi.advanceTimersByTime(3_000_000_000 - 2 ** 31 - 1);
    expect(await isPending(p)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(await p).toEqual({ t: 'nullarray' });
  });

  it('a long timeout served early leaves no timer behind', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BLPOP', 'k', '3000000');
    run('RPUSH', 'k', 'v');
    expect(plain(await p)).toEqual(['k', 'v']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a long-timeout waiter that disconnects leaves no timer chain behind', async () => {
    vi.useFakeTimers();
    const p = block(c2, 'BLPOP', 'k', '3000000');
    c2.kill();
    vi.advanceTimersByTime(2 ** 31);
    expect(vi.getTimerCount()).toBe(0);
    expect(await isPending(p)).toBe(true);
  });

  it('a client that disconnects while blocked is never handed anything', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    const p2 = block(c3, 'BLPOP', 'k', '0');
    c2.kill();
    expect(t.server.blockedClients()).toBe(1);
    run('RPUSH', 'k', 'a', 'b');
    expect(plain(await p2)).toEqual(['k', 'a']);
    expect(await isPending(p1)).toBe(true);
    expect(run('LRANGE', 'k', '0', '-1')).toEqual(['b']);
  });

  it('CLIENT UNBLOCK ends the wait with the timeout reply or an UNBLOCKED error', async () => {
    const p1 = block(c2, 'BLPOP', 'k', '0');
    expect(t.server.unblockClient(c2.id, false)).toBe(true);
    expect(await p1).toEqual({ t: 'nullarray' });
    const p2 = block(c2, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    expect(t.server.unblockClient(c2.id, true)).toBe(true);
    expect(plain(await p2)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(t.server.unblockClient(c2.id, true)).toBe(false);
    run('RPUSH', 'k', 'v');
    expect(run('LLEN', 'k')).toBe(1);
  });

  it('a client blocked on several keys is served once, from the first non-empty key', async () => {
    const p = block(c2, 'BLPOP', 'a', 'b', 'a', '0');
    run('RPUSH', 'b', 'x');
    expect(plain(await p)).toEqual(['b', 'x']);
    run('RPUSH', 'a', 'y');
    expect(run('LLEN', 'a')).toBe(1);
  });

  it('waits in the database it blocked in', async () => {
    expect(run('RPUSH', 'k', 'db0')).toBe(1);
    c2.db = 3;
    const p = block(c2, 'BLPOP', 'k', '0');
    expect(await isPending(p)).toBe(true);
    const c4 = t.newClient();
    c4.db = 3;
    t.runAs(c4, 'RPUSH', 'k', 'db3');
    expect(plain(await p)).toEqual(['k', 'db3']);
    expect(t.journal.at(-1)).toEqual({ db: 3, argv: ['LPOP', 'k'] });
  });

  it('expired keys are not served', async () => {
    run('RPUSH', 'k', 'old');
    const e = t.store.db(0).peek('k');
    if (e === undefined) throw new Error('no key');
    t.store.db(0).setExpire('k', e, t.clock.now() + 1000);
    t.clock.advance(1000);
    const p = block(c2, 'BLPOP', 'k', '0');
    expect(await isPending(p)).toBe(true);
    run('RPUSH', 'k', 'new');
    expect(plain(await p)).toEqual(['k', 'new']);
  });
});
