// cjson, cmsgpack, bit and struct through EVAL: every case in cases.ts answers what redis-server 7.0.15 answered (recorded.ts).
import { describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain } from '../../testing/exec.js';
import { BIT_CASES, CJSON_CASES, CMSGPACK_CASES, STRUCT_CASES } from './cases.js';
import { formatG, strtod } from './cnumber.js';
import { RECORDED } from './recorded.js';

/** Status replies come back as `+OK`; the recording (ioredis) has them without the `+`. */
const unstatus = (p: Plain): Plain => (typeof p === 'string' && p.startsWith('+') ? p.slice(1) : Array.isArray(p) ? p.map(unstatus) : p);

const LIBS = [
  ['bit', BIT_CASES],
  ['struct', STRUCT_CASES],
  ['cmsgpack', CMSGPACK_CASES],
  ['cjson', CJSON_CASES],
] as const;

for (const [lib, cases] of LIBS) {
  describe(lib, () => {
    // one executor per library, cases in order: settings changed by one case carry over, as in Redis
    const t = createTestExecutor();
    cases.forEach((script, i) => {
      it(script.length > 90 ? `${script.slice(0, 90)}...` : script, () => {
        expect(unstatus(t.run('EVAL', script, '0'))).toEqual(RECORDED[lib][i]);
      });
    });
  });
}

describe('formatG (printf %.<p>g)', () => {
  it.each([
    [0.1, 14, '0.1'],
    [1 / 3, 14, '0.33333333333333'],
    [1e100, 14, '1e+100'],
    [123456789012345, 14, '1.2345678901234e+14'],
    [1234567890123.5, 14, '1234567890123.5'],
    [12345678901234.5, 14, '12345678901234'],
    [12345678901235.5, 14, '12345678901236'],
    [2.5, 1, '2'],
    [3.5, 1, '4'],
    [0.0001, 14, '0.0001'],
    [0.00001, 14, '1e-05'],
    [-0, 14, '-0'],
    [Math.PI, 3, '3.14'],
    [123456, 3, '1.23e+05'],
  ])('%s at %s digits', (x, p, want) => {
    expect(formatG(x, p)).toBe(want);
  });
});

describe('strtod', () => {
  it.each([
    ['12abc', 0, 12, 2],
    ['-1.5e3]', 0, -1500, 6],
    ['1e', 0, 1, 1],
    ['0x1F', 0, 31, 4],
    ['0x', 0, 0, 1],
    ['-0x.8p1', 0, -1, 7],
    ['Infinity', 0, Infinity, 8],
    ['-inf', 0, -Infinity, 4],
  ])('%s', (s, i, value, end) => {
    expect(strtod(s, i)).toEqual({ value, end });
  });
  it('NaN and no number', () => {
    expect(Number.isNaN(strtod('nan(x1)', 0)?.value)).toBe(true);
    expect(strtod('nan(x1)', 0)?.end).toBe(7);
    expect(strtod('-', 0)).toBeNull();
    expect(strtod('x', 0)).toBeNull();
  });
});
