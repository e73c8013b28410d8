// The whole command table side by side with redis-server 7.0.15: COMMAND INFO / DOCS of every command and subcommand (RESP2 and RESP3), COUNT, LIST, GETKEYSANDFLAGS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../resp/reply.js';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { openRespConn, type RespConn } from '../testing/resp-conn.js';
import { COMMAND_FAMILIES } from './index.js';

/** Hash-field expiration: Redis 7.4 / 8 commands (issue 16), absent from 7.0. */
const HASH_FIELD_EXPIRY = ['hexpire', 'hpexpire', 'hexpireat', 'hpexpireat', 'httl', 'hpttl', 'hexpiretime', 'hpexpiretime', 'hpersist', 'hgetex', 'hsetex', 'hgetdel'];

/**
 * Commands Redis 7.0 has none of, and that is no failure: ringcache's own, Redis 7.4's hash-field
 * expiry, and RedisBloom's BF.* / CF.* (a module, not in redis-server).
 */
const OWN = new Set([
  'cluster|peer',
  'cluster|handoff',
  'cluster|track',
  'cluster|replfeed',
  'cluster|dropstale',
  ...HASH_FIELD_EXPIRY,
  ...COMMAND_FAMILIES.flat()
    .map((s) => s.name)
    .filter((n) => n.startsWith('bf.') || n.startsWith('cf.')),
]);

/**
 * Deliberate differences, by command and kind: ZRANK/ZREVRANK take Redis 7.2's WITHSCORE (arity
 * -3 and the argument), which ringcache implements and Redis 7.0 does not.
 */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  zrank: ['info.arity', 'docs.arguments'],
  zrevrank: ['info.arity', 'docs.arguments'],
};

const INFO_FIELDS = ['name', 'arity', 'flags', 'first', 'last', 'step', 'acl', 'tips', 'keyspecs', 'subcommands'] as const;

const table = COMMAND_FAMILIES.flat();
const NAMES = table.flatMap((s) => [s.name, ...(s.subcommands ?? []).map((x) => x.name)]);

/** A reply as text with its RESP types (bulk vs simple, set vs array, map...), for exact comparison. */
function canon(r: Reply | undefined): string {
  if (r === undefined) return 'absent';
  switch (r.t) {
    case 'array':
    case 'set':
    case 'push':
      return `${r.t}[${r.v.map(canon).join(',')}]`;
    case 'map':
      return `map{${r.v.map(([k, v]) => `${canon(k)}:${canon(v)}`).join(',')}}`;
    case 'int':
      return `:${String(r.v)}`;
    case 'bulk':
      return `$${JSON.stringify(r.v)}`;
    case 'simple':
      return `+${r.v}`;
    case 'error':
      return `-${r.v}`;
    case 'nullbulk':
    case 'nullarray':
      return r.t;
    default:
      return JSON.stringify(r);
  }
}

function elements(r: Reply | undefined): readonly Reply[] {
  return r !== undefined && (r.t === 'array' || r.t === 'set') ? r.v : [];
}

/** A RESP3 map or a RESP2 flat array of pairs, as [key, value] pairs in reply order. */
function pairs(r: Reply | undefined): (readonly [string, Reply])[] {
  if (r === undefined) return [];
  const text = (k: Reply): string => (k.t === 'bulk' || k.t === 'simple' ? k.v : canon(k));
  if (r.t === 'map') return r.v.map(([k, v]) => [text(k), v] as const);
  const out: (readonly [string, Reply])[] = [];
  const xs = elements(r);
  for (let i = 0; i + 1 < xs.length; i += 2) out.push([text(xs[i] as Reply), xs[i + 1] as Reply]);
  return out;
}

const short = (s: string): string => (s.length > 300 ? `${s.slice(0, 300)}...` : s);

interface Difference {
  readonly command: string;
  readonly kind: string;
  readonly detail: string;
}

/**
 * COMMAND INFO entries compared field by field. A container's subcommands are compared by name only
 * (Redis lists all of its own, in hash order): each is compared in full under its own name.
 */
