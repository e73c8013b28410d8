// Server family: INFO CONFIG TIME SLOWLOG DEBUG SHUTDOWN COMMAND — node-level introspection and control.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { allowProtectedAction } from '../config/runtime.js';
import { rewriteConfig } from '../config/rewrite.js';
import type { Client } from '../server/client.js';
import { intArg, isOpt, strtod } from './args.js';
import { commandDocsReply, commandGetKeys, commandInfo, commandInfoReply, commandListReply } from './command-info.js';
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, bulks, int, map, OK, simple, type Reply } from '../resp/reply.js';
import { info } from './info.js';
import { redisEncoding } from './keyspace-object.js';

const HELP = (lines: string[]): Reply => array(lines.map((l) => simple(l)));

// ---------------------------------------------------------------- SLOWLOG / DEBUG / SHUTDOWN

function slowlogGet(ctx: CommandContext, argv: string[]): Reply {
  let count = 10;
  if (argv.length === 3) {
    count = intArg(argv[2] as string, () => new CommandError('ERR', 'count should be greater than or equal to -1'));
    if (count < -1) throw new CommandError('ERR', 'count should be greater than or equal to -1');
    if (count === -1) count = Infinity;
  }
  const entries = ctx.server.slowlog().slice(0, count);
  return array(
    entries.map((e) => array([int(e.id), int(e.time), int(e.durationUs), bulks(e.argv), bulk(e.addr), bulk(e.name)])),
  );
}

function shutdown(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  let save: boolean | undefined;
  let force = false;
  for (const a of argv.slice(1)) {
    if (isOpt(a, 'ABORT')) throw new CommandError('ERR', 'No shutdown in progress.');
    if (isOpt(a, 'NOSAVE')) save = false;
    else if (isOpt(a, 'SAVE')) save = true;
    else if (isOpt(a, 'FORCE')) force = true;
    else if (!isOpt(a, 'NOW')) throw errors.syntax();
  }
  // The final snapshot (when asked or when save points are set) and the AOF fsync happen first;
  // if they fail without FORCE the node keeps running and the error is the reply.
  return ctx.server.shutdown({ ...(save === undefined ? {} : { save }), force }).then(() => OK);
}

/**
 * Redis's islocalClient: a loopback client (127.0.0.1 or ::1, also as an IPv4-mapped address) or
 * a Unix socket. Gates `local` in enable-debug-command and enable-protected-configs.
 */
export function isLocalClient(c: Client): boolean {
  const sep = c.addr.lastIndexOf(':');
  const host = sep < 0 ? c.addr : c.addr.slice(0, sep).replace(/^\[|\]$/g, '');
  return host === '127.0.0.1' || host === '::1' || host === '::ffff:127.0.0.1' || c.addr.startsWith('/');
}

/**
 * DEBUG SLEEP stalls the event loop, and with it every node of the process and its signal
 * handlers: a SIGTERM is only acted on once the loop turns. So the sleeping done within one turn
 * (pipelined sleeps add up) is capped here; the budget is per process, as the loop is.
 */
export const DEBUG_SLEEP_MAX_MS = 5000;
let sleptThisTurn = 0;
let turnResetQueued = false;

function sleepBudgetMs(): number {
  if (!turnResetQueued) {
    turnResetQueued = true;
    setImmediate(() => {
      sleptThisTurn = 0;
      turnResetQueued = false;
    });
  }
  return DEBUG_SLEEP_MAX_MS - sleptThisTurn;
}

/**
 * DEBUG SLEEP <seconds>: as Redis, strtod's value in whole microseconds, and nothing to do when
 * that is not a positive number (`abc`, `-1`, and `inf`, which Redis's conversion turns negative,
 * all answer OK at once). Longer than the budget is refused rather than cut short.
 */
function debugSleep(ctx: CommandContext, arg: string): Reply {
  const secs = strtod(arg).value;
  const us = secs * 1e6;
  if (!Number.isFinite(us) || Math.abs(us) >= 2 ** 63 || Math.trunc(us) <= 0) return OK;
  const ms = Math.trunc(us) / 1000;
  if (ms > sleepBudgetMs()) {
    throw new CommandError('ERR', `DEBUG SLEEP is limited to ${DEBUG_SLEEP_MAX_MS / 1000} seconds at a time, so that the node still stops on SIGTERM`);
  }
  sleptThisTurn += ms;
  ctx.server.blockFor(ms);
  return OK;
}

