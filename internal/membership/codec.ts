// Wire format of gossip messages: a compact binary encoding of each message and of a compound body, decoded without throwing.
//
// Body layout (inside the envelope of envelope.ts):
//   u8 count, then count x { u8 type, varint length, payload[length] }
// Message type ids are append-only (see MESSAGE_TYPES); a receiver skips types it does not know,
// so a newer node can add messages without breaking older ones. Payload fields:
//   str   = u8 byte length + UTF-8 (so ids and addresses are at most 255 bytes)
//   meta  = str host, u16 respPort, u16 httpPort
//   ping     (1) u32 seq, str target id ('' = whoever answers), str source id
//   pingReq  (2) u32 seq, str target id, str target addr, u8 wantNack, u32 timeoutMs
//   ack      (3) u32 seq
//   nack     (4) u32 seq
//   suspect  (5) u32 incarnation, str id, str from
//   alive    (6) u32 incarnation, str id, str addr, meta
//   dead     (7) u32 incarnation, str id, str from
//   left     (8) u32 incarnation, str id
//   pushPull (9) u8 join, u32 count, count x { u8 state, u32 incarnation, str id, str addr, meta }
// Decoding is pure: it returns message objects or a reason, never acts and never throws.
import type { MemberMeta, MemberState } from './types.js';
import { MembershipError } from './errors.js';

export const MESSAGE_TYPES = Object.freeze({
  ping: 1,
  pingReq: 2,
  ack: 3,
  nack: 4,
  suspect: 5,
  alive: 6,
  dead: 7,
  left: 8,
  pushPull: 9,
} as const);

export type MessageTypeName = keyof typeof MESSAGE_TYPES;
export const MESSAGE_TYPE_NAMES = Object.freeze(Object.keys(MESSAGE_TYPES) as MessageTypeName[]);

const STATE_IDS: Readonly<Record<MemberState, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 };
const STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];

export interface MemberRecord {
  readonly id: string;
  readonly addr: string;
  readonly meta: MemberMeta;
  readonly incarnation: number;
  readonly state: MemberState;
}

export type Message =
  | { readonly type: 'ping'; readonly seq: number; readonly target: string; readonly source: string }
  | {
      readonly type: 'pingReq';
      readonly seq: number;
      readonly target: string;
      readonly targetAddr: string;
      readonly nack: boolean;
      readonly timeoutMs: number;
    }
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'nack'; readonly seq: number }
  | { readonly type: 'suspect'; readonly incarnation: number; readonly id: string; readonly from: string }
  | { readonly type: 'alive'; readonly incarnation: number; readonly id: string; readonly addr: string; readonly meta: MemberMeta }
  | { readonly type: 'dead'; readonly incarnation: number; readonly id: string; readonly from: string }
  | { readonly type: 'left'; readonly incarnation: number; readonly id: string }
  | { readonly type: 'pushPull'; readonly join: boolean; readonly states: readonly MemberRecord[] };

/** Most members a push-pull may carry; a bound so a hostile frame cannot make us allocate forever. */
export const MAX_PUSH_PULL_MEMBERS = 65_536;

// ---------------------------------------------------------------- encoding

class Writer {
  private readonly parts: Buffer[] = [];
  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }
  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new MembershipError('ENCODE', `u16 out of range: ${v}`);
    const b = Buffer.allocUnsafe(2);
    b.writeUInt16BE(v);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new MembershipError('ENCODE', `u32 out of range: ${v}`);
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
    return this;
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255) throw new MembershipError('ENCODE', `string longer than 255 bytes: ${s.slice(0, 40)}...`);
    this.parts.push(Buffer.from([b.length]), b);
    return this;
  }
  meta(m: MemberMeta): this {
    return this.str(m.host).u16(m.respPort).u16(m.httpPort);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function encodeVarint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

function payload(m: Message): Buffer {
  const w = new Writer();
  switch (m.type) {
    case 'ping':
      return w.u32(m.seq).str(m.target).str(m.source).done();
    case 'pingReq':
      return w.u32(m.seq).str(m.target).str(m.targetAddr).u8(m.nack ? 1 : 0).u32(m.timeoutMs).done();
    case 'ack':
    case 'nack':
      return w.u32(m.seq).done();
    case 'suspect':
    case 'dead':
      return w.u32(m.incarnation).str(m.id).str(m.from).done();
    case 'alive':
      return w.u32(m.incarnation).str(m.id).str(m.addr).meta(m.meta).done();
    case 'left':
      return w.u32(m.incarnation).str(m.id).done();
    case 'pushPull': {
      w.u8(m.join ? 1 : 0).u32(m.states.length);
      for (const s of m.states) w.u8(STATE_IDS[s.state]).u32(s.incarnation).str(s.id).str(s.addr).meta(s.meta);
      return w.done();
    }
  }
}

/** One message as it sits in a compound body: type, varint length, payload. */
export function encodeMessage(m: Message): Buffer {
  const p = payload(m);
  return Buffer.concat([Buffer.from([MESSAGE_TYPES[m.type]]), encodeVarint(p.length), p]);
}

/** A compound body from already-encoded messages (encodeMessage output). At most 255 parts. */
export function encodeBody(parts: readonly Buffer[]): Buffer {
  if (parts.length > 255) throw new MembershipError('ENCODE', `compound of ${parts.length} messages (max 255)`);
  return Buffer.concat([Buffer.from([parts.length]), ...parts]);
}

// ---------------------------------------------------------------- decoding

class Truncated extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  get remaining(): number {
    return this.b.length - this.pos;
  }
  u8(): number {
    if (this.remaining < 1) throw new Truncated();
    return this.b.readUInt8(this.pos++);
  }
  u16(): number {
    if (this.remaining < 2) throw new Truncated();
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    if (this.remaining < 4) throw new Truncated();
    const v = this.b.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.remaining < n) throw new Truncated();
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  str(): string {
    const n = this.u8();
    const raw = this.bytes(n);
    const s = raw.toString('utf8');
    // Reject invalid UTF-8 instead of letting U+FFFD make two different ids collide.
    if (Buffer.byteLength(s, 'utf8') !== n) throw new Truncated();
    return s;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 4; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Truncated();
  }
  meta(): MemberMeta {
    return { host: this.str(), respPort: this.u16(), httpPort: this.u16() };
  }
}

