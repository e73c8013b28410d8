// MONITOR, LOLWUT, MODULE, ROLE: server introspection as a standalone redis-server 7.0 without modules answers it.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import { array, bulk, EMPTY_ARRAY, int, OK, simple, verbatim, type Reply } from '../resp/reply.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import { intArg, isOpt } from './args.js';
import { NO_REPLY } from './connection-client.js';
import { schotter, skyline } from './lolwut.js';
import { command } from './spec.js';

/** MONITOR: from now on the connection receives a line per executed command (see executor/monitor.ts). */
function monitor(ctx: CommandContext): Reply {
  // EXEC refuses to block, and a monitor never answers again in the transaction's terms.
  if (ctx.inMulti) throw new CommandError('ERR', "MONITOR isn't allowed for DENY BLOCKING client");
  // Redis ignores a second MONITOR without a word.
  if (ctx.client.monitor) return NO_REPLY;
  ctx.control.monitor(ctx.client);
  return OK;
}

/** LOLWUT [VERSION v] [args...]: 5 and 6 draw (their arguments as Redis's), anything else is the version line. */
function lolwut(_ctx: CommandContext, argv: string[]): Reply {
  let major = Number(REDIS_COMPAT_VERSION.split('.')[0]);
  let args = argv.slice(1);
  if (argv.length >= 3 && isOpt(argv[1], 'VERSION')) {
    major = intArg(argv[2] as string);
    args = argv.slice(3);
  }
  const num = (i: number, fallback: number): number => (args[i] === undefined ? fallback : intArg(args[i]));
  const version = `Redis ver. ${REDIS_COMPAT_VERSION}\n`;
  if (major === 5) {
    const art = schotter(num(0, 66), num(1, 8), num(2, 12));
    return verbatim(`${art}\nGeorg Nees - schotter, plotter on paper, 1968. ${version}`);
  }
  if (major === 6) {
    const art = skyline(num(0, 80), num(1, 20));
    return verbatim(`${art}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. ${version}`);
  }
  return verbatim(version);
}

/** Redis 7.0's answer to MODULE LOAD / LOADEX / UNLOAD while enable-module-command is `no`, its default. */
function moduleNotAllowed(): never {
  throw new CommandError(
    'ERR',
    'MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  );
}

const MODULE_HELP = [
  'MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
  'HELP',
  '    Prints this help.',
];

export const introspectionCommands: CommandSpec[] = [
  command({
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    handler: monitor,
  }),
  command({
    name: 'lolwut',
    arity: -1,
    flags: ['readonly', 'fast'],
    group: 'server',
    summary: 'Display some computer art and the Redis version',
    since: '5.0.0',
    handler: lolwut,
  }),
  command({
    name: 'module',
    arity: -2,
    group: 'server',
    summary: 'A container for module commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      command({ name: 'module|list', arity: 2, flags: ['admin', 'noscript'], group: 'server', tips: ['nondeterministic_output_order'], summary: 'List all modules loaded by the server', since: '4.0.0', complexity: 'O(N) where N is the number of loaded modules.', handler: () => EMPTY_ARRAY }),
      command({ name: 'module|load', arity: -3, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', summary: 'Load a module', notes: 'no module support: answers as Redis does while enable-module-command is no.', since: '4.0.0', complexity: 'O(1)', handler: moduleNotAllowed }),
      command({
        name: 'module|loadex',
        arity: -3,
        flags: ['admin', 'noscript', 'no_async_loading'],
        group: 'server',
        summary: 'Load a module with extended parameters',
        notes: 'no module support: answers as Redis does while enable-module-command is no.',
        since: '7.0.0',
        complexity: 'O(1)',
        handler: moduleNotAllowed,
      }),
      command({ name: 'module|unload', arity: 3, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', summary: 'Unload a module', notes: 'no module support: answers as Redis does while enable-module-command is no.', since: '4.0.0', complexity: 'O(1)', handler: moduleNotAllowed }),
      command({ name: 'module|help', arity: 2, flags: ['loading', 'stale'], group: 'server', summary: 'Show helpful text about the different subcommands', since: '5.0.0', complexity: 'O(1)', handler: () => array(MODULE_HELP.map((l) => simple(l))) }),
    ],
  }),
  command({
    name: 'role',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast'],
    group: 'server',
    acl: ['admin', 'dangerous'],
    summary: 'Return the role of the instance in the context of replication',
    since: '2.8.12',
    complexity: 'O(1)',
    // Without replication (unit-test servers): a standalone master with no replicas, offset 0.
    handler: (ctx) => ctx.server.replication?.role() ?? array([bulk('master'), int(0), EMPTY_ARRAY]),
  }),
];
