// Router decisions on a fixed 3-member ring with a fake link pool: local, forward, MOVED, CROSSSLOT, split and merge, transactions, peers.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { COMMAND_FAMILIES } from '../commands/index.js';
import { CommandError } from '../contracts/errors.js';
import { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec } from '../contracts/command.js';
import type { MemberInfo, MembershipView } from '../membership/types.js';
import { keyHashSlot } from '../ring/slot.js';
import { encodeToBuffer } from '../resp/encoder.js';
import { array, bulk, int, NULL_BULK, OK, type Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';
import type { LinkError, PeerLink } from './link.js';
import type { LinkPool } from './pool.js';
import { Router } from './router.js';
import { ClusterState } from './state.js';

const registry = new CommandRegistry(COMMAND_FAMILIES);
const log = pino({ level: 'silent' });

function member(id: string, port: number): MemberInfo {
  return { id, gossipAddr: `127.0.0.1:${port + 1000}`, meta: { host: '10.0.0.1', respPort: port, httpPort: 0 }, state: 'alive', incarnation: 1 };
}

const MEMBERS = [member('a', 7001), member('b', 7002), member('c', 7003)];

function view(members: MemberInfo[]): MembershipView {
  return { selfId: 'a', members: () => members, ringMembers: () => members, onChange: () => () => undefined };
}

/** A fake pool: every request to member X is answered by `answer(X, argv)`, and recorded. */
function fakePool(answer: (peer: string, argv: readonly string[]) => Reply) {
  const sent: { peer: string; argv: readonly string[]; db: number }[] = [];
  const link = (m: MemberInfo): PeerLink =>
    ({
      request: (commands: readonly (readonly string[])[], db: number) => {
        for (const argv of commands) sent.push({ peer: m.id, argv, db });
        return Promise.resolve(commands.map((argv) => encodeToBuffer(answer(m.id, argv), 2)));
      },
      requestOne: (argv: readonly string[], db: number, _onError: (e: LinkError) => Reply) => {
        sent.push({ peer: m.id, argv, db });
        return Promise.resolve<Reply>({ t: 'raw', v: encodeToBuffer(answer(m.id, argv), 2) });
      },
    }) as unknown as PeerLink;
  const pool = { link, session: (_c: object, m: MemberInfo) => link(m), existingSession: () => undefined, closeSessions: () => undefined } as unknown as LinkPool;
  return { pool, sent };
}

function setup(opts: { mode?: 'proxy' | 'redirect'; seeded?: boolean; members?: MemberInfo[]; answer?: (peer: string, argv: readonly string[]) => Reply } = {}) {
  const state = new ClusterState(view(opts.members ?? MEMBERS), 64, log);
  const { pool, sent } = fakePool(opts.answer ?? (() => OK));
  const local: string[][] = [];
  const router = new Router({
    state,
    pool,
    executeHere: (_c, argv) => {
      local.push(argv);
      return argv[0] === 'MGET' ? array(argv.slice(1).map((k) => bulk(`local:${k}`))) : int(argv.length - 1);
    },
    resolve: (argv) => registry.getAnyCase(argv[0] as string) as CommandSpec,
    unwatchLocal: () => undefined,
    mode: () => opts.mode ?? 'proxy',
    timeoutMs: () => 1000,
    seeded: opts.seeded ?? true,
    log,
  });
  const client = new Client(1, 'x', 'y', 1, 0, true, () => undefined);
  const route = (...argv: string[]) => router.route(client, registry.getAnyCase(argv[0] as string) as CommandSpec, argv);
  const keyOf = (id: string, prefix = 'k'): string => {
    for (let i = 0; ; i++) if (state.owner(keyHashSlot(`${prefix}${i}`)).id === id) return `${prefix}${i}`;
  };
  return { router, state, sent, local, client, route, keyOf };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CommandError);
    return (e as CommandError).line;
  }
  throw new Error('expected a CommandError');
};

