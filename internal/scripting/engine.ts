// One Lua 5.1 state per node: the sandbox, the redis.* API, compiled chunks by reference, and running a script or function with Redis's error reporting.
import { createHash } from 'node:crypto';
import { formatDouble } from '../resp/encoder.js';
import { errorReply, NULL_BULK, type Reply } from '../resp/reply.js';
import { performance } from 'node:perf_hooks';
import { pushErrorTable, pushReply, popReply } from './convert.js';
import { Lrand48 } from './lrand48.js';
import {
  cfunction,
  cname,
  cstring,
  forgetRunStrings,
  lua,
  LUA_GCCOUNT,
  LUA_GCSETPAUSE,
  LUA_GLOBALSINDEX,
  LUA_MASKCOUNT,
  LUA_MASKLINE,
  LUA_REGISTRYINDEX,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  pushString,
  pushStringRemembered,
  toString,
  toStringCached,
  type LuaState,
} from './lua.js';
import { BUNDLED_LIBRARIES } from './libs/index.js';
import { PRELUDE } from './prelude.js';

/** What a running script asks of the node. */
export interface ScriptHooks {
  /** redis.call / redis.pcall: the command's reply, or `{ refused }` with the script-level error message. */
  call(argv: string[], resp: 2 | 3): Reply | { readonly refused: string };
  /** redis.set_repl: which journals (bit 1 AOF, bit 2 replicas) get the writes from now on. */
  setRepl(flags: number): void;
  /** redis.log at a Redis level (0 debug .. 3 warning). */
  log(level: number, message: string): void;
  /** redis.acl_check_cmd: whether argv names a command (null: no such command). */
  aclCheck(argv: string[]): boolean | null;
  /** Whether a command the script ran wrote (SCRIPT KILL refuses to stop it then). */
  dirty(): boolean;
}

/** State of the script running now. */
interface ActiveRun {
  readonly hooks: ScriptHooks;
  resp: 2 | 3;
  killed: boolean;
  /** The coroutine the script runs in (a suspended script is a yielded coroutine). */
  readonly co: LuaState;
  readonly funcname: string;
  readonly startedAt: number;
  /** Past this many ms the script yields at its next safe hook (null: never, e.g. inside EXEC). */
  readonly yieldAfterMs: number | null;
}

/** A script that yielded past busy-reply-threshold: resume() runs it on, null while it yields again. */
export interface ScriptTask {
  resume(): Reply | null;
}

export const sha1hex = (s: string): string => createHash('sha1').update(s, 'latin1').digest('hex');

/**
 * The collector's pause (percent of the live heap allocated before a cycle starts; Lua's default
 * is 200). Redis keeps its heap small with an explicit step every 50 scripts; in wasm that forced
 * step (it starts a cycle whenever the collector rests) cost ~5% of an EVALSHA. A shorter pause
 * alone keeps the heap as bounded (peaks of 61-78 KB over 20,000 runs of small scripts, against
 * 44-64 KB with the step and 94-96 KB with the default pause and no step) for less work.
 */
const GC_PAUSE = 120;

/** JS functions registered once per process (wasm function table slots are never freed). */
interface CFunctions {
  call: number;
  pcall: number;
  sha1hex: number;
  errorReply: number;
  statusReply: number;
  log: number;
  setresp: number;
  setRepl: number;
  replicateCommands: number;
  noop: number;
  aclCheck: number;
  random: number;
  randomseed: number;
  mark: number;
  hookYielded: number;
}

/** The engine whose state is `L` (the C functions are shared; they find their engine here). */
const engines = new Map<LuaState, LuaEngine>();
let cfuncs: CFunctions | null = null;

function engineOf(L: LuaState): LuaEngine {
  // A coroutine has its own lua_State; fall back to the only engine that is running.
  return engines.get(L) ?? (LuaEngine.running as LuaEngine);
}

/** Raises the error at the top of the stack (never returns: lua_error unwinds the wasm stack). */
function raise(L: LuaState): number {
  lua._lua_error(L);
  return 0;
}

function raiseMessage(L: LuaState, message: string): number {
  pushErrorTable(L, message, false, false);
  return raise(L);
}

