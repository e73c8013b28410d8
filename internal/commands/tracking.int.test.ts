// Client-side caching side by side with redis-server 7.0.15: the same scripted steps on several connections to a real redis-server and to a ringcache node, every connection's byte stream compared (replies, RESP3 pushes, `__redis__:invalidate` messages, errors).
//
// A step runs on both servers and waits for its own reply; then the streams of every connection
// must become equal (polled: invalidations of other clients, BCAST batches and expiry arrive on
// their own). Client ids differ between the servers, so CLIENT ID replies are captured by name,
// substituted into later arguments (`${rd}`) and shown as that name wherever an id is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedisCache } from '../testing/node-redis-cache.js';
import { frameEnd } from '../resp/reply-reader.js';
import { closeAll, connectRaw, type RawConnection } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

let redis: RedisServer;
let node: SpawnedNode;

beforeAll(async () => {
  [redis, node] = await Promise.all([startRedisServer(), spawnNode()]);
});

afterAll(async () => {
  closeAll();
  await Promise.all([redis?.stop(), node?.stop()]);
});

interface Step {
  /** Connection name (opened on first use). */
  on: string;
  cmd: string[];
  /** Store the integer reply (a client id) under this name. */
  capture?: string;
  /** The integer reply is a client id: shown by its captured name. */
  idReply?: boolean;
  /** The reply differs by nature (HELLO's mode and id): not compared. */
  ignore?: boolean;
  /** The command answers nothing (CLIENT REPLY OFF). */
  noReply?: boolean;
  /** The server closes the connection after the reply (QUIT): waited for, so the server knows it is gone. */
  closes?: boolean;
  /** Keep only the INFO lines starting with tracking_. */
  info?: boolean;
  /** Send nothing: wait until the connection's last frame contains this (an expiry's invalidation, which may come early or late). */
  awaitLast?: string;
}

/** One server's side of a scenario: its connections, their frames, and the ids captured. */
class Side {
  private readonly conns = new Map<string, { raw: RawConnection; shown: Map<number, string> }>();
  private readonly ids = new Map<string, string>();
  constructor(private readonly port: number) {}

  private async conn(name: string): Promise<{ raw: RawConnection; shown: Map<number, string> }> {
    let c = this.conns.get(name);
    if (c === undefined) {
      c = { raw: await connectRaw(this.port), shown: new Map() };
      this.conns.set(name, c);
    }
    return c;
  }

  private static frames(raw: RawConnection): string[] {
    const buf = Buffer.from(raw.received(), 'latin1');
    const out: string[] = [];
    for (let pos = 0; pos < buf.length; ) {
      const end = frameEnd(buf, pos);
      if (end < 0) break;
      out.push(buf.toString('latin1', pos, end));
      pos = end;
    }
    return out;
  }

  /** A push or a Pub/Sub message: not the reply of a command. */
  private static unsolicited(f: string): boolean {
    return f.startsWith('>') || f.startsWith('*3\r\n$7\r\nmessage\r\n');
  }

  async run(step: Step): Promise<void> {
    const c = await this.conn(step.on);
    const before = Side.frames(c.raw).length;
    if (step.awaitLast !== undefined) {
      const text = step.awaitLast;
      await waitUntil(() => Side.frames(c.raw).at(-1)?.includes(text) === true, 5000, `'${text}' on ${step.on} (${this.port})`);
      return;
    }
    c.raw.send(...step.cmd.map((a) => a.replace(/\$\{(\w+)\}/g, (_m, n: string) => this.ids.get(n) ?? `?${n}`)));
    if (step.noReply === true) return;
    const at = await waitUntil(
      () => {
        const fs = Side.frames(c.raw);
        for (let i = before; i < fs.length; i++) if (!Side.unsolicited(fs[i] as string)) return i + 1;
        return 0;
      },
      5000,
      `reply to ${step.cmd.join(' ')} on ${this.port}`,
    );
    if (step.closes === true) await waitUntil(() => c.raw.closed(), 5000, `${step.on} closed on ${this.port}`);
    const i = at - 1;
    const reply = Side.frames(c.raw)[i] as string;
    if (step.capture !== undefined) {
      this.ids.set(step.capture, reply.slice(1, -2));
      c.shown.set(i, `:<${step.capture}>\r\n`);
    } else if (step.ignore === true) {
      c.shown.set(i, '<ignored>');
    } else if (step.idReply === true) {
      const name = [...this.ids].find(([, id]) => `:${id}\r\n` === reply)?.[0];
      if (name !== undefined) c.shown.set(i, `:<${name}>\r\n`);
    } else if (step.info === true) {
      c.shown.set(i, reply.split('\r\n').filter((l) => l.startsWith('tracking_')).join('\n'));
    }
  }

