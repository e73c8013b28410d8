// ACL rules: parsing `ACL SETUSER` / aclfile operations onto users and selectors, and writing them back as Redis 7.0 does (ACL LIST, GETUSER, SAVE).
import { createHash } from 'node:crypto';
import { ACL_CATEGORIES, type AclCategory } from '../contracts/command.js';
import { lookupAclCommand } from './table.js';
import { AclUser, KEY_ALL, KEY_READ, KEY_WRITE, Selector, type AclCommand, type AclCommandTable, type KeyPattern, type RuleEnv } from './user.js';

/** Why an operation was refused: Redis's errno values of ACLSetUser, mapped to its messages. */
export type RuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD';

const RULE_MESSAGES: Record<RuleError, string> = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
};

export function ruleMessage(e: RuleError): string {
  return RULE_MESSAGES[e];
}

export function hashPassword(pass: string): string {
  return createHash('sha256').update(pass, 'latin1').digest('hex');
}

/** Redis's ACLStringHasSpaces: whitespace or NUL. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

const HASH_RE = /^[0-9a-f]{64}$/;

function setBit(sel: Selector, cmd: AclCommand, allow: boolean): void {
  sel.allowed[cmd.id] = allow ? 1 : 0;
  if (!allow) sel.allCommands = false;
}

/** ACLChangeSelectorPerm: a command and all its subcommands; its first-args go. */
function changePerm(sel: Selector, cmd: AclCommand, allow: boolean): void {
  setBit(sel, cmd, allow);
  sel.firstArgs?.delete(cmd.id);
  for (const sub of cmd.subs) setBit(sel, sub, allow);
}

function changeCategory(sel: Selector, table: AclCommandTable, cat: AclCategory, allow: boolean): void {
  for (const c of table.all) if (c.categories.has(cat)) changePerm(sel, c, allow);
}

function categoryOf(name: string): AclCategory | undefined {
  const n = name.toLowerCase();
  return ACL_CATEGORIES.find((c) => c === n);
}

/** `~pattern`, `%R~pattern`, `%W~pattern`, `%RW~pattern`. */
function addKeyPattern(sel: Selector, op: string): RuleError | null {
  if (sel.allKeys) return 'EEXIST';
  let flags = 0;
  let offset = 1;
  if (op[0] === '%') {
    let closed = false;
    for (; offset < op.length; offset++) {
      const ch = (op[offset] as string).toUpperCase();
      if (ch === 'R' && (flags & KEY_READ) === 0) flags |= KEY_READ;
      else if (ch === 'W' && (flags & KEY_WRITE) === 0) flags |= KEY_WRITE;
      else if (op[offset] === '~') {
        offset++;
        closed = true;
        break;
      } else return 'EINVAL';
    }
    // Redis 7.0 accepts `%R` without `~` or without a permission and then cannot describe it; refused as 7.2 does.
    if (!closed || flags === 0) return 'EINVAL';
  } else flags = KEY_ALL;
  const pattern = op.slice(offset);
  if (hasSpaces(pattern)) return 'EINVAL';
  const existing = sel.patterns.find((p) => p.pattern === pattern);
  if (existing === undefined) sel.patterns.push({ pattern, flags });
  else existing.flags |= flags;
  sel.allKeys = false;
  return null;
}

function allowCommand(sel: Selector, table: AclCommandTable, name: string): RuleError | null {
  const bar = name.lastIndexOf('|');
  if (bar < 0) {
    const cmd = lookupAclCommand(table, name);
    if (cmd === undefined) return 'ENOENT';
    changePerm(sel, cmd, true);
    return null;
  }
  const cmd = lookupAclCommand(table, name.slice(0, bar));
  const sub = name.slice(bar + 1);
  if (cmd === undefined) return 'ENOENT';
  if (cmd.parent !== null) return 'ECHILD';
  if (sub === '') return 'EINVAL';
  if (cmd.subs.length > 0) {
    const full = lookupAclCommand(table, name);
    if (full === undefined) return 'ENOENT';
    changePerm(sel, full, true);
    return null;
  }
  // First-arg of a command without subcommands (+select|0): deprecated in Redis, still honoured.
  sel.firstArgs ??= new Map();
  const list = sel.firstArgs.get(cmd.id) ?? [];
  if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
  sel.firstArgs.set(cmd.id, list);
  return null;
}

