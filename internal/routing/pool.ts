// Forwarding links to peers: one shared pipelined link per (peer, protocol), plus per-client session links for WATCH and blocking commands.
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import type { MemberInfo } from '../membership/types.js';
import { PeerLink } from './link.js';

export interface PoolOptions {
  selfId: string;
  password: () => string;
  /** cluster.secret's keyring, proven in each link's CLUSTER PEER handshake (peer-auth.ts). */
  secrets?: readonly string[];
  timeoutMs: () => number;
  log: Logger;
  /** Shared links per peer and protocol (default 4). */
  width?: number;
  /** Forwarded commands' outcomes and latencies (metrics). */
  observe?: (outcome: string, seconds: number) => void;
  /** The links' clock: reply deadlines, reconnect backoff (default systemClock). */
  clock?: Clock;
  /** A push frame on a shared link to `peer` (client-side caching invalidations). */
  onPush?: (peer: string, frame: Buffer) => void;
  /** A shared link to `peer` that carried tracked reads dropped. */
  onTrackingLost?: (peer: string) => void;
}

/**
 * Shared links carry the forwarded commands of every client (a command that cannot block, or a
 * MULTI ... EXEC list, never holds the link). Session links belong to one client: a WATCH must be
 * on the same connection as its EXEC, and a blocking command would stall a shared link.
 */
/** Longest a link to a member that left the ring stays open for its requests in flight (ms). */
const LINGER_MS = 5000;

export class LinkPool {
  private readonly shared = new Map<string, PeerLink>();
  /** Per-command lookup by the member object routing holds (no key string built per command). */
  private readonly byInfo: WeakMap<MemberInfo, PeerLink>[] = [];
  private readonly sessions = new Map<object, Map<string, PeerLink>>();

  /**
   * Shared links per (peer, protocol). More than one lets the owner read, run and answer the
   * clients' pipelines in several smaller batches that overlap with this node's work, instead of
   * one batch per turn in lockstep; a client always uses the same one (its commands stay in order).
   */
  readonly width: number;

  /** TLS options for links made from now on (tls-cluster, set by the node), read at each connect; null: plain TCP. */
  tls: (() => ConnectionOptions | null) | null = null;

  constructor(private readonly opts: PoolOptions) {
    this.width = opts.width ?? 4;
    for (let i = 0; i < 2 * this.width; i++) this.byInfo.push(new WeakMap());
  }

  private make(m: MemberInfo, proto: 2 | 3, session: boolean): PeerLink {
    return new PeerLink({
      peer: m.id,
      host: m.meta.host,
      port: m.meta.respPort,
      selfId: this.opts.selfId,
      proto,
      password: this.opts.password,
      ...(this.opts.secrets ? { secrets: this.opts.secrets } : {}),
      // Session links carry blocking commands: no reply deadline (the command has its own timeout).
      timeoutMs: session ? () => 0 : this.opts.timeoutMs,
      log: this.opts.log,
      clock: this.opts.clock ?? systemClock,
      ...(this.tls !== null ? { tls: this.tls } : {}),
      ...(this.opts.observe ? { observe: this.opts.observe } : {}),
      // Tracked reads use shared links only (a session link's reads are invalidated at once instead).
      ...(!session && this.opts.onPush ? { onPush: (frame: Buffer) => this.opts.onPush?.(m.id, frame) } : {}),
      ...(!session && this.opts.onTrackingLost ? { onTrackingLost: () => this.opts.onTrackingLost?.(m.id) } : {}),
    });
  }

  /** The shared link to `m` for clients of protocol `proto`; a member that moved (restarted elsewhere) gets a fresh link. */
  link(m: MemberInfo, proto: 2 | 3, lane = 0): PeerLink {
    const slot = (proto - 2) * this.width + (lane % this.width);
    const cache = this.byInfo[slot] as WeakMap<MemberInfo, PeerLink>;
    const hit = cache.get(m);
    if (hit !== undefined && !hit.closed) return hit;
    const l = this.linkSlow(m, proto, lane % this.width);
    cache.set(m, l);
    return l;
  }

  private linkSlow(m: MemberInfo, proto: 2 | 3, lane: number): PeerLink {
    const key = `${proto}\0${lane}\0${m.id}`;
    let l = this.shared.get(key);
    if (l !== undefined && (l.opts.host !== m.meta.host || l.opts.port !== m.meta.respPort)) {
      l.close();
      l = undefined;
    }
    if (l === undefined) {
      l = this.make(m, proto, false);
      this.shared.set(key, l);
    }
    return l;
  }

  /** The session link of `owner` (a client) to `m`, created on first use. */
  session(owner: object, m: MemberInfo, proto: 2 | 3): PeerLink {
    let byPeer = this.sessions.get(owner);
    if (byPeer === undefined) {
      byPeer = new Map();
      this.sessions.set(owner, byPeer);
    }
    let l = byPeer.get(m.id);
    if (l !== undefined && (l.opts.host !== m.meta.host || l.opts.port !== m.meta.respPort || l.opts.proto !== proto)) {
      l.close();
      l = undefined;
    }
    if (l === undefined) {
      l = this.make(m, proto, true);
      byPeer.set(m.id, l);
    }
    return l;
  }

  /**
   * A link of its own to `m` (RESP2, with reply deadlines), not kept by the pool: the caller owns
   * it and closes it (cluster replication streams, whose large chunks must not queue ahead of
   * forwarded commands on the shared links).
   */
  dedicated(m: MemberInfo): PeerLink {
    return this.make(m, 2, false);
  }

  /** The client's session link to `peer`, if it has one. */
  existingSession(owner: object, peer: string): PeerLink | undefined {
    return this.sessions.get(owner)?.get(peer);
  }

  closeSessions(owner: object): void {
    const byPeer = this.sessions.get(owner);
    if (byPeer === undefined) return;
    this.sessions.delete(owner);
    for (const l of byPeer.values()) l.close();
  }

  /**
   * Drops links to members that left the ring: nothing new is sent on them, and each closes once
   * its requests in flight were answered (a member leaving gracefully still answers them), or after
   * LINGER_MS (a dead member's time out).
   */
  retain(ids: ReadonlySet<string>): void {
    for (const [key, l] of this.shared) {
      if (!ids.has(l.opts.peer)) {
        this.shared.delete(key);
        this.closeWhenIdle(l, performance.now() + LINGER_MS);
      }
    }
  }

  private closeWhenIdle(l: PeerLink, deadline: number): void {
    if (l.inFlight === 0 || performance.now() >= deadline) return l.close();
    setTimeout(() => this.closeWhenIdle(l, deadline), 20).unref();
  }

  stats(): { peer: string; proto: number; connected: boolean; inFlight: number; served: number }[] {
    return [...this.shared.values()].map((l) => ({ peer: l.opts.peer, proto: l.opts.proto, connected: l.isConnected, inFlight: l.inFlight, served: l.served }));
  }

  close(): void {
    for (const l of this.shared.values()) l.close();
    this.shared.clear();
    for (const owner of [...this.sessions.keys()]) this.closeSessions(owner);
  }
}
