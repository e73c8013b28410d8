// The EVAL side of scripting: the script cache by SHA1 (compiled once into the node's Lua state), EVAL/EVALSHA runs, SCRIPT LOAD/EXISTS/FLUSH/KILL.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { parseInt64 } from '../commands/args.js';
import type { Reply } from '../resp/reply.js';
import { LuaEngine, sha1hex } from './engine.js';
import { refuseBeforeRun, scriptHooks } from './run.js';
import { FunctionLibraries } from './functions.js';
import { evalShebang, type EvalScriptFlags } from './shebang.js';

interface CachedScript {
  readonly body: string;
  readonly ref: number;
  readonly flags: EvalScriptFlags;
}

export interface ScriptingDeps {
  /** The executor's MISCONF reason for writes, null while persistence is healthy. */
  denyWrites(): string | null;
  log(level: number, message: string): void;
  /** busy-reply-threshold (lua-time-limit) in ms: a script running longer may be killed. */
  busyThresholdMs(): number;
}

/** What a script run reports while it runs (INFO, SCRIPT KILL). */
interface Running {
  readonly startedAt: number;
  readonly eval: boolean;
  readonly name: string;
  /** The command that started it (FUNCTION STATS shows it). */
  readonly argv?: readonly string[];
}

export class Scripting {
  readonly engine = new LuaEngine();
  private readonly cache = new Map<string, CachedScript>();
  private bodyBytes = 0;
  private running: Running | null = null;
  private killRequested = false;
  readonly functions: FunctionLibraries;

  constructor(private readonly deps: ScriptingDeps) {
    this.engine.onTick = () => this.killRequested;
    this.functions = new FunctionLibraries({
      denyWrites: () => deps.denyWrites(),
      log: (level, message) => deps.log(level, message),
      runGuarded: (r, fn) => this.runGuarded(r, fn),
      running: () => (this.running === null ? null : { ...this.running, argv: this.running.argv ?? [] }),
    });
    this.functions.engine.onTick = () => this.killRequested;
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
    const script = { body, ref: compiled.ref, flags: shebang.flags };
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
    this.bodyBytes = 0;
    this.engine.reset();
  }

  /** EVAL, EVALSHA and their _RO forms: `argv` is the whole command. */
  eval(ctx: CommandContext, argv: readonly string[], sha: boolean, ro: boolean): Reply {
    const numkeys = parseInt64(argv[2] as string);
    if (numkeys === null) throw errors.notInteger();
    if (numkeys > argv.length - 3) throw new CommandError('ERR', "Number of keys can't be greater than number of args");
    if (numkeys < 0) throw new CommandError('ERR', "Number of keys can't be negative");
    const n = Number(numkeys);
    let name: string;
    let script: CachedScript;
    if (sha) {
      name = (argv[1] as string).toLowerCase();
      const found = name.length === 40 ? this.cache.get(name) : undefined;
      if (found === undefined) throw new CommandError('NOSCRIPT', 'No matching script. Please use EVAL.');
      script = found;
    } else {
      ({ sha: name, script } = this.load(argv[1] as string));
    }
    refuseBeforeRun(ctx, script.flags, ro, this.deps.denyWrites);
    const hooks = scriptHooks(ctx, { flags: script.flags, ro, denyWrites: this.deps.denyWrites, log: this.deps.log });
    return this.runGuarded({ startedAt: Date.now(), eval: true, name }, () =>
      ctx.script.run(() => this.engine.run(script.ref, 'eval', argv.slice(3, 3 + n), argv.slice(3 + n), hooks, name)),
    );
  }

  /** Runs a script with the bookkeeping SCRIPT KILL and INFO read. */
  runGuarded(r: Running, fn: () => Reply): Reply {
    this.running = r;
    this.killRequested = false;
    try {
      return fn();
    } finally {
      this.running = null;
      this.killRequested = false;
    }
  }

  /** SCRIPT KILL (`eval` true) / FUNCTION KILL. */
  kill(evalKind: boolean): void {
    const r = this.running;
    if (r === null) throw new CommandError('NOTBUSY', 'No scripts in execution right now.');
    if (evalKind && !r.eval) throw new CommandError('BUSY', 'Redis is busy running a function. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    if (!evalKind && r.eval) throw new CommandError('BUSY', 'Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    this.killRequested = true;
  }
}
