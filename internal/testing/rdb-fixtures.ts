// Values of every type and encoding for the RDB codec tests, and a plain view of a value's content to compare round trips with.
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { formatId, makeId, StreamValue } from '../store/stream.js';
import type { Value } from '../store/types.js';
import { ZSet } from '../store/zset.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function list(items: string[]): ListValue {
  return ListValue.of(items);
}

function set(members: string[]): SetValue {
  const s = new SetValue();
  for (const m of members) s.add(m);
  return s;
}

function hash(pairs: [string, string][]): HashValue {
  const h = new HashValue();
  for (const [f, v] of pairs) h.set(f, v);
  return h;
}

function zset(pairs: [string, number][]): ZSet {
  const z = new ZSet();
  for (const [m, s] of pairs) z.add(m, s);
  return z;
}

/**
 * A stream with several nodes, entries that do and do not share the master fields, a deleted
 * entry (max-deleted-entry-id), a sequence below its node's master (a wrapping delta), and two
 * groups: one with a PEL spread over two consumers plus an idle consumer, one empty.
 */
export function sampleStream(): StreamValue {
  const s = new StreamValue();
  for (let i = 1; i <= 150; i++) s.append(makeId(1000n + BigInt(i), 5n), i % 7 === 0 ? ['other', String(i)] : ['f', String(i), 'g', 'x'.repeat(i % 5)]);
  s.append(makeId(2000n, 0n), ['f', 'wrap', 'g', '']);
  s.append(makeId(2000n, 18446744073709551615n), ['f', 'max-seq', 'g', 'y']);
  s.deleteEntry(makeId(1010n, 5n));
  s.lastId = makeId(3000n, 7n);
  const g = s.createGroup('readers', makeId(1020n, 5n), 19n) as NonNullable<ReturnType<StreamValue['createGroup']>>;
  const alice = g.createConsumer('alice', 1_700_000_000_123) as NonNullable<ReturnType<typeof g.createConsumer>>;
  const bob = g.createConsumer('bob', 1_700_000_000_456) as NonNullable<ReturnType<typeof g.createConsumer>>;
  g.createConsumer('idle', 1_600_000_000_000);
  g.assign(makeId(1001n, 5n), alice, 1_700_000_000_100, 1);
  g.assign(makeId(1002n, 5n), bob, 1_700_000_000_200, 3);
  g.assign(makeId(1010n, 5n), alice, 1_700_000_000_300, 2);
  s.createGroup('12345', makeId(0n, 0n), -1n);
  return s;
}

/** Every type in each encoding ringcache keeps (name, value, expected OBJECT ENCODING). */
export function sampleValues(): [string, Value, string][] {
  return [
    ['empty string', '', 'embstr'],
    ['short string', 'hello', 'embstr'],
    ['int8 string', '-128', 'int'],
    ['int16 string', '32767', 'int'],
    ['int32 string', '-2147483648', 'int'],
    ['int64 string', '9223372036854775807', 'int'],
    ['not-canonical number', '007', 'embstr'],
    ['binary string', '\x00\xff\r\n\x80', 'embstr'],
    ['long string', 'abc'.repeat(50_000), 'raw'],
    ['small list', list(['a', '1', '-300', 'hello', '', '9223372036854775807', '-9223372036854775808']), 'listpack'],
    ['list of several nodes', list(range(5000).map((i) => `item-${i}`)), 'quicklist'],
    ['list with a large element', list(['a', 'z'.repeat(20_000), 'b']), 'quicklist'],
    ['intset (16 bit)', set(['1', '2', '-3']), 'intset'],
    ['intset (32 bit)', set(['1', '70000', '-3']), 'intset'],
    ['intset (64 bit)', set(['1', '-9223372036854775808', '9223372036854775807']), 'intset'],
    ['hashtable set', set(['a', 'b', '1']), 'hashtable'],
    ['big integer set', set(range(600).map(String)), 'hashtable'],
    ['listpack hash', hash([['f', 'v'], ['n', '12'], ['', 'empty field']]), 'listpack'],
    ['hashtable hash (long value)', hash([['f', 'v'.repeat(100)], ['g', '1']]), 'hashtable'],
    ['hashtable hash (many fields)', hash(range(600).map((i) => [`f${i}`, String(i)])), 'hashtable'],
    ['listpack zset', zset([['a', 1.5], ['b', 2], ['c', -Infinity], ['d', Infinity], ['e', 0.1], ['f', 1e300], ['g', -2.5e-300], ['h', 2 ** 62]]), 'listpack'],
    ['skiplist zset', zset(range(200).map((i) => [`m${i}`, i / 3])), 'skiplist'],
    ['skiplist zset (long member)', zset([['m'.repeat(100), 1], ['x', -Infinity]]), 'skiplist'],
    ['stream', sampleStream(), 'stream'],
  ];
}

type Plain = string | number | null | Plain[];

/** A value's content in comparable form (order-insensitive where the type is). */
export function contents(v: Value): Plain {
  if (typeof v === 'string') return v;
  if (v instanceof ListValue) return v.toArray();
  if (v instanceof SetValue) return [...v.members()].sort();
  if (v instanceof HashValue) return [...v.entries()].map(([f, s]) => [f, s.v]);
  if (v instanceof ZSet) return [...v.entries()].map(([m, s]) => [m, String(s)]);
  if (v instanceof StreamValue) {
    const entries: Plain[] = [];
    v.scan(0n, (1n << 128n) - 1n, false, (id, f) => {
      entries.push([formatId(id), [...f]]);
    });
    const groups = v.sortedGroups().map((g): Plain => {
      const pel: Plain[] = [...g.pel.entries()].map(([id, n]) => [formatId(id), n.consumer?.name ?? null, n.deliveryTime, n.deliveryCount]);
      const consumers: Plain[] = g.sortedConsumers().map((c) => [c.name, c.seenTime, [...c.pel.entries()].map(([id]) => formatId(id))]);
      return [g.name, formatId(g.lastId), String(g.entriesRead), pel, consumers];
    });
    return [entries, formatId(v.lastId), formatId(v.firstId), formatId(v.maxDeletedId), String(v.entriesAdded), groups];
  }
  throw new Error(`unknown value ${v.type}`);
}
