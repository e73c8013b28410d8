// `npm run test:redis`: Redis's own Tcl test suite, unit by unit, against a fresh ringcache node and a fresh redis-server side by side.
//
// Each unit gets a new server (a leaked CONFIG SET never reaches the next unit), its own runtest --baseport and
// stdin from /dev/null. Prints per unit `unit  ringcache passed/failed  redis passed/failed` and a total line;
// writes the full result (failing tests with runtest's error text) as JSON outside the repository.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, topCauses } from './markdown.js';
import {
  type Row,
  type RunResult,
  type Threshold,
  type UnitRun,
  type UnitSummary,
  checkThresholds,
  formatRow,
  formatTotal,
  parseMinPass,
  parseThresholdsFile,
  reachedNames,
  recordThresholds,
  summarizeUnit,
  totals,
} from './report.js';
import { parseRuntestOutput } from './runtest-output.js';

/** The units issue 14 selects (real file names under tests/unit/); those missing from the suite are left out. */
export const DEFAULT_UNITS = [
  'type/list', 'type/list-2', 'type/list-3', 'type/hash', 'type/set', 'type/zset', 'type/string', 'type/incr',
  'type/stream', 'type/stream-cgroups', 'expire', 'keyspace', 'pubsub', 'pubsubshard', 'multi', 'protocol', 'scan',
  'info', 'info-command', 'introspection', 'introspection-2', 'latency-monitor', 'slowlog', 'dump', 'tracking',
  'pause', 'lazyfree', 'other', 'quit', 'sort', 'scripting', 'functions', 'bitops', 'bitfield', 'geo', 'hyperloglog',
];

/** runtest flags for external-server mode (issue 14); --host/--port/--single/--baseport are added per unit. */
export const RUNTEST_FLAGS = [
  '--durable', '--clients', '1', '--timeout', '60',
  '--tags', '-slow -needs:repl -needs:debug -needs:save -needs:config-maxmemory -needs:config-resetstat -needs:reset -needs:pfdebug',
  '--ignore-encoding', '--ignore-digest',
  '--skiptest', 'SRANDMEMBER with a dict containing long chain',
];

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SUITE_VERSION = process.env.REDIS_TESTS_VERSION ?? '7.0.15';
const CACHE_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ringcache');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const RUNS_KEPT = 10;

interface Options {
  units: string[];
  redis: boolean;
  thresholds: Threshold[];
  writeThresholds: string | null;
  out: string | null;
  unitTimeoutSec: number;
  tolerateFunctionFlush: boolean;
}

const USAGE = `Usage: npm run test:redis -- [options]
  --units a,b,c             units to run (names under tests/unit/, e.g. type/list,expire; default: the ${DEFAULT_UNITS.length} of issue 14)
  --no-redis                skip the side-by-side run against redis-server (tests not reached are then
                            counted from the last side-by-side run's reference, when there is one)
  --min-pass UNIT=PCT       fail (exit 1) when UNIT passes less than PCT% of its tests; UNIT * means every unit; repeatable
  --thresholds FILE         fail when a unit passes fewer tests than FILE records ({"type/list": 220, ...})
  --write-thresholds FILE   record this run's ringcache pass counts in FILE
  --out FILE                where the JSON result goes (default: the run directory under the cache dir)
  --unit-timeout SECONDS    the runner's own limit per unit and server (default 900; runtest's no-progress limit is 60)
  --render FILE.json        print the Markdown of an earlier run's JSON result (what docs/compatibility.md shows) and exit
  --tolerate-function-flush diagnostic: the harness ignores an error from FUNCTION FLUSH, which otherwise aborts
                            every unit on a server without FUNCTION (the result says so)`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { units: DEFAULT_UNITS, redis: true, thresholds: [], writeThresholds: null, out: null, unitTimeoutSec: 900, tolerateFunctionFlush: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--units':
        o.units = value().split(',').map((u) => u.trim().replace(/^unit\//, '').replace(/\.tcl$/, '')).filter((u) => u !== '');
        break;
      case '--no-redis':
        o.redis = false;
        break;
      case '--min-pass':
        o.thresholds.push(parseMinPass(value()));
        break;
      case '--thresholds':
        for (const t of parseThresholdsFile(readFileSync(value(), 'utf8'))) o.thresholds.push(t);
        break;
      case '--write-thresholds':
        o.writeThresholds = resolve(value());
        break;
      case '--out':
        o.out = resolve(value());
        break;
      case '--unit-timeout': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 10) throw new Error('--unit-timeout expects whole seconds, at least 10');
        o.unitTimeoutSec = n;
        break;
      }
      case '--tolerate-function-flush':
        o.tolerateFunctionFlush = true;
        break;
      case '--render':
        process.stdout.write(renderMarkdown(JSON.parse(readFileSync(value(), 'utf8')) as RunResult));
        process.exit(0);
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if (o.units.length === 0) throw new Error('--units: no unit given');
  return o;
}

