// Persistence manager end to end in-process: recovery (AOF, snapshot, cut tails, corruption), BGSAVE/BGREWRITEAOF under writes, MISCONF, schedules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigValue } from '../config/schema.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { picture } from '../testing/dataset.js';
import { faultyFs, type FaultyFs } from '../testing/faultyfs.js';
import { LoadError } from './loader.js';
import { PersistenceManager } from './manager.js';
import { encodeCommand } from './records.js';

let dir: string;
const open: PersistenceManager[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-pm-'));
});
afterEach(async () => {
  for (const m of open.splice(0)) await m.close().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Node {
  t: TestExecutor;
  m: PersistenceManager;
}

function node(config: Record<string, ConfigValue> = {}, io?: FaultyFs, startAt?: number): Node {
  const t = createTestExecutor({ config: { dir, ...config }, ...(startAt !== undefined ? { startAt } : {}) });
  const m = new PersistenceManager({
    config: t.config,
    store: t.store,
    executor: t.executor,
    stats: t.stats,
    log: pino({ level: 'silent' }),
    now: () => t.clock.now(),
    ...(io ? { io } : {}),
  });
  open.push(m);
  return { t, m };
}

/** Starts a node on `dir` with `config`, loading what is there. */
function boot(config: Record<string, ConfigValue> = {}, io?: FaultyFs): Node {
  const n = node(config, io);
  n.m.load();
  return n;
}

async function shut(n: Node): Promise<void> {
  await n.m.close();
  open.splice(open.indexOf(n.m), 1);
}

const AOF = { appendonly: 'yes', appendfsync: 'always' };
const aofDir = (): string => path.join(dir, 'appendonlydir');
const manifest = (): string => fs.readFileSync(path.join(aofDir(), 'appendonly.aof.manifest'), 'latin1');
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await turn();
  }
}

function seed(t: TestExecutor): void {
  t.run('SET', 's', 'v');
  t.run('SET', 'ttl', 'x', 'PX', '60000');
  t.run('HSET', 'h', 'a', '1', 'b', '2');
  t.run('RPUSH', 'l', '1', '2', '3');
  t.run('SADD', 'set', 'x', 'y');
  t.run('ZADD', 'z', '1.5', 'm');
  t.run('XADD', 'st', '1-1', 'f', 'v');
  t.run('SELECT', '7');
  t.run('SET', 'in7', 'yes');
  t.run('SELECT', '0');
}

