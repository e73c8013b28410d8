// A RESP connection for tests and scripts that need whole parsed replies (not just their shape), pipelined in order, RESP2 or RESP3.
import net from 'node:net';
import { frameEnd, parseReply } from '../resp/reply-reader.js';
import type { Reply } from '../resp/reply.js';
import { resp } from './clients.js';

export interface RespConn {
  /** Sends one command and resolves with its parsed reply (errors are replies, not rejections); calls may overlap. */
  call(...argv: string[]): Promise<Reply>;
  close(): void;
}

/** Connects to 127.0.0.1:port; with protocol 3 it says HELLO 3 first. */
export async function openRespConn(port: number, protocol: 2 | 3 = 2, timeoutMs = 10_000): Promise<RespConn> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  sock.on('error', () => undefined);
  let buf: Buffer = Buffer.alloc(0);
  // Replies come back in request order, so pipelined calls wait in a FIFO.
  const waiting: ((r: Reply) => void)[] = [];
  sock.on('data', (d: Buffer) => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    for (let end = frameEnd(buf, 0); end > 0; end = frameEnd(buf, 0)) {
      const { reply } = parseReply(buf.subarray(0, end));
      buf = buf.subarray(end);
      waiting.shift()?.(reply);
    }
  });
  const call = (...argv: string[]): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${argv.join(' ')} on port ${port}`)), timeoutMs);
      waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      sock.write(resp(...argv));
    });
  if (protocol === 3) await call('HELLO', '3');
  return { call, close: () => sock.destroy() };
}
