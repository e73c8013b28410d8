// Unit tests for the BF.* and CF.* commands through a real Executor: replies, RedisBloom's error lines, RESP3 shapes, journaling, SCANDUMP/LOADCHUNK round trips.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import { BloomFilter } from '../store/bloom.js';
import { CuckooFilter } from '../store/cuckoo.js';
import { filterCommands } from './filters.js';
import { formatG } from './filters-common.js';
import { keyspaceCommands } from './keyspace.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (cmd: string): string => `-ERR wrong number of arguments for '${cmd}' command`;

let t: TestExecutor;
let run: (...argv: string[]) => Plain;

beforeEach(() => {
  t = createTestExecutor({ families: [filterCommands, keyspaceCommands, stringCommands, transactionCommands], config: { slowlog_log_slower_than: -1 } });
  run = (...argv) => t.run(...argv);
});

const journal = (): string[][] => t.journal.map((j) => j.argv);
const resp3 = (): void => {
  t.client.proto = 3;
};

/** BF.INFO / CF.INFO as an object (the harness keeps simple-string map keys as `+Name`). */
function info(cmd: 'BF' | 'CF', key: string): Record<string, Plain> {
  const r = run(`${cmd}.INFO`, key) as Record<string, Plain>;
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^\+/, ''), v]));
}

/** Every SCANDUMP chunk of a filter, as LOADCHUNK takes them. */
function dump(cmd: 'BF' | 'CF', key: string): [number, string][] {
  const out: [number, string][] = [];
  let iter = 0;
  for (;;) {
    const r = run(`${cmd}.SCANDUMP`, key, String(iter)) as [number, string | null];
    if (r[0] === 0) return out;
    out.push([r[0], r[1] as string]);
    iter = r[0];
  }
}

describe('BF.RESERVE', () => {
  it('creates a filter with RedisBloom sizing', () => {
    expect(run('BF.RESERVE', 'b', '0.01', '100')).toBe('+OK');
    // error 0.005 (tightened) -> 11.03 bits per entry -> 1102 bits -> 144 bytes; 32 + 64 + 144.
    expect(info('BF', 'b')).toEqual({ Capacity: 100, Size: 240, 'Number of filters': 1, 'Number of items inserted': 0, 'Expansion rate': 2 });
    expect(run('TYPE', 'b')).toBe('+MBbloom--');
    expect(run('OBJECT', 'ENCODING', 'b')).toBe('raw');
    expect(journal()).toEqual([['BF.RESERVE', 'b', '0.01', '100']]);
  });

  it('answers RedisBloom errors in its order', () => {
    expect(run('BF.RESERVE', 'b', 'x', '100')).toBe('-ERR bad error rate');
    expect(run('BF.RESERVE', 'b', '1', '100')).toBe('-ERR (0 < error rate range < 1) ');
    expect(run('BF.RESERVE', 'b', '0', '100')).toBe('-ERR (0 < error rate range < 1) ');
    expect(run('BF.RESERVE', 'b', '0.1', 'x')).toBe('-ERR bad capacity');
    expect(run('BF.RESERVE', 'b', '0.1', '0')).toBe('-ERR (capacity should be larger than 0)');
    expect(run('BF.RESERVE', 'b', '0.1', '10', 'EXPANSION')).toBe('-ERR no expansion');
    expect(run('BF.RESERVE', 'b', '0.1', '10', 'NONSCALING', 'EXPANSION', '2')).toBe('-Nonscaling filters cannot expand');
    expect(run('BF.RESERVE', 'b', '0.1', '10', 'EXPANSION', 'x')).toBe('-ERR bad expansion');
    expect(run('BF.RESERVE', 'b', '0.1', '10', 'EXPANSION', '0')).toBe('-ERR expansion should be greater or equal to 1');
    expect(run('BF.RESERVE', 'b', '0.1')).toBe(arity('bf.reserve'));
    expect(run('BF.RESERVE', 'b', '0.1', '10', 'EXPANSION', '2', 'NONSCALING', 'x')).toBe(arity('bf.reserve'));
    expect(run('BF.RESERVE', 'b', '0.1', '1e15')).toBe('-ERR bad capacity');
    expect(run('BF.RESERVE', 'b', '0.1', '100000000000000')).toBe('-ERR could not create filter');
    expect(run('BF.RESERVE', 'b', '0.1', '10')).toBe('+OK');
    expect(run('BF.RESERVE', 'b', '0.1', '10')).toBe('-ERR item exists');
    run('SET', 's', 'x');
    expect(run('BF.RESERVE', 's', '0.1', '10')).toBe(WRONGTYPE);
    expect(journal()).toEqual([['BF.RESERVE', 'b', '0.1', '10'], ['SET', 's', 'x']]);
  });

  it('NONSCALING filters report no expansion and fill up', () => {
    expect(run('BF.RESERVE', 'b', '0.01', '3', 'NONSCALING')).toBe('+OK');
    expect(run('BF.INFO', 'b', 'EXPANSION')).toEqual([null]);
    expect(run('BF.MADD', 'b', 'a', 'b', 'c', 'd', 'e')).toEqual([1, 1, 1, '-ERR non scaling filter is full']);
    expect(run('BF.ADD', 'b', 'z')).toBe('-ERR non scaling filter is full');
    expect(run('BF.CARD', 'b')).toBe(3);
  });
});

