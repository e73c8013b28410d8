// CLIENT PAUSE / UNPAUSE through the executor: what waits, what goes on, release order, expiry and eviction standing still.
import { describe, expect, it } from 'vitest';
import { Client } from '../server/client.js';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';

/** Lets queued microtasks run (held commands are released in one), without waiting on time. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A command that may be held: its promise, and whether it answered yet. */
function pending(t: TestExecutor, c: Client, ...argv: string[]): { done: () => boolean; reply: Promise<Plain> } {
  let finished = false;
  const reply = t.runAsync(c, ...argv).then((r) => {
    finished = true;
    return r;
  });
  return { done: () => finished, reply };
}

describe('CLIENT PAUSE WRITE', () => {
  it('holds writes until UNPAUSE while reads, PING and INFO go on; held clients count as blocked', async () => {
    const t = createTestExecutor();
    const w = t.newClient();
    expect(t.run('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK');
    const set = pending(t, w, 'SET', 'foo', 'bar');
    await settle();
    expect(set.done()).toBe(false);
    expect(t.server.blockedClients()).toBe(1);
    expect(w.blocked).toBe(true);
    expect(t.run('CLIENT', 'LIST', 'ID', String(w.id))).toMatch(/ flags=b /);
    expect(t.runAs(t.newClient(), 'GET', 'foo')).toBeNull();
    expect(t.runAs(t.newClient(), 'PING')).toBe('+PONG');
    expect(t.run('CLIENT', 'UNPAUSE')).toBe('+OK');
    expect(await set.reply).toBe('+OK');
    expect(t.server.blockedClients()).toBe(0);
    expect(t.run('GET', 'foo')).toBe('bar');
  });

  it('holds may-replicate commands too (PUBLISH), and an EXEC whose queue writes', async () => {
    const t = createTestExecutor();
    const tx = t.newClient();
    t.runAs(tx, 'MULTI');
    expect(t.runAs(tx, 'SET', 'k', 'v')).toBe('+QUEUED');
    t.run('CLIENT', 'PAUSE', '60000', 'WRITE');
    const pub = pending(t, t.newClient(), 'PUBLISH', 'ch', 'm');
    const exec = pending(t, tx, 'EXEC');
    await settle();
    expect([pub.done(), exec.done()]).toEqual([false, false]);
    expect(t.server.blockedClients()).toBe(2);
    t.run('CLIENT', 'UNPAUSE');
    expect(await pub.reply).toBe(0);
    expect(await exec.reply).toEqual(['+OK']);
  });

  it('lets a read-only transaction through, and answers syntax errors at once', async () => {
    const t = createTestExecutor();
    t.run('SET', 'FOO', 'BAR');
    t.run('CLIENT', 'PAUSE', '100000', 'WRITE');
    const c = t.newClient();
    t.runAs(c, 'MULTI');
    t.runAs(c, 'PING');
    t.runAs(c, 'GET', 'FOO');
    expect(t.runAs(c, 'EXEC')).toEqual(['+PONG', 'BAR']);
    expect(t.runAs(c, 'SET', 'FOO')).toBe("-ERR wrong number of arguments for 'set' command");
    expect(t.runAs(c, 'NOSUCH')).toMatch(/^-ERR unknown command 'NOSUCH'/);
    expect(t.server.blockedClients()).toBe(0);
    t.run('CLIENT', 'UNPAUSE');
  });

  it('holds a write queued inside MULTI while paused (Redis postpones before queueing)', async () => {
    const t = createTestExecutor();
    const c = t.newClient();
    t.run('CLIENT', 'PAUSE', '100000', 'WRITE');
    t.runAs(c, 'MULTI');
    const queued = pending(t, c, 'SET', 'a', '1');
    await settle();
    expect(queued.done()).toBe(false);
    t.run('CLIENT', 'UNPAUSE');
    expect(await queued.reply).toBe('+QUEUED');
    expect(t.runAs(c, 'EXEC')).toEqual(['+OK']);
  });

  it('starts at the end of a transaction that pauses', async () => {
    const t = createTestExecutor();
    t.run('MULTI');
    t.run('SET', 'FOO1', 'BAR');
    t.run('CLIENT', 'PAUSE', '60000', 'WRITE');
    t.run('SET', 'FOO2', 'BAR');
    expect(t.run('EXEC')).toEqual(['+OK', '+OK', '+OK']);
    const later = pending(t, t.newClient(), 'SET', 'FOO3', 'BAR');
    await settle();
    expect(later.done()).toBe(false);
    expect([t.run('GET', 'FOO1'), t.run('GET', 'FOO2'), t.run('GET', 'FOO3')]).toEqual(['BAR', 'BAR', null]);
    t.run('CLIENT', 'UNPAUSE');
    expect(await later.reply).toBe('+OK');
  });

  it('releases held commands in the order they arrived', async () => {
    const t = createTestExecutor();
    t.run('CLIENT', 'PAUSE', '60000', 'WRITE');
    const held = ['a', 'b', 'c'].map((v) => pending(t, t.newClient(), 'RPUSH', 'l', v));
    await settle();
    expect(t.server.blockedClients()).toBe(3);
    t.run('CLIENT', 'UNPAUSE');
    expect(await Promise.all(held.map((h) => h.reply))).toEqual([1, 2, 3]);
    expect(t.run('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b', 'c']);
  });

  it('never runs the command of a client that closed while held', async () => {
    const t = createTestExecutor();
    t.run('CLIENT', 'PAUSE', '60000', 'WRITE');
    const c = t.newClient();
    void t.runAsync(c, 'SET', 'ghost', '1');
    await settle();
    c.kill();
    expect(t.server.blockedClients()).toBe(0);
    t.run('CLIENT', 'UNPAUSE');
    await settle();
    expect(t.run('EXISTS', 'ghost')).toBe(0);
  });

  it('does not hold the node-internal clients (HTTP API, handoff, AOF loading)', () => {
    const t = createTestExecutor();
    t.run('CLIENT', 'PAUSE', '60000', 'ALL');
    const internal = new Client(0, 'http', 'http', -1, t.clock.now(), true, () => undefined);
    expect(t.executor.execute(internal, ['SET', 'k', 'v'])).toEqual({ t: 'simple', v: 'OK' });
    t.executor.control.unpause();
  });
});

describe('CLIENT PAUSE ALL', () => {
  it('holds every command, CLIENT UNPAUSE included, until the timeout passes', async () => {
    const t = createTestExecutor();
    t.run('CLIENT', 'PAUSE', '1000', 'ALL');
    const ping = pending(t, t.newClient(), 'PING');
    const unpause = pending(t, t.newClient(), 'CLIENT', 'UNPAUSE');
    await settle();
    expect([ping.done(), unpause.done()]).toEqual([false, false]);
    t.clock.advance(1000);
    // The first command after the end notices it (as Redis's checkClientPauseTimeoutAndReturnIfPaused).
    expect(t.runAs(t.newClient(), 'ECHO', 'x')).toBe('x');
    expect(await ping.reply).toBe('+PONG');
    expect(await unpause.reply).toBe('+OK');
  });

  it('keeps the stricter mode and the later end when paused again; PAUSE 0 pauses nothing', async () => {
    const t = createTestExecutor();
    t.run('CLIENT', 'PAUSE', '0');
    expect(t.runAs(t.newClient(), 'PING')).toBe('+PONG');
    t.run('CLIENT', 'PAUSE', '5000', 'ALL');
    expect(t.executor.pause.mode).toBe('all');
    // While paused ALL even CLIENT PAUSE waits: the node's own control stands in for it.
    t.executor.control.pause('write', t.clock.now() + 10);
    expect(t.executor.pause.mode).toBe('all');
    expect(t.executor.pause.end).toBe(t.clock.now() + 5000);
    t.executor.control.unpause();
    t.executor.control.pause('write', t.clock.now() + 10);
    t.executor.control.pause('all', t.clock.now() + 5);
    expect([t.executor.pause.mode, t.executor.pause.end]).toEqual(['all', t.clock.now() + 10]);
    t.executor.control.unpause();
  });
});

describe('expiry and eviction during a pause', () => {
  it('expired keys read as missing but are not deleted or counted until unpaused', async () => {
    const t = createTestExecutor();
    t.run('SET', 'foo', 'bar', 'PX', '10');
    t.run('SET', 'bar', 'foo', 'PX', '10');
    t.run('CLIENT', 'PAUSE', '50000', 'WRITE');
    t.clock.advance(20);
    expect(t.run('GET', 'foo')).toBeNull();
    expect(t.run('GET', 'bar')).toBeNull();
    expect(t.store.activeExpireCycle(25)).toBe(0);
    expect(t.store.stats.expiredKeys).toBe(0);
    expect(t.journal.filter((j) => j.argv[0] === 'DEL')).toEqual([]);
    t.run('CLIENT', 'UNPAUSE');
    await settle();
    t.run('GET', 'foo');
    t.run('GET', 'bar');
    expect(t.store.stats.expiredKeys).toBe(2);
  });

  it('does not evict while paused', () => {
    const t = createTestExecutor({ config: { maxmemory: 1 }, policy: 'allkeys-random' });
    t.executor.control.pause('write', t.clock.now() + 1000);
    expect(t.store.evictIfNeeded()).toBe(true);
    expect(t.store.stats.evictedKeys).toBe(0);
    t.executor.control.unpause();
  });
});
