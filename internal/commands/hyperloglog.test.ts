// Unit tests for the HyperLogLog family through a real Executor: replies, errors in Redis's words, the cache, encodings, journal and notifications.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import { HLL_DENSE_SIZE, HLL_REGISTERS, denseSet } from '../store/hll.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { stringCommands } from './strings.js';
import { setCommands } from './sets.js';
import { keyspaceCommands } from './keyspace.js';
import { serverCommands } from './server.js';
import { pubsubCommands } from './pubsub.js';
import type { Client } from '../server/client.js';

const HLL_WRONGTYPE = '-WRONGTYPE Key is not a valid HyperLogLog string value.';
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const INVALID = '-INVALIDOBJ Corrupted HLL object detected';

let t: TestExecutor;
let run: (...argv: string[]) => Plain;
let sub: Client;

beforeEach(() => {
  t = createTestExecutor({
    families: [hyperloglogCommands, stringCommands, setCommands, keyspaceCommands, serverCommands, pubsubCommands],
    config: { notify_keyspace_events: 'KEA' },
  });
  run = (...argv) => t.run(...argv);
  sub = t.newClient();
  t.runAs(sub, 'PSUBSCRIBE', '__keyevent*');
  t.takePushes(sub);
});

const journal = (): string[][] => t.journal.map((j) => j.argv);
const clear = (): void => {
  t.journal.length = 0;
  t.takePushes(sub);
};
const events = (): string[] => t.takePushes(sub).map((p) => `${String((p as string[])[2]).replace('__keyevent@0__:', '')} ${String((p as string[])[3])}`);
const value = (key: string): string => t.store.db(0).peek(key)?.value as string;

/** A dense value with registers from `f` and a stale cache. */
function dense(f: (i: number) => number): string {
  const b = new Uint8Array(HLL_DENSE_SIZE + 1);
  for (let i = 0; i < HLL_REGISTERS; i++) denseSet(b, i, f(i));
  b.set([0x48, 0x59, 0x4c, 0x4c], 0);
  b[15] = 0x80;
  return Buffer.from(b.subarray(0, HLL_DENSE_SIZE)).toString('latin1');
}

describe('command table entries match Redis 7.0 COMMAND INFO', () => {
  it.each([
    ['pfadd', -2, 'write,denyoom,fast', 1, 1, 1],
    ['pfcount', -2, 'readonly,may_replicate', 1, -1, 1],
    ['pfmerge', -2, 'write,denyoom', 1, -1, 1],
    ['pfdebug', 3, 'write,denyoom,admin', 2, 2, 1],
    ['pfselftest', 1, 'admin', 0, 0, 0],
  ])('%s', (name, arity, flags, first, last, step) => {
    const spec = hyperloglogCommands.find((s) => s.name === name);
    expect(spec && [spec.arity, spec.flags.join(','), spec.firstKey, spec.lastKey, spec.step]).toEqual([arity, flags, first, last, step]);
    expect(spec?.acl).toContain('hyperloglog');
  });
});

