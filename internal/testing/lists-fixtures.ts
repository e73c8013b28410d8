// Fixtures shared by the lists unit test files: a real Executor per test, journal, value and blocking helpers, error texts.
import { beforeEach } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from './exec.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import { ListValue } from '../store/list.js';
import { listCommands } from '../commands/lists.js';

export const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INT = '-ERR value is not an integer or out of range';
export const SYNTAX = '-ERR syntax error';
export const NOT_POSITIVE = '-ERR value is out of range, must be positive';
export const BAD_TIMEOUT = '-ERR timeout is not a float or out of range';
export const NEG_TIMEOUT = '-ERR timeout is negative';

/** The executor of the running test: a live binding, replaced before each test by the hook below. */
export let t: TestExecutor;

/** Registers the per-test hook in the calling test file: a fresh executor with the lists family only. */
export function useListsExecutor(): void {
  beforeEach(() => {
    t = createTestExecutor({ families: [listCommands] });
  });
}

export const run = (...argv: string[]): Plain => t.run(...argv);
/** Journaled writes since the last call, as argv arrays. */
export function journaled(): string[][] {
  const out = t.journal.map((j) => j.argv);
  t.journal.length = 0;
  return out;
}
/** A string value, written directly (the strings family is not registered here). */
export function setString(key: string, v = 'x'): void {
  t.store.db(0).set(key, v);
}
export function listOf(key: string): ListValue | undefined {
  const v = t.store.db(0).peek(key)?.value;
  return v instanceof ListValue ? v : undefined;
}
/** Raw reply as a given protocol client would receive it (null shapes matter). */
export function rawAs(c: Client, ...argv: string[]): Reply {
  const r = t.executor.execute(c, argv);
  if (r instanceof Promise) throw new Error('unexpectedly asynchronous');
  return r;
}
/** Starts a blocking command for `c`; the promise settles when it is served or times out. */
export function block(c: Client, ...argv: string[]): Promise<Reply> {
  return Promise.resolve(t.executor.execute(c, argv));
}
/** Lets settled promises deliver before checking that a blocked command is still pending. */
export async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return !done;
}