/** Arguments of redis.call and friends as strings: numbers in %.17g, as Redis formats them. */
function argStrings(L: LuaState): string[] | null {
  const n = lua._lua_gettop(L);
  const argv = new Array<string>(n);
  for (let i = 1; i <= n; i++) {
    const t = lua._lua_type(L, i);
    if (t === LUA_TNUMBER) argv[i - 1] = formatDouble(lua._lua_tonumber(L, i));
    else if (t === LUA_TSTRING) argv[i - 1] = toStringCached(L, i, i === 1) as string;
    else return null;
  }
  return argv;
}

function redisCommand(L: LuaState, raiseError: boolean): number {
  const run = engineOf(L).active;
  if (run === null) return raiseMessage(L, 'redis.call/pcall can only be called inside a script invocation');
  if (lua._lua_gettop(L) === 0) {
    pushErrorTable(L, 'Please specify at least one argument for this redis lib call', false, false);
    return raiseError ? raise(L) : 1;
  }
  const argv = argStrings(L);
  lua._lua_settop(L, 0);
  if (argv === null) {
    pushErrorTable(L, 'Lua redis lib command arguments must be strings or integers', false, false);
    return raiseError ? raise(L) : 1;
  }
  const r = run.hooks.call(argv, run.resp);
  if ('refused' in r) {
    pushErrorTable(L, r.refused, false, true);
    return raiseError ? raise(L) : 1;
  }
  pushReply(L, r, run.resp);
  return raiseError && r.t === 'error' ? raise(L) : 1;
}

