// Parsers of the hash-field expiration commands (HEXPIRE family, HTTL family, HPERSIST, HGETEX, HSETEX, HGETDEL): pure, with Redis 8's checks and words.
import { errors } from '../contracts/errors.js';
import { isOpt, parseInt64 } from './args.js';

/**
 * The latest deadline a field may get, in unix ms: Redis's HFE_MAX_ABS_TIME_MSEC
 * (EB_EXPIRE_TIME_MAX >> 2, about year 4199).
 */
export const HFE_MAX_ABS_TIME_MS = 70368744177663;

/** Per-field replies of HEXPIRE and kin (and HGETEX's/HSETEX's internal outcome). */
export const SETEX_NO_FIELD = -2;
export const SETEX_NO_CONDITION = 0;
export const SETEX_OK = 1;
export const SETEX_DELETED = 2;

export type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT' | null;

const FIELDS_MISSING = 'Mandatory argument FIELDS is missing or not at the right position';
const NUMFIELDS_MISMATCH = 'The `numfields` parameter must match the number of arguments';
/** HEXPIRE and kin word a bad count this way; HTTL, HPERSIST, HGETEX and HGETDEL the next. */
export const NUMFIELDS_HEXPIRE = 'Parameter `numFields` should be greater than 0';
export const NUMFIELDS_POSITIVE = 'Number of fields must be a positive integer';

/**
 * Redis's parseExpireTime for hash fields: an int64, not negative ("invalid expire time, must be
 * >= 0"), seconds scaled to ms, and the result (plus `base`, the command time for relative forms,
 * 0 for absolute ones) at most HFE_MAX_ABS_TIME_MS, else `invalid expire time in '<cmd>' command`.
 */
export function fieldExpireMs(raw: string, unit: 's' | 'ms', base: number, cmd: string): number {
  const v = parseInt64(raw);
  if (v === null) throw errors.notInteger();
  if (v < 0) throw errors.generic('invalid expire time, must be >= 0');
  // Every bound here is below 2^53, so a bigint input is out of range already.
  if (typeof v === 'bigint') throw errors.invalidExpire(cmd);
  let ms = v;
  if (unit === 's') {
    if (ms > Math.floor(HFE_MAX_ABS_TIME_MS / 1000)) throw errors.invalidExpire(cmd);
    ms *= 1000;
  }
  if (ms > HFE_MAX_ABS_TIME_MS - base) throw errors.invalidExpire(cmd);
  return ms + base;
}

/**
 * `FIELDS numfields field...` with FIELDS at argv[at - 1] and the count at argv[at]: the count
 * must be a positive integer (`countMsg` otherwise) equal to the arguments after it. Returns the
 * index of the first field.
 */
export function fieldsAt(argv: readonly string[], at: number, countMsg: string): number {
  if (!isOpt(argv[at - 1], 'FIELDS')) throw errors.generic(FIELDS_MISSING);
  const raw = argv[at];
  const n = raw === undefined ? null : parseInt64(raw);
  if (n === null || n < 1) throw errors.generic(countMsg);
  if (BigInt(n) !== BigInt(argv.length - at - 1)) throw errors.generic(NUMFIELDS_MISMATCH);
  return at + 1;
}

/** The optional NX | XX | GT | LT at argv[i] (anything else: none). */
export function expireCondition(arg: string | undefined): ExpireCondition {
  if (isOpt(arg, 'NX')) return 'NX';
  if (isOpt(arg, 'XX')) return 'XX';
  if (isOpt(arg, 'GT')) return 'GT';
  if (isOpt(arg, 'LT')) return 'LT';
  return null;
}

/**
 * Whether HEXPIRE's condition lets a field with deadline `prev` (0: none) take `at`, as Redis's
 * hashTypeSetEx: no deadline counts as infinite for GT and LT (so GT and XX fail, LT passes).
 */
