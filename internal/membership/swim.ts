// SWIM membership with Lifeguard: probes, suspicion and refutation, piggybacked gossip, push-pull sync, join and leave.
//
// One Membership per node. All state changes happen in handlers of decoded messages or timer
// callbacks, synchronously, so listeners see changes in order. Rules (as memberlist):
// - an update about a member is applied only if its incarnation is newer, or, for suspect and
//   dead/left, at least as new as what we know; applied updates are re-gossiped;
// - a member suspected or declared dead/left at an incarnation >= its own refutes by bumping its
//   incarnation past it and gossiping alive (a restarted process with the same id does the same
//   when it hears of its old self);
// - push-pull merges a remote member's `dead` as a suspicion (that member gets to refute), `left` as left.
// Two additions to memberlist, both for the suspicion phase (docs/membership.md has the measurements):
// - a member that hears of a new suspicion probes the suspect next, ahead of its round-robin, so
//   independent confirmations (a dead member) or the buddy-system refutation (a live one) come
//   within about one period instead of whenever each member's shuffled round gets there;
// - a suspect or dead rumor older than an alive we know is answered to its sender with that
//   alive, so a member that missed a refutation (it is spread a bounded number of times) learns
//   it before its own suspicion timer fires.
import type { Logger } from 'pino';
import { BroadcastQueue } from './broadcast.js';
import {
  decodeBody,
  encodeBody,
  encodeMessage,
  MESSAGE_TYPE_NAMES,
  type MemberRecord,
  type Message,
  type MessageTypeName,
} from './codec.js';
import { Envelope, type DropReason } from './envelope.js';
import { MembershipError } from './errors.js';
import { realScheduler, type Scheduler, type Timer } from './scheduler.js';
import {
  applyHealthDelta,
  confirmationsNeeded,
  probeHealthDelta,
  PROFILES,
  pushPullScale,
  retransmitLimit,
  scaleByHealth,
  suspicionMinTimeout,
  suspicionTimeout,
  type Timing,
} from './timing.js';
import { splitHostPort, UdpTransport, type Transport } from './transport.js';
import type { MemberChange, MemberInfo, MemberMeta, MembershipView, MemberState } from './types.js';

/** UDP-safe packet size: every compound packet, envelope included, stays at or under it. */
export const MAX_PACKET_BYTES = 1400;

export interface MembershipOptions {
  /** Node id, unique in the cluster (at most 255 UTF-8 bytes). */
  selfId: string;
  /** host, respPort, httpPort announced to peers. */
  meta: MemberMeta;
  /** Gossip bind address (loopback in tests). */
  bind: string;
  /** Gossip port, UDP and TCP on the same number; 0 picks a free one. */
  port: number;
  /** host:port of other members' gossip endpoints; may include self (ignored). */
  seeds: readonly string[];
  /** Carried in every packet; packets of another cluster are dropped. */
  clusterName: string;
  /** 32-byte AES-256-GCM keys; [0] encrypts, all decrypt; absent/empty = plaintext. See keyringFromSecrets. */
  keyring?: readonly Buffer[];
  profile: 'lan' | 'fast';
  log: Logger;
  /** Default: real UDP + TCP on bind:port; tests pass MemoryNetwork hosts. */
  transport?: Transport;
  /** For deterministic tests (shuffles, helper and gossip target choice). */
  random?: () => number;
  /** Addition to the documented API: timers and clock; default real. Simulations pass a VirtualScheduler view. */
  scheduler?: Scheduler;
  /** Addition: override single timing values of the profile (tests, tuning). */
  timing?: Partial<Timing>;
}

export type DropCounter = DropReason | 'misrouted' | 'unexpected';

export interface MembershipStats {
  readonly messagesSent: Readonly<Record<MessageTypeName, number>>;
  readonly messagesReceived: Readonly<Record<MessageTypeName, number>>;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Packets (or stream frames) dropped, by reason; unknown message types skipped are `unexpected`. */
  readonly dropped: Readonly<Record<DropCounter, number>>;
  /** State transitions observed (about any member, self included), by new state. */
  readonly transitions: Readonly<Record<MemberState, number>>;
  /** Lifeguard local health score, 0 (healthy) .. awarenessMax. */
  readonly healthScore: number;
  readonly probes: { readonly sent: number; readonly acked: number; readonly failed: number };
  /** Round-trip times of successful direct probes: count, sum and max (ms), and the last one. */
  readonly probeRtt: { readonly count: number; readonly sumMs: number; readonly maxMs: number; readonly lastMs: number };
  readonly refutes: number;
  readonly pushPull: { readonly ok: number; readonly failed: number };
  readonly incarnation: number;
  readonly members: Readonly<Record<MemberState, number>>;
}

