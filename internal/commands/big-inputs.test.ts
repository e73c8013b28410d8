// Commands over collections and argument lists past V8's ~120k call-argument limit: none may overflow the stack.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestExecutor, plain, type Plain, type TestExecutor } from '../testing/exec.js';

// Above the ~125k elements where `push(...xs)` overflowed the stack (the SORT bug of issue 17).
const N = 210_000;
let t: TestExecutor;
// Building and checking 210k-element replies takes seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

/** Runs an argv of any length (t.run spreads its arguments, which is what is under test here). */
function run(argv: string[]): Plain {
  const r = t.executor.execute(t.client, argv);
  if (r instanceof Promise) throw new Error('asynchronous reply');
  return plain(r);
}

function len(p: Plain): number {
  // Field-value replies (HGETALL, WITHSCORES) come back as maps: count both halves like RESP2 does.
  if (p !== null && typeof p === 'object' && !Array.isArray(p)) return 2 * Object.keys(p).length;
  if (!Array.isArray(p)) throw new Error(`not an array: ${JSON.stringify(p).slice(0, 200)}`);
  return p.length;
}

beforeAll(() => {
  t = createTestExecutor();
  const members = Array.from({ length: N }, (_, i) => String(i));
  // Each write is one command with N+ arguments: the argv path must not spread either.
  expect(run(['RPUSH', 'l', ...members])).toBe(N);
  expect(run(['SADD', 's', ...members])).toBe(N);
  expect(run(['SADD', 's2', ...members])).toBe(N);
  const zargs: string[] = ['ZADD', 'z'];
  for (const m of members) zargs.push(m, m);
  expect(run(zargs)).toBe(N);
  const hargs: string[] = ['HSET', 'h'];
  for (const m of members) hargs.push(m, m);
  expect(run(hargs)).toBe(N);
  const margs: string[] = ['MSET'];
  for (const m of members) margs.push(`k:${m}`, m);
  expect(run(margs)).toBe('+OK');
  for (let i = 0; i < N; i++) run(['XADD', 'x', `${i + 1}-0`, 'f', 'v']);
}, 120_000);

