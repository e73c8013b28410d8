// The value codec: round trips of every type and encoding, payloads redis-server 7.0 wrote, the pre-7.0 encodings RESTORE still reads, and malformed values refused.
import { describe, expect, it } from 'vitest';
import { contents, sampleStream, sampleValues } from '../testing/rdb-fixtures.js';
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { formatId, StreamValue } from '../store/stream.js';
import type { Value } from '../store/types.js';
import { ZSet } from '../store/zset.js';
import { RdbError } from './bytes.js';
import { crc64Bytes } from './crc64.js';
import { encodeListpack } from './listpack.js';
import { encodeStream } from './stream.js';
import { RdbReader } from './reader.js';
import { RdbWriter } from './writer.js';
import { encodeZiplist } from './ziplist.js';
import { decodeValue, dumpPayload, encodeValue, parseScoreText, RDB_TYPE, restorePayload, scoreText, verifyPayload } from './value.js';

const body = (f: (w: RdbWriter) => void): Buffer => {
  const w = new RdbWriter();
  f(w);
  return w.bytes();
};

describe('round trips', () => {
  it.each(sampleValues())('%s', (_name, v, encoding) => {
    const enc = encodeValue(v);
    const back = decodeValue(enc);
    expect(contents(back)).toEqual(contents(v));
    if (typeof v !== 'string' && typeof back !== 'string') {
      expect(back.encoding()).toBe(encoding);
      expect(back.type).toBe(v.type);
    }
    const p = dumpPayload(v);
    expect(verifyPayload(p)).toBe(true);
    expect(contents(restorePayload(p))).toEqual(contents(v));
  });

  it.each([
    ['string', 'x', RDB_TYPE.STRING],
    ['small list', ListValue.of(['a']), RDB_TYPE.LIST_QUICKLIST_2],
    ['intset', (() => { const s = new SetValue(); s.add('1'); return s; })(), RDB_TYPE.SET_INTSET],
    ['hashtable set', (() => { const s = new SetValue(); s.add('a'); return s; })(), RDB_TYPE.SET],
    ['listpack hash', (() => { const h = new HashValue(); h.set('f', 'v'); return h; })(), RDB_TYPE.HASH_LISTPACK],
    ['hashtable hash', (() => { const h = new HashValue(); h.set('f', 'v'.repeat(65)); return h; })(), RDB_TYPE.HASH],
    ['listpack zset', (() => { const z = new ZSet(); z.add('a', 1); return z; })(), RDB_TYPE.ZSET_LISTPACK],
    ['skiplist zset', (() => { const z = new ZSet(); z.add('a'.repeat(65), 1); return z; })(), RDB_TYPE.ZSET_2],
    ['stream', new StreamValue(), RDB_TYPE.STREAM_LISTPACKS_2],
  ] as [string, Value, number][])('%s is written as RDB type %i', (_name, v, type) => {
    expect(encodeValue(v)[0]).toBe(type);
  });

  it('splits big lists into listpack nodes of at most 8 KB', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `element-${i}`);
    const enc = encodeValue(ListValue.of(items));
    expect(enc[0]).toBe(RDB_TYPE.LIST_QUICKLIST_2);
    const r = new RdbReader(enc, 1);
    const nodes = r.count();
    expect(nodes).toBeGreaterThan(15);
    expect(nodes).toBeLessThan(25);
    for (let i = 0; i < nodes; i++) {
      expect(r.lenBig()).toBe(2n);
      expect(r.blob().length).toBeLessThanOrEqual(8192);
    }
    expect((decodeValue(enc) as ListValue).toArray()).toEqual(items);
  });

  it('writes sorted set listpack scores as text strtod reads back exactly', () => {
    for (const v of [1.5, 0.1, 1 / 3, -2.5e-300, 1e300, 2 ** 62, -(2 ** 53) - 2, 5e-324, Infinity, -Infinity, 0]) {
      expect(parseScoreText(scoreText(v))).toBe(v);
    }
    expect(scoreText(3)).toBe('3');
    expect(scoreText(Infinity)).toBe('inf');
    expect(parseScoreText('3.1400000000000001')).toBe(3.14);
    expect(parseScoreText('-INF')).toBe(-Infinity);
    expect(parseScoreText('nan')).toBeNull();
    expect(parseScoreText('1x')).toBeNull();
  });
});