function diffInfo(name: string, redis: Reply | undefined, ours: Reply | undefined, out: Difference[]): void {
  const r = elements(redis);
  const o = elements(ours);
  if (o.length === 0 || r.length === 0) {
    out.push({ command: name, kind: 'info.entry', detail: `redis ${short(canon(redis))} ringcache ${short(canon(ours))}` });
    return;
  }
  for (let i = 0; i < 9; i++) {
    if (canon(r[i]) !== canon(o[i])) out.push({ command: name, kind: `info.${INFO_FIELDS[i]}`, detail: `redis ${short(canon(r[i]))} ringcache ${short(canon(o[i]))}` });
  }
  const rSubs = new Map(elements(r[9]).map((e) => [canon(elements(e)[0]), e]));
  const oSubs = elements(o[9]);
  if ((r[9]?.t ?? '') !== (o[9]?.t ?? '')) out.push({ command: name, kind: 'info.subcommands', detail: `redis ${r[9]?.t ?? '-'} ringcache ${o[9]?.t ?? '-'}` });
  for (const e of oSubs) {
    const subName = elements(e)[0];
    const sub = subName?.t === 'bulk' ? subName.v : canon(subName);
    if (!rSubs.has(canon(subName)) && !OWN.has(sub)) out.push({ command: name, kind: 'info.subcommands', detail: `${sub} is not in Redis 7.0` });
  }
}

/** COMMAND DOCS of one command compared key by key (key order included); subcommands by name, as for INFO. */
function diffDocs(name: string, redis: Reply | undefined, ours: Reply | undefined, out: Difference[]): void {
  const r = pairs(redis);
  const o = pairs(ours);
  const keys = (ps: readonly (readonly [string, Reply])[]): string => ps.map(([k]) => k).join(',');
  if (keys(r) !== keys(o)) out.push({ command: name, kind: 'docs.keys', detail: `redis ${keys(r)} ringcache ${keys(o)}` });
  const rm = new Map(r);
  for (const [k, v] of o) {
    if (k === 'subcommands') {
      const rSubs = new Map(pairs(rm.get(k)));
      for (const [sub] of pairs(v)) {
        if (!rSubs.has(sub) && !OWN.has(sub)) out.push({ command: name, kind: 'docs.subcommands', detail: `${sub} is not in Redis 7.0` });
      }
      continue;
    }
    if (rm.has(k) && canon(rm.get(k)) !== canon(v)) out.push({ command: name, kind: `docs.${k}`, detail: `redis ${short(canon(rm.get(k)))} ringcache ${short(canon(v))}` });
  }
}

/** The doc of `name` in a COMMAND DOCS reply (a map in RESP3, [name, doc] in RESP2). */
function docOf(reply: Reply, name: string): Reply | undefined {
  return pairs(reply).find(([k]) => k === name)?.[1];
}

function unexpected(diffs: readonly Difference[]): Difference[] {
  return diffs.filter((d) => !OWN.has(d.command) && !(KNOWN[d.command] ?? []).includes(d.kind));
}

function byKind(diffs: readonly Difference[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of diffs) out[d.kind] = (out[d.kind] ?? 0) + 1;
  return out;
}

let redis: RedisServer;
let node: SpawnedNode;
const conns: { redis: RespConn; ours: RespConn }[] = [];

beforeAll(async () => {
  [redis, node] = await Promise.all([startRedisServer(), spawnNode()]);
  for (const proto of [2, 3] as const) conns.push({ redis: await openRespConn(redis.port, proto), ours: await openRespConn(node.port, proto) });
}, 60_000);

afterAll(async () => {
  for (const c of conns) {
    c.redis.close();
    c.ours.close();
  }
  await Promise.all([node?.stop(), redis?.stop()]);
});

const names = (r: Reply): string[] => elements(r).map((x) => (x.t === 'bulk' ? x.v : canon(x)));

