// Unit tests of the keyspace command family through a real Executor, Store and manual clock: replies, errors, journal (expiry in keyspace-expire.test.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { T0, type Plain } from '../testing/exec.js';
import { keyspaceCommands } from './keyspace.js';
import { CommandRegistry } from './registry.js';
import { hasFlag } from './spec.js';
import { useKeyspaceHarness, h, harness, FakeList, scanAll } from '../testing/keyspace-fixtures.js';

useKeyspaceHarness();

describe('command table', () => {
  // name, arity, flags, [first, last, step] exactly as redis-server 7.0's COMMAND INFO.
  const REDIS: readonly [string, number, string[], [number, number, number]][] = [
    ['del', -2, ['write'], [1, -1, 1]],
    ['unlink', -2, ['write', 'fast'], [1, -1, 1]],
    ['exists', -2, ['readonly', 'fast'], [1, -1, 1]],
    ['type', 2, ['readonly', 'fast'], [1, 1, 1]],
    ['keys', 2, ['readonly'], [0, 0, 0]],
    ['scan', -2, ['readonly'], [0, 0, 0]],
    ['randomkey', 1, ['readonly'], [0, 0, 0]],
    ['rename', 3, ['write'], [1, 2, 1]],
    ['renamenx', 3, ['write', 'fast'], [1, 2, 1]],
    ['move', 3, ['write', 'fast'], [1, 1, 1]],
    ['copy', -3, ['write', 'denyoom'], [1, 2, 1]],
    ['touch', -2, ['readonly', 'fast'], [1, -1, 1]],
    ['expire', -3, ['write', 'fast'], [1, 1, 1]],
    ['pexpire', -3, ['write', 'fast'], [1, 1, 1]],
    ['expireat', -3, ['write', 'fast'], [1, 1, 1]],
    ['pexpireat', -3, ['write', 'fast'], [1, 1, 1]],
    ['ttl', 2, ['readonly', 'fast'], [1, 1, 1]],
    ['pttl', 2, ['readonly', 'fast'], [1, 1, 1]],
    ['expiretime', 2, ['readonly', 'fast'], [1, 1, 1]],
    ['pexpiretime', 2, ['readonly', 'fast'], [1, 1, 1]],
    ['persist', 2, ['write', 'fast'], [1, 1, 1]],
    ['object', -2, [], [0, 0, 0]],
    ['object|encoding', 3, ['readonly'], [2, 2, 1]],
    ['object|freq', 3, ['readonly'], [2, 2, 1]],
    ['object|idletime', 3, ['readonly'], [2, 2, 1]],
    ['object|refcount', 3, ['readonly'], [2, 2, 1]],
    ['object|help', 2, ['loading', 'stale'], [0, 0, 0]],
    ['dbsize', 1, ['readonly', 'fast'], [0, 0, 0]],
    ['flushdb', -1, ['write'], [0, 0, 0]],
    ['flushall', -1, ['write'], [0, 0, 0]],
    ['select', 2, ['loading', 'stale', 'fast'], [0, 0, 0]],
    ['swapdb', 3, ['write', 'fast'], [0, 0, 0]],
  ];
  const registry = new CommandRegistry([keyspaceCommands]);
  it.each(REDIS)('%s matches Redis (arity %i)', (name, arity, flags, keys) => {
    const spec = registry.lookup(name);
    expect(spec).toBeDefined();
    expect(spec?.arity).toBe(arity);
    expect([...(spec?.flags ?? [])].sort()).toEqual([...flags].sort());
    expect([spec?.firstKey, spec?.lastKey, spec?.step]).toEqual(keys);
  });
  it('has exactly these commands, grouped as Redis groups them', () => {
    expect(keyspaceCommands.map((s) => s.name).sort()).toEqual(REDIS.map(([n]) => n).filter((n) => !n.includes('|')).sort());
    const group = (n: string): string | undefined => registry.lookup(n)?.group;
    expect(group('select')).toBe('connection');
    expect(['dbsize', 'flushdb', 'flushall', 'swapdb'].map(group)).toEqual(['server', 'server', 'server', 'server']);
    expect(group('del')).toBe('generic');
    expect(group('object|encoding')).toBe('generic');
    expect(registry.get('object')?.handler).toBeUndefined();
    for (const s of keyspaceCommands) if (hasFlag(s, 'write')) expect(hasFlag(s, 'readonly')).toBe(false);
  });
});

