// Reply shapes for side-by-side tests: the RESP type structure of a reply (types, nesting, error codes), values left out.

/** One parsed frame's shape and where the next frame starts; null while the buffer holds no whole frame. */
function frame(buf: Buffer, pos: number): { shape: string; next: number } | null {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos] as number);
  const line = buf.toString('latin1', pos + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
    case ':':
    case ',':
    case '#':
    case '(':
    case '_':
      return { shape: type, next: after };
    case '-':
      // The error code is part of the shape (ERR vs WRONGTYPE); the message is not.
      return { shape: `-${line.split(' ')[0] ?? ''}`, next: after };
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return { shape: 'nil$', next: after };
      return buf.length >= after + n + 2 ? { shape: type, next: after + n + 2 } : null;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return { shape: 'nil*', next: after };
      const items = type === '%' ? n * 2 : n;
      const parts: string[] = [];
      let p = after;
      for (let i = 0; i < items; i++) {
        const f = frame(buf, p);
        if (f === null) return null;
        parts.push(f.shape);
        p = f.next;
      }
      if (type === '%') {
        const pairs: string[] = [];
        for (let i = 0; i < parts.length; i += 2) pairs.push(`${parts[i]}:${parts[i + 1]}`);
        return { shape: `%{${[...new Set(pairs)].sort().join(',')}}`, next: p };
      }
      return { shape: `${type}[${[...new Set(parts)].sort().join('|')}]`, next: p };
    }
    default:
      throw new Error(`not a RESP frame: ${JSON.stringify(buf.toString('latin1', pos, Math.min(buf.length, pos + 40)))}`);
  }
}

/**
 * The shape of the first whole frame in `buf`, or null if it is incomplete. Arrays list the
 * distinct shapes of their elements, sorted (`*[$|:]`: element order is not part of a shape, and
 * Redis itself lists some things, such as subcommands, in no stable order), maps their distinct
 * key:value shapes, nulls are
 * `nil$` / `nil*` (RESP2) or `_` (RESP3), errors `-CODE`.
 */
export function replyShape(buf: Buffer): { shape: string; next: number } | null {
  return buf.length === 0 ? null : frame(buf, 0);
}
