// The configuration schema: every key, its type, default, bounds and doc; the one place they live.

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
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** CONFIG SET may change it at run time. */
  readonly mutable: boolean;
  /** Extra check for string values (and for each item of a list);  returns the reason a value is refused, or null. */
  readonly validate?: (v: string) => string | null;
  /** Never logged (CONFIG GET shows it, as Redis does, to authenticated clients). */
  readonly secret?: boolean;
  readonly doc: string;
}

/**
 * `as const satisfies`: every entry is checked against Param, and its path, type and enum values
 * stay literal types, so types.ts derives the path union, value types and Config's shape from here.
 */
const SCHEMA = [
  { path: 'node_id', type: 'string', default: '', mutable: false, doc: 'Stable node name; empty derives one from host and port.' },
  { path: 'bind', type: 'string', default: '127.0.0.1', mutable: false, doc: 'Address the RESP listener binds.' },
  { path: 'port', type: 'int', default: 8080, min: 0, max: 65535, mutable: false, doc: 'RESP port (0 picks a free one).' },
  { path: 'dir', type: 'string', default: './data', mutable: false, doc: 'Data directory (persistence files).' },
  { path: 'databases', type: 'int', default: 16, min: 1, max: 1024, mutable: false, doc: 'Number of logical databases (SELECT 0..n-1).' },
  { path: 'requirepass', type: 'string', default: '', mutable: true, secret: true, doc: 'Password for AUTH; empty disables auth.' },
  { path: 'loglevel', type: 'enum', default: 'info', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'verbose', 'notice', 'warning'], mutable: true, doc: 'Log level (pino names; Redis names are mapped).' },
  { path: 'log_dir', type: 'string', default: './logs', mutable: false, doc: 'Directory for logs/<node-id>.log; empty logs to stdout only.' },
  { path: 'maxclients', type: 'int', default: 10000, min: 1, max: 1_000_000, mutable: true, doc: 'Connections beyond this are refused with an error.' },
  { path: 'timeout', type: 'int', default: 0, min: 0, max: 2_147_483_647, mutable: true, doc: 'Close idle clients after this many seconds (0 = never).' },
  { path: 'hz', type: 'int', default: 10, min: 1, max: 500, mutable: true, doc: 'Background task frequency (active expiry cycles per second).' },
  { path: 'maxmemory', type: 'memory', default: 0, min: 0, mutable: true, doc: 'Dataset byte limit (keys + values + per-key overhead); 0 = unlimited.' },
  { path: 'maxmemory_policy', type: 'enum', default: 'noeviction', values: ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'], mutable: true, doc: 'What to evict at maxmemory.' },
  { path: 'maxmemory_samples', type: 'int', default: 5, min: 1, max: 64, mutable: true, doc: 'Keys sampled per eviction.' },
  { path: 'lfu_log_factor', type: 'int', default: 10, min: 0, max: 1_000_000, mutable: true, doc: 'LFU counter logarithm factor.' },
  { path: 'lfu_decay_time', type: 'int', default: 1, min: 0, max: 1_000_000, mutable: true, doc: 'LFU counter decay period in minutes.' },
  { path: 'slowlog_log_slower_than', type: 'int', default: 10000, min: -1, max: 2 ** 53, mutable: true, doc: 'Microseconds; commands slower are logged (-1 disables, 0 logs all).' },
  { path: 'slowlog_max_len', type: 'int', default: 128, min: 0, max: 2 ** 31, mutable: true, doc: 'Slow log entries kept.' },
  { path: 'proto_max_bulk_len', type: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: 2 ** 40, mutable: true, doc: 'Largest bulk string in a request (V8 caps strings just below 512 MB).' },
  { path: 'client_query_buffer_limit', type: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: 2 ** 40, mutable: true, doc: 'Unparsed bytes per client before it is closed.' },
  { path: 'notify_keyspace_events', type: 'string', default: '', mutable: true, validate: (v) => (/^[KEg$lshzxetdmnA]*$/.test(v) ? null : 'Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.'), doc: 'Keyspace notification classes (Redis syntax, e.g. KEA); empty disables them.' },
  { path: 'client_output_buffer_limit_pubsub', type: 'string', default: '32mb 8mb 60', mutable: true, validate: validateOutputLimit, doc: 'Pub/Sub client output limit: hard, soft, soft seconds (Redis client-output-buffer-limit pubsub).' },
  { path: 'appendonly', type: 'bool', default: false, mutable: true, doc: 'Journal every write to the append-only file (AOF); turning it on at run time starts with a rewrite.' },
  { path: 'appendfsync', type: 'enum', default: 'everysec', values: ['always', 'everysec', 'no'], mutable: true, doc: 'AOF fsync policy: always (group commit, replies after fsync), everysec, or no (left to the OS).' },
  { path: 'appendfilename', type: 'string', default: 'appendonly.aof', mutable: false, validate: validateFileName, doc: 'Base name of the AOF files and manifest inside appenddirname.' },
  { path: 'appenddirname', type: 'string', default: 'appendonlydir', mutable: false, validate: validateFileName, doc: 'Directory (inside dir) holding the AOF manifest, base and incremental files.' },
  { path: 'auto_aof_rewrite_percentage', type: 'int', default: 100, min: 0, max: 2_147_483_647, mutable: true, doc: 'Rewrite the AOF when it grew by this percentage over its size after the last rewrite (0 disables).' },
  { path: 'auto_aof_rewrite_min_size', type: 'memory', default: 64 * 1024 * 1024, min: 0, mutable: true, doc: 'Smallest AOF size at which automatic rewrites start.' },
  { path: 'aof_load_truncated', type: 'bool', default: true, mutable: true, doc: 'At start, cut a truncated last AOF record (logged with its offset) instead of refusing to start.' },
  { path: 'save', type: 'string', default: '3600 1 300 100 60 10000', mutable: true, validate: validateSavePoints, doc: 'Snapshot schedule: pairs of <seconds> <changes> (Redis syntax); empty disables scheduled and shutdown snapshots.' },
  { path: 'dbfilename', type: 'string', default: 'dump.rcs', mutable: true, validate: validateFileName, doc: 'Snapshot file name inside dir.' },
  { path: 'stop_writes_on_bgsave_error', type: 'bool', default: true, mutable: true, doc: 'Refuse writes with MISCONF while the last background snapshot failed and save points are set.' },
  { path: 'http.port', type: 'int', default: 9080, min: 0, max: 65535, mutable: false, doc: 'HTTP API port (0 picks a free one; -1 is not allowed).' },
  { path: 'http.bind', type: 'string', default: '127.0.0.1', mutable: false, doc: 'Address the HTTP API binds.' },
  { path: 'http.enabled', type: 'bool', default: true, mutable: false, doc: 'Serve the HTTP API.' },
  { path: 'http.auth_token', type: 'string', default: '', mutable: true, secret: true, validate: (v) => (/^[\x21-\x7e]*$/.test(v) ? null : 'must be printable ASCII without spaces'), doc: 'Bearer token the HTTP API requires (Authorization: Bearer <token>) on every route but /health, /ready and /docs; empty disables it.' },
  { path: 'http.body_limit', type: 'memory', default: 1024 * 1024, min: 1024, max: 512 * 1024 * 1024, mutable: false, doc: 'Largest HTTP request body; bigger ones are refused with 413.' },
  { path: 'http.request_timeout_ms', type: 'int', default: 30_000, min: 0, max: 3_600_000, mutable: false, doc: 'Time allowed to receive a whole HTTP request (0 = no limit).' },
  { path: 'http.headers_timeout_ms', type: 'int', default: 10_000, min: 1, max: 3_600_000, mutable: false, doc: 'Time allowed to receive the HTTP request headers; at most http.request_timeout_ms.' },
  { path: 'http.rate_limit', type: 'int', default: 0, min: 0, max: 1_000_000, mutable: false, doc: 'HTTP requests per second per client IP; over it answers 429 (0 = off; /health and /ready are never limited).' },
  { path: 'cluster.gossip_port', type: 'int', default: 7946, min: 0, max: 65535, mutable: false, doc: 'Gossip (SWIM) port, UDP and TCP, on the RESP bind address (0 picks a free one).' },
  { path: 'cluster.seeds', type: 'list', default: '', mutable: false, validate: validateHostPort, doc: 'Gossip addresses (host:port) of members to join through; a YAML list or comma-separated. None: a cluster of one until someone joins it.' },
  { path: 'cluster.name', type: 'string', default: 'ringcache', mutable: false, validate: (v) => (/^[\x21-\x7e]{1,64}$/.test(v) ? null : 'must be 1-64 printable ASCII characters'), doc: 'Cluster name carried in every gossip packet; packets of another cluster are dropped.' },
  { path: 'cluster.secret', type: 'string', default: '', mutable: false, secret: true, doc: 'Gossip keyring: comma-separated secrets, the first encrypts, all decrypt (rotate by prepending a new one); empty sends gossip in clear.' },
  { path: 'cluster.profile', type: 'enum', default: 'lan', values: ['lan', 'fast'], mutable: false, doc: 'Failure detector timing: lan (probe every 1 s, dead within ~5 s) or fast (local tests, dead within ~2 s).' },
  { path: 'cluster.announce_host', type: 'string', default: '', mutable: false, doc: 'Host other members and cluster clients use to reach this node (CLUSTER SLOTS, MOVED); empty: the bind address, or this machine\'s first non-internal IPv4 when bound to 0.0.0.0.' },
  { path: 'cluster.mode', type: 'enum', default: 'proxy', values: ['proxy', 'redirect'], mutable: true, doc: 'Keys owned elsewhere: proxy forwards the command to the owner (plain clients just work); redirect answers -MOVED slot host:port (cluster clients).' },
  { path: 'cluster.tokens', type: 'int', default: 1024, min: 1, max: 16384, mutable: false, doc: 'Ring tokens per member; every member must use the same value. 1024 keeps the busiest of 10 members within 1.10x the mean (docs/cluster.md).' },
  { path: 'cluster.forward_timeout_ms', type: 'int', default: 5000, min: 10, max: 600_000, mutable: true, doc: 'A command forwarded to its owner fails with -TRYAGAIN after this long without a reply.' },
  { path: 'cluster.handoff_timeout_ms', type: 'int', default: 30_000, min: 0, max: 3_600_000, mutable: true, doc: 'A graceful stop (SIGTERM, SHUTDOWN) waits at most this long for its keys to reach their new owners; what is left stays in this node\'s files.' },
  { path: 'http.trust_proxy', type: 'bool', default: false, mutable: false, doc: 'Take the client IP from X-Forwarded-For (only behind a trusted reverse proxy); used by the rate limit and logs.' },
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

/** A plain file name: persistence files live inside `dir`, never elsewhere. */
function validateFileName(v: string): string | null {
  return v === '' || v === '.' || v === '..' || /[/\\\0]/.test(v) ? 'must be a plain file name' : null;
}

/** `save` schedule: empty, or pairs of positive integers `<seconds> <changes>`. */
function validateSavePoints(v: string): string | null {
  const parts = v.trim() === '' ? [] : v.trim().split(/\s+/);
  if (parts.length % 2 !== 0 || !parts.every((p) => /^\d+$/.test(p))) return 'Invalid save parameters';
  return null;
}

/** `<hard> <soft> <soft-seconds>` with Redis memory units. */
function validateOutputLimit(v: string): string | null {
  const parts = v.trim().split(/\s+/);
  if (parts.length !== 3 || !parts.slice(0, 2).every((p) => /^\d+(b|k|kb|m|mb|g|gb)?$/i.test(p)) || !/^\d+$/.test(parts[2] as string)) {
    return "argument must be '<hard> <soft> <soft-seconds>', e.g. '32mb 8mb 60'";
  }
  return null;
}

export const PARAM_BY_PATH: ReadonlyMap<string, Param> = new Map(PARAMS.map((p) => [p.path, p]));

/** Redis-style name used by CONFIG GET/SET: dots and underscores become dashes (`maxmemory-policy`). */
export function redisName(p: Param): string {
  return p.path.replace(/[._]/g, '-');
}

export const PARAM_BY_REDIS_NAME: ReadonlyMap<string, Param> = new Map(PARAMS.map((p) => [redisName(p), p]));

export type ConfigValue = number | string | boolean;
export type ConfigValues = Readonly<Record<string, ConfigValue>>;
