// Pub/Sub family: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB introspection.
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { command, keyAt } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, bulk, bulks, int, multi, simple, type Reply } from '../resp/reply.js';
import { subscriptionReply, type SubscriptionKind } from '../server/pubsub.js';

const NAMES: Record<SubscriptionKind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** One confirmation per name, each carrying the client's subscription count after it. */
function subscribe(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const out: Reply[] = [];
    for (const name of argv.slice(1)) {
      ctx.server.pubsub.subscribe(ctx.client, kind, name);
      out.push(subscriptionReply(NAMES[kind][0], name, countFor(ctx, kind)));
    }
    return multi(out);
  };
}

/** Shard subscriptions count separately from channel+pattern ones, as in Redis 7. */
function countFor(ctx: CommandContext, kind: SubscriptionKind): number {
  const c = ctx.client;
  return kind === 'shard' ? c.shardChannels.size : c.channels.size + c.patterns.size;
}

function unsubscribe(kind: SubscriptionKind) {
  return (ctx: CommandContext, argv: string[]): Reply => {
    const ps = ctx.server.pubsub;
    const names = argv.length > 1 ? argv.slice(1) : ps.subscriptionsOf(ctx.client, kind);
    if (names.length === 0) return multi([subscriptionReply(NAMES[kind][1], null, countFor(ctx, kind))]);
    const out: Reply[] = [];
    for (const name of names) {
      ps.unsubscribe(ctx.client, kind, name);
      out.push(subscriptionReply(NAMES[kind][1], name, countFor(ctx, kind)));
    }
    return multi(out);
  };
}

const sub = (def: Parameters<typeof command>[0]): CommandSpec => command(def);

export const pubsubCommands: CommandSpec[] = [
  command({ name: 'subscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale'], group: 'pubsub', summary: 'Listen for messages published to the given channels', since: '2.0.0', complexity: 'O(N) where N is the number of channels to subscribe to.', handler: subscribe('channel') }),
  command({ name: 'unsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale'], group: 'pubsub', summary: 'Stop listening for messages posted to the given channels', since: '2.0.0', complexity: 'O(N) where N is the number of clients already subscribed to a channel.', handler: unsubscribe('channel') }),
  command({ name: 'psubscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale'], group: 'pubsub', summary: 'Listen for messages published to channels matching the given patterns', since: '2.0.0', complexity: 'O(N) where N is the number of patterns the client is already subscribed to.', handler: subscribe('pattern') }),
  command({ name: 'punsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale'], group: 'pubsub', summary: 'Stop listening for messages posted to channels matching the given patterns', since: '2.0.0', complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).', handler: unsubscribe('pattern') }),
  command({ name: 'ssubscribe', arity: -2, flags: ['pubsub', 'noscript', 'loading', 'stale'], keySpecs: [keyAt(1, ['NOT_KEY'], -1)], group: 'pubsub', summary: 'Listen for messages published to the given shard channels', since: '7.0.0', complexity: 'O(N) where N is the number of shard channels to subscribe to.', handler: subscribe('shard') }),
  command({ name: 'sunsubscribe', arity: -1, flags: ['pubsub', 'noscript', 'loading', 'stale'], keySpecs: [keyAt(1, ['NOT_KEY'], -1)], group: 'pubsub', summary: 'Stop listening for messages posted to the given shard channels', since: '7.0.0', complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.', handler: unsubscribe('shard') }),
  command({
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    group: 'pubsub',
    summary: 'Post a message to a channel',
    since: '2.0.0',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: (ctx, argv) => int(ctx.server.pubsub.publish(argv[1] as string, argv[2] as string)),
  }),
  command({
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    keySpecs: [keyAt(1, ['NOT_KEY'])],
    group: 'pubsub',
    summary: 'Post a message to a shard channel',
    since: '7.0.0',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: (ctx, argv) => int(ctx.server.pubsub.spublish(argv[1] as string, argv[2] as string)),
  }),
  command({
    name: 'pubsub',
    arity: -2,
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({ name: 'pubsub|channels', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', summary: 'List active channels', since: '2.8.0', complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)', handler: (ctx, argv) => {
        if (argv.length > 3) throw errors.wrongArity('pubsub|channels');
        return bulks(ctx.server.pubsub.channelNames('channel', argv[2]));
      } }),
      sub({ name: 'pubsub|numsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', summary: 'Get the count of subscribers for channels', since: '2.8.0', complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels', handler: (ctx, argv) =>
        array(argv.slice(2).flatMap((ch) => [bulk(ch), int(ctx.server.pubsub.numsub('channel', ch))])) }),
      sub({ name: 'pubsub|numpat', arity: 2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', summary: 'Get the count of unique patterns pattern subscriptions', since: '2.8.0', complexity: 'O(1)', handler: (ctx) => int(ctx.server.pubsub.numpat) }),
      sub({ name: 'pubsub|shardchannels', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', summary: 'List active shard channels', since: '7.0.0', complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).', handler: (ctx, argv) => {
        if (argv.length > 3) throw errors.wrongArity('pubsub|shardchannels');
        return bulks(ctx.server.pubsub.channelNames('shard', argv[2]));
      } }),
      sub({ name: 'pubsub|shardnumsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', summary: 'Get the count of subscribers for shard channels', since: '7.0.0', complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels', handler: (ctx, argv) =>
        array(argv.slice(2).flatMap((ch) => [bulk(ch), int(ctx.server.pubsub.numsub('shard', ch))])) }),
      sub({ name: 'pubsub|help', arity: 2, flags: ['loading', 'stale'], group: 'pubsub', summary: 'Show helpful text about the different subcommands', since: '6.2.0', complexity: 'O(1)', handler: () =>
        array([
          'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'CHANNELS [<pattern>]',
          "    Return the currently active channels matching a <pattern> (default: '*').",
          'NUMPAT',
          '    Return number of subscriptions to patterns.',
          'NUMSUB [<channel> ...]',
          '    Return the number of subscribers for the specified channels, excluding',
          '    pattern subscriptions(default: no channels).',
          'SHARDCHANNELS [<pattern>]',
          "    Return the currently active shard level channels matching a <pattern> (default: '*').",
          'SHARDNUMSUB [<shardchannel> ...]',
          '    Return the number of subscribers for the specified shard level channel(s)',
          'HELP',
          '    Prints this help.',
        ].map(simple)) }),
    ],
  }),
];
