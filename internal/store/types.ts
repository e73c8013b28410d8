// Value types held by the keyspace: strings are latin1 JS strings (bitmaps changed in place as bytes), collections are objects with a type tag.
import { constants as bufferConstants } from 'node:buffer';

/** RedisBloom's module type names are what TYPE answers for its filters, so they are the type tags here too. */
export type ValueType = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream' | 'MBbloom--' | 'MBbloomCF';

/** A collection value (list, hash, set, zset, stream, Bloom and Cuckoo filters). Families added later implement this. */
export interface Collection {
  readonly type: Exclude<ValueType, 'string'>;
  /** OBJECT ENCODING answer. */
  encoding(): string;
  /** Approximate bytes held, for memory accounting and eviction. */
  byteSize(): number;
  /** Deep copy, for COPY. */
  clone(): Collection;
  /** Number of elements; an emptied collection is deleted by the keyspace. */
  readonly size: number;
}

export type Value = string | Collection;

export function typeOf(value: Value): ValueType {
  return typeof value === 'string' ? 'string' : value.type;
}

/** Per-key bookkeeping beyond the value itself. */
export class Entry {
  /** Absolute expiry in unix ms; 0 means no expiry. */
  expireAt = 0;
  /** Index in the keyspace's volatile-key array, -1 when the key has no expiry. */
  vidx = -1;
  /** Last access, unix ms (OBJECT IDLETIME, LRU eviction). */
  access: number;
  /** Logarithmic access counter (OBJECT FREQ, LFU eviction), Redis's LFU_INIT_VAL. */
  lfu = 5;
  /** Bytes charged to the keyspace for this entry. */
  charged = 0;
  /**
   * Loaded from this node's AOF or snapshot at start-up and not modified since (the keyspace
   * clears it on every write to the key). CLUSTER HANDOFF lets a copy handed over by a peer
   * replace such an entry: the peer's copy is live, so newer than what this node read from disk.
   */
  fromDisk = false;
  constructor(
    public value: Value,
    /** Insertion sequence: position in the SCAN order, stable while the key lives. */
    public readonly seq: number,
    now: number,
  ) {
    this.access = now;
  }
}

/** Fixed cost charged per key on top of key and value bytes (Map slot, Entry object, headers). */
export const ENTRY_OVERHEAD = 96;

export function valueBytes(value: Value): number {
  return typeof value === 'string' ? value.length : value.byteSize();
}
