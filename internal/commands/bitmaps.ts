// Bitmaps and bitfields on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
import { constants as bufferConstants } from 'node:buffer';
import type { CommandContext, CommandSpec, KeySpecFlag } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, int, NULL_BULK, type Reply } from '../resp/reply.js';
import type { Entry } from '../store/types.js';
import { int64Arg, intArg, isOpt, parseInt64 } from './args.js';
import { bitop, fieldResult, findBit, getField, parseFieldType, popcount, popcountBits, setBits, type BitOp, type FieldType, type Overflow } from './bitmaps-math.js';
import { command, keyAt } from './spec.js';

const BIT_OFFSET_ERR = 'bit offset is not an integer or out of range';
const BIT_VALUE_ERR = 'bit is not an integer or out of range';
const FIELD_TYPE_ERR = 'Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/**
 * The largest string a bit command may address, in bytes: proto-max-bulk-len (so offsets stay
 * below 2^32 bits by default), and never more than V8 can hold in one string.
 */
function maxBytes(ctx: CommandContext): number {
  return Math.min(ctx.server.config.num('proto_max_bulk_len'), bufferConstants.MAX_STRING_LENGTH);
}

/**
 * Redis's getBitOffsetFromArgument: a non-negative int64 whose byte is below the size limit. With
 * `bits` > 0 (BITFIELD), `#N` means N * bits.
 */
function bitOffsetArg(ctx: CommandContext, raw: string, bits = 0): number {
  const hash = bits > 0 && raw.charCodeAt(0) === 35; /* # */
  const v = parseInt64(hash ? raw.slice(1) : raw);
  if (v === null || typeof v === 'bigint') throw errors.generic(BIT_OFFSET_ERR);
  const offset = hash ? v * bits : v;
  if (offset < 0 || Math.floor(offset / 8) >= maxBytes(ctx)) throw errors.generic(BIT_OFFSET_ERR);
  return offset;
}

/** The string entry at key for a read (keyspace hits and misses counted); undefined when missing, WRONGTYPE for collections. */
function readEntry(ctx: CommandContext, key: string): Entry | undefined {
  const e = ctx.store.read(ctx.db, key);
  if (e !== undefined && !e.isString()) throw errors.wrongType();
  return e;
}

/** The bytes of the string at key, for a read now; undefined when missing. */
function readBits(ctx: CommandContext, key: string): Uint8Array | undefined {
  return readEntry(ctx, key)?.readBytes();
}

/** The string entry at key for a write (lookupKeyWrite); undefined when missing, WRONGTYPE for collections. */
function writeEntry(ctx: CommandContext, key: string): Entry | undefined {
  const e = ctx.db.get(key);
  if (e !== undefined && !e.isString()) throw errors.wrongType();
  return e;
}

// ---------------------------------------------------------------------------------------------
// SETBIT / GETBIT
// ---------------------------------------------------------------------------------------------

/**
 * SETBIT: the old bit. An existing string is changed in place (its TTL kept); a new key is
 * created zero-padded. Nothing is written, journaled or notified when the value would not change.
 */
function setbitCmd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  const offset = bitOffsetArg(ctx, argv[2] as string);
  const on = intArg(argv[3] as string, () => errors.generic(BIT_VALUE_ERR));
  if (on !== 0 && on !== 1) throw errors.generic(BIT_VALUE_ERR);
  const e = writeEntry(ctx, key);
  const byte = Math.floor(offset / 8);
  const mask = 0x80 >> (offset & 7);
  const old = e === undefined ? 0 : e.byteAt(byte);
  const oldBit = (old & mask) !== 0 ? 1 : 0;
  const next = on === 1 ? old | mask : old & ~mask;
  if (e === undefined) {
    ctx.db.set(key, '\0'.repeat(byte) + String.fromCharCode(next), 0);
  } else {
    if (byte < e.valueBytes() && oldBit === on) return int(oldBit);
    const bytes = e.mutableBytes(byte + 1);
    bytes[byte] = next;
    ctx.db.changed(key, e);
  }
  ctx.propagate(argv);
  ctx.notify('$', 'setbit', key);
  return int(oldBit);
}

function getbitCmd(ctx: CommandContext, argv: string[]): Reply {
  const offset = bitOffsetArg(ctx, argv[2] as string);
  const e = readEntry(ctx, argv[1] as string);
  if (e === undefined) return int(0);
  return int((e.byteAt(Math.floor(offset / 8)) >> (7 - (offset & 7))) & 1);
}

// ---------------------------------------------------------------------------------------------
// BITCOUNT / BITPOS
// ---------------------------------------------------------------------------------------------

/** BIT or BYTE (case-insensitive); anything else is a syntax error. */
function unitArg(raw: string): boolean {
  if (isOpt(raw, 'BIT')) return true;
  if (isOpt(raw, 'BYTE')) return false;
  throw errors.syntax();
}

/** Redis's range clamping: negatives from the end, then both ends into [0, total - 1]. */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return [start, end];
}

