// Suspicion and incarnation handling: alive / suspect / dead / left updates applied by incarnation, refutation, stale rumors answered, reaping.
//
// Rules (as memberlist): an update about a member is applied only if its incarnation is newer,
// or, for suspect and dead/left, at least as new as what we know; applied updates are
// re-gossiped. A member suspected or declared dead/left at an incarnation >= its own refutes by
// bumping its incarnation past it and gossiping alive (a restarted process with the same id does
// the same when it hears of its old self). Incarnations compare as u32 serial numbers
// (incarnation.ts), so refuting never overflows.
import { encodeMessage, type Message } from './codec.js';
import { incAtLeast, incNewer, incPlausibleAboutSelf, incRefute } from './incarnation.js';
import type { Member, SwimState } from './state.js';
import { Suspicion } from './suspicion.js';
import { confirmationsNeeded, suspicionMinTimeout } from './timing.js';
import { splitHostPort } from './transport.js';
import type { MemberMeta } from './types.js';
import { sendCompound } from './wire.js';

function sameMeta(a: MemberMeta, b: MemberMeta): boolean {
  return a.host === b.host && a.respPort === b.respPort && a.httpPort === b.httpPort;
}

function broadcast(s: SwimState, m: Extract<Message, { type: 'alive' | 'suspect' | 'dead' | 'left' }>): void {
  s.queue.enqueue(m.id, encodeMessage(m));
}

export function onAlive(s: SwimState, a: Extract<Message, { type: 'alive' }>): void {
  if (a.id === s.selfId) {
    if (s.leaving || !aboutSelf(s, a.incarnation)) return;
    if (a.incarnation === s.self.incarnation && a.addr === s.self.addr && sameMeta(a.meta, s.self.meta)) return;
    // Someone claims to be us with a newer or different record (our previous process): outbid it.
    refute(s, a.incarnation);
    return;
  }
  if (!splitHostPort(a.addr)) return;
  const m = s.table.get(a.id);
  if (!m) {
    addMember(s, a);
    return;
  }
  if (!incNewer(a.incarnation, m.incarnation)) return;
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
    m.changedAt = s.sched.now();
    if (!s.probeList.includes(m.id)) s.probeList.push(m.id);
  }
  broadcast(s, a);
  if (prev !== 'alive' || changed) s.emit(m, prev);
}

/** A member heard of for the first time. */
function addMember(s: SwimState, a: Extract<Message, { type: 'alive' }>): void {
  const nm: Member = {
    id: a.id,
    addr: a.addr,
    meta: a.meta,
    state: 'alive',
    incarnation: a.incarnation,
    changedAt: s.sched.now(),
    suspicion: null,
    info: null,
  };
  s.table.set(a.id, nm);
  // New members go to a random position of the current round, so they are probed soon.
  const pos = s.probeIndex + Math.floor(s.random() * (s.probeList.length - s.probeIndex + 1));
  s.probeList.splice(pos, 0, a.id);
  broadcast(s, a);
  s.log.debug({ peer: a.id, addr: a.addr, incarnation: a.incarnation }, 'member joined');
  s.emit(nm, null);
}

/**
 * A member that hears of a new suspicion probes the suspect next, ahead of its round-robin, so
 * independent confirmations (a dead member) or the buddy-system refutation (a live one) come
 * within about one period instead of whenever each member's shuffled round gets there.
 * @param probed the suspicion comes from our own failed probe of the member, just now.
 */
export function onSuspect(s: SwimState, sus: Extract<Message, { type: 'suspect' }>, probed = false): void {
  if (sus.id === s.selfId) {
    if (!s.leaving && aboutSelf(s, sus.incarnation)) refute(s, sus.incarnation);
    return;
  }
  const m = s.table.get(sus.id);
  if (!m || !incAtLeast(sus.incarnation, m.incarnation)) return;
  if (m.suspicion) {
    if (m.suspicion.confirm(sus.from)) broadcast(s, sus);
    return;
  }
  if (m.state !== 'alive') return;
  const n = s.liveCount();
  const k = confirmationsNeeded(s.t.suspicionMult, n);
  const min = suspicionMinTimeout(s.t.suspicionMult, n, s.t.probeIntervalMs);
  const max = s.t.suspicionMaxMult * min;
  m.incarnation = sus.incarnation;
  m.state = 'suspect';
  m.changedAt = s.sched.now();
  m.info = null;
  m.suspicion = new Suspicion(s.sched, sus.from, k, min, max, () => {
    if (s.running) onDead(s, { type: 'dead', incarnation: sus.incarnation, id: sus.id, from: s.selfId });
  });
  // Check it ourselves at the next tick rather than when our shuffled round gets to it (up to
  // 2(n-1) periods away): a failure is an independent confirmation that shrinks the timeout to
  // its min within about a period, and the ping carries the suspicion to a live suspect, which
  // refutes at once. It costs no extra probe, the round-robin just resumes one period later.
  if (!probed) s.urgentProbes.push(m.id);
  broadcast(s, sus);
  s.log.debug({ peer: sus.id, from: sus.from, incarnation: sus.incarnation }, 'member suspect');
  s.emit(m, 'alive');
}

