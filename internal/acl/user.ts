// ACL users and selectors as data: what a user may run (command bits, first-args), touch (key patterns) and reach (channels).
/** Key-pattern permissions (%R~ / %W~ / ~). */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
export const KEY_ALL = KEY_READ | KEY_WRITE;

export interface KeyPattern {
  readonly pattern: string;
  flags: number;
}

/**
 * The command table as ACLs see it: every command and subcommand with a dense id (the index of
 * its bit in a selector), looked up by full name (`config|get`).
 */
export interface AclCommand {
  readonly id: number;
  /** Full name, lower case (`config|get`). */
  readonly name: string;
  readonly categories: ReadonlySet<string>;
  readonly parent: AclCommand | null;
  readonly subs: readonly AclCommand[];
  /** no_auth commands (AUTH, HELLO...) are allowed whatever the command bits say. */
  readonly noAuth: boolean;
  /**
   * A Redis 7.0 command (not RedisBloom's, a later Redis's, or ringcache's own): only these are
   * counted when ACL LIST picks categories, so the rules read as redis-server 7.0 writes them.
   */
  readonly redis70: boolean;
}

/** Redis's ACL_DENIED_* codes; their order decides which failure of several selectors is reported. */
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;

/** Why a user may not run an argv. */
export interface Denial {
  readonly reason: typeof DENIED_CMD | typeof DENIED_KEY | typeof DENIED_CHANNEL;
  /** argv index of the key or channel refused (0 for a command). */
  readonly pos: number;
}

export type AclLogContext = 'toplevel' | 'multi' | 'lua';

/** One ACL LOG entry. */
export interface AclLogEntry {
  count: number;
  readonly reason: number;
  readonly context: AclLogContext;
  readonly object: string;
  readonly username: string;
  /** Unix ms of the last event grouped into this entry. */
  ctime: number;
  /** CLIENT LIST line of the (last) client. */
  cinfo: string;
}

/** What the rules need besides the user: the command table and acl-pubsub-default. */
export interface RuleEnv {
  readonly table: AclCommandTable;
  /** acl-pubsub-default is allchannels: new selectors start with &*. */
  readonly pubsubAll: () => boolean;
}

export interface AclCommandTable {
  /** Parents and subcommands, each container followed by its subcommands (Redis's table walk). */
  readonly all: readonly AclCommand[];
  /** Parents only, in table order. */
  readonly top: readonly AclCommand[];
  /** By lower-case full name. */
  readonly byName: ReadonlyMap<string, AclCommand>;
}

/** One selector: the root one (outside parentheses) or a `(...)` one. */
export class Selector {
  allKeys = false;
  allChannels = false;
  /** Every command bit set with nothing removed since (+@all): the check skips the bits. */
  allCommands = false;
  /** Set by +@all / allcommands only: commands added later would be allowed (ACL LIST starts with +@all). */
  future = false;
  allowed: Uint8Array;
  /** Allowed first arguments of otherwise blocked commands (+select|0), by command id. */
  firstArgs: Map<number, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly root: boolean,
    size: number,
    allChannels: boolean,
  ) {
    this.allowed = new Uint8Array(size);
    this.allChannels = allChannels;
  }

  copy(): Selector {
    const s = new Selector(this.root, this.allowed.length, this.allChannels);
    s.allKeys = this.allKeys;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = this.allowed.slice();
    s.firstArgs = this.firstArgs === null ? null : new Map([...this.firstArgs].map(([k, v]) => [k, v.slice()]));
    s.patterns = this.patterns.map((p) => ({ ...p }));
    s.channels = this.channels.slice();
    return s;
  }
}

export class AclUser {
  enabled = false;
  nopass = false;
  /** Redis's sanitize-payload / skip-sanitize-payload flags (0: neither set). */
  sanitize: 0 | 1 | 2 = 0;
  /** SHA-256 hex digests of the passwords, in the order they were added. */
  passwords: string[] = [];
  /** The root selector first. */
  selectors: Selector[];
  /**
   * The root selector allows every command, key and channel: the executor's one test per command
   * skips the permission check for such a user (the default user, usually).
   */
  free = false;
  /** False once deleted (ACL DELUSER, ACL LOAD): its connections are closed. */
  live = true;

  constructor(
    readonly name: string,
    commandCount: number,
    allChannels: boolean,
  ) {
    this.selectors = [new Selector(true, commandCount, allChannels)];
  }

  get root(): Selector {
    return this.selectors[0] as Selector;
  }

  /** ACLCopyUser: every rule of `src` (the name stays). */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = src.passwords.slice();
    this.selectors = src.selectors.map((s) => s.copy());
    this.refresh();
  }

  refresh(): void {
    const r = this.root;
    this.free = r.allCommands && r.allKeys && r.allChannels;
  }
}

/**
 * The node's own clients (HTTP API, AOF loading, slot handoff, peer links): Redis runs its internal
 * clients with no user, which may run anything. Never stored in the users table.
 */
export const INTERNAL_USER: AclUser = (() => {
  const u = new AclUser('default', 0, true);
  const r = u.root;
  r.allCommands = r.allKeys = r.future = true;
  u.enabled = u.nopass = true;
  u.refresh();
  return u;
})();
