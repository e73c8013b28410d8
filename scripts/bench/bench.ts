// Benchmark: runs redis-benchmark against a local redis-server and a ringcache node in one run and compares them.
//
// Both servers run on free loopback ports and are killed by PID at the end, on errors and on SIGINT/SIGTERM.
// Runs alternate between the two servers (and the order flips every round), so machine load drift hits both.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BenchOptions,
  type BenchRow,
  type Comparison,
  type MemoryReport,
  KNOWN_TESTS,
  OptionsError,
  USAGE,
  benchmarkArgs,
  combineRuns,
  cpuUsPerOp,
  pinCores,
  pinned,
  procCpuTicks,
  ratioSpread,
  defaultRequests,
  formatMarkdown,
  formatMemory,
  formatTable,
  parseBenchmarkCsv,
  parseInfo,
  parseOptions,
  ratio,
  redisVersion,
} from './report.js';

type Target = 'redis' | 'ringcache';

/** Where the server (and its threads) and redis-benchmark run; set once in main from the options. */
let cores: { server: number | null; client: number | null } = { server: null, client: null };

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process so far, or null where /proc is not there (not Linux) or it exited. */
function cpuTicks(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return procCpuTicks(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

/** The repo root: the nearest ancestor with package.json (works from dist/scripts/bench and scripts/bench). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

// --- process bookkeeping: everything we spawn is killed by PID on the way out ------------------------

const children = new Set<ChildProcess>();
let tmpDir: string | null = null;

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, sig);
    } catch {
      // exited between the check and the signal
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c).catch(() => undefined)));
  if (tmpDir) {
    rmSync(tmpDir, { recursive: true, force: true });
    tmpDir = null;
  }
}

/** Synchronous last resort for process.on('exit'): no awaiting there. */
function killAllNow(): void {
  for (const c of children) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
}

// --- small network and process helpers -----------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Sends one command and returns the first line of the reply (`+PONG`, `-ERR ...`, `:42`, `$3`). */
function firstReplyLine(port: number, args: readonly string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply from 127.0.0.1:${port} to ${args[0] ?? ''}`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(encodeCommand(args)));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) {
        clearTimeout(timer);
        sock.destroy();
        resolve(buf.slice(0, nl));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    });
  });
}

async function waitForResp(port: number, child: ChildProcess, what: string, stderr: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited during startup (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    }
    try {
      // Any RESP reply (even -ERR while PING is not implemented) means the listener is up.
      await firstReplyLine(port, ['PING'], 500);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${what} did not answer on 127.0.0.1:${port} within ${timeoutMs} ms: ${stderr().trim()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function run(cmd: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') reject(new Error(`${cmd} not found (install redis-tools / redis-server: apt-get install -y redis-tools redis-server)`));
        else if (e.killed) reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms`));
        else reject(new Error(`${cmd} ${args.join(' ')} failed: ${String(stderr).trim() || e.message}`));
        return;
      }
      resolve(String(stdout));
    });
    track(child);
  });
}

function rssBytes(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return Promise.resolve(null);
  return run('ps', ['-o', 'rss=', '-p', String(pid)], 5000).then(
    (out) => {
      const kb = Number(out.trim());
      return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
    },
    () => null,
  );
}

// --- servers ------------------------------------------------------------------------------------

interface Server {
  target: Target;
  port: number;
  child: ChildProcess;
  httpPort?: number;
}

function captured(child: ChildProcess): () => string {
  let text = '';
  const add = (d: Buffer): void => {
    text = (text + d.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}

/** Persistence flags both servers share: snapshots off; the AOF only with --appendfsync, same policy on both. */
function persistenceArgs(opts: BenchOptions): string[] {
  const args = ['--save', ''];
  if (opts.appendfsync === null) args.push('--appendonly', 'no');
  else args.push('--appendonly', 'yes', '--appendfsync', opts.appendfsync);
  return args;
}

async function startRedis(opts: BenchOptions, dir: string): Promise<Server> {
  const port = await freePort();
  const redisDir = path.join(dir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  const [cmd, args] = pinned(opts.redisServer, ['--port', String(port), ...persistenceArgs(opts), '--dir', redisDir, '--bind', '127.0.0.1', '--daemonize', 'no'], cores.server);
  // taskset execs the server, so the child's pid is the server's (its /proc/<pid>/stat counts all its threads).
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = captured(child);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? `${opts.redisServer} not found (apt-get install -y redis-server)` : e.message)),
    ),
  );
  await Promise.race([waitForResp(port, child, 'redis-server', out), spawnError]);
  return { target: 'redis', port, child };
}

