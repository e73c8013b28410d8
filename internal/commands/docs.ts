// Command argument trees (COMMAND DOCS) and their syntax line: parses ringcache's own syntax lines, renders any tree as one.
//
// Notation: `name` an argument, `TOKEN` a pure token, `TOKEN name` a token followed by its value,
// `[ ... ]` optional, `< a | b >` one of (required), `[a | b]` one of (optional), `x [x ...]` and
// `[x ...]` repetition. The grammar is small enough that one recursive-descent pass covers every
// syntax line in the command table, and docs/commands.md prints the same string. Commands Redis
// documents take Redis's own trees instead (arguments.ts); renderSyntax writes any tree as a line.

import type { ArgDoc, ArgFlag, ArgType } from '../contracts/command.js';

/** The parser's working form of an ArgDoc (flags filled in as the notation reveals them). */
interface MutArg {
  name: string;
  type: ArgType;
  token?: string;
  flags: ArgFlag[];
  arguments?: MutArg[];
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
  parseSeq(stop: readonly string[]): MutArg[] {
    const alts: MutArg[][] = [[]];
    for (;;) {
      const t = this.peek();
      if (t === undefined || stop.includes(t.k)) break;
      if (t.k === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const item = this.parseItem();
      const cur = alts[alts.length - 1] as MutArg[];
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
        if (parts.length > 1 && tail.length === parts.length && tail.every((t, k) => sameShape(t, parts[k] as MutArg))) {
          cur.splice(cur.length - parts.length, parts.length, { ...item, flags: ['multiple'] });
          continue;
        }
      }
      cur.push(item);
    }
    if (alts.length === 1) return alts[0] as MutArg[];
    return [{ name: alts.map((a) => a.map((x) => x.name).join('-')).join('-or-') || 'choice', type: 'oneof', flags: [], arguments: alts.map(group) }];
  }

  private parseItem(): MutArg {
    const t = this.toks[this.i++] as Tok;
    let item: MutArg;
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

function sameShape(a: MutArg, b: MutArg): boolean {
  if (b.type === 'block' && b.arguments?.length === 1) return sameShape(a, b.arguments[0] as MutArg);
  return a.name === b.name && a.type === b.type && a.token === b.token;
}

/** One argument stays itself; several become a block. */
function group(items: MutArg[]): MutArg {
  if (items.length === 1) return { ...(items[0] as MutArg), flags: [...(items[0] as MutArg).flags] };
  return { name: items.map((x) => x.name).join('-') || 'args', type: 'block', flags: [], arguments: items };
}

/** The frozen tree; `key` arguments get key-spec indexes in the order they appear (the spec's keySpecs order). */
function frozen(a: MutArg, keys: { next: number }): ArgDoc {
  return {
    name: a.name,
    type: a.type,
    ...(a.type === 'key' ? { keySpecIndex: keys.next++ } : {}),
    ...(a.token === undefined ? {} : { token: a.token }),
    ...(a.flags.length === 0 ? {} : { flags: a.flags }),
    ...(a.arguments === undefined ? {} : { arguments: a.arguments.map((x) => frozen(x, keys)) }),
  };
}

/** Parses a syntax line into argument docs; throws on malformed syntax (tested over the whole table). */
export function parseSyntax(syntax: string): ArgDoc[] {
  const p = new Parser(lex(syntax));
  const keys = { next: 0 };
  return p.parseSeq([]).map((a) => frozen(a, keys));
}

function renderArg(a: ArgDoc): string {
  const flags = a.flags ?? [];
  const parts = a.arguments ?? [];
  let unit: string;
  // MIGRATE's empty-string token (its key argument may be "") is written as "".
  if (a.type === 'pure-token') unit = a.token === '' ? '""' : (a.token ?? a.name);
  else if (a.type === 'oneof') unit = `<${parts.map(renderArg).join(' | ')}>`;
  else if (a.type === 'block') unit = parts.map(renderArg).join(' ');
  else unit = a.name;
  const withToken = a.type !== 'pure-token' && a.token !== undefined ? `${a.token} ${unit}` : unit;
  let out = withToken;
  if (flags.includes('multiple')) out = `${withToken} [${flags.includes('multiple_token') ? withToken : unit} ...]`;
  if (!flags.includes('optional')) return out;
  // An optional choice is written [a | b], not [<a | b>].
  return out === unit && a.type === 'oneof' ? `[${unit.slice(1, -1)}]` : `[${out}]`;
}

/** The syntax line of an argument tree in Redis documentation notation (docs/commands.md). */
export function renderSyntax(args: readonly ArgDoc[]): string {
  return args.map(renderArg).join(' ');
}