interface Member {
  readonly id: string;
  addr: string;
  meta: MemberMeta;
  state: MemberState;
  incarnation: number;
  changedAt: number;
  suspicion: Suspicion | null;
  info: MemberInfo | null;
}

interface AckHandler {
  onAck(): void;
  onNack(): void;
}

/** One suspicion timer: fires at start + timeout(confirmations), re-armed as independent confirmations arrive. */
class Suspicion {
  private readonly confirmers = new Set<string>();
  private confirmations = 0;
  private timer: Timer;
  private readonly start: number;

  constructor(
    private readonly sched: Scheduler,
    from: string,
    private readonly k: number,
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly onTimeout: () => void,
  ) {
    this.start = sched.now();
    this.confirmers.add(from);
    this.timer = sched.setTimer(suspicionTimeout(0, k, minMs, maxMs), onTimeout);
  }

  /** True if `from` is a new independent confirmation (the caller re-gossips it). */
  confirm(from: string): boolean {
    if (this.confirmations >= this.k || this.confirmers.has(from)) return false;
    this.confirmers.add(from);
    this.confirmations++;
    const deadline = this.start + suspicionTimeout(this.confirmations, this.k, this.minMs, this.maxMs);
    this.timer.cancel();
    this.timer = this.sched.setTimer(Math.max(0, deadline - this.sched.now()), this.onTimeout);
    return true;
  }

  cancel(): void {
    this.timer.cancel();
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  const r = {} as Record<K, number>;
  for (const k of keys) r[k] = 0;
  return r;
}

const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];
const DROP_REASONS: readonly DropCounter[] = ['malformed', 'version', 'cluster', 'decrypt', 'replay', 'misrouted', 'unexpected'];

function sameMeta(a: MemberMeta, b: MemberMeta): boolean {
  return a.host === b.host && a.respPort === b.respPort && a.httpPort === b.httpPort;
}

export class Membership implements MembershipView {
  readonly selfId: string;
  private readonly t: Timing;
  private readonly sched: Scheduler;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly transport: Transport;
  private readonly envelope: Envelope;
  private readonly queue: BroadcastQueue;
  private readonly table = new Map<string, Member>();
  private readonly self: Member;
  private readonly listeners = new Set<(c: MemberChange) => void>();
  private readonly ackHandlers = new Map<number, AckHandler>();
  private readonly timers = new Set<Timer>();
  private probeList: string[] = [];
  private probeIndex = 0;
  /** Members heard to be suspect, probed before the round-robin resumes (see onSuspect). */
  private urgentProbes: string[] = [];
  private seq = 0;
  private health = 0;
  private running = false;
  private leaving = false;
  private addr = '';
  private joinBackoff: number;
  private readonly c = {
    sent: zeroes(MESSAGE_TYPE_NAMES),
    received: zeroes(MESSAGE_TYPE_NAMES),
    dropped: zeroes(DROP_REASONS),
    transitions: zeroes(STATES),
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    probesSent: 0,
    probesAcked: 0,
    probesFailed: 0,
    rttCount: 0,
    rttSum: 0,
    rttMax: 0,
    rttLast: 0,
    refutes: 0,
    pushPullOk: 0,
    pushPullFailed: 0,
  };

  constructor(private readonly opts: MembershipOptions) {
    if (Buffer.byteLength(opts.selfId, 'utf8') < 1 || Buffer.byteLength(opts.selfId, 'utf8') > 255) {
      throw new MembershipError('INVALID_OPTIONS', 'selfId must be 1-255 bytes');
    }
    if (Buffer.byteLength(opts.meta.host, 'utf8') > 255) throw new MembershipError('INVALID_OPTIONS', 'meta.host longer than 255 bytes');
    for (const s of opts.seeds) {
      if (!splitHostPort(s)) throw new MembershipError('INVALID_OPTIONS', `seed is not host:port: ${s}`);
    }
    this.selfId = opts.selfId;
    this.t = { ...PROFILES[opts.profile], ...opts.timing };
    this.sched = opts.scheduler ?? realScheduler;
    this.random = opts.random ?? Math.random;
    this.log = opts.log.child({ component: 'membership' });
    this.transport = opts.transport ?? new UdpTransport({ log: this.log, serverIdleMs: this.t.streamTimeoutMs });
    this.envelope = new Envelope({
      clusterName: opts.clusterName,
      keyring: opts.keyring ?? [],
      replayWindowMs: this.t.replayWindowMs,
      clock: this.sched,
    });
    this.queue = new BroadcastQueue(() => retransmitLimit(this.t.retransmitMult, this.liveCount()));
    this.joinBackoff = this.t.joinRetryMinMs;
    this.self = {
      id: opts.selfId,
      addr: '',
      meta: { ...opts.meta },
      state: 'alive',
      incarnation: 0,
      changedAt: this.sched.now(),
      suspicion: null,
      info: null,
    };
    this.table.set(this.selfId, this.self);
  }

