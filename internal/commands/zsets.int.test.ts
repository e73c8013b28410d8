// Sorted sets family against a spawned node: ioredis (RESP3), node-redis (RESP2 and RESP3), raw RESP bytes, blocking pops across clients.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedClients, closeAll, connectIoredis, openIoredis, waitBlocked } from '../testing/clients.js';
import { rawExchange, spawnNode, type SpawnedNode } from '../testing/harness.js';

const resp2Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 2 });
const resp3Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 3 });

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Encodes commands as RESP arrays for raw exchanges. */
function resp(...cmds: string[][]): string {
  return cmds.map((c) => `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')).join('');
}

describe('sorted sets over the wire', () => {
  let node: SpawnedNode;
  let io: Redis;
  /** A second ioredis connection that parks in blocking pops. */
  let ioBlock: Redis;
  let nr: ReturnType<typeof resp2Client>;
  let nr3: ReturnType<typeof resp3Client>;
  /** ZRANGE through ioredis with numbers or strings (its typings want strings for the bounds). */
  const zrange = (...args: (string | number)[]): Promise<unknown> => io.call('ZRANGE', ...args.map(String));

  beforeAll(async () => {
    node = await spawnNode();
    [io, ioBlock] = await Promise.all([connectIoredis(node.port), connectIoredis(node.port)]);
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
    it('ZADD and its flags, ZINCRBY, ZSCORE, ZMSCORE, ZCARD, ZREM', async () => {
      expect(await io.zadd('io:z', 1, 'a', 2, 'b', 3, 'c')).toBe(3);
      expect(await io.zadd('io:z', 'CH', 5, 'a', 2, 'b', 4, 'd')).toBe(2);
      expect(await io.zadd('io:z', 'NX', 9, 'a', 9, 'e')).toBe(1);
      expect(await io.zadd('io:z', 'XX', 'GT', 'CH', 1, 'a', 6, 'b')).toBe(1);
      expect(await io.zadd('io:z', 'INCR', 0.5, 'a')).toBe('5.5');
      expect(await io.zadd('io:z', 'LT', 'INCR', 1, 'a')).toBeNull();
      expect(await io.zincrby('io:z', -0.25, 'a')).toBe('5.25');
      expect(await io.zscore('io:z', 'a')).toBe('5.25');
      expect(await io.zscore('io:z', 'nope')).toBeNull();
      expect(await io.zmscore('io:z', 'a', 'nope', 'c')).toEqual(['5.25', null, '3']);
      expect(await io.zcard('io:z')).toBe(5);
      expect(await io.zrem('io:z', 'e', 'nope')).toBe(1);
      expect(await zrange('io:z', 0, -1, 'WITHSCORES')).toEqual([['c', '3'], ['d', '4'], ['a', '5.25'], ['b', '6']]);
      expect(await io.zadd('io:inf', 'inf', 'x', '-inf', 'y', '0.1', 'z')).toBe(3);
      // Redis 7.0 writes scores with %.17g (7.2 would say 0.1).
      expect(await zrange('io:inf', 0, -1, 'WITHSCORES')).toEqual([['y', '-inf'], ['z', '0.10000000000000001'], ['x', 'inf']]);
    });

    it('ZADD and ZINCRBY errors', async () => {
      await expect(io.zadd('io:e', 'NX', 'XX', 1, 'a')).rejects.toThrow('ERR XX and NX options at the same time are not compatible');
      await expect(io.zadd('io:e', 'GT', 'LT', 1, 'a')).rejects.toThrow('ERR GT, LT, and/or NX options at the same time are not compatible');
      await expect(io.zadd('io:e', 'NX', 'GT', 1, 'a')).rejects.toThrow('ERR GT, LT, and/or NX options at the same time are not compatible');
      await expect(io.zadd('io:e', 'INCR', 1, 'a', 2, 'b')).rejects.toThrow('ERR INCR option supports a single increment-element pair');
      await expect(io.zadd('io:e', 1, 'a', 2)).rejects.toThrow('ERR syntax error');
      await expect(io.zadd('io:e', 'nan', 'a')).rejects.toThrow('ERR value is not a valid float');
      await expect(io.zadd('io:e', 'abc', 'a')).rejects.toThrow('ERR value is not a valid float');
      await expect(io.call('ZADD', 'io:e', '1')).rejects.toThrow("ERR wrong number of arguments for 'zadd' command");
      await io.zadd('io:e', 'inf', 'a');
      await expect(io.zincrby('io:e', '-inf', 'a')).rejects.toThrow('ERR resulting score is not a number (NaN)');
      await expect(io.zadd('io:e', 'INCR', '-inf', 'a')).rejects.toThrow('ERR resulting score is not a number (NaN)');
      await expect(io.zincrby('io:e', 'x', 'a')).rejects.toThrow('ERR value is not a valid float');
    });

    it('ZCOUNT ZLEXCOUNT ZRANK ZREVRANK', async () => {
      await io.zadd('io:c', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
      expect(await io.zcount('io:c', '(1', 3)).toBe(2);
      expect(await io.zcount('io:c', '-inf', '+inf')).toBe(4);
      await expect(io.zcount('io:c', 'x', 1)).rejects.toThrow('ERR min or max is not a float');
      await io.zadd('io:lex', 0, 'a', 0, 'b', 0, 'c', 0, 'd');
      expect(await io.zlexcount('io:lex', '[b', '(d')).toBe(2);
      expect(await io.zlexcount('io:lex', '-', '+')).toBe(4);
      await expect(io.zlexcount('io:lex', 'a', 'b')).rejects.toThrow('ERR min or max not valid string range item');
      expect(await io.zrank('io:c', 'c')).toBe(2);
      expect(await io.zrevrank('io:c', 'c')).toBe(1);
      expect(await io.zrank('io:c', 'nope')).toBeNull();
      expect(await io.call('ZRANK', 'io:c', 'c', 'WITHSCORE')).toEqual([2, '3']);
      expect(await io.call('ZREVRANK', 'io:c', 'nope', 'WITHSCORE')).toBeNull();
      await expect(io.call('ZRANK', 'io:c', 'c', 'BAD')).rejects.toThrow('ERR syntax error');
    });

    it('ZRANGE with BYSCORE, BYLEX, REV, LIMIT, and the older range commands', async () => {
      await io.zadd('io:r', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
      await io.zadd('io:rl', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e');
      expect(await zrange('io:r', 1, 3)).toEqual(['b', 'c', 'd']);
      expect(await zrange('io:r', 0, 1, 'REV', 'WITHSCORES')).toEqual([['e', '5'], ['d', '4']]);
      expect(await zrange('io:r', '(1', 4, 'BYSCORE', 'LIMIT', 1, 2)).toEqual(['c', 'd']);
      expect(await zrange('io:r', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 2)).toEqual(['e', 'd']);
      expect(await zrange('io:rl', '[b', '(e', 'BYLEX')).toEqual(['b', 'c', 'd']);
      expect(await zrange('io:rl', '+', '-', 'BYLEX', 'REV', 'LIMIT', 1, 2)).toEqual(['d', 'c']);
      expect(await io.zrangebyscore('io:r', 2, '(4', 'WITHSCORES')).toEqual(['b', '2', 'c', '3']);
      expect(await io.zrevrangebyscore('io:r', '+inf', 3, 'LIMIT', 1, 5)).toEqual(['d', 'c']);
      expect(await io.zrangebylex('io:rl', '-', '[c', 'LIMIT', 1, 1)).toEqual(['b']);
      expect(await io.zrevrangebylex('io:rl', '[c', '-')).toEqual(['c', 'b', 'a']);
      expect(await io.zrevrange('io:r', 0, 1)).toEqual(['e', 'd']);
      await expect(zrange('io:r', 0, 1, 'LIMIT', 0, 1)).rejects.toThrow(
        'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
      );
      await expect(zrange('io:rl', '-', '+', 'BYLEX', 'WITHSCORES')).rejects.toThrow(
        'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
      );
      await expect(io.call('ZRANGE', 'io:r', '0', '1', 'BYSCORE', 'BYLEX')).rejects.toThrow('ERR syntax error');
      await expect(zrange('io:r', 'a', 1)).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(io.zrangebyscore('io:r', 'x', 1)).rejects.toThrow('ERR min or max is not a float');
      await expect(io.zrangebylex('io:rl', 'x', '+')).rejects.toThrow('ERR min or max not valid string range item');
      expect(await io.zrangestore('io:dst', 'io:r', 2, 4, 'BYSCORE')).toBe(3);
      expect(await zrange('io:dst', 0, -1)).toEqual(['b', 'c', 'd']);
      expect(await io.zrangestore('io:dst', 'io:r', 10, 20)).toBe(0);
      expect(await io.exists('io:dst')).toBe(0);
    });

    it('ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX', async () => {
      await io.zadd('io:rm', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
      expect(await io.zremrangebyrank('io:rm', 0, 1)).toBe(2);
      expect(await io.zremrangebyscore('io:rm', '(3', 4)).toBe(1);
      expect(await zrange('io:rm', 0, -1)).toEqual(['c', 'e']);
      await io.zadd('io:rml', 0, 'a', 0, 'b', 0, 'c');
      expect(await io.zremrangebylex('io:rml', '-', '(c')).toBe(2);
      expect(await io.zremrangebylex('io:rml', '-', '+')).toBe(1);
      expect(await io.exists('io:rml')).toBe(0);
      await expect(io.zremrangebyrank('io:rm', 'a', 1)).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(io.zremrangebyscore('io:rm', 'a', 1)).rejects.toThrow('ERR min or max is not a float');
      await expect(io.zremrangebylex('io:rm', 'a', 'b')).rejects.toThrow('ERR min or max not valid string range item');
    });

    it('ZPOPMIN ZPOPMAX ZMPOP', async () => {
      await io.zadd('io:p', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
      expect(await io.zpopmin('io:p')).toEqual(['a', '1']);
      expect(await io.zpopmax('io:p', 2)).toEqual(['d', '4', 'c', '3']);
      expect(await io.call('ZMPOP', '2', 'io:none', 'io:p', 'MIN', 'COUNT', '5')).toEqual(['io:p', [['b', '2']]]);
      expect(await io.exists('io:p')).toBe(0);
      expect(await io.zpopmin('io:p')).toEqual([]);
      expect(await io.call('ZMPOP', '1', 'io:p', 'MAX')).toBeNull();
      await expect(io.zpopmin('io:p', -1)).rejects.toThrow('ERR value is out of range, must be positive');
      await expect(io.call('ZMPOP', '0', 'io:p', 'MIN')).rejects.toThrow('ERR numkeys should be greater than 0');
      await expect(io.call('ZMPOP', '1', 'io:p', 'MIN', 'COUNT', '0')).rejects.toThrow('ERR count should be greater than 0');
      await expect(io.call('ZMPOP', '1', 'io:p', 'SIDEWAYS')).rejects.toThrow('ERR syntax error');
    });

    it('ZRANDMEMBER', async () => {
      await io.zadd('io:rand', 1, 'a', 2, 'b', 3, 'c');
      expect(['a', 'b', 'c']).toContain(await io.zrandmember('io:rand'));
      const two = (await io.zrandmember('io:rand', 2)) as string[];
      expect(new Set(two).size).toBe(2);
      expect(((await io.zrandmember('io:rand', -7)) as string[]).length).toBe(7);
      // ioredis speaks RESP3, where WITHSCORES replies are [member, score] pairs.
      expect(await io.call('ZRANDMEMBER', 'io:rand', '5', 'WITHSCORES')).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
      expect(await io.zrandmember('io:none')).toBeNull();
      await expect(io.call('ZRANDMEMBER', 'io:rand', '1', 'BAD')).rejects.toThrow('ERR syntax error');
      await expect(io.call('ZRANDMEMBER', 'io:rand', '-9223372036854775808')).rejects.toThrow(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      );
    });

    it('ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD, with plain sets scoring 1', async () => {
      await io.zadd('io:u1', 1, 'a', 2, 'b', 3, 'c');
      await io.sadd('io:s1', 'a', 'b', 'x');
      expect(await io.call('ZUNION', '2', 'io:u1', 'io:s1', 'WITHSCORES')).toEqual([['x', '1'], ['a', '2'], ['b', '3'], ['c', '3']]);
      expect(await io.call('ZUNION', '2', 'io:u1', 'io:s1', 'WEIGHTS', '2', '3', 'AGGREGATE', 'MAX')).toEqual(['a', 'x', 'b', 'c']);
      expect(await io.call('ZINTER', '2', 'io:u1', 'io:s1', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual([['a', '1'], ['b', '1']]);
      expect(await io.call('ZDIFF', '2', 'io:u1', 'io:s1')).toEqual(['c']);
      expect(await io.zunionstore('io:ud', 2, 'io:u1', 'io:s1', 'WEIGHTS', 1, 10)).toBe(4);
      expect(await zrange('io:ud', 0, -1, 'WITHSCORES')).toEqual([['c', '3'], ['x', '10'], ['a', '11'], ['b', '12']]);
      expect(await io.zinterstore('io:id', 2, 'io:u1', 'io:s1')).toBe(2);
      expect(await io.zdiffstore('io:dd', 2, 'io:u1', 'io:s1')).toBe(1);
      expect(await io.zinterstore('io:id', 2, 'io:u1', 'io:none')).toBe(0);
      expect(await io.exists('io:id')).toBe(0);
      expect(await io.call('ZINTERCARD', '2', 'io:u1', 'io:s1')).toBe(2);
      expect(await io.call('ZINTERCARD', '2', 'io:u1', 'io:s1', 'LIMIT', '1')).toBe(1);
      await expect(io.call('ZUNION', '0', 'io:u1')).rejects.toThrow("ERR at least 1 input key is needed for 'zunion' command");
      await expect(io.call('ZUNION', '2', 'io:u1', 'io:s1', 'WEIGHTS', '1', 'x')).rejects.toThrow('ERR weight value is not a float');
      await expect(io.call('ZUNION', '2', 'io:u1', 'io:s1', 'AGGREGATE', 'AVG')).rejects.toThrow('ERR syntax error');
      await expect(io.call('ZUNIONSTORE', 'io:x', '1', 'io:u1', 'WITHSCORES')).rejects.toThrow('ERR syntax error');
      await expect(io.call('ZINTERCARD', '1', 'io:u1', 'LIMIT', '-1')).rejects.toThrow("ERR LIMIT can't be negative");
      await expect(io.call('ZDIFF', '3', 'io:u1')).rejects.toThrow('ERR syntax error');
    });

    it('ZSCAN iterates a big sorted set completely, with MATCH and COUNT', async () => {
      const args: (string | number)[] = [];
      for (let i = 0; i < 1500; i++) args.push(i, `m${i}`);
      expect(await io.zadd('io:scan', ...args)).toBe(1500);
      expect(await io.object('ENCODING', 'io:scan')).toBe('skiplist');
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, flat] = await io.zscan('io:scan', cursor, 'COUNT', 100);
        for (let i = 0; i < flat.length; i += 2) seen.set(flat[i] as string, flat[i + 1] as string);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(seen.size).toBe(1500);
      expect(seen.get('m1234')).toBe('1234');
      expect(calls).toBeGreaterThan(10);
      const streamed: string[] = [];
      for await (const chunk of io.zscanStream('io:scan', { match: 'm14*', count: 200 })) {
        const flat = chunk as string[];
        for (let i = 0; i < flat.length; i += 2) streamed.push(flat[i] as string);
      }
      expect(new Set(streamed).size).toBe(111);
      await io.zadd('io:small', 1, 'a', 2, 'b');
      expect(await io.zscan('io:small', 0)).toEqual(['0', ['a', '1', 'b', '2']]);
      await expect(io.zscan('io:small', 'x')).rejects.toThrow('ERR invalid cursor');
      await expect(io.zscan('io:small', 0, 'COUNT', 0)).rejects.toThrow('ERR syntax error');
    });

    it('answers WRONGTYPE for other types and reports type and encoding', async () => {
      await io.set('io:str', 'x');
      await expect(io.zadd('io:str', 1, 'a')).rejects.toThrow(WRONGTYPE);
      await expect(zrange('io:str', 0, -1)).rejects.toThrow(WRONGTYPE);
      await expect(io.zscore('io:str', 'a')).rejects.toThrow(WRONGTYPE);
      await expect(io.zpopmin('io:str')).rejects.toThrow(WRONGTYPE);
      await expect(io.bzpopmin('io:str', 1)).rejects.toThrow(WRONGTYPE);
      await expect(io.zscan('io:str', 0)).rejects.toThrow(WRONGTYPE);
      await expect(io.call('ZUNION', '1', 'io:str')).rejects.toThrow(WRONGTYPE);
      await io.zadd('io:t', 1, 'a');
      await expect(io.get('io:t')).rejects.toThrow(WRONGTYPE);
      expect(await io.type('io:t')).toBe('zset');
      expect(await io.object('ENCODING', 'io:t')).toBe('listpack');
      await io.zadd('io:t', 2, 'x'.repeat(65));
      expect(await io.object('ENCODING', 'io:t')).toBe('skiplist');
    });
  });

  describe('with node-redis', () => {
    it.each([2, 3] as const)('RESP%i: parsed replies', async (proto) => {
      const c = proto === 2 ? nr : nr3;
      const k = `nr${proto}:z`;
      expect(await c.zAdd(k, [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' }, { score: 4, value: 'c' }])).toBe(3);
      expect(await c.zScore(k, 'b')).toBe(2.5);
      expect(await c.zmScore(k, ['a', 'nope'])).toEqual([1, null]);
      expect(await c.zRangeWithScores(k, 0, -1)).toEqual([
        { value: 'a', score: 1 },
        { value: 'b', score: 2.5 },
        { value: 'c', score: 4 },
      ]);
      expect(await c.zRange(k, 4, 2, { BY: 'SCORE', REV: true })).toEqual(['c', 'b']);
      expect(await c.zRank(k, 'c')).toBe(2);
      expect(await c.zCount(k, '(1', '+inf')).toBe(2);
      expect(await c.zIncrBy(k, 0.5, 'a')).toBe(1.5);
      expect(await c.zPopMin(k)).toEqual({ value: 'a', score: 1.5 });
      expect(await c.zPopMaxCount(k, 5)).toEqual([
        { value: 'c', score: 4 },
        { value: 'b', score: 2.5 },
      ]);
      expect(await c.exists(k)).toBe(0);
      await c.zAdd(k, [{ score: 1, value: 'a' }, { score: 2, value: 'b' }]);
      expect(await c.zmPop(k, 'MAX')).toEqual({ key: k, members: [{ value: 'b', score: 2 }] });
      expect(await c.zRandMemberCountWithScores(k, 3)).toEqual([{ value: 'a', score: 1 }]);
      expect(await c.zUnionWithScores([k, k])).toEqual([{ value: 'a', score: 2 }]);
      expect(await c.zScan(k, '0')).toEqual({ cursor: '0', members: [{ value: 'a', score: 1 }] });
      expect(await c.zCard(k)).toBe(1);
      await expect(c.zAdd(k, { score: Number.NaN, value: 'x' })).rejects.toThrow('ERR value is not a valid float');
      await c.set(`${k}:s`, 'x');
      await expect(c.zCard(`${k}:s`)).rejects.toThrow(WRONGTYPE);
    });
  });

  describe('wire shapes', () => {
    it('RESP3 nests WITHSCORES pairs and sends doubles; RESP2 sends flat bulk strings', async () => {
      await io.zadd('w:z', 1, 'a', 1.5, 'b');
      const r3 = await rawExchange(
        node.port,
        resp(['HELLO', '3'], ['ZRANGE', 'w:z', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'w:z', 'b'], ['ZPOPMIN', 'w:z', '0'], ['PING']),
        (d) => d.toString().endsWith('+PONG\r\n'),
      );
      const text3 = r3.data.toString('latin1');
      expect(text3).toContain('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,1.5\r\n,1.5\r\n*0\r\n+PONG\r\n');
      const r2 = await rawExchange(node.port, resp(['ZRANGE', 'w:z', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'w:z', 'b'], ['PING']), (d) =>
        d.toString().endsWith('+PONG\r\n'),
      );
      expect(r2.data.toString('latin1')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n1.5\r\n$3\r\n1.5\r\n+PONG\r\n');
    });
  });

  describe('blocking pops', () => {
    it('BZPOPMIN is woken by a ZADD from another client', async () => {
      const p = ioBlock.bzpopmin('b:k1', 'b:k2', 0);
      await waitBlocked(io, 1, 10_000, 'the BZPOPMIN to block');
      expect(await nr.zAdd('b:k2', [{ score: 7, value: 'x' }, { score: 8, value: 'y' }])).toBe(2);
      expect(await p).toEqual(['b:k2', 'x', '7']);
      expect(await zrange('b:k2', 0, -1)).toEqual(['y']);
      expect(await blockedClients(io)).toBe(0);
    });

    it('BZPOPMAX and BZMPOP through node-redis, served in arrival order', async () => {
      const w1 = nr3.duplicate();
      const w2 = nr.duplicate();
      await Promise.all([w1.connect(), w2.connect()]);
      try {
        const p1 = w1.bzPopMax('b:q', 0);
        await waitBlocked(io, 1, 10_000, 'the first waiter');
        const p2 = w2.bzmPop(0, 'b:q', 'MIN', { COUNT: 5 });
        await waitBlocked(io, 2, 10_000, 'the second waiter');
        await io.zadd('b:q', 1, 'a', 2, 'b', 3, 'c');
        expect(await p1).toEqual({ key: 'b:q', value: 'c', score: 3 });
        expect(await p2).toEqual({ key: 'b:q', members: [{ value: 'a', score: 1 }, { value: 'b', score: 2 }] });
        expect(await io.exists('b:q')).toBe(0);
      } finally {
        await Promise.allSettled([w1.quit(), w2.quit()]);
      }
    });

    it('times out with nil after a fractional timeout', async () => {
      const t0 = Date.now();
      expect(await ioBlock.bzpopmin('b:none', 0.2)).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
      expect(await ioBlock.call('BZMPOP', '0.05', '1', 'b:none', 'MIN')).toBeNull();
      await expect(ioBlock.bzpopmin('b:none', -1)).rejects.toThrow('ERR timeout is negative');
      await expect(ioBlock.bzpopmin('b:none', 'abc')).rejects.toThrow('ERR timeout is not a float or out of range');
    });

    it('100 waiters, 30 of them gone: every member reaches exactly one live client or stays', async () => {
      const clients = await Promise.all(Array.from({ length: 100 }, () => connectIoredis(node.port)));
      try {
        const pops = clients.map((c) => c.bzpopmin('h:k1', 'h:k2', 0).catch(() => null));
        await waitBlocked(io, 100, 20_000, '100 blocked clients');
        const dead = clients.filter((_, i) => i % 10 < 3);
        for (const c of dead) c.disconnect();
        await waitBlocked(io, 70, 20_000, 'the disconnected waiters to leave');
        const all: string[] = [];
        const args1: (string | number)[] = [];
        const args2: (string | number)[] = [];
        for (let i = 0; i < 50; i++) args1.push(i, `one${i}`);
        for (let i = 0; i < 40; i++) args2.push(i, `two${i}`);
        for (let i = 0; i < 50; i++) all.push(`one${i}`);
        for (let i = 0; i < 40; i++) all.push(`two${i}`);
        await io.zadd('h:k1', ...args1);
        await io.zadd('h:k2', ...args2);
        const live = pops.filter((_, i) => i % 10 >= 3);
        const got = (await Promise.all(live)).map((r) => {
          if (r === null) throw new Error('a live waiter got nothing');
          return r[1];
        });
        expect(new Set(got).size).toBe(70);
        const left = [...((await io.zrange('h:k1', '0', '-1')) as string[]), ...((await io.zrange('h:k2', '0', '-1')) as string[])];
        expect([...got, ...left].sort()).toEqual([...all].sort());
        expect(await blockedClients(io)).toBe(0);
      } finally {
        for (const c of clients) c.disconnect();
      }
    });

    it('a client that disconnects while blocked takes nothing', async () => {
      const gone = openIoredis(node.port);
      void gone.bzpopmin('b:gone', 0).catch(() => undefined);
      await waitBlocked(io, 1, 10_000, 'the waiter to block');
      gone.disconnect();
      await waitBlocked(io, 0, 10_000, 'the disconnect to unblock');
      expect(await io.zadd('b:gone', 1, 'a')).toBe(1);
      expect(await io.zcard('b:gone')).toBe(1);
    });
  });
});
