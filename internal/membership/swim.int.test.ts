// Real UDP + TCP on loopback: three encrypted members converge, a stopped one is declared dead, a restart rejoins.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { encodeBody, encodeMessage } from './codec.js';
import { Envelope, keyringFromSecrets } from './envelope.js';
import { Membership } from './swim.js';

const log = pino({ level: 'silent' });
const keyring = keyringFromSecrets([randomBytes(24).toString('base64')]);
const live: Membership[] = [];

function member(id: string, seeds: string[]): Membership {
  const m = new Membership({
    selfId: id,
    meta: { host: '127.0.0.1', respPort: 6000, httpPort: 0 },
    bind: '127.0.0.1',
    port: 0,
    seeds,
    clusterName: 'int-test',
    keyring,
    profile: 'fast',
    log,
  });
  live.push(m);
  return m;
}

/** Polls a condition with a generous deadline (busy CI machines). */
async function until(pred: () => boolean, deadlineMs = 20_000): Promise<number> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > deadlineMs) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

const stateOf = (m: Membership, id: string): string | undefined => m.members().find((x) => x.id === id)?.state;

afterEach(async () => {
  for (const m of live.splice(0)) await m.stop();
});

describe('Membership over real UDP/TCP (loopback)', () => {
  it('three encrypted members converge, a stopped one is dead, a restart rejoins with a higher incarnation', async () => {
    const a = member('a', []);
    await a.start();
    const b = member('b', [a.gossipAddr]);
    await b.start();
    const c = member('c', [a.gossipAddr, b.gossipAddr]);
    const { port } = await c.start();
    expect(c.gossipAddr).toBe(`127.0.0.1:${port}`);
    const all = [a, b, c];
    const converged = await until(() => all.every((m) => ['a', 'b', 'c'].every((id) => stateOf(m, id) === 'alive')));
    // Joins are push-pulls over TCP; encrypted probes flow over UDP.
    expect(b.stats().pushPull.ok + c.stats().pushPull.ok).toBeGreaterThanOrEqual(2);
    await until(() => a.stats().messagesReceived.ack > 0 && b.stats().messagesReceived.ack > 0);
    expect(a.stats().dropped.decrypt).toBe(0);

    const cAddr = c.gossipAddr;
    await c.stop();
    const detect = await until(() => stateOf(a, 'c') === 'dead' && stateOf(b, 'c') === 'dead');
    const deadInc = a.members().find((x) => x.id === 'c')?.incarnation ?? -1;

    // Restart with the same id (a new process would get a new port; the old one is taken over here when free).
    const c2 = new Membership({
      selfId: 'c',
      meta: { host: '127.0.0.1', respPort: 6000, httpPort: 0 },
      bind: '127.0.0.1',
      port: 0,
      seeds: [a.gossipAddr],
      clusterName: 'int-test',
      keyring,
      profile: 'fast',
      log,
    });
    live.push(c2);
    await c2.start();
    const rejoin = await until(() => [a, b, c2].every((m) => ['a', 'b', 'c'].every((id) => stateOf(m, id) === 'alive')));
    expect(c2.stats().incarnation).toBeGreaterThan(deadInc);
    expect(a.members().find((x) => x.id === 'c')?.gossipAddr).toBe(c2.gossipAddr);
    process.stdout.write(`[membership int] converge ${converged} ms, detect ${detect} ms, rejoin ${rejoin} ms (old ${cAddr}, new ${c2.gossipAddr})\n`);
  });

  it('a graceful leave is seen as left; a wrong key never joins', async () => {
    const a = member('a', []);
    await a.start();
    const b = member('b', [a.gossipAddr]);
    await b.start();
    await until(() => stateOf(a, 'b') === 'alive' && stateOf(b, 'a') === 'alive');
    await b.leave();
    await b.stop();
    await until(() => stateOf(a, 'b') === 'left');

    const stranger = new Membership({
      selfId: 's',
      meta: { host: '127.0.0.1', respPort: 1, httpPort: 0 },
      bind: '127.0.0.1',
      port: 0,
      seeds: [a.gossipAddr],
      clusterName: 'int-test',
      keyring: [randomBytes(32)],
      profile: 'fast',
      log,
    });
    live.push(stranger);
    await stranger.start();
    await until(() => a.stats().dropped.foreign > 0); // sealed with a key a does not hold
    expect(stateOf(a, 's')).toBeUndefined();
    expect(stranger.members().map((m) => m.id)).toEqual(['s']);
  });

  it('forged, tampered, replayed, plaintext and foreign UDP packets change no membership and are counted by reason', async () => {
    const a = member('a', []);
    await a.start();
    const b = member('b', [a.gossipAddr]);
    await b.start();
    await until(() => stateOf(a, 'b') === 'alive' && stateOf(b, 'a') === 'alive');
    const before = a.stats().dropped;
    const lie = encodeBody([
      encodeMessage({ type: 'alive', incarnation: 7, id: 'evil', addr: '127.0.0.1:9', meta: { host: '127.0.0.1', respPort: 9, httpPort: 0 } }),
      encodeMessage({ type: 'left', incarnation: 0xffffffff, id: 'b' }),
    ]);
    const seal = (keys: readonly Buffer[], name = 'int-test'): Buffer => new Envelope({ clusterName: name, keyring: keys, replayWindowMs: 30_000, clock: systemClock }).seal(lie);
    const genuine = new Envelope({ clusterName: 'int-test', keyring: keyring, replayWindowMs: 30_000, clock: systemClock }).seal(encodeBody([]));
    const tampered = Buffer.from(genuine);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    const version = Buffer.from(genuine);
    version[2] = 9;
    const sends: [Buffer, string][] = [
      [randomBytes(64), 'malformed'],
      [version, 'version'],
      [seal(keyring, 'other-cluster'), 'cluster'],
      [seal([]), 'plaintext'],
      [seal([randomBytes(32)]), 'foreign'],
      [tampered, 'decrypt'],
      [genuine, ''], // accepted once (an empty body changes nothing)...
      [genuine, 'replay'], // ...and refused the second time
    ];
    const sock = dgram.createSocket('udp4');
    const port = Number(a.gossipAddr.split(':')[1]);
    for (const [p] of sends) await new Promise<void>((resolve, reject) => sock.send(p, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    sock.close();
    const want = new Map<string, number>();
    for (const [, r] of sends) if (r !== '') want.set(r, (want.get(r) ?? 0) + 1);
    await until(() => [...want].every(([r, n]) => a.stats().dropped[r as keyof typeof before] - before[r as keyof typeof before] >= n));
    expect(stateOf(a, 'evil')).toBeUndefined();
    expect(stateOf(a, 'b')).toBe('alive');
    expect(a.members().map((m) => m.id).sort()).toEqual(['a', 'b']);
  });
});