  get gossipAddr(): string {
    return this.addr;
  }

  /** The timing in effect (profile plus overrides). */
  get timing(): Timing {
    return this.t;
  }

  async start(): Promise<{ port: number }> {
    if (this.running) throw new MembershipError('INVALID_OPTIONS', 'already started');
    this.addr = await this.transport.listen(this.opts.bind, this.opts.port, {
      packet: (data, from) => this.onPacket(data, from),
      request: (data, from) => this.onRequest(data, from),
    });
    this.self.addr = this.addr;
    this.self.info = null;
    this.running = true;
    this.log.info({ addr: this.addr, encrypted: this.envelope.encrypted, profile: this.opts.profile }, 'gossip listening');
    // Random stagger, so members started together do not probe and sync in lockstep.
    this.after(this.random() * this.t.probeIntervalMs, () => this.probeTick());
    this.after(this.random() * this.t.gossipIntervalMs, () => this.gossipTick());
    this.after(this.t.pushPullIntervalMs * (0.5 + this.random()), () => this.pushPullTick());
    this.after(0, () => void this.seedTick());
    const hp = splitHostPort(this.addr);
    return { port: hp?.port ?? this.opts.port };
  }

  async leave(): Promise<void> {
    if (!this.running || this.leaving) return;
    this.leaving = true;
    const prev = this.self.state;
    this.self.state = 'left';
    this.self.changedAt = this.sched.now();
    this.self.info = null;
    this.emit(this.self, prev);
    const msg = encodeMessage({ type: 'left', incarnation: this.self.incarnation, id: this.selfId });
    this.queue.enqueue(this.selfId, msg);
    // Piggybacking alone could take several gossip rounds to reach everyone; a leave is rare,
    // so tell every live peer directly, a few times against loss, and wait that long.
    for (let round = 0; round < this.t.leaveRounds && this.running; round++) {
      for (const m of this.others()) if (m.state === 'alive' || m.state === 'suspect') this.sendCompound(m.addr, [msg]);
      await this.sleep(this.t.gossipIntervalMs);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const tm of this.timers) tm.cancel();
    this.timers.clear();
    for (const m of this.table.values()) {
      m.suspicion?.cancel();
      m.suspicion = null;
    }
    this.ackHandlers.clear();
    this.urgentProbes = [];
    this.queue.clear();
    await this.transport.close();
  }

  members(): readonly MemberInfo[] {
    return [...this.table.values()].map((m) => this.info(m));
  }

  ringMembers(): readonly MemberInfo[] {
    const out: MemberInfo[] = [];
    for (const m of this.table.values()) {
      if (m === this.self ? this.running && !this.leaving : m.state === 'alive' || m.state === 'suspect') out.push(this.info(m));
    }
    return out;
  }

  onChange(listener: (change: MemberChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  stats(): MembershipStats {
    const members = zeroes(STATES);
    for (const m of this.table.values()) members[m.state]++;
    const c = this.c;
    return {
      messagesSent: { ...c.sent },
      messagesReceived: { ...c.received },
      packetsSent: c.packetsSent,
      packetsReceived: c.packetsReceived,
      bytesSent: c.bytesSent,
      bytesReceived: c.bytesReceived,
      dropped: { ...c.dropped },
      transitions: { ...c.transitions },
      healthScore: this.health,
      probes: { sent: c.probesSent, acked: c.probesAcked, failed: c.probesFailed },
      probeRtt: { count: c.rttCount, sumMs: c.rttSum, maxMs: c.rttMax, lastMs: c.rttLast },
      refutes: c.refutes,
      pushPull: { ok: c.pushPullOk, failed: c.pushPullFailed },
      incarnation: this.self.incarnation,
      members,
    };
  }

  // ------------------------------------------------------------ timers

  private after(ms: number, fn: () => void): Timer {
    const tm: Timer = this.sched.setTimer(ms, () => {
      this.timers.delete(tm);
      if (this.running) fn();
    });
    this.timers.add(tm);
    return tm;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const tm: Timer = this.sched.setTimer(ms, () => {
        this.timers.delete(tm);
        resolve();
      });
      this.timers.add(tm);
    });
  }

