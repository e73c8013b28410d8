// Histogram counts cheap enough for the command path: a typed array of per-bucket counts, read by /metrics at scrape time.
//
// prom-client's Histogram#observe hashes its label set and walks a bucket map on every call;
// commands take a microsecond or two, so the executor instead bumps one slot of a Float64Array
// here (a few comparisons for fast commands, whose values fall in the first buckets) and the
// registry turns the counts into a Prometheus histogram only when scraped.

/**
 * Upper bounds (inclusive) of the command-latency buckets, in microseconds: 1 µs .. 1 s, dense
 * where in-memory commands land (1-100 µs), sparse beyond. The same bounds for every command,
 * so histogram_quantile() can aggregate across commands and nodes.
 */
export const COMMAND_LATENCY_BOUNDS_US: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000, 500_000, 1_000_000,
];

/** AOF fsync latency bucket bounds, in seconds: page-cache fsyncs take ~100 µs, a busy disk tens of ms. */
export const FSYNC_LATENCY_BOUNDS_S: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Forwarded-request latency bucket bounds, in seconds (a loopback or LAN round trip plus the owner's work). */
export const FORWARD_LATENCY_BOUNDS_S: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Per-bucket counts (not cumulative; the last slot counts values above every bound), sum and count. */
export class BucketCounts {
  /** counts[i] = values v with bounds[i-1] < v <= bounds[i]; counts[bounds.length] = v > every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** BucketCounts per label value (forwarding outcome, ...): one Map lookup per observation. */
export class LabelledBuckets {
  private readonly byLabel = new Map<string, BucketCounts>();

  constructor(readonly bounds: readonly number[]) {}

  /** The counts for one label value, created on first use; callers on a hot path may keep it. */
  child(label: string): BucketCounts {
    let b = this.byLabel.get(label);
    if (b === undefined) {
      b = new BucketCounts(this.bounds);
      this.byLabel.set(label, b);
    }
    return b;
  }

  observe(label: string, v: number): void {
    this.child(label).observe(v);
  }

  entries(): IterableIterator<[string, BucketCounts]> {
    return this.byLabel.entries();
  }
}
