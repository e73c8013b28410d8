// Packet envelope: versioned header, cluster name, AES-256-GCM sealing with a keyring, and replay protection.
//
// Layout (all integers big-endian):
//   0   2  magic 'rc' (0x72 0x63)
//   2   1  version (1)
//   3   1  flags: bit 0 = encrypted
//   4   1  cluster name length L (1..255)
//   5   L  cluster name
//   .   6  sender timestamp, Unix ms
//   .   8  random message id
//   plaintext: body follows.
//   encrypted: 4-byte key id (first 4 bytes of SHA-256("ringcache-key-id" || key)), 12-byte random
//   nonce, ciphertext, 16-byte GCM tag. Everything before the nonce is the additional
//   authenticated data, so cluster name, timestamp and message id cannot be altered either.
// With a keyring, plaintext packets are refused and a packet whose (timestamp, id) is outside the
// window or already seen is dropped as a replay. Without a keyring, packets are not authenticated
// and replay checks would protect nothing, so none are made.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import { MembershipError } from './errors.js';

export const ENVELOPE_VERSION = 1;
const MAGIC0 = 0x72;
const MAGIC1 = 0x63;
const FLAG_ENCRYPTED = 1;
const KEY_ID_BYTES = 4;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Why open() refused a packet: malformed (not an envelope, truncated), version (unknown envelope
 * version), cluster (another cluster name), plaintext (a clear packet while we hold a keyring),
 * foreign (sealed with a key we do not hold, or sealed while we have no keyring), decrypt (a key we
 * hold by id but authentication failed: forged or tampered), replay (outside the window or seen).
 */
export type DropReason = 'malformed' | 'version' | 'cluster' | 'plaintext' | 'foreign' | 'decrypt' | 'replay';
export const DROP_REASONS: readonly DropReason[] = ['malformed', 'version', 'cluster', 'plaintext', 'foreign', 'decrypt', 'replay'];

/**
 * Keyring from configured secrets (cluster.secret): each secret, any string, becomes a 32-byte
 * AES-256 key as SHA-256 of its UTF-8 bytes. The first key encrypts; all decrypt, so a key is
 * rotated by adding the new secret first, then dropping the old one once every node has it.
 * Secrets should be long random strings: there is no salt or stretching.
 */
export function keyringFromSecrets(secrets: readonly string[]): Buffer[] {
  return secrets.filter((s) => s.length > 0).map((s) => createHash('sha256').update(s, 'utf8').digest());
}

export function keyId(key: Buffer): Buffer {
  return createHash('sha256').update('ringcache-key-id').update(key).digest().subarray(0, KEY_ID_BYTES);
}

/**
 * Remembers authenticated message ids for the replay window. Bounded: when full, the oldest id is
 * evicted and its timestamp becomes a floor, and packets at or below the floor are refused, so an
 * evicted id can never be replayed successfully (at worst a flood makes the window stricter).
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  // Binary min-heap on timestamp, so eviction and expiry always drop the oldest entry.
  private readonly heap: { ts: number; id: string }[] = [];
  private floor = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 65_536,
  ) {}

  /** True if fresh (and now remembered); false if outside the window, at/below the floor, or seen. */
  check(ts: number, id: string, now: number): boolean {
    this.expire(now);
    if (Math.abs(now - ts) > this.windowMs || ts <= this.floor || this.seen.has(id)) return false;
    if (this.heap.length >= this.capacity) {
      const old = this.pop();
      if (old) this.floor = Math.max(this.floor, old.ts);
      if (ts <= this.floor) return false;
    }
    this.seen.add(id);
    this.push({ ts, id });
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private expire(now: number): void {
    while (this.heap.length > 0 && (this.heap[0]?.ts ?? Infinity) < now - this.windowMs) this.pop();
  }

  private push(e: { ts: number; id: string }): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p];
      if (!pe || pe.ts <= e.ts) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  private pop(): { ts: number; id: string } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined) return undefined;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mTs = last.ts;
        const le = h[l];
        const re = h[r];
        if (le && le.ts < mTs) {
          m = l;
          mTs = le.ts;
        }
        if (re && re.ts < mTs) m = r;
        if (m === i) break;
        const me = h[m];
        if (!me) break;
        h[i] = me;
        i = m;
      }
      h[i] = last;
    }
    this.seen.delete(top.id);
    return top;
  }
}

export interface EnvelopeOptions {
  readonly clusterName: string;
  /** 32-byte keys; [0] seals. Empty: plaintext. */
  readonly keyring: readonly Buffer[];
  readonly replayWindowMs: number;
  readonly clock: Clock;
}

export type OpenResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: DropReason };

