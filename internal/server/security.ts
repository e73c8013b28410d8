// Connection-level protections as Redis 7.0 has them: protected mode (non-loopback clients refused without a password) and cross-protocol requests.

/** Redis 7.0's reply to a client refused by protected mode (networking.c clientAcceptHandler), word for word. */
export const PROTECTED_MODE_DENIED =
  '-DENIED Redis is running in protected mode because protected ' +
  'mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. ' +
  'If you want to connect from external computers to Redis you ' +
  'may adopt one of the following solutions: ' +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface " +
  'by connecting to Redis from the same host the server is ' +
  'running, however MAKE SURE Redis is not publicly accessible ' +
  'from internet if you do so. Use CONFIG REWRITE to make this ' +
  'change permanent. ' +
  '2) Alternatively you can just disable the protected mode by ' +
  'editing the Redis configuration file, and setting the protected ' +
  "mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  '4) Setup a an authentication password for the default user. ' +
  'NOTE: You only need to do one of the above things in order for ' +
  'the server to start accepting connections from the outside.\r\n';

/** Redis's warning for an HTTP request sent to the RESP port (networking.c securityWarningCommand). */
export const CROSS_PROTOCOL_WARNING =
  'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.';

/** An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * Redis's islocalClient: exactly 127.0.0.1 or ::1. Other loopback addresses (127.0.0.2) are not
 * local to Redis, and neither are they here.
 */
export function isLocalClient(ip: string): boolean {
  const a = plainIp(ip);
  return a === '127.0.0.1' || a === '::1';
}

/**
 * Whether protected mode refuses a client from `ip`: protected-mode on, the default user without a
 * password, and the client not local. `trusted` lets cluster members in: their peer links use the
 * RESP port, which Redis's cluster bus never does.
 */
export function protectedModeRefuses(on: boolean, defaultUserNoPass: boolean, ip: string, trusted: (ip: string) => boolean): boolean {
  return on && defaultUserNoPass && !isLocalClient(ip) && !trusted(plainIp(ip));
}

/** Whether `ip` is a cluster member's: its announced host or the address it gossips from. */
export function isMemberAddress(members: readonly { readonly gossipAddr: string; readonly meta: { readonly host: string } }[], ip: string): boolean {
  const a = plainIp(ip);
  for (const m of members) {
    if (m.meta.host === a) return true;
    const g = m.gossipAddr;
    const host = g.slice(0, g.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    if (host === a) return true;
  }
  return false;
}

/** A command name an HTTP request puts first on a line: `POST` (the request line) or `Host:` (a header), case-insensitive. */
export function isCrossProtocolCommand(name: string): boolean {
  if (name.length !== 4 && name.length !== 5) return false;
  const n = name.toLowerCase();
  return n === 'post' || n === 'host:';
}

/** Redis logs the cross-protocol warning at most once a minute, so an attacker cannot flood the log. */
export class WarningThrottle {
  private last = -Infinity;

  constructor(private readonly everyMs = 60_000) {}

  /** True when the warning should be logged now (and remembers it). */
  shouldLog(now: number): boolean {
    if (Math.abs(now - this.last) <= this.everyMs) return false;
    this.last = now;
    return true;
  }
}
