// Property-based fuzzing of the gossip wire: message codec, envelope and stream frames under random, mutated and truncated packets.
//
// Only the public encode/decode surface (codec.ts, Envelope.seal/open, FrameReader): decoding must
// never throw, only return a message list or a typed drop, and valid messages must round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.js';
import { byteMutation, FUZZ_TEST_TIMEOUT_MS, fuzzParams, mutate } from '../testing/fuzz.js';
import { decodeBody, encodeBody, encodeFrame, encodeMessage, FrameReader, MAX_PUSH_PULL_MEMBERS, type MemberRecord, type Message } from './codec.js';
import { DROP_REASONS, Envelope, keyringFromSecrets } from './envelope.js';
import type { MemberMeta, MemberState } from './types.js';

/** Valid Unicode (no lone surrogates) of at most 255 UTF-8 bytes: the wire's `str`. */
const str = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => Buffer.byteLength(s, 'utf8') <= 255);
const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });
const meta: fc.Arbitrary<MemberMeta> = fc.record({ host: str, respPort: u16, httpPort: u16 });
const state = fc.constantFrom<MemberState>('alive', 'suspect', 'dead', 'left');
const record: fc.Arbitrary<MemberRecord> = fc.record({ id: str, addr: str, meta, incarnation: u32, state });

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: u32, target: str, source: str }),
  fc.record({ type: fc.constant('pingReq' as const), seq: u32, target: str, targetAddr: str, nack: fc.boolean(), timeoutMs: u32 }),
  fc.record({ type: fc.constant('ack' as const), seq: u32 }),
  fc.record({ type: fc.constant('nack' as const), seq: u32 }),
  fc.record({ type: fc.constant('suspect' as const), incarnation: u32, id: str, from: str }),
  fc.record({ type: fc.constant('alive' as const), incarnation: u32, id: str, addr: str, meta }),
  fc.record({ type: fc.constant('dead' as const), incarnation: u32, id: str, from: str }),
  fc.record({ type: fc.constant('left' as const), incarnation: u32, id: str }),
  fc.record({ type: fc.constant('pushPull' as const), join: fc.boolean(), states: fc.array(record, { maxLength: 4 }) }),
);
const messages = fc.array(message, { maxLength: 8 });
const body = (ms: readonly Message[]): Buffer => encodeBody(ms.map(encodeMessage));

const mutation = byteMutation(fc.nat({ max: 255 }), 6);

const envelope = (keyring: readonly Buffer[], clock = new ManualClock()): Envelope => new Envelope({ clusterName: 'fuzz', keyring, replayWindowMs: 30_000, clock });
const KEYS = keyringFromSecrets(['fuzz-secret-one', 'fuzz-secret-two']);

describe('gossip codec under fuzzing', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('valid compound bodies round-trip', () => {
    fc.assert(
      fc.property(messages, (ms) => {
        expect(decodeBody(body(ms))).toEqual({ ok: true, messages: ms, unknown: 0 });
      }),
      fuzzParams(300),
    );
  });

  it('mutated, truncated and random bodies: never throw; whatever decodes re-encodes to itself', () => {
    const check = (buf: Buffer): void => {
      const r = decodeBody(buf);
      if (!r.ok) {
        expect(r.reason).toBe('malformed');
        return;
      }
      for (const m of r.messages) if (m.type === 'pushPull') expect(m.states.length).toBeLessThanOrEqual(MAX_PUSH_PULL_MEMBERS);
      // Decoded fields are in range and valid UTF-8, so encoding them cannot throw and gives the same messages.
      expect(decodeBody(body(r.messages))).toEqual({ ok: true, messages: r.messages, unknown: 0 });
    };
    fc.assert(
      fc.property(messages, fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms, muts) => check(mutate(body(ms), muts))),
      fuzzParams(400),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(Buffer.from(bytes))),
      fuzzParams(300),
    );
  });

  it('envelope: sealed bodies open as sent; any change to an encrypted packet is dropped with a typed reason, never thrown', () => {
    fc.assert(
      fc.property(messages, fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms, encrypted, muts) => {
        const clock = new ManualClock();
        const sender = envelope(encrypted ? KEYS : [], clock);
        const receiver = envelope(encrypted ? KEYS : [], clock);
        const b = body(ms);
        const packet = sender.seal(b);
        const opened = receiver.open(packet);
        expect(opened).toEqual({ ok: true, body: b });
        // With a keyring the same packet twice is a replay.
        if (encrypted) expect(receiver.open(packet)).toEqual({ ok: false, reason: 'replay' });

        const bad = mutate(packet, muts);
        const r = envelope(encrypted ? KEYS : [], clock).open(bad);
        if (!r.ok) expect(DROP_REASONS).toContain(r.reason);
        else if (encrypted) expect(bad.equals(packet), 'an altered encrypted packet was accepted').toBe(true);
        else expect(() => decodeBody(r.body)).not.toThrow();
      }),
      fuzzParams(200),
    );
  });

  it('envelope: random bytes open to a typed drop', () => {
    const plain = envelope([]);
    const sealed = envelope(KEYS);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withMagic) => {
        const buf = Buffer.from(bytes);
        if (withMagic && buf.length >= 5) buf.set([0x72, 0x63, 1, buf[3] ?? 0, 4]);
        for (const e of [plain, sealed]) {
          const r = e.open(buf);
          if (!r.ok) expect(DROP_REASONS).toContain(r.reason);
        }
      }),
      fuzzParams(300),
    );
  });

  it('stream frames: the same packets whatever the split; an oversized length stops the reader without buffering it', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (packets, cuts) => {
        const stream = Buffer.concat(packets.map((p) => encodeFrame(Buffer.from(p))));
        const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const reader = new FrameReader(1024);
        const got: Buffer[] = [];
        let prev = 0;
        for (const p of [...at, stream.length]) {
          for (const f of reader.push(stream.subarray(prev, p))) got.push(f);
          prev = p;
        }
        expect(got.map((b) => [...b])).toEqual(packets.map((p) => [...p]));
        expect(reader.buffered).toBe(0);
        const big = new FrameReader(1024);
        expect(big.push(Buffer.from([0, 0, 4, 1, 1, 2, 3]))).toEqual([]);
        expect(big.error).toBe('too-large');
        expect(big.buffered).toBe(0);
      }),
      fuzzParams(200),
    );
  });

  it('regression: a push-pull of records with empty strings (12 bytes each) decodes (the count check assumed 14)', () => {
    const rec: MemberRecord = { id: '', addr: '', meta: { host: '', respPort: 0, httpPort: 0 }, incarnation: 0, state: 'alive' };
    const ms: Message[] = [{ type: 'pushPull', join: false, states: [rec, rec, rec, rec] }];
    expect(decodeBody(body(ms))).toEqual({ ok: true, messages: ms, unknown: 0 });
  });
});
