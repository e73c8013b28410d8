// FUNCTION FLUSH and FUNCTION LIST: the function library as it stands until scripting lands — empty, so flushing it succeeds and listing it shows nothing.
//
// FUNCTION LOAD and the rest answer Redis's unknown-subcommand error until the Lua engine exists
// (the scripting issue). Clients and test harnesses that reset a server with FUNCTION FLUSH (Redis's
// own test suite does so before every block) work now.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, OK, simple, type Reply } from '../resp/reply.js';
import { command } from './spec.js';

function flush(_ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw errors.subcommandArgs(argv[1] as string, 'function');
  const mode = argv[2]?.toLowerCase();
  if (mode !== undefined && mode !== 'async' && mode !== 'sync') throw errors.generic('FUNCTION FLUSH only supports SYNC|ASYNC option');
  return OK;
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: options checked as Redis does; no library to list. */
function list(_ctx: CommandContext, argv: string[]): Reply {
  for (let i = 2; i < argv.length; i++) {
    const a = (argv[i] as string).toLowerCase();
    if (a === 'withcode') continue;
    if (a === 'libraryname' && i + 1 < argv.length) {
      i++;
      continue;
    }
    throw errors.generic(`Unknown argument ${argv[i] as string}`);
  }
  return array([]);
}

const HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'HELP',
  '    Prints this help.',
];

export const functionCommands: readonly CommandSpec[] = [
  command({
    name: 'function',
    arity: -2,
    group: 'scripting',
    summary: 'A container for function commands',
    since: '7.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      command({ name: 'function|flush', arity: -2, flags: ['write', 'noscript'], group: 'scripting', acl: ['scripting'], tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], summary: 'Deleting all functions', since: '7.0.0', complexity: 'O(N) where N is the number of functions deleted', handler: flush }),
      command({ name: 'function|list', arity: -2, flags: ['noscript'], group: 'scripting', acl: ['scripting'], tips: ['nondeterministic_output_order'], summary: 'List information about all the functions', since: '7.0.0', complexity: 'O(N) where N is the number of functions', handler: list }),
      command({ name: 'function|help', arity: 2, flags: ['loading', 'stale'], group: 'scripting', acl: ['scripting'], summary: 'Show helpful text about the different subcommands', since: '7.0.0', complexity: 'O(1)', handler: () => array(HELP.map(simple)) }),
    ],
  }),
];
