// The stream value: entries in ID order in Redis-sized nodes, the stream's counters, and consumer groups with their pending entries lists.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import { IdTree, type IdLeaf } from './idtree.js';
import type { Collection } from './types.js';

// ---------------------------------------------------------------------------------------------
// IDs
// ---------------------------------------------------------------------------------------------

/**
 * A stream ID `ms-seq` (two unsigned 64-bit parts) is held as one 128-bit bigint, ms in the high
 * half: comparison is plain `<`, and incrementing or decrementing carries between the parts
 * exactly as Redis's streamIncrID / streamDecrID do.
 */
export type StreamId = bigint;

export const U64_MAX = (1n << 64n) - 1n;
export const ID_MIN: StreamId = 0n;
export const ID_MAX: StreamId = (1n << 128n) - 1n;

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export const idMs = (id: StreamId): bigint => id >> 64n;
export const idSeq = (id: StreamId): bigint => id & U64_MAX;

export function formatId(id: StreamId): string {
  return `${id >> 64n}-${id & U64_MAX}`;
}

// ---------------------------------------------------------------------------------------------
// Node sizing (Redis's stream-node-max-entries / stream-node-max-bytes)
// ---------------------------------------------------------------------------------------------

/**
 * Redis packs entries into listpacks of at most 100 entries (deleted ones included) and 4 KB by
 * default (as configured: EncodingLimits). Approximate trimming frees whole nodes, so the same
 * node boundaries give the same `~` results and the same XINFO radix-tree figures as Redis for the
 * same commands.
 */
export const STREAM_NODE_MAX_ENTRIES = DEFAULT_ENCODING_LIMITS.streamNodeMaxEntries;
export const STREAM_NODE_MAX_BYTES = DEFAULT_ENCODING_LIMITS.streamNodeMaxBytes;
/** Redis's STREAM_LISTPACK_MAX_SIZE: the node size used when stream-node-max-bytes is 0 or above it. */
const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

/** Redis's streamAppendItem test: does an entry of `raw` field bytes start a new node after one of `packed` bytes and `count` entries? */
export function streamNodeFull(limits: Readonly<EncodingLimits>, packed: number, raw: number, count: number): boolean {
  const maxBytes = limits.streamNodeMaxBytes === 0 || limits.streamNodeMaxBytes > STREAM_LISTPACK_MAX_SIZE ? STREAM_LISTPACK_MAX_SIZE : limits.streamNodeMaxBytes;
  if (packed + raw >= maxBytes) return true;
  return limits.streamNodeMaxEntries !== 0 && count >= limits.streamNodeMaxEntries;
}

/** What a node remembers to decide when it is full: its listpack's size and master fields. */
export interface NodeMeta {
  packed: number;
  master: readonly string[];
}

const emptyMeta = (): NodeMeta => ({ packed: 0, master: [] });

/** Listpack bytes of an integer element: encoding by magnitude, plus the 1-byte back-length. */
function lpIntBytes(v: bigint): number {
  if (v >= 0n && v <= 127n) return 2;
  if (v >= -4096n && v <= 4095n) return 3;
  if (v >= -32768n && v <= 32767n) return 4;
  if (v >= -8388608n && v <= 8388607n) return 5;
  if (v >= -2147483648n && v <= 2147483647n) return 6;
  return 10;
}

const INTLIKE = /^(0|-?[1-9][0-9]{0,18})$/;

/** Listpack bytes of a string element (stored as an integer when it reads as one, as lpAppend does). */
function lpStrBytes(s: string): number {
  if (s.length <= 20 && INTLIKE.test(s)) {
    const v = BigInt(s);
    if (v >= -(1n << 63n) && v < 1n << 63n) return lpIntBytes(v);
  }
  const len = s.length;
  const entry = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  const back = entry < 128 ? 1 : entry < 16384 ? 2 : entry < 2097152 ? 3 : entry < 268435456 ? 4 : 5;
  return entry + back;
}

// ---------------------------------------------------------------------------------------------
// Consumer groups
// ---------------------------------------------------------------------------------------------