/** ACLSetSelector: one key, channel or command operation. */
export function applySelectorOp(sel: Selector, op: string, env: RuleEnv): RuleError | null {
  const lower = op.toLowerCase();
  if (lower === 'allkeys' || lower === '~*') {
    sel.allKeys = true;
    sel.patterns = [];
  } else if (lower === 'resetkeys') {
    sel.allKeys = false;
    sel.patterns = [];
  } else if (lower === 'allchannels' || lower === '&*') {
    sel.allChannels = true;
    sel.channels = [];
  } else if (lower === 'resetchannels') {
    sel.allChannels = false;
    sel.channels = [];
  } else if (lower === 'allcommands' || lower === '+@all') {
    sel.allowed.fill(1);
    sel.allCommands = true;
    sel.future = true;
    sel.firstArgs = null;
  } else if (lower === 'nocommands' || lower === '-@all') {
    sel.allowed.fill(0);
    sel.allCommands = false;
    sel.future = false;
    sel.firstArgs = null;
  } else if (op[0] === '~' || op[0] === '%') {
    return addKeyPattern(sel, op);
  } else if (op[0] === '&') {
    if (sel.allChannels) return 'EISDIR';
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) return 'EINVAL';
    if (!sel.channels.includes(pattern)) sel.channels.push(pattern);
    sel.allChannels = false;
  } else if (op[0] === '+' && op[1] !== '@') {
    return allowCommand(sel, env.table, op.slice(1));
  } else if (op[0] === '-' && op[1] !== '@') {
    const cmd = lookupAclCommand(env.table, op.slice(1));
    if (cmd === undefined) return 'ENOENT';
    changePerm(sel, cmd, false);
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    const cat = categoryOf(op.slice(2));
    if (cat === undefined) return 'ENOENT';
    changeCategory(sel, env.table, cat, op[0] === '+');
  } else {
    return 'EINVAL';
  }
  return null;
}

function newSelector(env: RuleEnv, root: boolean): Selector {
  return new Selector(root, env.table.all.length, env.pubsubAll());
}

/** A fresh user as ACLCreateUser makes it: off, no passwords, no permissions. */
export function newUser(name: string, env: RuleEnv): AclUser {
  return new AclUser(name, env.table.all.length, env.pubsubAll());
}

/** ACLSetUser: one user-level operation (flags, passwords, selectors) or a root-selector one. */
export function applyUserOp(u: AclUser, op: string, env: RuleEnv): RuleError | null {
  if (op === '') return null;
  const lower = op.toLowerCase();
  if (lower === 'on') u.enabled = true;
  else if (lower === 'off') u.enabled = false;
  else if (lower === 'skip-sanitize-payload') u.sanitize = 2;
  else if (lower === 'sanitize-payload') u.sanitize = 1;
  else if (lower === 'nopass') {
    u.nopass = true;
    u.passwords = [];
  } else if (lower === 'resetpass') {
    u.nopass = false;
    u.passwords = [];
  } else if (op[0] === '>' || op[0] === '#') {
    const hash = op[0] === '>' ? hashPassword(op.slice(1)) : op.slice(1);
    if (op[0] === '#' && !HASH_RE.test(hash)) return 'EBADMSG';
    if (!u.passwords.includes(hash)) u.passwords.push(hash);
    u.nopass = false;
  } else if (op[0] === '<' || op[0] === '!') {
    const hash = op[0] === '<' ? hashPassword(op.slice(1)) : op.slice(1);
    if (op[0] === '!' && !HASH_RE.test(hash)) return 'EBADMSG';
    const i = u.passwords.indexOf(hash);
    if (i < 0) return 'ENODEV';
    u.passwords.splice(i, 1);
  } else if (op[0] === '(' && op[op.length - 1] === ')') {
    const sel = newSelector(env, false);
    for (const inner of splitArgs(op.slice(1, -1))) {
      const e = applySelectorOp(sel, inner, env);
      if (e !== null) return e;
    }
    u.selectors.push(sel);
  } else if (lower === 'clearselectors') {
    u.selectors = [u.root];
  } else if (lower === 'reset') {
    for (const o of ['resetpass', 'resetkeys', 'resetchannels']) applyUserOp(u, o, env);
    if (env.pubsubAll()) applyUserOp(u, 'allchannels', env);
    for (const o of ['off', 'sanitize-payload', 'clearselectors', '-@all']) applyUserOp(u, o, env);
  } else {
    const e = applySelectorOp(u.root, op, env);
    if (e !== null) return e;
  }
  u.refresh();
  return null;
}