const DEBUG_NOT_ALLOWED =
  'DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

function debug(ctx: CommandContext, argv: string[]): Reply {
  if (!allowProtectedAction(ctx.server.config.str('enable_debug_command'), isLocalClient(ctx.client))) throw new CommandError('ERR', DEBUG_NOT_ALLOWED);
  const sub = (argv[1] as string).toLowerCase();
  const unknown = (): CommandError => new CommandError('ERR', `unknown subcommand or wrong number of arguments for '${argv[1] as string}'. Try DEBUG HELP.`);
  switch (sub) {
    case 'sleep':
      if (argv.length !== 3) throw unknown();
      return debugSleep(ctx, argv[2] as string);
    case 'set-active-expire':
      if (argv.length !== 3) throw unknown();
      ctx.store.activeExpireEnabled = intArg(argv[2] as string) !== 0;
      return OK;
    case 'object': {
      if (argv.length !== 3) throw unknown();
      const e = ctx.db.peek(argv[2] as string);
      if (e === undefined) throw errors.noSuchKey();
      const idle = Math.floor((ctx.now - e.access) / 1000);
      return simple(`Value at:0x0 refcount:1 encoding:${redisEncoding(e.value)} serializedlength:${e.charged} lru:0 lru_seconds_idle:${idle}`);
    }
    case 'help':
      if (argv.length !== 2) throw unknown();
      return HELP([
        'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
        'OBJECT <key>',
        '    Show low level info about `key` and associated value.',
        'SET-ACTIVE-EXPIRE <0|1>',
        '    Setting it to 0 disables expiring keys in background when they are not',
        '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
        '    default.',
        'SLEEP <seconds>',
        `    Stop the server for <seconds> (decimals allowed, at most ${DEBUG_SLEEP_MAX_MS / 1000}).`,
        'HELP',
        '    Prints this help.',
      ]);
    default:
      throw unknown();
  }
}

const sub = (def: Parameters<typeof command>[0]): CommandSpec => command(def);

