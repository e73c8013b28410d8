// Dropped gossip packets: counted by reason, and logged at warn at most once per reason per interval with how many were dropped, so a packet storm cannot flood the log.
import type { Logger } from 'pino';
import type { DropCounter } from './options.js';
import type { Scheduler, Timer } from './scheduler.js';

/** One warn line per reason per this many ms at most (issue 17: forged or dropped packets left no trace). */
export const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * The first drop of a reason is logged at once; later ones within the interval are only counted
 * and summed up in one line when the interval ends (`dropped` = packets since the previous line,
 * `from` = the last sender seen). Never throws, allocates nothing per drop beyond a counter bump.
 */
export class DropLog {
  private readonly last = new Map<DropCounter, number>();
  private readonly held = new Map<DropCounter, { count: number; from: string }>();
  private readonly timers = new Set<Timer>();

  constructor(
    private readonly log: Logger,
    private readonly sched: Scheduler,
    private readonly intervalMs = DROP_LOG_INTERVAL_MS,
  ) {}

  note(reason: DropCounter, from: string): void {
    const now = this.sched.now();
    const last = this.last.get(reason);
    if (last === undefined || now - last >= this.intervalMs) {
      this.write(reason, 1, from, now);
      return;
    }
    const h = this.held.get(reason);
    if (h !== undefined) {
      h.count++;
      h.from = from;
      return;
    }
    this.held.set(reason, { count: 1, from });
    const tm = this.sched.setTimer(last + this.intervalMs - now, () => {
      this.timers.delete(tm);
      const p = this.held.get(reason);
      if (p !== undefined) this.write(reason, p.count, p.from, this.sched.now());
    });
    this.timers.add(tm);
  }

  /** Cancels pending summary lines (membership stopped). */
  close(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.held.clear();
  }

  private write(reason: DropCounter, count: number, from: string, now: number): void {
    this.held.delete(reason);
    this.last.set(reason, now);
    this.log.warn({ reason, dropped: count, from, intervalMs: this.intervalMs }, 'gossip packets dropped');
  }
}
