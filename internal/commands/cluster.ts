// Cluster family: CLUSTER SLOTS/SHARDS/NODES/INFO/KEYSLOT/MYID/COUNTKEYSINSLOT/GETKEYSINSLOT/PEER/HANDOFF, ASKING, READONLY, READWRITE, in Redis 7.0's formats.
//
// Formats were recorded from a redis-server 7.0 cluster of three masters on loopback. Node ids
// are Redis-shaped (40 hex digits): SHA-1 of the ringcache node id, the same on every node, so
// cluster clients that key on ids (node-redis, redis-benchmark --cluster) see stable ids; the
// ringcache names stay visible in CLUSTER NODES' hostname field and in the HTTP API.
import { createHash } from 'node:crypto';
import { CommandError, errors } from '../contracts/errors.js';
import { arityOk, command, hasFlag, keyAt, keyIndexes, specForArgv } from './spec.js';
import { type CommandSpec } from '../contracts/command.js';
import type { CommandContext, ServerApi } from '../contracts/command.js';
import type { ClusterApi, ClusterMember } from '../contracts/cluster.js';
import { keyHashSlot, SLOT_COUNT } from '../ring/slot.js';
import { array, bulk, bulks, int, map, OK, simple, verbatim, type Reply } from '../resp/reply.js';


/** The Redis-shaped 40-hex id of a ringcache node id. */
export function clusterNodeId(name: string): string {
  return createHash('sha1').update(`ringcache-node:${name}`).digest('hex');
}

function api(ctx: CommandContext): ClusterApi {
  const c = ctx.server.cluster;
  if (c === undefined) throw new CommandError('ERR', 'This instance has cluster support disabled');
  return c;
}

function slotArg(s: string): number {
  if (!/^-?\d+$/.test(s)) throw errors.generic('Invalid slot');
  const n = Number(s);
  if (n < 0 || n >= SLOT_COUNT) throw errors.generic('Invalid slot');
  return n;
}

