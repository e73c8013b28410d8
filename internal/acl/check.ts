// Permission checks: may a user run this argv (command bits, first-args, keys by key-spec access flags, Pub/Sub channels), as Redis's ACLCheckAllUserCommandPerm.
import type { CommandSpec, KeySpec, KeySpecFlag } from '../contracts/command.js';
import { keySpecPositions } from '../commands/command-info.js';
import { keyIndexes } from '../commands/spec.js';
import { compileGlob, matchCompiled, type CompiledGlob } from '../glob/glob.js';
import { DENIED_CHANNEL, DENIED_CMD, DENIED_KEY, KEY_READ, KEY_WRITE, type AclCommand, type AclUser, type Denial, type Selector } from './user.js';

interface KeyRef {
  readonly pos: number;
  readonly need: number;
}

/** What a key spec's flags ask of a pattern: ACCESS reads, INSERT / DELETE / UPDATE write. */
function needOf(flags: readonly KeySpecFlag[]): number {
  let need = 0;
  for (const f of flags) {
    if (f === 'ACCESS') need |= KEY_READ;
    else if (f === 'INSERT' || f === 'DELETE' || f === 'UPDATE') need |= KEY_WRITE;
  }
  return need;
}

/** Compiled glob patterns, shared by every selector holding the same pattern text. */
const GLOBS = new Map<string, CompiledGlob>();
const GLOBS_MAX = 10_000;

function glob(pattern: string): CompiledGlob {
  let g = GLOBS.get(pattern);
  if (g === undefined) {
    if (GLOBS.size >= GLOBS_MAX) GLOBS.clear();
    g = compileGlob(pattern);
    GLOBS.set(pattern, g);
  }
  return g;
}

/** The permissions each key spec asks for, computed once per spec. */
const NEEDS = new WeakMap<KeySpec, number>();

function needOfSpec(k: KeySpec): number {
  let n = NEEDS.get(k);
  if (n === undefined) {
    n = needOf(k.flags);
    NEEDS.set(k, n);
  }
  return n;
}

/** A key spec Redis trusts over the command's getkeys function: known search, no INCOMPLETE / VARIABLE_FLAGS. */
function reliable(k: KeySpec): boolean {
  return k.begin !== 'unknown' && k.find !== 'unknown' && !k.flags.includes('INCOMPLETE') && !k.flags.includes('VARIABLE_FLAGS');
}

/** The keys of argv with the permissions each needs (getKeysFromCommandWithSpecs). */
export function keyRefs(spec: CommandSpec, argv: readonly string[]): KeyRef[] {
  if (spec.firstKey === 0 && spec.keys === undefined && spec.keySpecs.length === 0) return [];
  // Redis prefers the key specs when they are all reliable: EVAL "" 3 a b names no key at all.
  if (spec.keySpecs.length > 0 && spec.keySpecs.every(reliable)) {
    const out: KeyRef[] = [];
    for (const k of spec.keySpecs) {
      if (k.flags.includes('NOT_KEY')) continue;
      const need = needOfSpec(k);
      for (const pos of keySpecPositions(k, argv)) out.push({ pos, need });
    }
    return out;
  }
  let idx: number[];
  try {
    idx = keyIndexes(spec, argv);
  } catch {
    return [];
  }
  if (idx.length === 0) return [];
  const found = spec.keySpecs.map((k) => new Set(keySpecPositions(k, argv)));
  // A key only the movable-keys function finds (SORT ... STORE dst) has the last 'unknown' spec's
  // flags, as Redis's getkeys procs assign them (see COMMAND GETKEYSANDFLAGS).
  const unknownSpec = spec.keySpecs.findLast((k) => k.begin === 'unknown');
  const out: KeyRef[] = [];
  for (const pos of idx) {
    const k = spec.keySpecs[found.findIndex((s) => s.has(pos))] ?? unknownSpec ?? spec.keySpecs[0];
    const flags = k === undefined ? [] : k.flagsFor !== undefined ? k.flagsFor(argv) : k.flags;
    // NOT_KEY specs (SPUBLISH's shard channel) name no key: Redis's GET_KEYSPEC_DEFAULT skips them.
    if (!flags.includes('NOT_KEY')) out.push({ pos, need: needOf(flags) });
  }
  return out;
}

