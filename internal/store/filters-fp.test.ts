// Measured false-positive rates of the Bloom and Cuckoo filters at capacity (deterministic items), asserted against the configured rate and written to docs/families/filters.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BloomFilter } from './bloom.js';
import { CuckooFilter } from './cuckoo.js';

const CAPACITY = 10_000;
const PROBES = 200_000;
const DOC = fileURLToPath(new URL('../../docs/families/filters.md', import.meta.url));
const START = '<!-- fp-table:start (written by internal/store/filters-fp.test.ts) -->';
const END = '<!-- fp-table:end -->';

interface Row {
  filter: string;
  config: string;
  inserted: number;
  target: string;
  falsePositives: number;
  rate: number;
  bytes: number;
}

/** Share of PROBES never-inserted items the filter claims to hold. */
function measure(has: (item: string) => boolean): { fp: number; rate: number } {
  let fp = 0;
  for (let i = 0; i < PROBES; i++) if (has(`probe:${i}`)) fp++;
  return { fp, rate: fp / PROBES };
}

function bloomRow(errorRate: number, nonScaling: boolean, n: number): Row {
  const f = BloomFilter.create(CAPACITY, errorRate, 2, nonScaling) as BloomFilter;
  for (let i = 0; i < n; i++) f.add(`item:${i}`);
  for (let i = 0; i < n; i += 97) expect(f.has(`item:${i}`)).toBe(true);
  const m = measure((x) => f.has(x));
  const config = `BF.RESERVE error ${errorRate} capacity ${CAPACITY}${nonScaling ? ' NONSCALING' : ''}`;
  return { filter: `Bloom (${f.links.length} sub-filter${f.links.length > 1 ? 's' : ''})`, config, inserted: n, target: `≤ ${errorRate}`, falsePositives: m.fp, rate: m.rate, bytes: f.byteSize() };
}

function cuckooRow(bucketSize: number): Row {
  const f = CuckooFilter.create(CAPACITY, bucketSize, 20, 1) as CuckooFilter;
  for (let i = 0; i < CAPACITY; i++) expect(f.insert(`item:${i}`, false)).toBe('inserted');
  for (let i = 0; i < CAPACITY; i += 97) expect(f.has(`item:${i}`)).toBe(true);
  const m = measure((x) => f.has(x));
  // 8-bit fingerprints: a probe meets up to 2 * bucketSize slots per sub-filter, each a 1/255 match.
  const bound = (2 * bucketSize * f.filters.length) / 255;
  return { filter: `Cuckoo (${f.filters.length} sub-filter${f.filters.length > 1 ? 's' : ''})`, config: `CF.RESERVE ${CAPACITY} BUCKETSIZE ${bucketSize}`, inserted: CAPACITY, target: `≤ ${bound.toFixed(4)} (2·b·filters/255)`, falsePositives: m.fp, rate: m.rate, bytes: f.byteSize() };
}

function table(rows: readonly Row[]): string {
  const lines = [
    `Measured with ${PROBES.toLocaleString('en-US')} items never inserted (\`probe:<i>\`) after inserting \`item:0\` … \`item:<n-1>\`; deterministic, so the figures are the same on every run.`,
    '',
    '| filter | configuration | items inserted | configured / expected | false positives | measured rate | size (BF/CF.INFO Size) |',
    '|---|---|---:|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.filter} | \`${r.config}\` | ${r.inserted.toLocaleString('en-US')} | ${r.target} | ${r.falsePositives} | ${r.rate.toFixed(5)} | ${r.bytes.toLocaleString('en-US')} B |`),
  ];
  return lines.join('\n');
}

describe('false-positive rates at capacity', () => {
  it('Bloom stays within the configured rate, Cuckoo within its fingerprint bound; the table goes to docs/families/filters.md', () => {
    const rows: Row[] = [];
    for (const e of [0.01, 0.001]) {
      const scalable = bloomRow(e, false, CAPACITY);
      // The first link gets half the rate (RedisBloom's tightening), so a scalable filter is well inside it.
      expect(scalable.rate).toBeLessThanOrEqual(e);
      const exact = bloomRow(e, true, CAPACITY);
      // A NONSCALING filter spends exactly the rate at capacity: allow 3 standard deviations of the measurement.
      expect(exact.rate).toBeLessThanOrEqual(e + 3 * Math.sqrt((e * (1 - e)) / PROBES));
      // Past capacity a scalable filter adds links with halving rates: the sum stays below e.
      const grown = bloomRow(e, false, CAPACITY * 8);
      expect(grown.rate).toBeLessThanOrEqual(e);
      rows.push(scalable, exact, grown);
    }
    for (const b of [2, 4]) {
      const row = cuckooRow(b);
      const f = CuckooFilter.create(CAPACITY, b, 20, 1) as CuckooFilter;
      expect(row.rate).toBeLessThanOrEqual((2 * b * (f.filters.length + 1)) / 255);
      rows.push(row);
    }
    const doc = readFileSync(DOC, 'utf8');
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    const next = `${doc.slice(0, from + START.length)}\n${table(rows)}\n${doc.slice(to)}`;
    if (next !== doc) writeFileSync(DOC, next);
  }, 60_000);
});
