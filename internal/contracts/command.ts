// The command contract: a spec (name, arity, flags, keys, docs), the context a handler runs in, and the node services it may use.
import type { ReplicationApi } from './replication.js';
import type { AclLogEntry, AclUser, Denial, RuleEnv } from '../acl/user.js';
import type { Client } from '../server/client.js';
import type { CommandError } from './errors.js';
import type { Keyspace } from '../store/keyspace.js';
import type { Store } from '../store/store.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { Reply } from '../resp/reply.js';
import type { NotifyClass } from '../executor/notify.js';
import type { PubSub } from '../server/pubsub.js';
import type { PersistenceApi, ShutdownOptions } from './persistence.js';
import type { ClusterApi } from './cluster.js';
import type { CommandStat, NodeFigures } from './figures.js';
import type { TrackingControl } from './tracking.js';

/**
 * Redis's command flags, in the order COMMAND INFO lists them (addReplyCommandFlags); the order
 * also gives each its bit in CommandSpec.flagBits. `may_replicate` is kept but, as in Redis, never
 * reported.
 */
export const COMMAND_FLAGS = [
  'write',
  'readonly',
  'denyoom',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
] as const;

export type CommandFlag = (typeof COMMAND_FLAGS)[number];

export type CommandGroup =
  | 'string'
  | 'generic'
  | 'connection'
  | 'server'
  | 'list'
  | 'hash'
  | 'set'
  | 'sorted-set'
  | 'stream'
  | 'pubsub'
  | 'transactions'
  | 'cluster'
  | 'scripting'
  | 'bitmap'
  | 'hyperloglog'
  | 'geo'
  /** RedisBloom's command groups (Bloom and Cuckoo filters). */
  | 'bf'
  | 'cf';

/** Redis's ACL categories, in the order COMMAND INFO lists them (ACLCommandCategories). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

export type AclCategory = (typeof ACL_CATEGORIES)[number];

/**
 * Command tips: how a cluster-aware client routes a command and merges the replies
 * (request_policy / response_policy), and whether its output is deterministic.
 */
export type CommandTip =
  | 'nondeterministic_output'
  | 'nondeterministic_output_order'
  | `request_policy:${'all_nodes' | 'all_shards' | 'multi_shard' | 'special'}`
  | `response_policy:${'one_succeeded' | 'all_succeeded' | 'agg_logical_and' | 'agg_logical_or' | 'agg_min' | 'agg_max' | 'agg_sum' | 'special'}`;

/** Key-spec flags as Redis's command JSON spells them (COMMAND INFO lowercases all but RO/RW/OW/RM). */
export type KeySpecFlag = 'RO' | 'RW' | 'OW' | 'RM' | 'ACCESS' | 'UPDATE' | 'INSERT' | 'DELETE' | 'NOT_KEY' | 'INCOMPLETE' | 'VARIABLE_FLAGS';

/**
 * One of Redis 7's key specs: where the search for keys begins (an argv index, or after a keyword
 * searched for from `startfrom`, negative from the end) and how keys are found from there (a range:
 * `lastkey` relative to the start, negative from the end, every `keystep`-th, `limit` > 1 meaning
 * 1/limit of what remains; or a count at `keynumidx` followed by keys from `firstkey`). 'unknown'
 * where no rule describes it (the command's own key function does).
 */
export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  /** With VARIABLE_FLAGS: the flags one argv really gives its key (COMMAND GETKEYSANDFLAGS), as the command's getkeys function says. */
  readonly flagsFor?: (argv: readonly string[]) => readonly KeySpecFlag[];
  readonly begin: { readonly index: number } | { readonly keyword: string; readonly startfrom: number } | 'unknown';
  readonly find: { readonly lastkey: number; readonly keystep: number; readonly limit: number } | { readonly keynumidx: number; readonly firstkey: number; readonly keystep: number } | 'unknown';
}

export type ArgType = 'key' | 'string' | 'integer' | 'double' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
export type ArgFlag = 'optional' | 'multiple' | 'multiple_token';

/** One argument of a command as COMMAND DOCS describes it (Redis's command JSON). */
export interface ArgDoc {
  readonly name: string;
  readonly type: ArgType;
  /** The key spec (index into CommandSpec.keySpecs) a `key` argument is found by. */
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly flags?: readonly ArgFlag[];
  readonly arguments?: readonly ArgDoc[];
}

/** COMMAND DOCS doc_flags. */
export type DocFlag = 'deprecated' | 'syscmd';

export type Handler = (ctx: CommandContext, argv: string[]) => Reply | Promise<Reply>;

