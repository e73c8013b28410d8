// MemoryGauge: samples the process's resident set at the cron's pace and prices the store's dataset bytes by it.
import v8 from 'node:v8';
import { USED_MEMORY_STARTUP, measurableDataset, nextOverheadFactor } from '../store/accounting.js';
import type { Store } from '../store/store.js';

/**
 * V8 lets the old generation grow to about twice (up to four times) what survived the last full
 * collection before it collects again; under a write load that evicts, most of that growth is
 * garbage, and the resident set reached 5-8x maxmemory. 20% growth keeps a full collection per
 * fifth of the live heap allocated, which the store's write rate affords (measured in
 * docs/benchmarks.md "Memory"); the flag is read at every collection, so setting it once the
 * process runs takes effect.
 */
const HEAP_GROWING_PERCENT = 20;

let growthLimited = false;

/**
 * Limits the heap's growth between full collections while some node of the process has a
 * maxmemory (the bound in docs/security.md "Memory limits" relies on it), and gives V8 back its
 * own heuristics when none has; one process-wide flag, changed only when it has to.
 */
export function limitHeapGrowth(on: boolean): void {
  if (on === growthLimited) return;
  growthLimited = on;
  v8.setFlagsFromString(`--heap-growing-percent=${on ? HEAP_GROWING_PERCENT : 0}`);
}

/**
 * Every node of a process reads the same resident set: meant for one node per process, as the
 * CLI runs it (in-process test clusters share it, and each node then prices its keys by the whole
 * process's growth, which errs on the side of evicting).
 */
export class MemoryGauge {
  private baseline = -1;

  constructor(
    private readonly store: Store,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {
    store.startupBytes = USED_MEMORY_STARTUP;
  }

  /**
   * The resident set of the node once started, less what a dataset loaded from disk was charged:
   * what the factor measures growth from.
   */
  start(): void {
    if (this.baseline < 0) this.baseline = this.rss() - this.store.usedBytes();
  }

  get baselineRss(): number {
    return this.baseline;
  }

  /** One cron sample: re-prices the dataset from how far the process has grown beyond its baseline. */
  sample(): void {
    if (this.baseline < 0) return;
    const rss = this.rss();
    const store = this.store;
    limitHeapGrowth(store.memoryPolicy.maxmemory > 0);
    const dataset = store.usedBytes();
    store.overheadFactor = nextOverheadFactor(store.overheadFactor, rss - this.baseline, dataset, measurableDataset(store.memoryPolicy.maxmemory));
    // Keeps the peak current between INFO calls.
    store.usedMemory();
  }
}
