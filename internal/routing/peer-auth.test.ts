// Peer link authentication: CLUSTER PEER proofs made with the cluster secret are accepted once, at their target, within the window; anything else is refused.
import { describe, expect, it } from 'vitest';
import { PEER_AUTH_WINDOW_MS, PeerAuth, peerHello, peerProof } from './peer-auth.js';

const T0 = 1_800_000_000_000;

function receiver(secrets: readonly string[], now = T0): { auth: PeerAuth; clock: { t: number } } {
  const clock = { t: now };
  return { auth: new PeerAuth({ selfId: 'n2', secrets, now: () => clock.t }), clock };
}

describe('peerHello', () => {
  it('sends the plain handshake without a secret, a proof with one', () => {
    expect(peerHello({ selfId: 'n1', peerId: 'n2', secrets: [] })).toEqual(['CLUSTER', 'PEER', 'n1']);
    const argv = peerHello({ selfId: 'n1', peerId: 'n2', secrets: ['s3cret'], now: T0 });
    expect(argv.slice(0, 3)).toEqual(['CLUSTER', 'PEER', 'n1']);
    expect(argv[3]).toMatch(/^v1:1800000000000:[0-9a-f]{16}:[0-9a-f]{64}$/);
  });
});

describe('PeerAuth', () => {
  it('without a secret accepts anything (insecure mode keeps the old handshake)', () => {
    const { auth } = receiver([]);
    expect(auth.required).toBe(false);
    expect(auth.verify('n1', undefined)).toEqual({ ok: true });
  });

  it('accepts a proof once; a replay, a proof for another node, or from another sender id is refused', () => {
    const { auth } = receiver(['s3cret']);
    const proof = peerProof('s3cret', 'n1', 'n2', T0);
    expect(auth.verify('n1', proof)).toEqual({ ok: true });
    expect(auth.verify('n1', proof)).toMatchObject({ ok: false, reason: expect.stringMatching(/already used/) });
    expect(auth.verify('n1', peerProof('s3cret', 'n1', 'n3', T0))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(auth.verify('evil', peerProof('s3cret', 'n1', 'n2', T0))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
  });

  it.each([
    ['no proof', undefined, /needs a proof/],
    ['garbage', 'hello', /malformed/],
    ['a wrong secret', peerProof('guess', 'n1', 'n2', T0), /does not match/],
    ['a tampered timestamp', peerProof('s3cret', 'n1', 'n2', T0).replace(/^v1:\d+/, `v1:${T0 + 1}`), /does not match/],
    ['too old', peerProof('s3cret', 'n1', 'n2', T0 - PEER_AUTH_WINDOW_MS - 1), /expired/],
    ['too far ahead', peerProof('s3cret', 'n1', 'n2', T0 + PEER_AUTH_WINDOW_MS + 1), /expired/],
  ])('refuses %s', (_name, proof, reason) => {
    const { auth } = receiver(['s3cret']);
    const r = auth.verify('n1', proof);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('rotates like the gossip keyring: the first secret signs, every secret verifies', () => {
    const { auth } = receiver(['new', 'old']);
    expect(auth.verify('n1', peerProof('old', 'n1', 'n2', T0))).toEqual({ ok: true });
    expect(auth.verify('n1', peerProof('new', 'n1', 'n2', T0))).toEqual({ ok: true });
    expect(receiver(['new']).auth.verify('n1', peerProof('old', 'n1', 'n2', T0)).ok).toBe(false);
  });

  it('verifies quickly: 10k proofs in well under the 5 s bound', () => {
    const { auth } = receiver(['s3cret']);
    const proofs = Array.from({ length: 10_000 }, () => peerProof('s3cret', 'n1', 'n2', T0));
    const t = performance.now();
    for (const p of proofs) expect(auth.verify('n1', p).ok).toBe(true);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
