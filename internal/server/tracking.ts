// Server-assisted client-side caching, the pure part (Redis's tracking.c tables): which clients may cache a key, the BCAST prefix table and its per-turn batches, prefix overlap checks.
//
// Keys are names only, not (db, name): as in Redis, a client that cached `k` read in db 0 is told
// when `k` changes in any database. Client ids are remembered, not connections: an id whose
// client went away or stopped tracking is skipped when the key is invalidated (Redis cleans the
// table lazily too), and every tracked key is forgotten once it has been invalidated.

/** CLIENT TRACKING flags (Redis's CLIENT_TRACKING_* bits), kept in ClientTracking.flags. */
export const TRACK_BCAST = 1;
export const TRACK_OPTIN = 2;
export const TRACK_OPTOUT = 4;
export const TRACK_NOLOOP = 8;
/** CLIENT CACHING YES (OPTIN) / NO (OPTOUT) given for the next command. */
export const TRACK_CACHING = 16;
/** The redirect client went away: the `R` flag of CLIENT LIST, `broken_redirect` of TRACKINGINFO. */
export const TRACK_BROKEN_REDIR = 32;
/**
 * ringcache: a peer's forwarding link tracking on behalf of its node's clients (CLUSTER TRACK).
 * Its invalidations travel as RESP3 pushes on the link whatever protocol the link speaks.
 */
export const TRACK_PEER = 64;

/** The flags `CLIENT TRACKING ON` sets anew each time (Redis's enableTracking clears them first). */
export const TRACK_MODE_BITS = TRACK_BROKEN_REDIR | TRACK_BCAST | TRACK_OPTIN | TRACK_OPTOUT | TRACK_NOLOOP;

/**
 * Whether a read by a client with these flags is remembered: not in BCAST mode, and OPTIN needs
 * CLIENT CACHING YES while OPTOUT skips reads after CLIENT CACHING NO (trackingRememberKeys).
 */
export function remembersReads(flags: number): boolean {
  if ((flags & TRACK_BCAST) !== 0) return false;
  const caching = (flags & TRACK_CACHING) !== 0;
  if ((flags & TRACK_OPTIN) !== 0 && !caching) return false;
  return !((flags & TRACK_OPTOUT) !== 0 && caching);
}

/**
 * Redis's TrackingTable: key -> ids of the clients that read it since it last changed. `via`
 * says where a key was read from in a cluster (the member that owns it, for reads this node
 * forwarded), so that a lost link or a moved slot can invalidate exactly the keys concerned.
 */
export class KeyTable {
  private readonly keys = new Map<string, Set<number>>();
  /** Keys read through another member: key -> that member's id. Absent: read here. */
  private readonly via = new Map<string, string>();
  /** Ids over all keys (INFO tracking_total_items). */
  items = 0;

  /** Tracked keys (INFO tracking_total_keys). */
  get size(): number {
    return this.keys.size;
  }

  /** `id` may cache `key`, read here (`from` null) or from member `from`. */
  remember(key: string, id: number, from: string | null): void {
    let ids = this.keys.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.keys.set(key, ids);
    }
    if (!ids.has(id)) {
      ids.add(id);
      this.items++;
    }
    // A key read both here and through a peer keeps the peer: a lost link then invalidates it too.
    if (from !== null) this.via.set(key, from);
  }

  /** Forgets a key and returns who had it (undefined when nobody did). */
  take(key: string): ReadonlySet<number> | undefined {
    const ids = this.keys.get(key);
    if (ids === undefined) return undefined;
    this.keys.delete(key);
    this.via.delete(key);
    this.items -= ids.size;
    return ids;
  }

  clear(): void {
    this.keys.clear();
    this.via.clear();
    this.items = 0;
  }

  /** The key tracked longest (tracking-table-max-keys forgets from here). */
  oldest(): string | undefined {
    for (const k of this.keys.keys()) return k;
    return undefined;
  }

  /** Keys read through member `from` (its link was lost, or its data flushed). */
  readFrom(from: string): string[] {
    const out: string[] = [];
    for (const [k, m] of this.via) if (m === from) out.push(k);
    return out;
  }

  /**
   * Keys no longer owned where they were read: `ownerOf` gives a key's owner now (null = this
   * node). A slot that moved may hold a value the old owner never had, so its readers must drop
   * what they cached. O(keys tracked), run once per ring change.
   */
  moved(ownerOf: (key: string) => string | null): string[] {
    const out: string[] = [];
    for (const k of this.keys.keys()) {
      if (ownerOf(k) !== (this.via.get(k) ?? null)) out.push(k);
    }
    return out;
  }
}

