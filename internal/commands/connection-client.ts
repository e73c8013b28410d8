// CLIENT: identity (ID, SETNAME, GETNAME), introspection (LIST, INFO), KILL, UNBLOCK, REPLY, PAUSE/UNPAUSE, NO-EVICT, client-side caching (TRACKING, CACHING, GETREDIR, TRACKINGINFO), HELP, as redis-server 7.0 answers them.
import type { AclUser } from '../acl/user.js';
import type { CommandContext, CommandSpec, PauseMode } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { array, int, multi, NULL_BULK, OK, record, set, simple, verbatim, bulk, type Reply } from '../resp/reply.js';
import { type Client, type ClientType, clientTypeByName, REPLY_OFF, REPLY_SKIP, REPLY_SKIP_NEXT } from '../server/client.js';
import { prefixOverlap, TRACK_BCAST, TRACK_BROKEN_REDIR, TRACK_CACHING, TRACK_NOLOOP, TRACK_OPTIN, TRACK_OPTOUT } from '../server/tracking.js';
import { intArg, isOpt, parseInt64 } from './args.js';
import { command } from './spec.js';

/** A reply that writes nothing (CLIENT REPLY OFF / SKIP answer nothing at all). */
export const NO_REPLY: Reply = multi([]);

/** Client names: printable ASCII without spaces (Redis's clientSetNameOrReply); an empty name clears it. */
export function setClientName(client: Client, name: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) throw new CommandError('ERR', 'Client names cannot contain spaces, newlines or special characters.');
  }
  client.name = name;
}

/** Redis's addReplySubcommandSyntaxError, for a known subcommand given a count of arguments it does not take. */
function subcommandSyntax(sub: string): CommandError {
  return new CommandError('ERR', `unknown subcommand or wrong number of arguments for '${sub}'. Try CLIENT HELP.`);
}

function unknownType(name: string): CommandError {
  return new CommandError('ERR', `Unknown client type '${name}'`);
}

interface KillFilter {
  addr?: string;
  laddr?: string;
  type?: ClientType;
  id?: number;
  user?: AclUser;
  skipMe: boolean;
}

/** The filters of `CLIENT KILL <option> <value> ...`, parsed left to right as Redis does (the first bad one answers). */
function parseKillFilter(argv: readonly string[], users: (name: string) => AclUser | undefined): KillFilter {
  const f: KillFilter = { skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toLowerCase();
    const v = argv[i + 1];
    if (v === undefined) throw errors.syntax();
    if (opt === 'id') {
      const bad = (): CommandError => new CommandError('ERR', 'client-id should be greater than 0');
      const n = intArg(v, bad);
      if (n < 1) throw bad();
      f.id = n;
    } else if (opt === 'type') {
      const t = clientTypeByName(v);
      if (t === null) throw unknownType(v);
      f.type = t;
    } else if (opt === 'addr') {
      f.addr = v;
    } else if (opt === 'laddr') {
      f.laddr = v;
    } else if (opt === 'user') {
      f.user = users(v);
      if (f.user === undefined) throw new CommandError('ERR', `No such user '${v}'`);
    } else if (opt === 'skipme') {
      if (isOpt(v, 'YES')) f.skipMe = true;
      else if (isOpt(v, 'NO')) f.skipMe = false;
      else throw errors.syntax();
    } else {
      throw errors.syntax();
    }
  }
  return f;
}

/** CLIENT KILL: the old `ip:port` form (answers OK, may kill the caller) and the filter form (answers the count). */
function clientKill(ctx: CommandContext, argv: string[]): Reply {
  const old = argv.length === 3;
  const f: KillFilter = old ? { addr: argv[2] as string, skipMe: false } : parseKillFilter(argv, (n) => ctx.server.acl.user(n));
  let killed = 0;
  // Collected first: killing closes connections, which leave the table being walked.
  const victims: Client[] = [];
  for (const c of ctx.server.clients()) {
    if (f.addr !== undefined && c.addr !== f.addr) continue;
    if (f.laddr !== undefined && c.laddr !== f.laddr) continue;
    if (f.type !== undefined && c.type !== f.type) continue;
    if (f.user !== undefined && c.user !== f.user) continue;
    if (f.id !== undefined && c.id !== f.id) continue;
    if (c === ctx.client && f.skipMe) continue;
    victims.push(c);
    killed++;
  }
  for (const c of victims) {
    // The caller's own connection closes once this reply is written.
    if (c === ctx.client) c.closeAfterReply = true;
    else c.kill();
  }
  if (!old) return int(killed);
  if (killed === 0) throw new CommandError('ERR', 'No such client');
  return OK;
}

