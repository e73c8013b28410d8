// Bitmaps and bitfields side by side with redis-server 7.0.15 (a table of commands, replies and bytes compared), across restarts (AOF, snapshot), DUMP to redis-server, and CROSSSLOT in a cluster.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyHashSlot } from '../ring/slot.js';
import { closeAll, connectIoredis, openIoredis } from '../testing/clients.js';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { useInProcessCluster } from '../testing/inproc-cluster.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

type Cmd = readonly (string | Buffer)[];

/** A reply in comparable form: bulk strings as hex (exact bytes), errors as their line. */
async function exec(c: Redis, cmd: Cmd): Promise<unknown> {
  const norm = (r: unknown): unknown => (Buffer.isBuffer(r) ? `hex:${r.toString('hex')}` : Array.isArray(r) ? r.map(norm) : r);
  try {
    return norm(await c.callBuffer(cmd[0] as string, ...cmd.slice(1)));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const B = (bytes: number[]): Buffer => Buffer.from(bytes);

/** Groups of commands run in order on both servers (each group on fresh keys: a FLUSHALL first). */
const TABLE: readonly (readonly [string, readonly Cmd[]])[] = [
  [
    'SETBIT / GETBIT on a string made by SET, and GETRANGE of a bitmap',
    [
      ['SET', 'k', 'abc'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '6', '1'],
      ['GET', 'k'],
      ['SETBIT', 'k', '100', '1'],
      ['GETRANGE', 'k', '0', '-1'],
      ['STRLEN', 'k'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '99'],
      ['GETBIT', 'k', '100000'],
      ['GETBIT', 'missing', '0'],
      ['SETBIT', 'new', '0', '0'],
      ['GET', 'new'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '1'],
      ['SET', 'bin', B([0xff, 0x00, 0x80, 0x01])],
      ['SETBIT', 'bin', '8', '1'],
      ['SETBIT', 'bin', '31', '0'],
      ['GETRANGE', 'bin', '0', '-1'],
      ['SET', 'num', '12345'],
      ['SETBIT', 'num', '0', '1'],
      ['GET', 'num'],
    ],
  ],
  [
    'SETBIT / GETBIT errors',
    [
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', 'x', '1'],
      ['SETBIT', 'k', '4294967296', '1'],
      ['SETBIT', 'k', '0', '2'],
      ['SETBIT', 'k', '0', '-1'],
      ['SETBIT', 'k', '0', 'a'],
      ['GETBIT', 'k', '-1'],
      ['GETBIT', 'k', '4294967296'],
      ['LPUSH', 'l', 'a'],
      ['SETBIT', 'l', '0', '1'],
      ['GETBIT', 'l', '0'],
      ['SETBIT', 'l', 'x', '1'],
      ['SETBIT', 'k'],
    ],
  ],
  [
    'BITCOUNT with BYTE and BIT ranges and negative indexes',
    [
      ['SET', 's', 'foobar'],
      ['BITCOUNT', 's'],
      ['BITCOUNT', 's', '0', '0'],
      ['BITCOUNT', 's', '1', '1'],
      ['BITCOUNT', 's', '1', '1', 'BYTE'],
      ['BITCOUNT', 's', '5', '30', 'BIT'],
      ['BITCOUNT', 's', '5', '30', 'bit'],
      ['BITCOUNT', 's', '-1', '-1'],
      ['BITCOUNT', 's', '-5', '-1', 'BIT'],
      ['BITCOUNT', 's', '-1', '-5'],
      ['BITCOUNT', 's', '-1', '-5', 'FOO'],
      ['BITCOUNT', 's', '2', '1'],
      ['BITCOUNT', 's', '0', '1000'],
      ['BITCOUNT', 's', '-1000', '1000', 'BIT'],
      ['BITCOUNT', 's', '7', '7', 'BIT'],
      ['BITCOUNT', 's', '0', '1', 'WORD'],
      ['BITCOUNT', 's', '0'],
      ['BITCOUNT', 's', '0', '1', 'BIT', 'x'],
      ['BITCOUNT', 's', 'a', '1'],
      ['BITCOUNT', 'missing'],
      ['BITCOUNT', 'missing', 'a', 'b'],
      ['BITCOUNT', 'missing', '0'],
      ['SET', 'empty', ''],
      ['BITCOUNT', 'empty'],
      ['BITCOUNT', 'empty', '0', '-1'],
      ['BITCOUNT', 'empty', '0', '-1', 'BIT'],
      ['LPUSH', 'l', 'a'],
      ['BITCOUNT', 'l'],
    ],
  ],
  [
    'BITPOS with BYTE and BIT ranges, missing and empty keys',
    [
      ['SET', 's', B([0xff, 0xf0, 0x00])],
      ['BITPOS', 's', '0'],
      ['BITPOS', 's', '1'],
      ['BITPOS', 's', '1', '2'],
      ['BITPOS', 's', '0', '0', '0'],
      ['BITPOS', 's', '0', '2', '-1'],
      ['BITPOS', 's', '1', '7', '15', 'BIT'],
      ['BITPOS', 's', '0', '7', '15', 'BIT'],
      ['BITPOS', 's', '0', '7', '11', 'BIT'],
      ['BITPOS', 's', '0', '3', '-1', 'bit'],
      ['BITPOS', 's', '1', '-10', '-1', 'BIT'],
      ['BITPOS', 's', '0', '-10', '-1', 'BIT'],
      ['BITPOS', 's', '1', '5', '3', 'BIT'],
      ['BITPOS', 's', '1', '0', '-1', 'WORD'],
      ['BITPOS', 's', '2'],
      ['BITPOS', 's', 'x'],
      ['BITPOS', 's', '1', 'x'],
      ['BITPOS', 's', '1', '0', 'x'],
      ['BITPOS', 's', '1', '0', '1', 'BIT', 'x'],
      ['SET', 'ones', B([0xff, 0xff])],
      ['BITPOS', 'ones', '0'],
      ['BITPOS', 'ones', '0', '0'],
      ['BITPOS', 'ones', '0', '0', '-1'],
      ['BITPOS', 'ones', '0', '3', '12', 'BIT'],
      ['BITPOS', 'ones', '0', '3', 'BIT'],
      ['BITPOS', 'missing', '0'],
      ['BITPOS', 'missing', '1'],
      ['BITPOS', 'missing', '1', '0', '-1', 'BIT'],
      ['SET', 'empty', ''],
      ['BITPOS', 'empty', '0'],
      ['BITPOS', 'empty', '1'],
      ['BITPOS', 'empty', '0', '0', '-1', 'BIT'],
      ['SET', 'zeros', B([0, 0, 0])],
      ['BITPOS', 'zeros', '1'],
      ['BITPOS', 'zeros', '0', '9', 'BIT'],
      ['BITPOS', 'zeros', '1', '-1'],
      ['LPUSH', 'l', 'a'],
      ['BITPOS', 'l', '0'],
    ],
  ],
  [
    'BITOP AND / OR / XOR / NOT',
    [
      ['SET', 'a', B([0xff, 0x0f, 0xaa])],
      ['SET', 'b', B([0x0f, 0xf0])],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'or', 'd', 'a', 'b', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'XOR', 'd', 'a', 'b', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a', 'b'],
      ['BITOP', 'NAND', 'd', 'a'],
      ['EXPIRE', 'd', '100'],
      ['BITOP', 'AND', 'd', 'a'],
      ['TTL', 'd'],
      ['BITOP', 'AND', 'd', 'missing', 'missing2'],
      ['EXISTS', 'd'],
      ['LPUSH', 'l', 'x'],
      ['BITOP', 'AND', 'd', 'a', 'l'],
      ['BITOP', 'AND', 'l', 'a'],
      ['TYPE', 'l'],
      ['SET', 'e', ''],
      ['BITOP', 'OR', 'd', 'e'],
      ['EXISTS', 'd'],
    ],
  ],
  [
    'BITFIELD GET / SET / INCRBY, # offsets, signed and unsigned',
    [
      ['BITFIELD', 'bf', 'SET', 'i8', '0', '-100', 'GET', 'i8', '0', 'GET', 'u8', '0'],
      ['BITFIELD', 'bf', 'SET', 'u4', '#1', '15', 'GET', 'u4', '4', 'GET', 'i4', '#1'],
      ['BITFIELD', 'bf', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'i5', '100', '-3'],
      ['GET', 'bf'],
      ['BITFIELD', 'bf', 'SET', 'i64', '0', '-9223372036854775808', 'GET', 'i64', '0', 'GET', 'u63', '1'],
      ['BITFIELD', 'bf', 'SET', 'u63', '3', '9223372036854775807', 'GET', 'u63', '3'],
      ['BITFIELD', 'bf', 'GET', 'u1', '0', 'GET', 'i1', '0', 'GET', 'i1', '1'],
      ['BITFIELD', 'bf', 'GET', 'u8', '1000'],
      ['BITFIELD', 'bf'],
      ['BITFIELD', 'missing', 'GET', 'i16', '5'],
      ['EXISTS', 'missing'],
      ['BITFIELD', 'bf', 'SET', 'u8', '#2', '255', 'SET', 'u8', '#2', '1'],
      ['BITFIELD', 'bf', 'GET', 'u8', '#2', 'get', 'u8', '16'],
      ['BITFIELD_RO', 'bf', 'GET', 'u8', '#2', 'GET', 'i3', '1'],
      ['BITFIELD_RO', 'missing', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'bf'],
    ],
  ],
  [
    'BITFIELD overflow: WRAP, SAT, FAIL',
    [
      ['BITFIELD', 'o', 'SET', 'u8', '0', '255', 'INCRBY', 'u8', '0', '10', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '300', 'INCRBY', 'u8', '0', '-1000'],
      ['BITFIELD', 'o', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '256', 'INCRBY', 'u8', '0', '-1', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD', 'o', 'SET', 'i8', '8', '127', 'INCRBY', 'i8', '8', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '8', '-300', 'INCRBY', 'i8', '8', '1000'],
      ['BITFIELD', 'o', 'OVERFLOW', 'wrap', 'SET', 'i8', '16', '200', 'SET', 'u8', '16', '-1', 'SET', 'u8', '16', '300', 'GET', 'u8', '16'],
      ['BITFIELD', 'o', 'OVERFLOW', 'sat', 'SET', 'i8', '16', '200', 'SET', 'u8', '16', '-1', 'SET', 'i8', '16', '-200', 'SET', 'u8', '16', '300'],
      ['BITFIELD', 'o', 'OVERFLOW', 'fail', 'SET', 'i8', '16', '200', 'SET', 'u8', '16', '-1', 'GET', 'u8', '16'],
      ['BITFIELD', 'o', 'SET', 'i64', '32', '9223372036854775807', 'INCRBY', 'i64', '32', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '32', '9223372036854775807', 'INCRBY', 'i64', '32', '-9223372036854775808', 'INCRBY', 'i64', '32', '-9223372036854775808'],
      ['BITFIELD', 'o', 'SET', 'u63', '32', '9223372036854775807', 'INCRBY', 'u63', '32', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', '32', '-5', 'INCRBY', 'u63', '32', '9223372036854775807'],
      ['BITFIELD', 'o', 'OVERFLOW', 'FAIL', 'INCRBY', 'i1', '200', '1', 'INCRBY', 'i1', '200', '-1', 'INCRBY', 'i1', '200', '-1'],
      ['BITFIELD', 'fails', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '9'],
      ['GET', 'fails'],
      ['GET', 'o'],
    ],
  ],
  [
    'BITFIELD and BITFIELD_RO errors',
    [
      ['BITFIELD', 'e', 'GET', 'u64', '0'],
      ['BITFIELD', 'e', 'GET', 'i65', '0'],
      ['BITFIELD', 'e', 'GET', 'i0', '0'],
      ['BITFIELD', 'e', 'GET', 'x8', '0'],
      ['BITFIELD', 'e', 'GET', 'I8', '0'],
      ['BITFIELD', 'e', 'GET', 'i08', '0'],
      ['BITFIELD', 'e', 'GET', 'u8', '-1'],
      ['BITFIELD', 'e', 'GET', 'u8', '#-1'],
      ['BITFIELD', 'e', 'GET', 'u8', '4294967296'],
      ['BITFIELD', 'e', 'GET', 'u8', '#536870912'],
      ['BITFIELD', 'e', 'GET', 'u8', 'x'],
      ['BITFIELD', 'e', 'SET', 'u8', '0', 'x'],
      ['BITFIELD', 'e', 'SET', 'u8', '0'],
      ['BITFIELD', 'e', 'GET', 'u8'],
      ['BITFIELD', 'e', 'FOO', 'u8', '0'],
      ['BITFIELD', 'e', 'OVERFLOW', 'BAD', 'GET', 'u8', '0'],
      ['BITFIELD', 'e', 'OVERFLOW'],
      ['BITFIELD_RO', 'e', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'e', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD_RO', 'e', 'GET', 'u8', '0', 'SET', 'u8', '0', 'x'],
      ['BITFIELD_RO', 'e', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
      ['EXISTS', 'e'],
      ['LPUSH', 'l', 'a'],
      ['BITFIELD', 'l', 'GET', 'u8', '0'],
      ['BITFIELD', 'l', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'l', 'GET', 'u8', '0'],
    ],
  ],
  [
    'COMMAND GETKEYSANDFLAGS of BITFIELD and BITOP',
    [
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0', 'INCRBY', 'u8', '0', '1'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITOP', 'AND', 'd', 'a', 'b'],
    ],
  ],
];

describe('bitmaps and bitfields, side by side with redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  let rc: Redis;
  let rs: Redis;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode(), startRedisServer()]);
    [rc, rs] = await Promise.all([connectIoredis(node.port, { protocol: 2 }), connectIoredis(redis.port, { protocol: 2 })]);
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([node?.stop(), redis?.stop()]);
  });

  it.each(TABLE)('%s', async (_name, cmds) => {
    await Promise.all([rc.flushall(), rs.flushall()]);
    for (const cmd of cmds) {
      const [ours, theirs] = await Promise.all([exec(rc, cmd), exec(rs, cmd)]);
      expect({ cmd: cmd.map(String), reply: ours }).toEqual({ cmd: cmd.map(String), reply: theirs });
    }
  });

  it('the same bytes after a random mix of SETBIT, BITFIELD and BITOP', async () => {
    await Promise.all([rc.flushall(), rs.flushall()]);
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const cmds: Cmd[] = [];
    for (let i = 0; i < 400; i++) {
      const key = `r${rnd(3)}`;
      const r = rnd(4);
      if (r === 0) cmds.push(['SETBIT', key, String(rnd(2000)), String(rnd(2))]);
      else if (r === 1) cmds.push(['BITFIELD', key, 'OVERFLOW', ['WRAP', 'SAT', 'FAIL'][rnd(3)] as string, 'INCRBY', `${rnd(2) ? 'i' : 'u'}${1 + rnd(63)}`, String(rnd(2100)), String(rnd(1_000_000) - 500_000)]);
      else if (r === 2) cmds.push(['BITOP', ['AND', 'OR', 'XOR'][rnd(3)] as string, `r${rnd(3)}`, 'r0', 'r1', 'r2']);
      else cmds.push(['BITCOUNT', key, String(rnd(300) - 150), String(rnd(300) - 150), rnd(2) ? 'BIT' : 'BYTE']);
      if (i % 25 === 0) cmds.push(['BITPOS', key, String(rnd(2)), String(rnd(600) - 300), String(rnd(600) - 300), 'BIT']);
    }
    for (const cmd of cmds) {
      const [ours, theirs] = await Promise.all([exec(rc, cmd), exec(rs, cmd)]);
      expect({ cmd: cmd.map(String), reply: ours }).toEqual({ cmd: cmd.map(String), reply: theirs });
    }
    for (const k of ['r0', 'r1', 'r2']) {
      const [a, b] = await Promise.all([rc.getBuffer(k), rs.getBuffer(k)]);
      expect(a?.toString('hex')).toBe(b?.toString('hex'));
    }
  });
});