describe('Router', () => {
  it('runs keys owned here and keyless commands here', () => {
    const { route, keyOf } = setup();
    expect(route('GET', keyOf('a'))).toBeNull();
    expect(route('PING')).toBeNull();
    expect(route('DBSIZE')).toBeNull();
  });

  it('forwards a key owned elsewhere in the client db, and lets the connection pipeline it', async () => {
    const { route, keyOf, sent, client, router } = setup({ answer: () => bulk('remote') });
    client.db = 4;
    const k = keyOf('b');
    const r = route('GET', k) as Promise<Reply>;
    expect(router.mayPipeline(r)).toBe(true);
    expect(await r).toEqual({ t: 'raw', v: Buffer.from('$6\r\nremote\r\n') });
    expect(sent).toEqual([{ peer: 'b', argv: ['GET', k], db: 4 }]);
  });

  it('does not pipeline blocking commands (they hold the connection)', () => {
    const { route, keyOf, router } = setup();
    const r = route('BLPOP', keyOf('c'), '0') as Promise<Reply>;
    expect(router.mayPipeline(r)).toBe(false);
  });

  it('answers MOVED with the owner\'s announced address in redirect mode', () => {
    const { route, keyOf } = setup({ mode: 'redirect' });
    const k = keyOf('c');
    expect(errorOf(() => route('GET', k))).toBe(`MOVED ${keyHashSlot(k)} 10.0.0.1:7003`);
  });

  it('answers CROSSSLOT for non-splittable commands across slots, even when one owner has both', () => {
    const { route, keyOf } = setup();
    const a1 = keyOf('a', 'x');
    const a2 = keyOf('a', 'y');
    expect(keyHashSlot(a1)).not.toBe(keyHashSlot(a2));
    expect(errorOf(() => route('RENAME', a1, a2))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    // One slot through a hash tag: allowed (run here or forwarded, never refused).
    expect(() => route('RENAME', '{t}1', '{t}2')).not.toThrow();
  });

  it('splits MGET across owners and merges in key order', async () => {
    const { route, keyOf, sent, local } = setup({ answer: (peer, argv) => array(argv.slice(1).map((k) => (k.endsWith('9') ? NULL_BULK : bulk(`${peer}:${k}`)))) });
    const keys = [keyOf('b'), keyOf('a'), keyOf('c'), keyOf('b', 'z')];
    const r = (await (route('MGET', ...keys) as Promise<Reply>)) as { t: 'array'; v: Reply[] };
    const owners = ['b', 'a', 'c', 'b'];
    const want = keys.map((k, i) => (owners[i] === 'a' ? `local:${k}` : k.endsWith('9') ? null : `${owners[i]}:${k}`));
    expect(r.v.map((x) => (x.t === 'bulk' ? x.v : null))).toEqual(want);
    expect(local).toEqual([['MGET', keys[1]]]);
    expect(sent.map((s) => s.argv)).toEqual([
      ['MGET', keys[0], keys[3]],
      ['MGET', keys[2]],
    ]);
  });

  it('sums DEL/EXISTS across owners and returns the first error', async () => {
    const { route, keyOf } = setup({ answer: (_p, argv) => int(argv.length - 1) });
    expect(await route('DEL', keyOf('a'), keyOf('b'), keyOf('c'), keyOf('c', 'q'))).toEqual(int(4));
    const failing = setup({ answer: () => ({ t: 'error', v: 'WRONGTYPE nope' }) });
    expect(await failing.route('EXISTS', failing.keyOf('a'), failing.keyOf('b'))).toEqual({ t: 'error', v: 'WRONGTYPE nope' });
  });

  it('refuses a split in redirect mode (CROSSSLOT, as Redis Cluster)', () => {
    const { route, keyOf } = setup({ mode: 'redirect' });
    expect(errorOf(() => route('MGET', keyOf('a'), keyOf('b')))).toMatch(/^CROSSSLOT/);
  });

  it('checks queued commands per command and the whole transaction at EXEC', async () => {
    const { route, keyOf, client, sent } = setup({ answer: (_p, argv) => (argv[0] === 'EXEC' ? array([OK]) : OK) });
    client.multi = { queue: [], failed: false };
    expect(errorOf(() => route('MGET', keyOf('a'), keyOf('b')))).toMatch(/^CROSSSLOT/);
    const k = keyOf('b');
    expect(route('SET', k, 'v')).toBeNull(); // queued by the executor
    client.multi.queue.push({ argv: ['SET', k, 'v'] });
    const r = await (route('EXEC') as Promise<Reply>);
    expect(r).toEqual({ t: 'raw', v: encodeToBuffer(array([OK]), 2) });
    expect(sent.map((s) => s.argv)).toEqual([['MULTI'], ['SET', k, 'v'], ['EXEC']]);
    expect(client.multi).toBeNull();
    client.multi = { queue: [{ argv: ['SET', keyOf('a'), '1'] }, { argv: ['SET', keyOf('b'), '2'] }], failed: false };
    expect(errorOf(() => route('EXEC'))).toMatch(/^CROSSSLOT/);
    expect(client.multi).toBeNull();
  });

  it('applies no cluster rules to a lone node started without seeds', () => {
    const { route } = setup({ seeded: false, members: [member('a', 7001)] });
    expect(route('RENAME', 'foo', 'bar')).toBeNull();
    expect(route('MGET', 'foo', 'bar')).toBeNull();
  });

  it('keeps cluster rules for a lone node that was given seeds', () => {
    const { route } = setup({ seeded: true, members: [member('a', 7001)] });
    expect(errorOf(() => route('RENAME', 'foo', 'bar'))).toMatch(/^CROSSSLOT/);
    expect(route('MGET', 'foo', 'bar')).toBeNull(); // one owner: run here
  });

  it('never forwards what a peer sent: TRYAGAIN when this ring gives the key elsewhere', () => {
    const { route, keyOf, client } = setup();
    client.peer = true;
    expect(route('GET', keyOf('a'))).toBeNull();
    expect(route('RENAME', keyOf('a', 'x'), keyOf('a', 'y'))).toBeNull(); // a split part: ours, any slots
    const r = route('GET', keyOf('b')) as Reply;
    expect(r.t === 'error' && r.v).toMatch(/^TRYAGAIN slot \d+ is owned by b/);
    expect(route('PUBLISH', 'ch', 'm')).toBeNull();
  });
});
