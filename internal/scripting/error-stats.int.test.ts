// Error stats of scripts, side by side with redis-server 7.0.15: a redis.call refused by the script layer (OOM, unknown command) counts once, as a rejected call, and the script as failed.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../testing/clients.js';
import { useSideBySide } from '../testing/side-by-side.js';

const servers = useSideBySide();

/** errorstat_*, total_error_replies and the calls/rejected/failed counts of eval and set, sorted. */
async function stats(c: Redis): Promise<string[]> {
  const errors = String(await c.info('errorstats')).split('\r\n').filter((l) => l.startsWith('errorstat_'));
  const total = String(await c.info('stats')).split('\r\n').filter((l) => l.startsWith('total_error_replies:'));
  const cmds = String(await c.info('commandstats'))
    .split('\r\n')
    .filter((l) => /^cmdstat_(eval|set):/.test(l))
    .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''));
  return [...errors, ...total, ...cmds].sort();
}

const SCRIPTS = [
  "return redis.call('set','x','y')",
  "local t = redis.pcall('set','x','y') return 1",
  "return redis.pcall('set','x','y')",
  "return redis.call('nosuch')",
  "return redis.call('select', 99)",
];

describe('script error stats', () => {
  it('count as redis-server counts them, under maxmemory 1 and for command errors', async () => {
    const seen: Record<string, string[][]> = {};
    for (const [name, port] of [['ringcache', servers.node.port], ['redis', servers.redis.port]] as const) {
      const c = await connectIoredis(port);
      const rows: string[][] = [];
      for (const body of SCRIPTS) {
        await c.call('CONFIG', 'RESETSTAT');
        await c.call('CONFIG', 'SET', 'maxmemory', '1');
        const r = await c.call('EVAL', body, '1', 'x').then(String, (e: Error) => e.message.replace(/ script: .*/, ''));
        await c.call('CONFIG', 'SET', 'maxmemory', '0');
        rows.push([r, ...(await stats(c))]);
      }
      seen[name] = rows;
      c.disconnect();
    }
    expect(seen['ringcache']).toEqual(seen['redis']);
    expect(seen['ringcache']?.[0]).toEqual([
      "OOM command not allowed when used memory > 'maxmemory'.",
      'cmdstat_eval:calls=1,rejected_calls=0,failed_calls=1',
      'cmdstat_set:calls=0,rejected_calls=1,failed_calls=0',
      'errorstat_OOM:count=1',
      'total_error_replies:1',
    ]);
  });
});
