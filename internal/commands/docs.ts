// Parses a command's documentation syntax (Redis notation) into COMMAND DOCS argument trees.
//
// Notation: `name` an argument, `TOKEN` a pure token, `TOKEN name` a token followed by its value,
// `[ ... ]` optional, `< a | b >` one of (required), `[a | b]` one of (optional), `x [x ...]` and
// `[x ...]` repetition. The grammar is small enough that one recursive-descent pass covers every
// syntax line in the command table, and docs/commands.md prints the same string.

export type ArgType = 'key' | 'string' | 'integer' | 'double' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
export type ArgFlag = 'optional' | 'multiple' | 'multiple_token';

export interface ArgDoc {
  name: string;
  type: ArgType;
  token?: string;
  flags: ArgFlag[];
  arguments?: ArgDoc[];
}

type Tok = { k: 'word'; v: string } | { k: '[' | ']' | '<' | '>' | '|' | '...' };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ') {
      i++;
    } else if (s.startsWith('...', i)) {
      out.push({ k: '...' });
      i += 3;
    } else if (c === '[' || c === ']' || c === '<' || c === '>' || c === '|') {
      out.push({ k: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !' []<>|'.includes(s[j] as string) && !s.startsWith('...', j)) j++;
      out.push({ k: 'word', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

const isToken = (w: string): boolean => /^[A-Z][A-Z0-9_-]*$/.test(w);

/** The argument type Redis's docs give a value of this name. */
export function inferType(name: string): ArgType {
  if (name === 'key' || name.endsWith('key') || name === 'source' || name === 'destination') return 'key';
  if (name === 'pattern') return 'pattern';
  if (name.startsWith('unix-time')) return 'unix-time';
  if (['score', 'min', 'max', 'timeout', 'weight'].includes(name)) return 'double';
  if (name === 'increment') return 'integer';
  if (/^(seconds|milliseconds|count|offset|start|end|index|numkeys|cursor|db|destination-db|index1|index2|len|maxage|client-id|protover|numerator|decrement|number-of-.*)$/.test(name)) return 'integer';
  return 'string';
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  /** A sequence until one of the stop tokens; alternatives at this level make a oneof. */
  parseSeq(stop: readonly string[]): ArgDoc[] {
    const alts: ArgDoc[][] = [[]];
    for (;;) {
      const t = this.peek();
      if (t === undefined || stop.includes(t.k)) break;
      if (t.k === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const item = this.parseItem();
      const cur = alts[alts.length - 1] as ArgDoc[];
      // `x [x ...]`: the optional repetition of the previous item marks it multiple.
      const prev = cur[cur.length - 1];
      if (item.flags.includes('optional') && item.flags.includes('multiple')) {
        if (prev && sameShape(prev, item)) {
          if (!prev.flags.includes('multiple')) prev.flags.push('multiple');
          continue;
        }
        // `key value [key value ...]`: the repeated tail becomes one multiple block.
        const parts = item.type === 'block' ? (item.arguments ?? []) : [];
        const tail = cur.slice(cur.length - parts.length);
        if (parts.length > 1 && tail.length === parts.length && tail.every((t, k) => sameShape(t, parts[k] as ArgDoc))) {
          cur.splice(cur.length - parts.length, parts.length, { ...item, flags: ['multiple'] });
          continue;
        }
      }
      cur.push(item);
    }
    if (alts.length === 1) return alts[0] as ArgDoc[];
    return [{ name: alts.map((a) => a.map((x) => x.name).join('-')).join('-or-') || 'choice', type: 'oneof', flags: [], arguments: alts.map(group) }];
  }

  private parseItem(): ArgDoc {
    const t = this.toks[this.i++] as Tok;
    let item: ArgDoc;
    if (t.k === '[' || t.k === '<') {
      const close = t.k === '[' ? ']' : '>';
      const inner = this.parseSeq([close, '...']);
      let multiple = false;
      if (this.peek()?.k === '...') {
        this.i++;
        multiple = true;
      }
      if (this.peek()?.k === close) this.i++;
      item = group(inner);
      if (t.k === '[') item.flags.push('optional');
      if (multiple) item.flags.push('multiple');
    } else if (t.k === 'word') {
      const next = this.peek();
      if (isToken(t.v) && next?.k === 'word' && !isToken(next.v)) {
        this.i++;
        item = { name: next.v, type: inferType(next.v), token: t.v, flags: [] };
      } else if (isToken(t.v)) {
        item = { name: t.v.toLowerCase(), type: 'pure-token', token: t.v, flags: [] };
      } else {
        item = { name: t.v, type: inferType(t.v), flags: [] };
      }
    } else {
      throw new Error(`unexpected '${t.k}' in command syntax`);
    }
    // `...` right before a closing bracket repeats the whole bracket, not this item.
    const after = this.toks[this.i + 1]?.k;
    if (this.peek()?.k === '...' && after !== ']' && after !== '>') {
      this.i++;
      item.flags.push('multiple');
    }
    return item;
  }
}

function sameShape(a: ArgDoc, b: ArgDoc): boolean {
  if (b.type === 'block' && b.arguments?.length === 1) return sameShape(a, b.arguments[0] as ArgDoc);
  return a.name === b.name && a.type === b.type && a.token === b.token;
}

/** One argument stays itself; several become a block. */
function group(items: ArgDoc[]): ArgDoc {
  if (items.length === 1) return { ...(items[0] as ArgDoc), flags: [...(items[0] as ArgDoc).flags] };
  return { name: items.map((x) => x.name).join('-') || 'args', type: 'block', flags: [], arguments: items };
}

/** Parses a syntax line into argument docs; throws on malformed syntax (tested over the whole table). */
export function parseSyntax(syntax: string): ArgDoc[] {
  const p = new Parser(lex(syntax));
  return p.parseSeq([]);
}
