// Pure helpers behind GET /stats: the ops/s window over command-count samples, and reading INFO text.

/**
 * Commands per second over a sliding window of (time, total) samples. The HTTP app samples the
 * node's commandsProcessed about once a second; a request computes the rate from the oldest sample
 * still inside the window to a fresh reading, so polling /stats often does not shrink the window.
 */
export class RateWindow {
  private samples: { t: number; n: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  sample(t: number, n: number): void {
    const last = this.samples[this.samples.length - 1];
    // A total that went down was reset (CONFIG RESETSTAT): older samples no longer compare.
    if (last !== undefined && n < last.n) this.samples = [];
    this.samples.push({ t, n });
    // Keep one sample at or beyond the window's start, so the window stays full.
    while (this.samples.length > 2 && (this.samples[1] as { t: number }).t <= t - this.windowMs) this.samples.shift();
  }

  /** Rate from the oldest kept sample to (t, n); 0 without history or after a reset. */
  rate(t: number, n: number): number {
    const first = this.samples[0];
    if (first === undefined || n < first.n || t <= first.t) return 0;
    return ((n - first.n) * 1000) / (t - first.t);
  }
}

/** INFO text -> section name (lowercase) -> field -> value (numbers where the text is a plain number). */
export function parseInfo(text: string): Map<string, Map<string, string | number>> {
  const out = new Map<string, Map<string, string | number>>();
  let section: Map<string, string | number> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      section = new Map();
      out.set(line.slice(1).trim().toLowerCase(), section);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0 || section === null) continue;
    const v = line.slice(colon + 1);
    section.set(line.slice(0, colon), /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  }
  return out;
}

/** `keys=3,expires=1,avg_ttl=0` (an INFO keyspace line) -> { keys: 3, expires: 1, avg_ttl: 0 }. */
export function parseKeyspaceLine(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = Number(part.slice(eq + 1));
  }
  return out;
}

/** hits / (hits + misses), or null before any lookup. */
export function hitRatio(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : hits / (hits + misses);
}
