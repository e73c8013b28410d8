// Pure helpers for the benchmark: options, redis-benchmark CSV parsing, redis-vs-ringcache comparison and table formatting.
import { createHash } from 'node:crypto';

/**
 * Benchmarks the harness knows, by redis-benchmark `-t` name. `probe` is one command sent to ringcache
 * before the run: an error reply like "unknown command" means the family has not landed yet, and the
 * test is reported as n/a instead of hanging redis-benchmark on error replies. Adding a benchmark
 * (LPUSH, SADD, ...) is adding a line here; `--tests` accepts any name in this table.
 */
/**
 * A benchmark test: `probe` checks ringcache supports it. Tests with a `command` are not
 * redis-benchmark -t tests: the command is passed to redis-benchmark verbatim (custom command
 * mode), after `seed` commands prepared the data on both servers.
 */
export interface KnownTest {
  readonly probe: readonly string[];
  readonly command?: readonly string[];
  readonly seed?: readonly (readonly string[])[];
  /** redis-benchmark options for this test's runs only (e.g. -r for __rand_int__ keys). */
  readonly options?: readonly string[];
}

/**
 * The scripting benchmark: a small script of the shape rate limiters and counters use (GET + INCR +
 * EXPIRE on the key in KEYS), run by EVALSHA after SCRIPT LOAD on both servers (the SHA1 of the
 * body is what SCRIPT LOAD answers), on 100,000 random keys.
 */
export const EVALSHA_SCRIPT = "local v = redis.call('GET', KEYS[1]) redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], 3600) return v";
export const EVALSHA_SHA = createHash('sha1').update(EVALSHA_SCRIPT).digest('hex');

const ZRANGE_SEED = ['ZADD', 'bench:zset', ...Array.from({ length: 100 }, (_, i) => [String(i), `member:${i}`]).flat()];

