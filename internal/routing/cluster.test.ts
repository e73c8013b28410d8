// The announced host: never empty, never a wildcard.
import { describe, expect, it } from 'vitest';
import type os from 'node:os';
import { announceHost } from './cluster.js';

const ifaces = (list: { address: string; family: 'IPv4' | 'IPv6'; internal: boolean }[]): ReturnType<typeof os.networkInterfaces> => ({
  eth0: list.map((i) => ({ ...i, netmask: '', mac: '', cidr: null, ...(i.family === 'IPv6' ? { scopeid: 0 } : {}) })) as ReturnType<typeof os.networkInterfaces>[string],
});

describe('announceHost', () => {
  it.each<[string, string, string]>([
    ['node1.example', '127.0.0.1', 'node1.example'],
    ['', '127.0.0.1', '127.0.0.1'],
    ['', '10.1.2.3', '10.1.2.3'],
    ['', '0.0.0.0', '192.168.1.7'],
    ['', '::', '192.168.1.7'],
    ['', '', '192.168.1.7'],
  ])('announce %j, bind %j -> %s', (announce, bind, want) => {
    const i = ifaces([
      { address: '127.0.0.1', family: 'IPv4', internal: true },
      { address: 'fe80::1', family: 'IPv6', internal: false },
      { address: '192.168.1.7', family: 'IPv4', internal: false },
    ]);
    expect(announceHost(announce, bind, i)).toBe(want);
  });

  it('falls back to loopback on a machine without an external IPv4 address', () => {
    expect(announceHost('', '0.0.0.0', ifaces([{ address: '127.0.0.1', family: 'IPv4', internal: true }]))).toBe('127.0.0.1');
  });
});
