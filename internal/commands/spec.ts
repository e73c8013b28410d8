// CommandSpec: the single source of truth for a command's name, arity, flags, key positions and docs.
import { COMMAND_FLAGS, type CommandFlag, type CommandSpec, type Handler, type CommandGroup } from '../contracts/command.js';

const FLAG_BITS = Object.fromEntries(COMMAND_FLAGS.map((f, i) => [f, 1 << i])) as Record<CommandFlag, number>;

/** The bit of one flag in CommandSpec.flagBits. */
export function flagBit(flag: CommandFlag): number {
  return FLAG_BITS[flag];
}


export interface CommandDef {
  name: string;
  arity: number;
  flags?: readonly CommandFlag[];
  /** [first, last, step]; omitted when the command takes no keys. */
  keys?: readonly [number, number, number];
  movableKeys?: (argv: readonly string[]) => number[];
  group: CommandGroup;
  summary: string;
  since: string;
  complexity?: string;
  syntax?: string;
  handler?: Handler;
  subcommands?: readonly CommandSpec[];
  /**
   * O(1) here although Redis does not flag it `fast` (SET: Redis frees an overwritten value
   * synchronously, here the garbage collector does it later), so pipelined runs of it may share
   * one clock read. Not reported by COMMAND INFO.
   */
  boundedCost?: boolean;
}

/** Builds a CommandSpec with Redis's defaults for what a definition leaves out. */
export function command(def: CommandDef): CommandSpec {
  const [firstKey, lastKey, step] = def.keys ?? [0, 0, 0];
  const flags = def.movableKeys ? [...(def.flags ?? []), 'movablekeys' as const] : (def.flags ?? []);
  // Every spec has every field (undefined where absent): one object shape keeps the executor's
  // property loads monomorphic instead of megamorphic across the command table.
  const spec: CommandSpec = {
    name: def.name.toLowerCase(),
    arity: def.arity,
    flags,
    flagBits: flags.reduce((bits, f) => bits | flagBit(f), 0),
    runTimed: (flags.includes('fast') || def.boundedCost === true) && !flags.includes('skip_slowlog'),
    firstKey,
    lastKey,
    step,
    keys: def.movableKeys,
    group: def.group,
    summary: def.summary,
    since: def.since,
    complexity: def.complexity ?? 'O(1)',
    syntax: def.syntax ?? '',
    handler: def.handler,
    subcommands: def.subcommands,
  };
  return spec;
}

/**
 * The spec an argv names, descending into a container's subcommand (`CONFIG GET` -> config|get),
 * through `lookup` (ServerApi.lookupCommand); undefined when unknown or when a container's
 * subcommand is missing. For commands that name other commands (COMMAND GETKEYS, CLUSTER HANDOFF).
 */
export function specForArgv(lookup: (fullName: string) => CommandSpec | undefined, argv: readonly string[]): CommandSpec | undefined {
  const spec = lookup((argv[0] ?? '').toLowerCase());
  if (spec === undefined || spec.subcommands === undefined) return spec;
  const sub = argv[1];
  return sub === undefined ? undefined : lookup(`${spec.name}|${sub.toLowerCase()}`);
}

export function hasFlag(spec: CommandSpec, flag: CommandFlag): boolean {
  return (spec.flagBits & flagBit(flag)) !== 0;
}

/** Argument indexes holding keys, from the spec's key positions (or its movable-keys function). */
export function keyIndexes(spec: CommandSpec, argv: readonly string[]): number[] {
  if (spec.keys) return spec.keys(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step) out.push(i);
  return out;
}

/** True when argc satisfies the arity rule. */
export function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}
