// Datagrams in (open, decode, count, dispatch each message to its handler) and the periodic gossip of the piggyback queue out.
import { decodeBody, encodeMessage, type Message } from './codec.js';
import { onPingReq } from './probe.js';
import { pick } from './shuffle.js';
import type { SwimState } from './state.js';
import { answerStale, onAlive, onDead, onLeft, onSuspect } from './updates.js';
import { sendCompound } from './wire.js';

export function onPacket(s: SwimState, data: Buffer, from: string): void {
  if (!s.running) return;
  s.c.packetsReceived++;
  s.c.bytesReceived += data.length;
  const opened = s.envelope.open(data);
  if (!opened.ok) {
    s.drop(opened.reason, from);
    return;
  }
  const dec = decodeBody(opened.body);
  if (!dec.ok) {
    s.drop('malformed', from);
    return;
  }
  s.drop('unexpected', from, dec.unknown);
  for (const m of dec.messages) {
    s.c.received[m.type]++;
    try {
      handle(s, m, from);
    } catch (err) {
      // A bug in a handler must not kill the socket; log it loudly.
      s.log.error({ err, type: m.type }, 'gossip handler failed');
    }
  }
}

function handle(s: SwimState, m: Message, from: string): void {
  switch (m.type) {
    case 'ping':
      if (m.target !== '' && m.target !== s.selfId) {
        s.drop('misrouted', from); // an old address now used by someone else
        return;
      }
      sendCompound(s, from, [encodeMessage({ type: 'ack', seq: m.seq })]);
      return;
    case 'pingReq':
      onPingReq(s, m, from);
      return;
    case 'ack':
      s.ackHandlers.get(m.seq)?.onAck();
      return;
    case 'nack':
      s.ackHandlers.get(m.seq)?.onNack();
      return;
    case 'suspect':
      onSuspect(s, m);
      answerStale(s, m.id, m.incarnation, from);
      return;
    case 'alive':
      onAlive(s, m);
      return;
    case 'dead':
      onDead(s, m);
      answerStale(s, m.id, m.incarnation, from);
      return;
    case 'left':
      onLeft(s, m);
      return;
    case 'pushPull':
      s.drop('unexpected', from); // stream-only message in a datagram
      return;
  }
}

/** Sends queued broadcasts to gossipNodes random members each interval (piggybacking alone waits for probes). */
export function gossipTick(s: SwimState): void {
  s.after(s.t.gossipIntervalMs, () => gossipTick(s));
  if (s.queue.size === 0) return;
  const now = s.sched.now();
  // Recently dead members still get gossip: if they are in fact alive they learn it and refute.
  const candidates = s.others().filter(
    (m) => m.state === 'alive' || m.state === 'suspect' || (m.state === 'dead' && now - m.changedAt < s.t.gossipToTheDeadMs),
  );
  for (const m of pick(candidates, s.t.gossipNodes, s.random)) {
    if (s.queue.size === 0) break;
    sendCompound(s, m.addr, []);
  }
}
