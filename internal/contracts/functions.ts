// The function libraries' contract (FUNCTION ..., FCALL) that ScriptingApi.functions exposes to handlers.
import type { Reply } from '../resp/reply.js';
import type { CommandContext } from './command.js';

/** FUNCTION RESTORE's policy for libraries already loaded. */
export type RestorePolicy = 'flush' | 'append' | 'replace';

/** One library as FUNCTION LIST reports it. */
export interface FunctionLibrary {
  readonly name: string;
  readonly engine: string;
  readonly code: string;
  readonly functions: readonly { readonly name: string; readonly description: string | null; readonly flags: readonly string[] }[];
}

/** FUNCTION STATS. */
export interface FunctionStats {
  readonly running: { readonly name: string; readonly argv: readonly string[]; readonly durationMs: number } | null;
  readonly libraries: number;
  readonly functions: number;
}

/** The function libraries (FUNCTION ..., FCALL): every method throws Redis's error as a CommandError. */
export interface FunctionsApi {
  /** FUNCTION LOAD: the library's name. `timeoutMs` 0 runs the library's code without a limit (replay, peers). */
  load(code: string, replace: boolean, timeoutMs: number): string;
  delete(name: string): void;
  flush(): void;
  /** FUNCTION LIST [LIBRARYNAME pattern]. */
  list(pattern: string | null): FunctionLibrary[];
  stats(): FunctionStats;
  /** FUNCTION DUMP's payload (latin1 bytes). */
  dump(): string;
  restore(payload: string, policy: RestorePolicy): void;
  /** FCALL / FCALL_RO; `argv` is the whole command. */
  fcall(ctx: CommandContext, argv: readonly string[], ro: boolean): Reply;
  /** Commands that recreate every library on replay (AOF rewrite base, snapshots). */
  rewriteCommands(): string[][];
  readonly libraryCount: number;
  readonly functionCount: number;
}
