// Strings family against a spawned node: ioredis, node-redis (RESP2 and RESP3), redis-cli and raw RESP bytes.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { rawExchange, redisCli, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

// node-redis 6 speaks RESP3 unless told otherwise; one client of each protocol.
const resp2Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 2 });
const resp3Client = (port: number) => createClient({ socket: { port, host: '127.0.0.1' }, RESP: 3 });

/** Every byte value once. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A bulk reply that must be present. */
function bytes(b: Buffer | null): Buffer {
  if (b === null) throw new Error('expected a value, got nil');
  return b;
}

describe('strings family over the wire', () => {
  let node: SpawnedNode;
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
    it('SET / GET and the SET options', async () => {
      expect(await io.get('io:missing')).toBeNull();
      expect(await io.set('io:a', 'v1')).toBe('OK');
      expect(await io.get('io:a')).toBe('v1');
      expect(await io.set('io:a', 'v2', 'NX')).toBeNull();
      expect(await io.set('io:a', 'v2', 'XX')).toBe('OK');
      expect(await io.set('io:none', 'v', 'XX')).toBeNull();
      expect(await io.call('SET', 'io:a', 'v3', 'GET')).toBe('v2');
      expect(await io.call('SET', 'io:a', 'v4', 'NX', 'GET')).toBe('v3');
      expect(await io.get('io:a')).toBe('v3');
      expect(await io.call('SET', 'io:a', 'v4', 'KEEPTTL', 'XX')).toBe('OK');
      expect(await io.get('io:a')).toBe('v4');
    });

    it('SETNX / GETSET / GETDEL / MSET / MGET / MSETNX / STRLEN / APPEND', async () => {
      expect(await io.setnx('io:nx', 'a')).toBe(1);
      expect(await io.setnx('io:nx', 'b')).toBe(0);
      expect(await io.getset('io:nx', 'c')).toBe('a');
      expect(await io.getdel('io:nx')).toBe('c');
      expect(await io.getdel('io:nx')).toBeNull();
      expect(await io.mset('io:m1', '1', 'io:m2', '2')).toBe('OK');
      expect(await io.mget('io:m1', 'io:missing', 'io:m2')).toEqual(['1', null, '2']);
      expect(await io.msetnx('io:m3', '3', 'io:m1', 'x')).toBe(0);
      expect(await io.msetnx('io:m3', '3', 'io:m4', '4')).toBe(1);
      expect(await io.strlen('io:m3')).toBe(1);
      expect(await io.append('io:m3', '33')).toBe(3);
      expect(await io.get('io:m3')).toBe('333');
      expect(await io.strlen('io:missing')).toBe(0);
    });

    it('counters, exact beyond 2^53', async () => {
      expect(await io.incr('io:n')).toBe(1);
      expect(await io.incrby('io:n', 41)).toBe(42);
      expect(await io.decr('io:n')).toBe(41);
      expect(await io.decrby('io:n', 50)).toBe(-9);
      await io.set('io:big', '9007199254740993');
      expect(await ioExact.incr('io:big')).toBe('9007199254740994');
      await io.set('io:big', '9223372036854775806');
      expect(await ioExact.incr('io:big')).toBe('9223372036854775807');
      await expect(io.incr('io:big')).rejects.toThrow('ERR increment or decrement would overflow');
      expect(await ioExact.decrby('io:big', '9223372036854775807')).toBe('0');
      await expect(io.decrby('io:big', '-9223372036854775808')).rejects.toThrow('ERR decrement would overflow');
      expect(await ioExact.incrby('io:big', '-9223372036854775808')).toBe('-9223372036854775808');
    });

    it('INCRBYFLOAT formats like Redis', async () => {
      await io.set('io:f', '10.50');
      expect(await io.incrbyfloat('io:f', '0.1')).toBe('10.6');
      expect(await io.incrbyfloat('io:f', '-5')).toBe('5.6');
      await io.set('io:f', '5.0e3');
      expect(await io.incrbyfloat('io:f', '2.0e2')).toBe('5200');
      await io.set('io:f', '1');
      expect(await io.incrbyfloat('io:f', '-1.1')).toBe('-0.1');
      await expect(io.incrbyfloat('io:f', 'inf')).rejects.toThrow('ERR increment would produce NaN or Infinity');
      await expect(io.incrbyfloat('io:f', 'abc')).rejects.toThrow('ERR value is not a valid float');
      expect(await io.get('io:f')).toBe('-0.1');
    });

    it('GETRANGE / SUBSTR / SETRANGE', async () => {
      await io.set('io:r', 'Hello World');
      expect(await io.getrange('io:r', 0, 3)).toBe('Hell');
      expect(await io.getrange('io:r', -5, -1)).toBe('World');
      expect(await io.call('SUBSTR', 'io:r', '-100', '4')).toBe('Hello');
      expect(await io.getrange('io:missing', 0, -1)).toBe('');
      expect(await io.setrange('io:r', 6, 'Redis')).toBe(11);
      expect(await io.get('io:r')).toBe('Hello Redis');
      expect(await io.setrange('io:pad', 3, 'x')).toBe(4);
      expect(await io.get('io:pad')).toBe('\0\0\0x');
    });

    it('LCS', async () => {
      await io.mset('io:l1', 'ohmytext', 'io:l2', 'mynewtext');
      expect(await io.call('LCS', 'io:l1', 'io:l2')).toBe('mytext');
      expect(await io.call('LCS', 'io:l1', 'io:l2', 'LEN')).toBe(6);
      expect(await io.call('LCS', 'io:l1', 'io:l2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual([
        'matches',
        [
          [
            [4, 7],
            [5, 8],
            4,
          ],
        ],
        'len',
        6,
      ]);
    });

    it('pipelined writes are applied in order', async () => {
      const p = io.pipeline();
      for (let i = 0; i < 500; i++) p.incr('io:pipe');
      p.get('io:pipe');
      const results = await p.exec();
      expect(results?.at(-1)).toEqual([null, '500']);
    });
  });

  describe('expiry', () => {
    it('PX, PSETEX and GETEX PX expire the key', async () => {
      await io.set('ttl:a', 'v', 'PX', 60);
      await io.psetex('ttl:b', 60, 'v');
      await io.set('ttl:c', 'v');
      expect(await io.getex('ttl:c', 'PX', 60)).toBe('v');
      expect(await io.get('ttl:a')).toBe('v');
      await waitUntil(async () => (await io.mget('ttl:a', 'ttl:b', 'ttl:c')).every((v) => v === null), 5000, 'keys to expire');
    });

    it('an EXAT in the past removes the key at once; KEEPTTL and PERSIST', async () => {
      await io.set('ttl:d', 'v');
      expect(await io.set('ttl:d', 'w', 'EXAT', 1)).toBe('OK');
      expect(await io.get('ttl:d')).toBeNull();
      await io.set('ttl:e', 'v', 'PX', 60);
      await io.call('SET', 'ttl:e', 'w', 'KEEPTTL');
      expect(await io.get('ttl:e')).toBe('w');
      await waitUntil(async () => (await io.get('ttl:e')) === null, 5000, 'KEEPTTL key to expire');
      await io.setex('ttl:f', 1, 'v');
      expect(await io.getex('ttl:f', 'PERSIST')).toBe('v');
      await io.set('ttl:g', 'v', 'PX', 60);
      await waitUntil(async () => (await io.get('ttl:g')) === null, 5000, 'reference key to expire');
      expect(await io.get('ttl:f')).toBe('v');
    });
  });

  describe('binary values', () => {
    it('all 256 byte values round-trip through SET/GET with both clients', async () => {
      const key = Buffer.concat([Buffer.from('bin:'), ALL_BYTES]);
      await io.set(key, ALL_BYTES);
      expect(Buffer.compare(bytes(await io.getBuffer(key)), ALL_BYTES)).toBe(0);
      const nb = nr.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const got = await nb.get(key);
      expect(Buffer.isBuffer(got) && got.equals(ALL_BYTES)).toBe(true);
      await nb.set('bin:nr', ALL_BYTES);
      expect(Buffer.compare(bytes(await io.getBuffer('bin:nr')), ALL_BYTES)).toBe(0);
    });

    it('APPEND byte by byte, GETRANGE and SETRANGE slices', async () => {
      for (let i = 0; i < 256; i += 16) await io.append('bin:app', ALL_BYTES.subarray(i, i + 16));
      expect(Buffer.compare(bytes(await io.getBuffer('bin:app')), ALL_BYTES)).toBe(0);
      for (const [s, e] of [
        [0, 127],
        [128, 255],
        [-16, -1],
        [10, 10],
      ] as const) {
        const want = ALL_BYTES.subarray(s < 0 ? 256 + s : s, (e < 0 ? 256 + e : e) + 1);
        expect(Buffer.compare(bytes(await io.getrangeBuffer('bin:app', s, e)), want)).toBe(0);
      }
      expect(await io.setrange('bin:app', 250, ALL_BYTES)).toBe(506);
      const after = bytes(await io.getBuffer('bin:app'));
      expect(Buffer.compare(after, Buffer.concat([ALL_BYTES.subarray(0, 250), ALL_BYTES]))).toBe(0);
      expect(await io.strlen('bin:app')).toBe(506);
    });

    it('LCS over binary bytes', async () => {
      await io.mset('bin:l1', Buffer.from([0, 255, 1, 128, 2]), 'bin:l2', Buffer.from([255, 9, 128, 2, 0]));
      const lcs = await io.callBuffer('LCS', 'bin:l1', 'bin:l2');
      expect(Buffer.compare(lcs as Buffer, Buffer.from([255, 128, 2]))).toBe(0);
    });
  });

  describe('large values', () => {
    it('a few MB through SET/GET with both clients', async () => {
      const big = randomBytes(4 * 1024 * 1024);
      await io.set('big:a', big);
      expect(Buffer.compare(bytes(await io.getBuffer('big:a')), big)).toBe(0);
      const nb = nr.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const got = await nb.get('big:a');
      expect(Buffer.isBuffer(got) && got.equals(big)).toBe(true);
      expect(await io.strlen('big:a')).toBe(big.length);
      const tail = await io.getrangeBuffer('big:a', -10, -1);
      expect(Buffer.compare(tail, big.subarray(big.length - 10))).toBe(0);
    });

    it('APPEND builds a multi-MB value', async () => {
      const chunk = randomBytes(1024 * 1024);
      for (let i = 0; i < 5; i++) expect(await io.append('big:b', chunk)).toBe((i + 1) * chunk.length);
      const all = bytes(await io.getBuffer('big:b'));
      expect(all.length).toBe(5 * chunk.length);
      expect(Buffer.compare(all.subarray(4 * chunk.length), chunk)).toBe(0);
    });

    it('proto-max-bulk-len bounds APPEND and SETRANGE', async () => {
      expect(await io.config('SET', 'proto-max-bulk-len', '1mb')).toBe('OK');
      try {
        const half = Buffer.alloc(600 * 1024, 'a');
        await io.set('big:c', half);
        await expect(io.append('big:c', half)).rejects.toThrow('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
        await expect(io.setrange('big:c', 1024 * 1024, 'x')).rejects.toThrow('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
        expect(await io.strlen('big:c')).toBe(half.length);
      } finally {
        await io.config('SET', 'proto-max-bulk-len', '512mb');
      }
      await expect(io.setrange('big:c', '9223372036854775807', 'x')).rejects.toThrow(
        'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
      );
    });
  });

  describe('error replies', () => {
    const cases: [string[], string][] = [
      [['SET', 'e:k', 'v', 'NX', 'XX'], 'ERR syntax error'],
      [['SET', 'e:k', 'v', 'EX', '10', 'PX', '10'], 'ERR syntax error'],
      [['SET', 'e:k', 'v', 'EX', '10', 'KEEPTTL'], 'ERR syntax error'],
      [['SET', 'e:k', 'v', 'EX'], 'ERR syntax error'],
      [['SET', 'e:k', 'v', 'EX', '0'], "ERR invalid expire time in 'set' command"],
      [['SET', 'e:k', 'v', 'PX', '-5'], "ERR invalid expire time in 'set' command"],
      [['SET', 'e:k', 'v', 'EX', 'x'], 'ERR value is not an integer or out of range'],
      [['SETEX', 'e:k', '0', 'v'], "ERR invalid expire time in 'setex' command"],
      [['PSETEX', 'e:k', '-1', 'v'], "ERR invalid expire time in 'psetex' command"],
      [['GETEX', 'e:k', 'NX'], 'ERR syntax error'],
      [['GETEX', 'e:k', 'PERSIST', 'EX', '1'], 'ERR syntax error'],
      [['MSET', 'e:a', '1', 'e:b'], "ERR wrong number of arguments for 'mset' command"],
      [['MSETNX', 'e:a'], "ERR wrong number of arguments for 'msetnx' command"],
      [['GET'], "ERR wrong number of arguments for 'get' command"],
      [['INCRBY', 'e:k', '1e3'], 'ERR value is not an integer or out of range'],
      [['INCRBY', 'e:k', '+1'], 'ERR value is not an integer or out of range'],
      [['INCRBY', 'e:k', ' 1'], 'ERR value is not an integer or out of range'],
      [['INCRBY', 'e:k', '01'], 'ERR value is not an integer or out of range'],
      [['INCRBYFLOAT', 'e:k', 'nan'], 'ERR value is not a valid float'],
      [['INCRBYFLOAT', 'e:k', '-inf'], 'ERR increment would produce NaN or Infinity'],
      [['SETRANGE', 'e:k', '-1', 'x'], 'ERR offset is out of range'],
      [['GETRANGE', 'e:k', 'a', '1'], 'ERR value is not an integer or out of range'],
      [['LCS', 'e:a', 'e:b', 'IDX', 'LEN'], 'ERR If you want both the length and indexes, please just use IDX.'],
      [['LCS', 'e:a', 'e:b', 'MINMATCHLEN'], 'ERR syntax error'],
    ];

    it.each(cases)('%j -> %s (ioredis)', async (argv, message) => {
      const [cmd, ...args] = argv as [string, ...string[]];
      await expect(io.call(cmd, ...args)).rejects.toThrow(message);
    });

    it('errors reach node-redis too, and change nothing', async () => {
      await nr.set('e:keep', 'orig');
      await expect(nr.sendCommand(['SET', 'e:keep', 'v', 'XX', 'NX'])).rejects.toThrow('ERR syntax error');
      await expect(nr.sendCommand(['INCR', 'e:keep'])).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(nr.incrByFloat('e:keep', 1)).rejects.toThrow('ERR value is not a valid float');
      expect(await nr.get('e:keep')).toBe('orig');
    });

    it('WRONGTYPE once a collection type is available', async () => {
      // Lists belong to another family; this check runs as soon as the node knows RPUSH.
      const info = (await io.call('COMMAND', 'INFO', 'rpush')) as unknown[];
      if (info[0] === null || info[0] === undefined) return;
      await io.call('RPUSH', 'e:list', 'x');
      for (const argv of [
        ['GET', 'e:list'],
        ['APPEND', 'e:list', 'x'],
        ['INCR', 'e:list'],
        ['GETRANGE', 'e:list', '0', '1'],
        ['SET', 'e:list', 'v', 'GET'],
      ]) {
        const [cmd, ...args] = argv as [string, ...string[]];
        await expect(io.call(cmd, ...args)).rejects.toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
      }
      await expect(io.call('LCS', 'e:list', 'e:a')).rejects.toThrow('ERR The specified keys must contain string values');
      expect(await io.mget('e:list')).toEqual([null]);
    });
  });

  describe('with node-redis', () => {
    it('typed string commands (RESP2)', async () => {
      expect(await nr.set('nr:a', 'v', { condition: 'NX', expiration: { type: 'EX', value: 100 } })).toBe('OK');
      expect(await nr.set('nr:a', 'w', { condition: 'NX' })).toBeNull();
      expect(await nr.set('nr:a', 'w', { GET: true })).toBe('v');
      expect(await nr.getEx('nr:a', { type: 'PERSIST' })).toBe('w');
      expect(await nr.getDel('nr:a')).toBe('w');
      expect(await nr.mSet({ 'nr:m1': '1', 'nr:m2': '2' })).toBe('OK');
      expect(await nr.mGet(['nr:m1', 'nr:m2', 'nr:none'])).toEqual(['1', '2', null]);
      expect(await nr.mSetNX({ 'nr:m1': 'x', 'nr:m3': '3' })).toBe(0);
      expect(await nr.incrBy('nr:m1', 9)).toBe(10);
      expect(await nr.decrBy('nr:m1', 20)).toBe(-10);
      expect(await nr.incrByFloat('nr:m1', 0.5)).toBe('-9.5');
      expect(await nr.append('nr:m2', 'x')).toBe(2);
      expect(await nr.getRange('nr:m2', 0, 0)).toBe('2');
      expect(await nr.setRange('nr:m2', 1, 'yz')).toBe(3);
      expect(await nr.strLen('nr:m2')).toBe(3);
      await nr.mSet({ 'nr:l1': 'ohmytext', 'nr:l2': 'mynewtext' });
      expect(await nr.lcs('nr:l1', 'nr:l2')).toBe('mytext');
      expect(await nr.lcsLen('nr:l1', 'nr:l2')).toBe(6);
    });

    it('LCS IDX is a map in RESP3 and a flat array in RESP2', async () => {
      await nr.mSet({ 'nr:l1': 'ohmytext', 'nr:l2': 'mynewtext' });
      const argv = ['LCS', 'nr:l1', 'nr:l2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'];
      const resp2 = (await nr.sendCommand(argv)) as unknown;
      expect(resp2).toEqual(['matches', [[[4, 7], [5, 8], 4]], 'len', 6]);
      const resp3 = (await nr3.sendCommand(argv)) as unknown;
      expect(resp3).toEqual({ matches: [[[4, 7], [5, 8], 4]], len: 6 });
      const { data } = await rawExchange(node.port, `HELLO 3\r\n${argv.join(' ')}\r\n`, (b) => b.toString('latin1').endsWith(':6\r\n'));
      expect(data.toString('latin1')).toContain('%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n');
    });

    it('nil replies are RESP3 nulls', async () => {
      const { data } = await rawExchange(node.port, 'HELLO 3\r\nGET nr:nothing\r\n', (b) => b.toString('latin1').endsWith('_\r\n'));
      expect(data.toString('latin1').endsWith('_\r\n')).toBe(true);
      expect(await nr3.get('nr:nothing')).toBeNull();
    });
  });

  describe('with redis-cli', () => {
    it('SET / GET / INCRBYFLOAT / LCS', async () => {
      expect((await redisCli(node.port, ['SET', 'cli:a', 'hello', 'EX', '100'])).stdout.trim()).toBe('OK');
      expect((await redisCli(node.port, ['GET', 'cli:a'])).stdout.trim()).toBe('hello');
      expect((await redisCli(node.port, ['INCRBYFLOAT', 'cli:f', '0.1'])).stdout.trim()).toBe('0.1');
      expect((await redisCli(node.port, ['INCRBYFLOAT', 'cli:f', '0.2'])).stdout.trim()).toBe('0.3');
      const err = await redisCli(node.port, ['SET', 'cli:a', 'v', 'EX', '0']);
      expect(err.stdout.trim()).toBe("ERR invalid expire time in 'set' command");
    });
  });

  it('COMMAND INFO reports the table', async () => {
    const info = (await io.call('COMMAND', 'INFO', 'set', 'mget', 'lcs')) as unknown[][];
    expect(info.map((c) => c.slice(0, 6))).toEqual([
      ['set', -3, ['write', 'denyoom'], 1, 1, 1],
      ['mget', -2, ['readonly', 'fast'], 1, -1, 1],
      ['lcs', -3, ['readonly'], 1, 2, 1],
    ]);
  });
});
