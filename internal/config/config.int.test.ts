// CONFIG and DEBUG against a spawned node and a real redis-server 7.0.15 side by side: names, values, errors byte for byte; REWRITE, DEBUG SLEEP vs SIGTERM, derived ports.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis, resp } from '../testing/clients.js';
import { freePort, NODE_MAIN, rawExchange, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

/** One command's reply exactly as sent (for single-line replies: errors, +OK, integers). */
async function rawReply(port: number, ...argv: string[]): Promise<string> {
  const { data } = await rawExchange(port, resp(...argv), (b) => b.includes('\r\n'));
  return data.toString('latin1');
}

/** CONFIG GET as a name -> value map. */
async function configGet(c: Redis, ...patterns: string[]): Promise<Map<string, string>> {
  const flat = (await c.call('CONFIG', 'GET', ...patterns)) as string[];
  const out = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) out.set(flat[i] as string, flat[i + 1] as string);
  return out;
}

/**
 * Where ringcache's value differs from redis-server's on purpose (docs/configuration.md): its own
 * port, data directory, log level names, snapshot file name and schedule, and always being a
 * cluster node. Everything else CONFIG GET * shows must be Redis's default.
 */
const DIFFERENT_BY_DESIGN = new Set(['port', 'dir', 'loglevel', 'dbfilename', 'save', 'cluster-enabled']);

