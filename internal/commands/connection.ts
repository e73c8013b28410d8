// Connection family: PING ECHO QUIT RESET HELLO AUTH, and CLIENT (connection-client.ts) — per-connection state and identity.
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { array, bulk, EMPTY_ARRAY, int, OK, PONG, record, simple, type Reply } from '../resp/reply.js';
import { REPLY_OFF, REPLY_SKIP_NEXT } from '../server/client.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import { intArg, isOpt } from './args.js';
import { clusterMode } from './cluster.js';
import { clientCommand, setClientName } from './connection-client.js';
import { command } from './spec.js';

/** AUTH and HELLO ... AUTH: the ACL user's credentials (acl/acl.ts); a failure is logged in ACL LOG under `command`. */
function authenticate(ctx: CommandContext, user: string, pass: string, command: string): void {
  if (!ctx.server.acl.authenticate(ctx.client, user, pass, command)) throw errors.wrongPass();
}

/** HELLO's map, in redis-server 7.0's order. */
function helloReply(ctx: CommandContext): Reply {
  return record([
    ['server', bulk('redis')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', int(ctx.client.proto)],
    ['id', int(ctx.client.id)],
    ['mode', bulk(clusterMode(ctx.server))],
    ['role', bulk(ctx.server.replication?.isReplica === true ? 'replica' : 'master')],
    ['modules', EMPTY_ARRAY],
  ]);
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: options apply as they are parsed, as in Redis. */
function hello(ctx: CommandContext, argv: string[]): Reply {
  let proto: 2 | 3 | null = null;
  let i = 1;
  if (argv.length > 1) {
    const v = intArg(argv[1] as string, () => new CommandError('ERR', 'Protocol version is not an integer or out of range'));
    if (v !== 2 && v !== 3) throw new CommandError('NOPROTO', 'unsupported protocol version');
    proto = v;
    i = 2;
  }
  for (; i < argv.length; i++) {
    const left = argv.length - i - 1;
    if (isOpt(argv[i], 'AUTH') && left >= 2) {
      authenticate(ctx, argv[i + 1] as string, argv[i + 2] as string, argv[0] as string);
      i += 2;
    } else if (isOpt(argv[i], 'SETNAME') && left >= 1) {
      setClientName(ctx.client, argv[i + 1] as string);
      i += 1;
    } else {
      throw new CommandError('ERR', `Syntax error in HELLO option '${argv[i]}'`);
    }
  }
  if (!ctx.client.authenticated) {
    throw new CommandError(
      'NOAUTH',
      'HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (proto !== null) ctx.client.proto = proto;
  return helloReply(ctx);
}

export const connectionCommands: CommandSpec[] = [
  command({
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    group: 'connection',
    acl: ['connection'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
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
    flags: ['loading', 'stale', 'fast'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Echo the given string',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (_ctx, argv) => bulk(argv[1] as string),
  }),
  command({
    name: 'quit',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Close the connection',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      ctx.client.closeAfterReply = true;
      return OK;
    },
  }),
  command({
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Reset the connection',
    since: '6.2.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      const c = ctx.client;
      // Redis's clearClientConnectionState: out of MONITOR and MULTI, tracking off, WATCHes and
      // subscriptions dropped, db 0, RESP2, no name, default authentication, replies on again. NO-EVICT stays.
      if (c.monitor) ctx.control.unmonitor(c);
      ctx.control.tracking.disable(c);
      c.multi = null;
      ctx.tx.unwatch();
      ctx.server.pubsub.dropClient(c);
      c.db = 0;
      c.proto = 2;
      c.name = '';
      c.replyFlags &= ~(REPLY_OFF | REPLY_SKIP_NEXT);
      c.user = ctx.server.acl.defaultUser;
      c.authenticated = !ctx.server.acl.authRequired();
      return simple('RESET');
    },
  }),
  command({
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Handshake with Redis',
    since: '6.0.0',
    complexity: 'O(1)',
    history: [
      ['6.2.0', "`protover` made optional; when called without arguments the command reports the current connection's context."],
    ],
    handler: hello,
  }),
  command({
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    group: 'connection',
    acl: ['connection'],
    summary: 'Authenticate to the server',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    handler: (ctx, argv) => {
      if (argv.length > 3) throw errors.syntax();
      if (ctx.server.acl.defaultUser.nopass && argv.length === 2) {
        throw new CommandError(
          'ERR',
          'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      const [user, pass] = argv.length === 3 ? [argv[1] as string, argv[2] as string] : ['default', argv[1] as string];
      authenticate(ctx, user, pass, argv[0] as string);
      return OK;
    },
  }),
  clientCommand,
];