describe('AOF recovery', () => {
  it('creates the AOF on first start and replays it after a restart', async () => {
    const a = boot(AOF);
    expect(manifest()).toBe('file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    seed(a.t);
    a.t.run('MULTI');
    a.t.run('INCR', 'n');
    a.t.run('SELECT', '3');
    a.t.run('SET', 'tx3', '1');
    a.t.run('EXEC');
    a.t.run('SELECT', '0');
    a.t.run('SET', 'after-tx', '1');
    await shut(a);
    const b = boot(AOF);
    expect(picture(b.t.store)).toEqual(picture(a.t.store));
    expect(b.t.store.db(3).raw('tx3')).toBeDefined();
    expect(b.t.stats.dirty).toBe(0);
    // Loading is invisible in command statistics.
    expect(b.t.executor.commandStats.size).toBe(0);
    // Every loaded key is marked as loaded from disk (a handed-off live copy may replace it), until written.
    expect([0, 3, 7].every((i) => [...b.t.store.db(i).entries()].every(([, e]) => e.fromDisk))).toBe(true);
    b.t.run('SET', 's', 'w');
    expect(b.t.store.db(0).raw('s')?.fromDisk).toBe(false);
  });

  it('cuts a truncated last record at every offset (aof-load-truncated yes) and refuses it with no', async () => {
    const a = boot(AOF);
    seed(a.t);
    a.t.run('SET', 'last', 'x'.repeat(40));
    const expected = picture(a.t.store);
    delete expected['0:last'];
    await shut(a);
    const incr = path.join(aofDir(), 'appendonly.aof.1.incr.aof');
    const whole = fs.readFileSync(incr);
    const lastLen = encodeCommand(['SET', 'last', 'x'.repeat(40)]).length;
    const boundary = whole.length - lastLen;
    for (let cut = boundary + 1; cut < whole.length; cut++) {
      fs.writeFileSync(incr, whole.subarray(0, cut));
      const b = boot(AOF);
      expect(picture(b.t.store), `cut ${cut}`).toEqual(expected);
      expect(fs.statSync(incr).size).toBe(boundary);
      // Journaling continues right after the last complete record.
      b.t.run('SET', 'next', '1');
      await shut(b);
      const c = boot(AOF);
      expect(c.t.run('GET', 'next')).toBe('1');
      await shut(c);
    }
    fs.writeFileSync(incr, whole.subarray(0, whole.length - 3));
    expect(() => boot({ ...AOF, aof_load_truncated: 'no' })).toThrow(/Unexpected end of file reading the append only file .*appendonly\.aof\.1\.incr\.aof at offset \d+/);
  });

  it('refuses a corrupt record in the middle, naming the file and offset', async () => {
    const a = boot(AOF);
    seed(a.t);
    await shut(a);
    const incr = path.join(aofDir(), 'appendonly.aof.1.incr.aof');
    const b = fs.readFileSync(incr);
    const at = b.indexOf('$4\r\nHSET', 0, 'latin1');
    const rec = b.lastIndexOf('*', at);
    b[at] = 0x3f; // '$' -> '?'
    fs.writeFileSync(incr, b);
    let err: unknown;
    try {
      boot(AOF);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).offset).toBe(rec);
    expect((err as LoadError).message).toContain(`Bad file format reading the append only file ${incr} at offset ${rec}: expected '$', got '?'`);
  });

  it('drops a transaction the file ends inside and cuts the file before its MULTI', async () => {
    const a = boot(AOF);
    a.t.run('SET', 'before', '1');
    await shut(a);
    const incr = path.join(aofDir(), 'appendonly.aof.1.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, encodeCommand(['MULTI']) + encodeCommand(['SET', 'half', '1']));
    const b = boot(AOF);
    expect(b.t.run('GET', 'half')).toBeNull();
    expect(b.t.run('GET', 'before')).toBe('1');
    expect(fs.statSync(incr).size).toBe(good);
  });
});

describe('snapshots', () => {
  it('SAVE then restart restores everything; LASTSAVE and dirty follow', async () => {
    const a = boot();
    seed(a.t);
    expect(a.t.stats.dirty).toBeGreaterThan(0);
    a.m.save();
    expect(a.t.stats.dirty).toBe(0);
    expect(a.m.lastsave()).toBe(Math.floor(a.t.clock.now() / 1000));
    await shut(a);
    const b = boot();
    expect(picture(b.t.store)).toEqual(picture(a.t.store));
  });

  it('refuses a corrupt or truncated snapshot naming file and offset; a leftover temp file is ignored and removed', async () => {
    const a = boot();
    seed(a.t);
    a.m.save();
    await shut(a);
    const dump = path.join(dir, 'dump.rcs');
    const good = fs.readFileSync(dump);
    // A save killed half-way leaves only its temp file: the previous snapshot still loads.
    fs.writeFileSync(path.join(dir, 'temp-12345-dump.rcs'), good.subarray(0, 30));
    const b = boot();
    expect(picture(b.t.store)).toEqual(picture(a.t.store));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
    await shut(b);
    const bad = Buffer.from(good);
    bad[40] = (bad[40] as number) ^ 0xff;
    fs.writeFileSync(dump, bad);
    expect(() => boot()).toThrow(new RegExp(`refusing to load corrupt snapshot ${dump} at offset 16: block checksum mismatch`));
    fs.writeFileSync(dump, good.subarray(0, good.length - 5));
    expect(() => boot()).toThrow(new RegExp(`refusing to load truncated snapshot ${dump} at offset \\d+`));
  });

  it('BGSAVE is point-in-time while clients keep writing, and reports its state', async () => {
    const a = boot();
    for (let i = 0; i < 20_000; i++) a.t.run('SET', `k${i}`, `v${i}`);
    a.t.run('HSET', 'h', 'f', 'old');
    const atStart = picture(a.t.store);
    expect(a.m.bgsave(false)).toBe('Background saving started');
    expect(() => a.m.bgsave(false)).toThrow('Background save already in progress');
    expect(a.m.info(a.t.clock.now())).toContainEqual(['rdb_bgsave_in_progress', 1]);
    let i = 0;
    let changes = 0;
    while (a.m.busy !== null) {
      a.t.run('SET', `k${19_999 - i}`, 'changed');
      // DEL of a key that is already gone changes nothing (and counts nothing).
      changes += 3 + (a.t.run('DEL', `k${i}`) as number);
      a.t.run('HSET', 'h', 'f', `new${i}`);
      a.t.run('SET', `new${i}`, '1');
      i++;
      await turn();
    }
    expect(i).toBeGreaterThan(2);
    await shut(a);
    const b = boot();
    expect(picture(b.t.store)).toEqual(atStart);
    const info = Object.fromEntries(a.m.info(a.t.clock.now()));
    expect(info['rdb_last_bgsave_status']).toBe('ok');
    expect(info['rdb_bgsave_in_progress']).toBe(0);
    // Changes made during the save remain dirty.
    expect(a.t.stats.dirty).toBe(changes);
  });

  it('save points start a BGSAVE from the cron once enough changes are old enough', async () => {
    const a = boot({ save: '60 3' });
    a.t.run('SET', 'a', '1');
    a.t.run('SET', 'b', '1');
    a.t.clock.advance(61_000);
    a.m.cron(a.t.clock.now());
    expect(a.m.busy).toBeNull();
    a.t.run('SET', 'c', '1');
    a.m.cron(a.t.clock.now());
    expect(a.m.busy).toBe('rdb');
    await a.m.idle();
    expect(a.t.stats.dirty).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dump.rcs'))).toBe(true);
  });

  it('finalSave writes the snapshot when save points exist, or on SAVE, never on NOSAVE', async () => {
    const a = boot({ save: '3600 1' });
    a.t.run('SET', 'k', 'v');
    a.m.finalSave({ save: false });
    expect(fs.existsSync(path.join(dir, 'dump.rcs'))).toBe(false);
    a.m.finalSave();
    expect(fs.existsSync(path.join(dir, 'dump.rcs'))).toBe(true);
  });
});

describe('AOF rewrite', () => {
  it('BGREWRITEAOF compacts to a new base and incr, swaps the manifest, deletes the old files, and loses nothing written meanwhile', async () => {
    const a = boot(AOF);
    for (let i = 0; i < 5000; i++) a.t.run('INCR', `c${i % 50}`);
    await until(() => a.m.aof.bufferLength === 0, 'written');
    const before = Object.fromEntries(a.m.info(a.t.clock.now()));
    expect(a.m.bgrewriteaof()).toBe('Background append only file rewriting started');
    expect(() => a.m.bgrewriteaof()).toThrow('Background append only file rewriting already in progress');
    let i = 0;
    let interim = '';
    while (a.m.busy !== null) {
      // Crash safety during the rewrite: the manifest names the new incr file after the old ones.
      if (manifest().includes('appendonly.aof.2.incr.aof') && interim === '') interim = manifest();
      a.t.run('INCR', `c${i % 50}`);
      a.t.run('SET', `during${i++}`, 'x');
      await turn();
    }
    expect(interim).toBe(
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    expect(manifest()).toBe('file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    const files = ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest'];
    await until(() => JSON.stringify(fs.readdirSync(aofDir()).sort()) === JSON.stringify(files), 'old files removed');
    const after = Object.fromEntries(a.m.info(a.t.clock.now()));
    expect(after['aof_rewrites']).toBe(1);
    expect(after['aof_last_bgrewrite_status']).toBe('ok');
    // 5000 INCRs compacted to 50 counters plus the keys written meanwhile.
    expect(after['aof_base_size'] as number).toBeLessThan(((before['aof_current_size'] as number) * 2) / 3);
    expect(after['aof_base_size'] as number).toBeGreaterThan(0);
    await shut(a);
    const b = boot(AOF);
    expect(picture(b.t.store)).toEqual(picture(a.t.store));
  });

  it('rewrites automatically at auto-aof-rewrite-percentage once over min-size', async () => {
    const a = boot({ ...AOF, appendfsync: 'no', auto_aof_rewrite_min_size: '1kb', auto_aof_rewrite_percentage: 100 });
    for (let i = 0; i < 100; i++) a.t.run('SET', 'same', `value-${i}`);
    await until(() => a.m.aof.bufferLength === 0, 'written');
    a.m.cron(a.t.clock.now());
    expect(a.m.busy).toBe('aof');
    await a.m.idle();
    expect(manifest()).toContain('seq 2 type b');
    // Right after a rewrite the file is small relative to its base: no new rewrite.
    a.m.cron(a.t.clock.now());
    expect(a.m.busy).toBeNull();
  });

  it('turning appendonly on at run time creates the AOF from the live data set', async () => {
    const a = boot({ appendfsync: 'always' });
    seed(a.t);
    a.t.config.set([['appendonly', 'yes']]);
    a.m.configChanged('appendonly', true);
    expect(a.m.busy).toBe('aof');
    a.t.run('SET', 'during', '1');
    await a.m.idle();
    a.t.run('SET', 'after', '1');
    await shut(a);
    const b = boot(AOF);
    expect(picture(b.t.store)).toEqual(picture(a.t.store));
  });

  it('100k random operations over several rewrites match a model, live and after restart', async () => {
    const a = boot({ ...AOF, appendfsync: 'everysec', databases: 4 });
    const model = new Map<string, string | Map<string, string> | string[]>();
    let seed32 = 12345;
    const rnd = (n: number): number => {
      seed32 = (Math.imul(seed32, 1103515245) + 12345) >>> 0;
      return (seed32 >>> 8) % n;
    };
    let db = 0;
    const rewrites = new Set([15_000, 45_000, 80_000]);
    for (let op = 0; op < 100_000; op++) {
      if (rewrites.has(op)) {
        // Each rewrite then runs while the following operations execute.
        await a.m.idle();
        a.m.bgrewriteaof();
      }
      const key = `k${rnd(300)}`;
      const mk = `${db}:${key}`;
      const cur = model.get(mk);
      switch (rnd(8)) {
        case 0:
          a.t.run('SELECT', String((db = rnd(4))));
          break;
        case 1: {
          const v = `v${rnd(1000)}`;
          a.t.run('SET', key, v);
          model.set(mk, v);
          break;
        }
        case 2:
          a.t.run('DEL', key);
          model.delete(mk);
          break;
        case 3:
          if (cur === undefined || typeof cur === 'string') {
            const r = a.t.run('APPEND', key, 'x');
            model.set(mk, (cur ?? '') + 'x');
            expect(r).toBe(((cur ?? '') + 'x').length);
          }
          break;
        case 4:
          if (cur === undefined || cur instanceof Map) {
            const f = `f${rnd(20)}`;
            const v = String(rnd(100));
            a.t.run('HSET', key, f, v);
            const m = cur ?? new Map<string, string>();
            m.set(f, v);
            model.set(mk, m);
          }
          break;
        case 5:
          if (cur instanceof Map) {
            const f = `f${rnd(20)}`;
            a.t.run('HDEL', key, f);
            cur.delete(f);
            if (cur.size === 0) model.delete(mk);
          }
          break;
        case 6:
          if (cur === undefined || Array.isArray(cur)) {
            const v = `e${rnd(50)}`;
            a.t.run('RPUSH', key, v);
            model.set(mk, [...(cur ?? []), v]);
          }
          break;
        case 7:
          if (Array.isArray(cur)) {
            a.t.run('LPOP', key);
            if (cur.length === 1) model.delete(mk);
            else model.set(mk, cur.slice(1));
          }
          break;
      }
      if (op % 500 === 0) await turn();
    }
    await a.m.idle();
    const expected: Record<string, unknown> = {};
    for (const [k, v] of [...model].sort()) {
      expected[k] = [typeof v === 'string' ? ['string', v] : v instanceof Map ? ['hash', [...v].sort()] : ['list', v], 0];
    }
    const sorted = (p: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(p).sort());
    expect(sorted(picture(a.t.store))).toEqual(expected);
    expect(Number(Object.fromEntries(a.m.info(0))['aof_rewrites'])).toBeGreaterThanOrEqual(3);
    await shut(a);
    const b = boot({ ...AOF, databases: 4 });
    expect(sorted(picture(b.t.store))).toEqual(expected);
  }, 60_000);
});

describe('write failures', () => {
  it('answers writes with MISCONF while the AOF cannot be written, keeps reads, and recovers by itself', async () => {
    const io = faultyFs();
    const a = boot(AOF, io);
    a.t.run('SET', 'k', 'before');
    await until(() => a.m.aof.bufferLength === 0, 'written');
    io.failWrites = 'ENOSPC';
    a.t.run('SET', 'k', 'unpersisted');
    const gate = a.t.executor.whenDurable();
    expect(gate).not.toBeNull();
    await expect(gate).rejects.toThrow('Errors writing to the AOF file: No space left on device');
    expect(a.t.run('SET', 'k', 'refused')).toBe('-MISCONF Errors writing to the AOF file: No space left on device');
    expect(a.t.run('GET', 'k')).toBe('unpersisted');
    expect(Object.fromEntries(a.m.info(0))['aof_last_write_status']).toBe('err');
    io.failWrites = null;
    await until(() => a.m.aof.writeError === null, 'recovery');
    expect(a.t.run('SET', 'k', 'after')).toBe('+OK');
    expect(a.t.executor.denyWrites).toBeNull();
    await shut(a);
    const b = boot(AOF);
    expect(b.t.run('GET', 'k')).toBe('after');
  });

  it('a failed background save refuses writes (stop-writes-on-bgsave-error) until a save succeeds', async () => {
    const io = faultyFs();
    const a = boot({ save: '3600 1' }, io);
    a.t.run('SET', 'k', 'v');
    io.failWrites = 'EIO';
    a.m.bgsave(false);
    await a.m.idle();
    expect(a.t.run('SET', 'k', 'w')).toMatch(/^-MISCONF Redis is configured to save RDB snapshots/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
    io.failWrites = null;
    a.m.bgsave(false);
    await a.m.idle();
    expect(a.t.run('SET', 'k', 'w')).toBe('+OK');
  });
});
