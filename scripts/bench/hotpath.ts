// In-process hot-path benchmark: decode -> execute -> encode of pipelined batches, no sockets, ns per command.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constants as perfConstants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../internal/config/load.js';
import { createNode } from '../../internal/node/node.js';
import { RequestDecoder } from '../../internal/resp/decoder.js';
import { encode, ReplyWriter } from '../../internal/resp/encoder.js';
import { Client } from '../../internal/server/client.js';
import { EVALSHA_SCRIPT, EVALSHA_SHA } from './report.js';

/**
 * What a redis-benchmark run costs ringcache in JavaScript, without the kernel and the load
 * generator: the socket-level bench (bench.ts) swings by 10-30% on a shared 2-core machine, so
 * changes to the per-command path are steered by this steady figure and confirmed there.
 * Usage: node dist/scripts/bench/hotpath.js [--tests set,get,...] [--pipeline 16] [--seconds 1] [--rounds 5]
 *        [--appendfsync everysec|always|no]
 * Each test runs `rounds` times; the best round is reported (the others met GC or a busy core).
 */

const TESTS: Record<string, (i: number) => string[]> = {
  // The arguments redis-benchmark sends without -r (one key per test, 3-byte values).
  set: () => ['SET', 'key:__rand_int__', 'xxx'],
  get: () => ['GET', 'key:__rand_int__'],
  incr: () => ['INCR', 'counter:__rand_int__'],
  lpush: () => ['LPUSH', 'mylist', 'xxx'],
  'lpush-del': (i) => (i % 16 === 15 ? ['DEL', 'mylist'] : ['LPUSH', 'mylist', 'xxx']),
  lpop: () => ['LPOP', 'mylist'],
  sadd: () => ['SADD', 'myset', 'element:__rand_int__'],
  hset: () => ['HSET', 'myhash', 'element:__rand_int__', 'xxx'],
  // After hset: reads the field hset wrote.
  hget: () => ['HGET', 'myhash', 'element:__rand_int__'],
  zadd: () => ['ZADD', 'myzset', '0', 'element:__rand_int__'],
  // As bench.ts runs it: ten members of a 100-member sorted set (seeded below).
  zrange: () => ['ZRANGE', 'bench:zset', '0', '9'],
  // As `npm run bench` runs them (-r 100000 -d 64): 100,000 keys in a scattered order, 64-byte values.
  'set-r': (i) => ['SET', randKey(i), VALUE_64],
  'get-r': (i) => ['GET', randKey(i)],
  'incr-r': (i) => ['INCR', `counter:${randKey(i)}`],
  'hset-r': (i) => ['HSET', `myhash:${randKey(i)}`, `element:${randKey(i * 31)}`, VALUE_64],
  // bench.ts's evalsha (GET + INCR + EXPIRE in a script) on distinct keys; the script is loaded below.
  'evalsha-r': (i) => ['EVALSHA', EVALSHA_SHA, '1', `key:${String(i % 100_000).padStart(12, '0')}`],
};

const VALUE_64 = 'x'.repeat(64);
/** One of 100,000 zero-padded keys, visited in a scattered order (7919 is prime to 100,000). */
function randKey(i: number): string {
  return `key:${String((i * 7919) % 100_000).padStart(12, '0')}`;
}

/** Distinct batches fed round-robin: 8192 x 16 commands, so the -r tests cover all 100,000 keys. */
const BATCHES = 8192;

