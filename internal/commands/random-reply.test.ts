// Negative-count SRANDMEMBER / HRANDFIELD / ZRANDMEMBER past COMPACT_PICKS: one pre-encoded buffer with the same RESP as the Reply path, refused past proto-max-bulk-len.
import { describe, expect, it } from 'vitest';
import { parseReply } from '../resp/reply-reader.js';
import type { Reply } from '../resp/reply.js';
import { createTestExecutor, plain, type Plain, type TestExecutor } from '../testing/exec.js';
import { COMPACT_PICKS, MAX_RANDOM_REPLY } from './random-reply.js';

const N = COMPACT_PICKS * 3;

function setup(proto: 2 | 3): TestExecutor {
  const t = createTestExecutor();
  t.client.proto = proto;
  t.run('SADD', 's', 'a', 'bb', 'ccc');
  t.run('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
  t.run('ZADD', 'z', '1.5', 'm1', '-2', 'm2', 'inf', 'm3');
  return t;
}

/** The raw bytes of a compact reply, parsed back into a Reply and made plain. */
function decoded(r: Reply): Plain {
  if (r.t !== 'raw') throw new Error(`expected a pre-encoded reply, got ${r.t}`);
  const { reply, next } = parseReply(r.v);
  expect(next).toBe(r.v.length);
  return plain(reply);
}

describe('negative counts past COMPACT_PICKS', () => {
  it.each([2, 3] as const)('SRANDMEMBER in RESP%i: an array of members', (proto) => {
    const t = setup(proto);
    const got = decoded(t.exec('SRANDMEMBER', 's', String(-N))) as string[];
    expect(got).toHaveLength(N);
    expect(new Set(got)).toEqual(new Set(['a', 'bb', 'ccc']));
  });

  it('HRANDFIELD WITHVALUES: flat in RESP2, pairs in RESP3, values matching their fields', () => {
    const flat = decoded(setup(2).exec('HRANDFIELD', 'h', String(-N), 'WITHVALUES')) as string[];
    expect(flat).toHaveLength(2 * N);
    for (let i = 0; i < flat.length; i += 2) expect(flat[i + 1]).toBe((flat[i] as string).replace('f', 'v'));
    const pairs = decoded(setup(3).exec('HRANDFIELD', 'h', String(-N), 'WITHVALUES')) as [string, string][];
    expect(pairs).toHaveLength(N);
    for (const [f, v] of pairs) expect(v).toBe(f.replace('f', 'v'));
    expect(decoded(setup(3).exec('HRANDFIELD', 'h', String(-N)))).toHaveLength(N);
  });

  it('ZRANDMEMBER WITHSCORES: bulk scores flat in RESP2, [member, double] in RESP3', () => {
    const scores: Record<string, string> = { m1: '1.5', m2: '-2', m3: 'inf' };
    const flat = decoded(setup(2).exec('ZRANDMEMBER', 'z', String(-N), 'WITHSCORES')) as string[];
    expect(flat).toHaveLength(2 * N);
    for (let i = 0; i < flat.length; i += 2) expect(flat[i + 1]).toBe(scores[flat[i] as string]);
    const pairs = decoded(setup(3).exec('ZRANDMEMBER', 'z', String(-N), 'WITHSCORES')) as [string, number][];
    expect(pairs).toHaveLength(N);
    const numbers: Record<string, number> = { m1: 1.5, m2: -2, m3: Infinity };
    for (const [m, s] of pairs) expect(s).toBe(numbers[m]);
    expect(decoded(setup(2).exec('ZRANDMEMBER', 'z', String(-N)))).toHaveLength(N);
  });

  it('small counts and scripts still get ordinary replies', () => {
    const t = setup(2);
    expect(t.exec('SRANDMEMBER', 's', '-10').t).toBe('array');
    expect(t.run('EVAL', `return #redis.call('SRANDMEMBER', 's', '${-N}')`, '0')).toBe(N);
  });

  it('counts past 2^24 are out of range for all three (ZRANDMEMBER had no bound: -2^63+1 looped for ever)', () => {
    const t = setup(2);
    for (const argv of [['SRANDMEMBER', 's'], ['HRANDFIELD', 'h'], ['ZRANDMEMBER', 'z'], ['ZRANDMEMBER', 'z', '-1', 'WITHSCORES']]) {
      const a = [...argv];
      a.splice(2, a.length > 2 ? 1 : 0, String(-MAX_RANDOM_REPLY - 1));
      expect(t.run(...a), a.join(' ')).toBe('-ERR value is out of range');
    }
    expect(t.run('ZRANDMEMBER', 'z', '-9223372036854775807')).toBe('-ERR value is out of range');
  });

  it('a reply larger than proto-max-bulk-len is refused before it is built', () => {
    const t = setup(2);
    t.run('CONFIG', 'SET', 'proto-max-bulk-len', String(8 * 1024 * 1024));
    t.run('SADD', 'big', 'x'.repeat(1000));
    expect(t.run('SRANDMEMBER', 'big', String(-N))).toBe(`-ERR reply of ${N} elements would exceed proto-max-bulk-len (8388608 bytes); ask for fewer`);
    expect(decoded(t.exec('SRANDMEMBER', 'big', String(-COMPACT_PICKS)))).toHaveLength(COMPACT_PICKS);
  });
});
