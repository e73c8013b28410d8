// Budget and seed of the property-based fuzzers (fast-check): short and seeded in `npm test`, long under `npm run fuzz`.
import fc from 'fast-check';

/**
 * Runs per property: RINGCACHE_FUZZ_RUNS when set (npm run fuzz sets a large budget), else the
 * short CI budget. Seeded by RINGCACHE_FUZZ_SEED (default fixed) so a CI failure reproduces.
 */
export function fuzzRuns(ciRuns: number): number {
  const env = Number(process.env['RINGCACHE_FUZZ_RUNS']);
  return Number.isInteger(env) && env > 0 ? env : ciRuns;
}

/** The seed for fast-check (fixed unless RINGCACHE_FUZZ_SEED is set; fuzz runs print it on failure). */
export function fuzzSeed(): number {
  const env = Number(process.env['RINGCACHE_FUZZ_SEED']);
  return Number.isInteger(env) ? env : 0x17_2026;
}

/** Time budget per property in ms (RINGCACHE_FUZZ_MS), or undefined for the run count alone. */
export function fuzzTimeMs(): number | undefined {
  const env = Number(process.env['RINGCACHE_FUZZ_MS']);
  return Number.isInteger(env) && env > 0 ? env : undefined;
}

/**
 * fast-check parameters for a property: `ciRuns` runs by default; RINGCACHE_FUZZ_RUNS overrides the
 * count and RINGCACHE_FUZZ_MS turns it into a time budget (runs until the time is up).
 */
export function fuzzParams(ciRuns: number): fc.Parameters<unknown> {
  const ms = fuzzTimeMs();
  const base = { seed: fuzzSeed(), numRuns: fuzzRuns(ciRuns) };
  return ms === undefined ? base : { ...base, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: ms, markInterruptAsFailure: false };
}

/** Per-test timeout for fuzz tests: generous in CI (a busy 2-core machine), unbounded in practice under a fuzz budget. */
export const FUZZ_TEST_TIMEOUT_MS = process.env['RINGCACHE_FUZZ_RUNS'] !== undefined || process.env['RINGCACHE_FUZZ_MS'] !== undefined ? 24 * 3600_000 : 30_000;

/** An edit of a byte stream: set a byte, insert or delete a short run, or truncate, at a position taken modulo the length. */
export type ByteMutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'truncate'; at: number };

/** Generated edits: `bytes` picks the values written (protocol punctuation finds more bugs than noise). */
export function byteMutation(bytes: fc.Arbitrary<number>, maxRun: number, truncate = true): fc.Arbitrary<ByteMutation> {
  const kinds: fc.Arbitrary<ByteMutation>[] = [
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: bytes }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: maxRun }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: maxRun }) }),
  ];
  if (truncate) kinds.push(fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }));
  return fc.oneof(...kinds);
}

/** `buf` with the edits applied in order (a copy; `buf` is untouched). */
export function mutate(buf: Buffer, ms: readonly ByteMutation[]): Buffer {
  let b = Buffer.from(buf);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'set' && b.length > 0) b[at] = m.byte;
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
    else if (m.kind === 'truncate') b = b.subarray(0, at);
  }
  return b;
}