/** sdssplitargs for selector bodies: space-separated, with "double" and 'single' quotes. Null on unbalanced quotes. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) out.push(m[2].replace(/\\'/g, "'"));
    else if (m[3] !== undefined) out.push(m[3]);
    if (re.lastIndex >= s.length) break;
  }
  return out;
}

/**
 * ACLMergeSelectorArguments: a selector spread over several arguments (`(~x` `+get)`) becomes one.
 * Returns the index of an unclosed `(` argument instead when one is left open.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | { readonly unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j] as string;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  return open !== -1 ? { unmatched: open } : out;
}

// ------------------------------------------------------------------ describing

function countCategory(bits: Uint8Array, table: AclCommandTable, cat: AclCategory): [number, number] {
  let on = 0;
  let off = 0;
  for (const c of table.all) {
    if (!c.redis70 || !c.categories.has(cat)) continue;
    if (bits[c.id] === 1) on++;
    else off++;
  }
  return [on, off];
}

/**
 * ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that best approximate the
 * bits (greedy, as Redis), then single commands and first-args to make them exact. Single commands
 * come in command-table order (Redis walks a hash table, so its order varies between servers).
 */
export function describeCommandRules(sel: Selector, env: RuleEnv): string {
  const table = env.table;
  const additive = !sel.future;
  const fake = new Selector(false, table.all.length, false);
  applySelectorOp(fake, additive ? '-@all' : '+@all', env);
  const rules: string[] = [additive ? '-@all' : '+@all'];
  const temp = new Selector(false, table.all.length, false);
  temp.allowed = sel.allowed.slice();
  const applied = new Set<AclCategory>();
  for (;;) {
    let best: AclCategory | null = null;
    let mindiff = Number.MAX_SAFE_INTEGER;
    let maxsame = 0;
    for (const cat of ACL_CATEGORIES) {
      if (applied.has(cat)) continue;
      const [on, off] = countCategory(temp.allowed, table, cat);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = cat;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === null) break;
    changeCategory(fake, table, best, additive);
    changeCategory(temp, table, best, !additive);
    rules.push(`${additive ? '+' : '-'}@${best}`);
    applied.add(best);
  }
  const single = (cmds: readonly AclCommand[]): void => {
    for (const c of cmds) {
      const userbit = sel.allowed[c.id] === 1;
      if (userbit !== (fake.allowed[c.id] === 1)) {
        rules.push(`${userbit ? '+' : '-'}${c.name}`);
        changePerm(fake, c, userbit);
      }
      if (c.subs.length > 0) single(c.subs);
      if (!userbit) for (const a of sel.firstArgs?.get(c.id) ?? []) rules.push(`+${c.name}|${a}`);
    }
  };
  single(table.top);
  return rules.join(' ');
}

function patternString(p: KeyPattern): string {
  return `${p.flags === KEY_ALL ? '~' : p.flags === KEY_READ ? '%R~' : '%W~'}${p.pattern}`;
}

/** ACL GETUSER's `keys` field. */
export function describeKeys(sel: Selector): string {
  return sel.allKeys ? '~*' : sel.patterns.map(patternString).join(' ');
}

/** ACL GETUSER's `channels` field. */
export function describeChannels(sel: Selector): string {
  return sel.allChannels ? '&*' : sel.channels.map((c) => `&${c}`).join(' ');
}

/** ACLDescribeSelector: keys, channels, then command rules. */
export function describeSelector(sel: Selector, env: RuleEnv): string {
  let res = '';
  if (sel.allKeys) res += '~* ';
  else for (const p of sel.patterns) res += `${patternString(p)} `;
  if (sel.allChannels) res += '&* ';
  else {
    res += 'resetchannels ';
    for (const c of sel.channels) res += `&${c} `;
  }
  return res + describeCommandRules(sel, env);
}

/** The flags ACL GETUSER lists and ACL LIST starts with, in Redis's order. */
export function userFlags(u: AclUser): string[] {
  const f: string[] = [u.enabled ? 'on' : 'off'];
  if (u.nopass) f.push('nopass');
  if (u.sanitize === 2) f.push('skip-sanitize-payload');
  if (u.sanitize === 1) f.push('sanitize-payload');
  return f;
}

/** ACLDescribeUser: the rules after `user <name> ` in ACL LIST and the aclfile. */
export function describeUser(u: AclUser, env: RuleEnv): string {
  let res = userFlags(u).map((f) => `${f} `).join('');
  for (const p of u.passwords) res += `#${p} `;
  for (const s of u.selectors) res += s.root ? describeSelector(s, env) : ` (${describeSelector(s, env)})`;
  return res;
}
