// Observability on a live node: INFO and /metrics agree, promtool accepts the metrics and rules, logs are clean NDJSON Filebeat can map, compose config is valid.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { redisCli, REPO_ROOT, run, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { parseExposition, sampleValue, type Sample } from '../testing/prom.js';
import { createLogger } from './logger.js';

const PASSWORD = 'S3cretPw-obs';
const TOKEN = 'T0kenXyz-obs';
/** Values written over RESP and HTTP: none may appear in any log line. */
const VALUES = ['v4lue-secret-resp', 'v4lue-secret-http', 'v4lue-secret-ttl'];
const WRONG_PASSWORD = 'WrongPw-obs';

let node: SpawnedNode;

async function cli(args: string[]): Promise<string> {
  const r = await redisCli(node.port, ['-a', PASSWORD, '--no-auth-warning', ...args]);
  if (r.code !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${node.httpPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parseExposition(text) };
}

/**
 * A scrape taken once the node has seen every earlier RESP connection close (it learns of a
 * client's close asynchronously, so a scrape right after a command may still count it).
 */
async function scrapeWhenNoClients(): Promise<{ text: string; samples: Sample[] }> {
  let s = await scrape();
  await waitUntil(
    async () => {
      s = await scrape();
      return sampleValue(s.samples, 'ringcache_connected_clients', {}) === 0;
    },
    5000,
    'earlier client connections to be closed on the server',
  );
  return s;
}

function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (line.startsWith('#') || i < 0) continue;
    out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

function infoNum(info: Map<string, string>, key: string): number {
  const v = info.get(key);
  if (v === undefined) throw new Error(`INFO has no ${key}`);
  return Number(v);
}

/** `keys=3,expires=1,avg_ttl=0` -> { keys: 3, expires: 1, ... }. */
function infoFields(v: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (v ?? '').split(',')) {
    const [k, n] = part.split('=');
    if (k !== undefined && n !== undefined) out[k] = Number(n);
  }
  return out;
}

beforeAll(async () => {
  node = await spawnNode({
    args: ['--appendonly', 'yes', '--appendfsync', 'always', '--loglevel', 'debug', '--requirepass', PASSWORD, '--http-auth-token', TOKEN, '--maxmemory', '64mb'],
  });
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${node.httpPort}/ready`)).status === 200, 15_000, 'node ready');
  // Some of everything: writes with and without TTL, hits, misses, a hash, an error, a wrong password.
  await cli(['SET', 'k1', VALUES[0] as string]);
  await cli(['SET', 'k2', VALUES[2] as string, 'EX', '100']);
  await cli(['GET', 'k1']);
  await cli(['GET', 'nope']);
  await cli(['HSET', 'h', 'f', 'v']);
  await cli(['SELECT', '3']);
  await cli(['-n', '3', 'SET', 'db3key', 'x', 'PX', '100000']);
  await cli(['INCR', 'k1']).catch(() => undefined);
  await redisCli(node.port, ['-a', WRONG_PASSWORD, '--no-auth-warning', 'PING']);
  const put = await fetch(`http://127.0.0.1:${node.httpPort}/api/cache/httpkey`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-request-id': 'obs-req-1' },
    body: JSON.stringify({ value: VALUES[1], ttl_seconds: 100 }),
  });
  expect(put.status).toBeLessThan(300);
  expect((await fetch(`http://127.0.0.1:${node.httpPort}/api/cache/httpkey`, { headers: { authorization: `Bearer wrong-${TOKEN}` } })).status).toBe(401);
  await cli(['BGREWRITEAOF']);
  await waitUntil(async () => parseInfo(await cli(['INFO', 'persistence'])).get('aof_rewrite_in_progress') === '0' && parseInfo(await cli(['INFO', 'persistence'])).get('aof_rewrites') === '1', 15_000, 'AOF rewrite');
  await cli(['BGSAVE']);
  await waitUntil(async () => parseInfo(await cli(['INFO', 'persistence'])).get('rdb_saves') === '1', 15_000, 'BGSAVE');
});

afterAll(async () => {
  await node?.stop();
});

