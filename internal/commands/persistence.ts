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
    flags: ['admin', 'noscript', 'no_multi'],
    group: 'server',
    summary: 'Synchronously saves the database(s) to disk.',
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
    flags: ['admin', 'noscript'],
    group: 'server',
    summary: 'Asynchronously saves the database(s) to disk.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    syntax: '[SCHEDULE]',
    handler: bgsave,
  }),
  command({
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    summary: 'Returns the Unix timestamp of the last successful save to disk.',
    since: '1.0.0',
    handler: (ctx) => int(api(ctx).lastsave()),
  }),
  command({
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript'],
    group: 'server',
    summary: 'Asynchronously rewrites the append-only file to disk.',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: (ctx) => simple(api(ctx).bgrewriteaof()),
  }),
];