function frame(argv: readonly string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const tests = arg('tests', 'set,get,lpush,lpop,sadd,hset,zadd,zrange,set-r,get-r,incr-r,hset-r').split(',');
  const pipeline = Number(arg('pipeline', '16'));
  const seconds = Number(arg('seconds', '1'));
  const rounds = Number(arg('rounds', '5'));
  // --appendfsync everysec|always|no journals every write as the node would (default: AOF off).
  const fsync = arg('appendfsync', '');
  const aof = fsync === '' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', fsync];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-hotpath-'));
  const config = loadConfig({
    argv: ['--port', '0', '--http-port', '0', '--dir', dir, '--log-dir', dir, '--loglevel', 'warn', '--cluster-gossip-port', '0', '--save', '', ...aof],
    env: {},
  });
  const node = createNode(config);
  await node.start();
  const executor = node.executor;
  const client = new Client(1, '127.0.0.1:1', '127.0.0.1:2', 9, Date.now(), true, () => undefined);
  const decoder = new RequestDecoder();
  const writer = new ReplyWriter();
  // Young-generation collections counted per command: unlike time on a shared machine, they
  // follow what the path allocates and keeps (issue 19 compares builds by them).
  let scavenges = 0;
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  console.log(`pipeline ${pipeline}, best of ${rounds} x ${seconds} s per test; ns per command (decode + execute + encode, one batch per "read")`);
  for (const t of tests) {
    const make = TESTS[t];
    if (make === undefined) throw new Error(`unknown test ${t}; known: ${Object.keys(TESTS).join(',')}`);
    // Distinct batches, fed round-robin, so the -r tests touch every key of their keyspace.
    const batches: Buffer[] = [];
    for (let b = 0; b < BATCHES; b++) {
      let s = '';
      for (let k = 0; k < pipeline; k++) s += frame(make(b * pipeline + k));
      batches.push(Buffer.from(s, 'latin1'));
    }
    // Yields to the event loop every 64 batches, as a server does between reads of its ~50
    // connections: the AOF pump and timers run there, and a loop that never yields would only
    // pile up journal chunks.
    const run = async (deadline: number): Promise<number> => {
      let n = 0;
      let b = 0;
      while (performance.now() < deadline) {
        for (let rep = 0; rep < 64; rep++) {
          // A fresh chunk per read, as the socket gives.
          decoder.feed(Buffer.from(batches[b++ % BATCHES] as Buffer));
          executor.beginBatch();
          for (;;) {
            const argv = decoder.next();
            if (argv === null) break;
            const r = executor.execute(client, argv);
            if (r instanceof Promise) throw new Error(`${t}: asynchronous reply`);
            encode(writer, r, 2);
            n++;
          }
          executor.endBatch();
          writer.take();
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return n;
    };
    if (t === 'evalsha-r') executor.execute(client, ['SCRIPT', 'LOAD', EVALSHA_SCRIPT]);
    // Every test starts on an empty keyspace (FLUSHALL below): GET reads the keys it asks for, as after bench's SET.
    if (t === 'get-r') for (let i = 0; i < 100_000; i++) executor.execute(client, ['SET', randKey(i), VALUE_64]);
    if (t === 'zrange') executor.execute(client, ['ZADD', 'bench:zset', ...Array.from({ length: 100 }, (_, i) => [String(i), `member:${i}`]).flat()]);
    await run(performance.now() + 300); // warm-up
    let best = Infinity;
    // Process CPU per command too: on a shared machine a busy core stretches wall time, not CPU time.
    let bestCpu = Infinity;
    let measured = 0;
    // GC entries arrive asynchronously: let the warm-up's come in before counting.
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    scavenges = 0;
    for (let r = 0; r < rounds; r++) {
      if (t === 'lpop') for (let i = 0; i < 2_000_000; i++) executor.execute(client, ['RPUSH', 'mylist', 'xxx']);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await run(t0 + seconds * 1000);
      const cpu = process.cpuUsage(c0);
      measured += n;
      best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
      bestCpu = Math.min(bestCpu, ((cpu.user + cpu.system) * 1000) / n);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    const perMillion = (scavenges * 1e6) / measured;
    console.log(`${t.padEnd(8)} ${best.toFixed(0).padStart(6)} ns/cmd  (${(1e9 / best / 1e6).toFixed(2)} M cmd/s of JavaScript), ${bestCpu.toFixed(0)} ns CPU/cmd, ${perMillion.toFixed(1)} scavenges per 1M cmds`);
    executor.execute(client, ['FLUSHALL']);
  }
  gcWatch.disconnect();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
