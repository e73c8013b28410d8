// Filters survive what any key survives: the AOF-rewrite/snapshot commands (LOADCHUNK) replayed elsewhere, DUMP/RESTORE as an RDB module value, memory accounting.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import { rewriteEntry } from '../persistence/rewrite.js';
import { dumpPayload, restorePayload } from '../rdb/value.js';
import { moduleTypeId } from '../rdb/filters.js';
import { BloomFilter } from '../store/bloom.js';
import { CuckooFilter } from '../store/cuckoo.js';
import { dumpCommands } from './dump.js';
import { filterCommands } from './filters.js';
import { keyspaceCommands } from './keyspace.js';
import { memoryCommands } from './memory.js';
import { stringCommands } from './strings.js';

const families = [filterCommands, keyspaceCommands, stringCommands, dumpCommands, memoryCommands];
let a: TestExecutor;
let b: TestExecutor;

beforeEach(() => {
  a = createTestExecutor({ families });
  b = createTestExecutor({ families });
});

/** Fills a scaled Bloom filter and an expanded Cuckoo filter on `a`. */
function fill(): void {
  a.run('BF.RESERVE', 'bf', '0.01', '20');
  a.run('CF.RESERVE', 'cf', '16', 'EXPANSION', '2');
  for (let i = 0; i < 100; i++) {
    a.run('BF.ADD', 'bf', `i${i}`);
    a.run('CF.ADD', 'cf', `i${i}`);
  }
  a.run('CF.DEL', 'cf', 'i0');
}

/** Every key's value on both sides answers the same INFO and membership. */
function expectSame(): void {
  expect(b.run('BF.INFO', 'bf')).toEqual(a.run('BF.INFO', 'bf'));
  expect(b.run('CF.INFO', 'cf')).toEqual(a.run('CF.INFO', 'cf'));
  for (let i = 0; i < 150; i++) {
    expect(b.run('BF.EXISTS', 'bf', `i${i}`)).toEqual(a.run('BF.EXISTS', 'bf', `i${i}`));
    expect(b.run('CF.COUNT', 'cf', `i${i}`)).toEqual(a.run('CF.COUNT', 'cf', `i${i}`));
  }
}

describe('rewrite (snapshots, AOF rewrite base, slot hand-off)', () => {
  it('emits LOADCHUNK commands that rebuild both filters, TTL included', () => {
    fill();
    a.run('PEXPIREAT', 'bf', String(a.clock.now() + 60_000));
    const cmds: string[][] = [];
    for (const key of ['bf', 'cf']) {
      const e = a.store.db(0).peek(key);
      if (e === undefined) throw new Error('missing');
      rewriteEntry(key, e, (argv) => cmds.push(argv));
    }
    expect(cmds.map((c) => c[0])).toEqual(['BF.LOADCHUNK', 'BF.LOADCHUNK', 'BF.LOADCHUNK', 'BF.LOADCHUNK', 'PEXPIREAT', 'CF.LOADCHUNK', 'CF.LOADCHUNK', 'CF.LOADCHUNK', 'CF.LOADCHUNK', 'CF.LOADCHUNK']);
    for (const c of cmds) expect(b.run(...c)).toEqual(c[0] === 'PEXPIREAT' ? 1 : '+OK');
    expectSame();
    expect(b.run('PTTL', 'bf')).toBe(60_000);
  });

  it('an empty Cuckoo filter is rewritten too', () => {
    a.run('CF.RESERVE', 'cf', '100');
    const e = a.store.db(0).peek('cf');
    if (e === undefined) throw new Error('missing');
    rewriteEntry('cf', e, (argv) => b.run(...argv));
    expect(b.run('CF.INFO', 'cf')).toEqual(a.run('CF.INFO', 'cf'));
  });
});

describe('DUMP / RESTORE', () => {
  it('carries both types as RDB module values', () => {
    fill();
    for (const key of ['bf', 'cf']) {
      const payload = a.run('DUMP', key) as string;
      // RDB_TYPE_MODULE_2, then the module type id as a 64-bit length.
      expect(payload.charCodeAt(0)).toBe(7);
      expect(b.run('RESTORE', key, '0', payload)).toBe('+OK');
    }
    expectSame();
    expect(b.run('TYPE', 'bf')).toBe('+MBbloom--');
    expect(b.run('TYPE', 'cf')).toBe('+MBbloomCF');
  });

  it('round-trips values directly and refuses other module types', () => {
    const bf = BloomFilter.create(10, 0.01, 2, false) as BloomFilter;
    bf.add('x');
    expect(restorePayload(dumpPayload(bf))).toEqual(bf);
    const cf = CuckooFilter.create(10, 2, 20, 1) as CuckooFilter;
    cf.insert('x', false);
    expect(restorePayload(dumpPayload(cf))).toEqual(cf);
    const other = dumpPayload(bf);
    // Same layout, another type name: refused as Redis refuses a module type it does not know.
    const id = moduleTypeId('MBbloom--', 4);
    expect(other.readBigUInt64BE(2)).toBe(id);
    other.writeBigUInt64BE(moduleTypeId('XXbloom--', 4), 2);
    expect(() => restorePayload(other)).toThrow(/unsupported module type/);
  });
});

describe('memory accounting', () => {
  it('charges what BF.INFO / CF.INFO report as Size', () => {
    fill();
    const bfSize = (a.run('BF.INFO', 'bf', 'SIZE') as Plain[])[0] as number;
    expect(a.run('MEMORY', 'USAGE', 'bf') as number).toBeGreaterThanOrEqual(bfSize);
    expect(a.store.db(0).peek('bf')?.charged).toBeGreaterThanOrEqual(bfSize);
    const before = a.store.db(0).peek('cf')?.charged ?? 0;
    for (let i = 100; i < 400; i++) a.run('CF.ADD', 'cf', `i${i}`);
    expect(a.store.db(0).peek('cf')?.charged ?? 0).toBeGreaterThan(before);
  });
});
