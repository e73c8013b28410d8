// Loads configuration: defaults -> YAML file -> RINGCACHE_* environment -> command-line flags; validates; freezes.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkNumber, parseParam } from './parse.js';
import { outputBufferLimitClasses } from './redis-values.js';
import { type ConfigValue, type ConfigValues, type Param, PARAMS, PARAM_BY_PATH } from './schema.js';
import type { ParamPath, ParamPathOf, ParamValue, SchemaConfig } from './types.js';

/**
 * A configuration problem; the message is one line naming the key or the cause. `problem` tells a
 * value of the wrong type ('type') from one outside the key's bounds ('range'), so CONFIG SET can
 * answer in Redis's words without parsing the message.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problem: 'type' | 'range' | 'other' = 'other',
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The typed, frozen configuration. Its fields come from the schema (types.ts: `log_dir` -> `logDir`,
 * `http.auth_token` -> `http.authToken`, enums as their literal unions, lists as string arrays); only
 * the fields that are more than a schema value are written out here.
 */
export interface Config extends Omit<SchemaConfig, 'cluster' | 'redis'> {
  /** As configured, or `node-<port>` when node_id is empty. */
  readonly nodeId: string;
  readonly cluster: ClusterConfig;
  /** Every value by schema path, for CONFIG GET and the runtime. */
  readonly values: ConfigValues;
  /** The file the config came from, if any (INFO config_file; CONFIG REWRITE writes it back). */
  readonly file: string;
  /**
   * The paths some source (file, env, flag, override) set; the others hold their defaults or, for
   * http.port, cluster.gossip_port and node_id, values derived from the RESP port.
   */
  readonly explicit: readonly string[];
}

/** The cluster.* section; the keyring (`cluster.secret`, else the contents of `cluster.secret_file`) becomes the list `secrets`. */
export interface ClusterConfig extends Omit<SchemaConfig['cluster'], 'secret' | 'secretFile'> {
  /** Keyring secrets, first encrypts gossip and signs peer links; empty: neither (loopback or cluster.insecure only). */
  readonly secrets: readonly string[];
  /** As configured, trimmed (may be empty); the node resolves the host it really announces. */
  readonly announceHost: string;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
};

/** Parses Redis memory notation (`100mb`, `1gb`, `512`); null if malformed. */
export function parseMemory(s: string): number | null {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(s);
  if (!m) return null;
  const unit = MEMORY_UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  return Number(m[1]) * unit;
}

/**
 * Converts a raw value (from YAML, env, a flag or an override) to the param's type with the same
 * parser CONFIG SET uses (parse.ts), in its file mode; throws ConfigError naming the source and key.
 */
export function coerce(p: Param, raw: unknown, source: string, current: ConfigValue = p.default): ConfigValue {
  const where = `${source}: ${p.path}`;
  const typeError = (): ConfigError => {
    const expected = p.type === 'int' ? 'an integer' : p.type === 'memory' ? 'a size like 100mb' : p.type === 'bool' ? 'yes/no' : p.type === 'enum' ? `one of ${(p.values ?? []).join(', ')}` : p.type === 'list' ? 'a list (YAML sequence or comma-separated)' : 'a string';
    return new ConfigError(`${where}: expected ${expected}, got ${JSON.stringify(raw)}`, 'type');
  };
  const rangeError = (n: bigint | number): ConfigError =>
    p.min !== undefined && BigInt(n) < BigInt(p.min)
      ? new ConfigError(`${where}: ${n} is below the minimum ${p.min}`, 'range')
      : new ConfigError(`${where}: ${n} is above the maximum ${String(p.max)}`, 'range');
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && (p.type === 'int' || p.type === 'memory')) {
    if (!Number.isSafeInteger(raw)) throw typeError();
    const r = checkNumber(p, BigInt(raw));
    if (!r.ok) throw rangeError(raw);
    return r.value;
  } else if (typeof raw === 'number' && (p.type === 'string' || p.type === 'list')) text = String(raw);
  else if (typeof raw === 'boolean' && p.type === 'bool') return raw;
  else if (Array.isArray(raw) && p.type === 'list' && raw.every((x) => typeof x === 'string' || typeof x === 'number')) text = raw.map(String).join(',');
  else throw typeError();
  const r = parseParam(p, text, current, 'file');
  if (r.ok) return r.value;
  if (r.problem === 'type') throw typeError();
  if (r.problem === 'range') throw rangeError(r.number ?? 0n);
  throw new ConfigError(`${where}: ${r.reason}`);
}

