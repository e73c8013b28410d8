// The node assembly: built without binding anything, stopped without starting, and each CONFIG SET reaching exactly its part.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localConfig } from '../config/load.js';
import { ConfigRuntime } from '../config/runtime.js';
import { Client } from '../server/client.js';
import { TestMembershipHub } from '../testing/inproc-cluster.js';
import { Lifecycle, StepDeadlineError } from './lifecycle.js';
import { createNode, type RingcacheNode } from './node.js';
import { ConfigSubscriptions } from './subscriptions.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function build(overrides: Record<string, string | number | boolean> = {}): RingcacheNode {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-node-'));
  dirs.push(dir);
  const cfg = localConfig({ node_id: 'n1', dir, port: 0, 'http.port': 0, 'cluster.gossip_port': 0, log_dir: '', ...overrides });
  return createNode(cfg, { log: pino({ level: 'silent' }), membership: new TestMembershipHub().factory });
}

/** Handles of listening sockets and timers, by type: what binding or scheduling would add. */
function resources(): Map<string, number> {
  const by = new Map<string, number>();
  for (const t of process.getActiveResourcesInfo()) by.set(t, (by.get(t) ?? 0) + 1);
  return by;
}

function run(node: RingcacheNode, ...argv: string[]): unknown {
  const c = new Client(1, 'test', 'test', -1, 0, true, () => undefined);
  const r = node.executor.execute(c, argv);
  if (r instanceof Promise) throw new Error('asynchronous reply');
  return r;
}

describe('createNode', () => {
  it('builds every part without binding a port or starting a timer, and stops without having started', async () => {
    const before = resources();
    const node = build({ 'http.enabled': true });
    const after = resources();
    for (const type of ['TCPServerWrap', 'UDPWrap', 'Timeout']) expect(after.get(type) ?? 0, type).toBe(before.get(type) ?? 0);
    // The cluster parts exist before start: CLUSTER commands answer from them.
    expect(node.cluster.api.members().map((m) => m.id)).toEqual(['n1']);
    expect(node.cluster.api.ok()).toBe(false);
    await node.stop();
    expect(resources().get('TCPServerWrap') ?? 0).toBe(before.get('TCPServerWrap') ?? 0);
  });

  it('starts its parts in order and stops them', async () => {
    const node = build();
    expect(node.lifecycle).toEqual(['persistence', 'cluster-links', 'resp', 'http', 'gossip', 'cron', 'replication', 'serving']);
    const addr = await node.start();
    expect(addr.resp.port).toBeGreaterThan(0);
    expect(node.cluster.api.ok()).toBe(true);
    await node.stop();
  });

  it('a CONFIG SET reaches exactly the part that subscribed to the parameter', () => {
    const node = build();
    const s = node.subscriptions;
    expect(s.owner('maxmemory')).toBe('store');
    expect(s.owner('maxmemory_policy')).toBe('store');
    expect(s.owner('appendonly')).toBe('persistence');
    expect(s.owner('appendfsync')).toBe('persistence');
    expect(s.owner('hz')).toBe('cron');
    expect(s.owner('loglevel')).toBe('logger');
    expect(s.owner('proto_max_bulk_len')).toBe('resp');
    expect(s.owner('notify_keyspace_events')).toBe('notifications');
    // Read where used, so no part subscribes.
    expect(s.owner('slowlog_max_len')).toBeUndefined();
    const setPolicy = vi.spyOn(node.store, 'setMemoryPolicy');
    expect(run(node, 'CONFIG', 'SET', 'maxmemory', '1mb')).toEqual({ t: 'simple', v: 'OK' });
    expect(setPolicy).toHaveBeenCalledTimes(1);
    expect(setPolicy).toHaveBeenCalledWith({ maxmemory: 1024 * 1024 });
    expect(run(node, 'CONFIG', 'SET', 'slowlog-max-len', '5')).toEqual({ t: 'simple', v: 'OK' });
    expect(setPolicy).toHaveBeenCalledTimes(1);
    expect(node.log.level).toBe('silent');
    run(node, 'CONFIG', 'SET', 'loglevel', 'warning');
    expect(node.log.level).toBe('warn');
  });
});