export function conditionMet(cond: ExpireCondition, prev: number, at: number): boolean {
  if (prev === 0) return cond !== 'XX' && cond !== 'GT';
  if (cond === 'NX') return false;
  if (cond === 'GT') return at > prev;
  if (cond === 'LT') return at < prev;
  return true;
}

/** HGETEX's option: a deadline (absolute ms, and whether it was given as PXAT), PERSIST, or none. */
export type GetexOption = { kind: 'none' } | { kind: 'persist' } | { kind: 'at'; at: number; pxat: boolean };

/** HGETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST] FIELDS n field...: the option and the first field's index. */
export function parseHgetex(argv: readonly string[], now: number): { opt: GetexOption; first: number } {
  const a = argv[2];
  const units: Record<string, ['s' | 'ms', boolean]> = { EX: ['s', false], PX: ['ms', false], EXAT: ['s', true], PXAT: ['ms', true] };
  const name = a === undefined ? '' : a.toUpperCase();
  const u = units[name];
  if (u !== undefined) {
    const at = fieldExpireMs(argv[3] ?? '', u[0], u[1] ? 0 : now, 'hgetex');
    return { opt: { kind: 'at', at, pxat: name === 'PXAT' }, first: fieldsAt(argv, 5, NUMFIELDS_POSITIVE) };
  }
  if (name === 'PERSIST') return { opt: { kind: 'persist' }, first: fieldsAt(argv, 4, NUMFIELDS_POSITIVE) };
  return { opt: { kind: 'none' }, first: fieldsAt(argv, 3, NUMFIELDS_POSITIVE) };
}

export interface HsetexArgs {
  cond: 'FNX' | 'FXX' | null;
  /** The deadline to give every field; 'keep' for KEEPTTL, null to clear (plain set). */
  ttl: number | 'keep' | null;
  /** The deadline was given as PXAT (journaled as given). */
  pxat: boolean;
  /** Index of the first field; fields and values alternate to the end. */
  first: number;
  count: number;
}

const ONE_EXPIRY = 'Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified';

/**
 * HSETEX key [FNX | FXX] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL] FIELDS n field value..., in
 * any order before FIELDS, as Redis 8's hsetexParseArgs checks it (before the key is looked at).
 */
export function parseHsetex(argv: readonly string[], now: number): HsetexArgs {
  const out: HsetexArgs = { cond: null, ttl: null, pxat: false, first: -1, count: 0 };
  let timed = false;
  for (let i = 2; i < argv.length; i++) {
    const a = (argv[i] as string).toUpperCase();
    if (a === 'FIELDS') {
      if (i >= argv.length - 3) throw errors.wrongArity('hsetex');
      const n = parseInt64(argv[i + 1] as string);
      if (n === null || n < 1 || n > 2147483647) throw errors.generic('invalid number of fields');
      const remaining = argv.length - i - 2;
      if (remaining % 2 !== 0 || Number(n) !== remaining / 2) throw errors.wrongArity('hsetex');
      out.first = i + 2;
      out.count = Number(n);
      return out;
    }
    if (a === 'EX' || a === 'PX' || a === 'EXAT' || a === 'PXAT' || a === 'KEEPTTL') {
      if (timed) throw errors.generic(ONE_EXPIRY);
      timed = true;
      if (a === 'KEEPTTL') {
        out.ttl = 'keep';
        continue;
      }
      if (i >= argv.length - 1) throw errors.generic('missing expire time');
      const abs = a === 'EXAT' || a === 'PXAT';
      out.ttl = fieldExpireMs(argv[++i] as string, a === 'EX' || a === 'EXAT' ? 's' : 'ms', abs ? 0 : now, 'hsetex');
      out.pxat = a === 'PXAT';
    } else if (a === 'FNX' || a === 'FXX') {
      if (out.cond !== null) throw errors.generic('Only one of FXX or FNX arguments can be specified');
      out.cond = a;
    } else {
      throw errors.generic(`unknown argument: ${argv[i] as string}`);
    }
  }
  throw errors.wrongArity('hsetex');
}
