// MEMORY through the executor (USAGE against the store's accounting, STATS' fields and types, the fixed answers) and the pure DOCTOR over chosen figures.
import { beforeEach, describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD } from '../store/types.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { testFigures, testKeyspace } from '../testing/figures.js';
import { memoryDoctor, memoryOverhead, type MemoryOverhead } from './memory.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor();
});

describe('MEMORY USAGE', () => {
  it('is the bytes the store charges the key: key + value + the per-key overhead', () => {
    t.run('SET', 'k', 'x'.repeat(100));
    expect(t.run('MEMORY', 'USAGE', 'k')).toBe(1 + 100 + ENTRY_OVERHEAD);
    expect(t.run('MEMORY', 'USAGE', 'k')).toBe(t.store.db(0).raw('k')?.charged);
    expect(t.run('MEMORY', 'USAGE', 'nokey')).toBeNull();
  });

  it('grows with the value, for every type', () => {
    const sizes = (key: string, fill: (n: number) => void): number[] =>
      [1, 10, 100, 1000].map((n) => {
        t.run('DEL', key);
        fill(n);
        return t.run('MEMORY', 'USAGE', key) as number;
      });
    const fields = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i}`);
    const series = [
      sizes('s', (n) => t.run('SET', 's', 'v'.repeat(n))),
      sizes('l', (n) => t.run('RPUSH', 'l', ...fields(n))),
      sizes('h', (n) => t.run('HSET', 'h', ...fields(n).flatMap((f) => [f, 'v']))),
      sizes('z', (n) => t.run('ZADD', 'z', ...fields(n).flatMap((f, i) => [String(i), f]))),
      sizes('st', (n) => t.run('SADD', 'st', ...fields(n))),
      sizes('x', (n) => fields(n).forEach(() => t.run('XADD', 'x', '*', 'f', 'v'))),
    ];
    for (const s of series) for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1] as number);
  });

  it('checks SAMPLES as Redis does, before looking the key up', () => {
    t.run('SET', 'k', 'v');
    expect(t.run('MEMORY', 'USAGE', 'k', 'SAMPLES', '0')).toBe(t.run('MEMORY', 'USAGE', 'k'));
    expect(t.run('MEMORY', 'USAGE', 'k', 'samples', '5', 'SAMPLES', '1')).toBe(t.run('MEMORY', 'USAGE', 'k'));
    expect(t.run('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1')).toBe('-ERR syntax error');
    expect(t.run('MEMORY', 'USAGE', 'nokey', 'SAMPLES')).toBe('-ERR syntax error');
    expect(t.run('MEMORY', 'USAGE', 'nokey', 'FOO', '1')).toBe('-ERR syntax error');
    expect(t.run('MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('MEMORY', 'USAGE')).toBe("-ERR wrong number of arguments for 'memory|usage' command");
  });

  it('neither touches the key nor counts a hit or a miss', () => {
    t.run('SET', 'k', 'v');
    t.clock.advance(5000);
    const before = { ...t.store.stats };
    t.run('MEMORY', 'USAGE', 'k');
    t.run('MEMORY', 'USAGE', 'nokey');
    expect(t.run('OBJECT', 'IDLETIME', 'k')).toBe(5);
    expect(t.store.stats.hits - before.hits).toBe(1); // OBJECT's lookup, not MEMORY's
    expect(t.store.stats.misses).toBe(before.misses);
  });

  it('COMMAND GETKEYS finds the key', () => {
    expect(t.run('COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'key')).toEqual(['key']);
  });
});

describe('MEMORY STATS', () => {
  it("answers Redis 7.0's fields in order, a db.N map per non-empty database, with its types", () => {
    t.run('SET', 'a', 'v');
    t.run('SET', 'b', 'v', 'EX', '100');
    t.run('SELECT', '3');
    t.run('SET', 'c', 'v');
    const r = t.exec('MEMORY', 'STATS');
    if (r.t !== 'map') throw new Error('not a map');
    const names = r.v.map(([k]) => (k.t === 'bulk' ? k.v : '?'));
    expect(names).toEqual([
      'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves', 'clients.normal',
      'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches', 'db.0', 'db.3', 'overhead.total', 'keys.count',
      'keys.bytes-per-key', 'dataset.bytes', 'dataset.percentage', 'peak.percentage', 'allocator.allocated', 'allocator.active',
      'allocator.resident', 'allocator-fragmentation.ratio', 'allocator-fragmentation.bytes', 'allocator-rss.ratio',
      'allocator-rss.bytes', 'rss-overhead.ratio', 'rss-overhead.bytes', 'fragmentation', 'fragmentation.bytes',
    ]);
    const doubles = new Set(['dataset.percentage', 'peak.percentage', 'allocator-fragmentation.ratio', 'allocator-rss.ratio', 'rss-overhead.ratio', 'fragmentation']);
    for (const [k, v] of r.v) {
      const name = k.t === 'bulk' ? k.v : '';
      if (name.startsWith('db.')) expect(v.t).toBe('map');
      else expect([name, v.t]).toEqual([name, doubles.has(name) ? 'double' : 'int']);
    }
    const stats = t.run('MEMORY', 'STATS') as Record<string, number | Record<string, number>>;
    expect(stats['db.0']).toEqual({ 'overhead.hashtable.main': 2 * ENTRY_OVERHEAD, 'overhead.hashtable.expires': 8, 'overhead.hashtable.slot-to-keys': 0 });
    expect(stats['keys.count']).toBe(3);
    expect(stats['dataset.bytes']).toBe(t.store.usedBytes());
    expect(stats['total.allocated']).toBe(stats['allocator.allocated']);
    expect(stats['startup.allocated']).toBe(0);
  });

  it('has no db.N entry for an empty instance', () => {
    const stats = t.run('MEMORY', 'STATS') as Record<string, unknown>;
    expect(Object.keys(stats).filter((k) => k.startsWith('db.'))).toEqual([]);
    expect(stats['keys.bytes-per-key']).toBe(0);
    expect(stats['overhead.total']).toBe(0);
  });
});

describe('MEMORY DOCTOR, MALLOC-STATS, PURGE, HELP', () => {
  it('an empty node gets the "Hi Sam, this instance is empty" answer', () => {
    expect(t.run('MEMORY', 'DOCTOR')).toBe(
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n",
    );
  });

  it('MALLOC-STATS answers as a Redis built without jemalloc; PURGE is OK; HELP is Redis 7.0\'s', () => {
    expect(t.run('MEMORY', 'MALLOC-STATS')).toBe('Stats not supported for the current allocator');
    expect(t.run('MEMORY', 'PURGE')).toBe('+OK');
    const help = t.run('MEMORY', 'HELP') as string[];
    expect(help[0]).toBe('+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(14);
    expect(t.run('MEMORY', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try MEMORY HELP.");
    expect(t.run('MEMORY', 'STATS', 'x')).toBe("-ERR wrong number of arguments for 'memory|stats' command");
  });
});

describe('memoryDoctor', () => {
  const MB = 1024 * 1024;
  const healthy: MemoryOverhead = memoryOverhead(
    testFigures({
      memory: { used: 200 * MB, rss: 220 * MB, peak: 210 * MB, dataset: 150 * MB },
      top: { keyspace: testKeyspace([1000], [10]) },
      clients: { connected: 2 },
    }),
    { clientBuffers: 1000, allocatorResident: 212 * MB },
  );

  it('derives the totals from the figures as Redis from its own', () => {
    expect(healthy).toMatchObject({
      totalAllocated: 200 * MB,
      overheadTotal: 1000 + 1000 * ENTRY_OVERHEAD + 10 * 8,
      keys: 1000,
      bytesPerKey: Math.floor((200 * MB) / 1000),
      dataset: 150 * MB,
      datasetPercentage: 75,
      peakPercentage: (200 * 100) / 210,
    });
  });

  it('finds nothing wrong with healthy figures', () => {
    expect(memoryDoctor(healthy)).toBe("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
  });

  it('reports each issue with Redis wording, between its header and footer', () => {
    const report = memoryDoctor({ ...healthy, peakAllocated: 400 * MB, rss: 400 * MB, allocatorResident: 400 * MB, allocatorActive: 240 * MB, clientsNormal: 1 * MB });
    expect(report.startsWith('Sam, I detected a few issues in this Redis instance memory implants:\n\n * Peak memory: ')).toBe(true);
    expect(report).toContain(' * High total RSS: ');
    expect(report).toContain('Note: The currently used allocator is "v8".\n\n');
    expect(report).toContain(' * High allocator fragmentation: ');
    expect(report).toContain(' * High allocator RSS overhead: ');
    expect(report).not.toContain(' * High process RSS overhead: ');
    expect(report).toContain(' * Big client buffers: ');
    expect(report.endsWith("I'm here to keep you safe, Sam. I want to help you.\n")).toBe(true);
  });
});
