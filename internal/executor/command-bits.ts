// Which commands an EXEC would run may write or touch keys (CLIENT PAUSE WRITE and MONITOR decide by them), and the refusals that depend on a client's transaction or script.
import type { CommandRegistry } from '../commands/registry.js';
import { flagBit } from '../commands/spec.js';
import type { CommandSpec, ScriptingApi } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import type { Client } from '../server/client.js';

const WRITE_BITS = flagBit('write') | flagBit('may_replicate');
const KEYSPACE_BITS = WRITE_BITS | flagBit('readonly');

/** Flags of the commands an EXEC would run (its own flags say nothing about its queue). */
function queuedBits(client: Client, registry: CommandRegistry, scripting?: ScriptingApi): number {
  let bits = 0;
  if (client.multi === null) return 0;
  for (const q of client.multi.queue) {
    const spec = registry.getAnyCase(q.argv[0] as string);
    if (spec === undefined) continue;
    const sub = spec.subcommands !== undefined && q.argv.length > 1 ? registry.sub(spec.name, (q.argv[1] as string).toLowerCase()) : undefined;
    const flags = (sub ?? spec).flagBits;
    // A queued script that declares no-writes writes nothing (see mayWrite).
    bits |= scripting?.declaresNoWrites(q.argv) === true ? flags & ~WRITE_BITS : flags;
  }
  return bits;
}

/** Whether CLIENT PAUSE WRITE holds the command: Redis 7.0's is_may_replicate_command (write, may_replicate, or an EXEC of such). */
export function mayWrite(spec: CommandSpec, client: Client, registry: CommandRegistry, argv: readonly string[], scripting: ScriptingApi): boolean {
  // EVAL/EVALSHA/FCALL take their flags from the script's declared ones (Redis's evalGetCommandFlags).
  if ((spec.flagBits & WRITE_BITS) !== 0) return !scripting.declaresNoWrites(argv);
  return spec.name === 'exec' && (queuedBits(client, registry, scripting) & WRITE_BITS) !== 0;
}

/** Whether a command reads or writes keys: what a client in MONITOR mode is refused, as a replica is in Redis. */
export function touchesKeyspace(spec: CommandSpec, client: Client, registry: CommandRegistry): boolean {
  if ((spec.flagBits & KEYSPACE_BITS) !== 0) return true;
  return spec.name === 'exec' && (queuedBits(client, registry) & KEYSPACE_BITS) !== 0;
}


/**
 * Redis's scriptVerifyCommandArity wording for argv a script sent that did not resolve: a known
 * command or subcommand with the wrong arity, or no such command (an unknown subcommand included).
 */
export function scriptLookupError(registry: CommandRegistry, argv: readonly string[]): string {
  const spec = registry.getAnyCase(argv[0] as string);
  const target = spec?.subcommands !== undefined && argv.length > 1 ? registry.sub(spec.name, (argv[1] as string).toLowerCase()) : spec;
  return target === undefined ? 'Unknown Redis command called from script' : 'Wrong number of args calling Redis command from script';
}

/** The error line a script-level refusal counts under (Redis's afterErrorReply): `-CODE text` keeps its code, a bare message is an ERR. */
export function scriptErrorLine(refused: string): string {
  return refused.startsWith('-') ? refused.slice(1) : `ERR ${refused}`;
}

/**
 * The -BUSY a command gets while a script runs past busy-reply-threshold, as Redis's rejectCommand
 * gives it: inside MULTI it dooms the transaction, and an EXEC is answered EXECABORT naming the
 * BUSY error and leaves MULTI (execCommandAbort), so half a transaction never runs.
 */
export function busyRefusal(client: Client, spec: CommandSpec, reason: string, unwatch: (c: Client) => void): CommandError {
  if (client.multi !== null) {
    if (spec.name === 'exec') {
      client.multi = null;
      unwatch(client);
      return new CommandError('EXECABORT', `Transaction discarded because of: BUSY ${reason}`);
    }
    client.multi.failed = true;
  }
  return new CommandError('BUSY', reason);
}
