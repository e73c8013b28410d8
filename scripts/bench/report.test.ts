// Unit tests for the benchmark's pure helpers: options, CSV parsing, medians and table formatting.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type BenchRow,
  type Comparison,
  EVALSHA_SCRIPT,
  EVALSHA_SHA,
  KNOWN_TESTS,
  OptionsError,
  benchmarkArgs,
  combineRuns,
  cpuUsPerOp,
  geomean,
  pinCores,
  pinned,
  procCpuTicks,
  ratioSpread,
  defaultRequests,
  formatMarkdown,
  formatMemory,
  formatOps,
  formatRatio,
  formatTable,
  median,
  parseBenchmarkCsv,
  parseInfo,
  parseOptions,
  ratio,
  redisVersion,
  splitCsvLine,
  testName,
} from './report.js';

// Captured from redis-benchmark 7.0.15 (-t set,get -P 16 -q --csv), plus an error line it can interleave.
const CSV_7 = [
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
  '"SET","425531.94","1.580","0.384","1.407","3.319","3.607","3.719"',
  'Error from server: ERR something',
  '"GET","370370.38","1.691","0.544","1.703","2.567","3.767","3.999"',
  '',
].join('\n');

const row = (test: string, rps: number, p50: number | null = null, p99: number | null = null): BenchRow => ({
  test,
  label: test.toUpperCase(),
  rps,
  avgMs: null,
  p50Ms: p50,
  p99Ms: p99,
});

describe('splitCsvLine', () => {
  it.each([
    ['"a","b"', ['a', 'b']],
    ['"a,b","c"', ['a,b', 'c']],
    ['"say ""hi""",1', ['say "hi"', '1']],
    ['"a",', ['a', '']],
    ['1,2', ['1', '2']],
  ])('%s', (line, fields) => {
    expect(splitCsvLine(line)).toEqual(fields);
  });

  it('rejects an unterminated quote', () => {
    expect(() => splitCsvLine('"abc')).toThrow(/unterminated/);
  });
});

describe('parseBenchmarkCsv', () => {
  it('parses redis-benchmark 7 rows with latency columns and skips non-CSV lines', () => {
    expect(parseBenchmarkCsv(CSV_7)).toEqual([
      { test: 'set', label: 'SET', rps: 425531.94, avgMs: 1.58, p50Ms: 1.407, p99Ms: 3.607 },
      { test: 'get', label: 'GET', rps: 370370.38, avgMs: 1.691, p50Ms: 1.703, p99Ms: 3.767 },
    ]);
  });

  it('accepts the old two-column form, with or without a header, and CRLF line ends', () => {
    const expected = [{ test: 'set', label: 'SET', rps: 1000, avgMs: null, p50Ms: null, p99Ms: null }];
    expect(parseBenchmarkCsv('"test","rps"\r\n"SET","1000.00"\r\n')).toEqual(expected);
    expect(parseBenchmarkCsv('"SET","1000.00"\n')).toEqual(expected);
  });

  it('normalizes labels and drops helper rows', () => {
    const text = [
      '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
      '"LPUSH (needed to benchmark LRANGE)","46728.97","0.691","0.056","0.687","0.999","1.095","1.255"',
      '"LRANGE_100 (first 100 elements)","29411.76","1.088","0.176","1.079","1.727","2.287","3.063"',
      '"MSET (10 keys)","42016.80","0.788","0.240","0.791","1.103","1.271","2.671"',
      '"PING_INLINE","34246.57","0.951","0.264","0.927","1.359","2.143","2.815"',
    ].join('\n');
    expect(parseBenchmarkCsv(text).map((r) => r.test)).toEqual(['lrange_100', 'mset', 'ping_inline']);
  });

  it('ignores rows with a non-numeric rate and empty input', () => {
    expect(parseBenchmarkCsv('"test","rps"\n"SET","nan?"\n')).toEqual([]);
    expect(parseBenchmarkCsv('')).toEqual([]);
  });
});

describe('testName', () => {
  it('takes the first word, lowercased', () => {
    expect(testName('LRANGE_600 (first 600 elements)')).toBe('lrange_600');
    expect(testName(' SET ')).toBe('set');
  });
});

