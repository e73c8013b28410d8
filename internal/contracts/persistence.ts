// The persistence contract: what SAVE, BGSAVE, BGREWRITEAOF, SHUTDOWN, INFO and the node figures ask of the node's persistence.
import type { InfoFields, PersistenceFigures } from './figures.js';

/** What SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, SHUTDOWN and INFO need from persistence. */
export interface PersistenceApi {
  /** SAVE: a blocking snapshot. Throws CommandError. */
  save(): void;
  /** BGSAVE [SCHEDULE]: the status line to answer. Throws CommandError. */
  bgsave(schedule: boolean): string;
  /** BGREWRITEAOF: the status line to answer. Throws CommandError. */
  bgrewriteaof(): string;
  /** Unix seconds of the last successful snapshot (start time if none). */
  lastsave(): number;
  /** INFO persistence fields, in Redis's order. */
  info(now: number): InfoFields;
  /** The same state as numbers (NodeFigures.persistence). */
  figures(): PersistenceFigures;
}

export interface ShutdownOptions {
  /** true: SHUTDOWN SAVE; false: NOSAVE; undefined: save when save points are configured. */
  save?: boolean;
  /** SHUTDOWN FORCE: stop even if the final save fails. */
  force?: boolean;
}