describe('BF.ADD / BF.MADD / BF.EXISTS / BF.MEXISTS / BF.CARD', () => {
  it('adds with defaults, answers 1 then 0, and checks membership', () => {
    expect(run('BF.ADD', 'b', 'hello')).toBe(1);
    expect(run('BF.ADD', 'b', 'hello')).toBe(0);
    expect(run('BF.MADD', 'b', 'hello', 'world')).toEqual([0, 1]);
    expect(run('BF.EXISTS', 'b', 'hello')).toBe(1);
    expect(run('BF.EXISTS', 'b', 'nope')).toBe(0);
    expect(run('BF.MEXISTS', 'b', 'hello', 'nope', 'world')).toEqual([1, 0, 1]);
    expect(run('BF.CARD', 'b')).toBe(2);
    expect(run('BF.INFO', 'b', 'capacity')).toEqual([100]);
    // Only writes that changed something are journaled, each as itself.
    expect(journal()).toEqual([
      ['BF.ADD', 'b', 'hello'],
      ['BF.MADD', 'b', 'hello', 'world'],
    ]);
  });

  it('answers booleans under RESP3', () => {
    resp3();
    expect(run('BF.ADD', 'b', 'x')).toBe(true);
    expect(run('BF.MADD', 'b', 'x', 'y')).toEqual([false, true]);
    expect(run('BF.MEXISTS', 'b', 'x', 'q')).toEqual([true, false]);
    expect(run('BF.INFO', 'b', 'ITEMS')).toEqual({ '+Number of items inserted': 2 });
    expect(info('BF', 'b')).toEqual({ Capacity: 100, Size: 240, 'Number of filters': 1, 'Number of items inserted': 2, 'Expansion rate': 2 });
  });

  it('treats a missing key or another type as empty for EXISTS, WRONGTYPE elsewhere', () => {
    expect(run('BF.EXISTS', 'none', 'a')).toBe(0);
    expect(run('BF.MEXISTS', 'none', 'a', 'b')).toEqual([0, 0]);
    expect(run('BF.CARD', 'none')).toBe(0);
    expect(run('BF.INFO', 'none')).toBe('-ERR not found');
    run('SET', 's', 'x');
    expect(run('BF.EXISTS', 's', 'a')).toBe(0);
    expect(run('BF.ADD', 's', 'a')).toBe(WRONGTYPE);
    expect(run('BF.MADD', 's', 'a')).toBe(WRONGTYPE);
    expect(run('BF.CARD', 's')).toBe(WRONGTYPE);
    expect(run('BF.INFO', 's')).toBe(WRONGTYPE);
    expect(run('BF.SCANDUMP', 's', '0')).toBe(WRONGTYPE);
    run('BF.ADD', 'b', 'a');
    expect(run('GET', 'b')).toBe(WRONGTYPE);
    expect(run('BF.ADD', 'b')).toBe(arity('bf.add'));
    expect(run('BF.ADD', 'b', 'a', 'c')).toBe(arity('bf.add'));
    expect(run('BF.EXISTS', 'b', 'a', 'c')).toBe(arity('bf.exists'));
    expect(run('BF.MADD', 'b')).toBe(arity('bf.madd'));
  });

  it('scales: a full link adds a sub-filter with expansion times its capacity and half its error rate', () => {
    run('BF.RESERVE', 'b', '0.01', '10', 'EXPANSION', '3');
    for (let i = 0; i < 10; i++) run('BF.ADD', 'b', `item-${i}`);
    expect(run('BF.INFO', 'b', 'FILTERS')).toEqual([1]);
    for (let i = 10; i < 40; i++) run('BF.ADD', 'b', `item-${i}`);
    expect(info('BF', 'b')['Number of filters']).toBe(2);
    expect(info('BF', 'b').Capacity).toBe(40);
    const f = t.store.db(0).peek('b')?.value as BloomFilter;
    expect(f.links[1]?.error).toBeCloseTo(0.0025, 10);
    for (let i = 0; i < 40; i++) expect(run('BF.EXISTS', 'b', `item-${i}`)).toBe(1);
  });

  it('BF.INFO fields and errors', () => {
    run('BF.ADD', 'b', 'a');
    expect(run('BF.INFO', 'b', 'SIZE')).toEqual([240]);
    expect(run('BF.INFO', 'b', 'Filters')).toEqual([1]);
    expect(run('BF.INFO', 'b', 'items')).toEqual([1]);
    expect(run('BF.INFO', 'b', 'expansion')).toEqual([2]);
    expect(run('BF.INFO', 'b', 'bogus')).toBe('-Invalid information value');
    expect(run('BF.INFO', 'b', 'size', 'x')).toBe(arity('bf.info'));
  });
});

