// The primary side of the stream: turns journaled writes into the RESP bytes replicas apply, into the backlog and to listeners.
import type { Journal } from '../executor/executor.js';
import { OutBuffer } from '../persistence/records.js';
import type { ReplicationBacklog } from './backlog.js';

export type FeedListener = (chunk: Buffer, endOffset: number) => void;

/**
 * Encodes like the AOF (persistence/aof.ts): a SELECT whenever the db changes, except inside
 * MULTI ... EXEC where every entry carries the transaction's db and a journaled SELECT holds
 * until EXEC. Each append is one chunk: listeners batch socket writes themselves.
 */
export class ReplicationFeed implements Journal {
  private db = -1;
  private inTx = false;
  private txSelected = false;
  private readonly out = new OutBuffer(16 * 1024);
  private readonly listeners = new Set<FeedListener>();

  /**
   * False on a replica: its stream is its primary's bytes (appendBytes), not what its executor
   * journals while applying them, so offsets stay the primary's.
   */
  acceptJournal = true;

  constructor(readonly backlog: ReplicationBacklog) {}

  append(db: number, argv: readonly string[]): void {
    if (!this.acceptJournal) return;
    if (db !== this.db && !this.txSelected) {
      this.out.pushCommand(['SELECT', String(db)]);
      this.db = db;
    }
    this.out.pushCommand(argv);
    const name = argv[0] as string;
    if (argv.length === 2 && (name === 'SELECT' || name === 'select')) {
      this.db = Number(argv[1]);
      this.txSelected = this.inTx;
    } else if (argv.length === 1 && (name === 'MULTI' || name === 'multi')) this.inTx = true;
    else if (argv.length === 1 && (name === 'EXEC' || name === 'exec')) this.inTx = this.txSelected = false;
    this.flush();
  }

  /** A command outside any db (PING, REPLCONF GETACK): no SELECT before it, as Redis feeds them. */
  appendRaw(argv: readonly string[]): void {
    this.out.pushCommand(argv);
    this.flush();
  }

  /** Bytes already encoded elsewhere (a replica passing its primary's stream on): appended as they are. */
  appendBytes(chunk: Buffer, db?: number): void {
    if (db !== undefined) this.db = db;
    this.emit(chunk);
  }

  /**
   * The next write starts with a SELECT: a replica that just loaded a full copy has no selected
   * db of the stream's (Redis resets slaveseldb for the same reason).
   */
  forceSelect(): void {
    this.db = -1;
  }

  /** Each listener gets every appended chunk and the backlog offset after it. Returns an unsubscribe. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private flush(): void {
    const chunk = Buffer.from(this.out.view());
    this.out.reset();
    this.emit(chunk);
  }

  private emit(chunk: Buffer): void {
    this.backlog.append(chunk);
    const end = this.backlog.offset;
    for (const l of this.listeners) l(chunk, end);
  }
}
