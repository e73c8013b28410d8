// The replication contract: what REPLICAOF, REPLCONF, PSYNC/SYNC, WAIT, ROLE, INFO replication and the executor's write gate ask of the node's replication.
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import type { CommandError } from './errors.js';
import type { InfoFields } from './figures.js';

export interface ReplicationApi {
  /** REPLICAOF host port: the status line (`OK` or `OK Already connected to specified master`). */
  replicaOf(host: string, port: number): string;
  /** REPLICAOF NO ONE: promotion; a no-op on a primary. */
  promote(): void;
  /** REPLCONF <option> <value> ... from `client`: the reply, or null for none (ACK). Throws CommandError. */
  replconf(client: Client, args: readonly string[]): Reply | null;
  /** PSYNC replid offset (or SYNC when `replid` is null): takes the connection over as a replica link. */
  sync(client: Client, replid: string | null, offset: string): Reply;
  /** WAIT: how many replicas acknowledged everything written so far, within `timeoutMs` (0 = no limit); never blocks unless `mayBlock`. */
  wait(client: Client, numreplicas: number, timeoutMs: number, mayBlock: boolean): number | Promise<number>;
  /** ROLE's reply. */
  role(): Reply;
  /** INFO replication, in Redis's order. */
  info(now: number): InfoFields;
  /**
   * Checked before a write-flagged command runs: READONLY on a read-only replica (except for
   * its primary's link), NOREPLICAS under min-replicas-to-write. Null to let it run.
   */
  refuseWrite(client: Client): CommandError | null;
  /** Whether this node replicates from a primary now. */
  readonly isReplica: boolean;
}
