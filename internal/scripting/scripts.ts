// The EVAL side of scripting: the script cache by SHA1 (compiled once into the node's Lua state), EVAL/EVALSHA runs, SCRIPT LOAD/EXISTS/FLUSH/KILL.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { parseInt64 } from '../commands/args.js';
import type { Reply } from '../resp/reply.js';
import { LuaEngine, sha1hex, type ScriptHooks, type ScriptTask } from './engine.js';
import { refuseBeforeRun, scriptHooks, type RunOptions } from './run.js';
import { FunctionLibraries } from './functions.js';
import { evalShebang, type EvalScriptFlags } from './shebang.js';

interface CachedScript {
  readonly body: string;
  readonly ref: number;
  readonly flags: EvalScriptFlags;
  /** The run options of EVAL / EVALSHA and of their _RO forms (one object each, not one per run). */
  readonly opts: readonly [RunOptions, RunOptions];
}

export interface ScriptingDeps {
  /** The executor's MISCONF reason for writes, null while persistence is healthy. */
  denyWrites(): string | null;
  log(level: number, message: string): void;
  /** busy-reply-threshold (lua-time-limit) in ms: past it a script yields and other clients get -BUSY. */
  busyThresholdMs(): number;
  /** Sets (or clears, null) the -BUSY reason the executor answers other clients with. */
  setBusy(reason: string | null): void;
}

/** What a script run reports while it runs (INFO, SCRIPT KILL). */
interface Running {
  readonly startedAt: number;
  readonly eval: boolean;
  readonly name: string;
  /** The command that started it (FUNCTION STATS shows it). */
  readonly argv?: readonly string[];
  /** Whether it wrote already (SCRIPT KILL then answers UNKILLABLE). */
  readonly dirty: () => boolean;
}

/** An EVAL's Running: one object per run, its dirty() a method rather than a closure. */
class EvalRunning implements Running {
  readonly eval = true;
  constructor(
    readonly startedAt: number,
    readonly name: string,
    readonly argv: readonly string[],
    private readonly hooks: ScriptHooks,
  ) {}

  dirty(): boolean {
    return this.hooks.dirty();
  }
}

/** What other clients get while a script (SLOW_EVAL) or a function (SLOW_FUNCTION) runs past busy-reply-threshold. */
export const SLOW_EVAL = 'Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const SLOW_FUNCTION = 'Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

export class Scripting {
  readonly engine = new LuaEngine();
  private readonly cache = new Map<string, CachedScript>();
  private bodyBytes = 0;
  private running: Running | null = null;
  /** The hooks of the last EVAL, reset for the next one (scriptHooks). */
  private spareHooks: ScriptHooks | null = null;
  private killRequested = false;
  /** The last EVALSHA's script, by its lower-case SHA (SCRIPT FLUSH forgets it). */
  private lastSha: { readonly sha: string; readonly script: CachedScript } | null = null;
  readonly functions: FunctionLibraries;

  constructor(private readonly deps: ScriptingDeps) {
    this.engine.onTick = () => this.killRequested;
    this.functions = new FunctionLibraries({
      denyWrites: () => deps.denyWrites(),
      log: (level, message) => deps.log(level, message),
      runGuarded: (ctx, r, start) => this.runGuarded(ctx, r, start),
      running: () => (this.running === null ? null : { ...this.running, argv: this.running.argv ?? [] }),
    });
    this.functions.engine.onTick = () => this.killRequested;
  }

  declaresNoWrites(argv: readonly string[]): boolean {
    const name = (argv[0] as string).toLowerCase();
    const body = argv[1] as string;
    if (name === 'fcall') return this.functions.flagsOf(body)?.noWrites === true;
    if (name !== 'eval' && name !== 'evalsha') return false;
    const cached = this.cache.get(name === 'eval' ? sha1hex(body) : body.toLowerCase());
    const parsed = cached === undefined && name === 'eval' ? evalShebang(body) : undefined;
    const flags = cached?.flags ?? (parsed !== undefined && 'flags' in parsed ? parsed.flags : undefined);
    return flags !== undefined && !flags.compat && flags.noWrites;
  }

  luaMemory(): number {
    return this.engine.memory();
  }

  get scriptCount(): number {
    return this.cache.size;
  }

  /** used_memory_scripts_eval: script bodies and their cache entries, as Redis estimates it. */
  get scriptsMemory(): number {
    return this.bodyBytes + this.cache.size * 96;
  }

  /** SCRIPT LOAD and the first EVAL of a body: the SHA1, compiling the body if it is new. */
  load(body: string): { sha: string; script: CachedScript } {
    const sha = sha1hex(body);
    const known = this.cache.get(sha);
    if (known !== undefined) return { sha, script: known };
    const shebang = evalShebang(body);
    if ('error' in shebang) throw new CommandError('ERR', shebang.error);
    const compiled = this.engine.compile(body.slice(shebang.length), '@user_script');
    if ('error' in compiled) throw new CommandError('ERR', `Error compiling script (new function): ${compiled.error}`);
    const { denyWrites, log } = this.deps;
    const flags = shebang.flags;
    const script: CachedScript = { body, ref: compiled.ref, flags, opts: [{ flags, ro: false, denyWrites, log }, { flags, ro: true, denyWrites, log }] };
    this.cache.set(sha, script);
    this.bodyBytes += body.length;
    return { sha, script };
  }

