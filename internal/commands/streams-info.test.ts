// Unit tests for XINFO STREAM / GROUPS / CONSUMERS (RESP2 and RESP3 shapes), its errors and HELP, via a real Executor.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, plain, type Plain, T0, type TestExecutor } from '../testing/exec.js';
import { FAMILIES, NOT_INT, obj, streamsKit, WRONGTYPE } from '../testing/streams-fixtures.js';

let t: TestExecutor;
beforeEach(() => {
  t = createTestExecutor({ families: FAMILIES, config: { notify_keyspace_events: 'KEA' } });
});
const { run, rawAs, fill, resp3 } = streamsKit(() => t);

describe('XINFO', () => {
  beforeEach(() => {
    fill('s', 1, 3);
    run('XGROUP', 'CREATE', 's', 'g', '0');
    run('XGROUP', 'CREATE', 's', 'a', '$');
    t.clock.set(T0);
    run('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>');
    run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    t.clock.set(T0 + 250);
  });

  it('STREAM: counters, groups, first and last entries', () => {
    const info = rawAs(t.client, 'XINFO', 'STREAM', 's');
    // A map reply (flattened on the wire for RESP2), keys in Redis's order.
    expect(info.t).toBe('map');
    expect(Object.entries(plain(info) as object)).toEqual([
      ['length', 3],
      ['radix-tree-keys', 1],
      ['radix-tree-nodes', 2],
      ['last-generated-id', '3-1'],
      ['max-deleted-entry-id', '0-0'],
      ['entries-added', 3],
      ['recorded-first-entry-id', '1-1'],
      ['groups', 2],
      ['first-entry', ['1-1', ['f', 'v1']]],
      ['last-entry', ['3-1', ['f', 'v3']]],
    ]);
    run('XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM');
    const e = rawAs(t.client, 'XINFO', 'STREAM', 'e');
    expect(plain(e)).toMatchObject({ 'first-entry': null, 'last-entry': null, 'radix-tree-keys': 0, 'radix-tree-nodes': 1 });
    const c = resp3();
    expect(rawAs(c, 'XINFO', 'STREAM', 's').t).toBe('map');
  });

  it('STREAM FULL: entries, groups with PELs and consumers, COUNT limits every list', () => {
    const full = obj(run('XINFO', 'STREAM', 's', 'FULL'));
    expect(full.entries).toEqual([
      ['1-1', ['f', 'v1']],
      ['2-1', ['f', 'v2']],
      ['3-1', ['f', 'v3']],
    ]);
    const groups = (full.groups as Plain[]).map(obj);
    expect(groups.map((g) => g.name)).toEqual(['a', 'g']);
    const g = groups[1] as { [k: string]: Plain };
    expect([g['last-delivered-id'], g['entries-read'], g.lag, g['pel-count']]).toEqual(['3-1', 3, 0, 3]);
    expect(g.pending).toEqual([
      ['1-1', 'bob', T0, 1],
      ['2-1', 'alice', T0, 1],
      ['3-1', 'alice', T0, 1],
    ]);
    expect((g.consumers as Plain[]).map(obj)).toEqual([
      { name: 'alice', 'seen-time': T0, 'pel-count': 2, pending: [['2-1', T0, 1], ['3-1', T0, 1]] },
      { name: 'bob', 'seen-time': T0, 'pel-count': 1, pending: [['1-1', T0, 1]] },
    ]);
    const one = obj(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'));
    expect(one.entries).toHaveLength(1);
    expect(obj((one.groups as Plain[])[1] as Plain).pending).toHaveLength(1);
    expect(obj(run('XINFO', 'STREAM', 's', 'full', 'count', '0')).entries).toHaveLength(3);
    expect(obj(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', '-5')).entries).toHaveLength(3);
  });

  it('GROUPS and CONSUMERS (idle from the last time seen)', () => {
    expect(run('XINFO', 'GROUPS', 's')).toEqual([
      { name: 'a', consumers: 0, pending: 0, 'last-delivered-id': '3-1', 'entries-read': null, lag: 0 },
      { name: 'g', consumers: 2, pending: 3, 'last-delivered-id': '3-1', 'entries-read': 3, lag: 0 },
    ]);
    expect(run('XINFO', 'CONSUMERS', 's', 'g')).toEqual([
      { name: 'alice', pending: 2, idle: 250 },
      { name: 'bob', pending: 1, idle: 250 },
    ]);
    run('XDEL', 's', '2-1');
    run('XADD', 's', '4-1', 'f', 'v');
    // A tombstone after the group's cursor makes the lag unknown.
    run('XGROUP', 'SETID', 's', 'g', '1-1');
    expect(obj((run('XINFO', 'GROUPS', 's') as Plain[])[1] as Plain).lag).toBeNull();
  });

  it('errors and HELP', () => {
    expect(run('XINFO', 'STREAM', 'nokey')).toBe('-ERR no such key');
    expect(run('XINFO', 'GROUPS', 'nokey')).toBe('-ERR no such key');
    expect(run('XINFO', 'STREAM', 's', 'foo')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'foo', '1')).toBe("-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
    expect(run('XINFO', 'STREAM', 's', 'FULL', 'COUNT', 'x')).toBe(NOT_INT);
    expect(run('XINFO', 'CONSUMERS', 's', 'nog')).toBe("-NOGROUP No such consumer group 'nog' for key name 's'");
    expect(run('XINFO', 'CONSUMERS', 's')).toBe("-ERR wrong number of arguments for 'xinfo|consumers' command");
    expect(run('XINFO', 'FOO', 's')).toBe("-ERR unknown subcommand 'FOO'. Try XINFO HELP.");
    expect(run('XINFO', 'HELP')).toEqual([
      '+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      '+CONSUMERS <key> <groupname>',
      '+    Show consumers of <groupname>.',
      '+GROUPS <key>',
      '+    Show the stream consumer groups.',
      '+STREAM <key> [FULL [COUNT <count>]',
      '+    Show information about the stream.',
      '+HELP',
      '+    Prints this help.',
    ]);
    run('SET', 'str', 'x');
    expect(run('XINFO', 'STREAM', 'str')).toBe(WRONGTYPE);
  });
});
