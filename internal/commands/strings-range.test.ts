// Unit tests for the strings byte-range commands: APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE and LCS, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeToBuffer } from '../resp/encoder.js';
import { substringRange } from './strings-range.js';
import { useStringsHarness, h, now, FakeList, ttlOf, expireKey, ALL_BYTES, WRONGTYPE, NOT_INT, SYNTAX, TOO_LONG } from '../testing/strings-fixtures.js';

useStringsHarness();

describe('APPEND / STRLEN', () => {
  it('APPEND creates, appends, answers the new length, keeps the TTL', () => {
    expect(h.run('APPEND', 'k', 'Hello')).toBe(5);
    expireKey('k', now + 5000);
    expect(h.run('APPEND', 'k', ' World')).toBe(11);
    expect(h.run('GET', 'k')).toBe('Hello World');
    expect(ttlOf('k')).toBe(now + 5000);
    expect(h.journal).toEqual([
      ['APPEND', 'k', 'Hello'],
      ['APPEND', 'k', ' World'],
    ]);
  });

  it('APPEND of an empty string creates an empty key', () => {
    expect(h.run('APPEND', 'k', '')).toBe(0);
    expect(h.db.has('k')).toBe(true);
    expect(h.run('GET', 'k')).toBe('');
  });

  it('APPEND is binary safe', () => {
    for (let i = 0; i < 256; i++) h.run('APPEND', 'k', String.fromCharCode(i));
    expect(h.run('GET', 'k')).toBe(ALL_BYTES);
  });

  it('APPEND to a collection is WRONGTYPE', () => {
    h.db.set('l', new FakeList());
    expect(h.run('APPEND', 'l', 'x')).toBe(WRONGTYPE);
  });

  it('APPEND beyond proto-max-bulk-len fails and leaves the value', () => {
    h.config.set([['proto-max-bulk-len', '1mb']]);
    const half = 'x'.repeat(512 * 1024);
    expect(h.run('APPEND', 'k', half)).toBe(half.length);
    expect(h.run('APPEND', 'k', half)).toBe(1024 * 1024);
    expect(h.run('APPEND', 'k', 'y')).toBe(TOO_LONG);
    expect(h.run('STRLEN', 'k')).toBe(1024 * 1024);
  });

  it('STRLEN answers 0 for a missing key, the byte length otherwise, WRONGTYPE for collections', () => {
    expect(h.run('STRLEN', 'k')).toBe(0);
    h.run('SET', 'k', '\xe9\xe9\0');
    expect(h.run('STRLEN', 'k')).toBe(3);
    h.db.set('l', new FakeList());
    expect(h.run('STRLEN', 'l')).toBe(WRONGTYPE);
  });
});

describe('GETRANGE / SUBSTR', () => {
  it.each([
    ['Hello World', 0, 3, 'Hell'],
    ['Hello World', 0, -1, 'Hello World'],
    ['Hello World', -4, -1, 'orld'],
    ['Hello World', 5, 3, ''],
    ['Hello World', 5, 5000, ' World'],
    ['Hello World', -5000, 10000, 'Hello World'],
    ['hello', -1, -5, ''],
    ['hello', -5, -1, 'hello'],
    ['hello', 0, -100, 'h'],
    ['hello', 4, 100, 'o'],
    ['hello', -100, -100, 'h'],
    ['hello', 5, 10, ''],
    ['', 0, -1, ''],
    ['', 0, 0, ''],
  ])('substringRange(%j, %i, %i) = %j', (s, start, end, expected) => {
    expect(substringRange(s, start, end)).toBe(expected);
  });

  it('GETRANGE and SUBSTR answer the slice', () => {
    h.run('SET', 'k', 'Hello World');
    expect(h.run('GETRANGE', 'k', '0', '4')).toBe('Hello');
    expect(h.run('SUBSTR', 'k', '-5', '-1')).toBe('World');
    expect(h.run('GETRANGE', 'k', '-9223372036854775808', '9223372036854775807')).toBe('Hello World');
    h.run('SET', 'n', '1234');
    expect(h.run('GETRANGE', 'n', '0', '2')).toBe('123');
  });

  it('a missing key is an empty string', () => {
    expect(h.run('GETRANGE', 'nope', '0', '-1')).toBe('');
    expect(h.exec('SUBSTR', 'nope', '0', '-1')).toEqual({ t: 'bulk', v: '' });
  });

  it('indexes must be integers, checked before the key', () => {
    expect(h.run('GETRANGE', 'nope', 'a', '1')).toBe(NOT_INT);
    expect(h.run('GETRANGE', 'nope', '0', '1.5')).toBe(NOT_INT);
    h.db.set('l', new FakeList());
    expect(h.run('GETRANGE', 'l', 'x', '1')).toBe(NOT_INT);
    expect(h.run('GETRANGE', 'l', '0', '1')).toBe(WRONGTYPE);
    expect(h.run('SUBSTR', 'l', '0', '1')).toBe(WRONGTYPE);
  });

  it('is binary safe', () => {
    h.run('SET', 'k', ALL_BYTES);
    expect(h.run('GETRANGE', 'k', '0', '127')).toBe(ALL_BYTES.slice(0, 128));
    expect(h.run('GETRANGE', 'k', '128', '-1')).toBe(ALL_BYTES.slice(128));
  });
});

