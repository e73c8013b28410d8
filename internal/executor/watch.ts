// WATCH bookkeeping: which clients watch which keys, so a change marks their EXEC to fail.
import type { Client } from '../server/client.js';

export class WatchTable {
  /** `db\0key` -> clients watching it. */
  private readonly byKey = new Map<string, Set<Client>>();

  watch(client: Client, keys: readonly string[]): void {
    for (const key of keys) {
      const k = `${client.db}\0${key}`;
      if (client.watched.has(k)) continue;
      client.watched.add(k);
      let set = this.byKey.get(k);
      if (set === undefined) {
        set = new Set();
        this.byKey.set(k, set);
      }
      set.add(client);
    }
  }

  unwatch(client: Client): void {
    for (const k of client.watched) {
      const set = this.byKey.get(k);
      if (set === undefined) continue;
      set.delete(client);
      if (set.size === 0) this.byKey.delete(k);
    }
    client.watched.clear();
    client.watchDirty = false;
  }

  /** A key changed or expired: every client watching it will see its EXEC fail. */
  touched(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const set = this.byKey.get(`${db}\0${key}`);
    if (set === undefined) return;
    for (const c of set) c.watchDirty = true;
  }
}
