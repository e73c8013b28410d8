// The node's function libraries (Redis 7 functions): load, delete, flush, list, stats, DUMP/RESTORE payloads and FCALL, in a Lua state of their own as Redis keeps them apart from EVAL.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import type { FunctionLibrary, FunctionsApi, FunctionStats, RestorePolicy } from '../contracts/command.js';
import { parseInt64 } from '../commands/args.js';
import { globMatch } from '../glob/glob.js';
import { RdbError } from '../rdb/bytes.js';
import { crc64Bytes } from '../rdb/crc64.js';
import { RdbReader } from '../rdb/reader.js';
import { RdbWriter } from '../rdb/writer.js';
import { splitArgs } from '../resp/decoder.js';
import type { Reply } from '../resp/reply.js';
import { LuaEngine, type ScriptTask } from './engine.js';
import { NAME_RULE, runLibrary, validName, type RegisteredFunction } from './function-load.js';
import { refuseBeforeRun, scriptHooks } from './run.js';
import type { ScriptFlags } from './shebang.js';

/** RDB_OPCODE_FUNCTION2 (a library as its code) and the 7.0-rc format RDB_OPCODE_FUNCTION. */
const OPCODE_FUNCTION2 = 245;
const OPCODE_FUNCTION = 246;
/** The RDB version Redis 7.0 writes and the newest its FUNCTION RESTORE accepts. */
const RDB_VERSION = 10;
/** FUNCTION LOAD's limit on a library's top-level code (LOAD_TIMEOUT_MS). */
export const LOAD_TIMEOUT_MS = 500;

/** Flag names in Redis's scripts_flags_def order (FUNCTION LIST prints them so). */
const FLAG_ORDER: readonly [keyof ScriptFlags, string][] = [
  ['noWrites', 'no-writes'],
  ['allowOom', 'allow-oom'],
  ['allowStale', 'allow-stale'],
  ['noCluster', 'no-cluster'],
  ['allowCrossSlot', 'allow-cross-slot-keys'],
];

interface Library {
  readonly name: string;
  /** The whole payload given to FUNCTION LOAD, shebang included (what LIST WITHCODE and DUMP give back). */
  readonly code: string;
  readonly functions: Map<string, RegisteredFunction>;
}

/** A set of libraries and the function index over them (Redis's functionsLibCtx). */
class LibCtx {
  readonly libraries = new Map<string, Library>();
  /** Function name, lower-cased (FCALL finds functions case-insensitively) -> its library and itself. */
  readonly functions = new Map<string, { lib: Library; fn: RegisteredFunction }>();
  functionCount = 0;

  link(lib: Library): void {
    for (const fn of lib.functions.values()) {
      const k = fn.name.toLowerCase();
      if (!this.functions.has(k)) this.functions.set(k, { lib, fn });
    }
    this.libraries.set(lib.name, lib);
    this.functionCount += lib.functions.size;
  }

  unlink(lib: Library): void {
    for (const fn of lib.functions.values()) {
      const k = fn.name.toLowerCase();
      if (this.functions.get(k)?.lib === lib) this.functions.delete(k);
    }
    this.libraries.delete(lib.name);
    this.functionCount -= lib.functions.size;
  }
}

/** The `#!<engine> name=<lib>` line (functionExtractLibMetaData). */
export function libraryMetadata(payload: string): { engine: string; name: string } {
  // Redis reads the payload as a C string: a NUL ends it.
  const cstr = payload.includes('\0') ? payload.slice(0, payload.indexOf('\0')) : payload;
  if (!cstr.startsWith('#!')) throw errors.generic('Missing library metadata');
  const nl = cstr.indexOf('\n');
  if (nl < 0) throw errors.generic('Invalid library metadata');
  const parts = splitArgs(cstr.slice(0, nl));
  if (parts === null || parts.length === 0) throw errors.generic('Invalid library metadata');
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== 'name=') throw errors.generic(`Invalid metadata value given: ${part}`);
    if (name !== null) throw errors.generic('Invalid metadata value, name argument was given multiple times');
    name = part.slice(5);
  }
  if (name === null) throw errors.generic('Library name was not given');
  return { engine: (parts[0] as string).slice(2), name };
}

export interface FunctionsDeps {
  denyWrites(): string | null;
  log(level: number, message: string): void;
  /** Runs an FCALL with the bookkeeping SCRIPT/FUNCTION KILL and FUNCTION STATS read. */
  runGuarded(
    ctx: CommandContext,
    r: { startedAt: number; eval: boolean; name: string; argv: readonly string[]; dirty: () => boolean },
    start: (yieldAfterMs: number | null) => Reply | ScriptTask,
  ): Reply | Promise<Reply>;
  /** The run in progress, if any (FUNCTION STATS). */
  running(): { startedAt: number; eval: boolean; name: string; argv: readonly string[] } | null;
}

