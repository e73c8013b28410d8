// LATENCY through the executor with a manual clock (performance.now follows it, so DEBUG SLEEP is a slow command), and its pure parts: the histogram conversion, the graph, the doctor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BucketCounts, COMMAND_LATENCY_BOUNDS_US } from '../observability/buckets.js';
import { LatencyMonitor, LatencySeries } from '../observability/latency-monitor.js';
import { createTestExecutor, T0, type TestExecutor } from '../testing/exec.js';
import { latencyDoctor, latencyGraph, REDIS_HISTOGRAM_KEYS_US, redisHistogram, type DoctorSettings } from './latency.js';

const SEC = T0 / 1000;
const DASHES = '-'.repeat(80);

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ config: { enable_debug_command: 'yes' } });
  // Command durations follow the manual clock: DEBUG SLEEP n advances it by n seconds.
  vi.spyOn(performance, 'now').mockImplementation(() => t.clock.now());
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('latency events from the executor', () => {
  it('records nothing while latency-monitor-threshold is 0 (the default)', () => {
    t.run('DEBUG', 'SLEEP', '0.5');
    expect(t.run('LATENCY', 'LATEST')).toEqual([]);
  });

  it('records a command at or over the threshold as "command", a fast one as "fast-command"', () => {
    expect(t.run('CONFIG', 'SET', 'latency-monitor-threshold', '100')).toBe('+OK');
    t.run('DEBUG', 'SLEEP', '0.099');
    expect(t.run('LATENCY', 'LATEST')).toEqual([]);
    t.run('DEBUG', 'SLEEP', '0.3');
    const at = Math.floor(t.clock.now() / 1000);
    expect(t.run('LATENCY', 'LATEST')).toEqual([['command', at, 300, 300]]);
    // A fast command (GET) that the clock shows as slow.
    const get = vi.spyOn(t.store, 'read').mockImplementation(() => {
      t.clock.advance(150);
      return undefined;
    });
    t.run('GET', 'k');
    get.mockRestore();
    expect(t.run('LATENCY', 'HISTORY', 'fast-command')).toEqual([[Math.floor(t.clock.now() / 1000), 150]]);
  });

  it('keeps the worst sample of each second, 160 seconds, and the all-time high', () => {
    t.run('CONFIG', 'SET', 'latency-monitor-threshold', '100');
    t.clock.set(T0);
    t.run('DEBUG', 'SLEEP', '0.2');
    t.run('DEBUG', 'SLEEP', '0.4');
    t.clock.advance(1000);
    t.run('DEBUG', 'SLEEP', '0.1');
    expect(t.run('LATENCY', 'HISTORY', 'command')).toEqual([
      [SEC, 400],
      [SEC + 1, 100],
    ]);
    expect(t.run('LATENCY', 'LATEST')).toEqual([['command', SEC + 1, 100, 400]]);
    expect(t.run('LATENCY', 'HISTORY', 'Command')).toEqual([]);
    expect(t.run('LATENCY', 'HISTORY', 'nosuch')).toEqual([]);
  });

  it('RESET answers how many events it dropped, matching names case-insensitively', () => {
    t.store.latency.add('command', 5);
    t.store.latency.add('expire-cycle', 5);
    expect(t.run('LATENCY', 'RESET', 'blabla')).toBe(0);
    expect(t.run('LATENCY', 'RESET', 'COMMAND', 'command')).toBe(1);
    expect(t.run('LATENCY', 'RESET')).toBe(1);
    expect(t.run('LATENCY', 'LATEST')).toEqual([]);
  });

  it('records a slow active expiry cycle as "expire-cycle"', () => {
    t.run('CONFIG', 'SET', 'latency-monitor-threshold', '20');
    t.run('SET', 'k', 'v', 'PX', '10');
    t.clock.advance(20);
    const del = t.store.db(0).expireNow.bind(t.store.db(0));
    vi.spyOn(t.store.db(0), 'expireNow').mockImplementation((key: string) => {
      t.clock.advance(30);
      del(key);
    });
    t.store.activeExpireCycle(1000);
    expect(t.run('DBSIZE')).toBe(0);
    const latest = t.run('LATENCY', 'LATEST') as [string, number, number, number][];
    expect(latest.map((e) => [e[0], e[2]])).toEqual([['expire-cycle', 30]]);
  });

  it('records an eviction cycle over the threshold as "eviction-cycle"', () => {
    t.run('CONFIG', 'SET', 'latency-monitor-threshold', '10');
    t.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    for (let i = 0; i < 20; i++) t.run('SET', `k${i}`, 'x'.repeat(100));
    const db = t.store.db(0);
    const del = db.delete.bind(db);
    vi.spyOn(db, 'delete').mockImplementation((key: string) => {
      t.clock.advance(5);
      return del(key);
    });
    t.run('CONFIG', 'SET', 'maxmemory', String(t.store.usedBytes() - 500));
    t.run('SET', 'one-more', 'v');
    const events = (t.run('LATENCY', 'LATEST') as [string, number, number, number][]).map((e) => e[0]);
    expect(events).toContain('eviction-cycle');
  });

  it('GRAPH answers an error for an event without samples, the sparkline otherwise', () => {
    expect(t.run('LATENCY', 'GRAPH', 'command')).toBe("-ERR No samples available for event 'command'");
    t.run('CONFIG', 'SET', 'latency-monitor-threshold', '100');
    t.run('DEBUG', 'SLEEP', '0.3');
    expect(t.run('LATENCY', 'GRAPH', 'command')).toBe(`command - high 300 ms, low 300 ms (all time high 300 ms)\n${DASHES}\n \n \n \n_\n \n0\ns\n`);
  });

  it('HELP, and arity errors with the subcommand name', () => {
    const help = t.run('LATENCY', 'HELP') as string[];
    expect(help[0]).toBe('+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.at(-1)).toBe('+    Prints this help.');
    expect(help).toHaveLength(17);
    expect(t.run('LATENCY', 'HELP', 'xxx')).toBe("-ERR wrong number of arguments for 'latency|help' command");
    expect(t.run('LATENCY', 'HISTORY')).toBe("-ERR wrong number of arguments for 'latency|history' command");
    expect(t.run('LATENCY', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try LATENCY HELP.");
  });
});

describe('LATENCY HISTOGRAM', () => {
  it('lists every command with calls (subcommands by full name), or those named', () => {
    t.run('CONFIG', 'RESETSTAT');
    t.run('SET', 'a', 'b');
    t.run('SET', 'c', 'd');
    t.run('CLIENT', 'ID');
    const all = t.run('LATENCY', 'HISTOGRAM') as Record<string, { calls: number; histogram_usec: Record<string, number> }>;
    expect(Object.keys(all).sort()).toEqual(['client|id', 'config|resetstat', 'set']);
    expect(all['set']?.calls).toBe(2);
    // The manual clock stands still: every call took 0 µs, Redis's first step.
    expect(all['set']?.histogram_usec).toEqual({ 1: 2 });
    expect(Object.keys(t.run('LATENCY', 'HISTOGRAM', 'client') as object)).toEqual(['client|id']);
    expect(Object.keys(t.run('LATENCY', 'HISTOGRAM', 'CLIENT|ID') as object)).toEqual(['client|id']);
    expect(t.run('LATENCY', 'HISTOGRAM', 'blabla', 'client|nope', 'get')).toEqual({});
    // A name given twice answers twice, as in Redis (a flat RESP2 array shows it).
    const twice = t.exec('LATENCY', 'HISTOGRAM', 'set', 'set');
    expect(twice.t === 'map' && twice.v.length).toBe(2);
  });
});

describe('redisHistogram', () => {
  it("Redis's keys are the highest values equivalent to 1024 * 2^k ns, in µs", () => {
    expect(REDIS_HISTOGRAM_KEYS_US).toEqual([
      1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1082130,
    ]);
  });

  // [observed µs values, expected histogram_usec pairs]
  const cases: [number[], [number, number][]][] = [
    [[], []],
    [[0.2, 1], [[1, 2]]],
    [[1.5], [[2, 1]]],
    // 2..5 µs is one bucket: counted where all of it is covered (8 µs).
    [[3, 5], [[8, 2]]],
    [[6, 10, 11, 20], [[16, 2], [33, 4]]],
    [[40, 99, 150, 400], [[66, 1], [132, 2], [264, 3], [528, 4]]],
    [[999, 1500, 4000, 9000], [[1056, 1], [2113, 2], [8454, 3], [16908, 4]]],
    [[20_000, 70_000, 300_000, 900_000], [[67633, 1], [135266, 2], [541065, 3], [1082130, 4]]],
    // Over 1 s: Redis clamps to 1 s, the last step.
    [[5_000_000, 1], [[1, 1], [1082130, 2]]],
  ];
  it.each(cases)('%j -> %j', (values, expected) => {
    const b = new BucketCounts(COMMAND_LATENCY_BOUNDS_US);
    for (const v of values) b.observe(v);
    expect(redisHistogram(b)).toEqual(expected);
  });
});

describe('latencyGraph (sparkline.c)', () => {
  it("draws redis-server 7.0.15's graph for the same samples", () => {
    const s = new LatencySeries();
    s.add(996, 300);
    s.add(998, 400);
    s.add(999, 500);
    s.add(1000, 200);
    expect(latencyGraph('command', s, 1000)).toBe(
      `command - high 500 ms, low 200 ms (all time high 500 ms)\n${DASHES}\n  # \n #| \no|| \n|||_\n    \n4210\nssss\n`,
    );
  });
  it('labels minutes, hours and days, and wraps past 80 samples', () => {
    const s = new LatencySeries();
    for (let i = 0; i < 85; i++) s.add(1000 + i * 4000, 100 + i);
    const g = latencyGraph('e', s, 1000 + 84 * 4000 + 90);
    const lines = g.split('\n');
    expect(lines[0]).toBe('e - high 184 ms, low 100 ms (all time high 184 ms)');
    // 80 columns, then a blank line, then the remaining 5.
    expect(lines[2]).toHaveLength(80);
    expect(lines[7]?.startsWith('3333')).toBe(true);
    expect(lines[8]?.startsWith('dddd')).toBe(true);
    // The last 5 samples: 4, 3, 2 and 1 hours ago, then 90 s ago.
    expect(g.endsWith('\n\n#####\n|||||\n|||||\n|||||\n     \n43211\nhhhhm\n')).toBe(true);
  });
});

describe('latencyDoctor', () => {
  const settings: DoctorSettings = { threshold: 100, slowlogSlowerThan: 10_000, appendfsync: 'everysec', hz: 10, anonHugePages: 0 };
  const withEvents = (...events: [string, number][]): LatencyMonitor => {
    const m = new LatencyMonitor(() => 1_000_000);
    for (const [e, ms] of events) m.add(e, ms);
    return m;
  };

  it("says monitoring is off when it is and nothing was recorded (Redis's wording)", () => {
    expect(latencyDoctor(withEvents(), { ...settings, threshold: 0 }, 1000)).toBe(
      'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n',
    );
  });

  it('finds nothing when on and nothing was recorded', () => {
    expect(latencyDoctor(withEvents(), settings, 1000)).toBe(
      'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n',
    );
  });

  it("reports each event and redis-server's advice for a slow command", () => {
    expect(latencyDoctor(withEvents(['command', 300]), settings, 1000)).toBe(
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
        '1. command: 1 latency spikes (average 300ms, mean deviation 0ms, period 1.00 sec). Worst all time event 300ms.\n' +
        '\nI have a few advices for you:\n\n' +
        '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
        '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
    );
  });

  it('advises on the slow log settings, hz and the fsync policy as Redis does', () => {
    const disabled = latencyDoctor(withEvents(['command', 300]), { ...settings, slowlogSlowerThan: -1 }, 1000);
    expect(disabled).toContain("Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than 100000'.");
    const tuning = latencyDoctor(withEvents(['command', 300]), { ...settings, threshold: 5 }, 1000);
    expect(tuning).toContain("Please use 'CONFIG SET slowlog-log-slower-than 5000'.");
    const expire = latencyDoctor(withEvents(['expire-cycle', 30]), settings, 1000);
    expect(expire).toContain("'CONFIG SET hz 100'");
    expect(latencyDoctor(withEvents(['expire-cycle', 30]), { ...settings, hz: 100 }, 1000)).not.toContain('CONFIG SET hz');
    // The fsync advice counts, but is only printed under appendfsync always.
    const fsync = latencyDoctor(withEvents(['aof-fsync-always', 30]), settings, 1000);
    expect(fsync.endsWith('\nI have a few advices for you:\n\n')).toBe(true);
    expect(latencyDoctor(withEvents(['aof-fsync-always', 30]), { ...settings, appendfsync: 'always' }, 1000)).toContain("relax the fsync policy to 'onesec'");
    // An event Redis has no advice for.
    expect(latencyDoctor(withEvents(['while-blocked-cron', 30]), settings, 1000)).toContain("I'm not able to suggest any easy fix.");
    expect(latencyDoctor(withEvents(), { ...settings, anonHugePages: 2 << 20 }, 1000)).toContain('anonymous huge pages');
  });

  it("prints the period per sample with C's %.2f (ties to even)", () => {
    // 8 samples over 9 seconds: 1.125, which C prints as 1.12 (toFixed would say 1.13).
    let now = 1_000_000;
    const m8 = new LatencyMonitor(() => now);
    for (let i = 0; i < 8; i++) {
      m8.add('x', 1);
      now += 1000;
    }
    expect(latencyDoctor(m8, settings, 1009)).toContain('1. x: 8 latency spikes (average 1ms, mean deviation 0ms, period 1.12 sec).');
  });
});
