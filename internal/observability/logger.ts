// pino root logger for a node: NDJSON to stdout and logs/<node-id>.log; components take child loggers.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

/** Redis log level names mapped onto pino's. */
const LEVELS: Record<string, string> = { verbose: 'debug', notice: 'info', warning: 'warn' };

export function pinoLevel(level: string): string {
  return LEVELS[level] ?? level;
}

export interface LoggerOptions {
  nodeId: string;
  level: string;
  /** Directory for <node-id>.log; empty string logs to stdout only. */
  logDir: string;
  /** Write to stdout as well (off in tests that embed nodes). */
  stdout: boolean;
}

export function createLogger(opts: LoggerOptions): { log: Logger; close: () => void } {
  const streams: pino.StreamEntry[] = [];
  const level = pinoLevel(opts.level) as pino.Level;
  if (opts.stdout) streams.push({ level, stream: pino.destination({ dest: 1, sync: true }) });
  let file: ReturnType<typeof pino.destination> | undefined;
  if (opts.logDir !== '') {
    mkdirSync(opts.logDir, { recursive: true });
    file = pino.destination({ dest: path.join(opts.logDir, `${opts.nodeId}.log`), sync: true, mkdir: true });
    streams.push({ level, stream: file });
  }
  const log = pino(
    {
      level,
      base: { node: opts.nodeId, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Values and credentials never reach the logs, whatever a caller passes.
      redact: { paths: ['value', 'password', 'requirepass', '*.password', '*.requirepass', 'argv'], censor: '[redacted]' },
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
  );
  return {
    log,
    close: () => {
      try {
        file?.flushSync();
      } catch {
        // A log flush failing at exit is not worth crashing over.
      }
    },
  };
}