/** CLIENT LIST [TYPE type] | [ID id ...]: TYPE only alone, IDs in the order given (repeats repeat). */
function clientList(ctx: CommandContext, argv: string[]): Reply {
  let out = '';
  if (argv.length === 4 && isOpt(argv[2], 'TYPE')) {
    const t = clientTypeByName(argv[3] as string);
    if (t === null) throw unknownType(argv[3] as string);
    for (const c of ctx.server.clients()) if (c.type === t) out += c.describe(ctx.now) + '\n';
  } else if (argv.length > 3 && isOpt(argv[2], 'ID')) {
    const byId = new Map<number, Client>();
    for (const c of ctx.server.clients()) byId.set(c.id, c);
    for (let i = 3; i < argv.length; i++) {
      const id = parseInt64(argv[i] as string);
      if (id === null) throw new CommandError('ERR', 'Invalid client ID');
      const c = typeof id === 'number' ? byId.get(id) : undefined;
      if (c !== undefined) out += c.describe(ctx.now) + '\n';
    }
  } else if (argv.length !== 2) {
    throw errors.syntax();
  } else {
    for (const c of ctx.server.clients()) out += c.describe(ctx.now) + '\n';
  }
  return verbatim(out);
}

/** CLIENT REPLY ON|OFF|SKIP: ON answers OK; OFF and SKIP answer nothing (the connection drops what follows). */
function clientReply(ctx: CommandContext, argv: string[]): Reply {
  const c = ctx.client;
  if (isOpt(argv[2], 'ON')) {
    c.replyFlags &= ~(REPLY_SKIP | REPLY_OFF);
    return OK;
  }
  if (isOpt(argv[2], 'OFF')) {
    c.replyFlags |= REPLY_OFF;
    return NO_REPLY;
  }
  if (isOpt(argv[2], 'SKIP')) {
    if ((c.replyFlags & REPLY_OFF) === 0) c.replyFlags |= REPLY_SKIP_NEXT;
    return NO_REPLY;
  }
  throw errors.syntax();
}

/** INT64_MAX as a double: a timeout that takes the end past it wraps in Redis, and pauses nothing. */
const INT64_LIMIT = 2 ** 63;

/** CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, as in Redis. */
function clientPause(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 4) throw subcommandSyntax(argv[1] as string);
  let mode: PauseMode = 'all';
  if (argv.length === 4) {
    if (isOpt(argv[3], 'WRITE')) mode = 'write';
    else if (!isOpt(argv[3], 'ALL')) throw new CommandError('ERR', 'CLIENT PAUSE mode must be WRITE or ALL');
  }
  const ms = intArg(argv[2] as string, () => new CommandError('ERR', 'timeout is not an integer or out of range'));
  if (ms < 0) throw new CommandError('ERR', 'timeout is negative');
  const end = ms === 0 ? 0 : ctx.now + ms;
  ctx.control.pause(mode, end >= INT64_LIMIT ? 0 : end);
  return OK;
}

function clientUnblock(ctx: CommandContext, argv: string[]): Reply {
  if (argv.length > 4) throw subcommandSyntax(argv[1] as string);
  let error = false;
  if (argv.length === 4) {
    if (isOpt(argv[3], 'ERROR')) error = true;
    else if (!isOpt(argv[3], 'TIMEOUT')) throw new CommandError('ERR', 'CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const id = intArg(argv[2] as string);
  return int(ctx.server.unblockClient(id, error) ? 1 : 0);
}

function trackingError(message: string): CommandError {
  return new CommandError('ERR', message);
}

/** `REDIRECT id`: an integer naming a client connected now (it may go away later: the redirect then breaks). */
function redirectTarget(ctx: CommandContext, arg: string): { id: number; client: Client } {
  const id = parseInt64(arg);
  if (id === null) throw errors.notInteger();
  for (const c of ctx.server.clients()) if (c.id === id) return { id: c.id, client: c };
  throw trackingError('The client ID you want redirect to does not exist');
}

/** Options of CLIENT TRACKING, parsed left to right as Redis does (the first bad one answers, before ON/OFF is looked at). */
function parseTracking(ctx: CommandContext, argv: readonly string[]): { flags: number; redirect: number; redirectTo: Client | null; prefixes: string[] } {
  const o = { flags: 0, redirect: 0, redirectTo: null as Client | null, prefixes: [] as string[] };
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j] as string;
    const more = j < argv.length - 1;
    if (isOpt(a, 'REDIRECT') && more) {
      j++;
      if (o.redirect !== 0) throw trackingError('A client can only redirect to a single other client');
      const r = redirectTarget(ctx, argv[j] as string);
      o.redirect = r.id;
      o.redirectTo = r.client;
    } else if (isOpt(a, 'BCAST')) {
      o.flags |= TRACK_BCAST;
    } else if (isOpt(a, 'OPTIN')) {
      o.flags |= TRACK_OPTIN;
    } else if (isOpt(a, 'OPTOUT')) {
      o.flags |= TRACK_OPTOUT;
    } else if (isOpt(a, 'NOLOOP')) {
      o.flags |= TRACK_NOLOOP;
    } else if (isOpt(a, 'PREFIX') && more) {
      o.prefixes.push(argv[++j] as string);
    } else {
      throw errors.syntax();
    }
  }
  return o;
}

