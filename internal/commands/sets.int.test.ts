// Sets family against a spawned node: ioredis (RESP3), node-redis (RESP2 and RESP3), redis-cli and raw RESP bytes.
import type { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { rawExchange, redisCli, spawnNode, type SpawnedNode } from '../testing/harness.js';

const resp2Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 2 });
const resp3Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 3 });

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
/** Every byte value once. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();

describe('sets family over the wire', () => {
  let node: SpawnedNode;
  /** ioredis 6: RESP3 with the default (legacy) reply mapping. */
  let io: Redis;
  /** A second connection, to change sets between another client's SSCAN pages. */
  let io2: Redis;
  let nr: ReturnType<typeof resp2Client>;
  let nr3: ReturnType<typeof resp3Client>;

  beforeAll(async () => {
    node = await spawnNode();
    [io, io2] = await Promise.all([connectIoredis(node.port), connectIoredis(node.port)]);
    nr = resp2Client(node.port);
    nr3 = resp3Client(node.port);
    await Promise.all([nr.connect(), nr3.connect()]);
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([nr?.quit(), nr3?.quit()]);
    await node?.stop();
  });

  describe('with ioredis', () => {
    it('SADD / SREM / SMEMBERS / SISMEMBER / SMISMEMBER / SCARD', async () => {
      expect(await io.sadd('io:s', 'a', 'b', 'a')).toBe(2);
      expect(await io.sadd('io:s', 'a')).toBe(0);
      expect(sorted(await io.smembers('io:s'))).toEqual(['a', 'b']);
      expect(await io.smembers('io:none')).toEqual([]);
      expect(await io.sismember('io:s', 'a')).toBe(1);
      expect(await io.sismember('io:s', 'z')).toBe(0);
      expect(await io.smismember('io:s', 'a', 'z', 'b')).toEqual([1, 0, 1]);
      expect(await io.smismember('io:none', 'a')).toEqual([0]);
      expect(await io.scard('io:s')).toBe(2);
      expect(await io.scard('io:none')).toBe(0);
      expect(await io.srem('io:s', 'a', 'zz')).toBe(1);
      expect(await io.srem('io:s', 'b')).toBe(1);
      expect(await io.exists('io:s')).toBe(0);
      expect(await io.srem('io:s', 'b')).toBe(0);
      expect(await io.type((await io.sadd('io:t', 'x'), 'io:t'))).toBe('set');
    });

    it('intsets answer in numeric order and report their encoding', async () => {
      await io.sadd('io:ints', '10', '-3', '2', '9223372036854775807', '-9223372036854775808');
      expect(await io.smembers('io:ints')).toEqual(['-9223372036854775808', '-3', '2', '10', '9223372036854775807']);
      expect(await io.object('ENCODING', 'io:ints')).toBe('intset');
      await io.sadd('io:ints', 'x');
      expect(await io.object('ENCODING', 'io:ints')).toBe('hashtable');
      await io.srem('io:ints', 'x');
      expect(await io.object('ENCODING', 'io:ints')).toBe('hashtable');
    });

    it('SPOP: one, a count, everything', async () => {
      await io.sadd('io:p', 'a', 'b', 'c', 'd', 'e');
      const one = await io.spop('io:p');
      expect(['a', 'b', 'c', 'd', 'e']).toContain(one);
      const two = await io.spop('io:p', 2);
      expect(two).toHaveLength(2);
      expect(new Set([one, ...two]).size).toBe(3);
      expect(await io.scard('io:p')).toBe(2);
      expect(await io.spop('io:p', 0)).toEqual([]);
      const rest = await io.spop('io:p', 10);
      expect(sorted([one, ...two, ...rest])).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await io.exists('io:p')).toBe(0);
      expect(await io.spop('io:p')).toBeNull();
      expect(await io.spop('io:p', 3)).toEqual([]);
      await expect(io.call('SPOP', 'io:p', '-1')).rejects.toThrow('ERR value is out of range, must be positive');
      await expect(io.call('SPOP', 'io:p', '1', '2')).rejects.toThrow('ERR syntax error');
    });

    it('SRANDMEMBER: one, distinct, with repetition', async () => {
      await io.sadd('io:r', 'a', 'b', 'c');
      expect(['a', 'b', 'c']).toContain(await io.srandmember('io:r'));
      expect(await io.srandmember('io:none')).toBeNull();
      const two = (await io.srandmember('io:r', 2)) as string[];
      expect(new Set(two).size).toBe(2);
      expect(sorted((await io.srandmember('io:r', 10)) as string[])).toEqual(['a', 'b', 'c']);
      expect(await io.srandmember('io:r', -6)).toHaveLength(6);
      expect(await io.srandmember('io:r', 0)).toEqual([]);
      expect(await io.srandmember('io:none', 3)).toEqual([]);
      expect(await io.scard('io:r')).toBe(3);
      await expect(io.call('SRANDMEMBER', 'io:r', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    });

    it('SMOVE', async () => {
      await io.sadd('io:src', 'a', 'b');
      await io.sadd('io:dst', 'b');
      expect(await io.smove('io:src', 'io:dst', 'a')).toBe(1);
      expect(await io.smove('io:src', 'io:dst', 'a')).toBe(0);
      expect(await io.smove('io:src', 'io:dst', 'b')).toBe(1);
      expect(await io.exists('io:src')).toBe(0);
      expect(sorted(await io.smembers('io:dst'))).toEqual(['a', 'b']);
      expect(await io.smove('io:dst', 'io:dst', 'a')).toBe(1);
      expect(await io.smove('io:none', 'io:dst', 'a')).toBe(0);
      expect(await io.smove('io:dst', 'io:fresh', 'a')).toBe(1);
      expect(await io.smembers('io:fresh')).toEqual(['a']);
    });

    it('SINTER / SINTERCARD / SINTERSTORE', async () => {
      await io.sadd('io:a', '1', '2', '3', '4', 'x');
      await io.sadd('io:b', '2', '3', '4', '5', 'x');
      await io.sadd('io:c', '4', '3', '9');
      expect(await io.sinter('io:a', 'io:b', 'io:c')).toEqual(['3', '4']);
      expect(sorted(await io.sinter('io:a', 'io:b'))).toEqual(['2', '3', '4', 'x']);
      expect(await io.sinter('io:a', 'io:none')).toEqual([]);
      expect(await io.sintercard(2, 'io:a', 'io:b')).toBe(4);
      expect(await io.sintercard(2, 'io:a', 'io:b', 'LIMIT', 2)).toBe(2);
      expect(await io.sintercard(1, 'io:none')).toBe(0);
      expect(await io.sinterstore('io:d', 'io:a', 'io:c')).toBe(2);
      expect(await io.smembers('io:d')).toEqual(['3', '4']);
      expect(await io.sinterstore('io:d', 'io:a', 'io:none')).toBe(0);
      expect(await io.exists('io:d')).toBe(0);
      await expect(io.call('SINTERCARD', '0', 'io:a')).rejects.toThrow('ERR numkeys should be greater than 0');
      await expect(io.call('SINTERCARD', '3', 'io:a')).rejects.toThrow("ERR Number of keys can't be greater than number of args");
      await expect(io.call('SINTERCARD', '1', 'io:a', 'LIMIT', '-1')).rejects.toThrow("ERR LIMIT can't be negative");
      await expect(io.call('SINTERCARD', '1', 'io:a', 'LIMIT')).rejects.toThrow('ERR syntax error');
    });

    it('SUNION / SUNIONSTORE / SDIFF / SDIFFSTORE', async () => {
      await io.sadd('io:u1', '1', '2', '3');
      await io.sadd('io:u2', '3', '4');
      await io.sadd('io:u3', 'x', '1');
      expect(await io.sunion('io:u1', 'io:u2')).toEqual(['1', '2', '3', '4']);
      expect(sorted(await io.sunion('io:u1', 'io:u3', 'io:none'))).toEqual(['1', '2', '3', 'x']);
      expect(await io.sdiff('io:u1', 'io:u2')).toEqual(['1', '2']);
      expect(await io.sdiff('io:u1', 'io:u2', 'io:u3')).toEqual(['2']);
      expect(await io.sdiff('io:none', 'io:u1')).toEqual([]);
      expect(await io.sunionstore('io:us', 'io:u1', 'io:u2')).toBe(4);
      expect(await io.object('ENCODING', 'io:us')).toBe('intset');
      expect(await io.sdiffstore('io:ds', 'io:u1', 'io:u2')).toBe(2);
      expect(await io.smembers('io:ds')).toEqual(['1', '2']);
      await io.set('io:str', 'x');
      expect(await io.sunionstore('io:str', 'io:u1')).toBe(3);
      expect(await io.type('io:str')).toBe('set');
      expect(await io.sdiffstore('io:str', 'io:u1', 'io:u1')).toBe(0);
      expect(await io.exists('io:str')).toBe(0);
    });

    it('SSCAN: a full sscanStream iteration of a large set, with MATCH and COUNT', async () => {
      const members = Array.from({ length: 3000 }, (_, i) => `m:${i}`);
      await io.sadd('io:big', ...members);
      const collect = (key: string, opts: { match?: string; count?: number }): Promise<string[]> =>
        new Promise((resolve, reject) => {
          const out: string[] = [];
          const s = io.sscanStream(key, opts);
          s.on('data', (batch: string[]) => out.push(...batch));
          s.on('end', () => resolve(out));
          s.on('error', reject);
        });
      const all = await collect('io:big', { count: 101 });
      expect(all).toHaveLength(3000);
      expect(sorted(all)).toEqual(sorted(members));
      const some = await collect('io:big', { match: 'm:2??', count: 500 });
      expect(sorted(some)).toEqual(sorted(Array.from({ length: 100 }, (_, i) => `m:${200 + i}`)));
      await io.sadd('io:smallints', '3', '1', '2');
      expect(await io.sscan('io:smallints', 0, 'COUNT', 1)).toEqual(['0', ['1', '2', '3']]);
      expect(await io.sscan('io:none', 0)).toEqual(['0', []]);
    });

    it('SSCAN returns every member that stays while others are added and removed', async () => {
      const stable = Array.from({ length: 2000 }, (_, i) => `s${i}`);
      await io.sadd('io:churn', ...stable);
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, members] = await io.sscan('io:churn', cursor, 'COUNT', 50);
        for (const m of members) seen.add(m);
        cursor = next;
        await io2.sadd('io:churn', `tmp${round}`, `tmp${round + 1}`);
        if (round > 2) await io2.srem('io:churn', `tmp${round - 2}`, `tmp${round - 3}`, `s${round}`);
        if (round > 5) await io2.spop('io:churn', 1);
        round++;
      } while (cursor !== '0');
      // Members removed by SREM/SPOP during the scan were not present for the whole iteration.
      const remaining = new Set(await io.smembers('io:churn'));
      for (const m of stable) if (remaining.has(m)) expect(seen.has(m), m).toBe(true);
      expect(remaining.size).toBeGreaterThan(1800);
    });

    it('binary members round-trip', async () => {
      const long = Buffer.concat([ALL_BYTES, Buffer.from('\r\n*1\r\n'), ALL_BYTES]);
      expect(await io.sadd('io:bin', long, ALL_BYTES, Buffer.alloc(0), Buffer.from([0]))).toBe(4);
      expect(await io.sismember('io:bin', long)).toBe(1);
      expect(await io.sismember('io:bin', Buffer.from([0, 0]))).toBe(0);
      const members = (await io.smembersBuffer('io:bin')) as Buffer[];
      expect(sorted(members.map((b) => b.toString('hex')))).toEqual(sorted([long, ALL_BYTES, Buffer.alloc(0), Buffer.from([0])].map((b) => b.toString('hex'))));
      const popped = (await io.callBuffer('SPOP', 'io:bin', '4')) as Buffer[];
      expect(popped).toHaveLength(4);
      expect(await io.exists('io:bin')).toBe(0);
    });

    it('WRONGTYPE for every command on a string key, and the string is untouched', async () => {
      await io.set('io:wstr', 'x');
      await io.sadd('io:wset', 'a');
      for (const argv of [
        ['SADD', 'io:wstr', 'a'],
        ['SREM', 'io:wstr', 'a'],
        ['SMEMBERS', 'io:wstr'],
        ['SISMEMBER', 'io:wstr', 'a'],
        ['SMISMEMBER', 'io:wstr', 'a'],
        ['SCARD', 'io:wstr'],
        ['SPOP', 'io:wstr'],
        ['SPOP', 'io:wstr', '2'],
        ['SRANDMEMBER', 'io:wstr'],
        ['SRANDMEMBER', 'io:wstr', '2'],
        ['SMOVE', 'io:wstr', 'io:wset', 'a'],
        ['SMOVE', 'io:wset', 'io:wstr', 'a'],
        ['SINTER', 'io:wset', 'io:wstr'],
        ['SINTERCARD', '2', 'io:none', 'io:wstr'],
        ['SINTERSTORE', 'io:wd', 'io:wset', 'io:wstr'],
        ['SUNION', 'io:wstr'],
        ['SUNIONSTORE', 'io:wd', 'io:wstr'],
        ['SDIFF', 'io:wset', 'io:wstr'],
        ['SDIFFSTORE', 'io:wd', 'io:none', 'io:wstr'],
        ['SSCAN', 'io:wstr', '0'],
      ]) {
        const [cmd, ...args] = argv as [string, ...string[]];
        await expect(io.call(cmd, ...args), argv.join(' ')).rejects.toThrow(WRONGTYPE);
      }
      expect(await io.get('io:wstr')).toBe('x');
      expect(await io.smembers('io:wset')).toEqual(['a']);
      expect(await io.exists('io:wd')).toBe(0);
      await expect(io.call('HSET', 'io:wset', 'f', 'v')).rejects.toThrow(WRONGTYPE);
    });

    it('works with the keyspace family: COPY is deep, RENAME moves, TYPE / SCAN TYPE / OBJECT ENCODING', async () => {
      await io.sadd('ks:s', '1', '2');
      expect(await io.copy('ks:s', 'ks:copy')).toBe(1);
      await io.sadd('ks:copy', 'x');
      expect(await io.smembers('ks:s')).toEqual(['1', '2']);
      expect(await io.object('ENCODING', 'ks:s')).toBe('intset');
      expect(await io.object('ENCODING', 'ks:copy')).toBe('hashtable');
      expect(await io.rename('ks:copy', 'ks:moved')).toBe('OK');
      expect(sorted(await io.smembers('ks:moved'))).toEqual(['1', '2', 'x']);
      expect(await io.type('ks:moved')).toBe('set');
      const [, keys] = await io.scan(0, 'MATCH', 'ks:*', 'COUNT', 1000, 'TYPE', 'set');
      expect(sorted(keys)).toEqual(['ks:moved', 'ks:s']);
      expect(await io.expire('ks:s', 100)).toBe(1);
      await io.sadd('ks:s', '3');
      expect(await io.ttl('ks:s')).toBeGreaterThan(0);
    });

    it('SSCAN option errors', async () => {
      await io.sadd('e:s', 'a');
      await expect(io.call('SSCAN', 'e:s', 'x')).rejects.toThrow('ERR invalid cursor');
      await expect(io.call('SSCAN', 'e:s', '0', 'COUNT', '0')).rejects.toThrow('ERR syntax error');
      await expect(io.call('SSCAN', 'e:s', '0', 'COUNT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(io.call('SSCAN', 'e:s', '0', 'MATCH')).rejects.toThrow('ERR syntax error');
      await expect(io.call('SADD', 'e:s')).rejects.toThrow("ERR wrong number of arguments for 'sadd' command");
    });
  });

  describe('with node-redis', () => {
    it('typed set commands, RESP2 and RESP3', async () => {
      for (const [c, p] of [
        [nr, 'nr2'],
        [nr3, 'nr3'],
      ] as const) {
        expect(await c.sAdd(`${p}:a`, ['1', '2', '3', 'x'])).toBe(4);
        expect(await c.sAdd(`${p}:b`, ['2', '3', 'y'])).toBe(3);
        expect(sorted(await c.sMembers(`${p}:a`))).toEqual(['1', '2', '3', 'x']);
        expect(await c.sIsMember(`${p}:a`, 'x')).toBe(1);
        expect(await c.smIsMember(`${p}:a`, ['x', 'q'])).toEqual([1, 0]);
        expect(await c.sCard(`${p}:a`)).toBe(4);
        expect(sorted(await c.sInter([`${p}:a`, `${p}:b`]))).toEqual(['2', '3']);
        expect(await c.sInterCard([`${p}:a`, `${p}:b`])).toBe(2);
        expect(await c.sInterCard([`${p}:a`, `${p}:b`], { LIMIT: 1 })).toBe(1);
        expect(await c.sInterStore(`${p}:i`, [`${p}:a`, `${p}:b`])).toBe(2);
        expect(sorted(await c.sUnion([`${p}:a`, `${p}:b`]))).toEqual(['1', '2', '3', 'x', 'y']);
        expect(await c.sUnionStore(`${p}:u`, [`${p}:a`, `${p}:b`])).toBe(5);
        expect(sorted(await c.sDiff([`${p}:a`, `${p}:b`]))).toEqual(['1', 'x']);
        expect(await c.sDiffStore(`${p}:d`, [`${p}:a`, `${p}:b`])).toBe(2);
        expect(await c.sMove(`${p}:a`, `${p}:b`, 'x')).toBe(1);
        expect(await c.sRem(`${p}:b`, ['x', 'y'])).toBe(2);
        const popped = await c.sPop(`${p}:a`);
        expect(['1', '2', '3']).toContain(popped);
        expect(await c.sPopCount(`${p}:a`, 5)).toHaveLength(2);
        expect(await c.exists(`${p}:a`)).toBe(0);
        expect(['2', '3']).toContain(await c.sRandMember(`${p}:b`));
        expect(await c.sRandMemberCount(`${p}:b`, -3)).toHaveLength(3);
        expect(await c.sRandMember(`${p}:none`)).toBeNull();
      }
    });

    it('SSCAN: full sScanIterator iterations (RESP2 and RESP3)', async () => {
      const members = Array.from({ length: 1500 }, (_, i) => `k${i}`);
      await nr.sAdd('nr:big', members);
      type Opts = { COUNT?: number; MATCH?: string };
      // One iterator factory per protocol (the clients' types differ by their RESP version).
      const scanners = [(o: Opts) => nr.sScanIterator('nr:big', o), (o: Opts) => nr3.sScanIterator('nr:big', o)];
      for (const scan of scanners) {
        const seen: string[] = [];
        for await (const batch of scan({ COUNT: 64 })) seen.push(...batch);
        expect(seen).toHaveLength(1500);
        expect(new Set(seen).size).toBe(1500);
        let matched = 0;
        for await (const batch of scan({ MATCH: 'k14*' })) matched += batch.length;
        expect(matched).toBe(111);
      }
    });

    it('binary members through a Buffer type mapping', async () => {
      const nb = nr3.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      await nb.sAdd('nr:bin', [ALL_BYTES]);
      const got = await nb.sPop('nr:bin');
      expect(Buffer.isBuffer(got) && got.equals(ALL_BYTES)).toBe(true);
    });

    it('errors reach node-redis', async () => {
      await nr.set('nr:str', 'x');
      await expect(nr.sAdd('nr:str', 'a')).rejects.toThrow(WRONGTYPE);
      await expect(nr3.sMembers('nr:str')).rejects.toThrow(WRONGTYPE);
      await expect(nr.sendCommand(['SINTERCARD', '0', 'a'])).rejects.toThrow('ERR numkeys should be greater than 0');
    });
  });

  describe('raw RESP3 shapes', () => {
    it('SMEMBERS / SINTER / SPOP count are sets, SRANDMEMBER count an array, SPOP of nothing a null', async () => {
      await io.sadd('raw:s', '1');
      const payload = 'HELLO 3\r\nSMEMBERS raw:s\r\nSINTER raw:s\r\nSRANDMEMBER raw:s 5\r\nSPOP raw:none\r\nSPOP raw:s 5\r\nPING\r\n';
      const { data } = await rawExchange(node.port, payload, (b) => b.toString('latin1').endsWith('+PONG\r\n'));
      expect(data.toString('latin1')).toContain('~1\r\n$1\r\n1\r\n~1\r\n$1\r\n1\r\n*1\r\n$1\r\n1\r\n_\r\n~1\r\n$1\r\n1\r\n+PONG\r\n');
    });

    it('and RESP2 answers plain arrays', async () => {
      await io.sadd('raw:s2', '7');
      const payload = 'SMEMBERS raw:s2\r\nSPOP raw:none\r\nSPOP raw:none 2\r\nPING\r\n';
      const { data } = await rawExchange(node.port, payload, (b) => b.toString('latin1').endsWith('+PONG\r\n'));
      expect(data.toString('latin1')).toBe('*1\r\n$1\r\n7\r\n$-1\r\n*0\r\n+PONG\r\n');
    });
  });

  describe('with redis-cli', () => {
    it('SADD / SMEMBERS / SINTERCARD / SSCAN', async () => {
      expect((await redisCli(node.port, ['SADD', 'cli:s', '3', '1', '2'])).stdout.trim()).toBe('3');
      expect((await redisCli(node.port, ['SMEMBERS', 'cli:s'])).stdout.trim().split('\n')).toEqual(['1', '2', '3']);
      expect((await redisCli(node.port, ['SINTERCARD', '1', 'cli:s', 'LIMIT', '2'])).stdout.trim()).toBe('2');
      expect((await redisCli(node.port, ['SSCAN', 'cli:s', '0'])).stdout.trim().split('\n')).toEqual(['0', '1', '2', '3']);
      expect((await redisCli(node.port, ['SPOP', 'cli:s', '-1'])).stdout.trim()).toBe('ERR value is out of range, must be positive');
    });
  });

  it('COMMAND INFO and GETKEYS report the table as Redis 7.0 does', async () => {
    const info = (await io.call('COMMAND', 'INFO', 'sadd', 'smove', 'sintercard', 'sunionstore')) as unknown[][];
    expect(info.map((c) => c.slice(0, 6))).toEqual([
      ['sadd', -3, ['write', 'denyoom', 'fast'], 1, 1, 1],
      ['smove', 4, ['write', 'fast'], 1, 2, 1],
      ['sintercard', -3, ['readonly', 'movablekeys'], 0, 0, 0],
      ['sunionstore', -3, ['write', 'denyoom'], 1, -1, 1],
    ]);
    expect(await io.call('COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).toEqual(['a', 'b']);
  });
});
