// The configuration schema: every key, its type, default, bounds and doc; the one place they live.
import path from 'node:path';
import { REDIS_COMPAT_PARAMS } from './redis-params.js';
import {
  DEFAULT_OUTPUT_BUFFER_LIMIT,
  INT_MAX,
  INT_MIN,
  LLONG_MAX,
  LONG_MAX,
  UINT_MAX,
  ULLONG_MAX,
  parseNotifyKeyspaceEvents,
  parseOutputBufferClass,
  parseOutputBufferLimit,
  parseSave,
  validateAofDirname,
  validateAofFilename,
  validateDbFilename,
  type Refusal,
} from './redis-values.js';

/**
 * `list` values are comma-separated strings once loaded (`a:1,b:2`): a YAML sequence, or a
 * comma-separated string in YAML, env and flags, normalized (trimmed, empty items dropped).
 */
export type ParamType = 'int' | 'memory' | 'string' | 'bool' | 'enum' | 'list';

export interface Param {
  /** Dotted path in the YAML file (`http.port`). Flags are `--http-port`, env `RINGCACHE_HTTP_PORT`. */
  readonly path: string;
  readonly type: ParamType;
  readonly default: number | string | boolean;
  /** Bounds of int and memory values, inclusive; bigints where Redis's C limits exceed 2^53. */
  readonly min?: number | bigint;
  readonly max?: number | bigint;
  /** A value within [min, max] is then clamped into this range (Redis's hz: 0..INT_MAX accepted, 1..500 used). */
  readonly clamp?: readonly [number, number];
  readonly values?: readonly string[];
  /**
   * CONFIG SET may change it (true); never (false: Redis's IMMUTABLE_CONFIG, "can't set immutable
   * config"); or 'startup': fixed while the node runs, but CONFIG SET to the current value is a
   * no-op, as Redis answers for a setting it can change (`port`, `bind`, ringcache's own fixed ones),
   * so tools that write back what CONFIG GET returned keep working.
   */
  readonly mutable: boolean | 'startup';
  /** Extra check for string values (and for each item of a list);  returns the reason a value is refused, or null. */
  readonly validate?: (v: string) => string | null;
  /**
   * String values with a syntax of their own (Redis's multi-word ones: `save`, `client-output-buffer-limit`):
   * the stored, canonical form CONFIG GET shows, or Redis's reason for refusing it. `current` is the
   * value it replaces (some merge into it).
   */
  readonly parse?: (raw: string, current: string) => string | Refusal;
  /** How CONFIG GET shows the value, when not as stored (`dir` as an absolute path, like Redis). */
  readonly show?: (v: string) => string;
  /** Never logged (CONFIG GET shows it, as Redis does, to authenticated clients). */
  readonly secret?: boolean;
  /** The Redis name when the path cannot spell it (`server_cpulist`); else derived by redisName(). */
  readonly name?: string;
  /** Other names CONFIG GET/SET know it by (Redis 7.0's `hash-max-ziplist-entries`, `slave-read-only`). */
  readonly aliases?: readonly string[];
  /** Redis's PROTECTED_CONFIG: CONFIG SET is refused unless enable-protected-configs allows the client. */
  readonly protectedConfig?: boolean;
  /** Redis's HIDDEN_CONFIG: CONFIG GET shows it only when asked for by its exact name. */
  readonly hidden?: boolean;
  /** 'none': accepted and validated for compatibility, but nothing in ringcache reads it (docs/configuration.md). */
  readonly effect?: 'none';
  readonly doc: string;
}

const PROTECTED_ACTION = ['no', 'yes', 'local'] as const;

/**
 * `as const satisfies`: every entry is checked against Param, and its path, type and enum values
 * stay literal types, so types.ts derives the path union, value types and Config's shape from here.
 */
