// redis-cli --rdb and --functions-rdb against a spawned node: the files they write are valid RDB (redis-check-rdb) and hold what they should.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli, run, spawnNode, type SpawnedNode } from '../testing/harness.js';
import { readRdb } from './rdb-file.js';

const LIB = "#!lua name=rdblib\nredis.register_function('hello', function() return 'hi' end)";

function contents(file: string): { keys: string[]; functions: boolean } {
  const keys: string[] = [];
  let functions = false;
  readRdb(readFileSync(file), {
    key: (_db, key) => void keys.push(key),
    functions: () => {
      functions = true;
    },
  });
  return { keys: keys.sort(), functions };
}

describe('redis-cli --rdb / --functions-rdb', () => {
  let node: SpawnedNode;
  let dir: string;

  beforeAll(async () => {
    node = await spawnNode();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-cli-rdb-'));
    for (const args of [['SET', 'a', '1'], ['HSET', 'h', 'f', 'v'], ['FUNCTION', 'LOAD', LIB]]) expect((await redisCli(node.port, args)).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('--rdb writes the whole dataset and the functions', async () => {
    const file = path.join(dir, 'all.rdb');
    const r = await redisCli(node.port, ['--rdb', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toContain('Transfer finished with success');
    expect((await run('redis-check-rdb', [file])).stdout).toContain('RDB looks OK');
    expect(contents(file)).toEqual({ keys: ['a', 'h'], functions: true });
  }, 30_000);

  it('--functions-rdb writes the functions only (REPLCONF rdb-filter-only functions)', async () => {
    const file = path.join(dir, 'functions.rdb');
    const r = await redisCli(node.port, ['--functions-rdb', file]);
    expect(r.code, r.stderr).toBe(0);
    expect((await run('redis-check-rdb', [file])).stdout).toContain('RDB looks OK');
    expect(contents(file)).toEqual({ keys: [], functions: true });
  }, 30_000);

  it('refuses filters Redis does not have, in its words', async () => {
    const r = await redisCli(node.port, ['REPLCONF', 'rdb-filter-only', 'keys']);
    expect(r.stdout.trim()).toBe('ERR Unsupported rdb-filter-only option: keys');
  });
});
