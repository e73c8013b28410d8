// Hashes family against a spawned node: ioredis (RESP3), node-redis (RESP2 and RESP3), redis-cli and raw RESP bytes.
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

describe('hashes family over the wire', () => {
  let node: SpawnedNode;
  /** ioredis 6: RESP3 with the default (legacy) reply mapping. */
  let io: Redis;
  /** Integer replies as strings, so int64 values beyond 2^53 can be checked exactly. */
  let ioExact: Redis;
  let nr: ReturnType<typeof resp2Client>;
  let nr3: ReturnType<typeof resp3Client>;

  beforeAll(async () => {
    node = await spawnNode();
    [io, ioExact] = await Promise.all([connectIoredis(node.port), connectIoredis(node.port, { stringNumbers: true })]);
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
    it('HSET / HGET / HMGET / HGETALL / HKEYS / HVALS / HLEN / HSTRLEN / HEXISTS', async () => {
      expect(await io.hset('io:h', 'a', '1', 'b', '2')).toBe(2);
      expect(await io.hset('io:h', { a: '10', c: 'three' })).toBe(1);
      expect(await io.hget('io:h', 'a')).toBe('10');
      expect(await io.hget('io:h', 'zz')).toBeNull();
      expect(await io.hget('io:none', 'a')).toBeNull();
      expect(await io.hmget('io:h', 'a', 'zz', 'c')).toEqual(['10', null, 'three']);
      expect(await io.hgetall('io:h')).toEqual({ a: '10', b: '2', c: 'three' });
      expect(await io.hgetall('io:none')).toEqual({});
      expect(await io.hkeys('io:h')).toEqual(['a', 'b', 'c']);
      expect(await io.hvals('io:h')).toEqual(['10', '2', 'three']);
      expect(await io.hlen('io:h')).toBe(3);
      expect(await io.hlen('io:none')).toBe(0);
      expect(await io.hstrlen('io:h', 'c')).toBe(5);
      expect(await io.hexists('io:h', 'b')).toBe(1);
      expect(await io.hexists('io:h', 'zz')).toBe(0);
      expect(await io.type('io:h')).toBe('hash');
    });

    it('HMSET / HSETNX / HDEL (the emptied key is deleted)', async () => {
      expect(await io.hmset('io:m', 'a', '1', 'b', '2')).toBe('OK');
      expect(await io.hsetnx('io:m', 'a', 'x')).toBe(0);
      expect(await io.hsetnx('io:m', 'c', '3')).toBe(1);
      expect(await io.hdel('io:m', 'a', 'zz')).toBe(1);
      expect(await io.hdel('io:m', 'zz')).toBe(0);
      expect(await io.hdel('io:m', 'b', 'c')).toBe(2);
      expect(await io.exists('io:m')).toBe(0);
      expect(await io.hdel('io:m', 'a')).toBe(0);
    });

    it('HINCRBY is exact over int64; HINCRBYFLOAT formats like Redis', async () => {
      expect(await io.hincrby('io:n', 'c', 5)).toBe(5);
      expect(await io.hincrby('io:n', 'c', -7)).toBe(-2);
      await io.hset('io:n', 'big', '9223372036854775806');
      expect(await ioExact.hincrby('io:n', 'big', 1)).toBe('9223372036854775807');
      await expect(io.hincrby('io:n', 'big', 1)).rejects.toThrow('ERR increment or decrement would overflow');
      await io.hset('io:n', 'w', 'abc');
      await expect(io.hincrby('io:n', 'w', 1)).rejects.toThrow('ERR hash value is not an integer');
      await expect(io.hincrby('io:n', 'c', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      expect(await io.hincrbyfloat('io:n', 'f', '10.5')).toBe('10.5');
      expect(await io.hincrbyfloat('io:n', 'f', '0.1')).toBe('10.6');
      await io.hset('io:n', 'g', '1');
      expect(await io.hincrbyfloat('io:n', 'g', '-1.1')).toBe('-0.1');
      await io.hset('io:n', 'e', '5.0e3');
      expect(await io.hincrbyfloat('io:n', 'e', '2.0e2')).toBe('5200');
      await expect(io.hincrbyfloat('io:n', 'w', '1')).rejects.toThrow('ERR hash value is not a float');
      await expect(io.hincrbyfloat('io:n', 'f', 'inf')).rejects.toThrow('ERR value is NaN or Infinity');
      await expect(io.hincrbyfloat('io:n', 'f', 'nan')).rejects.toThrow('ERR value is not a valid float');
      await io.hset('io:n', 'inf', 'inf');
      await expect(io.hincrbyfloat('io:n', 'inf', '1')).rejects.toThrow('ERR increment would produce NaN or Infinity');
      expect(await io.hget('io:n', 'f')).toBe('10.6');
    });

    it('HRANDFIELD: single, counts, WITHVALUES as RESP3 pairs', async () => {
      await io.hset('io:r', 'a', '1', 'b', '2', 'c', '3');
      expect(['a', 'b', 'c']).toContain(await io.hrandfield('io:r'));
      expect(await io.hrandfield('io:none')).toBeNull();
      const two = (await io.hrandfield('io:r', 2)) as string[];
      expect(two).toHaveLength(2);
      expect(new Set(two).size).toBe(2);
      expect(await io.hrandfield('io:r', 10)).toEqual(['a', 'b', 'c']);
      expect(await io.hrandfield('io:r', 0)).toEqual([]);
      expect(await io.hrandfield('io:none', 5)).toEqual([]);
      const rep = (await io.hrandfield('io:r', -7)) as string[];
      expect(rep).toHaveLength(7);
      for (const f of rep) expect(['a', 'b', 'c']).toContain(f);
      // RESP3 (ioredis' default protocol) sends [field, value] pairs; ioredis' typed method
      // flattens them back to the RESP2 shape (as it does against Redis 7), a raw call does not.
      expect(await io.hrandfield('io:r', 10, 'WITHVALUES')).toEqual(['a', '1', 'b', '2', 'c', '3']);
      expect(await io.call('HRANDFIELD', 'io:r', '10', 'WITHVALUES')).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]);
      const pairs = (await io.call('HRANDFIELD', 'io:r', '-4', 'WITHVALUES')) as [string, string][];
      expect(pairs).toHaveLength(4);
      for (const [f, v] of pairs) expect(await io.hget('io:r', f)).toBe(v);
      await expect(io.call('HRANDFIELD', 'io:r', '1', 'WITHVALUES', 'x')).rejects.toThrow('ERR syntax error');
      await expect(io.call('HRANDFIELD', 'io:r', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(io.call('HRANDFIELD', 'io:r', '4611686018427387904', 'WITHVALUES')).rejects.toThrow('ERR value is out of range');
    });

    it('HSCAN: a full hscanStream iteration of a large hash, with MATCH and COUNT', async () => {
      const pairs: string[] = [];
      for (let i = 0; i < 2000; i++) pairs.push(`field:${i}`, `v${i}`);
      await io.hset('io:big', ...pairs);
      expect(await io.object('ENCODING', 'io:big')).toBe('hashtable');
      const collect = (opts: { match?: string; count?: number }): Promise<Map<string, string>> =>
        new Promise((resolve, reject) => {
          const out = new Map<string, string>();
          const s = io.hscanStream('io:big', opts);
          s.on('data', (batch: string[]) => {
            for (let i = 0; i < batch.length; i += 2) out.set(batch[i] as string, batch[i + 1] as string);
          });
          s.on('end', () => resolve(out));
          s.on('error', reject);
        });
      const all = await collect({ count: 77 });
      expect(all.size).toBe(2000);
      for (let i = 0; i < 2000; i++) expect(all.get(`field:${i}`)).toBe(`v${i}`);
      const some = await collect({ match: 'field:1??', count: 300 });
      expect([...some.keys()].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `field:${100 + i}`).sort());
      // A small hash comes back whole in one page, as Redis answers listpacks.
      await io.hset('io:small', 'x', '1', 'y', '2');
      expect(await io.hscan('io:small', 0, 'COUNT', 1)).toEqual(['0', ['x', '1', 'y', '2']]);
      expect(await io.hscan('io:none', 0)).toEqual(['0', []]);
    });

    it('HSCAN returns every field that stays while others are added and removed', async () => {
      const stable: string[] = [];
      for (let i = 0; i < 1500; i++) stable.push(`s${i}`, 'v');
      await io.hset('io:churn', ...stable);
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, items] = await io.hscan('io:churn', cursor, 'COUNT', 40);
        for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
        cursor = next;
        // Another connection changes the hash between pages.
        await ioExact.hset('io:churn', `tmp${round}`, 'x', `tmp${round + 1}`, 'y');
        if (round > 2) await ioExact.hdel('io:churn', `tmp${round - 2}`, `tmp${round - 3}`);
        round++;
      } while (cursor !== '0');
      for (let i = 0; i < 1500; i++) expect(seen.has(`s${i}`), `s${i}`).toBe(true);
    });

    it('binary fields and values round-trip', async () => {
      const field = Buffer.concat([Buffer.from('f:'), ALL_BYTES]);
      const value = Buffer.concat([ALL_BYTES, Buffer.from('\r\n'), ALL_BYTES]);
      expect(await io.hset('io:bin', field, value, ALL_BYTES, Buffer.alloc(0))).toBe(2);
      const got = await io.hgetBuffer('io:bin', field);
      expect(got !== null && got.equals(value)).toBe(true);
      expect(await io.hstrlen('io:bin', field)).toBe(value.length);
      const flat = (await io.callBuffer('HGETALL', 'io:bin')) as Buffer[];
      expect(flat).toHaveLength(4);
      expect(flat[0]?.equals(field) && flat[1]?.equals(value) && flat[2]?.equals(ALL_BYTES) && flat[3]?.length === 0).toBe(true);
      const keys = (await io.callBuffer('HKEYS', 'io:bin')) as Buffer[];
      expect(keys.map((k) => k.toString('hex'))).toEqual([field.toString('hex'), ALL_BYTES.toString('hex')]);
      expect(await io.hexists('io:bin', Buffer.from([0xff]))).toBe(0);
      expect(await io.hdel('io:bin', ALL_BYTES)).toBe(1);
    });

    it('WRONGTYPE for every command on a string key, and the string is untouched', async () => {
      await io.set('io:str', 'x');
      for (const argv of [
        ['HSET', 'io:str', 'a', '1'],
        ['HMSET', 'io:str', 'a', '1'],
        ['HSETNX', 'io:str', 'a', '1'],
        ['HGET', 'io:str', 'a'],
        ['HMGET', 'io:str', 'a'],
        ['HGETALL', 'io:str'],
        ['HDEL', 'io:str', 'a'],
        ['HEXISTS', 'io:str', 'a'],
        ['HLEN', 'io:str'],
        ['HKEYS', 'io:str'],
        ['HVALS', 'io:str'],
        ['HSTRLEN', 'io:str', 'a'],
        ['HINCRBY', 'io:str', 'a', '1'],
        ['HINCRBYFLOAT', 'io:str', 'a', '1'],
        ['HRANDFIELD', 'io:str'],
        ['HRANDFIELD', 'io:str', '2', 'WITHVALUES'],
        ['HSCAN', 'io:str', '0'],
      ]) {
        const [cmd, ...args] = argv as [string, ...string[]];
        await expect(io.call(cmd, ...args), argv.join(' ')).rejects.toThrow(WRONGTYPE);
      }
      expect(await io.get('io:str')).toBe('x');
      await io.hset('io:ahash', 'f', 'v');
      await expect(io.get('io:ahash')).rejects.toThrow(WRONGTYPE);
      await expect(io.call('SADD', 'io:ahash', 'm')).rejects.toThrow(WRONGTYPE);
    });

    it.each([
      [['HSET', 'e:h', 'a', '1', 'b'], "ERR wrong number of arguments for 'hset' command"],
      [['HSET', 'e:h', 'a'], "ERR wrong number of arguments for 'hset' command"],
      [['HMSET', 'e:h', 'a', '1', 'b'], "ERR wrong number of arguments for 'hmset' command"],
      [['HGET', 'e:h'], "ERR wrong number of arguments for 'hget' command"],
      [['HINCRBY', 'e:h', 'f', '1.5'], 'ERR value is not an integer or out of range'],
      [['HINCRBYFLOAT', 'e:h', 'f', 'x'], 'ERR value is not a valid float'],
      [['HRANDFIELD', 'e:h', '-9223372036854775808'], 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'],
      [['HSCAN', 'e:h', 'x'], 'ERR invalid cursor'],
    ])('%j -> %s', async (argv, message) => {
      const [cmd, ...args] = argv as [string, ...string[]];
      await expect(io.call(cmd, ...args)).rejects.toThrow(message);
    });

    it('works with the keyspace family: COPY is deep, RENAME moves, TYPE / SCAN TYPE / OBJECT ENCODING', async () => {
      await io.hset('ks:h', 'a', '1', 'b', '2');
      expect(await io.copy('ks:h', 'ks:copy')).toBe(1);
      await io.hset('ks:copy', 'a', 'changed', 'long', 'v'.repeat(100));
      expect(await io.hgetall('ks:h')).toEqual({ a: '1', b: '2' });
      expect(await io.object('ENCODING', 'ks:h')).toBe('listpack');
      expect(await io.object('ENCODING', 'ks:copy')).toBe('hashtable');
      expect(await io.rename('ks:copy', 'ks:moved')).toBe('OK');
      expect(await io.hget('ks:moved', 'a')).toBe('changed');
      expect(await io.type('ks:moved')).toBe('hash');
      const [, keys] = await io.scan(0, 'MATCH', 'ks:*', 'COUNT', 1000, 'TYPE', 'hash');
      expect([...keys].sort()).toEqual(['ks:h', 'ks:moved']);
      expect(await io.expire('ks:h', 100)).toBe(1);
      await io.hset('ks:h', 'c', '3');
      expect(await io.ttl('ks:h')).toBeGreaterThan(0);
    });

    it('HSCAN option errors on an existing hash', async () => {
      await io.hset('e:scan', 'a', '1');
      await expect(io.call('HSCAN', 'e:scan', '0', 'COUNT', '0')).rejects.toThrow('ERR syntax error');
      await expect(io.call('HSCAN', 'e:scan', '0', 'COUNT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(io.call('HSCAN', 'e:scan', '0', 'MATCH')).rejects.toThrow('ERR syntax error');
      await expect(io.call('HSCAN', 'e:scan', '0', 'NOVALUES')).rejects.toThrow('ERR syntax error');
    });
  });

  describe('with node-redis', () => {
    it('typed hash commands, RESP2 and RESP3', async () => {
      for (const [c, key] of [
        [nr, 'nr2:h'],
        [nr3, 'nr3:h'],
      ] as const) {
        expect(await c.hSet(key, { a: '1', b: '2' })).toBe(2);
        expect(await c.hSetNX(key, 'a', 'x')).toBe(0);
        expect(await c.hGet(key, 'a')).toBe('1');
        expect(await c.hmGet(key, ['a', 'zz'])).toEqual(['1', null]);
        expect(await c.hGetAll(key)).toEqual({ a: '1', b: '2' });
        expect(await c.hKeys(key)).toEqual(['a', 'b']);
        expect(await c.hVals(key)).toEqual(['1', '2']);
        expect(await c.hLen(key)).toBe(2);
        expect(await c.hStrLen(key, 'a')).toBe(1);
        expect(await c.hExists(key, 'a')).toBe(1);
        expect(await c.hIncrBy(key, 'n', 3)).toBe(3);
        expect(await c.hIncrByFloat(key, 'x', 1.5)).toBe('1.5');
        expect(await c.hIncrByFloat(key, 'x', 0.1)).toBe('1.6');
        expect(await c.hDel(key, ['n', 'x'])).toBe(2);
        expect(await c.hGetAll(`${key}:none`)).toEqual({});
      }
    });

    it('HRANDFIELD WITHVALUES: node-redis parses both protocols\' shapes', async () => {
      await nr.hSet('nr:r', { a: '1', b: '2', c: '3' });
      const expected = [
        { field: 'a', value: '1' },
        { field: 'b', value: '2' },
        { field: 'c', value: '3' },
      ];
      expect(await nr.hRandFieldCountWithValues('nr:r', 3)).toEqual(expected);
      expect(await nr3.hRandFieldCountWithValues('nr:r', 3)).toEqual(expected);
      const neg = await nr3.hRandFieldCountWithValues('nr:r', -5);
      expect(neg).toHaveLength(5);
      for (const { field, value } of neg) expect(await nr.hGet('nr:r', String(field))).toBe(value);
      expect(await nr.hRandFieldCount('nr:r', 2)).toHaveLength(2);
      expect(['a', 'b', 'c']).toContain(await nr3.hRandField('nr:r'));
      expect(await nr3.hRandField('nr:none')).toBeNull();
    });

    it('HSCAN: full hScanIterator iterations (RESP2 and RESP3)', async () => {
      const obj: Record<string, string> = {};
      for (let i = 0; i < 1200; i++) obj[`k${i}`] = `v${i}`;
      await nr.hSet('nr:big', obj);
      type Opts = { COUNT?: number; MATCH?: string };
      // One iterator factory per protocol (the clients' types differ by their RESP version).
      const scanners = [(o: Opts) => nr.hScanIterator('nr:big', o), (o: Opts) => nr3.hScanIterator('nr:big', o)];
      for (const scan of scanners) {
        const seen = new Map<string, string>();
        for await (const batch of scan({ COUNT: 100 })) for (const { field, value } of batch) seen.set(field, value);
        expect(seen.size).toBe(1200);
        expect(seen.get('k1199')).toBe('v1199');
        let matched = 0;
        for await (const batch of scan({ MATCH: 'k11*' })) matched += batch.length;
        expect(matched).toBe(111);
      }
    });

    it('binary fields through a Buffer type mapping', async () => {
      const nb = nr3.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      await nb.hSet('nr:bin', ALL_BYTES, ALL_BYTES);
      const got = await nb.hGet('nr:bin', ALL_BYTES);
      expect(Buffer.isBuffer(got) && got.equals(ALL_BYTES)).toBe(true);
    });

    it('errors reach node-redis', async () => {
      await nr.set('nr:str', 'x');
      await expect(nr.hGet('nr:str', 'a')).rejects.toThrow(WRONGTYPE);
      await expect(nr3.hIncrByFloat('nr:str', 'a', 1)).rejects.toThrow(WRONGTYPE);
      await expect(nr.sendCommand(['HSET', 'nr:h2', 'a'])).rejects.toThrow("ERR wrong number of arguments for 'hset' command");
    });
  });

  describe('raw RESP3 shapes', () => {
    it('HGETALL is a map, HRANDFIELD WITHVALUES nested pairs, a missing HRANDFIELD a null', async () => {
      await io.hset('raw:h', 'a', '1');
      const payload = 'HELLO 3\r\nHGETALL raw:h\r\nHRANDFIELD raw:h 1 WITHVALUES\r\nHRANDFIELD raw:none\r\nPING\r\n';
      const { data } = await rawExchange(node.port, payload, (b) => b.toString('latin1').endsWith('+PONG\r\n'));
      const text = data.toString('latin1');
      expect(text).toContain('%1\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n_\r\n+PONG\r\n');
    });

    it('and RESP2 flattens them', async () => {
      await io.hset('raw:h2', 'a', '1');
      const payload = 'HGETALL raw:h2\r\nHRANDFIELD raw:h2 1 WITHVALUES\r\nHRANDFIELD raw:none\r\nPING\r\n';
      const { data } = await rawExchange(node.port, payload, (b) => b.toString('latin1').endsWith('+PONG\r\n'));
      expect(data.toString('latin1')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$-1\r\n+PONG\r\n');
    });
  });

  describe('with redis-cli', () => {
    it('HSET / HGETALL / HINCRBYFLOAT / HSCAN', async () => {
      expect((await redisCli(node.port, ['HSET', 'cli:h', 'a', '1', 'b', '2'])).stdout.trim()).toBe('2');
      expect((await redisCli(node.port, ['HGETALL', 'cli:h'])).stdout.trim().split('\n')).toEqual(['a', '1', 'b', '2']);
      expect((await redisCli(node.port, ['HINCRBYFLOAT', 'cli:h', 'a', '0.1'])).stdout.trim()).toBe('1.1');
      expect((await redisCli(node.port, ['HSCAN', 'cli:h', '0'])).stdout.trim().split('\n')).toEqual(['0', 'a', '1.1', 'b', '2']);
      expect((await redisCli(node.port, ['HSET', 'cli:h', 'a'])).stdout.trim()).toBe("ERR wrong number of arguments for 'hset' command");
    });
  });

  it('COMMAND INFO reports the table as Redis 7.0 does', async () => {
    const info = (await io.call('COMMAND', 'INFO', 'hset', 'hgetall', 'hrandfield', 'hscan')) as unknown[][];
    expect(info.map((c) => c.slice(0, 6))).toEqual([
      ['hset', -4, ['write', 'denyoom', 'fast'], 1, 1, 1],
      ['hgetall', 2, ['readonly'], 1, 1, 1],
      ['hrandfield', -2, ['readonly'], 1, 1, 1],
      ['hscan', -3, ['readonly'], 1, 1, 1],
    ]);
  });
});
