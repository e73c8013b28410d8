// Request decoder tests: every input is decoded whole and byte-by-byte (and some at random split points) with identical results.
import { describe, expect, it } from 'vitest';
import { ProtocolError, RequestDecoder } from './decoder.js';
import { DEFAULT_LIMITS, UNAUTH_MAX_BULK, UNAUTH_MAX_MULTIBULK, type ProtocolLimits } from './limits.js';
import { prng } from '../testing/random.js';

interface Outcome {
  frames: string[][];
  /** The ProtocolError message, or null when every byte was accepted. */
  error: string | null;
  /** Unconsumed bytes at the end (only meaningful without an error). */
  pending: number;
}

interface DecoderOptions {
  limits?: Partial<ProtocolLimits>;
  strict?: boolean;
}

function makeDecoder(opts: DecoderOptions): RequestDecoder {
  const d = new RequestDecoder({ ...DEFAULT_LIMITS, ...opts.limits });
  if (opts.strict) d.strict = { maxMultibulk: UNAUTH_MAX_MULTIBULK, maxBulk: UNAUTH_MAX_BULK };
  return d;
}

/** Feeds the chunks in order, pulling every complete frame after each feed, as the server does. */
function runChunks(chunks: Iterable<Buffer>, opts: DecoderOptions = {}): Outcome {
  const d = makeDecoder(opts);
  const frames: string[][] = [];
  try {
    for (const c of chunks) {
      d.feed(c);
      for (let f = d.next(); f !== null; f = d.next()) frames.push(f);
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { frames, error: e.message, pending: -1 };
  }
  return { frames, error: null, pending: d.pending };
}

const toBuf = (input: Buffer | string): Buffer => (typeof input === 'string' ? Buffer.from(input, 'latin1') : input);

function* bytewise(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i++) yield buf.subarray(i, i + 1);
}

