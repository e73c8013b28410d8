// Behaviour tests of Membership on the in-memory network: refutation, urgent probes of suspects, stale rumors answered, restart with the same id, hostile packets, seeds, views.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody, encodeMessage, type Message } from './codec.js';
import { Envelope } from './envelope.js';
import { MembershipError } from './errors.js';
import { MemoryNetwork } from './memory.js';
import { VirtualScheduler } from './scheduler.js';
import { SwimState } from './state.js';
import { MAX_PACKET_BYTES } from './swim.js';
import { onAlive, onLeft, onSuspect } from './updates.js';
import { Sim } from './testkit.js';
import type { MemberChange } from './types.js';

const key = randomBytes(32);

async function cluster(n: number, opts: Partial<ConstructorParameters<typeof Sim>[0]> = {}): Promise<Sim> {
  const sim = new Sim({ profile: 'fast', seed: 21, ...opts });
  await sim.addMany(n);
  expect(await sim.sched.until(() => sim.converged(), 10_000)).not.toBeNull();
  return sim;
}

describe('Membership (in-memory)', () => {
  it('reports self, ring members and metadata; listeners see joins in order', async () => {
    const sim = new Sim({ profile: 'fast', seed: 1 });
    const n1 = await sim.add('n1');
    const changes: MemberChange[] = [];
    const off = n1.onChange((c) => changes.push(c));
    await sim.add('n2');
    await sim.add('n3');
    expect(await sim.sched.until(() => sim.converged(), 5000)).not.toBeNull();
    expect(changes.map((c) => [c.member.id, c.previous, c.member.state])).toEqual([
      ['n2', null, 'alive'],
      ['n3', null, 'alive'],
    ]);
    off();
    const n2info = n1.members().find((m) => m.id === 'n2');
    expect(n2info).toMatchObject({ gossipAddr: '127.0.0.1:7002', meta: { host: '127.0.0.1', respPort: 8002, httpPort: 0 }, state: 'alive', incarnation: 0 });
    expect(n1.ringMembers().map((m) => m.id).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(n1.gossipAddr).toBe('127.0.0.1:7001');
    await sim.stopAll();
  });

  it('a dead member stays visible until reaped, and is not a ring member', async () => {
    const sim = await cluster(4);
    await sim.kill('n4');
    const n1 = sim.node('n1');
    expect(await sim.sched.until(() => sim.stateAt(n1, 'n4') === 'dead', 5000)).not.toBeNull();
    expect(n1.ringMembers().map((m) => m.id)).not.toContain('n4');
    await sim.sched.advance(n1.timing.reapAfterMs + 1000);
    expect(sim.stateAt(n1, 'n4')).toBeUndefined();
    await sim.stopAll();
  });

  it('a suspected live member refutes with a higher incarnation', async () => {
    const sim = await cluster(4);
    // Cut n3 off long enough to be suspected but not declared dead.
    sim.net.partition(['n3'], ['n1', 'n2', 'n4']);
    expect(await sim.sched.until(() => sim.running('n3').some((m) => sim.stateAt(m, 'n3') === 'suspect'), 5000)).not.toBeNull();
    sim.net.heal();
    expect(await sim.sched.until(() => sim.converged(), 5000)).not.toBeNull();
    expect(sim.node('n3').stats().incarnation).toBeGreaterThan(0);
    expect(sim.node('n3').stats().refutes).toBeGreaterThan(0);
    expect(sim.node('n1').members().find((m) => m.id === 'n3')?.incarnation).toBe(sim.node('n3').stats().incarnation);
    await sim.stopAll();
  });

  it('a killed member restarted with the same id rejoins alive with a higher incarnation', async () => {
    const sim = await cluster(4);
    await sim.kill('n3');
    expect(await sim.sched.until(() => sim.running().every((m) => sim.stateAt(m, 'n3') === 'dead'), 5000)).not.toBeNull();
    const deadInc = sim.node('n1').members().find((m) => m.id === 'n3')?.incarnation ?? -1;
    const seen: [string | null, string][] = [];
    sim.node('n1').onChange((c) => void (c.member.id === 'n3' && seen.push([c.previous, c.member.state])));
    const again = await sim.add('n3');
    expect(await sim.sched.until(() => sim.converged(), 5000)).not.toBeNull();
    expect(again.stats().incarnation).toBeGreaterThan(deadInc);
    expect(seen[0]).toEqual(['dead', 'alive']);
    await sim.stopAll();
  });

  it('heals a partition: both sides declare the other dead, then merge back', async () => {
    const sim = await cluster(6);
    const a = ['n1', 'n2', 'n3'];
    const b = ['n4', 'n5', 'n6'];
    sim.net.partition(a, b);
    expect(await sim.sched.until(() => sim.stateAt(sim.node('n1'), 'n5') === 'dead' && sim.stateAt(sim.node('n5'), 'n1') === 'dead', 10_000)).not.toBeNull();
    sim.net.heal();
    expect(await sim.sched.until(() => sim.converged(), 20_000)).not.toBeNull();
    await sim.stopAll();
  });

  it('a member whose seeds are down is a cluster of one and joins when a seed comes up', async () => {
    const sim = new Sim({ profile: 'fast', seed: 5 });
    const n2 = await sim.add('n2'); // seed n1 does not exist yet
    await sim.sched.advance(3000);
    expect(n2.ringMembers().map((m) => m.id)).toEqual(['n2']);
    await sim.add('n1', { seeds: [] });
    expect(await sim.sched.until(() => sim.converged(), 5000)).not.toBeNull();
    await sim.stopAll();
  });

  it('ignores itself in its seeds', async () => {
    const sim = new Sim({ profile: 'fast', seed: 6 });
    const n1 = await sim.add('n1', { seeds: [Sim.addrOf('n1')] });
    await sim.sched.advance(1000);
    expect(n1.members().map((m) => m.id)).toEqual(['n1']);
    await sim.stopAll();
  });

  it('every packet stays under the MTU even with many pending broadcasts', async () => {
    const sim = new Sim({ profile: 'fast', seed: 7, keyring: [key] });
    const sizes: number[] = [];
    const orig = sim.net.sendPacket.bind(sim.net);
    sim.net.sendPacket = (h, f, t, d) => {
      sizes.push(d.length);
      orig(h, f, t, d);
    };
    for (let i = 1; i <= 40; i++) await sim.add(`n${i}`);
    expect(await sim.sched.until(() => sim.converged(), 10_000)).not.toBeNull();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_PACKET_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(1000); // compounds really were filled
    await sim.stopAll();
  });

  it('rejects bad options with typed errors', async () => {
    const sim = new Sim({ profile: 'fast' });
    await expect(sim.add('n1', { seeds: ['nohost'] })).rejects.toThrow(MembershipError);
    await expect(sim.add('n1', { selfId: 'x'.repeat(300) })).rejects.toThrow(MembershipError);
    await expect(sim.add('n1', { keyring: [Buffer.alloc(16)] })).rejects.toThrow(MembershipError);
  });
});

describe('suspicion phase: urgent probes and stale rumors answered', () => {
  /** Plaintext packets as members of the 'sim' cluster send them, and every message any host sends. */
  function wire(sim: Sim): { packet: (...ms: Message[]) => Buffer; sent: { host: string; to: string; m: Message }[] } {
    const env = new Envelope({ clusterName: 'sim', keyring: [], replayWindowMs: 30_000, clock: sim.sched });
    const sent: { host: string; to: string; m: Message }[] = [];
    const orig = sim.net.sendPacket.bind(sim.net);
    sim.net.sendPacket = (h, f, t, d) => {
      const opened = env.open(d);
      const dec = opened.ok ? decodeBody(opened.body) : null;
      if (dec?.ok) for (const m of dec.messages) sent.push({ host: h, to: t, m });
      orig(h, f, t, d);
    };
    return { packet: (...ms) => env.seal(encodeBody(ms.map(encodeMessage))), sent };
  }

  it('members that hear of a suspicion probe the suspect at their next tick, so confirmations come within a period', async () => {
    const sim = await cluster(8);
    const { packet, sent } = wire(sim);
    // n6 is unreachable; n7 accuses it and five others hear of it before probing it themselves.
    sim.net.partition(['n6'], ['n1', 'n2', 'n3', 'n4', 'n5', 'n7', 'n8']);
    const from = sent.length;
    const started = sim.sched.now();
    const hearers = ['n1', 'n2', 'n3', 'n4', 'n5'];
    for (const id of hearers) sim.net.inject(sim.node(id).gossipAddr, packet({ type: 'suspect', incarnation: 0, id: 'n6', from: 'n7' }), Sim.addrOf('n7'));
    const firstPing = new Map<string, string>();
    expect(
      await sim.sched.until(() => {
        for (const s of sent.slice(from)) if (s.m.type === 'ping' && !firstPing.has(s.host)) firstPing.set(s.host, s.m.target);
        return hearers.every((h) => firstPing.has(h));
      }, 2000),
    ).not.toBeNull();
    // Their shuffled rounds would each have reached n6 next only 1 time in 7.
    expect(hearers.map((h) => firstPing.get(h))).toEqual(hearers.map(() => 'n6'));
    // Those probes fail and confirm, so the timeout falls to its min (600 ms here) instead of max (1800 ms).
    const dead = await sim.sched.until(() => sim.running('n6').every((m) => sim.stateAt(m, 'n6') === 'dead'), 3000);
    expect(dead).not.toBeNull();
    expect(sim.sched.now() - started).toBeLessThan(1200);
    await sim.stopAll();
  });

  it('a suspect or dead rumor older than a known alive is answered to its sender with that alive', async () => {
    const sim = await cluster(4);
    const { packet, sent } = wire(sim);
    // n3 refutes an accusation: incarnation 1 everywhere.
    sim.net.inject(sim.node('n3').gossipAddr, packet({ type: 'suspect', incarnation: 0, id: 'n3', from: 'n2' }), Sim.addrOf('n2'));
    expect(await sim.sched.until(() => sim.running().every((m) => m.members().find((x) => x.id === 'n3')?.incarnation === 1), 2000)).not.toBeNull();
    const answered = (host: string, to: string, since: number): boolean =>
      sent.slice(since).some((s) => s.host === host && s.to === to && s.m.type === 'alive' && s.m.id === 'n3' && s.m.incarnation === 1);
    // A third party corrects a stale rumor (incarnation 0) to whoever carried it...
    let since = sent.length;
    sim.net.inject(sim.node('n1').gossipAddr, packet({ type: 'suspect', incarnation: 0, id: 'n3', from: 'n4' }), Sim.addrOf('n4'));
    expect(await sim.sched.until(() => answered('n1', Sim.addrOf('n4'), since), 50, 1)).not.toBeNull();
    since = sent.length;
    sim.net.inject(sim.node('n2').gossipAddr, packet({ type: 'dead', incarnation: 0, id: 'n3', from: 'n4' }), Sim.addrOf('n4'));
    expect(await sim.sched.until(() => answered('n2', Sim.addrOf('n4'), since), 50, 1)).not.toBeNull();
    // ... and so does the accused itself.
    since = sent.length;
    sim.net.inject(sim.node('n3').gossipAddr, packet({ type: 'dead', incarnation: 0, id: 'n3', from: 'n4' }), Sim.addrOf('n4'));
    expect(await sim.sched.until(() => answered('n3', Sim.addrOf('n4'), since), 50, 1)).not.toBeNull();
    // A current rumor is news, not stale: n1 takes it up (no answer) and n3 refutes it in turn.
    since = sent.length;
    sim.net.inject(sim.node('n1').gossipAddr, packet({ type: 'suspect', incarnation: 1, id: 'n3', from: 'n4' }), Sim.addrOf('n4'));
    expect(sim.stateAt(sim.node('n1'), 'n3')).toBe('suspect');
    expect(answered('n1', Sim.addrOf('n4'), since)).toBe(false);
    expect(await sim.sched.until(() => sim.running().every((m) => m.members().find((x) => x.id === 'n3')?.incarnation === 2 && sim.stateAt(m, 'n3') === 'alive'), 2000)).not.toBeNull();
    await sim.stopAll();
  });
});

describe('hostile packets change nothing', () => {
  it('forged, tampered, replayed and foreign-cluster packets are dropped and counted', async () => {
    const sim = await cluster(3, { keyring: [key] });
    const n1 = sim.node('n1');
    const before = JSON.stringify(n1.members());
    const lie = (k: Buffer, cluster = 'sim'): Buffer =>
      new Envelope({ clusterName: cluster, keyring: [k], replayWindowMs: 30_000, clock: sim.sched }).seal(
        encodeBody([encodeMessage({ type: 'dead', incarnation: 99, id: 'n2', from: 'evil' }), encodeMessage({ type: 'alive', incarnation: 0, id: 'evil', addr: '6.6.6.6:1', meta: { host: 'x', respPort: 1, httpPort: 0 } })]),
      );
    // Forged with an unknown key, foreign cluster with the right key, plaintext, garbage.
    sim.net.inject(n1.gossipAddr, lie(randomBytes(32)), '6.6.6.6:1');
    sim.net.inject(n1.gossipAddr, lie(key, 'other'), '6.6.6.6:1');
    sim.net.inject(n1.gossipAddr, new Envelope({ clusterName: 'sim', keyring: [], replayWindowMs: 1, clock: sim.sched }).seal(encodeBody([])), '6.6.6.6:1');
    sim.net.inject(n1.gossipAddr, randomBytes(200), '6.6.6.6:1');
    // Tampered and replayed copies of a real packet between members.
    let captured: Buffer | null = null;
    const orig = sim.net.sendPacket.bind(sim.net);
    sim.net.sendPacket = (h, f, t, d) => {
      if (!captured && t === n1.gossipAddr) captured = Buffer.from(d);
      orig(h, f, t, d);
    };
    expect(await sim.sched.until(() => captured !== null, 2000)).not.toBeNull();
    sim.net.sendPacket = orig;
    const real = captured as unknown as Buffer;
    const tampered = Buffer.from(real);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 0xff;
    sim.net.inject(n1.gossipAddr, tampered, '6.6.6.6:1');
    await sim.sched.advance(50); // the original is delivered
    sim.net.inject(n1.gossipAddr, real, '6.6.6.6:1');
    await sim.sched.advance(500);
    const d = n1.stats().dropped;
    expect(d.foreign).toBeGreaterThanOrEqual(1); // sealed with a key n1 does not hold
    expect(d.plaintext).toBeGreaterThanOrEqual(1); // clear packet to a keyed member
    expect(d.decrypt).toBeGreaterThanOrEqual(1); // tampered: n1's key by id, authentication fails
    expect(d.cluster).toBeGreaterThanOrEqual(1);
    expect(d.malformed).toBeGreaterThanOrEqual(1);
    expect(d.replay).toBeGreaterThanOrEqual(1);
    expect(n1.members().map((m) => m.id).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(n1.members().every((m) => m.state === 'alive')).toBe(true);
    expect(JSON.parse(before).length).toBe(3);
    await sim.stopAll();
  });

  it('members with different keys never join each other; a shared old key lets rotation proceed', async () => {
    const k2 = randomBytes(32);
    const sim = new Sim({ profile: 'fast', seed: 8 });
    await sim.add('n1', { keyring: [key] });
    const stranger = await sim.add('n2', { keyring: [k2] });
    await sim.sched.advance(3000);
    expect(stranger.members().map((m) => m.id)).toEqual(['n2']);
    // Rotating in k2: a node encrypting with k2 but still holding the old key joins n1 once n1 also holds k2.
    await stranger.stop();
    sim.nodes.delete('n2');
    await sim.node('n1').stop();
    sim.nodes.delete('n1');
    await sim.add('n1', { keyring: [key, k2] });
    await sim.add('n2', { keyring: [k2, key] });
    expect(await sim.sched.until(() => sim.converged(), 5000)).not.toBeNull();
    await sim.stopAll();
  });
});

describe('incarnations at the u32 limit (issue 17)', () => {
  const plain = (sim: Sim) => new Envelope({ clusterName: 'sim', keyring: [], replayWindowMs: 30_000, clock: sim.sched });
  const forge = (sim: Sim, ...ms: Message[]): Buffer => plain(sim).seal(encodeBody(ms.map(encodeMessage)));
  const inc = (sim: Sim, observer: string, id: string): number | undefined => sim.node(observer).members().find((m) => m.id === id)?.incarnation;

  it('a forged left{0xFFFFFFFF} for a member at 0 is behind it in serial space: nothing changes', async () => {
    const sim = await cluster(3);
    for (const id of ['n1', 'n3']) sim.net.inject(sim.node(id).gossipAddr, forge(sim, { type: 'left', incarnation: 0xffffffff, id: 'n3' }), '6.6.6.6:1');
    await sim.sched.advance(3000);
    expect(sim.converged()).toBe(true);
    expect(sim.node('n3').stats().incarnation).toBe(0);
    await sim.stopAll();
  });

  it('a rumor about a member far ahead of its incarnation is ignored and counted; a nearer one is refuted and adopted by all', async () => {
    const sim = await cluster(3);
    sim.net.inject(sim.node('n3').gossipAddr, forge(sim, { type: 'suspect', incarnation: 2 ** 31 - 1, id: 'n3', from: 'evil' }), '6.6.6.6:1');
    await sim.sched.advance(2000);
    expect(sim.node('n3').stats().dropped.incarnation).toBe(1);
    expect(sim.node('n3').stats().incarnation).toBe(0);
    sim.net.inject(sim.node('n3').gossipAddr, forge(sim, { type: 'dead', incarnation: 1000, id: 'n3', from: 'evil' }), '6.6.6.6:1');
    expect(await sim.sched.until(() => ['n1', 'n2', 'n3'].every((o) => inc(sim, o, 'n3') === 1001), 5000)).not.toBeNull();
    await sim.sched.advance(3000);
    expect(sim.converged()).toBe(true);
    await sim.stopAll();
  });

  it('a member accused at u32 max refutes with 0 (the serial successor), which peers take as newer', async () => {
    const net = new MemoryNetwork({ scheduler: new VirtualScheduler(), random: Math.random, loss: 0, delayMs: 1, jitterMs: 0 });
    const state = (id: string): SwimState => {
      const h = net.host(id);
      const st = new SwimState({ selfId: id, meta: { host: '127.0.0.1', respPort: 1, httpPort: 0 }, bind: '127.0.0.1', port: 1, seeds: [], clusterName: 'sim', profile: 'fast', log: pino({ level: 'silent' }), transport: h.transport, scheduler: h.scheduler });
      st.running = true;
      return st;
    };
    const victim = state('v');
    const peer = state('p');
    victim.self.incarnation = 0xffffffff - 3;
    onAlive(peer, { type: 'alive', incarnation: victim.self.incarnation, id: 'v', addr: '127.0.0.1:2', meta: victim.self.meta });
    // The accusation reached the peer too: it believes v left at the maximum.
    onLeft(peer, { type: 'left', incarnation: 0xffffffff, id: 'v' });
    expect(peer.table.get('v')).toMatchObject({ state: 'left', incarnation: 0xffffffff });
    onLeft(victim, { type: 'left', incarnation: 0xffffffff, id: 'v' });
    expect(victim.self.incarnation).toBe(0);
    expect(victim.c.refutes).toBe(1);
    // The refutation (alive at 0) is newer than 0xFFFFFFFF at the peer.
    onAlive(peer, { type: 'alive', incarnation: victim.self.incarnation, id: 'v', addr: '127.0.0.1:2', meta: victim.self.meta });
    expect(peer.table.get('v')).toMatchObject({ state: 'alive', incarnation: 0 });
    // And a second accusation at 0 is refuted with 1.
    onSuspect(victim, { type: 'suspect', incarnation: 0, id: 'v', from: 'p' });
    expect(victim.self.incarnation).toBe(1);
  });
});
