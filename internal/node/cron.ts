// The node's background cycle at `hz`: active expiry, memory sampling, persistence's scheduled work, idle-client timeouts.
import type { ConfigRuntime } from '../config/runtime.js';
import type { Clock } from '../clock/clock.js';
import type { Client } from '../server/client.js';
import { cycleBudgetMs } from '../store/expiry.js';
import type { Store } from '../store/store.js';
import { MemoryGauge } from './memory-gauge.js';

export interface CronDeps {
  runtime: ConfigRuntime;
  clock: Clock;
  store: Store;
  /** Scheduled saves and AOF rewrites (absent in nodes without persistence). */
  persistence: { cron(now: number): void };
  clients: () => Iterable<Client>;
}

export class Cron {
  private timer: NodeJS.Timeout | null = null;
  /** Prices the dataset by the process's growth (INFO used_memory, maxmemory) at every tick. */
  readonly memory: MemoryGauge;

  constructor(private readonly deps: CronDeps) {
    this.memory = new MemoryGauge(deps.store);
  }

  /** Starts, or restarts at the current `hz` (CONFIG SET hz); only a started cron restarts. */
  start(): void {
    this.stop();
    const hz = this.deps.runtime.num('hz');
    this.memory.start();
    this.timer = setInterval(() => this.tick(hz), Math.max(1, Math.floor(1000 / hz)));
    this.timer.unref();
  }

  /** Applies a new `hz` if the cron runs. */
  reschedule(): void {
    if (this.timer !== null) this.start();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(hz: number): void {
    const { store, clock, runtime } = this.deps;
    store.activeExpireCycle(cycleBudgetMs(hz));
    this.memory.sample();
    this.deps.persistence.cron(clock.now());
    const timeout = runtime.num('timeout');
    if (timeout > 0) {
      const now = clock.now();
      for (const c of this.deps.clients()) if (now - c.lastInteraction > timeout * 1000) c.kill();
    }
  }
}
