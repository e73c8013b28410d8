// The node's ACL state: users, the default user (requirepass), authentication, the per-command gate, ACL LOG, and the aclfile (LOAD / SAVE).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagBit } from '../commands/spec.js';
import type { AclApi, CommandSpec } from '../contracts/command.js';
import { CommandError, errors } from '../contracts/errors.js';
import type { Client } from '../server/client.js';
import { channelAllowed, checkUser, unrestrictedKeys } from './check.js';
import { AclLog } from './log.js';
import { applyUserOp, describeUser, hashPassword, hasSpaces, mergeSelectorArgs, newUser, ruleMessage } from './rules.js';
import { buildAclTable } from './table.js';
import { DENIED_AUTH, DENIED_CMD, DENIED_KEY, KEY_READ, type AclCommandTable, type AclLogContext, type AclLogEntry, type AclUser, type Denial, type RuleEnv } from './user.js';

export interface AclOptions {
  /** acl-pubsub-default is allchannels. */
  pubsubAll: () => boolean;
  logMaxLen: () => number;
  /** aclfile, resolved against the data directory; '' when unset. */
  aclfile: () => string;
  now: () => number;
  clients: () => Iterable<Client>;
}

/** How Redis words a denial at the top level, when EXEC finds a queued command no longer allowed, and inside a script. */
function topLevelError(d: Denial, name: string): CommandError {
  if (d.reason === DENIED_CMD) return new CommandError('NOPERM', `this user has no permissions to run the '${name}' command`);
  if (d.reason === DENIED_KEY) return new CommandError('NOPERM', 'this user has no permissions to access one of the keys used as arguments');
  return new CommandError('NOPERM', 'this user has no permissions to access one of the channels used as arguments');
}

function execError(d: Denial): CommandError {
  const reason =
    d.reason === DENIED_CMD
      ? 'no permission to execute the command or subcommand'
      : d.reason === DENIED_KEY
        ? 'no permission to touch the specified keys'
        : 'no permission to access one of the channels used as arguments';
  return new CommandError(
    'NOPERM',
    `ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`,
  );
}

/** Redis's getAclErrorMessage, as scripts and redis.acl_check_cmd report it. */
export function denialMessage(d: Denial): string {
  if (d.reason === DENIED_CMD) return "can't run this command or subcommand";
  if (d.reason === DENIED_KEY) return "can't access at least one of the keys mentioned in the command arguments";
  return "can't publish to the channel mentioned in the command";
}

