// Pure memory-accounting math: the overhead factor that makes the dataset figure follow what the process holds.

/**
 * INFO used_memory_startup: the fixed part of used_memory a fresh node reports (Redis's is ~0.9 MB
 * of dicts and shared objects). The JavaScript runtime itself (~30 MB of heap, ~90 MB RSS of code
 * and libraries) is the baseline outside maxmemory, as a Redis process's text pages are.
 */
export const USED_MEMORY_STARTUP = 1 << 20;

/**
 * The factor never drops below 1 (the dataset estimate is a floor) nor grows past this. Under a
 * small maxmemory the process's fixed growth (V8's young generation becoming resident, socket
 * buffers: ~30 MB) is spread over few keys: 50 MB of 3 KB values measured 4-5.
 */
export const MAX_OVERHEAD_FACTOR = 8;

/**
 * Share of the gap to a lower measured factor closed per sample (10 per second at hz 10: ~1 s to
 * settle). A higher one is taken at once: the resident set grows faster than a smoothed factor
 * would follow (the first collections under a load), and the bound is on its peak.
 */
export const FACTOR_SMOOTHING = 0.1;

/** Share of the excess over 1 dropped per sample while the dataset is too small to measure. */
export const FACTOR_DECAY = 0.05;

/** Smallest dataset the factor is measured on: below it, process noise (a few MB) would swamp the ratio. */
export function measurableDataset(maxmemory: number): number {
  return Math.max(1 << 20, Math.floor(maxmemory / (2 * MAX_OVERHEAD_FACTOR)));
}

/**
 * The next overhead factor, from one sample of the process: `grown` is how far the resident set
 * has grown since the node started (rss - baseline), `dataset` the store's estimate of its keys
 * (key + value + per-entry bytes). What V8 holds beyond the live data (garbage not collected yet,
 * half-empty heap pages, socket buffers) shows in `grown` and not in `dataset`, so the ratio is
 * the price of one accounted byte in this process. Eviction and INFO used_memory charge
 * `dataset * factor`, which keeps the resident set within maxmemory of the baseline whatever the
 * garbage collector does. It rises at once and falls slowly (the set shrinks only once V8 has
 * collected and given pages back, so a fast fall would let the dataset overshoot again); while the dataset is below `floor` the factor relaxes toward 1 (it only ever drops there, so
 * used_memory never rises without a write).
 */
export function nextOverheadFactor(prev: number, grown: number, dataset: number, floor: number): number {
  if (dataset < floor) return 1 + (prev - 1) * (1 - FACTOR_DECAY);
  const measured = Math.min(MAX_OVERHEAD_FACTOR, Math.max(1, grown / dataset));
  return measured >= prev ? measured : prev + (measured - prev) * FACTOR_SMOOTHING;
}
