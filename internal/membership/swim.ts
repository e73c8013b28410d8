// The Membership facade: SWIM with Lifeguard for one node (options check, start / leave / stop, views, stats); the work is in its parts.
//
// One Membership per node. All state changes happen in handlers of decoded messages or timer
// callbacks, synchronously, so listeners see changes in order. The parts, each a set of
// functions over one SwimState (state.ts):
// - probe.ts: the probe loop, indirect probes, answering ping-req;
// - updates.ts: alive / suspect / dead / left by incarnation, refutation, reaping (as memberlist);
// - pushpull.ts: periodic full-state sync, join through seeds;
// - packets.ts: datagram dispatch and the gossip tick; wire.ts seals and opens packets.
// Two additions to memberlist, both for the suspicion phase (docs/membership.md has the measurements):
// - a member that hears of a new suspicion probes the suspect next, ahead of its round-robin, so
//   independent confirmations (a dead member) or the buddy-system refutation (a live one) come
//   within about one period instead of whenever each member's shuffled round gets there;
// - a suspect or dead rumor older than an alive we know is answered to its sender with that
//   alive, so a member that missed a refutation (it is spread a bounded number of times) learns
//   it before its own suspicion timer fires.
import { encodeMessage } from './codec.js';
import { MembershipError } from './errors.js';
import { incNext } from './incarnation.js';
import type { MembershipOptions, MembershipStats } from './options.js';
import { gossipTick, onPacket } from './packets.js';
import { probeTick } from './probe.js';
import { onRequest, pushPullTick, seedTick } from './pushpull.js';
import { STATES, SwimState, zeroes } from './state.js';
import type { Timing } from './timing.js';
import { splitHostPort } from './transport.js';
import type { MemberChange, MemberInfo, MemberMeta, MembershipView } from './types.js';
import { sendCompound } from './wire.js';

export type { DropCounter, MembershipOptions, MembershipStats } from './options.js';
export { MAX_PACKET_BYTES } from './state.js';

export class Membership implements MembershipView {
  readonly selfId: string;
  private readonly s: SwimState;

  constructor(private readonly opts: MembershipOptions) {
    if (Buffer.byteLength(opts.selfId, 'utf8') < 1 || Buffer.byteLength(opts.selfId, 'utf8') > 255) {
      throw new MembershipError('INVALID_OPTIONS', 'selfId must be 1-255 bytes');
    }
    if (Buffer.byteLength(opts.meta.host, 'utf8') > 255) throw new MembershipError('INVALID_OPTIONS', 'meta.host longer than 255 bytes');
    for (const seed of opts.seeds) {
      if (!splitHostPort(seed)) throw new MembershipError('INVALID_OPTIONS', `seed is not host:port: ${seed}`);
    }
    this.selfId = opts.selfId;
    this.s = new SwimState(opts);
  }

  get gossipAddr(): string {
    return this.s.addr;
  }

  /** The timing in effect (profile plus overrides). */
  get timing(): Timing {
    return this.s.t;
  }

  /**
   * Binds gossip and starts probing. `meta` replaces the metadata given at construction: a node
   * builds its membership before its listeners are bound, so the real ports are known only now.
   */
  async start(meta?: MemberMeta): Promise<{ port: number }> {
    const s = this.s;
    if (s.running) throw new MembershipError('INVALID_OPTIONS', 'already started');
    if (meta !== undefined) {
      if (Buffer.byteLength(meta.host, 'utf8') > 255) throw new MembershipError('INVALID_OPTIONS', 'meta.host longer than 255 bytes');
      s.self.meta = { ...meta };
    }
    s.addr = await s.transport.listen(this.opts.bind, this.opts.port, {
      packet: (data, from) => onPacket(s, data, from),
      request: (data, from) => onRequest(s, data, from),
    });
    s.self.addr = s.addr;
    s.self.info = null;
    s.running = true;
    s.log.info({ addr: s.addr, encrypted: s.envelope.encrypted, profile: this.opts.profile }, 'gossip listening');
    // Random stagger, so members started together do not probe and sync in lockstep.
    s.after(s.random() * s.t.probeIntervalMs, () => probeTick(s));
    s.after(s.random() * s.t.gossipIntervalMs, () => gossipTick(s));
    s.after(s.t.pushPullIntervalMs * (0.5 + s.random()), () => pushPullTick(s));
    s.after(0, () => void seedTick(s));
    const hp = splitHostPort(s.addr);
    return { port: hp?.port ?? this.opts.port };
  }

