// Connection family: PING ECHO QUIT RESET HELLO AUTH CLIENT — per-connection state and identity.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { intArg, isOpt } from './args.js';
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, EMPTY_ARRAY, int, NULL_BULK, OK, PONG, record, simple, verbatim, type Reply } from '../resp/reply.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import type { Client } from '../server/client.js';
import { clusterMode } from './cluster.js';

/** Constant-time password check (hashing first makes the lengths equal). */
function passwordMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'latin1').digest();
  const b = createHash('sha256').update(expected, 'latin1').digest();
  return timingSafeEqual(a, b);
}

/** AUTH semantics shared by AUTH and HELLO ... AUTH: only the `default` user exists. */
function authenticate(ctx: CommandContext, user: string, pass: string): void {
  const required = ctx.server.config.str('requirepass');
  if (user !== 'default' || !passwordMatches(pass, required)) throw errors.wrongPass();
  ctx.client.authenticated = true;
}

/** Client names may not contain spaces, newlines or other special characters (Redis's rule). */
function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function helloReply(ctx: CommandContext): Reply {
  return record([
    ['server', bulk('redis')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', int(ctx.client.proto)],
    ['id', int(ctx.client.id)],
    ['mode', bulk(clusterMode(ctx.server))],
    ['role', bulk('master')],
    ['modules', EMPTY_ARRAY],
  ]);
}

function hello(ctx: CommandContext, argv: string[]): Reply {
  let proto = ctx.client.proto;
  let i = 1;
  if (argv.length > 1) {
    const v = intArg(argv[1] as string, () => new CommandError('ERR', 'Protocol version is not an integer or out of range'));
    if (v !== 2 && v !== 3) throw new CommandError('NOPROTO', 'unsupported protocol version');
    proto = v;
    i = 2;
  }
  let auth: [string, string] | undefined;
  let setname: string | undefined;
  for (; i < argv.length; i++) {
    const left = argv.length - i - 1;
    if (isOpt(argv[i], 'AUTH') && left >= 2) {
      auth = [argv[i + 1] as string, argv[i + 2] as string];
      i += 2;
    } else if (isOpt(argv[i], 'SETNAME') && left >= 1) {
      setname = argv[i + 1] as string;
      i += 1;
    } else {
      throw new CommandError('ERR', `Syntax error in HELLO option '${argv[i]}'`);
    }
  }
  if (auth) authenticate(ctx, auth[0], auth[1]);
  if (!ctx.client.authenticated) {
    throw new CommandError(
      'NOAUTH',
      'HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (setname !== undefined) {
    if (!validName(setname)) throw new CommandError('ERR', 'Client names cannot contain spaces, newlines or special characters.');
    ctx.client.name = setname;
  }
  ctx.client.proto = proto;
  return helloReply(ctx);
}

function findClients(ctx: CommandContext): Client[] {
  return [...ctx.server.clients()];
}

/** CLIENT KILL: the old `addr` form and the new filter form (ID ADDR LADDR SKIPME USER TYPE MAXAGE). */
function clientKill(ctx: CommandContext, argv: string[]): Reply {
  const all = findClients(ctx);
  if (argv.length === 3) {
    const target = all.find((c) => c.addr === argv[2]);
    if (!target) throw new CommandError('ERR', 'No such client');
    target.kill();
    return OK;
  }
  if ((argv.length - 2) % 2 !== 0) throw errors.syntax();
  let id: number | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let user: string | undefined;
  let type: string | undefined;
  let maxAge: number | undefined;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toUpperCase();
    const v = argv[i + 1] as string;
    if (opt === 'ID') {
      const n = intArg(v, () => new CommandError('ERR', 'client-id should be greater than 0'));
      if (n <= 0) throw new CommandError('ERR', 'client-id should be greater than 0');
      id = n;
    } else if (opt === 'ADDR') addr = v;
    else if (opt === 'LADDR') laddr = v;
    else if (opt === 'USER') user = v;
    else if (opt === 'TYPE') {
      const t = v.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) throw new CommandError('ERR', `Unknown client type '${v}'`);
      type = t;
    } else if (opt === 'MAXAGE') maxAge = intArg(v);
    else if (opt === 'SKIPME') {
      const t = v.toLowerCase();
      if (t !== 'yes' && t !== 'no') throw errors.syntax();
      skipMe = t === 'yes';
    } else throw errors.syntax();
  }
  let killed = 0;
  for (const c of all) {
    if (id !== undefined && c.id !== id) continue;
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (user !== undefined && user !== 'default') continue;
    if (type !== undefined && type !== 'normal') continue;
    if (maxAge !== undefined && (ctx.now - c.createdAt) / 1000 < maxAge) continue;
    if (skipMe && c === ctx.client) continue;
    if (c === ctx.client) c.closeAfterReply = true;
    else c.kill();
    killed++;
  }
  return int(killed);
}

