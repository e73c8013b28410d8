// Request routing (DESIGN "Request path" steps 2 and 4): keys -> slot -> owner; run here, forward to the owner, split and merge, or -MOVED / -CROSSSLOT.
//
// Rules, in the order they apply (docs/cluster.md explains the choices):
// - A node that is alone and was not given seeds is a standalone node: no routing at all, and no
//   CROSSSLOT (it behaves exactly as before clustering, and as a standalone redis-server).
// - Otherwise Redis Cluster's rules: a command's keys must share one slot (hash tags group keys)
//   or it gets -CROSSSLOT; except that in proxy mode MGET MSET DEL EXISTS UNLINK TOUCH are split
//   per owner and merged, keeping the per-key reply order.
// - Keys owned here run here. Keys owned elsewhere: redirect mode answers -MOVED slot host:port;
//   proxy mode forwards over the shared pipelined link (blocking commands over a session link of
//   the client, so they hold only that client, as they would on the owner).
// - Transactions run where their keys live: the queue stays here and EXEC checks that every
//   queued key (and a WATCH) is in one slot, then runs the queue locally or sends MULTI ... EXEC
//   as one contiguous request (over the client's session link when a WATCH lives there).
// - Commands arriving over a peer link (CLUSTER PEER) are never forwarded again; a key this node
//   does not own (the rings disagree for a moment) answers -TRYAGAIN instead of being served.
// - PUBLISH is delivered here and sent once to every other ring member over the links.
// - A tracking client's forwarded read is tracked on its owner for this node (remote-tracking.ts).
import type { Logger } from 'pino';
import { CommandError } from '../contracts/errors.js';
import { hasFlag, keyIndexes } from '../commands/spec.js';
import { type CommandSpec } from '../contracts/command.js';
import type { MemberInfo } from '../membership/types.js';
import { keyHashSlot } from '../ring/slot.js';
import { parseReply } from '../resp/reply-reader.js';
import { array, errorReply, int, OK, type Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import { LinkError, type PeerLink } from './link.js';
import { ownerGroups } from './key-routing.js';
import type { LinkPool } from './pool.js';
import type { ClusterState } from './state.js';
import { trackedKeys, type RemoteTracking } from './remote-tracking.js';

const NO_KEYS = -1;
const CROSS = -2;

/** Multi-key commands proxy mode splits per owner and merges. */
const SPLIT = new Set(['mget', 'mset', 'del', 'exists', 'unlink', 'touch']);
/** Function library changes every member applies: run here, then sent once to each other member (issue 15). */
const EVERY_MEMBER = new Set(['function|load', 'function|delete', 'function|flush', 'function|restore']);
/** Transaction commands that act on the queue itself (never queued, never checked per key). */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'unwatch', 'quit', 'reset']);
/**
 * Peer-only commands (their handlers refuse a connection that is not a proven peer link). A client's
 * copy runs where it lands and is refused there: forwarded, it would reach the owner over this
 * node's authenticated link and run as if a member had sent it (issue 17).
 */
const PEER_ONLY = new Set(['cluster|handoff', 'cluster|track', 'cluster|replfeed', 'cluster|dropstale']);

/** How long a forward answered -TRYAGAIN waits for this node's ring to change before its one retry (ms). */
const RING_SETTLE_MS = 200;

export const CROSSSLOT_MESSAGE = "Keys in request don't hash to the same slot";
/** The -TRYAGAIN a leaving node answers on peer links (routing/handoff.ts recognizes it). */
export const LEAVING_MESSAGE = 'this node is leaving the cluster';

/**
 * Slots moving between members after a ring change (replication/cluster-migrate.ts): where a
 * command for one goes, 'serve' (this node still holds it), a promise (its flip is in progress),
 * the member holding it (its copy here is incomplete), or null (the ring decides).
 */
export interface SlotMoves {
  where(slot: number): 'serve' | Promise<void> | MemberInfo | null;
  /** The holder answered that it does not serve the slot: this node's copy is served from now on. */
  released(slot: number, source: string): void;
  /** Whether the holder confirmed the slot's migration here (until then redirect mode serves the local copy, not -ASK). */
  confirmed(slot: number): boolean;
}

