// Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT *, FCALL, FCALL_RO.
import type { CommandSpec } from '../contracts/command.js';

export const scriptingCommands: CommandSpec[] = [];
