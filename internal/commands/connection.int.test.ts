// Connection and server commands against a spawned node, through ioredis, node-redis and redis-cli.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis, openIoredis } from '../testing/clients.js';
import { rawExchange, redisCli, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

describe('connection and server commands', () => {
  let node: SpawnedNode;
  let io: Redis;

  beforeAll(async () => {
    // DEBUG SLEEP below: DEBUG is off by default, as in Redis 7.
    node = await spawnNode({ args: ['--enable-debug-command', 'yes'] });
    io = await connectIoredis(node.port);
  });
  afterAll(async () => {
    closeAll();
    await node.stop();
  });

  it('PING, ECHO and binary-safe ECHO', async () => {
    expect(await io.ping()).toBe('PONG');
    expect(await io.ping('hi')).toBe('hi');
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(Buffer.compare(await io.echoBuffer(bin), bin)).toBe(0);
    await expect(io.call('ping', 'a', 'b')).rejects.toThrow("ERR wrong number of arguments for 'ping' command");
  });

  it('unknown commands and subcommands use Redis wording', async () => {
    await expect(io.call('nosuch', 'a', 'b')).rejects.toThrow("ERR unknown command 'nosuch', with args beginning with: 'a' 'b' ");
    await expect(io.call('client', 'nosuch')).rejects.toThrow("ERR unknown subcommand 'nosuch'. Try CLIENT HELP.");
    await expect(io.call('config', 'get')).rejects.toThrow("ERR wrong number of arguments for 'config|get' command");
  });

  it('HELLO 3 switches to RESP3 maps; HELLO 4 is NOPROTO', async () => {
    const { data } = await rawExchange(node.port, 'HELLO 3\r\nPING\r\n', (b) => b.toString().includes('+PONG'));
    const text = data.toString();
    expect(text.startsWith('%7\r\n')).toBe(true);
    expect(text).toContain('$5\r\nproto\r\n:3\r\n');
    await expect(io.call('hello', '4')).rejects.toThrow('NOPROTO unsupported protocol version');
  });

  it('node-redis speaks RESP3 to it', async () => {
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1' }, RESP: 3 });
    await c.connect();
    try {
      expect(await c.ping()).toBe('PONG');
      const hello = (await c.sendCommand(['HELLO', '3'])) as unknown as Record<string, unknown>;
      expect(hello).toMatchObject({ server: 'redis', proto: 3 });
      const cfg = (await c.sendCommand(['CONFIG', 'GET', 'maxmemory-policy'])) as unknown;
      expect(cfg).toEqual({ 'maxmemory-policy': 'noeviction' });
    } finally {
      await c.quit();
    }
  });

  it('CLIENT ID / SETNAME / GETNAME / LIST / INFO / KILL', async () => {
    const id = (await io.client('ID')) as number;
    expect(id).toBeGreaterThan(0);
    expect(await io.client('GETNAME')).toBeNull();
    expect(await io.client('SETNAME', 'worker-1')).toBe('OK');
    expect(await io.client('GETNAME')).toBe('worker-1');
    await expect(io.client('SETNAME', 'has space')).rejects.toThrow('ERR Client names cannot contain spaces, newlines or special characters.');
    const list = (await io.client('LIST')) as string;
    expect(list).toMatch(new RegExp(`id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${node.port} .*name=worker-1 `));
    expect((await io.client('INFO')) as string).toContain(`id=${id} `);

    const victim = await connectIoredis(node.port, { stayClosed: true });
    const vid = (await victim.client('ID')) as number;
    const closed = new Promise((r) => victim.once('end', r));
    expect(await io.call('client', 'kill', 'id', String(vid))).toBe(1);
    await closed;
    expect(await io.call('client', 'kill', 'id', String(vid))).toBe(0);
    await expect(io.call('client', 'kill', '1.2.3.4:5')).rejects.toThrow('ERR No such client');
  });

  it('CLIENT SETINFO is unknown, as in Redis 7.0 (clients that send it on connect ignore the error)', async () => {
    await expect(io.call('client', 'setinfo', 'lib-name', 'mylib')).rejects.toThrow("ERR unknown subcommand 'setinfo'. Try CLIENT HELP.");
    expect((await io.client('INFO')) as string).not.toContain('lib-name=');
  });

  it('INFO reports Redis field names per section', async () => {
    const all = await io.info();
    for (const section of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Keyspace']) {
      expect(all).toContain(section);
    }
    expect(all).toMatch(/redis_version:7\.\d+\.\d+/);
    expect(all).toMatch(/connected_clients:\d+/);
    expect(all).toMatch(/used_memory:\d+/);
    expect(all).toMatch(/keyspace_hits:\d+/);
    const stats = await io.info('stats');
    expect(stats).toContain('# Stats');
    expect(stats).not.toContain('# Server');
    expect(await io.info('commandstats')).toMatch(/cmdstat_info:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
  });

  it('CONFIG GET with globs, CONFIG SET validation, RESETSTAT', async () => {
    expect(await io.config('GET', 'maxmemory*')).toEqual(expect.arrayContaining(['maxmemory', '0', 'maxmemory-policy', 'noeviction']));
    expect(await io.config('SET', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(await io.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    await expect(io.config('SET', 'maxmemory-policy', 'bogus')).rejects.toThrow(/CONFIG SET failed \(possibly related to argument 'maxmemory-policy'\)/);
    await expect(io.config('SET', 'daemonize', 'yes')).rejects.toThrow("can't set immutable config");
    await expect(io.config('SET', 'nosuch', '1')).rejects.toThrow("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    expect(await io.config('SET', 'maxmemory', '10mb', 'maxmemory-policy', 'noeviction')).toBe('OK');
    expect(await io.config('GET', 'maxmemory')).toEqual(['maxmemory', String(10 * 1024 * 1024)]);
    await io.config('SET', 'maxmemory', '0');
    expect(await io.config('RESETSTAT')).toBe('OK');
    expect(await io.info('stats')).toMatch(/keyspace_hits:0/);
  });

  it('SLOWLOG records commands over the threshold and never AUTH arguments', async () => {
    await io.config('SET', 'slowlog-log-slower-than', '0');
    await io.slowlog('RESET');
    await io.echo('slow-one');
    const entries = (await io.slowlog('GET', '10')) as [number, number, number, string[], string, string][];
    expect(entries.some((e) => e[3][0] === 'echo' && e[3][1] === 'slow-one')).toBe(true);
    expect((await io.slowlog('LEN')) as number).toBeGreaterThan(0);
    await io.config('SET', 'slowlog-log-slower-than', '10000');
    expect(await io.slowlog('RESET')).toBe('OK');
  });

  it('DEBUG SLEEP blocks the server as Redis does', async () => {
    const other = openIoredis(node.port);
    try {
      const t0 = Date.now();
      const sleeping = io.call('debug', 'sleep', '0.3');
      await new Promise((r) => setTimeout(r, 50));
      await other.ping();
      // The second client's PING could only be answered after the sleep ended.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(await sleeping).toBe('OK');
    } finally {
      other.disconnect();
    }
  });

  it('TIME returns seconds and microseconds', async () => {
    const [s, us] = (await io.time()) as unknown as [string, string];
    expect(Math.abs(Number(s) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(us)).toBeLessThan(1_000_000);
  });

  it('COMMAND COUNT / INFO / DOCS / GETKEYS answer from the table', async () => {
    const count = (await io.command('COUNT')) as unknown as number;
    expect(count).toBeGreaterThan(10);
    const [ping] = (await io.command('INFO', 'ping')) as unknown[][];
    expect(ping?.slice(0, 6)).toEqual(['ping', -1, ['fast'], 0, 0, 0]); // redis-server 7.0.15's PING flags
    const docs = (await io.command('DOCS', 'ping')) as unknown[];
    expect(docs[0]).toBe('ping');
    expect(JSON.stringify(docs[1])).toContain('message');
    expect(await io.command('INFO', 'nosuch')).toEqual([null]);
    // COMMAND LIST names subcommands too (config|get), as Redis 7.0 does; COUNT counts commands only.
    const list = (await io.command('LIST')) as string[];
    expect(list.filter((n) => !n.includes('|')).length).toBe(count);
    expect(list).toContain('config|get');
  });

  it('redis-cli works non-interactively and reports errors', async () => {
    expect((await redisCli(node.port, ['ping'])).stdout.trim()).toBe('PONG');
    expect((await redisCli(node.port, ['nosuch'])).stdout).toContain("ERR unknown command 'nosuch'");
    const piped = await redisCli(node.port, [], 'PING\nECHO hello\nCLIENT SETNAME x\nCLIENT GETNAME\n');
    expect(piped.stdout.split('\n').filter(Boolean)).toEqual(['PONG', 'hello', 'OK', 'x']);
  });

  it('QUIT answers OK and closes', async () => {
    const { data, closed } = await rawExchange(node.port, 'QUIT\r\n', () => false);
    expect(data.toString()).toBe('+OK\r\n');
    expect(closed).toBe(true);
  });

  it('RESET restores defaults', async () => {
    const { data } = await rawExchange(node.port, 'CLIENT SETNAME a\r\nHELLO 3\r\nRESET\r\nCLIENT GETNAME\r\n', (b) => b.toString().endsWith('+RESET\r\n$-1\r\n'));
    expect(data.toString().endsWith('+RESET\r\n$-1\r\n')).toBe(true);
  });
});

describe('AUTH with requirepass', () => {
  let node: SpawnedNode;
  beforeAll(async () => {
    node = await spawnNode({ args: ['--requirepass', 's3cret'] });
  });
  afterAll(async () => {
    await node.stop();
  });

  it('refuses commands until AUTH, accepts AUTH and HELLO AUTH', async () => {
    const { data: refused } = await rawExchange(
      node.port,
      'PING\r\nAUTH wrong\r\nAUTH s3cret\r\nPING\r\n',
      (b) => b.toString().endsWith('+PONG\r\n'),
    );
    expect(refused.toString()).toBe(
      '-NOAUTH Authentication required.\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+PONG\r\n',
    );
    // ioredis 6 opens with HELLO 3 (AUTH ...), like node-redis with RESP3.
    const authed = openIoredis(node.port, { password: 's3cret' });
    expect(await authed.ping()).toBe('PONG');
    authed.disconnect();
    const { data } = await rawExchange(node.port, 'HELLO 3 AUTH default s3cret\r\nPING\r\n', (b) => b.toString().endsWith('+PONG\r\n'));
    expect(data.toString()).toContain('proto');
    const nr = createClient({ socket: { port: node.port, host: '127.0.0.1' }, password: 's3cret' });
    await nr.connect();
    expect(await nr.ping()).toBe('PONG');
    await nr.quit();
  });

  it('limits unauthenticated requests as Redis 7 does and never logs the password', async () => {
    const big = `*20\r\n${'$1\r\na\r\n'.repeat(20)}`;
    const { data, closed } = await rawExchange(node.port, big, () => false);
    expect(data.toString()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    expect(closed).toBe(true);
    await redisCli(node.port, ['-a', 's3cret', '--no-auth-warning', 'ping']);
    expect(node.output()).not.toContain('s3cret');
  });
});

describe('SHUTDOWN and SIGTERM', () => {
  it('SHUTDOWN stops the process with exit code 0', async () => {
    const node = await spawnNode();
    const c = openIoredis(node.port, { stayClosed: true });
    await c.shutdown().catch(() => undefined);
    c.disconnect();
    expect(await node.stop()).toBe(0);
  });

  it('SIGTERM exits 0 and the port is released', async () => {
    const node = await spawnNode();
    expect(await node.stop()).toBe(0);
    await waitUntil(async () => (await redisCli(node.port, ['ping'])).stdout.trim() !== 'PONG', 5000, 'port released');
  });
});
