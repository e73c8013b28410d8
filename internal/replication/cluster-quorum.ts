// Which members the cluster has (alive or not): a node that sees no majority of them is on the minority side of a partition.
//
// Membership forgets dead members after a while (reapAfterMs), so the count cannot come from it:
// this set remembers every member seen in the ring and forgets one only when it left gracefully
// (state 'left'), which is how an operator shrinks the cluster. A member that died stays counted:
// the survivors of a 3-node cluster keep a majority with 2; one survivor alone does not.
import type { MemberState } from '../membership/types.js';

/** Strict majority, as Redis Cluster's failure reports: more than half of the known members. */
export function hasMajority(visible: number, known: number): boolean {
  return visible * 2 > known;
}

export class Quorum {
  private readonly known = new Set<string>();

  /**
   * Takes a new ring: its members are known from now on; known members missing from it are
   * forgotten only when membership says they left. Returns whether the ring holds a majority.
   */
  update(ringMembers: readonly string[], stateOf: (id: string) => MemberState | undefined): boolean {
    for (const id of ringMembers) this.known.add(id);
    const inRing = new Set(ringMembers);
    for (const id of [...this.known]) if (!inRing.has(id) && stateOf(id) === 'left') this.known.delete(id);
    return hasMajority(ringMembers.length, this.known.size);
  }

  get size(): number {
    return this.known.size;
  }
}