/** ACL DRYRUN's answer for a denial. */
export function dryrunMessage(d: Denial, name: string, argv: readonly string[]): string {
  if (d.reason === DENIED_CMD) return `This user has no permissions to run the '${name}' command`;
  return `This user has no permissions to access the '${argv[d.pos] as string}' ${d.reason === DENIED_KEY ? 'key' : 'channel'}`;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

export class Acl implements AclApi {
  readonly table: AclCommandTable;
  readonly env: RuleEnv;
  readonly log = new AclLog();
  private users = new Map<string, AclUser>();
  /** The same object for the node's life: ACL LOAD copies the new rules into it, as Redis does. */
  readonly defaultUser: AclUser;

  constructor(
    specs: readonly CommandSpec[],
    private readonly opts: AclOptions,
  ) {
    this.table = buildAclTable(specs);
    this.env = { table: this.table, pubsubAll: opts.pubsubAll };
    this.defaultUser = this.createDefault();
    this.users.set('default', this.defaultUser);
  }

  private createDefault(): AclUser {
    const u = newUser('default', this.env);
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) applyUserOp(u, op, this.env);
    return u;
  }

  /** Redis's authRequired for a client not authenticated yet: the default user has a password, or is off. */
  authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  /** requirepass: the default user's only password, or nopass when empty (ACLUpdateDefaultUserPassword). */
  setRequirepass(pass: string): void {
    applyUserOp(this.defaultUser, 'resetpass', this.env);
    applyUserOp(this.defaultUser, pass === '' ? 'nopass' : `>${pass}`, this.env);
  }

  user(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Users by name, in byte order (Redis keeps them in a radix tree). */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  describe(u: AclUser): string {
    return describeUser(u, this.env);
  }

  /** ACLCheckUserCredentials. */
  credentialsOk(name: string, pass: string): boolean {
    const u = this.users.get(name);
    if (u === undefined || !u.enabled) return false;
    if (u.nopass) return true;
    const h = hashPassword(pass);
    let ok = false;
    for (const p of u.passwords) if (sameHash(h, p)) ok = true;
    return ok;
  }

  /** AUTH / HELLO AUTH: on success the client runs as that user; a failure goes to the ACL LOG. */
  authenticate(client: Client, name: string, pass: string, command: string): boolean {
    if (this.credentialsOk(name, pass)) {
      client.authenticated = true;
      client.user = this.users.get(name) as AclUser;
      return true;
    }
    this.logEvent(client, DENIED_AUTH, client.multi !== null ? 'multi' : 'toplevel', command, name);
    return false;
  }

  logEntries(count: number): readonly AclLogEntry[] {
    return this.log.list(count);
  }

  logReset(): void {
    this.log.reset();
  }

  logEvent(client: Client, reason: number, context: AclLogContext, object: string, username: string): void {
    const now = this.opts.now();
    this.log.add({ reason, context, object, username, ctime: now, cinfo: client.describe(now) }, this.opts.logMaxLen());
  }

  /** The permission check alone (DRYRUN, scripts): null when allowed. */
  check(u: AclUser, spec: CommandSpec, argv: readonly string[]): Denial | null {
    if (u.free) return null;
    const cmd = this.table.byName.get(spec.name);
    if (cmd === undefined) return null;
    return checkUser(u, cmd, spec, argv);
  }

  /** May `u` run argv and read every key (SORT's BY and GET patterns)? */
  readsAllKeys(u: AclUser, spec: CommandSpec, argv: readonly string[]): boolean {
    if (u.free) return true;
    const cmd = this.table.byName.get(spec.name);
    return cmd !== undefined && unrestrictedKeys(u, cmd, spec, argv, KEY_READ);
  }

  private logDenial(client: Client, d: Denial, context: AclLogContext, spec: CommandSpec, argv: readonly string[]): void {
    const object = d.reason === DENIED_CMD ? spec.name : (argv[d.pos] as string);
    this.logEvent(client, d.reason, context, object, client.user.name);
  }

  /**
   * The executor's gate for a client that is not both authenticated and unrestricted: NOAUTH, or
   * NOPERM in Redis's words (at the top level or when queued; `inExec` when EXEC runs the queue).
   */
  refuse(client: Client, spec: CommandSpec, argv: readonly string[], inExec: boolean): CommandError | null {
    const e = this.refusal(client, spec, argv, inExec);
    // Refused while queueing: EXEC will answer EXECABORT, as Redis's rejectCommand flags the transaction.
    if (e !== null && client.multi !== null) client.multi.failed = true;
    return e;
  }

  private refusal(client: Client, spec: CommandSpec, argv: readonly string[], inExec: boolean): CommandError | null {
    if (!client.authenticated && (spec.flagBits & NO_AUTH_BIT) === 0 && this.authRequired()) return errors.noAuth();
    const d = this.check(client.user, spec, argv);
    if (d === null) return null;
    this.logDenial(client, d, inExec || client.multi !== null ? 'multi' : 'toplevel', spec, argv);
    return inExec ? execError(d) : topLevelError(d, spec.name);
  }

  /** A script's redis.call: the error the script raises, or null (Redis's scriptVerifyACL). */
  scriptRefusal(client: Client, spec: CommandSpec, argv: readonly string[]): string | null {
    const d = this.check(client.user, spec, argv);
    if (d === null) return null;
    this.logDenial(client, d, 'lua', spec, argv);
    return `The user executing the script ${denialMessage(d)}`;
  }

  /** ACL SETUSER: every rule applies to a copy first, so an error changes nothing. Returns Redis's error text or null. */
  setUser(name: string, args: readonly string[]): string | null {
    const merged = mergeSelectorArgs(args);
    if (!Array.isArray(merged)) {
      return `Unmatched parenthesis in acl selector starting at '${args[(merged as { unmatched: number }).unmatched] as string}'.`;
    }
    const existing = this.users.get(name);
    const temp = newUser(name, this.env);
    if (existing !== undefined) temp.copyFrom(existing);
    for (const op of merged) {
      const e = applyUserOp(temp, op, this.env);
      if (e !== null) return `Error in ACL SETUSER modifier '${op}': ${ruleMessage(e)}`;
    }
    if (existing !== undefined) {
      this.killRevokedSubscribers(temp, existing);
      existing.copyFrom(temp);
    } else {
      const u = newUser(name, this.env);
      u.copyFrom(temp);
      this.users.set(name, u);
    }
    return null;
  }

  /**
   * ACLKillPubsubClientsIfNeeded: subscribers of `original` holding a channel or pattern the new
   * rules no longer cover are disconnected. Nothing happens when the new channel list keeps every old one.
   */
  private killRevokedSubscribers(next: AclUser, original: AclUser): void {
    if (next.selectors.some((s) => s.allChannels)) return;
    const upcoming = next.selectors.flatMap((s) => s.channels);
    const superset = original.selectors.every((s) => !s.allChannels && s.channels.every((c) => upcoming.includes(c)));
    if (superset) return;
    for (const c of this.opts.clients()) {
      if (c.user !== original || c.subscriptions === 0) continue;
      const revoked =
        [...c.patterns].some((p) => !channelAllowed(upcoming, p, true)) ||
        [...c.channels].some((ch) => !channelAllowed(upcoming, ch, false)) ||
        [...c.shardChannels].some((ch) => !channelAllowed(upcoming, ch, false));
      if (revoked) c.kill();
    }
  }

  /** ACL DELUSER: the count deleted; connections of a deleted user are closed (the caller's after its reply). */
  delUsers(names: readonly string[], current: Client): number {
    let deleted = 0;
    for (const name of names) {
      const u = this.users.get(name);
      if (u === undefined) continue;
      this.users.delete(name);
      this.dropUser(u, current);
      deleted++;
    }
    return deleted;
  }

  /** ACLFreeUserAndKillClients. */
  private dropUser(u: AclUser, current: Client | null): void {
    u.live = false;
    for (const c of this.opts.clients()) {
      if (c.user !== u) continue;
      c.user = this.defaultUser;
      c.authenticated = false;
      if (c === current) c.closeAfterReply = true;
      else c.kill();
    }
  }

  /** ACL GENPASS: `bits` random bits as hex (rounded up to whole characters). */
  static genpass(bits: number): string {
    const chars = Math.floor((bits + 3) / 4);
    return randomBytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars);
  }

  private aclfilePath(): string {
    return this.opts.aclfile();
  }

  get hasAclfile(): boolean {
    return this.opts.aclfile() !== '';
  }

  /** ACL SAVE: `user <name> <rules>` lines, written to a temp file and renamed over the aclfile. */
  save(): boolean {
    const file = this.aclfilePath();
    const text = this.sortedUsers()
      .map((u) => `user ${u.name} ${this.describe(u)}\n`)
      .join('');
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      writeFileSync(tmp, text, { encoding: 'latin1', mode: 0o644 });
      renameSync(tmp, file);
      return true;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written.
      }
      return false;
    }
  }

  /**
   * ACL LOAD (and startup): the whole file or nothing. Returns null, or Redis's one-line list of
   * the problems found (then the users stay as they were). Connections of users that are gone or
   * were replaced are closed, as Redis frees every old user.
   */
  load(current: Client | null, displayName?: string): string | null {
    const file = this.aclfilePath();
    const shown = displayName ?? file;
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      return `Error loading ACLs, opening file '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String((e as Error).message)}`;
    }
    const parsed = parseAclText(text, shown, this.env);
    if (typeof parsed === 'string') return parsed;
    const fresh = parsed.get('default') ?? this.createDefault();
    parsed.delete('default');
    const old = this.users;
    this.defaultUser.copyFrom(fresh);
    this.users = new Map([['default', this.defaultUser], ...parsed]);
    for (const [name, u] of old) if (name !== 'default') this.dropUser(u, current);
    return null;
  }
}

