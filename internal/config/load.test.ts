// Config loading tests: defaults -> file -> env -> flags precedence, every value type, one-line errors, cross-field checks, localConfig.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, flagName, freezeConfig, loadConfig, localConfig, parseMemory, type Config, type LoadInput } from './load.js';
import { PARAMS, PARAM_BY_PATH, type ConfigValue, type Param } from './schema.js';

/** Loads with an in-memory file system: `files` maps a path to its text. */
function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): Config {
  const input: LoadInput = {
    argv,
    env,
    readFile: (f) => {
      const text = files[f];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
      return text;
    },
  };
  return loadConfig(input);
}

/** The ConfigError a load throws; fails the test if it loads or throws something else. */
function loadError(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): string {
  try {
    load(argv, env, files);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const msg = (e as ConfigError).message;
    expect(msg, 'config errors are one line').not.toMatch(/[\r\n]/);
    return msg;
  }
  throw new Error('expected a ConfigError');
}

const withFile = (yaml: string, argv: string[] = [], env: Record<string, string> = {}): Config => load(['--config', 'c.yaml', ...argv], env, { 'c.yaml': yaml });
const fileError = (yaml: string): string => loadError(['--config', 'c.yaml'], {}, { 'c.yaml': yaml });

describe('loadConfig: defaults', () => {
  it('uses every schema default with no input', () => {
    const c = load([]);
    for (const p of PARAMS) {
      if (p.path !== 'node_id') expect(c.values[p.path], p.path).toBe(p.default);
    }
    expect(c.port).toBe(8080);
    expect(c.http).toEqual({
      port: 9080, bind: '127.0.0.1', enabled: true, authToken: '', bodyLimit: 1024 * 1024, requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, rateLimit: 0, trustProxy: false, tls: false,
    });
    expect(c.maxmemoryPolicy).toBe('noeviction');
    expect(c.protoMaxBulkLen).toBe(512 * 1024 * 1024);
    expect(c.file).toBe('');
  });

  it('derives a node id from the port when none is given', () => {
    expect(load([]).nodeId).toBe('node-8080');
    expect(load(['--port', '7001']).nodeId).toBe('node-7001');
    expect(load(['--node-id', 'alpha']).nodeId).toBe('alpha');
    expect(load(['--node-id', 'alpha']).values['node_id']).toBe('alpha');
  });

  it('returns a frozen config', () => {
    const c = load([]);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(Object.isFrozen(c.values)).toBe(true);
  });

  it('every typed field mirrors its schema value', () => {
    const c = load([]);
    const fields: Record<string, unknown> = {
      bind: c.bind, port: c.port, dir: c.dir, databases: c.databases, requirepass: c.requirepass, loglevel: c.loglevel,
      log_dir: c.logDir, maxclients: c.maxclients, timeout: c.timeout, hz: c.hz, maxmemory: c.maxmemory,
      maxmemory_policy: c.maxmemoryPolicy, maxmemory_samples: c.maxmemorySamples, lfu_log_factor: c.lfuLogFactor,
      lfu_decay_time: c.lfuDecayTime, slowlog_log_slower_than: c.slowlogLogSlowerThan, slowlog_max_len: c.slowlogMaxLen,
      proto_max_bulk_len: c.protoMaxBulkLen, client_query_buffer_limit: c.clientQueryBufferLimit,
      notify_keyspace_events: c.notifyKeyspaceEvents, client_output_buffer_limit_pubsub: c.clientOutputBufferLimitPubsub,
      appendonly: c.appendonly, appendfsync: c.appendfsync, appendfilename: c.appendfilename, appenddirname: c.appenddirname,
      auto_aof_rewrite_percentage: c.autoAofRewritePercentage, auto_aof_rewrite_min_size: c.autoAofRewriteMinSize,
      aof_load_truncated: c.aofLoadTruncated, save: c.save, dbfilename: c.dbfilename, stop_writes_on_bgsave_error: c.stopWritesOnBgsaveError,
      client_output_buffer_limit: c.clientOutputBufferLimit, enable_debug_command: c.enableDebugCommand, enable_protected_configs: c.enableProtectedConfigs,
      list_max_listpack_size: c.listMaxListpackSize, hash_max_listpack_entries: c.hashMaxListpackEntries, hash_max_listpack_value: c.hashMaxListpackValue,
      zset_max_listpack_entries: c.zsetMaxListpackEntries, zset_max_listpack_value: c.zsetMaxListpackValue, set_max_intset_entries: c.setMaxIntsetEntries,
      stream_node_max_bytes: c.streamNodeMaxBytes, stream_node_max_entries: c.streamNodeMaxEntries,
      'http.port': c.http.port, 'http.bind': c.http.bind, 'http.enabled': c.http.enabled,
      'http.auth_token': c.http.authToken, 'http.body_limit': c.http.bodyLimit, 'http.request_timeout_ms': c.http.requestTimeoutMs,
      'http.headers_timeout_ms': c.http.headersTimeoutMs, 'http.rate_limit': c.http.rateLimit, 'http.trust_proxy': c.http.trustProxy, 'http.tls': c.http.tls,
      'cluster.gossip_port': c.cluster.gossipPort, 'cluster.seeds': c.cluster.seeds.join(','), 'cluster.name': c.cluster.name,
      'cluster.secret': c.cluster.secrets.join(','), 'cluster.insecure': c.cluster.insecure, 'cluster.profile': c.cluster.profile, 'cluster.announce_host': c.cluster.announceHost,
      'cluster.mode': c.cluster.mode, 'cluster.tokens': c.cluster.tokens, 'cluster.forward_timeout_ms': c.cluster.forwardTimeoutMs,
      'cluster.handoff_timeout_ms': c.cluster.handoffTimeoutMs, 'cluster.replicas': c.cluster.replicas, 'cluster.replica_reads': c.cluster.replicaReads,
      'cluster.migration_flip_delay_ms': c.cluster.migrationFlipDelayMs,
      'replication.mode': c.replication.mode, 'replication.sync_timeout_ms': c.replication.syncTimeoutMs,
    };
    for (const [k, v] of Object.entries(fields)) expect(v, k).toBe(c.values[k]);
    // All but node_id, checked above, cluster.secret_file (read into cluster.secrets) and the no-effect `redis` section, which Config leaves out.
    expect(Object.keys(fields).length).toBe(PARAMS.filter((p) => !p.path.startsWith('redis.')).length - 2);
  });
});

