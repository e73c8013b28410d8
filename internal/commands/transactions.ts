// Transactions family: MULTI EXEC DISCARD WATCH UNWATCH (the queue itself lives in the executor).
import { command } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { OK } from '../resp/reply.js';

export const transactionCommands: CommandSpec[] = [
  command({
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    summary: 'Starts a transaction.',
    since: '1.2.0',
    handler: (ctx) => {
      ctx.tx.multi();
      return OK;
    },
  }),
  command({
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    group: 'transactions',
    summary: 'Executes all commands in a transaction.',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    handler: (ctx) => ctx.tx.exec(),
  }),
  command({
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    summary: 'Discards a transaction.',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    handler: (ctx) => {
      ctx.tx.discard();
      return OK;
    },
  }),
  command({
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: [1, -1, 1],
    group: 'transactions',
    summary: 'Monitors changes to keys to determine the execution of a transaction.',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    syntax: 'key [key ...]',
    handler: (ctx, argv) => {
      ctx.tx.watch(argv.slice(1));
      return OK;
    },
  }),
  command({
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    summary: 'Forgets about watched keys of a transaction.',
    since: '2.2.0',
    handler: (ctx) => {
      ctx.tx.unwatch();
      return OK;
    },
  }),
];