  /** Every connection's frames, ids shown by name, per-connection fields masked. */
  transcript(): Record<string, string[]> {
    const names = new Map([...this.ids].map(([n, id]) => [id, n]));
    const byName = (id: string): string => (names.has(id) ? `<${names.get(id) as string}>` : id);
    const out: Record<string, string[]> = {};
    for (const [name, c] of this.conns) {
      out[name] = Side.frames(c.raw).map(
        (f, i) =>
          c.shown.get(i) ??
          f
            .replace(/(tracking-redir-broken\r\n:|redirect\r\n:|redir=)(\d+)/g, (_m, p: string, id: string) => p + byName(id))
            .replace(/\b(id|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=\d+/g, '$1=N')
            .replace(/\bevents=\w+/g, 'events=E')
            .replace(/127\.0\.0\.1:\d+/g, 'ADDR')
            .replace(/^([$=])\d+\r\n(txt:)?id=/, '$1L\r\n$2id='),
      );
    }
    return out;
  }
}

async function sideBySide(steps: readonly Step[]): Promise<void> {
  const a = new Side(redis.port);
  const b = new Side(node.port);
  for (const step of steps) {
    await a.run(step);
    await b.run(step);
    const label = `${step.on}: ${step.cmd.join(' ')}`;
    await waitUntil(() => JSON.stringify(a.transcript()) === JSON.stringify(b.transcript()), 3000, label).catch(() => undefined);
    expect(b.transcript(), `after ${label}`).toEqual(a.transcript());
  }
}

const on = (conn: string) => (...cmd: string[]): Step => ({ on: conn, cmd });
const r = on('r');
const sg = on('sg');
const rd = on('rd');

describe('client-side caching side by side with redis-server 7.0.15', { timeout: 60_000 }, () => {
  it('RESP2 with REDIRECT to a subscriber: default mode, BCAST with prefixes, NOLOOP, OPTIN/OPTOUT, flush, a broken redirect', async () => {
    await sideBySide([
      { ...rd('CLIENT', 'ID'), capture: 'rd' },
      rd('SUBSCRIBE', '__redis__:invalidate'),
      r('CLIENT', 'TRACKING', 'on', 'REDIRECT', '${rd}'),
      r('SET', 'a{t}', '1'),
      r('SET', 'b{t}', '1'),
      r('GET', 'a{t}'),
      r('INCR', 'b{t}'),
      r('INCR', 'a{t}'),
      r('CLIENT', 'TRACKINGINFO'),
      { ...r('CLIENT', 'GETREDIR'), idReply: true },
      r('CLIENT', 'INFO'),
      r('MGET', 'a{t}', 'b{t}', 'c{t}'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'GETREDIR'),
      sg('MSET', 'a{t}', '1', 'b{t}', '2', 'c{t}', '3'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', '${rd}'),
      r('MSET', 'a{t}', '1', 'b{t}', '2', 'c{t}', '3'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', '${rd}', 'PREFIX', 'a:', 'PREFIX', 'b:'),
      r('MULTI'),
      r('INCR', 'a:1{t}'),
      r('INCR', 'a:2{t}'),
      r('INCR', 'b:1{t}'),
      r('INCR', 'c:1{t}'),
      r('EXEC'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', '${rd}', 'PREFIX', 'c:'),
      r('INCR', 'c:1234'),
      r('CLIENT', 'TRACKINGINFO'),
      r('CLIENT', 'INFO'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'REDIRECT', '${rd}', 'NOLOOP'),
      r('MGET', 'otherkey1{t}', 'loopkey{t}', 'otherkey2{t}'),
      sg('SET', 'otherkey1{t}', '1'),
      r('SET', 'loopkey{t}', '1'),
      sg('SET', 'otherkey2{t}', '1'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', '${rd}', 'NOLOOP'),
      sg('SET', 'otherkey1', '1'),
      r('SET', 'loopkey', '1'),
      sg('SET', 'otherkey2', '1'),
      r('SET', 'mykey', 'myval', 'px', '100'),
      r('SET', 'mykeyotherkey', 'myval'),
      // The expiry cycle removes mykey: its invalidation arrives by itself.
      { on: 'rd', cmd: [], awaitLast: '$5\r\nmykey\r\n' },
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'OPTIN', 'REDIRECT', '${rd}'),
      r('GET', 'key1'),
      sg('SET', 'key1', '2'),
      r('CLIENT', 'CACHING', 'yes'),
      r('GET', 'key1'),
      sg('SET', 'key1', '3'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'OPTOUT', 'REDIRECT', '${rd}'),
      r('CLIENT', 'CACHING', 'no'),
      r('GET', 'key1'),
      r('GET', 'key2'),
      sg('MSET', 'key1', '4', 'key2', '4'),
      r('GET', 'key1'),
      sg('FLUSHALL'),
      sg('FLUSHDB'),
      { ...r('INFO'), info: true },
      { ...rd('QUIT'), closes: true },
      r('GET', 'key1'),
      sg('SET', 'key1', '5'),
      r('CLIENT', 'TRACKINGINFO'),
      r('CLIENT', 'INFO'),
      r('CLIENT', 'TRACKING', 'off'),
    ]);
  });

  it('RESP3: pushes after the reply of the client\'s own change, in transactions, on flush, and tracking-redir-broken', async () => {
    await sideBySide([
      { ...rd('CLIENT', 'ID'), capture: 'rd' },
      { ...r('HELLO', '3'), ignore: true },
      r('CLIENT', 'TRACKING', 'on'),
      sg('SET', 'key1', '1'),
      r('GET', 'key1'),
      sg('SET', 'key1', '2'),
      r('HSET', 'myhash', 'f', '1'),
      r('HGET', 'myhash', 'f'),
      r('HDEL', 'myhash', 'f'),
      r('MSET', 'a{t}', '1', 'b{t}', '2'),
      r('GET', 'a{t}'),
      r('MULTI'),
      r('INCR', 'a{t}'),
      r('GET', 'b{t}'),
      r('EXEC'),
      r('GET', 'a{t}'),
      r('MULTI'),
      r('FLUSHDB'),
      r('EXEC'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST'),
      sg('MSET', 'x', '1', 'y', '2'),
      r('SET', 'z', '3'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on'),
      r('GET', 'key1'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'BCAST'),
      sg('INCR', 'key1'),
      r('PING'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on', 'REDIRECT', '${rd}'),
      sg('SET', 'key1', '1'),
      r('GET', 'key1'),
      { ...rd('QUIT'), closes: true },
      sg('SET', 'key1', '2'),
      r('GET', 'key1'),
      sg('SET', 'key1', '3'),
      r('CLIENT', 'TRACKINGINFO'),
      r('CLIENT', 'INFO'),
      r('CLIENT', 'TRACKING', 'off'),
      r('CLIENT', 'TRACKING', 'on'),
      r('GET', 'key1'),
      { ...r('CLIENT', 'REPLY', 'OFF'), noReply: true },
      sg('SET', 'key1', '4'),
      r('CLIENT', 'REPLY', 'ON'),
      r('CLIENT', 'TRACKING', 'off'),
    ]);
  });

  it('the null of a flush is written in the tracking client\'s protocol, even inside a redirect client\'s message', async () => {
    await sideBySide([
      { ...on('sub')('CLIENT', 'ID'), capture: 'sub' },
      on('sub')('SUBSCRIBE', '__redis__:invalidate'),
      { ...on('r3')('CLIENT', 'ID'), capture: 'r3' },
      { ...on('r3')('HELLO', '3'), ignore: true },
      r('CLIENT', 'TRACKING', 'on', 'REDIRECT', '${r3}'),
      on('r3')('CLIENT', 'TRACKING', 'on', 'REDIRECT', '${sub}'),
      r('GET', 'k'),
      on('r3')('GET', 'k'),
      sg('SET', 'k', 'v'),
      sg('FLUSHALL'),
      on('r3')('PING'),
    ]);
  });

  it('CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO errors and replies', async () => {
    const cmds: string[][] = [
      ['CLIENT', 'TRACKING'],
      ['CLIENT', 'TRACKING', 'maybe'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '0'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '-1'],
      ['CLIENT', 'TRACKING', 'on', 'REDIRECT'],
      ['CLIENT', 'TRACKING', 'on', 'PREFIX'],
      ['CLIENT', 'TRACKING', 'on', 'FOO'],
      ['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTOUT'],
      ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FOOBAR', 'PREFIX', 'FOO'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FOO', 'PREFIX', 'FOOBAR'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FOO', 'PREFIX', 'BAR'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'FO'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'BARB'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', ''],
      ['CLIENT', 'TRACKING', 'on'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off', 'BCAST'],
      ['CLIENT', 'TRACKING', 'on', 'OPTIN'],
      ['CLIENT', 'TRACKING', 'on', 'OPTOUT'],
      ['CLIENT', 'TRACKING', 'on', 'BCAST'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING', 'maybe'],
      ['CLIENT', 'CACHING'],
      ['CLIENT', 'CACHING', 'yes', 'no'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKINGINFO', 'x'],
      ['CLIENT', 'GETREDIR', 'x'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'TRACKINGINFO'],
    ];
    await sideBySide([...cmds.map((c) => r(...c)), { ...r('HELLO', '3'), ignore: true }, ...cmds.map((c) => r(...c))]);
  });

  it('node-redis\'s client-side cache serves a GET from memory and sees another client\'s SET (single node; redis-server alike)', async () => {
    await nodeRedisCache(node.port, node.port, 'nr:single');
    await nodeRedisCache(redis.port, redis.port, 'nr:single');
  });
});
