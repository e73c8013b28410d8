// Pure slot math of cluster replication: which slots a node streams to each peer, which it holds as a replica, and the records' key filtering.
import { rangeOf, type Ring } from '../ring/ring.js';
import { SLOT_COUNT } from '../ring/slot.js';

/** A slot bitmap: 1 = in the set. */
export type SlotMask = Uint8Array;

export function emptyMask(): SlotMask {
  return new Uint8Array(SLOT_COUNT);
}

/**
 * For every other member: the slots `self` owns in `ring` and that member replicates (where the
 * owner streams to). Members that replicate none of self's slots are absent.
 */
export function streamMasks(ring: Ring, self: string): Map<string, SlotMask> {
  const out = new Map<string, SlotMask>();
  const me = ring.members.indexOf(self);
  if (me < 0) return out;
  for (const r of ring.ranges) {
    if (r.owner !== me) continue;
    for (const i of r.replicas) {
      const id = ring.members[i] as string;
      let m = out.get(id);
      if (m === undefined) {
        m = emptyMask();
        out.set(id, m);
      }
      m.fill(1, r.start, r.end + 1);
    }
  }
  return out;
}

/** The slots `self` holds as a replica in `ring` (its own replicas of other owners' slots). */
export function replicaMask(ring: Ring, self: string): SlotMask {
  const m = emptyMask();
  const me = ring.members.indexOf(self);
  if (me < 0) return m;
  for (const r of ring.ranges) if (r.owner !== me && r.replicas.includes(me)) m.fill(1, r.start, r.end + 1);
  return m;
}

/** Slots set in `b` and not in `a`. */
export function added(a: SlotMask | undefined, b: SlotMask): SlotMask {
  const out = emptyMask();
  for (let s = 0; s < SLOT_COUNT; s++) if (b[s] === 1 && a?.[s] !== 1) out[s] = 1;
  return out;
}

export function isEmpty(m: SlotMask): boolean {
  return m.indexOf(1) < 0;
}

export function count(m: SlotMask): number {
  let n = 0;
  for (let s = 0; s < SLOT_COUNT; s++) n += m[s] as number;
  return n;
}

/** The mask as flat [start, end, start, end, ...] runs (wire form of a slot set). */
export function maskRanges(m: SlotMask): number[] {
  const out: number[] = [];
  let s = 0;
  while (s < SLOT_COUNT) {
    if (m[s] !== 1) {
      s++;
      continue;
    }
    const start = s;
    while (s < SLOT_COUNT && m[s] === 1) s++;
    out.push(start, s - 1);
  }
  return out;
}

/** The inverse of maskRanges; null when the list is malformed (odd length, out of range, reversed). */
export function rangesMask(flat: readonly string[]): SlotMask | null {
  if (flat.length % 2 !== 0) return null;
  const m = emptyMask();
  for (let i = 0; i < flat.length; i += 2) {
    const a = Number(flat[i]);
    const b = Number(flat[i + 1]);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b >= SLOT_COUNT || a > b) return null;
    m.fill(1, a, b + 1);
  }
  return m;
}

/** Whether `self` held `slot` as a replica in `ring`. */
export function replicatedIn(ring: Ring, self: string, slot: number): boolean {
  const me = ring.members.indexOf(self);
  if (me < 0) return false;
  const r = rangeOf(ring, slot);
  return r.owner !== me && r.replicas.includes(me);
}

/** Multi-key writes whose keys the record filter may split (the forms split commands are journaled in). */
const SPLITTABLE = new Set(['del', 'unlink', 'mset', 'msetnx', 'touch']);

/**
 * The part of a write a peer holding the slots in `mask` must apply: the whole argv when every key
 * is in the mask, null when none is, and for DEL/UNLINK/MSET (which proxy mode splits per owner,
 * not per slot) the argv with only the peer's keys. Other commands have their keys in one slot.
 */
export function recordFor(argv: readonly string[], name: string, keyIdx: readonly number[], slots: readonly number[], mask: SlotMask): readonly string[] | null {
  let inside = 0;
  for (const s of slots) if (mask[s] === 1) inside++;
  if (inside === slots.length) return argv;
  if (inside === 0) return null;
  if (!SPLITTABLE.has(name)) return mask[slots[0] as number] === 1 ? argv : null;
  const step = name === 'mset' || name === 'msetnx' ? 2 : 1;
  const out = [argv[0] as string];
  for (let j = 0; j < keyIdx.length; j++) {
    if (mask[slots[j] as number] !== 1) continue;
    const at = keyIdx[j] as number;
    for (let k = 0; k < step; k++) out.push(argv[at + k] as string);
  }
  return out;
}
