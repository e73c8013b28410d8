// The RDB value codec behind DUMP and RESTORE: one value as a type byte plus its RDB encoding, wrapped in the payload footer (RDB version, CRC64).
import { BloomFilter } from '../store/bloom.js';
import { CuckooFilter } from '../store/cuckoo.js';
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import { StreamValue } from '../store/stream.js';
import type { Value } from '../store/types.js';
import { ZSet } from '../store/zset.js';
import { RdbError } from './bytes.js';
import { crc64Bytes } from './crc64.js';
import { decodeIntset, encodeIntset } from './intset.js';
import { decodeListpack, ListpackWriter } from './listpack.js';
import { RdbReader } from './reader.js';
import { decodeModuleValue, encodeFilter } from './filters.js';
import { decodeStream, encodeStream } from './stream.js';
import { RdbWriter } from './writer.js';
import { decodeZiplist } from './ziplist.js';

/** The RDB version whose value encodings DUMP writes (Redis 7.0's). */
export const RDB_VERSION = 10;
/**
 * The version DUMP writes for a hash with field deadlines (Redis 7.4's, whose RDB_TYPE_HASH_METADATA
 * it uses), and the newest RESTORE accepts: Redis 7.0 refuses such a payload by its version
 * instead of misreading it; Redis 7.4+ restores it with its deadlines.
 */
export const RDB_VERSION_HFE = 12;
/** Largest field deadline an RDB hash may carry (Redis's EB_EXPIRE_TIME_MAX, 2^48 - 1 ms). */
const EB_EXPIRE_TIME_MAX = 2 ** 48 - 1;

export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  /** Redis 7.4 hashes with field deadlines: pre-GA forms with absolute deadlines, GA ones relative to a leading minimum. */
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;

/** Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;
/** list-max-listpack-size -2: Redis 7.0's default node size, 8 KB. */
const LIST_NODE_BYTES = 8192;

function bad(what: string): never {
  throw new RdbError(what);
}

// ---------------------------------------------------------------------------------------------
// Scores as text (sorted-set listpacks)

