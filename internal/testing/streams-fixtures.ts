// Shared fixture of the streams unit tests (streams*.test.ts): the families they run, the error lines they expect, and helpers over the test executor.
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import { StreamValue } from '../store/stream.js';
import { keyspaceCommands } from '../commands/keyspace.js';
import { pubsubCommands } from '../commands/pubsub.js';
import { streamCommands } from '../commands/streams.js';
import { stringCommands } from '../commands/strings.js';
import { transactionCommands } from '../commands/transactions.js';
import type { Plain, TestExecutor } from './exec.js';

/** The part of the TestExecutor the helpers use. */
export type KitExecutor = Pick<TestExecutor, 'store' | 'executor' | 'journal' | 'newClient' | 'run' | 'runAs' | 'takePushes'>;

export const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INT = '-ERR value is not an integer or out of range';
export const SYNTAX = '-ERR syntax error';
export const INVALID_ID = '-ERR Invalid stream ID specified as stream command argument';
export const TOO_SMALL = '-ERR The ID specified in XADD is equal or smaller than the target stream top item';
export const FAMILIES = [streamCommands, keyspaceCommands, stringCommands, transactionCommands, pubsubCommands];

/** True while `p` has not settled after two microtask turns. */
export async function isPending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return !done;
}

/** A map reply (XINFO) as an object. */
export function obj(p: Plain): { [k: string]: Plain } {
  if (Array.isArray(p)) {
    const o: { [k: string]: Plain } = {};
    for (let i = 0; i < p.length; i += 2) o[String(p[i])] = p[i + 1] as Plain;
    return o;
  }
  return p as { [k: string]: Plain };
}

/**
 * Helpers over the executor `current` returns. A getter rather than an executor: each test file
 * builds a fresh executor in its beforeEach, and the helpers must follow it.
 */
export function streamsKit(current: () => KitExecutor) {
  const run = (...argv: string[]): Plain => current().run(...argv);
  /** Journaled writes since the last call, as argv arrays. */
  function journaled(): string[][] {
    const t = current();
    const out = t.journal.map((j) => j.argv);
    t.journal.length = 0;
    return out;
  }
  function streamOf(key: string): StreamValue | undefined {
    const v = current().store.db(0).peek(key)?.value;
    return v instanceof StreamValue ? v : undefined;
  }
  /** Node layout of a stored stream (radix-tree keys). */
  const nodesOf = (key: string): number | undefined => streamOf(key)?.nodeCount;
  /** Raw reply (null shapes and map/array kinds matter). */
  function rawAs(c: Client, ...argv: string[]): Reply {
    const r = current().executor.execute(c, argv);
    if (r instanceof Promise) throw new Error('unexpectedly asynchronous');
    return r;
  }
  /** Starts a possibly blocking command for `c`; the promise settles when it is answered. */
  function block(c: Client, ...argv: string[]): Promise<Reply> {
    return Promise.resolve(current().executor.execute(c, argv));
  }
  /** Adds entries `<i>-1 f v<i>` for i in [from, to]. */
  function fill(key: string, from: number, to: number): void {
    for (let i = from; i <= to; i++) run('XADD', key, `${i}-1`, 'f', `v${i}`);
  }
  /** A RESP3 twin of the default client. */
  function resp3(): Client {
    const c = current().newClient();
    c.proto = 3;
    return c;
  }
  /** Keyspace events delivered to a PSUBSCRIBE __keyevent@0__:* client: [event, key]. */
  function events(sub: Client): [string, string][] {
    return current().takePushes(sub).map((p) => {
      const [, , channel, key] = p as string[];
      return [(channel as string).slice('__keyevent@0__:'.length), key as string];
    });
  }
  function subscriber(): Client {
    const t = current();
    const sub = t.newClient();
    t.runAs(sub, 'PSUBSCRIBE', '__keyevent@0__:*');
    t.takePushes(sub);
    return sub;
  }
  return { run, journaled, nodesOf, rawAs, block, fill, resp3, events, subscriber };
}
