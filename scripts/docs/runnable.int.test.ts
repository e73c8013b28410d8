// Every ```sh runnable block of README.md and docs/operations.md, run as written on the default ports (CI, or RINGCACHE_DOCS_E2E=1 with the ports free).
//
// These blocks are what a newcomer types, so they run verbatim: the real start-system.sh, the
// shipped configs, ports 8080-8083 / 9080-9083 / 7946-7949. That is only safe on a machine where
// nothing else uses those ports and no local cluster of the developer's runs, so the test runs in
// CI (.ci/run sets RINGCACHE_DOCS_E2E=1) and is skipped elsewhere unless asked for.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../internal/testing/harness.js';
import { commandLines, runnableBlocks, type RunnableBlock } from './runnable.js';

const PORTS = [8080, 8081, 8082, 8083, 9080, 9081, 9082, 9083, 7946, 7947, 7948, 7949, 18080];
// Not 9090: Debian's prometheus package may run its own service there; the Monitoring block copes with either.
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

const READY = 'ready to accept connections';

interface LineRun { readonly status: number | null; readonly signal: NodeJS.Signals | null; readonly ready: boolean; readonly out: string }

/**
 * Runs one line of a `servers` block in its own process group. A line that exits is judged by its
 * status; one that logs READY is a node in the foreground, stopped with SIGTERM as a user's Ctrl-C
 * or service manager would, and must then exit 0 by itself.
 */
function runLine(line: string, cwd: string, timeoutMs: number): Promise<LineRun> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', line], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const kill = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (!ready && out.includes(READY)) {
        ready = true;
        signalGroup('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (status, signal) => {
      clearTimeout(kill);
      resolve({ status, signal, ready, out });
    });
  });
}

/** A copy of the checkout's files as they are in the working tree (tracked and new, not ignored): what a fresh clone of this change holds. */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-readme-'));
  execFileSync('bash', ['-c', 'git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$0"', dir], { cwd: REPO_ROOT, stdio: 'ignore' });
  return dir;
}

async function runServersBlock(block: RunnableBlock): Promise<void> {
  // The lines take the default ports the local cluster holds.
  const down = sh('./scripts/build-and-run.sh stop', 60_000);
  expect(down.status, down.out).toBe(0);
  const dir = freshCopy();
  try {
    for (const line of commandLines(block.script)) {
      const r = await runLine(line, dir, 300_000);
      const where = `${block.file}:${block.line}: ${line}\n${r.out.slice(-4000)}`;
      expect(r.signal, where).toBeNull();
      expect(r.status, where).toBe(0);
      // A line that starts a node must have served (logged READY) before it stopped, not just exited 0.
      const startsNode = /main\.js|build-and-run\.sh run/.test(line) && !line.includes('--help');
      expect(r.ready, where).toBe(startsNode);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      if (block.mode === 'servers') {
        it(`${file}:${block.line} runs as written, line by line, in a fresh copy`, () => runServersBlock(block), 900_000);
        continue;
      }
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
  it('name only npm scripts that exist (in the README\'s development table and prose too)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = new Set<string>();
    for (const f of FILES) {
      for (const m of readFileSync(path.join(REPO_ROOT, f), 'utf8').matchAll(/npm run (?:--silent )?([a-z][a-z:-]*)/g)) named.add(m[1] as string);
    }
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((n) => !(n in pkg.scripts))).toEqual([]);
  });

  it('exist where the docs promise them, and parse', () => {
    const blocks = FILES.flatMap((f) => runnableBlocks(path.join(REPO_ROOT, f)));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.mode === 'servers').length).toBeGreaterThanOrEqual(1);
    for (const b of blocks) {
      const check = execFileSync('bash', ['-n', '-c', b.script], { encoding: 'utf8' });
      expect(check).toBe('');
    }
  });
});
