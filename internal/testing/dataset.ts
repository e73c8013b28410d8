// Test helper: a canonical, comparable picture of a store's whole data set (every db, key, value and expiry).
import { HashValue } from '../store/hash.js';
import { ListValue } from '../store/list.js';
import { SetValue } from '../store/set.js';
import type { Store } from '../store/store.js';
import { formatId, StreamValue } from '../store/stream.js';
import type { Value } from '../store/types.js';
import { ZSet } from '../store/zset.js';

export type Picture = Record<string, unknown>;

function pictureOf(v: Value): unknown {
  if (typeof v === 'string') return ['string', v];
  if (v instanceof HashValue) return ['hash', [...v.entries()].map(([f, s]) => [f, s.v]).sort()];
  if (v instanceof SetValue) return ['set', [...v.members()].sort()];
  if (v instanceof ListValue) return ['list', v.toArray()];
  if (v instanceof ZSet) return ['zset', [...v.entries()].map(([m, s]) => [m, Object.is(s, -0) ? '-0' : s])];
  if (v instanceof StreamValue) {
    return [
      'stream',
      [...v.entries.entries()].map(([id, f]) => [formatId(id), [...f]]),
      formatId(v.lastId),
      String(v.entriesAdded),
      formatId(v.maxDeletedId),
      [...(v.groups?.values() ?? [])]
        .map((g) => [
          g.name,
          formatId(g.lastId),
          String(g.entriesRead),
          [...g.pel.entries()].map(([id, n]) => [formatId(id), n.consumer?.name ?? null, n.deliveryTime, n.deliveryCount]),
          [...g.consumers.keys()].sort(),
        ])
        .sort(),
    ];
  }
  return ['unknown', v.type];
}

/** db:key -> [type, content..., expireAt]; keys already expired at `now` are left out. */
export function picture(store: Store, now = store.time.now): Picture {
  const out: Picture = {};
  for (let i = 0; i < store.databases; i++) {
    for (const [key, e] of store.db(i).entries()) {
      if (e.expireAt !== 0 && e.expireAt <= now) continue;
      out[`${i}:${key}`] = [pictureOf(e.value), e.expireAt];
    }
  }
  return out;
}