/** One prefix of the BCAST table: who follows it, and the keys changed under it this turn (with who changed them). */
export interface PrefixBatch<C> {
  readonly prefix: string;
  readonly clients: ReadonlySet<C>;
  readonly keys: ReadonlyMap<string, C | null>;
}

interface PrefixState<C> {
  readonly clients: Set<C>;
  keys: Map<string, C | null>;
}

/** Redis's PrefixTable: BCAST prefixes -> their clients, and the keys changed under each since the last broadcast. */
export class PrefixTable<C> {
  private readonly prefixes = new Map<string, PrefixState<C>>();

  /** Prefixes followed by at least one client (INFO tracking_total_prefixes). */
  get size(): number {
    return this.prefixes.size;
  }

  /** `c` follows `prefix`; false when it already did (enableBcastTrackingForPrefix). */
  add(prefix: string, c: C): boolean {
    let st = this.prefixes.get(prefix);
    if (st === undefined) {
      st = { clients: new Set(), keys: new Map() };
      this.prefixes.set(prefix, st);
    }
    if (st.clients.has(c)) return false;
    st.clients.add(c);
    return true;
  }

  /** `c` stops following `prefix`; the prefix goes once nobody follows it. */
  remove(prefix: string, c: C): void {
    const st = this.prefixes.get(prefix);
    if (st === undefined) return;
    st.clients.delete(c);
    if (st.clients.size === 0) this.prefixes.delete(prefix);
  }

  /**
   * A key changed: noted under every prefix it starts with, with the client that changed it (null
   * for expiry and eviction), the last change winning (NOLOOP skips a client's own changes).
   * Returns whether any prefix matched.
   */
  note(key: string, by: C | null): boolean {
    let hit = false;
    for (const [prefix, st] of this.prefixes) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      st.keys.set(key, by);
      hit = true;
    }
    return hit;
  }

  /** Takes the batches of this turn, prefixes in byte order as Redis's radix tree walks them, and starts new ones. */
  drain(): PrefixBatch<C>[] {
    const out: PrefixBatch<C>[] = [];
    for (const [prefix, st] of this.prefixes) {
      if (st.keys.size === 0) continue;
      out.push({ prefix, clients: st.clients, keys: st.keys });
      st.keys = new Map();
    }
    return out.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  }
}

/** Byte order of latin1 strings (one code unit per byte), as a radix tree lists its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `*1\r\n$<n>\r\n<key>\r\n`: the key array of a default-mode invalidation. */
export function keyFrame(key: string): string {
  return `*1\r\n$${key.length}\r\n${key}\r\n`;
}

/**
 * The RESP array of a broadcast batch, keys in byte order (trackingBuildBroadcastReply); keys last
 * changed by `exclude` (a NOLOOP client) are left out. Null when nothing is left to send.
 */
export function batchFrame<C>(keys: ReadonlyMap<string, C | null>, exclude: C | null): string | null {
  const list: string[] = [];
  for (const [k, by] of keys) if (exclude === null || by !== exclude) list.push(k);
  if (list.length === 0) return null;
  list.sort(byteOrder);
  let s = `*${list.length}\r\n`;
  for (const k of list) s += `$${k.length}\r\n${k}\r\n`;
  return s;
}

/** Redis's stringCheckPrefix: one is a prefix of the other (equal ones, and the empty prefix, overlap everything). */
function overlaps(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

/** A prefix as Redis's %s prints it in an error: up to a NUL byte, CR and LF turned into spaces. */
function shown(p: string): string {
  const nul = p.indexOf('\0');
  return (nul >= 0 ? p.slice(0, nul) : p).replace(/[\r\n]/g, ' ');
}

/**
 * checkPrefixCollisionsOrReply: the error for the first given prefix that overlaps one the client
 * already follows (checked in byte order) or a later given one; null when none does.
 */
export function prefixOverlap(existing: Iterable<string>, given: readonly string[]): string | null {
  const have = [...existing].sort(byteOrder);
  for (let i = 0; i < given.length; i++) {
    const p = given[i] as string;
    for (const e of have) {
      if (overlaps(e, p)) return `Prefix '${shown(p)}' overlaps with an existing prefix '${shown(e)}'. Prefixes for a single client must not overlap.`;
    }
    for (let j = i + 1; j < given.length; j++) {
      const q = given[j] as string;
      if (overlaps(p, q)) return `Prefix '${shown(p)}' overlaps with another provided prefix '${shown(q)}'. Prefixes for a single client must not overlap.`;
    }
  }
  return null;
}
