// Scripts under min-replicas-to-write, side by side with redis-server 7.0.15: flagged scripts that may write are refused up front, old-style EVAL only at its first write.
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../testing/clients.js';
import { useSideBySide } from '../testing/side-by-side.js';

const servers = useSideBySide();

async function reply(c: Redis, argv: string[]): Promise<string> {
  try {
    return String(await c.call(argv[0] as string, ...argv.slice(1)));
  } catch (e) {
    return (e as Error).message;
  }
}

const CASES: [string, string][] = [
  ['flags=no-writes read', "#!lua flags=no-writes\nreturn redis.call('get','x')"],
  ['old-style read', "return redis.call('get','x')"],
  ['flagged read that may write', "#!lua\nreturn redis.call('get','x')"],
  ['old-style write', "return redis.call('set','x', 1)"],
  ['old-style read then write', "redis.call('get','x') return redis.call('set','x', 2)"],
  ['flagged FUNCTION-less write with allow-oom', "#!lua flags=allow-oom\nreturn redis.call('set','x', 3)"],
];

describe('scripts under min-replicas-to-write with no replica', () => {
  it('answer as redis-server: NOREPLICAS for flagged scripts that may write and for old-style writes', async () => {
    const answers: Record<string, string[]> = {};
    for (const [name, port] of [['ringcache', servers.node.port], ['redis', servers.redis.port]] as const) {
      const c = await connectIoredis(port);
      await c.set('x', 'some value');
      expect(await c.call('CONFIG', 'SET', 'min-replicas-to-write', '1')).toBe('OK');
      const got: string[] = [];
      for (const [, body] of CASES) got.push(await reply(c, ['EVAL', body, '1', 'x']));
      got.push(await reply(c, ['SET', 'x', 'y']));
      expect(await c.call('CONFIG', 'SET', 'min-replicas-to-write', '0')).toBe('OK');
      expect(await c.get('x')).toBe('some value');
      answers[name] = got;
      c.disconnect();
    }
    expect(answers['ringcache']).toEqual(answers['redis']);
    const got = answers['ringcache'] ?? [];
    expect(got.slice(0, 2)).toEqual(['some value', 'some value']);
    // Old-style EVAL is refused at its write, with the script's place appended (as Redis does).
    for (const line of got.slice(2)) expect(line).toMatch(/^NOREPLICAS Not enough good replicas to write\./);
    expect(got).toHaveLength(7);
  });
});