describe('ConfigSubscriptions', () => {
  it('delivers a change to its one subscriber and refuses a second claim on a parameter', () => {
    const runtime = new ConfigRuntime(localConfig());
    const subs = new ConfigSubscriptions(runtime);
    const a: [string, unknown][] = [];
    const b: [string, unknown][] = [];
    subs.add({ part: 'a', params: ['maxclients'], apply: (p, v) => a.push([p, v]) });
    subs.add({ part: 'b', params: ['timeout', 'hz'], apply: (p, v) => b.push([p, v]) });
    runtime.set([['hz', '20']]);
    runtime.set([['maxclients', '7']]);
    expect(a).toEqual([['maxclients', 7]]);
    expect(b).toEqual([['hz', 20]]);
    expect(() => subs.add({ part: 'c', params: ['hz'], apply: () => undefined })).toThrow("config parameter 'hz' is already applied by b, not also by c");
  });
});

describe('Lifecycle', () => {
  it('starts in order; stop drains every started step, then stops them, in reverse', async () => {
    const log: string[] = [];
    const lc = new Lifecycle();
    for (const name of ['a', 'b', 'c']) {
      lc.add({ name, start: () => void log.push(`start ${name}`), drain: () => void log.push(`drain ${name}`), stop: () => void log.push(`stop ${name}`) });
    }
    await lc.start();
    await Promise.all([lc.stop(), lc.stop()]);
    expect(log).toEqual(['start a', 'start b', 'start c', 'drain c', 'drain b', 'drain a', 'stop c', 'stop b', 'stop a']);
  });

  it('a failed start stops what started (no drain) and rejects with its error', async () => {
    const log: string[] = [];
    const lc = new Lifecycle();
    lc.add({ name: 'a', start: () => void log.push('start a'), drain: () => void log.push('drain a'), stop: () => void log.push('stop a') });
    lc.add({
      name: 'b',
      start: () => {
        throw new Error('port in use');
      },
      stop: () => void log.push('stop b'),
    });
    await expect(lc.start()).rejects.toThrow('port in use');
    expect(log).toEqual(['start a', 'stop a']);
  });

  it('an error in one step does not skip the others; the first is rethrown at the end', async () => {
    const log: string[] = [];
    const failures: string[] = [];
    const lc = new Lifecycle((step, phase) => failures.push(`${step}/${phase}`));
    lc.add({ name: 'a', stop: () => void log.push('stop a') });
    lc.add({
      name: 'b',
      drain: () => {
        throw new Error('final save failed');
      },
      stop: () => void log.push('stop b'),
    });
    await lc.start();
    await expect(lc.stop()).rejects.toThrow('final save failed');
    expect(log).toEqual(['stop b', 'stop a']);
    expect(failures).toEqual(['b/drain']);
  });
  it('a step that never settles is left behind at its deadline: the stop always ends', async () => {
    const log: string[] = [];
    const failures: string[] = [];
    const lc = new Lifecycle((step, phase, e) => failures.push(`${step}/${phase}: ${(e as Error).message}`), () => 50);
    lc.add({ name: 'a', stop: () => void log.push('stop a') });
    lc.add({ name: 'http', stop: () => new Promise<void>(() => undefined) });
    lc.add({ name: 'gossip', drain: () => new Promise<void>((r) => setTimeout(r, 120)), deadlineMs: () => 1000, stop: () => void log.push('stop gossip') });
    await lc.start();
    await expect(lc.stop()).rejects.toBeInstanceOf(StepDeadlineError);
    // The gossip drain had its own, longer bound and finished; http was cut at 50 ms; a still stopped.
    expect(log).toEqual(['stop gossip', 'stop a']);
    expect(failures).toEqual(['http/stop: http stop did not finish within 50 ms; going on without it']);
  });
});