interface ChannelRef {
  readonly pos: number;
  readonly pattern: boolean;
}

/** Redis 7.0's commands_with_channels, the publish and subscribe ones (unsubscribing is always allowed). */
export function channelRefs(name: string, argv: readonly string[]): ChannelRef[] {
  if (name === 'publish' || name === 'spublish') return argv.length > 1 ? [{ pos: 1, pattern: false }] : [];
  if (name !== 'subscribe' && name !== 'ssubscribe' && name !== 'psubscribe') return [];
  const out: ChannelRef[] = [];
  for (let i = 1; i < argv.length; i++) out.push({ pos: i, pattern: name === 'psubscribe' });
  return out;
}

/** ACLCheckChannelAgainstList: a pattern (PSUBSCRIBE) must appear literally, a channel must match. */
export function channelAllowed(list: readonly string[], channel: string, pattern: boolean): boolean {
  for (const p of list) if (pattern ? p === channel : matchCompiled(glob(p), channel)) return true;
  return false;
}

function keyAllowed(sel: Selector, key: string, need: number): boolean {
  if (sel.allKeys) return true;
  for (const p of sel.patterns) if ((p.flags & need) === need && matchCompiled(glob(p.pattern), key)) return true;
  return false;
}

/** ACLSelectorCheckCmd: null when this selector allows it. */
function checkSelector(sel: Selector, cmd: AclCommand, argv: readonly string[], keys: () => KeyRef[], channels: ChannelRef[]): Denial | null {
  if (!sel.allCommands && !cmd.noAuth && sel.allowed[cmd.id] !== 1) {
    const allowed = sel.firstArgs?.get(cmd.id);
    const arg = argv[cmd.parent !== null ? 2 : 1];
    if (allowed === undefined || arg === undefined || !allowed.some((a) => a.toLowerCase() === arg.toLowerCase())) return { reason: DENIED_CMD, pos: 0 };
  }
  if (!sel.allKeys) {
    for (const k of keys()) if (!keyAllowed(sel, argv[k.pos] as string, k.need)) return { reason: DENIED_KEY, pos: k.pos };
  }
  if (!sel.allChannels) {
    for (const c of channels) if (!channelAllowed(sel.channels, argv[c.pos] as string, c.pattern)) return { reason: DENIED_CHANNEL, pos: c.pos };
  }
  return null;
}

/** ACLCheckAllUserCommandPerm: allowed if any selector allows it; else the most relevant denial. */
export function checkUser(u: AclUser, cmd: AclCommand, spec: CommandSpec, argv: readonly string[]): Denial | null {
  let cached: KeyRef[] | null = null;
  const keys = (): KeyRef[] => (cached ??= keyRefs(spec, argv));
  const channels = channelRefs(cmd.name, argv);
  let relevant: Denial = { reason: DENIED_CMD, pos: 0 };
  for (const sel of u.selectors) {
    const d = checkSelector(sel, cmd, argv, keys, channels);
    if (d === null) return null;
    if (d.reason > relevant.reason || (d.reason === relevant.reason && d.pos > relevant.pos)) relevant = d;
  }
  return relevant;
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the command and grants `need`
 * on every key (allkeys, or a `*` pattern with those permissions). SORT's BY and GET need it.
 */
export function unrestrictedKeys(u: AclUser, cmd: AclCommand, spec: CommandSpec, argv: readonly string[], need: number): boolean {
  let cached: KeyRef[] | null = null;
  const keys = (): KeyRef[] => (cached ??= keyRefs(spec, argv));
  const channels = channelRefs(cmd.name, argv);
  return u.selectors.some(
    (sel) => checkSelector(sel, cmd, argv, keys, channels) === null && (sel.allKeys || sel.patterns.some((p) => p.pattern === '*' && (p.flags & need) === need)),
  );
}
