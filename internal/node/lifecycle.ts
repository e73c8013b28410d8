// Lifecycle: a node's parts start in a declared order and stop in the reverse one, draining every part before closing any.

/**
 * One part's place in the lifecycle. `start` binds or loads (nothing binds before it runs);
 * `drain` runs at stop while every part still works (leave the cluster, hand keys off, final save);
 * `stop` releases what `start` took. Each is optional.
 */
export interface LifecycleStep {
  readonly name: string;
  start?(): Promise<void> | void;
  drain?(): Promise<void> | void;
  stop?(): Promise<void> | void;
  /** This step's own bound on each stop phase, when it has one longer than the lifecycle's (e.g. the cluster handoff). */
  deadlineMs?(): number;
}

/** A step whose drain or stop did not settle within its deadline: the stop goes on without it. */
export class StepDeadlineError extends Error {
  constructor(step: string, phase: 'drain' | 'stop', ms: number) {
    super(`${step} ${phase} did not finish within ${ms} ms; going on without it`);
  }
}

/**
 * Starts steps in order; a step that fails stops the ones already started (reverse order) and the
 * start rejects with its error. stop() drains the started steps in reverse order, then stops them
 * in reverse order; an error in one step does not skip the others: the first is rethrown at the end.
 * A stop always ends: each phase of each step is given `stepDeadlineMs()` (0 = unbounded), or the
 * step's own deadline, and one that has not settled by then is reported as a StepDeadlineError and
 * left behind (an HTTP close waiting on a half-sent request held a stop for minutes, issue 17).
 */
export class Lifecycle {
  private readonly steps: LifecycleStep[] = [];
  private started: LifecycleStep[] = [];
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly onError: (step: string, phase: 'drain' | 'stop', e: unknown) => void = () => undefined,
    private readonly stepDeadlineMs: () => number = () => 0,
  ) {}

  add(step: LifecycleStep): this {
    this.steps.push(step);
    return this;
  }

  /** Names of the steps in start order (the docs and tests read it). */
  get order(): readonly string[] {
    return this.steps.map((s) => s.name);
  }

  async start(): Promise<void> {
    for (const step of this.steps) {
      try {
        await step.start?.();
      } catch (e) {
        await this.stopStarted(false).catch(() => undefined);
        throw e;
      }
      this.started.push(step);
    }
  }

  /** Idempotent: a second call returns the first call's promise. */
  stop(): Promise<void> {
    this.stopping ??= this.stopStarted(true);
    return this.stopping;
  }

  private async stopStarted(drain: boolean): Promise<void> {
    const steps = this.started.slice().reverse();
    this.started = [];
    let first: unknown = null;
    const run = async (step: LifecycleStep, phase: 'drain' | 'stop'): Promise<void> => {
      try {
        const pending = step[phase]?.();
        if (pending !== undefined) await this.bounded(step, phase, pending);
      } catch (e) {
        this.onError(step.name, phase, e);
        first ??= e;
      }
    };
    if (drain) for (const step of steps) await run(step, 'drain');
    for (const step of steps) await run(step, 'stop');
    if (first !== null) throw first;
  }

  private bounded(step: LifecycleStep, phase: 'drain' | 'stop', pending: Promise<void>): Promise<void> {
    const ms = step.deadlineMs?.() ?? this.stepDeadlineMs();
    if (ms <= 0) return pending;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepDeadlineError(step.name, phase, ms)), ms);
    });
    return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
  }
}
