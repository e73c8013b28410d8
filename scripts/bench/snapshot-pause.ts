// Benchmark: longest event-loop pause while a node snapshots (BGSAVE) and rewrites its AOF with N keys, under concurrent writes.
//
// Usage: node --expose-gc dist/scripts/bench/snapshot-pause.js [keys=1000000]
// Runs a node in this process (so perf_hooks sees its event loop), fills it directly through the
// store, then runs BGSAVE and BGREWRITEAOF while a client keeps pipelining SETs over RESP. With
// --expose-gc the garbage of the fill is collected first, so the figures are the snapshot's own.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pino from 'pino';
import { localConfig } from '../../internal/config/load.js';
import { createNode } from '../../internal/node/node.js';

const KEYS = Number(process.argv[2] ?? 1_000_000);

/** A minimal RESP client: sends commands, resolves with raw reply text once `done` accepts it. */
class Conn {
  private buf = '';
  private waiter: { done: (s: string) => boolean; resolve: (s: string) => void } | null = null;
  constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      if (this.waiter && this.waiter.done(this.buf)) {
        const w = this.waiter;
        const out = this.buf;
        this.buf = '';
        this.waiter = null;
        w.resolve(out);
      }
    });
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  send(cmds: string[][], done: (s: string) => boolean): Promise<string> {
    const p = new Promise<string>((resolve) => (this.waiter = { done, resolve }));
    this.sock.write(cmds.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
    return p;
  }
  close(): void {
    this.sock.destroy();
  }
}

const countLines = (prefix: string, n: number) => (s: string) => s.split('\r\n').filter((l) => l.startsWith(prefix)).length >= n;

async function infoField(c: Conn, field: string): Promise<string> {
  const r = await c.send([['INFO', 'persistence']], (s) => s.includes('\r\n') && s.length >= Number(/^\$(\d+)/.exec(s)?.[1] ?? Infinity) + 5);
  return new RegExp(`${field}:([^\\r]*)`).exec(r)?.[1] ?? '';
}

async function measure(label: string, port: number, start: string[], inProgress: string): Promise<void> {
  const ctl = await Conn.open(port);
  const writer = await Conn.open(port);
  const h = monitorEventLoopDelay({ resolution: 1 });
  let writes = 0;
  let stop = false;
  let worstRtt = 0;
  const writing = (async () => {
    while (!stop) {
      const batch = Array.from({ length: 50 }, () => ['SET', `key:${Math.floor(Math.random() * KEYS)}`, 'overwritten-during-snapshot']);
      const t0 = performance.now();
      await writer.send(batch, countLines('+OK', 50));
      worstRtt = Math.max(worstRtt, performance.now() - t0);
      writes += 50;
    }
  })();
  h.enable();
  const t0 = performance.now();
  const reply = await ctl.send([start], (s) => s.endsWith('\r\n'));
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    if ((await infoField(ctl, inProgress)) === '0') break;
  }
  const ms = performance.now() - t0;
  h.disable();
  stop = true;
  await writing;
  const slice = await infoField(ctl, 'last_walk_max_slice_ms');
  process.stdout.write(
    `${label}: ${reply.trim()} -> done in ${(ms / 1000).toFixed(2)} s; event-loop delay max ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms; ` +
      `longest walk slice ${slice} ms; ${writes} concurrent SETs, worst 50-SET pipeline round trip ${worstRtt.toFixed(1)} ms\n`,
  );
  ctl.close();
  writer.close();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-pause-'));
  const node = createNode(localConfig({ dir, save: '', appendonly: 'yes', appendfsync: 'everysec', 'http.enabled': false, auto_aof_rewrite_percentage: 0 }), {
    log: pino({ level: 'warn' }),
  });
  try {
    const { resp } = await node.start();
    const t0 = performance.now();
    const ks = node.store.db(0);
    for (let i = 0; i < KEYS; i++) ks.set(`key:${i}`, `value-${i}-${'x'.repeat(i % 32)}`);
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`filled ${KEYS} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s (node ${process.version}, ${os.cpus().length} cpus)\n`);
    await measure('BGSAVE', resp.port, ['BGSAVE'], 'rdb_bgsave_in_progress');
    await measure('BGREWRITEAOF', resp.port, ['BGREWRITEAOF'], 'aof_rewrite_in_progress');
    process.stdout.write(`snapshot ${(fs.statSync(path.join(dir, 'dump.rcs')).size / 1e6).toFixed(1)} MB\n`);
    await node.stop();
    // Recovery time: the same data set from the AOF (base + incr), then from the snapshot.
    for (const appendonly of ['yes', 'no']) {
      const again = createNode(localConfig({ dir, save: '', appendonly, 'http.enabled': false }), { log: pino({ level: 'warn' }) });
      const t1 = performance.now();
      await again.start();
      const keys = again.store.db(0).size;
      process.stdout.write(`start-up load from ${appendonly === 'yes' ? 'AOF' : 'snapshot'}: ${keys} keys in ${((performance.now() - t1) / 1000).toFixed(2)} s\n`);
      await again.stop();
    }
  } finally {
    await node.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
