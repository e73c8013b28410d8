// Bloom and Cuckoo filters as RDB module values (RDB_TYPE_MODULE_2), in RedisBloom's rdb_save layout, so DUMP/RESTORE carry them.
import { BloomFilter, linkIsValid, type BloomLink } from '../store/bloom.js';
import { CuckooFilter } from '../store/cuckoo.js';
import { RdbError } from './bytes.js';
import type { RdbReader } from './reader.js';
import type { RdbWriter } from './writer.js';

/** Redis's module-value opcodes (RDB_MODULE_OPCODE_*). */
const OP_EOF = 0;
const OP_UINT = 2;
const OP_DOUBLE = 4;
const OP_STRING = 5;

/** The encoding versions RedisBloom 2.x registers its types with (BF_MIN_GROWTH_ENC, CF_MIN_EXPANSION_VERSION). */
const BF_ENCVER = 4;
const CF_ENCVER = 4;

const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Redis's moduleTypeEncodeId: nine 6-bit characters of the type name, then a 10-bit encoding version. */
export function moduleTypeId(name: string, encver: number): bigint {
  let id = 0n;
  for (const ch of name) id = (id << 6n) | BigInt(CHARSET.indexOf(ch));
  return (id << 10n) | BigInt(encver);
}

const BF_ID = moduleTypeId('MBbloom--', BF_ENCVER);
const CF_ID = moduleTypeId('MBbloomCF', CF_ENCVER);
/** The type name part of an id (what a RESTORE must match), without the encoding version. */
const nameBits = (id: bigint): bigint => id >> 10n;

function bad(what: string): never {
  throw new RdbError(what);
}

function uint(w: RdbWriter, v: number): void {
  w.len(OP_UINT);
  w.len(v);
}

function double(w: RdbWriter, v: number): void {
  w.len(OP_DOUBLE);
  w.binaryDouble(v);
}

function bytes(w: RdbWriter, b: Uint8Array): void {
  w.len(OP_STRING);
  w.blob(b);
}

/** BFRdbSave / CFRdbSave after the RDB_TYPE_MODULE_2 byte the caller wrote. */
export function encodeFilter(w: RdbWriter, v: BloomFilter | CuckooFilter): void {
  if (v instanceof BloomFilter) {
    w.len(BF_ID);
    uint(w, v.items);
    uint(w, v.links.length);
    uint(w, v.options);
    uint(w, v.growth);
    for (const l of v.links) {
      uint(w, l.entries);
      double(w, l.error);
      uint(w, l.hashes);
      double(w, l.bpe);
      uint(w, l.bits);
      uint(w, l.n2);
      bytes(w, l.bf);
      uint(w, l.size);
    }
  } else {
    w.len(CF_ID);
    uint(w, v.filters.length);
    uint(w, v.numBuckets);
    uint(w, v.numItems);
    uint(w, v.numDeletes);
    uint(w, v.bucketSize);
    uint(w, v.maxIterations);
    uint(w, v.expansion);
    for (const f of v.filters) {
      uint(w, f.numBuckets);
      bytes(w, f.data);
    }
  }
  w.len(OP_EOF);
}

function readUint(r: RdbReader): number {
  if (r.lenBig() !== BigInt(OP_UINT)) bad('module value: expected an unsigned');
  const v = r.lenBig();
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : bad('module value: unsigned out of range');
}

function readDouble(r: RdbReader): number {
  if (r.lenBig() !== BigInt(OP_DOUBLE)) bad('module value: expected a double');
  return r.binaryDouble();
}

function readBytes(r: RdbReader): Buffer {
  if (r.lenBig() !== BigInt(OP_STRING)) bad('module value: expected a string');
  return r.blob();
}

function decodeBloom(r: RdbReader): BloomFilter {
  const items = readUint(r);
  const n = readUint(r);
  const options = readUint(r);
  const growth = readUint(r);
  if (n === 0 || n > r.remaining) bad('bloom filter: bad link count');
  const links: BloomLink[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const head = { entries: readUint(r), error: readDouble(r), hashes: readUint(r), bpe: readDouble(r), bits: readUint(r), n2: readUint(r) };
    const bf = readBytes(r);
    const link = { ...head, bytes: bf.length, size: readUint(r), bf: new Uint8Array(bf) };
    if (!linkIsValid(link)) bad('bloom filter: bad link');
    total += link.size;
    links.push(link);
  }
  if (total !== items) bad('bloom filter: item count mismatch');
  return new BloomFilter(items, options, growth, links);
}

function decodeCuckoo(r: RdbReader): CuckooFilter {
  const nf = readUint(r);
  const numBuckets = readUint(r);
  const cf = new CuckooFilter(numBuckets, readUint(r), readUint(r), readUint(r), readUint(r), readUint(r), []);
  if (nf === 0 || nf > r.remaining || cf.bucketSize === 0 || cf.bucketSize > 255 || cf.maxIterations === 0) bad('cuckoo filter: bad header');
  for (let i = 0; i < nf; i++) {
    const buckets = readUint(r);
    const data = readBytes(r);
    if (buckets !== cf.bucketsOf(i) || data.length !== buckets * cf.bucketSize) bad('cuckoo filter: bad sub-filter');
    cf.filters.push({ numBuckets: buckets, data: new Uint8Array(data) });
  }
  return cf;
}

/** A RDB_TYPE_MODULE_2 value: RedisBloom's two types at encoding version 4, anything else refused. */
export function decodeModuleValue(r: RdbReader): BloomFilter | CuckooFilter {
  const id = r.lenBig();
  let v: BloomFilter | CuckooFilter;
  if (nameBits(id) === nameBits(BF_ID) && (id & 1023n) === BigInt(BF_ENCVER)) v = decodeBloom(r);
  else if (nameBits(id) === nameBits(CF_ID) && (id & 1023n) === BigInt(CF_ENCVER)) v = decodeCuckoo(r);
  else return bad('unsupported module type');
  if (r.lenBig() !== BigInt(OP_EOF)) bad('module value: missing EOF');
  return v;
}
