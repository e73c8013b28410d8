// MONITOR lines: Redis's quoting (sdscatrepr), its redactions, and the line format.
import { describe, expect, it } from 'vitest';
import { Client } from '../server/client.js';
import { monitorLine, MonitorFeed, quoteArg, redactArgv } from './monitor.js';

describe('quoteArg (sdscatrepr)', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['with space', '"with space"'],
    ['q"uote', '"q\\"uote"'],
    ['back\\slash', '"back\\\\slash"'],
    ['\n\r\t\x07\x08', '"\\n\\r\\t\\a\\b"'],
    ['\x00\x01\x1f', '"\\x00\\x01\\x1f"'],
    ['\x7f', '"\\x7f"'],
    // Non-ASCII bytes (UTF-8 é is C3 A9, one char code per byte here) are hex-escaped.
    ['\xc3\xa9', '"\\xc3\\xa9"'],
    ['\xff', '"\\xff"'],
    ['~!{}', '"~!{}"'],
  ])('%j -> %s', (arg, quoted) => {
    expect(quoteArg(arg)).toBe(quoted);
  });
});

describe('redactArgv', () => {
  it.each([
    [['auth', 'pw'], ['auth', '(redacted)']],
    [['AUTH', 'user', 'pw'], ['AUTH', '(redacted)', '(redacted)']],
    // Redis shows a malformed AUTH as sent; ringcache never shows a possible password.
    [['auth', 'a', 'b', 'c'], ['auth', '(redacted)', '(redacted)', '(redacted)']],
    [['hello', '3'], ['hello', '3']],
    [['hello', '3', 'AUTH', 'u', 'p'], ['hello', '3', 'AUTH', '(redacted)', '(redacted)']],
    [['hello', '2', 'auth', 'u', 'p', 'setname', 'n'], ['hello', '2', 'auth', '(redacted)', '(redacted)', 'setname', 'n']],
    [['hello', '2', 'setname', 'n', 'auth', 'u', 'p'], ['hello', '2', 'setname', 'n', 'auth', '(redacted)', '(redacted)']],
    // HELLO stops parsing at a bad option (and answers a syntax error): nothing after it is redacted.
    [['hello', '3', 'auth', 'u'], ['hello', '3', 'auth', 'u']],
    [['migrate', 'h', '1', 'k', '0', '10', 'AUTH', 'pw'], ['migrate', 'h', '1', 'k', '0', '10', 'AUTH', '(redacted)']],
    [['migrate', 'h', '1', '', '0', '10', 'COPY', 'AUTH2', 'u', 'p', 'KEYS', 'auth', 'x'], ['migrate', 'h', '1', '', '0', '10', 'COPY', 'AUTH2', '(redacted)', '(redacted)', 'KEYS', 'auth', 'x']],
    [['set', 'auth', 'x'], ['set', 'auth', 'x']],
  ])('%j', (argv, shown) => {
    expect(redactArgv(argv)).toEqual(shown);
  });
});

describe('monitorLine', () => {
  it('is <seconds>.<6-digit micros> [<db> <addr>] then the quoted arguments', () => {
    expect(monitorLine(1_700_000_000_000_042, 5, '127.0.0.1:6000', ['set', 'k', 'v v'])).toBe('1700000000.000042 [5 127.0.0.1:6000] "set" "k" "v v"');
    expect(monitorLine(1_700_000_001_123_456, 0, 'http', ['auth', 'secret'])).toBe('1700000001.123456 [0 http] "auth" "(redacted)"');
  });
});

describe('MonitorFeed', () => {
  it('sends each monitor the line, never going back in time', () => {
    const feed = new MonitorFeed();
    const mon = new Client(1, '127.0.0.1:1', '127.0.0.1:6379', 9, 0, true, () => undefined);
    const lines: string[] = [];
    mon.feed = (l) => lines.push(l);
    feed.add(mon);
    expect(mon.monitor).toBe(true);
    const c = new Client(2, '127.0.0.1:2', '127.0.0.1:6379', 10, 0, true, () => undefined);
    feed.feed(1_700_000_000_005, 3.9995, c, ['ping']);
    // A later command read an earlier clock: its line still comes after.
    feed.feed(1_700_000_000_005, 3.1, c, ['echo', 'x']);
    expect(lines).toEqual(['1700000000.005999 [0 127.0.0.1:2] "ping"', '1700000000.006000 [0 127.0.0.1:2] "echo" "x"']);
    feed.remove(mon);
    expect(mon.monitor).toBe(false);
    feed.feed(1_700_000_000_010, 0, c, ['ping']);
    expect(lines).toHaveLength(2);
  });
});
