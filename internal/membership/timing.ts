// Timing profiles and the pure math of SWIM/Lifeguard: suspicion timeouts, retransmit limits, health scaling.
//
// Everything here is a pure function of its arguments so it can be table-tested; swim.ts only
// wires the results to timers.

export interface Timing {
  /** Protocol period: one member probed per period (scaled by local health). */
  readonly probeIntervalMs: number;
  /** Direct ping deadline before indirect probes are sent (scaled by local health). */
  readonly probeTimeoutMs: number;
  /** k: members asked to ping-req a target that missed its direct ping. */
  readonly indirectChecks: number;
  /** Suspicion min = suspicionMult * max(1, log10(n)) * probeInterval (see suspicionMinTimeout); confirmations needed = mult - 2. */
  readonly suspicionMult: number;
  /** Suspicion max = suspicionMaxMult * min: the timeout with no independent confirmation. */
  readonly suspicionMaxMult: number;
  /** Each broadcast is sent retransmitMult * ceil(log10(n+1)) times. */
  readonly retransmitMult: number;
  readonly gossipIntervalMs: number;
  /** Members each gossip round sends piggybacked broadcasts to. */
  readonly gossipNodes: number;
  /** Dead members still receive gossip this long, so a falsely-dead member learns it and refutes. */
  readonly gossipToTheDeadMs: number;
  /** Dead and left members are dropped from members() this long after the transition. */
  readonly reapAfterMs: number;
  /** Full-state TCP sync with one random member, this often (scaled up above 32 members). */
  readonly pushPullIntervalMs: number;
  /** Deadline of one push-pull exchange (connect + request + reply). */
  readonly streamTimeoutMs: number;
  /** Seed join retry backoff: starts at min, doubles to max; a joined node re-checks every max. */
  readonly joinRetryMinMs: number;
  readonly joinRetryMaxMs: number;
  /** Lifeguard local health multiplier ceiling (score 0..awarenessMax). */
  readonly awarenessMax: number;
  /** Encrypted packets with a timestamp further than this from now are dropped as replays. */
  readonly replayWindowMs: number;
  /** leave(): rounds of direct `left` sends to every peer, one gossip interval apart. */
  readonly leaveRounds: number;
}

export type ProfileName = 'lan' | 'fast';

/**
 * lan: memberlist's LAN shape (3 indirect checks, suspicion mult 4, retransmit mult 4, fan-out 3,
 * push-pull 30 s) on a faster clock, because the 5 s p99 kill-detection target is a sum of:
 * - the wait until some member probes the victim: each member's shuffled round reaches it
 *   independently, so in a given period nobody does with probability (1 - 1/(n-1))^(n-1) ~ 1/e,
 *   which makes the p99 wait ~4 periods whatever n (4 s at memberlist's 1 s period);
 * - that probe failing: about one period (direct timeout, then the helpers' nacks);
 * - the suspicion: mult * max(1, log10 n) periods once confirmations are in; members probe a new
 *   suspect at their next tick (swim.ts), so for a dead member they are in within a period or two;
 * - spreading `dead`: a few gossip intervals.
 * About (5 + 4 * max(1, log10 n)) periods plus gossip, then: a 400 ms period measured p99 3.7 s at
 * 10 members and 4.0 s at 20 (the 700 ms it replaces: 6.1 s and 6.6 s), for 2.5 probes a second
 * per member (a few hundred bytes a second). The timeout stays half the period, as memberlist's.
 * The suspicion mult stays 4 rather than being traded for a longer period: the min is the time a
 * live suspect has to refute, which zero deaths under loss and stalls depend on. Gossip every
 * 100 ms (memberlist: 200) gets a suspect, a dead or a refuting alive to everyone twice as fast
 * for no extra bandwidth: each update is still sent retransmitMult * ceil(log10(n+1)) times,
 * only sooner. Max mult 2 (memberlist: 6): with confirmations in within a period or two, the max
 * only applies when nobody else can confirm (a one-sided fault, a slow accuser), and answering
 * stale rumors (swim.ts) already gets such an accuser the refutation.
 * fast: for tests and local clusters; suspicion mult 3 and max mult 3 keep a kill under 2 s at
 * p99. docs/membership.md has the measurements.
 */
