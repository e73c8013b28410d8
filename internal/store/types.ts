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

/** Redis's LFU_INIT_VAL, the LFU counter's 8 bits, and the from-disk mark above them (Entry.meta). */
const LFU_INIT = 5;
const LFU_MASK = 0xff;
const FROM_DISK = 0x100;

/** What Entry access times count from: the process's start, so they stay small integers (issue 19). */
const ACCESS_EPOCH = Date.now();

/** Per-key bookkeeping beyond the value itself. */
export class Entry {
  /** Absolute expiry in unix ms; 0 means no expiry. */
  expireAt = 0;
  /** Index in the keyspace's volatile-key array, -1 when the key has no expiry. */
  vidx = -1;
  /**
   * Last access (OBJECT IDLETIME, LRU eviction), as ms since ACCESS_EPOCH: a small integer that V8
   * keeps in the field itself for ~24 days of uptime, where a unix ms would be a 16-byte boxed
   * double per key. Read and written as unix ms through `access`.
   */
  private accessed: number;
  /**
   * The LFU counter (bits 0-7) and the from-disk mark (FROM_DISK), in one small integer: one
   * field per key instead of two (issue 19: every field of Entry is 8 bytes per key).
   */
  private meta = LFU_INIT;
  /** Bytes charged to the keyspace for this entry. */
  charged = 0;
  /** The value, or a string value held as bytes for the bit commands (see Bytes). */
  private v: Value | Bytes;
  constructor(
    value: Value,
    /** Insertion sequence: position in the SCAN order, stable while the key lives. */
    public readonly seq: number,
    now: number,
  ) {
    this.v = value;
    this.accessed = now - ACCESS_EPOCH;
  }

  /** Last access, unix ms. */
  get access(): number {
    return this.accessed + ACCESS_EPOCH;
  }

  set access(ms: number) {
    this.accessed = ms - ACCESS_EPOCH;
  }

  /** Logarithmic access counter (OBJECT FREQ, LFU eviction), 0..255; Redis's LFU_INIT_VAL at creation. */
  get lfu(): number {
    return this.meta & LFU_MASK;
  }

  set lfu(n: number) {
    this.meta = (this.meta & FROM_DISK) | (n & LFU_MASK);
  }

  /**
   * Loaded from this node's AOF or snapshot at start-up and not modified since (the keyspace
   * clears it on every write to the key). CLUSTER HANDOFF lets a copy handed over by a peer
   * replace such an entry: the peer's copy is live, so newer than what this node read from disk.
   */
  get fromDisk(): boolean {
    return (this.meta & FROM_DISK) !== 0;
  }

  set fromDisk(on: boolean) {
    this.meta = on ? this.meta | FROM_DISK : this.meta & LFU_MASK;
  }

  get value(): Value {
    const v = this.v;
    if (typeof v === 'string' || !(v instanceof Bytes)) return v;
    return (v.str ??= v.buf.toString('latin1', 0, v.len));
  }

  /** Replacing the value drops the bytes of a bitmap. */
  set value(value: Value) {
    this.v = value;
  }

  /** True when the value is a string (held as a latin1 string or as bytes), without rebuilding it. */
  isString(): boolean {
    return typeof this.v === 'string' || this.v instanceof Bytes;
  }

  /** Bytes charged for the value (Redis's length for a string), without rebuilding a string held as bytes. */
  valueBytes(): number {
    const v = this.v;
    return v instanceof Bytes ? v.len : valueBytes(v);
  }

  /** Byte i of a string value (0 past its end), without rebuilding or copying it. Only for string values (isString). */
  byteAt(i: number): number {
    const v = this.v;
    if (v instanceof Bytes) return i < v.len ? (v.buf[i] as number) : 0;
    const s = v as string;
    return i < s.length ? s.charCodeAt(i) : 0;
  }

  /**
   * A string value's bytes to read now (a live view: read it before anything else runs). A value
   * held as a string is turned into bytes first, as bit commands read it again and again (a
   * BITCOUNT then costs the count, not a copy too). Only for string values (isString).
   */
  readBytes(): Uint8Array {
    const b = this.toBytes(0);
    return b.buf.subarray(0, b.len);
  }

  /** Bytes [from, to) of a string value as a latin1 string, without rebuilding the whole of a value held as bytes. */
  substring(from: number, to: number): string {
    const v = this.v;
    if (v instanceof Bytes) return v.buf.toString('latin1', from, Math.min(to, v.len));
    return (v as string).slice(from, to);
  }

  /**
   * A string value's bytes to change in place, grown zero-padded to at least `minLen`; from now on
   * the value is held as bytes, and the next read of `value` sees the changes. The caller tells
   * the keyspace (Keyspace.changed) once it has changed them. Only for string values (isString).
   */
  mutableBytes(minLen: number): Buffer {
    const b = this.toBytes(minLen);
    if (minLen > b.buf.length) {
      // Redis's sdsMakeRoomFor growth: double up to 1 MB, then 1 MB more, so SETBITs at growing
      // offsets stay amortized O(1) with bounded slack.
      const room = Math.min(Math.max(minLen, minLen < 1 << 20 ? minLen * 2 : minLen + (1 << 20)), bufferConstants.MAX_STRING_LENGTH);
      const grown = Buffer.alloc(room);
      b.buf.copy(grown, 0, 0, b.len);
      b.buf = grown;
    }
    if (minLen > b.len) b.len = minLen;
    // The string is rebuilt on the next read; until then only the bytes are held.
    b.str = null;
    return b.buf.subarray(0, b.len);
  }

  /** The value's bytes, moving a value held as a string into bytes first (capacity at least `minLen`). */
  private toBytes(minLen: number): Bytes {
    const v = this.v;
    if (v instanceof Bytes) return v;
    const s = v as string;
    const buf = Buffer.alloc(Math.max(s.length, minLen));
    buf.write(s, 'latin1');
    const b = new Bytes(buf, s.length, s);
    this.v = b;
    return b;
  }
}

/**
 * A string value held as bytes, in the Entry's value field: `len` of them in `buf`, zero-padded
 * capacity beyond, so that a SETBIT on a large bitmap costs O(1) instead of a copy of the string.
 * Every other reader still sees a latin1 string: Entry.value rebuilds it from the bytes once after
 * they changed (`str` null) and keeps it, beside the bytes, until the next change.
 */
class Bytes {
  constructor(
    public buf: Buffer,
    public len: number,
    public str: string | null,
  ) {}
}

/** Fixed cost charged per key on top of key and value bytes (Map slot, Entry object, headers). */
export const ENTRY_OVERHEAD = 96;

export function valueBytes(value: Value): number {
  return typeof value === 'string' ? value.length : value.byteSize();
}
