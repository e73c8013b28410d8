// The stream codec: node listpacks as Redis lays them out (master entry, deltas, same-fields and deleted flags), groups, PELs and consumers, and every inconsistency refused.
import { describe, expect, it } from 'vitest';
import { contents, sampleStream } from '../testing/rdb-fixtures.js';
import { makeId, type StreamId, StreamValue } from '../store/stream.js';
import { RdbError } from './bytes.js';
import { ListpackWriter } from './listpack.js';
import { decodeValue, encodeValue, RDB_TYPE } from './value.js';
import { RdbWriter } from './writer.js';

type Item = string | number | bigint;

interface Group {
  name: string;
  last?: [number, number];
  read?: number;
  pel?: [StreamId, number, number][];
  consumers?: [string, number, StreamId[]][];
}

interface Spec {
  nodes: [StreamId | Buffer, Item[]][];
  length: number;
  last: [number, number];
  groups?: Group[];
}

const id16 = (id: StreamId): Buffer => {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(id >> 64n, 0);
  b.writeBigUInt64BE(id & ((1n << 64n) - 1n), 8);
  return b;
};

function lp(items: Item[]): Buffer {
  const w = new ListpackWriter();
  for (const i of items) {
    if (typeof i === 'string') w.append(i);
    else w.appendInt(i);
  }
  return w.finish();
}

/** A RDB_TYPE_STREAM_LISTPACKS_2 value written field by field, so tests can get any part wrong. */
function streamBody(spec: Spec): Buffer {
  const w = new RdbWriter();
  w.byte(RDB_TYPE.STREAM_LISTPACKS_2);
  w.len(spec.nodes.length);
  for (const [key, items] of spec.nodes) {
    w.blob(Buffer.isBuffer(key) ? key : id16(key));
    w.blob(lp(items));
  }
  w.len(spec.length);
  w.len(spec.last[0]);
  w.len(spec.last[1]);
  for (let i = 0; i < 4; i++) w.len(0);
  w.len(spec.length);
  const groups = spec.groups ?? [];
  w.len(groups.length);
  for (const g of groups) {
    w.string(g.name);
    w.len((g.last ?? [0, 0])[0]);
    w.len((g.last ?? [0, 0])[1]);
    w.len(g.read ?? 0);
    w.len((g.pel ?? []).length);
    for (const [id, time, count] of g.pel ?? []) {
      w.bytesOf(id16(id));
      w.millis(time);
      w.len(count);
    }
    w.len((g.consumers ?? []).length);
    for (const [name, seen, ids] of g.consumers ?? []) {
      w.string(name);
      w.millis(seen);
      w.len(ids.length);
      for (const id of ids) w.bytesOf(id16(id));
    }
  }
  return w.bytes();
}

const ID = (ms: number, seq: number): StreamId => makeId(BigInt(ms), BigInt(seq));
/** Master entry of a node: live, deleted, master fields, 0. */
const master = (live: number, deleted: number, fields: string[]): Item[] => [live, deleted, fields.length, ...fields, 0];
/** A same-fields entry, and one with its own fields. */
const same = (dms: Item, dseq: Item, values: string[], flags = 2): Item[] => [flags, dms, dseq, ...values, values.length + 3];
const own = (dms: Item, dseq: Item, pairs: string[], flags = 0): Item[] => [flags, dms, dseq, pairs.length / 2, ...pairs, pairs.length + 4];

const twoEntries: Spec = {
  nodes: [[ID(5, 1), [...master(2, 1, ['a']), ...same(0, 0, ['1']), ...same(0, 1, ['gone'], 3), ...own(3, -1, ['b', '2', 'c', '3'])]]],
  length: 2,
  last: [8, 0],
};

