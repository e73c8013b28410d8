// Time seam for membership: real timers in production, a virtual clock that simulation tests advance.
import type { Clock } from '../clock/clock.js';

export interface Timer {
  cancel(): void;
}

/** Clock plus one-shot timers; everything time-dependent in membership goes through it. */
export interface Scheduler extends Clock {
  setTimer(ms: number, fn: () => void): Timer;
}

/** Date.now and unref'd setTimeout: membership timers alone never keep a process alive. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Discrete-event virtual time. Timers run in (time, creation) order; after each one the real
 * event loop gets a turn so promise continuations (push-pull awaits) run before the next timer,
 * as they would in real time. Minutes of cluster time simulate in a second or so.
 */
export class VirtualScheduler implements Scheduler {
  private t: number;
  private seq = 0;
  private readonly heap: Entry[] = [];
  /** Timer callbacks run so far. */
  events = 0;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const e: Entry = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(e);
    return { cancel: () => void (e.cancelled = true) };
  }

  /** Runs every timer due within the next ms (including ones they schedule), then sets the clock to now+ms. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > end) break;
      this.pop();
      if (top.cancelled) continue;
      this.t = Math.max(this.t, top.at);
      this.events++;
      top.fn();
      await flushMicrotasks();
    }
    this.t = end;
  }

  /** Advances in steps until pred holds (returns the virtual ms it took) or maxMs passes (returns null). */
  async until(pred: () => boolean, maxMs: number, stepMs = 10): Promise<number | null> {
    const start = this.t;
    while (!pred()) {
      if (this.t - start >= maxMs) return null;
      await this.advance(stepMs);
    }
    return this.t - start;
  }

  /**
   * A view whose timers wait while blockedUntil() is in the future, then all fire at once: what an
   * event loop stalled by a long synchronous task does to its timers.
   */
  view(blockedUntil: () => number): Scheduler {
    const setTimer = (ms: number, fn: () => void): Timer => {
      let inner: Timer;
      let cancelled = false;
      const run = (): void => {
        if (cancelled) return;
        const b = blockedUntil();
        if (b > this.t) inner = this.setTimer(b - this.t, run);
        else fn();
      };
      inner = this.setTimer(ms, run);
      return {
        cancel: () => {
          cancelled = true;
          inner.cancel();
        },
      };
    };
    return { now: () => this.t, setTimer };
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = h[p];
      if (!pe || before(pe, e)) break;
      h[i] = pe;
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m: Entry = last;
      let mi = i;
      const le = h[l];
      const re = h[r];
      if (le && before(le, m)) {
        m = le;
        mi = l;
      }
      if (re && before(re, m)) {
        m = re;
        mi = r;
      }
      if (mi === i) break;
      h[i] = m;
      i = mi;
    }
    h[i] = last;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
