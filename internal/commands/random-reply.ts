// Negative-count random replies (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER): picks encoded straight into one buffer, its size checked before it is built.
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { encode, ReplyWriter } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';

/**
 * Below this many picks the ordinary Reply array is built (scripts always get it: Lua converts
 * Reply objects, not bytes). Above it, a Reply object per pick costs ~70 bytes and the encoder a
 * second pass: SRANDMEMBER s -16777216 took RSS from 0.1 to 1.2 GB and the loop for 9 s.
 */
export const COMPACT_PICKS = 4096;

/**
 * Largest count a negative SRANDMEMBER / HRANDFIELD / ZRANDMEMBER may ask for. Redis has no bound
 * and builds the reply until memory runs out (a count of -2^63+1 takes the server down); one
 * node answering one client must not, so beyond this the count is refused as out of range.
 */
export const MAX_RANDOM_REPLY = 1 << 24;

/**
 * `n` picks with repetition among `size` entries: `next()` gives an entry's index, `entry(i)` its
 * reply, `perPick` the array elements it counts for (2 for a RESP2 field/value pair written flat).
 * Each distinct entry is encoded once by the encoder, so the bytes are those the Reply objects
 * would give; the reply is refused with an error before anything is built when it would exceed
 * proto-max-bulk-len (Redis would stream it to an unlimited output buffer).
 */
export function repeatedPicks(ctx: CommandContext, size: number, n: number, next: () => number, entry: (i: number) => Reply, perPick: number): Reply | null {
  if (n < COMPACT_PICKS || ctx.inScript) return null;
  const proto = ctx.client.proto === 3 ? 3 : 2;
  // Entry index -> slot of its encoding: a typed array when the collection is not huge (a Map
  // lookup per pick was most of the time at 16M picks), a Map otherwise.
  const dense = size <= DENSE_MAX ? new Int32Array(size).fill(-1) : null;
  const sparse = dense === null ? new Map<number, number>() : null;
  // Every distinct encoding goes into one writer (a Buffer each cost 18 s at 1M distinct members).
  const pool = new ReplyWriter(64 * 1024);
  const starts: number[] = [];
  const lens: number[] = [];
  // One slot per pick; a slot is below `size`, so small collections take 1 or 2 bytes a pick, not 4 (64 MB at 16M picks).
  const picks = size <= 0x100 ? new Uint8Array(n) : size <= 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
  const header = Buffer.from(`*${n * perPick}\r\n`, 'latin1');
  const limit = ctx.server.config.num('proto_max_bulk_len');
  let total = header.length;
  for (let k = 0; k < n; k++) {
    const i = next();
    let slot = dense !== null ? (dense[i] as number) : (sparse?.get(i) ?? -1);
    if (slot < 0) {
      slot = starts.length;
      const at = pool.length;
      encode(pool, entry(i), proto);
      starts.push(at);
      lens.push(pool.length - at);
      if (dense !== null) dense[i] = slot;
      else sparse?.set(i, slot);
    }
    picks[k] = slot;
    total += lens[slot] as number;
    if (total > limit) throw errors.generic(`reply of ${n} elements would exceed proto-max-bulk-len (${limit} bytes); ask for fewer`);
  }
  const bytes = pool.take();
  const out = Buffer.allocUnsafe(total);
  let off = header.copy(out, 0);
  for (let k = 0; k < n; k++) {
    const slot = picks[k] as number;
    const from = starts[slot] as number;
    const len = lens[slot] as number;
    // Small entries byte by byte: Buffer#copy costs a native call each, which dominates at 16M picks.
    if (len <= 32) for (let j = 0; j < len; j++) out[off++] = bytes[from + j] as number;
    else off += bytes.copy(out, off, from, from + len);
  }
  return { t: 'raw', v: out };
}

/** Collections up to this size map entry index -> encoding through a typed array (16 MB at most). */
const DENSE_MAX = 1 << 22;
