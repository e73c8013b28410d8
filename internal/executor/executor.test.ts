// Executor dispatch rules: lookup, arity, subcommands, auth, OOM, journal, stats and slowlog.
import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { CommandError } from '../contracts/errors.js';
import { command, keyAt } from '../commands/spec.js';
import { createTestExecutor } from '../testing/exec.js';
import { bulk, OK, type Reply } from '../resp/reply.js';

const testCommands = [
  command({ name: 'get', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, ['RO', 'ACCESS'])], group: 'string', summary: 's', since: '1.0.0', handler: (ctx, argv) => {
    const e = ctx.store.read(ctx.db, argv[1] as string);
    return e ? bulk(e.value as string) : { t: 'nullbulk' };
  } }),
  command({ name: 'set', arity: -3, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])], group: 'string', summary: 's', since: '1.0.0', handler: (ctx, argv) => {
    ctx.db.set(argv[1] as string, argv[2] as string);
    ctx.propagate(['SET', argv[1] as string, argv[2] as string]);
    return OK;
  } }),
  command({ name: 'boom', arity: 1, group: 'server', summary: 's', since: '1.0.0', handler: () => {
    throw new CommandError('WRONGTYPE', 'Operation against a key holding the wrong kind of value');
  } }),
  command({ name: 'crash', arity: 1, group: 'server', summary: 's', since: '1.0.0', handler: () => {
    throw new Error('bug');
  } }),
  command({ name: 'later', arity: 1, group: 'server', summary: 's', since: '1.0.0', handler: async () => bulk('done') }),
  command({ name: 'auth', arity: 2, flags: ['no_auth'], group: 'connection', summary: 's', since: '1.0.0', handler: (ctx) => {
    ctx.client.authenticated = true;
    return OK;
  } }),
  command({ name: 'config', arity: -2, group: 'server', summary: 's', since: '1.0.0', subcommands: [
    command({ name: 'config|get', arity: 3, group: 'server', summary: 's', since: '1.0.0', handler: () => OK }),
  ] }),
];

function setup(overrides: Record<string, string | number> = {}) {
  const t = createTestExecutor({ families: [testCommands], config: overrides });
  const run = (...argv: string[]): Reply | Promise<Reply> => t.executor.execute(t.client, argv);
  return { run, client: t.client, store: t.store, stats: t.stats, journal: t.journal, executor: t.executor, config: t.config };
}

const errLine = (r: Reply | Promise<Reply>): string => {
  if (r instanceof Promise || r.t !== 'error') throw new Error(`expected an error reply, got ${JSON.stringify(r)}`);
  return r.v;
};

