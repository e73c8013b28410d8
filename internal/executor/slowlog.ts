// The slow log: commands over slowlog-log-slower-than, newest first, with Redis's argument truncation and AUTH redaction.
import type { SlowlogEntry } from '../contracts/command.js';
import type { Client } from '../server/client.js';

const SLOWLOG_MAX_ARGS = 32;
const SLOWLOG_MAX_ARG_LEN = 128;

export class Slowlog {
  private items: SlowlogEntry[] = [];
  private nextId = 0;

  entries(): readonly SlowlogEntry[] {
    return this.items;
  }

  reset(): void {
    this.items = [];
  }

  /** Records one command, keeping at most `max` entries (0 or less keeps none). */
  record(client: Client, argv: readonly string[], us: number, now: number, max: number): void {
    if (max <= 0) return;
    const shown = argv.slice(0, argv.length > SLOWLOG_MAX_ARGS ? SLOWLOG_MAX_ARGS - 1 : SLOWLOG_MAX_ARGS).map((a) =>
      a.length > SLOWLOG_MAX_ARG_LEN ? `${a.slice(0, SLOWLOG_MAX_ARG_LEN)}... (${a.length - SLOWLOG_MAX_ARG_LEN} more bytes)` : a,
    );
    if (argv.length > SLOWLOG_MAX_ARGS) shown.push(`... (${argv.length - SLOWLOG_MAX_ARGS + 1} more arguments)`);
    // AUTH and friends must never be recorded with their arguments.
    const cmd = (argv[0] ?? '').toLowerCase();
    const redacted = cmd === 'auth' || cmd === 'hello' ? [shown[0] ?? cmd, '(redacted)'] : shown;
    this.items.unshift({ id: this.nextId++, time: Math.floor(now / 1000), durationUs: Math.round(us), argv: redacted, addr: client.addr, name: client.name });
    if (this.items.length > max) this.items.length = max;
  }
}
