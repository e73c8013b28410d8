// pino root logger for a node: NDJSON to stdout and logs/<node-id>.log (size-rotated); components take child loggers.
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

/** Redis log level names mapped onto pino's. */
const LEVELS: Record<string, string> = { verbose: 'debug', notice: 'info', warning: 'warn' };

export function pinoLevel(level: string): string {
  return LEVELS[level] ?? level;
}

/** Rotation defaults: 5 files of 50 MiB bound the disk a node's logs take to ~300 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;

export interface LoggerOptions {
  nodeId: string;
  level: string;
  /** Directory for <node-id>.log; empty string logs to stdout only. */
  logDir: string;
  /** Write to stdout as well (off in tests that embed nodes). */
  stdout: boolean;
  /** Rotate <node-id>.log when a line would take it past this many bytes (default DEFAULT_LOG_MAX_BYTES). */
  maxFileBytes?: number;
  /** Rotated files kept (<node-id>.log.1 newest .. .log.N oldest); default DEFAULT_LOG_MAX_FILES. */
  maxFiles?: number;
}

/**
 * A log file rotated by size, written synchronously: a line is on disk (page cache) when the call
 * returns, so a crash loses nothing, as with pino.destination({ sync: true }) before. Rotation
 * renames <name> to <name>.1 (shifting older ones up and dropping the oldest) and reopens <name>:
 * Filebeat's filestream input follows files by inode, so it finishes reading the renamed file and
 * picks up the new one, and the `logs/*.log` glob never matches a rotated file twice. (pino-roll
 * would need a worker-thread transport, which drops the last lines of a crashing process.)
 */
export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  write(line: string): boolean {
    // Closed at node stop: a late line (a socket closing after stop) is dropped, not an EBADF crash.
    if (this.fd < 0) return true;
    const buf = Buffer.from(line, 'utf8');
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
    this.size += buf.length;
    return true;
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    try {
      if (this.keep > 0) {
        for (let i = this.keep - 1; i >= 1; i--) {
          const from = `${this.file}.${i}`;
          if (fs.existsSync(from)) fs.renameSync(from, `${this.file}.${i + 1}`);
        }
        fs.renameSync(this.file, `${this.file}.1`);
      } else {
        fs.rmSync(this.file, { force: true });
      }
    } finally {
      // Whatever happened above, keep logging to <name> (at worst appending past the limit).
      this.fd = fs.openSync(this.file, 'a');
      this.size = fs.fstatSync(this.fd).size;
    }
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export function createLogger(opts: LoggerOptions): { log: Logger; close: () => void } {
  const streams: pino.StreamEntry[] = [];
  const level = pinoLevel(opts.level) as pino.Level;
  // The streams take every level: the logger's own level filters, so CONFIG SET loglevel debug
  // (which changes only the logger's) really lets debug lines through.
  if (opts.stdout) streams.push({ level: 'trace', stream: pino.destination({ dest: 1, sync: true }) });
  let file: RotatingFile | undefined;
  if (opts.logDir !== '') {
    file = new RotatingFile(path.join(opts.logDir, `${opts.nodeId}.log`), opts.maxFileBytes ?? DEFAULT_LOG_MAX_BYTES, opts.maxFiles ?? DEFAULT_LOG_MAX_FILES);
    streams.push({ level: 'trace', stream: file });
  }
  const log = pino(
    {
      level,
      base: { node: opts.nodeId, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names ("info"), not pino's numbers: what Filebeat maps to log.level and people grep for.
      formatters: { level: (label) => ({ level: label }) },
      // Values and credentials never reach the logs, whatever a caller passes.
      redact: { paths: ['value', 'password', 'requirepass', '*.password', '*.requirepass', 'argv', 'auth_token', '*.auth_token', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
  );
  return {
    log,
    close: () => {
      try {
        file?.close();
      } catch {
        // A log file failing to close at exit is not worth crashing over.
      }
    },
  };
}
