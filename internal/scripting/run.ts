// One script run as Redis's scriptPrepareForRun and scriptCall check it: up-front refusals, then per-command checks (noscript, read-only, OOM, MISCONF, READONLY/NOREPLICAS, cluster locality).
import type { CommandContext, CommandSpec } from '../contracts/command.js';
import type { ClusterApi, ClusterSlotRange } from '../contracts/cluster.js';
import { CommandError, errors } from '../contracts/errors.js';
import { flagBit, specForArgv } from '../commands/spec.js';
import { keyHashSlot } from '../ring/slot.js';
import type { Reply } from '../resp/reply.js';
import type { ScriptHooks } from './engine.js';
import type { EvalScriptFlags } from './shebang.js';

const WRITE = flagBit('write');
const MAY_REPLICATE = flagBit('may_replicate');
const NOSCRIPT = flagBit('noscript');
const DENYOOM = flagBit('denyoom');

/** The range holding `slot` in a slot map sorted by start (binary search). */
function rangeOf(ranges: readonly ClusterSlotRange[], slot: number): ClusterSlotRange | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid] as ClusterSlotRange;
    if (slot < r.start) hi = mid - 1;
    else if (slot > r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** The last slot map read, by the ring epoch it belongs to (the ring changes only with its epoch). */
let lastMap: { cluster: ClusterApi; epoch: number; ranges: readonly ClusterSlotRange[] } | null = null;

/** cluster.ranges() builds a fresh copy of the map (~0.3 us): runs reuse it until the epoch moves. */
function slotMap(cluster: ClusterApi): readonly ClusterSlotRange[] {
  const epoch = cluster.epoch();
  if (lastMap !== null && lastMap.cluster === cluster && lastMap.epoch === epoch) return lastMap.ranges;
  const ranges = cluster.ranges();
  lastMap = { cluster, epoch, ranges };
  return ranges;
}

/** Redis's writeCommandsDeniedByDiskError and OOM answers before a flagged script starts. */
export function refuseBeforeRun(ctx: CommandContext, flags: EvalScriptFlags, ro: boolean, denyWrites: () => string | null): void {
  if (flags.compat) return;
  if (flags.noCluster && ctx.server.cluster !== undefined) throw new CommandError('ERR', "Can not run script on cluster, 'no-cluster' flag is set.");
  if (!flags.noWrites) {
    // Replication's write gate (a read-only replica, min-replicas-to-write), in scriptPrepareForRun's order.
    const gate = ctx.server.replication?.refuseWrite(ctx.client) ?? null;
    if (gate?.code === 'READONLY') throw new CommandError('READONLY', 'Can not run script with write flag on readonly replica');
    const reason = denyWrites();
    if (reason !== null) {
      throw new CommandError(
        'MISCONF',
        "Redis is configured to persist data to AOF, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: " + reason,
      );
    }
    if (ro) throw new CommandError('ERR', 'Can not execute a script with write flag using *_ro command.');
    if (gate !== null) throw gate;
  }
  const store = ctx.store;
  if (store.memoryPolicy.maxmemory > 0 && !flags.allowOom && !flags.noWrites && !store.evictIfNeeded()) {
    throw new CommandError('OOM', "allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
  }
}

export interface RunOptions {
  readonly flags: EvalScriptFlags;
  /** EVAL_RO / EVALSHA_RO / FCALL_RO. */
  readonly ro: boolean;
  /** The executor's MISCONF check (null while persistence is healthy). */
  readonly denyWrites: () => string | null;
  readonly log: (level: number, message: string) => void;
}

/**
 * The hooks a script's redis.call goes through, bound to one run of one client. `spare`: the
 * hooks of a run that has ended, reset for this one instead of allocating new ones.
 */
export function scriptHooks(ctx: CommandContext, opts: RunOptions, spare?: ScriptHooks): ScriptHooks {
  if (spare instanceof ScriptRun) {
    spare.begin(ctx, opts);
    return spare;
  }
  return new ScriptRun(ctx, opts);
}

/**
 * One run's state and checks (Redis's scriptCall). A class rather than closures, and reusable
 * (begin): no allocation per run on a path run once per EVALSHA.
 */
class ScriptRun implements ScriptHooks {
  private ctx: CommandContext;
  private opts: RunOptions;
  private readOnly = false;
  private allowOom = false;
  private allowCrossSlot = false;
  private oomAtStart = false;
  private cluster: CommandContext['server']['cluster'] = undefined;
  private isDirty = false;
  private propagate = true;
  private slot = -1;
  private ranges: readonly ClusterSlotRange[] | null = null;
  /** Scripts mostly call several commands on one key: a key that passed passes again (the slot map and the script's slot stay as they were). */
  private lastKey: string | null = null;
  /** The argv of the redis.call being checked (check is handed to the executor as a bound method). */
  private argv: readonly string[] = [];
  private readonly checkBound = (spec: CommandSpec): string | null => this.check(spec, this.argv);
  log: (level: number, message: string) => void;

  constructor(ctx: CommandContext, opts: RunOptions) {
    this.ctx = ctx;
    this.opts = opts;
    this.log = opts.log;
    this.begin(ctx, opts);
  }

  /** Starts a run: every field as a new ScriptRun would have it. */
  begin(ctx: CommandContext, opts: RunOptions): void {
    const { flags } = opts;
    this.ctx = ctx;
    this.opts = opts;
    this.log = opts.log;
    this.readOnly = opts.ro || (!flags.compat && flags.noWrites);
    this.allowOom = !flags.compat && flags.allowOom;
    this.allowCrossSlot = flags.compat || flags.allowCrossSlot;
    const store = ctx.store;
    this.oomAtStart = store.memoryPolicy.maxmemory > 0 && !store.evictIfNeeded();
    this.cluster = ctx.server.cluster;
    this.isDirty = false;
    this.propagate = true;
    this.slot = -1;
    this.ranges = null;
    this.lastKey = null;
    this.argv = [];
  }

  call(argv: string[], resp: 2 | 3): Reply | { readonly refused: string } {
    this.argv = argv;
    return this.ctx.script.call(argv, this.checkBound, this.propagate, resp);
  }

  setRepl(f: number): void {
    // ringcache journals to the AOF and replicas from one stream: either both get the writes or neither.
    this.propagate = f !== 0;
  }

  dirty(): boolean {
    return this.isDirty;
  }

  aclCheck(argv: string[]): boolean | null {
    const ctx = this.ctx;
    const spec = specForArgv((n) => ctx.server.lookupCommand(n), argv);
    return spec === undefined ? null : ctx.server.acl.check(ctx.client.user, spec, argv) === null;
  }

  private check(spec: CommandSpec, argv: readonly string[]): string | null {
    const bits = spec.flagBits;
    const ctx = this.ctx;
    if ((bits & NOSCRIPT) !== 0) return 'This Redis command is not allowed from script';
    // The caller's user, as Redis's scriptVerifyACL (one test for an unrestricted user).
    if (!ctx.client.user.free) {
      const denied = ctx.server.acl.scriptRefusal(ctx.client, spec, argv);
      if (denied !== null) return denied;
    }
    if (this.readOnly && (bits & (WRITE | MAY_REPLICATE)) !== 0) return 'Write commands are not allowed from read-only scripts.';
    if ((bits & WRITE) !== 0 && !this.isDirty) {
      // Once the script wrote, no state check may fail it half-way (Redis's scriptVerifyWriteCommandAllow).
      const gate = ctx.server.replication?.refuseWrite(ctx.client) ?? null;
      if (gate?.code === 'READONLY') return `-${gate.line}`;
      const reason = this.opts.denyWrites();
      if (reason !== null) return `-MISCONF ${reason}`;
      if (gate !== null) return `-${gate.line}`;
    }
    if (!this.allowOom && !this.isDirty && this.oomAtStart && (bits & DENYOOM) !== 0) return `-${errors.oom().line}`;
    if ((bits & WRITE) !== 0) this.isDirty = true;
    if (this.cluster !== undefined) {
      if (spec.keys !== undefined) {
        for (const i of spec.keys(argv)) {
          const refused = this.checkKey(argv[i] as string);
          if (refused !== null) return refused;
        }
      } else if (spec.firstKey !== 0) {
        // (keyIndexes without its array: the usual fixed key positions)
        const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
        for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step) {
          const refused = this.checkKey(argv[i] as string);
          if (refused !== null) return refused;
        }
      }
    }
    return null;
  }

  private checkKey(key: string): string | null {
    if (key === this.lastKey) return null;
    const cluster = this.cluster as NonNullable<ScriptRun['cluster']>;
    // The slot map cannot change while the script runs (nothing else does): read it once per run.
    this.ranges ??= slotMap(cluster);
    const s = keyHashSlot(key);
    const range = rangeOf(this.ranges, s);
    if (range !== undefined && range.owner !== cluster.selfId) return 'Script attempted to access a non local key in a cluster node';
    if (!this.allowCrossSlot) {
      if (this.slot === -1) this.slot = s;
      else if (this.slot !== s) return 'Script attempted to access keys that do not hash to the same slot';
    }
    this.lastKey = key;
    return null;
  }
}
