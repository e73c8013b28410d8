// RESP2/RESP3 reply reader for the forwarding links: finds where a reply frame ends, and parses one into a Reply; never executes.
//
// A forwarded reply usually goes back to the client byte for byte (a `raw` Reply), so the hot
// path only needs the frame's end: `frameEnd` walks headers and skips bulk payloads without
// copying them. `parseReply` builds Reply values when the caller needs to look inside (split
// and merge of MGET/DEL..., the HTTP API).
import { sliceLatin1 } from './bytes.js';
import type { Reply } from './reply.js';

const CR = 13;

/** A reply stream that is not RESP: the link is closed and its requests fail. */
export class ReplyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyProtocolError';
  }
}

/** Index of the CR of the line starting at `pos`, or -1 when the line is incomplete. */
function lineEnd(buf: Buffer, pos: number, end: number): number {
  const i = buf.indexOf(CR, pos);
  return i < 0 || i + 1 >= end ? -1 : i;
}

function lineInt(buf: Buffer, from: number, to: number): number {
  let neg = false;
  let i = from;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  if (i >= to) throw new ReplyProtocolError('empty length');
  let n = 0;
  for (; i < to; i++) {
    const c = buf[i] as number;
    if (c < 48 || c > 57) throw new ReplyProtocolError(`bad length byte ${c}`);
    n = n * 10 + (c - 48);
  }
  return neg ? -n : n;
}

/**
 * Where the reply frame starting at `pos` ends (exclusive), or -1 if `buf[pos, end)` does not
 * hold all of it yet. Iterative (an explicit count of elements still to skip), so a deeply
 * nested reply cannot overflow the stack.
 */
export function frameEnd(buf: Buffer, pos: number, end = buf.length): number {
  let todo = 1;
  while (todo > 0) {
    if (pos >= end) return -1;
    const type = buf[pos] as number;
    const le = lineEnd(buf, pos + 1, end);
    if (le < 0) return -1;
    todo--;
    switch (type) {
      case 43: // + simple
      case 45: // - error
      case 58: // : integer
      case 95: // _ null
      case 44: // , double
      case 35: // # boolean
      case 40: // ( big number
        pos = le + 2;
        break;
      case 36: // $ bulk
      case 33: // ! bulk error
      case 61: {
        // = verbatim
        const n = lineInt(buf, pos + 1, le);
        if (n < 0) {
          pos = le + 2;
          break;
        }
        const next = le + 2 + n + 2;
        if (next > end) return -1;
        pos = next;
        break;
      }
      case 42: // * array
      case 126: // ~ set
      case 62: {
        // > push
        const n = lineInt(buf, pos + 1, le);
        if (n > 0) todo += n;
        pos = le + 2;
        break;
      }
      case 37: {
        // % map
        const n = lineInt(buf, pos + 1, le);
        if (n > 0) todo += 2 * n;
        pos = le + 2;
        break;
      }
      case 124: {
        // | attribute: a map that precedes the real reply
        const n = lineInt(buf, pos + 1, le);
        todo += 2 * Math.max(0, n) + 1;
        pos = le + 2;
        break;
      }
      default:
        throw new ReplyProtocolError(`unexpected reply type byte ${type}`);
    }
  }
  return pos;
}

/** An integer reply's digits as a bigint; a line that is not an integer is a protocol error, not a SyntaxError. */
function bigIntLine(s: string): bigint {
  if (!/^-?[0-9]+$/.test(s)) throw new ReplyProtocolError(`bad integer reply: ${s.slice(0, 40)}`);
  return BigInt(s);
}

/**
 * Deepest nesting parseReply follows (it recurses once per level). Real replies nest a few levels
 * (Redis's own client library, hiredis, stops at 7); a peer sending 100,000 `*1` lines must get a
 * protocol error, not overflow the stack.
 */
export const MAX_REPLY_DEPTH = 1000;

/** Parses the complete frame at `buf[pos, ...)` into a Reply; returns it with the offset after it. */
export function parseReply(buf: Buffer, pos = 0, depth = 0): { reply: Reply; next: number } {
  if (depth > MAX_REPLY_DEPTH) throw new ReplyProtocolError(`reply nested deeper than ${MAX_REPLY_DEPTH} levels`);
  const type = buf[pos] as number;
  const le = buf.indexOf(CR, pos + 1);
  if (le < 0) throw new ReplyProtocolError('incomplete reply');
  const line = (): string => sliceLatin1(buf, pos + 1, le);
  const after = le + 2;
  switch (type) {
    case 43:
      return { reply: { t: 'simple', v: line() }, next: after };
    case 45:
      return { reply: { t: 'error', v: line() }, next: after };
    case 58: {
      const s = line();
      const n = Number(s);
      return { reply: { t: 'int', v: Number.isSafeInteger(n) ? n : bigIntLine(s) }, next: after };
    }
    case 40:
      return { reply: { t: 'int', v: bigIntLine(line()) }, next: after };
    case 95:
      return { reply: { t: 'nullbulk' }, next: after };
    case 44: {
      const s = line();
      const v = s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);
      return { reply: { t: 'double', v }, next: after };
    }
    case 35:
      return { reply: { t: 'bool', v: line() === 't' }, next: after };
    case 36:
    case 33:
    case 61: {
      const n = lineInt(buf, pos + 1, le);
      if (n < 0) return { reply: { t: 'nullbulk' }, next: after };
      const s = sliceLatin1(buf, after, after + n);
      const next = after + n + 2;
      if (type === 33) return { reply: { t: 'error', v: s }, next };
      if (type === 61) return { reply: { t: 'verbatim', format: s.slice(0, 3), v: s.slice(4) }, next };
      return { reply: { t: 'bulk', v: s }, next };
    }
    case 42:
    case 126:
    case 62: {
      const n = lineInt(buf, pos + 1, le);
      if (n < 0) return { reply: { t: 'nullarray' }, next: after };
      const items: Reply[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p, depth + 1);
        items.push(r.reply);
        p = r.next;
      }
      const t = type === 42 ? 'array' : type === 126 ? 'set' : 'push';
      return { reply: { t, v: items }, next: p };
    }
    case 37: {
      const n = lineInt(buf, pos + 1, le);
      const pairs: (readonly [Reply, Reply])[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const k = parseReply(buf, p, depth + 1);
        const v = parseReply(buf, k.next, depth + 1);
        pairs.push([k.reply, v.reply]);
        p = v.next;
      }
      return { reply: { t: 'map', v: pairs }, next: p };
    }
    case 124: {
      // Attributes carry metadata the client did not ask for: skip them.
      const n = lineInt(buf, pos + 1, le);
      let p = after;
      for (let i = 0; i < 2 * n; i++) p = parseReply(buf, p, depth + 1).next;
      return parseReply(buf, p, depth + 1);
    }
    default:
      throw new ReplyProtocolError(`unexpected reply type byte ${type}`);
  }
}

/** Splits a complete array frame `*N ...` into its N element frames (raw, not copied). */
export function arrayElements(frame: Buffer): Buffer[] | null {
  if (frame[0] !== 42) return null;
  const le = frame.indexOf(CR, 1);
  const n = lineInt(frame, 1, le);
  if (n < 0) return null;
  const out: Buffer[] = [];
  let p = le + 2;
  for (let i = 0; i < n; i++) {
    const e = frameEnd(frame, p);
    if (e < 0) throw new ReplyProtocolError('truncated array');
    out.push(frame.subarray(p, e));
    p = e;
  }
  return out;
}
