// Write guard: whether writes are refused with MISCONF because the AOF or the last background save failed.
import type { PersistenceCtx } from './state.js';

/** Redis's wording when writes are refused because the last background save failed. */
export const RDB_MISCONF =
  "Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export interface GuardInput {
  /** The AOF writer's error state, null while healthy. */
  readonly aofError: string | null;
  readonly lastBgsaveOk: boolean;
  readonly savePoints: number;
  readonly stopWritesOnBgsaveError: boolean;
}

/**
 * Why writes are refused (MISCONF text after the prefix), or null. An AOF error always refuses (a
 * write that cannot be persisted is never acknowledged); a failed BGSAVE only while snapshots are
 * configured and stop-writes-on-bgsave-error is on, as in Redis.
 */
export function deniedReason(i: GuardInput): string | null {
  if (i.aofError !== null) return `Errors writing to the AOF file: ${i.aofError}`;
  if (!i.lastBgsaveOk && i.savePoints > 0 && i.stopWritesOnBgsaveError) return RDB_MISCONF;
  return null;
}

export function writeDenied(ctx: PersistenceCtx): string | null {
  return deniedReason({
    aofError: ctx.aof.writeError,
    lastBgsaveOk: ctx.s.lastBgsaveOk,
    savePoints: ctx.s.savePoints.length,
    stopWritesOnBgsaveError: ctx.deps.config.bool('stop_writes_on_bgsave_error'),
  });
}

/** The executor checks writes only while something is wrong: zero cost when healthy. */
export function refreshGuard(ctx: PersistenceCtx): void {
  ctx.deps.executor.denyWrites = writeDenied(ctx) !== null ? () => writeDenied(ctx) : null;
}