describe('median and combineRuns', () => {
  it('computes medians of odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('combines runs field by field, ignoring missing latencies', () => {
    expect(combineRuns([])).toBeNull();
    expect(combineRuns([row('set', 100, 1, null), row('set', 300, 3, 9), row('set', 200, 2, null)])).toEqual({
      test: 'set',
      label: 'SET',
      rps: 200,
      avgMs: null,
      p50Ms: 2,
      p99Ms: 9,
      cpuUsPerOp: null,
    });
    const cpu = (us: number | null): BenchRow => ({ ...row('get', 1), cpuUsPerOp: us });
    expect(combineRuns([cpu(3), cpu(1), cpu(null), cpu(2)])?.cpuUsPerOp).toBe(2);
  });
});

describe('ratio and number formatting', () => {
  it('divides ringcache by redis and refuses missing or zero sides', () => {
    expect(ratio(50, 100)).toBe(0.5);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(50, undefined)).toBeNull();
    expect(ratio(50, 0)).toBeNull();
  });

  it('formats rates, ratios and absent values', () => {
    expect(formatOps(425531.94)).toBe('425,532');
    expect(formatOps(null)).toBe('n/a');
    expect(formatRatio(0.4567)).toBe('0.46x');
    expect(formatRatio(null)).toBe('n/a');
  });
});

describe('tables', () => {
  const rows: Comparison[] = [
    { test: 'set', pipeline: 1, requests: 100000, redis: row('set', 50000, 0.5, 1.2), ringcache: row('set', 25000, 1.1, 2.5), ratio: 0.5, note: null },
    { test: 'get', pipeline: 16, requests: 200000, redis: row('get', 400000, 1.7, 3.8), ringcache: null, ratio: null, note: 'ringcache answered GET: ERR unknown command' },
  ];

  it('formats an aligned text table with latency columns and notes', () => {
    const text = formatTable(rows);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^test\s+pipeline\s+redis ops\/s\s+ringcache ops\/s\s+ratio\s+spread\s+redis us\/op\s+ringcache us\/op\s+CPU ring\/redis\s+redis p50 ms/);
    expect(lines[2]).toMatch(/^SET\s+1\s+50,000\s+25,000\s+0\.50x\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+0\.500\s+1\.100\s+1\.200\s+2\.500$/);
    expect(lines[3]).toMatch(/^GET\s+16\s+400,000\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+1\.700\s+n\/a\s+3\.800\s+n\/a$/);
    expect(lines[4]).toBe('note: GET -P 16: ringcache answered GET: ERR unknown command');
    // Columns are padded to a common width and the last one is right-aligned: equal line lengths.
    expect(new Set(lines.slice(0, 4).map((l) => l.length)).size).toBe(1);
  });

  it('omits latency columns when no run reported them', () => {
    const plain = rows.map((c) => ({ ...c, redis: c.redis && { ...c.redis, p50Ms: null, p99Ms: null }, ringcache: c.ringcache && { ...c.ringcache, p50Ms: null, p99Ms: null } }));
    expect(formatTable(plain).split('\n')[0]).toMatch(/CPU ring\/redis$/);
  });

  it('formats markdown with right-aligned numeric columns', () => {
    const md = formatMarkdown(rows).split('\n');
    expect(md[0]).toBe(
      '| test | pipeline | redis ops/s | ringcache ops/s | ratio | spread | redis us/op | ringcache us/op | CPU ring/redis | redis p50 ms | ringcache p50 ms | redis p99 ms | ringcache p99 ms |',
    );
    expect(md[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md[2]).toBe('| SET | 1 | 50,000 | 25,000 | 0.50x | n/a | n/a | n/a | n/a | 0.500 | 1.100 | 1.200 | 2.500 |');
  });
});

describe('memory report', () => {
  it('parses INFO and reports ratios over redis used_memory and RSS', () => {
    const info = parseInfo('# Memory\r\nused_memory:18968896\r\nused_memory_human:18.09M\r\n');
    expect(info.get('used_memory')).toBe('18968896');
    const text = formatMemory({
      keys: { redis: 86514, ringcache: 86514 },
      valueSize: 100,
      redisUsedMemory: 20 * 1024 * 1024,
      redisRss: 30 * 1024 * 1024,
      ringcacheRssBefore: 50 * 1024 * 1024,
      ringcacheRss: 60 * 1024 * 1024,
      note: null,
    });
    expect(text).toMatch(/ringcache RSS after loading\s+60\.0 MiB/);
    expect(text).toMatch(/ringcache RSS \/ redis used_memory\s+3\.00x/);
    expect(text).toMatch(/ringcache RSS \/ redis RSS\s+2\.00x/);
    expect(text).toMatch(/ringcache RSS growth while loading\s+10\.0 MiB/);
    expect(text).toMatch(/ringcache RSS growth \/ redis used_memory\s+0\.50x/);
  });
});

