// appendfsync always over real sockets: no reply (write or read) leaves before its fsync; a failed fsync never answers OK.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localConfig } from '../config/load.js';
import { createNode, type RingcacheNode } from '../node/node.js';
import { faultyFs, type FaultyFs } from '../testing/faultyfs.js';
import { closeAll, connectRaw } from '../testing/clients.js';
import { waitUntil } from '../testing/harness.js';

let dir: string;
let node: RingcacheNode;
let io: FaultyFs;
let port: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-durable-'));
  io = faultyFs();
  node = createNode(localConfig({ dir, appendonly: 'yes', appendfsync: 'always', 'http.enabled': false }), { log: pino({ level: 'silent' }), persistenceIo: io });
  port = (await node.start()).resp.port;
});
afterEach(async () => {
  io.failFsyncs = null;
  io.holdFsyncs = false;
  io.releaseFsyncs();
  closeAll();
  await node.stop().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Lets the node run a while (several event-loop turns and thread-pool round trips). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('appendfsync always over sockets', () => {
  it('holds write and read replies until the covering fsync completes', async () => {
    const a = await connectRaw(port);
    const b = await connectRaw(port);
    io.holdFsyncs = true;
    a.send('SET', 'k', 'v');
    await waitUntil(() => io.held > 0, 5000, 'a held fsync');
    // A read that sees the unsynced value waits too.
    b.send('GET', 'k');
    await settle();
    expect(a.received()).toBe('');
    expect(b.received()).toBe('');
    io.holdFsyncs = false;
    io.releaseFsyncs();
    await waitUntil(() => a.received() === '+OK\r\n' && b.received() === '$1\r\nv\r\n', 5000, 'replies after fsync');
    a.sock.destroy();
    b.sock.destroy();
  });

  it('a failed fsync closes the connections waiting on it, then MISCONF until a retry succeeds', async () => {
    const a = await connectRaw(port);
    io.holdFsyncs = true;
    a.send('SET', 'k', 'lost');
    await waitUntil(() => io.held > 0, 5000, 'a held fsync');
    io.failFsyncs = 'EIO';
    io.holdFsyncs = false;
    io.releaseFsyncs();
    await waitUntil(() => a.closed(), 5000, 'connection closed');
    expect(a.received()).toBe('');
    const c = await connectRaw(port);
    c.send('SET', 'k', 'refused');
    c.send('GET', 'x');
    await waitUntil(() => c.received().includes('$-1'), 5000, 'replies');
    expect(c.received()).toBe('-MISCONF Errors writing to the AOF file: Input/output error\r\n$-1\r\n');
    io.failFsyncs = null;
    await waitUntil(
      async () => {
        const d = await connectRaw(port);
        d.send('SET', 'k', 'ok');
        await waitUntil(() => d.received() !== '', 5000, 'reply');
        d.sock.destroy();
        return d.received() === '+OK\r\n';
      },
      5000,
      'writes resume',
    );
    c.sock.destroy();
  });
});
