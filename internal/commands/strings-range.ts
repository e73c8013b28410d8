// Strings family, byte ranges within a value: APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE and LCS, with the size limit they share.
import { constants as bufferConstants } from 'node:buffer';
import type { CommandContext } from '../contracts/command.js';
import { asString, intArg, isOpt } from './args.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, int, record, type Reply } from '../resp/reply.js';
import type { Entry } from '../store/types.js';

// ---------------------------------------------------------------------------------------------
// The size limit
// ---------------------------------------------------------------------------------------------

/**
 * Largest string a command may build: proto-max-bulk-len, and never more than V8 can hold (the
 * default 512mb is a few bytes above V8's limit, which would otherwise surface as an internal error).
 */
function maxStringLength(ctx: CommandContext): number {
  return Math.min(ctx.server.config.num('proto_max_bulk_len'), bufferConstants.MAX_STRING_LENGTH);
}

/** Redis's checkStringLength: the size a SETRANGE/APPEND would produce must fit. */
function checkStringLength(ctx: CommandContext, total: number): void {
  if (total > maxStringLength(ctx)) throw errors.stringTooLong();
}

// ---------------------------------------------------------------------------------------------
// Handlers: APPEND, STRLEN, ranges
// ---------------------------------------------------------------------------------------------

/** APPEND keeps the key's TTL; the size limit applies only when growing an existing value. */
export function appendCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const tail = argv[2] as string;
  const db = ctx.db;
  const e = db.get(key);
  let len: number;
  if (e === undefined) {
    db.set(key, tail, 0);
    len = tail.length;
  } else {
    const cur = asString(e.value);
    checkStringLength(ctx, cur.length + tail.length);
    const next = cur + tail;
    db.set(key, next, 'keep');
    len = next.length;
  }
  ctx.propagate(argv);
  ctx.notify('$', 'append', key);
  return int(len);
}

/** STRLEN and GETRANGE read a value held as bytes (a bitmap) in place, without rebuilding the whole string. */
function readEntry(ctx: CommandContext, key: string): Entry | undefined {
  const e = ctx.store.read(ctx.db, key);
  if (e !== undefined && !e.isString()) throw errors.wrongType();
  return e;
}

export function strlenCmd(ctx: CommandContext, argv: string[]): Reply {
  return int(readEntry(ctx, argv[1] as string)?.valueBytes() ?? 0);
}

/** Redis's GETRANGE index arithmetic over n bytes (both ends inclusive, negatives from the end, clamped): [start, end], or null when empty. */
function byteRange(n: number, start: number, end: number): [number, number] | null {
  if (start < 0 && end < 0 && start > end) return null;
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n === 0) return null;
  return [start, end];
}

export function substringRange(s: string, start: number, end: number): string {
  const r = byteRange(s.length, start, end);
  return r === null ? '' : s.slice(r[0], r[1] + 1);
}

export function getrangeCmd(ctx: CommandContext, argv: string[]): Reply {
  // Both indexes are validated before the key is looked at, as Redis does.
  const start = intArg(argv[2] as string);
  const end = intArg(argv[3] as string);
  const e = readEntry(ctx, argv[1] as string);
  if (e === undefined) return bulk('');
  const r = byteRange(e.valueBytes(), start, end);
  return bulk(r === null ? '' : e.substring(r[0], r[1] + 1));
}

/** SETRANGE zero-pads past the end; an empty value changes nothing (and creates nothing). */
export function setrangeCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const offset = intArg(argv[2] as string);
  const value = argv[3] as string;
  if (offset < 0) throw errors.outOfRange('offset');
  const db = ctx.db;
  const e = db.get(key);
  let cur = '';
  if (e !== undefined) cur = asString(e.value);
  if (value.length === 0) return int(cur.length);
  checkStringLength(ctx, offset + value.length);
  const next =
    offset >= cur.length
      ? cur + '\0'.repeat(offset - cur.length) + value
      : cur.slice(0, offset) + value + cur.slice(offset + value.length);
  db.set(key, next, e === undefined ? 0 : 'keep');
  ctx.propagate(argv);
  ctx.notify('$', 'setrange', key);
  return int(next.length);
}

// ---------------------------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------------------------

/**
 * LCS with Redis's dynamic-programming table and backtracking, so that the string and the match
 * ranges (IDX) come out identical to Redis's when several longest subsequences exist.
 */
export function lcsCmd(ctx: CommandContext, argv: string[]): Reply {
  const db = ctx.db;
  const ea = ctx.store.read(db, argv[1] as string);
  const eb = ctx.store.read(db, argv[2] as string);
  const va = ea?.value ?? '';
  const vb = eb?.value ?? '';
  if (typeof va !== 'string' || typeof vb !== 'string') {
    throw errors.generic('The specified keys must contain string values');
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    if (isOpt(opt, 'IDX')) getIdx = true;
    else if (isOpt(opt, 'LEN')) getLen = true;
    else if (isOpt(opt, 'WITHMATCHLEN')) withMatchLen = true;
    else if (isOpt(opt, 'MINMATCHLEN') && j < argv.length - 1) minMatchLen = Math.max(0, intArg(argv[++j] as string));
    else throw errors.syntax();
  }
  if (getLen && getIdx) throw errors.generic('If you want both the length and indexes, please just use IDX.');

  const a = va;
  const b = vb;
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const cells = (alen + 1) * w;
  if (cells * 4 > ctx.server.config.num('proto_max_bulk_len')) {
    throw errors.generic('Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  let t: Uint32Array;
  try {
    t = new Uint32Array(cells);
  } catch {
    throw errors.generic('Insufficient memory, failed allocating transient memory for LCS');
  }
  // t[i*w + j] = LCS length of a[0..i) and b[0..j); row and column 0 stay zero.
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) {
        t[row + j] = (t[prev + j - 1] as number) + 1;
      } else {
        const up = t[prev + j] as number;
        const left = t[row + j - 1] as number;
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const total = t[alen * w + blen] as number;
  if (getLen && !getIdx) return int(total);

  // Walk back from the end, collecting the subsequence and its contiguous ranges (emitted from
  // the end of the strings towards the start, as Redis does).
  const out = Buffer.allocUnsafe(total);
  const matches: Reply[] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  const unset = alen;
  let aStart = unset;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    const ca = a.charCodeAt(i - 1);
    if (ca === b.charCodeAt(j - 1)) {
      out[idx - 1] = ca;
      if (aStart === unset) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = t[(i - 1) * w + j] as number;
      const left = t[i * w + j - 1] as number;
      if (up > left) i--;
      else j--;
      if (aStart !== unset) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        const range: Reply[] = [array([int(aStart), int(aEnd)]), array([int(bStart), int(bEnd)])];
        if (withMatchLen) range.push(int(matchLen));
        matches.push(array(range));
      }
      aStart = unset;
    }
  }
  if (getIdx) {
    return record([
      ['matches', array(matches)],
      ['len', int(total)],
    ]);
  }
  return bulk(out.toString('latin1'));
}
