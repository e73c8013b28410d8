// Reading the primary's handshake replies and the full-sync payload ($<len> or $EOF:<mark>) off a socket, without executing anything.

/** Buffers a socket's bytes for sequential awaits: lines, exact lengths, or up to an end mark. */
export class SocketReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private wake: (() => void) | null = null;
  private err: Error | null = null;

  /** Bytes buffered and not taken yet (INFO master_sync_read_bytes while a copy arrives). */
  get buffered(): number {
    return this.size;
  }

  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    this.wake?.();
  }

  fail(e: Error): void {
    this.err ??= e;
    this.wake?.();
  }

  private async more(): Promise<void> {
    if (this.err !== null) throw this.err;
    await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
    if (this.err !== null) throw this.err;
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(n: number): Buffer {
    const all = this.joined();
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return out;
  }

  /** One reply line without its CRLF (bare `\n` keepalives come back as ''). */
  async line(maxLen = 64 * 1024): Promise<string> {
    for (;;) {
      if (this.size > 0) {
        const all = this.joined();
        const i = all.indexOf(10);
        if (i >= 0) {
          const line = this.take(i + 1).toString('latin1');
          return line.endsWith('\r\n') ? line.slice(0, -2) : line.slice(0, -1);
        }
        if (all.length > maxLen) throw new Error('handshake reply line too long');
      }
      await this.more();
    }
  }

  /** Exactly `n` bytes (a `$<len>` payload); chunks are joined once, at the end. */
  async exact(n: number): Promise<Buffer> {
    while (this.size < n) await this.more();
    return Buffer.from(this.take(n));
  }

  /**
   * Everything up to an end mark (diskless `$EOF:<40 bytes>`), the mark excluded. The primary
   * sends nothing after the mark until the first ACK, so the mark ends the buffered bytes.
   */
  async untilMark(mark: Buffer): Promise<Buffer> {
    for (;;) {
      if (this.size >= mark.length) {
        const last = this.chunks[this.chunks.length - 1] as Buffer;
        const tail = last.length >= mark.length ? last.subarray(last.length - mark.length) : this.joined().subarray(this.size - mark.length);
        if (tail.equals(mark)) {
          const all = Buffer.from(this.take(this.size));
          return all.subarray(0, all.length - mark.length);
        }
      }
      await this.more();
    }
  }

  /** What is left once the reader is done (the start of the command stream). */
  rest(): Buffer {
    const all = this.joined();
    this.chunks = [];
    this.size = 0;
    return all;
  }
}

/** The primary's answer to PSYNC. */
export type PsyncAnswer =
  | { kind: 'full'; replid: string; offset: number }
  | { kind: 'continue'; replid: string | null }
  /** -NOMASTERLINK, -LOADING and the like: try again later. */
  | { kind: 'later'; line: string }
  | { kind: 'error'; line: string };

export function parsePsyncAnswer(line: string): PsyncAnswer {
  if (line.startsWith('+FULLRESYNC')) {
    const [, replid = '', off = ''] = line.split(' ');
    const offset = Number(off);
    if (replid.length !== 40 || !Number.isSafeInteger(offset)) return { kind: 'error', line };
    return { kind: 'full', replid, offset };
  }
  if (line.startsWith('+CONTINUE')) {
    const id = line.slice('+CONTINUE'.length).trim();
    return { kind: 'continue', replid: id.length === 40 ? id : null };
  }
  if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) return { kind: 'later', line };
  return { kind: 'error', line };
}

/** The `$<len>` or `$EOF:<mark>` line before a full copy, as what to read next. */
export function parseBulkHeader(line: string): { len: number } | { mark: Buffer } | null {
  if (!line.startsWith('$')) return null;
  if (line.startsWith('$EOF:')) {
    const mark = line.slice(5);
    return mark.length === 40 ? { mark: Buffer.from(mark, 'latin1') } : null;
  }
  const len = Number(line.slice(1));
  return Number.isSafeInteger(len) && len >= 0 ? { len } : null;
}
