// The Dockerfile without an engine: lint-clean, its RUN steps replayed in order on this machine, and the resulting runtime stage starts, passes its HEALTHCHECK and stops on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, waitUntil } from '../../internal/testing/harness.js';
import { execForm, parseDockerfile, replayDockerfile } from './dockerfile.js';

const TEXT = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(TEXT);
const runtime = stages[stages.length - 1];

describe('Dockerfile', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ringcache-dockerfile-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('lints clean (dockerfile-utils) and has the shape the image promises', () => {
    expect(validate(TEXT, {}).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    expect(stages.map((s) => s.name)).toEqual(['build', '1']);
    const ops = (op: string): string[] => (runtime?.instructions ?? []).filter((i) => i.op === op).map((i) => i.args);
    expect(ops('USER')).toEqual(['node']);
    expect(ops('VOLUME').join(' ')).toContain('/data');
    expect(ops('STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(execForm(ops('ENTRYPOINT')[0] as string)[0]).toBe('node');
    expect(ops('HEALTHCHECK')).toHaveLength(1);
    // RUN steps are replayed outside a container: they may name no absolute path but /tmp.
    for (const s of stages) {
      for (const r of s.instructions.filter((i) => i.op === 'RUN')) expect(r.args.replace(/\/tmp\/[\w-]+/g, ''), r.args).not.toMatch(/(^|\s)\//);
    }
  });

  it('replays every RUN step in order; the runtime stage holds production dependencies only, serves /health and stops on SIGTERM', async () => {
    const result = replayDockerfile(stages, REPO_ROOT, tmp, process.env);
    const app = result.workdir;
    expect(existsSync(path.join(app, 'dist/cmd/ringcache/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/fastify/package.json'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/typescript'))).toBe(false);
    expect(result.env['NODE_ENV']).toBe('production');
    expect(existsSync(path.join(result.roots.get('1') as string, 'data'))).toBe(true);

    // The image's entrypoint, with loopback addresses and free ports in place of the container's.
    const [port, httpPort, gossipPort] = [await freePort(), await freePort(), await freePort()];
    const entry = execForm((runtime?.instructions.find((i) => i.op === 'ENTRYPOINT') as { args: string }).args);
    const env = {
      ...process.env,
      ...result.env,
      RINGCACHE_BIND: '127.0.0.1',
      RINGCACHE_HTTP_BIND: '127.0.0.1',
      RINGCACHE_PORT: String(port),
      RINGCACHE_HTTP_PORT: String(httpPort),
      RINGCACHE_CLUSTER_GOSSIP_PORT: String(gossipPort),
      RINGCACHE_DIR: path.join(tmp, 'data'),
      RINGCACHE_NODE_ID: 'docker-test',
    };
    const proc = spawn(process.execPath, entry.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      const health = execForm((runtime?.instructions.find((i) => i.op === 'HEALTHCHECK') as { args: string }).args);
      await waitUntil(() => spawnSync(process.execPath, health.slice(1), { env, encoding: 'utf8' }).status === 0, 30_000, `HEALTHCHECK passing (${out})`);
      // Logs go to stdout as JSON lines, where container runtimes collect them.
      expect(out.split('\n').some((l) => l.startsWith('{') && l.includes('"msg"'))).toBe(true);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 600_000);
});
