// What the Bloom and Cuckoo filter commands share: RedisBloom's argument parsing, key lookups, error lines and reply shapes.
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { bool, bulk, errorReply, int, map, simple, type Reply } from '../resp/reply.js';
import type { Entry } from '../store/types.js';
import { parseFloatArg, parseInt64 } from './args.js';

/** RedisModule_StringToLongLong: a strict int64, as a number (beyond 2^53 only its magnitude matters here); null when not one. */
export function longArg(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** RedisModule_StringToDouble. */
export function doubleArg(s: string | undefined): number | null {
  return s === undefined ? null : parseFloatArg(s);
}

/** RMUtil_ArgIndex: the first argument (after the fixed ones) equal to `name`, any case; -1 when absent. */
export function argIndex(argv: readonly string[], name: string, from: number): number {
  for (let i = from; i < argv.length; i++) if ((argv[i] as string).toUpperCase() === name) return i;
  return -1;
}

/** Lowercase first letter of an option, '' past the end (RedisBloom dispatches BF.INSERT/CF.INSERT options on it). */
export const charAt = (s: string, i: number): string => (s[i] ?? '').toLowerCase();

/**
 * A reply an add/check command answers per item: a RESP3 boolean, an integer 1/0 under RESP2 (decided
 * here, not by the encoder, so scripts and forwarded calls see what RedisBloom gives a RESP2 client).
 */
export const flag = (ctx: CommandContext, v: boolean): Reply => (ctx.client.proto === 3 ? bool(v) : int(v ? 1 : 0));

/** RedisBloom's statusStrerror for a key that is missing where a filter must exist. */
export const NOT_FOUND = 'ERR not found';
export const ITEM_EXISTS = 'ERR item exists';

/** A filter value (or none) for a read: any other type counts as missing for the EXISTS family, as RedisBloom treats it. */
export function readFilter<T>(ctx: CommandContext, key: string, cls: abstract new (...args: never[]) => T): { status: 'ok'; value: T } | { status: 'missing' | 'mismatch' } {
  const e = ctx.store.read(ctx.db, key);
  if (e === undefined) return { status: 'missing' };
  return e.value instanceof cls ? { status: 'ok', value: e.value } : { status: 'mismatch' };
}

/** The entry at `key` for a write: undefined when missing, WRONGTYPE when it holds anything but a `cls`. */
export function writeFilter<T>(ctx: CommandContext, key: string, cls: abstract new (...args: never[]) => T): { e: Entry; value: T } | undefined {
  const e = ctx.db.get(key);
  if (e === undefined) return undefined;
  if (!(e.value instanceof cls)) throw errors.wrongType();
  return { e, value: e.value };
}

/** BF.INFO / CF.INFO pairs: a RESP3 map, a flat array under RESP2 (simple-string names, as RedisBloom replies them). */
export const infoMap = (pairs: readonly (readonly [string, Reply])[]): Reply => map(pairs.map(([k, v]) => [simple(k), v] as const));

/** A chunk of filter bytes as a bulk string (latin1: one char per byte). */
export const chunkReply = (data: Uint8Array): Reply => bulk(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'));

/** A filter that must exist for a read: the value, or the reply RedisBloom gives. */
export function mustRead<T>(ctx: CommandContext, key: string, cls: abstract new (...args: never[]) => T): T | Reply {
  const r = readFilter(ctx, key, cls);
  if (r.status === 'mismatch') throw errors.wrongType();
  if (r.status !== 'ok') return errorReply(NOT_FOUND);
  return r.value;
}

/** C's printf %g (6 significant digits, exponent form below 1e-4 or from 1e6, no trailing zeros), for the DEBUG lines. */
export function formatG(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m = '', e = '0'] = v.toExponential(5).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = v.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
