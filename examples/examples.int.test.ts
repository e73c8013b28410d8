// Every file in examples/ runs, as a user would run it, against a spawned 3-node cluster, and prints what its comments promise.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIoredis } from '../internal/testing/clients.js';
import { REPO_ROOT, startCluster, waitUntil, type SpawnedCluster, type SpawnedNode } from '../internal/testing/harness.js';

let cluster: SpawnedCluster;

beforeAll(async () => {
  cluster = await startCluster(3);
  // KNOWN BUG (issue 18, slot migration): for up to ~2 s after members start together their slots
  // are start-up imports, and a transaction on one can come back as an empty EXEC. The examples
  // show the steady state, so they start once a transaction answers; the bug is in docs/cluster.md.
  const c = await connectIoredis((cluster.nodes[1] as SpawnedNode).port, { protocol: 2 });
  await waitUntil(async () => JSON.stringify(await c.multi().set('{settle}:a', '1').set('{settle}:b', '2').exec()) === '[[null,"OK"],[null,"OK"]]', 20_000, 'a transaction to run (start-up slot imports settled)');
  await c.del('{settle}:a', '{settle}:b');
  c.disconnect();
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

function runExample(file: string): Promise<{ out: string; code: number | null }> {
  const node = cluster.nodes[1];
  if (node === undefined) throw new Error('no node');
  const env = { ...process.env, RINGCACHE_PORT: String(node.port), RINGCACHE_HTTP_PORT: String(node.httpPort) };
  const [cmd, args] = file.endsWith('.sh') ? ['bash', [file]] : [process.execPath, [file]];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 50_000);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

describe('examples/', () => {
  const cases: [string, RegExp[]][] = [
    ['ioredis.mjs', [/GET example:greeting -> hello \(ttl (59|60) s\)/, /pipeline -> \[ 1, 2, '2' \]/, /name: 'Ada'/, /MULTI\/EXEC -> \[ 'OK', 'OK', \[ '1', '2' \] \]/]],
    ['ioredis-cluster.mjs', [/'value 0'.*'value 5'/s, /slot map: \d+ ranges over 3 member\(s\)/]],
    ['node-redis-caching.mjs', [/after two GETs: 1 cache hit\(s\)/, /after another client SET: v2/]],
    ['bullmq.mjs', [/job \d+ finished: \{ sent: 'ada@example.com', at: 'now' \}/]],
    ['curl.sh', [/"stored":true,"ttl_seconds":3600/, /"value":"\{\\"name\\":\\"Ada\\"/, /x-served-by: node\d/i, /--- GET \/api\/cache\/example:http \(gone\)\n404/, /"status":"ok"|"ok"/]],
  ];
  for (const [file, expected] of cases) {
    it(`${file} runs and prints what it shows`, async () => {
      const { out, code } = await runExample(path.join('examples', file));
      expect(code, out).toBe(0);
      for (const re of expected) expect(out, out).toMatch(re);
    }, 60_000);
  }
});
