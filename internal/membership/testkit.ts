// Simulation harness for tests: N Membership instances on a MemoryNetwork driven by a VirtualScheduler.
import { pino } from 'pino';
import { prng } from '../testing/random.js';
import { MemoryNetwork } from './memory.js';
import { VirtualScheduler } from './scheduler.js';
import { Membership, type MembershipOptions } from './swim.js';
import type { MemberState } from './types.js';

export interface SimOptions {
  readonly profile: 'lan' | 'fast';
  readonly seed?: number;
  readonly loss?: number;
  readonly delayMs?: number;
  readonly jitterMs?: number;
  readonly keyring?: readonly Buffer[];
  readonly clusterName?: string;
}

export class Sim {
  readonly sched = new VirtualScheduler();
  readonly net: MemoryNetwork;
  readonly random: () => number;
  readonly nodes = new Map<string, Membership>();
  private readonly log = pino({ level: 'silent' });

  constructor(private readonly o: SimOptions) {
    this.random = prng(o.seed ?? 1);
    this.net = new MemoryNetwork({
      scheduler: this.sched,
      random: this.random,
      loss: o.loss ?? 0,
      delayMs: o.delayMs ?? 1,
      jitterMs: o.jitterMs ?? 0,
    });
  }

  static addrOf(id: string): string {
    return `127.0.0.1:${7000 + Number(id.replace(/\D/g, ''))}`;
  }

  /** Creates and starts a member; seeds default to n1's address. */
  async add(id: string, extra: Partial<MembershipOptions> = {}): Promise<Membership> {
    const host = this.net.host(id);
    const m = new Membership({
      selfId: id,
      meta: { host: '127.0.0.1', respPort: 8000 + Number(id.replace(/\D/g, '')), httpPort: 0 },
      bind: '127.0.0.1',
      port: 7000 + Number(id.replace(/\D/g, '')),
      seeds: [Sim.addrOf('n1')],
      clusterName: this.o.clusterName ?? 'sim',
      keyring: this.o.keyring ?? [],
      profile: this.o.profile,
      log: this.log,
      transport: host.transport,
      scheduler: host.scheduler,
      random: this.random,
      ...extra,
    });
    this.nodes.set(id, m);
    await m.start();
    return m;
  }

  async addMany(n: number, extra: Partial<MembershipOptions> = {}): Promise<void> {
    for (let i = 1; i <= n; i++) await this.add(`n${i}`, extra);
  }

  node(id: string): Membership {
    const m = this.nodes.get(id);
    if (!m) throw new Error(`no node ${id}`);
    return m;
  }

  /** Running members other than `except`. */
  running(except?: string): Membership[] {
    return [...this.nodes.entries()].filter(([id]) => id !== except).map(([, m]) => m);
  }

  stateAt(observer: Membership, id: string): MemberState | undefined {
    return observer.members().find((m) => m.id === id)?.state;
  }

  /** Every running node sees every running node alive. */
  converged(): boolean {
    const ids = [...this.nodes.keys()];
    return this.running().every((m) => ids.every((id) => this.stateAt(m, id) === 'alive'));
  }

  /** Kill without a leave: the process vanishes. */
  async kill(id: string): Promise<void> {
    await this.node(id).stop();
    this.nodes.delete(id);
  }

  /** Counts transitions to `dead` seen by running nodes about members that are in fact running. */
  falseDeaths(): number {
    let n = 0;
    for (const m of this.running()) n += m.members().filter((x) => x.state === 'dead' && this.nodes.has(x.id)).length;
    return n;
  }

  async stopAll(): Promise<void> {
    for (const m of this.nodes.values()) await m.stop();
    this.nodes.clear();
  }
}

/** Nearest-rank percentile of a sample. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] ?? NaN;
}