/** Flattens a parsed YAML document into schema paths, rejecting unknown keys. */
function flattenYaml(doc: unknown, file: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new ConfigError(`${file}: ${prefix || 'document'}: expected a mapping`);
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (PARAM_BY_PATH.has(path)) {
        out.set(path, v);
      } else if (PARAMS.some((p) => p.path.startsWith(path + '.'))) {
        walk(v, path);
      } else {
        throw new ConfigError(`${file}: unknown key '${path}'${didYouMean(path.replace(/-/g, '_'), (q) => q.path, "'")}`);
      }
    }
  };
  if (doc !== null && doc !== undefined) walk(doc, '');
  return out;
}

/** A hint for the common slip between Redis's dashes and the file's underscores (or back). */
function didYouMean(normalized: string, spell: (p: Param) => string, quote: string): string {
  const p = PARAMS.find((q) => q.path === normalized || flagName(q) === normalized.replace(/[._]/g, '-'));
  return p ? ` (did you mean ${quote}${spell(p)}${quote}?)` : '';
}

export const flagName = (p: Param): string => p.path.replace(/[._]/g, '-');
export const envName = (p: Param): string => 'RINGCACHE_' + p.path.replace(/\./g, '_').toUpperCase();

export interface LoadInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => string;
}

/** Parses `--name value` / `--name=value` flags. `--config` names the YAML file. */
function parseFlags(argv: readonly string[]): { file: string; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  let file = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument '${a}' (flags look like --port 8080)`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
    }
    if (name === 'config') file = value;
    else flags.set(name, value);
  }
  return { file, flags };
}

export function loadConfig(input: LoadInput): Config {
  const { file, flags } = parseFlags(input.argv);
  // Flag names are checked first: a typo is reported even when the file has problems too.
  const byFlag = new Map(PARAMS.map((p) => [flagName(p), p]));
  for (const name of flags.keys()) {
    if (!byFlag.has(name)) throw new ConfigError(`unknown flag --${name}${didYouMean(name, (q) => '--' + flagName(q), '')}`);
  }
  const values: Record<string, ConfigValue> = {};
  for (const p of PARAMS) values[p.path] = p.default;
  const explicit = new Set<string>();
  const put = (p: Param, raw: unknown, source: string): void => {
    values[p.path] = coerce(p, raw, source, values[p.path]);
    explicit.add(p.path);
  };

  if (file) {
    for (const [path, raw] of readConfigFile(file, input.readFile)) put(PARAM_BY_PATH.get(path) as Param, raw, file);
  }
  for (const p of PARAMS) {
    const v = input.env[envName(p)];
    if (v !== undefined) put(p, v, `env ${envName(p)}`);
  }
  for (const [name, raw] of flags) put(byFlag.get(name) as Param, raw, `flag --${name}`);
  return freezeConfig(values, file, explicit);
}

/** The settings a YAML config file holds, by schema path (unknown keys and bad YAML throw ConfigError). */
export function readConfigFile(file: string, readFile: (path: string) => string = (f) => readFileSync(f, 'utf8')): Map<string, unknown> {
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    // The yaml library's first line names the problem and its position; the code frame follows.
    throw new ConfigError(`${file}: invalid YAML: ${((e as Error).message.split('\n')[0] ?? '').replace(/:\s*$/, '')}`);
  }
  return flattenYaml(doc, file);
}

/**
 * Unset ports derive from the RESP port (DESIGN "Ports"): HTTP = port + 1000, gossip = port +
 * 10000 (Redis's cluster-bus offset), so nodes started with only --port run side by side. Port 0
 * (a free port) leaves them 0 too. An explicit value always wins.
 */
function derivePorts(values: Record<string, ConfigValue>, explicit: ReadonlySet<string>): void {
  // TLS only (port 0 with a tls-port, as Redis): the others derive from the TLS port.
  const port = (values['port'] as number) || (values['redis.tls_port'] as number);
  const derive = (path: 'http.port' | 'cluster.gossip_port', offset: number, needed: boolean): void => {
    if (explicit.has(path)) return;
    const v = port === 0 ? 0 : port + offset;
    if (v > 65535) {
      if (!needed) return;
      throw new ConfigError(`${path}: port + ${offset} = ${v} is above 65535; set ${path} explicitly`);
    }
    values[path] = v;
  };
  derive('http.port', 1000, values['http.enabled'] === true);
  derive('cluster.gossip_port', 10000, true);
}

/**
 * client_output_buffer_limit_pubsub is the pubsub class of client_output_buffer_limit: whichever
 * a source set, the other follows; both set and disagreeing is an error.
 */
function linkOutputLimits(values: Record<string, ConfigValue>, explicit: ReadonlySet<string>): void {
  const whole = values['client_output_buffer_limit'] as string;
  const part = values['client_output_buffer_limit_pubsub'] as string;
  const inWhole = outputBufferLimitClasses(whole).pubsub;
  if (explicit.has('client_output_buffer_limit_pubsub') && !explicit.has('client_output_buffer_limit')) {
    values['client_output_buffer_limit'] = coerce(PARAM_BY_PATH.get('client_output_buffer_limit') as Param, `pubsub ${part}`, 'client_output_buffer_limit_pubsub', whole);
  } else if (explicit.has('client_output_buffer_limit_pubsub') && inWhole !== part) {
    throw new ConfigError(`client_output_buffer_limit_pubsub: '${part}' disagrees with the pubsub class of client_output_buffer_limit ('${inWhole}'); set only one`);
  } else {
    values['client_output_buffer_limit_pubsub'] = inWhole;
  }
}

/**
 * Cross-field validation and the typed, frozen view. `explicit` names the paths a source set (the
 * others derive where they do: ports, node_id); by default every path counts as set.
 */
export function freezeConfig(values: Record<string, ConfigValue>, file = '', explicit: ReadonlySet<string> = new Set(Object.keys(values))): Config {
  derivePorts(values, explicit);
  linkOutputLimits(values, explicit);
  // The one place values are trusted to match their schema types (every source went through coerce).
  const v = <P extends ParamPath>(path: P): ParamValue<P> => values[path] as ParamValue<P>;
  const num = (path: ParamPathOf<number>): number => v(path);
  const str = (path: ParamPathOf<string>): string => v(path);
  // Same port on overlapping addresses: a wildcard bind overlaps every address.
  const wildcard = (a: string): boolean => a === '0.0.0.0' || a === '::' || a === '';
  const overlap = str('http.bind') === str('bind') || wildcard(str('http.bind')) || wildcard(str('bind'));
  if (v('http.enabled') && num('http.port') !== 0 && num('http.port') === num('port') && overlap) {
    throw new ConfigError(`http.port: ${num('http.port')} is the same as port`);
  }
  if (num('cluster.gossip_port') !== 0 && (num('cluster.gossip_port') === num('port') || (v('http.enabled') && num('cluster.gossip_port') === num('http.port')))) {
    throw new ConfigError(`cluster.gossip_port: ${num('cluster.gossip_port')} is the same as ${num('cluster.gossip_port') === num('port') ? 'port' : 'http.port'}`);
  }
  if (num('redis.tls_port') !== 0 && num('redis.tls_port') === num('port')) throw new ConfigError(`tls-port: ${num('redis.tls_port')} is the same as port`);
  // Peer links reach members at their announced RESP port: with tls-cluster that is the TLS one.
  if (v('redis.tls_cluster') && num('redis.tls_port') === 0) throw new ConfigError('tls-cluster: peer links use TLS to the tls-port; set tls-port too');
  const secrets = clusterSecrets(str('cluster.secret'), str('cluster.secret_file'));
  // Closed by default (issue 17): gossip reachable from other machines without a secret lets anyone join the ring.
  if (secrets.length === 0 && !v('cluster.insecure') && !isLoopback(str('bind'))) {
    throw new ConfigError(
      `cluster.secret: gossip binds ${str('bind')}, which other machines can reach, and no cluster secret is set, so anyone who can send it a packet could join the ring and receive keys. ` +
        'Set cluster.secret (or RINGCACHE_CLUSTER_SECRET, or cluster.secret_file) to the same random string on every member (openssl rand -hex 32), or cluster.insecure: yes to run open anyway.',
    );
  }
  // Node's HTTP server refuses a headers timeout longer than the whole-request timeout.
  if (num('http.request_timeout_ms') > 0 && num('http.headers_timeout_ms') > num('http.request_timeout_ms')) {
    throw new ConfigError(`http.headers_timeout_ms: ${num('http.headers_timeout_ms')} is above http.request_timeout_ms (${num('http.request_timeout_ms')})`);
  }
  let nodeId = str('node_id');
  if (nodeId === '') nodeId = `node-${num('port') || num('redis.tls_port')}`;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(nodeId)) throw new ConfigError(`node_id: '${nodeId}' may only use letters, digits, '_', '.', '-' (max 64)`);
  values['node_id'] = nodeId;
  const cfg: Config = {
    nodeId,
    bind: v('bind'),
    port: v('port'),
    dir: v('dir'),
    databases: v('databases'),
    requirepass: v('requirepass'),
    loglevel: v('loglevel'),
    logDir: v('log_dir'),
    maxclients: v('maxclients'),
    timeout: v('timeout'),
    hz: v('hz'),
    maxmemory: v('maxmemory'),
    maxmemoryPolicy: v('maxmemory_policy'),
    maxmemorySamples: v('maxmemory_samples'),
    lfuLogFactor: v('lfu_log_factor'),
    lfuDecayTime: v('lfu_decay_time'),
    slowlogLogSlowerThan: v('slowlog_log_slower_than'),
    slowlogMaxLen: v('slowlog_max_len'),
    protoMaxBulkLen: v('proto_max_bulk_len'),
    clientQueryBufferLimit: v('client_query_buffer_limit'),
    notifyKeyspaceEvents: v('notify_keyspace_events'),
    clientOutputBufferLimit: v('client_output_buffer_limit'),
    clientOutputBufferLimitPubsub: v('client_output_buffer_limit_pubsub'),
    appendonly: v('appendonly'),
    appendfsync: v('appendfsync'),
    appendfilename: v('appendfilename'),
    appenddirname: v('appenddirname'),
    autoAofRewritePercentage: v('auto_aof_rewrite_percentage'),
    autoAofRewriteMinSize: v('auto_aof_rewrite_min_size'),
    aofLoadTruncated: v('aof_load_truncated'),
    save: v('save'),
    dbfilename: v('dbfilename'),
    stopWritesOnBgsaveError: v('stop_writes_on_bgsave_error'),
    enableDebugCommand: v('enable_debug_command'),
    enableProtectedConfigs: v('enable_protected_configs'),
    listMaxListpackSize: v('list_max_listpack_size'),
    hashMaxListpackEntries: v('hash_max_listpack_entries'),
    hashMaxListpackValue: v('hash_max_listpack_value'),
    zsetMaxListpackEntries: v('zset_max_listpack_entries'),
    zsetMaxListpackValue: v('zset_max_listpack_value'),
    setMaxIntsetEntries: v('set_max_intset_entries'),
    streamNodeMaxBytes: v('stream_node_max_bytes'),
    streamNodeMaxEntries: v('stream_node_max_entries'),
    http: Object.freeze({
      port: v('http.port'),
      bind: v('http.bind'),
      enabled: v('http.enabled'),
      authToken: v('http.auth_token'),
      bodyLimit: v('http.body_limit'),
      requestTimeoutMs: v('http.request_timeout_ms'),
      headersTimeoutMs: v('http.headers_timeout_ms'),
      rateLimit: v('http.rate_limit'),
      trustProxy: v('http.trust_proxy'),
      tls: v('http.tls'),
    }),
    cluster: Object.freeze({
      gossipPort: v('cluster.gossip_port'),
      seeds: Object.freeze(splitList(v('cluster.seeds'))),
      name: v('cluster.name'),
      secrets: Object.freeze(secrets),
      insecure: v('cluster.insecure'),
      profile: v('cluster.profile'),
      announceHost: v('cluster.announce_host').trim(),
      mode: v('cluster.mode'),
      tokens: v('cluster.tokens'),
      forwardTimeoutMs: v('cluster.forward_timeout_ms'),
      handoffTimeoutMs: v('cluster.handoff_timeout_ms'),
      migrationFlipDelayMs: v('cluster.migration_flip_delay_ms'),
      replicas: v('cluster.replicas'),
      replicaReads: v('cluster.replica_reads'),
    }),
    replication: Object.freeze({ mode: v('replication.mode'), syncTimeoutMs: v('replication.sync_timeout_ms') }),
    values: Object.freeze({ ...values }),
    file,
    explicit: Object.freeze([...explicit].filter((p) => PARAM_BY_PATH.has(p))),
  };
  return Object.freeze(cfg);
}

/** Loopback addresses: a gossip port bound there is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** The keyring: cluster.secret when set, else cluster.secret_file's contents (comma- or newline-separated); a named file that is unreadable or empty is a ConfigError. */
function clusterSecrets(secret: string, file: string): string[] {
  if (secret !== '' || file === '') return splitList(secret);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ConfigError(`cluster.secret_file: cannot read ${file} (${code}); create it with 'openssl rand -hex 32 > ${file}' (./scripts/build-and-run.sh does on first start) and give every member the same file, or set cluster.secret`);
  }
  const list = splitList(text.replace(/\r?\n/g, ','));
  if (list.length === 0) throw new ConfigError(`cluster.secret_file: ${file} is empty`);
  return list;
}

/** Items of a list value (`a,b` -> ['a', 'b']); '' is the empty list. */
export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * A config for tests: ephemeral ports, no log file, everything else default, with overrides by
 * schema path. Overrides are checked like any other source (unknown paths and bad values throw
 * ConfigError), so a test cannot silently run with a setting the node never reads.
 */
export function localConfig(overrides: Record<string, ConfigValue> = {}): Config {
  const values: Record<string, ConfigValue> = {};
  for (const p of PARAMS) values[p.path] = p.default;
  // No save points: a test node never writes snapshots unless it asks to.
  const fixed: Record<string, ConfigValue> = { port: 0, 'http.port': 0, 'cluster.gossip_port': 0, log_dir: '', loglevel: 'warn', node_id: 'test', save: '' };
  Object.assign(values, fixed);
  const explicit = new Set(Object.keys(fixed));
  for (const [path, raw] of Object.entries(overrides)) {
    const p = PARAM_BY_PATH.get(path);
    if (!p) throw new ConfigError(`localConfig: unknown key '${path}'${didYouMean(path.replace(/-/g, '_'), (q) => q.path, "'")}`);
    values[path] = coerce(p, raw, 'localConfig', values[path]);
    explicit.add(path);
  }
  return freezeConfig(values, '', explicit);
}
