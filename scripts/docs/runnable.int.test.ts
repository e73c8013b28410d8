// Every ```sh runnable block of README.md and docs/operations.md, run as written on the default ports (CI, or RINGCACHE_DOCS_E2E=1 with the ports free).
//
// These blocks are what a newcomer types, so they run verbatim: the real start-system.sh, the
// shipped configs, ports 8080-8083 / 9080-9083 / 7946-7949. That is only safe on a machine where
// nothing else uses those ports and no local cluster of the developer's runs, so the test runs in
// CI (.ci/run sets RINGCACHE_DOCS_E2E=1) and is skipped elsewhere unless asked for.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../internal/testing/harness.js';
import { runnableBlocks } from './runnable.js';

const PORTS = [8080, 8081, 8082, 8083, 9080, 9081, 9082, 9083, 7946, 7947, 7948, 7949];
const FILES = ['README.md', 'docs/operations.md'];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const wanted = process.env['RINGCACHE_DOCS_E2E'] === '1';
const nodesRecorded = existsSync(path.join(REPO_ROOT, 'run')) && readdirSync(path.join(REPO_ROOT, 'run')).some((f) => f.endsWith('.pid'));
const dataBefore = existsSync(path.join(REPO_ROOT, 'data'));

function sh(script: string, timeoutMs: number): { out: string; status: number | null } {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, STARTUP_TIMEOUT: '60', CLUSTER_TIMEOUT: '60' } });
  return { out: `${r.stdout}${r.stderr}`, status: r.status };
}

describe.skipIf(!wanted || nodesRecorded)('runnable docs blocks (default ports)', () => {
  afterAll(() => {
    sh('./scripts/build-and-run.sh stop', 60_000);
    // Leave the checkout as found: the blocks' data and logs go unless they were there before.
    if (!dataBefore) sh('./scripts/clean-persistence.sh --force', 30_000);
  });

  it('has the default ports to itself', async () => {
    const busy: number[] = [];
    for (const p of PORTS) if (!(await portFree(p))) busy.push(p);
    expect(busy, `ports in use: ${busy.join(', ')}`).toEqual([]);
  });

  for (const file of FILES) {
    for (const block of runnableBlocks(path.join(REPO_ROOT, file))) {
      it(`${file}:${block.line} runs as written`, () => {
        // Each block assumes the local cluster runs (the README's first block starts it; a block may stop it).
        if (!block.script.includes('start-system.sh')) {
          const up = sh('./scripts/build-and-run.sh cluster', 120_000);
          expect(up.status, up.out).toBe(0);
        }
        const r = sh(block.script, 240_000);
        expect(r.status, `${file}:${block.line}\n${r.out}`).toBe(0);
      }, 300_000);
    }
  }
});

describe('runnable blocks', () => {
  it('exist where the docs promise them, and parse', () => {
    const blocks = FILES.flatMap((f) => runnableBlocks(path.join(REPO_ROOT, f)));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const b of blocks) {
      const check = execFileSync('bash', ['-n', '-c', b.script], { encoding: 'utf8' });
      expect(check).toBe('');
    }
  });
});
