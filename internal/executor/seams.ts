// The executor's seams: the journal it feeds, the router it asks, the hook before writes, and the durability error replies turn into.
import type { CommandSpec } from '../contracts/command.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';

/** Receives every write as it must be replayed (AOF, replicas). */
export interface Journal {
  /**
   * Takes the write now: the executor reuses the argv list afterwards (the strings stay). `client`
   * is the connection whose command wrote it (absent for the node's own deletions: expiry).
   */
  append(db: number, argv: readonly string[], client?: Client): void;
  /**
   * Whether append would keep anything now (a replica stream, an open AOF). Absent means always.
   * While no journal listens, commands do not collect their writes at all (ExecContext.propagate).
   */
  listening?(): boolean;
  /**
   * A promise that settles once everything appended so far is durable (AOF appendfsync always),
   * or null when nothing needs waiting for. Replies leave only after it resolves; on rejection
   * they are never sent.
   */
  whenDurable?(): Promise<void> | null;
}

/**
 * A whenDurable() rejection the client is told about (a sync-mode replica did not acknowledge in
 * time): the replies of the writes it covers become this error line and the connection stays
 * usable. Any other rejection (an AOF write failed) closes the connection unanswered.
 */
export class DurabilityError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

/** Called before a write-flagged command runs (a snapshot in progress copies the keys it may touch). */
export type BeforeWriteHook = (db: number, spec: CommandSpec, argv: readonly string[]) => void;

/**
 * Decides where a command runs (routing/router.ts): null = here, else the reply to answer with.
 * Throws a CommandError (MOVED, CROSSSLOT) to refuse it.
 */
export interface CommandRouter {
  route(client: Client, spec: CommandSpec, argv: string[]): Reply | Promise<Reply> | null;
  /** Whether a routed promise may be pipelined (the connection runs later commands meanwhile). */
  mayPipeline(p: Promise<Reply>): boolean;
  clientClosed(client: Client): void;
}