describe('redisVersion', () => {
  it('shortens redis-server --version output', () => {
    expect(redisVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0\n')).toBe('redis-server 7.0.15');
    expect(redisVersion('something else')).toBe('something else');
  });
});

describe('parseOptions', () => {
  it('defaults to what users load a cache with: nine tests plus EVALSHA, 100k random keys, 64-byte values, pinned, 5 rounds', () => {
    const o = parseOptions([], {});
    expect(o).toMatchObject({
      tests: ['set', 'get', 'incr', 'lpush', 'lpop', 'sadd', 'hset', 'zadd', 'mset', 'evalsha'],
      pipelines: [1, 16],
      requests: null,
      clients: 50,
      rounds: 5,
      json: null,
      markdown: false,
      keys: 100_000,
      valueSize: 64,
      pin: true,
    });
    expect(defaultRequests(1)).toBe(100_000);
    expect(defaultRequests(16)).toBe(200_000);
  });

  it('reads flags over environment', () => {
    const o = parseOptions(['--requests', '5000', '--tests=SET,lpush', '--markdown', '--json', 'out.json'], { BENCH_REQUESTS: '7', BENCH_ROUNDS: '3' });
    expect(o).toMatchObject({ requests: 5000, tests: ['set', 'lpush'], markdown: true, json: 'out.json', rounds: 3 });
  });

  it('reads --keys (1 = the one-key mode), --value-size and --no-pin, flags over environment', () => {
    expect(parseOptions(['--keys', '1'], {}).keys).toBe(1);
    expect(parseOptions(['--keys=500', '--value-size', '3'], { BENCH_KEYS: '9' })).toMatchObject({ keys: 500, valueSize: 3 });
    expect(parseOptions([], { BENCH_KEYS: '9', BENCH_VALUE_SIZE: '100' })).toMatchObject({ keys: 9, valueSize: 100 });
    expect(parseOptions(['--no-pin'], {}).pin).toBe(false);
    expect(parseOptions([], { BENCH_PIN: '0' }).pin).toBe(false);
    expect(parseOptions(['--pin'], { BENCH_PIN: 'no' }).pin).toBe(true);
    expect(() => parseOptions(['--keys', '0'], {})).toThrow(/--keys: must be at least 1/);
    expect(() => parseOptions(['--value-size', 'big'], {})).toThrow(/--value-size: expected an integer/);
  });

  it('runs both servers with the same AOF policy when --appendfsync is given, none by default', () => {
    expect(parseOptions([], {}).appendfsync).toBeNull();
    expect(parseOptions(['--appendfsync', 'always'], {}).appendfsync).toBe('always');
    expect(parseOptions([], { BENCH_APPENDFSYNC: 'everysec' }).appendfsync).toBe('everysec');
    expect(parseOptions(['--appendfsync=off'], { BENCH_APPENDFSYNC: 'always' }).appendfsync).toBeNull();
    expect(() => parseOptions(['--appendfsync', 'sometimes'], {})).toThrow(/--appendfsync: 'sometimes'/);
  });

  it('rejects unknown tests and options and bad numbers', () => {
    expect(() => parseOptions(['--tests', 'set,nope'], {})).toThrow(OptionsError);
    expect(() => parseOptions(['--bogus', '1'], {})).toThrow(/unknown option --bogus/);
    expect(() => parseOptions(['--requests', '-1'], {})).toThrow(/--requests/);
    expect(() => parseOptions(['--requests'], {})).toThrow(/needs a value/);
    expect(() => parseOptions(['stray'], {})).toThrow(/unexpected argument/);
  });

  it('knows a probe for every test it accepts', () => {
    for (const [name, t] of Object.entries(KNOWN_TESTS)) expect(t.probe.length, name).toBeGreaterThan(0);
  });
});

describe('redis-benchmark arguments and pinning', () => {
  const o = { clients: 50, keys: 100_000, valueSize: 64 };
  it('runs a -t test alone on random keys with the value size', () => {
    expect(benchmarkArgs(o, 6379, 'zadd', 16, 200_000)).toEqual(
      ['-h', '127.0.0.1', '-p', '6379', '-n', '200000', '-c', '50', '-P', '16', '-d', '64', '-r', '100000', '-q', '--csv', '-t', 'zadd'],
    );
  });
  it('passes no -r in the one-key mode (-r 1 would still rewrite __rand_int__)', () => {
    expect(benchmarkArgs({ ...o, keys: 1 }, 1, 'set', 1, 10)).not.toContain('-r');
  });
  it('puts a custom test options and command last', () => {
    const a = benchmarkArgs({ ...o, keys: 1 }, 1, 'evalsha', 1, 10);
    expect(a.slice(-6)).toEqual(['-r', '100000', 'EVALSHA', EVALSHA_SHA, '1', 'bench:script:__rand_int__']);
    expect(a).not.toContain('-t');
  });
  it('pins with taskset on 2+ cores only, server on 0 and redis-benchmark on 1', () => {
    expect(pinCores(true, 2)).toEqual({ server: 0, client: 1 });
    expect(pinCores(true, 1)).toEqual({ server: null, client: null });
    expect(pinCores(false, 8)).toEqual({ server: null, client: null });
    expect(pinned('redis-server', ['--port', '1'], 0)).toEqual(['taskset', ['-c', '0', 'redis-server', '--port', '1']]);
    expect(pinned('redis-server', ['--port', '1'], null)).toEqual(['redis-server', ['--port', '1']]);
  });
});

describe('server CPU per request from /proc/<pid>/stat', () => {
  // A real line (node, pid 4242) with utime 1234 and stime 567 in fields 14 and 15.
  const line = '4242 (node) S 4200 4242 4200 34816 4242 4194304 29871 0 0 0 1234 567 0 0 20 0 11 0 1820339 1145937920 20000 18446744073709551615';
  it('adds utime and stime', () => {
    expect(procCpuTicks(line)).toBe(1801);
  });
  it('counts fields from the last parenthesis: a command name may hold spaces and )', () => {
    expect(procCpuTicks(line.replace('(node)', '(my (odd) name)'))).toBe(1801);
  });
  it('rejects text that is not a stat line', () => {
    expect(() => procCpuTicks('garbage')).toThrow(/not a \/proc/);
    expect(() => procCpuTicks('1 (x) S 2')).toThrow(/no utime/);
  });
  it('turns ticks into microseconds per request', () => {
    // 35 ticks at 100/s = 0.35 s over 100,000 requests = 3.5 us each.
    expect(cpuUsPerOp(1000, 1035, 100, 100_000)).toBeCloseTo(3.5, 10);
    expect(cpuUsPerOp(5, 5, 100, 10)).toBe(0);
    expect(cpuUsPerOp(5, 4, 100, 10)).toBeNull();
    expect(cpuUsPerOp(5, 6, 100, 0)).toBeNull();
  });
});

describe('noise and summary figures', () => {
  it('spreads the per-round ratios, rounds paired by index, skipping missing ones', () => {
    expect(ratioSpread([100, 200, 100], [50, 80, null])).toEqual({ min: 0.4, max: 0.5 });
    expect(ratioSpread([100], [null])).toBeNull();
  });
  it('takes the geometric mean of the positive values', () => {
    expect(geomean([0.5, 2, null])).toBeCloseTo(1, 12);
    expect(geomean([null])).toBeNull();
  });
  it('adds a geomean row per pipeline to the table', () => {
    const c = (test: string, r: number): Comparison => ({ test, pipeline: 16, requests: 1, redis: row(test, 100), ringcache: row(test, 100 * r), ratio: r, cpuRatio: 1 / r, note: null });
    const out = formatTable([c('set', 0.25), c('get', 1)]).split('\n');
    expect(out.at(-1)).toMatch(/^geomean\s+16\s+0\.50x\s+2\.00x$/);
  });
});

describe('the EVALSHA benchmark', () => {
  it('runs the script SCRIPT LOAD seeded, by its SHA1, on random keys', () => {
    const t = KNOWN_TESTS.evalsha;
    expect(EVALSHA_SHA).toBe(createHash('sha1').update(EVALSHA_SCRIPT).digest('hex'));
    expect(t?.seed).toEqual([['SCRIPT', 'LOAD', EVALSHA_SCRIPT]]);
    expect(t?.command?.slice(0, 3)).toEqual(['EVALSHA', EVALSHA_SHA, '1']);
    expect(t?.command?.[3]).toContain('__rand_int__');
    expect(t?.options).toEqual(['-r', '100000']);
    expect(parseOptions(['--tests', 'evalsha'], {}).tests).toEqual(['evalsha']);
  });
});
