// Replication fixtures for integration tests: INFO replication as a map, a dataset of every type, a logical picture of a database to compare primary and replica.
import type { Redis } from 'ioredis';

/** INFO replication as a map. */
export async function replInfo(c: Redis): Promise<Map<string, string>> {
  const text = (await c.info('replication')) as string;
  return new Map(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as [string, string]));
}

/** Every type, some keys with a TTL, spread over two databases. */
export async function fill(c: Redis, n: number, prefix: string): Promise<void> {
  for (let start = 0; start < n; start += 2000) {
    const p = c.pipeline();
    for (let i = start; i < Math.min(n, start + 2000); i++) {
      const k = `${prefix}:${i}`;
      switch (i % 8) {
        case 0:
        case 1:
        case 2:
          p.set(k, `v${i}`.repeat(1 + (i % 5)));
          break;
        case 3:
          p.hset(k, { a: String(i), b: 'x'.repeat(i % 20), c: String(i * 2) });
          break;
        case 4:
          p.rpush(k, 'a', String(i), 'c');
          break;
        case 5:
          p.sadd(k, String(i), String(i + 1), 'm');
          break;
        case 6:
          p.zadd(k, i, 'a', i + 0.5, 'b');
          break;
        default:
          p.xadd(k, '*', 'f', String(i));
      }
      if (i % 10 === 0) p.pexpire(k, 3_600_000);
    }
    await p.exec();
  }
}

/** A logical picture of one database: key -> type and content (and whether it has a TTL). */
export async function picture(c: Redis, db: number): Promise<Map<string, string>> {
  await c.select(db);
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await c.scan(cursor, 'COUNT', 2000);
    cursor = next;
    const types = await c.pipeline(keys.map((k) => ['type', k])).exec();
    const p = c.pipeline();
    keys.forEach((k, i) => {
      const t = types?.[i]?.[1] as string;
      if (t === 'string') p.get(k);
      else if (t === 'hash') p.hgetall(k);
      else if (t === 'list') p.lrange(k, 0, -1);
      else if (t === 'set') p.smembers(k);
      else if (t === 'zset') p.call('ZRANGE', k, '0', '-1', 'WITHSCORES');
      else p.call('XRANGE', k, '-', '+');
      p.pttl(k);
    });
    const vals = (await p.exec()) ?? [];
    keys.forEach((k, i) => {
      let v = vals[2 * i]?.[1];
      if (Array.isArray(v) && types?.[i]?.[1] === 'set') v = [...(v as string[])].sort();
      const ttl = Number(vals[2 * i + 1]?.[1]);
      out.set(k, `${types?.[i]?.[1] as string}|${JSON.stringify(v)}|${ttl > 0 ? 'ttl' : String(ttl)}`);
    });
  } while (cursor !== '0');
  await c.select(0);
  return out;
}

export function diffCount(a: Map<string, string>, b: Map<string, string>): number {
  let d = Math.abs(a.size - b.size);
  for (const [k, v] of a) if (b.get(k) !== v) d++;
  return d;
}

/** The replica's link is up and it applied everything the primary wrote. */
export async function caughtUp(p: Redis, r: Redis): Promise<boolean> {
  const [pi, ri] = await Promise.all([replInfo(p), replInfo(r)]);
  return ri.get('master_link_status') === 'up' && ri.get('slave_repl_offset') === pi.get('master_repl_offset');
}
