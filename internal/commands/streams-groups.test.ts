// Unit tests for consumer groups: the XGROUP subcommands, XACK, XPENDING, XCLAIM and XAUTOCLAIM, their journal forms and events, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, T0, type TestExecutor } from '../testing/exec.js';
import { FAMILIES, INVALID_ID, NOT_INT, obj, streamsKit, SYNTAX, WRONGTYPE } from '../testing/streams-fixtures.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: FAMILIES, config: { notify_keyspace_events: 'KEA' } });
});
const { run, journaled, rawAs, fill, events, subscriber } = streamsKit(() => t);

describe('consumer groups: XGROUP', () => {
  it('CREATE with $, an ID, MKSTREAM, ENTRIESREAD; BUSYGROUP; journal and events', () => {
    fill('s', 1, 2);
    journaled();
    const sub = subscriber();
    expect(run('XGROUP', 'CREATE', 's', 'g', '$')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 's', 'g', '0')).toBe('-BUSYGROUP Consumer Group name already exists');
    expect(run('XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '1')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM')).toBe('+OK');
    expect(run('XGROUP', 'CREATE', 'nokey', 'g', '0')).toBe(
      '-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
    expect(run('TYPE', 'new')).toBe('+stream');
    expect(run('XLEN', 'new')).toBe(0);
    const groups = (run('XINFO', 'GROUPS', 's') as Plain[]).map(obj);
    expect(groups.map((g) => [g.name, g['last-delivered-id'], g['entries-read'], g.lag])).toEqual([
      ['g', '2-1', null, 0],
      ['g2', '0-0', 1, 1],
    ]);
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XGROUP', 'CREATE', 's', 'g2', '0', 'ENTRIESREAD', '1'],
      ['XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM'],
    ]);
    expect(events(sub)).toEqual([
      ['xgroup-create', 's'],
      ['xgroup-create', 's'],
      ['xgroup-create', 'new'],
    ]);
  });

  it('CREATE / SETID option errors name the subcommand', () => {
    fill('s', 1, 1);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    expect(run('XGROUP', 'CREATE', 's', 'g2', '$', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.",
    );
    expect(run('xgroup', 'create', 's', 'g2', '$', 'FOO')).toBe("-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g3', '1-1', 'ENTRIESREAD')).toBe("-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g2', '+')).toBe(INVALID_ID);
    expect(run('XGROUP', 'CREATE', 's', 'g2', '-')).toBe(INVALID_ID);
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '-2')).toBe('-ERR value for ENTRIESREAD must be positive or -1');
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', 'x')).toBe(NOT_INT);
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'MKSTREAM')).toBe("-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
    expect(run('XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '1', 'ENTRIESREAD', '2')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.",
    );
    expect(run('XGROUP', 'SETID', 's', 'nog', '1-1')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XGROUP', 'SETID', 's', 'g', 'bad')).toBe(INVALID_ID);
    expect(run('XGROUP', 'FOO', 's', 'g')).toBe("-ERR unknown subcommand 'FOO'. Try XGROUP HELP.");
    expect(run('XGROUP', 'CREATE', 's', 'g')).toBe("-ERR wrong number of arguments for 'xgroup|create' command");
    run('SET', 'str', 'x');
    expect(run('XGROUP', 'CREATE', 'str', 'g', '$', 'MKSTREAM')).toBe(WRONGTYPE);
  });

  it('SETID accepts - and + and $, resets entries_read unless given', () => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0', 'ENTRIESREAD', '0');
    journaled();
    const sub = subscriber();
    const group = (): { [k: string]: Plain } => obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain);
    expect(run('XGROUP', 'SETID', 's', 'g', '+', 'ENTRIESREAD', '5')).toBe('+OK');
    expect([group()['last-delivered-id'], group()['entries-read'], group().lag]).toEqual(['18446744073709551615-18446744073709551615', 5, -2]);
    expect(run('XGROUP', 'SETID', 's', 'g', '-')).toBe('+OK');
    expect([group()['last-delivered-id'], group()['entries-read'], group().lag]).toEqual(['0-0', null, 3]);
    expect(run('XGROUP', 'SETID', 's', 'g', '$')).toBe('+OK');
    expect([group()['last-delivered-id'], group().lag]).toEqual(['3-1', 0]);
    expect(journaled()).toHaveLength(3);
    expect(events(sub).map(([e]) => e)).toEqual(['xgroup-setid', 'xgroup-setid', 'xgroup-setid']);
  });

  it('DESTROY, CREATECONSUMER, DELCONSUMER: replies, journal only real changes, events', () => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    journaled();
    const sub = subscriber();
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'g', 'bob')).toBe(1);
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'g', 'bob')).toBe(0);
    expect(run('XGROUP', 'CREATECONSUMER', 's', 'nog', 'bob')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XGROUP', 'DELCONSUMER', 's', 'g', 'alice')).toBe(3);
    expect(run('XGROUP', 'DELCONSUMER', 's', 'g', 'alice')).toBe(0);
    expect(run('XPENDING', 's', 'g')).toEqual([0, null, null, null]);
    expect(run('XGROUP', 'DESTROY', 's', 'g')).toBe(1);
    expect(run('XGROUP', 'DESTROY', 's', 'g')).toBe(0);
    expect(run('XGROUP', 'DESTROY', 'nokey', 'g')).toBe(
      '-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
    expect(journaled()).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DESTROY', 's', 'g'],
    ]);
    expect(events(sub)).toEqual([
      ['xgroup-createconsumer', 's'],
      ['xgroup-delconsumer', 's'],
      ['xgroup-destroy', 's'],
    ]);
  });

  it('HELP answers status lines', () => {
    const help = run('XGROUP', 'HELP') as string[];
    expect(help[0]).toBe('+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(17);
    expect(help[help.length - 1]).toBe('+    Prints this help.');
    expect(run('XGROUP', 'HELP', 'x')).toBe("-ERR wrong number of arguments for 'xgroup|help' command");
  });
});