describe('payloads redis-server 7.0.15 wrote', () => {
  const dumps: [string, string, unknown][] = [
    ['SET s <30 x a> (LZF)', '00c3091e016161e011000161610a0045737cbb2b647bbb', 'a'.repeat(30)],
    ['RPUSH l a 1 -300 hello', '120102161600000004008161020101ded4028568656c6c6f06ff0a00468adde364cc40e7', ['a', '1', '-300', 'hello']],
    ['HSET h f v n 12', '1012120000000400816602817602816e020c01ff0a0001369481d35b8974', [['f', 'v'], ['n', '12']]],
    ['ZADD z 1.5 a 2 b', '111414000000040081610283312e35048162020201ff0a00fa02b425af188763', [['a', '1.5'], ['b', '2']]],
    ['SADD si 1 70000 -3', '0b140400000003000000fdffffff01000000701101000a007b8d4dddaf2286d7', ['-3', '1', '70000']],
  ];
  it.each(dumps)('%s', (_name, h, want) => {
    const p = Buffer.from(h, 'hex');
    expect(verifyPayload(p)).toBe(true);
    expect(contents(restorePayload(p))).toEqual(want);
  });

  it('XADD st 1-1 a 1, 1-2 b 2, a group g with consumer c holding 1-1', () => {
    const p = Buffer.from(
      '13011000000000000000010000000000000001c3262b102b00000011000201000101018161020001400a400c000420054007201606620202010601ff020102010100000201016701010101000000000000000100000000000000018879f850a2010000010101638879f850a201000001000000000000000100000000000000010a00b1809aed11013328',
      'hex',
    );
    expect(verifyPayload(p)).toBe(true);
    const s = restorePayload(p) as StreamValue;
    const [entries, lastId, firstId, maxDeleted, added, groups] = contents(s) as unknown[];
    expect(entries).toEqual([['1-1', ['a', '1']], ['1-2', ['b', '2']]]);
    expect([lastId, firstId, maxDeleted, added]).toEqual(['1-2', '1-1', '0-0', '2']);
    expect(groups).toEqual([['g', '1-1', '1', [['1-1', 'c', 1796654791048, 1]], [['c', 1796654791048, ['1-1']]]]]);
    expect(contents(decodeValue(encodeValue(s)))).toEqual(contents(s));
  });
});

describe('pre-7.0 encodings RESTORE still reads', () => {
  it.each([
    ['RDB_TYPE_LIST', body((w) => { w.byte(RDB_TYPE.LIST); w.len(3); w.string('a'); w.string('12'); w.string('c'); }), ['a', '12', 'c']],
    ['RDB_TYPE_LIST_ZIPLIST', body((w) => { w.byte(RDB_TYPE.LIST_ZIPLIST); w.blob(encodeZiplist(['a', '12'])); }), ['a', '12']],
    ['RDB_TYPE_LIST_QUICKLIST (ziplist nodes)', body((w) => { w.byte(RDB_TYPE.LIST_QUICKLIST); w.len(2); w.blob(encodeZiplist(['a', 'b'])); w.blob(encodeZiplist(['7'])); }), ['a', 'b', '7']],
    ['RDB_TYPE_LIST_QUICKLIST_2 with a plain node', body((w) => { w.byte(RDB_TYPE.LIST_QUICKLIST_2); w.len(2); w.len(2); w.blob(encodeListpack(['a'])); w.len(1); w.blob(Buffer.from('big element')); }), ['a', 'big element']],
    ['RDB_TYPE_ZSET (text scores)', body((w) => { w.byte(RDB_TYPE.ZSET); w.len(3); w.string('a'); w.byte(3); w.latin1('1.5'); w.string('b'); w.byte(254); w.string('c'); w.byte(255); }), [['c', '-Infinity'], ['a', '1.5'], ['b', 'Infinity']]],
    ['RDB_TYPE_ZSET_ZIPLIST', body((w) => { w.byte(RDB_TYPE.ZSET_ZIPLIST); w.blob(encodeZiplist(['a', '2', 'b', '2.5'])); }), [['a', '2'], ['b', '2.5']]],
    ['RDB_TYPE_HASH_ZIPLIST', body((w) => { w.byte(RDB_TYPE.HASH_ZIPLIST); w.blob(encodeZiplist(['f', '1', 'g', 'v'])); }), [['f', '1'], ['g', 'v']]],
  ] as [string, Buffer, unknown][])('%s', (_name, b, want) => {
    expect(contents(decodeValue(b))).toEqual(want);
  });

  it('RDB_TYPE_STREAM_LISTPACKS (version 1): counters and entries read derived as Redis does', () => {
    const s = sampleStream();
    const b = body((w) => {
      w.byte(RDB_TYPE.STREAM_LISTPACKS);
      encodeStream(w, s, false);
    });
    const back = decodeValue(b) as StreamValue;
    expect((contents(back) as unknown[])[0]).toEqual((contents(s) as unknown[])[0]);
    expect(back.entriesAdded).toBe(BigInt(s.size));
    expect(back.maxDeletedId).toBe(0n);
    expect(formatId(back.lastId)).toBe('3000-7');
    expect(back.sortedGroups().map((g) => [g.name, g.entriesRead, g.pel.size])).toEqual([
      ['12345', 0n, 0],
      ['readers', -1n, 3],
    ]);
  });
});