describe('Executor', () => {
  it.each([
    [['nosuch'], "ERR unknown command 'nosuch', with args beginning with: "],
    [['nosuch', 'a', 'b'], "ERR unknown command 'nosuch', with args beginning with: 'a' 'b' "],
    [['GET'], "ERR wrong number of arguments for 'get' command"],
    [['get', 'a', 'b'], "ERR wrong number of arguments for 'get' command"],
    [['set', 'a'], "ERR wrong number of arguments for 'set' command"],
    [['config'], "ERR wrong number of arguments for 'config' command"],
    [['config', 'nope'], "ERR unknown subcommand 'nope'. Try CONFIG HELP."],
    [['CONFIG', 'GET'], "ERR wrong number of arguments for 'config|get' command"],
    [['boom'], 'WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['crash'], "ERR internal error while running 'crash'"],
  ])('%j -> %s', (argv, expected) => {
    const { run } = setup();
    expect(errLine(run(...argv))).toBe(expected);
  });

  it('is case-insensitive for command and subcommand names', () => {
    const { run } = setup();
    expect(run('SeT', 'k', 'v')).toBe(OK);
    expect(run('CoNfIg', 'gEt', 'x')).toBe(OK);
  });

  it('requires AUTH when requirepass is set, except for no_auth commands', () => {
    const { run, client } = setup({ requirepass: 'pw' });
    expect(errLine(run('get', 'k'))).toBe('NOAUTH Authentication required.');
    expect(run('auth', 'pw')).toBe(OK);
    expect(client.authenticated).toBe(true);
    expect(run('get', 'k')).toEqual({ t: 'nullbulk' });
  });

  it('answers OOM for denyoom commands when over maxmemory with noeviction', () => {
    const { run } = setup({ maxmemory: 1024 * 1024 });
    expect(run('set', 'a', 'x'.repeat(2 * 1024 * 1024))).toBe(OK);
    expect(errLine(run('set', 'b', 'y'))).toBe("OOM command not allowed when used memory > 'maxmemory'.");
    // Reads still work.
    expect(run('get', 'b')).toEqual({ t: 'nullbulk' });
  });

  it('journals writes with the client db and counts them as dirty', () => {
    const { run, client, journal, stats } = setup();
    run('set', 'a', '1');
    client.db = 3;
    run('set', 'b', '2');
    run('get', 'a');
    expect(journal).toEqual([
      { db: 0, argv: ['SET', 'a', '1'] },
      { db: 3, argv: ['SET', 'b', '2'] },
    ]);
    expect(stats.dirty).toBe(2);
  });

  it('journals keys removed by expiry as DEL', () => {
    const { run, journal, store } = setup();
    run('set', 'a', '1');
    const e = store.db(0).peek('a');
    if (e) store.db(0).setExpire('a', e, store.time.now - 1);
    run('get', 'a');
    expect(journal.at(-1)).toEqual({ db: 0, argv: ['DEL', 'a'] });
  });

  it('keeps per-command stats, counting rejected and failed calls apart', () => {
    const { run, executor } = setup();
    run('get', 'a');
    run('get');
    run('boom');
    expect(executor.commandStats.get('get')).toMatchObject({ calls: 1, rejectedCalls: 1, failedCalls: 0 });
    expect(executor.commandStats.get('boom')).toMatchObject({ calls: 1, failedCalls: 1 });
  });

  it('returns a promise for asynchronous handlers', async () => {
    const { run } = setup();
    const r = run('later');
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toEqual(bulk('done'));
  });

  it('records the slowlog with truncated arguments and bounded length', () => {
    const { run, executor } = setup({ slowlog_log_slower_than: 0, slowlog_max_len: 2 });
    run('set', 'k', 'v'.repeat(300));
    run('get', 'k');
    run('get', 'z');
    const log = executor.slow.entries();
    expect(log.length).toBe(2);
    expect(log[0]?.argv).toEqual(['get', 'z']);
    expect(log[1]?.argv).toEqual(['get', 'k']);
    executor.slow.reset();
    run('set', 'k', 'v'.repeat(300));
    expect(executor.slow.entries()[0]?.argv[2]).toBe('v'.repeat(128) + '... (172 more bytes)');
  });
  it('times a pipelined run of fast commands with one clock read: counts, totals and slowlog stay whole', () => {
    const { run, executor } = setup({ slowlog_log_slower_than: 0, slowlog_max_len: 100 });
    run('set', 'k', 'v');
    executor.slow.reset();
    let clockReads = 0;
    const now = performance.now.bind(performance);
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => {
      clockReads++;
      return now();
    });
    executor.beginBatch();
    // get is fast (joins the run), set is not (settles the run first, then is timed on its own).
    for (let i = 0; i < 5; i++) expect(run('get', 'k')).toEqual(bulk('v'));
    expect(run('set', 'k', 'w')).toBe(OK);
    for (let i = 0; i < 70; i++) run('get', `k${i}`); // crosses the 64-command cap once
    executor.endBatch();
    const get = executor.commandStats.get('get');
    const set = executor.commandStats.get('set');
    expect(get?.calls).toBe(75);
    expect(get?.latency.count).toBe(75);
    expect(set?.calls).toBe(2);
    expect(set?.latency.count).toBe(2);
    expect(get?.usec).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(get?.usec)).toBe(true);
    // Every command reached the slowlog (threshold 0), newest first, in execution order.
    const log = executor.slow.entries();
    expect(log.length).toBe(76);
    expect(log[0]?.argv).toEqual(['get', 'k69']);
    expect(log[70]?.argv).toEqual(['set', 'k', 'w']);
    expect(log[75]?.argv).toEqual(['get', 'k']);
    expect(log.every((e) => e.durationUs >= 0)).toBe(true);
    // The last run (k64..k69, settled by endBatch) was timed by one clock read: one shared duration.
    expect(new Set(log.slice(0, 6).map((e) => e.durationUs)).size).toBe(1);
    expect(clockReads).toBeLessThanOrEqual(8); // 76 commands: batch start, 3 run settles, the SET
    clock.mockRestore();
  });

  it('times fast commands outside a batch on their own', () => {
    const { run, executor } = setup({ slowlog_log_slower_than: 0 });
    run('get', 'a');
    run('get', 'b');
    expect(executor.commandStats.get('get')?.latency.count).toBe(2);
    expect(executor.slow.entries().map((e) => e.argv[1])).toEqual(['b', 'a']);
  });
});

describe('eviction in the journal', () => {
  it('journals a DEL for every evicted key, before the write that made room, so AOF replay and replicas drop it too', () => {
    const t = createTestExecutor({ config: { maxmemory: 4 * 1024 * 1024 }, policy: 'allkeys-random' });
    const value = 'x'.repeat(1000);
    for (let i = 0; i < 8000 && t.store.stats.evictedKeys === 0; i++) t.run('SET', `k${i}`, value);
    expect(t.store.stats.evictedKeys).toBeGreaterThan(0);
    const dels = t.journal.filter((j) => j.argv[0] === 'DEL').map((j) => j.argv[1] as string);
    expect(dels.length).toBe(t.store.stats.evictedKeys);
    for (const k of dels) expect(t.run('EXISTS', k)).toBe(0);
    // The DEL comes before the SET whose memory check evicted it.
    const lastDel = t.journal.findIndex((j) => j.argv[0] === 'DEL');
    expect(t.journal[lastDel + 1]?.argv[0]).toBe('SET');
  });
});
