// ACL family: the ACL container (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, LOG, GENPASS, DRYRUN, LOAD, SAVE, HELP) over acl/acl.ts.
import { Acl, dryrunMessage } from '../acl/acl.js';
import { reasonName } from '../acl/log.js';
import { describeChannels, describeCommandRules, describeKeys, hasSpaces, userFlags } from '../acl/rules.js';
import type { Selector } from '../acl/user.js';
import { ACL_CATEGORIES, type CommandContext, type CommandSpec } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import { array, bulk, bulks, double, int, NULL_BULK, OK, record, set, simple, type Reply } from '../resp/reply.js';
import { intArg } from './args.js';
import { arityOk, command } from './spec.js';

const ACL_HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

const NO_ACLFILE =
  'This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

const GENPASS_MAX_BITS = 4096;

function setuser(ctx: CommandContext, argv: string[]): Reply {
  const name = argv[2] as string;
  if (hasSpaces(name)) throw new CommandError('ERR', "Usernames can't contain spaces or null characters");
  const err = ctx.server.acl.setUser(name, argv.slice(3));
  if (err !== null) throw new CommandError('ERR', err);
  return OK;
}

function deluser(ctx: CommandContext, argv: string[]): Reply {
  const names = argv.slice(2);
  if (names.includes('default')) throw new CommandError('ERR', "The 'default' user cannot be removed");
  return int(ctx.server.acl.delUsers(names, ctx.client));
}

/** commands / keys / channels of one selector (aclAddReplySelectorDescription). */
function selectorFields(ctx: CommandContext, s: Selector): [string, Reply][] {
  return [
    ['commands', bulk(describeCommandRules(s, ctx.server.acl.env))],
    ['keys', bulk(describeKeys(s))],
    ['channels', bulk(describeChannels(s))],
  ];
}

function getuser(ctx: CommandContext, argv: string[]): Reply {
  const u = ctx.server.acl.user(argv[2] as string);
  if (u === undefined) return NULL_BULK;
  return record([
    ['flags', set(userFlags(u).map(bulk))],
    ['passwords', bulks(u.passwords)],
    ...selectorFields(ctx, u.root),
    ['selectors', array(u.selectors.slice(1).map((s) => record(selectorFields(ctx, s))))],
  ]);
}

function list(ctx: CommandContext, names: boolean): Reply {
  const acl = ctx.server.acl;
  return array(acl.sortedUsers().map((u) => bulk(names ? u.name : `user ${u.name} ${acl.describe(u)}`)));
}

/** Redis's addReplySubcommandSyntaxError, for a subcommand given more arguments than it takes. */
function syntaxError(argv: readonly string[]): CommandError {
  return new CommandError('ERR', `unknown subcommand or wrong number of arguments for '${(argv[1] as string).slice(0, 128)}'. Try ${(argv[0] as string).toUpperCase()} HELP.`);
}

function cat(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw syntaxError(argv);
  if (argv.length === 2) return bulks(ACL_CATEGORIES);
  const name = (argv[2] as string).toLowerCase();
  const category = ACL_CATEGORIES.find((c) => c === name);
  if (category === undefined) throw new CommandError('ERR', `Unknown category '${(argv[2] as string).slice(0, 128)}'`);
  return bulks(ctx.server.acl.env.table.all.filter((c) => c.categories.has(category)).map((c) => c.name));
}

