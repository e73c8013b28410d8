// CLIENT PAUSE: the pause in effect (mode, end) and the commands held until it ends, released in arrival order.
import type { PauseMode } from '../contracts/command.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';

interface Held {
  readonly client: Client;
  readonly argv: string[];
  readonly resolve: (r: Reply | Promise<Reply>) => void;
}

export interface PauseHooks {
  /** The node's clock (unix ms). */
  now(): number;
  /** The pause began or ended (the executor's gate and the store's expiry follow it). */
  changed(active: boolean): void;
  /** Runs a released command again (it may be held again if a new pause began meanwhile). */
  rerun(client: Client, argv: string[]): Reply | Promise<Reply>;
}

/** Node timers hold at most 2^31-1 ms; a longer pause re-arms until its end. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Redis's pause by CLIENT PAUSE (one purpose of pauseClients): a later pause keeps the stricter
 * mode and the later end. Held commands count as blocked clients, as Redis's BLOCKED_POSTPONE.
 */
export class ClientPause {
  mode: PauseMode | null = null;
  /** Unix ms the pause ends at. */
  end = 0;
  private held: Held[] = [];
  private timer: NodeJS.Timeout | null = null;
  private releasing = false;

  constructor(private readonly hooks: PauseHooks) {}

  get active(): boolean {
    return this.mode !== null;
  }

  /** Commands currently held. */
  get holding(): number {
    return this.held.length;
  }

  pause(mode: PauseMode, endMs: number, now: number): void {
    const stricter = this.mode === 'all' ? 'all' : mode;
    const end = Math.max(this.end, endMs);
    // Redis drops an event whose end already passed when it recomputes the pause.
    if (end <= now) return;
    const was = this.active;
    this.mode = stricter;
    this.end = end;
    this.arm(now);
    if (!was) this.hooks.changed(true);
  }

  unpause(): void {
    if (!this.active) return;
    this.mode = null;
    this.end = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.hooks.changed(false);
    this.scheduleRelease();
  }

  /** Ends a pause whose time is up (checked lazily on every command while paused); true while still paused. */
  check(now: number): boolean {
    if (this.mode !== null && now >= this.end) this.unpause();
    return this.mode !== null;
  }

  /** Parks a command until the pause ends; it then runs as if it had just arrived. */
  hold(client: Client, argv: string[]): Promise<Reply> {
    client.blocked = true;
    return new Promise<Reply>((resolve) => this.held.push({ client, argv, resolve }));
  }

  /** A client closed: its held command is dropped, never run. */
  drop(client: Client): void {
    if (this.held.length === 0) return;
    this.held = this.held.filter((h) => h.client !== client);
  }

  private arm(now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const wait = Math.min(Math.max(0, this.end - now), MAX_TIMER_MS);
    // The lazy check on each command ends it too; the timer covers an idle node. It must not keep
    // a stopping process alive.
    this.timer = setTimeout(() => {
      this.timer = null;
      const t = this.hooks.now();
      if (this.check(t)) this.arm(t);
    }, wait);
    this.timer.unref();
  }

  /**
   * Released commands run after the command that ended the pause has finished (Redis processes
   * the unblocked clients before it sleeps again), never inside it.
   */
  private scheduleRelease(): void {
    if (this.releasing || this.held.length === 0) return;
    this.releasing = true;
    queueMicrotask(() => {
      this.releasing = false;
      const batch = this.held;
      this.held = [];
      for (const h of batch) {
        h.client.blocked = false;
        if (h.client.alive) h.resolve(this.hooks.rerun(h.client, h.argv));
      }
    });
  }
}