/** A raw reply that is a -TRYAGAIN error (the command did not run there). */
function isTryAgain(r: Reply): boolean {
  return r.t === 'raw' && r.v.length > 9 && r.v.toString('latin1', 0, 9) === '-TRYAGAIN';
}

export interface RouterDeps {
  state: ClusterState;
  pool: LinkPool;
  /** Runs argv here, skipping routing (the local part of a split, already routed). */
  executeHere: (client: Client, argv: string[]) => Reply | Promise<Reply>;
  /** The spec argv resolves to (throws on unknown commands; queued commands always resolve). */
  resolve: (argv: readonly string[]) => CommandSpec;
  /** Drops this node's WATCH of the client (its transaction moved to the owner). */
  unwatchLocal: (client: Client) => void;
  mode: () => 'proxy' | 'redirect';
  /** Reply deadline for requests on session links (WATCH, EXEC); shared links read it themselves. */
  timeoutMs: () => number;
  /** Cluster rules apply even when alone: the node was given seeds. */
  seeded: boolean;
  log: Logger;
  /** Client-side caching across members (absent: forwarded reads are not tracked). */
  tracking?: RemoteTracking;
}

export class Router {
  /**
   * The last forwarded reply that does not hold the connection (it may run the next pipelined
   * command meanwhile). The connection asks right after execute() returned, so the last one is
   * the one it holds; a field, because a WeakSet add per command cost ~8% of a forward in GC.
   */
  private pipelined: Promise<Reply> | null = null;
  /** Clients whose WATCH lives on another member: client -> member id. */
  private readonly remoteWatch = new WeakMap<Client, string>();
  /** Counters for INFO / metrics. */
  readonly stats = { forwarded: 0, moved: 0, crossslot: 0, split: 0, failed: 0 };

  /**
   * The node's function libraries as a FUNCTION DUMP payload (null when it has none): sent to
   * members that join the ring, so a new member can run every function (set by the node).
   */
  libraries: (() => string | null) | null = null;
  /** Whether a READONLY client's read of `slot` is served here, from this node's replica copy (set by cluster replication). */
  readHere: ((client: Client, slot: number) => boolean) | null = null;
  private knownMembers = new Set<string>();
  /** Slots moving after a ring change (set by the cluster parts). */
  moves: SlotMoves | null = null;

  constructor(private readonly deps: RouterDeps) {
    deps.state.onRingChange(() => {
      this.sendLibrariesToJoined();
      const w = this.ringWaiters;
      this.ringWaiters = [];
      for (const r of w) r();
    });
  }

  /** FUNCTION RESTORE ... REPLACE on each member new to the ring (every member sends: the same libraries). */
  private sendLibrariesToJoined(): void {
    const state = this.deps.state;
    const infos = state.ringInfos();
    // This node's own first ring: it is the one joining (perhaps with stale libraries): it receives, not sends.
    const first = this.knownMembers.size === 0;
    const joined = infos.filter((m) => !first && !this.knownMembers.has(m.id) && m.id !== state.selfId && m.meta.respPort !== 0);
    this.knownMembers = new Set(infos.map((m) => m.id));
    const payload = joined.length > 0 ? (this.libraries?.() ?? null) : null;
    if (payload === null) return;
    for (const m of joined) this.sendTo(m, ['FUNCTION', 'RESTORE', payload, 'REPLACE']);
  }

  private sendTo(m: MemberInfo, argv: readonly string[]): void {
    this.deps.pool
      .link(m, 2)
      .request([argv], 0)
      .then((frames) => {
        const reply = frames[0] === undefined ? null : parseReply(frames[0]).reply;
        if (reply !== null && reply.t === 'error') this.deps.log.warn({ peer: m.id, command: argv[1], reply: reply.v }, 'a member refused a function library change');
      })
      .catch((e: unknown) => this.deps.log.warn({ peer: m.id, command: argv[1], err: String(e) }, 'function library change not delivered'));
  }

  mayPipeline(p: Promise<Reply>): boolean {
    return p === this.pipelined;
  }

  /** Whether Redis Cluster's rules apply now. */
  get clustered(): boolean {
    return this.deps.seeded || !this.deps.state.alone;
  }

