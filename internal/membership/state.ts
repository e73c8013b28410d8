// Shared state of one SWIM member (member table, probe round, counters, timers) and the small helpers every part uses.
//
// The parts (probe.ts, updates.ts, pushpull.ts, packets.ts) are functions over one SwimState;
// Membership (swim.ts) owns it. Nothing here imports a part or the facade, so no cycle can form.
import type { Logger } from 'pino';
import { BroadcastQueue } from './broadcast.js';
import { MESSAGE_TYPE_NAMES } from './codec.js';
import { DropLog } from './drops.js';
import { DROP_REASONS as ENVELOPE_DROPS, Envelope } from './envelope.js';
import type { DropCounter, MembershipOptions } from './options.js';
import { realScheduler, type Scheduler, type Timer } from './scheduler.js';
import type { Suspicion } from './suspicion.js';
import { applyHealthDelta, PROFILES, retransmitLimit, scaleByHealth, type Timing } from './timing.js';
import { UdpTransport, type Transport } from './transport.js';
import type { MemberChange, MemberInfo, MemberMeta, MemberState } from './types.js';

/** UDP-safe packet size: every compound packet, envelope included, stays at or under it. */
export const MAX_PACKET_BYTES = 1400;

export interface Member {
  readonly id: string;
  addr: string;
  meta: MemberMeta;
  state: MemberState;
  incarnation: number;
  changedAt: number;
  suspicion: Suspicion | null;
  info: MemberInfo | null;
}

export interface AckHandler {
  onAck(): void;
  onNack(): void;
}

export function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  const r = {} as Record<K, number>;
  for (const k of keys) r[k] = 0;
  return r;
}

export const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];
const DROP_REASONS: readonly DropCounter[] = [...ENVELOPE_DROPS, 'misrouted', 'unexpected', 'incarnation'];

function newCounters() {
  return {
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
}

export type Counters = ReturnType<typeof newCounters>;

export class SwimState {
  readonly selfId: string;
  readonly seeds: readonly string[];
  readonly t: Timing;
  readonly sched: Scheduler;
  readonly random: () => number;
  readonly log: Logger;
  readonly transport: Transport;
  readonly envelope: Envelope;
  readonly queue: BroadcastQueue;
  readonly table = new Map<string, Member>();
  readonly self: Member;
  readonly listeners = new Set<(c: MemberChange) => void>();
  readonly ackHandlers = new Map<number, AckHandler>();
  readonly timers = new Set<Timer>();
  readonly c: Counters = newCounters();
  readonly drops: DropLog;
  probeList: string[] = [];
  probeIndex = 0;
  /** Members heard to be suspect, probed before the round-robin resumes (see onSuspect in updates.ts). */
  urgentProbes: string[] = [];
  seq = 0;
  health = 0;
  running = false;
  leaving = false;
  /** Our gossip address once listening. */
  addr = '';
  joinBackoff: number;

  /** @param opts already validated by Membership. */
  constructor(opts: MembershipOptions) {
    this.selfId = opts.selfId;
    this.seeds = opts.seeds;
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
    this.drops = new DropLog(this.log, this.sched);
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

  // ------------------------------------------------------------ timers

  /** A timer that runs `fn` only while the member is running; stop() cancels every pending one. */
  after(ms: number, fn: () => void): Timer {
    const tm: Timer = this.sched.setTimer(ms, () => {
      this.timers.delete(tm);
      if (this.running) fn();
    });
    this.timers.add(tm);
    return tm;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const tm: Timer = this.sched.setTimer(ms, () => {
        this.timers.delete(tm);
        resolve();
      });
      this.timers.add(tm);
    });
  }

  // ------------------------------------------------------------ Lifeguard health

  scaled(ms: number): number {
    return scaleByHealth(ms, this.health);
  }

  applyHealth(delta: number): void {
    this.health = applyHealthDelta(this.health, delta, this.t.awarenessMax);
  }

  /** Counts a dropped packet (or message) by reason and logs it, rate-limited (drops.ts). */
  drop(reason: DropCounter, from: string, n = 1): void {
    if (n <= 0) return;
    this.c.dropped[reason] += n;
    this.drops.note(reason, from);
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  // ------------------------------------------------------------ views

  others(): Member[] {
    const out: Member[] = [];
    for (const m of this.table.values()) if (m !== this.self) out.push(m);
    return out;
  }

  /** Members that are alive or suspect, self included: the n of the suspicion and retransmit formulas. */
  liveCount(): number {
    let n = 0;
    for (const m of this.table.values()) if (m.state === 'alive' || m.state === 'suspect') n++;
    return n;
  }

  info(m: Member): MemberInfo {
    if (!m.info) {
      m.info = Object.freeze({ id: m.id, gossipAddr: m.addr, meta: Object.freeze({ ...m.meta }), state: m.state, incarnation: m.incarnation });
    }
    return m.info;
  }

  /** Counts the transition and tells every listener, in order; a throwing listener is logged, not fatal. */
  emit(m: Member, previous: MemberState | null): void {
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
