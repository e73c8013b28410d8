// Dispatch: lookup -> arity -> auth -> pause/monitor gate -> route -> memory -> handler -> journal -> stats/slowlog.
import { performance } from 'node:perf_hooks';
import type { CommandContext, ConnectionControl, PauseMode, ServerApi } from '../contracts/command.js';
import type { CommandStat } from '../contracts/figures.js';
import { CommandError, errors, truncate } from '../contracts/errors.js';
import { ErrorStats } from './error-stats.js';
import { Slowlog } from './slowlog.js';
import type { CommandRegistry } from '../commands/registry.js';
import { arityOk, flagBit, hasFlag } from '../commands/spec.js';
import { type CommandSpec } from '../contracts/command.js';
import { array, errorReply, NULL_ARRAY, QUEUED, type Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import type { Logger } from 'pino';
import { BlockingManager } from './blocking.js';
import { classBit, KEYEVENT, KEYSPACE, type NotifyClass } from './notify.js';
import type { PubSub } from '../server/pubsub.js';
import { MonitorFeed } from './monitor.js';
import { ClientPause } from './pause.js';
import { busyRefusal, mayWrite, scriptErrorLine, scriptLookupError, touchesKeyspace } from './command-bits.js';
import { WatchTable } from './watch.js';
import { Tracking } from './tracking.js';
import { ExecContext } from './context.js';
import { CommandStats, newCommandStat } from './command-stats.js';
import type { BeforeWriteHook, CommandRouter, Journal } from './seams.js';

// The seams live in seams.ts; importers keep naming them from here.
export { DurabilityError, type BeforeWriteHook, type CommandRouter, type Journal } from './seams.js';

/** Commands that act on the transaction itself and are never queued. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** What a RESP2 client in subscribed mode may still send. */
const SUBSCRIBED_MODE = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Admin commands are too dangerous to show to monitors (Redis), skip_monitor ones are never shown. */
const NOT_MONITORED = flagBit('admin') | flagBit('skip_monitor');
/** dispatch tests these on every command: a constant bit, not hasFlag's name-to-bit lookup (~1% of a SET). */
const WRITE_BIT = flagBit('write');

export interface ExecutorDeps {
  registry: CommandRegistry;
  store: Store;
  server: () => ServerApi;
  log: Logger;
  /** NOAUTH / NOPERM (acl/acl.ts) for a client not authenticated or not unrestricted; marks a MULTI it refuses as failed. */
  acl: { refuse(client: Client, spec: CommandSpec, argv: readonly string[], inExec: boolean): CommandError | null };
  /** Live settings read on every command. */
  slowlogThresholdUs: () => number;
  slowlogMaxLen: () => number;
  pubsub: PubSub;
  /** Parsed notify-keyspace-events (0 = off). */
  notifyMask: () => number;
  /** tracking-table-max-keys (default: no limit). */
  trackingMaxKeys?: () => number;
}

/** What a settled run's argv slots hold. */
const NO_ARGV: readonly string[] = [];

/** The longest run of fast commands timed by one clock read. */
const RUN_MAX = 64;

export class Executor {
  private readonly contexts = new WeakMap<Client, ExecContext>();
  readonly blocking = new BlockingManager();
  private readonly watchers = new WatchTable();
  /** > 0 while EXEC runs its queue. */
  private execDepth = 0;
  private inBatch = false;
  private batchWall = 0;
  private batchPerf = 0;
  /** The last resolved command without subcommands, by the name as the client sent it. */
  private lastName = '';
  private lastSpec: CommandSpec | null = null;
  /** performance.now() at the end of the last command (or of the last settled run). */
  private stamp = 0;
  /**
   * Fast commands of the current batch that finished since `stamp` without reading the clock
   * (see settleRun): their stats, clients, argv and command times, in order.
   */
  private runLength = 0;
  private readonly runStats: CommandStat[] = [];
  private readonly runClients: (Client | null)[] = [];
  private readonly runArgv: (readonly string[])[] = [];
  private readonly runNow: number[] = [];
  private readonly journals: Journal[] = [];
  readonly commandStats = new CommandStats();
  /** INFO errorstats: error replies by code (ERR, WRONGTYPE, NOGROUP...). */
  readonly errorStats = new ErrorStats();
  /** SLOWLOG's entries (entries(), reset()). */
  readonly slow = new Slowlog();
  /**
   * True while a CLIENT PAUSE is in effect or a MONITOR listens: the one test the per-command
   * path makes for both (see executeGated).
   */
  private gated = false;
  readonly pause: ClientPause;
  readonly monitors = new MonitorFeed();
  /** Server-assisted client-side caching (CLIENT TRACKING); its clients take the gated path. */
  readonly tracking: Tracking;
  /** Handlers started so far; executeGated compares it to tell a command that ran from one refused or queued. */
  private handlerCalls = 0;
  readonly control: ConnectionControl;

  constructor(private readonly deps: ExecutorDeps) {
    this.pause = new ClientPause({
      now: () => deps.store.tick(),
      changed: (active) => {
        // While paused nothing expires or is evicted (Redis keeps the dataset still).
        deps.store.time.expiryPaused = active;
        this.updateGate();
      },
      rerun: (client, argv) => this.execute(client, argv),
    });
    this.blocking.countPostponed = () => this.pause.holding;
    this.tracking = new Tracking({ maxKeys: deps.trackingMaxKeys ?? (() => 0), changed: () => this.updateGate() });
    this.control = {
      pause: (mode: PauseMode, endMs: number) => this.pause.pause(mode, endMs, deps.store.time.now),
      unpause: () => this.pause.unpause(),
      monitor: (client) => {
        this.monitors.add(client);
        this.updateGate();
      },
      unmonitor: (client) => {
        this.monitors.remove(client);
        this.updateGate();
      },
      tracking: this.tracking,
    };
    // What the executor must hear from the keyspace: expirations to journal, and changes that
    // wake blocked clients, invalidate WATCH and tell client-side caches (one test when nobody tracks).
    const tracking = this.tracking;
    deps.store.observe({
      expired: (db, key) => {
        this.journalExpired(db, key);
        this.touchWatched(db, key);
        this.notify(db, 'x', 'expired', key);
        if (tracking.active) tracking.keyChanged(key, null);
      },
      // An evicted key is deleted for the AOF and replicas too (Redis propagates a DEL), else replay brings it back.
      evicted: (db, key) => {
        this.journalExpired(db, key);
        this.touchWatched(db, key);
        this.notify(db, 'e', 'evicted', key);
        if (tracking.active) tracking.keyChanged(key, null);
      },
      // Hash fields past their deadline: HDEL in the journal, `hexpired` (and `del` when the key went), as Redis.
      fieldsExpired: (db, key, fields, keyDeleted) => {
        for (const j of this.journals) j.append(db, ['HDEL', key, ...fields]);
        this.notify(db, 'h', 'hexpired', key);
        if (keyDeleted) this.notify(db, 'g', 'del', key);
      },
      // Raised here rather than by each handler: every key creation goes through Keyspace.set
      // and every read lookup through Store.read/peekRead, as Redis raises them in dbAdd and
      // lookupKey. Both come before the command's own event, in Redis's order.
      created: (db, key) => this.notify(db, 'n', 'new', key),
      missed: (db, key) => this.notify(db, 'm', 'keymiss', key),
      modified: (db, key) => {
        this.blocking.touched(db, key);
        this.touchWatched(db, key);
        if (tracking.active) tracking.keyChanged(key, tracking.modifier());
      },
      // FLUSHDB / FLUSHALL: every key changed for WATCH and blocked clients; caches get one null invalidation.
      flushed: (db, keys) => {
        for (const key of keys) {
          this.blocking.touched(db, key);
          this.touchWatched(db, key);
        }
        if (tracking.active) tracking.flushed();
      },
    });
  }

  addJournal(j: Journal): void {
    this.journals.push(j);
  }

  /**
   * While set, write-flagged commands are refused with `-MISCONF <reason>` whenever it returns a
   * reason (persistence failing); reads keep working. Null (no check at all) while healthy.
   */
  denyWrites: (() => string | null) | null = null;
  /** Replication's write gate (READONLY replica, NOREPLICAS); null on a node without replication. */
  refuseWrite: ((client: Client) => CommandError | null) | null = null;
  /** Told when a replica's (or our primary's) connection closes, so INFO and WAIT stop counting it at once. */
  replicationClosed: ((client: Client) => void) | null = null;
  /** While a script runs past busy-reply-threshold: the -BUSY every command but allow_busy ones gets. */
  busyReason: string | null = null;
  /** Cluster routing; null for a node that is not part of a cluster (every key is local). */
  router: CommandRouter | null = null;
  /** Set while running a command the router already routed here (the local part of a split). */
  private routeBypass = false;

  /** Runs argv here without routing it again (the router's local share of a split command). */
  executeHere(client: Client, argv: string[]): Reply | Promise<Reply> {
    const prev = this.routeBypass;
    this.routeBypass = true;
    try {
      return this.execute(client, argv);
    } finally {
      this.routeBypass = prev;
    }
  }

  /** See CommandRouter.mayPipeline: false for every promise but a forwarded, non-blocking command's. */
  mayPipeline(p: Promise<Reply>): boolean {
    return this.router !== null && this.router.mayPipeline(p);
  }

  /** Pre-write hook, set only while a snapshot or AOF rewrite walks the dataset. */
  beforeWrite: BeforeWriteHook | null = null;

  /** What the connection waits for before sending a batch's replies (see Journal.whenDurable). */
  whenDurable(): Promise<void> | null {
    let out: Promise<void> | null = null;
    for (const j of this.journals) {
      const p = j.whenDurable?.() ?? null;
      if (p !== null) out = out === null ? p : Promise.all([out, p]).then(() => undefined);
    }
    return out;
  }

  /**
   * Whether any journal listens; without one, writes are counted but not kept. A standalone node
   * has cluster replication's journal attached with no replica stream: it does not listen, so its
   * writes build no journal list (read per write: one call per attached journal).
   */
  get journaling(): boolean {
    const js = this.journals;
    for (let i = 0; i < js.length; i++) {
      const j = js[i] as Journal;
      if (j.listening === undefined || j.listening()) return true;
    }
    return false;
  }

  /**
   * Journals an effect no command asked for: a key removed by lazy or active expiry is written as
   * `DEL key`, as Redis propagates expirations, so replicas and AOF replay never resurrect it.
   */
  journalExpired(db: number, key: string): void {
    if (this.journals.length === 0) return;
    const argv = ['DEL', key];
    for (const j of this.journals) j.append(db, argv);
  }

  /**
   * Retries a blocked command for its client: fresh command time, and its writes journaled as
   * the command's own. Called by the blocking manager after another command touched a key.
   */
  serveAs(ctx: ExecContext, tryServe: (ctx: CommandContext) => Reply | null): Reply | null {
    ctx.now = this.deps.store.tick();
    if (this.beforeWrite !== null && ctx.spec !== null && hasFlag(ctx.spec, 'write')) this.beforeWrite(ctx.client.db, ctx.spec, ctx.argv);
    // The served client is the running one: invalidations of keys it tracks follow its reply.
    const r = this.tracking.runningAs(ctx.client, () => tryServe(ctx));
    this.flushWrites(ctx);
    return r;
  }

  /** The connection is gone: drop its waits and watches so nothing is handed to it. */
  clientClosed(client: Client): void {
    client.alive = false;
    if (this.lastCtx?.client === client) this.lastCtx = null;
    if (client.replRole !== null) this.replicationClosed?.(client);
    this.blocking.cancel(client);
    this.unwatch(client);
    this.deps.pubsub.dropClient(client);
    client.multi = null;
    this.router?.clientClosed(client);
    this.pause.drop(client);
    if (client.monitor) this.control.unmonitor(client);
    this.tracking.clientClosed(client);
  }

  private updateGate(): void {
    this.gated = this.pause.active || this.monitors.size > 0 || this.tracking.clients > 0;
  }

  // ------------------------------------------------------------------ transactions

  multi(client: Client): void {
    if (client.multi !== null) throw new CommandError('ERR', 'MULTI calls can not be nested');
    client.multi = { queue: [], failed: false };
  }

  discard(client: Client): void {
    if (client.multi === null) throw new CommandError('ERR', 'DISCARD without MULTI');
    client.multi = null;
    this.unwatch(client);
  }

  /**
   * Runs the queued commands back to back, with nothing else in between (the event loop is not
   * yielded), so EXEC is atomic for other clients, the journal and blocked-client serving.
   */
  exec(ctx: ExecContext): Reply {
    const client = ctx.client;
    const m = client.multi;
    if (m === null) throw new CommandError('ERR', 'EXEC without MULTI');
    client.multi = null;
    if (m.failed) {
      this.unwatch(client);
      throw new CommandError('EXECABORT', 'Transaction discarded because of previous errors.');
    }
    // A watched key that expired since WATCH counts as changed: looking it up deletes it and
    // the expiry marks the watchers dirty.
    for (const w of client.watched) {
      const sep = w.indexOf('\0');
      this.deps.store.db(Number(w.slice(0, sep))).peek(w.slice(sep + 1));
    }
    const aborted = client.watchDirty;
    this.unwatch(client);
    if (aborted) return NULL_ARRAY;
    const replies: Reply[] = [];
    ctx.writesDb = client.db;
    ctx.txDb = client.db;
    ctx.wrapWrites = true;
    this.execDepth++;
    try {
      for (const q of m.queue) {
        const r = this.execute(client, q.argv);
        // Blocking commands answer at once inside EXEC and nothing queued is asynchronous
        // (no_multi), so a promise here is a bug; answer an error rather than break atomicity.
        replies.push(r instanceof Promise ? errorReply('ERR command cannot run inside a transaction') : r);
      }
    } finally {
      this.execDepth--;
    }
    return array(replies);
  }

  /** redis.call in progress: the script decided OOM by its flags already (Redis's scriptCall), so execute skips it. */
  private scriptCalls = 0;
  /** The spec scriptCall resolved, for the execute it calls next (each redis.call resolves once). */
  private scriptResolved: CommandSpec | null = null;
  /** See ScriptControl.run: EXEC's nesting, with the caller's connection state kept. */
  asScript<T>(ctx: ExecContext, fn: () => T, start: boolean): T {
    const client = ctx.client;
    if (start && this.monitors.size > 0) this.monitors.feed(ctx.now, performance.now(), client, ctx.argv);
    if (this.execDepth === 0) {
      ctx.writesDb = client.db;
      ctx.txDb = client.db;
      ctx.wrapWrites = true;
    }
    const { spec, argv, now, inScript } = ctx;
    const { db, lastCommand: last } = client;
    // A client-side cache remembers the script's declared keys when the script reads (Redis's call()).
    const script = this.tracking.script;
    if (spec !== null) this.tracking.script = { spec, argv };
    ctx.inScript = true;
    this.execDepth++;
    try {
      return fn();
    } finally {
      this.execDepth--;
      this.tracking.script = script;
      // (plain stores: Object.assign of a literal allocates and takes a slow path, once per script)
      ctx.spec = spec;
      ctx.argv = argv;
      ctx.now = now;
      ctx.inScript = inScript;
      client.db = db;
      client.lastCommand = last;
    }
  }

  /** See ScriptControl.call. */
  scriptCall(ctx: ExecContext, argv: string[], check: (spec: CommandSpec) => string | null, propagate: boolean, proto: 2 | 3): Reply | { readonly refused: string } {
    let spec: CommandSpec;
    try {
      spec = this.resolve(argv);
    } catch {
      return this.scriptRefused(scriptLookupError(this.deps.registry, argv), undefined);
    }
    const refused = check(spec);
    if (refused !== null) return this.scriptRefused(refused, spec);
    const { client } = ctx;
    const mark = ctx.writes.length;
    const callerProto = client.proto;
    client.proto = proto;
    this.scriptCalls++;
    this.scriptResolved = spec;
    const r = this.execute(client, argv);
    this.scriptCalls--;
    client.proto = callerProto;
    if (!propagate) ctx.writes.length = mark;
    return r instanceof Promise ? errorReply('ERR command cannot run inside a script') : r;
  }

  /** Counted as Redis's scriptCall counts it (a rejected call); the script's error reply then carries ignore_error_stats_update. */
  private scriptRefused(refused: string, spec: CommandSpec | undefined): { readonly refused: string } {
    this.countError(scriptErrorLine(refused), spec, true);
    return { refused };
  }

  watch(client: Client, keys: readonly string[]): void {
    if (client.multi !== null) throw new CommandError('ERR', 'WATCH inside MULTI is not allowed');
    this.watchers.watch(client, keys);
  }

  unwatch(client: Client): void {
    this.watchers.unwatch(client);
  }

  /** Publishes a keyspace notification if its class is enabled (Redis's notifyKeyspaceEvent). */
  notify(db: number, cls: NotifyClass, event: string, key: string): void {
    const mask = this.deps.notifyMask();
    if (mask === 0 || (mask & classBit(cls)) === 0) return;
    if (mask & KEYSPACE) this.deps.pubsub.publish(`__keyspace@${db}__:${key}`, event);
    if (mask & KEYEVENT) this.deps.pubsub.publish(`__keyevent@${db}__:${event}`, key);
  }

  /** A key changed or expired: every client watching it will see its EXEC fail. */
  touchWatched(db: number, key: string): void {
    this.watchers.touched(db, key);
  }

  /** The last context handed out: a pipelined batch is one client's, so the WeakMap is asked once per batch. */
  private lastCtx: ExecContext | null = null;

  private context(client: Client): ExecContext {
    const last = this.lastCtx;
    if (last !== null && last.client === client) return last;
    let ctx = this.contexts.get(client);
    if (ctx === undefined) {
      ctx = new ExecContext(client, this.deps.store, this.deps.server(), this);
      this.contexts.set(client, ctx);
    }
    this.lastCtx = ctx;
    return ctx;
  }

  /** Resolves argv to its spec (descending into subcommands) or throws Redis's error for it. */
  resolve(argv: readonly string[]): CommandSpec {
    const name = argv[0] as string;
    // Pipelines repeat one command and the decoder hands back the same name string, so the last
    // plain command's spec is a pointer compare away (a Map lookup was ~1.5% of a SET).
    const last = this.lastSpec;
    if (last !== null && name === this.lastName) {
      if (!arityOk(last.arity, argv.length)) throw errors.wrongArity(last.name);
      return last;
    }
    const spec = this.deps.registry.getAnyCase(name);
    if (spec === undefined) {
      const args = argv
        .slice(1)
        .map((a) => `'${truncate(a)}' `)
        .join('');
      throw new CommandError('ERR', `unknown command '${truncate(argv[0] as string)}', with args beginning with: ${args}`);
    }
    if (spec.subcommands === undefined) {
      this.lastName = name;
      this.lastSpec = spec;
      if (!arityOk(spec.arity, argv.length)) throw errors.wrongArity(spec.name);
      return spec;
    }
    if (argv.length < 2) {
      // A container that also runs bare (COMMAND) keeps its own handler.
      if (spec.handler !== undefined && arityOk(spec.arity, argv.length)) return spec;
      throw errors.wrongArity(spec.name);
    }
    const subName = (argv[1] as string).toLowerCase();
    const sub = this.deps.registry.sub(spec.name, subName);
    if (sub === undefined) throw errors.unknownSubcommand(argv[1] as string, spec.name);
    if (!arityOk(sub.arity, argv.length)) throw errors.wrongArity(sub.name);
    return sub;
  }

  /**
   * Marks the start of a synchronous batch of pipelined commands from one read. Inside a batch a
   * command starts where the previous one ended (its duration includes decoding its frame), and
   * its wall-clock time derives from the batch's start. Bounded-cost commands (spec.runTimed:
   * Redis's `fast` ones, O(1) / O(log N), and SET and friends) do not read the clock at all: a run
   * of them shares one read when the run ends (settleRun). A clock read costs ~40 ns on the VMs
   * we run on, 15-20% of a pipelined GET.
   */
  beginBatch(): void {
    this.inBatch = true;
    this.batchWall = this.deps.store.tick();
    this.batchPerf = performance.now();
    this.stamp = this.batchPerf;
  }

  endBatch(): void {
    if (this.runLength > 0) this.settleRun();
    this.inBatch = false;
  }

  /**
   * Reads the clock once for the fast commands finished since `stamp` and gives each an equal
   * share of the elapsed time: commandstats' usec totals stay exact, and the latency histogram and
   * slowlog see each command at the run's average. Runs are capped at RUN_MAX commands, so the
   * cached command time (`now`, used for expiry) is never more than one run behind.
   */
  private settleRun(): void {
    const t1 = performance.now();
    const n = this.runLength;
    const us = ((t1 - this.stamp) * 1000) / n;
    this.stamp = t1;
    this.runLength = 0;
    const threshold = this.deps.slowlogThresholdUs();
    for (let i = 0; i < n; i++) {
      const st = this.runStats[i] as CommandStat;
      st.usec += us;
      st.latency.observe(us);
      if (us >= 1000) this.latencyEvent(this.resolve(this.runArgv[i] as readonly string[]), us);
      if (threshold >= 0 && us >= threshold) {
        this.recordSlow(this.runClients[i] as Client, this.runArgv[i] as readonly string[], us, this.runNow[i] as number);
      }
      // Drop the references so a settled run keeps no argv or client alive. The slots stay:
      // `length = 0` freed the arrays' backing stores, which every batch then allocated again.
      this.runClients[i] = null;
      this.runArgv[i] = NO_ARGV;
    }
  }

  /** Runs one command for a client. Synchronous unless the handler itself is asynchronous. */
  execute(client: Client, argv: string[]): Reply | Promise<Reply> {
    const store = this.deps.store;
    let now: number;
    let t0: number;
    if (this.inBatch) {
      // This command starts where the previous one ended (settled below if it is not fast).
      t0 = this.stamp;
      now = this.batchWall + Math.floor(t0 - this.batchPerf);
      store.time.now = now;
    } else {
      now = store.tick();
      t0 = performance.now();
    }
    client.lastInteraction = now;
    let spec: CommandSpec;
    try {
      spec = this.scriptResolved ?? this.resolve(argv);
      this.scriptResolved = null;
    } catch (e) {
      client.lastCommand = 'NULL';
      // Inside MULTI an unknown command or bad arity dooms the transaction (EXECABORT at EXEC).
      if (client.multi !== null && this.execDepth === 0) client.multi.failed = true;
      const meant = this.deps.registry.getAnyCase(argv[0] as string);
      if (client.tracking !== null && this.execDepth === 0) this.tracking.commandRefused(client, meant, argv);
      // Arity errors count as rejected calls of the command they were meant for, as in Redis.
      return this.fail(e, meant, true);
    }
    client.lastCommand = spec.name;
    // The usual client (authenticated, unrestricted user) costs one more test; acl/acl.ts answers NOAUTH / NOPERM to the rest.
    const refused = client.authenticated && client.user.free ? null : this.deps.acl.refuse(client, spec, argv, this.execDepth > 0);
    if (refused !== null) return this.fail(refused, spec, true);
    if (this.busyReason !== null && this.execDepth === 0 && !hasFlag(spec, 'allow_busy')) return this.fail(busyRefusal(client, spec, this.busyReason, (c) => this.unwatch(c)), spec, true);
    if (client.proto === 2 && client.subscriptions > 0 && !SUBSCRIBED_MODE.has(spec.name)) {
      return this.fail(
        new CommandError('ERR', `Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
        spec,
        true,
      );
    }
    if (this.gated) return this.executeGated(client, spec, argv, now, t0);
    return this.dispatch(client, spec, argv, now, t0);
  }

  /**
   * The per-command path while a pause is in effect, a monitor listens or a client tracks keys: a
   * monitor may not touch the keyspace, a paused command waits (before it is routed or queued, as
   * Redis postpones it in processCommand), a command whose handler ran here is shown to the
   * monitors afterwards, and a tracking client's read remembers its keys.
   */
  private executeGated(client: Client, spec: CommandSpec, argv: string[], now: number, t0: number): Reply | Promise<Reply> {
    if (client.monitor && touchesKeyspace(spec, client, this.deps.registry)) {
      return this.fail(new CommandError('ERR', "Replica can't interact with the keyspace"), spec, true);
    }
    // Inside EXEC, in a split's local share, and for the node's internal clients (id 0: the HTTP
    // API, slot handoff, AOF loading, which expect an answer in order) nothing is held.
    if (this.pause.active && this.execDepth === 0 && !this.routeBypass && client.id !== 0 && this.pause.check(now)) {
      if (this.pause.mode === 'all' || mayWrite(spec, client, this.deps.registry, argv, this.deps.server().scripting)) return this.pause.hold(client, argv);
    }
    const calls = this.handlerCalls;
    const tracking = this.tracking;
    const prev = tracking.begin(client);
    const out = this.dispatch(client, spec, argv, now, t0);
    tracking.current = prev;
    const ran = this.handlerCalls !== calls;
    // Redis feeds monitors from call(): commands refused before it, queued or routed elsewhere are not shown.
    if (ran && this.monitors.size > 0 && (spec.flagBits & NOT_MONITORED) === 0) {
      this.monitors.feed(now, performance.now(), client, argv, this.contexts.get(client)?.inScript === true);
    }
    // A routed read is remembered by the router when its owner answers (routing/remote-tracking.ts).
    if (client.tracking !== null) tracking.afterCommand(client, spec, argv, ran, this.execDepth === 0);
    return out;
  }

  /** Routing, MULTI queueing, memory and write checks, then the handler. */
  private dispatch(client: Client, spec: CommandSpec, argv: string[], now: number, t0: number): Reply | Promise<Reply> {
    const store = this.deps.store;
    const router = this.router;
    if (router !== null && this.execDepth === 0 && !this.routeBypass) {
      let routed: Reply | Promise<Reply> | null;
      try {
        routed = router.route(client, spec, argv);
      } catch (e) {
        // A queued command refused by the cluster (MOVED, CROSSSLOT) dooms the transaction, as in Redis.
        if (client.multi !== null) client.multi.failed = true;
        return this.fail(e, spec, true);
      }
      if (routed !== null) return routed;
    }
    if (this.refuseWrite !== null && (spec.flagBits & WRITE_BIT) !== 0) {
      // Before queueing, as Redis's processCommand: a refused command inside MULTI dooms the EXEC.
      const refusal = this.refuseWrite(client);
      if (refusal !== null) {
        if (client.multi !== null && this.execDepth === 0) client.multi.failed = true;
        return this.fail(refusal, spec, true);
      }
    }
    if (client.multi !== null && this.execDepth === 0 && !TX_CONTROL.has(spec.name)) {
      if (hasFlag(spec, 'no_multi')) {
        client.multi.failed = true;
        return this.fail(new CommandError('ERR', `Command not allowed inside a transaction`), spec, true);
      }
      client.multi.queue.push({ argv });
      return QUEUED;
    }
    // Every command evicts first, as Redis's processCommand; only denyoom ones are refused.
    if (store.memoryPolicy.maxmemory > 0 && this.scriptCalls === 0 && !this.tracking.evicting(() => store.evictIfNeeded()) && hasFlag(spec, 'denyoom')) {
      return this.fail(errors.oom(), spec, true);
    }
    if (this.denyWrites !== null && (spec.flagBits & WRITE_BIT) !== 0) {
      const reason = this.denyWrites();
      if (reason !== null) return this.fail(new CommandError('MISCONF', reason), spec, true);
    }
    if (this.beforeWrite !== null && (spec.flagBits & WRITE_BIT) !== 0) this.beforeWrite(client.db, spec, argv);
    if (this.runLength > 0 && !spec.runTimed) {
      // A timed command after a run of fast ones: settle the run so this one starts on the clock.
      this.settleRun();
      t0 = this.stamp;
    }
    const ctx = this.context(client);
    ctx.now = now;
    ctx.spec = spec;
    ctx.argv = argv;
    ctx.inMulti = this.execDepth > 0;
    const handler = spec.handler;
    if (handler === undefined) return this.fail(errors.wrongArity(spec.name), spec, true);
    let out: Reply | Promise<Reply>;
    this.handlerCalls++;
    try {
      out = handler(ctx, argv);
    } catch (e) {
      this.finish(ctx, spec, argv, t0);
      return this.fail(e, spec, false);
    }
    if (out instanceof Promise) {
      return out.then(
        (r) => {
          this.finish(ctx, spec, argv, t0);
          return this.settled(r, spec);
        },
        (e: unknown) => {
          this.finish(ctx, spec, argv, t0);
          return this.fail(e, spec, false);
        },
      );
    }
    this.finish(ctx, spec, argv, t0);
    return out.t === 'error' ? this.settled(out, spec) : out;
  }

  private finish(ctx: ExecContext, spec: CommandSpec, argv: readonly string[], t0: number): void {
    const st = this.commandStat(spec);
    st.calls++;
    // A fast command inside a batch joins the run that settleRun times with one clock read.
    const inRun = this.inBatch && this.execDepth === 0 && spec.runTimed;
    let us = 0;
    if (inRun) {
      const i = this.runLength++;
      this.runStats[i] = st;
      this.runClients[i] = ctx.client;
      this.runArgv[i] = argv;
      this.runNow[i] = ctx.now;
    } else {
      const t1 = performance.now();
      this.stamp = t1;
      us = (t1 - t0) * 1000;
      st.usec += us;
      // The latency histogram costs one typed-array increment here; /metrics builds the histogram.
      st.latency.observe(us);
      if (us >= 1000) this.latencyEvent(spec, us);
    }
    const server = ctx.server;
    server.stats.commandsProcessed++;
    // Inside EXEC the writes stay with the EXEC command, journaled as one MULTI ... EXEC block,
    // and blocked clients are served only after the whole transaction, as Redis does.
    if (this.execDepth === 0) {
      this.flushWrites(ctx);
      if (this.blocking.hasReady) this.blocking.serveReady();
    }
    if (inRun) {
      if (this.runLength >= RUN_MAX) this.settleRun();
      return;
    }
    const threshold = this.deps.slowlogThresholdUs();
    if (threshold >= 0 && us >= threshold && !hasFlag(spec, 'skip_slowlog')) this.recordSlow(ctx.client, argv, us, ctx.now);
  }

  /**
   * LATENCY's "command" / "fast-command" event for a command that took `us` (Redis's call()). The
   * threshold is in whole milliseconds, so callers skip everything under one.
   */
  private latencyEvent(spec: CommandSpec, us: number): void {
    this.deps.store.latency.addIfNeeded(hasFlag(spec, 'fast') ? 'fast-command' : 'command', Math.floor(us / 1000));
  }

  private flushWrites(ctx: ExecContext): void {
    if (ctx.dirty === 0) return;
    ctx.server.stats.dirty += ctx.dirty;
    ctx.dirty = 0;
    const writes = ctx.writes;
    if (writes.length === 0) return;
    const db = ctx.writesDb ?? ctx.client.db;
    ctx.writesDb = null;
    const wrap = writes.length > 1 && ctx.wrapWrites;
    ctx.wrapWrites = false;
    for (const j of this.journals) {
      if (wrap) j.append(db, ['MULTI']);
      for (const w of writes) j.append(db, w, ctx.client);
      if (wrap) j.append(db, ['EXEC']);
    }
    // Journals encode what they are given at once and keep no reference: the array is reused.
    // One write per command is the rule; pop() stays inline where `length = 0` is a runtime call
    // (1.6% of a SET in the profile).
    if (writes.length === 1) writes.pop();
    else writes.length = 0;
  }

  private recordSlow(client: Client, argv: readonly string[], us: number, now: number): void {
    this.slow.record(client, argv, us, now, this.deps.slowlogMaxLen());
  }

  private fail(e: unknown, spec: CommandSpec | undefined, rejected: boolean): Reply {
    let line: string;
    if (e instanceof CommandError) line = e.line;
    else {
      this.deps.log.error({ err: e, command: spec?.name }, 'command handler failed');
      line = `ERR internal error while running '${spec?.name ?? '?'}'`;
    }
    this.countError(line, spec, rejected);
    return errorReply(line);
  }

  /** One error reply in INFO stats, INFO errorstats and commandstats (rejected before running, or failed while running). */
  private countError(line: string, spec: CommandSpec | undefined, rejected: boolean): void {
    this.deps.server().stats.errorReplies++;
    this.errorStats.count(line);
    if (spec === undefined) return;
    const st = this.commandStat(spec);
    if (rejected) st.rejectedCalls++;
    else st.failedCalls++;
  }

  /** The last command's stats, while the map's generation says nobody replaced or cleared them (see CommandStats). */
  private statSpec: CommandSpec | null = null;
  private stat: CommandStat | null = null;
  private statGen = -1;

  private commandStat(spec: CommandSpec): CommandStat {
    const stats = this.commandStats;
    if (spec === this.statSpec && stats.generation === this.statGen) return this.stat as CommandStat;
    let st = stats.get(spec.name);
    if (st === undefined) {
      st = newCommandStat();
      stats.set(spec.name, st);
    }
    this.statSpec = spec;
    this.stat = st;
    this.statGen = stats.generation;
    return st;
  }

  /** A handler's own error reply (not thrown: e.g. a blocked client released with -NOGROUP) counts as a failed call. */
  private settled(r: Reply, spec: CommandSpec): Reply {
    if (r.t !== 'error') return r;
    if (r.counted !== true) this.countError(r.v, spec, false);
    else this.commandStat(spec).failedCalls++; // already in the stats: still a failed call (ERR_REPLY_FLAG_NO_STATS_UPDATE)
    return r;
  }
}
