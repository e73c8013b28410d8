// Per-part config subscriptions: each part declares the run-time parameters it reacts to, and a change reaches exactly that part.
import type { ConfigRuntime } from '../config/runtime.js';
import type { ConfigValue } from '../config/schema.js';
import type { ParamPath } from '../config/types.js';

/** A part of the node and the mutable parameters it applies when CONFIG SET changes them. */
export interface ConfigSubscriber {
  /** Names the part in errors and tests (`store`, `persistence`, ...). */
  readonly part: string;
  readonly params: readonly ParamPath[];
  apply(path: string, value: ConfigValue): void;
}

/**
 * The table of who reacts to which parameter. A parameter has at most one subscriber (two parts
 * reacting to one parameter would apply a change in an order nobody chose); parameters nobody
 * subscribes to are read where they are used (`runtime.num(...)` at the time of use).
 */
export class ConfigSubscriptions {
  private readonly byParam = new Map<string, ConfigSubscriber>();

  constructor(runtime: ConfigRuntime) {
    runtime.onChange((path, value) => this.byParam.get(path)?.apply(path, value));
  }

  add(sub: ConfigSubscriber): void {
    for (const p of sub.params) {
      const other = this.byParam.get(p);
      if (other !== undefined) throw new Error(`config parameter '${p}' is already applied by ${other.part}, not also by ${sub.part}`);
    }
    for (const p of sub.params) this.byParam.set(p, sub);
  }

  /** The part that applies `path`, if any. */
  owner(path: string): string | undefined {
    return this.byParam.get(path)?.part;
  }
}