describe('SETRANGE', () => {
  it('overwrites in place, keeps the TTL, answers the length', () => {
    h.run('SET', 'k', 'Hello World', 'PX', '5000');
    h.journal.length = 0;
    expect(h.run('SETRANGE', 'k', '6', 'Redis')).toBe(11);
    expect(h.run('GET', 'k')).toBe('Hello Redis');
    expect(h.run('SETRANGE', 'k', '6', 'R')).toBe(11);
    expect(h.run('GET', 'k')).toBe('Hello Redis');
    expect(h.run('SETRANGE', 'k', '10', 'XYZ')).toBe(13);
    expect(h.run('GET', 'k')).toBe('Hello RediXYZ');
    expect(ttlOf('k')).toBe(now + 5000);
    expect(h.journal).toEqual([
      ['SETRANGE', 'k', '6', 'Redis'],
      ['SETRANGE', 'k', '6', 'R'],
      ['SETRANGE', 'k', '10', 'XYZ'],
    ]);
  });

  it('zero-pads past the end and creates missing keys', () => {
    expect(h.run('SETRANGE', 'k', '5', 'x')).toBe(6);
    expect(h.run('GET', 'k')).toBe('\0\0\0\0\0x');
    h.run('SET', 'j', 'ab');
    expect(h.run('SETRANGE', 'j', '4', 'c')).toBe(5);
    expect(h.run('GET', 'j')).toBe('ab\0\0c');
    expect(h.run('SETRANGE', 'j', '5', 'd')).toBe(6);
    expect(h.run('GET', 'j')).toBe('ab\0\0cd');
  });

  it('an empty value changes nothing', () => {
    expect(h.run('SETRANGE', 'k', '0', '')).toBe(0);
    expect(h.run('SETRANGE', 'k', '100', '')).toBe(0);
    expect(h.db.has('k')).toBe(false);
    h.run('SET', 'j', 'abc');
    h.journal.length = 0;
    expect(h.run('SETRANGE', 'j', '100', '')).toBe(3);
    expect(h.journal).toEqual([]);
  });

  it('offset errors', () => {
    expect(h.run('SETRANGE', 'k', '-1', 'x')).toBe('-ERR offset is out of range');
    expect(h.run('SETRANGE', 'k', 'abc', 'x')).toBe(NOT_INT);
    expect(h.run('SETRANGE', 'k', '9223372036854775807', 'x')).toBe(TOO_LONG);
    expect(h.run('SETRANGE', 'k', '2147483647', 'x')).toBe(TOO_LONG);
    expect(h.run('SETRANGE', 'k', '9223372036854775808', 'x')).toBe(NOT_INT);
    expect(h.db.has('k')).toBe(false);
  });

  it('respects proto-max-bulk-len', () => {
    h.config.set([['proto-max-bulk-len', '1mb']]);
    expect(h.run('SETRANGE', 'k', String(1024 * 1024 - 1), 'x')).toBe(1024 * 1024);
    expect(h.run('SETRANGE', 'k', String(1024 * 1024), 'x')).toBe(TOO_LONG);
    expect(h.run('SETRANGE', 'k', String(1024 * 1024 - 1), 'xy')).toBe(TOO_LONG);
  });

  it('WRONGTYPE for collections (after the offset checks)', () => {
    h.db.set('l', new FakeList());
    expect(h.run('SETRANGE', 'l', '0', 'x')).toBe(WRONGTYPE);
    expect(h.run('SETRANGE', 'l', '0', '')).toBe(WRONGTYPE);
    expect(h.run('SETRANGE', 'l', '-1', 'x')).toBe('-ERR offset is out of range');
  });

  it('is binary safe', () => {
    h.run('SET', 'k', 'x'.repeat(300));
    expect(h.run('SETRANGE', 'k', '10', ALL_BYTES)).toBe(300);
    expect(h.run('GETRANGE', 'k', '10', '265')).toBe(ALL_BYTES);
  });
});

