// Pub/Sub registry: channel, pattern and shard-channel subscribers, and message fan-out to them.
import { compileGlob, type CompiledGlob, matchCompiled } from '../glob/glob.js';
import { bulk, push, type Reply } from '../resp/reply.js';
import type { Client } from './client.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

interface PatternSubs {
  readonly glob: CompiledGlob;
  readonly clients: Set<Client>;
}

export class PubSub {
  private readonly channels = new Map<string, Set<Client>>();
  private readonly patterns = new Map<string, PatternSubs>();
  private readonly shard = new Map<string, Set<Client>>();

  private own(c: Client, kind: SubscriptionKind): Set<string> {
    return kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
  }

  /** Adds a subscription; returns false when the client already had it. */
  subscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const own = this.own(c, kind);
    if (own.has(name)) return false;
    own.add(name);
    if (kind === 'pattern') {
      let p = this.patterns.get(name);
      if (p === undefined) {
        p = { glob: compileGlob(name), clients: new Set() };
        this.patterns.set(name, p);
      }
      p.clients.add(c);
    } else {
      const map = kind === 'channel' ? this.channels : this.shard;
      let set = map.get(name);
      if (set === undefined) {
        set = new Set();
        map.set(name, set);
      }
      set.add(c);
    }
    return true;
  }

  /** Removes a subscription; returns false when the client did not have it. */
  unsubscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const own = this.own(c, kind);
    if (!own.delete(name)) return false;
    if (kind === 'pattern') {
      const p = this.patterns.get(name);
      p?.clients.delete(c);
      if (p && p.clients.size === 0) this.patterns.delete(name);
    } else {
      const map = kind === 'channel' ? this.channels : this.shard;
      const set = map.get(name);
      set?.delete(c);
      if (set && set.size === 0) map.delete(name);
    }
    return true;
  }

  /** The client's subscriptions of one kind, in subscription order. */
  subscriptionsOf(c: Client, kind: SubscriptionKind): string[] {
    return [...this.own(c, kind)];
  }

  /** Drops everything a closed or RESET client held. */
  dropClient(c: Client): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of [...this.own(c, kind)]) this.unsubscribe(c, kind, name);
    }
  }

  /** PUBLISH: delivers to channel subscribers and matching patterns; returns the receiver count. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      const msg = push([bulk('message'), bulk(channel), bulk(message)]);
      for (const c of subs) {
        c.deliver(msg);
        n++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, p] of this.patterns) {
        if (!matchCompiled(p.glob, channel)) continue;
        const msg = push([bulk('pmessage'), bulk(pattern), bulk(channel), bulk(message)]);
        for (const c of p.clients) {
          c.deliver(msg);
          n++;
        }
      }
    }
    return n;
  }

  /** SPUBLISH: shard-channel subscribers only. */
  spublish(channel: string, message: string): number {
    const subs = this.shard.get(channel);
    if (subs === undefined) return 0;
    const msg = push([bulk('smessage'), bulk(channel), bulk(message)]);
    for (const c of subs) c.deliver(msg);
    return subs.size;
  }

  /** Active channels (with at least one subscriber), optionally filtered by a glob. */
  channelNames(kind: 'channel' | 'shard', pattern?: string): string[] {
    const map = kind === 'channel' ? this.channels : this.shard;
    if (pattern === undefined) return [...map.keys()];
    const g = compileGlob(pattern);
    return [...map.keys()].filter((ch) => matchCompiled(g, ch));
  }

  numsub(kind: 'channel' | 'shard', channel: string): number {
    return (kind === 'channel' ? this.channels : this.shard).get(channel)?.size ?? 0;
  }

  get numpat(): number {
    return this.patterns.size;
  }

  get channelCount(): number {
    return this.channels.size;
  }
}

/** The confirmation Redis sends for (un)subscribe: [kind, name, count] as a push. */
export function subscriptionReply(kind: string, name: string | null, count: number): Reply {
  return push([bulk(kind), name === null ? { t: 'nullbulk' } : bulk(name), { t: 'int', v: count }]);
}
