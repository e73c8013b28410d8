// Encoding thresholds (Redis's *-max-listpack-*, set-max-intset-entries, stream-node-max-*): when a value leaves its compact representation.

/**
 * The thresholds a store's values follow. A Store owns one mutable object (CONFIG SET changes it
 * in place); a value holds a reference to it from the moment it is stored in a keyspace, and
 * checks it on each write, as Redis checks its server.* settings: a value converts on the write
 * that crosses a threshold, so lowering one does not convert existing values until they are written.
 */
export interface EncodingLimits {
  /** list-max-listpack-size: -1..-5 for 4/8/16/32/64 KB, or a positive entry count (with an 8 KB safety limit). */
  listMaxListpackSize: number;
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  setMaxIntsetEntries: number;
  /** 0 = no limit (Redis then caps a node at 1 GB). */
  streamNodeMaxBytes: number;
  /** 0 = no limit. */
  streamNodeMaxEntries: number;
}

/** Redis 7.0's defaults (the server's own, not the sample redis.conf's). */
export const DEFAULT_ENCODING_LIMITS: Readonly<EncodingLimits> = Object.freeze({
  listMaxListpackSize: -2,
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
});

/** A value's hold on its store's limits; unstored values use the defaults. */
export interface EncodingAware {
  /**
   * Called when the value is stored in a keyspace. A value built outside one (SINTERSTORE's result,
   * a loaded snapshot) is re-decided against the store's limits, as if it had been built under
   * them; a value that already followed this object keeps its representation.
   */
  adopt(limits: Readonly<EncodingLimits>): void;
}

export function isEncodingAware(v: object): v is EncodingAware {
  return typeof (v as Partial<EncodingAware>).adopt === 'function';
}

/** Redis's quicklist optimization_level: the byte limits of list-max-listpack-size -1..-5. */
const LIST_SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** Redis's SIZE_SAFETY_LIMIT: a count-limited listpack still never grows past 8 KB. */
const LIST_SAFETY_BYTES = 8192;

/** quicklistNodeLimit: [byte limit, entry limit] of a list-max-listpack-size value (Infinity = none). */
function listLimits(fill: number): [number, number] {
  if (fill >= 0) return [Infinity, fill === 0 ? 1 : fill];
  return [LIST_SIZE_LEVELS[Math.min(-fill - 1, LIST_SIZE_LEVELS.length - 1)] as number, Infinity];
}

/** Redis 7.2's quicklistNodeExceedsLimit: a compact list of `bytes` and `count` entries must become a quicklist. */
export function listExceeds(fill: number, bytes: number, count: number): boolean {
  const [size, entries] = listLimits(fill);
  if (size !== Infinity) return bytes > size;
  return bytes > LIST_SAFETY_BYTES || count > entries;
}

/** Redis 7.2's listTypeTryConvertQuicklist on shrinking: back to compact at half the limit (hysteresis). */
export function listFitsBack(fill: number, bytes: number, count: number): boolean {
  const [size, entries] = listLimits(fill);
  if (size !== Infinity) return bytes <= Math.floor(size / 2);
  return bytes <= LIST_SAFETY_BYTES && count <= Math.floor(entries / 2);
}

/** The configuration parameter (schema path) behind each threshold. */
export const ENCODING_PARAMS = {
  list_max_listpack_size: 'listMaxListpackSize',
  hash_max_listpack_entries: 'hashMaxListpackEntries',
  hash_max_listpack_value: 'hashMaxListpackValue',
  zset_max_listpack_entries: 'zsetMaxListpackEntries',
  zset_max_listpack_value: 'zsetMaxListpackValue',
  set_max_intset_entries: 'setMaxIntsetEntries',
  stream_node_max_bytes: 'streamNodeMaxBytes',
  stream_node_max_entries: 'streamNodeMaxEntries',
} as const satisfies Record<string, keyof EncodingLimits>;

export type EncodingParam = keyof typeof ENCODING_PARAMS;

/** Every threshold, read by its parameter (a node applies the configured ones to its store with this). */
export function encodingLimitsFrom(value: (param: EncodingParam) => number): EncodingLimits {
  const out = { ...DEFAULT_ENCODING_LIMITS };
  for (const [param, field] of Object.entries(ENCODING_PARAMS) as [EncodingParam, keyof EncodingLimits][]) out[field] = value(param);
  return out;
}