describe('INFO and /metrics', () => {
  it('agree on every figure both report (exactly where nothing ran in between, within INFO before/after for running totals)', async () => {
    await scrapeWhenNoClients();
    const before = parseInfo(await cli(['INFO', 'everything']));
    const { samples } = await scrapeWhenNoClients();
    const after = parseInfo(await cli(['INFO', 'everything']));
    const m = (name: string, labels: Record<string, string> = {}): number => {
      const v = sampleValue(samples, name, labels);
      if (v === undefined) throw new Error(`no ${name} ${JSON.stringify(labels)} in /metrics`);
      return v;
    };
    // Unchanged between the two INFO calls (they only read): must be equal.
    const exact: [string, number][] = [
      ['maxmemory', m('ringcache_memory_max_bytes')],
      ['used_memory_dataset', m('ringcache_memory_used_dataset_bytes')],
      ['keyspace_hits', m('ringcache_keyspace_hits_total')],
      ['keyspace_misses', m('ringcache_keyspace_misses_total')],
      ['expired_keys', m('ringcache_expired_keys_total')],
      ['evicted_keys', m('ringcache_evicted_keys_total')],
      ['rejected_connections', m('ringcache_rejected_connections_total')],
      ['blocked_clients', m('ringcache_blocked_clients')],
      ['rdb_changes_since_last_save', m('ringcache_rdb_changes_since_last_save')],
      ['rdb_last_save_time', m('ringcache_rdb_last_save_timestamp_seconds')],
      ['rdb_saves', m('ringcache_rdb_saves_total')],
      ['rdb_bgsave_in_progress', m('ringcache_rdb_bgsave_in_progress')],
      ['aof_enabled', m('ringcache_aof_enabled')],
      ['aof_current_size', m('ringcache_aof_current_size_bytes')],
      ['aof_base_size', m('ringcache_aof_base_size_bytes')],
      ['aof_rewrites', m('ringcache_aof_rewrites_total')],
      ['aof_rewrite_in_progress', m('ringcache_aof_rewrite_in_progress')],
    ];
    for (const [key, metric] of exact) {
      expect(infoNum(before, key), `INFO ${key} before`).toBe(infoNum(after, key));
      expect(metric, `/metrics for INFO ${key}`).toBe(infoNum(before, key));
    }
    expect(m('ringcache_aof_last_write_status')).toBe(before.get('aof_last_write_status') === 'ok' ? 1 : 0);
    expect(m('ringcache_aof_last_bgrewrite_status')).toBe(before.get('aof_last_bgrewrite_status') === 'ok' ? 1 : 0);
    expect(m('ringcache_rdb_last_bgsave_status')).toBe(before.get('rdb_last_bgsave_status') === 'ok' ? 1 : 0);
    // Durations: INFO rounds to seconds, /metrics does not.
    expect(Math.round(m('ringcache_aof_last_rewrite_duration_seconds'))).toBe(infoNum(before, 'aof_last_rewrite_time_sec'));
    expect(Math.round(m('ringcache_rdb_last_bgsave_duration_seconds'))).toBe(infoNum(before, 'rdb_last_bgsave_time_sec'));
    // Running totals the INFO calls themselves move: before <= metric <= after.
    const between: [string, number][] = [
      ['total_commands_processed', m('ringcache_commands_processed_total')],
      ['total_net_input_bytes', m('ringcache_net_input_bytes_total')],
      ['total_net_output_bytes', m('ringcache_net_output_bytes_total')],
      ['total_connections_received', m('ringcache_connections_received_total')],
      ['total_error_replies', m('ringcache_errors_total')],
      ['uptime_in_seconds', m('ringcache_uptime_in_seconds')],
    ];
    for (const [key, metric] of between) {
      expect(metric, `/metrics for INFO ${key}`).toBeGreaterThanOrEqual(infoNum(before, key));
      expect(metric, `/metrics for INFO ${key}`).toBeLessThanOrEqual(infoNum(after, key));
    }
    // Each INFO runs on its own connection, counted while it runs; /metrics is read in between.
    expect(m('ringcache_connected_clients')).toBe(infoNum(before, 'connected_clients') - 1);
    // Keyspace: keys and keys with a TTL per database.
    for (const db of [0, 3]) {
      const f = infoFields(before.get(`db${db}`));
      expect(m('ringcache_db_keys', { db: String(db) }), `db${db} keys`).toBe(f['keys']);
      expect(m('ringcache_db_keys_expiring', { db: String(db) }), `db${db} expires`).toBe(f['expires']);
    }
    // Commandstats: calls, usec, rejected and failed calls per command; INFO itself is the one that moves.
    for (const cmd of ['set', 'get', 'hset', 'incr', 'auth', 'bgsave']) {
      const f = infoFields(before.get(`cmdstat_${cmd}`));
      expect(f['calls'], `cmdstat_${cmd}`).toBeGreaterThan(0);
      expect(m('ringcache_commands_total', { cmd }), `${cmd} calls`).toBe(f['calls']);
      expect(m('ringcache_commands_rejected_calls_total', { cmd }), `${cmd} rejected`).toBe(f['rejected_calls']);
      expect(m('ringcache_commands_failed_calls_total', { cmd }), `${cmd} failed`).toBe(f['failed_calls']);
      expect(Math.round(m('ringcache_commands_duration_seconds_total', { cmd }) * 1e6), `${cmd} usec`).toBe(f['usec']);
      expect(m('ringcache_command_duration_seconds_count', { cmd }), `${cmd} histogram count`).toBe(f['calls']);
    }
    const infoCalls = (i: Map<string, string>): number => infoFields(i.get('cmdstat_info'))['calls'] ?? 0;
    expect(m('ringcache_commands_total', { cmd: 'info' })).toBeGreaterThanOrEqual(infoCalls(before));
    expect(m('ringcache_commands_total', { cmd: 'info' })).toBeLessThanOrEqual(infoCalls(after));
    expect(m('ringcache_slowlog_length')).toBe(Number((await cli(['SLOWLOG', 'LEN'])).trim()));
    expect(m('ringcache_up')).toBe(1);
    expect(sampleValue(samples, 'ringcache_build_info', { version: before.get('ringcache_version') as string, redis_version: before.get('redis_version') as string })).toBe(1);
    // The AOF was fsynced (appendfsync always): the fsync histogram has observations.
    expect(m('ringcache_aof_fsync_duration_seconds_count')).toBeGreaterThan(0);
  });

  it('pass `promtool check metrics` without a complaint', async () => {
    const { text } = await scrape();
    const r = await run('promtool', ['check', 'metrics'], text);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });
});