export const KNOWN_TESTS: Readonly<Record<string, KnownTest>> = {
  ping: { probe: ['PING'] },
  set: { probe: ['SET', 'bench:probe:string', 'x'] },
  get: { probe: ['GET', 'bench:probe:string'] },
  incr: { probe: ['INCR', 'bench:probe:counter'] },
  mset: { probe: ['MSET', 'bench:probe:m1', 'x', 'bench:probe:m2', 'y'] },
  lpush: { probe: ['LPUSH', 'bench:probe:list', 'x'] },
  rpush: { probe: ['RPUSH', 'bench:probe:list', 'x'] },
  lpop: { probe: ['LPOP', 'bench:probe:list'] },
  rpop: { probe: ['RPOP', 'bench:probe:list'] },
  lrange_100: { probe: ['LRANGE', 'bench:probe:list', '0', '99'] },
  sadd: { probe: ['SADD', 'bench:probe:set', 'x'] },
  spop: { probe: ['SPOP', 'bench:probe:set'] },
  hset: { probe: ['HSET', 'bench:probe:hash', 'f', 'x'] },
  zadd: { probe: ['ZADD', 'bench:probe:zset', '1', 'x'] },
  zpopmin: { probe: ['ZPOPMIN', 'bench:probe:zset'] },
  zrange: { probe: ['ZRANGE', 'bench:probe:zset', '0', '9'], command: ['ZRANGE', 'bench:zset', '0', '9'], seed: [ZRANGE_SEED] },
  evalsha: {
    probe: ['EVAL', 'return 1', '0'],
    command: ['EVALSHA', EVALSHA_SHA, '1', 'bench:script:__rand_int__'],
    seed: [['SCRIPT', 'LOAD', EVALSHA_SCRIPT]],
    options: ['-r', '100000'],
  },
  // The data families of issue 16: SETBIT on random keys (redis-benchmark's __rand_int__ is
  // zero-padded, which no bit offset parser accepts), BITCOUNT of a 125 KB bitmap, random elements
  // into one HyperLogLog (dense after ~1,500), random members into a geo set (all at Palermo) and a
  // 100 km search around Catania, which the added members stay out of.
  setbit: { probe: ['SETBIT', 'bench:probe:bitmap', '7', '1'], command: ['SETBIT', 'bench:bitmap:__rand_int__', '7', '1'], options: ['-r', '100000'] },
  bitcount: { probe: ['BITCOUNT', 'bench:probe:bitmap'], command: ['BITCOUNT', 'bench:bitmap'], seed: [['SETBIT', 'bench:bitmap', '1000000', '1']] },
  pfadd: { probe: ['PFADD', 'bench:probe:hll', 'x'], command: ['PFADD', 'bench:hll', 'el:__rand_int__'], options: ['-r', '1000000'] },
  pfcount: { probe: ['PFCOUNT', 'bench:probe:hll'], command: ['PFCOUNT', 'bench:hll'], seed: [['PFADD', 'bench:hll', 'a', 'b', 'c', 'd', 'e']] },
  geoadd: { probe: ['GEOADD', 'bench:probe:geo', '13.36', '38.11', 'x'], command: ['GEOADD', 'bench:geo', '13.361389', '38.115556', 'm:__rand_int__'], options: ['-r', '100000'] },
  geosearch: {
    probe: ['GEOSEARCH', 'bench:probe:geo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    command: ['GEOSEARCH', 'bench:geo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km', 'ASC', 'COUNT', '10'],
    seed: [['GEOADD', 'bench:geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '14.2681', '40.8518', 'Napoli']],
  },
};

/** What users load a cache with (issue 19): the nine redis-benchmark tests plus the scripting one. */
export const DEFAULT_TESTS: readonly string[] = ['set', 'get', 'incr', 'lpush', 'lpop', 'sadd', 'hset', 'zadd', 'mset', 'evalsha'];

export interface BenchOptions {
  /** redis-benchmark -t names, in order. */
  tests: string[];
  pipelines: number[];
  /** Requests per run when given; otherwise `defaultRequests(pipeline)`. */
  requests: number | null;
  clients: number;
  /** Alternating redis/ringcache runs per pipeline; medians are reported. */
  rounds: number;
  json: string | null;
  markdown: boolean;
  /** Memory comparison: keyspace size (-r), value size (-d), requests; 0 keys skips it. */
  memoryKeys: number;
  memoryValueSize: number;
  memoryRequests: number;
  /** AOF on both servers with this fsync policy, or null for no persistence (the default). */
  appendfsync: 'always' | 'everysec' | 'no' | null;
  /** Keyspace of the run (redis-benchmark -r); 1 = every test hits one key (no -r), the old mode. */
  keys: number;
  /** Value size in bytes (redis-benchmark -d). */
  valueSize: number;
  /** Pin the server to core 0 and redis-benchmark to core 1 (taskset) when the machine has 2+ cores. */
  pin: boolean;
  redisServer: string;
  redisBenchmark: string;
  redisCli: string;
  help: boolean;
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** Default request counts: pipelined runs are cheap per request, so they get more to last long enough. */
export function defaultRequests(pipeline: number): number {
  return pipeline > 1 ? 200_000 : 100_000;
}

export const USAGE = `Usage: npm run bench -- [options]     (or node dist/scripts/bench/bench.js [options])
Compares redis-server and ringcache with redis-benchmark on free loopback ports, in one run.

  --tests a,b          test names (default ${DEFAULT_TESTS.join(',')}; known: ${Object.keys(KNOWN_TESTS).join(',')})   env BENCH_TESTS
  --keys N             random keys, redis-benchmark -r N (default 100000; 1 = one key per test) env BENCH_KEYS
  --value-size N       value bytes, redis-benchmark -d N (default 64)                          env BENCH_VALUE_SIZE
  --no-pin             do not pin (default: server on core 0, redis-benchmark on core 1 when 2+ cores)  env BENCH_PIN=0
  --requests N         requests per run (default 100000 at -P 1, 200000 when pipelined)      env BENCH_REQUESTS
  --pipelines 1,16     pipeline depths (default 1,16)                                          env BENCH_PIPELINES
  --clients N          parallel connections (default 50)                                       env BENCH_CLIENTS
  --rounds N           alternating runs per pipeline, medians reported (default 5)             env BENCH_ROUNDS
  --json FILE          also write the results as JSON                                          env BENCH_JSON
  --markdown           also print markdown tables (for docs/benchmarks.md)                     env BENCH_MARKDOWN=1
  --memory-keys N      keyspace for the memory comparison, 0 skips it (default 100000)         env BENCH_MEMORY_KEYS
  --memory-value N     value size in bytes for the memory comparison (default 100)             env BENCH_MEMORY_VALUE
  --memory-requests N  SETs for the memory comparison (default 200000)                         env BENCH_MEMORY_REQUESTS
  --appendfsync P      AOF on both servers with fsync policy always|everysec|no (default off)  env BENCH_APPENDFSYNC
  --redis-server P, --redis-benchmark P, --redis-cli P   binaries (default from PATH)          env REDIS_SERVER, ...
`;

function positiveInt(name: string, raw: string, min = 1): number {
  if (!/^\d+$/.test(raw.trim())) throw new OptionsError(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new OptionsError(`${name}: must be at least ${min}, got ${raw}`);
  return n;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/** Parses argv (`--name value`, `--name=value`) over BENCH_* / REDIS_* environment defaults; flags win. */
export function parseOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchOptions {
  const raw = new Map<string, string>();
  const fromEnv: Record<string, string> = {
    BENCH_TESTS: 'tests',
    BENCH_REQUESTS: 'requests',
    BENCH_PIPELINES: 'pipelines',
    BENCH_CLIENTS: 'clients',
    BENCH_ROUNDS: 'rounds',
    BENCH_JSON: 'json',
    BENCH_MARKDOWN: 'markdown',
    BENCH_MEMORY_KEYS: 'memory-keys',
    BENCH_MEMORY_VALUE: 'memory-value',
    BENCH_MEMORY_REQUESTS: 'memory-requests',
    BENCH_APPENDFSYNC: 'appendfsync',
    BENCH_KEYS: 'keys',
    BENCH_VALUE_SIZE: 'value-size',
    BENCH_PIN: 'pin',
    REDIS_SERVER: 'redis-server',
    REDIS_BENCHMARK: 'redis-benchmark',
    REDIS_CLI: 'redis-cli',
  };
  for (const [k, name] of Object.entries(fromEnv)) {
    const v = env[k];
    if (v !== undefined && v !== '') raw.set(name, v);
  }
  const booleans = new Set(['markdown', 'help', 'pin']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h') {
      raw.set('help', '1');
      continue;
    }
    if (a === '--no-pin') {
      raw.set('pin', '0');
      continue;
    }
    if (!a.startsWith('--')) throw new OptionsError(`unexpected argument '${a}' (options look like --requests 100000)`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else if (booleans.has(name)) {
      value = '1';
    } else {
      value = argv[++i];
      if (value === undefined) throw new OptionsError(`--${name} needs a value`);
    }
    raw.set(name, value);
  }
  const known = new Set([...Object.values(fromEnv), ...booleans]);
  for (const name of raw.keys()) if (!known.has(name)) throw new OptionsError(`unknown option --${name}`);

  const truthy = (v: string | undefined): boolean => v !== undefined && !/^(0|no|false)$/i.test(v);
  const tests = list(raw.get('tests') ?? DEFAULT_TESTS.join(','));
  if (tests.length === 0) throw new OptionsError('--tests: no test names given');
  for (const t of tests) {
    if (!(t in KNOWN_TESTS)) throw new OptionsError(`--tests: unknown test '${t}' (known: ${Object.keys(KNOWN_TESTS).join(', ')})`);
  }
  const pipelines = list(raw.get('pipelines') ?? '1,16').map((p) => positiveInt('--pipelines', p));
  if (pipelines.length === 0) throw new OptionsError('--pipelines: no pipeline depths given');
  const req = raw.get('requests');
  const fsync = raw.get('appendfsync') ?? 'off';
  if (!['off', 'always', 'everysec', 'no'].includes(fsync)) throw new OptionsError(`--appendfsync: '${fsync}' is not one of off, always, everysec, no`);
  return {
    tests,
    pipelines,
    requests: req === undefined ? null : positiveInt('--requests', req),
    clients: positiveInt('--clients', raw.get('clients') ?? '50'),
    rounds: positiveInt('--rounds', raw.get('rounds') ?? '5'),
    json: raw.get('json') ?? null,
    markdown: truthy(raw.get('markdown')),
    memoryKeys: positiveInt('--memory-keys', raw.get('memory-keys') ?? '100000', 0),
    memoryValueSize: positiveInt('--memory-value', raw.get('memory-value') ?? '100'),
    memoryRequests: positiveInt('--memory-requests', raw.get('memory-requests') ?? '200000'),
    appendfsync: fsync === 'off' ? null : (fsync as 'always' | 'everysec' | 'no'),
    keys: positiveInt('--keys', raw.get('keys') ?? '100000'),
    valueSize: positiveInt('--value-size', raw.get('value-size') ?? '64'),
    pin: raw.has('pin') ? truthy(raw.get('pin')) : true,
    redisServer: raw.get('redis-server') ?? 'redis-server',
    redisBenchmark: raw.get('redis-benchmark') ?? 'redis-benchmark',
    redisCli: raw.get('redis-cli') ?? 'redis-cli',
    help: truthy(raw.get('help')),
  };
}

/** One line of `redis-benchmark --csv` output. Latencies are null when this redis-benchmark omits them. */
export interface BenchRow {
  /** Normalized test name: the label's first word, lowercased (`LRANGE_100 (first 100 elements)` -> `lrange_100`). */
  test: string;
  /** The label as printed. */
  label: string;
  rps: number;
  avgMs: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Server CPU (user + system, all threads) per request in microseconds, from /proc; null when unknown. */
  cpuUsPerOp?: number | null;
}

/** The redis-benchmark arguments of one test's run (each test runs alone so its server CPU can be attributed). */
export function benchmarkArgs(opts: Pick<BenchOptions, 'clients' | 'keys' | 'valueSize'>, port: number, test: string, pipeline: number, requests: number): string[] {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-c', String(opts.clients), '-P', String(pipeline), '-d', String(opts.valueSize)];
  // -r 1 would still rewrite __rand_int__ (to 000000000000): the one-key mode passes no -r at all.
  if (opts.keys > 1) args.push('-r', String(opts.keys));
  args.push('-q', '--csv');
  const known = KNOWN_TESTS[test];
  // A test's own options come last: redis-benchmark keeps the last -r it reads.
  if (known?.options) for (const o of known.options) args.push(o);
  if (known?.command) for (const c of known.command) args.push(c);
  else args.push('-t', test);
  return args;
}

/** `cmd args` run on one core (`taskset -c core`), or as is when core is null. Threads inherit the mask. */
export function pinned(cmd: string, args: readonly string[], core: number | null): [string, string[]] {
  return core === null ? [cmd, [...args]] : ['taskset', ['-c', String(core), cmd, ...args]];
}

/** The cores to pin to: server on 0, redis-benchmark on 1, or none when asked not to or on one core. */
export function pinCores(pin: boolean, cpus: number): { server: number | null; client: number | null } {
  return pin && cpus >= 2 ? { server: 0, client: 1 } : { server: null, client: null };
}

/**
 * utime + stime (clock ticks, all threads) from the text of /proc/<pid>/stat. The command name (field 2)
 * is in parentheses and may itself hold spaces or ')', so fields are counted from the last ')':
 * after it come state (3), ... utime (14), stime (15).
 */
export function procCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime)) throw new Error(`no utime/stime in /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** Microseconds of server CPU per request between two tick readings; null without requests. */
export function cpuUsPerOp(ticksBefore: number, ticksAfter: number, ticksPerSecond: number, requests: number): number | null {
  if (requests <= 0 || ticksPerSecond <= 0 || ticksAfter < ticksBefore) return null;
  return ((ticksAfter - ticksBefore) / ticksPerSecond) * 1e6 / requests;
}

/** Min and max of the per-round ringcache/redis ratios (rounds paired by index): the noise estimate. */
export function ratioSpread(redis: readonly (number | null)[], ringcache: readonly (number | null)[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < Math.min(redis.length, ringcache.length); i++) {
    const r = ratio(ringcache[i], redis[i]);
    if (r === null) continue;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return min === Infinity ? null : { min, max };
}

/** Geometric mean of the positive values; null when there are none. */
export function geomean(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || !(v > 0)) continue;
    sum += Math.log(v);
    n++;
  }
  return n === 0 ? null : Math.exp(sum / n);
}

/** Splits one CSV line with double-quoted fields (redis-benchmark quotes every field, `""` escapes a quote). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated quote in CSV line: ${line}`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i];
        i++;
      }
      out.push(v);
      if (i < line.length && line[i] !== ',') throw new Error(`unexpected character after quoted field in CSV line: ${line}`);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop).trim());
      i = stop + 1;
    }
  }
  return out;
}