describe('BF.INSERT', () => {
  it('creates with the given options and adds', () => {
    expect(run('BF.INSERT', 'b', 'CAPACITY', '1000', 'ERROR', '0.001', 'EXPANSION', '4', 'ITEMS', 'a', 'b', 'a')).toEqual([1, 1, 0]);
    expect(run('BF.INFO', 'b', 'CAPACITY')).toEqual([1000]);
    expect(run('BF.INFO', 'b', 'EXPANSION')).toEqual([4]);
    expect(run('BF.INSERT', 'n', 'NONSCALING', 'CAPACITY', '2', 'ITEMS', 'a', 'b', 'c', 'd')).toEqual([1, 1, '-ERR non scaling filter is full']);
  });

  it('answers RedisBloom errors', () => {
    expect(run('BF.INSERT', 'b', 'NOCREATE', 'ITEMS', 'a')).toBe('-ERR not found');
    expect(run('BF.INSERT', 'b', 'ERROR', 'x', 'ITEMS', 'a')).toBe('-Bad error rate');
    expect(run('BF.INSERT', 'b', 'EXPANSION', 'x', 'ITEMS', 'a')).toBe('-Bad expansion');
    expect(run('BF.INSERT', 'b', 'CAPACITY', 'x', 'ITEMS', 'a')).toBe('-Bad capacity');
    expect(run('BF.INSERT', 'b', 'FOO', 'ITEMS', 'a')).toBe('-Unknown argument received');
    expect(run('BF.INSERT', 'b', 'ERROR', '2', 'ITEMS', 'a')).toBe('-Bad argument received');
    expect(run('BF.INSERT', 'b', 'CAPACITY', '0', 'ITEMS', 'a')).toBe('-Bad argument received');
    expect(run('BF.INSERT', 'b', 'EXPANSION', '0', 'ITEMS', 'a')).toBe('-Bad argument received');
    expect(run('BF.INSERT', 'b', 'CAPACITY', '10', 'ITEMS')).toBe(arity('bf.insert'));
    expect(run('BF.INSERT', 'b', 'CAPACITY', '10', 'NOCREATE')).toBe(arity('bf.insert'));
    expect(run('BF.INSERT', 'b', 'ITEMS')).toBe(arity('bf.insert'));
    expect(run('BF.INSERT', 'b', 'NOCREATE', 'CAPACITY')).toBe(arity('bf.insert'));
    expect(journal()).toEqual([]);
  });
});

