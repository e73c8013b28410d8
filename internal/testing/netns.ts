// Spawned clusters whose nodes each run in a network namespace of their own, so tests can cut the network between them (partitions) while the test process still reaches every node.
//
// Layout (every name carries a random per-run tag, so runs never collide and leftovers are findable):
// - namespace <tag>-n<i> per node, holding two links:
//   - the cluster link, a veth whose host end is a port of bridge <tag>-a, address 10.200.<r>.<i>/24:
//     gossip, peer forwarding and replication all go over it (the node binds and announces it);
//   - the client link, a point-to-point veth to the host (10.201.<r>.<4i+1|4i+2>/30), plus a host
//     route to 10.200.<r>.<i> through it: the test process reaches every node whatever the bridges do.
// - partition(side): the host ends of `side`'s cluster links move to a second bridge <tag>-b, so
//   frames between the two sides go nowhere (a silent drop, as a cut cable: no RST, no ICMP).
//   heal() moves them back. No iptables/nft needed (this machine has neither).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NODE_MAIN, waitUntil } from './harness.js';

const RESP_PORT = 7000;
const HTTP_PORT = 8000;
const GOSSIP_PORT = 17000;

function sh(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function must(args: string[]): void {
  const r = sh(args);
  if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.out.trim()}`);
}

/** Why namespace tests cannot run here (not root, no `ip`, namespaces refused), or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)';
  const probe = `rcprobe${randomBytes(3).toString('hex')}`;
  const add = sh(['netns', 'add', probe]);
  if (!add.ok) return `ip netns add failed: ${add.out.trim() || 'ip not found'}`;
  sh(['netns', 'del', probe]);
  const br = sh(['link', 'add', probe, 'type', 'bridge']);
  if (!br.ok) return `no bridge links: ${br.out.trim()}`;
  sh(['link', 'del', probe]);
  return null;
}

export interface NsNode {
  readonly index: number;
  readonly id: string;
  /** The node's address (cluster link); the test process reaches it through the client link. */
  readonly host: string;
  readonly port: number;
  readonly ns: string;
  proc: ChildProcess;
  output(): string;
  running(): boolean;
}

export interface NsCluster {
  readonly nodes: NsNode[];
  /** Cuts the cluster links between `side` (node indexes) and the rest. */
  partition(side: readonly number[]): void;
  heal(): void;
  /** Waits until each of `nodes` (default all) knows exactly them as alive and they agree on the slots. */
  converged(nodes?: readonly number[], timeoutMs?: number): Promise<void>;
  /** Removes every process, link and namespace of this run (also on a failed start). */
  stop(): Promise<void>;
}

/** One RESP command to host:port on a fresh socket; the raw reply as text. */
export function nsCommand(host: string, port: number, argv: readonly string[], timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${host}:${port} ${argv[0] ?? ''}: no reply`));
    }, timeoutMs);
    s.on('connect', () => s.write(`*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')));
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      // The commands used here answer one bulk string or a simple line: complete once its length is in.
      const m = /^\$(\d+)\r\n/.exec(buf);
      if ((m !== null && buf.length >= m[0].length + Number(m[1]) + 2) || (m === null && !buf.startsWith('$') && buf.endsWith('\r\n'))) {
        clearTimeout(timer);
        s.destroy();
        resolve(buf);
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** CLUSTER NODES reduced to what every node must agree on: each node's id and slot ranges, sorted. */
function slotMap(reply: string): string {
  const body = reply.slice(reply.indexOf('\r\n') + 2);
  return body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(' ');
      return `${f[0] ?? ''} ${f.slice(8).join(' ')}`;
    })
    .sort()
    .join('\n');
}

/**
 * Links namespace `ns` (node i) to the cluster bridge with a veth (address `host`/24) and to the host
 * with a point-to-point veth the test's clients use (10.201.r.x/30, routed). Answers the host-side link names.
 */
function wireNamespace(tag: string, r: number, i: number, ns: string, bridge: string, host: string): string[] {
  const ch = `${tag}-c${i}`;
  const ph = `${tag}-p${i}`;
  must(['link', 'add', ch, 'type', 'veth', 'peer', 'name', `${ch}x`]);
  must(['link', 'add', ph, 'type', 'veth', 'peer', 'name', `${ph}x`]);
  must(['link', 'set', `${ch}x`, 'netns', ns]);
  must(['link', 'set', `${ph}x`, 'netns', ns]);
  must(['link', 'set', ch, 'master', bridge]);
  must(['link', 'set', ch, 'up']);
  const hostSide = `10.201.${r}.${4 * i + 1}`;
  const nsSide = `10.201.${r}.${4 * i + 2}`;
  must(['addr', 'add', `${hostSide}/30`, 'dev', ph]);
  must(['link', 'set', ph, 'up']);
  must(['-n', ns, 'link', 'set', 'lo', 'up']);
  must(['-n', ns, 'addr', 'add', `${host}/24`, 'dev', `${ch}x`]);
  must(['-n', ns, 'link', 'set', `${ch}x`, 'up']);
  must(['-n', ns, 'addr', 'add', `${nsSide}/30`, 'dev', `${ph}x`]);
  must(['-n', ns, 'link', 'set', `${ph}x`, 'up']);
  must(['route', 'add', `${host}/32`, 'via', nsSide]);
  return [ch, ph];
}

/** A namespaced node's flags: every listener on its cluster address, the run's secret, its own files. */
function nodeArgs(host: string, seeds: readonly string[], secret: string, nodeDir: string, id: string): string[] {
  return [
    '--bind', host,
    '--port', String(RESP_PORT),
    '--http-bind', host,
    '--http-port', String(HTTP_PORT),
    '--cluster-gossip-port', String(GOSSIP_PORT),
    '--cluster-seeds', seeds.join(','),
    '--cluster-secret', secret,
    // The test process connects from the host end of the client link, not from loopback.
    '--redis-protected-mode', 'no',
    '--cluster-profile', 'fast',
    '--dir', path.join(nodeDir, 'data'),
    '--log-dir', path.join(nodeDir, 'logs'),
    '--node-id', id,
    '--loglevel', process.env.RINGCACHE_NETNS_LOGLEVEL ?? 'warn',
  ];
}

/** Spawns `n` nodes, one per namespace, seeding each other over the cluster links; waits until they agree. */
export async function startNsCluster(n: number, opts: { args?: string[] } = {}): Promise<NsCluster> {
  const tag = `rc${randomBytes(2).toString('hex')}`;
  // A /24 no link of this machine uses yet.
  const used = sh(['-o', 'addr']).out + sh(['route']).out;
  let r = 0;
  for (let tries = 0; tries < 64; tries++) {
    r = 1 + Math.floor(Math.random() * 250);
    if (!used.includes(`10.200.${r}.`) && !used.includes(`10.201.${r}.`)) break;
  }
  const bridgeA = `${tag}-a`;
  const bridgeB = `${tag}-b`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-netns-'));
  const secret = randomBytes(16).toString('hex');
  const nodes: NsNode[] = [];
  const namespaces: string[] = [];
  const links: string[] = [];
  let stopped = false;

  const cleanup = (): void => {
    if (stopped) return;
    stopped = true;
    for (const nd of nodes) if (nd.running()) nd.proc.kill('SIGKILL');
    // Deleting a veth's host end deletes its peer; a namespace goes once no process is left in it.
    for (const l of links) sh(['link', 'del', l]);
    for (const b of [bridgeA, bridgeB]) sh(['link', 'del', b]);
    for (const ns of namespaces) sh(['netns', 'del', ns]);
    // RINGCACHE_NETNS_KEEP=1 keeps the nodes' logs and data for a look after a failure.
    if (process.env.RINGCACHE_NETNS_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`netns cluster files kept in ${dir}\n`);
  };
  const onExit = (): void => cleanup();
  process.once('exit', onExit);

  try {
    for (const b of [bridgeA, bridgeB]) {
      must(['link', 'add', b, 'type', 'bridge']);
      must(['link', 'set', b, 'up']);
    }
    const hostOf = (i: number): string => `10.200.${r}.${i + 1}`;
    for (let i = 0; i < n; i++) {
      const ns = `${tag}-n${i}`;
      must(['netns', 'add', ns]);
      namespaces.push(ns);
      links.push(...wireNamespace(tag, r, i, ns, bridgeA, hostOf(i)));
    }
    for (let i = 0; i < n; i++) {
      const host = hostOf(i);
      const ns = `${tag}-n${i}`;
      const nodeDir = path.join(dir, `node${i + 1}`);
      const seeds = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).map((j) => `${hostOf(j)}:${GOSSIP_PORT}`);
      const args = ['netns', 'exec', ns, process.execPath, NODE_MAIN, ...nodeArgs(host, seeds, secret, nodeDir, `node${i + 1}`), ...(opts.args ?? [])];
      // `ip netns exec` execs the node in place: the child's pid is the node's.
      const proc = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      nodes.push({ index: i, id: `node${i + 1}`, host, port: RESP_PORT, ns, proc, output: () => out, running: () => proc.exitCode === null && proc.signalCode === null });
    }
    const cluster: NsCluster = {
      nodes,
      partition: (side) => {
        for (const i of side) must(['link', 'set', `${tag}-c${i}`, 'master', bridgeB]);
      },
      heal: () => {
        for (let i = 0; i < n; i++) must(['link', 'set', `${tag}-c${i}`, 'master', bridgeA]);
      },
      converged: async (which = nodes.map((x) => x.index), timeoutMs = 30_000) => {
        let last = '';
        await waitUntil(
          async () => {
            for (const i of which) if (!(nodes[i] as NsNode).running()) throw new Error(`node${i + 1} exited: ${(nodes[i] as NsNode).output()}`);
            const infos = await Promise.all(which.map((i) => nsCommand((nodes[i] as NsNode).host, RESP_PORT, ['CLUSTER', 'INFO']).catch((e: unknown) => String(e))));
            last = infos.map((t, j) => `node${(which[j] as number) + 1}: ${/cluster_state:\w+|Error.*/.exec(t)?.[0] ?? ''} ${/cluster_known_nodes:\d+/.exec(t)?.[0] ?? ''}`).join('; ');
            if (!infos.every((t) => t.includes(`cluster_known_nodes:${which.length}\r\n`) && t.includes('cluster_state:ok'))) return false;
            const maps = await Promise.all(which.map((i) => nsCommand((nodes[i] as NsNode).host, RESP_PORT, ['CLUSTER', 'NODES']).then(slotMap, () => 'x')));
            return maps.every((s) => s === maps[0]);
          },
          timeoutMs,
          `nodes ${which.map((i) => i + 1).join(',')} to agree`,
        ).catch((e: unknown) => {
          throw new Error(`${String(e)} (last: ${last}; output: ${which.map((i) => (nodes[i] as NsNode).output().slice(-400)).join(' | ')})`);
        });
      },
      stop: async () => {
        const exits = nodes.filter((nd) => nd.running()).map((nd) => new Promise<void>((res) => nd.proc.once('exit', () => res())));
        for (const nd of nodes) if (nd.running()) nd.proc.kill('SIGKILL');
        await Promise.all(exits);
        cleanup();
        process.removeListener('exit', onExit);
      },
    };
    await cluster.converged();
    return cluster;
  } catch (e) {
    cleanup();
    process.removeListener('exit', onExit);
    throw e;
  }
}
