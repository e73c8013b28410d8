// ACL LOG: denied commands, keys, channels and failed AUTHs, grouped as Redis groups similar events within a minute.
import { DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY, type AclLogEntry } from './user.js';

/** Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA. */
const GROUPING_MS = 60_000;
/** Entries compared when grouping (Redis scans at most 10). */
const GROUPING_SCAN = 10;

export function reasonName(reason: number): string {
  if (reason === DENIED_CMD) return 'command';
  if (reason === DENIED_KEY) return 'key';
  if (reason === DENIED_CHANNEL) return 'channel';
  return reason === DENIED_AUTH ? 'auth' : 'unknown';
}

export class AclLog {
  /** Newest first. */
  private entries: AclLogEntry[] = [];

  add(e: Omit<AclLogEntry, 'count'>, maxLen: number): void {
    const scan = Math.min(GROUPING_SCAN, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const cur = this.entries[i] as AclLogEntry;
      if (cur.reason === e.reason && cur.context === e.context && Math.abs(cur.ctime - e.ctime) <= GROUPING_MS && cur.object === e.object && cur.username === e.username) {
        cur.cinfo = e.cinfo;
        cur.ctime = e.ctime;
        cur.count++;
        this.entries.splice(i, 1);
        this.entries.unshift(cur);
        return;
      }
    }
    this.entries.unshift({ ...e, count: 1 });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  list(count: number): readonly AclLogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  reset(): void {
    this.entries = [];
  }
}
