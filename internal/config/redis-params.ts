// The `redis` section of the schema: Redis 7.0 parameters ringcache accepts and validates with Redis's rules; most have no effect here (the few marked `effective` do).
import {
  INT_MAX,
  INT_MIN,
  LLONG_MAX,
  LONG_MAX,
  UINT_MAX,
  ULLONG_MAX,
  parseMemoryOrPercent,
  parseOctalPerm,
  parseOomScoreAdj,
  parseOomScoreAdjValues,
  parsePercentiles,
  parseReplicaOf,
  parseShutdownFlags,
  validateHostname,
  validateProcTitleTemplate,
  type Refusal,
} from './redis-values.js';

/** `repl-diskless-sync` -> `repl_diskless_sync`: the YAML key under `redis:`. */
type Under<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Under<B>}` : S;
type RedisPath<N extends string> = `redis.${Under<N>}`;

interface Opts {
  /** Redis's IMMUTABLE_CONFIG: CONFIG SET answers "can't set immutable config". */
  readonly immutable?: boolean;
  /** Redis's HIDDEN_CONFIG: CONFIG GET lists it only when asked for by its exact name. */
  readonly hidden?: boolean;
  /** Redis's SENSITIVE_CONFIG (never logged). */
  readonly secret?: boolean;
  /** Redis 7.0's other names for it (`slave-*` for `replica-*`). */
  readonly aliases?: readonly string[];
  /** ringcache acts on it (read where it is used): no `effect: 'none'` mark, the YAML key stays under `redis:`. */
  readonly effective?: boolean;
}

function base<const N extends string>(name: N, doc: string, o: Opts) {
  return {
    path: `redis.${name.replace(/-/g, '_')}` as RedisPath<N>,
    // The four *_cpulist parameters keep Redis's underscores, which the path cannot tell apart.
    ...(name.includes('_') ? { name } : {}),
    mutable: o.immutable !== true,
    ...(o.effective === true ? {} : { effect: 'none' as const }),
    ...(o.hidden === true ? { hidden: true } : {}),
    ...(o.secret === true ? { secret: true } : {}),
    ...(o.aliases !== undefined ? { aliases: o.aliases } : {}),
    doc,
  };
}

const bool = <const N extends string>(name: N, def: boolean, doc: string, o: Opts = {}) => ({ ...base(name, doc, o), type: 'bool' as const, default: def });

const int = <const N extends string>(name: N, def: number, min: number | bigint, max: number | bigint, doc: string, o: Opts = {}) => ({
  ...base(name, doc, o),
  type: 'int' as const,
  default: def,
  min,
  max,
});

const mem = <const N extends string>(name: N, def: number, min: number | bigint, max: number | bigint, doc: string, o: Opts = {}) => ({
  ...base(name, doc, o),
  type: 'memory' as const,
  default: def,
  min,
  max,
});

const str = <const N extends string>(name: N, def: string, doc: string, o: Opts & { readonly validate?: (v: string) => string | null; readonly parse?: (raw: string) => string | Refusal } = {}) => ({
  ...base(name, doc, o),
  type: 'string' as const,
  default: def,
  ...(o.validate !== undefined ? { validate: o.validate } : {}),
  ...(o.parse !== undefined ? { parse: o.parse } : {}),
});

const oneOf = <const N extends string, const V extends readonly string[]>(name: N, values: V, def: V[number], doc: string, o: Opts = {}) => ({
  ...base(name, doc, o),
  type: 'enum' as const,
  values,
  default: def,
});

const PROTECTED_ACTION = ['no', 'yes', 'local'] as const;

/**
 * Every parameter `CONFIG GET *` lists on redis-server 7.0 (plus its hidden ones) that ringcache
 * has no counterpart for. Types, defaults and bounds are Redis's (config.c), so CONFIG SET refuses
 * what Redis refuses with the same words; the value is kept and read back, and nothing reads it.
 */
export const REDIS_COMPAT_PARAMS = [
  // General
  bool('daemonize', false, 'Fork into the background; ringcache runs in the foreground (use the process supervisor).', { immutable: true }),
  oneOf('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', 'Supervision protocol (upstart, systemd) to signal readiness to.', { immutable: true }),
  str('pidfile', '', 'File to write the process id to.', { immutable: true }),
  str('logfile', '', "Log file path; ringcache logs to log_dir/<node_id>.log instead.", { immutable: true }),
  bool('syslog-enabled', false, 'Also log to syslog.', { immutable: true }),
  str('syslog-ident', 'redis', 'Syslog identity.', { immutable: true }),
  oneOf('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0', 'Syslog facility.', { immutable: true }),
  bool('always-show-logo', false, 'Print the ASCII logo at start-up.', { immutable: true }),
  bool('set-proc-title', true, 'Rewrite the process title shown by ps.', { immutable: true }),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', 'Process title template ({title}, {listen-addr}, {server-mode}, {port}, {tls-port}, {unixsocket}, {config-file}).', { validate: validateProcTitleTemplate }),
  bool('crash-log-enabled', true, 'Write a crash report (stack trace) to the log on a crash.'),
  bool('crash-memcheck-enabled', true, 'Run a fast memory test after a crash.'),
  bool('use-exit-on-panic', false, 'Exit instead of abort on a panic (tests).', { hidden: true }),
  bool('disable-thp', true, 'Turn off transparent huge pages for the process.', { immutable: true }),
  str('ignore-warnings', '', 'Start-up warnings not to print (ARM64-COW-BUG).'),
  str('server_cpulist', '', 'CPU affinity list of the main thread.', { immutable: true }),
  str('bio_cpulist', '', 'CPU affinity list of the background I/O threads.', { immutable: true }),
  str('aof_rewrite_cpulist', '', 'CPU affinity list of the AOF rewrite child.', { immutable: true }),
  str('bgsave_cpulist', '', 'CPU affinity list of the BGSAVE child.', { immutable: true }),
  str('oom-score-adj', 'no', 'Adjust the Linux OOM killer score of the process and its children (no, yes, relative, absolute).', { parse: parseOomScoreAdj }),
  str('oom-score-adj-values', '0 200 800', 'OOM score adjustments for master, replica and background child.', { parse: parseOomScoreAdjValues }),
  int('watchdog-period', 0, 0, INT_MAX, 'Software watchdog period in milliseconds (0 = off; debugging).', { hidden: true }),
  bool('jemalloc-bg-thread', true, "jemalloc's background purge thread; ringcache runs on V8's allocator."),
  // Network
  bool('protected-mode', true, 'While the default user has no password (requirepass empty, or ACL nopass), clients not connecting from 127.0.0.1 or ::1 get -DENIED and are closed, as Redis 7.0 (cluster members are let in).', { effective: true }),
  int('tcp-backlog', 511, 0, INT_MAX, 'listen() backlog of the RESP port.', { immutable: true }),
  int('tcp-keepalive', 300, 0, INT_MAX, 'TCP keepalive for client connections: seconds idle before the first probe (0 = off); applies to connections accepted after a change.', { effective: true }),
  str('unixsocket', '', 'Unix socket path to listen on as well.', { immutable: true }),
  str('unixsocketperm', '0', 'Permissions of the Unix socket (octal).', { immutable: true, parse: parseOctalPerm }),
  int('socket-mark-id', 0, 0, UINT_MAX, 'SO_MARK (or SO_USER_COOKIE) for outgoing and listening sockets.', { immutable: true }),
  str('bind-source-addr', '', 'Source address of outgoing connections (replication, cluster bus).'),
  int('io-threads', 1, 1, 128, 'I/O threads for socket reads and writes.', { immutable: true }),
  bool('io-threads-do-reads', false, 'Let the I/O threads also read and parse requests.', { immutable: true }),
  // Security
  str('aclfile', '', 'ACL file (`user <name> <rules>` lines) loaded at startup and by ACL LOAD, written by ACL SAVE; relative to dir.', { immutable: true, effective: true }),
  int('acllog-max-len', 128, 0, LONG_MAX, 'Entries kept by ACL LOG.', { effective: true }),
  oneOf('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels', 'Pub/Sub channel permissions of new ACL users.', { effective: true }),
  str('masteruser', '', 'ACL user a replica authenticates to its primary with (AUTH user masterauth).', { secret: true, effective: true }),
  str('masterauth', '', 'Password a replica authenticates to its primary with (docs/replication.md).', { secret: true, effective: true }),
  oneOf('enable-module-command', PROTECTED_ACTION, 'no', 'Allow MODULE (yes, or local for loopback clients).', { immutable: true }),
  oneOf('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', 'Deep-check RESTORE payloads before loading them.'),
  // Snapshotting and AOF
  bool('rdbcompression', true, 'LZF-compress strings in RDB files; ringcache snapshots are its own format.'),
  bool('rdbchecksum', true, 'CRC64 trailer on RDB files; ringcache snapshots are always checksummed.', { immutable: true }),
  bool('rdb-del-sync-files', false, 'Delete the RDB used for replication when persistence is off.'),
  bool('rdb-save-incremental-fsync', true, 'fsync every 4 MB while writing an RDB.'),
  int('rdb-key-save-delay', 0, INT_MIN, INT_MAX, 'Sleep per key while saving (microseconds; tests).', { hidden: true }),
  int('key-load-delay', 0, INT_MIN, INT_MAX, 'Sleep per key while loading (microseconds; tests).', { hidden: true }),
  int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024, INT_MAX, 'Serve events every this many bytes while loading.', { hidden: true }),
  bool('aof-use-rdb-preamble', true, 'Start rewritten AOFs with an RDB image; ringcache rewrites to its snapshot plus a tail anyway.'),
  bool('aof-rewrite-incremental-fsync', true, 'fsync every 4 MB while rewriting the AOF.'),
  bool('aof-timestamp-enabled', false, 'Write timestamp annotations into the AOF.'),
  bool('aof-disable-auto-gc', false, 'Keep AOF history files after a rewrite (debugging).'),
  bool('no-appendfsync-on-rewrite', false, 'Skip fsync while a rewrite or save child runs.'),
  // Replication (ringcache replicates to ring successors by itself: docs/cluster.md)
  str('replicaof', '', 'Primary to replicate from at startup (`host port`, or "no one"; flag --redis-replicaof); REPLICAOF changes it at run time (docs/replication.md).', { immutable: true, aliases: ['slaveof'], parse: parseReplicaOf, effective: true }),
  bool('replica-serve-stale-data', true, 'Answer clients while the link to the master is down.', { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', true, 'A replica refuses writes from its clients with -READONLY.', { aliases: ['slave-read-only'], effective: true }),
  bool('replica-lazy-flush', false, 'Flush the dataset in the background on a full resync.', { aliases: ['slave-lazy-flush'] }),
  bool('replica-ignore-maxmemory', true, 'Replicas do not evict on their own.', { aliases: ['slave-ignore-maxmemory'] }),
  bool('replica-announced', true, 'List this replica in Sentinel INFO.'),
  bool('replica-ignore-disk-write-errors', false, 'Keep replicating after a failed disk write.'),
  str('replica-announce-ip', '', 'Address a replica announces to its primary (REPLCONF ip-address).', { aliases: ['slave-announce-ip'], effective: true }),
  int('replica-announce-port', 0, 0, 65535, 'Port a replica announces to its primary (REPLCONF listening-port; 0 = its RESP port).', { aliases: ['slave-announce-port'], effective: true }),
  int('replica-priority', 100, 0, INT_MAX, 'Sentinel promotion priority (0 = never).', { aliases: ['slave-priority'] }),
  int('repl-ping-replica-period', 10, 1, INT_MAX, 'Seconds between PINGs a primary puts into its replication stream.', { aliases: ['repl-ping-slave-period'], effective: true }),
  int('repl-timeout', 60, 1, INT_MAX, 'Seconds of silence after which a primary drops a replica, or a replica its primary link (it reconnects).', { effective: true }),
  bool('repl-disable-tcp-nodelay', false, 'Disable TCP_NODELAY on the replication socket.'),
  mem('repl-backlog-size', 1024 * 1024, 1, LLONG_MAX, 'Replication backlog: the last bytes of the stream kept for partial resyncs (PSYNC +CONTINUE).', { effective: true }),
  int('repl-backlog-ttl', 3600, 0, LONG_MAX, 'Seconds before a master without replicas frees its backlog.'),
  bool('repl-diskless-sync', true, 'Stream the RDB to replicas without touching disk.'),
  int('repl-diskless-sync-delay', 5, 0, INT_MAX, 'Seconds to wait for more replicas before a diskless transfer.'),
  int('repl-diskless-sync-max-replicas', 0, 0, INT_MAX, 'Start a diskless transfer early once this many replicas wait.'),
  oneOf('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled', 'Load the RDB from the socket on a replica.'),
  int('min-replicas-to-write', 0, 0, INT_MAX, 'A primary refuses writes (-NOREPLICAS) with fewer good replicas than this (0 = off).', { aliases: ['min-slaves-to-write'], effective: true }),
  int('min-replicas-max-lag', 10, 0, INT_MAX, 'A replica whose last ACK is at most this many seconds old counts as good.', { aliases: ['min-slaves-max-lag'], effective: true }),
  oneOf('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore', 'What a replica does when a replicated command fails.'),
  // Cluster (ringcache's own cluster settings live in the cluster section)
  bool('cluster-enabled', true, 'Always yes: every ringcache node serves the slot ring (INFO cluster_enabled:1).', { immutable: true }),
  str('cluster-config-file', 'nodes.conf', "Redis Cluster's state file; ringcache keeps no such file.", { immutable: true }),
  int('cluster-port', 0, 0, 65535, 'Cluster bus port; ringcache gossips on cluster.gossip_port (RESP port + 10000 by default).', { immutable: true }),
  int('cluster-node-timeout', 15000, 0, LLONG_MAX, 'Milliseconds before a node is considered failing; ringcache uses cluster.profile.'),
  int('cluster-replica-validity-factor', 10, 0, INT_MAX, 'Replica data age factor for failover.', { aliases: ['cluster-slave-validity-factor'] }),
  int('cluster-migration-barrier', 1, 0, INT_MAX, 'Replicas a master keeps before one migrates to an orphaned master.'),
  bool('cluster-allow-replica-migration', true, 'Let replicas migrate to orphaned masters.'),
  bool('cluster-require-full-coverage', true, 'Stop serving when a slot is uncovered.'),
  bool('cluster-replica-no-failover', false, 'Never fail over this replica automatically.', { aliases: ['cluster-slave-no-failover'] }),
  bool('cluster-allow-reads-when-down', false, 'Serve reads while the cluster is down.'),
  bool('cluster-allow-pubsubshard-when-down', true, 'Serve sharded Pub/Sub while the cluster is down.'),
  mem('cluster-link-sendbuf-limit', 0, 0, ULLONG_MAX, 'Send buffer limit of a cluster bus link (0 = none).'),
  str('cluster-announce-ip', '', 'IP announced to the cluster bus; ringcache uses cluster.announce_host.'),
  str('cluster-announce-hostname', '', 'Hostname announced to the cluster bus.', { validate: validateHostname }),
  int('cluster-announce-port', 0, 0, 65535, 'Client port announced to the cluster bus.'),
  int('cluster-announce-bus-port', 0, 0, 65535, 'Bus port announced to the cluster bus.'),
  int('cluster-announce-tls-port', 0, 0, 65535, 'TLS port announced to the cluster bus.'),
  oneOf('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip', 'Endpoint type in MOVED and CLUSTER SLOTS replies.'),
  // Memory, lazy freeing, defragmentation
  str('maxmemory-clients', '0', 'Memory limit (or percentage of maxmemory) for all clients together before eviction of clients.', { parse: parseMemoryOrPercent }),
  int('maxmemory-eviction-tenacity', 10, 0, 100, 'How long one eviction cycle may run (latency vs. memory).'),
  bool('lazyfree-lazy-eviction', false, 'Free evicted values in a background thread.'),
  bool('lazyfree-lazy-expire', false, 'Free expired values in a background thread.'),
  bool('lazyfree-lazy-server-del', false, 'Free values overwritten or deleted by the server in a background thread.'),
  bool('lazyfree-lazy-user-del', false, 'Make DEL behave like UNLINK.'),
  bool('lazyfree-lazy-user-flush', false, 'Make FLUSHALL and FLUSHDB default to ASYNC.'),
  bool('activedefrag', false, 'Active defragmentation of jemalloc memory.'),
  mem('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1, LLONG_MAX, 'Fragmentation waste below which no defragmentation starts.'),
  int('active-defrag-threshold-lower', 10, 0, 1000, 'Fragmentation percentage at which defragmentation starts.'),
  int('active-defrag-threshold-upper', 100, 0, 1000, 'Fragmentation percentage at which defragmentation works hardest.'),
  int('active-defrag-cycle-min', 1, 1, 99, 'Minimum CPU percentage spent defragmenting.'),
  int('active-defrag-cycle-max', 25, 1, 99, 'Maximum CPU percentage spent defragmenting.'),
  int('active-defrag-max-scan-fields', 1000, 1, LONG_MAX, 'Collections with more fields are defragmented in a separate step.'),
  bool('activerehashing', true, 'Spend CPU time rehashing the main dictionaries.'),
  int('active-expire-effort', 1, 1, 10, 'Effort of the active expiry cycle (1-10); ringcache uses hz.'),
  bool('dynamic-hz', true, 'Raise hz with the number of clients.'),
  // Data structures without a ringcache threshold
  int('list-compress-depth', 0, 0, INT_MAX, 'List nodes at each end kept uncompressed (0 = no compression).'),
  // HyperLogLog (commands/hyperloglog.ts)
  mem('hll-sparse-max-bytes', 3000, 0, LONG_MAX, 'Largest sparse HyperLogLog value in bytes (header included); a PFADD or PFMERGE that would grow one past it converts it to the dense 12 KB form.', { effective: true }),
  // Scripting, tracking, latency, shutdown
  int('busy-reply-threshold', 5000, 0, LONG_MAX, 'Milliseconds a script or function runs before other clients get BUSY.', { aliases: ['lua-time-limit'] }),
  int('tracking-table-max-keys', 1000000, 0, LONG_MAX, 'Client-side caching: keys the tracking table remembers (0 = no limit); over it, the oldest are forgotten and their readers told as if they changed.', { effective: true }),
  int('latency-monitor-threshold', 0, 0, LLONG_MAX, 'LATENCY monitor: a command, expiry cycle or eviction cycle that takes at least this many milliseconds is recorded as a latency event (0 = off).', { effective: true }),
  bool('latency-tracking', true, 'Per-command latency histograms (INFO latencystats).'),
  str('latency-tracking-info-percentiles', '50 99 99.9', 'Percentiles INFO latencystats reports.', { parse: parsePercentiles }),
  int('shutdown-timeout', 10, 0, INT_MAX, 'Seconds each part of a stop (SIGTERM, SHUTDOWN) may take before the node goes on without it (leaving the cluster gets cluster.handoff_timeout_ms more); 0 = no bound.', { effective: true }),
  str('shutdown-on-sigint', 'default', 'SHUTDOWN flags applied on SIGINT (default, save, nosave, now, force).', { parse: parseShutdownFlags }),
  str('shutdown-on-sigterm', 'default', 'SHUTDOWN flags applied on SIGTERM; ringcache always stops gracefully (final save as configured).', { parse: parseShutdownFlags }),
  // TLS (server/tls.ts): the RESP TLS port, HTTPS (http.tls) and peer links (tls-cluster); a change reloads the certificates.
  { ...int('tls-port', 0, 0, 65535, 'RESP over TLS on this port (0 = off), beside port, or alone with port 0 (as Redis).', { effective: true }), mutable: 'startup' as const },
  str('tls-cert-file', '', 'Server certificate (PEM) of the TLS port and HTTPS; CONFIG SET reloads it for new connections.', { effective: true }),
  str('tls-key-file', '', 'Private key (PEM) of tls-cert-file.', { effective: true }),
  str('tls-key-file-pass', '', 'Passphrase of tls-key-file.', { effective: true, secret: true }),
  str('tls-client-cert-file', '', 'Certificate peer links present (tls-cluster); empty: tls-cert-file.', { effective: true }),
  str('tls-client-key-file', '', 'Private key of tls-client-cert-file.', { effective: true }),
  str('tls-client-key-file-pass', '', 'Passphrase of tls-client-key-file.', { effective: true, secret: true }),
  str('tls-dh-params-file', '', 'DH parameters file (PEM) for DHE ciphers.', { effective: true }),
  str('tls-ca-cert-file', '', 'CA bundle that verifies client certificates and peers; required when tls-auth-clients is not no or tls-cluster is on.', { effective: true }),
  str('tls-ca-cert-dir', '', 'Directory of CA certificates (every PEM file in it is read).', { effective: true }),
  oneOf('tls-auth-clients', ['no', 'yes', 'optional'], 'yes', 'Client certificates on the TLS port: yes (required, verified against the CA), optional (verified when given) or no.', { effective: true }),
  bool('tls-replication', false, "A replica (REPLICAOF) connects to its primary over TLS: give REPLICAOF the primary's TLS port.", { effective: true }),
  { ...bool('tls-cluster', false, 'Peer links (forwarding, key handoff) use TLS to the TLS port, which is the port the node announces (CLUSTER SLOTS, NODES, MOVED).', { effective: true }), mutable: 'startup' as const },
  str('tls-protocols', '', 'TLS versions allowed, e.g. "TLSv1.2 TLSv1.3" (empty: those two); the lowest to the highest named are allowed.', { effective: true }),
  str('tls-ciphers', '', 'TLSv1.2 (and lower) cipher list, OpenSSL syntax (empty: OpenSSL defaults).', { effective: true }),
  str('tls-ciphersuites', '', 'TLSv1.3 cipher suites, OpenSSL syntax (empty: OpenSSL defaults).', { effective: true }),
  bool('tls-prefer-server-ciphers', false, "Prefer the server's cipher order.", { effective: true }),
  bool('tls-session-caching', true, 'Allow TLS session resumption (session tickets; no turns it off).', { effective: true }),
  int('tls-session-cache-size', 20 * 1024, 0, INT_MAX, 'TLS session cache entries; Node resumes sessions by tickets and keeps no server cache, so no effect.'),
  int('tls-session-cache-timeout', 300, 0, INT_MAX, 'Lifetime of a resumable TLS session, in seconds.', { effective: true }),
] as const;

