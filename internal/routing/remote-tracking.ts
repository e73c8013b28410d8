// Client-side caching across the cluster: a tracking client's read forwarded to the key's owner is tracked there for this node, the owner pushes the invalidation back on the same link, and this node tells its own clients (docs/cluster.md, "Client-side caching").
//
// This node (A) keeps its own tracking table for every key its clients read, here or elsewhere,
// and remembers for a forwarded read which member (B) served it. The read goes to B behind a
// CLUSTER TRACK on the same shared peer link, so B remembers the key for that link (B's peer
// client, in OPTIN mode with CACHING for that one command). When the key changes on B (a write
// from anywhere, expiry, eviction, handoff, FLUSHALL), B pushes `>2 invalidate [key]` (or `_`) on
// that link; A applies it in the next event-loop turn, after the replies read with it reached
// their clients, as if the key had changed here.
//
// Conservative where it cannot know: a link that carried tracked reads drops -> every key read
// from that member is invalidated (B forgot what it tracked for the link); the ring changes ->
// every key whose owner is no longer the member it was read from (or no longer this node) is
// invalidated; a read that went over a client's session link (blocking reads, a transaction
// WATCHed on the owner) is invalidated right after its reply, since no tracked link carries it.
import type { Logger } from 'pino';
import type { CommandSpec } from '../contracts/command.js';
import type { RemoteTrackingHooks } from '../contracts/tracking.js';
import { keyIndexes } from '../commands/spec.js';
import { keyHashSlot } from '../ring/slot.js';
import { parseReply } from '../resp/reply-reader.js';
import type { Client } from '../server/client.js';
import type { PeerLink } from './link.js';
import type { ClusterState } from './state.js';

/** The owner remembers the keys the next command reads for this link (cluster.ts: CLUSTER TRACK). */
export const TRACK_COMMAND: readonly string[] = ['CLUSTER', 'TRACK'];

/** Keys of `argv` when `client` tracks what `spec` reads; null when nothing is to be tracked. */
export function trackedKeys(hooks: RemoteTrackingHooks | undefined, client: Client, spec: CommandSpec, argv: readonly string[]): string[] | null {
  if (client.tracking === null || hooks === undefined || !hooks.tracksRead(client, spec)) return null;
  return keyIndexes(spec, argv).map((i) => argv[i] as string);
}

export class RemoteTracking {
  /** Invalidations (keys, or null for everything read from the member) waiting for the next turn. */
  private queue: { owner: string; keys: string[] | null }[] = [];
  private scheduled = false;

  constructor(
    readonly hooks: RemoteTrackingHooks,
    private readonly state: ClusterState,
    private readonly log: Logger,
  ) {}

  /**
   * Sends `commands` to `owner` on a shared link, behind CLUSTER TRACK; resolves with their reply
   * frames. `keys` (what they read) are remembered for `client` once the owner answered and
   * confirmed the tracking (an owner without CLUSTER TRACK answers an error: nothing is tracked).
   */
  request(link: PeerLink, client: Client, owner: string, commands: readonly (readonly string[])[], db: number, keys: readonly string[], timeoutMs?: number): Promise<Buffer[]> {
    link.tracked = true;
    return link.request([TRACK_COMMAND, ...commands], db, timeoutMs).then((frames) => {
      if ((frames[0] as Buffer)[0] !== 43) {
        this.log.warn({ peer: owner, reply: (frames[0] as Buffer).toString('latin1').trim() }, 'owner refused CLUSTER TRACK; reads from it are invalidated at once');
        this.untracked(client, owner, keys);
      } else if (keys.some((k) => this.ownerOf(k) !== owner)) {
        // The ring changed while the read was in flight: the new owner does not know this node read it.
        this.untracked(client, owner, keys);
      } else {
        this.hooks.rememberRemote(client, keys, owner);
      }
      return frames.slice(1);
    });
  }

  /** A key's owner now (null: this node). */
  private ownerOf(key: string): string | null {
    const slot = keyHashSlot(key);
    return this.state.isLocal(slot) ? null : this.state.owner(slot).id;
  }

  /** A read that came back over a session link (nothing tracks it on the owner): its readers are told at once, after the reply. */
  untracked(client: Client, owner: string, keys: readonly string[]): void {
    this.hooks.rememberRemote(client, keys, owner);
    this.enqueue(owner, [...keys]);
  }

  /** A push on a shared link to `owner`: `>2 invalidate [keys]` or `>2 invalidate _`. */
  onPush(owner: string, frame: Buffer): void {
    let keys: string[] | null;
    try {
      const r = parseReply(frame).reply;
      const v = r.t === 'push' ? r.v : [];
      const kind = v[0];
      if (kind === undefined || kind.t !== 'bulk' || kind.v !== 'invalidate') return;
      const what = v[1];
      keys = what !== undefined && what.t === 'array' ? what.v.map((k) => (k.t === 'bulk' ? k.v : '')) : null;
    } catch (e) {
      // Unknown here means stale there: drop everything read from that member.
      this.log.warn({ peer: owner, err: e }, 'unreadable push from a peer; invalidating what was read from it');
      keys = null;
    }
    this.enqueue(owner, keys);
  }

  /** A shared link to `owner` that carried tracked reads dropped: everything read from it is void. */
  onTrackingLost(owner: string): void {
    this.enqueue(owner, null);
  }

  /** The ring changed: keys read from a member that no longer owns them (or here, and moved away) are void. */
  onRingChange(): void {
    this.hooks.ringChanged((key) => this.ownerOf(key));
  }

  private enqueue(owner: string, keys: string[] | null): void {
    this.queue.push({ owner, keys });
    if (this.scheduled) return;
    this.scheduled = true;
    // Next turn: the replies read with the push (resolved in microtasks) reach their clients first,
    // and remember their keys, so an invalidation never overtakes the read it is about.
    setImmediate(() => {
      this.scheduled = false;
      const q = this.queue;
      this.queue = [];
      for (const { owner: o, keys: k } of q) this.hooks.invalidateRemote(k, o);
    });
  }
}
