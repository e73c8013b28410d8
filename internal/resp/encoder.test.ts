// Reply encoder tests: exact RESP2 and RESP3 bytes for every Reply type, double formatting, sanitizing, and the writer's buffer handling.
import { describe, expect, it } from 'vitest';
import { encode, encodeToBuffer, formatDouble, ReplyWriter, type Protocol } from './encoder.js';
import {
  array,
  bool,
  bulk,
  bulkOrNull,
  bulks,
  double,
  EMPTY_ARRAY,
  errorReply,
  int,
  map,
  NULL_ARRAY,
  NULL_BULK,
  OK,
  PONG,
  push,
  QUEUED,
  record,
  set,
  simple,
  verbatim,
  type Reply,
} from './reply.js';

const enc = (r: Reply, proto: Protocol): string => encodeToBuffer(r, proto).toString('latin1');

/** Expected bytes per protocol; a single string means both protocols agree. */
function expectBytes(r: Reply, resp2: string, resp3: string = resp2): void {
  expect(enc(r, 2)).toBe(resp2);
  expect(enc(r, 3)).toBe(resp3);
}

const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

describe('encode: scalar types', () => {
  it('simple strings', () => {
    expectBytes(OK, '+OK\r\n');
    expectBytes(PONG, '+PONG\r\n');
    expectBytes(QUEUED, '+QUEUED\r\n');
    expectBytes(simple(''), '+\r\n');
  });

  it('errors', () => {
    expectBytes(errorReply('ERR boom'), '-ERR boom\r\n');
    expectBytes(errorReply('WRONGTYPE Operation against a key holding the wrong kind of value'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  });

  it('maps every CR and LF in error and status lines to a space, as Redis does', () => {
    expectBytes(errorReply('ERR a\r\nb\nc\rd'), '-ERR a  b c d\r\n');
    expectBytes(simple('x\r\ny'), '+x  y\r\n');
  });

  it('integers, including negative and 64-bit bigint', () => {
    expectBytes(int(0), ':0\r\n');
    expectBytes(int(42), ':42\r\n');
    expectBytes(int(-1), ':-1\r\n');
    expectBytes(int(2 ** 53 - 1), ':9007199254740991\r\n');
    expectBytes(int(2n ** 63n - 1n), ':9223372036854775807\r\n');
    expectBytes(int(-(2n ** 63n)), ':-9223372036854775808\r\n');
  });

  it('shares small integer replies', () => {
    expect(int(5)).toBe(int(5));
    expect(int(1023)).toBe(int(1023));
    expect(int(1024)).toEqual({ t: 'int', v: 1024 });
  });

  it('bulk strings, empty and binary', () => {
    expectBytes(bulk('hello'), '$5\r\nhello\r\n');
    expectBytes(bulk(''), '$0\r\n\r\n');
    expectBytes(bulk('a\r\nb'), '$4\r\na\r\nb\r\n');
    const b = encodeToBuffer(bulk(ALL_BYTES), 3);
    expect(b.subarray(0, 6).toString('latin1')).toBe('$256\r\n');
    expect([...b.subarray(6, 262)]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(b.subarray(262).toString('latin1')).toBe('\r\n');
  });

  it('nulls: $-1 and *-1 in RESP2, _ in RESP3', () => {
    expectBytes(NULL_BULK, '$-1\r\n', '_\r\n');
    expectBytes(NULL_ARRAY, '*-1\r\n', '_\r\n');
    expectBytes(bulkOrNull(null), '$-1\r\n', '_\r\n');
    expectBytes(bulkOrNull(undefined), '$-1\r\n', '_\r\n');
    expectBytes(bulkOrNull('v'), '$1\r\nv\r\n');
  });

  it('booleans: integers in RESP2, #t/#f in RESP3', () => {
    expectBytes(bool(true), ':1\r\n', '#t\r\n');
    expectBytes(bool(false), ':0\r\n', '#f\r\n');
  });

  it('doubles: bulk strings in RESP2, "," in RESP3', () => {
    expectBytes(double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n');
    expectBytes(double(3), '$1\r\n3\r\n', ',3\r\n');
    expectBytes(double(-2), '$2\r\n-2\r\n', ',-2\r\n');
    expectBytes(double(Infinity), '$3\r\ninf\r\n', ',inf\r\n');
    expectBytes(double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n');
    expectBytes(double(NaN), '$3\r\nnan\r\n', ',nan\r\n');
  });

  it('verbatim strings: = with a format in RESP3, a bulk in RESP2', () => {
    expectBytes(verbatim('Some string'), '$11\r\nSome string\r\n', '=15\r\ntxt:Some string\r\n');
    expectBytes(verbatim('# x\r\n', 'mkd'), '$5\r\n# x\r\n\r\n', '=9\r\nmkd:# x\r\n\r\n');
    expectBytes(verbatim(''), '$0\r\n\r\n', '=4\r\ntxt:\r\n');
  });

  it('raw replies are copied as they are', () => {
    expectBytes({ t: 'raw', v: Buffer.from('+FORWARDED\r\n') }, '+FORWARDED\r\n');
  });
});

describe("formatDouble (Redis 7.0: C's %.17g; expected strings from printf)", () => {
  it.each<[number, string]>([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1, '-1'],
    [10, '10'],
    [1e15, '1000000000000000'],
    [2 ** 52 - 1, '4503599627370495'],
    [2 ** 53, '9007199254740992'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [1e20, '1e+20'],
    [-1.5e300, '-1.5000000000000001e+300'],
    [1.2345e25, '1.2345e+25'],
    [1.5, '1.5'],
    [-0.5, '-0.5'],
    [3.14, '3.1400000000000001'],
    [0.1, '0.10000000000000001'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.33333333333333331'],
    [0.000001, '9.9999999999999995e-07'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [1.5e-7, '1.4999999999999999e-07'],
    [1e-7, '9.9999999999999995e-08'],
    [1.25e-10, '1.2500000000000001e-10'],
    [5e-324, '4.9406564584124654e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [123456.789, '123456.789'],
    [Number('12345678901234567890'), '1.2345678901234567e+19'],
    [Number('99999999999999999'), '1e+17'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ])('%d -> %s', (v, s) => {
    expect(formatDouble(v)).toBe(s);
  });

  it('round-trips', () => {
    for (const v of [0.1, 1 / 3, 1e16 + 2, 2.5e-8, 6.02214076e23, -9.10938356e-31, 123456789.123]) {
      expect(Number(formatDouble(v))).toBe(v);
    }
  });
});

describe('encode: aggregates', () => {
  it('arrays, empty and of mixed types', () => {
    expectBytes(EMPTY_ARRAY, '*0\r\n');
    expectBytes(array([bulk('a'), int(1), NULL_BULK]), '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n');
    expectBytes(bulks(['x', 'yy']), '*2\r\n$1\r\nx\r\n$2\r\nyy\r\n');
  });

  it('maps: flattened arrays in RESP2, % in RESP3', () => {
    const m = map([
      [bulk('a'), int(1)],
      [bulk('b'), bulk('x')],
    ]);
    expectBytes(m, '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n');
    expectBytes(map([]), '*0\r\n', '%0\r\n');
    expectBytes(record([['proto', int(3)]]), '*2\r\n$5\r\nproto\r\n:3\r\n', '%1\r\n$5\r\nproto\r\n:3\r\n');
  });

  it('sets: arrays in RESP2, ~ in RESP3', () => {
    expectBytes(set([bulk('m')]), '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n');
  });

  it('pushes: arrays in RESP2, > in RESP3', () => {
    expectBytes(push([bulk('message'), bulk('ch'), bulk('hi')]), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n');
  });

  it('nests arrays, maps, sets, doubles and nulls', () => {
    const r = array([
      map([[bulk('k'), set([double(1.5), bool(true)])]]),
      array([NULL_ARRAY, array([])]),
      errorReply('ERR inner'),
    ]);
    expectBytes(
      r,
      '*3\r\n' + '*2\r\n$1\r\nk\r\n*2\r\n$3\r\n1.5\r\n:1\r\n' + '*2\r\n*-1\r\n*0\r\n' + '-ERR inner\r\n',
      '*3\r\n' + '%1\r\n$1\r\nk\r\n~2\r\n,1.5\r\n#t\r\n' + '*2\r\n_\r\n*0\r\n' + '-ERR inner\r\n',
    );
  });
});

describe('ReplyWriter', () => {
  it('appends several replies into one batch and starts over after take()', () => {
    const w = new ReplyWriter();
    encode(w, OK, 2);
    encode(w, int(7), 2);
    expect(w.length).toBe(9);
    expect(w.take().toString('latin1')).toBe('+OK\r\n:7\r\n');
    expect(w.length).toBe(0);
    expect(w.take()).toHaveLength(0);
  });

  it('grows across many doublings and keeps every byte (a 2 MB array of 20000 bulks)', () => {
    const w = new ReplyWriter(16);
    const items = Array.from({ length: 20_000 }, (_, i) => `item-${i}-` + 'x'.repeat(90));
    encode(w, bulks(items), 3);
    const expected = `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
    expect(w.length).toBe(expected.length);
    expect(w.take().toString('latin1')).toBe(expected);
  });

  it('keeps a raw reply of 1 MB or more whole: takeParts() hands the same Buffer back between the bytes around it', () => {
    const w = new ReplyWriter(64);
    const raw = Buffer.alloc(1 << 20, 0x61);
    encode(w, OK, 2);
    encode(w, { t: 'raw', v: raw }, 2);
    encode(w, int(1), 2);
    expect(w.length).toBe(5 + raw.length + 4);
    const parts = w.takeParts();
    expect(parts.map((p) => p.length)).toEqual([5, raw.length, 4]);
    expect(parts[1]).toBe(raw);
    expect(Buffer.concat(parts).toString('latin1')).toBe(`+OK\r\n${'a'.repeat(1 << 20)}:1\r\n`);
    expect(w.length).toBe(0);
    encode(w, { t: 'raw', v: raw }, 2);
    encode(w, OK, 2);
    // take() joins them for the callers that need one Buffer.
    expect(w.take().equals(Buffer.concat([raw, Buffer.from('+OK\r\n')]))).toBe(true);
    expect(w.takeParts().map((p) => p.length)).toEqual([0]);
  });

  it('past 1 MB, continues in new chunks instead of doubling and copying: parts of at most the chunk size, same bytes', () => {
    const w = new ReplyWriter(16);
    const items = Array.from({ length: 40_000 }, (_, i) => `item-${i}-` + 'x'.repeat(90));
    encode(w, bulks(items), 2);
    const expected = `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
    expect(w.length).toBe(expected.length);
    const parts = w.takeParts();
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(1 << 20);
    expect(Buffer.concat(parts).toString('latin1')).toBe(expected);
  });

  it('grows from a zero-sized start', () => {
    const w = new ReplyWriter(0);
    encode(w, bulk('abc'), 2);
    expect(w.take().toString('latin1')).toBe('$3\r\nabc\r\n');
    encode(w, bulk('de'), 2);
    expect(w.take().toString('latin1')).toBe('$2\r\nde\r\n');
  });

  it('hands big batches over whole and later writes never touch them', () => {
    const w = new ReplyWriter(1024);
    const big = 'b'.repeat(200_000);
    encode(w, bulk(big), 2);
    const first = w.take();
    const firstCopy = Buffer.from(first);
    expect(first.toString('latin1')).toBe(`$200000\r\n${big}\r\n`);
    encode(w, bulk('z'.repeat(200_000)), 2);
    const second = w.take();
    encode(w, simple('small'), 2);
    const third = w.take();
    expect(first.equals(firstCopy)).toBe(true);
    expect(second.toString('latin1')).toBe(`$200000\r\n${'z'.repeat(200_000)}\r\n`);
    expect(third.toString('latin1')).toBe('+small\r\n');
  });

  it('copies small batches out, so reusing the scratch buffer does not change them', () => {
    const w = new ReplyWriter(64);
    encode(w, bulk('first'), 2);
    const a = w.take();
    encode(w, bulk('other'), 2);
    const b = w.take();
    expect(a.toString('latin1')).toBe('$5\r\nfirst\r\n');
    expect(b.toString('latin1')).toBe('$5\r\nother\r\n');
  });

  it('writes raw buffers and latin1 strings', () => {
    const w = new ReplyWriter(4);
    w.latin1('\xff\x00');
    w.bytes(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect([...w.take()]).toEqual([255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