export class Envelope {
  private readonly name: Buffer;
  private readonly keys: readonly { id: Buffer; key: Buffer }[];
  private readonly replay: ReplayGuard;

  constructor(private readonly opts: EnvelopeOptions) {
    this.name = Buffer.from(opts.clusterName, 'utf8');
    if (this.name.length < 1 || this.name.length > 255) {
      throw new MembershipError('INVALID_OPTIONS', 'clusterName must be 1-255 bytes');
    }
    for (const k of opts.keyring) {
      if (k.length !== 32) throw new MembershipError('INVALID_OPTIONS', `keyring keys must be 32 bytes (got ${k.length})`);
    }
    this.keys = opts.keyring.map((key) => ({ id: keyId(key), key }));
    this.replay = new ReplayGuard(opts.replayWindowMs);
  }

  get encrypted(): boolean {
    return this.keys.length > 0;
  }

  /** Bytes seal() adds around a body; compound packets budget the MTU with it. */
  get overhead(): number {
    return 5 + this.name.length + 6 + 8 + (this.encrypted ? KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES : 0);
  }

  seal(body: Buffer): Buffer {
    const first = this.keys[0];
    const header = Buffer.concat([
      Buffer.from([MAGIC0, MAGIC1, ENVELOPE_VERSION, first ? FLAG_ENCRYPTED : 0, this.name.length]),
      this.name,
      uint48(this.opts.clock.now()),
      randomBytes(8),
    ]);
    if (!first) return Buffer.concat([header, body]);
    const aad = Buffer.concat([header, first.id]);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', first.key, nonce);
    cipher.setAAD(aad);
    const ct = Buffer.concat([cipher.update(body), cipher.final()]);
    return Buffer.concat([aad, nonce, ct, cipher.getAuthTag()]);
  }

  /** Checks and opens a packet. Never throws: every failure is a drop reason. */
  open(packet: Buffer): OpenResult {
    if (packet.length < 5 || packet[0] !== MAGIC0 || packet[1] !== MAGIC1) return drop('malformed');
    if (packet[2] !== ENVELOPE_VERSION) return drop('version');
    const flags = packet[3] ?? 0;
    const nameLen = packet[4] ?? 0;
    const headerEnd = 5 + nameLen + 14;
    if (packet.length < headerEnd || (flags & ~FLAG_ENCRYPTED) !== 0) return drop('malformed');
    if (!packet.subarray(5, 5 + nameLen).equals(this.name)) return drop('cluster');
    const encrypted = (flags & FLAG_ENCRYPTED) !== 0;
    if (encrypted !== this.encrypted) return drop(encrypted ? 'foreign' : 'plaintext');
    if (!encrypted) return { ok: true, body: packet.subarray(headerEnd) };

    if (packet.length < headerEnd + KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES) return drop('malformed');
    const ts = packet.readUIntBE(5 + nameLen, 6);
    const now = this.opts.clock.now();
    // Cheap rejection before any decryption; the id is only remembered once authenticated.
    if (Math.abs(now - ts) > this.opts.replayWindowMs) return drop('replay');
    const aad = packet.subarray(0, headerEnd + KEY_ID_BYTES);
    const kid = packet.subarray(headerEnd, headerEnd + KEY_ID_BYTES);
    const nonce = packet.subarray(headerEnd + KEY_ID_BYTES, headerEnd + KEY_ID_BYTES + NONCE_BYTES);
    const ct = packet.subarray(headerEnd + KEY_ID_BYTES + NONCE_BYTES, packet.length - TAG_BYTES);
    const tag = packet.subarray(packet.length - TAG_BYTES);
    let known = false;
    for (const k of this.keys) {
      if (!k.id.equals(kid)) continue;
      known = true;
      let body: Buffer;
      try {
        const d = createDecipheriv('aes-256-gcm', k.key, nonce);
        d.setAAD(aad);
        d.setAuthTag(tag);
        body = Buffer.concat([d.update(ct), d.final()]);
      } catch {
        continue; // wrong key with a colliding id, or tampered: try the next
      }
      const msgId = packet.subarray(5 + nameLen + 6, headerEnd).toString('hex');
      if (!this.replay.check(ts, msgId, now)) return drop('replay');
      return { ok: true, body };
    }
    return drop(known ? 'decrypt' : 'foreign');
  }
}

function drop(reason: DropReason): OpenResult {
  return { ok: false, reason };
}

function uint48(v: number): Buffer {
  const b = Buffer.allocUnsafe(6);
  b.writeUIntBE(Math.max(0, Math.min(v, 2 ** 48 - 1)), 0, 6);
  return b;
}
