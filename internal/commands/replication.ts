// REPLICAOF / SLAVEOF, REPLCONF, PSYNC, SYNC and WAIT: standalone replication's commands (replication/ does the work).
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import type { ReplicationApi } from '../contracts/replication.js';
import { int, OK, simple, type Reply } from '../resp/reply.js';
import { parseInt64 } from './args.js';
import { NO_REPLY } from './connection-client.js';
import { command } from './spec.js';

function api(ctx: CommandContext): ReplicationApi {
  const r = ctx.server.replication;
  if (r === undefined) throw errors.generic('replication is not available on this server');
  return r;
}

/** A whole number in [min, max], else `-ERR <msg>` (Redis's getRangeLongFromObjectOrReply). */
function rangeArg(raw: string, min: number, max: number, msg: string): number {
  const v = parseInt64(raw);
  if (v === null || v < min || v > max) throw errors.generic(msg);
  return Number(v);
}

/** REPLICAOF host port | NO ONE. */
function replicaof(ctx: CommandContext, argv: string[]): Reply {
  const host = argv[1] as string;
  const port = argv[2] as string;
  if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') {
    api(ctx).promote();
    return OK;
  }
  if (ctx.client.replRole === 'replica') throw errors.generic('Command is not valid when client is a replica.');
  const p = rangeArg(port, 0, 65535, 'Invalid master port');
  const status = api(ctx).replicaOf(host, p);
  return status === 'OK' ? OK : simple(status);
}

function replconf(ctx: CommandContext, argv: string[]): Reply {
  return api(ctx).replconf(ctx.client, argv.slice(1)) ?? NO_REPLY;
}

function psync(ctx: CommandContext, argv: string[]): Reply {
  return api(ctx).sync(ctx.client, argv[1] as string, argv[2] as string);
}

function sync(ctx: CommandContext): Reply {
  return api(ctx).sync(ctx.client, null, '-1');
}

/** WAIT numreplicas timeout: answered from the replicas' ACK offsets (cluster replica streams in a cluster); in MULTI or a script it does not block. */
function wait(ctx: CommandContext, argv: string[]): Reply | Promise<Reply> {
  const n = parseInt64(argv[1] as string);
  if (n === null) throw errors.notInteger();
  const t = parseInt64(argv[2] as string);
  if (t === null) throw errors.generic('timeout is not an integer or out of range');
  if (t < 0) throw errors.generic('timeout is negative');
  const mayBlock = !ctx.inMulti && !ctx.inScript;
  // In a cluster the replicas are this node's replica streams (cluster replication), not REPLICAOF's.
  const clustered = ctx.server.cluster?.waitReplicas?.(Number(n), Number(t), mayBlock, ctx.client) ?? null;
  const out = clustered ?? api(ctx).wait(ctx.client, Number(n), Number(t), mayBlock);
  return typeof out === 'number' ? int(out) : out.then((v) => int(v));
}

const REPLICAOF_DOC = {
  arity: 3,
  flags: ['admin', 'noscript', 'stale', 'no_async_loading'],
  group: 'server',
  acl: ['admin', 'slow', 'dangerous'],
  since: '5.0.0',
  complexity: 'O(1)',
  handler: replicaof,
} as const;

export const replicationCommands: readonly CommandSpec[] = [
  command({ name: 'replicaof', ...REPLICAOF_DOC, summary: 'Make the server a replica of another instance, or promote it as master.' }),
  command({
    name: 'slaveof',
    ...REPLICAOF_DOC,
    since: '1.0.0',
    summary: 'Make the server a replica of another instance, or promote it as master.',
    deprecatedSince: '5.0.0',
    replacedBy: '`REPLICAOF`',
    docFlags: ['deprecated'],
  }),
  command({
    name: 'replconf',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    group: 'server',
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'An internal command for configuring the replication stream',
    since: '3.0.0',
    complexity: 'O(1)',
    docFlags: ['syscmd'],
    handler: replconf,
  }),
  command({
    name: 'psync',
    arity: -3,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Internal command used for replication',
    since: '2.8.0',
    handler: psync,
  }),
  command({
    name: 'sync',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    acl: ['admin', 'slow', 'dangerous'],
    summary: 'Internal command used for replication',
    since: '1.0.0',
    handler: sync,
  }),
  command({
    name: 'wait',
    arity: 3,
    flags: ['noscript'],
    group: 'generic',
    acl: ['slow', 'connection'],
    tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    summary: 'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    since: '3.0.0',
    complexity: 'O(1)',
    handler: wait,
  }),
];