/** A score as listpack text that C's strtod reads back exactly; integers become integer entries. */
export function scoreText(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
  return String(v);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITE = /^([+-]?)inf(inity)?$/i;

/** The score forms Redis and ringcache write (%.17g, integers, inf); null for anything else or NaN. */
export function parseScoreText(s: string): number | null {
  if (DECIMAL.test(s)) return Number(s);
  const m = INFINITE.exec(s);
  if (m !== null) return m[1] === '-' ? -Infinity : Infinity;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function encodeList(w: RdbWriter, l: ListValue): void {
  const nodes: Buffer[] = [];
  let lp = new ListpackWriter(1024);
  for (const item of l.toArray()) {
    // Worst case for one entry: 5 header bytes, the payload, 5 back-length bytes.
    if (lp.size > 0 && lp.byteLength + item.length + 10 > LIST_NODE_BYTES) {
      nodes.push(lp.finish());
      lp = new ListpackWriter(1024);
    }
    lp.append(item);
  }
  if (lp.size > 0) nodes.push(lp.finish());
  w.byte(RDB_TYPE.LIST_QUICKLIST_2);
  w.len(nodes.length);
  for (const n of nodes) {
    w.len(CONTAINER_PACKED);
    w.blob(n);
  }
}

function encodeSet(w: RdbWriter, s: SetValue): void {
  if (s.encoding() === 'intset') {
    w.byte(RDB_TYPE.SET_INTSET);
    w.blob(encodeIntset(s.members()));
    return;
  }
  w.byte(RDB_TYPE.SET);
  w.len(s.size);
  for (const m of s.members()) w.string(m);
}

/**
 * A hash with field deadlines as Redis 7.4's RDB_TYPE_HASH_METADATA: the earliest deadline (ms),
 * the field count, then per field its deadline relative to that minimum plus one (0: none), the
 * field and the value. Redis writes its listpack-encoded ones as type 25, but reads either.
 */
function encodeHashWithTtls(w: RdbWriter, h: HashValue): void {
  const min = h.nextFieldExpiry();
  w.byte(RDB_TYPE.HASH_METADATA);
  w.millis(min);
  w.len(h.size);
  for (const [f, s] of h.entries()) {
    const at = h.ttlOf(f);
    w.len(at === 0 ? 0 : at - min + 1);
    w.string(f);
    w.string(s.v);
  }
}

function encodeHash(w: RdbWriter, h: HashValue): void {
  if (h.hasFieldTtls()) {
    encodeHashWithTtls(w, h);
    return;
  }
  if (h.encoding() === 'listpack') {
    const lp = new ListpackWriter(256);
    for (const [f, s] of h.entries()) {
      lp.append(f);
      lp.append(s.v);
    }
    w.byte(RDB_TYPE.HASH_LISTPACK);
    w.blob(lp.finish());
    return;
  }
  w.byte(RDB_TYPE.HASH);
  w.len(h.size);
  for (const [f, s] of h.entries()) {
    w.string(f);
    w.string(s.v);
  }
}

function encodeZset(w: RdbWriter, z: ZSet): void {
  if (z.encoding() === 'listpack') {
    const lp = new ListpackWriter(256);
    for (const [m, score] of z.entries()) {
      lp.append(m);
      lp.append(scoreText(score));
    }
    w.byte(RDB_TYPE.ZSET_LISTPACK);
    w.blob(lp.finish());
    return;
  }
  // Highest first, as Redis writes them (each load then inserts at the head of its skiplist).
  w.byte(RDB_TYPE.ZSET_2);
  w.len(z.size);
  for (const [m, score] of z.slice(0, z.size, true)) {
    w.string(m);
    w.binaryDouble(score);
  }
}

/** The type byte and RDB encoding of one value (what DUMP puts before the footer). */
export function encodeValue(v: Value): Buffer {
  const w = new RdbWriter(typeof v === 'string' ? v.length + 16 : 256);
  if (typeof v === 'string') {
    w.byte(RDB_TYPE.STRING);
    w.string(v);
  } else if (v instanceof ListValue) {
    encodeList(w, v);
  } else if (v instanceof SetValue) {
    encodeSet(w, v);
  } else if (v instanceof HashValue) {
    encodeHash(w, v);
  } else if (v instanceof ZSet) {
    encodeZset(w, v);
  } else if (v instanceof StreamValue) {
    w.byte(RDB_TYPE.STREAM_LISTPACKS_2);
    encodeStream(w, v);
  } else if (v instanceof BloomFilter || v instanceof CuckooFilter) {
    w.byte(RDB_TYPE.MODULE_2);
    encodeFilter(w, v);
  } else {
    throw new Error(`no RDB encoding for ${v.type}`);
  }
  return w.bytes();
}

// ---------------------------------------------------------------------------------------------
// Decoding

function listFromItems(items: string[]): ListValue {
  if (items.length === 0) bad('empty list');
  return ListValue.of(items);
}

function decodeQuicklist(r: RdbReader, v2: boolean): ListValue {
  const n = r.count();
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const container = v2 ? r.lenBig() : BigInt(CONTAINER_PACKED);
    if (container !== BigInt(CONTAINER_PACKED) && container !== BigInt(CONTAINER_PLAIN)) bad('bad quicklist container');
    const data = r.blob();
    if (data.length === 0) bad('empty quicklist node');
    if (container === BigInt(CONTAINER_PLAIN)) {
      items.push(data.toString('latin1'));
      continue;
    }
    // Empty nodes are skipped, as Redis does; an empty list as a whole is refused below.
    for (const s of v2 ? decodeListpack(data) : decodeZiplist(data)) items.push(s);
  }
  return listFromItems(items);
}

function setFrom(members: Iterable<string>): SetValue {
  const s = new SetValue();
  for (const m of members) if (!s.add(m)) bad('duplicate set member');
  if (s.size === 0) bad('empty set');
  return s;
}

function hashFromPairs(elems: readonly string[]): HashValue {
  if (elems.length === 0 || elems.length % 2 !== 0) bad('bad hash pairs');
  const h = new HashValue();
  for (let i = 0; i < elems.length; i += 2) {
    if (!h.set(elems[i] as string, elems[i + 1] as string)) bad('duplicate hash field');
  }
  return h;
}

/** A field deadline read from an RDB hash: 0 (none) or a time Redis could hold. */
function fieldDeadline(at: number): number {
  if (!Number.isSafeInteger(at) || at < 0 || at > EB_EXPIRE_TIME_MAX) bad('invalid hash field expire time');
  return at;
}

/** RDB_TYPE_HASH_METADATA (24) and its pre-GA form (22, absolute deadlines, no leading minimum). */
function decodeHashMetadata(r: RdbReader, ga: boolean): HashValue {
  const min = ga ? r.millis() : 0;
  const n = r.count();
  if (n === 0) bad('empty hash');
  const h = new HashValue();
  for (let i = 0; i < n; i++) {
    const ttl = Number(r.lenBig());
    const at = ttl === 0 ? 0 : fieldDeadline(ga ? ttl + min - 1 : ttl);
    const f = r.string();
    if (!h.set(f, r.string())) bad('duplicate hash field');
    if (at !== 0) h.setTtl(f, at);
  }
  return h;
}

/** RDB_TYPE_HASH_LISTPACK_EX (25) and its pre-GA form (23): a listpack of field, value, absolute deadline (0: none). */
function decodeHashListpackEx(r: RdbReader, ga: boolean): HashValue {
  if (ga) r.millis();
  const elems = decodeListpack(r.blob());
  if (elems.length === 0 || elems.length % 3 !== 0) bad('bad hash triplets');
  const h = new HashValue();
  for (let i = 0; i < elems.length; i += 3) {
    const f = elems[i] as string;
    if (!h.set(f, elems[i + 1] as string)) bad('duplicate hash field');
    const raw = elems[i + 2] as string;
    if (!/^\d+$/.test(raw)) bad('bad hash field expire time');
    const at = fieldDeadline(Number(raw));
    if (at !== 0) h.setTtl(f, at);
  }
  return h;
}

function zsetAdd(z: ZSet, member: string, score: number | null): void {
  if (score === null || Number.isNaN(score)) bad('bad sorted set score');
  if (z.has(member)) bad('duplicate sorted set member');
  z.add(member, score);
}

function zsetFromPairs(elems: readonly string[]): ZSet {
  if (elems.length === 0 || elems.length % 2 !== 0) bad('bad sorted set pairs');
  const z = new ZSet();
  for (let i = 0; i < elems.length; i += 2) zsetAdd(z, elems[i] as string, parseScoreText(elems[i + 1] as string));
  return z;
}

function decodeSetOrHash(r: RdbReader, type: number): Value {
  const n = r.count();
  if (n === 0) bad('empty collection');
  if (type === RDB_TYPE.SET) {
    const members: string[] = [];
    for (let i = 0; i < n; i++) members.push(r.string());
    return setFrom(members);
  }
  const elems: string[] = [];
  for (let i = 0; i < n; i++) elems.push(r.string(), r.string());
  return hashFromPairs(elems);
}

function decodeZset(r: RdbReader, binary: boolean): ZSet {
  const n = r.count();
  if (n === 0) bad('empty sorted set');
  const z = new ZSet();
  for (let i = 0; i < n; i++) {
    const m = r.string();
    zsetAdd(z, m, binary ? r.binaryDouble() : r.textDouble(parseScoreText));
  }
  return z;
}

export function decodeObject(r: RdbReader, type: number): Value {
  switch (type) {
    case RDB_TYPE.STRING:
      return r.string();
    case RDB_TYPE.LIST: {
      const n = r.count();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return listFromItems(items);
    }
    case RDB_TYPE.SET:
    case RDB_TYPE.HASH:
      return decodeSetOrHash(r, type);
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2:
      return decodeZset(r, type === RDB_TYPE.ZSET_2);
    case RDB_TYPE.LIST_ZIPLIST:
      return listFromItems(decodeZiplist(r.blob()));
    case RDB_TYPE.LIST_QUICKLIST:
    case RDB_TYPE.LIST_QUICKLIST_2:
      return decodeQuicklist(r, type === RDB_TYPE.LIST_QUICKLIST_2);
    case RDB_TYPE.SET_INTSET:
      return setFrom(decodeIntset(r.blob()));
    case RDB_TYPE.HASH_ZIPLIST:
      return hashFromPairs(decodeZiplist(r.blob()));
    case RDB_TYPE.HASH_LISTPACK:
      return hashFromPairs(decodeListpack(r.blob()));
    case RDB_TYPE.ZSET_ZIPLIST:
      return zsetFromPairs(decodeZiplist(r.blob()));
    case RDB_TYPE.ZSET_LISTPACK:
      return zsetFromPairs(decodeListpack(r.blob()));
    case RDB_TYPE.HASH_METADATA:
    case RDB_TYPE.HASH_METADATA_PRE_GA:
      return decodeHashMetadata(r, type === RDB_TYPE.HASH_METADATA);
    case RDB_TYPE.HASH_LISTPACK_EX:
    case RDB_TYPE.HASH_LISTPACK_EX_PRE_GA:
      return decodeHashListpackEx(r, type === RDB_TYPE.HASH_LISTPACK_EX);
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
      return decodeStream(r, type === RDB_TYPE.STREAM_LISTPACKS_2);
    case RDB_TYPE.MODULE_2:
      // RedisBloom's Bloom and Cuckoo filters; other modules' values are refused.
      return decodeModuleValue(r);
    default:
      // Other modules, zipmaps (Redis 2.4) and unknown types.
      return bad(`unsupported RDB type ${type}`);
  }
}

/** Decodes one value (type byte and encoding) that must fill `buf[start, end)` exactly. */
export function decodeValue(buf: Buffer, start = 0, end = buf.length): Value {
  const r = new RdbReader(buf, start, end);
  const v = decodeObject(r, r.byte());
  if (r.remaining !== 0) bad('trailing bytes after the value');
  return v;
}

// ---------------------------------------------------------------------------------------------
// The DUMP payload

const FOOTER = 10;

/** DUMP's payload: the value's RDB encoding, the RDB version (u16 LE) and the CRC64 of both (LE). */
export function dumpPayload(v: Value): Buffer {
  const body = encodeValue(v);
  const out = Buffer.allocUnsafe(body.length + FOOTER);
  body.copy(out, 0);
  out.writeUInt16LE(v instanceof HashValue && v.hasFieldTtls() ? RDB_VERSION_HFE : RDB_VERSION, body.length);
  crc64Bytes(out, 0, body.length + 2).copy(out, body.length + 2);
  return out;
}

/**
 * Redis's verifyDumpPayload: a footer is present, its version is not newer than the newest we read
 * (Redis 7.4's: a value of a type this build lacks is then refused as a bad payload), its CRC matches.
 */
export function verifyPayload(p: Buffer): boolean {
  if (p.length < FOOTER) return false;
  const ver = p.readUInt16LE(p.length - FOOTER);
  if (ver > RDB_VERSION_HFE) return false;
  return crc64Bytes(p, 0, p.length - 8).equals(p.subarray(p.length - 8));
}

/** The value a verified payload holds; throws RdbError when it is malformed. */
export function restorePayload(p: Buffer): Value {
  return decodeValue(p, 0, p.length - FOOTER);
}