  /**
   * Where a command runs: null = here (the executor goes on), or the reply to answer with
   * (forwarded, split and merged, or an error). Throws CommandError for MOVED / CROSSSLOT.
   */
  route(client: Client, spec: CommandSpec, argv: string[], retried = false): Reply | Promise<Reply> | null {
    if (client.peer) return this.routePeer(client, spec, argv);
    // ASKING holds for the next command only (Redis clears CLIENT_ASKING after every other command).
    const asking = client.asking;
    if (spec.name !== 'asking') client.asking = false;
    if (PEER_ONLY.has(spec.name)) return null;
    const state = this.deps.state;
    if (state.alone && !this.deps.seeded) return null;
    const name = spec.name;
    if (TX_CONTROL.has(name)) {
      if (name === 'exec') return this.routeExec(client);
      if (name === 'watch') return this.routeWatch(client, spec, argv);
      if (name === 'unwatch' || name === 'discard' || name === 'reset') this.dropRemoteWatch(client);
      return null;
    }
    if (name === 'publish' || name === 'spublish') {
      // Delivered here and sent to every other member: subscribers of any node hear it.
      if (!state.alone) this.broadcast(argv);
      return null;
    }
    if (EVERY_MEMBER.has(name) && client.multi === null && !state.alone) return this.everyMember(client, argv);
    const slot = this.slotOf(spec, argv);
    if (name === 'ssubscribe' || name === 'sunsubscribe') {
      // Subscriptions stay on this connection (a forwarded one would subscribe the shared link);
      // SPUBLISH reaches every node, so shard channels work wherever a client subscribes.
      return slot === CROSS ? this.crossSlot() : null;
    }
    if (slot === NO_KEYS) return null;
    if (client.multi !== null) {
      // Queued: a command's own keys must share a slot (the whole queue is checked at EXEC).
      if (slot === CROSS) return this.crossSlot();
      if (this.deps.mode() === 'redirect' && !state.isLocal(slot)) this.moved(slot);
      return null;
    }
    if (slot === CROSS) {
      if (this.deps.mode() === 'proxy' && SPLIT.has(name)) return this.split(client, spec, argv);
      return this.crossSlot();
    }
    const moves = this.moves;
    if (moves !== null) {
      const mv = moves.where(slot);
      if (mv !== null) return this.routeMoving(client, spec, argv, slot, mv, asking);
    }
    if (state.isLocal(slot)) return null;
    if (this.readHere !== null && hasFlag(spec, 'readonly') && this.readHere(client, slot)) return null;
    if (this.deps.mode() === 'redirect') this.moved(slot);
    if (client.tracking !== null) return this.forwardTracked(client, spec, state.owner(slot), argv);
    const blocking = hasFlag(spec, 'blocking');
    const p = this.forward(client, state.owner(slot), argv, blocking);
    if (blocking || retried) return p;
    // The owner's ring disagreed (-TRYAGAIN: the command did not run there): once this node's ring
    // moved on (or a moment passed), routed once more instead of failing the client.
    const again = p.then((r) => (isTryAgain(r) ? this.ringSettled().then(() => this.reroute(client, spec, argv, true)) : r));
    if (this.pipelined === p) this.pipelined = again;
    return again;
  }

  private ringWaiters: (() => void)[] = [];