// --- processes and ports ------------------------------------------------------------------------------

/** A free loopback TCP port (bound and released; the caller binds it right after). */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/**
 * A --baseport for runtest. Its test server takes the first port P in [baseport-32, baseport) where P and
 * P+10000 are both free, starting from the bottom; so find such a P ourselves and hand runtest P+32.
 */
async function runtestBaseport(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = 21000 + Math.floor(Math.random() * 9000);
    if ((await canBind(p)) && (await canBind(p + 10000))) return p + 32;
  }
  throw new Error('no free port pair (P, P+10000) found for runtest');
}

/** Resolves once `PING` on the port answers `+PONG`, or rejects at the deadline or when the process exits. */
async function waitForPong(port: number, proc: ChildProcess, deadlineMs: number): Promise<void> {
  const ping = (): Promise<boolean> =>
    new Promise((res) => {
      const sock = createConnection({ host: '127.0.0.1', port });
      let buf = '';
      const done = (ok: boolean): void => {
        sock.destroy();
        res(ok);
      };
      sock.setTimeout(1000, () => done(false));
      sock.on('error', () => done(false));
      sock.on('connect', () => sock.write('PING\r\n'));
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
      });
    });
  while (Date.now() < deadlineMs) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`exited (${exitText(proc)}) before answering PING`);
    if (await ping()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no PONG on port ${port} within ${START_TIMEOUT_MS / 1000} s`);
}

function exitText(proc: ChildProcess): string {
  return proc.signalCode !== null ? `signal ${proc.signalCode}` : `code ${String(proc.exitCode)}`;
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** Every process this runner started and has not stopped yet (a SIGINT stops them before exiting). */
const live = new Map<ChildProcess, boolean>();
/** Server data directories not yet removed. */
const liveDirs = new Set<string>();

/** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; only ever the pid (or process group) this runner spawned. */
async function stopProcess(proc: ChildProcess, group: boolean): Promise<void> {
  const pid = proc.pid;
  live.delete(proc);
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      // already gone
    }
  };
  if (proc.exitCode === null && proc.signalCode === null) {
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(proc);
    clearTimeout(timer);
  }
  // runtest's test client (a second tclsh in the same group) may outlive the server process.
  if (group) signal('SIGKILL');
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

interface Server {
  readonly name: 'ringcache' | 'redis';
  readonly port: number;
  readonly proc: ChildProcess;
  readonly dataDir: string;
  readonly logFile: string;
}

type ServerKind = Server['name'];

async function startServer(kind: ServerKind, ringcacheMain: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `ringcache-redis-tests-${kind}-`));
  liveDirs.add(dataDir);
  const args =
    kind === 'ringcache'
      ? [ringcacheMain, '--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no',
        '--http-enabled', 'no', '--cluster-gossip-port', '0', '--log-dir', '', '--loglevel', 'warn', '--node-id', `redis-tests-${port}`]
      : ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
  // Only this node's flags configure it: RINGCACHE_* variables in the caller's environment would leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RINGCACHE_')));
  const fd = openSync(logFile, 'w');
  const proc = spawn(kind === 'ringcache' ? process.execPath : 'redis-server', args, { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  live.set(proc, false);
  const server: Server = { name: kind, port, proc, dataDir, logFile };
  const spawnError = new Promise<never>((_, rej) => proc.once('error', rej));
  try {
    await Promise.race([waitForPong(port, proc, Date.now() + START_TIMEOUT_MS), spawnError]);
  } catch (e) {
    await stopServer(server);
    const logTail = tail(logFile);
    throw new Error(`${e instanceof Error ? e.message : String(e)}${logTail !== '' ? `; log: ${logTail.split('\n').slice(-3).join(' | ')}` : ''}`, { cause: e });
  }
  return server;
}

async function stopServer(s: Server): Promise<void> {
  await stopProcess(s.proc, false);
  rmSync(s.dataDir, { recursive: true, force: true });
  liveDirs.delete(s.dataDir);
}

// --- one unit -------------------------------------------------------------------------------------------

interface RunContext {
  readonly suiteDir: string;
  readonly runDir: string;
  readonly ringcacheMain: string;
  readonly unitTimeoutSec: number;
}

function fileSafe(unit: string): string {
  return unit.replace(/[^A-Za-z0-9-]/g, '_');
}

async function runUnit(ctx: RunContext, kind: ServerKind, unit: string): Promise<UnitRun> {
  const base = join(ctx.runDir, `${kind}-${fileSafe(unit)}`);
  let server: Server;
  try {
    server = await startServer(kind, ctx.ringcacheMain, `${base}.server.log`);
  } catch (e) {
    return { unit, output: parseRuntestOutput(''), exitCode: null, startError: e instanceof Error ? e.message : String(e) };
  }
  const baseport = await runtestBaseport();
  const args = ['--host', '127.0.0.1', '--port', String(server.port), ...RUNTEST_FLAGS, '--single', `unit/${unit}`, '--baseport', String(baseport)];
  const outFd = openSync(`${base}.runtest.out`, 'w');
  // Own process group: runtest starts a second tclsh (its test client) that must not outlive the unit.
  const rt = spawn('./runtest', args, { cwd: ctx.suiteDir, stdio: ['ignore', outFd, outFd], detached: true, env: { ...process.env, TERM: 'dumb' } });
  closeSync(outFd);
  live.set(rt, true);
  let serverDied: string | undefined;
  let killedAfterSeconds: number | undefined;
  const onServerExit = (): void => {
    serverDied = exitText(server.proc);
    void stopProcess(rt, true);
  };
  server.proc.once('exit', onServerExit);
  const limit = setTimeout(() => {
    killedAfterSeconds = ctx.unitTimeoutSec;
    void stopProcess(rt, true);
  }, ctx.unitTimeoutSec * 1000);
  const rtError = new Promise<Error>((res) => rt.once('error', res));
  const outcome = await Promise.race([exited(rt).then(() => null), rtError]);
  clearTimeout(limit);
  server.proc.off('exit', onServerExit);
  await stopProcess(rt, true);
  await stopServer(server);
  if (outcome !== null) return { unit, output: parseRuntestOutput(''), exitCode: null, startError: `runtest did not start: ${outcome.message}` };
  const output = parseRuntestOutput(readFileSync(`${base}.runtest.out`, 'utf8'));
  return { unit, output, exitCode: rt.exitCode, ...(serverDied !== undefined ? { serverDied } : {}), ...(killedAfterSeconds !== undefined ? { killedAfterSeconds } : {}) };
}

// --- setup ----------------------------------------------------------------------------------------------

function fetchSuite(withRedis: boolean): string {
  const script = join(REPO, 'scripts/redis-tests/fetch-suite.sh');
  const r = spawnSync(script, withRedis ? ['--with-redis-server'] : [], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, REDIS_TESTS_VERSION: SUITE_VERSION } });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${String(r.status)})`);
  const dir = r.stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(join(dir, 'runtest'))) throw new Error(`${script} printed '${dir}', which holds no runtest`);
  return dir;
}