  exists(sha: string): boolean {
    return this.cache.has(sha.toLowerCase());
  }

  /** SCRIPT FLUSH: every cached script is gone and the Lua state is new. */
  flush(): void {
    this.cache.clear();
    this.lastSha = null;
    this.bodyBytes = 0;
    this.engine.reset();
  }

  /** EVAL, EVALSHA and their _RO forms: `argv` is the whole command. */
  eval(ctx: CommandContext, argv: readonly string[], sha: boolean, ro: boolean): Reply | Promise<Reply> {
    const numkeys = parseInt64(argv[2] as string);
    if (numkeys === null) throw errors.notInteger();
    if (numkeys > argv.length - 3) throw new CommandError('ERR', "Number of keys can't be greater than number of args");
    if (numkeys < 0) throw new CommandError('ERR', "Number of keys can't be negative");
    const n = Number(numkeys);
    let name: string;
    let script: CachedScript;
    if (sha) {
      const last = this.lastSha;
      if (last !== null && argv[1] === last.sha) {
        // A client repeating one EVALSHA: a string compare instead of lower-casing and hashing the SHA.
        name = last.sha;
        script = last.script;
      } else {
        name = (argv[1] as string).toLowerCase();
        const found = name.length === 40 ? this.cache.get(name) : undefined;
        if (found === undefined) throw new CommandError('NOSCRIPT', 'No matching script. Please use EVAL.');
        script = found;
        this.lastSha = { sha: name, script };
      }
    } else {
      ({ sha: name, script } = this.load(argv[1] as string));
    }
    refuseBeforeRun(ctx, script.flags, ro, this.deps.denyWrites);
    // (nothing else runs while a script does: the last run's hooks are free unless it yielded)
    const hooks = scriptHooks(ctx, script.opts[ro ? 1 : 0], this.running === null ? (this.spareHooks ?? undefined) : undefined);
    this.spareHooks = hooks;
    return this.runGuarded(ctx, new EvalRunning(Date.now(), name, argv, hooks), (yieldAfter) =>
      this.engine.run(script.ref, 'eval', argv, n, hooks, name, yieldAfter),
    );
  }

  /**
   * Runs a script as its client's (ctx.script.run: unrouted, journaled with the caller) with the
   * bookkeeping SCRIPT KILL, FUNCTION STATS and INFO read. Past busy-reply-threshold the script
   * yields to the event loop between slices of about a hook interval, and until it ends every
   * other client gets -BUSY (allow_busy commands such as SCRIPT KILL still run), as Redis answers
   * them from inside its hook. Inside EXEC it never yields (EXEC is synchronous).
   */
  runGuarded(ctx: CommandContext, r: Running, start: (yieldAfterMs: number | null) => Reply | ScriptTask): Reply | Promise<Reply> {
    this.running = r;
    this.killRequested = false;
    const threshold = this.deps.busyThresholdMs();
    const yieldAfter = ctx.inMulti || threshold <= 0 ? null : threshold;
    let out: Reply | ScriptTask;
    try {
      out = ctx.script.run(() => start(yieldAfter), true);
    } catch (e) {
      this.done();
      throw e;
    }
    if ('t' in out) {
      this.done();
      return out;
    }
    const task = out;
    this.deps.setBusy(r.eval ? SLOW_EVAL : SLOW_FUNCTION);
    return new Promise<Reply>((resolve, reject) => {
      const step = (): void => {
        let res: Reply | null;
        try {
          res = ctx.script.run(() => task.resume());
        } catch (e) {
          this.done();
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (res === null) {
          setImmediate(step);
          return;
        }
        this.done();
        resolve(res);
      };
      setImmediate(step);
    });
  }

  private done(): void {
    if (this.running === null) return;
    this.running = null;
    this.killRequested = false;
    this.deps.setBusy(null);
  }

  /** SCRIPT KILL (`eval` true) / FUNCTION KILL. */
  kill(evalKind: boolean): void {
    const r = this.running;
    if (r === null) throw new CommandError('NOTBUSY', 'No scripts in execution right now.');
    if (r.dirty()) {
      throw new CommandError(
        'UNKILLABLE',
        'Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
      );
    }
    // Redis's shared slowscripterr / slowevalerr: the kind of KILL that would work.
    if (evalKind && !r.eval) throw new CommandError('BUSY', SLOW_FUNCTION);
    if (!evalKind && r.eval) throw new CommandError('BUSY', SLOW_EVAL);
    this.killRequested = true;
  }
}
