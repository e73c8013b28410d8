// Stream argument parsing and its errors (IDs by Redis's string2ull / strtoull rules, integer options); a leaf module so streams.ts and its sub-files share it without an import cycle.
import { parseInt64 } from './args.js';
import { CommandError, errors } from '../contracts/errors.js';
import { ID_MAX, makeId, type StreamId, U64_MAX } from '../store/stream.js';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * An error whose RESP prefix the shared error table has no code for (NOGROUP, BUSYGROUP). It
 * travels the executor's error path like any CommandError (error stats included) and only the
 * wire line differs.
 */
export class PrefixedError extends CommandError {
  constructor(
    private readonly prefix: string,
    message: string,
  ) {
    super('ERR', message);
  }
  override get line(): string {
    return `${this.prefix} ${this.message}`;
  }
}

const INVALID_ID = 'Invalid stream ID specified as stream command argument';
export const invalidId = (): CommandError => errors.generic(INVALID_ID);

export const noGroup = (key: string, group: string): CommandError => new PrefixedError('NOGROUP', `No such key '${key}' or consumer group '${group}'`);
export const noGroupForKey = (key: string, group: string): CommandError =>
  new PrefixedError('NOGROUP', `No such consumer group '${group}' for key name '${key}'`);

/** Redis's addReplySubcommandSyntaxError: names the subcommand as the client typed it. */
export const subcommandSyntax = (argv: readonly string[]): CommandError =>
  errors.generic(`unknown subcommand or wrong number of arguments for '${(argv[1] as string).slice(0, 128)}'. Try ${(argv[0] as string).toUpperCase()} HELP.`);

// ---------------------------------------------------------------------------------------------
// ID parsing (Redis's streamGenericParseIDOrReply, string2ull and strtoull)
// ---------------------------------------------------------------------------------------------

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * strtoull(s, &end, 10) required to consume the whole (non-empty) string: leading white space,
 * an optional sign (a minus negates modulo 2^64), at least one digit, overflow rejected.
 */
function strtoull(s: string): bigint | null {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    neg = sign === 45;
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start || i !== s.length) return null;
  const v = BigInt(s.slice(start));
  if (v > U64_MAX) return null;
  return neg ? (U64_MAX + 1n - v) & U64_MAX : v;
}

/** Redis's string2ull: a canonical non-negative int64, else whatever strtoull accepts. */
function parseU64(s: string): bigint | null {
  const v = parseInt64(s);
  if (v !== null) return v < 0 ? null : BigInt(v);
  return strtoull(s);
}

/**
 * `ms-seq`, `ms` (sequence `missingSeq`), `-` (0-0) and `+` (the largest ID); `strict` rejects
 * `-` and `+`. Null when invalid. The split is at the first `-`, as Redis's strchr does.
 */
export function parseIdOrNull(raw: string, missingSeq: bigint, strict: boolean): StreamId | null {
  if (raw.length > 127) return null;
  if (raw === '-') return strict ? null : 0n;
  if (raw === '+') return strict ? null : ID_MAX;
  const dash = raw.indexOf('-');
  const ms = parseU64(dash < 0 ? raw : raw.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) return makeId(ms, missingSeq);
  const seq = parseU64(raw.slice(dash + 1));
  return seq === null ? null : makeId(ms, seq);
}

/** XADD's ID: a strict ID, or `ms-*` (explicit ms, sequence chosen by the stream; seqGiven false). */
export function parseAddId(raw: string): { id: StreamId; seqGiven: boolean } | null {
  const dash = raw.indexOf('-');
  if (dash >= 0 && dash === raw.length - 2 && raw.charCodeAt(dash + 1) === 42 /* * */ && raw.length <= 127) {
    const ms = parseU64(raw.slice(0, dash));
    return ms === null ? null : { id: makeId(ms, 0n), seqGiven: false };
  }
  const id = parseIdOrNull(raw, 0n, true);
  return id === null ? null : { id, seqGiven: true };
}

export function parseId(raw: string, missingSeq: bigint, strict: boolean): StreamId {
  const id = parseIdOrNull(raw, missingSeq, strict);
  if (id === null) throw invalidId();
  return id;
}

/** A range start (`(` exclusive, `-`): the first ID included. */
export function parseStart(raw: string): StreamId {
  if (raw.length > 1 && raw.charCodeAt(0) === 40 /* ( */) {
    const id = parseId(raw.slice(1), 0n, true);
    if (id === ID_MAX) throw errors.generic('invalid start ID for the interval');
    return id + 1n;
  }
  return parseId(raw, 0n, false);
}

/** A range end (`(` exclusive, `+`): the last ID included. */
export function parseEnd(raw: string): StreamId {
  if (raw.length > 1 && raw.charCodeAt(0) === 40 /* ( */) {
    const id = parseId(raw.slice(1), U64_MAX, true);
    if (id === 0n) throw errors.generic('invalid end ID for the interval');
    return id - 1n;
  }
  return parseId(raw, U64_MAX, false);
}

/** getLongLongFromObjectOrReply with its default or a custom message. */
export function longArg(raw: string, msg?: string): number {
  const v = parseInt64(raw);
  if (v === null) throw msg === undefined ? errors.notInteger() : errors.generic(msg);
  return Number(v);
}

/** Same, exact (entries counters are 64-bit). */
export function longArgExact(raw: string): bigint {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  return BigInt(v);
}