describe('PFADD', () => {
  it('creates a sparse HLL even without elements, then answers 1 only when a register grows', () => {
    expect(run('PFADD', 'h')).toBe(1);
    expect(value('h')).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff');
    expect(run('TYPE', 'h')).toBe('+string');
    expect(run('PFADD', 'h')).toBe(0);
    expect(run('PFADD', 'h', 'a', 'b', 'c')).toBe(1);
    expect(run('PFADD', 'h', 'a', 'b', 'c')).toBe(0);
    expect(run('PFADD', 'h', '')).toBe(1);
    expect(run('PFCOUNT', 'h')).toBe(4);
  });

  it('journals itself and raises pfadd only when it changed something', () => {
    clear();
    run('PFADD', 'h', 'x');
    run('PFADD', 'h', 'x');
    run('PFADD', 'h');
    expect(journal()).toEqual([['PFADD', 'h', 'x']]);
    expect(events()).toEqual(['pfadd h']);
  });

  it('keeps the TTL of an existing key', () => {
    run('PFADD', 'h', 'a');
    run('PEXPIRE', 'h', '5000');
    run('PFADD', 'h', 'b', 'c', 'd');
    expect(run('PTTL', 'h')).toBe(5000);
  });

  it('refuses collections and strings that are not HLLs', () => {
    run('SADD', 's', 'x');
    run('SET', 'str', 'bar');
    expect(run('PFADD', 's', 'a')).toBe(WRONGTYPE);
    expect(run('PFADD', 'str', 'a')).toBe(HLL_WRONGTYPE);
    expect(run('PFCOUNT', 'str')).toBe(HLL_WRONGTYPE);
    expect(run('PFCOUNT', 'str', 'other')).toBe(HLL_WRONGTYPE);
    expect(run('PFMERGE', 'd', 'str')).toBe(HLL_WRONGTYPE);
    expect(run('PFMERGE', 'str', 'd')).toBe(HLL_WRONGTYPE);
  });

  it('promotes to dense past hll-sparse-max-bytes', () => {
    run('CONFIG', 'SET', 'hll-sparse-max-bytes', '40');
    run('PFADD', 'h', 'a', 'b', 'c');
    expect(run('PFDEBUG', 'ENCODING', 'h')).toBe('+sparse');
    for (let i = 0; i < 20 && run('PFDEBUG', 'ENCODING', 'h') === '+sparse'; i++) run('PFADD', 'h', `e${i}`);
    expect(run('PFDEBUG', 'ENCODING', 'h')).toBe('+dense');
    expect(value('h').length).toBe(HLL_DENSE_SIZE);
  });

  it('adds to a dense value without copying when nothing grows', () => {
    run('PFADD', 'h', 'a');
    run('PFDEBUG', 'TODENSE', 'h');
    run('PFCOUNT', 'h');
    const before = value('h');
    expect(run('PFADD', 'h', 'a')).toBe(0);
    expect(value('h')).toBe(before);
    expect(run('PFADD', 'h', 'b')).toBe(1);
    expect(value('h').charCodeAt(15)).toBe(0x80);
    expect(run('PFCOUNT', 'h')).toBe(2);
  });
});

describe('PFCOUNT', () => {
  it('counts, caches, and journals the cache write as Redis propagates PFCOUNT', () => {
    expect(run('PFCOUNT', 'none')).toBe(0);
    run('PFADD', 'h', '1', '2', '3', '4', '5');
    expect(value('h').charCodeAt(15)).toBe(0x80);
    clear();
    expect(run('PFCOUNT', 'h')).toBe(5);
    expect(value('h').slice(8, 16)).toBe('\x05\0\0\0\0\0\0\0');
    expect(run('PFCOUNT', 'h')).toBe(5);
    expect(journal()).toEqual([['PFCOUNT', 'h']]);
    expect(events()).toEqual([]);
    run('PFADD', 'h', '6', '7', '8', '8', '9', '10');
    expect(run('PFCOUNT', 'h')).toBe(10);
  });

  it('answers a cached value without looking at the registers', () => {
    run('PFADD', 'h', 'a');
    const v = value('h');
    run('SET', 'h', v.slice(0, 8) + '\x2a\0\0\0\0\0\0\0' + v.slice(16));
    expect(run('PFCOUNT', 'h')).toBe(42);
  });

  it('several keys: the union, missing keys empty, nothing written', () => {
    run('PFADD', 'a', 'x', 'y', 'z');
    run('PFADD', 'b', 'y', 'z', 'w');
    run('PFDEBUG', 'TODENSE', 'b');
    clear();
    expect(run('PFCOUNT', 'a', 'b', 'missing')).toBe(4);
    expect(journal()).toEqual([]);
    expect(value('a').charCodeAt(15)).toBe(0x80);
  });

  it('corrupt sparse values are INVALIDOBJ; broken headers WRONGTYPE', () => {
    run('PFADD', 'h', 'a', 'b', 'c');
    run('APPEND', 'h', 'hello');
    expect(run('PFCOUNT', 'h')).toBe(INVALID);
    expect(run('PFCOUNT', 'h', 'x')).toBe(INVALID);
    expect(run('PFMERGE', 'd', 'h')).toBe(INVALID);
    run('DEL', 'h');
    run('PFADD', 'h', 'a', 'b', 'c');
    run('SETRANGE', 'h', '0', '0123');
    expect(run('PFCOUNT', 'h')).toBe(HLL_WRONGTYPE);
    run('SETRANGE', 'h', '0', 'HYLL');
    run('SETRANGE', 'h', '4', 'x');
    expect(run('PFCOUNT', 'h')).toBe(HLL_WRONGTYPE);
    run('SETRANGE', 'h', '4', '\0');
    expect(run('PFCOUNT', 'h')).toBe(HLL_WRONGTYPE);
  });

  it('an estimate past LLONG_MAX answers and caches LLONG_MIN, as redis-server 7.0.15', () => {
    run('SET', 'h', dense(() => 63));
    expect(run('PFCOUNT', 'h')).toBe(-(2n ** 63n));
    expect(value('h').slice(8, 16)).toBe('\0\0\0\0\0\0\0\x80');
    expect(run('PFCOUNT', 'h')).toBe(-(2n ** 63n));
  });

  it('the cached-cache byte follows PFADD as in the Tcl cache invalidation test', () => {
    run('PFADD', 'h', 'a', 'b', 'c');
    run('PFCOUNT', 'h');
    expect(run('GETRANGE', 'h', '15', '15')).toBe('\0');
    run('PFADD', 'h', 'a', 'b', 'c');
    expect(run('GETRANGE', 'h', '15', '15')).toBe('\0');
    run('PFADD', 'h', '1', '2', '3');
    expect(run('GETRANGE', 'h', '15', '15')).toBe('\x80');
  });
});

