// RESP protocol behaviour of the built node over raw sockets and redis-cli: framing, pipelining, protocol errors, limits, CLI startup errors, SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, NODE_MAIN, rawExchange, redisCli, run, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

const latin1 = (b: Buffer): string => b.toString('latin1');
const has = (text: string) => (b: Buffer) => latin1(b).includes(text);
/** Never done early: the exchange ends when the server closes the connection. */
const untilClosed = (): boolean => false;

/** RESP multibulk bytes for argv. */
function resp(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}

/** Splits a payload into one-byte writes (rawExchange yields to the event loop between parts). */
const byteByByte = (s: string): Buffer[] => [...Buffer.from(s, 'latin1')].map((b) => Buffer.from([b]));

async function pong(port: number): Promise<boolean> {
  const { data } = await rawExchange(port, 'PING\r\n', has('+PONG\r\n'));
  return latin1(data) === '+PONG\r\n';
}

/** One INFO field as a number (INFO is answered as a bulk string). */
async function infoField(port: number, field: string): Promise<number> {
  const { stdout } = await redisCli(port, ['info']);
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(stdout);
  if (!m) throw new Error(`INFO has no ${field}`);
  return Number(m[1]);
}

describe('RESP protocol against a spawned node', () => {
  let node: SpawnedNode;

  beforeAll(async () => {
    node = await spawnNode();
  });
  afterAll(async () => {
    await node.stop();
  });

  describe('framing', () => {
    it('answers PING inline and as a multibulk', async () => {
      expect(latin1((await rawExchange(node.port, 'PING\r\n', has('\r\n'))).data)).toBe('+PONG\r\n');
      expect(latin1((await rawExchange(node.port, 'PING\n', has('\r\n'))).data)).toBe('+PONG\r\n');
      expect(latin1((await rawExchange(node.port, resp('PING'), has('\r\n'))).data)).toBe('+PONG\r\n');
      expect(latin1((await rawExchange(node.port, resp('ping', 'hello'), has('hello\r\n'))).data)).toBe('$5\r\nhello\r\n');
    });

    it('splits inline arguments with sdssplitargs quoting', async () => {
      const expected = '$5\r\na bA\n\r\n';
      const { data } = await rawExchange(node.port, 'ECHO "a b\\x41\\n"\r\n', (b) => b.length >= expected.length);
      expect(latin1(data)).toBe(expected);
    });

    it('ignores empty lines and *0 between commands', async () => {
      const { data } = await rawExchange(node.port, '\r\n\r\n*0\r\nPING\r\n', has('+PONG\r\n'));
      expect(latin1(data)).toBe('+PONG\r\n');
    });

    it('echoes all 256 byte values and embedded CRLF unchanged', async () => {
      const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)) + '\r\n*1\r\n';
      const expected = `$${all.length}\r\n${all}\r\n`;
      const { data } = await rawExchange(node.port, Buffer.from(resp('ECHO', all), 'latin1'), (b) => b.length >= expected.length);
      expect(latin1(data)).toBe(expected);
    });

    it('pipelines 1000 commands in one write and answers all, in order', async () => {
      const payload = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? resp('ECHO', String(i)) : `ECHO ${i}\r\n`)).join('');
      const expected = Array.from({ length: 1000 }, (_, i) => `$${String(i).length}\r\n${i}\r\n`).join('');
      const { data } = await rawExchange(node.port, payload, (b) => b.length >= expected.length);
      expect(latin1(data)).toBe(expected);
    });

    it('pipelines 1000 PINGs in one write', async () => {
      const { data } = await rawExchange(node.port, 'PING\r\n'.repeat(1000), (b) => b.length >= 7000);
      expect(latin1(data)).toBe('+PONG\r\n'.repeat(1000));
    });

    it('decodes a multibulk command delivered one byte per write', async () => {
      const { data } = await rawExchange(node.port, byteByByte(resp('ECHO', 'hello world')), has('world\r\n'));
      expect(latin1(data)).toBe('$11\r\nhello world\r\n');
    });

    it('decodes an inline command delivered one byte per write', async () => {
      const { data } = await rawExchange(node.port, byteByByte('PING\r\nECHO "x y"\r\n'), has('x y\r\n'));
      expect(latin1(data)).toBe('+PONG\r\n$3\r\nx y\r\n');
    });

    it('decodes a 5 MB bulk arriving in many writes', async () => {
      const big = 'v'.repeat(5 * 1024 * 1024);
      const payload = Buffer.from(resp('ECHO', big), 'latin1');
      const parts: Buffer[] = [];
      for (let i = 0; i < payload.length; i += 700_001) parts.push(payload.subarray(i, i + 700_001));
      const { data } = await rawExchange(node.port, parts, (b) => b.length >= big.length + 12, 20_000);
      expect(data.length).toBe(big.length + `$${big.length}\r\n\r\n`.length);
      expect(latin1(data.subarray(0, 10))).toBe(`$${big.length}\r\n`);
    });
  });

  describe('command errors keep the connection', () => {
    it("answers unknown commands in Redis's words", async () => {
      const { data } = await rawExchange(node.port, resp('foo', 'a', 'b') + 'PING\r\n', has('+PONG\r\n'));
      expect(latin1(data)).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n+PONG\r\n");
      const { data: bare } = await rawExchange(node.port, 'nosuch\r\n', has('\r\n'));
      expect(latin1(bare)).toBe("-ERR unknown command 'nosuch', with args beginning with: \r\n");
    });

    it("answers wrong arity in Redis's words", async () => {
      const { data } = await rawExchange(node.port, resp('GET') + resp('ECHO') + 'PING\r\n', has('+PONG\r\n'));
      expect(latin1(data)).toBe("-ERR wrong number of arguments for 'get' command\r\n-ERR wrong number of arguments for 'echo' command\r\n+PONG\r\n");
    });
  });

  describe('RESP3', () => {
    it('HELLO 3 answers with a map and switches the connection to RESP3', async () => {
      const { data } = await rawExchange(node.port, 'HELLO 3\r\nCLIENT GETNAME\r\nPING\r\n', has('+PONG\r\n'));
      const text = latin1(data);
      expect(text).toMatch(/^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n/);
      expect(text).toContain('$5\r\nproto\r\n:3\r\n');
      expect(text.endsWith('_\r\n+PONG\r\n')).toBe(true); // RESP3 null for the unset name
    });

    it('stays on RESP2 without HELLO', async () => {
      const { data } = await rawExchange(node.port, 'CLIENT GETNAME\r\n', has('\r\n'));
      expect(latin1(data)).toBe('$-1\r\n');
    });
  });

  describe('protocol errors: -ERR Protocol error, then close; the node stays healthy', () => {
    it.each<[string, string]>([
      ['*1\r\nx\r\n', "expected '$', got 'x'"],
      ['*1\r\n\r\n', "expected '$', got ' '"],
      ['*abc\r\n', 'invalid multibulk length'],
      ['*2147483648\r\n', 'invalid multibulk length'],
      ['*1\r\n$abc\r\n', 'invalid bulk length'],
      ['*1\r\n$-1\r\n', 'invalid bulk length'],
      ['"unbalanced\r\n', 'unbalanced quotes in request'],
      ["SET 'a'b c\r\n", 'unbalanced quotes in request'],
    ])('%j -> %s', async (input, message) => {
      const { data, closed } = await rawExchange(node.port, input, untilClosed);
      expect(latin1(data)).toBe(`-ERR Protocol error: ${message}\r\n`);
      expect(closed).toBe(true);
      expect(await pong(node.port)).toBe(true);
    });

    it('answers the commands before the bad frame first', async () => {
      const { data, closed } = await rawExchange(node.port, 'PING\r\nECHO ok\r\n*x\r\nPING\r\n', untilClosed);
      expect(latin1(data)).toBe('+PONG\r\n$2\r\nok\r\n-ERR Protocol error: invalid multibulk length\r\n');
      expect(closed).toBe(true);
    });

    it('refuses a claimed 1 GB bulk without waiting for it', async () => {
      const { data, closed } = await rawExchange(node.port, '*1\r\n$1073741824\r\n', untilClosed);
      expect(latin1(data)).toBe('-ERR Protocol error: invalid bulk length\r\n');
      expect(closed).toBe(true);
      expect(await pong(node.port)).toBe(true);
    });

    it('refuses an inline line over 64 KB', async () => {
      const { data, closed } = await rawExchange(node.port, 'a'.repeat(70_000), untilClosed);
      expect(latin1(data)).toBe('-ERR Protocol error: too big inline request\r\n');
      expect(closed).toBe(true);
      expect(await pong(node.port)).toBe(true);
    });

    it('refuses count lines over 64 KB', async () => {
      const a = await rawExchange(node.port, '*' + '1'.repeat(70_000), untilClosed);
      expect(latin1(a.data)).toBe('-ERR Protocol error: too big mbulk count string\r\n');
      const b = await rawExchange(node.port, '*1\r\n$' + '1'.repeat(70_000), untilClosed);
      expect(latin1(b.data)).toBe('-ERR Protocol error: too big bulk count string\r\n');
    });

    // KNOWN BUG (internal/server/resp-server.ts): after a protocol error the server only half-closes
    // (socket.end()) and onData keeps feeding the decoder, so a client that keeps its side open can
    // make the node buffer up to client-query-buffer-limit (1 GB) per connection, and the connection
    // no longer counts toward maxclients. Redis closes the socket once the error is written.
    // Remove `.fails` once the server stops reading and destroys the socket after the reply.
    it('closes the socket fully after a protocol error even if the client keeps sending', async () => {
      const sock = net.connect({ port: node.port, host: '127.0.0.1', allowHalfOpen: true });
      let reply = '';
      let gone = false;
      sock.on('data', (d: Buffer) => (reply += latin1(d)));
      sock.on('error', () => (gone = true));
      sock.on('close', () => (gone = true));
      await new Promise((r) => sock.once('connect', r));
      sock.write('*x\r\n');
      await waitUntil(() => reply.includes('\r\n'), 5000, 'the protocol error reply');
      const chunk = Buffer.alloc(64 * 1024, 97);
      try {
        // 64 MB is far more than the socket buffers absorb: a server that closed makes writes fail.
        for (let i = 0; i < 1024 && !gone; i++) {
          if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), waitUntil(() => gone, 2000).catch(() => undefined)]);
        }
        await waitUntil(() => gone, 2000, 'the server to close the socket');
      } finally {
        sock.destroy();
      }
      expect(gone).toBe(true);
    });
  });

  describe('limits set at run time', () => {
    it('a lowered client-query-buffer-limit closes new clients that exceed it', async () => {
      expect((await redisCli(node.port, ['config', 'set', 'client-query-buffer-limit', '1mb'])).stdout).toBe('OK\n');
      try {
        const payload = Buffer.concat([Buffer.from('*1\r\n$3000000\r\n'), Buffer.alloc(2 * 1024 * 1024, 97)]);
        const { data, closed } = await rawExchange(node.port, payload, untilClosed);
        expect(latin1(data)).toBe('-ERR Protocol error: query buffer limit exceeded\r\n');
        expect(closed).toBe(true);
      } finally {
        await redisCli(node.port, ['config', 'set', 'client-query-buffer-limit', '1gb']);
      }
      expect(await pong(node.port)).toBe(true);
    });
  });

  describe('resource use', () => {
    it('frees connections that claimed a 100 MB bulk, sent 40 MB of it and left', async () => {
      const baseClients = await infoField(node.port, 'connected_clients');
      const rssBefore = await infoField(node.port, 'used_memory_rss');
      for (let round = 0; round < 6; round++) {
        const sock = net.connect(node.port, '127.0.0.1');
        await new Promise((r) => sock.once('connect', r));
        sock.write('*1\r\n$100000000\r\n');
        const chunk = Buffer.alloc(1024 * 1024, 120);
        for (let i = 0; i < 40; i++) if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
        await new Promise<void>((r) => sock.end(() => r()));
        sock.destroy();
      }
      expect(await pong(node.port)).toBe(true);
      // connected_clients counts the INFO client itself, as does the baseline.
      await waitUntil(async () => (await infoField(node.port, 'connected_clients')) === baseClients, 10_000, 'the abandoned connections to be dropped');
      // 240 MB went in; buffers of departed clients are freed as they go, so RSS stays well below that.
      await waitUntil(async () => (await infoField(node.port, 'used_memory_rss')) < rssBefore + 150 * 1024 * 1024, 10_000, 'RSS to settle');
    });
  });

  describe('redis-cli', () => {
    it('talks to the node', async () => {
      expect((await redisCli(node.port, ['ping'])).stdout).toBe('PONG\n');
      expect((await redisCli(node.port, ['echo', 'a b'])).stdout).toBe('a b\n');
      // Without a tty redis-cli prints the bare error line (some versions add a blank line after it).
      expect((await redisCli(node.port, ['nosuch', 'x'])).stdout).toMatch(/^ERR unknown command 'nosuch', with args beginning with: 'x' \n/);
    });

    it('--pipe mode sends 10000 generated commands and reads every reply', async () => {
      const input = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? 'PING\r\n' : resp('ECHO', `value-${i}`))).join('');
      const out = await redisCli(node.port, ['--pipe'], input);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('errors: 0, replies: 10000');
    });

    it('--pipe mode counts error replies', async () => {
      const input = resp('PING') + resp('nosuch') + resp('GET') + resp('ECHO', 'x');
      const out = await redisCli(node.port, ['--pipe'], input);
      expect(out.stdout).toContain('errors: 2, replies: 4');
    });
  });
});