// redis-server is installed by .ci/run: a missing one fails here rather than skipping the comparison.
describe('CONFIG side by side with redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  let rc: Redis;
  let rs: Redis;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode({ args: ['--save', ''] }), startRedisServer()]);
    [rc, rs] = await Promise.all([connectIoredis(node.port), connectIoredis(redis.port)]);
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([node?.stop(), redis?.stop()]);
  });

  it('CONFIG GET * lists every name redis-server lists, with the same value except where documented', async () => {
    const [ours, theirs] = await Promise.all([configGet(rc, '*'), configGet(rs, '*')]);
    expect(theirs.size).toBe(192);
    const missing = [...theirs.keys()].filter((n) => !ours.has(n));
    expect(missing).toEqual([]);
    const differing = [...theirs].filter(([n, v]) => !DIFFERENT_BY_DESIGN.has(n) && ours.get(n) !== v).map(([n, v]) => `${n}: redis ${JSON.stringify(v)}, ringcache ${JSON.stringify(ours.get(n))}`);
    expect(differing).toEqual([]);
  });

  it('hidden parameters answer only by exact name, on both', async () => {
    for (const c of [rc, rs]) {
      expect(await configGet(c, 'key-load-delay')).toEqual(new Map([['key-load-delay', '0']]));
      expect((await configGet(c, 'key-load-*')).size).toBe(0);
      expect((await configGet(c, '*')).has('rdb-key-save-delay')).toBe(false);
    }
  });

  it('CONFIG GET with several patterns answers the same names (aliases included, no repeats)', async () => {
    for (const patterns of [['maxmemory', 'maxmemory*', 'bind', '*of'], ['hash-max-*', 'HASH-MAX-ZIPLIST-ENTRIES'], ['*slave*'], ['list-max-*', 'zset-max-*', 'set-max-*'], ['nosuch', 'no-such-*']]) {
      const [ours, theirs] = await Promise.all([configGet(rc, ...patterns), configGet(rs, ...patterns)]);
      expect([...ours.keys()].sort(), patterns.join(' ')).toEqual([...theirs.keys()].sort());
    }
  });

  it.each<string[]>([
    ['CONFIG', 'SET', 'nosuch', '1'],
    ['CONFIG', 'SET', 'daemonize', 'yes', 'nosuch', '1'],
    ['CONFIG', 'SET', 'nosuch', '1', 'daemonize', 'yes'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'nosuch', '1'],
    ['CONFIG', 'SET', 'a', '1', 'b'],
    ['CONFIG', 'SET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2'],
    ['CONFIG', 'SET', 'MAXMEMORY', '1', 'maxmemory', '2'],
    ['CONFIG', 'SET', 'DAEMONIZE', 'yes'],
    ['CONFIG', 'SET', 'databases', '16'],
    ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
    ['CONFIG', 'SET', 'enable-protected-configs', 'yes'],
    ['CONFIG', 'SET', 'replicaof', 'no', 'one'],
    ['CONFIG', 'SET', 'DIR', '/tmp'],
    ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
    ['CONFIG', 'SET', 'maxmemory', 'foo'],
    ['CONFIG', 'SET', 'MAXMEMORY', '-1'],
    ['CONFIG', 'SET', 'Hash-Max-Ziplist-Entries', 'x'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'],
    ['CONFIG', 'SET', 'hz', '-1'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '9223372036854775808'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '01'],
    ['CONFIG', 'SET', 'timeout', ' 1'],
    ['CONFIG', 'SET', 'maxclients', '0'],
    ['CONFIG', 'SET', 'appendonly', 'true'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'lru'],
    ['CONFIG', 'SET', 'appendfsync', 'sometimes'],
    ['CONFIG', 'SET', 'repl-diskless-load', 'x'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'KQ'],
    ['CONFIG', 'SET', 'save', '100 10 0 5'],
    ['CONFIG', 'SET', 'save', '100'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 1 1'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1 1 -1'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 1'],
    ['CONFIG', 'SET', 'maxmemory-clients', '200%'],
    ['CONFIG', 'SET', 'maxmemory-clients', '-5'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
    ['CONFIG', 'SET', 'oom-score-adj', 'sometimes'],
    ['CONFIG', 'SET', 'shutdown-on-sigterm', 'save nosave'],
    ['CONFIG', 'SET', 'shutdown-on-sigint', 'later'],
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 200'],
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 x'],
    ['CONFIG', 'SET', 'proc-title-template', '{foo}'],
    ['CONFIG', 'SET', 'cluster-announce-hostname', 'a_b'],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '1kb'],
    ['CONFIG', 'SET', 'client-query-buffer-limit', '1'],
    ['CONFIG', 'SET', 'stream-node-max-entries', '-1'],
    ['CONFIG', 'SET', 'list-max-ziplist-size', '2147483648'],
    ['CONFIG', 'SET', 'repl-timeout', '0'],
    ['CONFIG', 'SET', 'active-defrag-cycle-max', '100'],
    ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101'],
    ['CONFIG', 'GET'],
    ['CONFIG', 'REWRITE'],
    ['CONFIG', 'NOSUCH'],
    ['DEBUG', 'LOG', 'hello'],
    ['DEBUG', 'SLEEP', 'inf'],
    ['DEBUG'],
  ])('%s %s %s %s %s %s answers byte for byte as redis-server', async (...argv) => {
    const [ours, theirs] = await Promise.all([rawReply(node.port, ...argv), rawReply(redis.port, ...argv)]);
    expect(ours).toBe(theirs);
  });

  it.each<[string, string]>([
    ['maxmemory', '1Kb'],
    ['maxmemory', ''],
    ['hz', '1000'],
    ['hz', '0'],
    ['appendonly', 'YES'],
    ['notify-keyspace-events', 'KEA'],
    ['notify-keyspace-events', 'Kx'],
    ['notify-keyspace-events', 'mEg$'],
    ['save', '0100 +10'],
    ['client-output-buffer-limit', 'pubsub 1mb 2mb 5'],
    ['client-output-buffer-limit', 'replica 1k 1 1 normal 5 5 5'],
    ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'],
    ['shutdown-on-sigterm', 'now NOSAVE'],
    ['latency-tracking-info-percentiles', '50.0 99.90'],
    ['maxmemory-clients', '10%'],
    ['list-max-ziplist-size', '-5'],
    ['slave-read-only', 'no'],
    ['lua-time-limit', '100'],
    ['maxmemory-policy', 'ALLKEYS-LRU'],
  ])('CONFIG SET %s %j reads back as on redis-server', async (name, value) => {
    const before = await Promise.all([configGet(rc, name), configGet(rs, name)]);
    for (const c of [rc, rs]) expect(await c.call('CONFIG', 'SET', name, value)).toBe('OK');
    const [ours, theirs] = await Promise.all([configGet(rc, name), configGet(rs, name)]);
    expect(ours).toEqual(theirs);
    // Put both back.
    await Promise.all([rc.call('CONFIG', 'SET', name, before[0].get(name) as string), rs.call('CONFIG', 'SET', name, before[1].get(name) as string)]);
  });

  it('CONFIG SET of several pairs is all or nothing on both', async () => {
    for (const c of [rc, rs]) {
      await expect(c.call('CONFIG', 'SET', 'maxmemory', '10000001', 'timeout', '77', 'client-query-buffer-limit', 'invalid')).rejects.toThrow(
        "CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be a memory value",
      );
      expect(await configGet(c, 'maxmemory', 'timeout')).toEqual(new Map([['maxmemory', '0'], ['timeout', '0']]));
      expect(await c.call('CONFIG', 'SET', 'maxmemory', '10000001', 'timeout', '77')).toBe('OK');
      expect(await configGet(c, 'maxmemory', 'timeout')).toEqual(new Map([['maxmemory', '10000001'], ['timeout', '77']]));
      await c.call('CONFIG', 'SET', 'maxmemory', '0', 'timeout', '0');
    }
  });

  it('every value CONFIG GET * shows can be set back unchanged (the Tcl suite\'s "CONFIG sanity")', async () => {
    // The test's own skip list: immutable, protected or special on redis-server.
    const skip = new Set(['rdbchecksum', 'daemonize', 'io-threads-do-reads', 'tcp-backlog', 'always-show-logo', 'syslog-enabled', 'cluster-enabled', 'disable-thp', 'aclfile', 'unixsocket', 'pidfile', 'syslog-ident', 'appendfilename', 'appenddirname', 'supervised', 'syslog-facility', 'databases', 'io-threads', 'logfile', 'unixsocketperm', 'replicaof', 'slaveof', 'requirepass', 'server_cpulist', 'bio_cpulist', 'aof_rewrite_cpulist', 'bgsave_cpulist', 'set-proc-title', 'cluster-config-file', 'cluster-port', 'oom-score-adj', 'oom-score-adj-values', 'enable-protected-configs', 'enable-debug-command', 'enable-module-command', 'dbfilename', 'dir', 'socket-mark-id']);
    const before = [...(await configGet(rc, '*'))].filter(([n]) => !skip.has(n) && !n.startsWith('tls-'));
    for (const [n, v] of before) expect(await rc.call('CONFIG', 'SET', n, v), n).toBe('OK');
    const after = await configGet(rc, '*');
    for (const [n, v] of before) expect(after.get(n), n).toBe(v);
  });

  it('OBJECT ENCODING follows the configured thresholds as on redis-server', async () => {
    const setup: string[][] = [
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', '2', 'zset-max-listpack-value', '3', 'set-max-intset-entries', '2', 'list-max-ziplist-size', '2'],
      ['HSET', 'enc:h', 'a', '1', 'b', '2'],
      ['HSET', 'enc:h2', 'a', '1', 'b', '2', 'c', '3'],
      ['ZADD', 'enc:z', '1', 'abc'],
      ['ZADD', 'enc:z2', '1', 'abcd'],
      ['SADD', 'enc:s', '1', '2'],
      ['SADD', 'enc:s2', '1', '2', '3'],
      ['SADD', 'enc:s3', 'x'],
      ['RPUSH', 'enc:l', 'a', 'b', 'c'],
      ['XADD', 'enc:x', '1-1', 'f', 'v'],
    ];
    for (const c of [rc, rs]) for (const cmd of setup) await c.call(cmd[0] as string, ...cmd.slice(1));
    for (const key of ['enc:h', 'enc:h2', 'enc:z', 'enc:z2', 'enc:s', 'enc:s2', 'enc:s3', 'enc:l', 'enc:x']) {
      const [ours, theirs] = await Promise.all([rc.call('OBJECT', 'ENCODING', key), rs.call('OBJECT', 'ENCODING', key)]);
      expect(ours, key).toBe(theirs);
    }
    for (const c of [rc, rs]) {
      await c.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '512', 'zset-max-listpack-value', '64', 'set-max-intset-entries', '512', 'list-max-ziplist-size', '-2');
      await c.call('DEL', 'enc:h', 'enc:h2', 'enc:z', 'enc:z2', 'enc:s', 'enc:s2', 'enc:s3', 'enc:l', 'enc:x');
    }
  });

  it('CONFIG HELP is the same text', async () => {
    expect(await rc.call('CONFIG', 'HELP')).toEqual(await rs.call('CONFIG', 'HELP'));
  });
});