/**
 * Copies the built node (dist/cmd, dist/internal) into the run directory, so a rebuild in the working tree
 * while the suite runs (it takes a while) cannot hand later units a half-written or different node.
 */
function snapshotRingcache(runDir: string): string {
  const dist = join(REPO, 'dist');
  const main = join(dist, 'cmd/ringcache/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const snap = join(runDir, 'ringcache');
  mkdirSync(snap, { recursive: true });
  cpSync(join(dist, 'cmd'), join(snap, 'dist/cmd'), { recursive: true });
  cpSync(join(dist, 'internal'), join(snap, 'dist/internal'), { recursive: true });
  cpSync(join(REPO, 'package.json'), join(snap, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(snap, 'node_modules'));
  return join(snap, 'dist/cmd/ringcache/main.js');
}

/**
 * The per-run working copy of the suite (runtest writes under tests/tmp). With --tolerate-function-flush the
 * copy's external-server setup ignores an error from FUNCTION FLUSH (diagnostic only: the pristine harness aborts).
 */
function workingSuite(cached: string, runDir: string, tolerateFunctionFlush: boolean): string {
  const dir = join(runDir, 'suite');
  cpSync(cached, dir, { recursive: true });
  if (tolerateFunctionFlush) {
    const file = join(dir, 'tests/support/server.tcl');
    const text = readFileSync(file, 'utf8');
    const patched = text.replace(/^( {4})r function flush$/m, '$1catch {r function flush}');
    if (patched === text) throw new Error(`--tolerate-function-flush: 'r function flush' not found in ${file}`);
    writeFileSync(file, patched);
  }
  return dir;
}

function version(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: REPO });
  return pattern.exec(r.stdout ?? '')?.[1] ?? 'unknown';
}