export interface CommandSpec {
  /** Lower-case; subcommands are named `container|sub` as Redis does (`config|get`). */
  readonly name: string;
  /** Redis convention: N means exactly N arguments including the name, -N means at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** `flags` as a bitmask (flagBit), so the executor's per-command checks are one AND. */
  readonly flagBits: number;
  /**
   * Bounded-cost command whose pipelined runs the executor times with one clock read (see
   * Executor.settleRun): every `fast` command, plus those CommandDef.boundedCost names.
   */
  readonly runTimed: boolean;
  /**
   * Legacy key positions (1-based argv index; lastKey -1 = last argument; 0 = no keys), derived
   * from keySpecs as Redis derives them (populateCommandLegacyRangeSpec).
   */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** For commands whose keys move (numkeys arguments): the argv indexes of the keys. */
  readonly keys: ((argv: readonly string[]) => number[]) | undefined;
  /** Redis 7's key specs (COMMAND INFO), the source of firstKey/lastKey/step. */
  readonly keySpecs: readonly KeySpec[];
  /** ACL categories in Redis's order: the declared ones plus those the flags imply (setImplicitACLCategories). */
  readonly acl: readonly AclCategory[];
  readonly tips: readonly CommandTip[];
  readonly group: CommandGroup;
  readonly summary: string;
  readonly since: string;
  /** Undefined where Redis documents none (MONITOR, LOLWUT). */
  readonly complexity: string | undefined;
  /** COMMAND DOCS history: [version, what changed]. */
  readonly history: readonly (readonly [string, string])[];
  readonly docFlags: readonly DocFlag[];
  readonly deprecatedSince: string | undefined;
  readonly replacedBy: string | undefined;
  /** ringcache's own remark for docs/commands.md (not part of COMMAND DOCS). */
  readonly notes: string | undefined;
  /** The arguments, as COMMAND DOCS reports them. */
  readonly arguments: readonly ArgDoc[];
  /** Argument syntax after the command name, in Redis documentation notation (rendered from `arguments`). */
  readonly syntax: string;
  readonly handler: Handler | undefined;
  readonly subcommands: readonly CommandSpec[] | undefined;
}

export interface SlowlogEntry {
  readonly id: number;
  readonly time: number;
  readonly durationUs: number;
  readonly argv: readonly string[];
  readonly addr: string;
  readonly name: string;
}


/** Counters INFO reports that live outside the store. */
export interface ServerStats {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Writes since the last successful save (rdb_changes_since_last_save). */
  dirty: number;
  errorReplies: number;
}

/** The scripting service handlers reach through ServerApi: EVAL and the script cache (FCALL and the function libraries join it). */
export interface ScriptingApi {
  /** EVAL / EVALSHA (`sha`) and their _RO forms (`ro`); `argv` is the whole command. */
  eval(ctx: CommandContext, argv: readonly string[], sha: boolean, ro: boolean): Reply | Promise<Reply>;
  /** SCRIPT LOAD: compiles and caches the body; its SHA1. Throws Redis's compile error. */
  load(body: string): { readonly sha: string };
  /** SCRIPT EXISTS for one SHA1. */
  exists(sha: string): boolean;
  /** SCRIPT FLUSH. */
  flush(): void;
  /** SCRIPT KILL (`evalKind`) / FUNCTION KILL: throws NOTBUSY, BUSY or UNKILLABLE as Redis does. */
  kill(evalKind: boolean): void;
  readonly scriptCount: number;
  /**
   * Whether argv runs a script or function that declares `no-writes` (a `#!lua flags=` shebang, a
   * cached script's, or a registered function's flags): such a call is no write for CLIENT PAUSE.
   */
  declaresNoWrites(argv: readonly string[]): boolean;
  /** Bytes the Lua heap holds. */
  luaMemory(): number;
  /** used_memory_scripts_eval. */
  readonly scriptsMemory: number;
  /** The function libraries and FCALL (FUNCTION ...). */
  readonly functions: FunctionsApi;
}