describe('PFMERGE', () => {
  it('the union into a new or existing destination, journaled as sent, raising pfadd', () => {
    run('PFADD', 'a', 'a', 'b', 'c');
    run('PFADD', 'b', 'b', 'c', 'd');
    run('PFADD', 'c', 'c', 'd', 'e');
    clear();
    expect(run('PFMERGE', 'd', 'a', 'b', 'c')).toBe('+OK');
    expect(run('PFCOUNT', 'd')).toBe(5);
    expect(journal()).toEqual([
      ['PFMERGE', 'd', 'a', 'b', 'c'],
      ['PFCOUNT', 'd'],
    ]);
    expect(events()).toEqual(['pfadd d']);
    expect(run('PFMERGE', 'a', 'c')).toBe('+OK');
    expect(run('PFCOUNT', 'a')).toBe(5);
    expect(run('PFMERGE', 'empty')).toBe('+OK');
    expect(run('PFCOUNT', 'empty')).toBe(0);
    expect(run('PFDEBUG', 'ENCODING', 'empty')).toBe('+sparse');
  });

  it('is dense when a source is dense, with the same registers', () => {
    run('PFADD', 'a', 'x', 'y');
    run('PFADD', 'b', 'z');
    run('PFDEBUG', 'TODENSE', 'b');
    run('PFMERGE', 'd', 'a', 'b');
    expect(run('PFDEBUG', 'ENCODING', 'd')).toBe('+dense');
    run('PFMERGE', 's', 'a');
    run('PFADD', 's', 'z');
    expect(run('PFDEBUG', 'GETREG', 'd')).toEqual(run('PFDEBUG', 'GETREG', 's'));
  });
});

describe('PFDEBUG and PFSELFTEST', () => {
  it('ENCODING, DECODE, TODENSE, GETREG and their errors', () => {
    expect(run('PFDEBUG', 'ENCODING', 'h')).toBe('-ERR The specified key does not exist');
    run('PFADD', 'h', 'a', 'b', 'c');
    expect(run('PFDEBUG', 'DECODE', 'h')).toBe('Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603');
    expect(run('PFDEBUG', 'nope', 'h')).toBe("-ERR Unknown PFDEBUG subcommand 'nope'");
    clear();
    expect(run('PFDEBUG', 'todense', 'h')).toBe(1);
    expect(run('PFDEBUG', 'TODENSE', 'h')).toBe(0);
    expect(journal()).toEqual([['PFDEBUG', 'todense', 'h']]);
    expect(run('PFDEBUG', 'DECODE', 'h')).toBe('-ERR HLL encoding is not sparse');
    const regs = run('PFDEBUG', 'GETREG', 'h') as number[];
    expect(regs.length).toBe(16384);
    expect([regs[8436], regs[12711], regs[15780], regs.filter((r) => r !== 0).length]).toEqual([1, 2, 1, 3]);
    run('PFADD', 'g', 'a');
    clear();
    expect((run('PFDEBUG', 'GETREG', 'g') as number[]).length).toBe(16384);
    expect(run('PFDEBUG', 'ENCODING', 'g')).toBe('+dense');
    expect(journal()).toEqual([['PFDEBUG', 'GETREG', 'g']]);
    run('SET', 's', 'x');
    expect(run('PFDEBUG', 'ENCODING', 's')).toBe(HLL_WRONGTYPE);
  });

  it('PFSELFTEST passes', () => {
    expect(run('PFSELFTEST')).toBe('+OK');
  }, 60_000);
});