describe('DEL / UNLINK', () => {
  it('deletes existing keys, counts them, and journals only what was removed', () => {
    h.put('a', '1');
    h.put('b', '2');
    expect(h.run('DEL', 'a', 'nope', 'b', 'a')).toBe(2);
    expect(h.run('EXISTS', 'a', 'b')).toBe(0);
    expect(h.journal).toEqual([{ db: 0, argv: ['DEL', 'a', 'b'] }]);
  });
  it('journals nothing when nothing was deleted', () => {
    expect(h.run('DEL', 'x', 'y')).toBe(0);
    expect(h.run('UNLINK', 'x')).toBe(0);
    expect(h.journal).toEqual([]);
  });
  it('UNLINK behaves like DEL and is journaled as DEL', () => {
    h.put('a', '1');
    h.put('l', new FakeList(['x']));
    expect(h.run('UNLINK', 'a', 'l', 'z')).toBe(2);
    expect(h.journal).toEqual([{ db: 0, argv: ['DEL', 'a', 'l'] }]);
  });
  it('does not count a key whose TTL already passed', () => {
    h.put('a', '1', T0 + 100);
    h.clock.advance(100);
    expect(h.run('DEL', 'a')).toBe(0);
    // The command journals nothing; the expiry it discovered is journaled as DEL, as Redis propagates it.
    expect(h.journal).toEqual([{ db: 0, argv: ['DEL', 'a'] }]);
  });
  it('checks arity', () => {
    expect(h.run('DEL')).toBe("-ERR wrong number of arguments for 'del' command");
    expect(h.run('unlink')).toBe("-ERR wrong number of arguments for 'unlink' command");
  });
  it('releases the memory charged for the keys', () => {
    h.put('a', 'x'.repeat(1000));
    const before = h.store.usedBytes();
    expect(before).toBeGreaterThan(1000);
    h.run('DEL', 'a');
    expect(h.store.usedBytes()).toBe(0);
  });
});

describe('EXISTS / TOUCH / TYPE', () => {
  it('EXISTS counts repeated keys every time and ignores expired ones', () => {
    h.put('a', '1');
    h.put('e', '1', T0 + 10);
    h.clock.advance(10);
    expect(h.run('EXISTS', 'a', 'a', 'a', 'nokey', 'e')).toBe(3);
  });
  it('EXISTS, TYPE and TTL count hits and misses without touching the key', () => {
    h.put('a', '1');
    h.clock.advance(5000);
    const { hits, misses } = h.store.stats;
    h.run('EXISTS', 'a', 'b');
    h.run('TYPE', 'a');
    h.run('TTL', 'b');
    expect(h.store.stats.hits - hits).toBe(2);
    expect(h.store.stats.misses - misses).toBe(2);
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(5);
  });
  it('TOUCH counts existing keys (repeats included) and resets idle time', () => {
    h.put('a', '1');
    h.clock.advance(10_000);
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(10);
    expect(h.run('TOUCH', 'a', 'a', 'nokey')).toBe(2);
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(0);
    expect(h.journal).toEqual([]);
  });
  it('TYPE answers a status reply with the type name, or none', () => {
    h.put('s', 'v');
    h.put('l', new FakeList(['x']));
    expect(h.run('TYPE', 's')).toBe('+string');
    expect(h.run('TYPE', 'l')).toBe('+list');
    expect(h.run('TYPE', 'missing')).toBe('+none');
    h.put('gone', 'v', T0 + 1);
    h.clock.advance(1);
    expect(h.run('TYPE', 'gone')).toBe('+none');
  });
});

describe('KEYS', () => {
  it('returns the keys matching a glob, skipping expired ones', () => {
    for (const k of ['user:1', 'user:2', 'user:10', 'order:1', 'hello', 'hallo', 'hxllo']) h.put(k, 'v');
    h.put('user:expired', 'v', T0 + 5);
    h.clock.advance(5);
    const keys = (p: string): string[] => (h.run('KEYS', p) as string[]).sort();
    expect(keys('*')).toEqual(['hallo', 'hello', 'hxllo', 'order:1', 'user:1', 'user:10', 'user:2']);
    expect(keys('user:?')).toEqual(['user:1', 'user:2']);
    expect(keys('h[ae]llo')).toEqual(['hallo', 'hello']);
    expect(keys('h[^e]llo')).toEqual(['hallo', 'hxllo']);
    expect(keys('*:1*')).toEqual(['order:1', 'user:1', 'user:10']);
    expect(keys('nothing*')).toEqual([]);
  });
  it('is binary-safe', () => {
    h.put('\x00\xff', 'v');
    h.put('a b', 'v');
    expect(h.run('KEYS', '\x00*')).toEqual(['\x00\xff']);
    expect(h.run('KEYS', 'a?b')).toEqual(['a b']);
  });
  it("stays fast on Redis's pathological pattern", () => {
    h.put('a'.repeat(5000), 'v');
    expect(h.run('KEYS', 'a*a*a*a*a*a*a*a*a*a*a*a*a*a*b')).toEqual([]);
  });
  it('checks arity', () => {
    expect(h.run('KEYS')).toBe("-ERR wrong number of arguments for 'keys' command");
  });
});

