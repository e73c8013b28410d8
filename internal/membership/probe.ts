// The probe loop: one target per period (urgent suspects first, then a shuffled round-robin), indirect probes through helpers, answering ping-req.
import { encodeMessage, type Message } from './codec.js';
import { pick, shuffle } from './shuffle.js';
import type { Member, SwimState } from './state.js';
import { probeHealthDelta } from './timing.js';
import { onSuspect, reap } from './updates.js';
import { sendCompound } from './wire.js';

export function probeTick(s: SwimState): void {
  if (s.leaving) return;
  const period = s.scaled(s.t.probeIntervalMs);
  reap(s);
  const target = nextProbeTarget(s);
  if (target) probe(s, target, period);
  s.after(period, () => probeTick(s));
}

/**
 * Suspects heard of since the last tick first (each once, if still suspect), then round-robin
 * over a list reshuffled every round; dead and left members are skipped.
 */
function nextProbeTarget(s: SwimState): Member | null {
  for (let id = s.urgentProbes.shift(); id !== undefined; id = s.urgentProbes.shift()) {
    const m = s.table.get(id);
    if (m && m.state === 'suspect') return m;
  }
  for (let checked = 0; checked <= s.probeList.length; checked++) {
    if (s.probeIndex >= s.probeList.length) {
      s.probeList = s.probeList.filter((id) => s.table.has(id));
      shuffle(s.probeList, s.random);
      s.probeIndex = 0;
      if (s.probeList.length === 0) return null;
    }
    const id = s.probeList[s.probeIndex++];
    const m = id === undefined ? undefined : s.table.get(id);
    if (m && m !== s.self && (m.state === 'alive' || m.state === 'suspect')) return m;
  }
  return null;
}

/**
 * Pings `target`; without an ack within the (health-scaled) probe timeout asks helpers to ping it
 * for us; at the end of the period, or once every helper nacked, concludes: acked, or suspect.
 */
function probe(s: SwimState, target: Member, period: number): void {
  const seq = s.nextSeq();
  const started = s.sched.now();
  const timeout = s.scaled(s.t.probeTimeoutMs);
  const incarnation = target.incarnation;
  let acked = false;
  let nacks = 0;
  let expectedNacks = 0;
  let concluded = false;
  const conclude = (): void => {
    if (concluded || !s.running) return;
    concluded = true;
    endTimer.cancel();
    s.timers.delete(endTimer);
    s.ackHandlers.delete(seq);
    s.applyHealth(probeHealthDelta(acked, expectedNacks, nacks));
    if (acked) {
      s.c.probesAcked++;
      return;
    }
    s.c.probesFailed++;
    s.log.debug({ peer: target.id, nacks, expectedNacks }, 'probe failed');
    onSuspect(s, { type: 'suspect', incarnation, id: target.id, from: s.selfId }, true);
  };
  s.ackHandlers.set(seq, {
    onAck: () => {
      if (acked) return;
      acked = true;
      recordRtt(s, s.sched.now() - started);
    },
    onNack: () => {
      nacks++;
      // Every helper reached us and none reached the target: that is all the evidence the rest
      // of the period could bring (bar a very late ack), so suspect now rather than idle.
      if (!acked && expectedNacks > 0 && nacks >= expectedNacks) conclude();
    },
  });
  s.c.probesSent++;
  const parts = [encodeMessage({ type: 'ping', seq, target: target.id, source: s.selfId })];
  // Lifeguard "buddy system": a suspect learns of its suspicion from the probe itself and can refute at once.
  if (target.state === 'suspect') {
    parts.push(encodeMessage({ type: 'suspect', incarnation: target.incarnation, id: target.id, from: s.selfId }));
  }
  sendCompound(s, target.addr, parts);
  s.after(timeout, () => {
    if (acked) return;
    const helpers = pick(
      s.others().filter((m) => m.state === 'alive' && m !== target),
      s.t.indirectChecks,
      s.random,
    );
    expectedNacks = helpers.length;
    // Helpers nack a bit before our period ends, so a nack can arrive in time to count.
    const helperTimeout = Math.max(1, Math.floor((period - timeout) * 0.8));
    const req = encodeMessage({ type: 'pingReq', seq, target: target.id, targetAddr: target.addr, nack: true, timeoutMs: helperTimeout });
    for (const h of helpers) sendCompound(s, h.addr, [req]);
  });
  const endTimer = s.after(period, conclude);
}

function recordRtt(s: SwimState, rtt: number): void {
  s.c.rttCount++;
  s.c.rttSum += rtt;
  s.c.rttMax = Math.max(s.c.rttMax, rtt);
  s.c.rttLast = rtt;
}

/** A helper's side of an indirect probe: ping the target, relay its ack, nack if it stays silent. */
export function onPingReq(s: SwimState, m: Extract<Message, { type: 'pingReq' }>, from: string): void {
  const seq = s.nextSeq();
  let done = false;
  const timeoutMs = Math.min(Math.max(1, m.timeoutMs), s.t.probeIntervalMs * 10);
  s.ackHandlers.set(seq, {
    onAck: () => {
      if (done) return;
      done = true;
      sendCompound(s, from, [encodeMessage({ type: 'ack', seq: m.seq })]);
    },
    onNack: () => undefined,
  });
  sendCompound(s, m.targetAddr, [encodeMessage({ type: 'ping', seq, target: m.target, source: s.selfId })]);
  if (m.nack) {
    s.after(timeoutMs, () => {
      if (!done) sendCompound(s, from, [encodeMessage({ type: 'nack', seq: m.seq })]);
    });
  }
  s.after(timeoutMs * 2, () => s.ackHandlers.delete(seq));
}
