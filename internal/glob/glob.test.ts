// Table tests of the glob matcher against Redis's stringmatchlen semantics, plus its linear-time guarantee.
import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch, matchCompiled } from './glob.js';

// Every row below was checked against redis-server 7.0 with `SET <subject> 1` + `KEYS <pattern>`
// (JS string escapes: '\\' is one backslash).
const REDIS_TABLE: readonly (readonly [pattern: string, subject: string, matches: boolean])[] = [
  // literals and the empty cases
  ['', '', true],
  ['', 'a', false],
  ['a', '', false],
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['abc', 'abcd', false],
  ['H*', 'hello', false], // case-sensitive
  // ?
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['user:?', 'user:10', false],
  ['?', '', false],
  ['??', 'a', false],
  // *
  ['*', '', true],
  ['*', 'anything', true],
  ['?*', '', false],
  ['*?*', 'x', true],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['*a', 'ba', true],
  ['*a', 'ab', false],
  ['a*', 'a', true],
  ['a**b', 'ab', true],
  ['a**b', 'axxb', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXbY', false],
  ['user:*', 'user:1', true],
  ['*:*:*', 'a:b:c', true],
  ['*:*:*', 'a:b', false],
  // character classes
  ['h[ae]llo', 'hello', true],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['[^a-z]', 'A', true],
  ['[^a-z]', 'q', false],
  ['[z-a]', 'm', true], // reversed ranges are swapped
  ['[-a]', '-', true], // a leading '-' is literal
  ['[a-c-e]', 'd', false],
  ['[a-c-e]', '-', true],
  ['[a-c-e]', 'e', true],
  ['[!a]', '!', true], // '!' is not negation in Redis
  ['[!a]', 'b', false],
  ['[\\]]', ']', true], // escaped ']' inside a class
  ['[\\]a]', 'a', true],
  ['[\\-]', '-', true],
  ['[a\\-z]', '-', true], // escaped '-' is literal, not a range
  ['[a\\-z]', 'm', false],
  ['[]abc]', 'a', false], // '[]' is an empty class that never matches
  ['[]abc]', 'abc]', false],
  ['[]', '', false],
  ['[]x', 'x', false],
  ['[^]', 'x', true], // empty negated class matches any one byte
  // unterminated classes run to the end of the pattern
  ['[', '[', false],
  ['[^', 'x', true],
  ['[abc', 'b', true],
  ['[abc', 'd', false],
  ['a[', 'a', false],
  ['a[', 'ab', false],
  ['[a-', 'a', true],
  ['[a-', '-', true],
  ['[a-', 'b', false],
  // escapes
  ['\\', '\\', true], // a trailing backslash is literal
  ['a\\', 'a\\', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'axb', false],
  ['\\?', '?', true],
  ['\\?', 'x', false],
  ['\\[a]', '[a]', true],
  ['\\a', 'a', true],
];

describe('glob: Redis pattern semantics', () => {
  it.each(REDIS_TABLE.map(([p, s, m]) => [JSON.stringify(p), JSON.stringify(s), m, p, s] as const))(
    'pattern %s vs %s -> %s',
    (_ps, _ss, expected, pattern, subject) => {
      expect(globMatch(pattern, subject)).toBe(expected);
      // Compiled once, matched many times: the same answer.
      const g = compileGlob(pattern);
      expect(matchCompiled(g, subject)).toBe(expected);
      expect(matchCompiled(g, subject)).toBe(expected);
    },
  );

  it('is binary-safe over latin1 byte strings', () => {
    expect(globMatch('\xff*\x00', '\xff\x01\x02\x00')).toBe(true);
    expect(globMatch('[\x80-\xff]', '\xc3')).toBe(true);
    expect(globMatch('[\x80-\xff]', '\x7f')).toBe(false);
    expect(globMatch('?', '\x00')).toBe(true);
  });

  it('marks only the pattern `*` as match-all (the KEYS/SCAN shortcut)', () => {
    expect(compileGlob('*').matchAll).toBe(true);
    expect(compileGlob('***').matchAll).toBe(false);
    expect(globMatch('***', 'abc')).toBe(true);
    expect(compileGlob('*a').matchAll).toBe(false);
    expect(compileGlob('\\*').matchAll).toBe(false);
    expect(compileGlob('').matchAll).toBe(false);
  });

  it('folds ASCII case when compiled nocase (CONFIG GET), including classes and ranges', () => {
    expect(globMatch('MAXMEMORY*', 'maxmemory-policy', true)).toBe(true);
    expect(globMatch('[A-C]x', 'bX', true)).toBe(true);
    expect(globMatch('[^A-C]x', 'bx', true)).toBe(false);
    expect(globMatch('MAXMEMORY*', 'maxmemory-policy')).toBe(false);
  });
});

// Corner cases verified against redis-server 7.0 with KEYS.
describe('glob: Redis corner cases (class ranges, empty subjects)', () => {
  it.each([
    // Redis reads `x-]` as a range ending at ']' (and the class then runs to the end of the pattern).
    ['[a-]', ']', true],
    ['[a-]', '^', true],
    ['[a-]', '-', false],
    ['[a-]x', 'ax', false],
    // Redis takes the character after '-' literally, so `a-\` is the range '\'..'a' and 'z' a literal.
    ['[a-\\z]', 'b', false],
    ['[a-\\z]', '\\', true],
    ['[a-\\z]', '_', true],
    // An empty subject matches only the empty pattern in stringmatchlen (KEYS/SCAN special-case "*").
    ['**', '', false],
  ] as const)('pattern %j vs %j -> %s', (pattern, subject, expected) => {
    expect(globMatch(pattern, subject)).toBe(expected);
  });
});

describe('glob: linear time', () => {
  it("finishes Redis's catastrophic backtracking pattern quickly", () => {
    const subject = 'a'.repeat(10_000);
    const pattern = 'a*'.repeat(14) + 'b';
    const g = compileGlob(pattern);
    const t0 = performance.now();
    expect(matchCompiled(g, subject)).toBe(false);
    expect(matchCompiled(g, subject + 'b')).toBe(true);
    expect(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', subject)).toBe(false);
    // A generous bound: an exponential matcher would not finish at all, a linear one takes ms.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('handles long subjects against many stars and classes', () => {
    const subject = 'ab'.repeat(50_000);
    expect(globMatch('*[ab]?*[^c]*?b', subject)).toBe(true);
    expect(globMatch('*a?*a?*a?*c', subject)).toBe(false);
  });
});
