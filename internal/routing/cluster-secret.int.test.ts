// Issue 17's attacker on loopback against spawned nodes with a shipped-style secret file: forged gossip takes no slots and receives no keys, peer-only commands need the proof, drops are counted and logged.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { encodeHandoff } from '../commands/cluster.js';
import { encodeBody, encodeMessage } from '../membership/codec.js';
import { Envelope } from '../membership/envelope.js';
import { closeAll, openIoredis } from '../testing/clients.js';
import { freePort, respCommand, startCluster, waitUntil, type SpawnedCluster, type SpawnedNode } from '../testing/harness.js';
import { peerProof } from './peer-auth.js';

const secretDir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-secret-'));
const secretFile = path.join(secretDir, 'cluster.secret');
const secret = randomBytes(32).toString('hex');
let cluster: SpawnedCluster;
let fake: net.Server;
let fakePort = 0;
let fakeBytes = 0;

beforeAll(async () => {
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  fakePort = await freePort();
  // The attacker's RESP server: anything a node forwards here is a leaked key.
  fake = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      fakeBytes += d.length;
      s.write('+OK\r\n');
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => fake.listen(fakePort, '127.0.0.1', resolve));
  cluster = await startCluster(2, { args: ['--cluster-secret-file', secretFile] });
}, 60_000);

afterAll(async () => {
  closeAll();
  await cluster?.stop();
  await new Promise<void>((resolve) => fake.close(() => resolve()));
  rmSync(secretDir, { recursive: true, force: true });
});

const node = (i: number): SpawnedNode => cluster.nodes[i] as SpawnedNode;

async function dropped(n: SpawnedNode): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${n.httpPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ringcache_gossip_packets_dropped_total\{reason="(\w+)"[^}]*\} (\d+)/gm)) out[m[1] as string] = Number(m[2]);
  return out;
}

function sendUdp(port: number, packets: readonly Buffer[]): Promise<void> {
  const sock = dgram.createSocket('udp4');
  return packets
    .reduce((p, b) => p.then(() => new Promise<void>((resolve, reject) => sock.send(b, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))), Promise.resolve())
    .finally(() => sock.close());
}

describe('a cluster with a secret file, as the shipped configs run', () => {
  it('forged alive/left gossip (clear, or sealed with a guessed key) takes no slots, receives no SET and is counted', async () => {
    const evil = encodeBody([
      encodeMessage({ type: 'alive', incarnation: 0, id: 'evil', addr: '127.0.0.1:9', meta: { host: '127.0.0.1', respPort: fakePort, httpPort: 0 } }),
      encodeMessage({ type: 'left', incarnation: 0xffffffff, id: node(1).id }),
    ]);
    const seal = (keys: Buffer[]): Buffer => new Envelope({ clusterName: 'ringcache', keyring: keys, replayWindowMs: 30_000, clock: systemClock }).seal(evil);
    for (let round = 0; round < 5; round++) await sendUdp(node(0).gossipPort, [seal([]), seal([randomBytes(32)])]);
    await waitUntil(async () => {
      const d = await dropped(node(0));
      return (d['plaintext'] ?? 0) >= 5 && (d['foreign'] ?? 0) >= 5;
    }, 10_000, 'drops counted by reason');
    // Issue 17 saw the fake member own slots within 5 s: give it that long, then look.
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      const nodes = await respCommand(node(0).port, ['CLUSTER', 'NODES']);
      expect(nodes).not.toContain('evil');
      expect(nodes).not.toContain(`:${fakePort}@`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await cluster.converged();
    const c = openIoredis(node(0).port);
    for (let i = 0; i < 30; i++) expect(await c.set(`secret:${i}`, 'v')).toBe('OK');
    expect(fakeBytes).toBe(0);
    const log = readFileSync(path.join(node(0).dir, 'logs', `${node(0).id}.log`), 'utf8');
    expect(log).toMatch(/"reason":"plaintext".*"msg":"gossip packets dropped"/);
  });

  it('peer-only commands are refused without a proof of the secret and accepted with one', async () => {
    const port = node(0).port;
    await expect(respCommand(port, encodeHandoff('handed', [['SET', 'handed', 'evil']]))).rejects.toThrow('ERR CLUSTER HANDOFF is only valid on a peer link (CLUSTER PEER)');
    await expect(respCommand(port, ['CLUSTER', 'TRACK'])).rejects.toThrow(/only valid on a peer/);
    await expect(respCommand(port, ['CLUSTER', 'PEER', node(1).id])).rejects.toThrow('ERR CLUSTER PEER refused: this node has a cluster secret: CLUSTER PEER needs a proof of it');
    await expect(respCommand(port, ['CLUSTER', 'PEER', node(1).id, peerProof('guessed', node(1).id, node(0).id, Date.now())])).rejects.toThrow(/does not match the cluster secret/);
    // With the secret: the connection becomes a peer link, and HANDOFF runs on it.
    const c = openIoredis(port);
    const proof = peerProof(secret, node(1).id, node(0).id, Date.now());
    expect(await c.call('CLUSTER', 'PEER', node(1).id, proof)).toBe('OK');
    // A key node 0 owns (a peer link runs commands where they land, never forwarding them).
    let key = '';
    for (let i = 0; key === ''; i++) {
      const owner = await c.call('CLUSTER', 'KEYSLOT', `handed${i}`);
      const slots = (await c.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      if (slots.some(([lo, hi, [, p]]) => p === port && Number(owner) >= lo && Number(owner) <= hi)) key = `handed${i}`;
    }
    expect(await c.call(...(encodeHandoff(key, [['SET', key, 'v']]) as [string, ...string[]]))).toBe(1);
    // The same proof never opens a second link.
    await expect(respCommand(port, ['CLUSTER', 'PEER', node(1).id, proof])).rejects.toThrow(/already used/);
    // And the members' own links prove it: keys written through either node reach their owner.
    const other = openIoredis(node(1).port);
    for (let i = 0; i < 20; i++) await other.set(`k${i}`, String(i));
    const plain = openIoredis(port);
    for (let i = 0; i < 20; i++) expect(await plain.get(`k${i}`)).toBe(String(i));
    expect(await plain.get(key)).toBe('v');
  });
});

describe('the same cluster without a secret (loopback only: allowed, with a warning)', () => {
  it('takes the forged member in: why the shipped configs carry a secret', async () => {
    const open = await startCluster(2);
    try {
      const evil = encodeBody([encodeMessage({ type: 'alive', incarnation: 0, id: 'evil', addr: '127.0.0.1:9', meta: { host: '127.0.0.1', respPort: fakePort, httpPort: 0 } })]);
      await sendUdp((open.nodes[0] as SpawnedNode).gossipPort, [new Envelope({ clusterName: 'ringcache', keyring: [], replayWindowMs: 30_000, clock: systemClock }).seal(evil)]);
      await waitUntil(async () => (await respCommand((open.nodes[0] as SpawnedNode).port, ['CLUSTER', 'NODES'])).includes('evil'), 10_000, 'the forged member listed');
      const log = readFileSync(path.join((open.nodes[0] as SpawnedNode).dir, 'logs', `${(open.nodes[0] as SpawnedNode).id}.log`), 'utf8');
      expect(log).toContain('no cluster.secret: gossip is in clear');
    } finally {
      await open.stop();
    }
  });
});
