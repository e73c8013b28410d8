// The ACL view of the command table: dense ids for every command and subcommand, and category membership from the specs.
import type { CommandSpec } from '../contracts/command.js';
import { hasFlag } from '../commands/spec.js';
import type { AclCommand, AclCommandTable } from './user.js';

interface MutableCommand extends AclCommand {
  subs: AclCommand[];
}

/** Redis 7.0 has it: not a RedisBloom group, and `since` between 1.0 and 7.0 (ringcache's own commands say 0.x). */
function isRedis70(spec: CommandSpec): boolean {
  if (spec.group === 'bf' || spec.group === 'cf') return false;
  const [major = 0, minor = 0] = spec.since.split('.').map(Number);
  return major >= 1 && (major < 7 || (major === 7 && minor === 0));
}

/** Builds the table from the registry's top-level specs (their subcommands are walked too). */
export function buildAclTable(specs: readonly CommandSpec[]): AclCommandTable {
  const all: AclCommand[] = [];
  const top: AclCommand[] = [];
  const byName = new Map<string, AclCommand>();
  const add = (spec: CommandSpec, parent: MutableCommand | null): MutableCommand => {
    const c: MutableCommand = {
      id: all.length,
      name: spec.name.toLowerCase(),
      categories: new Set(spec.acl),
      parent,
      subs: [],
      noAuth: hasFlag(spec, 'no_auth'),
      redis70: isRedis70(spec),
    };
    all.push(c);
    byName.set(c.name, c);
    return c;
  };
  for (const spec of specs) {
    const c = add(spec, null);
    top.push(c);
    for (const sub of spec.subcommands ?? []) c.subs.push(add(sub, c));
  }
  return { all, top, byName };
}

/**
 * Redis's lookupCommandBySdsLogic over the ACL table: `cmd` or `container|sub`; a `|` after a
 * command without subcommands, or a second `|`, names nothing.
 */
export function lookupAclCommand(table: AclCommandTable, name: string): AclCommand | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = table.byName.get(parts[0] as string);
  if (base === undefined || base.parent !== null) return undefined;
  if (parts.length === 1) return base;
  if (base.subs.length === 0) return undefined;
  const sub = table.byName.get(`${base.name}|${parts[1] as string}`);
  return sub?.parent === base ? sub : undefined;
}
