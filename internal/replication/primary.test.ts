// The primary side's decisions: full copy or +CONTINUE (own replid, replid2 window, backlog reach), what each replica is sent, ACKs, WAIT and good-replica counts.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../contracts/errors.js';
import { Client } from '../server/client.js';
import { ReplicationBacklog } from './backlog.js';
import { ReplicationFeed } from './feed.js';
import { PrimarySide } from './primary.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(opts: { backlog?: number; cannot?: CommandError | null } = {}) {
  const backlog = new ReplicationBacklog(opts.backlog ?? 1024);
  const feed = new ReplicationFeed(backlog);
  let now = 1_000_000;
  let started = 0;
  const primary = new PrimarySide({
    backlog,
    feed,
    startFeed: () => void started++,
    rdb: () => Buffer.from('RDBDATA'),
    cannotServe: () => opts.cannot ?? null,
    outputLimit: () => 0,
    now: () => now,
    log: pino({ level: 'silent' }),
  });
  let ids = 0;
  const replica = (): { c: Client; sent: () => string } => {
    const out: Buffer[] = [];
    const c = new Client(++ids, `10.0.0.${ids}:4000${ids}`, '127.0.0.1:6379', 10 + ids, now, true, () => undefined);
    c.sendRaw = (b) => void out.push(Buffer.from(b));
    return { c, sent: () => Buffer.concat(out).toString('latin1') };
  };
  return { backlog, feed, primary, replica, started: () => started, advance: (ms: number) => (now += ms) };
}

describe('PrimarySide.sync', () => {
  it('PSYNC ? -1: +FULLRESYNC at the current offset, the RDB, then the stream from a forced SELECT', async () => {
    const t = setup();
    t.feed.append(0, ['SET', 'a', '1']);
    const { c, sent } = t.replica();
    expect(t.primary.sync(c, '?', '-1')).toEqual({ t: 'simple', v: `FULLRESYNC ${t.backlog.replid} ${t.backlog.offset}` });
    expect(t.started()).toBe(1);
    expect(c.replRole).toBe('replica');
    t.feed.append(0, ['DEL', 'a']);
    await turn();
    expect(sent()).toBe('$7\r\nRDBDATA*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n');
    expect(t.primary.syncFull).toBe(1);
  });

  it('SYNC: the copy and the stream without a status line', async () => {
    const t = setup();
    const { c, sent } = t.replica();
    expect(t.primary.sync(c, null, '-1')).toEqual({ t: 'multi', v: [] });
    await turn();
    expect(sent()).toBe('$7\r\nRDBDATA');
  });

  it('+CONTINUE with the replid when psync2 was announced, and only the bytes after the offset', async () => {
    const t = setup();
    t.feed.append(0, ['SET', 'a', '1']);
    const off = t.backlog.offset;
    t.feed.append(0, ['SET', 'b', '2']);
    const { c, sent } = t.replica();
    t.primary.replconf(c, ['capa', 'eof', 'capa', 'psync2']);
    expect(t.primary.sync(c, t.backlog.replid, String(off + 1))).toEqual({ t: 'simple', v: `CONTINUE ${t.backlog.replid}` });
    await turn();
    expect(sent()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(t.primary.syncPartialOk).toBe(1);
  });

  it.each([
    ['an unknown replid', (b: ReplicationBacklog) => ['f'.repeat(40), String(b.offset + 1)]],
    ['an offset the backlog no longer holds', (b: ReplicationBacklog) => [b.replid, '1']],
    ['an offset ahead of ours', (b: ReplicationBacklog) => [b.replid, String(b.offset + 2)]],
    ['replid2 past where that history ended', (b: ReplicationBacklog) => [b.replid2, String(b.secondReplOffset + 1)]],
  ])('a full copy for %s', (_what, args) => {
    const t = setup({ backlog: 64 });
    for (let i = 0; i < 10; i++) t.feed.append(0, ['SET', `k${i}`, 'v']);
    t.backlog.shiftReplid();
    t.feed.append(0, ['SET', 'x', 'y']);
    const [id, off] = args(t.backlog) as [string, string];
    expect((t.primary.sync(t.replica().c, id, off) as { v: string }).v).toMatch(/^FULLRESYNC /);
    expect(t.primary.syncPartialErr).toBe(1);
  });

  it('+CONTINUE from the previous history (replid2) up to where it ended', async () => {
    const t = setup();
    t.feed.append(0, ['SET', 'a', '1']);
    const old = t.backlog.replid;
    const end = t.backlog.offset;
    t.backlog.shiftReplid();
    t.feed.append(0, ['SET', 'b', '2']);
    const { c, sent } = t.replica();
    expect(t.primary.sync(c, old, String(end + 1))).toEqual({ t: 'simple', v: 'CONTINUE' });
    await turn();
    expect(sent()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n');
  });

  it('refuses while it cannot serve (a replica without its primary)', () => {
    const t = setup({ cannot: new CommandError('NOMASTERLINK', "Can't SYNC while not connected with my master") });
    expect(() => t.primary.sync(t.replica().c, '?', '-1')).toThrow("Can't SYNC while not connected with my master");
  });
});

describe('ACKs, WAIT and good replicas', () => {
  it('REPLCONF sets the port, ACK is silent and moves the offset; INFO lists the replica', () => {
    const t = setup();
    const { c } = t.replica();
    expect(t.primary.replconf(c, ['listening-port', '7001'])).toEqual({ t: 'simple', v: 'OK' });
    t.primary.sync(c, '?', '-1');
    expect(t.primary.replconf(c, ['ack', '42'])).toBeNull();
    expect(t.primary.info()).toEqual([
      ['connected_slaves', 1],
      ['slave0', 'ip=10.0.0.1,port=7001,state=online,offset=42,lag=0'],
    ]);
    expect(() => t.primary.replconf(c, ['nope', 'x'])).toThrow('Unrecognized REPLCONF option: nope');
    expect(() => t.primary.replconf(c, ['listening-port'])).toThrow('syntax error');
  });

  it('WAIT answers at once when enough replicas acked, else after their ACK (a GETACK goes into the stream) or the timeout', async () => {
    const t = setup();
    const { c, sent } = t.replica();
    t.primary.sync(c, '?', '-1');
    expect(t.primary.wait(0, 0, true)).toBe(0);
    t.feed.append(0, ['SET', 'a', '1']);
    const target = t.backlog.offset;
    const w = t.primary.wait(1, 0, true);
    expect(w).toBeInstanceOf(Promise);
    expect(t.primary.wait(1, 0, false)).toBe(0);
    await turn();
    await turn();
    expect(sent()).toContain('*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n');
    t.primary.replconf(c, ['ack', String(target)]);
    expect(await w).toBe(1);
    t.feed.append(0, ['SET', 'b', '1']);
    expect(await t.primary.wait(1, 20, true)).toBe(0);
  });

  it('counts a replica as good while its last ACK is at most max-lag seconds old and its connection lives', () => {
    const t = setup();
    const { c } = t.replica();
    t.primary.sync(c, '?', '-1');
    t.primary.replconf(c, ['ack', '0']);
    expect(t.primary.goodReplicas(10)).toBe(1);
    t.advance(11_000);
    expect(t.primary.goodReplicas(10)).toBe(0);
    t.primary.replconf(c, ['ack', '0']);
    c.alive = false;
    expect(t.primary.goodReplicas(10)).toBe(0);
    t.primary.detach(c);
    expect(t.primary.info()).toEqual([['connected_slaves', 0]]);
  });
});