function clientList(ctx: CommandContext, argv: string[]): Reply {
  let clients = findClients(ctx);
  for (let i = 2; i < argv.length; i++) {
    if (isOpt(argv[i], 'TYPE') && i + 1 < argv.length) {
      const t = (argv[++i] as string).toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) throw new CommandError('ERR', `Unknown client type '${argv[i]}'`);
      if (t !== 'normal') clients = [];
    } else if (isOpt(argv[i], 'ID') && i + 1 < argv.length) {
      const ids = new Set<number>();
      for (i++; i < argv.length; i++) {
        const n = intArg(argv[i] as string, () => new CommandError('ERR', 'Invalid client ID'));
        if (n <= 0) throw new CommandError('ERR', 'Invalid client ID');
        ids.add(n);
      }
      clients = clients.filter((c) => ids.has(c.id));
    } else {
      throw errors.syntax();
    }
  }
  const text = clients.map((c) => c.describe(ctx.now) + '\n').join('');
  return verbatim(text);
}

const HELP = (lines: string[]): Reply => array(lines.map((l) => simple(l)));

const sub = (def: Parameters<typeof command>[0]): CommandSpec => command({ ...def });

export const connectionCommands: CommandSpec[] = [
  command({
    name: 'ping',
    arity: -1,
    flags: ['fast', 'stale', 'loading'],
    group: 'connection',
    summary: 'Returns the server\'s liveliness response.',
    since: '1.0.0',
    syntax: '[message]',
    handler: (ctx, argv) => {
      if (argv.length > 2) throw errors.wrongArity('ping');
      // A RESP2 subscriber gets PING answered in the shape of a message, as Redis does.
      if (ctx.client.proto === 2 && ctx.client.subscriptions > 0) return array([bulk('pong'), bulk(argv[1] ?? '')]);
      return argv.length === 2 ? bulk(argv[1] as string) : PONG;
    },
  }),
  command({
    name: 'echo',
    arity: 2,
    flags: ['fast', 'stale', 'loading'],
    group: 'connection',
    summary: 'Returns the given string.',
    since: '1.0.0',
    syntax: 'message',
    handler: (_ctx, argv) => bulk(argv[1] as string),
  }),
  command({
    name: 'quit',
    arity: -1,
    flags: ['no_auth', 'fast', 'stale', 'loading', 'allow_busy'],
    group: 'connection',
    summary: 'Closes the connection.',
    since: '1.0.0',
    handler: (ctx) => {
      ctx.client.closeAfterReply = true;
      return OK;
    },
  }),
  command({
    name: 'reset',
    arity: 1,
    flags: ['no_auth', 'fast', 'stale', 'loading', 'noscript'],
    group: 'connection',
    summary: 'Resets the connection.',
    since: '6.2.0',
    handler: (ctx) => {
      const c = ctx.client;
      // RESET leaves MULTI, drops WATCHes and subscriptions, as on a fresh connection.
      c.multi = null;
      ctx.tx.unwatch();
      ctx.server.pubsub.dropClient(c);
      c.db = 0;
      c.proto = 2;
      c.name = '';
      c.noEvict = false;
      c.authenticated = ctx.server.config.str('requirepass') === '';
      return simple('RESET');
    },
  }),
  command({
    name: 'hello',
    arity: -1,
    flags: ['no_auth', 'fast', 'stale', 'loading', 'noscript'],
    group: 'connection',
    summary: 'Handshakes with the Redis server.',
    since: '6.0.0',
    syntax: '[protover [AUTH username password] [SETNAME clientname]]',
    handler: hello,
  }),
  command({
    name: 'auth',
    arity: -2,
    flags: ['no_auth', 'fast', 'stale', 'loading', 'noscript'],
    group: 'connection',
    summary: 'Authenticates the connection.',
    since: '1.0.0',
    syntax: '[username] password',
    handler: (ctx, argv) => {
      if (argv.length > 3) throw errors.syntax();
      if (ctx.server.config.str('requirepass') === '' && argv.length === 2) {
        throw new CommandError(
          'ERR',
          'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      const [user, pass] = argv.length === 3 ? [argv[1] as string, argv[2] as string] : ['default', argv[1] as string];
      authenticate(ctx, user, pass);
      return OK;
    },
  }),
  command({
    name: 'client',
    arity: -2,
    group: 'connection',
    summary: 'A container for client connection commands.',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({ name: 'client|id', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', summary: 'Returns the unique client ID of the connection.', since: '5.0.0', handler: (ctx) => int(ctx.client.id) }),
      sub({
        name: 'client|setname',
        arity: 3,
        flags: ['noscript', 'loading', 'stale'],
        group: 'connection',
        summary: 'Sets the connection name.',
        since: '2.6.9',
        syntax: 'connection-name',
        handler: (ctx, argv) => {
          const name = argv[2] as string;
          if (!validName(name)) throw new CommandError('ERR', 'Client names cannot contain spaces, newlines or special characters.');
          ctx.client.name = name;
          return OK;
        },
      }),
      sub({ name: 'client|getname', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', summary: 'Returns the name of the connection.', since: '2.6.9', handler: (ctx) => (ctx.client.name === '' ? NULL_BULK : bulk(ctx.client.name)) }),
      sub({
        name: 'client|list',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'connection',
        summary: 'Lists open connections.',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        syntax: '[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]',
        handler: clientList,
      }),
      sub({ name: 'client|info', arity: 2, flags: ['noscript', 'loading', 'stale'], group: 'connection', summary: 'Returns information about the connection.', since: '6.2.0', handler: (ctx) => verbatim(ctx.client.describe(ctx.now) + '\n') }),
      sub({
        name: 'client|kill',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'connection',
        summary: 'Terminates open connections.',
        since: '2.4.0',
        complexity: 'O(N) where N is the number of client connections',
        syntax: '<ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage]> [<[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage]> ...]>',
        handler: clientKill,
      }),
      sub({
        name: 'client|setinfo',
        arity: 4,
        flags: ['noscript', 'loading', 'stale'],
        group: 'connection',
        summary: 'Sets information specific to the client or connection.',
        since: '7.2.0',
        syntax: '<LIB-NAME libname | LIB-VER libver>',
        handler: (ctx, argv) => {
          const attr = (argv[2] as string).toLowerCase();
          const v = argv[3] as string;
          if (attr !== 'lib-name' && attr !== 'lib-ver') throw new CommandError('ERR', `Unrecognized option '${argv[2]}'`);
          if (!validName(v) && v !== '') throw new CommandError('ERR', `${attr} cannot contain spaces, newlines or special characters.`);
          if (attr === 'lib-name') ctx.client.libName = v;
          else ctx.client.libVer = v;
          return OK;
        },
      }),
      sub({
        name: 'client|no-evict',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        group: 'connection',
        summary: 'Sets the client eviction mode of the connection.',
        since: '7.0.0',
        syntax: '<ON | OFF>',
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
        summary: 'Unblocks a client blocked by a blocking command from a different connection.',
        since: '5.0.0',
        complexity: 'O(log N) where N is the number of client connections',
        syntax: 'client-id [TIMEOUT | ERROR]',
        handler: (ctx, argv) => {
          const id = intArg(argv[2] as string);
          let error = false;
          if (argv.length === 4) {
            if (isOpt(argv[3], 'ERROR')) error = true;
            else if (!isOpt(argv[3], 'TIMEOUT')) throw new CommandError('ERR', 'CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
          } else if (argv.length > 4) {
            throw errors.syntax();
          }
          return int(ctx.server.unblockClient(id, error) ? 1 : 0);
        },
      }),
      sub({
        name: 'client|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'connection',
        summary: 'Returns helpful text about the different subcommands.',
        since: '5.0.0',
        handler: () =>
          HELP([
            'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
            'GETNAME',
            '    Return the name of the current connection.',
            'ID',
            '    Return the ID of the current connection.',
            'INFO',
            '    Return information about the current client connection.',
            'KILL <ip:port>',
            '    Kill connection made from <ip:port>.',
            'KILL <option> <value> [<option> <value> [...]]',
            '    Kill connections. Options are: ID, TYPE, USER, ADDR, LADDR, SKIPME, MAXAGE.',
            'LIST [options ...]',
            '    Return information about client connections. Options: TYPE, ID.',
            'SETNAME <name>',
            '    Assign the name <name> to the current connection.',
            'SETINFO <LIB-NAME|LIB-VER> <value>',
            '    Set client library name or version.',
            'UNBLOCK <clientid> [TIMEOUT|ERROR]',
            '    Unblock the specified blocked client.',
            'NO-EVICT (ON|OFF)',
            '    Protect the current client connection from eviction.',
            'HELP',
            '    Print this help.',
          ]),
      }),
    ],
  }),
];
