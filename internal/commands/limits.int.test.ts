// Numbers at the edges (issue 17): expiry arguments and CONFIG SET maxmemory accepted and refused byte for byte as redis-server 7.0.15.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resp } from '../testing/clients.js';
import { rawExchange, spawnNode, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

/** Runs commands in order on one connection and returns each single-line reply. */
async function replies(port: number, cmds: readonly string[][]): Promise<string[]> {
  const payload = cmds.map((c) => resp(...c)).join('');
  const { data } = await rawExchange(port, payload, (b) => b.toString('latin1').split('\r\n').length > cmds.length, 20_000);
  return data.toString('latin1').split('\r\n').slice(0, cmds.length);
}

const EDGES = ['9223372036854', '922337203685477', '9223372036854775', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '9007199254740992', '9007199254740993', '18446744073709551616', '1e3', '+5', '-1', '0', '-0', '0x10', '00010', '5 ', ''];

describe('edge values side by side with redis-server', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode(), startRedisServer()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([node?.stop(), redis?.stop()]);
  });

  it.each(EDGES)('expiry arguments %j', async (v) => {
    // Accepted or refused, and whether the key is still there: TTL values themselves differ by the run's timing.
    const cmds: string[][] = [];
    for (const c of [['EXPIRE', 'k', v], ['PEXPIRE', 'k', v], ['EXPIREAT', 'k', v], ['PEXPIREAT', 'k', v], ['EXPIRE', 'k', v, 'GT'], ['GETEX', 'k', 'EX', v], ['GETEX', 'k', 'PXAT', v]]) {
      cmds.push(['SET', 'k', 'v'], c, ['EXISTS', 'k']);
    }
    for (const c of [['SET', 'k', 'v', 'EX', v], ['SET', 'k', 'v', 'PX', v], ['SET', 'k', 'v', 'EXAT', v], ['SET', 'k', 'v', 'PXAT', v], ['SETEX', 'k', v, 'v'], ['PSETEX', 'k', v, 'v']]) {
      cmds.push(['DEL', 'k'], c, ['EXISTS', 'k']);
    }
    const [ours, theirs] = await Promise.all([replies(node.port, cmds), replies(redis.port, cmds)]);
    expect(ours).toEqual(theirs);
  });

  it.each([...EDGES, '1gb', '1GB', '100mb', '5k', '-1gb', '1.5gb', '18446744073709551615', '4294967296kb', '8589934592gb'])('CONFIG SET maxmemory %j', async (v) => {
    const cmds = [['CONFIG', 'SET', 'maxmemory', v], ['CONFIG', 'SET', 'maxmemory', '0']];
    const [ours, theirs] = await Promise.all([replies(node.port, cmds), replies(redis.port, cmds)]);
    expect(ours).toEqual(theirs);
  });
});
