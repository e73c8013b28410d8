// Transactions family: MULTI EXEC DISCARD WATCH UNWATCH (the queue itself lives in the executor).
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { OK } from '../resp/reply.js';

export const transactionCommands: CommandSpec[] = [
  command({
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    acl: ['transaction'],
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    complexity: 'O(1)',
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
    acl: ['transaction'],
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    handler: (ctx) => ctx.tx.exec(),
  }),
  command({
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    group: 'transactions',
    acl: ['transaction'],
    summary: 'Discard all commands issued after MULTI',
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
    keySpecs: [keyAt(1, ['RO'], -1)],
    group: 'transactions',
    acl: ['transaction'],
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
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
    acl: ['transaction'],
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: (ctx) => {
      ctx.tx.unwatch();
      return OK;
    },
  }),
];
