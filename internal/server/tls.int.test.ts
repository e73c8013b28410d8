// RESP, HTTP and peer links over TLS with certificates made by openssl: redis-cli --tls, ioredis, node-redis, curl, and a tls-cluster forwarding a key.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localConfig } from '../config/load.js';
import type { ConfigValue } from '../config/schema.js';
import { createNode, type NodeAddresses, type RingcacheNode } from '../node/node.js';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { freePort, run, waitUntil } from '../testing/harness.js';
import { TestMembershipHub } from '../testing/inproc-cluster.js';
import { startRedisServer } from '../testing/redis-server.js';
import { makeTestCerts, type TestCerts } from '../testing/tls-certs.js';

let certs: TestCerts;
const dirs: string[] = [];
const nodes: RingcacheNode[] = [];

beforeAll(() => {
  certs = makeTestCerts();
}, 60_000);

afterAll(async () => {
  closeAll();
  for (const n of nodes) await n.stop();
  for (const d of [...dirs, certs.dir]) rmSync(d, { recursive: true, force: true });
});

function tlsValues(extra: Record<string, ConfigValue> = {}): Record<string, ConfigValue> {
  return { 'redis.tls_cert_file': certs.serverCert, 'redis.tls_key_file': certs.serverKey, 'redis.tls_ca_cert_file': certs.ca, ...extra };
}

async function startNode(values: Record<string, ConfigValue>, membership?: TestMembershipHub): Promise<{ node: RingcacheNode; addr: NodeAddresses }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-tls-node-'));
  dirs.push(dir);
  const node = createNode(localConfig({ dir, ...values }), { log: pino({ level: 'silent' }), ...(membership ? { membership: membership.factory } : {}) });
  nodes.push(node);
  return { node, addr: await node.start() };
}

const cliTls = (port: number, args: string[], cert = true): Promise<{ stdout: string; stderr: string; code: number | null }> =>
  run('redis-cli', ['-p', String(port), '--tls', '--cacert', certs.ca, ...(cert ? ['--cert', certs.clientCert, '--key', certs.clientKey] : []), ...args]);

