// Membership's public option and stats types; swim.ts re-exports them, the parts read them without importing the facade.
import type { Logger } from 'pino';
import type { MessageTypeName } from './codec.js';
import type { DropReason } from './envelope.js';
import type { Scheduler } from './scheduler.js';
import type { Timing } from './timing.js';
import type { Transport } from './transport.js';
import type { MemberMeta, MemberState } from './types.js';

export interface MembershipOptions {
  /** Node id, unique in the cluster (at most 255 UTF-8 bytes). */
  selfId: string;
  /** host, respPort, httpPort announced to peers. */
  meta: MemberMeta;
  /** Gossip bind address (loopback in tests). */
  bind: string;
  /** Gossip port, UDP and TCP on the same number; 0 picks a free one. */
  port: number;
  /** host:port of other members' gossip endpoints; may include self (ignored). */
  seeds: readonly string[];
  /** Carried in every packet; packets of another cluster are dropped. */
  clusterName: string;
  /** 32-byte AES-256-GCM keys; [0] encrypts, all decrypt; absent/empty = plaintext. See keyringFromSecrets. */
  keyring?: readonly Buffer[];
  profile: 'lan' | 'fast';
  log: Logger;
  /** Default: real UDP + TCP on bind:port; tests pass MemoryNetwork hosts. */
  transport?: Transport;
  /** For deterministic tests (shuffles, helper and gossip target choice). */
  random?: () => number;
  /** Addition to the documented API: timers and clock; default real. Simulations pass a VirtualScheduler view. */
  scheduler?: Scheduler;
  /** Addition: override single timing values of the profile (tests, tuning). */
  timing?: Partial<Timing>;
}

/**
 * Drop reasons beyond the envelope's: misrouted (a ping for another member id), unexpected (unknown
 * or out-of-place message type), incarnation (a rumor about us too far ahead to be honest, incarnation.ts).
 */
export type DropCounter = DropReason | 'misrouted' | 'unexpected' | 'incarnation';

export interface MembershipStats {
  readonly messagesSent: Readonly<Record<MessageTypeName, number>>;
  readonly messagesReceived: Readonly<Record<MessageTypeName, number>>;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Packets (or stream frames) dropped, by reason; unknown message types skipped are `unexpected`. */
  readonly dropped: Readonly<Record<DropCounter, number>>;
  /** State transitions observed (about any member, self included), by new state. */
  readonly transitions: Readonly<Record<MemberState, number>>;
  /** Lifeguard local health score, 0 (healthy) .. awarenessMax. */
  readonly healthScore: number;
  readonly probes: { readonly sent: number; readonly acked: number; readonly failed: number };
  /** Round-trip times of successful direct probes: count, sum and max (ms), and the last one. */
  readonly probeRtt: { readonly count: number; readonly sumMs: number; readonly maxMs: number; readonly lastMs: number };
  readonly refutes: number;
  readonly pushPull: { readonly ok: number; readonly failed: number };
  readonly incarnation: number;
  readonly members: Readonly<Record<MemberState, number>>;
}