export const serverCommands: CommandSpec[] = [
  command({
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    group: 'server',
    acl: ['dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    handler: info,
  }),
  command({
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    tips: ['nondeterministic_output'],
    summary: 'Return the current server time',
    since: '2.6.0',
    complexity: 'O(1)',
    handler: () => {
      const us = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
      return array([bulk((us / 1_000_000n).toString()), bulk((us % 1_000_000n).toString())]);
    },
  }),
  command({
    name: 'config',
    arity: -2,
    group: 'server',
    summary: 'A container for server configuration commands',
    since: '2.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({
        name: 'config|get',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        summary: 'Get the values of configuration parameters',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        handler: (ctx, argv) => map(ctx.server.config.get(argv.slice(2)).map(([k, v]) => [bulk(k), bulk(v)] as const)),
      }),
      sub({
        name: 'config|set',
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Set configuration parameters to the given values',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        handler: (ctx, argv) => {
          if ((argv.length - 2) % 2 !== 0) throw errors.syntax();
          const pairs: [string, string][] = [];
          for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
          // Moving the RESP listener (port, bind) binds asynchronously: the reply waits for it.
          const applying = ctx.server.config.set(pairs, { local: isLocalClient(ctx.client), async: !ctx.inMulti });
          return applying === undefined ? OK : applying.then(() => OK);
        },
      }),
      sub({
        name: 'config|resetstat',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        summary: 'Reset the stats returned by INFO',
        since: '2.0.0',
        complexity: 'O(1)',
        handler: (ctx) => {
          ctx.server.resetStats();
          return OK;
        },
      }),
      sub({
        name: 'config|rewrite',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'server',
        summary: 'Rewrite the configuration file with the in memory configuration',
        since: '2.8.0',
        complexity: 'O(1)',
        handler: (ctx) => {
          rewriteConfig(ctx.server.config.initial, ctx.server.config.snapshot());
          return OK;
        },
      }),
      sub({
        name: 'config|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () =>
          HELP([
            'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
            'GET <pattern>',
            '    Return parameters matching the glob-like <pattern> and their values.',
            'SET <directive> <value>',
            '    Set the configuration <directive> to <value>.',
            'RESETSTAT',
            '    Reset statistics reported by the INFO command.',
            'REWRITE',
            '    Rewrite the configuration file.',
            'HELP',
            '    Prints this help.',
          ]),
      }),
    ],
  }),
  command({
    name: 'slowlog',
    arity: -2,
    group: 'server',
    summary: 'A container for slow log commands',
    since: '2.2.12',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({ name: 'slowlog|get', arity: -2, flags: ['admin', 'loading', 'stale'], group: 'server', tips: ['request_policy:all_nodes', 'nondeterministic_output'], summary: "Get the slow log's entries", since: '2.2.12', complexity: 'O(N) where N is the number of entries returned', history: [['4.0.0', 'Added client IP address, port and name to the reply.']], handler: slowlogGet }),
      sub({ name: 'slowlog|len', arity: 2, flags: ['admin', 'loading', 'stale'], group: 'server', tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'], summary: "Get the slow log's length", since: '2.2.12', complexity: 'O(1)', handler: (ctx) => int(ctx.server.slowlog().length) }),
      sub({
        name: 'slowlog|reset',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        group: 'server',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Clear all entries from the slow log',
        since: '2.2.12',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        handler: (ctx) => {
          ctx.server.slowlogReset();
          return OK;
        },
      }),
      sub({
        name: 'slowlog|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: () =>
          HELP([
            'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
            'GET [<count>]',
            '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
            'LEN',
            '    Return the length of the slowlog.',
            'RESET',
            '    Reset the slowlog.',
            'HELP',
            '    Print this help.',
          ]),
      }),
    ],
  }),
  command({
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    summary: 'A container for debugging commands',
    since: '1.0.0',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    handler: debug,
  }),
  command({
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    since: '1.0.0',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    handler: shutdown,
  }),
  command({
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    group: 'server',
    acl: ['connection'],
    tips: ['nondeterministic_output_order'],
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    handler: (ctx) => array(ctx.server.commands().map(commandInfo)),
    subcommands: [
      sub({ name: 'command|count', arity: 2, flags: ['loading', 'stale'], group: 'server', acl: ['connection'], summary: 'Get total number of Redis commands', since: '2.8.13', complexity: 'O(1)', handler: (ctx) => int(ctx.server.commands().length) }),
      sub({
        name: 'command|info',
        arity: -2,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of commands to look up',
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        handler: commandInfoReply,
      }),
      sub({
        name: 'command|docs',
        arity: -2,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        summary: 'Get array of specific Redis command documentation',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of commands to look up',
        handler: commandDocsReply,
      }),
      sub({
        name: 'command|list',
        arity: -2,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        tips: ['nondeterministic_output_order'],
        summary: 'Get an array of Redis command names',
        since: '7.0.0',
        complexity: 'O(N) where N is the total number of Redis commands',
        handler: commandListReply,
      }),
      sub({
        name: 'command|getkeys',
        arity: -4,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        summary: 'Extract keys given a full Redis command',
        since: '2.8.13',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (ctx, argv) => commandGetKeys(ctx, argv, false),
      }),
      sub({
        name: 'command|getkeysandflags',
        arity: -4,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        summary: 'Extract keys and access flags given a full Redis command',
        since: '7.0.0',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (ctx, argv) => commandGetKeys(ctx, argv, true),
      }),
      sub({
        name: 'command|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        acl: ['connection'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () =>
          HELP([
            'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
            '(no subcommand)',
            '    Return details about all commands.',
            'COUNT',
            '    Return the total number of commands in this server.',
            'LIST',
            '    Return a list of all commands in this server.',
            'INFO [<command-name> ...]',
            '    Return details about multiple commands.',
            'DOCS [<command-name> ...]',
            '    Return documentation details about multiple commands.',
            'GETKEYS <full-command>',
            '    Return the keys from a full command.',
            'GETKEYSANDFLAGS <full-command>',
            '    Return the keys and the access flags from a full command.',
            'HELP',
            '    Print this help.',
          ]),
      }),
    ],
  }),
];
