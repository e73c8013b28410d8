// Live configuration for CONFIG GET/SET: current values by path, Redis 7.0's validation and error order, and change hooks.
import type { Config } from './load.js';
import { formatValue, parseParam } from './parse.js';
import { outputBufferLimitClasses } from './redis-values.js';
import { CONFIG_NAMES, CONFIG_NAME_BY_LOWER, type ConfigName, type ConfigValue, type Param, PARAM_BY_PATH, redisName } from './schema.js';
import type { ParamChange, ParamPath, ParamPathOf, ParamValue } from './types.js';
import { CommandError } from '../contracts/errors.js';
import { compileGlob, matchCompiled } from '../glob/glob.js';

/**
 * Called once per parameter CONFIG SET changed, with its path and new value. The arguments are a
 * (path, value) pair of the union ParamChange, so `if (path === 'maxmemory')` makes `value` a number.
 */
export type ChangeHook = (...change: ParamChange) => void;

/**
 * A change that cannot be applied synchronously (binding a listener on a new port or address is
 * asynchronous in Node): `prepare` does the part that can fail (binds the new listener beside the
 * old one) and resolves with a handle, or rejects with the reason Redis would give. Nothing is
 * committed before every preparation succeeded, so a port in use changes nothing at all.
 */
export interface Preparer {
  readonly paths: readonly ParamPath[];
  /** `next` reads the values the CONFIG SET would leave (staged over current). */
  prepare(next: (path: ParamPath) => ConfigValue): Promise<Prepared>;
}

/** What a successful preparation holds until the CONFIG SET commits (close the old listener) or rolls back (close the new one). */
export interface Prepared {
  commit(): void;
  abort(): void;
}

/** Who asks: protected configs (enable-protected-configs local) depend on whether the client is local. */
export interface SetOptions {
  /** The client is on a loopback address or a Unix socket (Redis's islocalClient). */
  readonly local?: boolean;
  /**
   * The caller can wait for a Promise (false inside MULTI/EXEC, which must answer at once): a
   * change that needs a Preparer is then refused rather than half done.
   */
  readonly async?: boolean;
}

/** Redis's allowProtectedAction: `yes`, or `local` for a local client. */
export function allowProtectedAction(setting: string, local: boolean): boolean {
  return setting === 'yes' || (setting === 'local' && local);
}

function setFailed(arg: string, reason: string): CommandError {
  return new CommandError('ERR', `CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`);
}

export class ConfigRuntime {
  private readonly values: Record<string, ConfigValue>;
  private readonly hooks: ChangeHook[] = [];
  private readonly preparers: Preparer[] = [];
  /** The asynchronous CONFIG SET under way: a later one waits for it, so two never interleave. */
  private pending: Promise<unknown> = Promise.resolve();

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

