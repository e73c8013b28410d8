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

/** V8's default semi-space growth factor (v8_flags.semi_space_growth_factor), given back when no maxmemory is set. */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

let growthLimited = false;

/**
 * Limits the heap's growth between full collections while some node of the process has a
 * maxmemory (the bound in docs/security.md "Memory limits" relies on it), and gives V8 back its
 * own heuristics when none has.
 *
 * The young generation too: under a write load V8 doubles its semi-spaces up to 2 x 16 MB, which
 * stay resident and, under a small maxmemory, were most of the growth the overhead factor charged
 * to the keys (maxmemory 50mb held ~2,000 values of 3 KB at factor 8, RSS +72-87 MB under a loaded
 * machine). A growth factor of 1 keeps them at their initial 1 MB: ~7,500 values at factor ~2.1,
 * RSS +61-63 MB, no loss of throughput measured (docs/security.md). `--max-semi-space-size` would
 * be the direct knob but V8 reads it only when the heap is set up; the growth factor is read at
 * each scavenge. It is set again at every sample while limited, because the CLI gives V8 its
 * default factor back once start-up is over (startup-heap.ts), whenever that lands.
 */
export function limitHeapGrowth(on: boolean): void {
  if (on) v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (on === growthLimited) return;
  growthLimited = on;
  v8.setFlagsFromString(`--heap-growing-percent=${on ? HEAP_GROWING_PERCENT : 0}`);
  if (!on) v8.setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
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