/** CLIENT TRACKING ON|OFF ...: ON checks the options against each other and the current mode, in Redis's order. */
function clientTracking(ctx: CommandContext, argv: string[]): Reply {
  const o = parseTracking(ctx, argv);
  const c = ctx.client;
  if (isOpt(argv[2], 'OFF')) {
    ctx.control.tracking.disable(c);
    return OK;
  }
  if (!isOpt(argv[2], 'ON')) throw errors.syntax();
  const now = c.tracking?.flags ?? null;
  const bcast = (o.flags & TRACK_BCAST) !== 0;
  if (!bcast && o.prefixes.length > 0) throw trackingError('PREFIX option requires BCAST mode to be enabled');
  if (now !== null && ((now & TRACK_BCAST) !== 0) !== bcast) {
    throw trackingError("You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (bcast && (o.flags & (TRACK_OPTIN | TRACK_OPTOUT)) !== 0) throw trackingError('OPTIN and OPTOUT are not compatible with BCAST');
  if ((o.flags & TRACK_OPTIN) !== 0 && (o.flags & TRACK_OPTOUT) !== 0) throw trackingError("You can't specify both OPTIN mode and OPTOUT mode");
  if (now !== null && (((o.flags & TRACK_OPTIN) !== 0 && (now & TRACK_OPTOUT) !== 0) || ((o.flags & TRACK_OPTOUT) !== 0 && (now & TRACK_OPTIN) !== 0))) {
    throw trackingError("You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
  }
  if (bcast) {
    // Redis 7.0 answers an overlap among the given prefixes after the first with this error and then
    // +OK as well (two replies to one command); here the error is the only reply and nothing changes.
    const overlap = prefixOverlap(c.tracking?.prefixes ?? [], o.prefixes);
    if (overlap !== null) throw trackingError(overlap);
  }
  ctx.control.tracking.enable(c, o);
  return OK;
}

/** CLIENT CACHING YES|NO: the next command's reads are (OPTIN) or are not (OPTOUT) remembered. */
function clientCaching(ctx: CommandContext, argv: string[]): Reply {
  const t = ctx.client.tracking;
  if (t === null) throw trackingError('CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  if (isOpt(argv[2], 'YES')) {
    if ((t.flags & TRACK_OPTIN) === 0) throw trackingError('CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (isOpt(argv[2], 'NO')) {
    if ((t.flags & TRACK_OPTOUT) === 0) throw trackingError('CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    throw errors.syntax();
  }
  t.flags |= TRACK_CACHING;
  return OK;
}

/** CLIENT TRACKINGINFO: flags (a set in RESP3), redirect, prefixes (in byte order, as Redis lists them). */
function clientTrackingInfo(ctx: CommandContext): Reply {
  const t = ctx.client.tracking;
  const flags: string[] = [t === null ? 'off' : 'on'];
  const f = t?.flags ?? 0;
  if ((f & TRACK_BCAST) !== 0) flags.push('bcast');
  if ((f & TRACK_OPTIN) !== 0) flags.push('optin');
  if ((f & TRACK_OPTIN) !== 0 && (f & TRACK_CACHING) !== 0) flags.push('caching-yes');
  if ((f & TRACK_OPTOUT) !== 0) flags.push('optout');
  if ((f & TRACK_OPTOUT) !== 0 && (f & TRACK_CACHING) !== 0) flags.push('caching-no');
  if ((f & TRACK_NOLOOP) !== 0) flags.push('noloop');
  if ((f & TRACK_BROKEN_REDIR) !== 0) flags.push('broken_redirect');
  const prefixes = [...(t?.prefixes ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return record([
    ['flags', set(flags.map(bulk))],
    ['redirect', int(t === null ? -1 : t.redirect)],
    ['prefixes', array(prefixes.map(bulk))],
  ]);
}

/** redis-server 7.0.15's CLIENT HELP, line for line. */
const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

const sub = (def: Parameters<typeof command>[0]): CommandSpec => command({ ...def, group: 'connection' });

/** The CLIENT container and its subcommands. */
export const clientSubcommands: CommandSpec[] = [
  sub({ name: 'client|id', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', acl: ['connection'], summary: 'Returns the client ID for the current connection', since: '5.0.0', complexity: 'O(1)', handler: (ctx) => int(ctx.client.id) }),
  sub({
    name: 'client|setname',
    arity: 3,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Set the current connection name',
    since: '2.6.9',
    complexity: 'O(1)',
    handler: (ctx, argv) => {
      setClientName(ctx.client, argv[2] as string);
      return OK;
    },
  }),
  sub({ name: 'client|getname', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', acl: ['connection'], summary: 'Get the current connection name', since: '2.6.9', complexity: 'O(1)', handler: (ctx) => (ctx.client.name === '' ? NULL_BULK : bulk(ctx.client.name)) }),
  sub({
    name: 'client|list',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    tips: ['nondeterministic_output'],
    summary: 'Get the list of client connections',
    since: '2.4.0',
    complexity: 'O(N) where N is the number of client connections',
    history: [
      ['2.8.12', 'Added unique client `id` field.'],
      ['5.0.0', 'Added optional `TYPE` filter.'],
      ['6.0.0', 'Added `user` field.'],
      ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
      ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
      ['7.0.3', 'Added `ssub` field.'],
    ],
    handler: clientList,
  }),
  sub({ name: 'client|info', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', acl: ['connection'], tips: ['nondeterministic_output'], summary: 'Returns information about the current client connection.', since: '6.2.0', complexity: 'O(1)', handler: (ctx) => verbatim(ctx.client.describe(ctx.now) + '\n') }),
  sub({
    name: 'client|kill',
    arity: -3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Kill the connection of a client',
    since: '2.4.0',
    complexity: 'O(N) where N is the number of client connections',
    history: [
      ['2.8.12', 'Added new filter format.'],
      ['2.8.12', '`ID` option.'],
      ['3.2.0', 'Added `master` type in for `TYPE` option.'],
      ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
      ['6.2.0', '`LADDR` option.'],
    ],
    handler: clientKill,
  }),
  sub({
    name: 'client|reply',
    arity: 3,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Instruct the server whether to reply to commands',
    since: '3.2.0',
    complexity: 'O(1)',
    handler: clientReply,
  }),
  sub({
    name: 'client|pause',
    arity: -3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Stop processing commands from clients for some time',
    since: '2.9.50',
    complexity: 'O(1)',
    history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
    handler: clientPause,
  }),
  sub({
    name: 'client|unpause',
    arity: 2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Resume processing of clients that were paused',
    since: '6.2.0',
    complexity: 'O(N) Where N is the number of paused clients',
    handler: (ctx) => {
      ctx.control.unpause();
      return OK;
    },
  }),
  sub({
    name: 'client|no-evict',
    arity: 3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Set client eviction mode for the current connection',
    notes: 'accepted; ringcache never evicts clients.',
    since: '7.0.0',
    complexity: 'O(1)',
    handler: (ctx, argv) => {
      if (isOpt(argv[2], 'ON')) ctx.client.noEvict = true;
      else if (isOpt(argv[2], 'OFF')) ctx.client.noEvict = false;
      else throw errors.syntax();
      return OK;
    },
  }),
  sub({
    name: 'client|unblock',
    arity: -3,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Unblock a client blocked in a blocking command from a different connection',
    since: '5.0.0',
    complexity: 'O(log N) where N is the number of client connections',
    handler: clientUnblock,
  }),
  sub({
    name: 'client|tracking',
    arity: -3,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Enable or disable server assisted client side caching support',
    since: '6.0.0',
    complexity: 'O(1). Some options may introduce additional complexity.',
    handler: clientTracking,
  }),
  sub({
    name: 'client|caching',
    arity: 3,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Instruct the server about tracking or not keys in the next request',
    since: '6.0.0',
    complexity: 'O(1)',
    handler: clientCaching,
  }),
  sub({
    name: 'client|getredir',
    arity: 2,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Get tracking notifications redirection client ID if any',
    since: '6.0.0',
    complexity: 'O(1)',
    handler: (ctx) => int(ctx.client.tracking === null ? -1 : ctx.client.tracking.redirect),
  }),
  sub({
    name: 'client|trackinginfo',
    arity: 2,
    flags: ['noscript', 'loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Return information about server assisted client side caching for the current connection',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: clientTrackingInfo,
  }),
  sub({
    name: 'client|help',
    arity: 2,
    flags: ['loading', 'stale'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Show helpful text about the different subcommands',
    since: '5.0.0',
    complexity: 'O(1)',
    handler: () => array(CLIENT_HELP.map((l) => simple(l))),
  }),
];

export const clientCommand: CommandSpec = command({
  name: 'client',
  arity: -2,
  group: 'connection',
  summary: 'A container for client connection commands',
  since: '2.4.0',
  complexity: 'Depends on subcommand.',
  subcommands: clientSubcommands,
});
