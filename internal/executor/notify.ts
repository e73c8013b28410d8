// Keyspace notification flags (notify-keyspace-events): parsing, formatting and the class bits.

/** Event classes a command can raise, as Redis names them. */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'n';

const BIT: Record<string, number> = {
  K: 1 << 0, // __keyspace@<db>__:<key> channel
  E: 1 << 1, // __keyevent@<db>__:<event> channel
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 12,
  n: 1 << 13,
};
export const KEYSPACE = BIT.K as number;
export const KEYEVENT = BIT.E as number;
/** `A` is an alias for "g$lshzxetd" (not m, not n), as in Redis. */
const ALL = 'g$lshzxetd';

export function classBit(c: NotifyClass): number {
  return BIT[c] as number;
}

/** Parses a notify-keyspace-events value; null if it has a character Redis rejects. */
export function parseNotifyFlags(s: string): number | null {
  let mask = 0;
  for (const ch of s) {
    if (ch === 'A') {
      for (const a of ALL) mask |= BIT[a] as number;
      continue;
    }
    const b = BIT[ch];
    if (b === undefined) return null;
    mask |= b;
  }
  return mask;
}

/** The canonical form CONFIG GET shows (Redis's keyspaceEventsFlagsToString). */
export function formatNotifyFlags(mask: number): string {
  let out = '';
  let allSet = true;
  for (const a of ALL) if ((mask & (BIT[a] as number)) === 0) allSet = false;
  if (allSet) out += 'A';
  else for (const a of ALL) if (mask & (BIT[a] as number)) out += a;
  if (mask & (BIT.K as number)) out += 'K';
  if (mask & (BIT.E as number)) out += 'E';
  if (mask & (BIT.m as number)) out += 'm';
  if (mask & (BIT.n as number)) out += 'n';
  return out;
}
