// Snapshots and AOF rewrite keep hash-field deadlines: HSET then absolute HPEXPIREAT per deadline, replayed into a fresh node.
import { describe, expect, it } from 'vitest';
import type { Entry } from '../store/types.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { ITEMS_PER_CMD, rewriteEntry } from './rewrite.js';
import { dumpSync } from './walker.js';
import { scanBuffer } from './records.js';

function replayInto(src: TestExecutor, at: number): TestExecutor {
  const chunks: Buffer[] = [];
  dumpSync(src.store, src.clock.now(), (c) => chunks.push(Buffer.from(c)));
  const dst = createTestExecutor({ startAt: at });
  const client = dst.newClient();
  const res = scanBuffer(Buffer.concat(chunks), (argv) => {
    const r = dst.executor.execute(client, argv);
    if (r instanceof Promise || r.t === 'error') throw new Error(`replay of ${argv.slice(0, 3).join(' ')} failed`);
  });
  expect(res.problem).toBeNull();
  return dst;
}

describe('rewrite of hashes with field deadlines', () => {
  it('emits one HPEXPIREAT per deadline after the HSETs, chunked', () => {
    const t = createTestExecutor();
    const now = t.clock.now();
    t.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    t.run('HPEXPIRE', 'h', '1000', 'FIELDS', '2', 'a', 'c');
    t.run('HPEXPIRE', 'h', '5000', 'FIELDS', '1', 'b');
    const out: string[][] = [];
    rewriteEntry('h', t.store.db(0).raw('h') as Entry, (argv) => out.push(argv));
    expect(out).toEqual([
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HPEXPIREAT', 'h', String(now + 1000), 'FIELDS', '2', 'a', 'c'],
      ['HPEXPIREAT', 'h', String(now + 5000), 'FIELDS', '1', 'b'],
    ]);
    const argv = ['HSET', 'big'];
    for (let i = 0; i < 150; i++) argv.push(`f${i}`, 'v');
    t.run(...argv);
    const fields = argv.filter((_, i) => i >= 2 && i % 2 === 0);
    t.run('HPEXPIRE', 'big', '100', 'FIELDS', String(fields.length), ...fields);
    const big: string[][] = [];
    rewriteEntry('big', t.store.db(0).raw('big') as Entry, (a) => big.push(a));
    const exp = big.filter((c) => c[0] === 'HPEXPIREAT');
    expect(exp.length).toBe(Math.ceil(150 / ITEMS_PER_CMD));
  });

  it('round-trips the deadlines; a deadline passed by replay time removes its field', () => {
    const t = createTestExecutor();
    t.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    t.run('HPEXPIRE', 'h', '1000', 'FIELDS', '1', 'a');
    t.run('HPEXPIRE', 'h', '5000', 'FIELDS', '1', 'b');
    const same = replayInto(t, t.clock.now());
    expect(same.run('HPTTL', 'h', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([1000, 5000, -1]);
    const later = replayInto(t, t.clock.now() + 2000);
    expect(later.run('HGETALL', 'h')).toEqual({ b: '2', c: '3' });
    expect(later.run('HPTTL', 'h', 'FIELDS', '1', 'b')).toEqual([3000]);
  });
});