/** A pending entry: who it was delivered to, when, and how many times. */
export class Nack {
  constructor(
    /** Null only for a moment while XCLAIM FORCE creates it. */
    public consumer: Consumer | null,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

export class Consumer {
  readonly pel = new IdTree<Nack>(() => undefined);
  constructor(
    readonly name: string,
    /** Last time the consumer was seen by a command (XINFO CONSUMERS idle). */
    public seenTime: number,
  ) {}
}

/** entries_read is unknown (Redis's SCG_INVALID_ENTRIES_READ). */
export const ENTRIES_READ_UNKNOWN = -1n;

/** Memory estimate per consumer group object, per consumer, per pending entry (two tree slots and a Nack). */
const GROUP_OVERHEAD = 160;
const CONSUMER_OVERHEAD = 96;
const NACK_BYTES = 72;

export class ConsumerGroup {
  /** Group-wide pending entries list; each Nack is shared with its consumer's own PEL. */
  readonly pel = new IdTree<Nack>(() => undefined);
  readonly consumers = new Map<string, Consumer>();
  private consumerBytes = 0;

  constructor(
    readonly name: string,
    public lastId: StreamId,
    /** Logical read counter of lastId, or ENTRIES_READ_UNKNOWN. */
    public entriesRead: bigint,
  ) {}

  byteSize(): number {
    return GROUP_OVERHEAD + this.name.length + this.consumerBytes + this.pel.size * NACK_BYTES;
  }

  consumer(name: string): Consumer | undefined {
    return this.consumers.get(name);
  }

  /** Creates a consumer; undefined when it already exists. */
  createConsumer(name: string, now: number): Consumer | undefined {
    if (this.consumers.has(name)) return undefined;
    const c = new Consumer(name, now);
    this.consumers.set(name, c);
    this.consumerBytes += CONSUMER_OVERHEAD + name.length;
    return c;
  }

  /** Deletes a consumer with its pending entries; returns how many were pending. */
  deleteConsumer(c: Consumer): number {
    const pending = c.pel.size;
    for (const [id] of c.pel.entries()) this.pel.delete(id);
    this.consumers.delete(c.name);
    this.consumerBytes -= CONSUMER_OVERHEAD + c.name.length;
    return pending;
  }

  /** Consumers in name order (Redis keeps them in a radix tree: byte order). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Gives the pending entry `id` to `consumer` (creating the Nack if needed) with the given
   * delivery time and count. Returns the Nack.
   */
  assign(id: StreamId, consumer: Consumer, time: number, count: number): Nack {
    let nack = this.pel.get(id);
    if (nack === undefined) {
      nack = new Nack(consumer, time, count);
      this.pel.set(id, nack);
      consumer.pel.set(id, nack);
      return nack;
    }
    if (nack.consumer !== consumer) {
      nack.consumer?.pel.delete(id);
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    nack.deliveryTime = time;
    nack.deliveryCount = count;
    return nack;
  }

  /** Removes a pending entry from the group and its consumer; false when it was not pending. */
  ack(id: StreamId): boolean {
    const nack = this.pel.delete(id);
    if (nack === undefined) return false;
    nack.consumer?.pel.delete(id);
    return true;
  }

  clone(): ConsumerGroup {
    const g = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    const map = new Map<Consumer, Consumer>();
    for (const c of this.consumers.values()) {
      const nc = g.createConsumer(c.name, c.seenTime) as Consumer;
      map.set(c, nc);
    }
    for (const [id, nack] of this.pel.entries()) {
      const owner = nack.consumer === null ? undefined : map.get(nack.consumer);
      if (owner === undefined) continue;
      const n = new Nack(owner, nack.deliveryTime, nack.deliveryCount);
      g.pel.set(id, n);
      owner.pel.set(id, n);
    }
    return g;
  }
}

// ---------------------------------------------------------------------------------------------
// Trimming
// ---------------------------------------------------------------------------------------------

export interface TrimSpec {
  readonly strategy: 'maxlen' | 'minid';
  /** MAXLEN threshold (strategy maxlen). */
  readonly maxlen: number;
  /** MINID threshold (strategy minid): entries below it go. */
  readonly minid: StreamId;
  /** `~`: only whole nodes are freed. */
  readonly approx: boolean;
  /** Most entries one call may remove (0 = no limit); only `~` trimming is limited. */
  readonly limit: number;
}

// ---------------------------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------------------------

/** A stream entry's fields and values, flattened: field, value, field, value ... */
export type Fields = readonly string[];

/** Memory estimate: the stream object, per node, per entry, per string. */
const STREAM_OVERHEAD = 160;
const NODE_OVERHEAD = 96;
const ENTRY_OVERHEAD = 48;
const STRING_OVERHEAD = 16;

function fieldBytes(f: Fields): number {
  let n = ENTRY_OVERHEAD + f.length * STRING_OVERHEAD;
  for (const s of f) n += s.length;
  return n;
}

export class StreamValue implements Collection, EncodingAware {
  readonly type = 'stream' as const;
  readonly entries = new IdTree<Fields, NodeMeta>(emptyMeta);
  /** Last ID ever generated or set (XSETID), even when that entry is gone. */
  lastId: StreamId = 0n;
  /** ID of the first live entry, 0-0 when empty (XINFO's recorded-first-entry-id). */
  firstId: StreamId = 0n;
  /** Largest ID removed by XDEL (trimming does not count, as in Redis). */
  maxDeletedId: StreamId = 0n;
  /** Entries ever added (XADD), or as set by XSETID ENTRIESADDED. */
  entriesAdded = 0n;
  /** Consumer groups by name; null until the first one, as Redis allocates them on demand. */
  groups: Map<string, ConsumerGroup> | null = null;
  private dataBytes = 0;
  /** Only node sizing reads it: a loaded stream keeps its nodes, new entries follow the store's limits. */
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;

  get size(): number {
    return this.entries.size;
  }

  encoding(): string {
    return 'stream';
  }

  byteSize(): number {
    let n = STREAM_OVERHEAD + this.dataBytes + this.entries.leafCount * NODE_OVERHEAD;
    if (this.groups !== null) for (const g of this.groups.values()) n += g.byteSize();
    return n;
  }

  clone(): StreamValue {
    const s = new StreamValue();
    // Entry field arrays are never mutated after XADD, so the copy may share them.
    (s as { entries: IdTree<Fields, NodeMeta> }).entries = this.entries.cloneWith(
      (v) => v,
      (m) => ({ packed: m.packed, master: m.master }),
    );
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.dataBytes = this.dataBytes;
    s.limits = this.limits;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const [name, g] of this.groups) s.groups.set(name, g.clone());
    }
    return s;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    this.limits = limits;
  }

  /**
   * The next automatic ID for command time `now` (Redis's streamNextID): the current ms with
   * sequence 0 when the clock moved past the last ID, else the last ID plus one, so IDs stay
   * monotonic when the clock goes backwards. Null when the last possible ID was reached.
   */
  nextAutoId(now: number): StreamId | null {
    if (this.lastId === ID_MAX) return null;
    const ms = BigInt(now);
    if (ms > idMs(this.lastId)) return makeId(ms, 0n);
    return this.lastId + 1n;
  }

  /**
   * The ID for `ms-*` (explicit ms, automatic sequence): sequence 0 for a new ms, else the last
   * sequence plus one; null when that sequence is exhausted or the ms is behind the last ID.
   */
  nextSeqId(ms: bigint): StreamId | null {
    const lastMs = idMs(this.lastId);
    if (ms === lastMs) {
      if (idSeq(this.lastId) === U64_MAX) return null;
      return this.lastId + 1n;
    }
    const id = makeId(ms, 0n);
    return id > this.lastId ? id : null;
  }

  /** Appends an entry whose ID is above lastId (the caller checked). */
  append(id: StreamId, fields: Fields): void {
    const tail = this.entries.lastLeaf();
    let fresh = tail === undefined;
    if (tail !== undefined) {
      let raw = 0;
      for (const f of fields) raw += f.length;
      fresh = streamNodeFull(this.limits, tail.meta.packed, raw, tail.added);
    }
    const leaf = this.entries.append(id, fields, fresh);
    this.account(leaf, id, fields, fresh);
    if (this.entries.size === 1) this.firstId = id;
    this.lastId = id;
    // A 64-bit signed counter in Redis: it wraps rather than grow past INT64_MAX.
    this.entriesAdded = BigInt.asIntN(64, this.entriesAdded + 1n);
    this.dataBytes += fieldBytes(fields);
  }

  /** Keeps a node's estimated listpack size as Redis's encoding would grow it. */
  private account(leaf: IdLeaf<Fields, NodeMeta>, id: StreamId, fields: Fields, fresh: boolean): void {
    const meta = leaf.meta;
    const nfields = fields.length / 2;
    if (fresh) {
      const master: string[] = [];
      for (let i = 0; i < fields.length; i += 2) master.push(fields[i] as string);
      meta.master = master;
      // Header and end byte, then the master entry: count, deleted, field count, fields, terminator.
      meta.packed = 7 + lpIntBytes(1n) + lpIntBytes(0n) + lpIntBytes(BigInt(nfields)) + lpIntBytes(0n);
      for (const f of master) meta.packed += lpStrBytes(f);
    }
    let same = meta.master.length === nfields;
    for (let i = 0; same && i < nfields; i++) same = meta.master[i] === fields[i * 2];
    let n = lpIntBytes(same ? 2n : 0n) + lpIntBytes(idMs(id) - idMs(leaf.base)) + lpIntBytes(idSeq(id) - idSeq(leaf.base));
    if (!same) n += lpIntBytes(BigInt(nfields));
    for (let i = 0; i < fields.length; i++) {
      if (same && i % 2 === 0) continue;
      n += lpStrBytes(fields[i] as string);
    }
    n += lpIntBytes(BigInt(same ? nfields + 3 : nfields * 2 + 4));
    meta.packed += n;
  }

  /** ID of the last live entry, 0-0 when empty (Redis's streamLastValidID). */
  lastEntryId(): StreamId {
    return this.entries.lastKey() ?? 0n;
  }

  get(id: StreamId): Fields | undefined {
    return this.entries.get(id);
  }

  has(id: StreamId): boolean {
    return this.entries.has(id);
  }

  /** XDEL of one ID: removes it, tracks the largest deleted ID and the first entry. */
  deleteEntry(id: StreamId): boolean {
    const f = this.entries.delete(id);
    if (f === undefined) return false;
    this.dataBytes -= fieldBytes(f);
    if (id > this.maxDeletedId) this.maxDeletedId = id;
    if (this.entries.size === 0) this.firstId = 0n;
    else if (id === this.firstId) this.firstId = this.entries.firstKey() as bigint;
    return true;
  }

  /**
   * Redis's streamTrim: frees whole nodes from the head while allowed, then (exact mode only)
   * removes entries inside the next node. With `limit`, stops before a node that would take the
   * count past it. Returns how many entries were removed.
   */
  trim(spec: TrimSpec): number {
    const t = this.entries;
    let deleted = 0;
    for (;;) {
      const leaf = t.leafAt(0);
      if (leaf === undefined) break;
      if (spec.strategy === 'maxlen' && t.size <= spec.maxlen) break;
      const live = leaf.keys.length;
      if (spec.limit > 0 && deleted + live > spec.limit) break;
      const whole = spec.strategy === 'maxlen' ? t.size - live >= spec.maxlen : (leaf.keys[live - 1] as bigint) < spec.minid;
      if (whole) {
        t.dropFirstLeaf();
        for (const f of leaf.vals) this.dataBytes -= fieldBytes(f);
        deleted += live;
        continue;
      }
      if (spec.approx) break;
      let n = 0;
      if (spec.strategy === 'maxlen') n = t.size - spec.maxlen;
      else while (n < live && (leaf.keys[n] as bigint) < spec.minid) n++;
      for (const f of t.shiftFirstLeaf(n)) this.dataBytes -= fieldBytes(f);
      deleted += n;
      break;
    }
    this.firstId = t.firstKey() ?? 0n;
    return deleted;
  }

  /** Visits entries with IDs in [lo, hi] (descending when `rev`) until `fn` returns false. */
  scan(lo: StreamId, hi: StreamId, rev: boolean, fn: (id: StreamId, f: Fields) => boolean | void): void {
    this.entries.scan(lo, hi, rev, fn);
  }

  // ------------------------------------------------------------------ consumer groups

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Creates a group; undefined when the name is taken. */
  createGroup(name: string, lastId: StreamId, entriesRead: bigint): ConsumerGroup | undefined {
    if (this.groups === null) this.groups = new Map();
    if (this.groups.has(name)) return undefined;
    const g = new ConsumerGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  destroyGroup(name: string): boolean {
    return this.groups?.delete(name) ?? false;
  }

  /** Groups in name order (Redis keeps them in a radix tree). */
  sortedGroups(): ConsumerGroup[] {
    if (this.groups === null) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get groupCount(): number {
    return this.groups?.size ?? 0;
  }

  // ------------------------------------------------------------------ lag (Redis 7.0)

  /** Whether [start, end] may hold a deleted entry (Redis's streamRangeHasTombstones). */
  rangeHasTombstones(start: StreamId, end: StreamId): boolean {
    if (this.size === 0 || this.maxDeletedId === 0n) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /**
   * The logical read counter of `id` (entries added up to and including it), when it can be
   * known (Redis's streamEstimateDistanceFromFirstEverEntry); null when it cannot.
   */
  estimateDistance(id: StreamId): bigint | null {
    if (this.entriesAdded === 0n) return 0n;
    if (this.size === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return null;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - BigInt(this.size);
      if (id === this.firstId) return this.entriesAdded - BigInt(this.size) + 1n;
    }
    return null;
  }

  /** Entries not yet delivered to the group, when that can be known (XINFO lag). */
  lag(g: ConsumerGroup): bigint | null {
    if (this.entriesAdded === 0n) return 0n;
    if (g.entriesRead !== ENTRIES_READ_UNKNOWN && !this.rangeHasTombstones(g.lastId, ID_MAX)) {
      return BigInt.asIntN(64, this.entriesAdded - g.entriesRead);
    }
    const read = this.estimateDistance(g.lastId);
    return read === null ? null : BigInt.asIntN(64, this.entriesAdded - read);
  }

  /**
   * A group's delivery cursor moved to `id` by reading it: keeps entries_read counting when it
   * is known and nothing ahead was deleted, else re-derives it (Redis's streamReplyWithRange).
   */
  advanceGroup(g: ConsumerGroup, id: StreamId): void {
    if (g.entriesRead !== ENTRIES_READ_UNKNOWN && !this.rangeHasTombstones(id, ID_MAX)) {
      g.entriesRead = BigInt.asIntN(64, g.entriesRead + 1n);
    } else if (this.entriesAdded !== 0n) {
      g.entriesRead = this.estimateDistance(id) ?? ENTRIES_READ_UNKNOWN;
    }
    g.lastId = id;
  }

  // ------------------------------------------------------------------ XINFO figures

  /** Nodes of the radix tree Redis would hold (XINFO radix-tree-keys). */
  get nodeCount(): number {
    return this.entries.leafCount;
  }

  /**
   * Nodes Redis's radix tree would have for these node keys (XINFO radix-tree-nodes): a
   * compressed trie over the 16-byte big-endian IDs, where a run shared by every key below a
   * node is one compressed node and a divergence is one branching node.
   */
  radixNodes(): number {
    const keys: string[] = [];
    for (let i = 0; i < this.entries.leafCount; i++) {
      keys.push((this.entries.leafAt(i) as IdLeaf<Fields, NodeMeta>).base.toString(16).padStart(32, '0'));
    }
    if (keys.length === 0) return 1;
    // Hex digits in pairs: one pair is one byte of the encoded key.
    const count = (lo: number, hi: number, depth: number): number => {
      if (depth === 16) return 1;
      const a = keys[lo] as string;
      const b = keys[hi - 1] as string;
      let p = depth;
      while (p < 16 && a.substr(p * 2, 2) === b.substr(p * 2, 2)) p++;
      if (p > depth) return 1 + count(lo, hi, p);
      let n = 1;
      let i = lo;
      while (i < hi) {
        const byte = (keys[i] as string).substr(depth * 2, 2);
        let j = i + 1;
        while (j < hi && (keys[j] as string).substr(depth * 2, 2) === byte) j++;
        n += count(i, j, depth + 1);
        i = j;
      }
      return n;
    };
    return count(0, keys.length, 0);
  }
}