describe('consumer groups: XACK / XPENDING', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    t.clock.set(T0 + 100);
    run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'STREAMS', 's', '>');
    t.clock.set(T0 + 1000);
    journaled();
  });

  it('XACK removes from both PELs, all or nothing, journals only when something was acked', () => {
    expect(run('XACK', 'nokey', 'g', 'bad')).toBe(0);
    expect(run('XACK', 's', 'nog', 'bad')).toBe(0);
    expect(run('XACK', 's', 'g', '1-1', 'bad')).toBe(INVALID_ID);
    expect(run('XACK', 's', 'g', '1-1', '3-1', '9-9', '1-1')).toBe(2);
    expect(run('XACK', 's', 'g', '9-9')).toBe(0);
    expect(journaled()).toEqual([['XACK', 's', 'g', '1-1', '3-1', '9-9', '1-1']]);
    expect(run('XPENDING', 's', 'g')).toEqual([2, '2-1', '4-1', [['alice', '1'], ['bob', '1']]]);
    run('SET', 'str', 'x');
    expect(run('XACK', 'str', 'g', '1-1')).toBe(WRONGTYPE);
  });

  it('summary form: count, edges, consumers with a bulk count; empty group shapes', () => {
    expect(run('XPENDING', 's', 'g')).toEqual([4, '1-1', '4-1', [['alice', '2'], ['bob', '2']]]);
    run('XGROUP', 'CREATE', 's', 'empty', '0');
    const r = rawAs(t.client, 'XPENDING', 's', 'empty');
    expect(r).toEqual({ t: 'array', v: [{ t: 'int', v: 0 }, { t: 'nullbulk' }, { t: 'nullbulk' }, { t: 'nullarray' }] });
  });

  it('extended form: range, count, consumer, idle times and IDLE filter', () => {
    expect(run('XPENDING', 's', 'g', '-', '+', '10')).toEqual([
      ['1-1', 'alice', 1000, 1],
      ['2-1', 'alice', 1000, 1],
      ['3-1', 'bob', 900, 1],
      ['4-1', 'bob', 900, 1],
    ]);
    expect(run('XPENDING', 's', 'g', '(1-1', '(4-1', '1')).toEqual([['2-1', 'alice', 1000, 1]]);
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'bob')).toEqual([
      ['3-1', 'bob', 900, 1],
      ['4-1', 'bob', 900, 1],
    ]);
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'nobody')).toEqual([]);
    expect(run('XPENDING', 's', 'g', 'IDLE', '950', '-', '+', '10')).toEqual([
      ['1-1', 'alice', 1000, 1],
      ['2-1', 'alice', 1000, 1],
    ]);
    expect(run('XPENDING', 's', 'g', 'IDLE', '950', '-', '+', '10', 'bob')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', '0')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', '-1')).toEqual([]);
    // A delivery time ahead of the clock shows as idle 0.
    t.clock.set(T0 - 5000);
    expect((run('XPENDING', 's', 'g', '-', '+', '1') as Plain[][])[0]?.[2]).toBe(0);
  });

  it('errors, in Redis order: syntax and arguments first, then the key and group', () => {
    expect(run('XPENDING', 's', 'g', '-')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', '-', '+')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', 'IDLE', '1', '-', '+', '10', 'a', 'b')).toBe(SYNTAX);
    // Up to 9 arguments are accepted; what follows the consumer is ignored, as in Redis.
    expect(run('XPENDING', 's', 'g', '-', '+', '10', 'a', 'b', 'c')).toEqual([]);
    expect(run('XPENDING', 's', 'g', '-', '+', 'x')).toBe(NOT_INT);
    expect(run('XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '10')).toBe(NOT_INT);
    expect(run('XPENDING', 's', 'g', 'IDLE', '5', '-', '+')).toBe(SYNTAX);
    expect(run('XPENDING', 's', 'g', 'x', '+', '10')).toBe(INVALID_ID);
    expect(run('XPENDING', 'nokey', 'g', 'x', '+', '10')).toBe(INVALID_ID);
    expect(run('XPENDING', 's', 'nog')).toBe("-NOGROUP No such key 's' or consumer group 'nog'");
    expect(run('XPENDING', 'nokey', 'g')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    run('SET', 'str', 'x');
    expect(run('XPENDING', 'str', 'g')).toBe(WRONGTYPE);
  });
});

