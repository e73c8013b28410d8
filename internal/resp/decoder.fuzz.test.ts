// Property-based fuzzing of the RESP request decoder: generated, mutated and truncated streams fed whole and in random splits.
//
// Budget: RINGCACHE_FUZZ_RUNS runs per property (npm run fuzz sets a large one), seed RINGCACHE_FUZZ_SEED;
// the default `npm test` run is short and seeded so a failure reproduces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteMutation, FUZZ_TEST_TIMEOUT_MS, fuzzParams as params, mutate } from '../testing/fuzz.js';
import { ProtocolError, RequestDecoder } from './decoder.js';
import { DEFAULT_LIMITS, UNAUTH_MAX_BULK, UNAUTH_MAX_MULTIBULK, type ProtocolLimits } from './limits.js';

interface Outcome {
  frames: string[][];
  error: string | null;
  pending: number;
}

/**
 * Feeds the chunks, pulling every complete frame after each feed as the server does. Anything
 * thrown but a ProtocolError fails the property; a next() loop yielding more frames than bytes
 * fed (each frame consumes at least one byte) would be an endless loop and fails too.
 */
function run(chunks: readonly Buffer[], limits: ProtocolLimits, strict = false, onFeed?: (d: RequestDecoder) => void): Outcome {
  const d = new RequestDecoder({ ...limits });
  if (strict) d.strict = { maxMultibulk: UNAUTH_MAX_MULTIBULK, maxBulk: UNAUTH_MAX_BULK };
  const frames: string[][] = [];
  let fed = 0;
  try {
    for (const c of chunks) {
      d.feed(c);
      fed += c.length;
      onFeed?.(d);
      for (let f = d.next(); f !== null; f = d.next()) {
        frames.push(f);
        if (frames.length > fed) throw new Error(`next() produced ${frames.length} frames from ${fed} bytes`);
        onFeed?.(d);
      }
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { frames, error: e.message, pending: -1 };
  }
  return { frames, error: null, pending: d.pending };
}

/** `buf` cut at the given points (any numbers: taken modulo the length). */
function split(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...at, buf.length]) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A bulk argument: mostly short arbitrary bytes, sometimes past the 32 KB big-argument threshold. */
const bulkArg = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 40 }).map(latin1), weight: 20 },
  { arbitrary: fc.constantFrom('', '\r\n', '*1\r\n', '$-1', '\x00'), weight: 3 },
  { arbitrary: fc.tuple(fc.integer({ min: 32 * 1024 - 2, max: 33 * 1024 }), fc.integer({ min: 0, max: 255 })).map(([n, b]) => String.fromCharCode(b).repeat(n)), weight: 1 },
);

/** An inline argument that survives sdssplitargs: plain tokens, and double-quoted text with escapes. */
const inlineArg = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_:.{}@-]{1,16}$/),
  fc.string({ maxLength: 12 }).map((s) => ({ raw: `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`, value: s })),
);