/** BITCOUNT key [start end [BYTE|BIT]]: a missing key answers 0 before any argument is looked at, as in Redis. */
function bitcountCmd(ctx: CommandContext, argv: string[]): Reply {
  const s = readBits(ctx, argv[1] as string);
  if (s === undefined) return int(0);
  if (argv.length === 2) return int(s.length === 0 ? 0 : popcount(s, 0, s.length - 1));
  if (argv.length !== 4 && argv.length !== 5) throw errors.syntax();
  const rawStart = intArg(argv[2] as string);
  const rawEnd = intArg(argv[3] as string);
  if (rawStart < 0 && rawEnd < 0 && rawStart > rawEnd) return int(0);
  const isBit = argv.length === 5 && unitArg(argv[4] as string);
  const [start, end] = clampRange(rawStart, rawEnd, isBit ? s.length * 8 : s.length);
  if (start > end) return int(0);
  return int(isBit ? popcountBits(s, start, end) : popcount(s, start, end));
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is all zeros: 0 for a clear bit, -1 for a
 * set one. Looking for a clear bit without an end, the bits past the string count as clear.
 */
function bitposCmd(ctx: CommandContext, argv: string[]): Reply {
  const bit = intArg(argv[2] as string);
  if (bit !== 0 && bit !== 1) throw errors.generic('The bit argument must be 1 or 0.');
  const s = readBits(ctx, argv[1] as string);
  if (s === undefined) return int(bit === 1 ? -1 : 0);
  if (argv.length > 6) throw errors.syntax();
  let isBit = false;
  let endGiven = false;
  let startBit = 0;
  let endBit = s.length * 8 - 1;
  if (argv.length >= 4) {
    const rawStart = intArg(argv[3] as string);
    if (argv.length === 6) isBit = unitArg(argv[5] as string);
    let rawEnd = isBit ? s.length * 8 - 1 : s.length - 1;
    if (argv.length >= 5) {
      rawEnd = intArg(argv[4] as string);
      endGiven = true;
    }
    const [start, end] = clampRange(rawStart, rawEnd, isBit ? s.length * 8 : s.length);
    if (start > end) return int(-1);
    startBit = isBit ? start : start * 8;
    endBit = isBit ? end : end * 8 + 7;
  }
  if (startBit > endBit) return int(-1);
  const pos = findBit(s, startBit, endBit, bit);
  if (pos !== -1 || bit === 1 || endGiven) return int(pos);
  // Redis answers the first bit after the range's last byte.
  return int((Math.floor(endBit / 8) + 1) * 8);
}

// ---------------------------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------------------------

const BIT_OPS: readonly BitOp[] = ['and', 'or', 'xor', 'not'];
const EMPTY = new Uint8Array(0);

/**
 * BITOP op dest src...: the destination gets the result (its TTL dropped, `set`), or is deleted
 * (`del`) when every source is empty or missing. Answers the result's length.
 */
function bitopCmd(ctx: CommandContext, argv: string[]): Reply {
  const op = BIT_OPS.find((o) => isOpt(argv[1], o.toUpperCase()));
  if (op === undefined) throw errors.syntax();
  if (op === 'not' && argv.length !== 4) throw errors.generic('BITOP NOT must be called with a single source key.');
  const dest = argv[2] as string;
  const sources: Uint8Array[] = [];
  for (let j = 3; j < argv.length; j++) sources.push(readBits(ctx, argv[j] as string) ?? EMPTY);
  const result = bitop(op, sources);
  if (result.length > 0) {
    ctx.db.set(dest, result.toString('latin1'), 0);
    ctx.propagate(argv);
    ctx.notify('$', 'set', dest);
  } else if (ctx.db.delete(dest)) {
    ctx.propagate(['DEL', dest]);
    ctx.notify('g', 'del', dest);
  }
  return int(result.length);
}

// ---------------------------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO
// ---------------------------------------------------------------------------------------------

interface FieldOp {
  readonly kind: 'get' | 'set' | 'incrby';
  readonly type: FieldType;
  readonly offset: number;
  /** SET's value or INCRBY's increment (int64). */
  readonly arg: bigint;
  readonly overflow: Overflow;
}

/** Parses every operation first (Redis's order: each op's type, then offset, then value), executing nothing. */
function parseFieldOps(ctx: CommandContext, argv: readonly string[]): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j] as string;
    let kind: FieldOp['kind'];
    if (isOpt(sub, 'GET') && rem >= 2) kind = 'get';
    else if (isOpt(sub, 'SET') && rem >= 3) kind = 'set';
    else if (isOpt(sub, 'INCRBY') && rem >= 3) kind = 'incrby';
    else if (isOpt(sub, 'OVERFLOW') && rem >= 1) {
      const name = argv[++j] as string;
      const ow = (['wrap', 'sat', 'fail'] as const).find((o) => isOpt(name, o.toUpperCase()));
      if (ow === undefined) throw errors.generic('Invalid OVERFLOW type specified');
      overflow = ow;
      continue;
    } else throw errors.syntax();
    const type = parseFieldType(argv[j + 1] as string);
    if (type === null) throw errors.generic(FIELD_TYPE_ERR);
    const offset = bitOffsetArg(ctx, argv[j + 2] as string, type.bits);
    const arg = kind === 'get' ? 0n : int64Arg(argv[j + 3] as string);
    ops.push({ kind, type, offset, arg, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  return ops;
}

/** Only GETs: a read of the key (missing is all zeros), nothing journaled. */
function fieldReads(ctx: CommandContext, key: string, ops: readonly FieldOp[]): Reply {
  const e = readEntry(ctx, key);
  const byteAt = (i: number): number => (e === undefined ? 0 : e.byteAt(i));
  return array(ops.map((op) => int(getField(byteAt, op.offset, op.type))));
}

/**
 * With a SET or INCRBY, the string grows (zero-padded) to the farthest bit written, even if every
 * write then fails, as in Redis. Journaled as given when the value changed; `setbit` is raised only
 * when a field was written, as Redis does.
 */
function fieldWrites(ctx: CommandContext, argv: readonly string[], ops: readonly FieldOp[]): Reply {
  const key = argv[1] as string;
  const e = writeEntry(ctx, key);
  let highest = 0;
  for (const op of ops) if (op.kind !== 'get') highest = Math.max(highest, op.offset + op.type.bits - 1);
  const need = Math.floor(highest / 8) + 1;
  if (need > bufferConstants.MAX_STRING_LENGTH) throw errors.stringTooLong();
  const grown = e === undefined || need > e.valueBytes();
  // An existing string is changed in place; a new key is built, then stored.
  const buf = e === undefined ? Buffer.alloc(need) : e.mutableBytes(need);
  const byteAt = (i: number): number => (i < buf.length ? (buf[i] as number) : 0);
  let changes = 0;
  const replies: Reply[] = [];
  for (const op of ops) {
    const old = getField(byteAt, op.offset, op.type);
    if (op.kind === 'get') {
      replies.push(int(old));
      continue;
    }
    const next = op.kind === 'set' ? fieldResult(op.type, op.type.signed ? op.arg : BigInt.asUintN(64, op.arg), 0n, op.overflow) : fieldResult(op.type, old, op.arg, op.overflow);
    if (next === null) {
      replies.push(NULL_BULK);
      continue;
    }
    replies.push(int(op.kind === 'set' ? old : next));
    setBits(buf, op.offset, op.type.bits, next);
    if (grown || next !== old) changes++;
  }
  if (grown || changes > 0) {
    if (e === undefined) ctx.db.set(key, buf.toString('latin1'), 0);
    else ctx.db.changed(key, e);
    ctx.propagate(argv);
  }
  if (changes > 0) ctx.notify('$', 'setbit', key);
  return array(replies);
}

function bitfieldCmd(ctx: CommandContext, argv: string[]): Reply {
  const ops = parseFieldOps(ctx, argv);
  if (ops.every((op) => op.kind === 'get')) return fieldReads(ctx, argv[1] as string, ops);
  return fieldWrites(ctx, argv, ops);
}

function bitfieldRoCmd(ctx: CommandContext, argv: string[]): Reply {
  const ops = parseFieldOps(ctx, argv);
  if (ops.some((op) => op.kind !== 'get')) throw errors.generic('BITFIELD_RO only supports the GET subcommand');
  return fieldReads(ctx, argv[1] as string, ops);
}

/** Redis's bitfieldGetKeys: the key is read-only until the first SET/INCRBY (or anything it cannot parse). */
function bitfieldKeyFlags(argv: readonly string[]): readonly KeySpecFlag[] {
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    const a = argv[i];
    if (isOpt(a, 'GET') && rem >= 2) i += 2;
    else if (isOpt(a, 'OVERFLOW') && rem >= 1) i += 1;
    else return ['RW', 'ACCESS', 'UPDATE'];
  }
  return ['RO', 'ACCESS'];
}