/** Node-level services the server, connection and keyspace families use. */
export interface ServerApi {
  readonly nodeId: string;
  readonly version: string;
  readonly startedAt: number;
  readonly tcpPort: number;
  readonly config: ConfigRuntime;
  readonly stats: ServerStats;
  readonly commandStats: ReadonlyMap<string, CommandStat>;
  readonly pubsub: PubSub;
  commands(): readonly CommandSpec[];
  lookupCommand(name: string): CommandSpec | undefined;
  clients(): Iterable<Client>;
  /** Clients parked in a blocking command (INFO blocked_clients). */
  blockedClients(): number;
  /** CLIENT UNBLOCK: true if the client was blocked. `error` answers it with an UNBLOCKED error. */
  unblockClient(id: number, error: boolean): boolean;
  slowlog(): readonly SlowlogEntry[];
  slowlogReset(): void;
  resetStats(): void;
  /** One snapshot of the node's figures (INFO, /metrics and /stats all read this). */
  figures(): NodeFigures;
  /**
   * Stops the node (SHUTDOWN). The reply is never sent: the connection closes. Rejects with a
   * CommandError, leaving the node running, when the final save fails without FORCE.
   */
  shutdown(opts?: ShutdownOptions): Promise<void>;
  /** Snapshots and AOF (SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, INFO persistence); absent in unit-test servers. */
  readonly persistence?: PersistenceApi;
  /**
   * Membership and slot ownership for the CLUSTER commands. Present means cluster-enabled (INFO
   * redis_mode/cluster_enabled, HELLO mode: commands/cluster.ts clusterMode); absent only in
   * unit-test servers, which answer as a standalone redis-server.
   */
  readonly cluster?: ClusterApi;
  /** Standalone replication (REPLICAOF, PSYNC, WAIT, ROLE, INFO replication); absent in unit-test servers. */
  readonly replication?: ReplicationApi;
  /** The Lua engine, the script cache and the function libraries (EVAL, SCRIPT, FUNCTION, FCALL). */
  readonly scripting: ScriptingApi;
  /** Blocks the event loop, as Redis's DEBUG SLEEP blocks the server. */
  blockFor(ms: number): void;
  /** Users and permissions (AUTH, HELLO AUTH, ACL, CLIENT LIST user=, scripts' redis.call). */
  readonly acl: AclApi;
}

/** The node's ACL state (acl/acl.ts), as commands use it. */
export interface AclApi {
  readonly defaultUser: AclUser;
  readonly env: RuleEnv;
  /** Whether an unauthenticated client must AUTH first (the default user has a password or is off). */
  authRequired(): boolean;
  /** Whether `pass` authenticates `name` (enabled, nopass or a matching password); nothing logged. */
  credentialsOk(name: string, pass: string): boolean;
  /** The executor's gate: NOAUTH / NOPERM for this client (logged in ACL LOG), or null. */
  refuse(client: Client, spec: CommandSpec, argv: readonly string[], inExec: boolean): CommandError | null;
  /** AUTH / HELLO AUTH: true and the client runs as `name`; false logs the failure (ACL LOG). */
  authenticate(client: Client, name: string, pass: string, command: string): boolean;
  user(name: string): AclUser | undefined;
  sortedUsers(): AclUser[];
  /** The rules of ACL LIST / the aclfile after `user <name> `. */
  describe(u: AclUser): string;
  /** ACL SETUSER: null, or Redis's error text (nothing changed then). */
  setUser(name: string, args: readonly string[]): string | null;
  /** ACL DELUSER: how many existed; their connections close (`current`'s after its reply). */
  delUsers(names: readonly string[], current: Client): number;
  check(u: AclUser, spec: CommandSpec, argv: readonly string[]): Denial | null;
  /** Whether `u` may run argv and read every key (SORT's BY and GET, as Redis checks them). */
  readsAllKeys(u: AclUser, spec: CommandSpec, argv: readonly string[]): boolean;
  /** redis.call's ACL check: the script's error text, or null; a denial goes to the ACL LOG (context lua). */
  scriptRefusal(client: Client, spec: CommandSpec, argv: readonly string[]): string | null;
  logEntries(count: number): readonly AclLogEntry[];
  logReset(): void;
  readonly hasAclfile: boolean;
  /** ACL LOAD: null, or Redis's error text (the users stay as they were). */
  load(current: Client | null): string | null;
  save(): boolean;
}

/** MULTI/EXEC/WATCH control, implemented by the executor (the only place that knows the queue). */
export interface TransactionControl {
  multi(): void;
  exec(): Reply;
  discard(): void;
  watch(keys: readonly string[]): void;
  unwatch(): void;
}

/** CLIENT PAUSE modes: `write` holds the commands that may write (Redis 7's WRITE), `all` every command. */
export type PauseMode = 'write' | 'all';

/**
 * Connection-level controls of the node that only the executor can give, because it is the one
 * place every client's commands pass through.
 */
export interface ConnectionControl {
  /**
   * CLIENT PAUSE: until `endMs` (unix ms). A pause already in effect keeps the stricter mode and
   * the later end, as Redis's pauseClients does. `endMs` in the past ends nothing and pauses nothing.
   */
  pause(mode: PauseMode, endMs: number): void;
  /** CLIENT UNPAUSE: held commands run again, in the order they arrived. */
  unpause(): void;
  /** MONITOR: the client gets a line per command executed from now on, until RESET or it closes. */
  monitor(client: Client): void;
  /** RESET of a monitor: it leaves monitor mode. */
  unmonitor(client: Client): void;
  /** CLIENT TRACKING / CACHING and CLUSTER TRACK (server-assisted client-side caching). */
  readonly tracking: TrackingControl;
}

