// Cluster metrics source built from the membership contract: members by state and state transitions, plus what the node adds.
import type { MembershipView } from '../membership/types.js';
import type { ClusterMetricsSource, GossipCount, TransitionCount } from './metrics.js';

/** What the node knows besides membership: the ring and SWIM's own counters. */
export interface ClusterSourceExtras {
  /** Slots (of 16384) this node owns in its current ring. */
  ownedSlots(): number;
  ringEpoch?(): number;
  /** Cumulative gossip messages by type and direction (membership's stats()). */
  gossipMessages?(): Iterable<GossipCount>;
  /** Cumulative gossip packets dropped, by reason (membership's stats().dropped). */
  gossipDropped?(): Readonly<Record<string, number>>;
  /** Lifeguard local health multiplier. */
  localHealth?(): number;
  /** Keys moved by slot handoff (routing/handoff.ts stats). */
  handoffKeys?(): { sent: number; received: number; replaced: number; skipped: number };
  replicaStreams?(): readonly { peer: string; lagBytes: number; lagMs: number; inSync: boolean }[];
}

/**
 * A ClusterMetricsSource over a MembershipView. Transitions are counted from onChange as they
 * happen (a counter per from/to pair, so nothing is kept per member); members by state are read
 * from members() at scrape time. Returns the source and the unsubscribe function for stop().
 */
export function clusterSourceFromView(view: MembershipView, extras: ClusterSourceExtras): { source: ClusterMetricsSource; close: () => void } {
  const transitions = new Map<string, { from: string; to: string; count: number }>();
  const close = view.onChange(({ member, previous }) => {
    const from = previous ?? 'none';
    const key = `${from}>${member.state}`;
    const t = transitions.get(key);
    if (t === undefined) transitions.set(key, { from, to: member.state, count: 1 });
    else t.count++;
  });
  const source: ClusterMetricsSource = {
    membersByState: () => {
      const by: Record<string, number> = {};
      for (const m of view.members()) by[m.state] = (by[m.state] ?? 0) + 1;
      return by;
    },
    stateTransitions: (): Iterable<TransitionCount> => transitions.values(),
    ownedSlots: () => extras.ownedSlots(),
    ...(extras.ringEpoch ? { ringEpoch: () => (extras.ringEpoch as () => number)() } : {}),
    ...(extras.gossipMessages ? { gossipMessages: () => (extras.gossipMessages as () => Iterable<GossipCount>)() } : {}),
    ...(extras.gossipDropped ? { gossipDropped: extras.gossipDropped } : {}),
    ...(extras.localHealth ? { localHealth: () => (extras.localHealth as () => number)() } : {}),
    ...(extras.handoffKeys ? { handoffKeys: extras.handoffKeys } : {}),
    ...(extras.replicaStreams ? { replicaStreams: extras.replicaStreams } : {}),
  };
  return { source, close };
}

/** Membership's message counters (swim.ts MembershipStats: messagesSent / messagesReceived by type) as GossipCounts. */
export function gossipCounts(stats: { readonly messagesSent: Readonly<Record<string, number>>; readonly messagesReceived: Readonly<Record<string, number>> }): GossipCount[] {
  const out: GossipCount[] = [];
  for (const [type, count] of Object.entries(stats.messagesSent)) out.push({ type, direction: 'out', count });
  for (const [type, count] of Object.entries(stats.messagesReceived)) out.push({ type, direction: 'in', count });
  return out;
}
