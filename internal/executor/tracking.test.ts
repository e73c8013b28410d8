// Client-side caching on the test executor: CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO, and the invalidation messages (RESP3 pushes, the RESP2 redirect channel, broken redirects, BCAST batches, flushes, expiry, eviction, the table limit, CLUSTER TRACK), as redis-server 7.0.15 sends them.
import { describe, expect, it } from 'vitest';
import { encodeToBuffer } from '../resp/encoder.js';
import type { Client } from '../server/client.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

/** A client whose pushes are collected as the RESP bytes its protocol gets. */
function wire(t: TestExecutor, proto: 2 | 3 = 3): { c: Client; out: string[]; id: string } {
  const c = t.newClient();
  c.proto = proto;
  const out: string[] = [];
  c.deliver = (r) => out.push(encodeToBuffer(r, c.proto).toString('latin1'));
  return { c, out, id: String(c.id) };
}

const inv = (...keys: string[]): string => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;
const msg = (...keys: string[]): string =>
  `*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CLIENT TRACKING replies and errors (Redis order and words)', () => {
  it('checks options left to right, then ON/OFF, then the mode rules', () => {
    const t = createTestExecutor();
    const other = t.newClient();
    const cases: [string[], string][] = [
      [['on', 'REDIRECT', '999'], '-ERR The client ID you want redirect to does not exist'],
      [['on', 'REDIRECT', 'x'], '-ERR value is not an integer or out of range'],
      [['on', 'REDIRECT', '0'], '-ERR The client ID you want redirect to does not exist'],
      [['on', 'REDIRECT', String(other.id), 'REDIRECT', String(other.id)], '-ERR A client can only redirect to a single other client'],
      [['maybe', 'REDIRECT', '999'], '-ERR The client ID you want redirect to does not exist'],
      [['maybe'], '-ERR syntax error'],
      [['on', 'FOO'], '-ERR syntax error'],
      [['on', 'REDIRECT'], '-ERR syntax error'],
      [['on', 'PREFIX'], '-ERR syntax error'],
      [['on', 'PREFIX', 'a'], '-ERR PREFIX option requires BCAST mode to be enabled'],
      [['on', 'BCAST', 'OPTIN'], '-ERR OPTIN and OPTOUT are not compatible with BCAST'],
      [['on', 'OPTIN', 'OPTOUT'], "-ERR You can't specify both OPTIN mode and OPTOUT mode"],
      [['on', 'BCAST', 'PREFIX', 'FOOBAR', 'PREFIX', 'FOO'], "-ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap."],
      [['off', 'PREFIX', 'a'], '+OK'],
    ];
    for (const [args, want] of cases) expect(t.run('CLIENT', 'TRACKING', ...args), args.join(' ')).toBe(want);
    expect(t.run('CLIENT', 'TRACKING', 'on', 'optin')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKING', 'on', 'optout')).toBe(
      "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
    expect(t.run('CLIENT', 'TRACKING', 'on', 'bcast')).toBe(
      "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
    expect(t.run('CLIENT', 'TRACKING', 'on')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on'], redirect: 0, prefixes: [] });
  });

  it('adds BCAST prefixes, refuses overlapping ones, and reports them sorted', () => {
    const t = createTestExecutor();
    expect(t.run('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'FOO', 'PREFIX', 'BAR')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'FO')).toBe("-ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap.");
    expect(t.run('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'BARB')).toBe("-ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap.");
    expect(t.run('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ZED')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'bcast'], redirect: 0, prefixes: ['BAR', 'FOO', 'ZED'] });
    expect(t.run('CLIENT', 'TRACKING', 'OFF')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKING', 'ON', 'BCAST')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'bcast'], redirect: 0, prefixes: [''] });
  });

  it('answers CLIENT CACHING, GETREDIR and TRACKINGINFO as Redis does in every mode', () => {
    const t = createTestExecutor();
    const r = t.newClient();
    expect(t.run('CLIENT', 'CACHING', 'yes')).toBe('-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    expect(t.run('CLIENT', 'GETREDIR')).toBe(-1);
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['off'], redirect: -1, prefixes: [] });
    t.run('CLIENT', 'TRACKING', 'on');
    expect(t.run('CLIENT', 'GETREDIR')).toBe(0);
    expect(t.run('CLIENT', 'CACHING', 'yes')).toBe('-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
    expect(t.run('CLIENT', 'CACHING', 'no')).toBe('-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
    expect(t.run('CLIENT', 'CACHING', 'maybe')).toBe('-ERR syntax error');
    t.run('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(r.id), 'noloop');
    expect(t.run('CLIENT', 'GETREDIR')).toBe(r.id);
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'noloop'], redirect: r.id, prefixes: [] });
    t.run('CLIENT', 'TRACKING', 'off');
    t.run('CLIENT', 'TRACKING', 'on', 'optin');
    expect(t.run('CLIENT', 'CACHING', 'yes')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'optin', 'caching-yes'], redirect: 0, prefixes: [] });
    t.run('CLIENT', 'TRACKING', 'off');
    t.run('CLIENT', 'TRACKING', 'on', 'optout');
    expect(t.run('CLIENT', 'CACHING', 'NO')).toBe('+OK');
    expect(t.run('CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'optout', 'caching-no'], redirect: 0, prefixes: [] });
  });

  it('shows t, R and B in CLIENT LIST flags and the redirect in redir=', () => {
    const t = createTestExecutor();
    const r = t.newClient();
    const flags = (): string => /flags=(\S+) .* redir=(-?\d+)/.exec(String(t.run('CLIENT', 'INFO')))?.slice(1).join(' ') ?? '';
    expect(flags()).toBe('N -1');
    t.run('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(r.id));
    expect(flags()).toBe(`t ${r.id}`);
    t.run('GET', 'k');
    r.kill();
    t.runAs(t.newClient(), 'SET', 'k', 'v');
    expect(flags()).toBe(`tR ${r.id}`);
    t.run('CLIENT', 'TRACKING', 'off');
    t.run('CLIENT', 'TRACKING', 'on', 'bcast');
    expect(flags()).toBe('tB 0');
    expect(t.run('RESET')).toBe('+RESET');
    expect(flags()).toBe('N -1');
  });
});

describe('default mode invalidation', () => {
  it('tells a RESP3 client once about a key it read, whoever changes it, then forgets the key', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(w, 'MSET', 'a', '1', 'b', '1');
    t.runAs(c, 'GET', 'a');
    t.runAs(w, 'INCR', 'b');
    t.runAs(w, 'INCR', 'a');
    t.runAs(w, 'INCR', 'a');
    expect(out).toEqual([inv('a')]);
    // Keys are names, whatever the database: a change in db 1 invalidates what was read in db 0.
    t.runAs(c, 'MGET', 'a', 'b');
    t.runAs(w, 'SELECT', '1');
    t.runAs(w, 'SET', 'b', 'x');
    expect(out).toEqual([inv('a'), inv('b')]);
    // A read that failed still tracks its key (Redis remembers after call(), whatever the reply).
    t.runAs(w, 'SELECT', '0');
    t.runAs(w, 'RPUSH', 'l', 'x');
    expect(t.runAs(c, 'GET', 'l')).toMatch(/^-WRONGTYPE/);
    t.runAs(w, 'DEL', 'l');
    expect(out.at(-1)).toBe(inv('l'));
  });

  it('sends nothing to a RESP2 client without a redirect, a message to a subscribed RESP2 redirect client, a push to a RESP3 one', () => {
    const t = createTestExecutor();
    const { c } = wire(t, 2);
    const sub = wire(t, 2);
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'GET', 'k');
    t.runAs(w, 'SET', 'k', '1');
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', sub.id);
    t.runAs(c, 'GET', 'k');
    t.runAs(w, 'SET', 'k', '2');
    expect(sub.out).toEqual([]); // not in Pub/Sub mode: RESP2 cannot carry it
    t.runAs(sub.c, 'SUBSCRIBE', 'anything');
    t.runAs(c, 'GET', 'k');
    t.runAs(w, 'SET', 'k', '3');
    expect(sub.out).toEqual([msg('k')]);
    sub.c.proto = 3;
    t.runAs(c, 'GET', 'k');
    t.runAs(w, 'SET', 'k', '4');
    expect(sub.out).toEqual([msg('k'), inv('k')]);
  });

  it('marks a redirect broken once its client left, and tells a RESP3 tracking client each time', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const gone = t.newClient();
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', String(gone.id));
    t.runAs(c, 'MGET', 'a', 'b');
    gone.kill();
    t.runAs(w, 'SET', 'a', '1');
    t.runAs(w, 'SET', 'b', '1');
    const broken = `>2\r\n$21\r\ntracking-redir-broken\r\n:${gone.id}\r\n`;
    expect(out).toEqual([broken, broken]);
    expect(t.runAs(c, 'CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on', 'broken_redirect'], redirect: gone.id, prefixes: [] });
    // Enabling again clears the mark.
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    expect(t.runAs(c, 'CLIENT', 'TRACKINGINFO')).toEqual({ flags: ['on'], redirect: 0, prefixes: [] });
  });

  it('skips the NOLOOP client\'s own changes', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
    t.runAs(c, 'MGET', 'x', 'mine', 'y');
    t.runAs(w, 'SET', 'x', '1');
    t.runAs(c, 'SET', 'mine', '1');
    t.runAs(w, 'SET', 'mine', '2'); // forgotten already
    t.runAs(w, 'SET', 'y', '1');
    expect(out).toEqual([inv('x'), inv('y')]);
  });

  it('remembers reads only after CACHING YES (OPTIN), skips them after CACHING NO (OPTOUT), for one command or one transaction', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'OPTIN');
    t.runAs(c, 'GET', 'a');
    t.runAs(c, 'CLIENT', 'CACHING', 'yes');
    t.runAs(c, 'CLIENT', 'ID'); // a CLIENT command keeps it
    t.runAs(c, 'GET', 'b');
    t.runAs(c, 'GET', 'c'); // it lasted one command
    t.runAs(c, 'CLIENT', 'CACHING', 'yes');
    t.runAs(c, 'MULTI');
    t.runAs(c, 'GET', 'd');
    t.runAs(c, 'GET', 'e');
    t.runAs(c, 'EXEC');
    t.runAs(c, 'GET', 'f');
    t.runAs(w, 'MSET', 'a', '1', 'b', '1', 'c', '1', 'd', '1', 'e', '1', 'f', '1');
    expect(out).toEqual([inv('b'), inv('d'), inv('e')]);
    out.length = 0;
    t.runAs(c, 'CLIENT', 'TRACKING', 'off');
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
    t.runAs(c, 'CLIENT', 'CACHING', 'no');
    t.runAs(c, 'GET', 'a');
    t.runAs(c, 'GET', 'b');
    // An unknown command ends CLIENT CACHING's command too.
    t.runAs(c, 'CLIENT', 'CACHING', 'no');
    t.runAs(c, 'NOSUCHCOMMAND');
    t.runAs(c, 'GET', 'c');
    t.runAs(w, 'MSET', 'a', '2', 'b', '2', 'c', '2');
    expect(out).toEqual([inv('b'), inv('c')]);
  });

  it('tells about expired and evicted keys', () => {
    const t = createTestExecutor({ config: { maxmemory: 1_000_000 }, policy: 'allkeys-random' });
    const { c, out } = wire(t);
    const w = t.newClient();
    t.runAs(w, 'SET', 'e', 'v', 'PX', '100');
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'GET', 'e');
    t.clock.advance(200);
    t.store.activeExpireCycle(100);
    expect(out).toEqual([inv('e')]);
    t.runAs(w, 'SET', 'small', 'x');
    t.runAs(c, 'GET', 'small');
    expect(t.run('CONFIG', 'SET', 'maxmemory', '100')).toBe('+OK');
    t.runAs(w, 'SET', 'big', 'y'.repeat(50));
    expect(out).toContain(inv('small'));
  });

  it('a read evicts before it runs: the invalidation of an evicted key comes ahead of its reply (Tcl tracking.tcl)', () => {
    const t = createTestExecutor({ config: { maxmemory: 1_000_000 }, policy: 'volatile-random' });
    const { c, out } = wire(t);
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'SETEX', 'volatile-key', '10000', 'x');
    t.runAs(c, 'GET', 'volatile-key');
    // A write over the limit (it evicted before running, when nothing was over yet).
    t.runAs(c, 'SETBIT', 'big-key', String(8 * 1_200_000), '0');
    expect(t.store.db(0).size).toBe(2);
    expect(out).toEqual([]);
    // GETBIT is no denyoom command: it is not refused, but it evicts the volatile key first.
    expect(t.runAs(c, 'GETBIT', 'big-key', '0')).toBe(0);
    expect(t.store.db(0).size).toBe(1);
    expect(out).toEqual([inv('volatile-key')]);
    expect(String(t.run('INFO', 'memory'))).toMatch(/\r\nmem_not_counted_for_evict:0\r\n/);
  });

  it('stops when tracking is off, RESET, or the client is gone (INFO counts them)', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const w = t.newClient();
    const info = (): string => String(t.run('INFO', 'everything'));
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(w, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'p:');
    t.runAs(c, 'MGET', 'a', 'b');
    t.runAs(w, 'GET', 'a');
    expect(info()).toMatch(/tracking_clients:2\r\n/);
    expect(info()).toMatch(/tracking_total_keys:2\r\ntracking_total_items:2\r\ntracking_total_prefixes:1\r\n/);
    t.runAs(c, 'CLIENT', 'TRACKING', 'off');
    t.runAs(w, 'SET', 'a', '1');
    expect(out).toEqual([]);
    expect(info()).toMatch(/tracking_clients:1\r\n/);
    w.kill();
    expect(info()).toMatch(/tracking_clients:0\r\n.*tracking_total_keys:1\r\n/s);
    expect(info()).toMatch(/tracking_total_prefixes:0\r\n/);
    expect(t.executor.tracking.active).toBe(true); // 'b' is still remembered (lazily cleaned, as Redis)
    t.runAs(t.newClient(), 'SET', 'b', '1');
    expect(t.executor.tracking.active).toBe(false);
  });
});

describe('BCAST mode', () => {
  it('batches changed keys per prefix once per event-loop turn, sorted, without NOLOOP clients\' own keys', async () => {
    const t = createTestExecutor();
    const all = wire(t);
    const ab = wire(t);
    const nl = wire(t);
    const w = t.newClient();
    t.runAs(all.c, 'CLIENT', 'TRACKING', 'on', 'BCAST');
    t.runAs(ab.c, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b:', 'PREFIX', 'a:');
    t.runAs(nl.c, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP');
    t.runAs(w, 'MSET', 'b:2', '1', 'a:1', '1', 'c:1', '1');
    t.runAs(nl.c, 'SET', 'mine', '1');
    expect(all.out).toEqual([]);
    await turn();
    expect(all.out).toEqual([inv('a:1', 'b:2', 'c:1', 'mine')]);
    expect(ab.out).toEqual([inv('a:1'), inv('b:2')]);
    expect(nl.out).toEqual([inv('a:1', 'b:2', 'c:1')]);
    // Only its own changes this turn: nothing at all for the NOLOOP client.
    t.runAs(nl.c, 'SET', 'mine', '2');
    await turn();
    expect(nl.out).toHaveLength(1);
    expect(all.out).toHaveLength(2);
  });

  it('says nothing about keys read before switching to BCAST', async () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'GET', 'key1');
    t.runAs(c, 'CLIENT', 'TRACKING', 'off');
    t.runAs(c, 'CLIENT', 'TRACKING', 'on', 'BCAST');
    t.runAs(t.newClient(), 'INCR', 'key1');
    expect(out).toEqual([]);
    await turn();
    expect(out).toEqual([inv('key1')]);
  });
});

describe('flushes and the table limit', () => {
  it('sends one null invalidation per tracking client for FLUSHALL, in its own protocol, and empties the table', () => {
    const t = createTestExecutor();
    const r3 = wire(t, 3);
    const sub = wire(t, 2);
    const r2 = wire(t, 2);
    t.runAs(sub.c, 'SUBSCRIBE', '__redis__:invalidate');
    t.runAs(r3.c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(r2.c, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', sub.id);
    t.runAs(r3.c, 'MGET', 'a', 'b');
    t.runAs(t.newClient(), 'FLUSHALL');
    expect(t.executor.tracking.figures().keys).toBe(0);
    expect(r3.out).toEqual(['>2\r\n$10\r\ninvalidate\r\n_\r\n']);
    expect(sub.out).toEqual(['*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n']);
    t.runAs(t.newClient(), 'FLUSHDB');
    t.runAs(t.newClient(), 'FLUSHDB');
    expect(r3.out).toHaveLength(3);
  });

  it('forgets the oldest keys over tracking-table-max-keys and tells their readers', async () => {
    const t = createTestExecutor({ config: { 'redis.tracking_table_max_keys': 2 } });
    const { c, out } = wire(t);
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'MGET', 'k1', 'k2', 'k3', 'k4');
    await turn();
    expect(out).toEqual([inv('k1'), inv('k2')]);
    expect(t.executor.tracking.figures().keys).toBe(2);
    expect(t.run('CONFIG', 'SET', 'tracking-table-max-keys', '1')).toBe('+OK');
    await turn();
    expect(out).toEqual([inv('k1'), inv('k2'), inv('k3')]);
  });
});

describe('CLUSTER TRACK (a peer tracking for its clients)', () => {
  it('is refused outside a peer link', () => {
    const t = createTestExecutor();
    expect(t.run('CLUSTER', 'TRACK')).toBe('-ERR CLUSTER TRACK is only valid on a peer forwarding link (CLUSTER PEER)');
  });

  it('remembers the next read for the link and pushes its invalidation in RESP3 whatever the link speaks', () => {
    const t = createTestExecutor();
    const peer = wire(t, 2);
    peer.c.peer = true;
    expect(t.runAs(peer.c, 'CLUSTER', 'TRACK')).toBe('+OK');
    t.runAs(peer.c, 'GET', 'tracked');
    t.runAs(peer.c, 'GET', 'not-tracked');
    t.runAs(peer.c, 'CLUSTER', 'TRACK');
    t.runAs(peer.c, 'MULTI');
    t.runAs(peer.c, 'GET', 'in-tx');
    t.runAs(peer.c, 'EXEC');
    t.runAs(t.newClient(), 'MSET', 'tracked', '1', 'not-tracked', '1', 'in-tx', '1');
    expect(peer.out).toEqual([inv('tracked'), inv('in-tx')]);
  });
});

describe('the hot path', () => {
  it('stays off the tracking path while nobody tracks', () => {
    const t = createTestExecutor();
    t.run('SET', 'a', '1');
    expect(t.executor.tracking.active).toBe(false);
    t.run('CLIENT', 'TRACKING', 'on');
    expect(t.executor.tracking.active).toBe(true);
    t.run('CLIENT', 'TRACKING', 'off');
    expect(t.executor.tracking.active).toBe(false);
  });
});

describe('tracking and scripts (Redis 7.0 call())', () => {
  it('a script that reads tracks its declared keys; one that only writes, and EVAL_RO itself, track nothing', () => {
    const t = createTestExecutor();
    const { c, out } = wire(t);
    const w = t.newClient();
    t.runAs(c, 'CLIENT', 'TRACKING', 'on');
    t.runAs(c, 'EVAL', "redis.call('set', 'key3', 'bar')", '2', 'key1', 'key2');
    t.runAs(w, 'MSET', 'key2', '2', 'key1', '2');
    expect(out).toEqual([]);
    t.runAs(c, 'EVAL', "redis.call('get', 'key3')", '2', 'key1', 'key2');
    t.runAs(w, 'MSET', 'key2', '2', 'key1', '2');
    expect(out).toEqual([inv('key2'), inv('key1')]);
    out.length = 0;
    t.runAs(c, 'EVAL_RO', "redis.call('ping')", '2', 'key1', 'key2');
    t.runAs(w, 'MSET', 'key2', '2', 'key1', '2');
    expect(out).toEqual([]);
  });
});
