// Sealing and opening gossip packets: compound datagrams with piggybacked broadcasts out, single-message stream frames in, all counted.
import { decodeBody, encodeBody, MESSAGE_TYPE_NAMES, type Message } from './codec.js';
import { MAX_PACKET_BYTES, type SwimState } from './state.js';

/** Builds one compound packet: the given messages plus as many piggybacked broadcasts as fit the MTU. */
export function sendCompound(s: SwimState, addr: string, parts: readonly Buffer[]): void {
  let used = 1 + s.envelope.overhead;
  for (const p of parts) used += p.length;
  const extra = s.queue.take(MAX_PACKET_BYTES - used, 255 - parts.length);
  if (parts.length + extra.length === 0) return;
  const all = [...parts, ...extra];
  for (const p of all) {
    const name = MESSAGE_TYPE_NAMES[(p[0] ?? 0) - 1];
    if (name) s.c.sent[name]++;
  }
  const packet = s.envelope.seal(encodeBody(all));
  s.c.packetsSent++;
  s.c.bytesSent += packet.length;
  s.transport.send(addr, packet);
}

/** Opens a stream frame that must hold exactly one message; counts drops. */
export function openSingle(s: SwimState, data: Buffer, from: string): Message | null {
  const opened = s.envelope.open(data);
  if (!opened.ok) {
    s.drop(opened.reason, from);
    return null;
  }
  const dec = decodeBody(opened.body);
  if (!dec.ok) {
    s.drop('malformed', from);
    return null;
  }
  const m = dec.messages[0];
  if (dec.messages.length !== 1 || !m) {
    s.drop('unexpected', from);
    return null;
  }
  return m;
}
