// Copy-on-write walker: writes between slices (updates, deletes, renames, FLUSHDB, SWAPDB, MOVE, served blocking commands) never leak into the walk.
import { describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { picture } from '../testing/dataset.js';
import { scanBuffer } from './records.js';
import { DatasetWalker } from './walker.js';

/** Runs a walk over `t`, calling `between(slice)` after every chunk, and returns the walked data set replayed into a fresh store. */
async function walk(t: TestExecutor, between: (slice: number) => void | Promise<void>): Promise<TestExecutor> {
  const walker = new DatasetWalker(t.store, { sliceMs: 0, chunkBytes: 200, scanBatch: 4 });
  t.executor.beforeWrite = (db, spec, argv) => walker.beforeWrite(db, spec, argv);
  const chunks: Buffer[] = [];
  let slice = 0;
  try {
    await walker.run(async (c) => {
      chunks.push(Buffer.from(c));
      await between(slice++);
    });
  } finally {
    t.executor.beforeWrite = null;
  }
  const dst = createTestExecutor({ startAt: t.clock.now() });
  const c = dst.newClient();
  const res = scanBuffer(Buffer.concat(chunks), (argv) => {
    const r = dst.executor.execute(c, argv);
    if (r instanceof Promise || r.t === 'error') throw new Error(`replay failed: ${argv.join(' ')}`);
  });
  expect(res.problem).toBeNull();
  expect(slice).toBeGreaterThan(3);
  return dst;
}

function seed(t: TestExecutor, n: number): void {
  for (let i = 0; i < n; i++) t.run('SET', `k${i}`, `v${i}`);
  t.run('HSET', 'h', 'f1', 'a', 'f2', 'b');
  t.run('RPUSH', 'l', 'x', 'y');
  t.run('ZADD', 'z', '1', 'm');
  t.run('SET', 'ttl', 'v', 'PX', '100000');
}

describe('DatasetWalker copy-on-write', () => {
  it('writes during the walk do not leak into it (strings, in-place collection updates, deletes, new keys)', async () => {
    const t = createTestExecutor();
    seed(t, 100);
    const before = picture(t.store);
    const dst = await walk(t, (slice) => {
      if (slice === 0) {
        t.run('SET', 'k99', 'changed');
        t.run('HSET', 'h', 'f1', 'changed', 'f3', 'new');
        t.run('RPUSH', 'l', 'z');
        t.run('ZINCRBY', 'z', '5', 'm');
        t.run('DEL', 'k98');
        t.run('SET', 'brand-new', '1');
        t.run('PERSIST', 'ttl');
        t.run('RENAME', 'k97', 'k0');
      }
      if (slice === 1) {
        t.run('DEL', 'k96');
        t.run('SET', 'k96', 'recreated');
        t.run('INCR', 'counter');
      }
    });
    expect(picture(dst.store)).toEqual(before);
    // The live data set did change.
    expect(t.run('GET', 'k99')).toBe('changed');
    expect(t.run('HGET', 'h', 'f1')).toBe('changed');
  });

  it('FLUSHDB, FLUSHALL, SWAPDB and MOVE keep the pre-write data of every database they touch', async () => {
    const t = createTestExecutor();
    seed(t, 40);
    t.run('SELECT', '1');
    for (let i = 0; i < 40; i++) t.run('SET', `one${i}`, 'x');
    t.run('SELECT', '2');
    for (let i = 0; i < 40; i++) t.run('SET', `two${i}`, 'y');
    t.run('SELECT', '0');
    const before = picture(t.store);
    const dst = await walk(t, (slice) => {
      if (slice === 1) t.run('SWAPDB', '1', '2');
      if (slice === 2) t.run('MOVE', 'k39', '3');
      if (slice === 3) {
        t.run('SELECT', '2');
        t.run('FLUSHDB');
        t.run('SELECT', '0');
      }
      if (slice === 5) t.run('FLUSHALL');
    });
    expect(picture(dst.store)).toEqual(before);
    expect(t.store.db(0).size).toBe(0);
  });

  it('a blocked command served during the walk runs the pre-write hook for its destination', async () => {
    const t = createTestExecutor();
    t.run('RPUSH', 'src-empty-soon', 'seed');
    t.run('LPOP', 'src-empty-soon');
    for (let i = 0; i < 50; i++) t.run('SET', `k${i}`, 'v');
    t.run('RPUSH', 'dst', 'old');
    const blocked = t.newClient();
    const served = t.runAsync(blocked, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    const before = picture(t.store);
    const dst = await walk(t, (slice) => {
      if (slice === 0) t.run('RPUSH', 'src', 'moved');
    });
    expect(await served).toBe('moved');
    expect(t.run('LRANGE', 'dst', '0', '-1')).toEqual(['moved', 'old']);
    expect(picture(dst.store)).toEqual(before);
  });

  it('a transaction writing unvisited keys is preserved key by key', async () => {
    const t = createTestExecutor();
    seed(t, 60);
    const before = picture(t.store);
    const dst = await walk(t, (slice) => {
      if (slice !== 0) return;
      t.run('MULTI');
      t.run('SET', 'k59', 'tx');
      t.run('SELECT', '4');
      t.run('SET', 'elsewhere', '1');
      t.run('EXEC');
      t.run('SELECT', '0');
    });
    expect(picture(dst.store)).toEqual(before);
  });
});