function byName(nodes: readonly ClusterMember[]): Map<string, ClusterMember> {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** A node entry of CLUSTER SLOTS: host, port, id, and the (empty) metadata map. */
function slotNode(n: ClusterMember | undefined, name: string): Reply {
  return array([bulk(n?.host ?? ''), int(n?.respPort ?? 0), bulk(clusterNodeId(name)), map([])]);
}

function slots(ctx: CommandContext): Reply {
  const c = api(ctx);
  const nodes = byName(c.members());
  // The owner, then its replicas (cluster.replicas): the ring's next members clockwise, which hold
  // a streamed copy and serve reads to READONLY clients (ioredis scaleReads: 'slave').
  return array(c.ranges().map((r) => array([int(r.start), int(r.end), slotNode(nodes.get(r.owner), r.owner), ...r.replicas.map((id) => slotNode(nodes.get(id), id))])));
}

function shardNode(n: ClusterMember, role: 'master' | 'replica'): Reply {
  return map([
    [bulk('id'), bulk(clusterNodeId(n.id))],
    [bulk('port'), int(n.respPort)],
    [bulk('ip'), bulk(n.host)],
    [bulk('endpoint'), bulk(n.host)],
    [bulk('role'), bulk(role)],
    [bulk('replication-offset'), int(0)],
    [bulk('health'), bulk(n.state === 'alive' || n.state === 'suspect' ? 'online' : 'failed')],
  ]);
}

function shards(ctx: CommandContext): Reply {
  const c = api(ctx);
  const ranges = new Map<string, number[]>();
  const replicas = new Map<string, Set<string>>();
  for (const r of c.ranges()) {
    const list = ranges.get(r.owner) ?? [];
    list.push(r.start, r.end);
    ranges.set(r.owner, list);
    const set = replicas.get(r.owner) ?? new Set<string>();
    for (const id of r.replicas) set.add(id);
    replicas.set(r.owner, set);
  }
  // One shard per member that owns slots, with the members that replicate any of its ranges.
  const nodes = byName(c.members());
  const out: Reply[] = [];
  for (const n of c.members()) {
    const own = ranges.get(n.id);
    if (own === undefined) continue;
    const reps = [...(replicas.get(n.id) ?? [])].map((id) => nodes.get(id)).filter((m): m is ClusterMember => m !== undefined);
    out.push(map([
      [bulk('slots'), array(own.map((s) => int(s)))],
      [bulk('nodes'), array([shardNode(n, 'master'), ...reps.map((m) => shardNode(m, 'replica'))])],
    ]));
  }
  return array(out);
}

/**
 * CLUSTER NODES: `<id> <ip:port@cport,hostname> <flags> <master> <ping-sent> <pong-recv>
 * <config-epoch> <link-state> <slot-range> ...`, one line per member, `myself` on this node's.
 * The bus port is the gossip port; the hostname field carries the ringcache node id.
 */
export function nodesText(c: ClusterApi, now: number): string {
  const ranges = new Map<string, string[]>();
  for (const r of c.ranges()) {
    const list = ranges.get(r.owner) ?? [];
    list.push(r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`);
    ranges.set(r.owner, list);
  }
  const epoch = c.epoch();
  return c
    .members()
    .map((n) => {
      const flags = [n.self ? 'myself' : '', 'master', n.state === 'suspect' ? 'fail?' : n.state === 'dead' || n.state === 'left' ? 'fail' : ''].filter((f) => f !== '').join(',');
      const link = n.self || n.state === 'alive' || n.state === 'suspect' ? 'connected' : 'disconnected';
      const own = ranges.get(n.id) ?? [];
      return [clusterNodeId(n.id), `${n.host}:${n.respPort}@${n.gossipPort},${n.id}`, flags, '-', 0, n.self ? 0 : now, epoch, link, ...own].join(' ') + '\n';
    })
    .join('');
}

function info(ctx: CommandContext): string {
  const c = api(ctx);
  const nodes = c.members();
  const ranges = c.ranges();
  const alive = new Set(nodes.filter((n) => n.state === 'alive' || n.self).map((n) => n.id));
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  for (const r of ranges) {
    const n = r.end - r.start + 1;
    assigned += n;
    if (alive.has(r.owner)) ok += n;
    else pfail += n;
  }
  const owners = new Set(ranges.map((r) => r.owner));
  const fields: [string, string | number][] = [
    ['cluster_state', c.ok() ? 'ok' : 'fail'],
    ['cluster_slots_assigned', assigned],
    ['cluster_slots_ok', ok],
    ['cluster_slots_pfail', pfail],
    ['cluster_slots_fail', 0],
    ['cluster_known_nodes', nodes.filter((n) => n.state === 'alive' || n.state === 'suspect' || n.self).length],
    ['cluster_size', owners.size],
    ['cluster_current_epoch', c.epoch()],
    ['cluster_my_epoch', c.epoch()],
    ['cluster_stats_messages_sent', 0],
    ['cluster_stats_messages_received', 0],
    ['total_cluster_links_buffer_limit_exceeded', 0],
  ];
  return fields.map(([k, v]) => `${k}:${v}\r\n`).join('');
}

/**
 * Redis's `cluster-enabled`, the one answer behind INFO's redis_mode and cluster_enabled and
 * HELLO's mode, so they always agree with each other and with the CLUSTER commands: on whenever
 * the node has cluster parts. A ringcache node always has them, alone or not (a node started
 * without seeds is a cluster of one that others join, and it answers CLUSTER SLOTS), as a
 * redis-server with cluster-enabled yes says cluster when alone; only unit-test servers lack them.
 */
export function clusterMode(server: Pick<ServerApi, 'cluster'>): 'cluster' | 'standalone' {
  return server.cluster === undefined ? 'standalone' : 'cluster';
}

/** INFO's `# Cluster` section. */
export function infoClusterFields(server: Pick<ServerApi, 'cluster'>): [string, string | number][] {
  const out: [string, string | number][] = [['cluster_enabled', clusterMode(server) === 'cluster' ? 1 : 0]];
  const h = server.cluster?.handoffStats?.();
  if (h !== undefined) {
    out.push(
      ['cluster_handoff_in_progress', h.inProgress ? 1 : 0],
      ['cluster_handoff_keys_sent', h.sent],
      ['cluster_handoff_keys_received', h.received],
      ['cluster_handoff_keys_replaced', h.replaced],
      ['cluster_handoff_keys_skipped', h.skipped],
    );
  }
  const dropped = server.cluster?.gossipDropped?.();
  if (dropped !== undefined) out.push(['cluster_gossip_packets_dropped', Object.entries(dropped).map(([reason, n]) => `${reason}=${n}`).join(',')]);
  const f = server.cluster?.replicationFigures?.();
  if (f !== undefined) {
    out.push(['cluster_replicated_slots', f.replicatedSlots], ['cluster_replica_streams', f.replicas.length], ['cluster_sync_write_timeouts', f.syncTimeouts]);
    f.replicas.forEach((r, i) => {
      out.push([`cluster_replica${i}`, `peer=${r.peer},offset=${r.offset},acked=${r.acked},lag_bytes=${r.lagBytes},lag_ms=${r.lagMs},in_sync=${r.inSync ? 1 : 0},full_syncs=${r.fullSyncs},keys_copied=${r.keysCopied}`]);
    });
    f.sources.forEach((x, i) => out.push([`cluster_source${i}`, `peer=${x.sender},offset=${x.offset},idle_ms=${x.idleMs}`]));
  }
  return out;
}

/**
 * CLUSTER HANDOFF's arguments after the key: each rebuild command as its argument count followed
 * by its arguments (`2 SET k v` would be `3 SET k v`). The one encoding of a handed-off key, used
 * by the sender (routing/handoff.ts) and parsed here.
 */
export function encodeHandoff(key: string, commands: readonly (readonly string[])[]): string[] {
  const out = ['CLUSTER', 'HANDOFF', key];
  for (const c of commands) {
    out.push(String(c.length));
    for (const a of c) out.push(a);
  }
  return out;
}

/** The rebuild commands of a CLUSTER HANDOFF argv; null when the counts do not add up. */
export function decodeHandoff(argv: readonly string[]): string[][] | null {
  const out: string[][] = [];
  let i = 3;
  while (i < argv.length) {
    const s = argv[i] as string;
    if (!/^[1-9]\d{0,8}$/.test(s)) return null;
    const n = Number(s);
    if (i + 1 + n > argv.length) return null;
    out.push(argv.slice(i + 1, i + 1 + n) as string[]);
    i += 1 + n;
  }
  return out.length > 0 ? out : null;
}

/**
 * CLUSTER HANDOFF key argc arg... [argc arg...]: a previous owner hands a key to this node (its new
 * owner). Which copy wins:
 * - key absent here: the handed-off copy is applied;
 * - key here and written since this node started (a live write, or a key received earlier): it
 *   wins and the handed-off copy is skipped. A write that reached this node after the ring change
 *   is newer than the copy in flight;
 * - key here only as loaded from this node's AOF/snapshot at start-up and untouched since
 *   (Entry.fromDisk): the handed-off copy replaces it. Copies live in the cluster were written
 *   while this node was down or after it came back, so they are newer than anything this node
 *   read from its files (a node restarted after kill -9 gets back the interim owner's writes).
 * Every rebuild command must be a write whose keys are all `key` (checked before anything runs).
 * The replaced copy's DEL and the commands run back to back in this handler (nothing else runs in
 * between) and are journaled inside MULTI ... EXEC, so the AOF replays all of them or none; one
 * that fails removes the key again (journaled too) and answers its error, so the sender keeps its
 * copy and retries it later (then applied, the key being absent). Answers 1 (applied or replaced)
 * or 0 (skipped: a live copy exists here).
 */
function handoff(ctx: CommandContext, argv: string[]): Reply {
  if (!ctx.client.peer) throw errors.generic('CLUSTER HANDOFF is only valid on a peer link (CLUSTER PEER)');
  const key = argv[2] as string;
  const commands = decodeHandoff(argv);
  if (commands === null) throw errors.generic('CLUSTER HANDOFF expects <key> followed by <argc> <arg>... for each command');
  const specs: CommandSpec[] = [];
  for (const c of commands) {
    const spec = specForArgv((n) => ctx.server.lookupCommand(n), c);
    if (spec === undefined || spec.handler === undefined || !hasFlag(spec, 'write') || !arityOk(spec.arity, c.length)) {
      throw errors.generic(`CLUSTER HANDOFF cannot run '${c[0] ?? ''}' as a rebuild command`);
    }
    const keys = keyIndexes(spec, c);
    if (keys.length === 0 || keys.some((i) => c[i] !== key)) throw errors.generic('CLUSTER HANDOFF rebuild commands must write only the handed-off key');
    specs.push(spec);
  }
  const cluster = ctx.server.cluster;
  const here = ctx.db.peek(key);
  if (here !== undefined && !here.fromDisk) {
    cluster?.noteHandoff?.('skipped');
    return int(0);
  }
  const replace = here !== undefined;
  const wrap = replace || commands.length > 1;
  if (wrap) ctx.propagate(['MULTI']);
  if (replace) {
    ctx.db.delete(key);
    ctx.propagate(['DEL', key]);
  }
  try {
    for (let i = 0; i < commands.length; i++) {
      const r = (specs[i] as CommandSpec).handler?.(ctx, commands[i] as string[]);
      if (r instanceof Promise) throw errors.generic('CLUSTER HANDOFF rebuild command did not complete synchronously');
      if (r !== undefined && r.t === 'error') throw new CommandError('ERR', `CLUSTER HANDOFF rebuild command failed: ${r.v}`);
    }
  } catch (e) {
    // All or nothing: what ran is removed again, in the same journaled transaction.
    if (ctx.db.delete(key)) ctx.propagate(['DEL', key]);
    if (wrap) ctx.propagate(['EXEC']);
    throw e;
  }
  if (wrap) ctx.propagate(['EXEC']);
  cluster?.noteHandoff?.(replace ? 'replaced' : 'received');
  return int(1);
}

function peerOnly(ctx: CommandContext, what: string): void {
  if (!ctx.client.peer) throw errors.generic(`CLUSTER ${what} is only valid on a peer link (CLUSTER PEER)`);
}

/**
 * CLUSTER REPLFEED sender replid offset FULL|CONT payload: applies a chunk of `sender`'s stream of
 * the slots this node replicates (replication/cluster-apply.ts). Answers the offset held after it,
 * -1 for a stream this node does not know (the owner then sends a full copy), or -TRYAGAIN.
 * With MIGRATE it is a slot migration's stream (the slots move here: replication/cluster-migrate.ts).
 */
function replFeed(ctx: CommandContext, argv: string[]): Reply {
  peerOnly(ctx, 'REPLFEED');
  const offset = Number(argv[4]);
  const kind = (argv[5] as string).toUpperCase();
  const migrate = argv.length === 8 && (argv[7] as string).toUpperCase() === 'MIGRATE';
  if (!Number.isSafeInteger(offset) || offset < 0 || (kind !== 'FULL' && kind !== 'CONT') || (argv.length > 7 && !migrate)) {
    throw errors.generic('CLUSTER REPLFEED expects <sender-id> <replid> <offset> FULL|CONT <payload> [MIGRATE]');
  }
  const feed = api(ctx).replFeed;
  if (feed === undefined) throw errors.generic('This node does not replicate');
  const r = feed(argv[2] as string, argv[3] as string, offset, kind === 'FULL', argv[6] as string, migrate);
  if ('retry' in r) throw new CommandError('TRYAGAIN', r.retry);
  return int(r.offset);
}

/** READONLY / READWRITE: in a cluster, this connection's reads of slots this node replicates are served from its copy (or not). */
function readonlyMode(ctx: CommandContext, on: boolean): Reply {
  ctx.server.cluster?.setReadonly?.(ctx.client, on);
  return OK;
}

const sub = (def: Parameters<typeof command>[0]): CommandSpec => command(def);
const CLUSTER_FLAGS = ['loading', 'stale'] as const;

export const clusterCommands: readonly CommandSpec[] = [
  command({
    name: 'cluster',
    arity: -2,
    group: 'cluster',
    summary: 'A container for cluster commands',
    since: '3.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub({ name: 'cluster|slots', arity: 2, flags: ['stale'], group: 'cluster', tips: ['nondeterministic_output'], summary: 'Get array of Cluster slot to node mappings', since: '3.0.0', complexity: 'O(N) where N is the total number of Cluster nodes', history: [['4.0.0', 'Added node IDs.'], ['7.0.0', 'Added additional networking metadata field.']], docFlags: ['deprecated'], deprecatedSince: '7.0.0', replacedBy: '`CLUSTER SHARDS`', handler: slots }),
      sub({ name: 'cluster|shards', arity: 2, flags: ['stale'], group: 'cluster', tips: ['nondeterministic_output'], summary: 'Get array of cluster slots to node mappings', since: '7.0.0', complexity: 'O(N) where N is the total number of cluster nodes', handler: shards }),
      sub({
        name: 'cluster|nodes',
        arity: 2,
        flags: ['stale'],
        group: 'cluster',
        tips: ['nondeterministic_output'],
        summary: 'Get Cluster config for the node',
        since: '3.0.0',
        complexity: 'O(N) where N is the total number of Cluster nodes',
        handler: (ctx) => verbatim(nodesText(api(ctx), ctx.now)),
      }),
      sub({ name: 'cluster|info', arity: 2, flags: ['stale'], group: 'cluster', tips: ['nondeterministic_output'], summary: 'Provides info about Redis Cluster node state', since: '3.0.0', complexity: 'O(1)', handler: (ctx) => verbatim(info(ctx)) }),
      sub({
        name: 'cluster|keyslot',
        arity: 3,
        flags: ['stale'],
        group: 'cluster',
        summary: 'Returns the hash slot of the specified key',
        since: '3.0.0',
        complexity: 'O(N) where N is the number of bytes in the key',
        handler: (_ctx, argv) => int(keyHashSlot(argv[2] as string)),
      }),
      sub({ name: 'cluster|myid', arity: 2, flags: ['stale'], group: 'cluster', summary: 'Return the node id', since: '3.0.0', complexity: 'O(1)', handler: (ctx) => bulk(clusterNodeId(api(ctx).selfId)) }),
      sub({
        name: 'cluster|countkeysinslot',
        arity: 3,
        flags: ['stale'],
        group: 'cluster',
        summary: 'Return the number of local keys in the specified hash slot',
        notes: 'keeps no per-slot index: O(N) in the number of keys of the selected database.',
        since: '3.0.0',
        complexity: 'O(1)',
        handler: (ctx, argv) => {
          const slot = slotArg(argv[2] as string);
          let n = 0;
          for (const k of ctx.db.keys()) if (keyHashSlot(k) === slot) n++;
          return int(n);
        },
      }),
      sub({
        name: 'cluster|getkeysinslot',
        arity: 4,
        flags: ['stale'],
        group: 'cluster',
        tips: ['nondeterministic_output'],
        summary: 'Return local key names in the specified hash slot',
        notes: 'keeps no per-slot index: O(N) in the number of keys of the selected database.',
        since: '3.0.0',
        complexity: 'O(log(N)) where N is the number of requested keys',
        handler: (ctx, argv) => {
          const s = argv[2] as string;
          const c = argv[3] as string;
          if (!/^-?\d+$/.test(s) || !/^-?\d+$/.test(c) || Number(s) < 0 || Number(s) >= SLOT_COUNT || Number(c) < 0) {
            throw errors.generic('Invalid slot or number of keys');
          }
          const slot = Number(s);
          const max = Number(c);
          const out: string[] = [];
          for (const k of ctx.db.keys()) {
            if (out.length >= max) break;
            if (keyHashSlot(k) === slot) out.push(k);
          }
          return bulks(out);
        },
      }),
      sub({
        name: 'cluster|peer',
        arity: -3,
        flags: ['fast', ...CLUSTER_FLAGS],
        group: 'cluster',
        summary: 'ringcache: marks this connection as a peer node\'s forwarding link (commands on it are never forwarded again).',
        since: '0.1.0',
        complexity: 'O(1)',
        syntax: 'node-id [proof]',
        handler: (ctx, argv) => {
          if (argv.length > 4) throw errors.syntax();
          api(ctx).markPeer(ctx.client, argv[2] as string, argv[3]);
          return OK;
        },
      }),
      sub({
        name: 'cluster|track',
        arity: 2,
        flags: ['fast', ...CLUSTER_FLAGS],
        group: 'cluster',
        summary: "ringcache: remembers the keys the next command on this peer link reads for the peer's tracking clients; their invalidations are pushed on the link.",
        since: '0.1.0',
        complexity: 'O(1)',
        handler: (ctx) => {
          if (!ctx.client.peer) throw errors.generic('CLUSTER TRACK is only valid on a peer forwarding link (CLUSTER PEER)');
          ctx.control.tracking.trackNext(ctx.client);
          return OK;
        },
      }),
      sub({
        name: 'cluster|handoff',
        arity: -5,
        flags: ['write', 'denyoom', 'no_multi'],
        keySpecs: [keyAt(2, ['OW', 'UPDATE'])],
        group: 'cluster',
        summary: 'ringcache: applies a key handed off by its previous owner (sent on peer links only), unless a live copy of the key exists here.',
        since: '0.1.0',
        complexity: 'O(N) where N is the number of elements of the handed-off value',
        syntax: 'key argc arg [arg ...] [argc arg [arg ...] ...]',
        handler: handoff,
      }),
      sub({
        name: 'cluster|replfeed',
        arity: -7,
        flags: ['write', 'no_multi', 'stale', 'loading'],
        group: 'cluster',
        summary: "ringcache: a chunk of a slot owner's replication stream (sent on peer links only); answers the stream offset this node holds after it.",
        since: '0.1.0',
        complexity: 'O(N) where N is the size of the chunk',
        syntax: 'sender-id replid offset FULL|CONT payload [MIGRATE]',
        handler: replFeed,
      }),
      sub({
        name: 'cluster|dropstale',
        arity: -4,
        flags: ['write', 'no_multi', 'stale'],
        group: 'cluster',
        summary: "ringcache: drops this node's keys of the slot ranges that are still as loaded from disk at start-up (a peer that served the slots meanwhile hands its copies over).",
        since: '0.1.0',
        complexity: 'O(N) where N is the number of keys',
        syntax: 'start end [start end ...]',
        handler: (ctx, argv) => {
          peerOnly(ctx, 'DROPSTALE');
          const n = api(ctx).dropStale?.(argv.slice(2));
          if (n === null || n === undefined) throw errors.generic('Invalid slot range');
          return int(n);
        },
      }),
      sub({
        // Known so that scripts get Redis's noscript refusal ("This Redis command is not allowed from script").
        name: 'cluster|reset',
        arity: -2,
        flags: ['admin', 'stale', 'noscript'],
        group: 'cluster',
        summary: 'Reset a Redis Cluster node',
        since: '3.0.0',
        complexity: 'O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.',
        handler: (ctx, argv) => {
          api(ctx);
          const mode = argv[2]?.toLowerCase();
          if (argv.length > 3 || (mode !== undefined && mode !== 'hard' && mode !== 'soft')) throw errors.syntax();
          // Membership is gossip, not a nodes table: a node forgets the cluster by leaving it.
          throw errors.generic('CLUSTER RESET is not supported: membership is gossip; stop the node (SHUTDOWN) to leave the ring, start it without cluster.seeds to run alone');
        },
      }),
      sub({
        name: 'cluster|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'cluster',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () =>
          array([
            'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
            'COUNTKEYSINSLOT <slot>',
            '    Return the number of keys in <slot>.',
            'GETKEYSINSLOT <slot> <count>',
            '    Return key names stored by current node in a slot.',
            'INFO',
            '    Return information about the cluster.',
            'KEYSLOT <key>',
            '    Return the hash slot for <key>.',
            'MYID',
            '    Return the node id.',
            'NODES',
            '    Return cluster configuration seen by node. Output format:',
            '    <id> <ip:port@bus-port[,hostname]> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
            'PEER <node-id> [<proof>]',
            '    ringcache: mark this connection as a peer link (with cluster.secret set, <proof> must prove it).',
            'TRACK',
            "    ringcache: track the keys the next command on this peer link reads (client-side caching across nodes).",
            'HANDOFF <key> <argc> <arg> ... [<argc> <arg> ...]',
            '    ringcache: create <key> from the commands that rebuild it, unless a live copy exists (slot handoff between peers).',
            'REPLFEED <sender-id> <replid> <offset> FULL|CONT <payload> [MIGRATE]',
            "    ringcache: apply a chunk of a slot owner's replication stream (peer links only).",
            'DROPSTALE <start> <end> [<start> <end> ...]',
            '    ringcache: drop keys of the slot ranges still as loaded from disk (peer links only).',
            'SHARDS',
            '    Return information about slot range mappings and the nodes associated with them.',
            'SLOTS',
            '    Return information about slots range mappings. Each range is made of:',
            '    start, end, master and replicas IP addresses, ports and ids',
            'HELP',
            '    Print this help.',
          ].map(simple)),
      }),
    ],
  }),
  command({ name: 'asking', arity: 1, flags: ['fast'], group: 'cluster', acl: ['connection'], summary: 'Sent by cluster clients after an -ASK redirect', since: '3.0.0', complexity: 'O(1)', handler: (ctx) => {
      ctx.client.asking = true;
      return OK;
    },
  }),
  command({ name: 'readonly', arity: 1, flags: ['loading', 'stale', 'fast'], group: 'cluster', acl: ['connection'], summary: 'Enables read queries for a connection to a cluster replica node', since: '3.0.0', complexity: 'O(1)', handler: (ctx) => readonlyMode(ctx, true) }),
  command({ name: 'readwrite', arity: 1, flags: ['loading', 'stale', 'fast'], group: 'cluster', acl: ['connection'], summary: 'Disables read queries for a connection to a cluster replica node', since: '3.0.0', complexity: 'O(1)', handler: (ctx) => readonlyMode(ctx, false) }),
];