export class FunctionLibraries implements FunctionsApi {
  /** Functions have their own Lua state: FUNCTION FLUSH and SCRIPT FLUSH never touch each other's. */
  readonly engine = new LuaEngine();
  private current = new LibCtx();

  constructor(private readonly deps: FunctionsDeps) {}

  get libraryCount(): number {
    return this.current.libraries.size;
  }

  get functionCount(): number {
    return this.current.functionCount;
  }

  /** Frees a context's compiled functions (its libraries are gone). */
  private free(ctx: LibCtx): void {
    for (const lib of ctx.libraries.values()) this.freeLibrary(lib);
  }

  private freeLibrary(lib: Library): void {
    for (const fn of lib.functions.values()) this.engine.release(fn.ref);
  }

  /** functionsCreateWithLibraryCtx: the library's name, or throws Redis's error. */
  private create(code: string, replace: boolean, ctx: LibCtx, timeoutMs: number): string {
    const md = libraryMetadata(code);
    if (!validName(md.name)) throw errors.generic(NAME_RULE);
    if (md.engine.toLowerCase() !== 'lua') throw errors.generic(`Engine '${md.engine}' not found`);
    const old = ctx.libraries.get(md.name);
    if (old !== undefined && !replace) throw errors.generic(`Library '${md.name}' already exists`);
    if (old !== undefined) ctx.unlink(old);
    try {
      const loaded = runLibrary(this.engine, code.slice(code.indexOf('\n')), timeoutMs);
      if ('error' in loaded) throw errors.generic(loaded.error);
      const lib: Library = { name: md.name, code, functions: loaded.functions };
      const clash = this.clash(lib, ctx);
      if (lib.functions.size === 0 || clash !== null) {
        this.freeLibrary(lib);
        throw errors.generic(clash === null ? 'No functions registered' : `Function ${clash} already exists`);
      }
      ctx.link(lib);
    } catch (e) {
      if (old !== undefined) ctx.link(old);
      throw e;
    }
    if (old !== undefined) this.freeLibrary(old);
    return md.name;
  }

  /** The first function of `lib` another library of `ctx` already has, or null. */
  private clash(lib: Library, ctx: LibCtx): string | null {
    for (const fn of lib.functions.values()) if (ctx.functions.has(fn.name.toLowerCase())) return fn.name;
    return null;
  }

  load(code: string, replace: boolean, timeoutMs: number): string {
    return this.create(code, replace, this.current, timeoutMs);
  }

  delete(name: string): void {
    const lib = this.current.libraries.get(name);
    if (lib === undefined) throw errors.generic('Library not found');
    this.current.unlink(lib);
    this.freeLibrary(lib);
  }

  flush(): void {
    this.free(this.current);
    this.current = new LibCtx();
  }

  list(pattern: string | null): FunctionLibrary[] {
    const out: FunctionLibrary[] = [];
    for (const lib of this.current.libraries.values()) {
      if (pattern !== null && !globMatch(pattern, lib.name, true)) continue;
      out.push({
        name: lib.name,
        engine: 'LUA',
        code: lib.code,
        functions: [...lib.functions.values()].map((fn) => ({
          name: fn.name,
          description: fn.description,
          flags: FLAG_ORDER.filter(([k]) => fn.flags[k]).map(([, s]) => s),
        })),
      });
    }
    return out;
  }

  stats(): FunctionStats {
    const r = this.deps.running();
    if (r !== null && r.eval) throw new CommandError('BUSY', 'Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    return {
      running: r === null ? null : { name: r.name, argv: r.argv, durationMs: Date.now() - r.startedAt },
      libraries: this.libraryCount,
      functions: this.functionCount,
    };
  }

  /** FUNCTION DUMP: one RDB_OPCODE_FUNCTION2 record per library, RDB version 10 and CRC64 (rdbSaveFunctions). */
  dump(): string {
    const w = new RdbWriter();
    for (const lib of this.current.libraries.values()) {
      w.byte(OPCODE_FUNCTION2);
      w.len(lib.code.length);
      w.latin1(lib.code);
    }
    w.u16le(RDB_VERSION);
    const body = w.bytes();
    return Buffer.concat([body, crc64Bytes(body)]).toString('latin1');
  }

