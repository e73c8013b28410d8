// Peer link authentication: the CLUSTER PEER handshake a link sends (with a timestamped HMAC of the cluster secret) and the check the receiving node makes.
//
// API (forwarding links, replication links and anything else that opens a peer connection):
//   peerHello({ selfId, peerId, secrets })  -> argv to send first on the connection:
//       CLUSTER PEER <selfId>                 without secrets (insecure / loopback cluster: as before)
//       CLUSTER PEER <selfId> <proof>         with secrets; the reply is +OK or an -ERR naming why
//   new PeerAuth({ selfId, secrets }).verify(peerId, proof) on the receiving side (routing/cluster.ts
//   calls it from CLUSTER PEER); on success the connection is marked `client.peer`, which the
//   peer-only commands (CLUSTER TRACK, CLUSTER HANDOFF, ...) and the ACL code read.
//
// proof = "v1:<unix ms>:<16 hex nonce>:<hex HMAC-SHA256(K, 'ringcache-peer-v1' NUL from NUL to NUL ms NUL nonce)>"
// K = SHA-256('ringcache-peer-auth' || secret): a key of its own, not the gossip AES key. The first
// secret of the keyring signs, every secret verifies (rotation as for gossip). Binding `to` (the
// receiver's node id) keeps a proof sniffed on one link from opening a link to another node; the
// receiver remembers nonces for the window, so a proof works once.
// Why a timestamped HMAC rather than a challenge round trip: the link pipelines its handshake with
// the first forwarded commands (one write, no extra round trip, no new link state), and a replication
// link can call one function. The cost is that members' clocks must agree within PEER_AUTH_WINDOW_MS;
// encrypted gossip already needs them within its 30 s replay window, so no new requirement.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ReplayGuard } from '../membership/envelope.js';

/** How far a proof's timestamp may be from the receiver's clock (ms), either way. */
export const PEER_AUTH_WINDOW_MS = 60_000;
const LABEL = 'ringcache-peer-v1';

function peerKey(secret: string): Buffer {
  return createHash('sha256').update('ringcache-peer-auth').update(secret, 'utf8').digest();
}

function mac(key: Buffer, from: string, to: string, ts: string, nonce: string): Buffer {
  return createHmac('sha256', key).update(`${LABEL}\0${from}\0${to}\0${ts}\0${nonce}`, 'utf8').digest();
}

export interface PeerHelloOptions {
  /** The sending node's id. */
  readonly selfId: string;
  /** The id of the node the connection goes to (the proof is valid only there). */
  readonly peerId: string;
  /** The cluster keyring (cluster.secret); empty: no proof, the insecure handshake. */
  readonly secrets: readonly string[];
  /** Wall-clock ms (tests); default Date.now(). */
  readonly now?: number;
}

/** The handshake command a peer connection sends before anything else. */
export function peerHello(o: PeerHelloOptions): string[] {
  const first = o.secrets[0];
  if (first === undefined || first === '') return ['CLUSTER', 'PEER', o.selfId];
  return ['CLUSTER', 'PEER', o.selfId, peerProof(first, o.selfId, o.peerId, o.now ?? Date.now())];
}

/** A proof that `from` holds `secret`, for a connection to `to`, made at `nowMs`. */
export function peerProof(secret: string, from: string, to: string, nowMs: number, nonce = randomBytes(8).toString('hex')): string {
  const ts = String(Math.trunc(nowMs));
  return `v1:${ts}:${nonce}:${mac(peerKey(secret), from, to, ts, nonce).toString('hex')}`;
}

export type PeerAuthResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface PeerAuthOptions {
  /** This (receiving) node's id. */
  readonly selfId: string;
  readonly secrets: readonly string[];
  /** Wall clock (ms); default Date.now. */
  readonly now?: () => number;
  readonly windowMs?: number;
}

/** The receiving side: checks CLUSTER PEER proofs and remembers their nonces for the window. */
export class PeerAuth {
  private readonly keys: readonly Buffer[];
  private readonly replay: ReplayGuard;
  private readonly now: () => number;

  constructor(private readonly o: PeerAuthOptions) {
    this.keys = o.secrets.filter((s) => s !== '').map(peerKey);
    this.replay = new ReplayGuard(o.windowMs ?? PEER_AUTH_WINDOW_MS, 16_384);
    this.now = o.now ?? Date.now;
  }

  /** A proof is needed (a cluster secret is configured); false keeps the insecure handshake. */
  get required(): boolean {
    return this.keys.length > 0;
  }

  /** Whether `proof` (absent: none was sent) lets node `from` open a peer link to this node. */
  verify(from: string, proof: string | undefined): PeerAuthResult {
    if (!this.required) return { ok: true };
    if (proof === undefined) return { ok: false, reason: 'this node has a cluster secret: CLUSTER PEER needs a proof of it' };
    const m = /^v1:(\d{1,15}):([0-9a-f]{16}):([0-9a-f]{64})$/.exec(proof);
    if (m === null) return { ok: false, reason: 'malformed proof' };
    const [, ts, nonce, hex] = m as unknown as [string, string, string, string];
    const got = Buffer.from(hex, 'hex');
    const good = this.keys.some((k) => timingSafeEqual(mac(k, from, this.o.selfId, ts, nonce), got));
    if (!good) return { ok: false, reason: 'proof does not match the cluster secret' };
    if (!this.replay.check(Number(ts), `${from}\0${nonce}`, this.now())) return { ok: false, reason: 'proof expired or already used (are the clocks of the members in sync?)' };
    return { ok: true };
  }
}