  private scaled(ms: number): number {
    return scaleByHealth(ms, this.health);
  }

  private applyHealth(delta: number): void {
    this.health = applyHealthDelta(this.health, delta, this.t.awarenessMax);
  }

  // ------------------------------------------------------------ probing

  private probeTick(): void {
    if (this.leaving) return;
    const period = this.scaled(this.t.probeIntervalMs);
    this.reap();
    const target = this.nextProbeTarget();
    if (target) this.probe(target, period);
    this.after(period, () => this.probeTick());
  }

  /**
   * Suspects heard of since the last tick first (each once, if still suspect), then round-robin
   * over a list reshuffled every round; dead and left members are skipped.
   */
  private nextProbeTarget(): Member | null {
    for (let id = this.urgentProbes.shift(); id !== undefined; id = this.urgentProbes.shift()) {
      const m = this.table.get(id);
      if (m && m.state === 'suspect') return m;
    }
    for (let checked = 0; checked <= this.probeList.length; checked++) {
      if (this.probeIndex >= this.probeList.length) {
        this.probeList = this.probeList.filter((id) => this.table.has(id));
        shuffle(this.probeList, this.random);
        this.probeIndex = 0;
        if (this.probeList.length === 0) return null;
      }
      const id = this.probeList[this.probeIndex++];
      const m = id === undefined ? undefined : this.table.get(id);
      if (m && m !== this.self && (m.state === 'alive' || m.state === 'suspect')) return m;
    }
    return null;
  }