describe('loadConfig: precedence defaults -> file -> env -> flags', () => {
  const yaml = 'port: 7000\nhz: 20\nhttp:\n  port: 9100\n';

  it('lets each layer override the one before, key by key', () => {
    const c = withFile(yaml, ['--port', '7002'], { RINGCACHE_PORT: '7001', RINGCACHE_HZ: '30' });
    expect(c.port).toBe(7002); // flag beats env and file
    expect(c.hz).toBe(30); // env beats file
    expect(c.http.port).toBe(9100); // file beats default
    expect(c.databases).toBe(16); // default
    expect(c.file).toBe('c.yaml');
  });

  it('falls back layer by layer', () => {
    expect(withFile(yaml, [], { RINGCACHE_PORT: '7001' }).port).toBe(7001);
    expect(withFile(yaml).port).toBe(7000);
    expect(load([]).port).toBe(8080);
  });

  it('accepts --flag=value and --config=FILE', () => {
    const c = load(['--config=c.yaml', '--maxmemory=2mb'], {}, { 'c.yaml': 'hz: 40\n' });
    expect(c.hz).toBe(40);
    expect(c.maxmemory).toBe(2 * 1024 * 1024);
  });

  it('maps env names with dots and underscores', () => {
    const c = load([], { RINGCACHE_HTTP_PORT: '9999', RINGCACHE_MAXMEMORY_POLICY: 'allkeys-lru', RINGCACHE_HTTP_ENABLED: 'no', RINGCACHE_UNRELATED: 'x' });
    expect(c.http.port).toBe(9999);
    expect(c.maxmemoryPolicy).toBe('allkeys-lru');
    expect(c.http.enabled).toBe(false);
    expect(envName(PARAM_BY_PATH.get('http.port') as Param)).toBe('RINGCACHE_HTTP_PORT');
    expect(flagName(PARAM_BY_PATH.get('maxmemory_policy') as Param)).toBe('maxmemory-policy');
  });

  it('reads a real file when no readFile is injected', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-config-'));
    try {
      const file = path.join(dir, 'node.yaml');
      writeFileSync(file, 'port: 7100\nmaxmemory: 1gb\n');
      const c = loadConfig({ argv: ['--config', file], env: {} });
      expect(c.port).toBe(7100);
      expect(c.maxmemory).toBe(1024 ** 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig: value types', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['512', 512],
    ['1b', 1],
    ['1k', 1000],
    ['1kb', 1024],
    ['1m', 1000 ** 2],
    ['1mb', 1024 ** 2],
    ['100mb', 100 * 1024 ** 2],
    ['1g', 1000 ** 3],
    ['1gb', 1024 ** 3],
    ['2GB', 2 * 1024 ** 3],
    ['1Kb', 1024],
  ])('memory %s = %i bytes (flag, env and file agree)', (text, bytes) => {
    expect(load(['--maxmemory', text]).maxmemory).toBe(bytes);
    expect(load([], { RINGCACHE_MAXMEMORY: text }).maxmemory).toBe(bytes);
    expect(withFile(`maxmemory: ${text}\n`).maxmemory).toBe(bytes);
  });

  it('parseMemory rejects what is not a size', () => {
    for (const bad of ['', 'mb', '1tb', '1.5mb', '-1', '1 m b', 'ten', '0x10']) expect(parseMemory(bad), bad).toBeNull();
    expect(parseMemory(' 3kb ')).toBe(3072);
  });

  it('refuses malformed sizes and sizes outside the bounds, naming the key', () => {
    expect(loadError(['--maxmemory', '1.5mb'])).toBe('flag --maxmemory: maxmemory: expected a size like 100mb, got "1.5mb"');
    expect(loadError(['--maxmemory', '-1'])).toContain('maxmemory: expected a size');
    expect(fileError('maxmemory: -5\n')).toBe('c.yaml: maxmemory: -5 is below the minimum 0');
    expect(loadError(['--proto-max-bulk-len', '1kb'])).toBe('flag --proto-max-bulk-len: proto_max_bulk_len: 1024 is below the minimum 1048576');
  });

  it.each<[string, boolean]>([
    ['yes', true],
    ['no', false],
    ['true', true],
    ['false', false],
    ['YES', true],
    ['False', false],
  ])('bool %s', (text, value) => {
    expect(load(['--http-enabled', text]).http.enabled).toBe(value);
    expect(load([], { RINGCACHE_HTTP_ENABLED: text }).http.enabled).toBe(value);
    expect(withFile(`http:\n  enabled: ${text}\n`).http.enabled).toBe(value);
  });

  it('refuses non-booleans', () => {
    expect(loadError(['--http-enabled', 'maybe'])).toBe('flag --http-enabled: http.enabled: expected yes/no, got "maybe"');
    expect(fileError('http:\n  enabled: 1\n')).toBe('c.yaml: http.enabled: expected yes/no, got 1');
  });

  it('enums are case-insensitive and refuse other values, listing the choices', () => {
    expect(load(['--maxmemory-policy', 'ALLKEYS-LRU']).maxmemoryPolicy).toBe('allkeys-lru');
    expect(withFile('loglevel: Debug\n').loglevel).toBe('debug');
    const msg = loadError(['--maxmemory-policy', 'lru']);
    expect(msg).toBe(
      'flag --maxmemory-policy: maxmemory_policy: expected one of volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction, got "lru"',
    );
    expect(fileError('loglevel: 3\n')).toContain('c.yaml: loglevel: expected one of debug, verbose, notice, warning, trace,');
  });

  it('ints: strings and YAML numbers, bounds inclusive', () => {
    expect(load(['--databases', '1']).databases).toBe(1);
    expect(load(['--databases', '1024']).databases).toBe(1024);
    expect(withFile('databases: 32\n').databases).toBe(32);
    expect(load(['--slowlog-log-slower-than', '-1']).slowlogLogSlowerThan).toBe(-1);
    expect(load(['--port', '0']).port).toBe(0);
    expect(load(['--port', '65535', '--http-port', '9080', '--cluster-gossip-port', '7946']).port).toBe(65535);
  });

  it('ints: refuses out-of-range, fractional and non-numeric values', () => {
    expect(loadError(['--databases', '0'])).toBe('flag --databases: databases: 0 is below the minimum 1');
    expect(loadError(['--databases', '1025'])).toBe('flag --databases: databases: 1025 is above the maximum 1024');
    expect(loadError(['--port', '65536'])).toBe('flag --port: port: 65536 is above the maximum 65535');
    expect(loadError(['--hz', 'ten'])).toBe('flag --hz: hz: expected an integer, got "ten"');
    expect(loadError([], { RINGCACHE_HZ: '1.5' })).toBe('env RINGCACHE_HZ: hz: expected an integer, got "1.5"');
    expect(loadError([], { RINGCACHE_HZ: '' })).toBe('env RINGCACHE_HZ: hz: expected an integer, got ""');
    expect(fileError('hz: 10.5\n')).toBe('c.yaml: hz: expected an integer, got 10.5');
    expect(fileError('hz: true\n')).toBe('c.yaml: hz: expected an integer, got true');
    expect(loadError(['--timeout', '99999999999999999999'])).toContain('timeout: expected an integer');
  });

  it('strings: YAML numbers become text, other shapes are refused', () => {
    expect(withFile('requirepass: 1234\n').requirepass).toBe('1234');
    expect(withFile('bind: "0.0.0.0"\ncluster:\n  insecure: yes\n').bind).toBe('0.0.0.0');
    expect(fileError('bind: [a, b]\n')).toBe('c.yaml: bind: expected a string, got ["a","b"]');
    expect(fileError('bind:\n')).toBe('c.yaml: bind: expected a string, got null');
  });
});

describe('loadConfig: unknown keys, bad files, bad flags', () => {
  it('names an unknown top-level key in one line', () => {
    expect(fileError('port: 1\nprot: 2\n')).toBe("c.yaml: unknown key 'prot'");
  });

  it('names an unknown nested key with its full path', () => {
    expect(fileError('http:\n  port: 9000\n  prt: 1\n')).toBe("c.yaml: unknown key 'http.prt'");
    expect(fileError('http:\n  tlz:\n    cert: x\n')).toBe("c.yaml: unknown key 'http.tlz'");
  });

  it('suggests the schema spelling for Redis-style dashed keys', () => {
    expect(fileError('maxmemory-policy: allkeys-lru\n')).toBe("c.yaml: unknown key 'maxmemory-policy' (did you mean 'maxmemory_policy'?)");
    expect(fileError('http-port: 1\n')).toBe("c.yaml: unknown key 'http-port' (did you mean 'http.port'?)");
  });

  it('refuses a section that is not a mapping, and a document that is not one', () => {
    expect(fileError('http: 9000\n')).toBe('c.yaml: http: expected a mapping');
    expect(fileError('just text\n')).toBe('c.yaml: document: expected a mapping');
    expect(fileError('- port\n')).toBe('c.yaml: document: expected a mapping');
  });

  it('accepts an empty or comment-only file', () => {
    expect(withFile('').port).toBe(8080);
    expect(withFile('# nothing here\n').port).toBe(8080);
  });

  it('reports invalid YAML in one line', () => {
    expect(fileError('port: [1,\n')).toMatch(/^c\.yaml: invalid YAML: /);
    expect(fileError('port: 1\nport: 2\n')).toBe('c.yaml: invalid YAML: Map keys must be unique at line 2, column 1');
    expect(fileError('a: b: c\n')).toMatch(/^c\.yaml: invalid YAML: /);
  });

  it('reports an unreadable file with the cause', () => {
    expect(loadError(['--config', 'missing.yaml'])).toBe('cannot read config file missing.yaml: ENOENT');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-config-'));
    try {
      expect(() => loadConfig({ argv: ['--config', dir], env: {} })).toThrow(`cannot read config file ${dir}: EISDIR`);
      expect(() => loadConfig({ argv: ['--config', path.join(dir, 'nope.yaml')], env: {} })).toThrow('ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unknown flag, with a hint for underscore and dot spellings', () => {
    expect(loadError(['--prot', '1'])).toBe('unknown flag --prot');
    expect(loadError(['--maxmemory_policy', 'allkeys-lru'])).toBe('unknown flag --maxmemory_policy (did you mean --maxmemory-policy?)');
    expect(loadError(['--http.port', '1'])).toBe('unknown flag --http.port (did you mean --http-port?)');
  });

  it('reports an unknown flag even when the file is broken too', () => {
    expect(loadError(['--config', 'missing.yaml', '--prot', '1'])).toBe('unknown flag --prot');
  });

  it('refuses positional arguments and flags without a value', () => {
    expect(loadError(['8080'])).toBe("unexpected argument '8080' (flags look like --port 8080)");
    expect(loadError(['--port'])).toBe('flag --port needs a value');
    expect(loadError(['--config'])).toBe('flag --config needs a value');
  });
});

describe('loadConfig: cross-field validation', () => {
  it('refuses the HTTP port equal to the RESP port on the same address', () => {
    expect(loadError(['--port', '7000', '--http-port', '7000'])).toBe('http.port: 7000 is the same as port');
  });

  it('treats a wildcard bind as overlapping every address', () => {
    expect(loadError(['--port', '7000', '--http-port', '7000', '--bind', '0.0.0.0'])).toBe('http.port: 7000 is the same as port');
    expect(loadError(['--port', '7000', '--http-port', '7000', '--http-bind', '::'])).toBe('http.port: 7000 is the same as port');
  });

  it('allows equal ports on distinct addresses, with HTTP disabled, or both ephemeral', () => {
    expect(load(['--port', '7000', '--http-port', '7000', '--http-bind', '127.0.0.2']).http.port).toBe(7000);
    expect(load(['--port', '7000', '--http-port', '7000', '--http-enabled', 'no']).port).toBe(7000);
    expect(load(['--port', '0', '--http-port', '0']).port).toBe(0);
  });

  it('refuses an HTTP headers timeout above the whole-request timeout, unless that one is off', () => {
    expect(loadError(['--http-request-timeout-ms', '5000', '--http-headers-timeout-ms', '6000'])).toBe('http.headers_timeout_ms: 6000 is above http.request_timeout_ms (5000)');
    expect(load(['--http-request-timeout-ms', '0', '--http-headers-timeout-ms', '60000']).http.headersTimeoutMs).toBe(60_000);
    expect(load(['--http-body-limit', '2mb', '--http-auth-token', 's3cret']).http).toMatchObject({ bodyLimit: 2 * 1024 * 1024, authToken: 's3cret' });
    expect(loadError(['--http-auth-token', 'a b'])).toBe('flag --http-auth-token: http.auth_token: must be printable ASCII without spaces');
  });

  it('refuses node ids with characters outside [A-Za-z0-9_.-] or longer than 64', () => {
    expect(loadError(['--node-id', 'a b'])).toBe("node_id: 'a b' may only use letters, digits, '_', '.', '-' (max 64)");
    expect(loadError(['--node-id', 'x'.repeat(65)])).toContain('node_id:');
    expect(load(['--node-id', 'n-1.a_b']).nodeId).toBe('n-1.a_b');
  });

  it('freezeConfig validates values assembled by hand', () => {
    const values: Record<string, ConfigValue> = {};
    for (const p of PARAMS) values[p.path] = p.default;
    values['http.port'] = 8080;
    expect(() => freezeConfig(values)).toThrow(ConfigError);
  });
});

describe('localConfig', () => {
  it('uses ephemeral ports, no log file, quiet logs and a fixed id', () => {
    const c = localConfig();
    expect(c.port).toBe(0);
    expect(c.http.port).toBe(0);
    expect(c.logDir).toBe('');
    expect(c.loglevel).toBe('warn');
    expect(c.nodeId).toBe('test');
    expect(c.maxmemory).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('applies overrides by schema path, coercing them like any source', () => {
    const c = localConfig({ maxmemory: '1mb', 'http.enabled': false, requirepass: 'pw', maxmemory_policy: 'ALLKEYS-LRU', hz: 50 });
    expect(c.maxmemory).toBe(1024 * 1024);
    expect(c.http.enabled).toBe(false);
    expect(c.requirepass).toBe('pw');
    expect(c.maxmemoryPolicy).toBe('allkeys-lru');
    expect(c.hz).toBe(50);
  });

  it('refuses unknown paths and bad values', () => {
    expect(() => localConfig({ 'maxmemory-policy': 'allkeys-lru' })).toThrow("localConfig: unknown key 'maxmemory-policy' (did you mean 'maxmemory_policy'?)");
    expect(() => localConfig({ timeout: -1 })).toThrow('localConfig: timeout: -1 is below the minimum 0');
    expect(() => localConfig({ databases: 'many' })).toThrow(ConfigError);
  });
});

describe('cluster secret: closed by default (issue 17)', () => {
  it('refuses a non-loopback gossip bind without a secret, saying how to set one', () => {
    for (const bind of ['0.0.0.0', '::', '10.1.2.3', 'myhost']) {
      expect(loadError(['--bind', bind])).toMatch(new RegExp(`^cluster.secret: gossip binds ${bind.replace(/\./g, '\\.')}, which other machines can reach, and no cluster secret is set.*cluster.insecure: yes`));
    }
  });

  it('starts with a secret (file, env, flag), with cluster.insecure, or on loopback', () => {
    expect(withFile('bind: 0.0.0.0\ncluster:\n  secret: s1,s0\n').cluster.secrets).toEqual(['s1', 's0']);
    expect(load(['--bind', '0.0.0.0'], { RINGCACHE_CLUSTER_SECRET: 'e' }).cluster.secrets).toEqual(['e']);
    expect(load(['--bind', '0.0.0.0', '--cluster-insecure', 'yes']).cluster).toMatchObject({ secrets: [], insecure: true });
    for (const bind of ['127.0.0.1', '127.8.9.10', '::1', 'localhost']) expect(load(['--bind', bind]).cluster.secrets).toEqual([]);
  });

  it('reads cluster.secret_file (a keyring, one secret per line or comma-separated) unless cluster.secret is set', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-secret-'));
    try {
      const f = path.join(dir, 'cluster.secret');
      writeFileSync(f, 'new-one\nold-one\n');
      expect(load(['--bind', '0.0.0.0', '--cluster-secret-file', f]).cluster.secrets).toEqual(['new-one', 'old-one']);
      expect(load(['--cluster-secret-file', f, '--cluster-secret', 'inline']).cluster.secrets).toEqual(['inline']);
      writeFileSync(f, '\n');
      expect(loadError(['--cluster-secret-file', f])).toBe(`cluster.secret_file: ${f} is empty`);
      expect(loadError(['--cluster-secret-file', path.join(dir, 'missing')])).toMatch(/^cluster.secret_file: cannot read .*missing \(ENOENT\); create it with 'openssl rand -hex 32 > /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cluster settings', () => {
  it('has cluster defaults: gossip on port + 10000, no seeds, proxy mode, 1024 tokens', () => {
    const c = load([]);
    expect(c.cluster).toEqual({
      gossipPort: 18080,
      seeds: [],
      name: 'ringcache',
      secrets: [],
      profile: 'lan',
      announceHost: '',
      mode: 'proxy',
      tokens: 1024,
      forwardTimeoutMs: 5000,
      handoffTimeoutMs: 30_000,
      migrationFlipDelayMs: 0,
      insecure: false,
      replicas: 1,
      replicaReads: 'readonly',
    });
  });

  it('reads seeds as a YAML sequence, a comma-separated string, a flag and env', () => {
    expect(withFile('cluster:\n  seeds:\n    - 127.0.0.1:7947\n    - "h2:7948"\n').cluster.seeds).toEqual(['127.0.0.1:7947', 'h2:7948']);
    expect(withFile('cluster:\n  seeds: "a:1, b:2,"\n').cluster.seeds).toEqual(['a:1', 'b:2']);
    expect(load(['--cluster-seeds', 'a:1,b:2']).cluster.seeds).toEqual(['a:1', 'b:2']);
    expect(load([], { RINGCACHE_CLUSTER_SEEDS: 'x:9' }).cluster.seeds).toEqual(['x:9']);
    expect(withFile('cluster:\n  seeds: []\n').cluster.seeds).toEqual([]);
  });

  it('refuses a seed that is not host:port, and a list of mappings', () => {
    expect(loadError(['--cluster-seeds', 'a:1,nohost'])).toBe("flag --cluster-seeds: cluster.seeds: 'nohost' is not host:port");
    expect(loadError(['--cluster-seeds', 'a:70000'])).toMatch(/'a:70000' is not host:port/);
    expect(fileError('cluster:\n  seeds:\n    - {a: 1}\n')).toMatch(/expected a list/);
  });

  it('splits the secret into a keyring and checks the gossip port against the others', () => {
    expect(load(['--cluster-secret', 'new, old']).cluster.secrets).toEqual(['new', 'old']);
    expect(loadError(['--port', '7000', '--cluster-gossip-port', '7000'])).toBe('cluster.gossip_port: 7000 is the same as port');
    expect(loadError(['--http-port', '7001', '--cluster-gossip-port', '7001'])).toBe('cluster.gossip_port: 7001 is the same as http.port');
    expect(load(['--cluster-mode', 'redirect', '--cluster-profile', 'fast']).cluster).toMatchObject({ mode: 'redirect', profile: 'fast' });
  });
});

describe('default ports derive from the RESP port (DESIGN "Ports")', () => {
  it('HTTP = port + 1000 and gossip = port + 10000 when unset, so nodes run side by side with only --port', () => {
    const a = load(['--port', '6380']);
    const b = load(['--port', '6381']);
    expect([a.port, a.http.port, a.cluster.gossipPort]).toEqual([6380, 7380, 16380]);
    expect([b.port, b.http.port, b.cluster.gossipPort]).toEqual([6381, 7381, 16381]);
    expect(a.values['http.port']).toBe(7380);
    expect(withFile('port: 7000\n').cluster.gossipPort).toBe(17000);
    expect(load([], { RINGCACHE_PORT: '7100' }).http.port).toBe(8100);
  });

  it('an explicit value always wins, from any source', () => {
    expect(load(['--port', '6380', '--http-port', '9000']).http.port).toBe(9000);
    expect(load(['--port', '6380'], { RINGCACHE_CLUSTER_GOSSIP_PORT: '7946' }).cluster.gossipPort).toBe(7946);
    expect(withFile('port: 6380\nhttp:\n  port: 9080\ncluster:\n  gossip_port: 7946\n').cluster).toMatchObject({ gossipPort: 7946 });
    expect(withFile('port: 6380\nhttp:\n  port: 9080\n').http.port).toBe(9080);
  });

  it('port 0 keeps both at 0 (each picks a free port)', () => {
    const c = load(['--port', '0']);
    expect([c.http.port, c.cluster.gossipPort]).toEqual([0, 0]);
  });

  it('refuses a derived port past 65535, naming what to set; a disabled HTTP API needs none', () => {
    expect(loadError(['--port', '65000'])).toBe('http.port: port + 1000 = 66000 is above 65535; set http.port explicitly');
    expect(loadError(['--port', '65000', '--http-port', '9080'])).toBe('cluster.gossip_port: port + 10000 = 75000 is above 65535; set cluster.gossip_port explicitly');
    expect(load(['--port', '64000', '--http-enabled', 'no', '--cluster-gossip-port', '7946']).port).toBe(64000);
  });

  it('records which paths a source set', () => {
    const c = withFile('hz: 20\n', ['--port', '7000'], { RINGCACHE_MAXMEMORY: '1mb' });
    expect([...c.explicit].sort()).toEqual(['hz', 'maxmemory', 'port']);
    expect(load([]).explicit).toEqual([]);
  });
});

describe('Redis compatibility parameters', () => {
  it('live in the redis section of the file, and as --redis-* flags and RINGCACHE_REDIS_* env', () => {
    const c = withFile('redis:\n  repl_timeout: 30\n  replica_read_only: no\n  server_cpulist: "0-3"\n', ['--redis-tcp-keepalive', '60'], { RINGCACHE_REDIS_ACTIVEREHASHING: 'no' });
    expect(c.values['redis.repl_timeout']).toBe(30);
    expect(c.values['redis.replica_read_only']).toBe(false);
    expect(c.values['redis.server_cpulist']).toBe('0-3');
    expect(c.values['redis.tcp_keepalive']).toBe(60);
    expect(c.values['redis.activerehashing']).toBe(false);
  });

  it("are validated with Redis's rules at start-up too", () => {
    expect(fileError('redis:\n  repl_timeout: 0\n')).toBe('c.yaml: redis.repl_timeout: 0 is below the minimum 1');
    expect(loadError(['--redis-oom-score-adj-values', '1 2'])).toBe('flag --redis-oom-score-adj-values: redis.oom_score_adj_values: wrong number of arguments');
    expect(fileError('redis:\n  no_such_thing: 1\n')).toBe("c.yaml: unknown key 'redis.no_such_thing'");
  });

  it('the encoding thresholds and switches are top-level (they have an effect)', () => {
    const c = withFile('list_max_listpack_size: 128\nset_max_intset_entries: 1000\nenable_debug_command: local\n');
    expect(c.listMaxListpackSize).toBe(128);
    expect(c.setMaxIntsetEntries).toBe(1000);
    expect(c.enableDebugCommand).toBe('local');
    expect(load([]).enableDebugCommand).toBe('no');
  });

  it('read numbers with Redis syntax: no leading zeros, but surrounding spaces are fine in files', () => {
    expect(loadError(['--hz', '010'])).toBe('flag --hz: hz: expected an integer, got "010"');
    expect(load(['--hz', ' 20 ']).hz).toBe(20);
    expect(load(['--hz', '1000']).hz).toBe(500); // clamped, as Redis does
    expect(load(['--save', '900 1']).save).toBe('900 1');
    expect(loadError(['--save', '0 1'])).toBe('flag --save: save: Invalid save parameters');
  });
});

describe('client_output_buffer_limit and its pubsub spelling', () => {
  it('keeps client_output_buffer_limit_pubsub equal to the pubsub class, whichever was set', () => {
    const d = load([]);
    expect(d.clientOutputBufferLimit).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(d.clientOutputBufferLimitPubsub).toBe('33554432 8388608 60');
    const whole = load(['--client-output-buffer-limit', 'pubsub 1mb 512kb 10 replica 1gb 0 0']);
    expect(whole.clientOutputBufferLimit).toBe('normal 0 0 0 slave 1073741824 0 0 pubsub 1048576 524288 10');
    expect(whole.clientOutputBufferLimitPubsub).toBe('1048576 524288 10');
    const part = withFile('client_output_buffer_limit_pubsub: 64mb 16mb 90\n');
    expect(part.clientOutputBufferLimitPubsub).toBe('67108864 16777216 90');
    expect(part.clientOutputBufferLimit).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90');
  });

  it('refuses both set and disagreeing', () => {
    expect(loadError(['--client-output-buffer-limit', 'pubsub 1mb 1mb 1', '--client-output-buffer-limit-pubsub', '2mb 2mb 2'])).toBe(
      "client_output_buffer_limit_pubsub: '2097152 2097152 2' disagrees with the pubsub class of client_output_buffer_limit ('1048576 1048576 1'); set only one",
    );
    expect(load(['--client-output-buffer-limit', 'pubsub 1mb 1mb 1', '--client-output-buffer-limit-pubsub', '1048576 1mb 1']).clientOutputBufferLimitPubsub).toBe('1048576 1048576 1');
  });
});