describe('DEBUG with enable-debug-command yes, side by side', () => {
  let node: SpawnedNode;
  let redis: RedisServer;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode({ args: ['--enable-debug-command', 'yes'] }), startRedisServer(['--enable-debug-command', 'yes'])]);
  });
  afterAll(async () => {
    await Promise.all([node?.stop(), redis?.stop()]);
  });

  it.each<string[]>([
    ['DEBUG', 'SLEEP', 'inf'],
    ['DEBUG', 'SLEEP', '1e308'],
    ['DEBUG', 'SLEEP', '-1'],
    ['DEBUG', 'SLEEP', 'abc'],
    ['DEBUG', 'SLEEP', '0'],
    ['DEBUG', 'SLEEP'],
    ['DEBUG', 'NOSUCH'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE'],
    ['DEBUG', 'OBJECT', 'nokey'],
  ])('%s %s %s answers byte for byte as redis-server', async (...argv) => {
    expect(await rawReply(node.port, ...argv)).toBe(await rawReply(redis.port, ...argv));
  });

  it('DEBUG SLEEP inf does not freeze the node, and a long sleep is refused', async () => {
    expect(await rawReply(node.port, 'DEBUG', 'SLEEP', 'inf')).toBe('+OK\r\n');
    expect(await rawReply(node.port, 'PING')).toBe('+PONG\r\n');
    expect(await rawReply(node.port, 'DEBUG', 'SLEEP', '3600')).toBe('-ERR DEBUG SLEEP is limited to 5 seconds at a time, so that the node still stops on SIGTERM\r\n');
  });
});