describe('BF.SCANDUMP / BF.LOADCHUNK', () => {
  it('round-trips a scaled filter into another key', () => {
    run('BF.RESERVE', 'b', '0.001', '50');
    for (let i = 0; i < 200; i++) run('BF.ADD', 'b', `k${i}`);
    const chunks = dump('BF', 'b');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0]?.[0]).toBe(1);
    for (const [iter, data] of chunks) expect(run('BF.LOADCHUNK', 'copy', String(iter), data)).toBe('+OK');
    expect(run('BF.INFO', 'copy')).toEqual(run('BF.INFO', 'b'));
    for (let i = 0; i < 200; i++) expect(run('BF.EXISTS', 'copy', `k${i}`)).toBe(1);
    expect(run('BF.SCANDUMP', 'b', '999999999')).toEqual([0, '']);
  });

  it('answers RedisBloom errors', () => {
    expect(run('BF.SCANDUMP', 'none', '0')).toBe('-ERR not found');
    run('BF.ADD', 'b', 'a');
    expect(run('BF.SCANDUMP', 'b', 'x')).toBe('-Second argument must be numeric');
    expect(run('BF.LOADCHUNK', 'c', 'x', 'data')).toBe('-ERR Second argument must be numeric');
    expect(run('BF.LOADCHUNK', 'c', '1', 'short')).toBe('-ERR received bad data');
    expect(run('BF.LOADCHUNK', 'c', '5', 'data')).toBe('-ERR not found');
    expect(run('BF.LOADCHUNK', 'b', '3', 'data')).toBe('-ERR received bad data');
    expect(run('BF.LOADCHUNK', 'b', '100000', 'data')).toBe('-ERR invalid offset - no link found');
    expect(run('BF.LOADCHUNK', 'b', '150', 'x'.repeat(10))).toBe('-ERR invalid chunk - Too big for current filter');
    const header = (run('BF.SCANDUMP', 'b', '0') as [number, string])[1];
    const bad = Buffer.from(header, 'latin1');
    bad.writeUInt32LE(0, 8);
    expect(run('BF.LOADCHUNK', 'c', '1', bad.toString('latin1'))).toBe('-ERR received bad data');
    run('SET', 's', 'x');
    expect(run('BF.LOADCHUNK', 's', '1', header)).toBe(WRONGTYPE);
  });
});