async function startRingcache(opts: BenchOptions, root: string, dir: string): Promise<Server> {
  const main = path.join(root, 'dist/cmd/ringcache/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first (npm run bench does)`);
  const port = await freePort();
  let httpPort = await freePort();
  while (httpPort === port) httpPort = await freePort();
  const args = [main, '--port', String(port), '--bind', '127.0.0.1', '--http-port', String(httpPort), '--http-bind', '127.0.0.1'];
  // Gossip on any free port: never collide with a local cluster on 7946.
  args.push('--dir', path.join(dir, 'data'), '--log-dir', path.join(dir, 'logs'), '--node-id', 'bench', '--loglevel', 'warn', '--cluster-gossip-port', '0');
  for (const a of persistenceArgs(opts)) args.push(a);
  const [cmd, argv] = pinned(process.execPath, args, cores.server);
  const child = track(spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir }));
  const out = captured(child);
  await waitForResp(port, child, 'ringcache', out);
  return { target: 'ringcache', port, child, httpPort };
}

/** Which tests ringcache can run now: a probe command per test; an error reply marks it unsupported. */
async function probeRingcache(port: number, tests: readonly string[]): Promise<Map<string, string>> {
  const unsupported = new Map<string, string>();
  for (const t of tests) {
    const probe = KNOWN_TESTS[t]?.probe ?? [t.toUpperCase()];
    const reply = await firstReplyLine(port, probe);
    if (reply.startsWith('-')) unsupported.set(t, `ringcache answered ${probe[0] ?? t}: ${reply.slice(1).trim()}`);
  }
  // Leave no probe keys behind: they would count in the memory comparison.
  await firstReplyLine(port, ['DEL', ...new Set(Object.values(KNOWN_TESTS).flatMap((k) => (k.probe[1] ? [k.probe[1]] : [])))]).catch(() => '');
  return unsupported;
}

