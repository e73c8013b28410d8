// Blocking waits (BLPOP, BZPOPMIN, XREAD BLOCK ...): per-key FIFO queues, served after each command.
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';

/**
 * Tries to complete a blocked command for its client. Returns the reply when the command could
 * run (it already changed the store and journaled the effect), or null to keep waiting.
 */
export type TryServe = () => Reply | null;

interface Waiter {
  readonly client: Client;
  readonly db: number;
  readonly keys: readonly string[];
  readonly tryServe: TryServe;
  readonly onTimeout: () => Reply;
  readonly resolve: (r: Reply) => void;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

const qkey = (db: number, key: string): string => `${db}\0${key}`;

export class BlockingManager {
  /** `db\0key` -> waiters in arrival order. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly byClient = new Map<Client, Waiter>();
  /** Keys touched since the last serve pass that have waiters. */
  private ready = new Set<string>();

  /** Clients held by CLIENT PAUSE, which Redis counts as blocked too (set by the executor). */
  countPostponed: () => number = () => 0;

  /** Number of clients currently blocked (INFO blocked_clients), paused ones included. */
  get blockedClients(): number {
    return this.byClient.size + this.countPostponed();
  }

  /**
   * Parks the client until one of `keys` lets `tryServe` succeed, or `timeoutMs` passes
   * (0 = forever). `run` wraps every serve attempt in the client's command context.
   */
  block(
    client: Client,
    db: number,
    keys: readonly string[],
    timeoutMs: number,
    tryServe: TryServe,
    onTimeout: () => Reply,
  ): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const w: Waiter = { client, db, keys, tryServe, onTimeout, resolve, timer: null, done: false };
      for (const k of new Set(keys)) {
        const q = this.queues.get(qkey(db, k));
        if (q) q.push(w);
        else this.queues.set(qkey(db, k), [w]);
      }
      this.byClient.set(client, w);
      client.blocked = true;
      if (timeoutMs > 0) this.arm(w, Date.now() + timeoutMs, onTimeout);
    });
  }

  /** A key changed; if anyone waits on it, it is tried after the current command. */
  touched(db: number, key: string): void {
    if (this.queues.size === 0) return;
    const k = qkey(db, key);
    if (this.queues.has(k)) this.ready.add(k);
  }

  get hasReady(): boolean {
    return this.ready.size > 0;
  }

  /**
   * Serves waiters of the keys touched by the last command, first come first served per key.
   * Serving may touch more keys (BLMOVE pushes to its destination), so it loops until quiet.
   */
  serveReady(): void {
    while (this.ready.size > 0) {
      const batch = this.ready;
      this.ready = new Set();
      for (const k of batch) {
        const q = this.queues.get(k);
        if (!q) continue;
        // Snapshot: waiters served here leave the queue; a waiter that cannot be served stays.
        for (const w of [...q]) {
          if (w.done) continue;
          if (!w.client.alive) {
            this.cancel(w.client);
            continue;
          }
          const r = w.tryServe();
          if (r === null) continue;
          this.finish(w, r);
        }
      }
    }
  }

  /** Removes a client's wait (disconnect); nothing is ever handed to it afterwards. */
  cancel(client: Client): void {
    const w = this.byClient.get(client);
    if (w) this.remove(w);
  }

  /** CLIENT UNBLOCK: ends the wait with the timeout reply or the given error. Returns whether one was blocked. */
  unblock(client: Client, reply?: Reply): boolean {
    const w = this.byClient.get(client);
    if (!w) return false;
    this.finish(w, reply ?? w.onTimeout());
    return true;
  }

  isBlocked(client: Client): boolean {
    return this.byClient.has(client);
  }

  /** Node timers hold at most 2^31-1 ms; longer waits re-arm until the deadline. */
  private arm(w: Waiter, deadline: number, onTimeout: () => Reply): void {
    const left = deadline - Date.now();
    if (left <= 0) {
      this.finish(w, onTimeout());
      return;
    }
    w.timer = setTimeout(() => this.arm(w, deadline, onTimeout), Math.min(left, MAX_TIMER_MS));
  }

  private finish(w: Waiter, r: Reply): void {
    if (w.done) return;
    this.remove(w);
    w.resolve(r);
  }

  private remove(w: Waiter): void {
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    this.byClient.delete(w.client);
    w.client.blocked = false;
    for (const k of new Set(w.keys)) {
      const key = qkey(w.db, k);
      const q = this.queues.get(key);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.queues.delete(key);
    }
  }
}