describe('SCAN', () => {
  beforeEach(() => {
    for (let i = 0; i < 100; i++) h.put(`key:${i}`, String(i));
    for (let i = 0; i < 10; i++) h.put(`list:${i}`, new FakeList(['a']));
  });

  it('iterates every key exactly once with a bulk-string cursor', () => {
    const first = h.run('SCAN', '0') as [string, string[]];
    expect(typeof first[0]).toBe('string');
    expect(first[0]).not.toBe('0');
    expect(first[1]).toHaveLength(10); // default COUNT
    const all = scanAll(h.run);
    expect(all).toHaveLength(110);
    expect(new Set(all).size).toBe(110);
  });

  it('honours COUNT, MATCH and TYPE (type names case-insensitive)', () => {
    const r = h.run('SCAN', '0', 'COUNT', '1000') as [string, string[]];
    expect(r[0]).toBe('0');
    expect(r[1]).toHaveLength(110);
    expect(scanAll(h.run, 'MATCH', 'key:1?', 'COUNT', '7').sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `key:1${i}`).sort(),
    );
    expect(scanAll(h.run, 'TYPE', 'LIST').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `list:${i}`).sort());
    expect(scanAll(h.run, 'type', 'string', 'match', '*:9*')).toHaveLength(11);
    expect(scanAll(h.run, 'TYPE', 'zset')).toEqual([]);
    expect(scanAll(h.run, 'TYPE', 'nosuchtype')).toEqual([]);
    expect(scanAll(h.run, 'MATCH', '*')).toHaveLength(110);
  });

  it('skips expired keys', () => {
    h.put('key:0', 'v', T0 + 10);
    h.clock.advance(10);
    expect(scanAll(h.run, 'COUNT', '3')).not.toContain('key:0');
    expect(scanAll(h.run)).toHaveLength(109);
  });

  it('returns an empty page and cursor 0 past the end', () => {
    expect(h.run('SCAN', '999999999')).toEqual(['0', []]);
    expect(h.run('SCAN', '18446744073709551615')).toEqual(['0', []]);
  });

  it('parses cursors like strtoul: signs accepted, negatives wrap, empty is 0', () => {
    expect(h.run('SCAN', '-1')).toEqual(['0', []]);
    expect((h.run('SCAN', '+0') as [string, string[]])[1]).toHaveLength(10);
    expect((h.run('SCAN', '-0') as [string, string[]])[1]).toHaveLength(10);
    expect((h.run('SCAN', '') as [string, string[]])[1]).toHaveLength(10);
    for (const bad of ['abc', ' 5', '5 ', '1.5', '0x10', '18446744073709551616', '+', '-']) {
      expect(h.run('SCAN', bad)).toBe('-ERR invalid cursor');
    }
  });

  it('rejects bad options with Redis errors, the cursor first', () => {
    expect(h.run('SCAN', 'abc', 'COUNT', '0')).toBe('-ERR invalid cursor');
    expect(h.run('SCAN', '0', 'COUNT', '0')).toBe('-ERR syntax error');
    expect(h.run('SCAN', '0', 'COUNT', '-1')).toBe('-ERR syntax error');
    expect(h.run('SCAN', '0', 'COUNT', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('SCAN', '0', 'MATCH')).toBe('-ERR syntax error');
    expect(h.run('SCAN', '0', 'COUNT', '5', 'TYPE')).toBe('-ERR syntax error');
    expect(h.run('SCAN', '0', 'FOO', 'bar')).toBe('-ERR syntax error');
    expect(h.run('SCAN')).toBe("-ERR wrong number of arguments for 'scan' command");
  });

  it('returns every key present for the whole iteration under concurrent inserts and deletes', () => {
    // Deterministic pseudo-random schedule so a failure reproduces.
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (let round = 0; round < 20; round++) {
      const hh = harness({ rand: rnd });
      const stable = new Set<string>();
      const stableList: string[] = [];
      /** Keys that may be deleted during the iteration. */
      const churn: string[] = [];
      for (let i = 0; i < 500; i++) {
        hh.put(`k${i}`, 'v');
        if (rnd() < 0.5) {
          stable.add(`k${i}`);
          stableList.push(`k${i}`);
        } else {
          churn.push(`k${i}`);
        }
      }
      const seen = new Set<string>();
      let cursor = '0';
      let next = 500;
      do {
        const [c, keys] = hh.run('SCAN', cursor, 'COUNT', String(1 + Math.floor(rnd() * 20))) as [string, string[]];
        for (const k of keys) {
          expect(hh.store.db(0).has(k)).toBe(true);
          seen.add(k);
        }
        cursor = c;
        // Churn between calls: delete unstable keys, insert new ones, overwrite stable ones.
        for (let j = 0; j < 30; j++) {
          const roll = rnd();
          if (roll < 0.4) {
            const at = Math.floor(rnd() * churn.length);
            const v = churn[at];
            if (v !== undefined) {
              expect(hh.run('DEL', v)).toBe(1);
              churn[at] = churn[churn.length - 1] as string;
              churn.pop();
            }
          } else if (roll < 0.8) {
            const k = `n${next++}`;
            hh.put(k, 'v');
            churn.push(k);
          } else {
            // Overwriting a key keeps its place: it is still present throughout.
            hh.put(stableList[Math.floor(rnd() * stableList.length)] as string, 'overwritten');
          }
        }
      } while (cursor !== '0');
      for (const k of stable) expect(seen.has(k), `stable key ${k} missing in round ${round}`).toBe(true);
    }
  });

  it('scans the selected database only', () => {
    h.run('SELECT', '3');
    expect(scanAll(h.run)).toEqual([]);
    h.put('in3', 'v', 0, 3);
    expect(scanAll(h.run)).toEqual(['in3']);
  });
});

