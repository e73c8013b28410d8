// docker-compose.cluster.yml without an engine: `docker-compose config` accepts it, it refuses to run an open cluster, and its members' settings load in the real config loader.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../internal/config/load.js';
import { REPO_ROOT } from '../../internal/testing/harness.js';

const FILE = path.join(REPO_ROOT, 'docker-compose.cluster.yml');
const SECRETS = { RINGCACHE_CLUSTER_SECRET: 'test-only-secret', RINGCACHE_REQUIREPASS: 'test-only-pass', GRAFANA_ADMIN_PASSWORD: 'test-only' };

function compose(args: string[], env: NodeJS.ProcessEnv): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('docker-compose', ['-f', FILE, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

interface Service {
  environment?: Record<string, string>;
  profiles?: string[];
  ports?: { host_ip?: string; published?: string | number; target?: number }[] | string[];
  volumes?: unknown[];
}

describe('docker-compose.cluster.yml', () => {
  it('passes `docker-compose config -q` with and without the monitoring profile', () => {
    for (const extra of [[], ['--profile', 'monitoring']]) {
      const r = compose([...extra, 'config', '-q'], { ...process.env, ...SECRETS });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('refuses to start without a cluster secret or a password', () => {
    for (const missing of ['RINGCACHE_CLUSTER_SECRET', 'RINGCACHE_REQUIREPASS']) {
      const env: NodeJS.ProcessEnv = { ...process.env, ...SECRETS };
      delete env[missing];
      const r = compose(['config', '-q'], env);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(missing);
    }
  });

  it('gives three members the container config, each with its own id, seeds of all three, and loopback-only published ports', () => {
    const r = compose(['config'], { ...process.env, ...SECRETS });
    const cfg = parse(r.stdout) as { services: Record<string, Service> };
    const members = Object.entries(cfg.services).filter(([, s]) => s.profiles === undefined);
    expect(members.map(([n]) => n).sort()).toEqual(['node1', 'node2', 'node3']);
    const text = readFileSync(path.join(REPO_ROOT, 'configs/container.yaml'), 'utf8');
    for (const [name, svc] of members) {
      const env = svc.environment ?? {};
      const loaded = loadConfig({ argv: ['--config', 'configs/container.yaml'], env, readFile: () => text });
      expect(loaded.nodeId).toBe(name);
      expect([...loaded.cluster.seeds].sort()).toEqual(['node1:18080', 'node2:18080', 'node3:18080']);
      expect(loaded.cluster.secrets).toEqual(['test-only-secret']);
      expect(loaded.appendonly).toBe(true);
      for (const p of svc.ports ?? []) expect(typeof p === 'string' ? p : p.host_ip).toMatch(/^127\.0\.0\.1/);
    }
    const monitoring = Object.entries(cfg.services).filter(([, s]) => s.profiles?.includes('monitoring')).map(([n]) => n);
    expect(monitoring.sort()).toEqual(['elasticsearch', 'filebeat', 'grafana', 'prometheus']);
  });
});
