// Cluster-enabled as INFO and HELLO report it: one answer (ServerApi.cluster present or not) behind redis_mode, cluster_enabled, HELLO mode and the CLUSTER commands.
import { describe, expect, it } from 'vitest';
import { SLOT_COUNT } from '../ring/slot.js';
import { createTestExecutor } from '../testing/exec.js';
import type { ClusterApi } from './cluster.js';

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
