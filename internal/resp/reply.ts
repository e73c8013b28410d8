// Reply values produced by command handlers; the encoder turns them into RESP2 or RESP3 bytes.
//
// Byte strings travel through ringcache as latin1 JS strings: every byte 0..255 maps to one
// UTF-16 code unit, so the mapping is lossless and binary-safe, `s.length` is the byte length,
// and the encoder writes them back with `latin1` without an intermediate Buffer.

export type Reply =
  | { readonly t: 'simple'; readonly v: string }
  /** `counted`: the error stats already hold it (a script passing on an error a command of its own raised). */
  | { readonly t: 'error'; readonly v: string; readonly counted?: true }
  | { readonly t: 'int'; readonly v: number | bigint }
  | { readonly t: 'bulk'; readonly v: string }
  | { readonly t: 'nullbulk' }
  | { readonly t: 'nullarray' }
  | { readonly t: 'array'; readonly v: readonly Reply[] }
  | { readonly t: 'map'; readonly v: readonly (readonly [Reply, Reply])[] }
  | { readonly t: 'set'; readonly v: readonly Reply[] }
  | { readonly t: 'double'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'verbatim'; readonly format: string; readonly v: string }
  | { readonly t: 'push'; readonly v: readonly Reply[] }
  | { readonly t: 'raw'; readonly v: Buffer }
  /** Several top-level replies for one command (SUBSCRIBE answers once per channel). */
  | { readonly t: 'multi'; readonly v: readonly Reply[] };

export const OK: Reply = { t: 'simple', v: 'OK' };
export const PONG: Reply = { t: 'simple', v: 'PONG' };
export const QUEUED: Reply = { t: 'simple', v: 'QUEUED' };
/** RESP2 `$-1`, RESP3 `_`. */
export const NULL_BULK: Reply = { t: 'nullbulk' };
/** RESP2 `*-1`, RESP3 `_`. */
export const NULL_ARRAY: Reply = { t: 'nullarray' };
export const EMPTY_ARRAY: Reply = { t: 'array', v: [] };

const SMALL_INTS: Reply[] = Array.from({ length: 1024 }, (_, i) => ({ t: 'int', v: i }) as const);

export function int(v: number | bigint): Reply {
  if (typeof v === 'number' && v >= 0 && v < 1024 && Number.isInteger(v)) return SMALL_INTS[v] as Reply;
  return { t: 'int', v };
}
export const simple = (v: string): Reply => ({ t: 'simple', v });
export const bulk = (v: string): Reply => ({ t: 'bulk', v });
export const bulkOrNull = (v: string | undefined | null): Reply => (v === undefined || v === null ? NULL_BULK : { t: 'bulk', v });
export const array = (v: readonly Reply[]): Reply => ({ t: 'array', v });
export const bulks = (v: readonly string[]): Reply => ({ t: 'array', v: v.map(bulk) });
export const map = (v: readonly (readonly [Reply, Reply])[]): Reply => ({ t: 'map', v });
export const set = (v: readonly Reply[]): Reply => ({ t: 'set', v });
export const double = (v: number): Reply => ({ t: 'double', v });
export const bool = (v: boolean): Reply => ({ t: 'bool', v });
export const verbatim = (v: string, format = 'txt'): Reply => ({ t: 'verbatim', format, v });
export const push = (v: readonly Reply[]): Reply => ({ t: 'push', v });
export const multi = (v: readonly Reply[]): Reply => ({ t: 'multi', v });
export const errorReply = (line: string): Reply => ({ t: 'error', v: line });

/** A map whose keys are plain names: the common shape of HELLO, COMMAND DOCS, XINFO and friends. */
export function record(entries: readonly (readonly [string, Reply])[]): Reply {
  return { t: 'map', v: entries.map(([k, v]) => [bulk(k), v] as const) };
}
