// The scripting service handlers reach through ServerApi: EVAL and the script cache, FCALL and the function libraries.
import type { Reply } from '../resp/reply.js';
import type { CommandContext } from './command.js';

export interface ScriptingApi {
  /** EVAL / EVALSHA (`sha`) and their _RO forms (`ro`); `argv` is the whole command. */
  eval(ctx: CommandContext, argv: readonly string[], sha: boolean, ro: boolean): Reply;
  /** SCRIPT LOAD: compiles and caches the body; its SHA1. Throws Redis's compile error. */
  load(body: string): { readonly sha: string };
  /** SCRIPT EXISTS for one SHA1. */
  exists(sha: string): boolean;
  /** SCRIPT FLUSH. */
  flush(): void;
  /** SCRIPT KILL (`evalKind`) / FUNCTION KILL: throws NOTBUSY, BUSY or UNKILLABLE as Redis does. */
  kill(evalKind: boolean): void;
  readonly scriptCount: number;
  /** used_memory_scripts_eval. */
  readonly scriptsMemory: number;
}