const SCHEMA = [
  { path: 'node_id', type: 'string', default: '', mutable: 'startup', doc: 'Stable node name; empty derives one from host and port.' },
  { path: 'bind', type: 'string', default: '127.0.0.1', mutable: true, doc: 'Address the RESP listener binds; CONFIG SET moves the listener (clients already connected stay).' },
  { path: 'port', type: 'int', default: 8080, min: 0, max: 65535, mutable: true, doc: 'RESP port (0 picks a free one at start); http.port and cluster.gossip_port derive from it unless set (at start only). CONFIG SET moves the listener and re-announces it to the cluster.' },
  { path: 'dir', type: 'string', default: './data', mutable: 'startup', protectedConfig: true, show: (v) => path.resolve(v), doc: 'Data directory (persistence files); CONFIG GET shows it absolute, as Redis does.' },
  { path: 'databases', type: 'int', default: 16, min: 1, max: 1024, mutable: false, doc: 'Number of logical databases (SELECT 0..n-1); at most 1024 (Redis allows more).' },
  { path: 'requirepass', type: 'string', default: '', mutable: true, secret: true, doc: 'Password for AUTH; empty disables auth.' },
  { path: 'loglevel', type: 'enum', default: 'info', values: ['debug', 'verbose', 'notice', 'warning', 'trace', 'info', 'warn', 'error', 'fatal'], mutable: true, doc: 'Log level: Redis names (debug, verbose, notice, warning) or pino names (trace, debug, info, warn, error, fatal).' },
  { path: 'log_dir', type: 'string', default: './logs', mutable: 'startup', doc: 'Directory for logs/<node-id>.log; empty logs to stdout only.' },
  { path: 'maxclients', type: 'int', default: 10000, min: 1, max: UINT_MAX, mutable: true, doc: 'Connections beyond this are refused with an error.' },
  { path: 'timeout', type: 'int', default: 0, min: 0, max: INT_MAX, mutable: true, doc: 'Close idle clients after this many seconds (0 = never).' },
  { path: 'hz', type: 'int', default: 10, min: 0, max: INT_MAX, clamp: [1, 500], mutable: true, doc: 'Background task frequency (active expiry cycles per second); as in Redis, values outside 1..500 are clamped into it.' },
  { path: 'maxmemory', type: 'memory', default: 0, min: 0, max: ULLONG_MAX, mutable: true, doc: 'Limit on used_memory (1 MiB + dataset estimate x measured overhead factor, docs/security.md "Memory limits"); 0 = unlimited.' },
  { path: 'maxmemory_policy', type: 'enum', default: 'noeviction', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], mutable: true, doc: 'What to evict at maxmemory.' },
  { path: 'maxmemory_samples', type: 'int', default: 5, min: 1, max: INT_MAX, mutable: true, doc: 'Keys sampled per eviction.' },
  { path: 'lfu_log_factor', type: 'int', default: 10, min: 0, max: INT_MAX, mutable: true, doc: 'LFU counter logarithm factor.' },
  { path: 'lfu_decay_time', type: 'int', default: 1, min: 0, max: INT_MAX, mutable: true, doc: 'LFU counter decay period in minutes.' },
  { path: 'slowlog_log_slower_than', type: 'int', default: 10000, min: -1, max: LLONG_MAX, mutable: true, doc: 'Microseconds; commands slower are logged (-1 disables, 0 logs all).' },
  { path: 'slowlog_max_len', type: 'int', default: 128, min: 0, max: LONG_MAX, mutable: true, doc: 'Slow log entries kept.' },
  { path: 'proto_max_bulk_len', type: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: LONG_MAX, mutable: true, doc: 'Largest bulk string in a request (V8 caps strings just below 512 MB).' },
  { path: 'client_query_buffer_limit', type: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: LONG_MAX, mutable: true, doc: 'Unparsed bytes per client before it is closed.' },
  { path: 'notify_keyspace_events', type: 'string', default: '', mutable: true, parse: parseNotifyKeyspaceEvents, doc: "Keyspace notification classes (Redis syntax, e.g. KEA; CONFIG GET shows Redis's canonical form, AKE); empty disables them." },
  { path: 'client_output_buffer_limit', type: 'string', default: DEFAULT_OUTPUT_BUFFER_LIMIT, mutable: true, parse: parseOutputBufferLimit, doc: 'Output buffer limits per client class, Redis syntax: <class> <hard> <soft> <soft-seconds> ... for normal, replica (slave) and pubsub. The pubsub class closes slow subscribers and monitors, the normal class a client whose unsent replies pass it (Redis\'s default: no limit); replica is accepted and kept, with no effect yet.' },
  { path: 'client_output_buffer_limit_pubsub', type: 'string', default: '33554432 8388608 60', mutable: true, hidden: true, parse: parseOutputBufferClass, doc: "The pubsub class of client_output_buffer_limit alone (<hard> <soft> <soft-seconds>), kept for existing config files; the two always agree." },
  { path: 'appendonly', type: 'bool', default: false, mutable: true, doc: 'Journal every write to the append-only file (AOF); turning it on at run time starts with a rewrite.' },
  { path: 'appendfsync', type: 'enum', default: 'everysec', values: ['everysec', 'always', 'no'], mutable: true, doc: 'AOF fsync policy: always (group commit, replies after fsync), everysec, or no (left to the OS).' },
  { path: 'appendfilename', type: 'string', default: 'appendonly.aof', mutable: false, validate: validateAofFilename, doc: 'Base name of the AOF files and manifest inside appenddirname.' },
  { path: 'appenddirname', type: 'string', default: 'appendonlydir', mutable: false, validate: validateAofDirname, doc: 'Directory (inside dir) holding the AOF manifest, base and incremental files.' },
  { path: 'auto_aof_rewrite_percentage', type: 'int', default: 100, min: 0, max: INT_MAX, mutable: true, doc: 'Rewrite the AOF when it grew by this percentage over its size after the last rewrite (0 disables).' },
  { path: 'auto_aof_rewrite_min_size', type: 'memory', default: 64 * 1024 * 1024, min: 0, max: LLONG_MAX, mutable: true, doc: 'Smallest AOF size at which automatic rewrites start.' },
  { path: 'aof_load_truncated', type: 'bool', default: true, mutable: true, doc: 'At start, cut a truncated last AOF record (logged with its offset) instead of refusing to start.' },
  { path: 'save', type: 'string', default: '3600 1 300 100 60 10000', mutable: true, parse: parseSave, doc: 'Snapshot schedule: pairs of <seconds> <changes> (Redis syntax); empty disables scheduled and shutdown snapshots.' },
  { path: 'dbfilename', type: 'string', default: 'dump.rcs', mutable: true, protectedConfig: true, validate: validateDbFilename, doc: 'Snapshot file name inside dir (a protected config: CONFIG SET needs enable_protected_configs).' },
  { path: 'stop_writes_on_bgsave_error', type: 'bool', default: true, mutable: true, doc: 'Refuse writes with MISCONF while the last background snapshot failed and save points are set.' },
  { path: 'enable_debug_command', type: 'enum', default: 'no', values: PROTECTED_ACTION, mutable: false, doc: 'Allow DEBUG: no (the default, as Redis 7), yes, or local (loopback clients only).' },
  { path: 'enable_protected_configs', type: 'enum', default: 'no', values: PROTECTED_ACTION, mutable: false, doc: 'Allow CONFIG SET of protected configs (dir, dbfilename): no, yes, or local (loopback clients only).' },
  { path: 'list_max_listpack_size', type: 'int', default: -2, min: INT_MIN, max: INT_MAX, mutable: true, aliases: ['list-max-ziplist-size'], doc: 'Size of a list kept in its compact representation: -1..-5 for 4, 8, 16, 32, 64 KB, or a positive entry count (at most 8 KB).' },
  { path: 'hash_max_listpack_entries', type: 'int', default: 512, min: 0, max: LONG_MAX, mutable: true, aliases: ['hash-max-ziplist-entries'], doc: 'A hash with more fields is a hashtable (OBJECT ENCODING), else a listpack.' },
  { path: 'hash_max_listpack_value', type: 'memory', default: 64, min: 0, max: LONG_MAX, mutable: true, aliases: ['hash-max-ziplist-value'], doc: 'A hash with a longer field or value is a hashtable.' },
  { path: 'zset_max_listpack_entries', type: 'int', default: 128, min: 0, max: LONG_MAX, mutable: true, aliases: ['zset-max-ziplist-entries'], doc: 'A sorted set with more members is a skiplist, else a listpack.' },
  { path: 'zset_max_listpack_value', type: 'memory', default: 64, min: 0, max: LONG_MAX, mutable: true, aliases: ['zset-max-ziplist-value'], doc: 'A sorted set with a longer member is a skiplist.' },
  { path: 'set_max_intset_entries', type: 'int', default: 512, min: 0, max: LONG_MAX, mutable: true, doc: 'A set of integers only, with at most this many members, is an intset; else a hashtable.' },
  { path: 'stream_node_max_bytes', type: 'memory', default: 4096, min: 0, max: LONG_MAX, mutable: true, doc: 'Largest stream node (radix tree leaf) before a new one starts (0 = no limit).' },
  { path: 'stream_node_max_entries', type: 'int', default: 100, min: 0, max: LLONG_MAX, mutable: true, doc: 'Most entries in a stream node before a new one starts (0 = no limit).' },
  { path: 'http.port', type: 'int', default: 9080, min: 0, max: 65535, mutable: 'startup', doc: 'HTTP API port; unset, the RESP port + 1000 (0 with port 0: a free one).' },
  { path: 'http.bind', type: 'string', default: '127.0.0.1', mutable: 'startup', doc: 'Address the HTTP API binds.' },
  { path: 'http.enabled', type: 'bool', default: true, mutable: 'startup', doc: 'Serve the HTTP API.' },
  { path: 'http.auth_token', type: 'string', default: '', mutable: true, secret: true, validate: (v) => (/^[\x21-\x7e]*$/.test(v) ? null : 'must be printable ASCII without spaces'), doc: 'Bearer token the HTTP API requires (Authorization: Bearer <token>) on every route but /health, /ready and /docs; empty disables it.' },
  { path: 'http.body_limit', type: 'memory', default: 1024 * 1024, min: 1024, max: 512 * 1024 * 1024, mutable: 'startup', doc: 'Largest HTTP request body; bigger ones are refused with 413.' },
  { path: 'http.request_timeout_ms', type: 'int', default: 30_000, min: 0, max: 3_600_000, mutable: 'startup', doc: 'Time allowed to receive a whole HTTP request (0 = no limit).' },
  { path: 'http.headers_timeout_ms', type: 'int', default: 10_000, min: 1, max: 3_600_000, mutable: 'startup', doc: 'Time allowed to receive the HTTP request headers; at most http.request_timeout_ms.' },
  { path: 'http.rate_limit', type: 'int', default: 0, min: 0, max: 1_000_000, mutable: 'startup', doc: 'HTTP requests per second per client IP; over it answers 429 (0 = off; /health and /ready are never limited).' },
  { path: 'cluster.gossip_port', type: 'int', default: 18080, min: 0, max: 65535, mutable: 'startup', doc: "Gossip (SWIM) port, UDP and TCP, on the RESP bind address; unset, the RESP port + 10000 (Redis's cluster-bus convention; 0 with port 0: a free one)." },
  { path: 'cluster.seeds', type: 'list', default: '', mutable: 'startup', validate: validateHostPort, doc: 'Gossip addresses (host:port) of members to join through; a YAML list or comma-separated. None: a cluster of one until someone joins it.' },
  { path: 'cluster.name', type: 'string', default: 'ringcache', mutable: 'startup', validate: (v) => (/^[\x21-\x7e]{1,64}$/.test(v) ? null : 'must be 1-64 printable ASCII characters'), doc: 'Cluster name carried in every gossip packet; packets of another cluster are dropped.' },
  { path: 'cluster.secret', type: 'string', default: '', mutable: 'startup', secret: true, doc: 'Cluster keyring: comma-separated secrets, the first encrypts gossip and signs peer links, all are accepted (rotate by prepending a new one). Empty (and no cluster.secret_file): gossip in clear and peer links unauthenticated, allowed only on a loopback bind or with cluster.insecure (docs/security.md).' },
  { path: 'cluster.secret_file', type: 'string', default: '', mutable: 'startup', doc: 'File holding the cluster keyring (comma- or newline-separated), read at start-up when cluster.secret is empty; the shipped configs use ./run/cluster.secret, which scripts/build-and-run.sh generates on first start. Keep it private (mode 600).' },
  { path: 'cluster.insecure', type: 'bool', default: false, mutable: 'startup', doc: 'Let a node whose gossip binds a non-loopback address start without a cluster secret: anyone who reaches its gossip or RESP port can then join the ring and receive keys. A loopback-only node without a secret starts anyway, with a warning.' },
  { path: 'cluster.profile', type: 'enum', default: 'lan', values: ['lan', 'fast'], mutable: 'startup', doc: 'Failure detector timing: lan (probe every 1 s, dead within ~5 s) or fast (local tests, dead within ~2 s).' },
  { path: 'cluster.announce_host', type: 'string', default: '', mutable: 'startup', doc: 'Host other members and cluster clients use to reach this node (CLUSTER SLOTS, MOVED); empty: the bind address, or this machine\'s first non-internal IPv4 when bound to 0.0.0.0.' },
  { path: 'cluster.mode', type: 'enum', default: 'proxy', values: ['proxy', 'redirect'], mutable: true, doc: 'Keys owned elsewhere: proxy forwards the command to the owner (plain clients just work); redirect answers -MOVED slot host:port (cluster clients).' },
  { path: 'cluster.tokens', type: 'int', default: 1024, min: 1, max: 16384, mutable: 'startup', doc: 'Ring tokens per member; every member must use the same value. 1024 keeps the busiest of 10 members within 1.10x the mean (docs/cluster.md).' },
  { path: 'cluster.forward_timeout_ms', type: 'int', default: 5000, min: 10, max: 600_000, mutable: true, doc: 'A command forwarded to its owner fails with -TRYAGAIN after this long without a reply.' },
  { path: 'cluster.handoff_timeout_ms', type: 'int', default: 30_000, min: 0, max: 3_600_000, mutable: true, doc: 'A graceful stop (SIGTERM, SHUTDOWN) waits at most this long for its keys to reach their new owners; what is left stays in this node\'s files.' },
  { path: 'cluster.migration_flip_delay_ms', type: 'int', default: 0, min: 0, max: 600_000, mutable: true, doc: 'A slot moving to a new owner (join, leave) flips at least this long after its copy caught up (0: at once). Meanwhile the old owner serves it and the new owner forwards it there (or answers -ASK): for tests and for watching a migration; writes to the moving slots keep streaming.' },
  { path: 'cluster.replicas', type: 'int', default: 1, min: 0, max: 15, mutable: 'startup', doc: 'Copies of each slot besides its owner, on the next distinct ring members clockwise; the owner streams every write to them and the first takes over when the owner dies (docs/replication.md). Every member must use the same value.' },
  { path: 'cluster.replica_reads', type: 'enum', default: 'readonly', values: ['readonly', 'always'], mutable: true, doc: "Reads of a slot this node replicates: readonly serves them from the local copy to connections that sent READONLY (others are forwarded or get -MOVED, as Redis); always serves every client's reads from the copy. Every ringcache node owns some slots and replicates others, so ioredis Cluster sees each as a master and never sends READONLY: scaleReads 'slave' needs always." },
  { path: 'replication.mode', type: 'enum', default: 'async', values: ['async', 'sync'], mutable: true, doc: 'Cluster replication: async answers a write once the owner applied it; sync only once every caught-up replica of its slot applied it too (a replica that does not answer within replication.sync_timeout_ms fails the write).' },
  { path: 'replication.sync_timeout_ms', type: 'int', default: 1000, min: 1, max: 600_000, mutable: true, doc: 'Sync mode: how long a write waits for its replicas before it fails: its reply is a -NOREPLICAS error naming this timeout, never OK (the write may have been applied on the owner only); the connection stays usable.' },
  { path: 'http.trust_proxy', type: 'bool', default: false, mutable: 'startup', doc: 'Take the client IP from X-Forwarded-For (only behind a trusted reverse proxy); used by the rate limit and logs.' },
  { path: 'http.tls', type: 'bool', default: false, mutable: 'startup', doc: 'Serve the HTTP API over HTTPS with the RESP TLS certificate and key (tls-cert-file, tls-key-file, tls-key-file-pass, tls-protocols, tls-ciphers); client certificates are not asked for (docs/security.md).' },
  ...REDIS_COMPAT_PARAMS,
] as const satisfies readonly Param[];

