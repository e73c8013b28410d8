// Cluster-enabled as INFO and HELLO report it: one answer (ServerApi.cluster present or not) behind redis_mode, cluster_enabled, HELLO mode and the CLUSTER commands.
import { describe, expect, it } from 'vitest';
import { SLOT_COUNT } from '../ring/slot.js';
import { createTestExecutor } from '../testing/exec.js';
import { encodeHandoff, type ClusterApi } from './cluster.js';

/** A cluster of one: this node, owning every slot. */
const loneCluster: ClusterApi = {
  selfId: 'test',
  nodes: () => [{ name: 'test', host: '127.0.0.1', port: 6379, gossipPort: 7946, state: 'alive', self: true }],
  ranges: () => [{ start: 0, end: SLOT_COUNT - 1, owner: 'test', replicas: [] }],
  epoch: () => 1,
  ok: () => true,
  markPeer: () => undefined,
};

function modes(t: ReturnType<typeof createTestExecutor>): { redisMode: string | undefined; enabled: string | undefined; hello: unknown } {
  const server = String(t.run('INFO', 'server'));
  const cluster = String(t.run('INFO', 'cluster'));
  const hello = t.run('HELLO', '3');
  return {
    redisMode: /\r\nredis_mode:(\w+)\r\n/.exec(server)?.[1],
    enabled: /\r\ncluster_enabled:(\d)\r\n/.exec(cluster)?.[1],
    hello: typeof hello === 'object' && hello !== null && !Array.isArray(hello) ? hello.mode : hello,
  };
}

describe('cluster mode in INFO and HELLO', () => {
  it('says cluster on a server with cluster parts, even a cluster of one', () => {
    const t = createTestExecutor({ cluster: loneCluster });
    expect(modes(t)).toEqual({ redisMode: 'cluster', enabled: '1', hello: 'cluster' });
    expect(String(t.run('CLUSTER', 'INFO'))).toContain('cluster_known_nodes:1\r\n');
  });

  it('says standalone, like the CLUSTER commands, on a server without them', () => {
    const t = createTestExecutor();
    expect(modes(t)).toEqual({ redisMode: 'standalone', enabled: '0', hello: 'standalone' });
    expect(t.run('CLUSTER', 'INFO')).toBe('-ERR This instance has cluster support disabled');
  });
});

describe('CLUSTER HANDOFF (a previous owner hands a key over)', () => {
  const received: boolean[] = [];
  const cluster: ClusterApi = { ...loneCluster, noteHandoff: (applied) => received.push(applied) };

  it('applies a key that does not exist here, all its commands journaled as one transaction', () => {
    const t = createTestExecutor({ cluster });
    const at = String(t.clock.now() + 60_000);
    expect(t.run(...encodeHandoff('l', [['RPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['PEXPIREAT', 'l', at]]))).toBe(1);
    expect(t.run('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b', 'c']);
    expect(t.run('PEXPIRETIME', 'l')).toBe(Number(at));
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'RPUSH', 'RPUSH', 'PEXPIREAT', 'EXEC']);
    expect(t.run(...encodeHandoff('s', [['SET', 's', 'v']]))).toBe(1);
    expect(t.run('GET', 's')).toBe('v');
  });

  it('skips a key that exists here: a write that reached the new owner first is newer and wins', () => {
    received.length = 0;
    const t = createTestExecutor({ cluster });
    t.run('SET', 'k', 'new');
    t.journal.length = 0;
    expect(t.run(...encodeHandoff('k', [['SET', 'k', 'old']]))).toBe(0);
    expect(t.run('GET', 'k')).toBe('new');
    expect(t.journal).toEqual([]);
    expect(received).toEqual([false]);
    expect(String(t.run('INFO', 'cluster'))).not.toContain('handoff'); // the test ClusterApi keeps no stats
  });

  it('refuses malformed lists and commands that write other keys, applying nothing', () => {
    const t = createTestExecutor({ cluster });
    expect(t.run('CLUSTER', 'HANDOFF', 'k', '5', 'SET', 'k', 'v')).toMatch(/^-ERR CLUSTER HANDOFF expects/);
    expect(t.run(...encodeHandoff('k', [['SET', 'k', 'v'], ['SET', 'other', 'v']]))).toMatch(/^-ERR .*only the handed-off key/);
    expect(t.run(...encodeHandoff('k', [['GET', 'k']]))).toMatch(/^-ERR CLUSTER HANDOFF cannot run 'GET'/);
    expect(t.run('EXISTS', 'k', 'other')).toBe(0);
  });

  it('removes what ran when a rebuild command fails (all or nothing)', () => {
    const t = createTestExecutor({ cluster });
    expect(t.run(...encodeHandoff('z', [['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'notascore', 'b']]))).toBe('-ERR value is not a valid float');
    expect(t.run('EXISTS', 'z')).toBe(0);
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'ZADD', 'DEL', 'EXEC']);
  });
});