  /** Registers the asynchronous step of some parameters (a listener's port or address). */
  onPrepare(p: Preparer): void {
    this.preparers.push(p);
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

  /** Every current value by path (CONFIG REWRITE compares them with the file's). */
  snapshot(): Readonly<Record<string, ConfigValue>> {
    return { ...this.values };
  }

  /**
   * CONFIG GET, as Redis 7.0: a pattern without glob characters is a name (or alias) looked up
   * case-insensitively, answered under the name as asked for; a pattern matches names and aliases
   * case-insensitively, skipping hidden parameters. Each name is answered once.
   */
  get(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    const add = (asked: string, n: ConfigName): void => {
      const key = n.name.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      out.push([asked, formatValue(n.param, this.values[n.param.path] as ConfigValue)]);
    };
    for (const pat of patterns) {
      if (!/[[*?]/.test(pat)) {
        const n = CONFIG_NAME_BY_LOWER.get(pat.toLowerCase());
        if (n !== undefined) add(pat, n);
        continue;
      }
      const glob = compileGlob(pat, true);
      for (const n of CONFIG_NAMES) if (n.param.hidden !== true && matchCompiled(glob, n.name)) add(n.name, n);
    }
    return out;
  }

  /**
   * CONFIG SET with several pairs, checked in Redis 7.0's order before anything changes. Names
   * first, in order: the first problem wins (an unknown name, then an immutable or protected one,
   * then a name given twice, each reported as typed; a name and its alias are two names, the later
   * value wins, as in Redis). Then the values, in order: the first one refused is reported under
   * the canonical name. Then every value is applied, and the hooks run once per value that changed.
   * A part that refuses its value (throws) rolls the whole CONFIG SET back, as Redis's
   * restoreBackupConfig: every value goes back and the hooks hear the old ones.
   *
   * When a changed parameter has a Preparer (port, bind), the reply is a Promise: the preparation
   * runs first (a port in use rejects with "Unable to listen on this port: ..." and changes
   * nothing), then the values commit as above. Such CONFIG SETs run one at a time.
   * Throws (or rejects with) CommandError with Redis's wording.
   */
  set(pairs: readonly (readonly [string, string])[], opts: SetOptions = {}): void | Promise<void> {
    const staged = this.stage(pairs, opts);
    const changed = Object.entries(staged).filter(([path, v]) => this.values[path] !== v);
    const preparing = this.preparers.filter((p) => p.paths.some((path) => changed.some(([c]) => c === path)));
    if (preparing.length === 0) {
      this.commit(changed);
      return;
    }
    if (opts.async === false) {
      const path = preparing[0]?.paths.find((p) => p in staged) as string;
      throw setFailed(redisName(PARAM_BY_PATH.get(path) as Param), 'can not move a listener inside a transaction');
    }
    const run = this.pending.then(() => this.prepareAndCommit(pairs, opts, preparing));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** The asynchronous CONFIG SET: staged again once its turn came (an earlier one may have changed the values it compares with). */
  private async prepareAndCommit(pairs: readonly (readonly [string, string])[], opts: SetOptions, preparing: readonly Preparer[]): Promise<void> {
    const staged = this.stage(pairs, opts);
    const changed = Object.entries(staged).filter(([path, v]) => this.values[path] !== v);
    const next = (path: ParamPath): ConfigValue => (path in staged ? staged[path] : this.values[path]) as ConfigValue;
    const prepared: Prepared[] = [];
    try {
      for (const p of preparing) prepared.push(await p.prepare(next));
    } catch (e) {
      for (const h of prepared) h.abort();
      throw e;
    }
    try {
      this.commit(changed);
    } catch (e) {
      for (const h of prepared) h.abort();
      throw e;
    }
    for (const h of prepared) h.commit();
  }

  /** Checks names and values (nothing changes) and returns the new values by path. */
  private stage(pairs: readonly (readonly [string, string])[], opts: SetOptions): Record<string, ConfigValue> {
    const names: ConfigName[] = [];
    for (const [typed] of pairs) {
      const n = CONFIG_NAME_BY_LOWER.get(typed.toLowerCase());
      if (n === undefined) throw new CommandError('ERR', `Unknown option or number of arguments for CONFIG SET - '${typed}'`);
      if (n.param.mutable === false) throw setFailed(typed, "can't set immutable config");
      if (n.param.protectedConfig === true && !allowProtectedAction(this.str('enable_protected_configs'), opts.local === true)) throw setFailed(typed, "can't set protected config");
      if (names.includes(n)) throw setFailed(typed, 'duplicate parameter');
      names.push(n);
    }
    // Values are staged on a copy: a later pair (an alias, a linked parameter) sees the earlier ones.
    const staged: Record<string, ConfigValue> = {};
    const current = (p: Param): ConfigValue => (p.path in staged ? staged[p.path] : this.values[p.path]) as ConfigValue;
    pairs.forEach(([, raw], i) => {
      const { name, param } = names[i] as ConfigName;
      const r = parseParam(param, raw, current(param), 'redis');
      if (!r.ok) throw setFailed(name, r.reason);
      if (param.mutable === 'startup' && formatValue(param, r.value) !== formatValue(param, current(param))) {
        throw setFailed(name, "can't set immutable config");
      }
      staged[param.path] = r.value;
      this.link(param.path, staged);
    });
    return staged;
  }

  /**
   * Applies the changed values and runs the hooks. A part that cannot apply its value (TLS files
   * that do not load) throws; every part still hears of its value, then everything goes back
   * (values and hooks, with the old values) and the first error is thrown.
   */
  private commit(changed: readonly (readonly [string, ConfigValue])[]): void {
    const old = changed.map(([path]) => [path, this.values[path] as ConfigValue] as const);
    for (const [path, v] of changed) this.values[path] = v;
    const refused = this.runHooks(changed);
    if (refused === null) return;
    // A part may already have put its own values back (TLS does): only what still differs is restored.
    const back = old.filter(([path, v]) => this.values[path] !== v);
    for (const [path, v] of back) this.values[path] = v;
    this.runHooks(back);
    throw refused;
  }

  /** Runs every hook for each change; returns the first error thrown (the others are dropped), or null. */
  private runHooks(changes: readonly (readonly [string, ConfigValue])[]): unknown {
    let refused: unknown = null;
    for (const [path, v] of changes) {
      for (const h of this.hooks) {
        try {
          // Every staged value went through its param's parser, so (path, value) is one of the ParamChange pairs.
          // eslint-disable-next-line no-restricted-syntax -- bounded: a two-element tuple
          h(...([path, v] as ParamChange));
        } catch (e) {
          refused ??= e;
        }
      }
    }
    return refused;
  }

  /** Keeps the two spellings of the pubsub output limit in step (the resp part reads the narrow one). */
  private link(path: string, staged: Record<string, ConfigValue>): void {
    if (path === 'client_output_buffer_limit') {
      staged['client_output_buffer_limit_pubsub'] = outputBufferLimitClasses(staged[path] as string).pubsub;
    } else if (path === 'client_output_buffer_limit_pubsub') {
      const whole = PARAM_BY_PATH.get('client_output_buffer_limit') as Param;
      const current = (staged['client_output_buffer_limit'] ?? this.values['client_output_buffer_limit']) as string;
      const r = parseParam(whole, `pubsub ${staged[path] as string}`, current, 'redis');
      if (r.ok) staged['client_output_buffer_limit'] = r.value;
    }
  }
}
