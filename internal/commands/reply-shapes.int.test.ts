// Every command's reply shape in RESP2 and RESP3, side by side with a real redis-server: same types, same nesting, same error codes.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { replyShape } from '../testing/resp-shape.js';
import { resp } from '../testing/clients.js';

/** A raw connection that sends one command at a time and answers with the reply's shape. */
class ShapeConn {
  private buf = Buffer.alloc(0);
  private waiting: ((shape: string) => void) | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    sock.on('error', () => undefined);
  }

  static open(port: number): Promise<ShapeConn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new ShapeConn(sock)));
      sock.once('error', reject);
    });
  }

  private drain(): void {
    for (;;) {
      const f = replyShape(this.buf);
      if (f === null) return;
      this.buf = this.buf.subarray(f.next);
      const w = this.waiting;
      this.waiting = null;
      w?.(f.shape);
    }
  }

  send(argv: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${argv.join(' ')}`)), 5000);
      this.waiting = (s) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.sock.write(resp(...argv));
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

interface Case {
  readonly setup?: readonly (readonly string[])[];
  readonly cmd: readonly string[];
}

const STREAM = [
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '2-1', 'f', 'v', 'g', 'w'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>'],
];

/** Commands of every family, each on a fresh database; the names say what is compared. */
const CASES: Record<string, Case> = {
  'SET GET': { setup: [['SET', 'k', 'v']], cmd: ['GET', 'k'] },
  'GET missing': { cmd: ['GET', 'nope'] },
  'SET GET option': { setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'w', 'GET'] },
  'SET NX fails': { setup: [['SET', 'k', 'v']], cmd: ['SET', 'k', 'w', 'NX'] },
  MGET: { setup: [['SET', 'a', '1']], cmd: ['MGET', 'a', 'b'] },
  INCRBYFLOAT: { cmd: ['INCRBYFLOAT', 'f', '1.5'] },
  'LCS IDX': { setup: [['MSET', 'a', 'ohmytext', 'b', 'mynewtext']], cmd: ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'] },
  GETEX: { setup: [['SET', 'k', 'v']], cmd: ['GETEX', 'k', 'PX', '100000'] },
  'WRONGTYPE': { setup: [['LPUSH', 'l', 'a']], cmd: ['GET', 'l'] },
  'unknown command': { cmd: ['NOSUCHCOMMAND'] },
  'wrong arity': { cmd: ['GET'] },
  EXISTS: { setup: [['SET', 'k', 'v']], cmd: ['EXISTS', 'k', 'x'] },
  TTL: { setup: [['SET', 'k', 'v', 'EX', '100']], cmd: ['TTL', 'k'] },
  EXPIRETIME: { setup: [['SET', 'k', 'v', 'EX', '100']], cmd: ['EXPIRETIME', 'k'] },
  TYPE: { setup: [['SADD', 's', 'a']], cmd: ['TYPE', 's'] },
  KEYS: { setup: [['SET', 'k', 'v']], cmd: ['KEYS', '*'] },
  SCAN: { setup: [['SET', 'k', 'v']], cmd: ['SCAN', '0'] },
  RANDOMKEY: { setup: [['SET', 'k', 'v']], cmd: ['RANDOMKEY'] },
  'RANDOMKEY empty': { cmd: ['RANDOMKEY'] },
  'OBJECT ENCODING': { setup: [['SET', 'k', '12']], cmd: ['OBJECT', 'ENCODING', 'k'] },
  'OBJECT ENCODING missing': { cmd: ['OBJECT', 'ENCODING', 'nope'] },
  HGETALL: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], cmd: ['HGETALL', 'h'] },
  'HGETALL missing': { cmd: ['HGETALL', 'nope'] },
  HMGET: { setup: [['HSET', 'h', 'a', '1']], cmd: ['HMGET', 'h', 'a', 'b'] },
  HINCRBYFLOAT: { setup: [['HSET', 'h', 'a', '1']], cmd: ['HINCRBYFLOAT', 'h', 'a', '0.5'] },
  'HRANDFIELD WITHVALUES': { setup: [['HSET', 'h', 'a', '1', 'b', '2']], cmd: ['HRANDFIELD', 'h', '2', 'WITHVALUES'] },
  HRANDFIELD: { setup: [['HSET', 'h', 'a', '1']], cmd: ['HRANDFIELD', 'h'] },
  HSCAN: { setup: [['HSET', 'h', 'a', '1']], cmd: ['HSCAN', 'h', '0'] },
  HKEYS: { setup: [['HSET', 'h', 'a', '1']], cmd: ['HKEYS', 'h'] },
  LRANGE: { setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LRANGE', 'l', '0', '-1'] },
  'LPOP count': { setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LPOP', 'l', '2'] },
  'LPOP count missing': { cmd: ['LPOP', 'nope', '2'] },
  'LPOP missing': { cmd: ['LPOP', 'nope'] },
  LPOS: { setup: [['RPUSH', 'l', 'a', 'b', 'a']], cmd: ['LPOS', 'l', 'a', 'COUNT', '0'] },
  LMPOP: { setup: [['RPUSH', 'l', 'a', 'b']], cmd: ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '2'] },
  'LMPOP missing': { cmd: ['LMPOP', '1', 'nope', 'LEFT'] },
  BLPOP: { setup: [['RPUSH', 'l', 'a']], cmd: ['BLPOP', 'l', '1'] },
  'BLPOP timeout': { cmd: ['BLPOP', 'nope', '0.01'] },
  SMEMBERS: { setup: [['SADD', 's', 'a', 'b']], cmd: ['SMEMBERS', 's'] },
  SMISMEMBER: { setup: [['SADD', 's', 'a']], cmd: ['SMISMEMBER', 's', 'a', 'b'] },
  'SPOP count': { setup: [['SADD', 's', 'a', 'b']], cmd: ['SPOP', 's', '1'] },
  'SRANDMEMBER count': { setup: [['SADD', 's', 'a', 'b']], cmd: ['SRANDMEMBER', 's', '-3'] },
  SINTER: { setup: [['SADD', 's', 'a'], ['SADD', 't', 'a']], cmd: ['SINTER', 's', 't'] },
  SINTERCARD: { setup: [['SADD', 's', 'a']], cmd: ['SINTERCARD', '1', 's'] },
  SSCAN: { setup: [['SADD', 's', 'a']], cmd: ['SSCAN', 's', '0'] },
  ZSCORE: { setup: [['ZADD', 'z', '1.5', 'a']], cmd: ['ZSCORE', 'z', 'a'] },
  ZMSCORE: { setup: [['ZADD', 'z', '1.5', 'a']], cmd: ['ZMSCORE', 'z', 'a', 'b'] },
  'ZADD INCR': { cmd: ['ZADD', 'z', 'INCR', '1', 'a'] },
  ZINCRBY: { cmd: ['ZINCRBY', 'z', '1', 'a'] },
  'ZRANGE WITHSCORES': { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], cmd: ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'] },
  ZRANGE: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZRANGE', 'z', '0', '-1'] },
  'ZRANGEBYSCORE WITHSCORES': { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'] },
  ZPOPMIN: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZPOPMIN', 'z'] },
  'ZPOPMIN count': { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], cmd: ['ZPOPMIN', 'z', '2'] },
  'ZRANDMEMBER WITHSCORES': { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], cmd: ['ZRANDMEMBER', 'z', '2', 'WITHSCORES'] },
  ZRANK: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZRANK', 'z', 'a'] },
  'ZUNION WITHSCORES': { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZUNION', '1', 'z', 'WITHSCORES'] },
  ZMPOP: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZMPOP', '1', 'z', 'MIN'] },
  BZPOPMIN: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['BZPOPMIN', 'z', '1'] },
  BZMPOP: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['BZMPOP', '1', '1', 'z', 'MIN'] },
  ZSCAN: { setup: [['ZADD', 'z', '1', 'a']], cmd: ['ZSCAN', 'z', '0'] },
  XRANGE: { setup: STREAM, cmd: ['XRANGE', 's', '-', '+'] },
  XREAD: { setup: STREAM, cmd: ['XREAD', 'STREAMS', 's', '0'] },
  'XREAD none': { setup: STREAM, cmd: ['XREAD', 'STREAMS', 's', '$'] },
  XREADGROUP: { setup: STREAM, cmd: ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'] },
  'XPENDING summary': { setup: STREAM, cmd: ['XPENDING', 's', 'g'] },
  'XPENDING extended': { setup: STREAM, cmd: ['XPENDING', 's', 'g', '-', '+', '10'] },
  XCLAIM: { setup: STREAM, cmd: ['XCLAIM', 's', 'g', 'd', '0', '1-1'] },
  XAUTOCLAIM: { setup: STREAM, cmd: ['XAUTOCLAIM', 's', 'g', 'd', '0', '0'] },
  'XINFO STREAM': { setup: STREAM, cmd: ['XINFO', 'STREAM', 's'] },
  'XINFO STREAM FULL': { setup: STREAM, cmd: ['XINFO', 'STREAM', 's', 'FULL'] },
  'XINFO GROUPS': { setup: STREAM, cmd: ['XINFO', 'GROUPS', 's'] },
  'XINFO CONSUMERS': { setup: STREAM, cmd: ['XINFO', 'CONSUMERS', 's', 'g'] },
  'PUBSUB CHANNELS': { cmd: ['PUBSUB', 'CHANNELS'] },
  'PUBSUB NUMSUB': { cmd: ['PUBSUB', 'NUMSUB', 'a', 'b'] },
  'PUBSUB SHARDNUMSUB': { cmd: ['PUBSUB', 'SHARDNUMSUB', 'a'] },
  'PUBSUB NUMPAT': { cmd: ['PUBSUB', 'NUMPAT'] },
  PUBLISH: { cmd: ['PUBLISH', 'ch', 'm'] },
  PING: { cmd: ['PING'] },
  ECHO: { cmd: ['ECHO', 'x'] },
  TIME: { cmd: ['TIME'] },
  DBSIZE: { cmd: ['DBSIZE'] },
  'CONFIG GET': { cmd: ['CONFIG', 'GET', 'maxmemory'] },
  'COMMAND COUNT': { cmd: ['COMMAND', 'COUNT'] },
  'COMMAND INFO': { cmd: ['COMMAND', 'INFO', 'get'] },
  'COMMAND INFO container': { cmd: ['COMMAND', 'INFO', 'config'] },
  'COMMAND INFO client container': { cmd: ['COMMAND', 'INFO', 'client'] },
  'COMMAND GETKEYS': { cmd: ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'] },
  'SLOWLOG GET': { cmd: ['SLOWLOG', 'GET', '0'] },
  'SLOWLOG LEN': { cmd: ['SLOWLOG', 'LEN'] },
  INFO: { cmd: ['INFO', 'server'] },
  'CLIENT ID': { cmd: ['CLIENT', 'ID'] },
  'CLIENT GETNAME': { cmd: ['CLIENT', 'GETNAME'] },
  'CLIENT INFO': { cmd: ['CLIENT', 'INFO'] },
  'CLIENT LIST': { cmd: ['CLIENT', 'LIST'] },
  'MULTI EXEC': { setup: [['MULTI'], ['SET', 'k', 'v'], ['GET', 'k']], cmd: ['EXEC'] },
  'EXEC without MULTI': { cmd: ['EXEC'] },
  'WATCH inside MULTI': { setup: [['MULTI']], cmd: ['WATCH', 'k'] },
  LASTSAVE: { cmd: ['LASTSAVE'] },
  'SORT BY nosort': { setup: [['RPUSH', 'l', '3', '1', '2']], cmd: ['SORT', 'l'] },
  'SORT STORE': { setup: [['RPUSH', 'l', '3', '1', '2']], cmd: ['SORT', 'l', 'STORE', 'd'] },
};

describe('reply shapes, side by side with redis-server', () => {
  let redis: RedisServer;
  let node: SpawnedNode;
  beforeAll(async () => {
    [redis, node] = await Promise.all([startRedisServer(), spawnNode()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), node?.stop()]);
  });

  for (const proto of ['2', '3']) {
    it(`RESP${proto}: every case has redis-server's reply shape`, async () => {
      const conns = await Promise.all([ShapeConn.open(redis.port), ShapeConn.open(node.port)]);
      const differ: string[] = [];
      try {
        for (const c of conns) await c.send(['HELLO', proto]);
        for (const [name, k] of Object.entries(CASES)) {
          const shapes: string[] = [];
          for (const c of conns) {
            await c.send(['FLUSHALL']);
            for (const s of k.setup ?? []) await c.send(s);
            shapes.push(await c.send(k.cmd));
            await c.send(['DISCARD']);
          }
          if (shapes[0] !== shapes[1]) differ.push(`${name}: redis ${shapes[0]}  ringcache ${shapes[1]}`);
        }
      } finally {
        for (const c of conns) c.close();
      }
      expect(differ).toEqual([]);
    });
  }
});