/** Bit writes on a string made by SET and on new keys, the same on both servers. */
async function writeBits(c: Redis): Promise<void> {
  await c.set('made', 'hello world');
  for (let i = 0; i < 200; i += 3) await c.setbit('made', i * 7, i % 2);
  for (let i = 0; i < 300; i++) await c.setbit('grown', i * 13, 1);
  await c.call('BITFIELD', 'grown', 'SET', 'i17', '#9', '-4242', 'INCRBY', 'u31', '1000', '123456789');
  await c.call('BITOP', 'XOR', 'x', 'made', 'grown');
  await c.set('ttl', 'abc', 'EX', '1000');
  await c.setbit('ttl', 100, 1);
}

describe('bitmaps held as bytes: every string reader sees Redis\'s bytes', () => {
  let redis: RedisServer;
  let rs: Redis;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-bitmaps-'));

  beforeAll(async () => {
    redis = await startRedisServer();
    rs = await connectIoredis(redis.port, { protocol: 2 });
    await writeBits(rs);
  });

  afterAll(async () => {
    closeAll();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const KEYS = ['made', 'grown', 'x', 'ttl'];
  async function sameAsRedis(c: Redis): Promise<void> {
    for (const k of KEYS) {
      const [a, b] = await Promise.all([c.getBuffer(k), rs.getBuffer(k)]);
      expect({ k, v: a?.toString('hex') }).toEqual({ k, v: b?.toString('hex') });
      expect(await c.strlen(k)).toBe(await rs.strlen(k));
      expect((await c.getrangeBuffer(k, 3, 40)).toString('hex')).toBe((await rs.getrangeBuffer(k, 3, 40)).toString('hex'));
      expect(await c.bitcount(k)).toBe(await rs.bitcount(k));
    }
    expect(await c.ttl('ttl')).toBeGreaterThan(900);
  }

  it('GET/GETRANGE/STRLEN, DUMP into redis-server, APPEND/SETRANGE after SETBIT, AOF replay and snapshot load', async () => {
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    let node = await spawnNode({ dir, keepDir: true, args });
    let c = await connectIoredis(node.port, { protocol: 2 });
    await writeBits(c);
    await sameAsRedis(c);
    // DUMP of a bitmap held as bytes restores in redis-server as the same string.
    for (const k of KEYS) {
      const dump = await c.dumpBuffer(k);
      await rs.restore(`copy:${k}`, 0, dump);
      expect((await rs.getBuffer(`copy:${k}`))?.toString('hex')).toBe((await c.getBuffer(k))?.toString('hex'));
    }
    expect(await c.object('ENCODING', 'grown')).toBe(await rs.object('ENCODING', 'grown'));
    expect(await c.type('grown')).toBe('string');
    // The AOF replays SETBIT/BITFIELD/BITOP to the same bytes.
    await node.stop();
    node = await spawnNode({ dir, keepDir: true, args, port: node.port });
    c = await connectIoredis(node.port, { protocol: 2 });
    await sameAsRedis(c);
    // A snapshot written while values are held as bytes loads back the same.
    for (const cl of [c, rs]) {
      await cl.setbit('grown', 5000, 1);
      await cl.append('made', 'tail');
      await cl.setrange('x', 2, 'zz');
      await cl.setbit('made', 3, 1);
    }
    expect(await c.bgrewriteaof()).toMatch(/rewriting/);
    await node.stop();
    node = await spawnNode({ dir, keepDir: true, args, port: node.port });
    c = await connectIoredis(node.port, { protocol: 2 });
    await sameAsRedis(c);
    c.disconnect();
    await node.stop();
  });
});

describe('bitmaps in a 3-node cluster', () => {
  const cluster = useInProcessCluster(3);

  it('BITOP across slots is CROSSSLOT; hash-tagged keys work through any node', async () => {
    const c = openIoredis(cluster().port(0));
    expect(keyHashSlot('a')).not.toBe(keyHashSlot('b'));
    await expect(c.bitop('AND', 'a', 'b')).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");
    await expect(c.bitop('OR', '{t}d', '{t}a', 'b')).rejects.toThrow(/^CROSSSLOT/);
    for (let i = 0; i < 3; i++) {
      const n = openIoredis(cluster().port(i));
      expect(await n.setbit(`{b${i}}x`, 7, 1)).toBe(0);
      expect(await n.call('BITFIELD', `{b${i}}y`, 'SET', 'u8', '0', '255')).toEqual([0]);
      expect(await n.bitop('AND', `{b${i}}z`, `{b${i}}x`, `{b${i}}y`)).toBe(1);
      const other = openIoredis(cluster().port((i + 1) % 3));
      expect(await other.bitcount(`{b${i}}z`)).toBe(1);
      expect(await other.bitpos(`{b${i}}z`, 1)).toBe(7);
      expect(await other.call('BITFIELD_RO', `{b${i}}y`, 'GET', 'u4', '0')).toEqual([15]);
    }
  });
});
