// Pure rules of Redis's adaptive active-expiry cycle, kept apart so they can be table-tested.

/** Keys sampled per database per loop (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
export const KEYS_PER_LOOP = 20;
/** Stop looping on a database once at most this % of a sample was expired (Redis's acceptable stale). */
export const ACCEPTABLE_STALE_PERCENT = 10;
/** The slow cycle may use this % of each 1000/hz ms period (Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
export const SLOW_TIME_PERCENT = 25;

/** Keep sampling this database when more than the acceptable share of the last sample had expired. */
export function shouldRepeat(sampled: number, expired: number, stalePercent = ACCEPTABLE_STALE_PERCENT): boolean {
  if (sampled === 0) return false;
  return expired * 100 > sampled * stalePercent;
}

/** Time budget in ms of one slow cycle at `hz` cycles per second. */
export function cycleBudgetMs(hz: number): number {
  return (1000 / hz) * (SLOW_TIME_PERCENT / 100);
}