describe('the command table against redis-server 7.0.15', () => {
  it.each([2, 3] as const)('COMMAND INFO and COMMAND DOCS of every command and subcommand, RESP%i', async (proto) => {
    const c = conns[proto - 2] as { redis: RespConn; ours: RespConn };
    const diffs: Difference[] = [];
    let compared = 0;
    for (const name of NAMES) {
      const [rInfo, oInfo, rDocs, oDocs] = await Promise.all([c.redis.call('COMMAND', 'INFO', name), c.ours.call('COMMAND', 'INFO', name), c.redis.call('COMMAND', 'DOCS', name), c.ours.call('COMMAND', 'DOCS', name)]);
      const rEntry = elements(rInfo)[0];
      if (rEntry === undefined || rEntry.t === 'nullbulk' || rEntry.t === 'nullarray') {
        if (!OWN.has(name)) diffs.push({ command: name, kind: 'extra', detail: 'Redis 7.0 has no such command' });
        continue;
      }
      compared++;
      diffInfo(name, rEntry, elements(oInfo)[0], diffs);
      diffDocs(name, docOf(rDocs, name), docOf(oDocs, name), diffs);
    }
    const left = unexpected(diffs);
    console.log(`RESP${proto}: ${compared} commands and subcommands compared; differences by kind: ${JSON.stringify(byKind(diffs))}; allowed: ${diffs.length - left.length}`);
    expect(left.map((d) => `${d.command} ${d.kind}: ${d.detail}`)).toEqual([]);
  }, 120_000);

  it.each([2, 3] as const)('answers an unknown name as Redis does, RESP%i', async (proto) => {
    const c = conns[proto - 2] as { redis: RespConn; ours: RespConn };
    for (const argv of [['COMMAND', 'INFO', 'nosuchcommand', 'get'], ['COMMAND', 'DOCS', 'nosuchcommand'], ['COMMAND', 'INFO', 'config|nosuch']]) {
      expect(canon(await c.ours.call(...argv)), argv.join(' ')).toBe(canon(await c.redis.call(...argv)));
    }
  });

  it('COMMAND COUNT and COMMAND LIST name the table; what Redis has beyond it is listed, not failed', async () => {
    const c = conns[0] as { redis: RespConn; ours: RespConn };
    const count = await c.ours.call('COMMAND', 'COUNT');
    expect(count).toEqual({ t: 'int', v: table.length });
    const ours = names(await c.ours.call('COMMAND', 'LIST'));
    expect([...ours].sort()).toEqual([...NAMES].sort());
    const theirs = new Set(names(await c.redis.call('COMMAND', 'LIST')));
    expect(ours.filter((n) => !theirs.has(n) && !OWN.has(n))).toEqual([]);
    const missing = [...theirs].filter((n) => !ours.includes(n)).sort();
    console.log(`Redis 7.0.15 has ${theirs.size} commands and subcommands, ringcache ${ours.length}; not in ringcache (${missing.length}): ${missing.join(' ')}`);
    expect(elements(await c.ours.call('COMMAND')).length).toBe(table.length);
  });

  it('COMMAND LIST FILTERBY ACLCAT and PATTERN select what Redis selects among ringcache\'s commands', async () => {
    const c = conns[0] as { redis: RespConn; ours: RespConn };
    const cats = names(await c.redis.call('ACL', 'CAT'));
    expect(cats.length).toBeGreaterThan(0);
    const ourNames = new Set(NAMES);
    const filters = [...cats.map((cat) => ['ACLCAT', cat]), ['ACLCAT', 'nosuchcategory'], ['PATTERN', 'c*'], ['PATTERN', 'config|*'], ['PATTERN', '*GET*'], ['PATTERN', 'z?ank'], ['MODULE', 'x']];
    for (const f of filters) {
      const argv = ['COMMAND', 'LIST', 'FILTERBY', ...f];
      const expected = names(await c.redis.call(...argv)).filter((n) => ourNames.has(n)).sort();
      const got = names(await c.ours.call(...argv)).filter((n) => !OWN.has(n)).sort();
      expect(got, f.join(' ')).toEqual(expected);
    }
  });

  it.each([2, 3] as const)('COMMAND GETKEYS and GETKEYSANDFLAGS find the keys and access flags Redis finds, RESP%i', async (proto) => {
    const c = conns[proto - 2] as { redis: RespConn; ours: RespConn };
    const samples = [
      ['SET', 'k', 'v', 'GET'],
      ['MSET', 'a', '1', 'b', '2'],
      ['DEL', 'a', 'b'],
      ['RENAME', 'a', 'b'],
      ['COPY', 'a', 'b'],
      ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['BLPOP', 'a', 'b', '0'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
      ['XREAD', 'COUNT', '1', 'STREAMS', 's1', 's2', '0', '0'],
      ['OBJECT', 'ENCODING', 'k'],
      ['MEMORY', 'USAGE', 'k'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['GETEX', 'k', 'PERSIST'],
      ['PING'],
    ];
    for (const argv of samples) {
      for (const sub of ['GETKEYS', 'GETKEYSANDFLAGS']) {
        const q = ['COMMAND', sub, ...argv];
        expect(canon(await c.ours.call(...q)), q.join(' ')).toBe(canon(await c.redis.call(...q)));
      }
    }
  });
});
