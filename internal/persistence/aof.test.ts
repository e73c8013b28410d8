// AOF writer: SELECT tracking, group commit (one fsync per turn, nothing durable before it), file switch, failures and recovery.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultyFs, type FaultyFs } from '../testing/faultyfs.js';
import { type AofFile, AofWriteError, AofWriter, type FsyncPolicy } from './aof.js';
import { encodeCommand, scanBuffer } from './records.js';

let dir: string;
let io: FaultyFs;
const log = pino({ level: 'silent' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringcache-aof-'));
  io = faultyFs();
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(name: string): AofFile {
  const p = path.join(dir, name);
  return { name, path: p, fd: fs.openSync(p, 'a'), size: 0 };
}

function writer(policy: FsyncPolicy, health: (string | null)[] = []): AofWriter {
  return new AofWriter(io, log, policy, (r) => health.push(r));
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Lets the pump run until `cond` holds (async fs work completes on the thread pool). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 4000;
  while (Date.now() < deadline) {
    if (cond()) return;
    await turn();
  }
  throw new Error(`never happened: ${what}`);
}

function commands(file: string): string[][] {
  const out: string[][] = [];
  const res = scanBuffer(fs.readFileSync(file), (argv) => out.push(argv));
  expect(res.problem).toBeNull();
  return out;
}

describe('AofWriter', () => {
  it('journals RESP with SELECT whenever the db changes, including SELECTs inside transactions', async () => {
    const w = writer('no');
    const f = open('a.aof');
    w.attach(f);
    w.append(0, ['SET', 'a', '1']);
    w.append(0, ['SET', 'b', '2']);
    w.append(3, ['MULTI']);
    w.append(3, ['SET', 'c', '3']);
    w.append(3, ['SELECT', '5']);
    w.append(3, ['SET', 'd', '4']);
    w.append(3, ['EXEC']);
    w.append(3, ['SET', 'e', '5']);
    await w.flush();
    expect(commands(f.path)).toEqual([
      ['SELECT', '0'],
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['SELECT', '3'],
      ['MULTI'],
      ['SET', 'c', '3'],
      ['SELECT', '5'],
      ['SET', 'd', '4'],
      ['EXEC'],
      ['SELECT', '3'],
      ['SET', 'e', '5'],
    ]);
    expect(f.size).toBe(fs.statSync(f.path).size);
  });

  it('always: all appends of a turn share one fsync and nothing is durable before it', async () => {
    const w = writer('always');
    w.attach(open('a.aof'));
    io.holdFsyncs = true;
    for (let i = 0; i < 50; i++) w.append(0, ['SET', `k${i}`, 'v']);
    const gate = w.whenDurable();
    expect(gate).not.toBeNull();
    // Every connection of the turn gets the same promise.
    expect(w.whenDurable()).toBe(gate);
    let durable = false;
    void gate?.then(() => (durable = true));
    await until(() => io.held === 1, 'the group fsync');
    for (let i = 0; i < 20; i++) await turn();
    expect(durable).toBe(false);
    expect(io.counts.writes).toBe(1);
    // Writes arriving while the fsync is in flight form the next group.
    w.append(0, ['SET', 'late', 'v']);
    const gate2 = w.whenDurable();
    expect(gate2).not.toBe(gate);
    io.releaseFsyncs();
    await until(() => durable, 'first group durable');
    expect(io.counts.fsyncs).toBe(1);
    io.holdFsyncs = false;
    io.releaseFsyncs();
    await gate2;
    expect(io.counts.fsyncs).toBe(2);
    expect(io.counts.writes).toBe(2);
    expect(w.whenDurable()).toBeNull();
  });

  it('everysec and no: replies wait only for the end-of-turn write (a process crash loses nothing acknowledged), never for fsync', async () => {
    for (const p of ['everysec', 'no'] as const) {
      const w = writer(p);
      const f = open(`${p}-turn.aof`);
      w.attach(f);
      io.holdFsyncs = true;
      w.append(0, ['SET', 'k', 'v']);
      const gate = w.whenDurable();
      expect(gate).not.toBeNull();
      expect(w.whenDurable()).toBe(gate);
      expect(fs.statSync(f.path).size).toBe(0);
      await gate;
      // In the page cache before the connection writes its replies; no fsync was waited for.
      expect(commands(f.path)).toEqual([['SELECT', '0'], ['SET', 'k', 'v']]);
      expect(io.counts.fsyncs).toBe(0);
      expect(w.whenDurable()).toBeNull();
      io.holdFsyncs = false;
    }
  });

  it('everysec: a failed write enters the error state and recovers on retry', async () => {
    const health: (string | null)[] = [];
    const w = writer('everysec', health);
    const f = open('a.aof');
    w.attach(f);
    io.failWrites = 'ENOSPC';
    w.append(0, ['SET', 'k', 'v']);
    // The reply is not held back by the failure (everysec never promised the disk)...
    await w.whenDurable();
    // ...but from now on writes are refused.
    expect(w.writeError).toBe('No space left on device');
    io.failWrites = null;
    await vi.advanceTimersByTimeAsync(100);
    await until(() => w.writeError === null, 'recovery');
    expect(health).toEqual(['No space left on device', null]);
    expect(commands(f.path)).toEqual([['SELECT', '0'], ['SET', 'k', 'v']]);
  });

  it('everysec fsyncs once a second in the background', async () => {
    const w = writer('everysec');
    w.attach(open('a.aof'));
    for (let i = 0; i < 10; i++) w.append(0, ['SET', `k${i}`, 'v']);
    await until(() => w.bufferLength === 0, 'write');
    expect(io.counts.fsyncs).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => io.counts.fsyncs === 1, 'background fsync');
    await vi.advanceTimersByTimeAsync(1000);
    expect(io.counts.fsyncs).toBe(1); // nothing new to sync
  });

  it('resumes short writes where they stopped', async () => {
    const w = writer('always');
    const f = open('a.aof');
    w.attach(f);
    io.maxWrite = 7;
    const cmds = Array.from({ length: 20 }, (_, i) => ['SET', `key${i}`, 'x'.repeat(i * 3)]);
    for (const c of cmds) w.append(0, c);
    await w.whenDurable();
    expect(commands(f.path)).toEqual([['SELECT', '0'], ...cmds]);
  });

  it('a failed write refuses pending replies, reports the error, keeps the bytes and recovers on retry', async () => {
    const health: (string | null)[] = [];
    const w = writer('always', health);
    const f = open('a.aof');
    w.attach(f);
    w.append(0, ['SET', 'ok', '1']);
    await w.whenDurable();
    io.failWrites = 'ENOSPC';
    w.append(0, ['SET', 'lost?', '2']);
    const gate = w.whenDurable() as Promise<void>;
    await expect(gate).rejects.toBeInstanceOf(AofWriteError);
    expect(w.writeError).toBe('No space left on device');
    expect(health).toEqual(['No space left on device']);
    // In the error state nothing waits: writes are refused before they run, reads go out.
    w.append(0, ['DEL', 'expired-meanwhile']);
    expect(w.whenDurable()).toBeNull();
    // Retries keep failing while the disk is full...
    await vi.advanceTimersByTimeAsync(100);
    await until(() => io.counts.failed >= 2, 'a retry');
    expect(w.writeError).not.toBeNull();
    // ...and the first one that succeeds clears the state, with every byte in order.
    io.failWrites = null;
    await vi.advanceTimersByTimeAsync(100);
    await until(() => w.writeError === null, 'recovery');
    expect(health).toEqual(['No space left on device', null]);
    expect(commands(f.path)).toEqual([['SELECT', '0'], ['SET', 'ok', '1'], ['SET', 'lost?', '2'], ['DEL', 'expired-meanwhile']]);
  });

  it('a failed fsync under everysec enters the error state until an fsync succeeds', async () => {
    const health: (string | null)[] = [];
    const w = writer('everysec', health);
    w.attach(open('a.aof'));
    w.append(0, ['SET', 'k', 'v']);
    await until(() => w.bufferLength === 0, 'write');
    io.failFsyncs = 'EIO';
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => w.writeError !== null, 'fsync error');
    expect(w.writeError).toBe('Input/output error');
    io.failFsyncs = null;
    await vi.advanceTimersByTimeAsync(100);
    await until(() => w.writeError === null, 'recovery');
    expect(health).toEqual(['Input/output error', null]);
  });

  it('switchTo: earlier appends finish in the old file (then closed), later ones go to the new file', async () => {
    const w = writer('everysec');
    const a = open('a.aof');
    const b = open('b.aof');
    w.attach(a);
    w.append(2, ['SET', 'x', '1']);
    w.switchTo(b);
    w.append(2, ['SET', 'y', '2']);
    await w.flush();
    expect(commands(a.path)).toEqual([['SELECT', '2'], ['SET', 'x', '1']]);
    // A new file starts with SELECT so it replays on its own after a base.
    expect(commands(b.path)).toEqual([['SELECT', '2'], ['SET', 'y', '2']]);
    expect(() => fs.fstatSync(a.fd)).toThrow();
    expect(w.current).toBe(b);
    expect(fs.readFileSync(a.path, 'latin1')).toBe(encodeCommand(['SELECT', '2']) + encodeCommand(['SET', 'x', '1']));
  });
});
