// Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and the SCRIPT container (LOAD, EXISTS, FLUSH, KILL, DEBUG, HELP).
import type { CommandContext, CommandSpec, KeySpec } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import { array, bulk, int, OK, simple, type Reply } from '../resp/reply.js';
import { mpopKeys } from './lists-blocking.js';
import { command } from './spec.js';

/** EVAL's key spec; Redis's command JSON gives EVAL and EVAL_RO a note and the SHA forms none. */
const evalKeys = (flags: KeySpec['flags'], notes: string | undefined): KeySpec[] => [
  { ...(notes === undefined ? {} : { notes }), flags, begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } },
];

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function evalCommand(sha: boolean, ro: boolean) {
  return (ctx: CommandContext, argv: string[]): Reply | Promise<Reply> => ctx.server.scripting.eval(ctx, argv, sha, ro);
}

function scriptFlush(ctx: CommandContext, argv: string[]): Reply {
  const mode = argv[2]?.toLowerCase();
  if (argv.length > 3 || (mode !== undefined && mode !== 'sync' && mode !== 'async')) throw new CommandError('ERR', 'SCRIPT FLUSH only support SYNC|ASYNC option');
  ctx.server.scripting.flush();
  return OK;
}

function scriptDebug(_ctx: CommandContext, argv: string[]): Reply {
  const mode = (argv[2] as string).toLowerCase();
  if (mode === 'no') return OK;
  if (mode === 'yes' || mode === 'sync') throw new CommandError('ERR', 'SCRIPT DEBUG is not supported by ringcache (the Lua debugger needs a forked server)');
  throw new CommandError('ERR', 'Use SCRIPT DEBUG YES/SYNC/NO');
}

const evalSpec = (name: string, sha: boolean, ro: boolean, summary: string, since: string): CommandSpec =>
  command({
    name,
    arity: -3,
    flags: ro ? ['readonly', 'noscript', 'skip_monitor', 'no_mandatory_keys', 'stale'] : ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'],
    keySpecs: evalKeys(
      ro ? ['RO', 'ACCESS'] : ['RW', 'ACCESS', 'UPDATE'],
      sha ? undefined : `We cannot tell how the keys will be used so we assume the worst, ${ro ? 'RO and ACCESS' : 'RW and UPDATE'}`,
    ),
    movableKeys: mpopKeys(2),
    group: 'scripting',
    acl: ['scripting'],
    summary,
    since,
    complexity: 'Depends on the script that is executed.',
    handler: evalCommand(sha, ro),
  });

export const scriptingCommands: CommandSpec[] = [
  evalSpec('eval', false, false, 'Execute a Lua script server side', '2.6.0'),
  evalSpec('evalsha', true, false, 'Execute a Lua script server side', '2.6.0'),
  evalSpec('eval_ro', false, true, 'Execute a read-only Lua script server side', '7.0.0'),
  evalSpec('evalsha_ro', true, true, 'Execute a read-only Lua script server side', '7.0.0'),
  command({
    name: 'script',
    arity: -2,
    group: 'scripting',
    summary: 'A container for Lua scripts management commands',
    since: '2.6.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      command({
        name: 'script|load',
        arity: 3,
        flags: ['noscript', 'stale'],
        group: 'scripting',
        acl: ['scripting'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Load the specified Lua script into the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        handler: (ctx, argv) => bulk(ctx.server.scripting.load(argv[2] as string).sha),
      }),
      command({
        name: 'script|exists',
        arity: -3,
        flags: ['noscript'],
        group: 'scripting',
        acl: ['scripting'],
        tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        summary: 'Check existence of scripts in the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        handler: (ctx, argv) => array(argv.slice(2).map((sha) => int(ctx.server.scripting.exists(sha) ? 1 : 0))),
      }),
      command({
        name: 'script|flush',
        arity: -2,
        flags: ['noscript'],
        group: 'scripting',
        acl: ['scripting'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Remove all the scripts from the script cache.',
        since: '2.6.0',
        complexity: 'O(N) with N being the number of scripts in cache',
        history: [['6.2.0', 'Added the `ASYNC` and `SYNC` flushing mode modifiers.']],
        handler: scriptFlush,
      }),
      command({
        name: 'script|kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        group: 'scripting',
        acl: ['scripting'],
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        summary: 'Kill the script currently in execution.',
        since: '2.6.0',
        complexity: 'O(1)',
        handler: (ctx) => {
          ctx.server.scripting.kill(true);
          return OK;
        },
      }),
      command({
        name: 'script|debug',
        arity: 3,
        flags: ['noscript'],
        group: 'scripting',
        acl: ['scripting'],
        summary: 'Set the debug mode for executed scripts.',
        since: '3.2.0',
        complexity: 'O(1)',
        handler: scriptDebug,
      }),
      command({
        name: 'script|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'scripting',
        acl: ['scripting'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () => array(SCRIPT_HELP.map(simple)),
      }),
    ],
  }),
];