describe('RESP protocol with requirepass (unauthenticated limits)', () => {
  let node: SpawnedNode;
  beforeAll(async () => {
    node = await spawnNode({ args: ['--requirepass', 'pw'] });
  });
  afterAll(async () => {
    await node.stop();
  });

  it('refuses more than 10 arguments before AUTH', async () => {
    const { data, closed } = await rawExchange(node.port, resp(...Array.from({ length: 11 }, () => 'x')), untilClosed);
    expect(latin1(data)).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    expect(closed).toBe(true);
  });

  it('refuses bulks over 16384 bytes before AUTH', async () => {
    const { data, closed } = await rawExchange(node.port, '*2\r\n$4\r\nAUTH\r\n$16385\r\n', untilClosed);
    expect(latin1(data)).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    expect(closed).toBe(true);
  });

  it('lifts the limits once AUTH succeeds', async () => {
    const big = 'y'.repeat(20_000);
    const payload = resp('AUTH', 'pw') + resp('ECHO', big) + resp('PING', ...Array.from({ length: 11 }, () => 'x'));
    const expected = `+OK\r\n$${big.length}\r\n${big}\r\n-ERR wrong number of arguments for 'ping' command\r\n`;
    const { data } = await rawExchange(node.port, payload, (b) => b.length >= expected.length);
    expect(latin1(data)).toBe(expected);
  });

  it('answers commands before AUTH with NOAUTH, within the limits', async () => {
    const { data } = await rawExchange(node.port, resp('ECHO', 'x'), has('\r\n'));
    expect(latin1(data)).toBe('-NOAUTH Authentication required.\r\n');
  });
});