/**
 * How a script (EVAL, FCALL) runs commands: implemented by the executor, the one place that
 * resolves, checks and journals them.
 */
export interface ScriptControl {
  /**
   * Runs `fn` as a script of the client: commands it issues with `call` run here in order,
   * unrouted and unqueued, and their writes are journaled with the caller's, inside MULTI ... EXEC
   * (Redis propagates a script by its effects). The client's db, last command and protocol are
   * restored afterwards (SELECT in a script does not move its caller). `start`: the script begins
   * now, so MONITOR is shown the script command before the commands it runs (Redis's evalCommand).
   */
  run<T>(fn: () => T, start?: boolean): T;
  /**
   * One redis.call: the command's reply, or `{ refused }` with the script-level error (unknown
   * command, wrong arity, or what `check` says of the resolved spec). `propagate` false keeps
   * the command's writes out of the journal (redis.set_repl). The command runs in protocol `proto`
   * (the script's, RESP2 unless redis.setresp(3)), not the caller's, as Redis's Lua client does.
   */
  call(argv: string[], check: (spec: CommandSpec) => string | null, propagate: boolean, proto: 2 | 3): Reply | { readonly refused: string };
}

export interface CommandContext {
  readonly client: Client;
  /** CLIENT PAUSE / UNPAUSE and MONITOR. */
  readonly control: ConnectionControl;
  readonly store: Store;
  /** The client's selected database. */
  readonly db: Keyspace;
  /** Command time (unix ms), fixed for the duration of the command. */
  readonly now: number;
  readonly server: ServerApi;
  /** True while the command runs inside EXEC: blocking commands must answer at once, not block. */
  readonly inMulti: boolean;
  /** True while a script (EVAL, FCALL) runs the command: blocking options are refused, unordered output is sorted. */
  readonly inScript: boolean;
  readonly tx: TransactionControl;
  readonly script: ScriptControl;
  /**
   * Journal a write as it must be replayed (AOF, replicas): relative TTLs already made absolute,
   * random choices already made. A write handler calls this once per effect.
   */
  propagate(argv: readonly string[]): void;
  /**
   * Raises a keyspace notification (notify-keyspace-events) for a key of the selected database:
   * `event` is Redis's event name (`set`, `del`, `expire`, `lpush` ...), `cls` its class.
   */
  notify(cls: NotifyClass, event: string, key: string): void;
  /**
   * Blocks the client until `tryServe` succeeds for one of `keys` (it is retried, inside a fresh
   * command context of this client, after any command touches one of them) or `timeoutMs`
   * passes (0 = forever), then answers with its reply or `onTimeout()`. Inside MULTI a blocking
   * command must not call this (it answers as if timed out at once, as Redis does).
   */
  block(keys: readonly string[], timeoutMs: number, tryServe: (ctx: CommandContext) => Reply | null, onTimeout: () => Reply): Promise<Reply>;
}

// ---------------------------------------------------------------------------------------------
// The function libraries (FUNCTION ..., FCALL) that ScriptingApi.functions exposes to handlers.

/** FUNCTION RESTORE's policy for libraries already loaded. */
export type RestorePolicy = 'flush' | 'append' | 'replace';

/** One library as FUNCTION LIST reports it. */
export interface FunctionLibrary {
  readonly name: string;
  readonly engine: string;
  readonly code: string;
  readonly functions: readonly { readonly name: string; readonly description: string | null; readonly flags: readonly string[] }[];
}

/** FUNCTION STATS. */
export interface FunctionStats {
  readonly running: { readonly name: string; readonly argv: readonly string[]; readonly durationMs: number } | null;
  readonly libraries: number;
  readonly functions: number;
}

/** The function libraries (FUNCTION ..., FCALL): every method throws Redis's error as a CommandError. */
export interface FunctionsApi {
  /** FUNCTION LOAD: the library's name. `timeoutMs` 0 runs the library's code without a limit (replay, peers). */
  load(code: string, replace: boolean, timeoutMs: number): string;
  delete(name: string): void;
  flush(): void;
  /** FUNCTION LIST [LIBRARYNAME pattern]. */
  list(pattern: string | null): FunctionLibrary[];
  stats(): FunctionStats;
  /** FUNCTION DUMP's payload (latin1 bytes). */
  dump(): string;
  restore(payload: string, policy: RestorePolicy): void;
  /** FCALL / FCALL_RO; `argv` is the whole command. */
  fcall(ctx: CommandContext, argv: readonly string[], ro: boolean): Reply | Promise<Reply>;
  /** Commands that recreate every library on replay (AOF rewrite base, snapshots). */
  rewriteCommands(): string[][];
  readonly libraryCount: number;
  readonly functionCount: number;
}