  private probe(target: Member, period: number): void {
    const seq = this.nextSeq();
    const started = this.sched.now();
    const timeout = this.scaled(this.t.probeTimeoutMs);
    const incarnation = target.incarnation;
    let acked = false;
    let nacks = 0;
    let expectedNacks = 0;
    let concluded = false;
    const conclude = (): void => {
      if (concluded || !this.running) return;
      concluded = true;
      endTimer.cancel();
      this.timers.delete(endTimer);
      this.ackHandlers.delete(seq);
      this.applyHealth(probeHealthDelta(acked, expectedNacks, nacks));
      if (acked) {
        this.c.probesAcked++;
        return;
      }
      this.c.probesFailed++;
      this.log.debug({ peer: target.id, nacks, expectedNacks }, 'probe failed');
      this.onSuspect({ type: 'suspect', incarnation, id: target.id, from: this.selfId }, true);
    };
    this.ackHandlers.set(seq, {
      onAck: () => {
        if (acked) return;
        acked = true;
        const rtt = this.sched.now() - started;
        this.c.rttCount++;
        this.c.rttSum += rtt;
        this.c.rttMax = Math.max(this.c.rttMax, rtt);
        this.c.rttLast = rtt;
      },
      onNack: () => {
        nacks++;
        // Every helper reached us and none reached the target: that is all the evidence the rest
        // of the period could bring (bar a very late ack), so suspect now rather than idle.
        if (!acked && expectedNacks > 0 && nacks >= expectedNacks) conclude();
      },
    });
    this.c.probesSent++;
    const parts = [encodeMessage({ type: 'ping', seq, target: target.id, source: this.selfId })];
    // Lifeguard "buddy system": a suspect learns of its suspicion from the probe itself and can refute at once.
    if (target.state === 'suspect') {
      parts.push(encodeMessage({ type: 'suspect', incarnation: target.incarnation, id: target.id, from: this.selfId }));
    }
    this.sendCompound(target.addr, parts);
    this.after(timeout, () => {
      if (acked) return;
      const helpers = pick(
        this.others().filter((m) => m.state === 'alive' && m !== target),
        this.t.indirectChecks,
        this.random,
      );
      expectedNacks = helpers.length;
      // Helpers nack a bit before our period ends, so a nack can arrive in time to count.
      const helperTimeout = Math.max(1, Math.floor((period - timeout) * 0.8));
      const req = encodeMessage({ type: 'pingReq', seq, target: target.id, targetAddr: target.addr, nack: true, timeoutMs: helperTimeout });
      for (const h of helpers) this.sendCompound(h.addr, [req]);
    });
    const endTimer = this.after(period, conclude);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  // ------------------------------------------------------------ gossip and push-pull

  private gossipTick(): void {
    this.after(this.t.gossipIntervalMs, () => this.gossipTick());
    if (this.queue.size === 0) return;
    const now = this.sched.now();
    // Recently dead members still get gossip: if they are in fact alive they learn it and refute.
    const candidates = this.others().filter(
      (m) => m.state === 'alive' || m.state === 'suspect' || (m.state === 'dead' && now - m.changedAt < this.t.gossipToTheDeadMs),
    );
    for (const m of pick(candidates, this.t.gossipNodes, this.random)) {
      if (this.queue.size === 0) break;
      this.sendCompound(m.addr, []);
    }
  }

  private pushPullTick(): void {
    const n = this.liveCount();
    this.after(pushPullScale(this.t.pushPullIntervalMs, n) * (0.75 + this.random() * 0.5), () => this.pushPullTick());
    const others = this.others();
    const alive = others.filter((m) => m.state === 'alive');
    const target = pick(alive, 1, this.random)[0];
    if (target) void this.pushPull(target.addr, false).catch((e: unknown) => this.log.debug({ err: e, peer: target.id }, 'push-pull failed'));
    // Also try one dead (not left) member now and then: heals a partition once the gossip-to-the-dead window is over.
    const dead = pick(others.filter((m) => m.state === 'dead'), 1, this.random)[0];
    if (dead) void this.pushPull(dead.addr, false).catch(() => undefined);
  }

  /** Join and re-join: while no other member is alive, push-pull with the seeds, backing off. */
  private async seedTick(): Promise<void> {
    const seeds = this.opts.seeds.filter((s) => s !== this.addr);
    const alone = !this.others().some((m) => m.state === 'alive' || m.state === 'suspect');
    if (alone && seeds.length > 0 && !this.leaving) {
      let joined = false;
      for (const seed of shuffle([...seeds], this.random)) {
        try {
          const remote = await this.pushPull(seed, true);
          if (remote === this.selfId) continue; // the seed was ourselves under another name
          joined = true;
          this.log.info({ seed, peer: remote }, 'joined cluster');
          // Members that joined through the same seed at the same moment may miss each other's
          // alive gossip (it is retransmitted only a few times in a small cluster); one early
          // sync with someone else closes that gap long before the periodic push-pull.
          this.after(this.t.gossipIntervalMs * 5, () => {
            const peer = pick(this.others().filter((m) => m.state === 'alive'), 1, this.random)[0];
            if (peer) void this.pushPull(peer.addr, false).catch(() => undefined);
          });
          break;
        } catch (e) {
          this.log.debug({ err: e, seed }, 'join attempt failed');
        }
        if (!this.running) return;
      }
      this.joinBackoff = joined ? this.t.joinRetryMinMs : Math.min(this.joinBackoff * 2, this.t.joinRetryMaxMs);
      if (!joined) {
        this.after(this.joinBackoff * (0.75 + this.random() * 0.5), () => void this.seedTick());
        return;
      }
    }
    if (this.running) this.after(this.t.joinRetryMaxMs, () => void this.seedTick());
  }

  /** One full-state exchange; resolves the id of the member that answered. */
  private async pushPull(addr: string, join: boolean): Promise<string> {
    const req = this.envelope.seal(encodeBody([encodeMessage({ type: 'pushPull', join, states: this.localRecords() })]));
    this.c.sent.pushPull++;
    this.c.bytesSent += req.length;
    let reply: Buffer;
    try {
      reply = await this.transport.request(addr, req, this.t.streamTimeoutMs);
    } catch (e) {
      this.c.pushPullFailed++;
      throw e instanceof MembershipError ? e : new MembershipError('PUSH_PULL', String(e));
    }
    this.c.bytesReceived += reply.length;
    const m = this.openSingle(reply);
    if (!m || m.type !== 'pushPull') {
      this.c.pushPullFailed++;
      throw new MembershipError('PUSH_PULL', `push-pull reply from ${addr} dropped`);
    }
    this.c.received.pushPull++;
    this.c.pushPullOk++;
    if (!this.running) return '';
    this.merge(m.states);
    // The responder lists itself alive; its id identifies it (and detects a seed that is us).
    const responder = m.states.find((s) => s.addr === addr && s.state === 'alive');
    return responder?.id ?? '';
  }

  private onRequest(data: Buffer, _from: string): Promise<Buffer | null> {
    this.c.bytesReceived += data.length;
    const m = this.openSingle(data);
    if (!m || m.type !== 'pushPull' || !this.running) return Promise.resolve(null);
    this.c.received.pushPull++;
    // Reply with our state as it was before merging theirs (what memberlist does).
    const reply = this.envelope.seal(encodeBody([encodeMessage({ type: 'pushPull', join: false, states: this.localRecords() })]));
    this.c.sent.pushPull++;
    this.c.bytesSent += reply.length;
    this.merge(m.states);
    return Promise.resolve(reply);
  }

  /** Opens a stream frame that must hold exactly one message; counts drops. */
  private openSingle(data: Buffer): Message | null {
    const opened = this.envelope.open(data);
    if (!opened.ok) {
      this.c.dropped[opened.reason]++;
      return null;
    }
    const dec = decodeBody(opened.body);
    if (!dec.ok) {
      this.c.dropped.malformed++;
      return null;
    }
    const m = dec.messages[0];
    if (dec.messages.length !== 1 || !m) {
      this.c.dropped.unexpected++;
      return null;
    }
    return m;
  }

  private localRecords(): MemberRecord[] {
    return [...this.table.values()].map((m) => ({ id: m.id, addr: m.addr, meta: m.meta, incarnation: m.incarnation, state: m.state }));
  }

  private merge(states: readonly MemberRecord[]): void {
    for (const s of states) {
      switch (s.state) {
        case 'alive':
          this.onAlive({ type: 'alive', incarnation: s.incarnation, id: s.id, addr: s.addr, meta: s.meta });
          break;
        case 'suspect':
        case 'dead':
          // A remote verdict is only a suspicion here: the member gets its chance to refute.
          this.onSuspect({ type: 'suspect', incarnation: s.incarnation, id: s.id, from: this.selfId });
          break;
        case 'left':
          this.onLeft({ type: 'left', incarnation: s.incarnation, id: s.id });
          break;
      }
    }
  }

  // ------------------------------------------------------------ packets

  /** Builds one compound packet: the given messages plus as many piggybacked broadcasts as fit the MTU. */
  private sendCompound(addr: string, parts: readonly Buffer[]): void {
    let used = 1 + this.envelope.overhead;
    for (const p of parts) used += p.length;
    const extra = this.queue.take(MAX_PACKET_BYTES - used, 255 - parts.length);
    if (parts.length + extra.length === 0) return;
    const all = [...parts, ...extra];
    for (const p of all) {
      const name = MESSAGE_TYPE_NAMES[(p[0] ?? 0) - 1];
      if (name) this.c.sent[name]++;
    }
    const packet = this.envelope.seal(encodeBody(all));
    this.c.packetsSent++;
    this.c.bytesSent += packet.length;
    this.transport.send(addr, packet);
  }

  private onPacket(data: Buffer, from: string): void {
    if (!this.running) return;
    this.c.packetsReceived++;
    this.c.bytesReceived += data.length;
    const opened = this.envelope.open(data);
    if (!opened.ok) {
      this.c.dropped[opened.reason]++;
      return;
    }
    const dec = decodeBody(opened.body);
    if (!dec.ok) {
      this.c.dropped.malformed++;
      return;
    }
    this.c.dropped.unexpected += dec.unknown;
    for (const m of dec.messages) {
      this.c.received[m.type]++;
      try {
        this.handle(m, from);
      } catch (err) {
        // A bug in a handler must not kill the socket; log it loudly.
        this.log.error({ err, type: m.type }, 'gossip handler failed');
      }
    }
  }

  private handle(m: Message, from: string): void {
    switch (m.type) {
      case 'ping':
        if (m.target !== '' && m.target !== this.selfId) {
          this.c.dropped.misrouted++; // an old address now used by someone else
          return;
        }
        this.sendCompound(from, [encodeMessage({ type: 'ack', seq: m.seq })]);
        return;
      case 'pingReq':
        this.onPingReq(m, from);
        return;
      case 'ack':
        this.ackHandlers.get(m.seq)?.onAck();
        return;
      case 'nack':
        this.ackHandlers.get(m.seq)?.onNack();
        return;
      case 'suspect':
        this.onSuspect(m);
        this.answerStale(m.id, m.incarnation, from);
        return;
      case 'alive':
        this.onAlive(m);
        return;
      case 'dead':
        this.onDead(m);
        this.answerStale(m.id, m.incarnation, from);
        return;
      case 'left':
        this.onLeft(m);
        return;
      case 'pushPull':
        this.c.dropped.unexpected++; // stream-only message in a datagram
        return;
    }
  }

  private onPingReq(m: Extract<Message, { type: 'pingReq' }>, from: string): void {
    const seq = this.nextSeq();
    let done = false;
    const timeoutMs = Math.min(Math.max(1, m.timeoutMs), this.t.probeIntervalMs * 10);
    this.ackHandlers.set(seq, {
      onAck: () => {
        if (done) return;
        done = true;
        this.sendCompound(from, [encodeMessage({ type: 'ack', seq: m.seq })]);
      },
      onNack: () => undefined,
    });
    this.sendCompound(m.targetAddr, [encodeMessage({ type: 'ping', seq, target: m.target, source: this.selfId })]);
    if (m.nack) {
      this.after(timeoutMs, () => {
        if (!done) this.sendCompound(from, [encodeMessage({ type: 'nack', seq: m.seq })]);
      });
    }
    this.after(timeoutMs * 2, () => this.ackHandlers.delete(seq));
  }

  // ------------------------------------------------------------ state machine

  private onAlive(a: Extract<Message, { type: 'alive' }>): void {
    if (a.id === this.selfId) {
      if (this.leaving || a.incarnation < this.self.incarnation) return;
      if (a.incarnation === this.self.incarnation && a.addr === this.self.addr && sameMeta(a.meta, this.self.meta)) return;
      // Someone claims to be us with a newer or different record (our previous process): outbid it.
      this.refute(a.incarnation);
      return;
    }
    if (!splitHostPort(a.addr)) return;
    const m = this.table.get(a.id);
    if (!m) {
      const nm: Member = {
        id: a.id,
        addr: a.addr,
        meta: a.meta,
        state: 'alive',
        incarnation: a.incarnation,
        changedAt: this.sched.now(),
        suspicion: null,
        info: null,
      };
      this.table.set(a.id, nm);
      // New members go to a random position of the current round, so they are probed soon.
      const pos = this.probeIndex + Math.floor(this.random() * (this.probeList.length - this.probeIndex + 1));
      this.probeList.splice(pos, 0, a.id);
      this.broadcast(a);
      this.log.debug({ peer: a.id, addr: a.addr, incarnation: a.incarnation }, 'member joined');
      this.emit(nm, null);
      return;
    }
    if (a.incarnation <= m.incarnation) return;
    const prev = m.state;
    const changed = a.addr !== m.addr || !sameMeta(a.meta, m.meta);
    m.suspicion?.cancel();
    m.suspicion = null;
    m.incarnation = a.incarnation;
    m.addr = a.addr;
    m.meta = a.meta;
    m.info = null;
    if (prev !== 'alive') {
      m.state = 'alive';
      m.changedAt = this.sched.now();
      if (!this.probeList.includes(m.id)) this.probeList.push(m.id);
    }
    this.broadcast(a);
    if (prev !== 'alive' || changed) this.emit(m, prev);
  }

  /** @param probed the suspicion comes from our own failed probe of the member, just now. */
  private onSuspect(s: Extract<Message, { type: 'suspect' }>, probed = false): void {
    if (s.id === this.selfId) {
      if (!this.leaving && s.incarnation >= this.self.incarnation) this.refute(s.incarnation);
      return;
    }
    const m = this.table.get(s.id);
    if (!m || s.incarnation < m.incarnation) return;
    if (m.suspicion) {
      if (m.suspicion.confirm(s.from)) this.broadcast(s);
      return;
    }
    if (m.state !== 'alive') return;
    const n = this.liveCount();
    const k = confirmationsNeeded(this.t.suspicionMult, n);
    const min = suspicionMinTimeout(this.t.suspicionMult, n, this.t.probeIntervalMs);
    const max = this.t.suspicionMaxMult * min;
    m.incarnation = s.incarnation;
    m.state = 'suspect';
    m.changedAt = this.sched.now();
    m.info = null;
    m.suspicion = new Suspicion(this.sched, s.from, k, min, max, () => {
      if (this.running) this.onDead({ type: 'dead', incarnation: s.incarnation, id: s.id, from: this.selfId });
    });
    // Check it ourselves at the next tick rather than when our shuffled round gets to it (up to
    // 2(n-1) periods away): a failure is an independent confirmation that shrinks the timeout to
    // its min within about a period, and the ping carries the suspicion to a live suspect, which
    // refutes at once. It costs no extra probe, the round-robin just resumes one period later.
    if (!probed) this.urgentProbes.push(m.id);
    this.broadcast(s);
    this.log.debug({ peer: s.id, from: s.from, incarnation: s.incarnation }, 'member suspect');
    this.emit(m, 'alive');
  }

  private onDead(d: Extract<Message, { type: 'dead' }>): void {
    if (d.id === this.selfId) {
      if (!this.leaving && d.incarnation >= this.self.incarnation) this.refute(d.incarnation);
      return;
    }
    const m = this.table.get(d.id);
    if (!m || d.incarnation < m.incarnation || m.state === 'dead' || m.state === 'left') return;
    this.terminal(m, 'dead', d.incarnation);
    this.broadcast(d);
    this.log.info({ peer: d.id, from: d.from, incarnation: d.incarnation }, 'member dead');
  }

  private onLeft(l: Extract<Message, { type: 'left' }>): void {
    if (l.id === this.selfId) {
      if (!this.leaving && l.incarnation >= this.self.incarnation) this.refute(l.incarnation);
      return;
    }
    const m = this.table.get(l.id);
    if (!m || l.incarnation < m.incarnation || m.state === 'left') return;
    this.terminal(m, 'left', l.incarnation);
    this.broadcast(l);
    this.log.info({ peer: l.id, incarnation: l.incarnation }, 'member left');
  }

  private terminal(m: Member, state: 'dead' | 'left', incarnation: number): void {
    const prev = m.state;
    m.suspicion?.cancel();
    m.suspicion = null;
    m.state = state;
    m.incarnation = incarnation;
    m.changedAt = this.sched.now();
    m.info = null;
    this.emit(m, prev);
  }

  /** We were accused (or outbid) at `accused`: take a higher incarnation and tell everyone. */
  private refute(accused: number): void {
    this.self.incarnation = Math.max(this.self.incarnation, accused) + 1;
    this.self.info = null;
    this.c.refutes++;
    // Lifeguard: having to refute means peers could not reach us in time; we may be the slow one.
    this.applyHealth(1);
    this.log.debug({ incarnation: this.self.incarnation }, 'refuting suspicion');
    this.broadcast({ type: 'alive', incarnation: this.self.incarnation, id: this.selfId, addr: this.self.addr, meta: this.self.meta });
  }

  /**
   * A suspect or dead rumor about a member we know alive at a higher incarnation (self included,
   * after refuting it just now) means its sender missed the refutation, which gossip only repeats
   * a bounded number of times: send it that alive directly, before its own suspicion times out.
   */
  private answerStale(id: string, incarnation: number, sender: string): void {
    const m = this.table.get(id);
    if (!m || m.state !== 'alive' || incarnation >= m.incarnation || !this.running) return;
    this.sendCompound(sender, [encodeMessage({ type: 'alive', incarnation: m.incarnation, id: m.id, addr: m.addr, meta: m.meta })]);
  }

  private broadcast(m: Extract<Message, { type: 'alive' | 'suspect' | 'dead' | 'left' }>): void {
    this.queue.enqueue(m.id, encodeMessage(m));
  }

  private reap(): void {
    const now = this.sched.now();
    for (const m of this.table.values()) {
      if ((m.state === 'dead' || m.state === 'left') && m !== this.self && now - m.changedAt >= this.t.reapAfterMs) {
        this.table.delete(m.id);
        this.log.debug({ peer: m.id }, 'member reaped');
      }
    }
  }

  // ------------------------------------------------------------ helpers

  private others(): Member[] {
    const out: Member[] = [];
    for (const m of this.table.values()) if (m !== this.self) out.push(m);
    return out;
  }

  /** Members that are alive or suspect, self included: the n of the suspicion and retransmit formulas. */
  private liveCount(): number {
    let n = 0;
    for (const m of this.table.values()) if (m.state === 'alive' || m.state === 'suspect') n++;
    return n;
  }

  private info(m: Member): MemberInfo {
    if (!m.info) {
      m.info = Object.freeze({ id: m.id, gossipAddr: m.addr, meta: Object.freeze({ ...m.meta }), state: m.state, incarnation: m.incarnation });
    }
    return m.info;
  }

  private emit(m: Member, previous: MemberState | null): void {
    this.c.transitions[m.state]++;
    const change: MemberChange = { member: this.info(m), previous };
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err, peer: m.id }, 'membership listener failed');
      }
    }
  }
}

function shuffle<T>(a: T[], random: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = a[i] as T;
    a[i] = a[j] as T;
    a[j] = x;
  }
  return a;
}

/** Up to k distinct random elements. */
function pick<T>(items: readonly T[], k: number, random: () => number): T[] {
  if (items.length <= k) return shuffle([...items], random);
  return shuffle([...items], random).slice(0, k);
}