describe(`commands over ${N} elements`, () => {
  it.each([
    [['SORT', 'l']],
    [['SORT', 'l', 'DESC']],
    [['SORT', 's']],
    [['SORT', 'z']],
    [['SORT', 'l', 'BY', 'nosort']],
    [['SORT', 'z', 'BY', 'nosort']],
    [['SORT', 'l', 'ALPHA']],
    [['SORT', 'l', 'BY', 'k:*']],
    [['SORT_RO', 's', 'BY', 'nosort']],
    [['LRANGE', 'l', '0', '-1']],
    [['SMEMBERS', 's']],
    [['SUNION', 's', 's2']],
    [['SINTER', 's', 's2']],
    [['SDIFF', 's', 'nokey']],
    [['ZRANGE', 'z', '0', '-1']],
    [['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE']],
    [['ZUNION', '2', 'z', 's']],
    [['ZINTER', '2', 'z', 's']],
    [['HKEYS', 'h']],
    [['HVALS', 'h']],
    [['XRANGE', 'x', '-', '+']],
    [['XREVRANGE', 'x', '+', '-']],
    [['SRANDMEMBER', 's', String(N)]],
    [['HRANDFIELD', 'h', String(N)]],
    [['ZRANDMEMBER', 'z', String(N)]],
    [['LPOS', 'l', '7', 'COUNT', '0', 'MAXLEN', '0']],
  ])('%j', (argv) => {
    const r = run(argv);
    expect(len(r)).toBe(argv[1] === 'z' && argv[0] === 'ZUNION' ? N : argv[0] === 'LPOS' ? 1 : N);
  });

  it('replies with pairs: HGETALL, ZRANGE WITHSCORES, SORT GET # GET', () => {
    expect(len(run(['HGETALL', 'h']))).toBe(2 * N);
    expect(len(run(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']))).toBe(2 * N);
    expect(len(run(['SORT', 'l', 'GET', '#', 'GET', 'k:*']))).toBe(2 * N);
  });

  it('many-argument reads: MGET, HMGET, SMISMEMBER, ZMSCORE, EXISTS', () => {
    const keys = Array.from({ length: N }, (_, i) => `k:${i}`);
    const fields = Array.from({ length: N }, (_, i) => String(i));
    expect(len(run(['MGET', ...keys]))).toBe(N);
    expect(len(run(['HMGET', 'h', ...fields]))).toBe(N);
    expect(len(run(['SMISMEMBER', 's', ...fields]))).toBe(N);
    expect(len(run(['ZMSCORE', 'z', ...fields]))).toBe(N);
    expect(run(['EXISTS', ...keys])).toBe(N);
  });

  it('KEYS and SCAN over the keyspace', () => {
    expect(len(run(['KEYS', 'k:*']))).toBe(N);
    const r = run(['SCAN', '0', 'MATCH', 'k:*', 'COUNT', String(4 * N)]) as [string, string[]];
    expect(r[0]).toBe('0');
    expect(r[1].length).toBe(N);
    expect(len((run(['SSCAN', 's', '0', 'COUNT', String(4 * N)]) as Plain[])[1] as Plain)).toBe(N);
    expect(len((run(['HSCAN', 'h', '0', 'COUNT', String(4 * N)]) as Plain[])[1] as Plain)).toBe(2 * N);
    expect(len((run(['ZSCAN', 'z', '0', 'COUNT', String(4 * N)]) as Plain[])[1] as Plain)).toBe(2 * N);
  });

  it('stores: SORT STORE, SUNIONSTORE, SINTERSTORE, ZUNIONSTORE, ZINTERSTORE, ZRANGESTORE, LMOVE-free copies', () => {
    expect(run(['SORT', 'l', 'STORE', 'dst1'])).toBe(N);
    expect(run(['SORT', 's', 'BY', 'k:*', 'GET', '#', 'STORE', 'dst2'])).toBe(N);
    expect(run(['SORT', 'z', 'ALPHA', 'STORE', 'dst3'])).toBe(N);
    expect(run(['SUNIONSTORE', 'dst4', 's', 's2'])).toBe(N);
    expect(run(['SINTERSTORE', 'dst5', 's', 's2'])).toBe(N);
    expect(run(['SDIFFSTORE', 'dst6', 's', 'nokey'])).toBe(N);
    expect(run(['ZUNIONSTORE', 'dst7', '2', 'z', 's'])).toBe(N);
    expect(run(['ZINTERSTORE', 'dst8', '2', 'z', 's'])).toBe(N);
    expect(run(['ZRANGESTORE', 'dst9', 'z', '0', '-1'])).toBe(N);
    expect(run(['LLEN', 'dst1'])).toBe(N);
  });

  it('pops with counts: LPOP, SPOP, ZPOPMIN, LMPOP', () => {
    run(['SORT', 'l', 'STORE', 'pl']);
    expect(len(run(['LPOP', 'pl', String(N)]))).toBe(N);
    run(['SUNIONSTORE', 'ps', 's']);
    expect(len(run(['SPOP', 'ps', String(N)]))).toBe(N);
    run(['ZUNIONSTORE', 'pz', '1', 'z']);
    expect(len(run(['ZPOPMIN', 'pz', String(N)]))).toBe(2 * N);
    run(['SORT', 'l', 'STORE', 'pl']);
    expect(len((run(['LMPOP', '1', 'pl', 'LEFT', 'COUNT', String(N)]) as Plain[])[1] as Plain)).toBe(N);
  });

  it('deletes many keys and members in one command', () => {
    const fields = Array.from({ length: N }, (_, i) => String(i));
    run(['SUNIONSTORE', 'd', 's']);
    expect(run(['SREM', 'd', ...fields])).toBe(N);
    run(['ZUNIONSTORE', 'dz', '1', 'z']);
    expect(run(['ZREM', 'dz', ...fields])).toBe(N);
    run(['HSET', 'dh', 'a', '1']);
    expect(run(['HDEL', 'dh', 'a', ...fields])).toBe(1);
    expect(run(['DEL', ...Array.from({ length: N }, (_, i) => `k:${i}`)])).toBe(N);
  });
});