/** Normalized test name from a redis-benchmark label. */
export function testName(label: string): string {
  return (label.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

/**
 * Parses `redis-benchmark --csv` output. Header-driven, so it works with the 7.x columns
 * ("test","rps","avg_latency_ms",...,"p50_latency_ms",...,"p99_latency_ms",...) and the older two-column
 * form ("test","rps"). Lines that are not CSV rows (server error messages, blank lines) are ignored, as are
 * helper rows such as "LPUSH (needed to benchmark LRANGE)".
 */
export function parseBenchmarkCsv(text: string): BenchRow[] {
  let header: string[] | null = null;
  const rows: BenchRow[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line.startsWith('"')) continue;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch {
      continue;
    }
    if (fields[0] === 'test') {
      header = fields;
      continue;
    }
    const cols = header ?? ['test', 'rps'];
    const get = (name: string): string | undefined => {
      const idx = cols.indexOf(name);
      return idx < 0 ? undefined : fields[idx];
    };
    const num = (name: string): number | null => {
      const v = get(name);
      if (v === undefined || v === '') return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    };
    const label = get('test') ?? '';
    const rps = num('rps');
    if (label === '' || rps === null || /needed to benchmark/i.test(label)) continue;
    rows.push({ test: testName(label), label, rps, avgMs: num('avg_latency_ms'), p50Ms: num('p50_latency_ms'), p99Ms: num('p99_latency_ms') });
  }
  return rows;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median of several runs of the same test (rps and each latency separately); null without samples. */
export function combineRuns(samples: readonly BenchRow[]): BenchRow | null {
  const first = samples[0];
  if (!first) return null;
  const m = (pick: (r: BenchRow) => number | null): number | null => median(samples.map(pick).filter((v): v is number => v !== null));
  return {
    test: first.test,
    label: first.label,
    rps: m((r) => r.rps) ?? 0,
    avgMs: m((r) => r.avgMs),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    cpuUsPerOp: m((r) => r.cpuUsPerOp ?? null),
  };
}

export interface Comparison {
  test: string;
  pipeline: number;
  requests: number;
  redis: BenchRow | null;
  ringcache: BenchRow | null;
  /** ringcache ops/s divided by redis ops/s (1.0 = as fast as Redis); null when either side is missing. */
  ratio: number | null;
  /** Min-max of the per-round ratios (the noise estimate); absent or null with fewer than one pair. */
  spread?: { min: number; max: number } | null;
  /** ringcache server CPU per request over redis-server's (1.0 = as cheap); null when either is unknown. */
  cpuRatio?: number | null;
  /** Why a side is missing (e.g. the command is not implemented yet). */
  note: string | null;
}

export function ratio(ringcache: number | null | undefined, redis: number | null | undefined): number | null {
  if (ringcache === null || ringcache === undefined || redis === null || redis === undefined || redis <= 0) return null;
  return ringcache / redis;
}

export function formatOps(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}

export function formatRatio(r: number | null): string {
  return r === null ? 'n/a' : `${r.toFixed(2)}x`;
}

export function formatUs(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : n.toFixed(2);
}

export function formatMs(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : n.toFixed(3);
}

/** True when any row carries latency percentiles (then the tables get p50/p99 columns). */
export function hasLatency(rows: readonly Comparison[]): boolean {
  return rows.some((c) => [c.redis, c.ringcache].some((r) => r !== null && (r.p50Ms !== null || r.p99Ms !== null)));
}

function tableCells(rows: readonly Comparison[]): { head: string[]; body: string[][]; right: boolean[] } {
  const lat = hasLatency(rows);
  const head = ['test', 'pipeline', 'redis ops/s', 'ringcache ops/s', 'ratio', 'spread', 'redis us/op', 'ringcache us/op', 'CPU ring/redis'];
  if (lat) head.push('redis p50 ms', 'ringcache p50 ms', 'redis p99 ms', 'ringcache p99 ms');
  const body = rows.map((c) => {
    const cells = [
      c.test.toUpperCase(),
      String(c.pipeline),
      formatOps(c.redis?.rps),
      formatOps(c.ringcache?.rps),
      formatRatio(c.ratio),
      c.spread ? `${c.spread.min.toFixed(2)}-${c.spread.max.toFixed(2)}` : 'n/a',
      formatUs(c.redis?.cpuUsPerOp),
      formatUs(c.ringcache?.cpuUsPerOp),
      formatRatio(c.cpuRatio ?? null),
    ];
    if (lat) cells.push(formatMs(c.redis?.p50Ms), formatMs(c.ringcache?.p50Ms), formatMs(c.redis?.p99Ms), formatMs(c.ringcache?.p99Ms));
    return cells;
  });
  // One geometric-mean row per pipeline depth when it has two or more tests to summarise.
  for (const p of [...new Set(rows.map((c) => c.pipeline))]) {
    const of = rows.filter((c) => c.pipeline === p);
    if (of.length < 2) continue;
    const cells = ['geomean', String(p), '', '', formatRatio(geomean(of.map((c) => c.ratio))), '', '', '', formatRatio(geomean(of.map((c) => c.cpuRatio ?? null)))];
    if (lat) cells.push('', '', '', '');
    body.push(cells);
  }
  return { head, body, right: head.map((_, i) => i > 0) };
}

/** Aligned plain-text table for the terminal; notes (n/a reasons) follow it. */
export function formatTable(rows: readonly Comparison[]): string {
  const { head, body, right } = tableCells(rows);
  const widths = head.map((h, i) => body.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const c of rows) if (c.note) out.push(`note: ${c.test.toUpperCase()} -P ${c.pipeline}: ${c.note}`);
  return out.join('\n');
}

/** The same table in GitHub markdown (numbers right-aligned), for docs/benchmarks.md. */
export function formatMarkdown(rows: readonly Comparison[]): string {
  const { head, body, right } = tableCells(rows);
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [row(head), `|${right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`, ...body.map(row)].join('\n');
}

/** `key:value` lines of an INFO reply. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

export interface MemoryReport {
  keys: { redis: number | null; ringcache: number | null };
  valueSize: number;
  /** Bytes. */
  redisUsedMemory: number | null;
  redisRss: number | null;
  ringcacheRssBefore: number | null;
  ringcacheRss: number | null;
  note: string | null;
}

export function formatBytes(n: number | null): string {
  if (n === null) return 'n/a';
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Rows of the memory comparison: label, value. Ratios are ringcache over redis. */
export function redisVersion(versionOutput: string): string {
  const v = /\bv=(\S+)/.exec(versionOutput)?.[1];
  return v ? `redis-server ${v}` : versionOutput.trim() || 'redis-server (unknown version)';
}

/** Rows of the memory comparison: label, value. Ratios are ringcache over redis. */
export function memoryRows(m: MemoryReport): [string, string][] {
  const growth = m.ringcacheRss !== null && m.ringcacheRssBefore !== null ? m.ringcacheRss - m.ringcacheRssBefore : null;
  const rows: [string, string][] = [
    ['keys loaded (redis / ringcache)', `${m.keys.redis ?? 'n/a'} / ${m.keys.ringcache ?? 'n/a'} (values of ${m.valueSize} B)`],
    ['redis used_memory', formatBytes(m.redisUsedMemory)],
    ['redis RSS', formatBytes(m.redisRss)],
    ['ringcache RSS before loading', formatBytes(m.ringcacheRssBefore)],
    ['ringcache RSS after loading', formatBytes(m.ringcacheRss)],
    ['ringcache RSS growth while loading', formatBytes(growth)],
    ['ratio: ringcache RSS / redis used_memory', formatRatio(ratio(m.ringcacheRss, m.redisUsedMemory))],
    ['ratio: ringcache RSS / redis RSS', formatRatio(ratio(m.ringcacheRss, m.redisRss))],
    // The node's empty-process baseline (V8 heap, code) dominates small datasets; growth isolates the data.
    ['ratio: ringcache RSS growth / redis used_memory', formatRatio(ratio(growth, m.redisUsedMemory))],
  ];
  if (m.note) rows.push(['note', m.note]);
  return rows;
}

export function formatMemory(m: MemoryReport, markdown = false): string {
  const rows = memoryRows(m);
  if (markdown) return ['| memory | value |', '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  const w = rows.reduce((m, [k]) => Math.max(m, k.length), 0);
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
