// The CommandContext handed to handlers: one per client, re-stamped for every command, collecting the command's writes for the journal.
import type { CommandContext, CommandSpec, ConnectionControl, ScriptControl, ServerApi, TransactionControl } from '../contracts/command.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import type { Keyspace } from '../store/keyspace.js';
import type { Store } from '../store/store.js';
import type { NotifyClass } from './notify.js';

/** What a context asks of the executor that made it (the Executor; an interface so no import cycle forms). */
export interface ContextHost {
  readonly control: ConnectionControl;
  readonly journaling: boolean;
  readonly blocking: { block(client: Client, db: number, keys: readonly string[], timeoutMs: number, serve: () => Reply | null, onTimeout: () => Reply): Promise<Reply> };
  multi(client: Client): void;
  exec(ctx: ExecContext): Reply;
  discard(client: Client): void;
  watch(client: Client, keys: readonly string[]): void;
  unwatch(client: Client): void;
  asScript<T>(ctx: ExecContext, fn: () => T, start: boolean): T;
  scriptCall(ctx: ExecContext, argv: string[], check: (spec: CommandSpec) => string | null, propagate: boolean, proto: 2 | 3): Reply | { readonly refused: string };
  notify(db: number, cls: NotifyClass, event: string, key: string): void;
  serveAs(ctx: ExecContext, tryServe: (ctx: CommandContext) => Reply | null): Reply | null;
}

/** The context object handed to handlers; one per client, re-stamped for every command. */
export class ExecContext implements CommandContext {
  now = 0;
  inMulti = false;
  inScript = false;
  readonly tx: TransactionControl;
  readonly script: ScriptControl;
  /** Writes of the current command, kept only while some journal listens. */
  writes: (readonly string[])[] = [];
  /** Number of writes of the current command (rdb_changes_since_last_save counts them). */
  dirty = 0;
  /** The running command (kept while it blocks, so serving it later can run the pre-write hook). */
  spec: CommandSpec | null = null;
  argv: readonly string[] = [];
  /** The db the pending writes start in (EXEC may SELECT midway; the journal records the start). */
  writesDb: number | null = null;
  /** Pending writes came from EXEC: journal them inside MULTI ... EXEC. */
  wrapWrites = false;
  /** Inside EXEC: the db the journaled writes are in so far (a queued SELECT moves it). */
  txDb = -1;
  constructor(
    readonly client: Client,
    readonly store: Store,
    readonly server: ServerApi,
    private readonly executor: ContextHost,
  ) {
    this.tx = {
      multi: () => executor.multi(client),
      exec: () => executor.exec(this),
      discard: () => executor.discard(client),
      watch: (keys) => executor.watch(client, keys),
      unwatch: () => executor.unwatch(client),
    };
    this.script = {
      run: (fn, start) => executor.asScript(this, fn, start === true),
      call: (argv, check, propagate, proto) => executor.scriptCall(this, argv, check, propagate, proto),
    };
  }
  get db(): Keyspace {
    return this.store.db(this.client.db);
  }
  get control(): ConnectionControl {
    return this.executor.control;
  }
  propagate(argv: readonly string[]): void {
    this.dirty++;
    if (!this.executor.journaling) return;
    // A SELECT queued in the transaction moved the client: replay must switch db at this point too.
    if (this.wrapWrites && this.client.db !== this.txDb) {
      this.writes.push(['SELECT', String(this.client.db)]);
      this.txDb = this.client.db;
    }
    this.writes.push(argv);
  }
  notify(cls: NotifyClass, event: string, key: string): void {
    this.executor.notify(this.client.db, cls, event, key);
  }
  block(keys: readonly string[], timeoutMs: number, tryServe: (ctx: CommandContext) => Reply | null, onTimeout: () => Reply): Promise<Reply> {
    return this.executor.blocking.block(this.client, this.client.db, keys, timeoutMs, () => this.executor.serveAs(this, tryServe), onTimeout);
  }
}