describe('RESP over TLS (tls-port)', () => {
  let addr: NodeAddresses;
  const configSet = async (...pairs: string[]): Promise<string> => (await run('redis-cli', ['-p', String(addr.resp.port), 'CONFIG', 'SET', ...pairs])).stdout.trim();

  beforeAll(async () => {
    const tlsPort = await freePort();
    // port 0 would turn plain TCP off (a tls-port is set): a free one, beside it.
    ({ addr } = await startNode(tlsValues({ port: await freePort(), 'redis.tls_port': tlsPort })));
  });

  it('serves redis-cli --tls with a client certificate, beside the plain port', async () => {
    const tlsPort = (addr.tls as net.AddressInfo).port;
    expect(addr.resp.port).not.toBe(tlsPort);
    expect((await cliTls(tlsPort, ['SET', 'k', 'over-tls'])).stdout.trim()).toBe('OK');
    expect((await run('redis-cli', ['-p', String(addr.resp.port), 'GET', 'k'])).stdout.trim()).toBe('over-tls');
    // The plain port speaks no TLS, the TLS port no plain RESP.
    expect((await cliTls(addr.resp.port, ['PING'])).stdout).not.toContain('PONG');
  });

  it('refuses a client without a certificate while tls-auth-clients is yes, and lets it in under optional and no', async () => {
    const tlsPort = (addr.tls as net.AddressInfo).port;
    expect((await cliTls(tlsPort, ['PING'], false)).stdout).not.toContain('PONG');
    await configSet('tls-auth-clients', 'optional');
    expect((await cliTls(tlsPort, ['PING'], false)).stdout.trim()).toBe('PONG');
    await configSet('tls-auth-clients', 'yes');
  });

  it('refuses a client certificate another CA signed, even under optional', async () => {
    const tlsPort = (addr.tls as net.AddressInfo).port;
    const bad = await run('redis-cli', ['-p', String(tlsPort), '--tls', '--cacert', certs.ca, '--cert', certs.otherCert, '--key', certs.otherKey, 'PING']);
    expect(bad.stdout).not.toContain('PONG');
    await configSet('tls-auth-clients', 'optional');
    const still = await run('redis-cli', ['-p', String(tlsPort), '--tls', '--cacert', certs.ca, '--cert', certs.otherCert, '--key', certs.otherKey, 'PING']);
    expect(still.stdout).not.toContain('PONG');
    await configSet('tls-auth-clients', 'yes');
  });

  it('serves ioredis (tls: {ca, cert, key}) and node-redis (socket.tls)', async () => {
    const tlsPort = (addr.tls as net.AddressInfo).port;
    const io = await connectIoredis(tlsPort, { tls: { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey), servername: 'localhost' } });
    expect(await io.set('io', 'v1')).toBe('OK');
    expect(await io.get('io')).toBe('v1');
    const nr = createClient({ socket: { host: '127.0.0.1', port: tlsPort, tls: true, ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey), servername: 'localhost' } });
    nr.on('error', () => undefined);
    await nr.connect();
    try {
      expect(await nr.get('io')).toBe('v1');
      expect(await nr.incr('n')).toBe(1);
    } finally {
      await nr.quit();
    }
  });

  it('reloads the certificate on CONFIG SET tls-cert-file / tls-key-file for new connections', async () => {
    const tlsPort = (addr.tls as net.AddressInfo).port;
    const issuer = async (): Promise<string> => {
      const s = tls.connect({ port: tlsPort, host: '127.0.0.1', rejectUnauthorized: false, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
      await new Promise<void>((resolve, reject) => {
        s.once('secureConnect', () => resolve());
        s.once('error', reject);
      });
      const cn = String(s.getPeerCertificate().issuer.CN);
      s.destroy();
      return cn;
    };
    expect(await issuer()).toBe('Certificate Authority');
    expect(await configSet('tls-cert-file', certs.otherCert, 'tls-key-file', certs.otherKey)).toBe('OK');
    expect(await issuer()).toBe('Other Authority');
    // A key that does not match: refused as Redis refuses it, the value put back, the context in force kept.
    const primaryTls = await freePort();
    const redis = await startRedisServer(['--tls-port', String(primaryTls), '--tls-cert-file', certs.otherCert, '--tls-key-file', certs.otherKey, '--tls-ca-cert-file', certs.ca]);
    try {
      const theirs = (await run('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'tls-key-file', certs.serverKey])).stdout.trim();
      expect(theirs).toBe("ERR CONFIG SET failed (possibly related to argument 'tls-key-file') - Unable to update TLS configuration. Check server logs.");
      expect(await configSet('tls-key-file', certs.serverKey)).toBe(theirs);
      expect((await run('redis-cli', ['-p', String(redis.port), 'CONFIG', 'GET', 'tls-key-file'])).stdout.trim()).toBe(`tls-key-file\n${certs.otherKey}`);
    } finally {
      await redis.stop();
    }
    expect((await run('redis-cli', ['-p', String(addr.resp.port), 'CONFIG', 'GET', 'tls-key-file'])).stdout.trim()).toBe(`tls-key-file\n${certs.otherKey}`);
    expect(await issuer()).toBe('Other Authority');
    // A certificate alone that does not match the key in force: refused too.
    expect(await configSet('tls-cert-file', certs.serverCert)).toContain('Unable to update TLS configuration');
    expect(await configSet('tls-cert-file', certs.serverCert, 'tls-key-file', certs.serverKey)).toBe('OK');
    expect(await issuer()).toBe('Certificate Authority');
  });
});

describe('TLS only (port 0 with a tls-port) and refused settings', () => {
  it('binds no plain port when port is 0 and tls-port is set, as Redis', async () => {
    const tlsPort = await freePort();
    const { addr, node } = await startNode(tlsValues({ port: 0, 'redis.tls_port': tlsPort, 'redis.tls_auth_clients': 'no' }));
    expect(addr.resp.port).toBe(tlsPort);
    expect((await cliTls(tlsPort, ['INFO', 'server'], false)).stdout).toContain('tcp_port:0');
    expect(node.config.nodeId).toBe('test');
  });

  it("refuses to start without a certificate or a CA, with Redis's reasons", async () => {
    const tlsPort = await freePort();
    await expect(startNode({ 'redis.tls_port': tlsPort })).rejects.toThrow('No tls-cert-file configured!');
    await expect(startNode(tlsValues({ 'redis.tls_port': tlsPort, 'redis.tls_ca_cert_file': '' }))).rejects.toThrow(
      'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
    );
    await expect(startNode(tlsValues({ 'redis.tls_port': tlsPort, 'redis.tls_protocols': 'TLSv9' }))).rejects.toThrow('Invalid tls-protocols specified.');
  });

  it('reads the CA from tls-ca-cert-dir and keeps to tls-protocols', async () => {
    const caDir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-ca-'));
    dirs.push(caDir);
    copyFileSync(certs.ca, path.join(caDir, 'ca.pem'));
    const tlsPort = await freePort();
    await startNode(tlsValues({ 'redis.tls_port': tlsPort, 'redis.tls_ca_cert_file': '', 'redis.tls_ca_cert_dir': caDir, 'redis.tls_protocols': 'TLSv1.3' }));
    expect((await cliTls(tlsPort, ['PING'])).stdout.trim()).toBe('PONG');
    const v12 = tls.connect({ port: tlsPort, host: '127.0.0.1', ca: readFileSync(certs.ca), servername: 'localhost', maxVersion: 'TLSv1.2', cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
    const outcome = await new Promise<string>((resolve) => {
      v12.once('secureConnect', () => resolve('connected'));
      v12.once('error', (e) => resolve(e.message));
    });
    v12.destroy();
    expect(outcome).not.toBe('connected');
  });
});

describe('HTTPS (http.tls)', () => {
  it('serves the HTTP API over TLS with the same certificate (curl --cacert)', async () => {
    const { addr } = await startNode(tlsValues({ 'http.tls': true, 'redis.tls_auth_clients': 'no' }));
    const url = `https://localhost:${(addr.http as net.AddressInfo).port}`;
    const put = await run('curl', ['-sS', '--cacert', certs.ca, '-X', 'PUT', '-H', 'content-type: application/json', '--data', '{"value":"via-https"}', `${url}/api/cache/hk`]);
    expect(put.code).toBe(0);
    const get = await run('curl', ['-sS', '--cacert', certs.ca, `${url}/api/cache/hk`]);
    expect(get.stdout).toContain('via-https');
    const plain = await run('curl', ['-sS', `http://localhost:${(addr.http as net.AddressInfo).port}/health`]);
    expect(plain.stdout).not.toContain('"status"');
  });
});

describe('tls-cluster: peer links over TLS', () => {
  it('forwards a key to its owner over TLS and announces the TLS ports', async () => {
    const hub = new TestMembershipHub();
    const started: { node: RingcacheNode; addr: NodeAddresses }[] = [];
    for (let i = 1; i <= 3; i++) {
      const tlsPort = await freePort();
      started.push(
        await startNode(
          tlsValues({ node_id: `t${i}`, port: await freePort(), 'cluster.seeds': '127.0.0.1:1', 'redis.tls_port': tlsPort, 'redis.tls_cluster': true, 'redis.tls_client_cert_file': certs.clientCert, 'redis.tls_client_key_file': certs.clientKey }),
          hub,
        ),
      );
    }
    const first = started[0] as { node: RingcacheNode; addr: NodeAddresses };
    const tlsPorts = started.map((s) => (s.addr.tls as net.AddressInfo).port);
    await waitUntil(async () => (await cliTls(tlsPorts[0] as number, ['CLUSTER', 'INFO'])).stdout.includes('cluster_known_nodes:3'), 10_000, 'three members');
    // CLUSTER SLOTS names the TLS ports.
    const slots = (await cliTls(tlsPorts[0] as number, ['CLUSTER', 'SLOTS'])).stdout;
    for (const p of tlsPorts) expect(slots).toContain(String(p));
    // Keys spread over the three owners: every one set and read through node 1's plain port.
    const forwardedBefore = await forwardedCount(first.node);
    for (let i = 0; i < 30; i++) expect((await run('redis-cli', ['-p', String(first.addr.resp.port), 'SET', `key:${i}`, `v${i}`])).stdout.trim()).toBe('OK');
    for (let i = 0; i < 30; i++) expect((await cliTls(tlsPorts[2] as number, ['GET', `key:${i}`])).stdout.trim()).toBe(`v${i}`);
    expect(await forwardedCount(first.node)).toBeGreaterThan(forwardedBefore);
  }, 60_000);
});

/** Forwarded commands `node` counted as answered (ringcache_forwarded_requests_total{outcome="ok"}). */
async function forwardedCount(node: RingcacheNode): Promise<number> {
  const line = (await node.metrics.registry.metrics()).split('\n').find((l) => l.startsWith('ringcache_forwarded_requests_total{outcome="ok"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('tls-replication: REPLICAOF a TLS primary', () => {
  it('replicates from redis-server 7.0.15 over its TLS port', async () => {
    const primaryTls = await freePort();
    const primary = await startRedisServer(['--tls-port', String(primaryTls), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca]);
    try {
      const { addr } = await startNode(tlsValues({ 'redis.tls_replication': true }));
      await cliTls(primaryTls, ['SET', 'from-primary', 'over-tls']);
      expect((await run('redis-cli', ['-p', String(addr.resp.port), 'REPLICAOF', '127.0.0.1', String(primaryTls)])).stdout.trim()).toBe('OK');
      await waitUntil(async () => (await run('redis-cli', ['-p', String(addr.resp.port), 'GET', 'from-primary'])).stdout.trim() === 'over-tls', 15_000, 'the full copy over TLS');
      await cliTls(primaryTls, ['SET', 'streamed', 'yes']);
      await waitUntil(async () => (await run('redis-cli', ['-p', String(addr.resp.port), 'GET', 'streamed'])).stdout.trim() === 'yes', 15_000, 'the stream over TLS');
      expect((await run('redis-cli', ['-p', String(addr.resp.port), 'INFO', 'replication'])).stdout).toContain('master_link_status:up');
    } finally {
      await primary.stop();
    }
  }, 60_000);
});