describe('DEBUG SLEEP and SIGTERM', () => {
  it('a node sleeping in DEBUG SLEEP still stops on SIGTERM, once the sleep ends', async () => {
    const node = await spawnNode({ args: ['--enable-debug-command', 'yes'] });
    const sleeping = rawExchange(node.port, resp('DEBUG', 'SLEEP', '2'), (b) => b.includes('\r\n'), 10_000).catch(() => null);
    // The sleep has begun once the node stops answering.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const code = await node.stop();
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000 + 5000);
    await sleeping;
  });
});

/** A port P with P, P + 1000 and P + 10000 free (TCP). */
async function portTriple(): Promise<number> {
  const free = (p: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const p = await freePort();
    if (p + 10000 <= 65535 && (await free(p + 1000)) && (await free(p + 10000))) return p;
  }
}

describe('ports derive from --port', () => {
  it('two nodes started with only --port run side by side; HTTP answers on port + 1000', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-ports-'));
    const procs: ReturnType<typeof spawn>[] = [];
    try {
      const ports = [await portTriple(), await portTriple()];
      for (const [i, p] of ports.entries()) {
        procs.push(spawn(process.execPath, [NODE_MAIN, '--port', String(p), '--dir', path.join(dir, `d${i}`), '--log-dir', '', '--loglevel', 'warn', '--save', ''], { stdio: 'ignore' }));
      }
      for (const p of ports) {
        await waitUntil(
          async () => {
            try {
              return (await fetch(`http://127.0.0.1:${p + 1000}/health`)).ok;
            } catch {
              return false;
            }
          },
          15_000,
          `HTTP on ${p + 1000}`,
        );
        expect(await rawReply(p, 'CONFIG', 'GET', 'cluster-gossip-port')).toBe('*2\r\n$19\r\ncluster-gossip-port\r\n$' + String(p + 10000).length + '\r\n' + (p + 10000) + '\r\n');
      }
    } finally {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CONFIG REWRITE on a node started from a file', () => {
  it('writes CONFIG SET changes into the file, comments kept, and a restart reads them back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-rewrite-'));
    const file = path.join(dir, 'node.yaml');
    writeFileSync(file, '# my node\nmaxmemory: 1mb # the budget\n');
    try {
      let node = await spawnNode({ args: ['--config', file], keepDir: true });
      let c = await connectIoredis(node.port);
      await c.call('CONFIG', 'SET', 'maxmemory', '5mb', 'hash-max-ziplist-entries', '64', 'repl-timeout', '30');
      expect(await c.call('CONFIG', 'REWRITE')).toBe('OK');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('# my node\nmaxmemory: 5242880 # the budget\n');
      expect(text).toContain('hash_max_listpack_entries: 64');
      expect(text).toContain('redis:\n  repl_timeout: 30');
      c.disconnect();
      await node.stop();
      node = await spawnNode({ args: ['--config', file], port: node.port, httpPort: node.httpPort, dir: node.dir });
      c = await connectIoredis(node.port);
      expect(await configGet(c, 'maxmemory', 'hash-max-listpack-entries', 'repl-timeout')).toEqual(
        new Map([
          ['maxmemory', '5242880'],
          ['hash-max-listpack-entries', '64'],
          ['repl-timeout', '30'],
        ]),
      );
      c.disconnect();
      await node.stop();
    } finally {
      closeAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