describe('RANDOMKEY / DBSIZE', () => {
  it('RANDOMKEY answers nil on an empty database and a live key otherwise', () => {
    expect(h.run('RANDOMKEY')).toBeNull();
    h.put('a', '1');
    h.put('b', '2', T0 + 1);
    h.clock.advance(1);
    for (let i = 0; i < 20; i++) expect(h.run('RANDOMKEY')).toBe('a');
    expect(h.run('RANDOMKEY', 'x')).toBe("-ERR wrong number of arguments for 'randomkey' command");
  });
  it('RANDOMKEY eventually returns every key', () => {
    for (let i = 0; i < 5; i++) h.put(`k${i}`, 'v');
    const seen = new Set<Plain>();
    for (let i = 0; i < 500 && seen.size < 5; i++) seen.add(h.run('RANDOMKEY'));
    expect(seen.size).toBe(5);
  });
  it('DBSIZE counts the selected database, including expired keys not yet reclaimed', () => {
    h.put('a', '1');
    h.put('b', '2', T0 + 1);
    h.put('c', '3', 0, 1);
    expect(h.run('DBSIZE')).toBe(2);
    h.clock.advance(1);
    expect(h.run('DBSIZE')).toBe(2);
    expect(h.store.activeExpireCycle(1000)).toBe(1);
    expect(h.run('DBSIZE')).toBe(1);
    h.run('SELECT', '1');
    expect(h.run('DBSIZE')).toBe(1);
  });
});

