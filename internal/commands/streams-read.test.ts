// Unit tests for XREAD and XREADGROUP: reply shapes, errors in Redis order, group delivery and its journal, and blocking, via a real Executor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, plain, type Plain, T0, type TestExecutor } from '../testing/exec.js';
import type { Client } from '../server/client.js';
import { FAMILIES, INVALID_ID, isPending, NOT_INT, obj, streamsKit, SYNTAX, WRONGTYPE } from '../testing/streams-fixtures.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: FAMILIES, config: { notify_keyspace_events: 'KEA' } });
});
const { run, journaled, rawAs, block, fill, resp3 } = streamsKit(() => t);

describe('XREAD', () => {
  beforeEach(() => {
    run('XADD', 's', '1-1', 'a', '1');
    run('XADD', 's', '2-1', 'b', '2');
    run('XADD', 't', '5-1', 'c', '3');
  });

  it('reads entries after the given IDs from every stream that has some', () => {
    expect(run('XREAD', 'STREAMS', 's', 't', '1-1', '0')).toEqual([
      ['s', [['2-1', ['b', '2']]]],
      ['t', [['5-1', ['c', '3']]]],
    ]);
    expect(run('XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '0', '0')).toEqual([
      ['s', [['1-1', ['a', '1']]]],
      ['t', [['5-1', ['c', '3']]]],
    ]);
    expect(run('XREAD', 'STREAMS', 's', 'nokey', '0', '0')).toEqual([['s', [['1-1', ['a', '1']], ['2-1', ['b', '2']]]]]);
    expect(run('XREAD', 'COUNT', '-5', 'STREAMS', 's', '1')).toEqual([['s', [['1-1', ['a', '1']], ['2-1', ['b', '2']]]]]);
    expect(rawAs(t.client, 'XREAD', 'STREAMS', 's', 't', '$', '$')).toEqual({ t: 'nullarray' });
    expect(rawAs(t.client, 'XREAD', 'STREAMS', 's', '2-1')).toEqual({ t: 'nullarray' });
  });

  it('RESP3 answers a map of key to entries', () => {
    const c = resp3();
    const r = rawAs(c, 'XREAD', 'STREAMS', 's', 't', '1-1', '0');
    expect(r.t).toBe('map');
    expect(plain(r)).toEqual({ s: [['2-1', ['b', '2']]], t: [['5-1', ['c', '3']]] });
    expect(rawAs(c, 'XREAD', 'STREAMS', 's', '$')).toEqual({ t: 'nullarray' });
  });

  it('errors, in Redis order', () => {
    expect(run('XREAD', 'STREAMS', 's', 't', '0')).toBe("-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
    expect(run('XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0')).toBe('-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
    expect(run('XREAD', 'NOACK', 'STREAMS', 's', '0')).toBe('-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
    expect(run('XREAD', 'STREAMS', 's', '>')).toBe('-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
    expect(run('XREAD', 'STREAMS', 's', 'bad')).toBe(INVALID_ID);
    expect(run('XREAD', 'STREAMS', 's', '+')).toBe(INVALID_ID);
    expect(run('XREAD', 'COUNT', 'x', 'STREAMS', 's', '0')).toBe(NOT_INT);
    expect(run('XREAD', 'BLOCK', 'x', 'STREAMS', 's', '0')).toBe('-ERR timeout is not an integer or out of range');
    expect(run('XREAD', 'BLOCK', '1.5', 'STREAMS', 's', '0')).toBe('-ERR timeout is not an integer or out of range');
    expect(run('XREAD', 'BLOCK', '-1', 'STREAMS', 's', '0')).toBe('-ERR timeout is negative');
    expect(run('XREAD', 'FOO', 'STREAMS', 's', '0')).toBe(SYNTAX);
    expect(run('XREAD', 'COUNT', '1', 'STREAMS')).toBe(SYNTAX);
    expect(run('XREAD', 'COUNT', '1')).toBe("-ERR wrong number of arguments for 'xread' command");
    run('SET', 'str', 'x');
    expect(run('XREAD', 'STREAMS', 's', 'str', '0', '0')).toBe(WRONGTYPE);
    expect(t.server.blockedClients()).toBe(0);
  });

  it('BLOCK with data available answers at once; inside MULTI it never waits', () => {
    expect(run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '1-1')).toEqual([['s', [['2-1', ['b', '2']]]]]);
    run('MULTI');
    run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    run('XADD', 's', '3-1', 'z', 'z');
    run('XREAD', 'BLOCK', '0', 'STREAMS', 's', '2-1');
    expect(run('EXEC')).toEqual([null, '3-1', [['s', [['3-1', ['z', 'z']]]]]]);
    expect(t.server.blockedClients()).toBe(0);
  });

  describe('blocking', () => {
    let c2: Client;
    beforeEach(() => {
      c2 = t.newClient();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('is woken by XADD from another client; $ means the last ID when it blocked', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'nokey', 's', '$', '$');
      expect(t.server.blockedClients()).toBe(1);
      expect(await isPending(p)).toBe(true);
      run('XADD', 's', '3-1', 'new', 'x');
      expect(plain(await p)).toEqual([['s', [['3-1', ['new', 'x']]]]]);
      expect(t.server.blockedClients()).toBe(0);
    });

    it('a missing key given as $ reads from the start once created; RESP3 gets a map', async () => {
      c2.proto = 3;
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'fresh', '$');
      run('XADD', 'fresh', '1-1', 'a', 'b');
      const r = await p;
      expect(r.t).toBe('map');
      expect(plain(r)).toEqual({ fresh: [['1-1', ['a', 'b']]] });
    });

    it('keeps waiting through deletion, another type and non-growing changes', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      run('XDEL', 's', '1-1');
      run('DEL', 's');
      run('SET', 's', 'str');
      expect(await isPending(p)).toBe(true);
      run('DEL', 's');
      // Only entries above the ID it blocked for count, even on a recreated stream.
      run('XADD', 's', '1-5', 'old', 'id');
      expect(await isPending(p)).toBe(true);
      run('XADD', 's', '3-5', 'back', 'again');
      expect(plain(await p)).toEqual([['s', [['3-5', ['back', 'again']]]]]);
    });

    it('served readers get at most 1000 entries without COUNT, or their COUNT', async () => {
      const c3 = t.newClient();
      const p1 = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 'big', '$');
      const p2 = block(c3, 'XREAD', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'big', '$');
      run('MULTI');
      for (let i = 1; i <= 1200; i++) run('XADD', 'big', `${i}-0`, 'f', 'v');
      run('EXEC');
      expect((plain(await p1) as Plain[][])[0]?.[1]).toHaveLength(1000);
      expect((plain(await p2) as Plain[][])[0]?.[1]).toHaveLength(2);
    });

    it('times out with a null array (RESP2 *-1, RESP3 _)', async () => {
      vi.useFakeTimers();
      const p = block(c2, 'XREAD', 'BLOCK', '100', 'STREAMS', 's', '$');
      vi.advanceTimersByTime(99);
      expect(await isPending(p)).toBe(true);
      vi.advanceTimersByTime(1);
      expect(await p).toEqual({ t: 'nullarray' });
      expect(t.server.blockedClients()).toBe(0);
    });

    it('waits beyond what one Node timer can hold', async () => {
      vi.useFakeTimers();
      const p = block(c2, 'XREAD', 'BLOCK', '3000000000', 'STREAMS', 's', '$');
      vi.advanceTimersByTime(2 ** 31);
      expect(await isPending(p)).toBe(true);
      vi.advanceTimersByTime(3_000_000_000 - 2 ** 31);
      expect(await p).toEqual({ t: 'nullarray' });
    });

    it('a disconnected client is dropped and never served', async () => {
      const p = block(c2, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
      expect(t.server.blockedClients()).toBe(1);
      t.executor.clientClosed(c2);
      expect(t.server.blockedClients()).toBe(0);
      run('XADD', 's', '3-1', 'a', 'b');
      expect(await isPending(p)).toBe(true);
    });
  });
});

describe('consumer groups: XREADGROUP', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    journaled();
  });
  const ids = (p: Plain): Plain[] => ((p as Plain[][])[0]?.[1] as Plain[]).map((e) => (e as Plain[])[0] as Plain);

  it('> delivers new entries once per group, records them pending, journals XCLAIM per entry and the cursor', () => {
    t.clock.set(T0);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>')).toEqual([
      ['s', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]]],
    ]);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XCLAIM', 's', 'g', 'alice', '0', '1-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1'],
      ['XCLAIM', 's', 'g', 'alice', '0', '2-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '2-1'],
      ['XGROUP', 'SETID', 's', 'g', '2-1', 'ENTRIESREAD', '2'],
    ]);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'COUNT', '1', 'STREAMS', 's', '>'))).toEqual(['3-1']);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'SETID', 's', 'g', '3-1', 'ENTRIESREAD', '3'],
    ]);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'))).toEqual(['4-1', '5-1']);
    expect(rawAs(t.client, 'XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>')).toEqual({ t: 'nullarray' });
    expect(run('XPENDING', 's', 'g')).toEqual([4, '1-1', '5-1', [['alice', '4']]]);
    const group = obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain);
    expect([group.consumers, group.pending, group['last-delivered-id'], group['entries-read'], group.lag]).toEqual([2, 4, '5-1', 5, 0]);
  });

  it('an explicit ID reads the consumer history, counting deliveries; deleted entries show as nil', () => {
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>');
    journaled();
    t.clock.advance(1000);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'))).toEqual(['1-1', '2-1', '3-1']);
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-1'))).toEqual(['2-1']);
    run('XDEL', 's', '2-1');
    journaled();
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '1-1')).toEqual([['s', [['2-1', null], ['3-1', ['f', 'v3']]]]]);
    journaled();
    // Another consumer's history is its own: empty, but still answered.
    expect(run('XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', '0')).toEqual([['s', []]]);
    expect(journaled()).toEqual([['XGROUP', 'CREATECONSUMER', 's', 'g', 'dave']]);
    expect((run('XPENDING', 's', 'g', '-', '+', '10') as Plain[][]).map((r) => [r[0], r[3]])).toEqual([
      ['1-1', 2],
      ['2-1', 3],
      ['3-1', 3],
    ]);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '2');
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'alice', '0', '3-1', 'TIME', String(T0 + 1000), 'RETRYCOUNT', '4', 'FORCE', 'JUSTID', 'LASTID', '3-1'],
    ]);
  });

  it('a group cursor moved back by SETID redelivers to the new reader, resetting the count', () => {
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0');
    run('XGROUP', 'SETID', 's', 'g', '0');
    expect(ids(run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>'))).toEqual(['1-1']);
    expect(run('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
      ['1-1', 'bob', 0, 1],
      ['2-1', 'alice', 0, 2],
    ]);
  });

  it('consumers are created only when a stream is served (Redis 7.0)', () => {
    run('XGROUP', 'CREATE', 's', 'late', '$');
    expect(rawAs(t.client, 'XREADGROUP', 'GROUP', 'late', 'alice', 'STREAMS', 's', '>')).toEqual({ t: 'nullarray' });
    expect(run('XINFO', 'CONSUMERS', 's', 'late')).toEqual([]);
    expect(journaled()).toEqual([['XGROUP', 'CREATE', 's', 'late', '$']]);
  });

  it('errors, in Redis order', () => {
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '$')).toBe(
      '-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
    );
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', 's2', '>', '>')).toBe(
      "-NOGROUP No such key 's2' or consumer group 'g' in XREADGROUP with GROUP option",
    );
    expect(run('XREADGROUP', 'GROUP', 'nog', 'alice', 'STREAMS', 's', '>')).toBe(
      "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option",
    );
    expect(run('XREADGROUP', 'COUNT', '1', 'STREAMS', 's', '>')).toBe("-ERR wrong number of arguments for 'xreadgroup' command");
    expect(run('XREADGROUP', 'COUNT', '1', 'NOACK', 'STREAMS', 's', '>')).toBe('-ERR Missing GROUP option for XREADGROUP');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>', 'x')).toBe(
      "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
    );
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 'x', 'STREAMS', 's', '>')).toBe(NOT_INT);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '-1', 'STREAMS', 's', '>')).toBe('-ERR timeout is negative');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'FOO', 'STREAMS', 's', '>')).toBe(SYNTAX);
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', 'bad')).toBe(INVALID_ID);
    expect(journaled()).toEqual([]);
    run('SET', 'str', 'x');
    expect(run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'str', '>')).toBe(WRONGTYPE);
  });

  describe('blocking', () => {
    let c2: Client;
    let c3: Client;
    beforeEach(() => {
      run('XGROUP', 'SETID', 's', 'g', '$');
      journaled();
      c2 = t.newClient();
      c3 = t.newClient();
    });

    it('is woken by XADD; each waiter of the group gets different entries; the serve is journaled', async () => {
      t.clock.set(T0);
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
      expect(t.server.blockedClients()).toBe(2);
      run('MULTI');
      run('XADD', 's', '6-1', 'f', 'v6');
      run('XADD', 's', '7-1', 'f', 'v7');
      run('EXEC');
      expect(plain(await p1)).toEqual([['s', [['6-1', ['f', 'v6']]]]]);
      expect(plain(await p2)).toEqual([['s', [['7-1', ['f', 'v7']]]]]);
      expect(journaled().slice(4)).toEqual([
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
        ['XCLAIM', 's', 'g', 'alice', '0', '6-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '6-1'],
        // SETID $ without ENTRIESREAD left the counter unknown; 6-1 is not the last ID, so it stays so.
        ['XGROUP', 'SETID', 's', 'g', '6-1', 'ENTRIESREAD', '-1'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
        ['XCLAIM', 's', 'g', 'bob', '0', '7-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '7-1'],
        ['XGROUP', 'SETID', 's', 'g', '7-1', 'ENTRIESREAD', '7'],
      ]);
      expect(run('XPENDING', 's', 'g')).toEqual([2, '6-1', '7-1', [['alice', '1'], ['bob', '1']]]);
    });

    it('a waiter left with nothing keeps waiting', async () => {
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('XADD', 's', '6-1', 'f', 'v6');
      expect(plain(await p1)).toEqual([['s', [['6-1', ['f', 'v6']]]]]);
      expect(await isPending(p2)).toBe(true);
      run('XACK', 's', 'g', '6-1');
      expect(await isPending(p2)).toBe(true);
      run('XADD', 's', '7-1', 'f', 'v7');
      expect(plain(await p2)).toEqual([['s', [['7-1', ['f', 'v7']]]]]);
    });

    it('the group destroyed answers NOGROUP; the key deleted answers UNBLOCKED', async () => {
      const p1 = block(c2, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('XGROUP', 'DESTROY', 's', 'g');
      expect(plain(await p1)).toBe('-NOGROUP the consumer group this client was blocked on no longer exists');
      run('XGROUP', 'CREATE', 's', 'g', '$');
      const p2 = block(c3, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      run('DEL', 's');
      expect(plain(await p2)).toBe('-UNBLOCKED the stream key no longer exists');
      expect(t.server.blockedClients()).toBe(0);
    });

    it('inside MULTI it answers a null array at once', () => {
      run('MULTI');
      run('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
      expect(run('EXEC')).toEqual([null]);
    });
  });
});