  /** Resolves at this node's next ring change, or after RING_SETTLE_MS. */
  private ringSettled(): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, RING_SETTLE_MS);
      this.ringWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * A command for a slot moving after a ring change. The node still holding it serves it (in
   * redirect mode only after ASKING: its slot map names the new owner, as Redis's importing node
   * serves only ASKING clients); during the flip it waits for it; the new owner, whose copy is not
   * complete, forwards it to the holder (proxy mode) or answers -ASK (redirect mode).
   */
  private routeMoving(client: Client, spec: CommandSpec, argv: string[], slot: number, mv: 'serve' | Promise<void> | MemberInfo, asking: boolean): Reply | Promise<Reply> | null {
    if (mv === 'serve') {
      if (this.deps.mode() === 'redirect' && !asking) this.moved(slot);
      return null;
    }
    if (mv instanceof Promise) return mv.then(() => this.reroute(client, spec, argv));
    if (this.deps.mode() === 'redirect') {
      // Not confirmed yet, the holder this node names may be wrong (a forming cluster, where nobody
      // held anything): a client sent there would be sent back, so this node serves its own copy,
      // as before migrations; the holder's stream confirms a real one within a round trip.
      if (this.moves?.confirmed(slot) !== true) return null;
      this.stats.moved++;
      throw new CommandError('ASK', `${slot} ${mv.meta.host}:${mv.meta.respPort}`);
    }
    return this.forwardToHolder(client, spec, argv, slot, mv);
  }

  /** Forwards to the member still holding a moving slot; if it no longer serves it, this node does (once). */
  private forwardToHolder(client: Client, spec: CommandSpec, argv: string[], slot: number, holder: MemberInfo, again = true): Promise<Reply> {
    this.stats.forwarded++;
    const blocking = hasFlag(spec, 'blocking');
    const link = blocking ? this.deps.pool.session(client, holder, client.proto) : this.deps.pool.link(holder, client.proto, client.id);
    // Not pipelined: after a flip the next command may run here, and must not overtake this one.
    this.pipelined = null;
    return link.requestOne(argv, client.db, (e) => this.failure(e, holder)).then((r) => {
      if (!isTryAgain(r)) return r;
      // This node's idea of the holder may be from a ring it is still completing (a joiner meets
      // its peers one by one): once its ring moved on (or a moment passed) it asks again, the
      // holder it names then; a second refusal means nobody migrates the slot here.
      if (again) {
        return this.ringSettled().then(() => {
          const mv = this.moves?.where(slot) ?? null;
          return mv !== null && typeof mv === 'object' && !(mv instanceof Promise) ? this.forwardToHolder(client, spec, argv, slot, mv, false) : this.reroute(client, spec, argv, true);
        });
      }
      this.moves?.released(slot, holder.id);
      return this.reroute(client, spec, argv, true);
    });
  }

  /**
   * Routes a command again after a wait (a flip, a -TRYAGAIN from a member whose ring was
   * changing): run here when it is local now, else forwarded; `last`: no further retry.
   */
  private reroute(client: Client, spec: CommandSpec, argv: string[], last = false): Promise<Reply> {
    try {
      const r = client.peer ? this.routePeer(client, spec, argv, last) : this.route(client, spec, argv, last);
      return Promise.resolve(r ?? this.deps.executeHere(client, argv));
    } catch (e) {
      return Promise.resolve(e instanceof CommandError ? errorReply(e.line) : errorReply(`ERR ${String(e)}`));
    }
  }

  /** A tracking client's command: a read is tracked on its owner (see remote-tracking.ts). */
  private forwardTracked(client: Client, spec: CommandSpec, owner: MemberInfo, argv: string[]): Promise<Reply> {
    const rt = this.deps.tracking;
    const keys = trackedKeys(rt?.hooks, client, spec, argv);
    const blocking = hasFlag(spec, 'blocking');
    if (rt === undefined || keys === null) return this.forward(client, owner, argv, blocking);
    if (blocking) {
      return this.forward(client, owner, argv, true).then((r) => {
        if (r.t !== 'error') rt.untracked(client, owner.id, keys);
        return r;
      });
    }
    this.stats.forwarded++;
    const p = rt.request(this.deps.pool.link(owner, client.proto, client.id), client, owner.id, [argv], client.db, keys).then(
      (frames): Reply => ({ t: 'raw', v: frames[0] as Buffer }),
      (e: unknown) => this.failure(e, owner),
    );
    this.pipelined = p;
    return p;
  }

  /** The slot all keys of argv hash to; NO_KEYS, or CROSS when they differ. */
  private slotOf(spec: CommandSpec, argv: readonly string[]): number {
    if (spec.firstKey === 0 && spec.keys === undefined) return NO_KEYS;
    if (spec.keys === undefined && spec.firstKey === spec.lastKey) {
      // The common single-key command: no index array.
      const k = argv[spec.firstKey];
      return k === undefined ? NO_KEYS : keyHashSlot(k);
    }
    const idx = keyIndexes(spec, argv);
    if (idx.length === 0) return NO_KEYS;
    const slot = keyHashSlot(argv[idx[0] as number] as string);
    for (let i = 1; i < idx.length; i++) if (keyHashSlot(argv[idx[i] as number] as string) !== slot) return CROSS;
    return slot;
  }

  private crossSlot(): never {
    this.stats.crossslot++;
    throw new CommandError('CROSSSLOT', CROSSSLOT_MESSAGE);
  }

  private moved(slot: number): never {
    this.stats.moved++;
    const o = this.deps.state.owner(slot);
    throw new CommandError('MOVED', `${slot} ${o.meta.host}:${o.meta.respPort}`);
  }

  /** A forwarded request that failed: the owner is unreachable or slow; never a guess at the data. */
  private failure(e: unknown, owner: MemberInfo): Reply {
    this.stats.failed++;
    const why = e instanceof LinkError ? e.message : String(e);
    return errorReply(`TRYAGAIN owner ${owner.id} (${owner.meta.host}:${owner.meta.respPort}) did not answer: ${why}`);
  }

  private forward(client: Client, owner: MemberInfo, argv: string[], blocking: boolean): Promise<Reply> {
    this.stats.forwarded++;
    const proto = client.proto;
    const link = blocking ? this.deps.pool.session(client, owner, proto) : this.deps.pool.link(owner, proto, client.id);
    const p = link.requestOne(argv, client.db, (e) => this.failure(e, owner));
    this.pipelined = blocking ? null : p;
    return p;
  }

  /** Proxy mode: one sub-command per owner, run in parallel, replies merged in key order. */
  private split(client: Client, spec: CommandSpec, argv: string[]): Reply | Promise<Reply> | null {
    const name = spec.name;
    const state = this.deps.state;
    const step = name === 'mset' ? 2 : 1;
    const keys: string[] = [];
    for (let i = 1; i < argv.length; i += step) keys.push(argv[i] as string);
    const byOwner = ownerGroups(state, keys);
    const groups = new Map<number, { args: string[]; positions: number[] }>();
    for (const [idx, positions] of byOwner) {
      const args = [argv[0] as string];
      for (const k of positions) {
        args.push(argv[1 + k * step] as string);
        if (step === 2) args.push(argv[2 + k * step] as string);
      }
      groups.set(idx, { args, positions });
    }
    const k = keys.length;
    const selfIdx = state.ring.members.indexOf(state.selfId);
    if (groups.size === 1) {
      const only = groups.keys().next().value as number;
      if (only === selfIdx) return null;
      return client.tracking !== null ? this.forwardTracked(client, spec, state.info(only), argv) : this.forward(client, state.info(only), argv, false);
    }
    this.stats.split++;
    const parts: Promise<Reply>[] = [];
    for (const [idx, g] of groups) {
      if (idx === selfIdx) {
        parts.push(Promise.resolve(this.deps.executeHere(client, g.args)));
      } else {
        const owner = state.info(idx);
        const link = this.deps.pool.link(owner, client.proto, client.id);
        const rt = this.deps.tracking;
        const keys = client.tracking !== null ? trackedKeys(rt?.hooks, client, spec, g.args) : null;
        parts.push(
          (rt !== undefined && keys !== null ? rt.request(link, client, owner.id, [g.args], client.db, keys) : link.request([g.args], client.db))
            .then(
              (frames) => parseReply(frames[0] as Buffer).reply,
              (e: unknown) => this.failure(e, owner),
            ),
        );
      }
    }
    const order = [...groups.values()];
    const p = Promise.all(parts).then((replies): Reply => {
      const err = replies.find((r) => r.t === 'error');
      if (err !== undefined) return err;
      if (name === 'mset') return OK;
      if (name === 'mget') {
        const out = new Array<Reply>(k);
        replies.forEach((r, gi) => {
          const items = r.t === 'array' ? r.v : [];
          const pos = (order[gi] as { positions: number[] }).positions;
          pos.forEach((at, j) => (out[at] = items[j] ?? { t: 'nullbulk' }));
        });
        return array(out);
      }
      let sum = 0;
      for (const r of replies) sum += r.t === 'int' ? Number(r.v) : 0;
      return int(sum);
    });
    this.pipelined = p;
    return p;
  }

  /** WATCH: keys in one slot; owned elsewhere, the WATCH is placed on the client's session link to the owner. */
  private routeWatch(client: Client, spec: CommandSpec, argv: string[]): Reply | Promise<Reply> | null {
    if (client.multi !== null) return null; // the executor answers "WATCH inside MULTI is not allowed"
    const slot = this.slotOf(spec, argv);
    if (slot === CROSS) return this.crossSlot();
    const state = this.deps.state;
    const watchedAt = this.remoteWatch.get(client);
    if (state.isLocal(slot)) {
      if (watchedAt !== undefined) return this.crossSlot(); // earlier WATCHes live on another member
      return null;
    }
    if (this.deps.mode() === 'redirect') this.moved(slot);
    const owner = state.owner(slot);
    if ((watchedAt !== undefined && watchedAt !== owner.id) || client.watched.size > 0) return this.crossSlot();
    this.remoteWatch.set(client, owner.id);
    this.stats.forwarded++;
    return this.deps.pool
      .session(client, owner, client.proto)
      .request([argv], client.db, this.timeoutMs())
      .then(
        (frames): Reply => ({ t: 'raw', v: frames[0] as Buffer }),
        (e: unknown) => {
          this.remoteWatch.delete(client);
          return this.failure(e, owner);
        },
      );
  }

  private timeoutMs(): number {
    return this.deps.timeoutMs();
  }

  private dropRemoteWatch(client: Client): void {
    const peer = this.remoteWatch.get(client);
    if (peer === undefined) return;
    this.remoteWatch.delete(client);
    this.deps.pool
      .existingSession(client, peer)
      ?.request([['UNWATCH']], client.db, this.timeoutMs())
      .catch(() => undefined);
  }

  /** EXEC: the whole queue (and a WATCH) must be in one slot; runs here or as MULTI ... EXEC on the owner. */
  private routeExec(client: Client): Reply | Promise<Reply> | null {
    const m = client.multi;
    if (m === null || m.failed) return null; // the executor answers (EXEC without MULTI, EXECABORT)
    const state = this.deps.state;
    let slot = NO_KEYS;
    let hasSelect = false;
    for (const q of m.queue) {
      const spec = this.deps.resolve(q.argv);
      if (spec.name === 'select' || spec.name === 'swapdb' || spec.name === 'move') hasSelect = true;
      const s = this.slotOf(spec, q.argv);
      if (s === NO_KEYS) continue;
      if (s === CROSS || (slot !== NO_KEYS && s !== slot)) {
        slot = CROSS;
        break;
      }
      slot = s;
    }
    const watchedAt = this.remoteWatch.get(client);
    const ownerIdx = slot >= 0 ? state.ownerIndex(slot) : -1;
    const watchOk = watchedAt === undefined || ownerIdx < 0 || state.info(ownerIdx).id === watchedAt;
    if (slot === CROSS || !watchOk) {
      client.multi = null;
      this.deps.unwatchLocal(client);
      this.dropRemoteWatch(client);
      return this.crossSlot();
    }
    const owner = ownerIdx >= 0 ? state.info(ownerIdx) : watchedAt !== undefined ? state.ringInfos().find((i) => i.id === watchedAt) : undefined;
    if (owner === undefined || owner.id === state.selfId) return null;
    if (this.deps.mode() === 'redirect' && slot >= 0) {
      client.multi = null;
      this.deps.unwatchLocal(client);
      this.moved(slot);
    }
    client.multi = null;
    this.deps.unwatchLocal(client);
    if (hasSelect) {
      this.dropRemoteWatch(client);
      throw new CommandError('ERR', 'SELECT, SWAPDB and MOVE cannot run in a transaction whose keys live on another node');
    }
    this.remoteWatch.delete(client);
    const link: PeerLink =
      watchedAt !== undefined ? (this.deps.pool.existingSession(client, watchedAt) ?? this.deps.pool.session(client, owner, client.proto)) : this.deps.pool.link(owner, client.proto, client.id);
    const commands = [['MULTI'], ...m.queue.map((q) => q.argv), ['EXEC']];
    this.stats.forwarded++;
    const p = this.requestTx(client, owner.id, link, watchedAt === undefined, m.queue, commands).then(
      (frames): Reply => {
        // MULTI's +OK and the QUEUED lines stay on the owner; the client already saw its own.
        const exec = frames[frames.length - 1] as Buffer;
        const queuedError = frames.slice(1, -1).find((f) => f[0] === 45);
        if (exec[0] === 45 && queuedError !== undefined) return parseReply(queuedError).reply;
        return { t: 'raw', v: exec };
      },
      (e: unknown) => this.failure(e, owner),
    );
    return p;
  }

  /** MULTI ... EXEC on the owner; a tracking client's queued reads are tracked there (or invalidated at once over a session link). */
  private requestTx(client: Client, owner: string, link: PeerLink, shared: boolean, queue: readonly { argv: string[] }[], commands: string[][]): Promise<Buffer[]> {
    const rt = this.deps.tracking;
    const keys: string[] = [];
    if (client.tracking !== null && rt !== undefined) {
      for (const q of queue) for (const k of trackedKeys(rt.hooks, client, this.deps.resolve(q.argv), q.argv) ?? []) keys.push(k);
    }
    if (rt === undefined || keys.length === 0) return link.request(commands, client.db, this.timeoutMs());
    if (shared) return rt.request(link, client, owner, commands, client.db, keys, this.timeoutMs());
    return link.request(commands, client.db, this.timeoutMs()).then((frames) => {
      rt.untracked(client, owner, keys);
      return frames;
    });
  }

  /**
   * From a peer: run here if every key is ours; never forwarded again, except a slot imported here
   * whose copy is incomplete, sent on to the member still holding it (which never forwards).
   */
  private routePeer(client: Client, spec: CommandSpec, argv: string[], last = false): Reply | Promise<Reply> | null {
    const state = this.deps.state;
    if (state.alone) return null;
    if (spec.firstKey === 0 && spec.keys === undefined) return null;
    // A broadcast SPUBLISH is for this node's subscribers whoever owns the channel's slot.
    if (spec.name === 'spublish') return null;
    const idx = keyIndexes(spec, argv);
    const moves = this.moves;
    if (moves !== null && idx.length > 0) {
      const slot = keyHashSlot(argv[idx[0] as number] as string);
      const mv = moves.where(slot);
      if (mv === 'serve') return null;
      if (mv instanceof Promise) return mv.then(() => this.reroute(client, spec, argv, true));
      if (mv !== null) {
        if (client.multi !== null || last) return errorReply(`TRYAGAIN slot ${slot} is being migrated to this node`);
        return this.forwardToHolder(client, spec, argv, slot, mv);
      }
    }
    // Leaving (graceful stop): it owns nothing; a previous owner's handoff tells this apart from a
    // ring disagreement and stops waiting for it.
    if (state.isLeaving) return errorReply(`TRYAGAIN ${LEAVING_MESSAGE}`);
    for (const i of idx) {
      const slot = keyHashSlot(argv[i] as string);
      if (!state.isLocal(slot)) {
        const o = state.owner(slot);
        return errorReply(`TRYAGAIN slot ${slot} is owned by ${o.id} in this node's ring (epoch ${state.epoch}): the ring is changing, retry`);
      }
    }
    return null;
  }

  /** PUBLISH reaches subscribers on every node: sent once to each other ring member (peers do not re-send). */
  private broadcast(argv: readonly string[]): void {
    const state = this.deps.state;
    for (const m of state.ringInfos()) {
      if (m.id === state.selfId || m.meta.respPort === 0) continue;
      this.deps.pool
        .link(m, 2)
        .request([argv], 0)
        .catch(() => undefined);
    }
  }

  /**
   * Runs a function-library change here and, once it succeeded, on every other member, so FCALL
   * finds the function on whichever member owns its keys (Redis Cluster leaves this to clients).
   * The caller gets this node's reply; a member that refuses (or is unreachable) is logged.
   */
  private everyMember(client: Client, argv: string[]): Reply | Promise<Reply> {
    const sendOn = (r: Reply): Reply => {
      if (r.t === 'error') return r;
      const state = this.deps.state;
      for (const m of state.ringInfos()) if (m.id !== state.selfId && m.meta.respPort !== 0) this.sendTo(m, argv);
      return r;
    };
    const r = this.deps.executeHere(client, argv);
    return r instanceof Promise ? r.then(sendOn) : sendOn(r);
  }

  /** The client went away: its session links (WATCH, blocking commands) close. */
  clientClosed(client: Client): void {
    this.remoteWatch.delete(client);
    this.deps.pool.closeSessions(client);
  }
}
