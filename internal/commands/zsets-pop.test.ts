// Unit tests for the sorted sets pops: ZPOPMIN/ZPOPMAX, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP, via a real Executor.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeToBuffer } from '../resp/encoder.js';
import { useZsetExecutor, t, run, wire, journal, WRONGTYPE, SYNTAX, POSITIVE } from '../testing/zsets-fixtures.js';

useZsetExecutor();

describe('ZPOPMIN ZPOPMAX ZMPOP', () => {
  beforeEach(() => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    journal();
  });

  it('pops from either end with the Redis reply shapes', () => {
    expect(wire(2, 'ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(wire(3, 'ZPOPMIN', 'z')).toBe('*2\r\n$1\r\nb\r\n,2\r\n');
    expect(wire(2, 'ZPOPMAX', 'z', '1')).toBe('*2\r\n$1\r\ne\r\n$1\r\n5\r\n');
    expect(wire(3, 'ZPOPMAX', 'z', '1')).toBe('*1\r\n*2\r\n$1\r\nd\r\n,4\r\n');
    expect(run('ZPOPMAX', 'z', '0')).toEqual([]);
    expect(run('ZPOPMAX', 'z', '10')).toEqual(['c', 3]);
    expect(run('EXISTS', 'z')).toBe(0);
    expect(run('ZPOPMIN', 'z')).toEqual([]);
    expect(run('ZPOPMIN', 'z', '3')).toEqual([]);
    expect(journal()).toEqual([
      ['ZPOPMIN', 'z'],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMAX', 'z', '1'],
      ['ZPOPMAX', 'z', '10'],
    ]);
  });

  it('count errors', () => {
    expect(run('ZPOPMIN', 'z', '-1')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'z', 'a')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'nokey', '-1')).toBe(POSITIVE);
    expect(run('ZPOPMIN', 'z', '1', '2')).toBe(SYNTAX);
  });

  it('ZMPOP pops from the first non-empty key and journals a ZPOP with count', () => {
    expect(run('ZMPOP', '2', 'nokey', 'z', 'MIN')).toEqual(['z', [['a', 1]]]);
    expect(run('ZMPOP', '1', 'z', 'max', 'COUNT', '2')).toEqual(['z', [['e', 5], ['d', 4]]]);
    expect(wire(2, 'ZMPOP', '1', 'z', 'MIN')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(wire(3, 'ZMPOP', '1', 'z', 'MIN', 'COUNT', '9')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n');
    expect(wire(2, 'ZMPOP', '1', 'z', 'MIN')).toBe('*-1\r\n');
    expect(wire(3, 'ZMPOP', '1', 'z', 'MIN')).toBe('_\r\n');
    expect(journal()).toEqual([
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMAX', 'z', '2'],
      ['ZPOPMIN', 'z', '1'],
      ['ZPOPMIN', 'z', '9'],
    ]);
  });

  it.each([
    [['0', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['-1', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['a', 'z', 'MIN'], '-ERR numkeys should be greater than 0'],
    [['1', 'z', 'foo'], SYNTAX],
    [['2', 'z', 'MIN'], SYNTAX],
    [['1', 'z', 'MIN', 'COUNT', '0'], '-ERR count should be greater than 0'],
    [['1', 'z', 'MIN', 'COUNT', '-1'], '-ERR count should be greater than 0'],
    [['1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2'], SYNTAX],
    [['1', 'z', 'MIN', 'COUNT'], SYNTAX],
    [['1', 'z', 'MIN', 'foo', '1'], SYNTAX],
  ] as const)('ZMPOP %j -> %s', (args, err) => {
    expect(run('ZMPOP', ...args)).toBe(err);
  });

  it('ZMPOP checks types in key order', () => {
    run('SET', 's', 'x');
    expect(run('ZMPOP', '2', 'nokey', 's', 'MIN')).toBe(WRONGTYPE);
    expect(run('ZMPOP', '2', 'z', 's', 'MIN')).toEqual(['z', [['a', 1]]]);
  });
});

describe('blocking pops', () => {
  it('serve immediately when data is there, journaled as the plain pop', async () => {
    run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    journal();
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'nokey', 'z', '0')).toEqual(['z', 'a', 1]);
    expect(await t.runAsync(t.client, 'BZPOPMAX', 'z', '0')).toEqual(['z', 'c', 3]);
    expect(await t.runAsync(t.client, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5')).toEqual(['z', [['b', 2]]]);
    expect(journal()).toEqual([['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', '5']]);
    t.client.proto = 3;
    run('ZADD', 'z', '1', 'a');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'z', '0')).toEqual(['z', 'a', 1]);
  });

  it('BZPOPMIN blocks until a ZADD on another client, which it then pops', async () => {
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k1', 'k2', '0');
    expect(t.server.blockedClients()).toBe(1);
    journal();
    expect(run('ZADD', 'k2', '5', 'x', '6', 'y')).toBe(2);
    expect(await p).toEqual(['k2', 'x', 5]);
    expect(t.server.blockedClients()).toBe(0);
    expect(run('ZRANGE', 'k2', '0', '-1')).toEqual(['y']);
    // The push and the served pop are journaled in order, the pop as a plain ZPOPMIN.
    expect(journal()).toEqual([['ZADD', 'k2', '5', 'x', '6', 'y'], ['ZPOPMIN', 'k2']]);
  });

  it('BZMPOP serves the count from the key that got data, nested pairs', async () => {
    const waiter = t.newClient();
    waiter.proto = 3;
    const p = t.runAsync(waiter, 'BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2');
    run('ZADD', 'b', '1', 'x', '2', 'y', '3', 'z');
    expect(await p).toEqual(['b', [['z', 3], ['y', 2]]]);
    expect(journal().slice(-1)).toEqual([['ZPOPMAX', 'b', '2']]);
  });

  it('serves waiters first come first served and deletes the emptied key', async () => {
    const [c1, c2, c3] = [t.newClient(), t.newClient(), t.newClient()];
    const p1 = t.runAsync(c1, 'BZPOPMIN', 'k', '0');
    const p2 = t.runAsync(c2, 'BZPOPMAX', 'k', '0');
    const p3 = t.runAsync(c3, 'BZPOPMIN', 'k', '0');
    run('ZADD', 'k', '1', 'a', '2', 'b');
    expect(await p1).toEqual(['k', 'a', 1]);
    expect(await p2).toEqual(['k', 'b', 2]);
    expect(t.server.blockedClients()).toBe(1);
    expect(run('EXISTS', 'k')).toBe(0);
    run('ZADD', 'k', '3', 'c');
    expect(await p3).toEqual(['k', 'c', 3]);
  });

  it('keeps waiting while the key holds another type', async () => {
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k', '0');
    run('SET', 'k', 'str');
    expect(t.server.blockedClients()).toBe(1);
    run('DEL', 'k');
    run('ZADD', 'k', '1', 'a');
    expect(await p).toEqual(['k', 'a', 1]);
  });

  it('times out with a null array after the fractional timeout', async () => {
    vi.useFakeTimers();
    const waiter = t.newClient();
    const p = t.executor.execute(waiter, ['BZPOPMIN', 'k', '1.5']);
    vi.advanceTimersByTime(1499);
    expect(t.server.blockedClients()).toBe(1);
    vi.advanceTimersByTime(1);
    const r = await p;
    expect(encodeToBuffer(r, 2).toString()).toBe('*-1\r\n');
    expect(encodeToBuffer(r, 3).toString()).toBe('_\r\n');
    const q = t.runAsync(waiter, 'BZMPOP', '0.01', '1', 'k', 'MIN');
    vi.advanceTimersByTime(10);
    expect(await q).toBeNull();
    expect(t.server.blockedClients()).toBe(0);
  });

  it('rounds fractional milliseconds up; a tiny negative timeout waits forever', async () => {
    vi.useFakeTimers();
    const waiter = t.newClient();
    const p = t.runAsync(waiter, 'BZPOPMIN', 'k', '0.0001');
    vi.advanceTimersByTime(1);
    expect(await p).toBeNull();
    const q = t.runAsync(waiter, 'BZPOPMAX', 'k', '-0.0001');
    vi.advanceTimersByTime(60_000);
    expect(t.server.blockedClients()).toBe(1);
    run('ZADD', 'k', '1', 'a');
    expect(await q).toEqual(['k', 'a', 1]);
  });

  it('inside MULTI answer at once: popped if there is data, else as if timed out', () => {
    run('MULTI');
    run('BZPOPMIN', 'empty', '0');
    run('BZMPOP', '0', '1', 'empty', 'MIN');
    run('ZADD', 'z', '1', 'a', '2', 'b');
    run('BZPOPMAX', 'z', '0');
    run('BZMPOP', '0', '1', 'z', 'MIN');
    expect(run('EXEC')).toEqual([null, null, 2, ['z', 'b', 2], ['z', [['a', 1]]]]);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('a disconnected waiter never receives anything', async () => {
    const gone = t.newClient();
    const live = t.newClient();
    void t.runAsync(gone, 'BZPOPMIN', 'k', '0');
    const p = t.runAsync(live, 'BZPOPMIN', 'k', '0');
    gone.kill();
    run('ZADD', 'k', '1', 'a');
    expect(await p).toEqual(['k', 'a', 1]);
  });

  it('timeout and argument errors', async () => {
    run('SET', 's', 'x');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'k', '-1')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'k', 'abc')).toBe('-ERR timeout is not a float or out of range');
    expect(await t.runAsync(t.client, 'BZPOPMAX', 'k', 'inf')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZPOPMIN', 'nokey', 's', '1')).toBe(WRONGTYPE);
    expect(await t.runAsync(t.client, 'BZMPOP', '-1', '1', 'k', 'MIN')).toBe('-ERR timeout is negative');
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '0', 'k', 'MIN')).toBe('-ERR numkeys should be greater than 0');
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '1', 'k', 'foo')).toBe(SYNTAX);
    expect(await t.runAsync(t.client, 'BZMPOP', 'abc', '1', 'k', 'MIN')).toBe('-ERR timeout is not a float or out of range');
    expect(t.server.blockedClients()).toBe(0);
  });
});
