// Push-pull full-state sync over the stream transport: the periodic exchange, answering one, merging remote state, and joining through seeds.
//
// Push-pull merges a remote member's `dead` as a suspicion (that member gets to refute), `left` as left.
import { encodeBody, encodeMessage, type MemberRecord } from './codec.js';
import { MembershipError } from './errors.js';
import { pick, shuffle } from './shuffle.js';
import type { SwimState } from './state.js';
import { pushPullScale } from './timing.js';
import { onAlive, onLeft, onSuspect } from './updates.js';
import { openSingle } from './wire.js';

export function pushPullTick(s: SwimState): void {
  const n = s.liveCount();
  s.after(pushPullScale(s.t.pushPullIntervalMs, n) * (0.75 + s.random() * 0.5), () => pushPullTick(s));
  const others = s.others();
  const alive = others.filter((m) => m.state === 'alive');
  const target = pick(alive, 1, s.random)[0];
  if (target) void pushPull(s, target.addr, false).catch((e: unknown) => s.log.debug({ err: e, peer: target.id }, 'push-pull failed'));
  // Also try one dead (not left) member now and then: heals a partition once the gossip-to-the-dead window is over.
  const dead = pick(others.filter((m) => m.state === 'dead'), 1, s.random)[0];
  if (dead) void pushPull(s, dead.addr, false).catch(() => undefined);
}

/** Join and re-join: while no other member is alive, push-pull with the seeds, backing off. */
export async function seedTick(s: SwimState): Promise<void> {
  const seeds = s.seeds.filter((x) => x !== s.addr);
  const alone = !s.others().some((m) => m.state === 'alive' || m.state === 'suspect');
  if (alone && seeds.length > 0 && !s.leaving) {
    let joined = false;
    for (const seed of shuffle([...seeds], s.random)) {
      try {
        const remote = await pushPull(s, seed, true);
        if (remote === s.selfId) continue; // the seed was ourselves under another name
        joined = true;
        s.log.info({ seed, peer: remote }, 'joined cluster');
        // Members that joined through the same seed at the same moment may miss each other's
        // alive gossip (it is retransmitted only a few times in a small cluster); one early
        // sync with someone else closes that gap long before the periodic push-pull.
        s.after(s.t.gossipIntervalMs * 5, () => {
          const peer = pick(s.others().filter((m) => m.state === 'alive'), 1, s.random)[0];
          if (peer) void pushPull(s, peer.addr, false).catch(() => undefined);
        });
        break;
      } catch (e) {
        s.log.debug({ err: e, seed }, 'join attempt failed');
      }
      if (!s.running) return;
    }
    s.joinBackoff = joined ? s.t.joinRetryMinMs : Math.min(s.joinBackoff * 2, s.t.joinRetryMaxMs);
    if (!joined) {
      s.after(s.joinBackoff * (0.75 + s.random() * 0.5), () => void seedTick(s));
      return;
    }
  }
  if (s.running) s.after(s.t.joinRetryMaxMs, () => void seedTick(s));
}

/** One full-state exchange; resolves the id of the member that answered. */
async function pushPull(s: SwimState, addr: string, join: boolean): Promise<string> {
  const req = s.envelope.seal(encodeBody([encodeMessage({ type: 'pushPull', join, states: localRecords(s) })]));
  s.c.sent.pushPull++;
  s.c.bytesSent += req.length;
  let reply: Buffer;
  try {
    reply = await s.transport.request(addr, req, s.t.streamTimeoutMs);
  } catch (e) {
    s.c.pushPullFailed++;
    throw e instanceof MembershipError ? e : new MembershipError('PUSH_PULL', String(e));
  }
  s.c.bytesReceived += reply.length;
  const m = openSingle(s, reply, addr);
  if (!m || m.type !== 'pushPull') {
    s.c.pushPullFailed++;
    throw new MembershipError('PUSH_PULL', `push-pull reply from ${addr} dropped`);
  }
  s.c.received.pushPull++;
  s.c.pushPullOk++;
  if (!s.running) return '';
  merge(s, m.states);
  // The responder lists itself alive; its id identifies it (and detects a seed that is us).
  const responder = m.states.find((r) => r.addr === addr && r.state === 'alive');
  return responder?.id ?? '';
}

/** The stream listener: answers a push-pull request with our state, then merges theirs. */
export function onRequest(s: SwimState, data: Buffer, from: string): Promise<Buffer | null> {
  s.c.bytesReceived += data.length;
  const m = openSingle(s, data, from);
  if (!m || m.type !== 'pushPull' || !s.running) return Promise.resolve(null);
  s.c.received.pushPull++;
  // Reply with our state as it was before merging theirs (what memberlist does).
  const reply = s.envelope.seal(encodeBody([encodeMessage({ type: 'pushPull', join: false, states: localRecords(s) })]));
  s.c.sent.pushPull++;
  s.c.bytesSent += reply.length;
  merge(s, m.states);
  return Promise.resolve(reply);
}

function localRecords(s: SwimState): MemberRecord[] {
  return [...s.table.values()].map((m) => ({ id: m.id, addr: m.addr, meta: m.meta, incarnation: m.incarnation, state: m.state }));
}

function merge(s: SwimState, states: readonly MemberRecord[]): void {
  for (const r of states) {
    switch (r.state) {
      case 'alive':
        onAlive(s, { type: 'alive', incarnation: r.incarnation, id: r.id, addr: r.addr, meta: r.meta });
        break;
      case 'suspect':
      case 'dead':
        // A remote verdict is only a suspicion here: the member gets its chance to refute.
        onSuspect(s, { type: 'suspect', incarnation: r.incarnation, id: r.id, from: s.selfId });
        break;
      case 'left':
        onLeft(s, { type: 'left', incarnation: r.incarnation, id: r.id });
        break;
    }
  }
}
