// The pure tracking tables: key table (remember, take, limits, where keys were read), BCAST prefix batches, broadcast frames and prefix overlap errors, table-tested.
import { describe, expect, it } from 'vitest';
import { batchFrame, KeyTable, keyFrame, PrefixTable, prefixOverlap, remembersReads, TRACK_BCAST, TRACK_CACHING, TRACK_NOLOOP, TRACK_OPTIN, TRACK_OPTOUT } from './tracking.js';

describe('remembersReads (trackingRememberKeys: OPTIN/OPTOUT with CLIENT CACHING)', () => {
  it.each([
    ['default', 0, true],
    ['default, NOLOOP', TRACK_NOLOOP, true],
    ['BCAST never remembers', TRACK_BCAST, false],
    ['OPTIN without CACHING YES', TRACK_OPTIN, false],
    ['OPTIN after CACHING YES', TRACK_OPTIN | TRACK_CACHING, true],
    ['OPTOUT', TRACK_OPTOUT, true],
    ['OPTOUT after CACHING NO', TRACK_OPTOUT | TRACK_CACHING, false],
  ])('%s', (_name, flags, want) => {
    expect(remembersReads(flags)).toBe(want);
  });
});

describe('KeyTable', () => {
  it('remembers each id once per key, counts items, and forgets a key when it is taken', () => {
    const t = new KeyTable();
    t.remember('a', 1, null);
    t.remember('a', 1, null);
    t.remember('a', 2, null);
    t.remember('b', 1, null);
    expect([t.size, t.items]).toEqual([2, 3]);
    expect([...(t.take('a') ?? [])]).toEqual([1, 2]);
    expect(t.take('a')).toBeUndefined();
    expect([t.size, t.items]).toEqual([1, 1]);
    t.clear();
    expect([t.size, t.items, t.oldest()]).toEqual([0, 0, undefined]);
  });

  it('gives the oldest key first (what tracking-table-max-keys forgets)', () => {
    const t = new KeyTable();
    for (const k of ['x', 'y', 'z']) t.remember(k, 1, null);
    expect(t.oldest()).toBe('x');
    t.take('x');
    expect(t.oldest()).toBe('y');
  });

  it('knows which keys were read from which member, and which moved since', () => {
    const t = new KeyTable();
    t.remember('here', 1, null);
    t.remember('b1', 1, 'n2');
    t.remember('b2', 2, 'n2');
    t.remember('c1', 1, 'n3');
    // Read here first, then through n2 after a ring change: a lost n2 link invalidates it too.
    t.remember('both', 1, null);
    t.remember('both', 2, 'n2');
    expect(t.readFrom('n2')).toEqual(['b1', 'b2', 'both']);
    expect(t.readFrom('n4')).toEqual([]);
    const owners: Record<string, string | null> = { here: null, b1: 'n2', b2: 'n3', c1: 'n3', both: 'n2' };
    expect(t.moved((k) => owners[k] ?? null)).toEqual(['b2']);
    expect(t.moved(() => null)).toEqual(['b1', 'b2', 'c1', 'both']);
    t.take('b1');
    expect(t.readFrom('n2')).toEqual(['b2', 'both']);
  });
});

describe('PrefixTable (BCAST)', () => {
  it('adds a client to a prefix once, and drops a prefix its last client leaves', () => {
    const p = new PrefixTable<string>();
    expect(p.add('a:', 'c1')).toBe(true);
    expect(p.add('a:', 'c1')).toBe(false);
    expect(p.add('a:', 'c2')).toBe(true);
    expect(p.size).toBe(1);
    p.remove('a:', 'c1');
    expect(p.size).toBe(1);
    p.remove('a:', 'c2');
    expect(p.size).toBe(0);
    p.remove('zz', 'c1');
  });

  it('batches changed keys per prefix, in prefix byte order, the last writer winning, and starts over after a drain', () => {
    const p = new PrefixTable<string>();
    p.add('b:', 'c1');
    p.add('', 'c2');
    p.add('a:', 'c1');
    expect(p.note('a:1', 'w')).toBe(true);
    expect(p.note('b:1', null)).toBe(true);
    expect(p.note('a:1', 'c1')).toBe(true);
    expect(p.note('c:1', 'w')).toBe(true); // the empty prefix matches everything
    const batches = p.drain();
    expect(batches.map((b) => [b.prefix, [...b.clients], [...b.keys]])).toEqual([
      ['', ['c2'], [['a:1', 'c1'], ['b:1', null], ['c:1', 'w']]],
      ['a:', ['c1'], [['a:1', 'c1']]],
      ['b:', ['c1'], [['b:1', null]]],
    ]);
    expect(p.drain()).toEqual([]);
  });

  it('matches a key only under the prefixes it starts with', () => {
    const p = new PrefixTable<string>();
    p.add('user:', 'c');
    expect(p.note('use', 'w')).toBe(false);
    expect(p.note('users', 'w')).toBe(false);
    expect(p.note('user:', 'w')).toBe(true);
  });
});

describe('frames', () => {
  it('writes one key, and a batch in byte order without the NOLOOP client\'s own keys', () => {
    expect(keyFrame('k\u00ff')).toBe('*1\r\n$2\r\nk\u00ff\r\n');
    const keys = new Map<string, string | null>([
      ['b', 'me'],
      ['a', null],
      ['C', 'other'],
    ]);
    expect(batchFrame(keys, null)).toBe('*3\r\n$1\r\nC\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(batchFrame(keys, 'me')).toBe('*2\r\n$1\r\nC\r\n$1\r\na\r\n');
    expect(batchFrame(new Map([['x', 'me']]), 'me')).toBeNull();
  });
});

describe('prefixOverlap (checkPrefixCollisionsOrReply)', () => {
  const existing = (given: string[], have: string[] = []): string | null => prefixOverlap(have, given);
  it.each([
    [['FOOBAR', 'FOO'], [], "Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap."],
    [['FOO', 'FOOBAR'], [], "Prefix 'FOO' overlaps with another provided prefix 'FOOBAR'. Prefixes for a single client must not overlap."],
    [['FO'], ['FOO', 'BAR'], "Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap."],
    [['BARB'], ['FOO', 'BAR'], "Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a single client must not overlap."],
    [['x', 'x'], [], "Prefix 'x' overlaps with another provided prefix 'x'. Prefixes for a single client must not overlap."],
    [['a'], [''], "Prefix 'a' overlaps with an existing prefix ''. Prefixes for a single client must not overlap."],
    [['a\r\nb'], ['a'], "Prefix 'a  b' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap."],
    [['FOO', 'BAR'], [], null],
    [['c:'], ['a:', 'b:'], null],
    [[], [''], null],
  ])('%j over %j', (given, have, want) => {
    expect(existing(given, have)).toBe(want);
  });

  it('checks existing prefixes in byte order', () => {
    expect(prefixOverlap(['ab', 'a'], ['a'])).toBe("Prefix 'a' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.");
  });
});