describe('RENAME / RENAMENX', () => {
  it('moves the value and its TTL, and journals the command as-is', () => {
    h.put('a', 'v', T0 + 10_000);
    expect(h.run('RENAME', 'a', 'b')).toBe('+OK');
    expect(h.run('EXISTS', 'a')).toBe(0);
    expect(h.run('PTTL', 'b')).toBe(10_000);
    expect(h.journal).toEqual([{ db: 0, argv: ['RENAME', 'a', 'b'] }]);
  });
  it('overwrites the destination, dropping its TTL when the source has none', () => {
    h.put('a', 'new');
    h.put('b', new FakeList(['old']), T0 + 5000);
    expect(h.run('RENAME', 'a', 'b')).toBe('+OK');
    expect(h.run('TYPE', 'b')).toBe('+string');
    expect(h.run('TTL', 'b')).toBe(-1);
    expect(h.run('DBSIZE')).toBe(1);
  });
  it('errors on a missing source, even onto itself', () => {
    expect(h.run('RENAME', 'nokey', 'x')).toBe('-ERR no such key');
    expect(h.run('RENAME', 'nokey', 'nokey')).toBe('-ERR no such key');
    expect(h.run('RENAMENX', 'nokey', 'nokey')).toBe('-ERR no such key');
    h.put('gone', 'v', T0 + 1);
    h.clock.advance(1);
    expect(h.run('RENAME', 'gone', 'x')).toBe('-ERR no such key');
    expect(h.journal).toEqual([{ db: 0, argv: ['DEL', 'gone'] }]);
  });
  it('renaming onto itself is OK / 0 and journals nothing', () => {
    h.put('a', 'v', T0 + 5000);
    expect(h.run('RENAME', 'a', 'a')).toBe('+OK');
    expect(h.run('RENAMENX', 'a', 'a')).toBe(0);
    expect(h.run('PTTL', 'a')).toBe(5000);
    expect(h.journal).toEqual([]);
  });
  it('RENAMENX refuses an existing destination and succeeds otherwise', () => {
    h.put('a', '1');
    h.put('b', '2');
    expect(h.run('RENAMENX', 'a', 'b')).toBe(0);
    expect(h.journal).toEqual([]);
    expect(h.run('RENAMENX', 'a', 'c')).toBe(1);
    expect((h.run('KEYS', '*') as string[]).sort()).toEqual(['b', 'c']);
    expect(h.journal).toEqual([{ db: 0, argv: ['RENAMENX', 'a', 'c'] }]);
  });
  it('RENAMENX onto an expired destination succeeds', () => {
    h.put('a', '1');
    h.put('b', '2', T0 + 1);
    h.clock.advance(1);
    expect(h.run('RENAMENX', 'a', 'b')).toBe(1);
  });
  it('keeps the LFU counter with the value', () => {
    const hh = harness({ policy: 'allkeys-lfu', rand: () => 0 });
    hh.put('a', 'v');
    for (let i = 0; i < 3; i++) hh.run('TOUCH', 'a');
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(8);
    hh.run('RENAME', 'a', 'b');
    expect(hh.run('OBJECT', 'FREQ', 'b')).toBe(8);
  });
});