export function onDead(s: SwimState, d: Extract<Message, { type: 'dead' }>): void {
  if (d.id === s.selfId) {
    if (!s.leaving && aboutSelf(s, d.incarnation)) refute(s, d.incarnation);
    return;
  }
  const m = s.table.get(d.id);
  if (!m || !incAtLeast(d.incarnation, m.incarnation) || m.state === 'dead' || m.state === 'left') return;
  terminal(s, m, 'dead', d.incarnation);
  broadcast(s, d);
  s.log.info({ peer: d.id, from: d.from, incarnation: d.incarnation }, 'member dead');
}

export function onLeft(s: SwimState, l: Extract<Message, { type: 'left' }>): void {
  if (l.id === s.selfId) {
    if (!s.leaving && aboutSelf(s, l.incarnation)) refute(s, l.incarnation);
    return;
  }
  const m = s.table.get(l.id);
  if (!m || !incAtLeast(l.incarnation, m.incarnation) || m.state === 'left') return;
  terminal(s, m, 'left', l.incarnation);
  broadcast(s, l);
  s.log.info({ peer: l.id, incarnation: l.incarnation }, 'member left');
}

function terminal(s: SwimState, m: Member, state: 'dead' | 'left', incarnation: number): void {
  const prev = m.state;
  m.suspicion?.cancel();
  m.suspicion = null;
  m.state = state;
  m.incarnation = incarnation;
  m.changedAt = s.sched.now();
  m.info = null;
  s.emit(m, prev);
}

/**
 * A rumor about us at `incarnation` we must answer: at least as new as our own, and not so far
 * ahead that no honest member could have sent it (incarnation.ts, MAX_SELF_JUMP; counted).
 */
function aboutSelf(s: SwimState, incarnation: number): boolean {
  if (!incAtLeast(incarnation, s.self.incarnation)) return false;
  if (incPlausibleAboutSelf(incarnation, s.self.incarnation)) return true;
  s.drop('incarnation', 'gossip');
  return false;
}

/** We were accused (or outbid) at `accused`: take a higher incarnation and tell everyone. */
function refute(s: SwimState, accused: number): void {
  s.self.incarnation = incRefute(s.self.incarnation, accused);
  s.self.info = null;
  s.c.refutes++;
  // Lifeguard: having to refute means peers could not reach us in time; we may be the slow one.
  s.applyHealth(1);
  s.log.debug({ incarnation: s.self.incarnation }, 'refuting suspicion');
  broadcast(s, { type: 'alive', incarnation: s.self.incarnation, id: s.selfId, addr: s.self.addr, meta: s.self.meta });
}

/**
 * A suspect or dead rumor about a member we know alive at a higher incarnation (self included,
 * after refuting it just now) means its sender missed the refutation, which gossip only repeats
 * a bounded number of times: send it that alive directly, before its own suspicion times out.
 */
export function answerStale(s: SwimState, id: string, incarnation: number, sender: string): void {
  const m = s.table.get(id);
  if (!m || m.state !== 'alive' || !incNewer(m.incarnation, incarnation) || !s.running) return;
  sendCompound(s, sender, [encodeMessage({ type: 'alive', incarnation: m.incarnation, id: m.id, addr: m.addr, meta: m.meta })]);
}

/** Forgets dead and left members (never self) once reapAfterMs has passed since they became so. */
export function reap(s: SwimState): void {
  const now = s.sched.now();
  for (const m of s.table.values()) {
    if ((m.state === 'dead' || m.state === 'left') && m !== s.self && now - m.changedAt >= s.t.reapAfterMs) {
      s.table.delete(m.id);
      s.log.debug({ peer: m.id }, 'member reaped');
    }
  }
}
