// Redis glob patterns (* ? [a-z] [^x] \x) compiled once and matched in O(|pattern| x |subject|) time.
//
// Redis's recursive matcher can take exponential time on patterns like `a*a*a*a*...b`; this one
// backtracks only to the most recent `*`, which is enough because `*` matches any run, so no
// pattern/subject pair costs more than one pass of the subject per pattern token.

type Token =
  | { readonly k: 'lit'; readonly c: number }
  | { readonly k: 'any' }
  | { readonly k: 'star' }
  | { readonly k: 'class'; readonly neg: boolean; readonly ranges: readonly (readonly [number, number])[] };

export interface CompiledGlob {
  readonly tokens: readonly Token[];
  readonly nocase: boolean;
  /** Pattern is exactly `*`: matches everything (even the empty key), callers may skip matching. */
  readonly matchAll: boolean;
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

export function compileGlob(pattern: string, nocase = false): CompiledGlob {
  const tokens: Token[] = [];
  const fold = (c: number): number => (nocase ? lower(c) : c);
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charCodeAt(i);
    if (c === 42 /* * */) {
      if (tokens[tokens.length - 1]?.k !== 'star') tokens.push({ k: 'star' });
      i++;
    } else if (c === 63 /* ? */) {
      tokens.push({ k: 'any' });
      i++;
    } else if (c === 91 /* [ */) {
      i++;
      let neg = false;
      if (pattern.charCodeAt(i) === 94 /* ^ */) {
        neg = true;
        i++;
      }
      const ranges: [number, number][] = [];
      // Redis's rules: `\x` is a literal; `x-y` is a range whenever two more characters follow
      // the `x` (so `[a-]` is the range a..`]`); the class runs to `]` or the end of the pattern.
      while (i < pattern.length && pattern.charCodeAt(i) !== 93 /* ] */) {
        const a = pattern.charCodeAt(i);
        if (a === 92 /* \ */ && i + 1 < pattern.length) {
          const lit = fold(pattern.charCodeAt(i + 1));
          ranges.push([lit, lit]);
          i += 2;
        } else if (i + 2 < pattern.length && pattern.charCodeAt(i + 1) === 45 /* - */) {
          let lo = fold(a);
          let hi = fold(pattern.charCodeAt(i + 2));
          if (lo > hi) [lo, hi] = [hi, lo];
          ranges.push([lo, hi]);
          i += 3;
        } else {
          ranges.push([fold(a), fold(a)]);
          i++;
        }
      }
      i++; // the closing `]`
      tokens.push({ k: 'class', neg, ranges });
    } else if (c === 92 /* \ */ && i + 1 < pattern.length) {
      tokens.push({ k: 'lit', c: fold(pattern.charCodeAt(i + 1)) });
      i += 2;
    } else {
      tokens.push({ k: 'lit', c: fold(c) });
      i++;
    }
  }
  return { tokens, nocase, matchAll: pattern === '*' };
}

function tokenMatches(t: Token, c: number): boolean {
  switch (t.k) {
    case 'lit':
      return t.c === c;
    case 'any':
      return true;
    case 'class': {
      let hit = false;
      for (const [lo, hi] of t.ranges) {
        if (c >= lo && c <= hi) {
          hit = true;
          break;
        }
      }
      return hit !== t.neg;
    }
    case 'star':
      return false;
  }
}

export function matchCompiled(g: CompiledGlob, s: string): boolean {
  // A lone `*` matches everything, as KEYS and SCAN special-case it.
  if (g.matchAll) return true;
  // Otherwise Redis's matcher never matches an empty subject except with an empty pattern.
  if (s.length === 0) return g.tokens.length === 0;
  const toks = g.tokens;
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    const t = toks[ti];
    if (t !== undefined && t.k === 'star') {
      starTi = ti++;
      starSi = si;
      continue;
    }
    const c = g.nocase ? lower(s.charCodeAt(si)) : s.charCodeAt(si);
    if (t !== undefined && tokenMatches(t, c)) {
      ti++;
      si++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (ti < toks.length && toks[ti]?.k === 'star') ti++;
  return ti === toks.length;
}

/** One-shot match; compile once with compileGlob when matching many subjects. */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return matchCompiled(compileGlob(pattern, nocase), s);
}
