// Unit tests for the bitmaps family through a real Executor: every command and error, the journal, keyspace notifications, TTLs and the size limits.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../server/client.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = '-ERR value is not an integer or out of range';
const SYNTAX = '-ERR syntax error';
const BAD_OFFSET = '-ERR bit offset is not an integer or out of range';
const BAD_BIT = '-ERR bit is not an integer or out of range';
const BAD_TYPE = '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const RO_ONLY_GET = '-ERR BITFIELD_RO only supports the GET subcommand';

let t: TestExecutor;
let sub: Client;

beforeEach(() => {
  t = createTestExecutor({ config: { notify_keyspace_events: 'KEA' } });
  sub = t.newClient();
  t.runAs(sub, 'PSUBSCRIBE', '__keyevent*');
  t.takePushes(sub);
});

const journal = (): string[][] => t.journal.map((j) => j.argv);
/** The keyevent events raised since the last call, as `event key`. */
const events = (): string[] => t.takePushes(sub).map((p) => `${String((p as string[])[2]).split(':')[1]} ${String((p as string[])[3])}`);
const reset = (): void => {
  t.journal.length = 0;
  t.takePushes(sub);
};
const hex = (key: string): string => Buffer.from(String(t.run('GET', key)), 'latin1').toString('hex');

describe('SETBIT / GETBIT', () => {
  it('sets and clears bits, growing the string zero-padded, answering the old bit', () => {
    expect(t.run('SETBIT', 'k', '1', '1')).toBe(0);
    expect(t.run('SETBIT', 'k', '7', '1')).toBe(0);
    expect(hex('k')).toBe('41');
    expect(t.run('SETBIT', 'k', '1', '0')).toBe(1);
    expect(t.run('SETBIT', 'k', '20', '1')).toBe(0);
    expect(hex('k')).toBe('010008');
    expect(t.run('GETBIT', 'k', '20')).toBe(1);
    expect(t.run('GETBIT', 'k', '21')).toBe(0);
    expect(t.run('GETBIT', 'k', '1000')).toBe(0);
    expect(t.run('GETBIT', 'missing', '0')).toBe(0);
  });

  it('works on a string made by SET, binary safe', () => {
    t.run('SET', 'k', '\xff\x00');
    expect(t.run('SETBIT', 'k', '0', '0')).toBe(1);
    expect(t.run('SETBIT', 'k', '15', '1')).toBe(0);
    expect(hex('k')).toBe('7f01');
  });

  it('journals and notifies only a change; a new or grown key is a change even with bit 0', () => {
    reset();
    expect(t.run('SETBIT', 'k', '3', '0')).toBe(0);
    expect(journal()).toEqual([['SETBIT', 'k', '3', '0']]);
    expect(events()).toEqual(['setbit k']);
    reset();
    expect(t.run('SETBIT', 'k', '3', '0')).toBe(0);
    expect(journal()).toEqual([]);
    expect(events()).toEqual([]);
    expect(t.run('SETBIT', 'k', '15', '0')).toBe(0);
    expect(journal()).toEqual([['SETBIT', 'k', '15', '0']]);
    expect(events()).toEqual(['setbit k']);
  });

  it('keeps the TTL of an existing key', () => {
    t.run('SET', 'k', 'a', 'EX', '100');
    t.run('SETBIT', 'k', '100', '1');
    expect(t.run('TTL', 'k')).toBe(100);
  });

  it.each([
    [['SETBIT', 'k', '-1', '1'], BAD_OFFSET],
    [['SETBIT', 'k', 'x', '1'], BAD_OFFSET],
    [['SETBIT', 'k', '4294967296', '1'], BAD_OFFSET],
    [['SETBIT', 'k', '99999999999999999999', '1'], BAD_OFFSET],
    [['SETBIT', 'k', '0', '2'], BAD_BIT],
    [['SETBIT', 'k', '0', '-1'], BAD_BIT],
    [['SETBIT', 'k', '0', 'on'], BAD_BIT],
    [['GETBIT', 'k', '-1'], BAD_OFFSET],
    [['GETBIT', 'k', '4294967296'], BAD_OFFSET],
    [['SETBIT', 'k', '0'], "-ERR wrong number of arguments for 'setbit' command"],
  ])('%j: %s', (argv, err) => {
    expect(t.run(...argv)).toBe(err);
    expect(t.store.db(0).has('k')).toBe(false);
  });

  it('WRONGTYPE on collections, after the arguments are checked', () => {
    t.run('LPUSH', 'l', 'a');
    expect(t.run('SETBIT', 'l', '0', '1')).toBe(WRONGTYPE);
    expect(t.run('SETBIT', 'l', 'x', '1')).toBe(BAD_OFFSET);
    expect(t.run('GETBIT', 'l', '0')).toBe(WRONGTYPE);
  });

  it('the offset limit follows proto-max-bulk-len', () => {
    t.run('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    expect(t.run('SETBIT', 'k', String(8 * 1024 * 1024), '1')).toBe(BAD_OFFSET);
    expect(t.run('SETBIT', 'k', String(8 * 1024 * 1024 - 1), '1')).toBe(0);
    expect(t.run('STRLEN', 'k')).toBe(1024 * 1024);
    expect(t.run('BITFIELD', 'k', 'GET', 'u8', '#1048576')).toBe(BAD_OFFSET);
  });
});

describe('BITCOUNT', () => {
  beforeEach(() => t.run('SET', 's', 'foobar'));

  it.each([
    [[], 26],
    [['0', '0'], 4],
    [['1', '1'], 6],
    [['1', '1', 'BYTE'], 6],
    [['5', '30', 'BIT'], 17],
    [['5', '30', 'bit'], 17],
    [['-1', '-1'], 4],
    [['-1', '-5'], 0],
    [['-1', '-5', 'NOPE'], 0],
    [['2', '1'], 0],
    [['0', '1000'], 26],
    [['-1000', '1000', 'BIT'], 26],
    [['0', '1', 'WORD'], SYNTAX],
    [['0'], SYNTAX],
    [['0', '1', 'BIT', 'x'], SYNTAX],
    [['a', '1'], NOT_INT],
    [['1', 'b'], NOT_INT],
  ])('BITCOUNT s %j = %j', (args, out) => {
    expect(t.run('BITCOUNT', 's', ...args)).toBe(out);
  });

  it('a missing key counts 0 whatever its arguments; an empty string 0; a collection WRONGTYPE', () => {
    expect(t.run('BITCOUNT', 'missing')).toBe(0);
    expect(t.run('BITCOUNT', 'missing', 'a', 'b')).toBe(0);
    t.run('SET', 'e', '');
    expect(t.run('BITCOUNT', 'e')).toBe(0);
    expect(t.run('BITCOUNT', 'e', '0', '-1', 'BIT')).toBe(0);
    t.run('LPUSH', 'l', 'a');
    expect(t.run('BITCOUNT', 'l')).toBe(WRONGTYPE);
  });
});

describe('BITPOS', () => {
  beforeEach(() => t.run('SET', 's', '\xff\xf0\x00'));

  it.each([
    [['0'], 12],
    [['1'], 0],
    [['1', '2'], -1],
    [['0', '0', '0'], -1],
    [['0', '2', '-1'], 16],
    [['1', '7', '15', 'BIT'], 7],
    [['0', '7', '15', 'BIT'], 12],
    [['0', '7', '11', 'BIT'], -1],
    [['0', '3', '-1', 'bit'], 12],
    [['1', '-10', '-1', 'BIT'], -1],
    [['1', '-14', '-1', 'BIT'], 10],
    [['1', '5', '3', 'BIT'], -1],
    [['1', '0', '-1', 'WORD'], SYNTAX],
    [['1', '0', 'x', 'WORD'], SYNTAX],
    [['1', '0', '1', 'BIT', 'x'], SYNTAX],
    [['2'], '-ERR The bit argument must be 1 or 0.'],
    [['x'], NOT_INT],
    [['1', 'x'], NOT_INT],
    [['1', '0', 'x'], NOT_INT],
  ])('BITPOS s %j = %j', (args, out) => {
    expect(t.run('BITPOS', 's', ...args)).toBe(out);
  });

  it('all ones: the bit after the string without an end, -1 with one', () => {
    t.run('SET', 'ones', '\xff\xff');
    expect(t.run('BITPOS', 'ones', '0')).toBe(16);
    expect(t.run('BITPOS', 'ones', '0', '1')).toBe(16);
    expect(t.run('BITPOS', 'ones', '0', '0', '-1')).toBe(-1);
    expect(t.run('BITPOS', 'ones', '0', '3', 'BIT')).toBe(NOT_INT);
    expect(t.run('BITPOS', 'ones', '0', '3', '12', 'BIT')).toBe(-1);
  });

  it('missing keys are all zeros, empty strings hold neither bit, collections are WRONGTYPE', () => {
    expect(t.run('BITPOS', 'missing', '0')).toBe(0);
    expect(t.run('BITPOS', 'missing', '1')).toBe(-1);
    expect(t.run('BITPOS', 'missing', '1', 'x')).toBe(-1);
    t.run('SET', 'e', '');
    expect(t.run('BITPOS', 'e', '0')).toBe(-1);
    expect(t.run('BITPOS', 'e', '1')).toBe(-1);
    t.run('LPUSH', 'l', 'a');
    expect(t.run('BITPOS', 'l', '0')).toBe(WRONGTYPE);
    expect(t.run('BITPOS', 'l', '3')).toBe('-ERR The bit argument must be 1 or 0.');
  });
});

describe('BITOP', () => {
  beforeEach(() => {
    t.run('SET', 'a', '\xff\x0f\xaa');
    t.run('SET', 'b', '\x0f\xf0');
  });

  it.each([
    [['AND', 'd', 'a', 'b'], '0f0000'],
    [['or', 'd', 'a', 'b', 'missing'], 'ffffaa'],
    [['XoR', 'd', 'a', 'b', 'a'], '0ff000'],
    [['NOT', 'd', 'a'], '00f055'],
  ])('BITOP %j: as long as the longest source, zero-padded', (args, out) => {
    expect(t.run('BITOP', ...args)).toBe(3);
    expect(hex('d')).toBe(out);
  });

  it('stores without a TTL, journals the command, raises set', () => {
    t.run('SET', 'd', 'x', 'EX', '100');
    reset();
    expect(t.run('BITOP', 'AND', 'd', 'a', 'b')).toBe(3);
    expect(t.run('TTL', 'd')).toBe(-1);
    expect(journal()).toEqual([['BITOP', 'AND', 'd', 'a', 'b']]);
    expect(events()).toEqual(['set d']);
  });

  it('an empty result deletes the destination (del, journaled as DEL), or does nothing', () => {
    t.run('SET', 'd', 'x');
    reset();
    expect(t.run('BITOP', 'OR', 'd', 'missing', 'missing2')).toBe(0);
    expect(t.store.db(0).has('d')).toBe(false);
    expect(journal()).toEqual([['DEL', 'd']]);
    expect(events()).toEqual(['del d']);
    expect(t.run('BITOP', 'OR', 'd', 'missing')).toBe(0);
    expect(journal()).toEqual([['DEL', 'd']]);
  });

  it('errors: unknown op, NOT with several keys, a collection source; a collection destination is overwritten', () => {
    expect(t.run('BITOP', 'NAND', 'd', 'a')).toBe(SYNTAX);
    expect(t.run('BITOP', 'NOT', 'd', 'a', 'b')).toBe('-ERR BITOP NOT must be called with a single source key.');
    t.run('LPUSH', 'l', 'x');
    expect(t.run('BITOP', 'AND', 'd', 'a', 'l')).toBe(WRONGTYPE);
    expect(t.run('BITOP', 'AND', 'l', 'a')).toBe(3);
    expect(t.run('TYPE', 'l')).toBe('+string');
    expect(t.run('BITOP', 'AND', 'd')).toBe("-ERR wrong number of arguments for 'bitop' command");
  });
});

describe('BITFIELD / BITFIELD_RO', () => {
  it('GET, SET and INCRBY in one call, # offsets, signed and unsigned', () => {
    expect(t.run('BITFIELD', 'k', 'SET', 'i8', '0', '-100', 'GET', 'i8', '0', 'GET', 'u8', '0')).toEqual([0, -100, 156]);
    expect(t.run('BITFIELD', 'k', 'SET', 'u4', '#1', '15', 'GET', 'u4', '4', 'GET', 'i4', '#1')).toEqual([12, 15, -1]);
    expect(t.run('BITFIELD', 'k', 'INCRBY', 'u2', '100', '1', 'incrby', 'i5', '100', '-3')).toEqual([1, 5]);
    expect(t.run('BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775808', 'GET', 'i64', '0')).toEqual([-6989586621679009792n, -9223372036854775808n]);
    expect(t.run('BITFIELD', 'k')).toEqual([]);
  });

  it('overflow WRAP, SAT and FAIL (nil, nothing written)', () => {
    expect(t.run('BITFIELD', 'k', 'SET', 'u8', '0', '255', 'INCRBY', 'u8', '0', '10', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '300')).toEqual([0, 9, 255]);
    expect(t.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1', 'INCRBY', 'u8', '0', '-1', 'GET', 'u8', '0')).toEqual([null, 254, 254]);
    expect(t.run('BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'i8', '8', '200', 'SET', 'u8', '8', '-1', 'GET', 'u8', '8')).toEqual([0, 127, 255]);
  });

  it('GETs only read: nothing created or journaled; a write grows the key, journals the command, raises setbit', () => {
    reset();
    expect(t.run('BITFIELD', 'k', 'GET', 'u8', '0', 'OVERFLOW', 'SAT')).toEqual([0]);
    expect(t.store.db(0).has('k')).toBe(false);
    expect(journal()).toEqual([]);
    expect(t.run('BITFIELD', 'k', 'SET', 'u8', '8', '0')).toEqual([0]);
    expect(hex('k')).toBe('0000');
    expect(journal()).toEqual([['BITFIELD', 'k', 'SET', 'u8', '8', '0']]);
    expect(events()).toEqual(['setbit k']);
    reset();
    expect(t.run('BITFIELD', 'k', 'SET', 'u8', '8', '0')).toEqual([0]);
    expect(journal()).toEqual([]);
    expect(events()).toEqual([]);
  });

  it('a write that fails still creates the zero-padded key (as Redis), journaled, without setbit', () => {
    reset();
    expect(t.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '9')).toEqual([null]);
    expect(hex('k')).toBe('00');
    expect(journal()).toEqual([['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u2', '0', '9']]);
    expect(events()).toEqual([]);
  });

  it('keeps the TTL of an existing key', () => {
    t.run('SET', 'k', 'a', 'EX', '100');
    t.run('BITFIELD', 'k', 'SET', 'u8', '64', '1');
    expect(t.run('TTL', 'k')).toBe(100);
  });

  it('BITFIELD_RO answers GETs and refuses writes after parsing everything', () => {
    t.run('SET', 'k', '\x80\x01');
    expect(t.run('BITFIELD_RO', 'k', 'GET', 'u8', '#1', 'GET', 'i1', '0')).toEqual([1, -1]);
    expect(t.run('BITFIELD_RO', 'k')).toEqual([]);
    expect(t.run('BITFIELD_RO', 'k', 'SET', 'u8', '0', '1')).toBe(RO_ONLY_GET);
    expect(t.run('BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1')).toBe(RO_ONLY_GET);
    expect(t.run('BITFIELD_RO', 'k', 'SET', 'u8', '0', 'x')).toBe(NOT_INT);
    expect(t.run('BITFIELD_RO', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', '0')).toEqual([128]);
  });

  it.each([
    [['GET', 'u64', '0'], BAD_TYPE],
    [['GET', 'i65', '0'], BAD_TYPE],
    [['GET', 'i0', '0'], BAD_TYPE],
    [['GET', 'I8', '0'], BAD_TYPE],
    [['GET', 'u8', '-1'], BAD_OFFSET],
    [['GET', 'u8', '#-1'], BAD_OFFSET],
    [['GET', 'u8', '4294967296'], BAD_OFFSET],
    [['GET', 'u8', '#536870912'], BAD_OFFSET],
    [['SET', 'u8', '0', 'x'], NOT_INT],
    [['SET', 'u8', '0'], SYNTAX],
    [['GET', 'u8'], SYNTAX],
    [['FOO', 'u8', '0'], SYNTAX],
    [['OVERFLOW', 'BAD', 'GET', 'u8', '0'], '-ERR Invalid OVERFLOW type specified'],
    [['OVERFLOW'], SYNTAX],
    [['SET', 'u8', '0', '1', 'GET', 'x8', '0'], BAD_TYPE],
  ])('BITFIELD k %j: %s', (args, err) => {
    expect(t.run('BITFIELD', 'k', ...args)).toBe(err);
    expect(t.store.db(0).has('k')).toBe(false);
  });

  it('WRONGTYPE on collections, for reads and writes', () => {
    t.run('LPUSH', 'l', 'a');
    expect(t.run('BITFIELD', 'l', 'GET', 'u8', '0')).toBe(WRONGTYPE);
    expect(t.run('BITFIELD', 'l', 'SET', 'u8', '0', '1')).toBe(WRONGTYPE);
    expect(t.run('BITFIELD_RO', 'l', 'GET', 'u8', '0')).toBe(WRONGTYPE);
  });
});

describe('command table', () => {
  it('key flags as Redis gives them (COMMAND GETKEYSANDFLAGS)', () => {
    expect(t.run('COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0')).toEqual([['k', ['+RO', '+access']]]);
    expect(t.run('COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '1')).toEqual([['k', ['+RW', '+access', '+update']]]);
    expect(t.run('COMMAND', 'GETKEYSANDFLAGS', 'BITOP', 'AND', 'd', 'a', 'b')).toEqual([
      ['d', ['+OW', '+update']],
      ['a', ['+RO', '+access']],
      ['b', ['+RO', '+access']],
    ]);
    expect(t.run('COMMAND', 'GETKEYS', 'BITCOUNT', 'k', '0', '1')).toEqual(['k']);
  });
});

describe('strings held as bytes after SETBIT / BITFIELD', () => {
  const entry = (key: string) => {
    const e = t.store.db(0).get(key);
    if (e === undefined) throw new Error(`no ${key}`);
    return e;
  };

  it('every string command sees the changed bytes; assigning a value drops them', () => {
    t.run('SET', 'k', 'abc');
    t.run('SETBIT', 'k', '7', '0');
    expect(t.run('GET', 'k')).toBe('`bc');
    t.run('SETBIT', 'k', '39', '1');
    expect(t.run('STRLEN', 'k')).toBe(5);
    expect(t.run('GETRANGE', 'k', '2', '-1')).toBe('c\0\x01');
    expect(t.run('APPEND', 'k', 'Z')).toBe(6);
    t.run('SETBIT', 'k', '0', '1');
    expect(t.run('SETRANGE', 'k', '1', 'yy')).toBe(6);
    expect(t.run('GET', 'k')).toBe('\xe0yy\0\x01Z');
    t.run('BITFIELD', 'k', 'SET', 'u8', '#5', '66');
    expect(t.run('GET', 'k')).toBe('\xe0yy\0\x01B');
    t.run('SET', 'k', 'new');
    expect(t.run('GETBIT', 'k', '1')).toBe(1);
    expect(t.run('GET', 'k')).toBe('new');
    t.run('SETBIT', 'k', '0', '0');
    expect(t.run('INCRBY', 'k', '1')).toBe('-ERR value is not an integer or out of range');
    t.run('SET', 'n', '12');
    t.run('SETBIT', 'n', '15', '1');
    expect(t.run('INCR', 'n')).toBe(14);
  });

  it('TYPE, OBJECT ENCODING, COPY, RENAME, SORT BY and DUMP/RESTORE of a bitmap', () => {
    t.run('SETBIT', 'b', '6', '1');
    t.run('SETBIT', 'b', '15', '1');
    expect(t.run('TYPE', 'b')).toBe('+string');
    expect(t.run('OBJECT', 'ENCODING', 'b')).toBe('embstr');
    t.run('SET', 'w', '5');
    t.run('SETBIT', 'w', '7', '0');
    expect(t.run('OBJECT', 'ENCODING', 'w')).toBe('int');
    expect(t.run('COPY', 'b', 'c')).toBe(1);
    t.run('SETBIT', 'c', '0', '1');
    expect(t.run('GET', 'b')).toBe('\x02\x01');
    expect(t.run('GET', 'c')).toBe('\x82\x01');
    t.run('RENAME', 'c', 'd');
    t.run('SETBIT', 'd', '1', '1');
    expect(t.run('GET', 'd')).toBe('\xc2\x01');
    t.run('RPUSH', 'l', 'x', 'y');
    t.run('SET', 'wx', '2');
    t.run('SET', 'wy', '1');
    t.run('SETBIT', 'wx', '6', '0');
    t.run('SETBIT', 'wx', '7', '1');
    expect(t.run('SORT', 'l', 'BY', 'w*')).toEqual(['x', 'y']);
    const dump = t.run('DUMP', 'b') as string;
    t.run('SETBIT', 'b', '0', '1');
    expect(t.run('RESTORE', 'r', '0', dump)).toBe('+OK');
    expect(t.run('GET', 'r')).toBe('\x02\x01');
  });

  it('memory accounting charges the string length, growing with the bitmap', () => {
    const db = t.store.db(0);
    const before = db.bytes;
    t.run('SETBIT', 'm', '7', '1');
    const one = db.bytes - before;
    t.run('SETBIT', 'm', String(8 * 999 + 7), '1');
    expect(db.bytes - before - one).toBe(999);
    expect(entry('m').valueBytes()).toBe(1000);
    t.run('BITFIELD', 'm', 'SET', 'u8', '#1999', '1');
    expect(db.bytes - before - one).toBe(1999);
    t.run('DEL', 'm');
    expect(db.bytes).toBe(before);
  });

  it('SETBITs at growing offsets grow the bytes without copying the value each time', () => {
    t.run('SET', 'g', '');
    const e = entry('g');
    for (let i = 0; i < 8 * 4096; i += 8) t.run('SETBIT', 'g', String(i), '1');
    expect(e.valueBytes()).toBe(4096);
    expect(t.run('BITCOUNT', 'g')).toBe(4096);
    expect(e.value).toBe('\x80'.repeat(4096));
    // The value read above is kept until the bytes change again.
    expect(e.value).toBe(e.value);
  });
});