// ---------------------------------------------------------------------------------------------
// The command table
// ---------------------------------------------------------------------------------------------

export const bitmapCommands: CommandSpec[] = [
  command({
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: setbitCmd,
  }),
  command({
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Returns the bit value at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: getbitCmd,
  }),
  command({
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Count set bits in a string',
    since: '2.6.0',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    handler: bitcountCmd,
  }),
  command({
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Find first bit set or clear in a string',
    since: '2.8.7',
    complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    handler: bitposCmd,
  }),
  command({
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(2, ['OW', 'UPDATE']), keyAt(3, ['RO', 'ACCESS'], -1)],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Perform bitwise operations between strings',
    since: '2.6.0',
    complexity: 'O(N)',
    handler: bitopCmd,
  }),
  command({
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    keySpecs: [
      {
        notes: 'This command allows both access and modification of the key',
        flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'],
        begin: { index: 1 },
        find: { lastkey: 0, keystep: 1, limit: 0 },
        flagsFor: bitfieldKeyFlags,
      },
    ],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Perform arbitrary bitfield integer operations on strings',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    handler: bitfieldCmd,
  }),
  command({
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, ['RO', 'ACCESS'])],
    group: 'bitmap',
    acl: ['bitmap'],
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    handler: bitfieldRoCmd,
  }),
];
