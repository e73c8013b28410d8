// The stream part of the RDB value codec: RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0 writes it (and version 1 on read), with consumer groups, PELs and consumers.
//
// A stream is its radix tree of listpack nodes (each keyed by its master ID, 16 bytes big
// endian), then the stream's counters, then every group: name, last delivered ID, entries read,
// the group PEL (IDs with delivery time and count), and its consumers (name, seen time, the IDs
// of their pending entries, resolved against the group PEL).
import { ENTRIES_READ_UNKNOWN, type Fields, idMs, idSeq, makeId, type StreamId, StreamValue } from '../store/stream.js';
import { canonicalInt, RdbError } from './bytes.js';
import { decodeListpack, ListpackWriter } from './listpack.js';
import type { RdbReader } from './reader.js';
import type { RdbWriter } from './writer.js';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

function bad(what: string): never {
  throw new RdbError(`stream: ${what}`);
}

function idBytes(id: StreamId): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeBigUInt64BE(idMs(id), 0);
  b.writeBigUInt64BE(idSeq(id), 8);
  return b;
}

function idFromBytes(b: Buffer): StreamId {
  if (b.length !== 16) bad('ID is not 16 bytes');
  return makeId(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** One node's listpack: the master entry (live count, deleted count, master fields, 0), then the entries. */
function nodeListpack(master: StreamId, masterFields: readonly string[], keys: readonly StreamId[], vals: readonly Fields[]): Buffer {
  const lp = new ListpackWriter(256);
  lp.appendInt(keys.length);
  lp.appendInt(0);
  lp.appendInt(masterFields.length);
  for (const f of masterFields) lp.append(f);
  lp.appendInt(0);
  const mMs = idMs(master);
  const mSeq = idSeq(master);
  for (let j = 0; j < keys.length; j++) {
    const id = keys[j] as StreamId;
    const fields = vals[j] as Fields;
    const nf = fields.length / 2;
    let same = nf === masterFields.length;
    for (let k = 0; same && k < nf; k++) same = fields[k * 2] === masterFields[k];
    lp.appendInt(same ? FLAG_SAMEFIELDS : 0);
    // Deltas are taken modulo 2^64 and stored as int64, so a sequence below the master's wraps.
    lp.appendInt(BigInt.asIntN(64, idMs(id) - mMs));
    lp.appendInt(BigInt.asIntN(64, idSeq(id) - mSeq));
    if (same) {
      for (let k = 1; k < fields.length; k += 2) lp.append(fields[k] as string);
    } else {
      lp.appendInt(nf);
      for (const f of fields) lp.append(f);
    }
    lp.appendInt(same ? nf + 3 : nf * 2 + 4);
  }
  return lp.finish();
}

function writeNodes(w: RdbWriter, s: StreamValue): void {
  const t = s.entries;
  w.len(t.leafCount);
  let prevLast = -1n;
  for (let i = 0; i < t.leafCount; i++) {
    const leaf = t.leafAt(i);
    if (leaf === undefined) break;
    const first = leaf.keys[0] as StreamId;
    // The node key is the ID the node was created for; it must sit between the previous node's
    // entries and this node's first one, or readers would look for entries in the wrong node.
    const master = leaf.base > prevLast && leaf.base <= first ? leaf.base : first;
    w.blob(idBytes(master));
    w.blob(nodeListpack(master, leaf.meta.master, leaf.keys, leaf.vals));
    prevLast = leaf.keys[leaf.keys.length - 1] as StreamId;
  }
}

/**
 * Writes the stream after its type byte, as RDB_TYPE_STREAM_LISTPACKS_2 (what Redis 7.0 writes),
 * or with `v2` false as RDB_TYPE_STREAM_LISTPACKS (Redis 5 and 6: no first ID, tombstone, entries
 * added or entries read), which only tests and tools need.
 */
export function encodeStream(w: RdbWriter, s: StreamValue, v2 = true): void {
  writeNodes(w, s);
  w.len(s.size);
  for (const id of v2 ? [s.lastId, s.firstId, s.maxDeletedId] : [s.lastId]) {
    w.len(idMs(id));
    w.len(idSeq(id));
  }
  if (v2) w.len(BigInt.asUintN(64, s.entriesAdded));
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const g of groups) {
    w.string(g.name);
    w.len(idMs(g.lastId));
    w.len(idSeq(g.lastId));
    if (v2) w.len(BigInt.asUintN(64, g.entriesRead));
    w.len(g.pel.size);
    for (const [id, nack] of g.pel.entries()) {
      w.bytesOf(idBytes(id));
      w.millis(nack.deliveryTime);
      w.len(nack.deliveryCount);
    }
    const consumers = g.sortedConsumers();
    w.len(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.millis(c.seenTime);
      w.len(c.pel.size);
      for (const [id] of c.pel.entries()) w.bytesOf(idBytes(id));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Reads listpack elements as the integers a stream node keeps between its strings. */
class NodeCursor {
  i = 0;
  constructor(private readonly elems: readonly string[]) {}

  get done(): boolean {
    return this.i >= this.elems.length;
  }

  str(): string {
    const s = this.elems[this.i++];
    if (s === undefined) bad('node ends early');
    return s;
  }

  int(): bigint {
    const v = canonicalInt(this.str());
    if (v === null) bad('integer expected in node');
    return BigInt(v);
  }

  /** A non-negative count that cannot exceed the elements left. */
  count(): number {
    const v = this.int();
    if (v < 0n || v > BigInt(this.elems.length - this.i)) bad('bad count in node');
    return Number(v);
  }
}

/** Walks one node's listpack, handing every live entry to `emit`; validates as Redis's deep check does. */
function readNode(elems: readonly string[], master: StreamId, emit: (id: StreamId, f: Fields) => void): void {
  const c = new NodeCursor(elems);
  const live = c.int();
  const deleted = c.int();
  const mf = c.count();
  const masterFields: string[] = [];
  for (let k = 0; k < mf; k++) masterFields.push(c.str());
  if (c.int() !== 0n) bad('master entry not terminated');
  if (live < 0n || deleted < 0n || live + deleted > BigInt(elems.length)) bad('bad entry counts');
  const mMs = idMs(master);
  const mSeq = idSeq(master);
  let seen = 0n;
  for (let n = live + deleted; n > 0n; n--) {
    const flags = c.int();
    if (flags < 0n || flags > 3n) bad('bad entry flags');
    const id = makeId(BigInt.asUintN(64, mMs + c.int()), BigInt.asUintN(64, mSeq + c.int()));
    const same = (flags & BigInt(FLAG_SAMEFIELDS)) !== 0n;
    const nf = same ? mf : c.count();
    const fields: string[] = [];
    for (let k = 0; k < nf; k++) {
      if (same) fields.push(masterFields[k] as string, c.str());
      else fields.push(c.str(), c.str());
    }
    if (c.int() !== BigInt(same ? nf + 3 : nf * 2 + 4)) bad('bad lp-count');
    if ((flags & BigInt(FLAG_DELETED)) === 0n) {
      emit(id, fields);
      seen++;
    }
  }
  if (!c.done) bad('trailing elements in node');
  if (seen !== live) bad('live count mismatch');
}

function readId(r: RdbReader): StreamId {
  const ms = r.lenBig();
  return makeId(ms, r.lenBig());
}

/** Reads every node into a fresh stream, in ID order; returns the stream and its live entry count. */
function readNodes(r: RdbReader): StreamValue {
  const s = new StreamValue();
  let last = -1n;
  const nodes = r.count();
  for (let i = 0; i < nodes; i++) {
    const master = idFromBytes(r.blob());
    const elems = decodeListpack(r.blob());
    if (elems.length === 0) bad('empty node');
    readNode(elems, master, (id, f) => {
      if (id <= last) bad('entries out of order');
      last = id;
      s.append(id, f);
    });
  }
  return s;
}

/** Loads one group's PEL and consumers; every pending entry must end up with exactly one consumer. */
function readGroup(r: RdbReader, s: StreamValue, v2: boolean): void {
  const name = r.string();
  const lastId = readId(r);
  let entriesRead: bigint;
  if (v2) entriesRead = BigInt.asIntN(64, r.lenBig());
  else entriesRead = s.estimateDistance(lastId) ?? ENTRIES_READ_UNKNOWN;
  const g = s.createGroup(name, lastId, entriesRead);
  if (g === undefined) bad('duplicate group');
  const pending = new Map<StreamId, { time: number; count: number; owned: boolean }>();
  const npel = r.count();
  for (let i = 0; i < npel; i++) {
    const id = idFromBytes(r.raw(16));
    const time = r.millis();
    const count = r.lenBig();
    if (pending.has(id)) bad('duplicate PEL entry');
    pending.set(id, { time, count: Number(count), owned: false });
  }
  const nconsumers = r.count();
  for (let i = 0; i < nconsumers; i++) {
    const cname = r.string();
    const seen = r.millis();
    const consumer = g.createConsumer(cname, seen);
    if (consumer === undefined) bad('duplicate consumer');
    const n = r.count();
    for (let k = 0; k < n; k++) {
      const id = idFromBytes(r.raw(16));
      const p = pending.get(id);
      if (p === undefined) bad('consumer PEL entry not in the group PEL');
      if (p.owned) bad('PEL entry owned twice');
      p.owned = true;
      g.assign(id, consumer, p.time, p.count);
    }
  }
  for (const p of pending.values()) if (!p.owned) bad('PEL entry without consumer');
}

/** Reads a stream after its type byte (RDB_TYPE_STREAM_LISTPACKS when `v2` is false). */
export function decodeStream(r: RdbReader, v2: boolean): StreamValue {
  const s = readNodes(r);
  const length = r.lenBig();
  const lastId = readId(r);
  if (length !== BigInt(s.size)) bad('length does not match the entries');
  if (s.size > 0 && s.lastEntryId() > lastId) bad('entry above the last ID');
  if (v2) {
    // The first ID is implied by the entries (ringcache keeps it that way); read past it.
    readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = BigInt.asIntN(64, r.lenBig());
  } else {
    s.maxDeletedId = 0n;
    s.entriesAdded = length;
  }
  s.lastId = lastId;
  const ngroups = r.count();
  for (let i = 0; i < ngroups; i++) readGroup(r, s, v2);
  return s;
}
