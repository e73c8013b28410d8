// The latency monitor behind LATENCY: per event, the worst latency of each second over the last 160 such seconds, as Redis's latency.c keeps it.
//
// An event is a named source of latency ("command", "fast-command", "expire-cycle",
// "eviction-cycle"). Whoever times one calls addIfNeeded with the whole milliseconds it took; a
// sample is kept only when latency-monitor-threshold is set and the latency reaches it.

/** Samples kept per event (Redis's LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

export interface LatencySample {
  /** Unix seconds. */
  readonly time: number;
  /** Milliseconds. */
  readonly latency: number;
}

/** One event's ring of samples (Redis's latencyTimeSeries): a slot per second with a sample, time 0 = empty. */
export class LatencySeries {
  /** The slot the next new second goes to. */
  private idx = 0;
  /** Highest latency since the event was created or last reset (the all-time high). */
  max = 0;
  private readonly times = new Float64Array(LATENCY_TS_LEN);
  private readonly latencies = new Float64Array(LATENCY_TS_LEN);

  /** A sample in the same second as the previous one only raises that one, as latencyAddSample does. */
  add(time: number, latency: number): void {
    if (latency > this.max) this.max = latency;
    const prev = (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    if (this.times[prev] === time) {
      if (latency > (this.latencies[prev] as number)) this.latencies[prev] = latency;
      return;
    }
    this.times[this.idx] = time;
    this.latencies[this.idx] = latency;
    this.idx = (this.idx + 1) % LATENCY_TS_LEN;
  }

  /** The samples held, oldest first. */
  samples(): LatencySample[] {
    const out: LatencySample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (this.idx + j) % LATENCY_TS_LEN;
      const time = this.times[i] as number;
      if (time !== 0) out.push({ time, latency: this.latencies[i] as number });
    }
    return out;
  }

  /** The most recent sample (a series exists only once it has one). */
  latest(): LatencySample {
    const i = (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    return { time: this.times[i] as number, latency: this.latencies[i] as number };
  }
}

/** What LATENCY DOCTOR says about an event (Redis's latencyStats; integer arithmetic as there). */
export interface LatencyStats {
  readonly allTimeHigh: number;
  readonly avg: number;
  readonly min: number;
  readonly max: number;
  /** Mean absolute deviation from the average. */
  readonly mad: number;
  readonly samples: number;
  /** Seconds since the oldest sample held (at least 1 when there is a sample). */
  readonly period: number;
}

/** Redis's analyzeLatencyForEvent over the samples held, at `nowSec`. */
export function analyzeSeries(series: LatencySeries, nowSec: number): LatencyStats {
  const samples = series.samples();
  const n = samples.length;
  if (n === 0) return { allTimeHigh: series.max, avg: 0, min: 0, max: 0, mad: 0, samples: 0, period: 0 };
  let sum = 0;
  let min = Infinity;
  let max = 0;
  let oldest = Infinity;
  for (const s of samples) {
    sum += s.latency;
    if (s.latency < min) min = s.latency;
    if (s.latency > max) max = s.latency;
    if (s.time < oldest) oldest = s.time;
  }
  const avg = Math.floor(sum / n);
  let dev = 0;
  for (const s of samples) dev += Math.abs(avg - s.latency);
  const period = nowSec - oldest;
  return { allTimeHigh: series.max, avg, min, max, mad: Math.floor(dev / n), samples: n, period: period === 0 ? 1 : period };
}

export class LatencyMonitor {
  /**
   * latency-monitor-threshold in milliseconds, 0 = off. Read on each candidate sample only; the
   * executor installs the config reader (until then nothing is recorded).
   */
  threshold: () => number = () => 0;
  /** Events in the order they were first seen. */
  private readonly events = new Map<string, LatencySeries>();

  /** `nowMs`: wall clock in unix ms (a manual clock in tests). */
  constructor(private readonly nowMs: () => number) {}

  /** Redis's latencyAddSampleIfNeeded: kept when the monitor is on and `ms` reaches the threshold. */
  addIfNeeded(event: string, ms: number): void {
    const threshold = this.threshold();
    if (threshold > 0 && ms >= threshold) this.add(event, ms);
  }

  /** Redis's latencyAddSample: whole milliseconds, stamped with the current second. */
  add(event: string, ms: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = new LatencySeries();
      this.events.set(event, series);
    }
    series.add(Math.floor(this.nowMs() / 1000), Math.floor(ms));
  }

  /** An event's series by its exact name (LATENCY HISTORY and GRAPH compare case-sensitively). */
  get(event: string): LatencySeries | undefined {
    return this.events.get(event);
  }

  entries(): IterableIterator<[string, LatencySeries]> {
    return this.events.entries();
  }

  get size(): number {
    return this.events.size;
  }

  /** Drops one event (matched case-insensitively, as latencyResetEvent does) or all: how many went. */
  reset(event?: string): number {
    let n = 0;
    const lower = event?.toLowerCase();
    // Deleting the entry being visited is safe while iterating a Map.
    for (const name of this.events.keys()) {
      if (lower === undefined || name.toLowerCase() === lower) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /** The current time in unix seconds (what samples are stamped with). */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}
