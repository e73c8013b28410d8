// Persistence against real processes: kill -9 under 50 writers (always, everysec), redis-check-aof, SAVE + restart, corrupt snapshot, full disk.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { redisCli, run, spawnNode, type SpawnedNode, waitUntil } from '../testing/harness.js';
import { NODE_MAIN } from '../testing/harness.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-persist-int-'));
});
afterAll(() => {
  closeAll();
  fs.rmSync(root, { recursive: true, force: true });
});

function dataDir(name: string): string {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function client(port: number): Promise<Redis> {
  // No retries, no offline queue, no resend: a command is acknowledged exactly when its reply arrives.
  return connectIoredis(port, { stayClosed: true, enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
}

interface Ack {
  key: string;
  value: string;
  at: number;
}

/**
 * `n` clients each SET their own keys in a loop until `stop` resolves; returns every write
 * acknowledged with OK, with the time its reply arrived.
 */
async function writers(port: number, n: number, prefix: string, stop: Promise<void>): Promise<{ acks: Ack[]; clients: Redis[] }> {
  const acks: Ack[] = [];
  const clients = await Promise.all(Array.from({ length: n }, () => client(port)));
  let stopped = false;
  void stop.then(() => (stopped = true));
  await Promise.all(
    clients.map(async (c, i) => {
      c.on('error', () => undefined);
      for (let seq = 0; !stopped; seq++) {
        const key = `${prefix}:${i}:${seq}`;
        const value = `v${seq}-${'x'.repeat(seq % 40)}`;
        try {
          if ((await c.set(key, value)) === 'OK') acks.push({ key, value, at: Date.now() });
        } catch {
          return; // the node died under this request: not acknowledged
        }
      }
    }),
  );
  return { acks, clients };
}

/** Keys of `acks` missing (or with another value) on the node. */
async function missing(port: number, acks: Ack[]): Promise<Ack[]> {
  const c = await client(port);
  try {
    const out: Ack[] = [];
    for (let i = 0; i < acks.length; i += 1000) {
      const part = acks.slice(i, i + 1000);
      const vals = await c.mget(...part.map((a) => a.key));
      part.forEach((a, j) => {
        if (vals[j] !== a.value) out.push(a);
      });
    }
    return out;
  } finally {
    c.disconnect();
  }
}

function start(dir: string, args: string[] = [], waitReady = true): Promise<SpawnedNode> {
  return spawnNode({ args: ['--dir', dir, '--http-enabled', 'no', ...args], waitReady });
}

async function info(port: number): Promise<Record<string, string>> {
  const r = await redisCli(port, ['INFO', 'persistence']);
  return Object.fromEntries(
    r.stdout
      .split(/\r?\n/)
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

describe('persistence (spawned nodes)', () => {
  it('appendfsync always: kill -9 under 50 writers never loses an acknowledged write (3 rounds)', async () => {
    const dir = dataDir('always');
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const all: Ack[] = [];
    let rate = 0;
    for (let round = 0; round < 3; round++) {
      const node = await start(dir, args);
      // Everything acknowledged in earlier rounds survived the previous kill and restart.
      expect(await missing(node.port, all)).toEqual([]);
      let release: () => void = () => undefined;
      const stop = new Promise<void>((r) => (release = r));
      const t0 = Date.now();
      const running = writers(node.port, 50, `r${round}`, stop);
      await waitUntil(() => Date.now() - t0 > 1200, 5000, 'writers running');
      await node.kill(); // SIGKILL while writes are in flight
      release();
      const { acks, clients } = await running;
      for (const c of clients) c.disconnect();
      rate = Math.max(rate, acks.length / 1.2);
      expect(acks.length).toBeGreaterThan(100);
      all.push(...acks);
    }
    const node = await start(dir, args);
    try {
      expect(await missing(node.port, all)).toEqual([]);
      process.stdout.write(`[persistence] always: ${all.length} acknowledged writes over 3 kill -9 rounds, none lost; ~${Math.round(rate)} acked SET/s with 50 clients\n`);
    } finally {
      await node.stop();
    }
  });

  it('appendfsync everysec: kill -9 of the process loses no acknowledged write (the page cache keeps it)', async () => {
    const dir = dataDir('everysec');
    const args = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
    const node = await start(dir, args);
    let release: () => void = () => undefined;
    const stop = new Promise<void>((r) => (release = r));
    const t0 = Date.now();
    const running = writers(node.port, 50, 'es', stop);
    await waitUntil(() => Date.now() - t0 > 3000, 8000, 'writers running');
    const killedAt = Date.now();
    await node.kill();
    release();
    const { acks, clients } = await running;
    for (const c of clients) c.disconnect();
    const again = await start(dir, args);
    try {
      const lost = await missing(again.port, acks);
      const oldest = lost.reduce((m, a) => Math.min(m, a.at), Infinity);
      process.stdout.write(`[persistence] everysec: ${acks.length} acked, ${lost.length} lost, oldest lost ${lost.length ? killedAt - oldest : 0} ms before the kill\n`);
      // The AOF is written (not fsynced) before replies leave, as Redis does: killing the process
      // loses nothing acknowledged; only an OS crash could lose the last ~1-2 s.
      expect(lost).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('redis-check-aof (Debian) accepts an AOF ringcache wrote, before and after BGREWRITEAOF', async () => {
    const dir = dataDir('check');
    const node = await start(dir, ['--appendonly', 'yes', '--save', '']);
    const c = await client(node.port);
    try {
      await c.set('plain', 'v');
      await c.set('bin', Buffer.from([0, 13, 10, 255]));
      await c.set('ttl', 'x', 'EX', 100);
      await c.hset('h', 'f', 'v');
      await c.rpush('l', 'a', 'b');
      await c.zadd('z', 1.5, 'm');
      await c.xadd('s', '*', 'f', 'v');
      await c.multi().incr('n').select(3).set('in3', '1').exec();
      await c.select(0);
      await c.set('big', 'y'.repeat(100_000));
      const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
      const check = async (): Promise<string> => {
        const r = await run('redis-check-aof', [manifest]);
        expect(r.code, r.stdout).toBe(0);
        return r.stdout;
      };
      await waitUntil(async () => (await info(node.port))['aof_buffer_length'] === '0', 5000, 'AOF written');
      expect(await check()).toContain('All AOF files and manifest are valid');
      expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
      await waitUntil(async () => (await info(node.port))['aof_rewrite_in_progress'] === '0', 10_000, 'rewrite done');
      await c.set('after-rewrite', '1');
      await waitUntil(async () => (await info(node.port))['aof_buffer_length'] === '0', 5000, 'AOF written');
      const out = await check();
      expect(out).toContain('appendonly.aof.2.base.aof is valid');
      // Our own checker agrees.
      const ours = await run(process.execPath, [NODE_MAIN, 'check-aof', manifest]);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toContain('All AOF files and manifest are valid');
    } finally {
      c.disconnect();
      await node.stop();
    }
    // And the data came back from base + incr.
    const again = await start(dir, ['--appendonly', 'yes', '--save', '']);
    try {
      expect((await redisCli(again.port, ['GET', 'after-rewrite'])).stdout.trim()).toBe('1');
      expect((await redisCli(again.port, ['-n', '3', 'GET', 'in3'])).stdout.trim()).toBe('1');
      expect((await redisCli(again.port, ['STRLEN', 'big'])).stdout.trim()).toBe('100000');
    } finally {
      await again.stop();
    }
  });

  it('SAVE + kill -9 + restart restores the data; a corrupt snapshot refuses to start naming file and offset', async () => {
    const dir = dataDir('snap');
    const node = await start(dir, ['--save', '']);
    const c = await client(node.port);
    for (let i = 0; i < 1000; i++) await c.set(`k${i}`, `v${i}`);
    await c.hset('h', 'a', '1');
    expect(await c.save()).toBe('OK');
    const last = await c.lastsave();
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(5);
    c.disconnect();
    await node.kill();
    const again = await start(dir, ['--save', '']);
    try {
      expect((await redisCli(again.port, ['DBSIZE'])).stdout.trim()).toBe('1001');
      expect((await redisCli(again.port, ['GET', 'k999'])).stdout.trim()).toBe('v999');
    } finally {
      await again.stop();
    }
    const dump = path.join(dir, 'dump.rcs');
    const b = fs.readFileSync(dump);
    b[100] = (b[100] as number) ^ 0x55;
    fs.writeFileSync(dump, b);
    const bad = await start(dir, ['--save', ''], false);
    const code = await new Promise<number | null>((r) => bad.proc.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(bad.output()).toMatch(new RegExp(`refusing to load corrupt snapshot ${dump} at offset 16: block checksum mismatch`));
    const chk = await run(process.execPath, [NODE_MAIN, 'check-snapshot', dump]);
    expect(chk.code).toBe(1);
    expect(chk.stdout).toContain('corrupt at offset 16');
  });

  it('BGSAVE of 200k keys under writes keeps every walk slice short and the snapshot loads', async () => {
    const dir = dataDir('pause');
    const node = await start(dir, ['--save', '']);
    try {
      const fill = await run('redis-benchmark', ['-p', String(node.port), '-t', 'set', '-n', '200000', '-r', '100000000', '-P', '64', '-c', '4', '-d', '40', '-q'], undefined, 60_000);
      expect(fill.code).toBe(0);
      const keys = Number((await redisCli(node.port, ['DBSIZE'])).stdout.trim());
      expect(keys).toBeGreaterThan(190_000);
      expect((await redisCli(node.port, ['BGSAVE'])).stdout.trim()).toBe('Background saving started');
      // Writers keep going while the snapshot walks.
      const load = run('redis-benchmark', ['-p', String(node.port), '-t', 'set', '-n', '20000', '-r', '100000000', '-P', '16', '-c', '2', '-q'], undefined, 60_000);
      await waitUntil(async () => (await info(node.port))['rdb_bgsave_in_progress'] === '0', 30_000, 'BGSAVE done');
      await load;
      const i = await info(node.port);
      expect(i['rdb_last_bgsave_status']).toBe('ok');
      const slice = Number(i['last_walk_max_slice_ms']);
      process.stdout.write(`[persistence] BGSAVE of ${keys} keys: longest walk slice ${slice} ms\n`);
      // Generous: the budget is 4 ms per slice; this only catches a walk that stopped slicing.
      expect(slice).toBeLessThan(250);
    } finally {
      await node.kill();
    }
    const again = await start(dir, ['--save', '']);
    try {
      expect(Number((await redisCli(again.port, ['DBSIZE'])).stdout.trim())).toBeGreaterThan(190_000);
    } finally {
      await again.stop();
    }
  });

  it('a full disk answers writes with MISCONF, keeps reads, and writes resume once there is room', async (ctx) => {
    const mnt = path.join(root, 'tmpfs');
    fs.mkdirSync(mnt, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // needs root and mount(2); the unit tests cover the same path with an injected fs
      return;
    }
    let node: SpawnedNode | null = null;
    try {
      node = await start(path.join(mnt, 'data'), ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
      const port = node.port;
      expect((await redisCli(port, ['SET', 'before', 'ok'])).stdout.trim()).toBe('OK');
      // Fill the file system, leaving a few KB.
      const filler = path.join(mnt, 'filler');
      try {
        fs.writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
      } catch {
        // ENOSPC: the file holds whatever fitted.
      }
      const big = 'z'.repeat(64 * 1024);
      let reply = '';
      await waitUntil(
        async () => {
          reply = (await redisCli(port, ['SET', 'fill', big])).stdout.trim();
          return reply.startsWith('MISCONF');
        },
        10_000,
        'MISCONF',
      );
      expect(reply).toBe('MISCONF Errors writing to the AOF file: No space left on device');
      expect((await redisCli(port, ['GET', 'before'])).stdout.trim()).toBe('ok');
      expect((await info(port))['aof_last_write_status']).toBe('err');
      fs.rmSync(filler);
      await waitUntil(async () => (await redisCli(port, ['SET', 'after', 'ok'])).stdout.trim() === 'OK', 10_000, 'writes resume');
      expect((await info(port))['aof_last_write_status']).toBe('ok');
      await node.stop();
      node = await start(path.join(mnt, 'data'), ['--appendonly', 'yes', '--save', '']);
      expect((await redisCli(node.port, ['GET', 'after'])).stdout.trim()).toBe('ok');
      expect((await redisCli(node.port, ['GET', 'before'])).stdout.trim()).toBe('ok');
    } finally {
      if (node) await node.stop();
      execFileSync('umount', [mnt]);
    }
  });
});
