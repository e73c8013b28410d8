// Connection commands on the test executor: HELLO/AUTH, CLIENT subcommands, MONITOR, LOLWUT, MODULE, ROLE, each with redis-server 7.0.15's texts.
import { describe, expect, it } from 'vitest';
import type { Reply } from '../resp/reply.js';
import { Client, REPLY_OFF } from '../server/client.js';
import { createTestExecutor, plain, type Plain, type TestExecutor } from '../testing/exec.js';

const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.';
const BAD_NAME = '-ERR Client names cannot contain spaces, newlines or special characters.';

/** Field names of one CLIENT LIST / INFO line, in order. */
function fields(line: string): string[] {
  return line
    .trim()
    .split(' ')
    .map((kv) => kv.slice(0, kv.indexOf('=')));
}

function field(line: string, name: string): string | undefined {
  return new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1];
}

/** A test client whose MONITOR lines are collected. */
function monitorOf(t: TestExecutor): { client: Client; lines: string[] } {
  const client = t.newClient();
  const lines: string[] = [];
  client.feed = (l) => lines.push(l.replace(/^\d+\.\d{6} /, 'T '));
  expect(t.runAs(client, 'MONITOR')).toBe('+OK');
  return { client, lines };
}

describe('HELLO and AUTH without requirepass (the default user is nopass)', () => {
  it('accepts any password for default, refuses other users, and refuses the one-argument AUTH', () => {
    const t = createTestExecutor();
    expect(t.run('AUTH', 'default', 'anything')).toBe('+OK');
    expect(t.run('AUTH', 'someone', 'anything')).toBe(WRONGPASS);
    expect(t.run('AUTH', 'pw')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
    expect(t.run('AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error');
    expect(t.run('HELLO', '3', 'AUTH', 'someone', 'x')).toBe(WRONGPASS);
    const hello = t.run('HELLO', '3', 'AUTH', 'default', 'whatever');
    expect(hello).toMatchObject({ server: 'redis', version: '7.0.15', proto: 3, mode: 'standalone', role: 'master', modules: [] });
    expect(t.client.proto).toBe(3);
  });

  it("answers HELLO's fields in Redis's order, as a map in RESP3 and a flat array in RESP2", () => {
    const t = createTestExecutor();
    const r = t.exec('HELLO', '2');
    expect(r.t).toBe('map');
    const keys = r.t === 'map' ? r.v.map(([k]) => plain(k)) : [];
    expect(keys).toEqual(['server', 'version', 'proto', 'id', 'mode', 'role', 'modules']);
  });

  it('parses options left to right with Redis texts', () => {
    const t = createTestExecutor();
    expect(t.run('HELLO', '1')).toBe('-NOPROTO unsupported protocol version');
    expect(t.run('HELLO', 'abc')).toBe('-ERR Protocol version is not an integer or out of range');
    expect(t.run('HELLO', '3', 'AUTH', 'default')).toBe("-ERR Syntax error in HELLO option 'AUTH'");
    expect(t.run('HELLO', '3', 'foo')).toBe("-ERR Syntax error in HELLO option 'foo'");
    expect(t.run('HELLO', '3', 'SETNAME', 'a b')).toBe(BAD_NAME);
    // A failed HELLO leaves the protocol as it was.
    expect(t.client.proto).toBe(2);
    t.run('HELLO', '2', 'SETNAME', 'nm');
    expect(t.run('CLIENT', 'GETNAME')).toBe('nm');
  });
});

describe('HELLO and AUTH with requirepass', () => {
  it('authenticates only the right password of default', () => {
    const t = createTestExecutor({ config: { requirepass: 's3cret' } });
    const c = t.newClient();
    expect(t.runAs(c, 'HELLO', '3')).toBe(
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
    expect(t.runAs(c, 'HELLO', '3', 'AUTH', 'default', 'wrong')).toBe(WRONGPASS);
    expect(t.runAs(c, 'AUTH', 'wrong')).toBe(WRONGPASS);
    expect(t.runAs(c, 'HELLO', '3', 'AUTH', 'default', 's3cret')).toMatchObject({ proto: 3 });
    const d = t.newClient();
    expect(t.runAs(d, 'AUTH', 's3cret')).toBe('+OK');
  });
});

describe('CLIENT SETNAME / GETNAME / ID / INFO / LIST', () => {
  it('validates names as Redis does; an empty name clears it', () => {
    const t = createTestExecutor();
    expect(t.run('CLIENT', 'GETNAME')).toBeNull();
    expect(t.run('CLIENT', 'SETNAME', 'a b')).toBe(BAD_NAME);
    expect(t.run('CLIENT', 'SETNAME', '\xc3\xa9')).toBe(BAD_NAME);
    expect(t.run('CLIENT', 'SETNAME', 'w-1')).toBe('+OK');
    expect(t.run('CLIENT', 'GETNAME')).toBe('w-1');
    expect(t.run('CLIENT', 'SETNAME', '')).toBe('+OK');
    expect(t.run('CLIENT', 'GETNAME')).toBeNull();
    expect(t.run('CLIENT', 'ID')).toBe(t.client.id);
    expect(t.run('CLIENT', 'GETNAME', 'x')).toBe("-ERR wrong number of arguments for 'client|getname' command");
  });

  it("lists redis-server 7.0's fields in its order", () => {
    const t = createTestExecutor();
    const info = t.run('CLIENT', 'INFO') as string;
    expect(info.endsWith('\n')).toBe(true);
    expect(fields(info)).toEqual([
      'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'qbuf-free', 'argv-mem',
      'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp',
    ]);
    expect(field(info, 'flags')).toBe('N');
    expect(field(info, 'cmd')).toBe('client|info');
    expect(field(info, 'user')).toBe('default');
  });

  it('shows the flags Redis shows: x in MULTI, d once a WATCHed key changed, P subscribed, e NO-EVICT, O monitor, b blocked', async () => {
    const t = createTestExecutor();
    const flagsOf = (c: Client): string | undefined => field(t.run('CLIENT', 'LIST', 'ID', String(c.id)) as string, 'flags');
    const c = t.newClient();
    t.runAs(c, 'CLIENT', 'NO-EVICT', 'on');
    t.runAs(c, 'WATCH', 'k');
    t.run('SET', 'k', 'v');
    t.runAs(c, 'MULTI');
    expect(flagsOf(c)).toBe('xde');
    const s = t.newClient();
    t.runAs(s, 'SUBSCRIBE', 'ch');
    expect(flagsOf(s)).toBe('P');
    const m = monitorOf(t).client;
    expect(flagsOf(m)).toBe('O');
    const b = t.newClient();
    void t.runAsync(b, 'BLPOP', 'nolist', '0');
    expect(flagsOf(b)).toBe('b');
    t.run('RPUSH', 'nolist', 'x');
    expect(flagsOf(b)).toBe('N');
  });

  it('CLIENT LIST TYPE and ID, with Redis errors', () => {
    const t = createTestExecutor();
    const s = t.newClient();
    t.runAs(s, 'SUBSCRIBE', 'ch');
    const ids = (text: Plain): number[] => (text as string).split('\n').filter(Boolean).map((l) => Number(field(l, 'id')));
    expect(ids(t.run('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toEqual([s.id]);
    expect(ids(t.run('CLIENT', 'LIST', 'TYPE', 'NORMAL'))).toEqual([t.client.id]);
    expect(t.run('CLIENT', 'LIST', 'TYPE', 'replica')).toBe('');
    expect(t.run('CLIENT', 'LIST', 'TYPE', 'slave')).toBe('');
    expect(t.run('CLIENT', 'LIST', 'TYPE', 'master')).toBe('');
    expect(t.run('CLIENT', 'LIST', 'TYPE', 'foo')).toBe("-ERR Unknown client type 'foo'");
    // IDs in the order given, repeats repeated, unknown ones skipped.
    expect(ids(t.run('CLIENT', 'LIST', 'ID', String(s.id), '999', '0', String(t.client.id), String(s.id)))).toEqual([s.id, t.client.id, s.id]);
    expect(t.run('CLIENT', 'LIST', 'ID', '1', 'abc')).toBe('-ERR Invalid client ID');
    expect(t.run('CLIENT', 'LIST', 'ID')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'LIST', 'foo')).toBe('-ERR syntax error');
  });
});

describe('CLIENT KILL', () => {
  it('filters by ID, ADDR, LADDR, TYPE, USER and SKIPME, alone and combined, and answers the count', () => {
    const t = createTestExecutor();
    const alive = (): number[] => [...t.server.clients()].map((c) => c.id).sort((a, b) => a - b);
    const a = t.newClient();
    const b = t.newClient();
    const s = t.newClient();
    t.runAs(s, 'SUBSCRIBE', 'ch');
    expect(t.run('CLIENT', 'KILL', 'ID', '99999')).toBe(0);
    expect(t.run('CLIENT', 'KILL', 'ID', String(a.id))).toBe(1);
    expect(alive()).not.toContain(a.id);
    expect(t.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    expect(t.run('CLIENT', 'KILL', 'ADDR', b.addr, 'TYPE', 'pubsub')).toBe(0);
    expect(t.run('CLIENT', 'KILL', 'LADDR', '127.0.0.1:1')).toBe(0);
    // USER default matches everyone but the caller (SKIPME yes is the default).
    expect(t.run('CLIENT', 'KILL', 'USER', 'default', 'LADDR', b.laddr)).toBe(1);
    expect(alive()).toEqual([t.client.id]);
    expect(t.run('CLIENT', 'KILL', 'USER', 'nouser')).toBe("-ERR No such user 'nouser'");
    // SKIPME no: the caller is counted and closes after this reply.
    expect(t.run('CLIENT', 'KILL', 'ID', String(t.client.id), 'SKIPME', 'no')).toBe(1);
    expect(t.client.closeAfterReply).toBe(true);
  });

  it('the old ip:port form answers OK or No such client, and may kill the caller', () => {
    const t = createTestExecutor();
    const v = t.newClient();
    expect(t.run('CLIENT', 'KILL', v.addr)).toBe('+OK');
    expect(t.run('CLIENT', 'KILL', v.addr)).toBe('-ERR No such client');
    expect(t.run('CLIENT', 'KILL', 'ID')).toBe('-ERR No such client');
    expect(t.run('CLIENT', 'KILL', t.client.addr)).toBe('+OK');
    expect(t.client.closeAfterReply).toBe(true);
  });

  it('parses filters left to right with Redis errors; MAXAGE is not a 7.0 filter', () => {
    const t = createTestExecutor();
    expect(t.run('CLIENT', 'KILL', 'ID', 'abc')).toBe('-ERR client-id should be greater than 0');
    expect(t.run('CLIENT', 'KILL', 'ID', '0')).toBe('-ERR client-id should be greater than 0');
    expect(t.run('CLIENT', 'KILL', 'TYPE', 'foo')).toBe("-ERR Unknown client type 'foo'");
    expect(t.run('CLIENT', 'KILL', 'ID', '5', 'TYPE', 'foo')).toBe("-ERR Unknown client type 'foo'");
    expect(t.run('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'KILL', 'SKIPME', 'maybe')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'KILL', 'MAXAGE', '1')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'KILL')).toBe("-ERR wrong number of arguments for 'client|kill' command");
  });
});

describe('CLIENT REPLY', () => {
  /** What the connection does after each command: true = its reply is dropped. */
  function replies(t: TestExecutor, commands: string[][]): (Plain | 'dropped')[] {
    const c = t.newClient();
    return commands.map((argv) => {
      const r = t.runAs(c, ...argv);
      return c.replyFlags !== 0 && c.replyDropped() ? 'dropped' : r;
    });
  }

  it('OFF drops every reply until ON; SKIP drops the next one (but ON right after it answers); OFF and SKIP answer nothing themselves', () => {
    const t = createTestExecutor();
    expect(
      replies(t, [
        ['CLIENT', 'REPLY', 'SKIP'],
        ['PING'],
        ['PING', 'b'],
        ['CLIENT', 'REPLY', 'OFF'],
        ['PING'],
        ['NOSUCH'],
        ['CLIENT', 'REPLY', 'SKIP'],
        ['PING'],
        ['CLIENT', 'REPLY', 'ON'],
        ['ECHO', 'back'],
        ['CLIENT', 'REPLY', 'SKIP'],
        ['CLIENT', 'REPLY', 'ON'],
        ['ECHO', 'on'],
      ]),
    ).toEqual([[], 'dropped', 'b', 'dropped', 'dropped', 'dropped', 'dropped', 'dropped', '+OK', 'back', [], '+OK', 'on']);
    expect(t.run('CLIENT', 'REPLY', 'foo')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'REPLY')).toBe("-ERR wrong number of arguments for 'client|reply' command");
  });

  it('still delivers subscription confirmations, as Redis sends them as pushes', () => {
    const t = createTestExecutor();
    expect(replies(t, [['CLIENT', 'REPLY', 'OFF'], ['SUBSCRIBE', 'ch'], ['UNSUBSCRIBE'], ['PING']])).toEqual(['dropped', [['subscribe', 'ch', 1]], [['unsubscribe', 'ch', 0]], 'dropped']);
  });

  it('RESET turns replies back on and leaves MONITOR, but keeps NO-EVICT (as Redis)', () => {
    const t = createTestExecutor();
    const { client: m } = monitorOf(t);
    t.runAs(m, 'CLIENT', 'NO-EVICT', 'on');
    m.replyFlags = REPLY_OFF;
    expect(t.runAs(m, 'RESET')).toBe('+RESET');
    expect(m.replyFlags).toBe(0);
    expect(m.monitor).toBe(false);
    expect(field(t.runAs(m, 'CLIENT', 'INFO') as string, 'flags')).toBe('e');
  });
});

describe('CLIENT PAUSE / UNPAUSE / NO-EVICT / UNBLOCK / HELP arguments', () => {
  it('answers with Redis texts', () => {
    const t = createTestExecutor();
    expect(t.run('CLIENT', 'PAUSE', 'abc')).toBe('-ERR timeout is not an integer or out of range');
    expect(t.run('CLIENT', 'PAUSE', '-1')).toBe('-ERR timeout is negative');
    expect(t.run('CLIENT', 'PAUSE', 'abc', 'foo')).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL');
    expect(t.run('CLIENT', 'PAUSE', '10', 'write', 'x')).toBe("-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.");
    // Past INT64_MAX the end wraps in Redis: OK, and nothing is paused.
    expect(t.run('CLIENT', 'PAUSE', '9223372036854775807')).toBe('+OK');
    expect(t.executor.pause.active).toBe(false);
    expect(t.run('CLIENT', 'UNPAUSE', 'x')).toBe("-ERR wrong number of arguments for 'client|unpause' command");
    expect(t.run('CLIENT', 'UNPAUSE')).toBe('+OK');
    expect(t.run('CLIENT', 'NO-EVICT', 'maybe')).toBe('-ERR syntax error');
    expect(t.run('CLIENT', 'NO-EVICT', 'ON')).toBe('+OK');
    expect(t.run('CLIENT', 'NO-EVICT', 'off')).toBe('+OK');
    expect(t.run('CLIENT', 'UNBLOCK', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('CLIENT', 'UNBLOCK', 'abc', 'nope')).toBe('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    expect(t.run('CLIENT', 'UNBLOCK', '1', 'timeout', 'x')).toBe("-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.");
    expect(t.run('CLIENT', 'SETINFO', 'lib-name', 'x')).toBe("-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.");
  });

  it("CLIENT HELP is 7.0's text", () => {
    const t = createTestExecutor();
    const help = t.run('CLIENT', 'HELP') as string[];
    expect(help).toHaveLength(48);
    expect(help[0]).toBe('+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('+PAUSE <timeout> [WRITE|ALL]');
    expect(help.slice(-2)).toEqual(['+HELP', '+    Prints this help.']);
  });
});

describe('MONITOR', () => {
  it('shows what ran, after it ran, with the db it left and Redis redactions; not admin commands, rejections or queueing', () => {
    const t = createTestExecutor();
    const { lines } = monitorOf(t);
    const c = t.newClient();
    for (const argv of [
      ['AUTH', 'default', 'pw'],
      ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'n'],
      ['SET', 'k', 'a "b"\n'],
      ['SELECT', '3'],
      ['MULTI'],
      ['SET', 'x', '1'],
      ['GET', 'x'],
      ['EXEC'],
      ['NOSUCH'],
      ['GET'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'PAUSE', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CLIENT', 'ID'],
    ]) {
      t.runAs(c, ...argv);
    }
    const addr = c.addr;
    expect(lines).toEqual([
      `T [0 ${addr}] "AUTH" "(redacted)" "(redacted)"`,
      `T [0 ${addr}] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"`,
      `T [0 ${addr}] "SET" "k" "a \\"b\\"\\n"`,
      `T [3 ${addr}] "SELECT" "3"`,
      `T [3 ${addr}] "MULTI"`,
      `T [3 ${addr}] "SET" "x" "1"`,
      `T [3 ${addr}] "GET" "x"`,
      `T [3 ${addr}] "EXEC"`,
      `T [3 ${addr}] "CLIENT" "ID"`,
    ]);
  });

  it('refuses the keyspace to a monitor; a second MONITOR answers nothing; inside MULTI it fails at EXEC', () => {
    const t = createTestExecutor();
    const { client: m, lines } = monitorOf(t);
    expect(t.runAs(m, 'GET', 'x')).toBe("-ERR Replica can't interact with the keyspace");
    expect(t.runAs(m, 'LOLWUT')).toBe("-ERR Replica can't interact with the keyspace");
    expect(t.runAs(m, 'MONITOR')).toEqual([]);
    expect(t.runAs(m, 'PING')).toBe('+PONG');
    expect(lines).toEqual([`T [0 ${m.addr}] "PING"`]);
    t.run('MULTI');
    t.run('MONITOR');
    expect(t.run('EXEC')).toEqual(["-ERR MONITOR isn't allowed for DENY BLOCKING client"]);
  });

  it('shows commands of the node-internal clients, and stops when the monitor closes', () => {
    const t = createTestExecutor();
    const { client: m, lines } = monitorOf(t);
    const http = new Client(0, 'http', 'http', -1, t.clock.now(), true, () => undefined);
    t.executor.execute(http, ['SET', 'h', 'v']);
    expect(lines).toEqual(['T [0 http] "SET" "h" "v"']);
    m.kill();
    t.run('PING');
    expect(lines).toHaveLength(1);
    expect(t.executor.monitors.size).toBe(0);
  });
});

describe('LOLWUT, MODULE, ROLE', () => {
  it('LOLWUT is the version line; VERSION 5 and 6 draw and end with the credits', () => {
    const t = createTestExecutor();
    expect(t.run('LOLWUT')).toBe('Redis ver. 7.0.15\n');
    expect(t.run('LOLWUT', 'VERSION', '4')).toBe('Redis ver. 7.0.15\n');
    expect(t.run('LOLWUT', 'VERSION')).toBe('Redis ver. 7.0.15\n');
    const five = t.run('LOLWUT', 'VERSION', '5', '10', '2', '3') as string;
    expect(five.endsWith('\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n')).toBe(true);
    const art = Buffer.from(five.slice(0, five.indexOf('\nGeorg')), 'latin1').toString('utf8');
    expect(art.split('\n').every((l) => [...l].length === 10 && /^[\u2800-\u28ff]+$/.test(l))).toBe(true);
    expect(art).not.toMatch(/^\u2800+$/);
    const six = t.run('LOLWUT', 'VERSION', '6', '3', '2') as string;
    expect(six.replaceAll('\x1b', 'ESC')).toMatch(/^(ESC\[0;\d+;\d+m ESC\[0m){3}\n(ESC\[0;\d+;\d+m ESC\[0m){3}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n$/);
    expect(t.run('LOLWUT', 'VERSION', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(t.run('LOLWUT', 'VERSION', '5', 'x')).toBe('-ERR value is not an integer or out of range');
  });

  it('LOLWUT keeps Redis limits on huge sizes', () => {
    const t = createTestExecutor();
    const r: Reply = t.exec('LOLWUT', 'VERSION', '6', '5000', '1');
    expect(r.t === 'verbatim' && r.v.split('\n')[0]?.split('\x1b[0m').length).toBe(1001);
  });

  it('MODULE LIST is empty, loading is refused as Redis refuses it by default, ROLE is a lone master', () => {
    const t = createTestExecutor();
    expect(t.run('MODULE', 'LIST')).toEqual([]);
    const refused =
      '-ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
    expect(t.run('MODULE', 'LOAD', '/x.so')).toBe(refused);
    expect(t.run('MODULE', 'LOADEX', '/x.so', 'CONFIG', 'a', 'b')).toBe(refused);
    expect(t.run('MODULE', 'UNLOAD', 'x')).toBe(refused);
    expect(t.run('MODULE', 'HELP')).toHaveLength(11);
    expect(t.run('MODULE', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try MODULE HELP.");
    expect(t.run('ROLE')).toEqual(['master', 0, []]);
    expect(t.run('ROLE', 'x')).toBe("-ERR wrong number of arguments for 'role' command");
  });
});