/** One frame: its bytes and the argv it must decode to (null for the no-ops Redis ignores). */
type Frame = { bytes: string; argv: string[] | null };
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { arbitrary: fc.array(bulkArg, { minLength: 1, maxLength: 6 }).map((argv) => ({ bytes: `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, argv })), weight: 8 },
  {
    arbitrary: fc.tuple(fc.array(inlineArg, { minLength: 1, maxLength: 5 }), fc.constantFrom('\r\n', '\n'), fc.constantFrom(' ', '  ', '\t')).map(([args, eol, sep]) => {
      const raw = args.map((a) => (typeof a === 'string' ? a : a.raw));
      // A line starting with '*' is a multibulk header, not an inline command.
      if (raw[0]?.startsWith('*')) raw[0] = `x${raw[0]}`;
      const argv = args.map((a, i) => (typeof a === 'string' ? (i === 0 && a.startsWith('*') ? `x${a}` : a) : a.value));
      return { bytes: raw.join(sep) + eol, argv };
    }),
    weight: 3,
  },
  { arbitrary: fc.constantFrom<Frame>({ bytes: '*0\r\n', argv: null }, { bytes: '*-1\r\n', argv: null }, { bytes: '\r\n', argv: null }, { bytes: '\n', argv: null }), weight: 1 },
);
const stream = fc.array(frame, { minLength: 1, maxLength: 6 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const toBytes = (frames: readonly Frame[]): Buffer => Buffer.from(frames.map((f) => f.bytes).join(''), 'latin1');

/** A mutation of a byte stream: flip, insert, delete or truncate at a position (modulo the length). */
const mutation = byteMutation(fc.constantFrom(0x0d, 0x0a, 0x2a, 0x24, 0x2d, 0x30, 0x39, 0x22, 0x27, 0x5c, 0x20, 0x00, 0xff), 8);

/** Bulk lengths small enough that a mutated `$` line cannot make the test allocate hundreds of MB. */
const FUZZ_LIMITS: ProtocolLimits = { ...DEFAULT_LIMITS, maxBulkLen: 1024 * 1024 };

describe('RequestDecoder under fuzzing', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('decodes generated valid streams to their frames, whatever the split', () => {
    fc.assert(
      fc.property(stream, cuts, (frames, at) => {
        const buf = toBytes(frames);
        const want = frames.flatMap((f) => (f.argv === null ? [] : [f.argv]));
        const whole = run([buf], DEFAULT_LIMITS);
        expect(whole).toEqual({ frames: want, error: null, pending: 0 });
        expect(run(split(buf, at), DEFAULT_LIMITS)).toEqual(whole);
      }),
      params(150),
    );
  });

  it('mutated and truncated streams: only ProtocolError, and the same frames and error whatever the split', () => {
    fc.assert(
      fc.property(stream, fc.array(mutation, { minLength: 1, maxLength: 4 }), cuts, fc.boolean(), (frames, ms, at, strict) => {
        const buf = mutate(toBytes(frames), ms);
        const whole = run([buf], FUZZ_LIMITS, strict);
        const parts = run(split(buf, at), FUZZ_LIMITS, strict);
        // An unterminated inline line longer than the inline limit is refused as soon as it is
        // pending, as Redis does, so past that size the outcome may depend on how bytes arrive.
        if (buf.length <= FUZZ_LIMITS.maxInlineLen) expect(parts).toEqual(whole);
        // A truncated stream decodes a prefix of what the whole one does.
        const cut = run([buf.subarray(0, Math.floor(buf.length / 2))], FUZZ_LIMITS, strict);
        expect(whole.frames.slice(0, cut.frames.length)).toEqual(cut.frames);
      }),
      params(300),
    );
  });

  it('random bytes: only ProtocolError, never an endless loop', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), cuts, (bytes, at) => {
        const buf = Buffer.from(bytes);
        const whole = run([buf], FUZZ_LIMITS);
        expect(run(split(buf, at), FUZZ_LIMITS)).toEqual(whole);
      }),
      params(300),
    );
  });

  it('memory stays within the limits: pending bytes never pass the query buffer limit, big bulks past proto-max-bulk-len are refused', () => {
    const small: ProtocolLimits = { maxBulkLen: 4096, maxMultibulkLen: 64, maxInlineLen: 512, queryBufferLimit: 8192 };
    fc.assert(
      fc.property(stream, fc.array(mutation, { maxLength: 3 }), cuts, fc.boolean(), (frames, ms, at, strict) => {
        const buf = mutate(toBytes(frames), ms);
        const out = run(split(buf, at), small, strict, (d) => expect(d.pending).toBeLessThanOrEqual(small.queryBufferLimit));
        // Every frame that came out respects the limits it was decoded under.
        for (const f of out.frames) {
          expect(f.length).toBeLessThanOrEqual(strict ? UNAUTH_MAX_MULTIBULK : small.maxMultibulkLen);
          if (buf[0] === 0x2a) for (const a of f) expect(a.length).toBeLessThanOrEqual(strict ? UNAUTH_MAX_BULK : small.maxBulkLen);
        }
      }),
      params(200),
    );
  });

  it('a declared bulk counts as pending only the bytes that arrived; one past proto-max-bulk-len is refused at its header', () => {
    const d = new RequestDecoder({ ...DEFAULT_LIMITS });
    d.feed(Buffer.from('*1\r\n$100000\r\nabc', 'latin1'));
    expect(d.next()).toBeNull();
    expect(d.pending).toBe(3);
    const over = run([Buffer.from(`*1\r\n$${FUZZ_LIMITS.maxBulkLen + 1}\r\n`, 'latin1')], FUZZ_LIMITS);
    expect(over.error).toBe('invalid bulk length');
  });
});