  /** FUNCTION RESTORE: the payload's libraries are built aside, then joined by `policy` (nothing changes on error). */
  restore(payload: string, policy: RestorePolicy): void {
    const p = Buffer.from(payload, 'latin1');
    if (p.length < 10 || p.readUInt16LE(p.length - 10) > RDB_VERSION || !crc64Bytes(p, 0, p.length - 8).equals(p.subarray(p.length - 8))) {
      throw errors.generic('DUMP payload version or checksum are wrong');
    }
    const ctx = new LibCtx();
    try {
      const r = new RdbReader(p, 0, p.length - 10);
      while (r.remaining > 0) this.create(restoreRecord(r), false, ctx, 0);
    } catch (e) {
      this.free(ctx);
      throw e;
    }
    if (policy === 'flush') {
      this.free(this.current);
      this.current = ctx;
      return;
    }
    this.join(ctx, policy === 'replace');
  }

  /** libraryJoin: every library of `src` into the current set, or none of them. */
  private join(src: LibCtx, replace: boolean): void {
    const dst = this.current;
    const replaced: Library[] = [];
    const undo = (): void => {
      for (const lib of replaced) dst.link(lib);
      this.free(src);
    };
    for (const lib of src.libraries.values()) {
      const old = dst.libraries.get(lib.name);
      if (old === undefined) continue;
      if (!replace) {
        undo();
        throw errors.generic(`Library ${lib.name} already exists`);
      }
      dst.unlink(old);
      replaced.push(old);
    }
    for (const { fn } of src.functions.values()) {
      if (dst.functions.has(fn.name.toLowerCase())) {
        undo();
        throw errors.generic(`Function ${fn.name} already exists`);
      }
    }
    for (const lib of src.libraries.values()) dst.link(lib);
    for (const lib of replaced) this.freeLibrary(lib);
  }

  /** The declared flags of a registered function (CLIENT PAUSE reads `no-writes`). */
  flagsOf(name: string): ScriptFlags | undefined {
    return this.current.functions.get(name.toLowerCase())?.fn.flags;
  }

  /** FCALL / FCALL_RO: `argv` is the whole command. */
  fcall(ctx: CommandContext, argv: readonly string[], ro: boolean): Reply | Promise<Reply> {
    const found = this.current.functions.get((argv[1] as string).toLowerCase());
    if (found === undefined) throw errors.generic('Function not found');
    const numkeys = parseInt64(argv[2] as string);
    if (numkeys === null) throw errors.generic('Bad number of keys provided');
    if (numkeys > argv.length - 3) throw errors.generic("Number of keys can't be greater than number of args");
    if (numkeys < 0) throw errors.generic("Number of keys can't be negative");
    const n = Number(numkeys);
    const { fn } = found;
    const flags = { ...fn.flags, compat: false };
    refuseBeforeRun(ctx, flags, ro, () => this.deps.denyWrites());
    const hooks = scriptHooks(ctx, { flags, ro, denyWrites: () => this.deps.denyWrites(), log: (l, m) => this.deps.log(l, m) });
    return this.deps.runGuarded(ctx, { startedAt: Date.now(), eval: false, name: fn.name, argv, dirty: () => hooks.dirty() }, (yieldAfter) =>
      this.engine.run(fn.ref, 'function', argv, n, hooks, fn.name, yieldAfter),
    );
  }

  /** What recreates every library on replay (AOF rewrite base, snapshots): FUNCTION LOAD per library, as Redis's AOF rewrite writes them. */
  rewriteCommands(): string[][] {
    return [...this.current.libraries.values()].map((lib) => ['FUNCTION', 'LOAD', lib.code]);
  }
}

/** One library record of a FUNCTION DUMP payload, as the code FUNCTION LOAD takes (rdbFunctionLoad). */
function restoreRecord(r: RdbReader): string {
  let type: number;
  try {
    type = r.byte();
  } catch {
    throw errors.generic('can not read data type');
  }
  if (type !== OPCODE_FUNCTION2 && type !== OPCODE_FUNCTION) throw errors.generic('given type is not a function');
  const read = (what: string): string => {
    try {
      return r.string();
    } catch (e) {
      if (e instanceof RdbError) throw errors.generic(what);
      throw e;
    }
  };
  if (type === OPCODE_FUNCTION2) return read('Failed loading library payload');
  // Redis 7.0-rc1/rc2: name, engine, an optional description, then the code without its shebang.
  const name = read('Failed loading library name');
  const engine = read('Failed loading engine name');
  let hasDesc: bigint;
  try {
    hasDesc = r.lenBig();
  } catch {
    throw errors.generic('Failed loading library description indicator');
  }
  if (hasDesc !== 0n) read('Failed loading library description');
  const blob = read('Failed loading library blob');
  return `#!${engine} name=${name}\n${blob}`;
}
