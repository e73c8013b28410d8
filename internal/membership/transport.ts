// Transport seam for gossip: datagrams for SWIM, one request/reply stream exchange for push-pull; real UDP+TCP implementation.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { encodeFrame, FrameReader, MAX_FRAME_BYTES } from './codec.js';
import { MembershipError } from './errors.js';

export interface TransportHandlers {
  /** A datagram arrived; from is the sender's host:port (where replies go). Must not throw. */
  packet(data: Buffer, from: string): void;
  /** A stream request arrived; resolve the reply, or null to close without one. */
  request(data: Buffer, from: string): Promise<Buffer | null>;
}

export interface Transport {
  /** Binds (port 0: a free port, the same number for datagrams and streams); resolves the bound host:port. */
  listen(bind: string, port: number, handlers: TransportHandlers): Promise<string>;
  /** Fire-and-forget datagram; failures are silent (UDP semantics). */
  send(to: string, data: Buffer): void;
  /** One request and its reply over a fresh stream; rejects with MembershipError('PUSH_PULL') on refusal, timeout or close. */
  request(to: string, data: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Splits host:port (IPv6 as [::1]:7946). Returns null when it is not one. */
export function splitHostPort(addr: string): { host: string; port: number } | null {
  const i = addr.lastIndexOf(':');
  if (i <= 0) return null;
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = addr.slice(i + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port < 1 || port > 65535) return null;
  return { host, port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface UdpTransportOptions {
  readonly log: Logger;
  readonly maxFrameBytes?: number;
  /** A server-side stream idle longer than this is destroyed. */
  readonly serverIdleMs?: number;
}

/** node:dgram for probes and gossip, node:net for push-pull, both on one port number. */
export class UdpTransport implements Transport {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly conns = new Set<net.Socket>();
  private readonly maxFrame: number;

  constructor(private readonly opts: UdpTransportOptions) {
    this.maxFrame = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  async listen(bind: string, port: number, handlers: TransportHandlers): Promise<string> {
    // With port 0 the TCP listener picks the number and UDP must get the same one; another
    // process can grab it in between, so retry a few times.
    for (let attempt = 0; ; attempt++) {
      const tcp = this.createServer(handlers);
      const tcpPort = await new Promise<number>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, bind, () => {
          tcp.off('error', reject);
          const a = tcp.address();
          resolve(typeof a === 'object' && a ? a.port : port);
        });
      }).catch((e: unknown) => {
        throw new MembershipError('TRANSPORT', `gossip TCP bind ${joinHostPort(bind, port)}: ${String(e)}`);
      });
      const udp = dgram.createSocket({ type: net.isIPv6(bind) ? 'udp6' : 'udp4' });
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(tcpPort, bind, () => {
            udp.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        udp.close();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
        if (port === 0 && attempt < 10) continue;
        throw new MembershipError('TRANSPORT', `gossip UDP bind ${joinHostPort(bind, tcpPort)}: ${String(e)}`);
      }
      udp.on('error', (err) => this.opts.log.warn({ err }, 'gossip udp error'));
      udp.on('message', (msg, rinfo) => handlers.packet(msg, joinHostPort(rinfo.address, rinfo.port)));
      this.udp = udp;
      this.tcp = tcp;
      return joinHostPort(bind, tcpPort);
    }
  }

  private createServer(handlers: TransportHandlers): net.Server {
    const idle = this.opts.serverIdleMs ?? 10_000;
    return net.createServer((sock) => {
      this.conns.add(sock);
      sock.on('close', () => this.conns.delete(sock));
      sock.on('error', () => sock.destroy());
      sock.setTimeout(idle, () => sock.destroy());
      const reader = new FrameReader(this.maxFrame);
      let handled = false;
      sock.on('data', (chunk: Buffer) => {
        const frames = reader.push(chunk);
        if (reader.error) {
          sock.destroy();
          return;
        }
        const frame = frames[0];
        if (handled || frame === undefined) return;
        handled = true;
        const from = joinHostPort(sock.remoteAddress ?? '', sock.remotePort ?? 0);
        handlers.request(frame, from).then(
          (reply) => {
            if (reply === null) sock.destroy();
            else sock.end(encodeFrame(reply));
          },
          () => sock.destroy(),
        );
      });
    });
  }

  send(to: string, data: Buffer): void {
    const udp = this.udp;
    const hp = splitHostPort(to);
    if (!udp || !hp) return;
    udp.send(data, hp.port, hp.host, () => {
      /* datagram loss is normal; the protocol copes */
    });
  }

  request(to: string, data: Buffer, timeoutMs: number): Promise<Buffer> {
    const hp = splitHostPort(to);
    if (!hp) return Promise.reject(new MembershipError('PUSH_PULL', `bad address ${to}`));
    return new Promise<Buffer>((resolve, reject) => {
      const sock = net.connect({ host: hp.host, port: hp.port });
      const reader = new FrameReader(this.maxFrame);
      let settled = false;
      const finish = (err: Error | null, buf?: Buffer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        if (err || !buf) reject(err ?? new MembershipError('PUSH_PULL', 'no reply'));
        else resolve(buf);
      };
      const timer = setTimeout(() => finish(new MembershipError('PUSH_PULL', `push-pull to ${to} timed out after ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      sock.on('connect', () => sock.write(encodeFrame(data)));
      sock.on('data', (chunk: Buffer) => {
        const frames = reader.push(chunk);
        if (reader.error) finish(new MembershipError('PUSH_PULL', `reply from ${to} exceeds ${this.maxFrame} bytes`));
        else if (frames[0]) finish(null, frames[0]);
      });
      sock.on('error', (e) => finish(new MembershipError('PUSH_PULL', `push-pull to ${to}: ${e.message}`)));
      sock.on('close', () => finish(new MembershipError('PUSH_PULL', `push-pull to ${to}: closed without a reply`)));
    });
  }

  async close(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    for (const c of this.conns) c.destroy();
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
}
