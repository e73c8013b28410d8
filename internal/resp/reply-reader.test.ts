// Reply reader tests: every frame whole and cut at every byte (frameEnd says "need more" until the last byte), and parse round trips through the encoder.
import { describe, expect, it } from 'vitest';
import { encodeToBuffer } from './encoder.js';
import { array, bulk, double, errorReply, int, map, NULL_ARRAY, NULL_BULK, OK, set, type Reply } from './reply.js';
import { arrayElements, frameEnd, parseReply, ReplyProtocolError } from './reply-reader.js';

const FRAMES: [string, string, Reply][] = [
  ['simple', '+OK\r\n', OK],
  ['error', '-ERR bad\r\n', errorReply('ERR bad')],
  ['int', ':-42\r\n', int(-42)],
  ['big int', ':9223372036854775807\r\n', int(9223372036854775807n)],
  ['bulk', '$5\r\nhe\r\no\r\n', bulk('he\r\no')],
  ['empty bulk', '$0\r\n\r\n', bulk('')],
  ['null bulk', '$-1\r\n', NULL_BULK],
  ['null array', '*-1\r\n', NULL_ARRAY],
  ['nested', '*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n*0\r\n', array([bulk('a'), array([int(1), NULL_BULK]), array([])])],
  ['resp3 null', '_\r\n', NULL_BULK],
  ['map', '%1\r\n+k\r\n,1.5\r\n', map([[{ t: 'simple', v: 'k' }, double(1.5)]])],
  ['set', '~1\r\n:7\r\n', set([int(7)])],
  ['bool', '#t\r\n', { t: 'bool', v: true }],
  ['verbatim', '=8\r\ntxt:abcd\r\n', { t: 'verbatim', format: 'txt', v: 'abcd' }],
  ['bulk error', '!3\r\nERR\r\n', errorReply('ERR')],
];

describe('frameEnd', () => {
  it.each(FRAMES)('%s: needs every byte, then ends exactly at the frame end', (_n, wire) => {
    const buf = Buffer.from(wire + '+NEXT\r\n', 'latin1');
    const len = Buffer.byteLength(wire, 'latin1');
    for (let cut = 0; cut < len; cut++) expect(frameEnd(buf, 0, cut)).toBe(-1);
    expect(frameEnd(buf, 0, len)).toBe(len);
    expect(frameEnd(buf, 0)).toBe(len);
    expect(frameEnd(buf, len)).toBe(buf.length);
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => frameEnd(Buffer.from('hello\r\n'), 0)).toThrow(ReplyProtocolError);
    expect(() => frameEnd(Buffer.from('*x\r\n'), 0)).toThrow(ReplyProtocolError);
  });

  it('skips a deep nesting without recursion', () => {
    const depth = 100_000;
    const buf = Buffer.from('*1\r\n'.repeat(depth) + ':1\r\n');
    expect(frameEnd(buf, 0)).toBe(buf.length);
  });
});

describe('parseReply', () => {
  it.each(FRAMES)('%s', (_n, wire, want) => {
    const buf = Buffer.from(wire, 'latin1');
    const { reply, next } = parseReply(buf, 0);
    expect(reply).toEqual(want);
    expect(next).toBe(buf.length);
  });

  it('round-trips what the encoder writes (RESP2 and RESP3)', () => {
    const r = array([bulk('x\u00ff'), int(3), NULL_BULK, array([OK, errorReply('WRONGTYPE no')])]);
    for (const proto of [2, 3] as const) expect(parseReply(encodeToBuffer(r, proto)).reply).toEqual(r);
  });
});

describe('arrayElements', () => {
  it('splits an array frame into element frames', () => {
    const els = arrayElements(Buffer.from('*3\r\n$1\r\na\r\n$-1\r\n*1\r\n:2\r\n'));
    expect(els?.map((b) => b.toString('latin1'))).toEqual(['$1\r\na\r\n', '$-1\r\n', '*1\r\n:2\r\n']);
    expect(arrayElements(Buffer.from('-ERR x\r\n'))).toBeNull();
    expect(arrayElements(Buffer.from('*-1\r\n'))).toBeNull();
  });
});
