// The replica side of cluster replication: offsets, unknown streams, full restarts, owner checks, REPL.DROP and REPL.KEY.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../routing/link.js';
import { keyHashSlot } from '../ring/slot.js';
import { createTestExecutor } from '../testing/exec.js';
import { ReplicaApplier, REPL_DROP } from './cluster-apply.js';
import { keyRecord } from './cluster-stream.js';

/** An applier on a test executor where `owner` owns every slot but those in `mine` (owned here). */
function setup(mine: ReadonlySet<number> = new Set(), refuseFull = false) {
  const t = createTestExecutor();
  const owners = new Map<number, string>();
  const applier = new ReplicaApplier({
    store: t.store,
    isLocal: (slot) => mine.has(slot),
    ownerOf: (slot) => (mine.has(slot) ? 'me' : (owners.get(slot) ?? 'owner')),
    resolve: (argv) => t.executor.resolve(argv),
    executeHere: (client, argv) => t.executor.executeHere(client, argv),
    refuseFull: () => refuseFull,
    now: () => t.clock.now(),
    log: pino({ level: 'silent' }),
  });
  return { t, applier, owners };
}

const chunk = (...cmds: string[][]): string => cmds.map((c) => encodeCommand(c)).join('');
const settle = (): Promise<void> => new Promise((r) => queueMicrotask(r));

describe('ReplicaApplier', () => {
  it('applies a FULL chunk, then CONT chunks that start where the last ended; answers its offset otherwise', async () => {
    const { t, applier } = setup();
    const a = chunk(['SET', 'a', '1'], ['SELECT', '2'], ['SET', 'b', '2']);
    expect(applier.feed('owner', 'r1', 0, true, a)).toEqual({ offset: a.length });
    const b = chunk(['INCR', 'b']);
    expect(applier.feed('owner', 'r1', a.length, false, b)).toEqual({ offset: a.length + b.length });
    // A chunk from the wrong offset is not applied: the answer says where this replica is.
    expect(applier.feed('owner', 'r1', 5, false, b)).toEqual({ offset: a.length + b.length });
    // An unknown history (another replid, or a sender never seen) asks for a full copy.
    expect(applier.feed('owner', 'r2', a.length + b.length, false, b)).toEqual({ offset: -1 });
    expect(applier.feed('other', 'r1', 0, false, b)).toEqual({ offset: -1 });
    await settle();
    expect(t.run('GET', 'a')).toBe('1');
    t.run('SELECT', '2');
    expect(t.run('GET', 'b')).toBe('3');
  });

  it('applies a command split across two chunks once both arrived', async () => {
    const { t, applier } = setup();
    const all = chunk(['SET', 'split', 'value']);
    expect(applier.feed('owner', 'r', 0, true, all.slice(0, 10))).toEqual({ offset: 10 });
    await settle();
    expect(t.run('EXISTS', 'split')).toBe(0);
    expect(applier.feed('owner', 'r', 10, false, all.slice(10))).toEqual({ offset: all.length });
    await settle();
    expect(t.run('GET', 'split')).toBe('value');
  });

  it('refuses a whole chunk writing a slot another member owns in its ring, and forgets the stream', async () => {
    const { t, applier, owners } = setup();
    owners.set(keyHashSlot('theirs'), 'third');
    const a = chunk(['SET', 'ok', '1']);
    applier.feed('owner', 'r', 0, true, a);
    const bad = chunk(['SET', 'ok2', '1'], ['SET', 'theirs', '1']);
    expect(applier.feed('owner', 'r', a.length, false, bad)).toEqual({ offset: -1 });
    expect(applier.feed('owner', 'r', 0, true, bad)).toMatchObject({ retry: expect.any(String) });
    await settle();
    expect(t.run('EXISTS', 'ok2', 'theirs')).toBe(0);
  });

  it('refuses FULL restarts while this node still hands its copy to the sender', () => {
    const { applier } = setup(new Set(), true);
    expect(applier.feed('owner', 'r', 0, true, chunk(['SET', 'a', '1']))).toMatchObject({ retry: expect.any(String) });
  });

  it('REPL.DROP removes the keys of the named slots (not of slots owned here); REPL.KEY replaces a key', async () => {
    const mine = new Set([keyHashSlot('local')]);
    const { t, applier } = setup(mine);
    t.run('SET', 'local', 'mine');
    t.run('SET', 'stale', 'old');
    t.run('RPUSH', 'list', 'x');
    const sStale = keyHashSlot('stale');
    const sLocal = keyHashSlot('local');
    const payload = chunk(
      [REPL_DROP, '-1', String(sStale), String(sStale), String(sLocal), String(sLocal)],
      keyRecord('list', [['RPUSH', 'list', 'a', 'b']]),
    );
    // The drop names a slot owned here: refused (the owner check), nothing applied.
    expect(applier.feed('owner', 'r', 0, true, payload)).toMatchObject({ retry: expect.any(String) });
    const ok = chunk([REPL_DROP, '-1', String(sStale), String(sStale)], keyRecord('list', [['RPUSH', 'list', 'a', 'b']]));
    expect(applier.feed('owner', 'r', 0, true, ok)).toEqual({ offset: ok.length });
    await settle();
    expect(t.run('EXISTS', 'stale')).toBe(0);
    expect(t.run('GET', 'local')).toBe('mine');
    expect(t.run('LRANGE', 'list', '0', '-1')).toEqual(['a', 'b']);
    // Applied writes are journaled here too (this node's AOF).
    expect(t.journal.some((j) => j.argv[0] === 'DEL' && j.argv.includes('stale'))).toBe(true);
  });
});
