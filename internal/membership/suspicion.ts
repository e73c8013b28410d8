// One suspicion timer: fires at start + timeout(confirmations), re-armed as independent confirmations arrive.
import type { Scheduler, Timer } from './scheduler.js';
import { suspicionTimeout } from './timing.js';

export class Suspicion {
  private readonly confirmers = new Set<string>();
  private confirmations = 0;
  private timer: Timer;
  private readonly start: number;

  constructor(
    private readonly sched: Scheduler,
    from: string,
    private readonly k: number,
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly onTimeout: () => void,
  ) {
    this.start = sched.now();
    this.confirmers.add(from);
    this.timer = sched.setTimer(suspicionTimeout(0, k, minMs, maxMs), onTimeout);
  }

  /** True if `from` is a new independent confirmation (the caller re-gossips it). */
  confirm(from: string): boolean {
    if (this.confirmations >= this.k || this.confirmers.has(from)) return false;
    this.confirmers.add(from);
    this.confirmations++;
    const deadline = this.start + suspicionTimeout(this.confirmations, this.k, this.minMs, this.maxMs);
    this.timer.cancel();
    this.timer = this.sched.setTimer(Math.max(0, deadline - this.sched.now()), this.onTimeout);
    return true;
  }

  cancel(): void {
    this.timer.cancel();
  }
}
