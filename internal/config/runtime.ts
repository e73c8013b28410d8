// Live configuration for CONFIG GET/SET: current values by path, validation, and change hooks.
import { type Config, ConfigError, coerce } from './load.js';
import { type ConfigValue, type Param, PARAMS, PARAM_BY_REDIS_NAME, redisName } from './schema.js';
import type { ParamChange, ParamPath, ParamPathOf, ParamValue } from './types.js';
import { CommandError } from '../contracts/errors.js';
import { globMatch } from '../glob/glob.js';

/**
 * Read-only parameters Redis tools ask for that describe this build's fixed behaviour rather than
 * a setting. Empty now that `save` and `appendonly` are real parameters; kept for the next one.
 */
const REPORTED: readonly (readonly [string, string])[] = [];

/**
 * Called once per parameter CONFIG SET changed, with its path and new value. The arguments are a
 * (path, value) pair of the union ParamChange, so `if (path === 'maxmemory')` makes `value` a number.
 */
export type ChangeHook = (...change: ParamChange) => void;

export class ConfigRuntime {
  private readonly values: Record<string, ConfigValue>;
  private readonly hooks: ChangeHook[] = [];

  constructor(readonly initial: Config) {
    this.values = { ...initial.values };
  }

  /** Runs `h` after each change CONFIG SET makes (once per changed parameter). */
  onChange(h: ChangeHook): void;
  /** A hook that needs only the path (or nothing): a ChangeHook's parameter list is exactly (path, value). */
  onChange(h: (path: ParamPath) => void): void;
  onChange(h: ChangeHook | ((path: ParamPath) => void)): void {
    // Called with (path, value) either way; a one-parameter hook ignores the value.
    this.hooks.push(h as ChangeHook);
  }

  /** The current value of a parameter, typed by its path (an enum as its literal union). */
  value<P extends ParamPath>(path: P): ParamValue<P> {
    return this.values[path] as ParamValue<P>;
  }
  /** An int or memory parameter; a string or bool path does not compile. */
  num(path: ParamPathOf<number>): number {
    return this.values[path] as number;
  }
  /** A string, list (comma-separated) or enum parameter; enums come back as their literal union. */
  str<P extends ParamPathOf<string>>(path: P): ParamValue<P> {
    return this.values[path] as ParamValue<P>;
  }
  /** A bool parameter. */
  bool(path: ParamPathOf<boolean>): boolean {
    return this.values[path] === true;
  }

  /** CONFIG GET: every parameter whose Redis-style name matches one of the glob patterns. */
  get(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pat of patterns) {
      const lower = pat.toLowerCase();
      for (const p of PARAMS) {
        const name = redisName(p);
        if (seen.has(name) || !globMatch(lower, name)) continue;
        seen.add(name);
        out.push([name, formatValue(p, this.values[p.path] as ConfigValue)]);
      }
    }
    for (const pat of patterns) {
      for (const [name, value] of REPORTED) {
        if (!seen.has(name) && globMatch(pat.toLowerCase(), name)) {
          seen.add(name);
          out.push([name, value]);
        }
      }
    }
    return out;
  }

  /**
   * CONFIG SET with several pairs, checked in Redis 7's order before anything changes: an unknown
   * name anywhere wins (reported by the first unknown), then the first immutable or repeated name,
   * then the first value that does not parse (reported under the parameter's canonical name).
   * Then every value is applied, and the hooks run once per value that actually changed.
   * Throws CommandError with Redis's wording.
   */
  set(allPairs: readonly (readonly [string, string])[]): void {
    const reported = new Map(REPORTED);
    const unknown = allPairs.find(([name]) => !PARAM_BY_REDIS_NAME.has(name.toLowerCase()) && !reported.has(name.toLowerCase()));
    if (unknown) throw new CommandError('ERR', `Unknown option or number of arguments for CONFIG SET - '${unknown[0]}'`);
    const failed = (arg: string, reason: string): CommandError =>
      new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`);
    // Tools send `CONFIG SET save ""` / `appendonly no`: setting a reported value to what it is
    // succeeds as a no-op; anything else is refused, since this build has no persistence.
    for (const [name, raw] of allPairs) {
      const current = reported.get(name.toLowerCase());
      if (current !== undefined && raw.toLowerCase() !== current) throw failed(name, 'persistence is not available in this build');
    }
    const pairs = allPairs.filter(([name]) => !reported.has(name.toLowerCase()));
    const params: Param[] = [];
    for (const [rawName] of pairs) {
      const p = PARAM_BY_REDIS_NAME.get(rawName.toLowerCase()) as Param;
      if (!p.mutable) throw failed(rawName, "can't set immutable config");
      if (params.includes(p)) throw failed(rawName, 'duplicate parameter');
      params.push(p);
    }
    const staged: [Param, ConfigValue][] = [];
    pairs.forEach(([, raw], i) => {
      const p = params[i] as Param;
      try {
        staged.push([p, coerce(p, raw, 'CONFIG SET')]);
      } catch (e) {
        const own = p.type === 'string' ? (p.validate?.(raw) ?? null) : null;
        throw failed(redisName(p), own ?? redisReason(p, e instanceof ConfigError ? e.problem : 'other'));
      }
    });
    const changed = staged.filter(([p, v]) => this.values[p.path] !== v);
    for (const [p, v] of changed) this.values[p.path] = v;
    // coerce() gave each value its param's type, so (path, value) is one of the ParamChange pairs.
    for (const [p, v] of changed) for (const h of this.hooks) h(...([p.path, v] as ParamChange));
  }
}

/** Redis's words for a value CONFIG SET refuses (config.c's numeric, bool and enum setters). */
function redisReason(p: Param, problem: 'type' | 'range' | 'other'): string {
  if (problem === 'range') {
    return `argument must be between ${p.min ?? Number.MIN_SAFE_INTEGER} and ${p.max ?? Number.MAX_SAFE_INTEGER} inclusive`;
  }
  switch (p.type) {
    case 'int':
      return "argument couldn't be parsed into an integer";
    case 'memory':
      return 'argument must be a memory value';
    case 'bool':
      return "argument must be 'yes' or 'no'";
    case 'enum':
      return `argument(s) must be one of the following: ${(p.values ?? []).join(', ')}`;
    case 'string':
    case 'list':
      return 'argument must be a string';
  }
}

function formatValue(p: Param, v: ConfigValue): string {
  if (p.type === 'bool') return v ? 'yes' : 'no';
  return String(v);
}