export const PROFILES: Readonly<Record<ProfileName, Timing>> = Object.freeze({
  lan: Object.freeze({
    probeIntervalMs: 400,
    probeTimeoutMs: 200,
    indirectChecks: 3,
    suspicionMult: 4,
    suspicionMaxMult: 2,
    retransmitMult: 4,
    gossipIntervalMs: 100,
    gossipNodes: 3,
    gossipToTheDeadMs: 30_000,
    reapAfterMs: 60_000,
    pushPullIntervalMs: 30_000,
    streamTimeoutMs: 10_000,
    joinRetryMinMs: 1000,
    joinRetryMaxMs: 30_000,
    awarenessMax: 8,
    replayWindowMs: 30_000,
    leaveRounds: 3,
  }),
  fast: Object.freeze({
    probeIntervalMs: 200,
    probeTimeoutMs: 100,
    indirectChecks: 3,
    suspicionMult: 3,
    suspicionMaxMult: 3,
    retransmitMult: 4,
    gossipIntervalMs: 50,
    gossipNodes: 3,
    gossipToTheDeadMs: 6_000,
    reapAfterMs: 12_000,
    pushPullIntervalMs: 2_000,
    streamTimeoutMs: 2_000,
    joinRetryMinMs: 100,
    joinRetryMaxMs: 2_000,
    awarenessMax: 8,
    replayWindowMs: 30_000,
    leaveRounds: 3,
  }),
});

/**
 * Lifeguard's floor of the suspicion timeout: suspicionMult * max(1, log10(n)) * probeInterval
 * (memberlist's node scale). Below 10 members the log would shrink the refutation window to a
 * fraction of mult periods (0.48 at n = 3) just where no confirmation can lengthen the evidence
 * (k = 0 below 4 members); measured, that let 10% loss kill live members of 3- and 5-member
 * clusters, so small clusters wait the full mult periods.
 */
export function suspicionMinTimeout(suspicionMult: number, n: number, probeIntervalMs: number): number {
  const scale = Math.max(1, Math.log10(Math.max(1, n)));
  return Math.round(suspicionMult * scale * probeIntervalMs);
}

/**
 * Independent confirmations that shrink a suspicion all the way to its min: suspicionMult - 2,
 * as memberlist, or 0 (start at min) when too few other members exist to ever confirm.
 */
export function confirmationsNeeded(suspicionMult: number, n: number): number {
  const k = suspicionMult - 2;
  return n - 2 < k || k < 1 ? 0 : k;
}

/**
 * Suspicion timeout after c independent confirmations: starts at max and falls with
 * log(c+1)/log(k+1) to min once c reaches k (Lifeguard "LHA-Suspicion", memberlist's formula).
 * Measured from when the suspicion started, not from the confirmation.
 */
export function suspicionTimeout(c: number, k: number, minMs: number, maxMs: number): number {
  if (k < 1) return minMs;
  const frac = Math.log(Math.min(c, k) + 1) / Math.log(k + 1);
  const t = Math.floor(maxMs - frac * (maxMs - minMs));
  return Math.max(minMs, t);
}

/** How many times one broadcast is piggybacked before it is dropped: mult * ceil(log10(n+1)). */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(Math.max(1, n) + 1));
}

/** Lifeguard local health: clamp score+delta into [0, max]. */
export function applyHealthDelta(score: number, delta: number, max: number): number {
  return Math.min(max, Math.max(0, score + delta));
}

/** A probe interval or timeout stretched by local health: base * (score + 1). */
export function scaleByHealth(baseMs: number, score: number): number {
  return baseMs * (score + 1);
}

/** Push-pull interval grows with log2 of the size above 32 members, so big clusters don't saturate TCP. */
export function pushPullScale(intervalMs: number, n: number): number {
  const threshold = 32;
  if (n <= threshold) return intervalMs;
  const mult = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
  return intervalMs * mult;
}

/**
 * Awareness delta of one finished probe (memberlist's rule): a success heals by one; a failure
 * with helpers costs one per helper that did not even nack (their silence suggests we are the
 * slow one); a failure without helpers costs one.
 */
export function probeHealthDelta(acked: boolean, expectedNacks: number, nacks: number): number {
  if (acked) return -1;
  if (expectedNacks === 0) return 1;
  return Math.max(0, expectedNacks - nacks);
}
