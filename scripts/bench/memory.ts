// Memory benchmark: ringcache and redis-server side by side, resident set under maxmemory per policy and bytes per key per type.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomSets, rssOf, sampleRss, writeLoad, type CommandFor } from './mem-load.js';

/**
 * Usage: node dist/scripts/bench/memory.js [--maxmemory-mb 50] [--write-mb 600] [--value-size 3000]
 *        [--policies allkeys-lru,allkeys-random,volatile-lru,noeviction] [--keys 1000000]
 *        [--types string,hash,set,zset] [--no-redis] [--skip-policies] [--skip-keys]
 * Each policy run starts both servers fresh with that maxmemory, writes --write-mb of SETs of random
 * keys (1M key space, TTL 1h for volatile-*), samples their resident sets every 50 ms and prints
 * peak/maxmemory and (peak - fresh)/maxmemory. The per-key run fills --keys keys of each type with
 * 64-byte values and prints the resident bytes per key. With taskset and 2+ CPUs the servers run on
 * the last CPU and the load on the first.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MB = 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

/** One command over a fresh connection; the whole reply as text (bulk bodies included). */
export function command(port: number, argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    sock.on('connect', () => sock.write(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')));
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const nl = text.indexOf('\r\n');
      if (nl < 0) return;
      if (text[0] === '$') {
        const len = Number(text.slice(1, nl));
        if (len >= 0 && text.length < nl + 2 + len + 2) return;
      }
      sock.destroy();
      resolve(text);
    });
  });
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
  return m ? Number(m[1]) : NaN;
}

interface Server {
  name: 'ringcache' | 'redis';
  port: number;
  pid: number;
  stop(): Promise<void>;
}

let serverCpu: number | null = null;

/** Pins this process to the first CPU and the servers to the last when taskset and 2+ CPUs are there. */
function pin(): string {
  if (os.cpus().length < 2) return 'not pinned (one CPU)';
  const r = spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) return 'not pinned (taskset unavailable)';
  serverCpu = os.cpus().length - 1;
  return `servers on CPU ${serverCpu}, load on CPU 0`;
}

