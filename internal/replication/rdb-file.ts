// A whole RDB file (Redis's full-sync payload): written from the store, read back key by key; RDB-10 values via internal/rdb.
import { RdbError } from '../rdb/bytes.js';
import { crc64Bytes } from '../rdb/crc64.js';
import { RdbReader } from '../rdb/reader.js';
import { decodeObject, encodeValue, RDB_VERSION, RDB_VERSION_HFE } from '../rdb/value.js';
import { RdbWriter } from '../rdb/writer.js';
import type { Value } from '../store/types.js';

const OP_FUNCTION2 = 245;
const OP_MODULE_AUX = 247;
const OP_IDLE = 248;
const OP_FREQ = 249;
const OP_AUX = 250;
const OP_RESIZEDB = 251;
const OP_EXPIRETIME_MS = 252;
const OP_EXPIRETIME = 253;
const OP_SELECTDB = 254;
const OP_EOF = 255;
/** FUNCTION DUMP's footer: RDB version (2 bytes) and CRC64 (8). */
const DUMP_FOOTER = 10;

export interface RdbSource {
  /** Databases in order; each yields [key, value, expireAt (0 = none)]. */
  databases: number;
  entries(db: number): Iterable<readonly [string, Value, number]>;
  size(db: number): number;
  expires(db: number): number;
  /** FUNCTION DUMP's payload, or null when no library is loaded. */
  functions: string | null;
  /** AUX fields (redis-ver, repl-id...). */
  aux: readonly (readonly [string, string])[];
}

/** The RDB file Redis's rdbSaveRio writes: header, AUX, functions, each non-empty db, EOF and CRC64. */
export function writeRdb(src: RdbSource): Buffer {
  const w = new RdbWriter(1 << 16);
  w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  for (const [k, v] of src.aux) {
    w.byte(OP_AUX);
    w.string(k);
    w.string(v);
  }
  if (src.functions !== null) {
    const p = Buffer.from(src.functions, 'latin1');
    // The payload is RDB_OPCODE_FUNCTION2 records already; drop DUMP's footer.
    w.bytesOf(p.subarray(0, p.length - DUMP_FOOTER));
  }
  for (let db = 0; db < src.databases; db++) {
    const n = src.size(db);
    if (n === 0) continue;
    w.byte(OP_SELECTDB);
    w.len(db);
    w.byte(OP_RESIZEDB);
    w.len(n);
    w.len(src.expires(db));
    for (const [key, value, at] of src.entries(db)) {
      if (at !== 0) {
        w.byte(OP_EXPIRETIME_MS);
        w.i64le(BigInt(at));
      }
      const body = encodeValue(value);
      // encodeValue is the type byte then the encoding: the key goes between them.
      w.byte(body[0] as number);
      w.string(key);
      w.bytesOf(body.subarray(1));
    }
  }
  w.byte(OP_EOF);
  const out = w.bytes();
  return Buffer.concat([out, crc64Bytes(out)]);
}

export interface RdbSink {
  key(db: number, key: string, value: Value, expireAt: number): void;
  /** The libraries as a FUNCTION RESTORE payload (called once, only when the file holds any). */
  functions?(payload: string): void;
  aux?(name: string, value: string): void;
}

function bad(what: string): never {
  throw new RdbError(what);
}

/** Reads a whole RDB file (versions 1 to 12) into `sink`; throws RdbError on anything malformed. */
export function readRdb(buf: Buffer, sink: RdbSink): { keys: number } {
  if (buf.length < 9 || buf.toString('latin1', 0, 5) !== 'REDIS') bad('not an RDB file');
  const version = Number(buf.toString('latin1', 5, 9));
  if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION_HFE) bad(`unsupported RDB version ${buf.toString('latin1', 5, 9)}`);
  const r = new RdbReader(buf, 9);
  const libs: Buffer[] = [];
  let db = 0;
  let expireAt = 0;
  let keys = 0;
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    if (op === OP_EOF) break;
    switch (op) {
      case OP_AUX: {
        const k = r.string();
        const v = r.string();
        sink.aux?.(k, v);
        continue;
      }
      case OP_SELECTDB:
        db = r.count();
        continue;
      case OP_RESIZEDB:
        r.lenBig();
        r.lenBig();
        continue;
      case OP_EXPIRETIME_MS:
        expireAt = r.millis();
        continue;
      case OP_EXPIRETIME:
        expireAt = r.raw(4).readUInt32LE(0) * 1000;
        continue;
      case OP_IDLE:
        r.lenBig();
        continue;
      case OP_FREQ:
        r.byte();
        continue;
      case OP_FUNCTION2:
        r.string();
        libs.push(buf.subarray(at, r.pos));
        continue;
      case OP_MODULE_AUX:
        return bad('module AUX data is not supported');
      default: {
        const key = r.string();
        const value = decodeObject(r, op);
        sink.key(db, key, value, expireAt);
        expireAt = 0;
        keys++;
      }
    }
  }
  if (libs.length > 0 && sink.functions !== undefined) {
    const v = Buffer.alloc(2);
    v.writeUInt16LE(RDB_VERSION, 0);
    const body = Buffer.concat([...libs, v]);
    sink.functions(Buffer.concat([body, crc64Bytes(body)]).toString('latin1'));
  }
  return { keys };
}
