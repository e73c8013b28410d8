// In-memory network for simulation tests: loss, delay and jitter, partitions, dead hosts, and per-host event-loop stalls.
//
// Hosts share one VirtualScheduler. Each host gets a Transport and a Scheduler view; blocking a
// host stalls both, as a long synchronous task stalls a real event loop: its timers and arriving
// packets wait, then run in a burst (timers first, as Node's timers phase precedes I/O polling).
import { MembershipError } from './errors.js';
import type { Scheduler } from './scheduler.js';
import { VirtualScheduler } from './scheduler.js';
import type { Transport, TransportHandlers } from './transport.js';
import { joinHostPort } from './transport.js';

export interface MemoryNetworkOptions {
  readonly scheduler: VirtualScheduler;
  readonly random: () => number;
  /** Probability a datagram is dropped (streams are reliable, as TCP). */
  loss?: number;
  /** One-way latency, plus a uniform random jitter up to jitterMs. */
  delayMs?: number;
  jitterMs?: number;
}

interface Endpoint {
  readonly host: string;
  readonly handlers: TransportHandlers;
}

export class MemoryNetwork {
  loss: number;
  delayMs: number;
  jitterMs: number;
  readonly sched: VirtualScheduler;
  private readonly random: () => number;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly cut = new Set<string>();
  readonly counters = { sent: 0, delivered: 0, lost: 0, undeliverable: 0, partitioned: 0 };

  constructor(opts: MemoryNetworkOptions) {
    this.sched = opts.scheduler;
    this.random = opts.random;
    this.loss = opts.loss ?? 0;
    this.delayMs = opts.delayMs ?? 1;
    this.jitterMs = opts.jitterMs ?? 0;
  }

  /** A host (a process): its transport and its (stallable) scheduler. */
  host(name: string): { transport: Transport; scheduler: Scheduler } {
    return { transport: new MemoryTransport(this, name), scheduler: this.schedulerFor(name) };
  }

  schedulerFor(name: string): Scheduler {
    return this.sched.view(() => this.blockedUntil.get(name) ?? 0);
  }

  /** Stall a host's event loop for ms from now. */
  block(name: string, ms: number): void {
    this.blockedUntil.set(name, Math.max(this.blockedUntil.get(name) ?? 0, this.sched.now() + ms));
  }

  /** Drop all traffic between the two groups of hosts (both directions) until heal(). */
  partition(a: readonly string[], b: readonly string[]): void {
    for (const x of a) for (const y of b) {
      this.cut.add(`${x}|${y}`);
      this.cut.add(`${y}|${x}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Deliver raw bytes to addr as if sent from `from` (forgery and replay tests). */
  inject(to: string, data: Buffer, from: string): void {
    const ep = this.endpoints.get(to);
    if (ep) this.deliver(ep, () => ep.handlers.packet(Buffer.from(data), from));
  }

  /** @internal */ bind(addr: string, ep: Endpoint): void {
    if (this.endpoints.has(addr)) throw new MembershipError('TRANSPORT', `address in use: ${addr}`);
    this.endpoints.set(addr, ep);
  }
  /** @internal */ unbind(addr: string): void {
    this.endpoints.delete(addr);
  }
  /** @internal */ used(addr: string): boolean {
    return this.endpoints.has(addr);
  }

  /** @internal */ sendPacket(fromHost: string, from: string, to: string, data: Buffer): void {
    this.counters.sent++;
    const ep = this.endpoints.get(to);
    if (!ep) {
      this.counters.undeliverable++;
      return;
    }
    if (this.cut.has(`${fromHost}|${ep.host}`)) {
      this.counters.partitioned++;
      return;
    }
    if (this.loss > 0 && this.random() < this.loss) {
      this.counters.lost++;
      return;
    }
    const copy = Buffer.from(data);
    this.sched.setTimer(this.latency(), () => {
      // The receiver may have closed (or been replaced) while the packet was in flight.
      if (this.endpoints.get(to) !== ep) return;
      this.deliver(ep, () => {
        if (this.endpoints.get(to) !== ep) return;
        this.counters.delivered++;
        ep.handlers.packet(copy, from);
      });
    });
  }

  /** @internal */ request(fromHost: string, from: string, to: string, data: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const fromSched = this.schedulerFor(fromHost);
      let settled = false;
      const timer = fromSched.setTimer(timeoutMs, () => settle(new MembershipError('PUSH_PULL', `push-pull to ${to} timed out`)));
      const settle = (err: Error | null, buf?: Buffer | null): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        if (err || !buf) reject(err ?? new MembershipError('PUSH_PULL', `push-pull to ${to}: closed without a reply`));
        else resolve(buf);
      };
      const ep = this.endpoints.get(to);
      if (!ep) {
        this.sched.setTimer(this.latency(), () => settle(new MembershipError('PUSH_PULL', `push-pull to ${to}: connection refused`)));
        return;
      }
      if (this.cut.has(`${fromHost}|${ep.host}`)) return; // silently times out, as a black-holed SYN
      const copy = Buffer.from(data);
      this.sched.setTimer(this.latency(), () => {
        if (this.endpoints.get(to) !== ep) {
          settle(new MembershipError('PUSH_PULL', `push-pull to ${to}: connection reset`));
          return;
        }
        this.deliver(ep, () => {
          ep.handlers.request(copy, from).then(
            (reply) => {
              const r = reply ? Buffer.from(reply) : null;
              this.sched.setTimer(this.latency(), () => fromSched.setTimer(0, () => settle(null, r)));
            },
            () => settle(new MembershipError('PUSH_PULL', `push-pull to ${to}: reset`)),
          );
        });
      });
    });
  }

  private latency(): number {
    return this.delayMs + (this.jitterMs > 0 ? this.random() * this.jitterMs : 0);
  }

  /** Runs fn now, or right after the host's stall ends (1 ms after its deferred timers). */
  private deliver(ep: Endpoint, fn: () => void): void {
    const b = this.blockedUntil.get(ep.host) ?? 0;
    const now = this.sched.now();
    if (b > now) this.sched.setTimer(b - now + 1, () => this.deliver(ep, fn));
    else fn();
  }
}

class MemoryTransport implements Transport {
  private addr: string | null = null;
  private static nextPort = new WeakMap<MemoryNetwork, number>();

  constructor(
    private readonly net: MemoryNetwork,
    private readonly hostName: string,
  ) {}

  listen(bind: string, port: number, handlers: TransportHandlers): Promise<string> {
    let p = port;
    if (p === 0) {
      p = MemoryTransport.nextPort.get(this.net) ?? 40_000;
      while (this.net.used(joinHostPort(bind, p))) p++;
      MemoryTransport.nextPort.set(this.net, p + 1);
    }
    const addr = joinHostPort(bind, p);
    this.net.bind(addr, { host: this.hostName, handlers });
    this.addr = addr;
    return Promise.resolve(addr);
  }

  send(to: string, data: Buffer): void {
    if (this.addr) this.net.sendPacket(this.hostName, this.addr, to, data);
  }

  request(to: string, data: Buffer, timeoutMs: number): Promise<Buffer> {
    if (!this.addr) return Promise.reject(new MembershipError('PUSH_PULL', 'transport closed'));
    return this.net.request(this.hostName, this.addr, to, data, timeoutMs);
  }

  close(): Promise<void> {
    if (this.addr) this.net.unbind(this.addr);
    this.addr = null;
    return Promise.resolve();
  }
}
