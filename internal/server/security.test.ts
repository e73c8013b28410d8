// Table tests of the connection-level protections: who is local to Redis, which names are HTTP, cluster members, the warning throttle.
import { describe, expect, it } from 'vitest';
import { isCrossProtocolCommand, isLocalClient, isMemberAddress, PROTECTED_MODE_DENIED, protectedModeRefuses, WarningThrottle } from './security.js';

describe('protected mode', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['127.0.0.2', false],
    ['::ffff:127.0.0.2', false],
    ['10.0.0.5', false],
    ['fe80::1', false],
    ['', false],
  ])('%s is local: %s (Redis trusts exactly 127.0.0.1 and ::1)', (ip, local) => {
    expect(isLocalClient(ip)).toBe(local);
  });

  it('refuses only with protected-mode on, no password and a non-local, non-member client', () => {
    const none = (): boolean => false;
    expect(protectedModeRefuses(true, true, '10.0.0.5', none)).toBe(true);
    expect(protectedModeRefuses(false, true, '10.0.0.5', none)).toBe(false);
    expect(protectedModeRefuses(true, false, '10.0.0.5', none)).toBe(false);
    expect(protectedModeRefuses(true, true, '127.0.0.1', none)).toBe(false);
    expect(protectedModeRefuses(true, true, '::ffff:10.0.0.5', (ip) => ip === '10.0.0.5')).toBe(false);
  });

  it('knows members by announced host or gossip address', () => {
    const members = [
      { gossipAddr: '10.0.0.7:7946', meta: { host: 'node-a.internal' } },
      { gossipAddr: '[fd00::9]:7946', meta: { host: '10.0.0.8' } },
    ];
    expect(isMemberAddress(members, '10.0.0.7')).toBe(true);
    expect(isMemberAddress(members, '::ffff:10.0.0.8')).toBe(true);
    expect(isMemberAddress(members, 'fd00::9')).toBe(true);
    expect(isMemberAddress(members, '10.0.0.9')).toBe(false);
  });

  it("carries Redis 7.0's reply, one line ending in CRLF", () => {
    expect(PROTECTED_MODE_DENIED.startsWith('-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.')).toBe(true);
    expect(PROTECTED_MODE_DENIED.indexOf('\r\n')).toBe(PROTECTED_MODE_DENIED.length - 2);
  });
});

describe('cross-protocol requests', () => {
  it.each([
    ['POST', true],
    ['post', true],
    ['Host:', true],
    ['HOST:', true],
    ['host', false],
    ['GET', false],
    ['POSTS', false],
    ['PUT', false],
  ])('%s is an HTTP line: %s', (name, http) => {
    expect(isCrossProtocolCommand(name)).toBe(http);
  });

  it('logs at most once a minute', () => {
    const t = new WarningThrottle();
    expect(t.shouldLog(1_000)).toBe(true);
    expect(t.shouldLog(30_000)).toBe(false);
    expect(t.shouldLog(61_000)).toBe(false);
    expect(t.shouldLog(61_001)).toBe(true);
  });
});