function registerCFunctions(): CFunctions {
  const rand = (L: LuaState): number => {
    const e = engineOf(L);
    if (e.active === null) return raiseMessage(L, 'math.random can only be called inside a script invocation');
    const r = e.random.next() / 2147483647;
    const n = lua._lua_gettop(L);
    if (n === 0) {
      lua._lua_pushnumber(L, r);
      return 1;
    }
    const lo = n === 2 ? Math.trunc(lua._lua_tonumber(L, 1)) : 1;
    const hi = Math.trunc(lua._lua_tonumber(L, n));
    if (n > 2) return raiseMessage(L, 'wrong number of arguments');
    if (lo > hi) return raiseMessage(L, `bad argument #${n} to 'random' (interval is empty)`);
    lua._lua_pushnumber(L, Math.floor(r * (hi - lo + 1)) + lo);
    return 1;
  };
  return {
    call: cfunction((L) => redisCommand(L, true)),
    pcall: cfunction((L) => redisCommand(L, false)),
    sha1hex: cfunction((L) => {
      if (lua._lua_gettop(L) !== 1) return raiseMessage(L, 'wrong number of arguments');
      pushString(L, sha1hex(toString(L, 1) ?? ''));
      return 1;
    }),
    errorReply: cfunction((L) => {
      if (lua._lua_gettop(L) !== 1 || lua._lua_type(L, -1) !== LUA_TSTRING) {
        pushErrorTable(L, 'wrong number or type of arguments', false, false);
        return 1;
      }
      const s = toString(L, -1) as string;
      pushErrorTable(L, s.startsWith('-') ? s : `-${s}`, true, false);
      return 1;
    }),
    statusReply: cfunction((L) => {
      if (lua._lua_gettop(L) !== 1 || lua._lua_type(L, -1) !== LUA_TSTRING) {
        pushErrorTable(L, 'wrong number or type of arguments', false, false);
        return 1;
      }
      lua._lua_createtable(L, 0, 1);
      lua._lua_pushvalue(L, -2);
      lua._lua_setfield(L, -2, cname('ok'));
      return 1;
    }),
    log: cfunction((L) => {
      const n = lua._lua_gettop(L);
      if (n < 2) return raiseMessage(L, 'redis.log() requires two arguments or more.');
      if (lua._lua_type(L, 1) !== LUA_TNUMBER && Number.isNaN(Number(toString(L, 1)))) return raiseMessage(L, 'First argument must be a number (log level).');
      const level = Math.trunc(lua._lua_tonumber(L, 1));
      if (level < 0 || level > 3) return raiseMessage(L, 'Invalid debug level.');
      const parts: string[] = [];
      for (let i = 2; i <= n; i++) {
        const s = toString(L, i);
        if (s !== null) parts.push(s);
      }
      engineOf(L).active?.hooks.log(level, parts.join(' '));
      return 0;
    }),
    setresp: cfunction((L) => {
      const run = engineOf(L).active;
      if (run === null) return raiseMessage(L, 'redis.setresp can only be called inside a script invocation');
      if (lua._lua_gettop(L) !== 1) return raiseMessage(L, 'redis.setresp() requires one argument.');
      const v = lua._lua_tonumber(L, 1);
      if (v !== 2 && v !== 3) return raiseMessage(L, 'RESP version must be 2 or 3.');
      run.resp = v;
      return 0;
    }),
    setRepl: cfunction((L) => {
      const run = engineOf(L).active;
      if (run === null) return raiseMessage(L, 'redis.set_repl can only be called inside a script invocation');
      if (lua._lua_gettop(L) !== 1) return raiseMessage(L, 'redis.set_repl() requires two arguments.');
      const flags = Math.trunc(lua._lua_tonumber(L, 1));
      if ((flags & ~3) !== 0) return raiseMessage(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      run.hooks.setRepl(flags);
      return 0;
    }),
    // Redis 7 always replicates scripts by effect: the call is accepted and answers true.
    replicateCommands: cfunction((L) => {
      lua._lua_pushboolean(L, 1);
      return 1;
    }),
    // redis.breakpoint / redis.debug: the debugger (SCRIPT DEBUG) is not offered; outside it Redis ignores them.
    noop: cfunction((L) => {
      lua._lua_pushboolean(L, 0);
      return 1;
    }),
    aclCheck: cfunction((L) => {
      const run = engineOf(L).active;
      if (run === null) return raiseMessage(L, 'redis.acl_check_cmd can only be called inside a script invocation');
      const argv = lua._lua_gettop(L) === 0 ? null : argStrings(L);
      if (argv === null) return raiseMessage(L, 'Please specify at least one argument for this redis lib call');
      const ok = run.hooks.aclCheck(argv);
      if (ok === null) return raiseMessage(L, 'Invalid command passed to redis.acl_check_cmd()');
      lua._lua_pushboolean(L, ok ? 1 : 0);
      return 1;
    }),
    random: cfunction(rand),
    // The prelude's pcall marks the coroutines it runs functions in: the hook may yield those.
    mark: cfunction((L) => {
      const co = lua._lua_tothread(L, 1);
      // Outside a run (FUNCTION LOAD runs library code) there is nothing to yield to.
      const e = engines.get(L) ?? LuaEngine.running;
      if (e === null || e.active === null) return 0;
      if (lua._lua_toboolean(L, 2) !== 0) e.yieldable.add(co);
      else e.yieldable.delete(co);
      return 0;
    }),
    hookYielded: cfunction((L) => {
      lua._lua_pushboolean(L, (engines.get(L) ?? LuaEngine.running)?.hookYielded === true ? 1 : 0);
      return 1;
    }),
    randomseed: cfunction((L) => {
      const e = engineOf(L);
      if (e.active === null) return raiseMessage(L, 'math.randomseed can only be called inside a script invocation');
      e.random.seed(Math.trunc(lua._lua_tonumber(L, 1)));
      return 0;
    }),
  };
}

const LUA_YIELD = 1;
const KEYS_NAME = cname('KEYS');
const ARGV_NAME = cname('ARGV');

/** A table of items[from..to) (KEYS and ARGV are ranges of the command's argv: no slices). */
function pushArray(L: LuaState, items: readonly string[], from: number, to: number): void {
  lua._lua_createtable(L, to - from, 0);
  for (let i = from; i < to; i++) {
    pushStringRemembered(L, items[i] as string);
    lua._lua_rawseti(L, -2, i - from + 1);
  }
}

/**
 * Whether lua_yield may be called now: lua_State's nCcalls equals its baseCcalls (Lua 5.1's own
 * test, which otherwise raises "attempt to yield across metamethod/C-call boundary"). They are the
 * two u16 at offsets 52 and 54 of the wasm32 lua_State (checked by a test that yields in plain
 * code and refuses inside pcall and a metamethod).
 */
export function canYield(L: LuaState): boolean {
  const h = new Uint16Array(lua.HEAPU8.buffer, L + 52, 2);
  return h[0] === h[1];
}

/** Extra libraries (cjson, cmsgpack, bit, struct): each pushes its table onto the stack. */
export type LibraryOpener = (L: LuaState) => void;
const libraries = new Map<string, LibraryOpener>(BUNDLED_LIBRARIES);
/** Registers a library every new engine gets as a global (call before creating engines). */
export function registerLibrary(name: string, open: LibraryOpener): void {
  libraries.set(name, open);
}

export class LuaEngine {
  /** The engine running a script now (coroutines run on their own lua_State). */
  static running: LuaEngine | null = null;
  L: LuaState;
  active: ActiveRun | null = null;
  readonly random = new Lrand48();
  /** Coroutines the prelude's pcall runs functions in (the hook may yield them, see tick). */
  readonly yieldable = new Set<LuaState>();
  /** The last stop of the running script was the hook's yield (the prelude's pcall passes it up). */
  hookYielded = false;
  /** Registry reference of the hidden globals table (KEYS and ARGV are set there). */
  private hidden = 0;
  /** Registry reference of the prelude's `locate` (error table of a dead coroutine). */
  private locate = 0;
  /** The coroutine scripts run in, reused while runs end normally (a finished 5.1 coroutine can start again). */
  private co: LuaState = 0;
  private coRef = 0;
  /** The coroutine whose count hook is set (0: none). */
  private hooked: LuaState = 0;
  /** The hook checks the clock every this many VM instructions (Redis: 100,000). */
  private readonly hookFn: number;
  /** Called from the instruction hook while a script runs: true kills the script. */
  onTick: (() => boolean) | null = null;

  constructor() {
    cfuncs ??= registerCFunctions();
    this.hookFn = lua.addFunction((L: number) => this.tick(L), 'vii');
    this.L = this.open();
  }

  private open(): LuaState {
    const L = lua._luaL_newstate();
    engines.set(L, this);
    lua._luaL_openlibs(L);
    const f = cfuncs as CFunctions;
    lua._lua_createtable(L, 0, 16);
    const set = (name: string, fn: number): void => {
      lua._lua_pushcclosure(L, fn, 0);
      lua._lua_setfield(L, -2, cname(name));
    };
    set('call', f.call);
    set('pcall', f.pcall);
    set('sha1hex', f.sha1hex);
    set('error_reply', f.errorReply);
    set('status_reply', f.statusReply);
    set('log', f.log);
    set('setresp', f.setresp);
    set('set_repl', f.setRepl);
    set('replicate_commands', f.replicateCommands);
    set('breakpoint', f.noop);
    set('debug', f.noop);
    set('acl_check_cmd', f.aclCheck);
    set('random', f.random);
    set('randomseed', f.randomseed);
    set('mark', f.mark);
    set('hookyielded', f.hookYielded);
    pushString(L, '7.0.15');
    lua._lua_setfield(L, -2, cname('REDIS_VERSION'));
    lua._lua_pushnumber(L, 0x07000f);
    lua._lua_setfield(L, -2, cname('REDIS_VERSION_NUM'));
    lua._lua_createtable(L, 0, 4);
    for (const [name, open] of libraries) {
      open(L);
      lua._lua_setfield(L, -2, cname(name));
    }
    lua._lua_setfield(L, -2, cname('libs'));
    lua._lua_setfield(L, LUA_GLOBALSINDEX, cname('__rc'));
    if (lua._luaL_loadbuffer(L, cstring(PRELUDE), PRELUDE.length, cname('@prelude')) !== 0 || lua._lua_pcall(L, 0, 1, 0) !== 0) {
      throw new Error(`Lua sandbox failed to load: ${toString(L, -1) ?? '?'}`);
    }
    lua._lua_gc(L, LUA_GCSETPAUSE, GC_PAUSE);
    lua._lua_getfield(L, -1, cname('locate'));
    this.locate = lua._luaL_ref(L, LUA_REGISTRYINDEX);
    lua._lua_getfield(L, -1, cname('hidden'));
    this.hidden = lua._luaL_ref(L, LUA_REGISTRYINDEX);
    lua._lua_settop(L, 0);
    lua._lua_settop(L, 0);
    return L;
  }

  /** Drops every compiled chunk and starts a fresh state (SCRIPT FLUSH). */
  reset(): void {
    engines.delete(this.co);
    this.co = 0;
    this.hooked = 0;
    engines.delete(this.L);
    lua._lua_close(this.L);
    this.L = this.open();
  }

  /** Bytes the Lua heap holds (INFO used_memory_lua). */
  memory(): number {
    return lua._lua_gc(this.L, LUA_GCCOUNT, 0) * 1024;
  }

  /**
   * Compiles `code` as a chunk named `chunkname` (`@user_script` for EVAL): a registry reference
   * to the function, or Lua's error message.
   */
  compile(code: string, chunkname: string): { ref: number } | { error: string } {
    const L = this.L;
    const name = cname(chunkname);
    const p = lua._malloc(code.length + 1);
    try {
      const heap = lua.HEAPU8;
      Buffer.from(heap.buffer, p, code.length).write(code, 'latin1');
      if (lua._luaL_loadbuffer(L, p, code.length, name) !== 0) {
        const msg = toString(L, -1) ?? 'unknown error';
        lua._lua_settop(L, 0);
        return { error: msg };
      }
    } finally {
      lua._free(p);
    }
    return { ref: lua._luaL_ref(L, LUA_REGISTRYINDEX) };
  }

  release(ref: number): void {
    lua._luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Sets a global for scripts (KEYS, ARGV): on the hidden table, past the read-only guard. */
  private setGlobalArrays(argv: readonly string[], firstKey: number, firstArg: number): void {
    const L = this.L;
    lua._lua_rawgeti(L, LUA_REGISTRYINDEX, this.hidden);
    pushArray(L, argv, firstKey, firstArg);
    lua._lua_setfield(L, -2, KEYS_NAME);
    pushArray(L, argv, firstArg, argv.length);
    lua._lua_setfield(L, -2, ARGV_NAME);
    lua._lua_settop(L, -2);
  }

  private thread(): LuaState {
    if (this.co === 0) {
      this.co = lua._lua_newthread(this.L);
      this.coRef = lua._luaL_ref(this.L, LUA_REGISTRYINDEX);
      // redis.call runs on this thread: engineOf finds the engine without the fallback.
      engines.set(this.co, this);
    }
    return this.co;
  }

  /**
   * Runs a compiled chunk (EVAL: KEYS and ARGV as globals, no arguments) or a registered
   * function (FCALL: keys and args as its two arguments) and converts its result to a reply.
   * `funcname` names it in error messages (`script: <name>, on @user_script:1.`). With
   * `yieldAfterMs`, a script still running after that long yields at its next safe hook and the
   * caller gets a ScriptTask to resume it (Redis serves other clients from the hook instead).
   */
  run(ref: number, mode: 'eval' | 'function', argv: readonly string[], numkeys: number, hooks: ScriptHooks, funcname: string, yieldAfterMs: number | null = null): Reply | ScriptTask {
    if (this.active !== null) return errorReply('ERR a script is already running');
    const co = this.thread();
    forgetRunStrings();
    lua._lua_settop(co, 0);
    lua._lua_rawgeti(co, LUA_REGISTRYINDEX, ref);
    let nargs = 0;
    // EVAL / FCALL argv: name, script or function, numkeys, keys..., args...
    const firstArg = 3 + numkeys;
    if (mode === 'eval') {
      this.setGlobalArrays(argv, 3, firstArg);
    } else {
      pushArray(co, argv, 3, firstArg);
      pushArray(co, argv, firstArg, argv.length);
      nargs = 2;
    }
    const run: ActiveRun = { hooks, resp: 2, killed: false, co, funcname, startedAt: performance.now(), yieldAfterMs };
    this.active = run;
    // The count hook stays on the reused coroutine between runs (it does nothing then): set once.
    if (this.hooked !== co) {
      lua._lua_sethook(co, this.hookFn, LUA_MASKCOUNT, 100000);
      this.hooked = co;
    }
    const out = this.step(run, nargs);
    return out ?? { resume: () => this.step(run, 0) };
  }

  /** Resumes the script's coroutine: its reply once it ends, null when it yielded again. */
  private step(run: ActiveRun, nargs: number): Reply | null {
    const prev = LuaEngine.running;
    LuaEngine.running = this;
    let status: number;
    this.hookYielded = false;
    try {
      status = lua._lua_resume(run.co, nargs);
    } finally {
      LuaEngine.running = prev;
    }
    return status === LUA_YIELD ? null : this.finish(run, status);
  }

  private finish(run: ActiveRun, status: number): Reply {
    const { co } = run;
    const L = this.L;
    // After a normal return the main state's stack is known empty (run() left it so): one clean-up call less.
    let clean = false;
    try {
      if (run.killed) {
        // SCRIPT KILL switched to line hooks: the next run sets the count hook again.
        lua._lua_sethook(co, 0, 0, 0);
        this.hooked = 0;
      }
      if (status !== 0) {
        // The coroutine died; its frames still say where: locate(co, err) builds Redis's error table.
        lua._lua_settop(L, 0);
        lua._lua_rawgeti(L, LUA_REGISTRYINDEX, this.locate);
        lua._lua_rawgeti(L, LUA_REGISTRYINDEX, this.coRef);
        lua._lua_xmove(co, L, 1);
        this.dropThread();
        if (lua._lua_pcall(L, 2, 1, 0) !== 0) return errorReply(`ERR Error running script ${run.funcname}, ${(toString(L, -1) ?? '').slice(0, 100)}`);
        return this.errorResult(run.funcname);
      }
      // A script returns its first value (Redis calls it for one result).
      const top = lua._lua_gettop(co);
      if (top === 0) {
        clean = true;
        return NULL_BULK;
      }
      if (top > 1) lua._lua_settop(co, 1);
      const reply = popReply(co, run.resp);
      clean = true;
      return reply;
    } finally {
      if (!clean) lua._lua_settop(L, 0);
      if (this.co !== 0) lua._lua_settop(this.co, 0);
      // (Set.clear allocates a new backing table even when empty: most runs mark nothing)
      if (this.yieldable.size > 0) this.yieldable.clear();
      this.active = null;
    }
  }

  private dropThread(): void {
    lua._luaL_unref(this.L, LUA_REGISTRYINDEX, this.coRef);
    engines.delete(this.co);
    this.co = 0;
    this.hooked = 0;
  }

  /** The error at the top after a failed pcall, as Redis reports it. */
  private errorResult(funcname: string): Reply {
    const L = this.L;
    if (lua._lua_type(L, -1) !== LUA_TTABLE) {
      const msg = toString(L, -1) ?? 'execution failure';
      return errorReply(`ERR Error running script ${funcname}, ${msg.slice(0, 100)}`);
    }
    const field = (name: string): string | null => {
      lua._lua_getfield(L, -1, cname(name));
      const s = lua._lua_type(L, -1) === LUA_TSTRING || lua._lua_type(L, -1) === LUA_TNUMBER ? toString(L, -1) : null;
      lua._lua_settop(L, -2);
      return s;
    };
    const err = field('err') ?? 'ERR unknown error';
    const source = field('source');
    const line = field('line');
    lua._lua_getfield(L, -1, cname('ignore_error_stats_update'));
    const counted = lua._lua_toboolean(L, -1) !== 0;
    lua._lua_settop(L, -2);
    const text = source !== null && line !== null ? `${err} script: ${funcname}, on ${source}:${line}.` : err;
    return counted ? ({ t: 'error', v: text, counted: true } as Reply) : errorReply(text);
  }

  /** SCRIPT KILL / FUNCTION KILL: the running script stops at its next hook with Redis's error. */
  kill(): void {
    if (this.active !== null) this.active.killed = true;
  }

  private tick(L: LuaState): void {
    const run = this.active;
    if (run === null) return;
    if (!run.killed && this.onTick !== null && this.onTick()) run.killed = true;
    if (!run.killed) {
      // Past the threshold, hand the event loop a turn (other clients get -BUSY meanwhile). Only
      // the script's own coroutine yields, and only where Lua 5.1 can: with no C call (pcall, a
      // metamethod, table.sort's comparator) between the hook and the coroutine's base.
      if (run.yieldAfterMs !== null && (L === run.co || this.yieldable.has(L)) && performance.now() - run.startedAt >= run.yieldAfterMs && canYield(L)) {
        this.hookYielded = true;
        lua._lua_yield(L, 0);
      }
      return;
    }
    // Hook every line from now on, so a pcall in the script cannot swallow the kill for long: on
    // this thread and on the script's own (5.1 hooks are per thread; new coroutines copy their creator's).
    lua._lua_sethook(L, this.hookFn, LUA_MASKLINE, 0);
    if (L !== run.co) lua._lua_sethook(run.co, this.hookFn, LUA_MASKLINE, 0);
    pushErrorTable(L, 'Script killed by user with SCRIPT KILL...', false, false);
    lua._lua_error(L);
  }
}
