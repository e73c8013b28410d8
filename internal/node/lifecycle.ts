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
}

/**
 * Starts steps in order; a step that fails stops the ones already started (reverse order) and the
 * start rejects with its error. stop() drains the started steps in reverse order, then stops them
 * in reverse order; an error in one step does not skip the others: the first is rethrown at the end.
 */
export class Lifecycle {
  private readonly steps: LifecycleStep[] = [];
  private started: LifecycleStep[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly onError: (step: string, phase: 'drain' | 'stop', e: unknown) => void = () => undefined) {}

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
        await step[phase]?.();
      } catch (e) {
        this.onError(step.name, phase, e);
        first ??= e;
      }
    };
    if (drain) for (const step of steps) await run(step, 'drain');
    for (const step of steps) await run(step, 'stop');
    if (first !== null) throw first;
  }
}
