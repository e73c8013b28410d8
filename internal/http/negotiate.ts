// Accept header negotiation (RFC 9110 §12.5.1): media ranges with q-values, the most specific range deciding each type.

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Media ranges looked at per header: a real Accept lists a handful; the header size bounds the rest. */
const MAX_RANGES = 64;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** The parsed ranges of an Accept header; malformed ranges are skipped. */
export function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of header.split(',', MAX_RANGES)) {
    const [range = '', ...params] = part.split(';');
    const slash = range.indexOf('/');
    if (slash <= 0) continue;
    const type = range.slice(0, slash).trim().toLowerCase();
    const subtype = range.slice(slash + 1).trim().toLowerCase();
    if (type === '' || subtype === '' || (type === '*' && subtype !== '*')) continue;
    let q = 1;
    let valid = true;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'q') continue;
      const v = p.slice(eq + 1).trim();
      if (QVALUE.test(v)) q = Number(v);
      else valid = false;
    }
    if (valid) out.push({ type, subtype, q });
  }
  return out;
}

/** How well a range matches `type/subtype`: 2 exact, 1 `type/*`, 0 `*\/*`, -1 not at all. */
function specificity(r: MediaRange, type: string, subtype: string): number {
  if (r.type === type && r.subtype === subtype) return 2;
  if (r.type === type && r.subtype === '*') return 1;
  if (r.type === '*' && r.subtype === '*') return 0;
  return -1;
}

/**
 * The offered media type the client prefers, or null when it accepts none of them (406). Each
 * offered type gets the q of the most specific range matching it (so `*\/*, a/b;q=0` excludes a/b);
 * q=0 means not acceptable; ties go to the earlier offer. No Accept header (or one with no valid
 * range) accepts anything: the first offer.
 */
export function negotiate(header: string | undefined, offered: readonly string[]): string | null {
  if (header === undefined || header === '' || header === '*/*') return offered[0] ?? null;
  const ranges = parseAccept(header);
  if (ranges.length === 0) return offered[0] ?? null;
  let best: string | null = null;
  let bestQ = 0;
  for (const o of offered) {
    const slash = o.indexOf('/');
    const type = o.slice(0, slash);
    const subtype = o.slice(slash + 1);
    let spec = -1;
    let q = 0;
    for (const r of ranges) {
      const s = specificity(r, type, subtype);
      if (s > spec) {
        spec = s;
        q = r.q;
      }
    }
    if (q > bestQ) {
      best = o;
      bestQ = q;
    }
  }
  return best;
}
