// MONITOR: the line redis-server 7.0 sends monitors for each executed command (quoting, redactions), and the set of monitors.
import type { Client } from '../server/client.js';

const REDACTED = '(redacted)';

/**
 * One argument quoted as Redis's sdscatrepr does: in double quotes, `\\` `"` `\n` `\r` `\t`
 * `\a` `\b` escaped, other printable ASCII as is, every other byte as `\xhh` (argv strings hold
 * one byte per char code).
 */
export function quoteArg(s: string): string {
  let out = '"';
  let plain = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(plain, i);
    plain = i + 1;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else out += '\\x' + (c & 0xff).toString(16).padStart(2, '0');
  }
  return out + s.slice(plain) + '"';
}

/**
 * argv as monitors see it: the secrets Redis 7.0 redacts replaced by `(redacted)`. AUTH hides
 * its arguments (every one: Redis shows them for a malformed AUTH of more than two, which would
 * print a password), HELLO the two after each AUTH option it parses, MIGRATE the password of
 * AUTH and the user and password of AUTH2.
 */
export function redactArgv(argv: readonly string[]): readonly string[] {
  const name = (argv[0] ?? '').toLowerCase();
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : REDACTED));
  if (name === 'hello') {
    const out = [...argv];
    // As HELLO parses: protover, then AUTH <user> <pass> / SETNAME <name> until something else.
    for (let j = 2; j < out.length; j++) {
      const opt = (out[j] as string).toLowerCase();
      const more = out.length - 1 - j;
      if (opt === 'auth' && more >= 2) {
        out[j + 1] = REDACTED;
        out[j + 2] = REDACTED;
        j += 2;
      } else if (opt === 'setname' && more >= 1) {
        j += 1;
      } else {
        break;
      }
    }
    return out;
  }
  if (name === 'migrate') {
    const out = [...argv];
    for (let j = 6; j < out.length; j++) {
      const opt = (out[j] as string).toLowerCase();
      if (opt === 'auth' && j + 1 < out.length) {
        out[j + 1] = REDACTED;
        j += 1;
      } else if (opt === 'auth2' && j + 2 < out.length) {
        out[j + 1] = REDACTED;
        out[j + 2] = REDACTED;
        j += 2;
      } else if (opt === 'keys') {
        break;
      }
    }
    return out;
  }
  return argv;
}

/**
 * A MONITOR line without the `+` and CRLF framing: `<unix seconds>.<micros> [<db> <addr>] "arg" ...`.
 * `micros` is the time in microseconds since the epoch.
 */
export function monitorLine(micros: number, db: number, addr: string, argv: readonly string[]): string {
  const sec = Math.floor(micros / 1_000_000);
  const us = String(micros - sec * 1_000_000).padStart(6, '0');
  let line = `${sec}.${us} [${db} ${addr}]`;
  for (const a of redactArgv(argv)) line += ' ' + quoteArg(a);
  return line;
}

/** The clients in MONITOR mode. */
export class MonitorFeed {
  private readonly clients = new Set<Client>();

  get size(): number {
    return this.clients.size;
  }

  add(client: Client): void {
    client.monitor = true;
    this.clients.add(client);
  }

  remove(client: Client): void {
    client.monitor = false;
    this.clients.delete(client);
  }

  /** The last line's time: lines never go back in time, even where clock reads do. */
  private lastMicros = 0;

  /**
   * Sends the line for a command `client` just executed to every monitor, stamped `nowMs` (the
   * node's clock) plus the sub-millisecond part of `subMs`, a monotonic reading in ms.
   */
  /** `script`: a command a script ran, shown from `lua` as Redis shows its script client. */
  feed(nowMs: number, subMs: number, client: Client, argv: readonly string[], script = false): void {
    let micros = nowMs * 1000 + Math.floor((subMs % 1) * 1000);
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    const line = monitorLine(micros, client.db, script ? 'lua' : client.addr, argv);
    for (const m of this.clients) m.feed(line);
  }
}
