// Decoder tests: round trips of every message, malformed inputs table, random fuzz, and frames byte by byte.
import { describe, expect, it } from 'vitest';
import { prng } from '../testing/random.js';
import { decodeBody, encodeBody, encodeFrame, encodeMessage, encodeVarint, FrameReader, MESSAGE_TYPES, type Message } from './codec.js';
import { MembershipError } from './errors.js';

const meta = { host: '10.0.0.1', respPort: 8080, httpPort: 9080 };
const SAMPLES: Message[] = [
  { type: 'ping', seq: 1, target: 'node-2', source: 'node-1' },
  { type: 'ping', seq: 0xffffffff, target: '', source: 'ü-ñ' },
  { type: 'pingReq', seq: 7, target: 'node-3', targetAddr: '10.0.0.3:7946', nack: true, timeoutMs: 400 },
  { type: 'ack', seq: 42 },
  { type: 'nack', seq: 43 },
  { type: 'suspect', incarnation: 3, id: 'node-3', from: 'node-1' },
  { type: 'alive', incarnation: 0, id: 'node-1', addr: '[::1]:7946', meta },
  { type: 'dead', incarnation: 9, id: 'node-3', from: 'node-2' },
  { type: 'left', incarnation: 2, id: 'node-2' },
  {
    type: 'pushPull',
    join: true,
    states: [
      { id: 'a', addr: '1.2.3.4:1', meta, incarnation: 1, state: 'alive' },
      { id: 'b', addr: '1.2.3.4:2', meta: { host: '', respPort: 0, httpPort: 0 }, incarnation: 2, state: 'suspect' },
      { id: 'c', addr: '1.2.3.4:3', meta, incarnation: 3, state: 'dead' },
      { id: 'd', addr: '1.2.3.4:4', meta, incarnation: 4, state: 'left' },
    ],
  },
  { type: 'pushPull', join: false, states: [] },
];

describe('codec round trip', () => {
  it.each(SAMPLES.map((m) => [m.type, m] as const))('%s', (_t, m) => {
    expect(decodeBody(encodeBody([encodeMessage(m)]))).toEqual({ ok: true, messages: [m], unknown: 0 });
  });

  it('carries a compound of every message in order', () => {
    expect(decodeBody(encodeBody(SAMPLES.map(encodeMessage)))).toEqual({ ok: true, messages: SAMPLES, unknown: 0 });
  });

  it('varint lengths survive payloads over 127 and 16383 bytes', () => {
    const states = Array.from({ length: 800 }, (_, i) => ({ id: `node-${i}`, addr: `10.0.${i >> 8}.${i & 255}:7946`, meta, incarnation: i, state: 'alive' as const }));
    const m: Message = { type: 'pushPull', join: false, states };
    expect(decodeBody(encodeBody([encodeMessage(m)]))).toEqual({ ok: true, messages: [m], unknown: 0 });
    expect(encodeVarint(300)).toEqual(Buffer.from([0xac, 0x02]));
  });

  it('refuses to encode out-of-range fields with a typed error', () => {
    expect(() => encodeMessage({ type: 'ack', seq: -1 })).toThrow(MembershipError);
    expect(() => encodeMessage({ type: 'left', incarnation: 1, id: 'x'.repeat(256) })).toThrow(MembershipError);
  });
});

describe('codec rejects malformed bodies', () => {
  const ping = encodeMessage(SAMPLES[0] as Message);
  it.each([
    ['empty', Buffer.alloc(0)],
    ['count larger than content', Buffer.from([2, ...ping])],
    ['trailing byte', Buffer.from([1, ...ping, 0])],
    ['length beyond buffer', Buffer.from([1, MESSAGE_TYPES.ack, 10, 0, 0, 0, 1])],
    ['payload shorter than its fields', Buffer.from([1, MESSAGE_TYPES.ack, 2, 0, 0])],
    ['payload longer than its fields', Buffer.from([1, MESSAGE_TYPES.ack, 5, 0, 0, 0, 1, 9])],
    ['bad boolean', encodeBody([Buffer.from([MESSAGE_TYPES.pushPull, 5, 2, 0, 0, 0, 0])])],
    ['bad member state', encodeBody([Buffer.from([MESSAGE_TYPES.pushPull, 20, 0, 0, 0, 0, 1, 9, 0, 0, 0, 0, 1, 97, 1, 97, 0, 0, 0, 0, 0])])],
    ['huge push-pull count', encodeBody([Buffer.from([MESSAGE_TYPES.pushPull, 5, 0, 0xff, 0xff, 0xff, 0xff])])],
    ['invalid UTF-8 id', encodeBody([Buffer.from([MESSAGE_TYPES.left, 6, 0, 0, 0, 1, 1, 0xff])])],
    ['overlong varint', Buffer.from([1, MESSAGE_TYPES.ack, 0x80, 0x80, 0x80, 0x80, 0x01])],
  ])('%s', (_label, body) => {
    expect(decodeBody(body)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('every truncation of a valid compound is malformed, never a throw', () => {
    const full = encodeBody(SAMPLES.map(encodeMessage));
    for (let i = 0; i < full.length; i++) expect(decodeBody(full.subarray(0, i)).ok).toBe(false);
  });

  it('skips and counts unknown (newer) message types', () => {
    const body = encodeBody([Buffer.from([200, 3, 1, 2, 3]), ping]);
    expect(decodeBody(body)).toEqual({ ok: true, messages: [SAMPLES[0]], unknown: 1 });
  });

  it('fuzz: random bytes and mutations of valid bodies never throw', () => {
    const rnd = prng(99);
    const valid = SAMPLES.map((m) => encodeBody([encodeMessage(m)]));
    for (let i = 0; i < 20_000; i++) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      } else {
        buf = Buffer.from(valid[i % valid.length] as Buffer);
        const flips = 1 + Math.floor(rnd() * 3);
        for (let f = 0; f < flips; f++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
      }
      const r = decodeBody(buf);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});

describe('FrameReader', () => {
  const frames = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(3000, 7)];
  const wire = Buffer.concat(frames.map(encodeFrame));

  it('whole buffer', () => {
    expect(new FrameReader().push(wire)).toEqual(frames);
  });

  it('byte by byte', () => {
    const r = new FrameReader();
    const out: Buffer[] = [];
    for (const b of wire) out.push(...r.push(Buffer.from([b])));
    expect(out).toEqual(frames);
    expect(r.buffered).toBe(0);
  });

  it('refuses a frame over the limit and stays failed', () => {
    const r = new FrameReader(100);
    expect(r.push(encodeFrame(Buffer.alloc(101)))).toEqual([]);
    expect(r.error).toBe('too-large');
    expect(r.push(encodeFrame(Buffer.alloc(1)))).toEqual([]);
  });
});
