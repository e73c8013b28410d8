// Memory load tools shared by the memory benchmark and its integration test: a pipelined raw-RESP writer and a resident-set sampler.
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** A command to send for the i-th write (keys and values as latin1 strings). */
export type CommandFor = (i: number) => readonly string[];

export interface WriteOptions {
  /** Stop once this many bytes of commands were sent. */
  bytes: number;
  connections?: number;
  /** Commands in flight per connection. */
  pipeline?: number;
  command: CommandFor;
  /** Stop after this many commands even if `bytes` is not reached. */
  maxCommands?: number;
}

export interface WriteResult {
  commands: number;
  bytes: number;
  ok: number;
  /** Error replies by their first word (OOM, ERR...). */
  errors: Map<string, number>;
  ms: number;
}

function frame(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/**
 * Writes commands whose replies are single lines (SET, HSET, SADD, ZADD: `+OK`, `:1` or an error)
 * over `connections` sockets, `pipeline` commands in flight on each, until `bytes` were sent.
 */
export async function writeLoad(port: number, opts: WriteOptions): Promise<WriteResult> {
  const connections = opts.connections ?? 8;
  const pipeline = opts.pipeline ?? 32;
  const maxCommands = opts.maxCommands ?? Number.MAX_SAFE_INTEGER;
  const result: WriteResult = { commands: 0, bytes: 0, ok: 0, errors: new Map(), ms: 0 };
  const t0 = performance.now();
  let next = 0;
  const more = (): boolean => result.bytes < opts.bytes && next < maxCommands;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      let pending = 0;
      let tail = '';
      const send = (): void => {
        if (!more()) {
          sock.end();
          resolve();
          return;
        }
        let batch = '';
        for (let k = 0; k < pipeline && more(); k++) {
          const f = frame(opts.command(next++));
          batch += f;
          result.bytes += f.length;
          result.commands++;
          pending++;
        }
        sock.write(Buffer.from(batch, 'latin1'));
      };
      sock.on('connect', send);
      sock.on('error', reject);
      sock.on('data', (d: Buffer) => {
        const text = tail + d.toString('latin1');
        let at = 0;
        for (;;) {
          const nl = text.indexOf('\r\n', at);
          if (nl < 0) break;
          const line = text.slice(at, nl);
          at = nl + 2;
          pending--;
          if (line.startsWith('-')) {
            const code = line.slice(1).split(' ', 1)[0] ?? 'ERR';
            result.errors.set(code, (result.errors.get(code) ?? 0) + 1);
          } else {
            result.ok++;
          }
        }
        tail = text.slice(at);
        if (pending === 0) send();
      });
    });
  await Promise.all(Array.from({ length: connections }, one));
  result.ms = performance.now() - t0;
  return result;
}

/** A process's resident set in bytes (Linux /proc), 0 once it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's resident set every `everyMs` until stopped; returns the peak and the samples. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { peak: number; samples: number[] } } {
  const samples: number[] = [];
  const take = (): void => {
    samples.push(rssOf(pid));
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      let peak = 0;
      for (const s of samples) if (s > peak) peak = s;
      return { peak, samples };
    },
  };
}

/** Random keys over `keySpace` with one value: redis-benchmark's `-t set -r keySpace -d size`, optionally with a TTL. */
export function randomSets(keySpace: number, valueSize: number, ttlSeconds = 0, rand: () => number = Math.random): CommandFor {
  const value = 'x'.repeat(valueSize);
  return () => {
    const key = `key:${String(Math.floor(rand() * keySpace)).padStart(12, '0')}`;
    return ttlSeconds > 0 ? ['SET', key, value, 'EX', String(ttlSeconds)] : ['SET', key, value];
  };
}
