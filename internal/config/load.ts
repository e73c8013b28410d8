// Loads configuration: defaults -> YAML file -> RINGCACHE_* environment -> command-line flags; validates; freezes.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
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
export interface Config extends Omit<SchemaConfig, 'cluster'> {
  /** As configured, or `node-<port>` when node_id is empty. */
  readonly nodeId: string;
  readonly cluster: ClusterConfig;
  /** Every value by schema path, for CONFIG GET and the runtime. */
  readonly values: ConfigValues;
  /** The file the config came from, if any (CONFIG GET reports it in INFO as config_file). */
  readonly file: string;
}

/** The cluster.* section; the keyring string `cluster.secret` becomes the list `secrets`. */
export interface ClusterConfig extends Omit<SchemaConfig['cluster'], 'secret'> {
  /** Keyring secrets, first encrypts; empty: no encryption. */
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

/** Converts a raw value (from YAML, env, a flag or CONFIG SET) to the param's type; throws ConfigError. */
export function coerce(p: Param, raw: unknown, source: string): ConfigValue {
  const where = `${source}: ${p.path}`;
  switch (p.type) {
    case 'int':
    case 'memory': {
      let n: number | null = null;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string') n = p.type === 'memory' ? parseMemory(raw) : /^-?\d+$/.test(raw.trim()) ? Number(raw) : null;
      if (n === null || !Number.isSafeInteger(n)) {
        throw new ConfigError(`${where}: expected ${p.type === 'memory' ? 'a size like 100mb' : 'an integer'}, got ${JSON.stringify(raw)}`, 'type');
      }
      if (p.min !== undefined && n < p.min) throw new ConfigError(`${where}: ${n} is below the minimum ${p.min}`, 'range');
      if (p.max !== undefined && n > p.max) throw new ConfigError(`${where}: ${n} is above the maximum ${p.max}`, 'range');
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const v = raw.trim().toLowerCase();
        if (v === 'yes' || v === 'true') return true;
        if (v === 'no' || v === 'false') return false;
      }
      throw new ConfigError(`${where}: expected yes/no, got ${JSON.stringify(raw)}`, 'type');
    }
    case 'enum': {
      const v = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (!p.values?.includes(v)) throw new ConfigError(`${where}: expected one of ${p.values?.join(', ')}, got ${JSON.stringify(raw)}`, 'type');
      return v;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      if (items === null || !items.every((x) => typeof x === 'string' || typeof x === 'number')) {
        throw new ConfigError(`${where}: expected a list (YAML sequence or comma-separated), got ${JSON.stringify(raw)}`, 'type');
      }
      const out = items.map((x) => String(x).trim()).filter((x) => x !== '');
      for (const x of out) {
        const problem = p.validate?.(x) ?? null;
        if (problem !== null) throw new ConfigError(`${where}: ${problem}`);
      }
      return out.join(',');
    }
    case 'string': {
      const v = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : null;
      if (v !== null) {
        const problem = p.validate?.(v) ?? null;
        if (problem !== null) throw new ConfigError(`${where}: ${problem}`);
        return v;
      }
      throw new ConfigError(`${where}: expected a string, got ${JSON.stringify(raw)}`, 'type');
    }
  }
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

  if (file) {
    let text: string;
    try {
      text = (input.readFile ?? ((f) => readFileSync(f, 'utf8')))(file);
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
    for (const [path, raw] of flattenYaml(doc, file)) {
      values[path] = coerce(PARAM_BY_PATH.get(path) as Param, raw, file);
    }
  }
  for (const p of PARAMS) {
    const v = input.env[envName(p)];
    if (v !== undefined) values[p.path] = coerce(p, v, `env ${envName(p)}`);
  }
  for (const [name, raw] of flags) {
    const p = byFlag.get(name) as Param;
    values[p.path] = coerce(p, raw, `flag --${name}`);
  }
  return freezeConfig(values, file);
}

/** Cross-field validation and the typed, frozen view. */
export function freezeConfig(values: Record<string, ConfigValue>, file = ''): Config {
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
  // Node's HTTP server refuses a headers timeout longer than the whole-request timeout.
  if (num('http.request_timeout_ms') > 0 && num('http.headers_timeout_ms') > num('http.request_timeout_ms')) {
    throw new ConfigError(`http.headers_timeout_ms: ${num('http.headers_timeout_ms')} is above http.request_timeout_ms (${num('http.request_timeout_ms')})`);
  }
  let nodeId = str('node_id');
  if (nodeId === '') nodeId = `node-${num('port')}`;
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
    }),
    cluster: Object.freeze({
      gossipPort: v('cluster.gossip_port'),
      seeds: Object.freeze(splitList(v('cluster.seeds'))),
      name: v('cluster.name'),
      secrets: Object.freeze(splitList(v('cluster.secret'))),
      profile: v('cluster.profile'),
      announceHost: v('cluster.announce_host').trim(),
      mode: v('cluster.mode'),
      tokens: v('cluster.tokens'),
      forwardTimeoutMs: v('cluster.forward_timeout_ms'),
      handoffTimeoutMs: v('cluster.handoff_timeout_ms'),
    }),
    values: Object.freeze({ ...values }),
    file,
  };
  return Object.freeze(cfg);
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
  Object.assign(values, { port: 0, 'http.port': 0, 'cluster.gossip_port': 0, log_dir: '', loglevel: 'warn', node_id: 'test', save: '' });
  for (const [path, raw] of Object.entries(overrides)) {
    const p = PARAM_BY_PATH.get(path);
    if (!p) throw new ConfigError(`localConfig: unknown key '${path}'${didYouMean(path.replace(/-/g, '_'), (q) => q.path, "'")}`);
    values[path] = coerce(p, raw, 'localConfig');
  }
  return freezeConfig(values);
}