describe('MOVE', () => {
  it('moves a key with its TTL to another database, journaled as-is in the source db', () => {
    h.put('a', 'v', T0 + 9000);
    expect(h.run('MOVE', 'a', '2')).toBe(1);
    expect(h.run('EXISTS', 'a')).toBe(0);
    expect(h.store.db(2).peek('a')?.expireAt).toBe(T0 + 9000);
    expect(h.journal).toEqual([{ db: 0, argv: ['MOVE', 'a', '2'] }]);
  });
  it('answers 0 when the key is missing or already in the target', () => {
    expect(h.run('MOVE', 'nokey', '1')).toBe(0);
    h.put('a', 'here');
    h.put('a', 'there', 0, 1);
    expect(h.run('MOVE', 'a', '1')).toBe(0);
    expect(h.store.db(1).peek('a')?.value).toBe('there');
    expect(h.store.db(0).peek('a')?.value).toBe('here');
    expect(h.journal).toEqual([]);
  });
  it('rejects the same database, bad indexes and non-integers with Redis messages', () => {
    h.put('a', 'v');
    expect(h.run('MOVE', 'a', '0')).toBe('-ERR source and destination objects are the same');
    expect(h.run('MOVE', 'a', '16')).toBe('-ERR DB index is out of range');
    expect(h.run('MOVE', 'a', '-1')).toBe('-ERR DB index is out of range');
    expect(h.run('MOVE', 'a', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('MOVE', 'a', '3000000000')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647');
    expect(h.run('MOVE', 'a', '99999999999999999999')).toBe('-ERR value is not an integer or out of range');
  });
  it('checks the target database before the key', () => {
    expect(h.run('MOVE', 'nokey', '0')).toBe('-ERR source and destination objects are the same');
    expect(h.run('MOVE', 'nokey', '99')).toBe('-ERR DB index is out of range');
  });
  it('works from a non-zero selected database', () => {
    h.run('SELECT', '5');
    h.put('k', 'v', 0, 5);
    expect(h.run('MOVE', 'k', '0')).toBe(1);
    expect(h.store.db(0).has('k')).toBe(true);
    expect(h.journal).toEqual([{ db: 5, argv: ['MOVE', 'k', '0'] }]);
  });
});

describe('COPY', () => {
  it('copies a string with its TTL and journals as-is', () => {
    h.put('a', 'v', T0 + 3000);
    expect(h.run('COPY', 'a', 'b')).toBe(1);
    expect(h.store.db(0).peek('b')?.value).toBe('v');
    expect(h.run('PTTL', 'b')).toBe(3000);
    expect(h.run('EXISTS', 'a')).toBe(1);
    expect(h.journal).toEqual([{ db: 0, argv: ['COPY', 'a', 'b'] }]);
  });
  it('clones collections so the copies are independent', () => {
    const src = new FakeList(['x']);
    h.put('l', src);
    expect(h.run('COPY', 'l', 'l2')).toBe(1);
    const copy = h.store.db(0).peek('l2')?.value as FakeList;
    expect(copy).not.toBe(src);
    copy.items.push('y');
    expect(src.items).toEqual(['x']);
  });
  it('refuses an existing destination unless REPLACE', () => {
    h.put('a', 'new');
    h.put('b', 'old', T0 + 1000);
    expect(h.run('COPY', 'a', 'b')).toBe(0);
    expect(h.journal).toEqual([]);
    expect(h.run('COPY', 'a', 'b', 'replace')).toBe(1);
    expect(h.store.db(0).peek('b')?.value).toBe('new');
    expect(h.run('TTL', 'b')).toBe(-1);
  });
  it('copies into another database with DB, where the same key name is allowed', () => {
    h.put('a', 'v');
    expect(h.run('COPY', 'a', 'a', 'DB', '4')).toBe(1);
    expect(h.store.db(4).peek('a')?.value).toBe('v');
    expect(h.run('COPY', 'a', 'a', 'DB', '4')).toBe(0);
    expect(h.run('COPY', 'a', 'a', 'REPLACE', 'DB', '4')).toBe(1);
    expect(h.journal.map((j) => j.argv)).toEqual([
      ['COPY', 'a', 'a', 'DB', '4'],
      ['COPY', 'a', 'a', 'REPLACE', 'DB', '4'],
    ]);
  });
  it('answers 0 for a missing source', () => {
    expect(h.run('COPY', 'nokey', 'x')).toBe(0);
  });
  it('rejects bad arguments with Redis messages', () => {
    h.put('a', 'v');
    expect(h.run('COPY', 'a', 'a')).toBe('-ERR source and destination objects are the same');
    expect(h.run('COPY', 'a', 'a', 'DB', '0')).toBe('-ERR source and destination objects are the same');
    expect(h.run('COPY', 'a', 'b', 'DB', '99')).toBe('-ERR DB index is out of range');
    expect(h.run('COPY', 'a', 'b', 'DB')).toBe('-ERR syntax error');
    expect(h.run('COPY', 'a', 'b', 'FOO')).toBe('-ERR syntax error');
    expect(h.run('COPY', 'a', 'b', 'DB', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('COPY', 'a', 'b', 'DB', '3000000000')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647');
    expect(h.run('COPY', 'a')).toBe("-ERR wrong number of arguments for 'copy' command");
    expect(h.journal).toEqual([]);
  });
  it('counts a hit for the source and touches it', () => {
    h.put('a', 'v');
    h.clock.advance(7000);
    const hits = h.store.stats.hits;
    h.run('COPY', 'a', 'b');
    expect(h.store.stats.hits - hits).toBe(1);
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(0);
  });
});

describe('OBJECT', () => {
  it('ENCODING follows Redis for strings and asks collections', () => {
    const cases: [string, string][] = [
      ['1', 'int'],
      ['-1', 'int'],
      ['10000', 'int'],
      ['9223372036854775807', 'int'],
      ['-9223372036854775808', 'int'],
      ['9223372036854775808', 'embstr'],
      ['01', 'embstr'],
      ['+1', 'embstr'],
      [' 1', 'embstr'],
      ['-0', 'embstr'],
      ['x'.repeat(44), 'embstr'],
      ['x'.repeat(45), 'raw'],
      ['', 'embstr'],
    ];
    for (const [v, enc] of cases) {
      h.put('k', v);
      expect(h.run('OBJECT', 'ENCODING', 'k'), JSON.stringify(v)).toBe(enc);
    }
    // Redis 7.0 has no listpack lists: every list is a quicklist, whatever the value's representation.
    h.put('l', new FakeList(['a']));
    expect(h.run('object', 'encoding', 'l')).toBe('quicklist');
    expect(h.run('OBJECT', 'ENCODING', 'nokey')).toBeNull();
  });
  it('REFCOUNT reports shared small integers like Redis', () => {
    h.put('a', '1');
    h.put('b', '9999');
    h.put('c', '10000');
    h.put('d', '-1');
    h.put('e', 'text');
    h.put('l', new FakeList(['a']));
    expect(h.run('OBJECT', 'REFCOUNT', 'a')).toBe(2147483647);
    expect(h.run('OBJECT', 'REFCOUNT', 'b')).toBe(2147483647);
    expect(h.run('OBJECT', 'REFCOUNT', 'c')).toBe(1);
    expect(h.run('OBJECT', 'REFCOUNT', 'd')).toBe(1);
    expect(h.run('OBJECT', 'REFCOUNT', 'e')).toBe(1);
    expect(h.run('OBJECT', 'REFCOUNT', 'l')).toBe(1);
    expect(h.run('OBJECT', 'REFCOUNT', 'nokey')).toBeNull();
    // No sharing when maxmemory is set with an LRU/LFU policy.
    h.setPolicy({ maxmemory: 1 << 30, policy: 'allkeys-lru' });
    expect(h.run('OBJECT', 'REFCOUNT', 'a')).toBe(1);
    h.setPolicy({ policy: 'volatile-ttl' });
    expect(h.run('OBJECT', 'REFCOUNT', 'a')).toBe(2147483647);
  });
  it('IDLETIME counts whole seconds since the last access and is an error under LFU', () => {
    h.put('a', 'v');
    h.clock.advance(2999);
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(2);
    expect(h.run('OBJECT', 'IDLETIME', 'nokey')).toBeNull();
    h.setPolicy({ policy: 'volatile-lfu' });
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(
      '-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    // The key lookup comes first: a missing key is still nil.
    expect(h.run('OBJECT', 'IDLETIME', 'nokey')).toBeNull();
  });
  it('FREQ is an error unless an LFU policy is selected', () => {
    h.put('a', 'v');
    expect(h.run('OBJECT', 'FREQ', 'a')).toBe(
      '-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    expect(h.run('OBJECT', 'FREQ', 'nokey')).toBeNull();
  });
  it('FREQ reports the LFU counter: starts at 5, grows on reads, decays with idle minutes', () => {
    const hh = harness({ policy: 'allkeys-lfu', rand: () => 0 });
    hh.put('a', 'v');
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(5);
    hh.run('TOUCH', 'a');
    hh.run('TOUCH', 'a');
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(7);
    // OBJECT itself does not count as an access.
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(7);
    hh.clock.advance(3 * 60_000);
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(4);
    // The next read decays first, then increments.
    hh.run('TOUCH', 'a');
    expect(hh.run('OBJECT', 'FREQ', 'a')).toBe(5);
  });
  it('HELP lists the subcommands as status lines', () => {
    const help = h.run('OBJECT', 'HELP') as string[];
    expect(help[0]).toBe('+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('+ENCODING <key>');
    expect(help).toContain('+FREQ <key>');
    expect(help).toContain('+IDLETIME <key>');
    expect(help).toContain('+REFCOUNT <key>');
    expect(help.slice(-2)).toEqual(['+HELP', '+    Prints this help.']);
  });
  it('reports unknown subcommands and arity through the executor', () => {
    expect(h.run('OBJECT', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try OBJECT HELP.");
    expect(h.run('OBJECT')).toBe("-ERR wrong number of arguments for 'object' command");
    expect(h.run('OBJECT', 'ENCODING')).toBe("-ERR wrong number of arguments for 'object|encoding' command");
    expect(h.run('OBJECT', 'encoding', 'a', 'b')).toBe("-ERR wrong number of arguments for 'object|encoding' command");
    expect(h.run('OBJECT', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'object|help' command");
  });
  it('does not touch the key', () => {
    h.put('a', '1');
    h.clock.advance(4000);
    h.run('OBJECT', 'ENCODING', 'a');
    h.run('OBJECT', 'REFCOUNT', 'a');
    expect(h.run('OBJECT', 'IDLETIME', 'a')).toBe(4);
  });
});

describe('FLUSHDB / FLUSHALL', () => {
  beforeEach(() => {
    h.put('a', '1');
    h.put('b', '2', T0 + 1000);
    h.put('c', '3', 0, 1);
  });
  it('FLUSHDB empties the selected database only', () => {
    expect(h.run('FLUSHDB')).toBe('+OK');
    expect(h.run('DBSIZE')).toBe(0);
    expect(h.store.db(1).size).toBe(1);
    expect(h.store.usedBytes()).toBeGreaterThan(0);
    expect(h.journal).toEqual([{ db: 0, argv: ['FLUSHDB'] }]);
  });
  it('accepts ASYNC and SYNC in any case, anything else is a syntax error', () => {
    expect(h.run('FLUSHDB', 'async')).toBe('+OK');
    expect(h.run('FLUSHDB', 'SYNC')).toBe('+OK');
    expect(h.run('FLUSHDB', 'foo')).toBe('-ERR syntax error');
    expect(h.run('FLUSHDB', 'sync', 'foo')).toBe('-ERR syntax error');
    expect(h.run('FLUSHALL', 'ASYNC', 'SYNC')).toBe('-ERR syntax error');
    expect(h.run('FLUSHALL', 'bar')).toBe('-ERR syntax error');
    expect(h.store.db(1).size).toBe(1);
  });
  it('is journaled even when already empty, as Redis forces it', () => {
    h.run('FLUSHDB');
    h.run('FLUSHDB');
    expect(h.journal).toHaveLength(2);
  });
  it('FLUSHALL empties every database and resets memory accounting', () => {
    expect(h.run('FLUSHALL', 'SYNC')).toBe('+OK');
    expect(h.store.db(0).size + h.store.db(1).size).toBe(0);
    expect(h.store.usedBytes()).toBe(0);
    expect(h.store.db(0).volatileCount).toBe(0);
    expect(h.journal).toEqual([{ db: 0, argv: ['FLUSHALL', 'SYNC'] }]);
  });
});

describe('SELECT / SWAPDB', () => {
  it('SELECT changes the database of this client only', () => {
    h.put('a', 'db0');
    h.put('a', 'db7', 0, 7);
    const other = h.newClient();
    expect(h.run('SELECT', '7')).toBe('+OK');
    expect(h.client.db).toBe(7);
    expect(h.run('OBJECT', 'ENCODING', 'a')).toBe('embstr');
    h.run('DEL', 'a');
    expect(h.store.db(0).has('a')).toBe(true);
    expect(h.runAs(other, 'EXISTS', 'a')).toBe(1);
    expect(h.journal).toEqual([{ db: 7, argv: ['DEL', 'a'] }]);
  });
  it('SELECT rejects bad indexes with Redis messages', () => {
    expect(h.run('SELECT', '16')).toBe('-ERR DB index is out of range');
    expect(h.run('SELECT', '-1')).toBe('-ERR DB index is out of range');
    expect(h.run('SELECT', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(h.run('SELECT', '3000000000')).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647');
    expect(h.client.db).toBe(0);
    const small = harness({ databases: 2 });
    expect(small.run('SELECT', '1')).toBe('+OK');
    expect(small.run('SELECT', '2')).toBe('-ERR DB index is out of range');
  });
  it('SWAPDB exchanges contents, so clients on either database see the other data', () => {
    h.put('a', 'zero', T0 + 5000);
    h.put('b', 'one', 0, 1);
    const other = h.newClient();
    h.runAs(other, 'SELECT', '1');
    expect(h.run('SWAPDB', '0', '1')).toBe('+OK');
    expect(h.run('KEYS', '*')).toEqual(['b']);
    expect(h.runAs(other, 'KEYS', '*')).toEqual(['a']);
    expect(h.runAs(other, 'PTTL', 'a')).toBe(5000);
    expect(h.journal).toEqual([{ db: 0, argv: ['SWAPDB', '0', '1'] }]);
    expect(h.run('SWAPDB', '1', '1')).toBe('+OK');
    expect(h.runAs(other, 'KEYS', '*')).toEqual(['a']);
    expect(h.journal).toHaveLength(2);
  });
  it('SWAPDB rejects bad indexes with Redis messages', () => {
    expect(h.run('SWAPDB', 'a', '1')).toBe('-ERR invalid first DB index');
    expect(h.run('SWAPDB', '1', 'a')).toBe('-ERR invalid second DB index');
    expect(h.run('SWAPDB', '3000000000', '1')).toBe('-ERR invalid first DB index');
    expect(h.run('SWAPDB', '0', '3000000000')).toBe('-ERR invalid second DB index');
    expect(h.run('SWAPDB', '0', '16')).toBe('-ERR DB index is out of range');
    expect(h.run('SWAPDB', '-1', '0')).toBe('-ERR DB index is out of range');
    expect(h.journal).toEqual([]);
  });
});
