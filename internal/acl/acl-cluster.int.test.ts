// ACLs in a cluster: a command is checked against its client's user on the node that received it, before routing; the owner runs a forwarded command as the peer link's internal user.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { openIoredis } from '../testing/clients.js';
import { useInProcessCluster } from '../testing/inproc-cluster.js';

describe('ACL users in a 3-node cluster', () => {
  const cluster = useInProcessCluster(3);

  it('checks on the receiving node and forwards what is allowed, whatever the owners default user may do', async () => {
    const c = cluster();
    const admin0 = openIoredis(c.port(0));
    await admin0.call('ACL', 'SETUSER', 'app', 'on', '>pw', '+@read', '+set', '+ping', '~app:*');
    // The owners' default user may not SET: forwarded writes still run there (as the peer link's internal user).
    for (const i of [1, 2]) await openIoredis(c.port(i)).call('ACL', 'SETUSER', 'default', '-set');
    const app = new Redis({ port: c.port(0), host: '127.0.0.1', username: 'app', password: 'pw', enableReadyCheck: false, maxRetriesPerRequest: 0 });
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `app:${i}`);
      for (const k of keys) expect(await app.set(k, 'v')).toBe('OK');
      for (const k of keys) expect(await app.get(k)).toBe('v');
      for (let i = 0; i < 30; i++) await expect(app.get(`other:${i}`)).rejects.toThrow('NOPERM this user has no permissions to access one of the keys used as arguments');
      await expect(app.del('app:1')).rejects.toThrow("NOPERM this user has no permissions to run the 'del' command");
      const log = (await admin0.call('ACL', 'LOG', '100')) as unknown[][];
      expect(log.map((e) => e[3])).toEqual(expect.arrayContaining(['key', 'command']));
      // Nothing was refused on the owners: the check happened before forwarding.
      for (const i of [1, 2]) expect(await openIoredis(c.port(i)).call('ACL', 'LOG')).toEqual([]);
      // The writes landed on their owners (read back through another node).
      const other = openIoredis(c.port(1));
      for (const k of keys) expect(await other.get(k)).toBe('v');
    } finally {
      app.disconnect();
    }
  });
});
