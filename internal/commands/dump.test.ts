// DUMP / RESTORE / RESTORE-ASKING through a real Executor, Store and manual clock: round trips, Redis's error order and wording, TTLs and their journal form, LRU/LFU; MIGRATE's argument handling.
import { beforeEach, describe, expect, it } from 'vitest';
import { dumpPayload } from '../rdb/value.js';
import { RdbWriter } from '../rdb/writer.js';
import { crc64Bytes } from '../rdb/crc64.js';
import { createTestExecutor, type TestExecutor, T0 } from '../testing/exec.js';
import { migrateKeys } from './dump-migrate.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor();
});

const dumpOf = (key: string): string => t.run('DUMP', key) as string;

/** A payload whose footer is right but whose value is not (valid CRC over a corrupt body). */
function corruptPayload(): string {
  const w = new RdbWriter();
  w.byte(2); // RDB_TYPE_SET
  w.len(2);
  w.string('a');
  w.string('a');
  w.u16le(10);
  const body = w.bytes();
  return Buffer.concat([body, crc64Bytes(body)]).toString('latin1');
}

describe('DUMP and RESTORE', () => {
  it('round-trip a value of every type', () => {
    t.run('SET', 's', 'hello');
    t.run('RPUSH', 'l', 'a', 'b', '3');
    t.run('SADD', 'set', 'x', 'y');
    t.run('HSET', 'h', 'f', 'v');
    t.run('ZADD', 'z', '1.5', 'm');
    t.run('XADD', 'st', '1-1', 'f', 'v');
    t.run('XGROUP', 'CREATE', 'st', 'g', '0');
    t.run('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'st', '>');
    const reads: [string, string[]][] = [
      ['s', ['GET']],
      ['l', ['LRANGE', '0', '-1']],
      ['set', ['SMEMBERS']],
      ['h', ['HGETALL']],
      ['z', ['ZRANGE', '0', '-1', 'WITHSCORES']],
      ['st', ['XPENDING', 'g', '-', '+', '10']],
    ];
    for (const [key, [cmd, ...rest]] of reads) {
      const before = t.run(cmd as string, key, ...rest);
      expect(t.run('RESTORE', `${key}2`, '0', dumpOf(key))).toBe('+OK');
      expect(t.run(cmd as string, `${key}2`, ...rest)).toEqual(before);
      expect(t.run('OBJECT', 'ENCODING', `${key}2`)).toBe(t.run('OBJECT', 'ENCODING', key));
    }
    expect(t.run('XINFO', 'STREAM', 'st2', 'FULL')).toEqual(t.run('XINFO', 'STREAM', 'st', 'FULL'));
  });

  it('DUMP of a missing key is nil; the payload is what the codec writes', () => {
    expect(t.run('DUMP', 'nokey')).toBeNull();
    t.run('SET', 'k', 'bar');
    expect(Buffer.from(dumpOf('k'), 'latin1').equals(dumpPayload('bar'))).toBe(true);
  });

  it('answers errors in Redis order and wording', () => {
    t.run('SET', 'k', 'v');
    const good = dumpOf('k');
    expect(t.run('RESTORE', 'k', '0', '...', 'invalid-option')).toBe('-ERR syntax error');
    expect(t.run('RESTORE', 'k', '0', '...')).toBe('-BUSYKEY Target key name already exists.');
    expect(t.run('RESTORE', 'n', 'abc', good)).toBe('-ERR value is not an integer or out of range');
    expect(t.run('RESTORE', 'n', '-1', good)).toBe('-ERR Invalid TTL value, must be >= 0');
    expect(t.run('RESTORE', 'n', '0', 'x')).toBe('-ERR DUMP payload version or checksum are wrong');
    expect(t.run('RESTORE', 'n', '0', good.slice(0, -1) + 'x')).toBe('-ERR DUMP payload version or checksum are wrong');
    expect(t.run('RESTORE', 'n', '0', corruptPayload())).toBe('-ERR Bad data format');
    expect(t.run('RESTORE', 'n', '0', good, 'IDLETIME', '-1')).toBe('-ERR Invalid IDLETIME value, must be >= 0');
    expect(t.run('RESTORE', 'n', '0', good, 'IDLETIME', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('RESTORE', 'n', '0', good, 'FREQ', '256')).toBe('-ERR Invalid FREQ value, must be >= 0 and <= 255');
    expect(t.run('RESTORE', 'n', '0', good, 'IDLETIME', '1', 'FREQ', '1')).toBe('-ERR syntax error');
    expect(t.run('RESTORE', 'n', '0', good, 'FREQ', '1', 'IDLETIME', '1')).toBe('-ERR syntax error');
    expect(t.run('RESTORE', 'n', '0', good, 'IDLETIME')).toBe('-ERR syntax error');
    expect(t.run('RESTORE', 'n', '0')).toBe("-ERR wrong number of arguments for 'restore' command");
    expect(t.run('EXISTS', 'n')).toBe(0);
  });

  it('REPLACE overwrites, with a new key', () => {
    t.run('SET', 'k', 'one');
    const one = dumpOf('k');
    t.run('SET', 'k', 'two');
    expect(t.run('RESTORE', 'k', '0', one, 'replace')).toBe('+OK');
    expect(t.run('GET', 'k')).toBe('one');
  });

  it('a relative TTL is journaled as an absolute one with ABSTTL', () => {
    t.run('SET', 'k', 'v');
    const p = dumpOf('k');
    t.journal.length = 0;
    expect(t.run('RESTORE', 'a', '5000', p)).toBe('+OK');
    expect(t.run('PTTL', 'a')).toBe(5000);
    expect(t.run('RESTORE', 'b', String(T0 + 3000), p, 'ABSTTL')).toBe('+OK');
    expect(t.run('PTTL', 'b')).toBe(3000);
    expect(t.run('RESTORE', 'c', '0', p)).toBe('+OK');
    expect(t.run('TTL', 'c')).toBe(-1);
    expect(t.journal.map((j) => j.argv)).toEqual([
      ['RESTORE', 'a', String(T0 + 5000), p, 'ABSTTL'],
      ['RESTORE', 'b', String(T0 + 3000), p, 'ABSTTL'],
      ['RESTORE', 'c', '0', p],
    ]);
  });

  it('a TTL beyond what a double holds exactly is clamped, not refused', () => {
    t.run('SET', 'k', 'v');
    expect(t.run('RESTORE', 'a', '9223372036854775807', dumpOf('k'))).toBe('+OK');
    expect(t.run('PTTL', 'a') as number).toBeGreaterThan(2 ** 52);
  });

  it('an absolute TTL in the past creates nothing; a replaced key is journaled as deleted', () => {
    t.run('SET', 'k', 'v');
    const p = dumpOf('k');
    t.journal.length = 0;
    expect(t.run('RESTORE', 'gone', String(T0 - 3000), p, 'ABSTTL')).toBe('+OK');
    expect(t.run('EXISTS', 'gone')).toBe(0);
    expect(t.run('RESTORE', 'k', String(T0 - 3000), p, 'ABSTTL', 'REPLACE')).toBe('+OK');
    expect(t.run('EXISTS', 'k')).toBe(0);
    expect(t.journal.map((j) => j.argv)).toEqual([['DEL', 'k']]);
  });

  it('IDLETIME sets the access time under an LRU policy', () => {
    t.run('SET', 'k', 'v');
    expect(t.run('RESTORE', 'a', '0', dumpOf('k'), 'IDLETIME', '1000')).toBe('+OK');
    expect(t.run('OBJECT', 'IDLETIME', 'a')).toBe(1000);
    expect(t.run('RESTORE', 'b', '0', dumpOf('k'), 'IDLETIME', '9223372036854775807')).toBe('+OK');
    expect(t.run('OBJECT', 'IDLETIME', 'b')).toBe(Math.floor(T0 / 1000));
  });

  it('FREQ sets the LFU counter under an LFU policy', () => {
    t = createTestExecutor({ policy: 'allkeys-lfu' });
    t.run('SET', 'k', 'v');
    expect(t.run('RESTORE', 'a', '0', dumpOf('k'), 'FREQ', '100')).toBe('+OK');
    expect(t.run('OBJECT', 'FREQ', 'a')).toBe(100);
  });

  it('a restored value takes the encoding the configured thresholds give it', () => {
    t.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    t.run('SADD', 's', '1', '2', '3');
    const h = dumpOf('h');
    const s = dumpOf('s');
    expect(t.run('CONFIG', 'SET', 'hash-max-listpack-entries', '2')).toBe('+OK');
    expect(t.run('CONFIG', 'SET', 'set-max-intset-entries', '2')).toBe('+OK');
    t.run('RESTORE', 'h2', '0', h);
    t.run('RESTORE', 's2', '0', s);
    expect([t.run('OBJECT', 'ENCODING', 'h2'), t.run('OBJECT', 'ENCODING', 's2')]).toEqual(['hashtable', 'hashtable']);
    expect(Buffer.from(dumpOf('h2'), 'latin1')[0]).toBe(4);
    expect(Buffer.from(dumpOf('s2'), 'latin1')[0]).toBe(2);
  });

  it('RESTORE-ASKING behaves as RESTORE', () => {
    t.run('RPUSH', 'l', 'a');
    expect(t.run('RESTORE-ASKING', 'l2', '0', dumpOf('l'))).toBe('+OK');
    expect(t.run('LRANGE', 'l2', '0', '-1')).toEqual(['a']);
  });

  it('raises the restore keyspace event', () => {
    t.run('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const sub = t.newClient();
    t.runAs(sub, 'PSUBSCRIBE', '__keyevent@0__:*');
    t.takePushes(sub);
    t.run('SET', 'k', 'v');
    t.run('RESTORE', 'r', '0', dumpOf('k'));
    const events = t.takePushes(sub).map((m) => (m as string[])[2]);
    expect(events).toContain('__keyevent@0__:restore');
  });
});

describe('MIGRATE arguments', () => {
  it('answers NOKEY when none of the keys exists, without connecting', () => {
    expect(t.run('MIGRATE', '127.0.0.1', '1', 'nokey', '0', '100')).toBe('+NOKEY');
    expect(t.run('MIGRATE', '127.0.0.1', '1', '', '0', '100', 'KEYS', 'a', 'b')).toBe('+NOKEY');
  });

  it('refuses malformed arguments as Redis does', () => {
    expect(t.run('MIGRATE', 'h', '1', 'k', '0', '100', 'KEYS', 'a')).toBe('-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
    expect(t.run('MIGRATE', 'h', '1', 'k', 'x', '100')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('MIGRATE', 'h', '1', 'k', '0', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('MIGRATE', 'h', '1', 'k', '0', '100', 'AUTH')).toBe('-ERR syntax error');
    expect(t.run('MIGRATE', 'h', '1', 'k', '0', '100', 'AUTH2', 'u')).toBe('-ERR syntax error');
    expect(t.run('MIGRATE', 'h', '1', 'k', '0', '100', 'foo')).toBe('-ERR syntax error');
  });

  it('INFO stats reports no cached MIGRATE connections (none is ever kept)', () => {
    expect(t.run('INFO', 'stats') as string).toContain('\r\nmigrate_cached_sockets:0\r\n');
  });

  it.each([
    [['MIGRATE', 'h', 'p', 'k', '0', '5'], [3]],
    [['MIGRATE', 'h', 'p', '', '0', '5', 'KEYS', 'a', 'b'], [7, 8]],
    [['MIGRATE', 'h', 'p', '', '0', '5', 'COPY', 'AUTH', 'keys', 'KEYS', 'a'], [10]],
    [['MIGRATE', 'h', 'p', '', '0', '5', 'AUTH2', 'keys', 'keys', 'KEYS', 'a'], [10]],
    [['MIGRATE', 'h', 'p', 'k', '0', '5', 'KEYS', 'a'], []],
  ])('key positions of %j', (argv, want) => {
    expect(migrateKeys(argv)).toEqual(want);
  });
});