function genpass(argv: string[]): Reply {
  if (argv.length > 3) throw syntaxError(argv);
  const bits = argv.length === 3 ? intArg(argv[2] as string) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    throw new CommandError('ERR', `ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
  }
  return bulk(Acl.genpass(bits));
}

function log(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 3) throw syntaxError(argv);
  let count = 10;
  if (argv.length === 3) {
    if ((argv[2] as string).toLowerCase() === 'reset') {
      ctx.server.acl.logReset();
      return OK;
    }
    count = Math.max(0, intArg(argv[2] as string));
  }
  const now = ctx.now;
  return array(
    ctx.server.acl.logEntries(count).map((e) =>
      record([
        ['count', int(e.count)],
        ['reason', bulk(reasonName(e.reason))],
        ['context', bulk(e.context)],
        ['object', bulk(e.object)],
        ['username', bulk(e.username)],
        ['age-seconds', double((now - e.ctime) / 1000)],
        ['client-info', bulk(e.cinfo)],
      ]),
    ),
  );
}

/** The spec an argv names as Redis's lookupCommand does: a container alone names the container. */
function lookupArgv(ctx: CommandContext, argv: readonly string[]): CommandSpec | undefined {
  const base = ctx.server.lookupCommand((argv[0] as string).toLowerCase());
  if (base === undefined || base.subcommands === undefined || argv.length === 1) return base;
  return ctx.server.lookupCommand(`${base.name}|${(argv[1] as string).toLowerCase()}`);
}

function dryrun(ctx: CommandContext, argv: string[]): Reply {
  const acl = ctx.server.acl;
  const u = acl.user(argv[2] as string);
  if (u === undefined) throw new CommandError('ERR', `User '${argv[2] as string}' not found`);
  const target = argv.slice(3);
  const spec = lookupArgv(ctx, target);
  if (spec === undefined) throw new CommandError('ERR', `Command '${argv[3] as string}' not found`);
  if (!arityOk(spec.arity, target.length)) throw new CommandError('ERR', `wrong number of arguments for '${spec.name}' command`);
  const d = acl.check(u, spec, target);
  return d === null ? OK : bulk(dryrunMessage(d, spec.name, target));
}

function loadOrSave(ctx: CommandContext, load: boolean): Reply {
  const acl = ctx.server.acl;
  if (!acl.hasAclfile) throw new CommandError('ERR', NO_ACLFILE);
  if (load) {
    const err = acl.load(ctx.client);
    if (err !== null) throw new CommandError('ERR', err);
    return OK;
  }
  if (!acl.save()) throw new CommandError('ERR', 'There was an error trying to save the ACLs. Please check the server logs for more information');
  return OK;
}

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

const sub = (name: string, arity: number, flags: readonly ('admin' | 'noscript' | 'loading' | 'stale')[], summary: string, complexity: string, handler: (ctx: CommandContext, argv: string[]) => Reply, since = '6.0.0', history?: readonly (readonly [string, string])[]) =>
  command({ name: `acl|${name}`, arity, flags, group: 'server', summary, since, complexity, handler, ...(history !== undefined ? { history } : {}) });

export const aclCommands: CommandSpec[] = [
  command({
    name: 'acl',
    arity: -2,
    group: 'server',
    summary: 'A container for Access List Control commands ',
    since: '6.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('cat', -2, ['noscript', 'loading', 'stale'], 'List the ACL categories or the commands inside a category', 'O(1) since the categories and commands are a fixed set.', cat),
      sub('deluser', -3, ADMIN, 'Remove the specified ACL users and the associated rules', 'O(1) amortized time considering the typical user.', deluser),
      sub('dryrun', -4, ADMIN, 'Returns whether the user can execute the given command without executing the command.', 'O(1).', dryrun, '7.0.0'),
      sub('genpass', -2, ['noscript', 'loading', 'stale'], 'Generate a pseudorandom secure password to use for ACL users', 'O(1)', (_c, argv) => genpass(argv)),
      sub('getuser', 3, ADMIN, 'Get the rules for a specific ACL user', 'O(N). Where N is the number of password, command and pattern rules that the user has.', getuser, '6.0.0', [
        ['6.2.0', 'Added Pub/Sub channel patterns.'],
        ['7.0.0', 'Added selectors and changed the format of key and channel patterns from a list to their rule representation.'],
      ]),
      sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', 'O(1)', (_c, argv) =>
        array([`${(argv[0] as string).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...ACL_HELP, 'HELP', '    Print this help.'].map((l) => simple(l))),
      ),
      sub('list', 2, ADMIN, 'List the current ACL rules in ACL config file format', 'O(N). Where N is the number of configured users.', (ctx) => list(ctx, false)),
      sub('load', 2, ADMIN, 'Reload the ACLs from the configured ACL file', 'O(N). Where N is the number of configured users.', (ctx) => loadOrSave(ctx, true)),
      sub('log', -2, ADMIN, 'List latest events denied because of ACLs in place', 'O(N) with N being the number of entries shown.', log),
      sub('save', 2, ADMIN, 'Save the current ACL rules in the configured ACL file', 'O(N). Where N is the number of configured users.', (ctx) => loadOrSave(ctx, false)),
      sub('setuser', -3, ADMIN, 'Modify or create the rules for a specific ACL user', 'O(N). Where N is the number of rules provided.', setuser, '6.0.0', [
        ['6.2.0', 'Added Pub/Sub channel patterns.'],
        ['7.0.0', 'Added selectors and key based permissions.'],
      ]),
      sub('users', 2, ADMIN, 'List the username of all the configured ACL rules', 'O(N). Where N is the number of configured users.', (ctx) => list(ctx, true)),
      sub('whoami', 2, ['noscript', 'loading', 'stale'], 'Return the name of the user associated to the current connection', 'O(1)', (ctx) => bulk(ctx.client.user.name)),
    ],
  }),
];
