// Fixtures shared by the sorted sets unit test files: a real Executor per test, reply, journal and value helpers, error texts.
import { afterEach, beforeEach, vi } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from './exec.js';
import { encodeToBuffer } from '../resp/encoder.js';
import { SetValue } from '../store/set.js';

export const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = '-ERR syntax error';
export const NOT_FLOAT = '-ERR value is not a valid float';
export const NOT_INT = '-ERR value is not an integer or out of range';
export const RANGE_FLOAT = '-ERR min or max is not a float';
export const RANGE_LEX = '-ERR min or max not valid string range item';
export const POSITIVE = '-ERR value is out of range, must be positive';

/** The executor of the running test: a live binding, replaced before each test by the hooks below. */
export let t: TestExecutor;
/** Journal entries already handed out by journal(). */
let seen = 0;

/** Registers the per-test hooks in the calling test file: a fresh executor and journal cursor, real timers after. */
export function useZsetExecutor(): void {
  beforeEach(() => {
    // Every family: SET for WRONGTYPE, TYPE/OBJECT/COPY, MULTI, CONFIG and PSUBSCRIBE for events.
    t = createTestExecutor({ config: { slowlog_log_slower_than: -1 } });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  beforeEach(() => {
    seen = 0;
  });
}

export const run = (...argv: string[]): Plain => t.run(...argv);
/** The exact bytes a reply encodes to, for RESP2/RESP3 shape checks. */
export function wire(proto: 2 | 3, ...argv: string[]): string {
  t.client.proto = proto;
  const r = t.exec(...argv);
  t.client.proto = 2;
  return encodeToBuffer(r, proto).toString('latin1');
}
/** Journal since the last call, as argv lists. */
export function journal(): string[][] {
  const out = t.journal.slice(seen).map((j) => j.argv);
  seen = t.journal.length;
  return out;
}
/** A plain set value, placed directly (the sets family is not under test here). */
export function plainSet(key: string, ...members: string[]): void {
  const s = new SetValue();
  for (const m of members) s.add(m);
  t.store.db(0).set(key, s);
}
