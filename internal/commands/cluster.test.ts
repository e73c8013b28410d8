// Cluster-enabled as INFO and HELLO report it: one answer (ServerApi.cluster present or not) behind redis_mode, cluster_enabled, HELLO mode and the CLUSTER commands.
import { describe, expect, it } from 'vitest';
import { SLOT_COUNT } from '../ring/slot.js';
import { createTestExecutor } from '../testing/exec.js';
import type { ClusterApi, HandoffOutcome } from '../contracts/cluster.js';
import { encodeHandoff } from './cluster.js';

/** A cluster of one: this node, owning every slot. */
const loneCluster: ClusterApi = {
  selfId: 'test',
  members: () => [{ id: 'test', host: '127.0.0.1', respPort: 6379, httpPort: 7379, gossipPort: 7946, state: 'alive', self: true }],
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

describe('INFO cluster: gossip drops', () => {
  it('lists the packets membership dropped, by reason', () => {
    const t = createTestExecutor({ cluster: { ...loneCluster, gossipDropped: () => ({ plaintext: 3, decrypt: 0 }) } });
    expect(String(t.run('INFO', 'cluster'))).toContain('\r\ncluster_gossip_packets_dropped:plaintext=3,decrypt=0\r\n');
  });
});

describe('CLUSTER HANDOFF (a previous owner hands a key over)', () => {
  const received: HandoffOutcome[] = [];
  const cluster: ClusterApi = { ...loneCluster, noteHandoff: (outcome) => received.push(outcome) };
  /** A test executor whose default client is a peer link (CLUSTER HANDOFF is peer-only). */
  const onPeerLink = (): ReturnType<typeof createTestExecutor> => {
    const t = createTestExecutor({ cluster });
    t.client.peer = true;
    return t;
  };

  it('is refused outside a peer link, applying nothing (issue 17: anyone could hand keys over)', () => {
    const t = createTestExecutor({ cluster });
    expect(t.run(...encodeHandoff('k', [['SET', 'k', 'evil']]))).toBe('-ERR CLUSTER HANDOFF is only valid on a peer link (CLUSTER PEER)');
    expect(t.run('EXISTS', 'k')).toBe(0);
    expect(t.journal).toEqual([]);
  });

  it('applies a key that does not exist here, all its commands journaled as one transaction', () => {
    received.length = 0;
    const t = onPeerLink();
    const at = String(t.clock.now() + 60_000);
    expect(t.run(...encodeHandoff('l', [['RPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['PEXPIREAT', 'l', at]]))).toBe(1);
    expect(t.run('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b', 'c']);
    expect(t.run('PEXPIRETIME', 'l')).toBe(Number(at));
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'RPUSH', 'RPUSH', 'PEXPIREAT', 'EXEC']);
    expect(t.run(...encodeHandoff('s', [['SET', 's', 'v']]))).toBe(1);
    expect(t.run('GET', 's')).toBe('v');
    expect(received).toEqual(['received', 'received']);
  });

  it('skips a key that exists here: a write that reached the new owner first is newer and wins', () => {
    received.length = 0;
    const t = onPeerLink();
    t.run('SET', 'k', 'new');
    t.journal.length = 0;
    expect(t.run(...encodeHandoff('k', [['SET', 'k', 'old']]))).toBe(0);
    expect(t.run('GET', 'k')).toBe('new');
    expect(t.journal).toEqual([]);
    expect(received).toEqual(['skipped']);
    expect(String(t.run('INFO', 'cluster'))).not.toContain('handoff'); // the test ClusterApi keeps no stats
  });

  it('replaces a copy loaded from disk at start-up and untouched since: the handed-off copy is live, so newer', () => {
    received.length = 0;
    const t = onPeerLink();
    t.run('RPUSH', 'l', 'old1', 'old2');
    t.run('SET', 's', 'old', 'PX', '60000');
    t.store.db(0).markLoadedFromDisk();
    t.journal.length = 0;
    const at = String(t.clock.now() + 120_000);
    expect(t.run(...encodeHandoff('l', [['RPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['PEXPIREAT', 'l', at]]))).toBe(1);
    expect(t.run('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b', 'c']);
    expect(t.run('PEXPIRETIME', 'l')).toBe(Number(at));
    // One rebuild command and no TTL: the old copy's TTL goes with it.
    expect(t.run(...encodeHandoff('s', [['SET', 's', 'new']]))).toBe(1);
    expect(t.run('GET', 's')).toBe('new');
    expect(t.run('PTTL', 's')).toBe(-1);
    expect(received).toEqual(['replaced', 'replaced']);
    // The replacement is live now: a second copy handed over is skipped.
    expect(t.run(...encodeHandoff('s', [['SET', 's', 'other']]))).toBe(0);
    expect(t.run('GET', 's')).toBe('new');
    expect(received).toEqual(['replaced', 'replaced', 'skipped']);
  });

  it('journals a replacement as one MULTI ... EXEC (DEL, then the rebuild) that replays to the same value', () => {
    const t = onPeerLink();
    t.run('HSET', 'h', 'old', '1', 'f', 'old');
    t.store.db(0).markLoadedFromDisk();
    expect(t.run(...encodeHandoff('h', [['HSET', 'h', 'f', 'new']]))).toBe(1);
    expect(t.journal.slice(1).map((j) => j.argv)).toEqual([['MULTI'], ['DEL', 'h'], ['HSET', 'h', 'f', 'new'], ['EXEC']]);
    const replay = createTestExecutor();
    for (const j of t.journal) replay.run(...j.argv);
    expect(replay.run('HGETALL', 'h')).toEqual(t.run('HGETALL', 'h'));
    expect(replay.run('HGETALL', 'h')).toEqual({ f: 'new' });
  });

  it('keeps a copy loaded from disk that was written since start-up: it is live, and wins', () => {
    received.length = 0;
    const t = onPeerLink();
    t.run('SET', 's', 'old');
    t.run('SADD', 'set', 'a');
    t.run('SET', 'ttl', 'old');
    t.store.db(0).markLoadedFromDisk();
    t.run('SET', 's', 'mine');
    t.run('SADD', 'set', 'b');
    t.run('PEXPIRE', 'ttl', '60000');
    t.journal.length = 0;
    expect(t.run(...encodeHandoff('s', [['SET', 's', 'theirs']]))).toBe(0);
    expect(t.run(...encodeHandoff('set', [['SADD', 'set', 'theirs']]))).toBe(0);
    expect(t.run(...encodeHandoff('ttl', [['SET', 'ttl', 'theirs']]))).toBe(0);
    expect([t.run('GET', 's'), t.run('SMEMBERS', 'set'), t.run('GET', 'ttl')]).toEqual(['mine', ['a', 'b'], 'old']);
    expect(t.journal).toEqual([]);
    expect(received).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('refuses malformed lists and commands that write other keys, applying nothing', () => {
    const t = onPeerLink();
    expect(t.run('CLUSTER', 'HANDOFF', 'k', '5', 'SET', 'k', 'v')).toMatch(/^-ERR CLUSTER HANDOFF expects/);
    expect(t.run(...encodeHandoff('k', [['SET', 'k', 'v'], ['SET', 'other', 'v']]))).toMatch(/^-ERR .*only the handed-off key/);
    expect(t.run(...encodeHandoff('k', [['GET', 'k']]))).toMatch(/^-ERR CLUSTER HANDOFF cannot run 'GET'/);
    expect(t.run('EXISTS', 'k', 'other')).toBe(0);
  });

  it('removes what ran when a rebuild command fails (all or nothing)', () => {
    const t = onPeerLink();
    expect(t.run(...encodeHandoff('z', [['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'notascore', 'b']]))).toBe('-ERR value is not a valid float');
    expect(t.run('EXISTS', 'z')).toBe(0);
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'ZADD', 'DEL', 'EXEC']);
  });

  it('a failed replacement leaves the key absent (the sender keeps its copy and retries), journaled as one transaction', () => {
    const t = onPeerLink();
    t.run('ZADD', 'z', '5', 'old');
    t.store.db(0).markLoadedFromDisk();
    t.journal.length = 0;
    expect(t.run(...encodeHandoff('z', [['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'notascore', 'b']]))).toBe('-ERR value is not a valid float');
    expect(t.run('EXISTS', 'z')).toBe(0);
    expect(t.journal.map((j) => j.argv[0])).toEqual(['MULTI', 'DEL', 'ZADD', 'DEL', 'EXEC']);
    expect(t.run(...encodeHandoff('z', [['ZADD', 'z', '1', 'a']]))).toBe(1);
  });
});

describe('CLUSTER RESET', () => {
  it('is refused with the reason, a syntax error for another mode, and noscript from a script as in Redis', () => {
    const t = createTestExecutor({ cluster: loneCluster });
    expect(String(t.run('CLUSTER', 'RESET', 'HARD'))).toMatch(/^-ERR CLUSTER RESET is not supported: membership is gossip/);
    expect(t.run('CLUSTER', 'RESET', 'firm')).toBe('-ERR syntax error');
    expect(String(t.run('EVAL', "return redis.call('cluster', 'reset', 'hard')", '0'))).toMatch(/This Redis command is not allowed from script/);
    expect(t.run('CLUSTER', 'RESET')).toBe(t.run('CLUSTER', 'RESET', 'soft'));
    expect(createTestExecutor().run('CLUSTER', 'RESET')).toBe('-ERR This instance has cluster support disabled');
  });
});
