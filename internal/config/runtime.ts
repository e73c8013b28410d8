// Live configuration for CONFIG GET/SET: current values by path, validation, and change hooks.
import { type Config, coerce } from './load.js';
import { type ConfigValue, type Param, PARAMS, PARAM_BY_REDIS_NAME, redisName } from './schema.js';
import { CommandError } from '../commands/errors.js';
import { globMatch } from '../glob/glob.js';

/**
 * Read-only parameters Redis tools ask for (redis-benchmark reads `save` and `appendonly`) that
 * describe this build's fixed behaviour rather than a setting: no persistence is configured.
 */
const REPORTED: readonly (readonly [string, string])[] = [
  ['save', ''],
  ['appendonly', 'no'],
];

export type ChangeHook = (path: string, value: ConfigValue) => void;

export class ConfigRuntime {
  private readonly values: Record<string, ConfigValue>;
  private readonly hooks: ChangeHook[] = [];

  constructor(readonly initial: Config) {
    this.values = { ...initial.values };
  }

  onChange(h: ChangeHook): void {
    this.hooks.push(h);
  }

  num(path: string): number {
    return this.values[path] as number;
  }
  str(path: string): string {
    return this.values[path] as string;
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
   * CONFIG SET with several pairs: all are validated before any is applied, as Redis 7 does.
   * Throws CommandError with Redis's wording.
   */
  set(pairs: readonly (readonly [string, string])[]): void {
    const staged: [Param, ConfigValue][] = [];
    const names = new Set<string>();
    for (const [rawName, raw] of pairs) {
      const name = rawName.toLowerCase();
      const p = PARAM_BY_REDIS_NAME.get(name);
      if (!p) throw new CommandError('ERR', `Unknown option or number of arguments for CONFIG SET - '${rawName}'`);
      if (names.has(name)) throw new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${rawName}') - duplicate parameter`);
      names.add(name);
      if (!p.mutable) throw new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${rawName}') - can't set immutable config`);
      try {
        staged.push([p, coerce(p, raw, 'CONFIG SET')]);
      } catch (e) {
        const reason = (e as Error).message.replace(/^CONFIG SET: [^:]+: /, '');
        throw new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${rawName}') - ${reason}`);
      }
    }
    for (const [p, v] of staged) {
      this.values[p.path] = v;
      for (const h of this.hooks) h(p.path, v);
    }
  }
}

function formatValue(p: Param, v: ConfigValue): string {
  if (p.type === 'bool') return v ? 'yes' : 'no';
  return String(v);
}