  /**
   * New metadata for this member while it runs (CONFIG SET port moved the RESP listener): a newer
   * incarnation carries it, as a refutation does, so every peer replaces what it knew.
   */
  announce(meta: MemberMeta): void {
    const s = this.s;
    if (Buffer.byteLength(meta.host, 'utf8') > 255) throw new MembershipError('INVALID_OPTIONS', 'meta.host longer than 255 bytes');
    s.self.meta = { ...meta };
    if (!s.running || s.leaving) return;
    s.self.incarnation = incNext(s.self.incarnation);
    s.self.info = null;
    s.queue.enqueue(this.selfId, encodeMessage({ type: 'alive', incarnation: s.self.incarnation, id: this.selfId, addr: s.self.addr, meta: s.self.meta }));
  }

  async leave(): Promise<void> {
    const s = this.s;
    if (!s.running || s.leaving) return;
    s.leaving = true;
    const prev = s.self.state;
    s.self.state = 'left';
    s.self.changedAt = s.sched.now();
    s.self.info = null;
    s.emit(s.self, prev);
    const msg = encodeMessage({ type: 'left', incarnation: s.self.incarnation, id: this.selfId });
    s.queue.enqueue(this.selfId, msg);
    // Piggybacking alone could take several gossip rounds to reach everyone; a leave is rare,
    // so tell every live peer directly, a few times against loss, and wait that long.
    for (let round = 0; round < s.t.leaveRounds && s.running; round++) {
      for (const m of s.others()) if (m.state === 'alive' || m.state === 'suspect') sendCompound(s, m.addr, [msg]);
      await s.sleep(s.t.gossipIntervalMs);
    }
  }

  async stop(): Promise<void> {
    const s = this.s;
    if (!s.running) return;
    s.running = false;
    for (const tm of s.timers) tm.cancel();
    s.timers.clear();
    for (const m of s.table.values()) {
      m.suspicion?.cancel();
      m.suspicion = null;
    }
    s.ackHandlers.clear();
    s.urgentProbes = [];
    s.queue.clear();
    s.drops.close();
    await s.transport.close();
  }

  members(): readonly MemberInfo[] {
    return [...this.s.table.values()].map((m) => this.s.info(m));
  }

  ringMembers(): readonly MemberInfo[] {
    const s = this.s;
    const out: MemberInfo[] = [];
    for (const m of s.table.values()) {
      if (m === s.self ? s.running && !s.leaving : m.state === 'alive' || m.state === 'suspect') out.push(s.info(m));
    }
    return out;
  }

  onChange(listener: (change: MemberChange) => void): () => void {
    this.s.listeners.add(listener);
    return () => void this.s.listeners.delete(listener);
  }

  stats(): MembershipStats {
    const s = this.s;
    const members = zeroes(STATES);
    for (const m of s.table.values()) members[m.state]++;
    const c = s.c;
    return {
      messagesSent: { ...c.sent },
      messagesReceived: { ...c.received },
      packetsSent: c.packetsSent,
      packetsReceived: c.packetsReceived,
      bytesSent: c.bytesSent,
      bytesReceived: c.bytesReceived,
      dropped: { ...c.dropped },
      transitions: { ...c.transitions },
      healthScore: s.health,
      probes: { sent: c.probesSent, acked: c.probesAcked, failed: c.probesFailed },
      probeRtt: { count: c.rttCount, sumMs: c.rttSum, maxMs: c.rttMax, lastMs: c.rttLast },
      refutes: c.refutes,
      pushPull: { ok: c.pushPullOk, failed: c.pushPullFailed },
      incarnation: s.self.incarnation,
      members,
    };
  }
}