describe('CF.RESERVE', () => {
  it('creates a filter with RedisBloom sizing', () => {
    expect(run('CF.RESERVE', 'c', '1000')).toBe('+OK');
    expect(info('CF', 'c')).toEqual({
      Size: 1080,
      'Number of buckets': 512,
      'Number of filters': 1,
      'Number of items inserted': 0,
      'Number of items deleted': 0,
      'Bucket size': 2,
      'Expansion rate': 1,
      'Max iterations': 20,
    });
    expect(run('TYPE', 'c')).toBe('+MBbloomCF');
    expect(run('CF.RESERVE', 'd', '1000', 'BUCKETSIZE', '4', 'MAXITERATIONS', '50', 'EXPANSION', '3')).toBe('+OK');
    const d = info('CF', 'd');
    expect([d['Number of buckets'], d['Bucket size'], d['Expansion rate'], d['Max iterations']]).toEqual([256, 4, 4, 50]);
    expect(journal()).toEqual([
      ['CF.RESERVE', 'c', '1000'],
      ['CF.RESERVE', 'd', '1000', 'BUCKETSIZE', '4', 'MAXITERATIONS', '50', 'EXPANSION', '3'],
    ]);
  });

  it('answers RedisBloom errors', () => {
    expect(run('CF.RESERVE', 'c', 'x')).toBe('-Bad capacity');
    expect(run('CF.RESERVE', 'c', '100', 'MAXITERATIONS', 'x')).toBe("-Couldn't parse MAXITERATIONS");
    expect(run('CF.RESERVE', 'c', '100', 'MAXITERATIONS', '0')).toBe('-MAXITERATIONS: value must be an integer between 1 and 65535, inclusive.');
    expect(run('CF.RESERVE', 'c', '100', 'BUCKETSIZE', 'x')).toBe("-Couldn't parse BUCKETSIZE");
    expect(run('CF.RESERVE', 'c', '100', 'BUCKETSIZE', '256')).toBe('-BUCKETSIZE: value must be an integer between 1 and 255, inclusive.');
    expect(run('CF.RESERVE', 'c', '100', 'EXPANSION', 'x')).toBe("-Couldn't parse EXPANSION");
    expect(run('CF.RESERVE', 'c', '100', 'EXPANSION', '32769')).toBe('-EXPANSION: value must be an integer between 0 and 32768, inclusive.');
    expect(run('CF.RESERVE', 'c', '3')).toBe('-Capacity must be at least (BucketSize * 2)');
    expect(run('CF.RESERVE', 'c', '100', 'BUCKETSIZE')).toBe(arity('cf.reserve'));
    expect(run('CF.RESERVE', 'c')).toBe(arity('cf.reserve'));
    expect(run('CF.RESERVE', 'c', '100')).toBe('+OK');
    expect(run('CF.RESERVE', 'c', '100')).toBe('-ERR item exists');
    run('SET', 's', 'x');
    expect(run('CF.RESERVE', 's', '100')).toBe(WRONGTYPE);
  });
});