async function startServer(name: Server['name'], extra: string[]): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `ringcache-membench-${name}-`));
  let argv: string[];
  if (name === 'redis') {
    argv = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  } else {
    const main = path.join(ROOT, 'dist/cmd/ringcache/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    const httpPort = await freePort();
    argv = [process.execPath, main, '--port', String(port), '--bind', '127.0.0.1', '--http-port', String(httpPort), '--http-bind', '127.0.0.1'];
    argv.push('--dir', path.join(dir, 'data'), '--log-dir', path.join(dir, 'logs'), '--node-id', 'membench', '--loglevel', 'warn', '--cluster-gossip-port', '0');
    argv = argv.concat(['--save', '', '--appendonly', 'no'], extra);
  }
  if (serverCpu !== null) argv = ['taskset', '-c', String(serverCpu), ...argv];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reply = await command(port, ['PING']).catch(() => '');
    if (reply.startsWith('+PONG')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer PING on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The resident set of a fresh server settles once start-up garbage is collected.
  await new Promise((r) => setTimeout(r, 1500));
  return { name, port, pid: child.pid ?? 0, stop };
}

interface PolicyRow {
  server: string;
  policy: string;
  fresh: number;
  peak: number;
  end: number;
  keys: number;
  evicted: number;
  errors: string;
  mbPerSec: number;
}

async function policyRun(name: Server['name'], policy: string, maxmemoryMb: number, writeMb: number, valueSize: number): Promise<PolicyRow> {
  const s = await startServer(name, ['--maxmemory', `${maxmemoryMb}mb`, '--maxmemory-policy', policy]);
  try {
    const fresh = rssOf(s.pid);
    const sampler = sampleRss(s.pid);
    const ttl = policy.startsWith('volatile-') ? 3600 : 0;
    const w = await writeLoad(s.port, { bytes: writeMb * MB, command: randomSets(1_000_000, valueSize, ttl) });
    await new Promise((r) => setTimeout(r, 500));
    const { peak } = sampler.stop();
    const end = rssOf(s.pid);
    const stats = await command(s.port, ['INFO', 'stats']);
    const keys = Number((await command(s.port, ['DBSIZE'])).slice(1));
    const errors = [...w.errors].map(([k, v]) => `${k} ${v}`).join(', ') || '-';
    return { server: name, policy, fresh, peak, end, keys, evicted: infoField(stats, 'evicted_keys'), errors, mbPerSec: w.bytes / MB / (w.ms / 1000) };
  } finally {
    await s.stop();
  }
}

const TYPE_COMMANDS: Record<string, (value: string) => CommandFor> = {
  string: (v) => (i) => ['SET', `key:${String(i).padStart(12, '0')}`, v],
  hash: (v) => (i) => ['HSET', `key:${String(i).padStart(12, '0')}`, 'field', v],
  set: (v) => (i) => ['SADD', `key:${String(i).padStart(12, '0')}`, v],
  zset: (v) => (i) => ['ZADD', `key:${String(i).padStart(12, '0')}`, '1', v],
};

async function perKeyRun(name: Server['name'], type: string, keys: number): Promise<{ server: string; type: string; fresh: number; perKey: number; usedPerKey: number }> {
  const make = TYPE_COMMANDS[type];
  if (make === undefined) throw new Error(`unknown type ${type}; known: ${Object.keys(TYPE_COMMANDS).join(',')}`);
  const s = await startServer(name, []);
  try {
    const fresh = rssOf(s.pid);
    const used0 = infoField(await command(s.port, ['INFO', 'memory']), 'used_memory');
    await writeLoad(s.port, { bytes: Number.MAX_SAFE_INTEGER, maxCommands: keys, command: make('v'.repeat(64)) });
    await new Promise((r) => setTimeout(r, 1000));
    const used1 = infoField(await command(s.port, ['INFO', 'memory']), 'used_memory');
    return { server: name, type, fresh, perKey: (rssOf(s.pid) - fresh) / keys, usedPerKey: (used1 - used0) / keys };
  } finally {
    await s.stop();
  }
}

const mb = (n: number): string => (n / MB).toFixed(1);

async function main(): Promise<void> {
  const maxmemoryMb = Number(arg('maxmemory-mb', '50'));
  const writeMb = Number(arg('write-mb', '600'));
  const valueSize = Number(arg('value-size', '3000'));
  const policies = arg('policies', 'allkeys-lru,allkeys-random,volatile-lru,noeviction').split(',');
  const keys = Number(arg('keys', '1000000'));
  const types = arg('types', 'string,hash,set,zset').split(',');
  const servers: Server['name'][] = flag('no-redis') ? ['ringcache'] : ['ringcache', 'redis'];
  console.log(`# memory benchmark: ${pin()}; node ${process.version}`);
  if (!flag('skip-policies')) {
    console.log(`\nmaxmemory ${maxmemoryMb} MB, ${writeMb} MB of SETs (random keys of 1M, ${valueSize}-byte values)\n`);
    console.log('| server | policy | fresh RSS MB | peak RSS MB | end RSS MB | peak / maxmemory | (peak - fresh) / maxmemory | keys | evicted | errors | MB/s |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const policy of policies) {
      for (const name of servers) {
        const r = await policyRun(name, policy, maxmemoryMb, writeMb, valueSize);
        const max = maxmemoryMb * MB;
        console.log(
          `| ${r.server} | ${r.policy} | ${mb(r.fresh)} | ${mb(r.peak)} | ${mb(r.end)} | ${(r.peak / max).toFixed(2)} | ${((r.peak - r.fresh) / max).toFixed(2)} | ${r.keys} | ${r.evicted} | ${r.errors} | ${r.mbPerSec.toFixed(0)} |`,
        );
      }
    }
  }
  if (!flag('skip-keys')) {
    console.log(`\n${keys} keys, 64-byte values, no maxmemory\n`);
    console.log('| server | type | fresh RSS MB | RSS bytes/key | used_memory bytes/key |');
    console.log('|---|---|---|---|---|');
    for (const type of types) {
      for (const name of servers) {
        const r = await perKeyRun(name, type, keys);
        console.log(`| ${r.server} | ${r.type} | ${mb(r.fresh)} | ${r.perKey.toFixed(0)} | ${r.usedPerKey.toFixed(0)} |`);
      }
    }
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