const NO_AUTH_BIT = flagBit('no_auth');

/** ACLLoadFromFile's parsing half: the users of a file, or its error text. */
export function parseAclText(text: string, file: string, env: RuleEnv): Map<string, AclUser> | string {
  const users = new Map<string, AclUser>();
  let errs = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const linenum = i + 1;
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errs += `${file}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    const name = argv[1] as string;
    if (hasSpaces(name)) {
      errs += `'${file}:${linenum}: username '${name}' contains invalid characters. `;
      continue;
    }
    if (users.has(name)) {
      errs += `WARNING: Duplicate user '${name}' found on line ${linenum}. `;
      continue;
    }
    const u = newUser(name, env);
    users.set(name, u);
    const merged = mergeSelectorArgs(argv.slice(2));
    if (!Array.isArray(merged)) {
      errs += `${file}:${linenum}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    let syntax = false;
    for (const raw of merged) {
      const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, '');
      const e = applyUserOp(u, op, env);
      if (e === 'ENOENT') errs += `${file}:${linenum}: Error in applying operation '${op}': ${ruleMessage(e)}. `;
      else if (e !== null && !syntax) {
        errs += `${file}:${linenum}: ${ruleMessage(e)}. `;
        syntax = true;
      }
    }
  }
  if (errs !== '') return `${errs}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
  return users;
}

/** The aclfile's path: relative names are relative to the data directory, as Redis (which chdirs there) reads them. */
export function aclfilePath(dir: string, file: string): string {
  return file === '' ? '' : resolve(dir, file);
}