describe('CF.ADD / CF.ADDNX / CF.EXISTS / CF.MEXISTS / CF.COUNT / CF.DEL', () => {
  it('adds duplicates, counts them and deletes one copy at a time', () => {
    expect(run('CF.ADD', 'c', 'a')).toBe(1);
    expect(run('CF.ADD', 'c', 'a')).toBe(1);
    expect(run('CF.ADDNX', 'c', 'a')).toBe(0);
    expect(run('CF.ADDNX', 'c', 'b')).toBe(1);
    expect(run('CF.COUNT', 'c', 'a')).toBe(2);
    expect(run('CF.EXISTS', 'c', 'a')).toBe(1);
    expect(run('CF.MEXISTS', 'c', 'a', 'b', 'zz')).toEqual([1, 1, 0]);
    expect(run('CF.DEL', 'c', 'a')).toBe(1);
    expect(run('CF.COUNT', 'c', 'a')).toBe(1);
    expect(run('CF.DEL', 'c', 'a')).toBe(1);
    expect(run('CF.DEL', 'c', 'a')).toBe(0);
    expect(run('CF.EXISTS', 'c', 'a')).toBe(0);
    const c = info('CF', 'c');
    expect([c['Number of buckets'], c['Number of items inserted'], c['Number of items deleted']]).toEqual([1024 / 2, 1, 2]);
    expect(journal()).toEqual([
      ['CF.ADD', 'c', 'a'],
      ['CF.ADD', 'c', 'a'],
      ['CF.ADDNX', 'c', 'b'],
      ['CF.DEL', 'c', 'a'],
      ['CF.DEL', 'c', 'a'],
    ]);
  });

  it('RESP3: booleans, except CF.COUNT and CF.INSERTNX', () => {
    resp3();
    expect(run('CF.ADD', 'c', 'a')).toBe(true);
    expect(run('CF.ADDNX', 'c', 'a')).toBe(false);
    expect(run('CF.INSERTNX', 'c', 'ITEMS', 'a', 'b')).toEqual([0, 1]);
    expect(run('CF.INSERT', 'c', 'ITEMS', 'a')).toEqual([true]);
    expect(run('CF.EXISTS', 'c', 'a')).toBe(true);
    expect(run('CF.MEXISTS', 'c', 'a', 'q')).toEqual([true, false]);
    expect(run('CF.COUNT', 'c', 'a')).toBe(2);
    expect(run('CF.DEL', 'c', 'a')).toBe(true);
    expect(info('CF', 'c')['Number of items deleted']).toBe(1);
  });

  it('missing keys and other types', () => {
    expect(run('CF.EXISTS', 'none', 'a')).toBe(0);
    expect(run('CF.COUNT', 'none', 'a')).toBe(0);
    expect(run('CF.DEL', 'none', 'a')).toBe('-Not found');
    expect(run('CF.INFO', 'none')).toBe('-ERR not found');
    run('SET', 's', 'x');
    expect(run('CF.EXISTS', 's', 'a')).toBe(0);
    expect(run('CF.DEL', 's', 'a')).toBe('-Not found');
    expect(run('CF.ADD', 's', 'a')).toBe(WRONGTYPE);
    expect(run('CF.INFO', 's')).toBe(WRONGTYPE);
    run('BF.ADD', 'b', 'a');
    expect(run('CF.ADD', 'b', 'a')).toBe(WRONGTYPE);
    expect(run('BF.ADD', 'c2', 'a')).toBe(1);
    run('CF.ADD', 'c', 'a');
    expect(run('BF.ADD', 'c', 'a')).toBe(WRONGTYPE);
    expect(run('CF.ADD', 'c', 'a', 'b')).toBe(arity('cf.add'));
  });

  it('a non-expanding filter answers "Filter is full"; CF.INSERT answers -1 per item', () => {
    run('CF.RESERVE', 'c', '4', 'BUCKETSIZE', '2', 'EXPANSION', '0', 'MAXITERATIONS', '5');
    const results: Plain[] = [];
    for (let i = 0; i < 20; i++) results.push(run('CF.ADD', 'c', `x${i}`));
    expect(results).toContain('-Filter is full');
    expect(results.filter((r) => r === 1).length).toBeLessThanOrEqual(4);
    expect(run('CF.INSERT', 'c', 'ITEMS', 'y1', 'y2', 'y3')).toEqual([-1, -1, -1]);
    resp3();
    expect(run('CF.INSERT', 'c', 'ITEMS', 'y1')).toEqual([false]);
    expect(run('CF.INSERTNX', 'c', 'ITEMS', 'y1')).toEqual([-1]);
  });

  it('an expanding filter grows sub-filters and compacts them after deletes', () => {
    run('CF.RESERVE', 'c', '8', 'EXPANSION', '2');
    for (let i = 0; i < 100; i++) expect(run('CF.ADD', 'c', `x${i}`)).toBe(1);
    const grown = info('CF', 'c')['Number of filters'] as number;
    expect(grown).toBeGreaterThan(1);
    for (let i = 0; i < 100; i++) expect(run('CF.EXISTS', 'c', `x${i}`)).toBe(1);
    for (let i = 0; i < 95; i++) run('CF.DEL', 'c', `x${i}`);
    expect(info('CF', 'c')['Number of filters'] as number).toBeLessThan(grown);
    for (let i = 95; i < 100; i++) expect(run('CF.EXISTS', 'c', `x${i}`)).toBe(1);
  });

  it('refuses more than 32 sub-filters', () => {
    run('CF.RESERVE', 'c', '2', 'BUCKETSIZE', '1', 'EXPANSION', '1', 'MAXITERATIONS', '1');
    const f = t.store.db(0).peek('c')?.value as CuckooFilter;
    while (f.filters.length < 32) f.grow();
    expect(run('CF.ADD', 'c', 'a')).toBe('-Maximum expansions reached');
  });
});

