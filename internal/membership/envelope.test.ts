// Envelope tests: cluster name, AES-256-GCM sealing, tampering, key rotation, replay window and id memory.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.js';
import { Envelope, keyringFromSecrets, ReplayGuard } from './envelope.js';
import { MembershipError } from './errors.js';

const body = Buffer.from('compound body bytes');
const k1 = randomBytes(32);
const k2 = randomBytes(32);

function env(keyring: Buffer[], clock = new ManualClock(), clusterName = 'c1'): Envelope {
  return new Envelope({ clusterName, keyring, replayWindowMs: 30_000, clock });
}

describe('Envelope', () => {
  it('plaintext round trip; overhead matches', () => {
    const e = env([]);
    const p = e.seal(body);
    expect(p.length).toBe(body.length + e.overhead);
    expect(e.open(p)).toEqual({ ok: true, body });
  });

  it('encrypted round trip; the body is not visible on the wire', () => {
    const e = env([k1]);
    const p = e.seal(body);
    expect(p.length).toBe(body.length + e.overhead);
    expect(p.includes(body)).toBe(false);
    expect(env([k1]).open(p)).toEqual({ ok: true, body });
  });

  it('drops another cluster, another version and garbage', () => {
    expect(env([], undefined, 'c2').open(env([]).seal(body))).toEqual({ ok: false, reason: 'cluster' });
    const p = env([]).seal(body);
    p[2] = 2;
    expect(env([]).open(p)).toEqual({ ok: false, reason: 'version' });
    expect(env([]).open(Buffer.from('xx'))).toEqual({ ok: false, reason: 'malformed' });
    expect(env([]).open(Buffer.alloc(0))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses plaintext when keyed and ciphertext when not', () => {
    expect(env([k1]).open(env([]).seal(body))).toEqual({ ok: false, reason: 'plaintext' });
    expect(env([]).open(env([k1]).seal(body))).toEqual({ ok: false, reason: 'foreign' });
  });

  it('any single-byte tamper of an encrypted packet is dropped', () => {
    const clock = new ManualClock();
    const p = env([k1], clock).seal(body);
    for (let i = 0; i < p.length; i++) {
      const t = Buffer.from(p);
      t[i] = (t[i] ?? 0) ^ 0x01;
      const r = env([k1], clock).open(t);
      expect(r.ok, `byte ${i}`).toBe(false);
    }
  });

  it('a wrong key is refused; a keyring decrypts with old keys during rotation', () => {
    // Sealed with a key we do not hold (another cluster's secret, or a forger's): foreign.
    expect(env([k2]).open(env([k1]).seal(body))).toEqual({ ok: false, reason: 'foreign' });
    // Rotation: new nodes encrypt with k2 and still accept k1; old nodes accept k2 once it is added second.
    const rotated = env([k2, k1]);
    expect(rotated.open(env([k1]).seal(body)).ok).toBe(true);
    expect(env([k1, k2]).open(rotated.seal(body)).ok).toBe(true);
  });

  it('drops replays and packets outside the window', () => {
    const clock = new ManualClock();
    const sender = env([k1], clock);
    const receiver = env([k1], clock);
    const p = sender.seal(body);
    expect(receiver.open(p).ok).toBe(true);
    expect(receiver.open(p)).toEqual({ ok: false, reason: 'replay' });
    const old = sender.seal(body);
    clock.advance(30_001);
    expect(receiver.open(old)).toEqual({ ok: false, reason: 'replay' });
    const future = env([k1], new ManualClock(clock.now() + 60_000)).seal(body);
    expect(receiver.open(future)).toEqual({ ok: false, reason: 'replay' });
  });

  it('rejects bad options with typed errors', () => {
    expect(() => env([Buffer.alloc(16)])).toThrow(MembershipError);
    expect(() => env([], undefined, '')).toThrow(MembershipError);
  });
});

describe('ReplayGuard', () => {
  it('remembers ids within the window and forgets expired ones', () => {
    const g = new ReplayGuard(1000, 10);
    expect(g.check(100, 'a', 100)).toBe(true);
    expect(g.check(100, 'a', 500)).toBe(false);
    expect(g.check(100, 'a', 1200)).toBe(false); // outside the window anyway
    expect(g.check(1150, 'b', 1200)).toBe(true);
    expect(g.size).toBe(1); // 'a' expired
  });

  it('when full, evicts the oldest and refuses anything at or below it', () => {
    const g = new ReplayGuard(10_000, 3);
    for (const [ts, id] of [[5, 'e'], [1, 'a'], [3, 'c']] as const) expect(g.check(ts, id, 10)).toBe(true);
    expect(g.check(4, 'd', 10)).toBe(true); // evicts 'a' (ts 1): floor 1
    expect(g.check(1, 'a', 10)).toBe(false); // evicted id cannot be replayed
    expect(g.check(2, 'x', 10)).toBe(false); // evicts 'c' (ts 3): floor 3, and 2 <= 3
    expect(g.check(7, 'y', 10)).toBe(true);
    expect(g.size).toBe(3);
  });
});

describe('keyringFromSecrets', () => {
  it('derives 32-byte keys, first secret first, skipping empties', () => {
    const ring = keyringFromSecrets(['new', '', 'old']);
    expect(ring.map((k) => k.length)).toEqual([32, 32]);
    expect(ring[0]?.toString('hex')).toBe('11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437');
    expect(keyringFromSecrets([])).toEqual([]);
  });
});