describe('malformed values', () => {
  const lp = (items: string[]): Buffer => encodeListpack(items);
  const cases: [string, Buffer][] = [
    ['an empty buffer', Buffer.alloc(0)],
    ['a module value', Buffer.from([RDB_TYPE.MODULE_2, 0])],
    ['a zipmap', Buffer.from([RDB_TYPE.HASH_ZIPMAP, 0])],
    ['an unknown type', Buffer.from([20, 0])],
    ['trailing bytes', body((w) => { w.byte(0); w.string('a'); w.byte(0); })],
    ['an empty list', body((w) => { w.byte(RDB_TYPE.LIST); w.len(0); })],
    ['an empty quicklist', body((w) => { w.byte(RDB_TYPE.LIST_QUICKLIST_2); w.len(1); w.len(2); w.blob(lp([])); })],
    ['a zero-length quicklist node', body((w) => { w.byte(RDB_TYPE.LIST_QUICKLIST_2); w.len(1); w.len(2); w.len(0); })],
    ['a bad quicklist container', body((w) => { w.byte(RDB_TYPE.LIST_QUICKLIST_2); w.len(1); w.len(3); w.blob(lp(['a'])); })],
    ['an empty set', body((w) => { w.byte(RDB_TYPE.SET); w.len(0); })],
    ['a repeated set member', body((w) => { w.byte(RDB_TYPE.SET); w.len(2); w.string('a'); w.string('a'); })],
    ['a repeated hash field', body((w) => { w.byte(RDB_TYPE.HASH); w.len(2); w.string('f'); w.string('1'); w.string('f'); w.string('2'); })],
    ['a repeated listpack hash field', body((w) => { w.byte(RDB_TYPE.HASH_LISTPACK); w.blob(lp(['f', '1', 'f', '2'])); })],
    ['an odd listpack hash', body((w) => { w.byte(RDB_TYPE.HASH_LISTPACK); w.blob(lp(['f', '1', 'g'])); })],
    ['an empty listpack hash', body((w) => { w.byte(RDB_TYPE.HASH_LISTPACK); w.blob(lp([])); })],
    ['a repeated zset member', body((w) => { w.byte(RDB_TYPE.ZSET_2); w.len(2); w.string('a'); w.binaryDouble(1); w.string('a'); w.binaryDouble(2); })],
    ['a NaN score', body((w) => { w.byte(RDB_TYPE.ZSET_2); w.len(1); w.string('a'); w.binaryDouble(NaN); })],
    ['a text NaN score', body((w) => { w.byte(RDB_TYPE.ZSET); w.len(1); w.string('a'); w.byte(253); })],
    ['a listpack score that is not a number', body((w) => { w.byte(RDB_TYPE.ZSET_LISTPACK); w.blob(lp(['a', 'x'])); })],
    ['an intset with a bad width', body((w) => { w.byte(RDB_TYPE.SET_INTSET); w.blob(Buffer.from('030000000100000001', 'hex')); })],
    ['a corrupt ziplist', body((w) => { w.byte(RDB_TYPE.LIST_ZIPLIST); w.blob(Buffer.from('0b000000ffffffff0000ff', 'hex')); })],
  ];
  it.each(cases)('refuses %s', (_name, b) => {
    expect(() => decodeValue(b)).toThrow(RdbError);
  });
});

describe('verifyPayload', () => {
  const p = dumpPayload('hello');
  it('accepts what dumpPayload writes, and older RDB versions', () => {
    expect(verifyPayload(p)).toBe(true);
    const withVersion = (ver: number): Buffer => {
      const b = Buffer.from(p);
      b.writeUInt16LE(ver, b.length - 10);
      crc64Bytes(b, 0, b.length - 8).copy(b, b.length - 8);
      return b;
    };
    expect(verifyPayload(withVersion(9))).toBe(true);
    expect(contents(restorePayload(withVersion(9)))).toBe('hello');
    // Up to Redis 7.4's version 12 (hash-field deadlines); newer is refused.
    expect(verifyPayload(withVersion(12))).toBe(true);
    expect(verifyPayload(withVersion(13))).toBe(false);
  });

  it('refuses a newer RDB version, a wrong checksum and a payload without a footer', () => {
    const newer = Buffer.from(p);
    newer.writeUInt16LE(11, newer.length - 10);
    expect(verifyPayload(newer)).toBe(false);
    const flipped = Buffer.from(p);
    flipped[1] = (flipped[1] as number) ^ 1;
    expect(verifyPayload(flipped)).toBe(false);
    expect(verifyPayload(p.subarray(0, 9))).toBe(false);
  });
});