describe('stream nodes', () => {
  it('reads deltas, same-fields entries, own-fields entries and skips deleted ones', () => {
    const s = decodeValue(streamBody(twoEntries)) as StreamValue;
    expect((contents(s) as unknown[])[0]).toEqual([
      ['5-1', ['a', '1']],
      ['8-0', ['b', '2', 'c', '3']],
    ]);
    expect(s.firstId).toBe(ID(5, 1));
  });

  it('writes what it reads, node by node, as Redis lays nodes out', () => {
    const s = sampleStream();
    const back = decodeValue(encodeValue(s)) as StreamValue;
    expect(contents(back)).toEqual(contents(s));
    expect(back.nodeCount).toBe(s.nodeCount);
  });

  it('round-trips groups, PELs and consumers', () => {
    const spec: Spec = {
      ...twoEntries,
      groups: [
        {
          name: 'g',
          last: [8, 0],
          read: 2,
          pel: [
            [ID(5, 1), 1000, 2],
            [ID(5, 2), 2000, 1],
          ],
          consumers: [
            ['alice', 3000, [ID(5, 2)]],
            ['bob', 4000, [ID(5, 1)]],
            ['carol', 5000, []],
          ],
        },
      ],
    };
    const s = decodeValue(streamBody(spec)) as StreamValue;
    const g = s.group('g');
    expect(g?.entriesRead).toBe(2n);
    expect(g?.pel.get(ID(5, 1))?.consumer?.name).toBe('bob');
    expect(g?.consumer('alice')?.pel.has(ID(5, 2))).toBe(true);
    expect(g?.consumer('carol')?.seenTime).toBe(5000);
    expect(contents(decodeValue(encodeValue(s)))).toEqual(contents(s));
  });

  const bad: [string, Spec][] = [
    ['entries out of order across nodes', { nodes: [[ID(5, 1), [...master(1, 0, ['a']), ...same(0, 0, ['1'])]], [ID(4, 0), [...master(1, 0, ['a']), ...same(0, 0, ['1'])]]], length: 2, last: [9, 0] }],
    ['a node key that is not 16 bytes', { nodes: [[Buffer.alloc(8), [...master(1, 0, ['a']), ...same(0, 0, ['1'])]]], length: 1, last: [9, 0] }],
    ['an empty node', { nodes: [[ID(5, 1), []]], length: 0, last: [9, 0] }],
    ['a live count that does not match', { nodes: [[ID(5, 1), [...master(2, 0, ['a']), ...same(0, 0, ['1'])]]], length: 1, last: [9, 0] }],
    ['a wrong lp-count', { nodes: [[ID(5, 1), [...master(1, 0, ['a']), 2, 0, 0, '1', 9]]], length: 1, last: [9, 0] }],
    ['a master entry not ended by 0', { nodes: [[ID(5, 1), [1, 0, 1, 'a', 1, ...same(0, 0, ['1'])]]], length: 1, last: [9, 0] }],
    ['unknown entry flags', { nodes: [[ID(5, 1), [...master(1, 0, ['a']), ...same(0, 0, ['1'], 6)]]], length: 1, last: [9, 0] }],
    ['a string where an integer belongs', { nodes: [[ID(5, 1), [...master(1, 0, ['a']), ...same('x', 0, ['1'])]]], length: 1, last: [9, 0] }],
    ['trailing elements in a node', { nodes: [[ID(5, 1), [...master(1, 0, ['a']), ...same(0, 0, ['1']), 7]]], length: 1, last: [9, 0] }],
    ['a length that does not match the entries', { ...twoEntries, length: 3 }],
    ['an entry above the last ID', { ...twoEntries, last: [7, 0] }],
    ['two groups of one name', { ...twoEntries, groups: [{ name: 'g' }, { name: 'g' }] }],
    ['two consumers of one name', { ...twoEntries, groups: [{ name: 'g', consumers: [['c', 0, []], ['c', 0, []]] }] }],
    ['a repeated PEL entry', { ...twoEntries, groups: [{ name: 'g', pel: [[ID(5, 1), 0, 1], [ID(5, 1), 0, 1]], consumers: [['c', 0, [ID(5, 1)]]] }] }],
    ['a consumer entry missing from the group PEL', { ...twoEntries, groups: [{ name: 'g', consumers: [['c', 0, [ID(5, 1)]]] }] }],
    ['a PEL entry owned by two consumers', { ...twoEntries, groups: [{ name: 'g', pel: [[ID(5, 1), 0, 1]], consumers: [['c', 0, [ID(5, 1)]], ['d', 0, [ID(5, 1)]]] }] }],
    ['a PEL entry without a consumer', { ...twoEntries, groups: [{ name: 'g', pel: [[ID(5, 1), 0, 1]], consumers: [['c', 0, []]] }] }],
  ];
  it.each(bad)('refuses %s', (_name, spec) => {
    expect(() => decodeValue(streamBody(spec))).toThrow(RdbError);
  });
});