describe('CF.INSERT / CF.INSERTNX', () => {
  it('creates with CAPACITY and honours NOCREATE', () => {
    expect(run('CF.INSERT', 'c', 'CAPACITY', '100', 'ITEMS', 'a', 'b', 'a')).toEqual([1, 1, 1]);
    expect(info('CF', 'c')['Number of buckets']).toBe(64);
    expect(run('CF.INSERTNX', 'c', 'ITEMS', 'a', 'z')).toEqual([0, 1]);
    expect(run('CF.INSERT', 'n', 'NOCREATE', 'ITEMS', 'a')).toBe('-ERR not found');
    expect(run('CF.INSERT', 'n', 'CAPACITY', 'x', 'ITEMS', 'a')).toBe('-Bad capacity');
    expect(run('CF.INSERT', 'n', 'CAPACITY', '3', 'ITEMS', 'a')).toBe('-Capacity must be at least (BucketSize * 2)');
    expect(run('CF.INSERT', 'n', 'BOGUS', 'ITEMS', 'a')).toBe('-Unknown argument received');
    expect(run('CF.INSERT', 'n', 'CAPACITY', '10', 'ITEMS')).toBe(arity('cf.insert'));
    expect(run('CF.INSERT', 'n', 'NOCREATE', 'CAPACITY')).toBe(arity('cf.insert'));
  });
});

describe('CF.SCANDUMP / CF.LOADCHUNK', () => {
  it('round-trips an expanded filter', () => {
    run('CF.RESERVE', 'c', '16', 'EXPANSION', '2');
    for (let i = 0; i < 200; i++) run('CF.ADD', 'c', `k${i}`);
    run('CF.DEL', 'c', 'k0');
    const chunks = dump('CF', 'c');
    expect(chunks.length).toBeGreaterThan(2);
    for (const [pos, data] of chunks) expect(run('CF.LOADCHUNK', 'copy', String(pos), data)).toBe('+OK');
    expect(run('CF.INFO', 'copy')).toEqual(run('CF.INFO', 'c'));
    for (let i = 1; i < 200; i++) expect(run('CF.EXISTS', 'copy', `k${i}`)).toBe(1);
  });

  it('an empty filter dumps as [0, nil]; errors as RedisBloom', () => {
    run('CF.RESERVE', 'c', '100');
    expect(run('CF.SCANDUMP', 'c', '0')).toEqual([0, null]);
    expect(run('CF.SCANDUMP', 'c', '-1')).toBe('-Invalid position');
    expect(run('CF.SCANDUMP', 'none', '0')).toBe('-ERR not found');
    run('CF.ADD', 'c', 'a');
    const header = (run('CF.SCANDUMP', 'c', '0') as [number, string])[1];
    expect(header.length).toBe(38);
    expect(run('CF.LOADCHUNK', 'd', '0', header)).toBe('-Invalid position');
    expect(run('CF.LOADCHUNK', 'c', '1', header)).toBe('-ERR item exists');
    expect(run('CF.LOADCHUNK', 'd', '1', 'short')).toBe('-Invalid header');
    const bad = Buffer.from(header, 'latin1');
    bad.writeUInt16LE(0, 32);
    expect(run('CF.LOADCHUNK', 'd', '1', bad.toString('latin1'))).toBe("-Couldn't create filter!");
    expect(run('CF.LOADCHUNK', 'd', '5', 'ab')).toBe('-ERR not found');
    expect(run('CF.LOADCHUNK', 'c', '99999', 'ab')).toBe("-Couldn't load chunk!");
    run('SET', 's', 'x');
    expect(run('CF.LOADCHUNK', 's', '1', header)).toBe(WRONGTYPE);
  });
});

