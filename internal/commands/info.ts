// INFO: formats the node's NodeFigures snapshot as Redis's INFO sections (pure; the figures are read once per call).
import os from 'node:os';
import type { CommandContext } from '../contracts/command.js';
import type { InfoFields, NodeFigures } from '../contracts/figures.js';
import { verbatim, type Reply } from '../resp/reply.js';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 7), 'commandstats', ...DEFAULT_SECTIONS.slice(7)];
const TITLES: Readonly<Record<string, string>> = { cpu: 'CPU', errorstats: 'Errorstats', commandstats: 'Commandstats' };

/** Redis's used_memory_human style: 1.50K, 2.00M; bytes below 1 KiB as `123B`. */
export function humanBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
}

function serverSection(f: NodeFigures): InfoFields {
  return [
    ['redis_version', f.redisVersion],
    ['ringcache_version', f.version],
    ['redis_mode', f.mode],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['multiplexing_api', 'libuv'],
    ['node_version', process.version.slice(1)],
    ['process_id', process.pid],
    ['run_id', f.nodeId],
    ['tcp_port', f.tcpPort],
    ['server_time_usec', f.now * 1000],
    ['uptime_in_seconds', f.uptimeSeconds],
    ['uptime_in_days', Math.floor(f.uptimeSeconds / 86400)],
    ['hz', f.hz],
    ['configured_hz', f.hz],
    ['executable', process.argv[1] ?? ''],
    ['config_file', f.configFile],
  ];
}

function clientsSection(f: NodeFigures): InfoFields {
  const c = f.clients;
  return [
    ['connected_clients', c.connected],
    ['maxclients', c.maxclients],
    ['client_recent_max_input_buffer', c.maxInputBuffer],
    ['client_recent_max_output_buffer', c.maxOutputBuffer],
    ['blocked_clients', c.blocked],
    ['tracking_clients', c.tracking],
  ];
}

function memorySection(f: NodeFigures): InfoFields {
  const m = f.memory;
  return [
    ['used_memory', m.used],
    ['used_memory_human', humanBytes(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', humanBytes(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', humanBytes(m.peak)],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', m.dataset],
    ['used_memory_dataset_human', humanBytes(m.dataset)],
    ['total_system_memory', m.totalSystem],
    ['total_system_memory_human', humanBytes(m.totalSystem)],
    ['maxmemory', m.maxmemory],
    ['maxmemory_human', humanBytes(m.maxmemory)],
    ['maxmemory_policy', m.policy],
    ['mem_fragmentation_ratio', m.used > 0 ? (m.rss / m.used).toFixed(2) : '0'],
    ['mem_allocator', 'v8'],
    // ringcache's own: the V8 heap (garbage included) and the price of a dataset byte (docs/security.md "Memory limits").
    ['used_memory_vm_heap', m.vmHeap],
    ['used_memory_vm_heap_human', humanBytes(m.vmHeap)],
    ['mem_overhead_factor', m.overheadFactor.toFixed(2)],
    // used_memory leaves nothing out of eviction's count (Redis subtracts AOF and replica buffers here).
    ['mem_not_counted_for_evict', 0],
    // UNLINK and FLUSHALL ASYNC free at once (no lazyfree thread), so nothing is ever pending.
    ['lazyfree_pending_objects', 0],
    ['used_memory_lua', m.lua],
    ['used_memory_vm_eval', m.lua],
    ['used_memory_lua_human', humanBytes(m.lua)],
    ['used_memory_scripts_eval', m.scriptsEval],
    ['number_of_cached_scripts', m.cachedScripts],
  ];
}

function statsSection(f: NodeFigures): InfoFields {
  const s = f.stats;
  return [
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.commandsProcessed],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['rejected_connections', s.rejectedConnections],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', (s.expiredStaleRatio * 100).toFixed(2)],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', Math.round(s.expireCycleMs)],
    ['evicted_keys', s.evictedKeys],
    ['keyspace_hits', s.hits],
    ['keyspace_misses', s.misses],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    // MIGRATE opens a connection per call and closes it when done: none is ever cached.
    ['migrate_cached_sockets', 0],
    ['tracking_total_keys', s.trackingKeys],
    ['tracking_total_items', s.trackingItems],
    ['tracking_total_prefixes', s.trackingPrefixes],
    ['total_error_replies', s.errorReplies],
  ];
}

function keyspaceSection(f: NodeFigures): InfoFields {
  return f.keyspace.filter((d) => d.keys > 0).map((d) => [`db${d.db}`, `keys=${d.keys},expires=${d.expires},avg_ttl=0`] as const);
}

function commandstatsSection(f: NodeFigures): InfoFields {
  const out: [string, string][] = [];
  for (const [cmd, st] of f.commandStats) {
    const perCall = st.calls > 0 ? (st.usec / st.calls).toFixed(2) : '0.00';
    out.push([`cmdstat_${cmd}`, `calls=${st.calls},usec=${Math.round(st.usec)},usec_per_call=${perCall},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`]);
  }
  return out;
}

// A Map, not an object: `INFO constructor` must find no section, not Object.prototype's.
const SECTIONS: ReadonlyMap<string, (f: NodeFigures) => InfoFields> = new Map(Object.entries({
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: (f) => f.persistenceInfo,
  stats: statsSection,
  replication: (f) => f.replicationInfo,
  cpu: (f) => [
    ['used_cpu_sys', f.cpu.system.toFixed(6)],
    ['used_cpu_user', f.cpu.user.toFixed(6)],
  ],
  modules: () => [],
  errorstats: (f) => [...f.errorStats].map(([code, n]) => [`errorstat_${code}`, `count=${n}`] as const),
  cluster: (f) => f.clusterInfo,
  keyspace: keyspaceSection,
  commandstats: commandstatsSection,
}));

/** The INFO text for the requested section names (Redis's `default`, `all`, `everything` included). */
export function infoText(f: NodeFigures, requested: readonly string[]): string {
  let wanted = requested.map((a) => a.toLowerCase());
  if (wanted.length === 0 || wanted.includes('default')) wanted = [...DEFAULT_SECTIONS, ...wanted.filter((w) => w !== 'default')];
  if (wanted.includes('all') || wanted.includes('everything')) wanted = ALL_SECTIONS;
  const parts: string[] = [];
  for (const name of new Set(wanted)) {
    const section = SECTIONS.get(name);
    if (section === undefined) continue;
    const title = (Object.hasOwn(TITLES, name) ? TITLES[name] : undefined) ?? name[0]?.toUpperCase() + name.slice(1);
    parts.push(`# ${title}\r\n` + section(f).map(([k, v]) => `${k}:${v}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

export function info(ctx: CommandContext, argv: string[]): Reply {
  return verbatim(infoText(ctx.server.figures(), argv.slice(1)));
}
