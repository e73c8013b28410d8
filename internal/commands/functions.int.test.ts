// Redis 7 functions side by side with redis-server 7.0.15 (LOAD/LIST/STATS shapes, FCALL results, errors), DUMP/RESTORE between the two, libraries surviving restarts (AOF, AOF rewrite, snapshot) and reaching every member of a cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { useInProcessCluster } from '../testing/inproc-cluster.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

type Cmd = string[];

/** FUNCTION LIST's order is Redis's dict order (seeded per process): libraries and their functions sorted by name. */
function ordered(reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  const byName = (xs: unknown[]): unknown[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return byName(
    reply.map((lib: unknown) => {
      if (!Array.isArray(lib)) return lib;
      const out = [...lib];
      const i = out.indexOf('functions');
      if (i >= 0 && Array.isArray(out[i + 1])) out[i + 1] = byName(out[i + 1] as unknown[]);
      return out;
    }),
  );
}

async function exec(c: Redis, cmd: Cmd): Promise<unknown> {
  try {
    const r: unknown = await c.call(cmd[0] as string, ...cmd.slice(1));
    return cmd[0] === 'FUNCTION' && cmd[1] === 'LIST' ? ordered(r) : r;
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
const LIB1 = lib(
  'lib1',
  "local function add1(a) return a + 1 end\n" +
    "redis.register_function('f1', function(keys, args) return add1(tonumber(args[1] or 0)) end)\n" +
    "redis.register_function{function_name='f2', callback=function(keys, args) return redis.call('set', keys[1], args[1]) end, description='sets', flags={'allow-oom'}}\n" +
    "redis.register_function{function_name='ro', callback=function(keys) return {redis.call('get', keys[1]), 3.7, {ok='fine'}, false} end, flags={'no-writes', 'allow-stale'}}\n" +
    "redis.register_function('err', function() return redis.error_reply('MY custom') end)\n" +
    "redis.register_function('boom', function() return redis.call('nosuch') end)",
);

/** Each entry runs from an empty function set on both servers. */
const TABLE: [string, Cmd[]][] = [
  ['LOAD, FCALL, LIST and STATS', [['FUNCTION', 'LOAD', LIB1], ['FCALL', 'f1', '0', '41'], ['FCALL', 'F1', '0'], ['FCALL', 'f2', '1', 'k', 'v'], ['FCALL_RO', 'ro', '1', 'k'], ['FCALL', 'err', '0'], ['FCALL', 'boom', '0'], ['FUNCTION', 'STATS'], ['FUNCTION', 'LIST', 'WITHCODE']]],
  ['LOAD errors', [
    ['FUNCTION', 'LOAD', 'return 1'],
    ['FUNCTION', 'LOAD', '#!lua name=x'],
    ['FUNCTION', 'LOAD', lib('bad-name', 'return 1')],
    ['FUNCTION', 'LOAD', "#!js name=x\nreturn 1"],
    ['FUNCTION', 'LOAD', "#!lua name=x foo=bar\nreturn 1"],
    ['FUNCTION', 'LOAD', lib('x', 'return 1')],
    ['FUNCTION', 'LOAD', lib('x', 'return +')],
    ['FUNCTION', 'LOAD', lib('x', 'return math.random()')],
    ['FUNCTION', 'LOAD', lib('x', 'a = 1')],
    ['FUNCTION', 'LOAD', lib('x', "redis.register_function('f', 'nope')")],
    ['FUNCTION', 'LOAD', lib('x', "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}")],
    ['FUNCTION', 'LOAD', lib('x', "redis.register_function{function_name='f', callback=function() end, other=1}")],
    ['FUNCTION', 'LOAD', 'NOPE', lib('x', 'return 1')],
    ['FUNCTION', 'LOAD', lib('x', "redis.register_function('f', function() return 1 end)")],
    ['FUNCTION', 'LOAD', lib('x', "redis.register_function('f', function() return 2 end)")],
    ['FUNCTION', 'LOAD', lib('y', "redis.register_function('F', function() return 2 end)")],
    ['FUNCTION', 'LOAD', 'REPLACE', lib('x', "redis.register_function('f', function() return 2 end)")],
    ['FCALL', 'f', '0'],
  ]],
  ['FCALL errors and run-time errors', [
    ['FUNCTION', 'LOAD', lib('x', "local lib = redis\nredis.register_function('w', function() return redis.call('set', 'a', 1) end)\nredis.register_function('m', function() lib.x = 1 end)\nredis.register_function('g', function() return nope end)\nredis.register_function{function_name='nw', callback=function() return redis.call('set', 'a', 1) end, flags={'no-writes'}}")],
    ['FCALL', 'missing', '0'],
    ['FCALL', 'w', 'x'],
    ['FCALL', 'w', '5'],
    ['FCALL', 'w', '-1'],
    ['FCALL_RO', 'w', '0'],
    ['FCALL', 'nw', '0'],
    ['FCALL', 'm', '0'],
    ['FCALL', 'g', '0'],
  ]],
  ['DELETE, FLUSH, LIST options, RESTORE errors', [
    ['FUNCTION', 'LOAD', lib('library1', "redis.register_function('f6', function() return 7 end)")],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib*'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nomatch'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ['FUNCTION', 'LIST', 'bogus'],
    ['FUNCTION', 'DELETE', 'nope'],
    ['FUNCTION', 'DELETE', 'library1'],
    ['FUNCTION', 'FLUSH', 'bogus'],
    ['FUNCTION', 'FLUSH', 'SYNC'],
    ['FUNCTION', 'FLUSH', 'ASYNC', 'x'],
    ['FUNCTION', 'RESTORE', 'bad_payload'],
    ['FUNCTION', 'RESTORE', 'a', 'b', 'c'],
    ['FUNCTION', 'RESTORE', 'x', 'bogus'],
    ['FUNCTION', 'KILL'],
    ['FUNCTION', 'STATS'],
    ['FUNCTION', 'DUMP'],
    ['FUNCTION', 'HELP'],
    ['FUNCTION', 'NOPE'],
  ]],
];

describe('functions side by side with redis-server 7.0.15', () => {
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
    await Promise.all([rc.call('FUNCTION', 'FLUSH'), rs.call('FUNCTION', 'FLUSH'), rc.flushall(), rs.flushall()]);
    for (const cmd of cmds) {
      const [ours, theirs] = await Promise.all([exec(rc, cmd), exec(rs, cmd)]);
      expect({ cmd: cmd.join(' ').slice(0, 60), reply: ours }).toEqual({ cmd: cmd.join(' ').slice(0, 60), reply: theirs });
    }
  });

  it('RESP3 shapes of FUNCTION LIST and STATS are the same', async () => {
    const [c3, r3] = await Promise.all([connectIoredis(node.port, { protocol: 3 }), connectIoredis(redis.port, { protocol: 3 })]);
    for (const c of [c3, r3]) {
      await c.call('FUNCTION', 'FLUSH');
      await c.call('FUNCTION', 'LOAD', LIB1);
    }
    for (const cmd of [['FUNCTION', 'LIST'], ['FUNCTION', 'STATS'], ['FCALL_RO', 'ro', '1', 'k']]) {
      expect(await exec(c3, cmd)).toEqual(await exec(r3, cmd));
    }
  });

  it('a FUNCTION DUMP payload restores in the other server, both ways', async () => {
    await Promise.all([rc.call('FUNCTION', 'FLUSH'), rs.call('FUNCTION', 'FLUSH')]);
    await rs.call('FUNCTION', 'LOAD', LIB1);
    await rs.call('FUNCTION', 'LOAD', lib('long', `-- ${'padding '.repeat(40)}\nredis.register_function('long', function() return 'long' end)`));
    // redis-server LZF-compresses library code longer than 20 bytes in its payload.
    const fromRedis = await rs.callBuffer('FUNCTION', 'DUMP');
    expect(await rc.call('FUNCTION', 'RESTORE', fromRedis as Buffer)).toBe('OK');
    expect(await rc.call('FCALL', 'f1', '0', '1')).toBe(2);
    expect(await rc.call('FCALL', 'long', '0')).toBe('long');
    const sorted = (c: Redis): Promise<unknown> => exec(c, ['FUNCTION', 'LIST', 'WITHCODE']);
    expect(await sorted(rc)).toEqual(await sorted(rs));
    await rc.call('FUNCTION', 'LOAD', lib('mine', "redis.register_function('mine', function() return 'mine' end)"));
    const fromUs = await rc.callBuffer('FUNCTION', 'DUMP');
    // The first library of the payload that exists is named: our DUMP keeps the order RESTORE gave us, which
    // is redis-server's dict order (its hash seed is random per start), so either library can come first.
    expect(await rs.call('FUNCTION', 'RESTORE', fromUs as Buffer).catch((e: Error) => `ERR:${e.message}`)).toMatch(/^ERR:ERR Library (lib1|long) already exists$/);
    expect(await rs.call('FUNCTION', 'RESTORE', fromUs as Buffer, 'FLUSH')).toBe('OK');
    expect(await rs.call('FCALL', 'mine', '0')).toBe('mine');
    expect(await sorted(rs)).toEqual(await sorted(rc));
  });
});

describe('functions persist', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-functions-'));
  afterAll(() => {
    closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  async function restart(node: SpawnedNode, args: string[]): Promise<{ node: SpawnedNode; c: Redis }> {
    await node.stop();
    const next = await spawnNode({ dir, keepDir: true, args, port: node.port });
    return { node: next, c: await connectIoredis(next.port, { protocol: 2 }) };
  }

  it('through AOF replay, an AOF rewrite and a snapshot', async () => {
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    let node = await spawnNode({ dir, keepDir: true, args: aof });
    let c = await connectIoredis(node.port, { protocol: 2 });
    await c.call('FUNCTION', 'LOAD', LIB1);
    await c.call('FUNCTION', 'LOAD', lib('gone', "redis.register_function('gone', function() return 1 end)"));
    await c.call('FUNCTION', 'DELETE', 'gone');
    await c.call('FUNCTION', 'LOAD', lib('two', "redis.register_function('two', function() return 2 end)"));
    ({ node, c } = await restart(node, aof));
    expect(await c.call('FCALL', 'f1', '0', '1')).toBe(2);
    expect(await c.call('FCALL', 'two', '0')).toBe(2);
    expect(await exec(c, ['FCALL', 'gone', '0'])).toBe('ERR:ERR Function not found');
    // The rewritten base carries the libraries (the incremental files after it are empty).
    expect(await c.bgrewriteaof()).toMatch(/rewriting/);
    await waitUntil(async () => /aof_rewrite_in_progress:0/.test(await c.info('persistence')), 10_000, 'AOF rewrite done');
    ({ node, c } = await restart(node, aof));
    expect(await c.call('FUNCTION', 'STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 2, 'functions_count', 6]]]);
    // A snapshot alone (no AOF) brings them back too.
    const snap = ['--appendonly', 'no', '--save', ''];
    ({ node, c } = await restart(node, aof));
    await c.call('FUNCTION', 'DELETE', 'two');
    expect(await c.call('SAVE')).toBe('OK');
    ({ node, c } = await restart(node, snap));
    expect(await c.call('FUNCTION', 'STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 5]]]);
    expect(await c.call('FCALL', 'f1', '0', '5')).toBe(6);
    c.disconnect();
    await node.stop();
  });
});

describe('functions in a 3-node cluster', () => {
  const cluster = useInProcessCluster(3);

  it('LOAD, DELETE, RESTORE and FLUSH on one member reach every member; FCALL runs where its keys live', async () => {
    const cs = await Promise.all([0, 1, 2].map((i) => connectIoredis(cluster().port(i), { protocol: 2 })));
    const [c0, c1, c2] = cs as [Redis, Redis, Redis];
    const everywhere = async (what: string, expected: number): Promise<void> => {
      await waitUntil(async () => {
        const counts = await Promise.all(cs.map(async (c) => ((await c.call('FUNCTION', 'LIST')) as unknown[]).length));
        return counts.every((n) => n === expected);
      }, 10_000, what);
    };
    expect(await c0.call('FUNCTION', 'LOAD', LIB1)).toBe('lib1');
    await everywhere('lib1 on every member', 1);
    // Keys in many slots, so most FCALLs are forwarded to another owner, which has the function too.
    for (let i = 0; i < 30; i++) expect(await cs[i % 3]?.call('FCALL', 'f2', '1', `key:${i}`, String(i))).toBe('OK');
    for (let i = 0; i < 30; i++) expect(await c2.get(`key:${i}`)).toBe(String(i));
    expect(await c1.call('FCALL', 'f1', '0', '9')).toBe(10);
    // A refused change is not sent on.
    expect(await exec(c1, ['FUNCTION', 'LOAD', LIB1])).toBe("ERR:ERR Library 'lib1' already exists");
    const payload = await c0.callBuffer('FUNCTION', 'DUMP');
    expect(await c1.call('FUNCTION', 'DELETE', 'lib1')).toBe('OK');
    await everywhere('lib1 deleted everywhere', 0);
    expect(await c2.call('FUNCTION', 'RESTORE', payload as Buffer)).toBe('OK');
    await everywhere('lib1 restored everywhere', 1);
    expect(await c0.call('FUNCTION', 'FLUSH')).toBe('OK');
    await everywhere('flushed everywhere', 0);
  });
});