/** Splits at `cuts` random points (sorted, deduplicated); the rng makes failures reproducible. */
function randomChunks(buf: Buffer, rng: () => number, cuts: number): Buffer[] {
  const at = [...new Set(Array.from({ length: cuts }, () => Math.floor(rng() * (buf.length + 1))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...at, buf.length]) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Decodes `input` whole and byte-by-byte, asserts both agree, and returns the outcome. */
function decode(input: Buffer | string, opts: DecoderOptions = {}): Outcome {
  const buf = toBuf(input);
  const whole = runChunks([buf], opts);
  const bytes = runChunks(bytewise(buf), opts);
  expect(bytes, 'byte-by-byte must decode like the whole buffer').toEqual(whole);
  return whole;
}

const frames = (input: Buffer | string, opts: DecoderOptions = {}): string[][] => {
  const out = decode(input, opts);
  expect(out.error).toBeNull();
  return out.frames;
};
const protoError = (input: Buffer | string, opts: DecoderOptions = {}): string | null => decode(input, opts).error;

/** Encodes argv as a RESP multibulk request (latin1 strings are byte strings). */
function resp(argv: readonly string[]): Buffer {
  return Buffer.from(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''), 'latin1');
}

const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

describe('RequestDecoder: multibulk', () => {
  it('decodes a single command', () => {
    expect(frames('*1\r\n$4\r\nPING\r\n')).toEqual([['PING']]);
    expect(frames('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n')).toEqual([['SET', 'key', 'value']]);
  });

  it('keeps case and accepts empty bulks', () => {
    expect(frames('*3\r\n$3\r\nsEt\r\n$0\r\n\r\n$0\r\n\r\n')).toEqual([['sEt', '', '']]);
  });

  it('ignores *0 and negative counts, as Redis does', () => {
    expect(frames('*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n')).toEqual([['PING']]);
    expect(frames('*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n')).toEqual([['PING']]);
  });

  it('accepts the largest count Redis accepts and waits for its arguments', () => {
    expect(decode('*2147483647\r\n$1\r\na\r\n')).toEqual({ frames: [], error: null, pending: 0 });
  });

  it('decodes pipelined frames in order, mixed with inline commands', () => {
    const input = '*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$4\r\nECHO\r\n$3\r\nbye\r\n\r\nPING\n';
    expect(frames(input)).toEqual([['PING'], ['ECHO', 'hi'], ['ECHO', 'bye'], ['PING']]);
  });

  it('decodes 1000 pipelined commands', () => {
    const input = Buffer.concat(Array.from({ length: 1000 }, (_, i) => resp(['ECHO', String(i)])));
    const out = frames(input);
    expect(out).toHaveLength(1000);
    expect(out.map((f) => f[1])).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  });

  it('reports unparsed bytes of a partial frame as pending until it completes', () => {
    const full = resp(['SET', 'k', 'v']);
    // `*3\r\n$3\r\nS`: the count lines are parsed as they arrive, only `S` waits for the rest of its bulk.
    const input = Buffer.concat([resp(['PING']), full.subarray(0, 9)]);
    expect(decode(input)).toEqual({ frames: [['PING']], error: null, pending: 1 });
    const d = new RequestDecoder();
    d.feed(full.subarray(0, 7));
    expect(d.next()).toBeNull();
    expect(d.pending).toBe(3);
    d.feed(full.subarray(7));
    expect(d.next()).toEqual(['SET', 'k', 'v']);
    expect(d.next()).toBeNull();
    expect(d.pending).toBe(0);
  });

  it('never writes into the chunks it was fed', () => {
    const input = Buffer.concat([resp(['SET', 'k', 'x'.repeat(5000)]), Buffer.from('PING\r\n'), resp(['GET', 'k'])]);
    const copy = Buffer.from(input);
    const out = runChunks(randomChunks(input, prng(7), 40));
    expect(out.frames).toHaveLength(3);
    runChunks(bytewise(input));
    expect(input.equals(copy)).toBe(true);
  });
});

describe('RequestDecoder: binary safety', () => {
  it('round-trips all 256 byte values in one bulk', () => {
    expect(frames(resp(['SET', ALL_BYTES, ALL_BYTES]))).toEqual([['SET', ALL_BYTES, ALL_BYTES]]);
  });

  it('treats CRLF and RESP syntax inside a bulk as data', () => {
    expect(frames('*2\r\n$4\r\nECHO\r\n$8\r\nab\r\ncd\r\n\r\n')).toEqual([['ECHO', 'ab\r\ncd\r\n']]);
    const nested = '*1\r\n$4\r\nPING\r\n';
    expect(frames(resp(['ECHO', nested]))).toEqual([['ECHO', nested]]);
    expect(frames(resp(['ECHO', '\r\n']))).toEqual([['ECHO', '\r\n']]);
  });
});

describe('RequestDecoder: large bulks', () => {
  const payload = (n: number, seed: number): string => {
    const rng = prng(seed);
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
    return b.toString('latin1');
  };

  it.each([32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 100_000])('decodes a %i-byte bulk around the big-argument threshold', (n) => {
    const v = payload(n, n);
    const input = Buffer.concat([resp(['SET', 'k', v]), resp(['GET', 'k'])]);
    expect(frames(input)).toEqual([['SET', 'k', v], ['GET', 'k']]);
  });

  it('decodes a 3 MB bulk whole, byte-by-byte and at random split points, with a command behind it', () => {
    const v = payload(3 * 1024 * 1024, 3);
    const input = Buffer.concat([resp(['SET', 'big', v]), Buffer.from('PING\r\n')]);
    const expected = [['SET', 'big', v], ['PING']];
    expect(frames(input)).toEqual(expected);
    const rng = prng(11);
    for (let round = 0; round < 20; round++) {
      const out = runChunks(randomChunks(input, rng, 1 + Math.floor(rng() * 50)));
      expect(out.error).toBeNull();
      expect(out.frames).toEqual(expected);
      expect(out.pending).toBe(0);
    }
  });

  it('counts a partly received big bulk as pending', () => {
    const d = new RequestDecoder();
    d.feed(Buffer.from('*1\r\n$100000\r\n'));
    expect(d.next()).toBeNull();
    d.feed(Buffer.alloc(60_000, 97));
    expect(d.next()).toBeNull();
    expect(d.pending).toBe(60_000);
    d.feed(Buffer.concat([Buffer.alloc(40_000, 97), Buffer.from('\r\nPI')]));
    expect(d.next()).toEqual(['a'.repeat(100_000)]);
    expect(d.next()).toBeNull();
    expect(d.pending).toBe(2);
  });
});

describe('RequestDecoder: inline commands (sdssplitargs)', () => {
  const inline = (line: string): string[][] => frames(line + '\r\n');

  it.each<[string, string[]]>([
    ['PING', ['PING']],
    ['  set   key\tvalue  ', ['set', 'key', 'value']],
    ['"a b" c', ['a b', 'c']],
    ['"\\n\\r\\t\\b\\a\\\\\\"x"', ['\n\r\t\b\x07\\"x']],
    ['"\\x41\\xff\\x00\\x7a"', ['A\xff\x00z']],
    ['"\\xZZ" "\\x4"', ['xZZ', 'x4']],
    ['"\\q\\\'"', ["q'"]],
    ["'it\\'s' 'a\\nb' 'x\"y'", ["it's", 'a\\nb', 'x"y']],
    ['"" \'\'', ['', '']],
    ['foo"bar baz" a\'b c\'', ['foobar baz', 'ab c']],
    ['"a"\tb "c"\x0bd', ['a', 'b', 'c', 'd']],
    ['a\x0bb\x0cc', ['a\x0bb\x0cc']],
    ['SET k \xe9\xff', ['SET', 'k', '\xe9\xff']],
  ])('splits %j', (line, expected) => {
    expect(inline(line)).toEqual([expected]);
  });

  it.each([['"foo"bar'], ["'foo'bar"], ['"foo'], ["'foo"], ['"foo\\"'], ["'foo\\'"], ['a "b']])(
    'rejects %j with unbalanced quotes',
    (line) => {
      expect(protoError(line + '\r\n')).toBe('unbalanced quotes in request');
    },
  );

  it('accepts bare LF line endings', () => {
    expect(frames('PING\nECHO x\n')).toEqual([['PING'], ['ECHO', 'x']]);
  });

  it('ignores empty and blank lines', () => {
    expect(frames('\r\n\n   \t \r\nPING\r\n\r\n')).toEqual([['PING']]);
  });

  it('waits for the LF after a CR', () => {
    expect(decode('PING\r')).toEqual({ frames: [], error: null, pending: 5 });
  });

  it('accepts a line of exactly 64 KB still waiting for its newline, and a longer one that arrives whole', () => {
    expect(decode('x'.repeat(64 * 1024))).toEqual({ frames: [], error: null, pending: 64 * 1024 });
    // Whole only: as in Redis, the limit applies to bytes still waiting for a newline, so a long
    // line is accepted when its newline arrives in the same read and refused when it trickles in.
    const long = 'ECHO ' + 'y'.repeat(70_000) + '\r\n';
    expect(runChunks([Buffer.from(long)])).toEqual({ frames: [['ECHO', 'y'.repeat(70_000)]], error: null, pending: 0 });
  });
});

describe('RequestDecoder: protocol errors (Redis wording)', () => {
  it("expected '$', got 'x'", () => {
    expect(protoError('*1\r\nx\r\n')).toBe("expected '$', got 'x'");
    expect(protoError('*2\r\n$4\r\nECHO\r\nhello\r\n')).toBe("expected '$', got 'h'");
    expect(protoError('*1\r\n:1\r\n')).toBe("expected '$', got ':'");
  });

  it('shows CR or LF in that message as a space, keeping the error line intact', () => {
    expect(protoError('*1\r\n\r\n')).toBe("expected '$', got ' '");
    expect(protoError('*1\r\n\n\r\n')).toBe("expected '$', got ' '");
  });

  it.each(['*abc', '*', '*-', '*+1', '* 1', '*1 ', '*01', '*00', '*-0', '*2147483648', '*99999999999999999999', '*-9223372036854775809'])(
    '%j -> invalid multibulk length',
    (line) => {
      expect(protoError(line + '\r\n')).toBe('invalid multibulk length');
    },
  );

  it('ends a count line at the first CR, as Redis does', () => {
    expect(protoError('*1\n$4\r\nPING\r\n')).toBe('invalid multibulk length');
  });

  it.each(['$abc', '$', '$-1', '$-0', '$01', '$+3', '$ 3', '$536870913', '$1073741824', '$9223372036854775808'])(
    '%j -> invalid bulk length',
    (line) => {
      expect(protoError('*1\r\n' + line + '\r\n')).toBe('invalid bulk length');
    },
  );

  it('honours a configured proto-max-bulk-len', () => {
    const limits = { maxBulkLen: 1024 * 1024 };
    expect(protoError('*1\r\n$1048577\r\n', { limits })).toBe('invalid bulk length');
    expect(decode('*1\r\n$1048576\r\n', { limits }).error).toBeNull();
  });

  it('too big inline request beyond 64 KB without a newline', () => {
    expect(protoError('x'.repeat(64 * 1024 + 1))).toBe('too big inline request');
    expect(protoError('PING\r\n' + 'x'.repeat(70_000))).toBe('too big inline request');
  });

  it('too big mbulk count string', () => {
    expect(protoError('*' + '1'.repeat(70_000))).toBe('too big mbulk count string');
  });

  it('too big bulk count string', () => {
    expect(protoError('*1\r\n$' + '1'.repeat(70_000))).toBe('too big bulk count string');
  });

  it('unauthenticated multibulk length above 10 arguments when strict', () => {
    const eleven = resp(Array.from({ length: 11 }, () => 'a'));
    expect(protoError(eleven, { strict: true })).toBe('unauthenticated multibulk length');
    expect(frames(resp(Array.from({ length: 10 }, () => 'a')), { strict: true })).toHaveLength(1);
    expect(frames(eleven)).toHaveLength(1);
  });

  it('unauthenticated bulk length above 16384 bytes when strict', () => {
    expect(protoError('*2\r\n$4\r\nAUTH\r\n$16385\r\n', { strict: true })).toBe('unauthenticated bulk length');
    expect(frames(resp(['AUTH', 'p'.repeat(16384)]), { strict: true })).toEqual([['AUTH', 'p'.repeat(16384)]]);
  });

  it('query buffer limit exceeded', () => {
    const limits = { queryBufferLimit: 4096 };
    expect(protoError('x'.repeat(5000), { limits })).toBe('query buffer limit exceeded');
    // A big bulk counts as soon as its bytes arrive.
    expect(protoError(Buffer.concat([Buffer.from('*1\r\n$100000\r\n'), Buffer.alloc(5000, 97)]), { limits })).toBe('query buffer limit exceeded');
    expect(decode('x'.repeat(4096), { limits }).error).toBeNull();
  });

  it("rejects a bulk not followed by CRLF (ringcache is stricter than Redis, which skips two bytes unseen)", () => {
    expect(protoError('*1\r\n$3\r\nfooXY')).toBe("expected '\\r\\n' after bulk");
    expect(protoError(Buffer.concat([Buffer.from('*1\r\n$40000\r\n'), Buffer.alloc(40_000, 97), Buffer.from('XY')]))).toBe(
      "expected '\\r\\n' after bulk",
    );
  });

  it('reports frames decoded before the error', () => {
    expect(decode('PING\r\n*1\r\nx\r\n')).toEqual({ frames: [['PING']], error: "expected '$', got 'x'", pending: -1 });
  });
});

describe('RequestDecoder: property', () => {
  /** A random byte string: mostly short, sometimes CRLF-heavy, occasionally past the big-argument threshold. */
  function randomArg(rng: () => number): string {
    const r = rng();
    const len = r < 0.05 ? 0 : r < 0.85 ? Math.floor(rng() * 40) : r < 0.97 ? Math.floor(rng() * 3000) : 32 * 1024 + Math.floor(rng() * 20_000);
    const crlfy = rng() < 0.2;
    let s = '';
    for (let i = 0; i < len; i++) s += crlfy && rng() < 0.5 ? (rng() < 0.5 ? '\r' : '\n') : String.fromCharCode(Math.floor(rng() * 256));
    return s;
  }

  it('random argv lists encoded as RESP decode back identically under random chunkings', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const rng = prng(seed);
      const commands = Array.from({ length: 1 + Math.floor(rng() * 12) }, () => Array.from({ length: 1 + Math.floor(rng() * 6) }, () => randomArg(rng)));
      // No-op frames Redis ignores, sprinkled between commands.
      const parts = commands.flatMap((c) => (rng() < 0.2 ? [Buffer.from(rng() < 0.5 ? '*0\r\n' : '\r\n'), resp(c)] : [resp(c)]));
      const input = Buffer.concat(parts);
      const chunkings: Buffer[][] = [[input], randomChunks(input, rng, 1 + Math.floor(rng() * 30))];
      if (input.length < 20_000) chunkings.push([...bytewise(input)]);
      for (const chunks of chunkings) {
        const out = runChunks(chunks);
        expect(out, `seed ${seed}`).toEqual({ frames: commands, error: null, pending: 0 });
      }
    }
  });
});