/** A push-pull record with empty strings: u8 state, u32 incarnation, str id, str addr, meta (str host, u16, u16). */
const MIN_RECORD_BYTES = 1 + 4 + 1 + 1 + (1 + 2 + 2);

function decodePayload(type: number, r: Reader): Message | null {
  switch (type) {
    case MESSAGE_TYPES.ping:
      return { type: 'ping', seq: r.u32(), target: r.str(), source: r.str() };
    case MESSAGE_TYPES.pingReq:
      return { type: 'pingReq', seq: r.u32(), target: r.str(), targetAddr: r.str(), nack: flag(r.u8()), timeoutMs: r.u32() };
    case MESSAGE_TYPES.ack:
      return { type: 'ack', seq: r.u32() };
    case MESSAGE_TYPES.nack:
      return { type: 'nack', seq: r.u32() };
    case MESSAGE_TYPES.suspect:
      return { type: 'suspect', incarnation: r.u32(), id: r.str(), from: r.str() };
    case MESSAGE_TYPES.alive:
      return { type: 'alive', incarnation: r.u32(), id: r.str(), addr: r.str(), meta: r.meta() };
    case MESSAGE_TYPES.dead:
      return { type: 'dead', incarnation: r.u32(), id: r.str(), from: r.str() };
    case MESSAGE_TYPES.left:
      return { type: 'left', incarnation: r.u32(), id: r.str() };
    case MESSAGE_TYPES.pushPull: {
      const join = flag(r.u8());
      const count = r.u32();
      // Each record takes at least MIN_RECORD_BYTES; a count the payload cannot hold is malformed.
      if (count > MAX_PUSH_PULL_MEMBERS || count * MIN_RECORD_BYTES > r.remaining) throw new Truncated();
      const states: MemberRecord[] = [];
      for (let i = 0; i < count; i++) {
        const state = STATES[r.u8()];
        if (state === undefined) throw new Truncated();
        states.push({ state, incarnation: r.u32(), id: r.str(), addr: r.str(), meta: r.meta() });
      }
      return { type: 'pushPull', join, states };
    }
    default:
      return null;
  }
}

function flag(v: number): boolean {
  if (v > 1) throw new Truncated();
  return v === 1;
}

export type DecodeResult =
  | { readonly ok: true; readonly messages: readonly Message[]; readonly unknown: number }
  | { readonly ok: false; readonly reason: 'malformed' };

/**
 * Decodes a compound body. Any truncation, overrun, bad enum or trailing byte makes the whole
 * body malformed (nothing of it is acted on); unknown message types are skipped and counted.
 */
export function decodeBody(body: Buffer): DecodeResult {
  try {
    const r = new Reader(body);
    const count = r.u8();
    const messages: Message[] = [];
    let unknown = 0;
    for (let i = 0; i < count; i++) {
      const type = r.u8();
      const len = r.varint();
      const inner = new Reader(r.bytes(len));
      const m = decodePayload(type, inner);
      if (m === null) {
        unknown++;
        continue;
      }
      if (inner.remaining !== 0) return { ok: false, reason: 'malformed' };
      messages.push(m);
    }
    if (r.remaining !== 0) return { ok: false, reason: 'malformed' };
    return { ok: true, messages, unknown };
  } catch {
    // Only Truncated can come out of the reader; any other throw would be a bug, and dropping the
    // packet is still the right answer for the socket handler.
    return { ok: false, reason: 'malformed' };
  }
}

// ---------------------------------------------------------------- stream frames

/** Largest TCP frame accepted (push-pull of ~50k members); anything bigger closes the stream. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export function encodeFrame(packet: Buffer): Buffer {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(packet.length);
  return Buffer.concat([len, packet]);
}

/**
 * Incremental reader of u32-length-prefixed frames, fed whatever chunks the socket delivers.
 * push() returns completed frames; an oversized length puts it in the `error` state for good.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  error: 'too-large' | null = null;
  constructor(private readonly maxBytes: number = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): Buffer[] {
    if (this.error) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Buffer[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > this.maxBytes) {
        this.error = 'too-large';
        this.buf = Buffer.alloc(0);
        return frames;
      }
      if (this.buf.length < 4 + len) break;
      frames.push(Buffer.from(this.buf.subarray(4, 4 + len)));
      this.buf = this.buf.subarray(4 + len);
    }
    return frames;
  }

  get buffered(): number {
    return this.buf.length;
  }
}