/** One schema entry as written, with literal path, type, default and enum values (what types.ts derives from). */
export type SchemaEntry = (typeof SCHEMA)[number];

/** Every parameter, in documentation order: Params whose paths are statically known (ParamPath in types.ts). */
export const PARAMS: readonly (Param & { readonly path: SchemaEntry['path'] })[] = SCHEMA;

/** host:port with a port in 1..65535 (a seed or an address). */
function validateHostPort(v: string): string | null {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  if (m === null || (m[1] as string).trim() === '' || Number(m[2]) < 1 || Number(m[2]) > 65535) return `'${v}' is not host:port`;
  return null;
}

export const PARAM_BY_PATH: ReadonlyMap<string, Param> = new Map(PARAMS.map((p) => [p.path, p]));

/**
 * Redis-style name used by CONFIG GET/SET: dots and underscores become dashes (`maxmemory-policy`),
 * and the `redis.` section drops its prefix (`redis.repl_timeout` is `repl-timeout`).
 */
export function redisName(p: Param): string {
  return p.name ?? p.path.replace(/^redis\./, '').replace(/[._]/g, '-');
}

/** A name CONFIG GET/SET knows: a parameter's Redis name, or one of its aliases. */
export interface ConfigName {
  readonly name: string;
  readonly param: Param;
}

/** Every name, in schema order, each parameter's aliases right after it. */
export const CONFIG_NAMES: readonly ConfigName[] = PARAMS.flatMap((p) => [redisName(p), ...(p.aliases ?? [])].map((name) => ({ name, param: p })));

/** Names are case-insensitive, as in Redis: looked up lower-cased. */
export const CONFIG_NAME_BY_LOWER: ReadonlyMap<string, ConfigName> = new Map(CONFIG_NAMES.map((n) => [n.name.toLowerCase(), n]));

export const PARAM_BY_REDIS_NAME: ReadonlyMap<string, Param> = new Map(CONFIG_NAMES.map((n) => [n.name, n.param]));

export type ConfigValue = number | string | boolean;
export type ConfigValues = Readonly<Record<string, ConfigValue>>;