describe('LCS', () => {
  beforeEach(() => {
    h.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    h.journal.length = 0;
  });

  it('answers the subsequence, its length, and journals nothing', () => {
    expect(h.run('LCS', 'key1', 'key2')).toBe('mytext');
    expect(h.run('LCS', 'key1', 'key2', 'LEN')).toBe(6);
    expect(h.run('LCS', 'key1', 'key2', 'len', 'WITHMATCHLEN', 'MINMATCHLEN', '3')).toBe(6);
    expect(h.journal).toEqual([]);
  });

  it('IDX answers the match ranges from the end', () => {
    expect(h.run('LCS', 'key1', 'key2', 'IDX')).toEqual({
      matches: [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      len: 6,
    });
  });

  it('MINMATCHLEN filters and WITHMATCHLEN adds the length', () => {
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4')).toEqual({ matches: [[[4, 7], [5, 8]]], len: 6 });
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual({
      matches: [[[4, 7], [5, 8], 4]],
      len: 6,
    });
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '-5')).toEqual({
      matches: [
        [[4, 7], [5, 8], 4],
        [[2, 3], [0, 1], 2],
      ],
      len: 6,
    });
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '100')).toEqual({ matches: [], len: 6 });
  });

  it('the IDX reply is a map in RESP3 and a flat array in RESP2', () => {
    const r = h.exec('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN');
    const body = '$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n';
    expect(encodeToBuffer(r, 2).toString()).toBe('*4\r\n' + body);
    expect(encodeToBuffer(r, 3).toString()).toBe('%2\r\n' + body);
  });

  it('missing keys are empty strings', () => {
    expect(h.run('LCS', 'key1', 'nope')).toBe('');
    expect(h.run('LCS', 'nope', 'nope2', 'LEN')).toBe(0);
    expect(h.run('LCS', 'nope', 'key2', 'IDX')).toEqual({ matches: [], len: 0 });
  });

  it('matches at both string starts and binary bytes', () => {
    h.run('MSET', 'a', '\0\xffabc', 'b', '\0\xffxbc');
    expect(h.run('LCS', 'a', 'b')).toBe('\0\xffbc');
    expect(h.run('LCS', 'a', 'b', 'IDX')).toEqual({
      matches: [
        [
          [3, 4],
          [3, 4],
        ],
        [
          [0, 1],
          [0, 1],
        ],
      ],
      len: 4,
    });
  });

  it('errors', () => {
    h.db.set('l', new FakeList());
    expect(h.run('LCS', 'key1', 'l')).toBe('-ERR The specified keys must contain string values');
    expect(h.run('LCS', 'l', 'key1', 'BOGUS')).toBe('-ERR The specified keys must contain string values');
    expect(h.run('LCS', 'key1', 'key2', 'IDX', 'LEN')).toBe('-ERR If you want both the length and indexes, please just use IDX.');
    expect(h.run('LCS', 'key1', 'key2', 'BOGUS')).toBe(SYNTAX);
    expect(h.run('LCS', 'key1', 'key2', 'MINMATCHLEN')).toBe(SYNTAX);
    expect(h.run('LCS', 'key1', 'key2', 'MINMATCHLEN', 'x')).toBe(NOT_INT);
  });

  it('refuses a table larger than proto-max-bulk-len', () => {
    h.config.set([['proto-max-bulk-len', '1mb']]);
    h.run('MSET', 'a', 'a'.repeat(600), 'b', 'b'.repeat(600));
    expect(h.run('LCS', 'a', 'b', 'LEN')).toBe('-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    h.run('MSET', 'a', 'a'.repeat(400), 'b', 'ab'.repeat(200));
    expect(h.run('LCS', 'a', 'b', 'LEN')).toBe(200);
  });

  it('counts keyspace hits and misses', () => {
    h.run('LCS', 'key1', 'nope');
    expect(h.store.stats.hits).toBe(1);
    expect(h.store.stats.misses).toBe(1);
  });
});