/** A Go time layout (as Filebeat's timestamp processor takes) as a regular expression. */
function goLayoutRegex(layout: string): RegExp {
  const tokens: [string, string][] = [
    ['2006', '\\d{4}'],
    ['Z07:00', '(?:Z|[+-]\\d{2}:\\d{2})'],
    ['.999999999', '(?:\\.\\d{1,9})?'],
    ['.999999', '(?:\\.\\d{1,6})?'],
    ['.999', '(?:\\.\\d{1,3})?'],
    ['.000', '\\.\\d{3}'],
    ['01', '\\d{2}'],
    ['02', '\\d{2}'],
    ['15', '\\d{2}'],
    ['04', '\\d{2}'],
    ['05', '\\d{2}'],
  ];
  let out = '';
  let rest = layout;
  outer: while (rest.length > 0) {
    for (const [tok, re] of tokens) {
      if (rest.startsWith(tok)) {
        out += re;
        rest = rest.slice(tok.length);
        continue outer;
      }
    }
    out += rest[0]?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') ?? '';
    rest = rest.slice(1);
  }
  return new RegExp(`^${out}$`);
}

/** The value at a dotted path of a decoded line (`err.message`). */
function at(obj: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

interface FilebeatConfig {
  'filebeat.inputs': { type: string; id: string; paths: string[]; parsers: { ndjson?: { target: string; overwrite_keys: boolean } }[] }[];
  processors: Record<string, { field?: string; layouts?: string[]; test?: string[]; fields?: ({ from: string; to: string } | string)[] }>[];
  'setup.template.name': string;
  'setup.template.pattern': string;
  'setup.ilm.enabled': boolean;
  'output.elasticsearch': { index: string };
}

describe('logs', () => {
  let lines: Record<string, unknown>[] = [];
  let raw = '';

  beforeAll(async () => {
    const file = path.join(node.dir, 'logs', `test-${node.port}.log`);
    // The last HTTP request's line is written when its response finishes: wait for it.
    await waitUntil(() => (raw = readFileSync(file, 'utf8')).includes('"obs-req-1"'), 10_000, 'the request log line');
    lines = raw
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  it('are pino NDJSON with the node id, a component and structured fields; HTTP lines carry request ids', () => {
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) {
      expect(l['node']).toBe(`test-${node.port}`);
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(l['level']);
      expect(typeof l['time']).toBe('string');
      expect(typeof l['msg']).toBe('string');
    }
    const components = new Set(lines.map((l) => l['component']).filter((c) => c !== undefined));
    for (const c of ['node', 'http', 'persistence']) expect(components).toContain(c);
    const http = lines.filter((l) => l['component'] === 'http' && l['route'] !== undefined);
    expect(http.length).toBeGreaterThan(0);
    for (const l of http) expect(typeof l['reqId']).toBe('string');
    expect(http.find((l) => l['reqId'] === 'obs-req-1')).toMatchObject({ method: 'PUT', route: '/api/cache/*', statusCode: 200 });
  });

  it('never contain values, passwords or tokens', () => {
    for (const secret of [...VALUES, PASSWORD, WRONG_PASSWORD, TOKEN]) expect(raw).not.toContain(secret);
  });

  it('carry every field filebeat.yml maps, in the shapes its processors expect', () => {
    const fb = parse(readFileSync(path.join(REPO_ROOT, 'filebeat.yml'), 'utf8')) as FilebeatConfig;
    const input = fb['filebeat.inputs'][0];
    expect(input?.type).toBe('filestream');
    // The glob takes <node-id>.log and never a rotated <node-id>.log.N.
    const glob = /\$\{[A-Z_]+:(.*)\}/.exec(input?.paths[0] ?? '')?.[1] ?? input?.paths[0] ?? '';
    expect(path.basename(glob)).toBe('*.log');
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.logging.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    expect(compose.services['filebeat']?.volumes).toContain(`./logs:${path.dirname(glob)}:ro`);
    expect(input?.parsers[0]?.ndjson).toMatchObject({ target: '', overwrite_keys: true });

    const ts = fb.processors.find((p) => p['timestamp'] !== undefined)?.['timestamp'];
    expect(ts?.field).toBe('time');
    const layouts = (ts?.layouts ?? []).map(goLayoutRegex);
    for (const t of ts?.test ?? []) expect(layouts.some((re) => re.test(t)), `test value ${t}`).toBe(true);
    for (const l of lines) expect(layouts.some((re) => re.test(String(l['time']))), `time ${String(l['time'])}`).toBe(true);

    const renames = (fb.processors.find((p) => p['rename'] !== undefined)?.['rename']?.fields ?? []) as { from: string; to: string }[];
    expect(renames.find((r) => r.from === 'level')?.to).toBe('log.level');
    expect(renames.find((r) => r.from === 'msg')?.to).toBe('message');
    // Fields of every line, and of some lines (request ids), must exist in real output; pino's err.*
    // appear only on error lines, checked against a line logged with an Error below.
    const errorFields = renames.filter((r) => r.from.startsWith('err.'));
    for (const r of renames.filter((x) => !x.from.startsWith('err.'))) {
      expect(lines.some((l) => at(l, r.from) !== undefined), `some line has ${r.from}`).toBe(true);
    }
    const dir = path.join(node.dir, 'errline');
    const { log, close } = createLogger({ nodeId: 'x', level: 'info', logDir: dir, stdout: false });
    log.error({ component: 'test', err: new TypeError('boom') }, 'failed');
    close();
    const errLine = JSON.parse(readFileSync(path.join(dir, 'x.log'), 'utf8').trim()) as Record<string, unknown>;
    for (const r of errorFields) expect(typeof at(errLine, r.from), r.from).toBe('string');

    expect(fb['setup.template.name']).toBe('ringcache');
    expect(fb['setup.template.pattern']).toBe('ringcache-*');
    expect(fb['setup.ilm.enabled']).toBe(false);
    expect(fb['output.elasticsearch'].index.startsWith('ringcache-')).toBe(true);
  });
});

describe('stack configuration', () => {
  it('docker-compose.logging.yml passes `docker-compose config -q`, and refuses to run without a Grafana password', async () => {
    const file = path.join(REPO_ROOT, 'docker-compose.logging.yml');
    const env = { ...process.env, GRAFANA_ADMIN_PASSWORD: 'test-only' };
    const ok = await runEnv('docker-compose', ['-f', file, 'config', '-q'], env);
    expect(`${ok.stdout}${ok.stderr}`).toBe('');
    expect(ok.code).toBe(0);
    const noPw = { ...process.env };
    delete noPw['GRAFANA_ADMIN_PASSWORD'];
    const bad = await runEnv('docker-compose', ['-f', file, 'config', '-q'], noPw);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('GRAFANA_ADMIN_PASSWORD');
  });

  it('alert rules load and pass their promtool unit tests; prometheus.yml parses', async () => {
    const dir = path.join(REPO_ROOT, 'prometheus');
    const check = await run('promtool', ['check', 'rules', path.join(dir, 'alerts.yml')]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const tests = await run('promtool', ['test', 'rules', path.join(dir, 'alerts.test.yml')]);
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toContain('SUCCESS');
    const cfg = await run('promtool', ['check', 'config', '--syntax-only', path.join(dir, 'prometheus.yml')]);
    expect(cfg.code, cfg.stdout + cfg.stderr).toBe(0);
  });
});

async function runEnv(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
