// Server family unit tests: CONFIG (SET pairs, protected configs per client, thresholds reaching the store, REWRITE, HELP) and DEBUG's gate and SLEEP bounds.
import { describe, expect, it } from 'vitest';
import { Client } from '../server/client.js';
import { createTestExecutor, T0, type TestExecutor } from '../testing/exec.js';
import { DEBUG_SLEEP_MAX_MS, isLocalClient } from './server.js';

const remote = (): Client => new Client(900, '10.1.2.3:5000', '10.1.2.4:6379', 20, T0, true, () => undefined);
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

const NOT_ALLOWED =
  '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

describe('CONFIG SET', () => {
  it('sets several pairs at once; an odd count is a syntax error', () => {
    const h = createTestExecutor();
    expect(h.run('CONFIG', 'SET', 'maxmemory', '1mb', 'hz', '20')).toBe('+OK');
    expect(h.run('CONFIG', 'GET', 'maxmemory', 'hz')).toEqual({ maxmemory: '1048576', hz: '20' });
    expect(h.run('CONFIG', 'SET', 'maxmemory', '1mb', 'hz')).toBe('-ERR syntax error');
    expect(h.run('CONFIG', 'SET', 'maxmemory')).toBe("-ERR wrong number of arguments for 'config|set' command");
  });

  it('lets a local client set protected configs under enable-protected-configs local, not a remote one', () => {
    const h = createTestExecutor({ config: { enable_protected_configs: 'local' } });
    expect(h.runAs(remote(), 'CONFIG', 'SET', 'dbfilename', 'x.rcs')).toBe("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
    expect(h.run('CONFIG', 'SET', 'dbfilename', 'x.rcs')).toBe('+OK');
    expect(h.run('CONFIG', 'GET', 'dbfilename')).toEqual({ dbfilename: 'x.rcs' });
  });

  it('hands the encoding thresholds to the store: OBJECT ENCODING follows them', () => {
    const h = createTestExecutor();
    h.run('CONFIG', 'SET', 'set-max-intset-entries', '2', 'hash-max-ziplist-value', '3', 'zset-max-listpack-entries', '0');
    h.run('SADD', 's', '1', '2');
    expect(h.run('OBJECT', 'ENCODING', 's')).toBe('intset');
    h.run('SADD', 's', '3');
    expect(h.run('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    h.run('HSET', 'h', 'f', 'abc');
    expect(h.run('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    h.run('HSET', 'h', 'g', 'abcd');
    expect(h.run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    h.run('ZADD', 'z', '1', 'a');
    expect(h.run('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
    h.run('RPUSH', 'l', 'a');
    expect(h.run('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
    expect(h.store.encodings.setMaxIntsetEntries).toBe(2);
  });
});

describe('CONFIG REWRITE, RESETSTAT, HELP', () => {
  it('RESETSTAT zeroes INFO stats and commandstats and keeps the slow log, as Redis does', () => {
    const h = createTestExecutor({ config: { slowlog_log_slower_than: 0 } });
    h.run('SET', 'k', 'v');
    h.run('GET', 'k');
    h.run('GET', 'nope');
    const before = h.server.figures();
    expect(before.stats.hits).toBe(1);
    expect(before.stats.misses).toBe(1);
    expect(before.commandStats.size).toBeGreaterThan(0);
    const slowlog = h.server.slowlog().length;
    expect(slowlog).toBeGreaterThan(0);
    expect(h.run('CONFIG', 'RESETSTAT')).toBe('+OK');
    const after = h.server.figures();
    expect(after.stats).toMatchObject({ hits: 0, misses: 0, expiredKeys: 0, evictedKeys: 0, expiredStaleRatio: 0, expireCycleMs: 0, errorReplies: 0 });
    expect([...after.commandStats.keys()]).toEqual(['config|resetstat']);
    expect(h.server.slowlog().length).toBeGreaterThanOrEqual(slowlog);
  });

  it("REWRITE without a config file answers Redis's error", () => {
    expect(createTestExecutor().run('CONFIG', 'REWRITE')).toBe('-ERR The server is running without a config file');
  });

  it("HELP lists Redis 7.0's subcommands, REWRITE included", () => {
    const help = createTestExecutor().run('CONFIG', 'HELP') as string[];
    expect(help).toContain('+REWRITE');
    expect(help.at(-1)).toBe('+    Prints this help.');
  });
});

describe('DEBUG', () => {
  it('is refused by default (enable-debug-command no), with Redis 7.0.15 wording, after the arity check', () => {
    const h = createTestExecutor();
    expect(h.run('DEBUG', 'LOG', 'hello')).toBe(NOT_ALLOWED);
    expect(h.run('DEBUG', 'SLEEP', '0')).toBe(NOT_ALLOWED);
    expect(h.run('DEBUG')).toBe("-ERR wrong number of arguments for 'debug' command");
  });

  it('local allows loopback clients only; yes allows everyone', () => {
    const local = createTestExecutor({ config: { enable_debug_command: 'local' } });
    expect(local.run('DEBUG', 'SLEEP', '0')).toBe('+OK');
    expect(local.runAs(remote(), 'DEBUG', 'SLEEP', '0')).toBe(NOT_ALLOWED);
    const yes = createTestExecutor({ config: { enable_debug_command: 'yes' } });
    expect(yes.runAs(remote(), 'DEBUG', 'SLEEP', '0')).toBe('+OK');
  });

  it("answers unknown subcommands and wrong argument counts in Redis's words (DEBUG LOG is an error, not silence)", () => {
    const h = createTestExecutor({ config: { enable_debug_command: 'yes' } });
    expect(h.run('DEBUG', 'LOG', 'x')).toBe("-ERR unknown subcommand or wrong number of arguments for 'LOG'. Try DEBUG HELP.");
    expect(h.run('DEBUG', 'sleep')).toBe("-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.");
    expect(h.run('DEBUG', 'set-active-expire')).toBe("-ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP.");
  });

  it('DEBUG OBJECT reports the same encoding as OBJECT ENCODING', () => {
    const h = createTestExecutor({ config: { enable_debug_command: 'yes' } });
    h.run('RPUSH', 'l', 'a');
    expect(h.run('DEBUG', 'OBJECT', 'l')).toMatch(/^\+Value at:0x0 refcount:1 encoding:quicklist /);
  });
});

describe('DEBUG SLEEP', () => {
  const debugOn = (): TestExecutor => createTestExecutor({ config: { enable_debug_command: 'yes' } });

  it('blocks for the time given, in whole microseconds', async () => {
    await nextTurn();
    const h = debugOn();
    const t = h.clock.now();
    expect(h.run('DEBUG', 'SLEEP', '0.25')).toBe('+OK');
    expect(h.clock.now() - t).toBe(250);
    expect(h.run('DEBUG', 'SLEEP', '0.0000001')).toBe('+OK'); // 0 us
    expect(h.clock.now() - t).toBe(250);
  });

  it('answers OK at once for what is not a positive number, as Redis does: inf, nan, -1, abc', async () => {
    await nextTurn();
    const h = debugOn();
    const t = h.clock.now();
    for (const v of ['inf', '-inf', 'nan', '-1', 'abc', '1e300', '1e308']) expect(h.run('DEBUG', 'SLEEP', v), v).toBe('+OK');
    expect(h.clock.now()).toBe(t);
  });

  it('refuses more than the per-turn budget, pipelined sleeps included, so SIGTERM is never held off longer', async () => {
    await nextTurn();
    const h = debugOn();
    const limit = `-ERR DEBUG SLEEP is limited to ${DEBUG_SLEEP_MAX_MS / 1000} seconds at a time, so that the node still stops on SIGTERM`;
    expect(h.run('DEBUG', 'SLEEP', String(DEBUG_SLEEP_MAX_MS / 1000 + 1))).toBe(limit);
    expect(h.run('DEBUG', 'SLEEP', String(DEBUG_SLEEP_MAX_MS / 2000))).toBe('+OK');
    expect(h.run('DEBUG', 'SLEEP', String(DEBUG_SLEEP_MAX_MS / 2000))).toBe('+OK');
    expect(h.run('DEBUG', 'SLEEP', '0.001')).toBe(limit);
    await nextTurn();
    expect(h.run('DEBUG', 'SLEEP', '0.001')).toBe('+OK');
  });
});

describe('isLocalClient', () => {
  it("is Redis's islocalClient: 127.0.0.1 and ::1 (also IPv4-mapped), not other loopback addresses", () => {
    const c = (addr: string): Client => new Client(1, addr, '', 1, 0, true, () => undefined);
    expect(isLocalClient(c('127.0.0.1:5000'))).toBe(true);
    expect(isLocalClient(c('::1:5000'))).toBe(true);
    expect(isLocalClient(c('::ffff:127.0.0.1:5000'))).toBe(true);
    expect(isLocalClient(c('127.0.0.2:5000'))).toBe(false);
    expect(isLocalClient(c('10.0.0.1:5000'))).toBe(false);
  });
});
