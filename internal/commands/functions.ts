// Redis 7 functions: the FUNCTION container (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP) and FCALL / FCALL_RO, with redis-server 7.0's replies and errors.
import type { CommandContext, CommandSpec, CommandTip, KeySpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import type { FunctionLibrary, RestorePolicy } from '../contracts/command.js';
import { array, bulk, bulks, int, map, NULL_BULK, OK, record, set, simple, type Reply } from '../resp/reply.js';
import { LOAD_TIMEOUT_MS } from '../scripting/functions.js';
import { mpopKeys } from './lists-blocking.js';
import { command } from './spec.js';

/**
 * FUNCTION LOAD [REPLACE] code. The library's code runs under a 500 ms limit, except when the
 * AOF loader or a peer sends it (Redis exempts the clients it must obey: they replay what already
 * loaded once).
 */
function load(ctx: CommandContext, argv: string[]): Reply {
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if ((argv[i] as string).toLowerCase() !== 'replace') throw errors.generic(`Unknown option given: ${argv[i] as string}`);
    replace = true;
  }
  const obey = ctx.client.peer || ctx.client.addr === 'loader';
  const name = ctx.server.scripting.functions.load(argv[i] as string, replace, obey ? 0 : LOAD_TIMEOUT_MS);
  ctx.propagate(argv);
  return bulk(name);
}

function del(ctx: CommandContext, argv: string[]): Reply {
  ctx.server.scripting.functions.delete(argv[2] as string);
  ctx.propagate(argv);
  return OK;
}

function flush(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw errors.subcommandArgs(argv[1] as string, 'function');
  const mode = argv[2]?.toLowerCase();
  if (mode !== undefined && mode !== 'async' && mode !== 'sync') throw errors.generic('FUNCTION FLUSH only supports SYNC|ASYNC option');
  ctx.server.scripting.functions.flush();
  ctx.propagate(argv);
  return OK;
}

function libraryReply(lib: FunctionLibrary, withCode: boolean): Reply {
  const entries: [string, Reply][] = [
    ['library_name', bulk(lib.name)],
    ['engine', bulk(lib.engine)],
    [
      'functions',
      array(
        lib.functions.map((fn) =>
          record([
            ['name', bulk(fn.name)],
            ['description', fn.description === null ? NULL_BULK : bulk(fn.description)],
            ['flags', set(fn.flags.map(simple))],
          ]),
        ),
      ),
    ],
  ];
  if (withCode) entries.push(['library_code', bulk(lib.code)]);
  return record(entries);
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: each option at most once, in any order. */
function list(ctx: CommandContext, argv: string[]): Reply {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = (argv[i] as string).toLowerCase();
    if (!withCode && a === 'withcode') {
      withCode = true;
      continue;
    }
    if (pattern === null && a === 'libraryname') {
      if (i >= argv.length - 1) throw errors.generic('library name argument was not given');
      pattern = argv[++i] as string;
      continue;
    }
    throw errors.generic(`Unknown argument ${argv[i] as string}`);
  }
  return array(ctx.server.scripting.functions.list(pattern).map((lib) => libraryReply(lib, withCode)));
}

function restore(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 4) throw errors.subcommandArgs(argv[1] as string, 'function');
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const p = (argv[3] as string).toLowerCase();
    if (p !== 'append' && p !== 'replace' && p !== 'flush') throw errors.generic('Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    policy = p;
  }
  ctx.server.scripting.functions.restore(argv[2] as string, policy);
  ctx.propagate(argv);
  return OK;
}

function stats(ctx: CommandContext): Reply {
  const s = ctx.server.scripting.functions.stats();
  const running =
    s.running === null
      ? NULL_BULK
      : record([
          ['name', bulk(s.running.name)],
          ['command', bulks(s.running.argv)],
          ['duration_ms', int(s.running.durationMs)],
        ]);
  const lua = record([
    ['libraries_count', int(s.libraries)],
    ['functions_count', int(s.functions)],
  ]);
  return record([
    ['running_script', running],
    ['engines', map([[bulk('LUA'), lua]])],
  ]);
}

const HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

const ALL_SHARDS: CommandTip[] = ['request_policy:all_shards', 'response_policy:all_succeeded'];

const sub = (name: string, arity: number, flags: CommandSpec['flags'], tips: CommandTip[], summary: string, complexity: string, handler: (ctx: CommandContext, argv: string[]) => Reply): CommandSpec =>
  command({ name: `function|${name}`, arity, flags, group: 'scripting', acl: ['scripting'], tips, summary, since: '7.0.0', complexity, handler });

const fcallKeys = (ro: boolean): KeySpec[] => [
  {
    notes: ro ? 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS' : 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE',
    flags: ro ? ['RO', 'ACCESS'] : ['RW', 'ACCESS', 'UPDATE'],
    begin: { index: 2 },
    find: { keynumidx: 0, firstkey: 1, keystep: 1 },
  },
];

const fcallSpec = (ro: boolean): CommandSpec =>
  command({
    name: ro ? 'fcall_ro' : 'fcall',
    arity: -3,
    flags: ro ? ['noscript', 'skip_monitor', 'no_mandatory_keys', 'stale', 'readonly'] : ['noscript', 'skip_monitor', 'may_replicate', 'no_mandatory_keys', 'stale'],
    keySpecs: fcallKeys(ro),
    movableKeys: mpopKeys(2),
    group: 'scripting',
    acl: ['scripting'],
    summary: ro ? 'Invoke a read-only function' : 'Invoke a function',
    since: '7.0.0',
    complexity: 'Depends on the function that is executed.',
    handler: (ctx, argv) => ctx.server.scripting.functions.fcall(ctx, argv, ro),
  });

export const functionCommands: readonly CommandSpec[] = [
  command({
    name: 'function',
    arity: -2,
    group: 'scripting',
    summary: 'A container for function commands',
    since: '7.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('load', -3, ['noscript', 'write', 'denyoom'], ALL_SHARDS, 'Create a function with the given arguments (name, code, description)', 'O(1) (considering compilation time is redundant)', load),
      sub('delete', 3, ['noscript', 'write'], ALL_SHARDS, 'Delete a function by name', 'O(1)', del),
      sub('flush', -2, ['noscript', 'write'], ALL_SHARDS, 'Deleting all functions', 'O(N) where N is the number of functions deleted', flush),
      sub('restore', -3, ['noscript', 'write', 'denyoom'], ALL_SHARDS, 'Restore all the functions on the given payload', 'O(N) where N is the number of functions on the payload', restore),
      sub('dump', 2, ['noscript'], [], 'Dump all functions into a serialized binary payload', 'O(N) where N is the number of functions', (ctx) => bulk(ctx.server.scripting.functions.dump())),
      sub('list', -2, ['noscript'], ['nondeterministic_output_order'], 'List information about all the functions', 'O(N) where N is the number of functions', list),
      sub('stats', 2, ['noscript', 'allow_busy'], ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'], 'Return information about the function currently running (name, description, duration)', 'O(1)', stats),
      sub('kill', 2, ['noscript', 'allow_busy'], ['request_policy:all_shards', 'response_policy:one_succeeded'], 'Kill the function currently in execution.', 'O(1)', (ctx) => {
        ctx.server.scripting.kill(false);
        return OK;
      }),
      sub('help', 2, ['loading', 'stale'], [], 'Show helpful text about the different subcommands', 'O(1)', () => array(HELP.map(simple))),
    ],
  }),
  fcallSpec(false),
  fcallSpec(true),
];