describe('consumer groups: XCLAIM / XAUTOCLAIM', () => {
  beforeEach(() => {
    fill('s', 1, 5);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '4', 'STREAMS', 's', '>');
    t.clock.set(T0 + 10_000);
    journaled();
  });
  const pending = (): Plain => run('XPENDING', 's', 'g', '-', '+', '10');

  it('XCLAIM moves idle entries, bumping the count; MIN-IDLE filters; journaled as XCLAIM FORCE JUSTID', () => {
    const sub = subscriber();
    expect(run('XCLAIM', 's', 'g', 'bob', '20000', '1-1')).toEqual([]);
    expect(run('XCLAIM', 's', 'g', 'bob', '5000', '1-1', '2-1', '9-9')).toEqual([
      ['1-1', ['f', 'v1']],
      ['2-1', ['f', 'v2']],
    ]);
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '2', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '2-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '2', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
    ]);
    expect(events(sub)).toEqual([['xgroup-createconsumer', 's']]);
    expect(pending()).toEqual([
      ['1-1', 'bob', 0, 2],
      ['2-1', 'bob', 0, 2],
      ['3-1', 'alice', 10_000, 1],
      ['4-1', 'alice', 10_000, 1],
    ]);
  });

  it('IDLE, TIME, RETRYCOUNT, JUSTID, FORCE and LASTID', () => {
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE', '500', 'JUSTID')).toEqual(['1-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '2-1', 'TIME', String(T0 + 9000), 'RETRYCOUNT', '7')).toEqual([['2-1', ['f', 'v2']]]);
    // Bogus times (future, negative) mean now.
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '3-1', 'TIME', String(T0 + 99_999), 'JUSTID')).toEqual(['3-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '4-1', 'IDLE', '-5', 'RETRYCOUNT', '-4', 'JUSTID')).toEqual(['4-1']);
    // FORCE creates the pending entry of an existing stream entry (starting at 1 delivery).
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '5-1', 'FORCE', 'JUSTID')).toEqual(['5-1']);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'FORCE')).toEqual([]);
    expect(pending()).toEqual([
      ['1-1', 'bob', 500, 1],
      ['2-1', 'bob', 1000, 7],
      ['3-1', 'bob', 0, 1],
      ['4-1', 'bob', 0, 1],
      ['5-1', 'bob', 0, 1],
    ]);
    expect(run('XCLAIM', 's', 'g', 'carol', '0', '5-1', 'FORCE')).toEqual([['5-1', ['f', 'v5']]]);
    expect((pending() as Plain[][])[4]).toEqual(['5-1', 'carol', 0, 2]);
    journaled();
    // LASTID moves the group cursor forward only; alone it is journaled as XGROUP SETID.
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'LASTID', '9-9')).toEqual([]);
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'LASTID', '1-1')).toEqual([]);
    expect(journaled()).toEqual([['XGROUP', 'SETID', 's', 'g', '9-9', 'ENTRIESREAD', '4']]);
    expect(obj((run('XINFO', 'GROUPS', 's') as Plain[])[0] as Plain)['last-delivered-id']).toBe('9-9');
  });

  it('an entry deleted from the stream leaves the PEL when claimed, journaled so replicas follow', () => {
    run('XDEL', 's', '2-1');
    journaled();
    expect(run('XCLAIM', 's', 'g', 'bob', '0', '2-1', '3-1', 'JUSTID')).toEqual(['3-1']);
    expect(journaled()).toEqual([
      ['XCLAIM', 's', 'g', 'alice', '0', '2-1', 'TIME', String(T0), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '3-1', 'TIME', String(T0 + 10_000), 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '4-1'],
    ]);
    expect((pending() as Plain[][]).map((r) => r[0])).toEqual(['1-1', '3-1', '4-1']);
  });

  it('XCLAIM errors, in Redis order', () => {
    expect(run('XCLAIM', 'nokey', 'g', 'c', 'abc', '1-1')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    expect(run('XCLAIM', 's', 'nog', 'c', 'abc', '1-1')).toBe("-NOGROUP No such key 's' or consumer group 'nog'");
    expect(run('XCLAIM', 's', 'g', 'c', 'abc', '1-1')).toBe('-ERR Invalid min-idle-time argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'bogus')).toBe("-ERR Unrecognized XCLAIM option 'bogus'");
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'IDLE', 'x')).toBe('-ERR Invalid IDLE option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', 'x')).toBe('-ERR Invalid TIME option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT', 'x')).toBe('-ERR Invalid RETRYCOUNT option argument for XCLAIM');
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT')).toBe("-ERR Unrecognized XCLAIM option 'RETRYCOUNT'");
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'LASTID', 'x')).toBe(INVALID_ID);
    expect(run('XCLAIM', 's', 'g', 'c', '0', '1-1', 'FORCE', '2-1')).toBe("-ERR Unrecognized XCLAIM option '2-1'");
    expect(journaled()).toEqual([]);
    run('SET', 'str', 'x');
    expect(run('XCLAIM', 'str', 'g', 'c', '0', '1-1')).toBe(WRONGTYPE);
  });

  it('XAUTOCLAIM scans the PEL from a cursor, answering [next cursor, claimed, deleted]', () => {
    run('XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>');
    journaled();
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '5000', '0', 'COUNT', '2')).toEqual(['3-1', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]], []]);
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '5000', '3-1', 'JUSTID')).toEqual(['0-0', ['3-1', '4-1'], []]);
    expect(journaled()).toHaveLength(4);
    // carol's entry is not idle enough: skipped, and the walk reaches the end.
    expect(pending()).toEqual([
      ['1-1', 'bob', 0, 2],
      ['2-1', 'bob', 0, 2],
      ['3-1', 'bob', 0, 1],
      ['4-1', 'bob', 0, 1],
      ['5-1', 'carol', 0, 1],
    ]);
    expect(run('XAUTOCLAIM', 's', 'g', 'dave', '0', '(4-1')).toEqual(['0-0', [['5-1', ['f', 'v5']]], []]);
  });

  it('XAUTOCLAIM drops deleted entries, reporting them; COUNT bounds both lists and attempts', () => {
    run('XDEL', 's', '1-1', '3-1');
    journaled();
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '0', '-', 'COUNT', '2')).toEqual(['3-1', [['2-1', ['f', 'v2']]], ['1-1']]);
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '0', '3-1')).toEqual(['0-0', [['4-1', ['f', 'v4']]], ['3-1']]);
    expect(journaled().map((j) => [j[3], j[5]])).toEqual([
      ['alice', '1-1'],
      ['bob', '2-1'],
      ['alice', '3-1'],
      ['bob', '4-1'],
    ]);
    // Attempts are COUNT * 10: with COUNT 1 and nothing idle enough, it stops after 10 entries.
    for (let i = 6; i <= 30; i++) run('XADD', 's', `${i}-1`, 'f', 'v');
    run('XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 's', '>');
    // PEL: 2-1, 4-1, 5-1 ... 30-1; ten are looked at (2-1, 4-1, 5-1 ... 12-1).
    expect(run('XAUTOCLAIM', 's', 'g', 'bob', '3600000', '0', 'COUNT', '1')).toEqual(['13-1', [], []]);
  });

  it('XAUTOCLAIM errors, in Redis order: arguments before the key', () => {
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', 'x', '0')).toBe('-ERR Invalid min-idle-time argument for XAUTOCLAIM');
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', 'x')).toBe(INVALID_ID);
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', '0', 'COUNT', '0')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', 'x')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423488')).toBe('-ERR COUNT must be > 0');
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'JUSTID', 'foo')).toBe(SYNTAX);
    expect(run('XAUTOCLAIM', 's', 'g', 'c', '0', '(18446744073709551615-18446744073709551615')).toBe('-ERR invalid start ID for the interval');
    expect(run('XAUTOCLAIM', 'nokey', 'g', 'c', '0', '0')).toBe("-NOGROUP No such key 'nokey' or consumer group 'g'");
    run('SET', 'str', 'x');
    expect(run('XAUTOCLAIM', 'str', 'g', 'c', '0', '0')).toBe(WRONGTYPE);
  });
});
