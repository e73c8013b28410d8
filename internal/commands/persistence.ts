// Persistence family: SAVE BGSAVE LASTSAVE BGREWRITEAOF — thin handlers over the node's persistence manager.
import type { CommandContext } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import { isOpt } from './args.js';
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { int, OK, simple, type Reply } from '../resp/reply.js';
import type { PersistenceApi } from '../contracts/persistence.js';

function api(ctx: CommandContext): PersistenceApi {
  const p = ctx.server.persistence;
  if (p === undefined) throw new CommandError('ERR', 'persistence is not available on this server');
  return p;
}

function bgsave(ctx: CommandContext, argv: string[]): Reply {
  let schedule = false;
  if (argv.length === 2) {
    if (!isOpt(argv[1], 'SCHEDULE')) throw errors.syntax();
    schedule = true;
  } else if (argv.length > 2) throw errors.syntax();
  return simple(api(ctx).bgsave(schedule));
}

export const persistenceCommands: CommandSpec[] = [
  command({
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (ctx) => {
      api(ctx).save();
      return OK;
    },
  }),
  command({
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    handler: bgsave,
  }),
  command({
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    acl: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'],
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => int(api(ctx).lastsave()),
  }),
  command({
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    group: 'server',
    summary: 'Asynchronously rewrite the append-only file',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: (ctx) => simple(api(ctx).bgrewriteaof()),
  }),
];
