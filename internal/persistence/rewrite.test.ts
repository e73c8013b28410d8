// Rewrite of every value type: replaying the generated commands in a fresh node reproduces each value exactly.
import { describe, expect, it } from 'vitest';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { picture } from '../testing/dataset.js';
import type { Collection } from '../store/types.js';
import { formatScore, ITEMS_PER_CMD, rewriteEntry, RewriteError, rewriteValue } from './rewrite.js';
import { dumpSync } from './walker.js';
import { scanBuffer } from './records.js';

/** Dumps `src` with dumpSync and replays the bytes into a fresh executor. */
function roundTrip(src: TestExecutor): TestExecutor {
  const chunks: Buffer[] = [];
  dumpSync(src.store, src.clock.now(), (c) => chunks.push(Buffer.from(c)));
  const dst = createTestExecutor({ startAt: src.clock.now() });
  const client = dst.newClient();
  const res = scanBuffer(Buffer.concat(chunks), (argv) => {
    const r = dst.executor.execute(client, argv);
    if (r instanceof Promise || r.t === 'error') throw new Error(`replay of ${argv.slice(0, 3).join(' ')} failed: ${JSON.stringify(r)}`);
  });
  expect(res.problem).toBeNull();
  return dst;
}

function emitted(key: string, t: TestExecutor): string[][] {
  const out: string[][] = [];
  const e = t.store.db(0).raw(key);
  if (e === undefined) throw new Error('no key');
  rewriteEntry(key, e, (argv) => out.push(argv));
  return out;
}

describe('rewrite', () => {
  it('strings, with binary content and an absolute expiry', () => {
    const t = createTestExecutor();
    t.run('SET', 's', '\x00\r\nbin\xff');
    t.run('SET', 'ttl', 'v', 'PX', '5000');
    t.run('SET', 'empty', '');
    expect(emitted('ttl', t)).toEqual([
      ['SET', 'ttl', 'v'],
      ['PEXPIREAT', 'ttl', String(t.clock.now() + 5000)],
    ]);
    expect(picture(roundTrip(t).store)).toEqual(picture(t.store));
  });

  it('hashes small and large, in chunks of ITEMS_PER_CMD fields', () => {
    const t = createTestExecutor();
    t.run('HSET', 'small', 'f', 'v', 'g', '');
    for (let i = 0; i < 700; i++) t.run('HSET', 'big', `f${i}`, 'x'.repeat(i % 90));
    const cmds = emitted('big', t);
    expect(cmds.length).toBe(Math.ceil(700 / ITEMS_PER_CMD));
    expect(cmds.every((c) => c[0] === 'HSET' && c.length <= 2 + 2 * ITEMS_PER_CMD)).toBe(true);
    const dst = roundTrip(t);
    expect(picture(dst.store)).toEqual(picture(t.store));
    expect(dst.run('OBJECT', 'ENCODING', 'big')).toBe('hashtable');
    expect(dst.run('HGETALL', 'small')).toEqual(t.run('HGETALL', 'small'));
  });

  it('sets (intset and hashtable)', () => {
    const t = createTestExecutor();
    t.run('SADD', 'ints', '3', '-1', '100');
    for (let i = 0; i < 300; i++) t.run('SADD', 'words', `m${i}`);
    t.run('SREM', 'words', 'm7');
    const dst = roundTrip(t);
    expect(picture(dst.store)).toEqual(picture(t.store));
    expect(dst.run('OBJECT', 'ENCODING', 'ints')).toBe('intset');
  });

  it('lists keep their order', () => {
    const t = createTestExecutor();
    for (let i = 0; i < 200; i++) t.run(i % 2 ? 'RPUSH' : 'LPUSH', 'l', `e${i}`);
    t.run('RPUSH', 'one', '');
    expect(picture(roundTrip(t).store)).toEqual(picture(t.store));
  });

  it('sorted sets keep exact scores, inf and -0', () => {
    const t = createTestExecutor();
    t.run('ZADD', 'z', 'inf', 'top', '-inf', 'bottom', '-0', 'negzero', '0.1', 'tenth', '1e-300', 'tiny', '3.3333333333333335', 'third');
    for (let i = 0; i < 150; i++) t.run('ZADD', 'big', String(i / 7), `m${i}`);
    expect(formatScore(1 / 3)).toBe('0.3333333333333333');
    expect(formatScore(-0)).toBe('-0');
    const dst = roundTrip(t);
    expect(picture(dst.store)).toEqual(picture(t.store));
    expect(dst.run('ZSCORE', 'z', 'third')).toBe(t.run('ZSCORE', 'z', 'third'));
  });

  it('streams: entries, deleted entries, counters, groups, pending entries and idle consumers', () => {
    const t = createTestExecutor();
    for (let i = 1; i <= 5; i++) t.run('XADD', 's', `${i}-1`, 'f', `v${i}`, 'g', 'x');
    t.run('XDEL', 's', '2-1');
    t.run('XGROUP', 'CREATE', 's', 'g1', '0');
    t.run('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    t.clock.advance(1000);
    t.run('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '1', 'STREAMS', 's', '>');
    t.run('XGROUP', 'CREATECONSUMER', 's', 'g1', 'carol');
    t.run('XGROUP', 'CREATE', 's', 'g2', '$');
    t.run('XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM');
    t.run('XADD', 'trimmed', '7-7', 'a', 'b');
    t.run('XTRIM', 'trimmed', 'MAXLEN', '0');
    const dst = roundTrip(t);
    expect(picture(dst.store)).toEqual(picture(t.store));
    expect(dst.run('XPENDING', 's', 'g1')).toEqual(t.run('XPENDING', 's', 'g1'));
    expect(dst.run('XINFO', 'STREAM', 'trimmed')).toEqual(t.run('XINFO', 'STREAM', 'trimmed'));
  });

  it('refuses a type it has no rewrite for, naming the key', () => {
    const odd = { type: 'geo', size: 1, encoding: () => 'x', byteSize: () => 1, clone: () => odd } as unknown as Collection;
    expect(() => rewriteValue('k', odd, () => undefined)).toThrow(RewriteError);
    expect(() => rewriteValue('k', odd, () => undefined)).toThrow("cannot serialize key 'k': no rewrite for values of type 'geo'");
  });

  it('a whole data set over several databases round-trips, expired keys left out', () => {
    const t = createTestExecutor();
    t.run('SET', 'a', '1');
    t.run('SELECT', '3');
    t.run('HSET', 'h', 'f', 'v');
    t.run('SET', 'gone', 'x', 'PX', '10');
    t.clock.advance(20);
    const dst = roundTrip(t);
    expect(picture(dst.store)).toEqual(picture(t.store, t.clock.now()));
    expect(Object.keys(picture(dst.store))).toEqual(['0:a', '3:h']);
    expect(dst.store.db(3).raw('gone')).toBeUndefined();
  });
});