/**
 * Keeps the newest RUNS_KEPT run directories, and every run of the last day: several people (or CI jobs)
 * share the cache, and a run in progress must never lose its directory to another run's pruning.
 */
function pruneRuns(runsDir: string): void {
  const runs = readdirSync(runsDir).filter((d) => /^\d{8}T\d{6}Z-/.test(d)).sort();
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const d of runs.slice(0, Math.max(0, runs.length - RUNS_KEPT))) {
    const dir = join(runsDir, d);
    if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a file other runs may read at the same time: a temp file renamed over it. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

// --- reference names for --no-redis ---------------------------------------------------------------------

interface ReferenceFile {
  readonly flags: string;
  readonly units: Record<string, string[]>;
}

function referencePath(): string {
  return join(CACHE_DIR, `redis-reference-${SUITE_VERSION}.json`);
}

function loadReference(): Record<string, string[]> {
  try {
    const doc = JSON.parse(readFileSync(referencePath(), 'utf8')) as ReferenceFile;
    return doc.flags === RUNTEST_FLAGS.join(' ') ? doc.units : {};
  } catch {
    return {};
  }
}

/** Records one unit's reference names, re-reading the file first: concurrent runs may have added others. */
function saveReference(unit: string, names: string[]): void {
  const units = { ...loadReference(), [unit]: names };
  const doc: ReferenceFile = { flags: RUNTEST_FLAGS.join(' '), units };
  writeAtomic(referencePath(), JSON.stringify(doc, null, 1) + '\n');
}

// --- main -----------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  const cachedSuite = fetchSuite(opts.redis);
  const available = new Set(DEFAULT_UNITS.concat(opts.units).filter((u) => existsSync(join(cachedSuite, 'tests/unit', `${u}.tcl`))));
  const missing = opts.units.filter((u) => !available.has(u));
  if (missing.length > 0 && opts.units !== DEFAULT_UNITS) throw new Error(`no such unit in the suite: ${missing.join(', ')}`);
  const units = opts.units.filter((u) => available.has(u));

  const runsDir = join(CACHE_DIR, 'runs');
  mkdirSync(runsDir, { recursive: true });
  pruneRuns(runsDir);
  const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const runDir = mkdtempSync(join(runsDir, `${stamp}-`));
  const ctx: RunContext = {
    suiteDir: workingSuite(cachedSuite, runDir, opts.tolerateFunctionFlush),
    runDir,
    ringcacheMain: snapshotRingcache(runDir),
    unitTimeoutSec: opts.unitTimeoutSec,
  };
  const redisVersion = opts.redis ? version('redis-server', ['--version'], /v=(\S+)/) : null;
  const ringcacheVersion = version(process.execPath, [ctx.ringcacheMain, '--version'], /ringcache (\S+)/);
  const commit = version('git', ['rev-parse', '--short', 'HEAD'], /^(\S+)/);
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', 'cmd', 'internal'], { encoding: 'utf8', cwd: REPO }).stdout.trim() !== '';
  const log = (s: string): void => void process.stdout.write(s + '\n');
  log(`Redis ${SUITE_VERSION} test suite (${cachedSuite}), ${units.length} units; ringcache ${ringcacheVersion} (${commit}${dirty ? ', uncommitted changes' : ''})` +
    (opts.redis ? ` vs redis-server ${redisVersion ?? '?'}` : '') + (opts.tolerateFunctionFlush ? '; harness patched: FUNCTION FLUSH errors tolerated' : ''));
  if (opts.redis && redisVersion !== SUITE_VERSION) log(`warning: redis-server is ${redisVersion ?? '?'}, the suite is ${SUITE_VERSION}`);
  log(`Logs and runtest output: ${runDir}`);
  log('unit                    ringcache passed/failed      redis passed/failed');

  const reference = loadReference();
  const rows: Row[] = [];
  const width = units.reduce((w, u) => Math.max(w, u.length), 22);
  for (const unit of units) {
    const t0 = Date.now();
    const rcRun = await runUnit(ctx, 'ringcache', unit);
    let redis: UnitSummary | null = null;
    if (opts.redis) {
      const rdRun = await runUnit(ctx, 'redis', unit);
      redis = summarizeUnit(rdRun, null);
      if (redis.status === 'completed') {
        reference[unit] = reachedNames(rdRun.output);
        saveReference(unit, reference[unit]);
      }
    }
    const row: Row = { unit, ringcache: summarizeUnit(rcRun, reference[unit] ?? null), redis };
    rows.push(row);
    log(`${formatRow(row, width)}  (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  log(formatTotal(rows, width));

  for (const r of rows) {
    for (const [who, s] of [['ringcache', r.ringcache], ['redis', r.redis]] as const) {
      if (s?.abortReason != null) log(`  ${r.unit}: ${who} aborted: ${s.abortReason}`);
    }
    if (r.redis !== null && r.redis.failed > 0) log(`  ${r.unit}: redis-server itself failed ${r.redis.failed} (environment?): ${r.redis.failures.map((f) => f.name).join('; ')}`);
  }

  const result: RunResult = {
    suite: { version: SUITE_VERSION, dir: cachedSuite, flags: RUNTEST_FLAGS, harnessPatches: opts.tolerateFunctionFlush ? ['FUNCTION FLUSH errors tolerated (catch {r function flush})'] : [] },
    ringcache: { version: ringcacheVersion, commit, uncommittedChanges: dirty },
    redisServer: redisVersion,
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    runDir,
    totals: { ringcache: totals(rows.map((r) => r.ringcache)), redis: opts.redis ? totals(rows.map((r) => r.redis)) : null },
    units: rows,
  };
  const out = opts.out ?? join(runDir, 'result.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  writeAtomic(join(CACHE_DIR, 'latest-result.json'), JSON.stringify(result, null, 2) + '\n');
  const md = out.replace(/\.json$/, '') + '.md';
  writeFileSync(md, renderMarkdown(result));
  rmSync(ctx.suiteDir, { recursive: true, force: true });
  const causes = topCauses(result, 5);
  if (causes.length > 0) log(`Top ringcache failure causes: ${causes.map((c) => `${c.cause} (${c.tests})`).join('; ')}`);
  log(`Result: ${out} (JSON), ${md} (Markdown)  (${result.durationSeconds} s)`);

  const summaries = rows.map((r) => r.ringcache).filter((s): s is UnitSummary => s !== null);
  if (opts.writeThresholds !== null) {
    writeFileSync(opts.writeThresholds, recordThresholds(summaries));
    log(`Thresholds (current pass counts) written to ${opts.writeThresholds}`);
  }
  const misses = checkThresholds(summaries, opts.thresholds);
  for (const m of misses) log(`below threshold: ${m}`);
  return misses.length > 0 ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`test:redis: ${sig}, stopping the servers and runtest it started\n`);
    void Promise.all([...live].map(([proc, group]) => stopProcess(proc, group))).then(() => {
      for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`test:redis: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