async function keyCount(server: Server): Promise<number | null> {
  const reply = await firstReplyLine(server.port, ['DBSIZE']).catch(() => '');
  if (reply.startsWith(':')) return Number(reply.slice(1));
  if (server.httpPort !== undefined) {
    // Until DBSIZE lands on ringcache, its /health reports the key count.
    try {
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/health`);
      const body = (await res.json()) as { keys?: unknown };
      if (typeof body.keys === 'number') return body.keys;
    } catch {
      // fall through
    }
  }
  return null;
}

// --- the benchmark ------------------------------------------------------------------------------

/** One test's run against one server, with the server's CPU per request measured around it. */
async function benchmark(opts: BenchOptions, server: Server, test: string, pipeline: number, requests: number): Promise<BenchRow[]> {
  // Generous: 100k unpipelined requests at a slow 5k ops/s take 20 s.
  const timeoutMs = Math.max(120_000, (requests / 2000) * 1000);
  const before = cpuTicks(server.child.pid);
  const [cmd, args] = pinned(opts.redisBenchmark, benchmarkArgs(opts, server.port, test, pipeline, requests), cores.client);
  const rows = parseBenchmarkCsv(await run(cmd, args, timeoutMs));
  const after = cpuTicks(server.child.pid);
  if (rows.length === 0) throw new Error(`no CSV rows from redis-benchmark ${test} against ${server.target}`);
  const us = before === null || after === null ? null : cpuUsPerOp(before, after, TICKS_PER_SECOND, requests);
  return rows.map((r) => ({ ...r, cpuUsPerOp: us }));
}

/** Prepares the data custom-command tests read (the same on both servers). */
async function seed(opts: BenchOptions, server: Server, tests: readonly string[]): Promise<void> {
  for (const t of tests) for (const cmd of KNOWN_TESTS[t]?.seed ?? []) await run(opts.redisCli, ['-h', '127.0.0.1', '-p', String(server.port), ...cmd], 30_000);
}

async function measureMemory(opts: BenchOptions, redis: Server, ring: Server, ringOk: boolean): Promise<MemoryReport> {
  const load = (s: Server): Promise<string> =>
    run(
      opts.redisBenchmark,
      ['-h', '127.0.0.1', '-p', String(s.port), '-t', 'set', '-r', String(opts.memoryKeys), '-d', String(opts.memoryValueSize), '-n', String(opts.memoryRequests), '-c', String(opts.clients), '-P', '16', '-q', '--csv'],
      300_000,
    );
  const report: MemoryReport = {
    keys: { redis: null, ringcache: null },
    valueSize: opts.memoryValueSize,
    redisUsedMemory: null,
    redisRss: null,
    ringcacheRssBefore: await rssBytes(ring.child.pid),
    ringcacheRss: null,
    note: null,
  };
  log(`memory: loading up to ${opts.memoryKeys} keys of ${opts.memoryValueSize} B into redis-server...`);
  await load(redis);
  const info = parseInfo(await run(opts.redisCli, ['-h', '127.0.0.1', '-p', String(redis.port), 'info', 'memory'], 10_000));
  const used = Number(info.get('used_memory'));
  report.redisUsedMemory = Number.isFinite(used) ? used : null;
  report.redisRss = await rssBytes(redis.child.pid);
  report.keys.redis = await keyCount(redis);
  if (!ringOk) {
    report.note = 'ringcache does not implement SET yet; no ringcache figures';
    return report;
  }
  log('memory: loading the same keyspace into ringcache...');
  await load(ring);
  // Let the event loop settle and V8 finish incremental GC work started by the load.
  await new Promise((r) => setTimeout(r, 1000));
  report.ringcacheRss = await rssBytes(ring.child.pid);
  report.keys.ringcache = await keyCount(ring);
  return report;
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof OptionsError) {
      log(`bench: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = repoRoot();
  cores = pinCores(opts.pin, os.cpus().length);
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-bench-'));

  const redis = await startRedis(opts, tmpDir);
  const ring = await startRingcache(opts, root, tmpDir);
  log(`redis-server pid ${redis.child.pid ?? '?'} on 127.0.0.1:${redis.port}; ringcache pid ${ring.child.pid ?? '?'} on 127.0.0.1:${ring.port}`);

  const unsupported = await probeRingcache(ring.port, [...new Set([...opts.tests, 'set'])]);
  const ringTests = opts.tests.filter((t) => !unsupported.has(t));
  for (const [t, why] of unsupported) if (opts.tests.includes(t)) log(`warning: ${t.toUpperCase()} skipped on ringcache: ${why}`);

  const memory = opts.memoryKeys > 0 ? await measureMemory(opts, redis, ring, !unsupported.has('set')) : null;

  await seed(opts, redis, opts.tests);
  await seed(opts, ring, ringTests);

  // Samples by target/pipeline/test, indexed by round so rounds pair up for the ratio spread.
  const samples = new Map<string, (BenchRow | null)[]>();
  const add = (target: Target, pipeline: number, round: number, rows: readonly BenchRow[]): void => {
    for (const r of rows) {
      const k = `${target}/${pipeline}/${r.test}`;
      const list = samples.get(k) ?? [];
      list[round] = r;
      samples.set(k, list);
    }
  };
  // An unmeasured pass first: ringcache's first seconds are JIT compilation, which the first
  // round would otherwise charge to its ops/s and CPU per request (both servers, so data is alike).
  for (const s of [redis, ring]) {
    const tests = s.target === 'redis' ? opts.tests : ringTests;
    log(`warming up ${s.target}...`);
    for (const t of tests) await benchmark(opts, s, t, 16, Math.min(20_000, opts.requests ?? 20_000));
  }
  let flip = false;
  for (const pipeline of opts.pipelines) {
    const requests = opts.requests ?? defaultRequests(pipeline);
    for (let round = 0; round < opts.rounds; round++) {
      // ABBA order across rounds and pipelines: neither server always runs first.
      const order: Server[] = flip ? [ring, redis] : [redis, ring];
      flip = !flip;
      for (const s of order) {
        const tests = s.target === 'redis' ? opts.tests : ringTests;
        if (tests.length === 0) continue;
        log(`running ${tests.join(',')} -P ${pipeline} -n ${requests} -c ${opts.clients} -r ${opts.keys} against ${s.target} (round ${round + 1}/${opts.rounds})...`);
        for (const t of tests) add(s.target, pipeline, round, await benchmark(opts, s, t, pipeline, requests));
      }
    }
  }

  const comparisons: Comparison[] = [];
  for (const pipeline of opts.pipelines) {
    for (const test of opts.tests) {
      const rs = samples.get(`redis/${pipeline}/${test}`) ?? [];
      const cs = samples.get(`ringcache/${pipeline}/${test}`) ?? [];
      const present = (xs: (BenchRow | null)[]): BenchRow[] => xs.filter((x): x is BenchRow => x !== null && x !== undefined);
      const r = combineRuns(present(rs));
      const c = combineRuns(present(cs));
      comparisons.push({
        test,
        pipeline,
        requests: opts.requests ?? defaultRequests(pipeline),
        redis: r,
        ringcache: c,
        ratio: ratio(c?.rps, r?.rps),
        spread: ratioSpread(
          Array.from({ length: opts.rounds }, (_, i) => rs[i]?.rps ?? null),
          Array.from({ length: opts.rounds }, (_, i) => cs[i]?.rps ?? null),
        ),
        cpuRatio: ratio(c?.cpuUsPerOp, r?.cpuUsPerOp),
        note: unsupported.get(test) ?? null,
      });
    }
  }

  const redisName = await run(opts.redisServer, ['--version'], 5000).then(redisVersion, () => 'redis-server (unknown version)');
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  const header = `ringcache ${pkg.version ?? '?'} vs ${redisName}; node ${process.version}; ${os.cpus().length} x ${cpu}; -c ${opts.clients}, ${opts.keys > 1 ? `-r ${opts.keys}` : 'one key'}, -d ${opts.valueSize}, ${cores.server === null ? 'unpinned' : `server on core ${cores.server}, redis-benchmark on core ${cores.client ?? '?'}`}, ${opts.rounds} round(s), median, spread = min-max of per-round ratios, us/op = server CPU per request; ${opts.appendfsync === null ? 'persistence off' : `appendonly yes, appendfsync ${opts.appendfsync}`}`;

  process.stdout.write(`\n${header}\n\n${formatTable(comparisons)}\n`);
  if (memory) process.stdout.write(`\n${formatMemory(memory)}\n`);
  if (opts.markdown) {
    process.stdout.write(`\n<!-- ${header} -->\n${formatMarkdown(comparisons)}\n`);
    if (memory) process.stdout.write(`\n${formatMemory(memory, true)}\n`);
  }
  if (opts.json) {
    const doc = {
      date: new Date().toISOString(),
      environment: { ringcache: pkg.version ?? null, redis: redisName, node: process.version, cpus: os.cpus().length, cpu },
      options: {
        tests: opts.tests,
        pipelines: opts.pipelines,
        clients: opts.clients,
        rounds: opts.rounds,
        requests: opts.requests,
        keys: opts.keys,
        valueSize: opts.valueSize,
        pinned: cores,
      },
      results: comparisons,
      memory,
    };
    writeFileSync(opts.json, JSON.stringify(doc, null, 2) + '\n');
    log(`wrote ${opts.json}`);
  }
  return 0;
}

let finishing = false;
async function finish(code: number): Promise<void> {
  if (finishing) return;
  finishing = true;
  await cleanup();
  process.exit(code);
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`bench: ${sig}, stopping the servers`);
    void finish(sig === 'SIGINT' ? 130 : 143);
  });
}

main().then(
  (code) => finish(code),
  (e: unknown) => {
    // After a signal, the killed redis-benchmark's failure is expected noise.
    if (!finishing) log(`bench: ${e instanceof Error ? e.message : String(e)}`);
    return finish(1);
  },
);