describe('filters as keys', () => {
  it('DEL, EXPIRE, RENAME, COPY, SCAN TYPE', () => {
    run('BF.ADD', 'b', 'a');
    run('CF.ADD', 'c', 'a');
    expect(run('SCAN', '0', 'TYPE', 'mbbloom--')).toEqual(['0', ['b']]);
    expect(run('SCAN', '0', 'TYPE', 'MBbloomCF')).toEqual(['0', ['c']]);
    expect(run('COPY', 'b', 'b2')).toBe(1);
    run('BF.ADD', 'b2', 'other');
    expect(run('BF.EXISTS', 'b', 'other')).toBe(0);
    expect(run('BF.EXISTS', 'b2', 'a')).toBe(1);
    expect(run('RENAME', 'c', 'c2')).toBe('+OK');
    expect(run('CF.EXISTS', 'c2', 'a')).toBe(1);
    expect(run('EXPIRE', 'c2', '10')).toBe(1);
    t.clock.advance(11_000);
    expect(run('CF.EXISTS', 'c2', 'a')).toBe(0);
    expect(run('DEL', 'b', 'b2')).toBe(2);
  });

  it('MULTI/EXEC runs filter commands', () => {
    expect(run('MULTI')).toBe('+OK');
    run('BF.ADD', 'b', 'a');
    run('BF.EXISTS', 'b', 'a');
    expect(run('EXEC')).toEqual([1, 1]);
  });
});

describe('BF.DEBUG / CF.DEBUG / CF.COMPACT', () => {
  it('describe the links and buckets as RedisBloom prints them', () => {
    run('BF.RESERVE', 'b', '0.01', '100');
    expect(run('BF.DEBUG', 'b')).toEqual(['size:0', 'bytes:144 bits:1152 hashes:8 hashwidth:64 capacity:100 size:0 ratio:0.005']);
    run('BF.RESERVE', 'g', '0.01', '2');
    run('BF.MADD', 'g', 'a', 'b', 'c');
    expect((run('BF.DEBUG', 'g') as string[])[2]).toMatch(/capacity:4 size:1 ratio:0.0025$/);
    expect(run('BF.DEBUG', 'none')).toBe('-ERR not found');
    run('CF.RESERVE', 'c', '1000');
    run('CF.ADD', 'c', 'x');
    expect(run('CF.DEBUG', 'c')).toBe('bktsize:2 buckets:512 items:1 deletes:0 filters:1 max_iterations:20 expansion:1');
    expect(run('CF.DEBUG', 'none')).toBe('-ERR not found');
  });

  it('CF.COMPACT moves items down and is journaled', () => {
    run('CF.RESERVE', 'c', '4', 'EXPANSION', '2', 'BUCKETSIZE', '1');
    for (let i = 0; i < 20; i++) run('CF.ADD', 'c', `x${i}`);
    const grown = info('CF', 'c')['Number of filters'] as number;
    expect(grown).toBeGreaterThan(1);
    t.journal.length = 0;
    expect(run('CF.COMPACT', 'c')).toBe('+OK');
    expect(info('CF', 'c')['Number of filters'] as number).toBeLessThanOrEqual(grown);
    for (let i = 0; i < 20; i++) expect(run('CF.EXISTS', 'c', `x${i}`)).toBe(1);
    expect(journal()).toEqual([['CF.COMPACT', 'c']]);
    expect(run('CF.COMPACT', 'none')).toBe('-Cuckoo filter was not found');
  });

  it('formatG is printf %g', () => {
    expect([0.005, 0.0025, 6.25e-5, 0.01, 1234567, 0.1, 1, 0.000123456789].map(formatG)).toEqual(['0.005', '0.0025', '6.25e-05', '0.01', '1.23457e+06', '0.1', '1', '0.000123457']);
  });
});