describe('ringcache CLI', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ringcache-cli-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs the built CLI with a private data dir and no log file; returns exit code and stderr lines. */
  async function cli(args: string[]): Promise<{ code: number | null; lines: string[]; stdout: string }> {
    const out = await run(process.execPath, [NODE_MAIN, '--dir', path.join(tmp, 'data'), '--log-dir', '', ...args]);
    return { code: out.code, lines: out.stderr.split('\n').filter((l) => l !== ''), stdout: out.stdout };
  }

  it('an unknown flag: exit 1, one line naming it', async () => {
    const r = await cli(['--prot', '1']);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['ringcache: unknown flag --prot']);
  });

  it('a bad flag value: exit 1, one line naming the key', async () => {
    const r = await cli(['--port', 'eighty']);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['ringcache: flag --port: port: expected an integer, got "eighty"']);
  });

  it('an unknown YAML key: exit 1, one line naming the key', async () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(file, 'port: 0\nhttp:\n  port: 0\n  prot: 1\n');
    const r = await cli(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`ringcache: ${file}: unknown key 'http.prot'`]);
  });

  it('an unreadable config file: exit 1, one line with the cause', async () => {
    const file = path.join(tmp, 'missing.yaml');
    const r = await cli(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`ringcache: cannot read config file ${file}: ENOENT`]);
  });

  it('invalid YAML: exit 1, one line', async () => {
    const file = path.join(tmp, 'broken.yaml');
    writeFileSync(file, 'port: [1,\n');
    const r = await cli(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(new RegExp(`^ringcache: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid YAML: `));
  });

  it('the RESP port already in use: exit 1, one line naming the address', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli(['--port', String(port), '--http-port', String(await freePort())]);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([`ringcache: address 127.0.0.1:${port} is already in use`]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('the HTTP port already in use: exit 1, one line naming the address', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli(['--port', String(await freePort()), '--http-port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([`ringcache: address 127.0.0.1:${port} is already in use`]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('SIGTERM stops a serving node with exit code 0 and frees its port', async () => {
    const n = await spawnNode();
    expect(await pong(n.port)).toBe(true);
    const code = await n.stop();
    expect(code).toBe(0);
    await waitUntil(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(n.port, '127.0.0.1');
          s.on('connect', () => {
            s.destroy();
            resolve(false);
          });
          s.on('error', () => resolve(true));
        }),
      5000,
      'the port to be closed',
    );
  });
});
