// Property-based fuzzing of the reply reader (peer links): generated RESP2/RESP3 replies, mutated and truncated; only ReplyProtocolError may escape.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteMutation, FUZZ_TEST_TIMEOUT_MS, fuzzParams, mutate } from '../testing/fuzz.js';
import { encodeToBuffer, type Protocol } from './encoder.js';
import type { Reply } from './reply.js';
import { frameEnd, MAX_REPLY_DEPTH, parseReply, ReplyProtocolError } from './reply-reader.js';

const line = fc.stringMatching(/^[A-Za-z0-9 _:.-]{0,20}$/);
const bytes = fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString('latin1'));
const { reply } = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line.map((v): Reply => ({ t: 'simple', v })),
    line.map((v): Reply => ({ t: 'error', v: `ERR ${v}` })),
    fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map((v): Reply => ({ t: 'int', v })),
    bytes.map((v): Reply => ({ t: 'bulk', v })),
    fc.constant<Reply>({ t: 'nullbulk' }),
    fc.constant<Reply>({ t: 'nullarray' }),
    fc.double({ noNaN: true }).map((v): Reply => ({ t: 'double', v })),
    fc.boolean().map((v): Reply => ({ t: 'bool', v })),
    fc.array(tie('reply'), { maxLength: 4 }).map((v): Reply => ({ t: 'array', v })),
    fc.array(tie('reply'), { maxLength: 3 }).map((v): Reply => ({ t: 'set', v })),
    fc.array(fc.tuple(tie('reply'), tie('reply')), { maxLength: 3 }).map((v): Reply => ({ t: 'map', v })),
  ),
}));
const proto = fc.constantFrom<Protocol>(2, 3);

const mutation = byteMutation(fc.constantFrom(0x0d, 0x0a, 0x2a, 0x24, 0x2d, 0x3a, 0x28, 0x25, 0x7c, 0x30, 0x39, 0x61, 0xff), 6, false);

/** frameEnd then parseReply as the links do; anything thrown but ReplyProtocolError fails. */
function readOne(buf: Buffer): void {
  try {
    const end = frameEnd(buf, 0);
    if (end < 0) return;
    expect(end).toBeLessThanOrEqual(buf.length);
    parseReply(buf.subarray(0, end));
  } catch (e) {
    if (!(e instanceof ReplyProtocolError)) throw e;
  }
}

describe('reply reader under fuzzing', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('generated replies: frameEnd finds the end (and -1 on every cut), parseReply re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(reply, proto, fc.array(fc.nat(), { maxLength: 5 }), (r, p, cuts) => {
        const buf = encodeToBuffer(r, p);
        expect(frameEnd(buf, 0)).toBe(buf.length);
        for (const c of cuts) expect(frameEnd(buf, 0, c % buf.length)).toBe(-1);
        const parsed = parseReply(buf);
        expect(parsed.next).toBe(buf.length);
        expect(encodeToBuffer(parsed.reply, p).equals(buf)).toBe(true);
      }),
      fuzzParams(300),
    );
  });

  it('mutated replies and random bytes: only ReplyProtocolError escapes', () => {
    fc.assert(
      fc.property(reply, proto, fc.array(mutation, { minLength: 1, maxLength: 3 }), (r, p, ms) => readOne(mutate(encodeToBuffer(r, p), ms))),
      fuzzParams(300),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => readOne(Buffer.from(b))),
      fuzzParams(300),
    );
  });

  it('regression: an integer or big-number line that is not digits is a ReplyProtocolError (was a SyntaxError from BigInt)', () => {
    for (const wire of [':%\r\n', ':1x\r\n', '(abc\r\n', '(\r\n', '*2\r\n:1\r\n:zz\r\n']) {
      const buf = Buffer.from(wire, 'latin1');
      expect(frameEnd(buf, 0), wire).toBe(buf.length);
      expect(() => parseReply(buf), wire).toThrow(ReplyProtocolError);
    }
    expect(parseReply(Buffer.from('(-170141183460469231731687303715884105728\r\n')).reply).toEqual({ t: 'int', v: -(2n ** 127n) });
  });

  it('regression: replies nested 100,000 deep (arrays, maps, attribute chains) are a ReplyProtocolError, not a stack overflow', () => {
    for (const open of ['*1\r\n', '%1\r\n:1\r\n', '|0\r\n', '~1\r\n']) {
      const buf = Buffer.from(open.repeat(100_000) + ':1\r\n', 'latin1');
      expect(frameEnd(buf, 0)).toBe(buf.length);
      expect(() => parseReply(buf)).toThrow(ReplyProtocolError);
    }
    const ok = Buffer.from('*1\r\n'.repeat(MAX_REPLY_DEPTH) + ':1\r\n', 'latin1');
    expect(parseReply(ok).next).toBe(ok.length);
  });
});
